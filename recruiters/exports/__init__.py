"""Taking data out: CSV per table, the whole account as JSON, the iCalendar feed."""
