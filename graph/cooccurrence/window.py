"""The window of a co-occurrence analysis: which articles count.

An article is in the window when it mentions at least one entity (``schema:mentions``) and, for
each bound that is set, its ``schema:datePublished`` lies within ``since`` … ``until`` (both
inclusive) and it is ``schema:about`` the topic. ``entity_type`` does not change the window:
it restricts which entities become nodes, while N, p(x) and p(x,y) stay those of the window.

>>> w = Window(since=parse_bound("1987-03-01"), until=parse_bound("1987-03-31", end=True))
>>> w.admits("1987-03-31T18:00:00Z"), w.admits("1987-04-01T00:00:00Z")
(True, False)
>>> sorted(w.bindings())
['since', 'until']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pyoxigraph as ox
from newsgraph.errors import QueryError
from newsgraph.vocab.namespaces import XSD

__all__ = ["Window", "format_bound", "parse_bound", "parse_date"]

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH_ONLY = re.compile(r"^\d{4}-\d{2}$")
_YEAR_ONLY = re.compile(r"^\d{4}$")


def parse_date(text: str) -> datetime:
    """An ``xsd:dateTime`` lexical form as an aware datetime (no zone → UTC).

    >>> parse_date("1987-02-26T15:01:01.79+02:00").isoformat()
    '1987-02-26T15:01:01.790000+02:00'
    >>> parse_date("2026-01-02T03:04:05Z").tzinfo is not None
    True
    """
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_bound(text: str, *, end: bool = False) -> datetime:
    """A ``--since``/``--until`` value: a year, a month, a date or a date-time.

    A year, month or date alone starts at its first instant (UTC) or, with ``end``, includes its
    last: ``--until 1987-03`` takes in all of March.

    >>> parse_bound("1987-03").isoformat()
    '1987-03-01T00:00:00+00:00'
    >>> parse_bound("1987-03", end=True).isoformat()
    '1987-03-31T23:59:59.999999+00:00'
    >>> parse_bound("1987", end=True).isoformat()
    '1987-12-31T23:59:59.999999+00:00'
    >>> parse_bound("1987-03-05T10:00:00+01:00").isoformat()
    '1987-03-05T10:00:00+01:00'
    """
    text = text.strip()
    try:
        if _YEAR_ONLY.match(text):
            first = datetime(int(text), 1, 1, tzinfo=UTC)
            after = first.replace(year=first.year + 1)
        elif _MONTH_ONLY.match(text):
            first = datetime.strptime(text, "%Y-%m").replace(tzinfo=UTC)
            after = (first + timedelta(days=32)).replace(day=1)
        elif _DATE_ONLY.match(text):
            first = datetime.combine(datetime.strptime(text, "%Y-%m-%d"), time(), UTC)
            after = first + timedelta(days=1)
        else:
            return parse_date(text.replace(" ", "T", 1))
    except ValueError:
        raise QueryError(
            f"{text!r} is not a date: use YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 date-time"
        ) from None
    return after - timedelta(microseconds=1) if end else first


def format_bound(value: datetime) -> str:
    """The canonical ``xsd:dateTime`` form of a bound (UTC written as ``Z``)."""
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@dataclass(frozen=True)
class Window:
    """Which articles an analysis counts (see the module docstring)."""

    since: datetime | None = None
    until: datetime | None = None
    topic: str | None = None
    entity_type: str | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise QueryError(
                f"--since {format_bound(self.since)} is after --until {format_bound(self.until)}"
            )

    def bindings(self) -> dict[str, ox.NamedNode | ox.Literal]:
        """The SPARQL variables the window binds (only those that are set)."""
        found: dict[str, ox.NamedNode | ox.Literal] = {}
        date_type = ox.NamedNode(XSD + "dateTime")
        if self.since:
            found["since"] = ox.Literal(format_bound(self.since), datatype=date_type)
        if self.until:
            found["until"] = ox.Literal(format_bound(self.until), datatype=date_type)
        if self.topic:
            found["topic"] = ox.NamedNode(self.topic)
        if self.entity_type:
            found["type"] = ox.NamedNode(self.entity_type)
        return found

    @property
    def dated(self) -> bool:
        return self.since is not None or self.until is not None

    def admits(self, published: str | datetime) -> bool:
        """Whether a publication date (lexical ``xsd:dateTime`` or datetime) is in the window."""
        when = parse_date(published) if isinstance(published, str) else published
        if self.since and when < self.since:
            return False
        return not (self.until and when > self.until)

    def describe(self) -> dict[str, Any]:
        """The window as plain values (for JSON, GEXF and the materialised graph)."""
        return {
            "since": format_bound(self.since) if self.since else None,
            "until": format_bound(self.until) if self.until else None,
            "topic": self.topic,
            "type": self.entity_type,
        }
