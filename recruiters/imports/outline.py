"""Where the cards of a vCard file and the events of an iCalendar file begin and end.

The libraries read the values (vobject the vCards, icalendar the calendars), but neither
tells on which line of the file a card, an event or a bad value is (vobject's line numbers
start at 0 and are one short after a blank line; icalendar keeps none), and both pass over
what an import refuses: a property outside any BEGIN ... END, a card that begins inside
another, an END that does not match its BEGIN (icalendar ends whatever is open). This walks
the content lines once, BEGIN to END, so that errors and the preview name lines as a text
editor counts them.
"""

from recruiters.imports.files import BadFile


def components(lines, wanted):
    """[(line of BEGIN, [item])] of each `wanted` component (VCARD, VEVENT).

    `lines` gives (line number, the line as written, NAME in upper case, value, item) for
    each content line. The items of the component's own lines are collected, not those of
    components nested in it (VALARM in VEVENT). BadFile where BEGIN and END do not pair up.
    """
    found, stack, current = [], [], None
    for number, line, name, value, item in lines:
        if name == "BEGIN":
            kind = value.strip().upper()
            if kind == wanted and current is not None:
                raise BadFile(
                    f"A new {wanted} begins before the one from line {current[0]} has ended "
                    f"(END:{wanted} is missing).",
                    line=number,
                )
            stack.append((kind, number))
            if kind == wanted:
                current = (number, [])
        elif name == "END":
            kind = value.strip().upper()
            if not stack or stack[-1][0] != kind:
                expected = f"END:{stack[-1][0]}" if stack else "nothing"
                raise BadFile(f"END:{kind} here, where {expected} was expected.", line=number)
            stack.pop()
            if kind == wanted:
                found.append(current)
                current = None
        elif not stack:
            raise BadFile(
                f"“{line[:40]}” is outside any BEGIN:{wanted} ... END:{wanted}.", line=number
            )
        elif current is not None and stack[-1][0] == wanted:
            current[1].append(item)
    if stack:
        kind, number = stack[-1]
        raise BadFile(f"BEGIN:{kind} on line {number} has no END:{kind}.", line=number)
    return found


def shown(line):
    """A line as an error message quotes it."""
    return line if len(line) <= 60 else line[:57] + "..."
