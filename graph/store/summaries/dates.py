"""The dates the summaries read themselves, and only where their reading is the engine's.

The engine (Oxigraph) reads an ``xsd:dateTime`` or ``xsd:date`` literal by XSD 1.1; a literal it
cannot read — a zone beyond ±14:00, digits that are not ASCII, a leap second, 30 February — stays
a literal on which ``YEAR``, ``MONTH`` and ``ORDER BY`` do something else than on a date. Python
reads more than XSD allows (``\\d`` matches any script's digits, ``fromisoformat`` takes zones up
to ±23:59) and less (years beyond 9999, before 0001, more than six decimals).

So the summaries read one form only, where both readings are the same value: ASCII digits; a
year of exactly four digits from 0001; a day that exists; hours 00–23, minutes and seconds 00–59,
at most six decimals (Python's microseconds); a zone ``Z`` or from -14:00 to +14:00. Every
literal of that form is valid XSD, and Python's proleptic Gregorian calendar with fixed offsets
gives it XSD's value. Anything else reads as None, and the summaries leave the entity to the
engine. ``tests/test_summaries_dates.py`` compares both readings form by form,
``tests/test_summaries_differential.py`` the answers on generated dates.

>>> DT = ox.NamedNode(XSD + "dateTime")
>>> instant(ox.Literal("1970-01-01T01:00:00+01:00", datatype=DT))
0
>>> instant(ox.Literal("1970-01-01T01:00:00+15:00", datatype=DT)) is None  # not an XSD zone
True
>>> month(ox.Literal("2025-12-31T23:00:00-02:00", datatype=DT))  # the local month, as MONTH
'2025-12'
>>> month(ox.Literal("0987-03-01", datatype=ox.NamedNode(XSD + "date")))  # STR(YEAR): "987"
'987-03'
>>> month(ox.Literal("２０２６-01-01T00:00:00Z", datatype=DT)) is None  # not ASCII digits
True
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pyoxigraph as ox
from newsgraph.vocab.namespaces import XSD

__all__ = ["instant", "month"]

_DAY = r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
_TIME = (
    r"T(?P<hour>[01][0-9]|2[0-3]):(?P<minute>[0-5][0-9]):(?P<second>[0-5][0-9])"
    r"(?:\.(?P<fraction>[0-9]{1,6}))?"
)
_ZONE = r"(?P<zone>Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
#: The forms read, by datatype (``[0-9]``, never ``\d``: only ASCII digits).
_DATE_TIME = XSD + "dateTime"
_FORMS = {
    _DATE_TIME: re.compile(_DAY + _TIME + _ZONE),
    XSD + "date": re.compile(_DAY + _ZONE),
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _read(date: object) -> datetime | None:
    """``date`` as a datetime (naive without a zone) when it has the one form read, else None."""
    if not isinstance(date, ox.Literal):
        return None
    form = _FORMS.get(date.datatype.value)
    found = form.fullmatch(date.value) if form else None
    if found is None:
        return None
    part = found.groupdict()
    zone = part["zone"]
    if zone is None:
        tz = None
    elif zone == "Z":
        tz = UTC
    else:
        offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
        tz = timezone(-offset if zone[0] == "-" else offset)
    try:
        return datetime(
            int(part["year"]),
            int(part["month"]),
            int(part["day"]),
            int(part.get("hour") or 0),
            int(part.get("minute") or 0),
            int(part.get("second") or 0),
            int((part.get("fraction") or "").ljust(6, "0")),
            tzinfo=tz,
        )
    except ValueError:  # year 0000, a day the month does not have
        return None


def instant(date: object) -> int | None:
    """Microseconds since the epoch of an ``xsd:dateTime`` with a zone that has the one form the
    summaries read, else None (the engine orders it)."""
    if not isinstance(date, ox.Literal) or date.datatype.value != _DATE_TIME:
        return None
    moment = _read(date)
    if moment is None or moment.tzinfo is None:
        return None
    try:
        return (moment - _EPOCH) // timedelta(microseconds=1)
    except OverflowError:
        return None


def month(date: object) -> str | None:
    """The month ``entity-mentions-per-month`` puts ``date`` in — ``STR(YEAR)``, a dash, the
    month on two digits, of the local date as the engine's ``YEAR`` and ``MONTH`` take it — when
    it has the one form the summaries read, else None."""
    moment = _read(date)
    return None if moment is None else f"{moment.year}-{moment.month:02d}"
