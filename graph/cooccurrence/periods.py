"""Periods of time — a day, an ISO week, a month — as intervals between instants in UTC.

Each period is the half-open interval [start, end) of UTC instants, by one rule per kind:

* ``day`` ``1987-03-15``: from 00:00 UTC on that date to 00:00 UTC the day after;
* ``week`` ``1987-W11``: an ISO 8601 week — from 00:00 UTC on its Monday to 00:00 UTC on the
  next Monday; weeks are numbered within their ISO year, whose first week is the one holding
  its first Thursday (so 2019-12-30, a Monday, starts ``2020-W01``);
* ``month`` ``1987-03``: from 00:00 UTC on its first day to 00:00 UTC on the next month's first.

An article belongs to the period holding its ``schema:datePublished`` taken as an instant (its
time zone applied; a date-time without a zone is UTC, as :func:`graph.cooccurrence.window.parse_date`
reads it), so ``1987-03-31T23:30:00-02:00`` is in April. The periods of one kind partition time:
each article is in exactly one, and a period's counts are those of the single window
``--since START --until END−1µs`` (:meth:`Period.window`; ``tests/test_dynamic_reuters.py``
checks every period of the Reuters corpus against it).

Periods are also numbered by an integer *code* that grows with time (consecutive periods have
consecutive codes), which is what the counting in :mod:`graph.cooccurrence.periodcounts` sorts.

>>> p = parse_period("1987-W11")
>>> p.start.isoformat(), p.end.isoformat()
('1987-03-09T00:00:00+00:00', '1987-03-16T00:00:00+00:00')
>>> period_of(parse_date("1987-03-31T23:30:00-02:00"), "month").label
'1987-04'
>>> period_of(parse_date("2019-12-30T08:00:00Z"), "week").label
'2020-W01'
>>> [p.label for p in period_range(parse_period("1987-12"), parse_period("1988-02"))]
['1987-12', '1988-01', '1988-02']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
from newsgraph.cooccurrence.window import Window, parse_date
from newsgraph.errors import QueryError

__all__ = [
    "KINDS",
    "Period",
    "PeriodCoder",
    "parse_period",
    "period_of",
    "period_range",
    "periods_covering",
]

KINDS = ("day", "week", "month")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
#: The last microsecond of a period: its window's ``until`` (windows are inclusive).
_TICK = timedelta(microseconds=1)


def check_kind(kind: str) -> str:
    """``kind`` when it names a period kind, else a :class:`QueryError` naming the choices."""
    if kind not in KINDS:
        raise QueryError(f"period {kind!r}: choose one of {', '.join(KINDS)}")
    return kind


@dataclass(frozen=True, order=True)
class Period:
    """One period: its ``kind`` and its integer ``code`` (see the module)."""

    kind: str
    code: int

    @classmethod
    def starting(cls, kind: str, day: date) -> Period:
        """The period of ``kind`` holding the (UTC) calendar date ``day``.

        >>> Period.starting("week", date(1987, 3, 15)).label   # a Sunday
        '1987-W11'
        """
        check_kind(kind)
        if kind == "month":
            return cls(kind, day.year * 12 + day.month - 1)
        ordinal = day.toordinal()
        if kind == "week":
            return cls(kind, (ordinal - 1) // 7)  # ordinal 1 (0001-01-01) is a Monday
        return cls(kind, ordinal)

    @property
    def first_day(self) -> date:
        """The (UTC) date the period starts on."""
        if self.kind == "month":
            year, month = divmod(self.code, 12)
            return date(year, month + 1, 1)
        if self.kind == "week":
            return date.fromordinal(self.code * 7 + 1)
        return date.fromordinal(self.code)

    @property
    def last_day(self) -> date:
        """The (UTC) date the period ends on, included.

        >>> parse_period("1988-02").last_day.isoformat()
        '1988-02-29'
        """
        return self.next().first_day - timedelta(days=1)

    @property
    def start(self) -> datetime:
        """The period's first instant (UTC), included."""
        return datetime.combine(self.first_day, time(), UTC)

    @property
    def end(self) -> datetime:
        """The first instant (UTC) after the period: the next period's start."""
        return self.next().start

    @property
    def label(self) -> str:
        """``1987-03``, ``1987-W11`` or ``1987-03-15``."""
        first = self.first_day
        if self.kind == "month":
            return f"{first.year:04d}-{first.month:02d}"
        if self.kind == "week":
            year, week, _ = first.isocalendar()
            return f"{year:04d}-W{week:02d}"
        return first.isoformat()

    def next(self, steps: int = 1) -> Period:
        """The period ``steps`` after this one (before it, when negative)."""
        return replace(self, code=self.code + steps)

    def window(self, base: Window | None = None) -> Window:
        """The single window of this period: ``base``'s topic and type, and its own bounds
        (both inclusive, as windows are: ``until`` is the last microsecond before :attr:`end`).

        >>> parse_period("1987-03").window().describe()["until"]
        '1987-03-31T23:59:59.999999Z'
        """
        return replace(base or Window(), since=self.start, until=self.end - _TICK)

    def __str__(self) -> str:
        return self.label


def parse_period(label: str) -> Period:
    """The period a label names; its form tells the kind.

    >>> parse_period("1987-03-15").kind, parse_period("2020-W53").first_day.isoformat()
    ('day', '2020-12-28')
    >>> parse_period("1987-13")
    Traceback (most recent call last):
    ...
    newsgraph.errors.QueryError: '1987-13' is not a period: use YYYY-MM, YYYY-Www or YYYY-MM-DD
    """
    text = label.strip()
    try:
        if match := _MONTH.match(text):
            return Period.starting("month", date(int(match[1]), int(match[2]), 1))
        if match := _WEEK.match(text):
            first = date.fromisocalendar(int(match[1]), int(match[2]), 1)
            return Period.starting("week", first)
        if match := _DAY.match(text):
            return Period.starting("day", date(int(match[1]), int(match[2]), int(match[3])))
    except ValueError:
        pass
    raise QueryError(f"{label!r} is not a period: use YYYY-MM, YYYY-Www or YYYY-MM-DD")


def period_of(instant: datetime, kind: str) -> Period:
    """The period of ``kind`` holding ``instant`` (an aware datetime; naive ones are UTC)."""
    moment = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    return Period.starting(kind, moment.astimezone(UTC).date())


def period_range(first: Period, last: Period) -> list[Period]:
    """Every period from ``first`` to ``last``, both included (empty when ``last`` is earlier)."""
    if first.kind != last.kind:
        raise QueryError(f"periods of two kinds: {first.kind} and {last.kind}")
    return [Period(first.kind, code) for code in range(first.code, last.code + 1)]


def periods_covering(since: datetime, until: datetime, kind: str) -> list[Period]:
    """The periods of ``kind`` that hold an instant from ``since`` to ``until`` (inclusive).

    >>> from newsgraph.cooccurrence.window import parse_bound
    >>> [p.label for p in periods_covering(parse_bound("1987-03-30"), parse_bound("1987-04", end=True), "week")]
    ['1987-W14', '1987-W15', '1987-W16', '1987-W17', '1987-W18']
    """
    return period_range(period_of(since, kind), period_of(until, kind))


class PeriodCoder:
    """The period code of many ``xsd:dateTime`` lexical forms, quickly.

    A form in UTC (``Z``, ``+00:00``, ``-00:00``) or without a zone is in the period of its
    first ten characters (its date), which is looked up once per date; any other zone is
    applied first (:func:`period_of`).

    >>> coder = PeriodCoder("month")
    >>> codes = coder.codes(["1987-03-31T23:30:00Z", "1987-03-31T23:30:00-02:00"])
    >>> [Period("month", c).label for c in codes.tolist()]
    ['1987-03', '1987-04']
    """

    def __init__(self, kind: str) -> None:
        self.kind = check_kind(kind)
        self._by_date: dict[str, int] = {}

    def code(self, text: str) -> int:
        """The code of one lexical form (see the class)."""
        zoned = text[-6:-5] in ("+", "-") and text[-3:-2] == ":"
        in_utc = text.endswith("Z") or not zoned or text.endswith(("+00:00", "-00:00"))
        if in_utc and text[4:5] == "-" and text[10:11] in ("T", ""):
            day = text[:10]
            found = self._by_date.get(day)
            if found is None:
                found = Period.starting(self.kind, date.fromisoformat(day)).code
                self._by_date[day] = found
            return found
        return period_of(parse_date(text), self.kind).code

    def codes(self, texts: Iterable[str]) -> np.ndarray:
        """The codes of many lexical forms, as an int64 array."""
        return np.fromiter(map(self.code, texts), dtype=np.int64)
