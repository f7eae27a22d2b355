"""Rising entities: per period, the entities whose share of articles rose most against their own past.

For entity x and period t (:mod:`graph.cooccurrence.periods`), with N_t the articles of the
period that mention at least one entity and n_x,t those that mention x:

* the share s_x,t = n_x,t / N_t;
* the past H_t: the ``history`` periods before t, those with articles (N_u > 0);
* μ = the mean of s_x,u over H_t, σ² their variance (population), and the smoothed past rate
  p̂ = (Σ_H n_x,u + 1) / (Σ_H N_u + 2);
* the **score** z_x,t = (s_x,t − μ) / √(σ² + p̂(1 − p̂) / N_t).

The score is a z-score of the share against the entity's own trailing window: how many standard
deviations the share lies above its past mean, where the deviation counts both how much the
share moved in the past (σ²) and how much a share of N_t articles varies by chance at the past
rate (the binomial term, which also keeps the score finite for an entity never seen before). A
period without articles, or without a past (H_t empty), has no score. A period *rises* for x
when n_x,t ≥ ``min_count`` and z_x,t > 0; :func:`rising` ranks those by score (then articles, then
IRI). A **burst** is a period with n_x,t ≥ ``min_count`` and z_x,t ≥ ``burst`` (2 by default).
Documented in docs/cooccurrence.md; tests/test_trends.py checks it against an independent count
by SPARQL on Reuters-21578.

>>> counts = np.array([[1, 1, 1, 9], [2, 2, 2, 2]])
>>> totals = np.array([10, 10, 10, 10])
>>> z = scores(counts, totals, history=3)
>>> np.isnan(z[:, 0]).tolist(), bool(z[0, 3] > 2), bool(abs(z[1, 3]) < 1e-9)
([True, True], True, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyoxigraph as ox
from newsgraph import cooccurrence, queries
from newsgraph.cooccurrence.periodcounts import PeriodCounts, count_periods
from newsgraph.cooccurrence.periods import Period, PeriodCoder, check_kind, period_of
from newsgraph.cooccurrence.window import Window
from newsgraph.errors import QueryError
from newsgraph.store.base import Store

__all__ = [
    "BURST",
    "COLUMNS",
    "HISTORY",
    "TIMELINE_COLUMNS",
    "TrendOptions",
    "Trends",
    "rising",
    "scores",
    "timeline",
    "trends",
]

#: The periods of the trailing window by kind, unless ``history`` says otherwise.
HISTORY = {"day": 28, "week": 8, "month": 6}
#: The score from which a period is a burst.
BURST = 2.0
#: The columns of a trend list (CSV, JSON).
COLUMNS = ("period", "entity", "name", "type", "articles", "period_articles", "share",
           "baseline", "score")  # fmt: skip
#: The columns of an entity's timeline.
TIMELINE_COLUMNS = ("period", "articles", "period_articles", "share", "baseline", "score",
                    "burst")  # fmt: skip


@dataclass(frozen=True)
class TrendOptions:
    """What ``newsgraph trends`` asks for: the period kind, the trailing window (``history``
    periods; default :data:`HISTORY`), the fewest articles a listed entity has in the period
    (``min_count``), how many entities per period (``top``, 0 = all) and the burst score."""

    kind: str = "month"
    history: int | None = None
    min_count: int = 3
    top: int = 10
    burst: float = BURST

    def __post_init__(self) -> None:
        check_kind(self.kind)
        if self.history is not None and self.history < 1:
            raise QueryError(f"--history {self.history}: must be 1 or more")
        if self.min_count < 1:
            raise QueryError(f"--min-count {self.min_count}: must be 1 or more")
        if self.top < 0:
            raise QueryError(f"--top {self.top}: must be 0 (all) or more")

    @property
    def periods_back(self) -> int:
        return self.history if self.history is not None else HISTORY[self.kind]


def scores(counts: np.ndarray, totals: np.ndarray, *, history: int) -> np.ndarray:
    """The score of every entity (row) in every period (column), NaN where there is none.

    Parameters
    ----------
    counts : array of int, entities × periods
        n_x,t for consecutive periods.
    totals : array of int, periods
        N_t.
    history : int
        The periods of the trailing window.

    Returns
    -------
    array of float, entities × periods
        z_x,t as the module defines it.

    Examples
    --------
    >>> z = scores(np.array([[0, 0, 4]]), np.array([10, 0, 10]), history=2)
    >>> [round(float(v), 3) if v == v else None for v in z[0]]
    [None, None, 4.577]
    """
    counts = np.asarray(counts, dtype=np.float64)
    totals = np.asarray(totals, dtype=np.float64)
    present = totals > 0
    shares = np.divide(counts, totals, out=np.zeros_like(counts), where=present)

    def trailing(values: np.ndarray) -> np.ndarray:
        """Σ over the ``history`` columns before each column."""
        summed = np.cumsum(np.pad(values, [(0, 0)] * (values.ndim - 1) + [(1, 0)]), axis=-1)
        width = values.shape[-1]
        ends = np.arange(width)
        starts = np.maximum(ends - history, 0)
        return summed[..., ends] - summed[..., starts]

    past = trailing(present.astype(np.float64)[np.newaxis, :])[0]
    past_totals = trailing(totals[np.newaxis, :])[0]
    share_sum, square_sum, count_sum = trailing(shares), trailing(shares**2), trailing(counts)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = share_sum / past
        variance = np.maximum(square_sum / past - mean**2, 0.0)
        rate = (count_sum + 1) / (past_totals + 2)
        noise = rate * (1 - rate) / totals
        z = (shares - mean) / np.sqrt(variance + noise)
    z[:, (past == 0) | ~present] = np.nan
    return z


@dataclass
class Trends:
    """A trend list: the periods reported, their N, the rows, and each listed entity's
    articles in every period counted (``series``, aligned with ``series_periods``)."""

    kind: str
    window: Window
    options: TrendOptions
    periods: list[Period]
    totals: list[int]
    rows: list[dict[str, Any]] = field(default_factory=list)
    series_periods: list[Period] = field(default_factory=list)
    series: dict[str, list[int]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """What ``/api/trends`` and ``newsgraph trends --format json`` give."""
        return {
            "period": self.kind,
            "window": self.window.describe(),
            "history": self.options.periods_back,
            "min_count": self.options.min_count,
            "top": self.options.top,
            "periods": [
                {
                    "period": p.label,
                    "start": p.start.isoformat().replace("+00:00", "Z"),
                    "articles": total,
                }
                for p, total in zip(self.periods, self.totals, strict=True)
            ],
            "series_periods": [p.label for p in self.series_periods],
            "rows": [{**row, "series": self.series[row["entity"]]} for row in self.rows],
        }


def _counted(store: Store, window: Window, options: TrendOptions) -> PeriodCounts:
    """N and n_x of the window's periods and of the ``history`` periods before them."""
    first = None
    if window.since is not None:
        first = period_of(window.since, options.kind).next(-options.periods_back)
    counting = Window(until=window.until, topic=window.topic, entity_type=window.entity_type)
    if first is not None:
        counting = Window(
            since=first.start, until=window.until, topic=window.topic,
            entity_type=window.entity_type,
        )  # fmt: skip
    return count_periods(store, counting, options.kind, pairs=False, first=first)


def trends(store: Store, window: Window, options: TrendOptions) -> Trends:
    """The rising entities of every period of ``window`` (see the module), counted in one pass
    over the store; the past of the first periods is read from before ``window.since``."""
    counted = _counted(store, window, options)
    reported = [
        index for index, period in enumerate(counted.periods)
        if window.since is None or period.end > window.since
    ]  # fmt: skip
    result = Trends(
        options.kind, window, options, [counted.periods[i] for i in reported],
        [int(counted.articles[i]) for i in reported], series_periods=list(counted.periods),
    )  # fmt: skip
    if not len(counted.names):
        return result
    matrix = counted.entity_matrix()
    z = scores(matrix, counted.articles, history=options.periods_back)
    found = rising(matrix, counted.articles, z, reported, options)
    entities = sorted({counted.names[code] for _, code in found})
    names = cooccurrence.labels(store, entities) if entities else {}
    for index, code in found:
        entity = counted.names[code]
        count, total = int(matrix[code, index]), int(counted.articles[index])
        result.rows.append(_row(counted.periods[index], entity, names[entity], count, total,
                                _baseline(matrix[code], counted.articles, index, options),
                                float(z[code, index])))  # fmt: skip
        result.series[entity] = matrix[code].tolist()
    return result


def rising(
    matrix: np.ndarray, totals: np.ndarray, z: np.ndarray, columns: Sequence[int],
    options: TrendOptions,
) -> list[tuple[int, int]]:  # fmt: skip
    """(period, entity code) of the rising entities of each period in ``columns``, the
    ``top`` highest scores first (ties: more articles, then the lower code, i.e. IRI)."""
    found = []
    for column in columns:
        if totals[column] == 0:
            continue
        score = z[:, column]
        counts = matrix[:, column]
        eligible = np.flatnonzero((counts >= options.min_count) & (score > 0))
        order = np.lexsort((eligible, -counts[eligible], -score[eligible]))
        chosen = eligible[order]
        if options.top:
            chosen = chosen[: options.top]
        found += [(column, int(code)) for code in chosen]
    return found


def _baseline(
    row: np.ndarray, totals: np.ndarray, column: int, options: TrendOptions
) -> float | None:
    """μ: the mean share of the entity over the past periods with articles (None: no past)."""
    start = max(column - options.periods_back, 0)
    past = [row[u] / totals[u] for u in range(start, column) if totals[u] > 0]
    return float(np.mean(past)) if past else None


def _row(period: Period, entity: str, label: tuple[str, str], count: int, total: int,
         baseline: float | None, score: float) -> dict[str, Any]:  # fmt: skip
    return {
        "period": period.label, "entity": entity, "name": label[0], "type": label[1],
        "articles": count, "period_articles": total, "share": count / total,
        "baseline": baseline, "score": score,
    }  # fmt: skip


def timeline(
    store: Store, entity: str, window: Window, options: TrendOptions
) -> list[dict[str, Any]]:
    """One entity's articles in every period of ``window``, with its score and whether the
    period is a burst (:data:`TIMELINE_COLUMNS`). Reads only the window's dates and the
    entity's own articles (not every article's entities), so an entity page can show it."""
    first = (
        period_of(window.since, options.kind).next(-options.periods_back) if window.since else None
    )
    counting = Window(since=first.start if first else None, until=window.until, topic=window.topic)
    bindings = cooccurrence._window_bindings(counting)
    coder = PeriodCoder(options.kind)
    dates = store.select_values(queries.bind("cooccurrence-window-article-dates", bindings),
                                ("date",))  # fmt: skip
    totals = coder.codes(d.value for (d,) in dates if isinstance(d, ox.Literal))
    mine = store.select_values(
        queries.bind(
            "cooccurrence-dated-entity-lists", {**bindings, "entity": [ox.NamedNode(entity)]}
        ),
        ("date", "entities"),
    )
    mentions = coder.codes(d.value for d, _ in mine if isinstance(d, ox.Literal))
    lows = [int(totals.min())] if len(totals) else []
    highs = [int(totals.max())] if len(totals) else []
    lows += [first.code] if first else []
    highs += [period_of(window.until, options.kind).code] if window.until else []
    if not lows or not highs:
        return []
    low = min(lows)
    periods = [Period(options.kind, code) for code in range(low, max(highs) + 1)]
    size = len(periods)
    total = np.bincount(totals - low, minlength=size)[:size]
    row = np.bincount(mentions - low, minlength=size)[:size]
    z = scores(row[np.newaxis, :], total, history=options.periods_back)[0]
    rows = []
    for index, period in enumerate(periods):
        if window.since is not None and period.end <= window.since:
            continue
        count, articles, score = int(row[index]), int(total[index]), float(z[index])
        rows.append({
            "period": period.label, "articles": count, "period_articles": articles,
            "share": count / articles if articles else None,
            "baseline": _baseline(row, total, index, options),
            "score": None if score != score else score,
            "burst": bool(score == score and count >= options.min_count and score >= options.burst),
        })  # fmt: skip
    return rows
