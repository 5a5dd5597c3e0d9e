"""Bringing data in: LinkedIn, vCard, Google Contacts, iCalendar and CSV files."""
