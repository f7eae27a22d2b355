"""When a pair formed: its first and last co-mention, its count per period, its strongest periods.

:func:`pair_timeline` reads, for the articles of the window that mention either entity, the
publication date and which of the two they mention (one SELECT, the article–entity list of
``cooccurrence-dated-entity-lists.rq`` restricted to the two), and counts per period in UTC
(:mod:`graph.cooccurrence.periods`): ``count`` (articles mentioning both), ``source`` and
``target`` (each). Every period from the window's first (or the first article's) to its last is
present, zeros included; ``first`` and ``last`` are the dates of the earliest and latest article
mentioning both (as the store writes them); ``strongest`` the :data:`STRONGEST` periods with
the most co-mentions (ties: the earlier first). Each period's count equals that of the single
window of the period (tests/test_dynamic.py).

>>> t = timeline_of([("1987-03-02T10:00:00Z", {"x", "y"}), ("1987-03-09T10:00:00Z", {"x"}),
...                  ("1987-05-01T00:00:00Z", {"x", "y"})], "x", "y", "month")
>>> [(r["period"], r["count"], r["source"], r["target"]) for r in t.rows]
[('1987-03', 1, 2, 1), ('1987-04', 0, 0, 0), ('1987-05', 1, 1, 1)]
>>> t.first, t.last, [s["period"] for s in t.strongest]
('1987-03-02T10:00:00Z', '1987-05-01T00:00:00Z', ['1987-03', '1987-05'])
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from newsgraph import cooccurrence, queries
from newsgraph.cooccurrence.periods import Period, PeriodCoder, period_of
from newsgraph.cooccurrence.window import Window, parse_date
from newsgraph.store.base import Store

__all__ = ["STRONGEST", "PairTimeline", "pair_timeline", "timeline_of"]

#: How many of the strongest periods a timeline names.
STRONGEST = 3


@dataclass
class PairTimeline:
    """A pair's periods (see the module)."""

    kind: str
    source: str
    target: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    first: str | None = None
    last: str | None = None
    strongest: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(row["count"] for row in self.rows)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source, "target": self.target, "period": self.kind,
            "first": self.first, "last": self.last, "total": self.total,
            "strongest": self.strongest, "periods": self.rows,
        }  # fmt: skip


def pair_timeline(
    store: Store, source: str, target: str, window: Window, kind: str
) -> PairTimeline:
    """The pair's timeline in ``window`` by periods of ``kind`` (see the module)."""
    bindings: dict[str, queries.Value] = {
        **cooccurrence._window_bindings(window),
        "entity": [ox.NamedNode(source), ox.NamedNode(target)],
    }
    text = queries.bind("cooccurrence-dated-entity-lists", bindings)
    rows = (
        (date.value, set(listed.value.split()))
        for date, listed in store.select_values(text, ("date", "entities"))
        if isinstance(date, ox.Literal) and isinstance(listed, ox.Literal)
    )
    first = period_of(window.since, kind) if window.since else None
    last = period_of(window.until, kind) if window.until else None
    return timeline_of(rows, source, target, kind, first=first, last=last)


def timeline_of(
    rows: Iterable[tuple[str, Collection[str]]], source: str, target: str, kind: str, *,
    first: Period | None = None, last: Period | None = None,
) -> PairTimeline:  # fmt: skip
    """The timeline of (date, entities mentioned of the two) rows, one per article."""
    coder = PeriodCoder(kind)
    counts: dict[int, list[int]] = {}
    together: list[str] = []
    for date, entities in rows:
        code = coder.code(date)
        row = counts.setdefault(code, [0, 0, 0])
        has_source, has_target = source in entities, target in entities
        row[0] += has_source and has_target
        row[1] += has_source
        row[2] += has_target
        if has_source and has_target:
            together.append(date)
    timeline = PairTimeline(kind, source, target)
    codes = sorted(counts) + [p.code for p in (first, last) if p is not None]
    if not codes:
        return timeline
    for code in range(min(codes), max(codes) + 1):
        both, one, other = counts.get(code, (0, 0, 0))
        timeline.rows.append({"period": Period(kind, code).label, "count": both, "source": one,
                              "target": other})  # fmt: skip
    if together:
        ordered = sorted(together, key=parse_date)
        timeline.first, timeline.last = ordered[0], ordered[-1]
    ranked = sorted((row for row in timeline.rows if row["count"]), key=lambda r: -r["count"])
    timeline.strongest = [{"period": r["period"], "count": r["count"]} for r in ranked[:STRONGEST]]
    return timeline
