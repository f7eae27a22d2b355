"""N, n_x and n_xy of every period of a window, counted in one pass over the article–entity lists.

A network per month (or week, or day) could be counted by asking the store once per period; that
reads the window once per period. :func:`count_periods` reads it once — the lists the
one-window count reads (:func:`graph.cooccurrence.count_window`), each with its article's date —
puts each article in its period (:mod:`graph.cooccurrence.periods`) and counts every period at
once in numpy: an entity's count is keyed by (period, entity) and a pair's by (period, x, y), so
the sort that counts the one-window pairs counts them all.

:meth:`PeriodCounts.counts` gives one period's :class:`~graph.cooccurrence.Counts`, equal to
those :func:`~graph.cooccurrence.count_window` gives for that period's single window
(:meth:`graph.cooccurrence.periods.Period.window`; ``tests/test_dynamic_reuters.py`` checks every
month, week and day of Reuters-21578); :meth:`PeriodCounts.entity_matrix` the entities' counts
as an entities × periods array (what :mod:`graph.cooccurrence.trends` reads).

>>> counts = count_dated([("1987-03-02T10:00:00Z", ["a", "b"]), ("1987-03-20T00:00:00Z", ["a"]),
...                       ("1987-04-01T00:00:00Z", ["a", "b", "c"])], "month")
>>> [p.label for p in counts.periods], counts.articles.tolist()
(['1987-03', '1987-04'], [2, 1])
>>> march = counts.counts(0)
>>> march.articles, march.entities, dict(march.pairs)
(2, {'a': 2, 'b': 1}, {('a', 'b'): 1})
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import pyoxigraph as ox
from newsgraph import cooccurrence, queries
from newsgraph.cooccurrence import Counts, pair_positions
from newsgraph.cooccurrence.arrays import distinct, distinct_counts
from newsgraph.cooccurrence.paircounts import PairCounts
from newsgraph.cooccurrence.periods import Period, PeriodCoder, check_kind, period_of
from newsgraph.cooccurrence.window import Window
from newsgraph.store.base import Store

__all__ = ["PeriodCounts", "count_dated", "count_periods"]

Ints = np.ndarray


@dataclass(frozen=True)
class PeriodCounts:
    """The counts of every period of a window, as arrays.

    ``periods`` are consecutive, from the first to the last (periods without articles
    included); ``articles[t]`` is N of period t. ``names`` are the entities (sorted, so codes
    follow IRI order); ``entity_period``, ``entity_code``, ``entity_count`` hold n_x per period
    (nonzero only) and ``pair_period``, ``pair_first``, ``pair_second``, ``pair_count`` n_xy
    (first < second), each sorted by period, then codes.
    """

    kind: str
    periods: list[Period]
    articles: Ints
    names: np.ndarray
    entity_period: Ints
    entity_code: Ints
    entity_count: Ints
    pair_period: Ints
    pair_first: Ints
    pair_second: Ints
    pair_count: Ints

    def index(self, period: Period) -> int:
        """The position of ``period`` in :attr:`periods`."""
        if not self.periods or period.kind != self.kind:
            raise KeyError(period)
        position = period.code - self.periods[0].code
        if not 0 <= position < len(self.periods):
            raise KeyError(period)
        return position

    def counts(self, index: int, *, min_count: int = 1) -> Counts:
        """Period ``index``'s counts, as :func:`~graph.cooccurrence.count_window` gives them
        for its single window (pairs counted fewer than ``min_count`` times left out)."""
        low, high = np.searchsorted(self.entity_period, [index, index + 1])
        codes = self.entity_code[low:high]
        entities = dict(
            zip(self.names[codes].tolist(), self.entity_count[low:high].tolist(), strict=True)
        )
        low, high = np.searchsorted(self.pair_period, [index, index + 1])
        first, second = self.pair_first[low:high], self.pair_second[low:high]
        # the period's own codes: its entities in IRI order, as a single count names them
        names = self.names[codes]
        pairs = PairCounts(
            names,
            np.searchsorted(codes, first),
            np.searchsorted(codes, second),
            self.pair_count[low:high],
        ).at_least(min_count)
        return Counts(int(self.articles[index]), entities, pairs)

    def entity_matrix(self) -> Ints:
        """n_x of every entity (row, in :attr:`names` order) in every period (column)."""
        matrix = np.zeros((len(self.names), len(self.periods)), dtype=np.int64)
        matrix[self.entity_code, self.entity_period] = self.entity_count
        return matrix


def count_periods(
    store: Store, window: Window, kind: str, *, pairs: bool = True, first: Period | None = None
) -> PeriodCounts:
    """The counts of every ``kind`` period of ``window`` (its dates, topic and type; see
    :mod:`graph.cooccurrence.window`), read from the store in one pass.

    The periods run from the one holding ``window.since`` (or ``first``, or the first article)
    to the one holding ``window.until`` (or the last article). Without ``pairs`` only N and n_x
    are counted (what trends need). The lists are always streamed, also from a remote store.
    """
    check_kind(kind)
    keep = cooccurrence._typed_entities(store, window.entity_type) if window.entity_type else None
    dated = _dated_lists(store, window)
    if first is None and window.since is not None:
        first = period_of(window.since, kind)
    last = period_of(window.until, kind) if window.until is not None else None
    return count_dated(dated, kind, keep=keep, pairs=pairs, first=first, last=last)


def count_dated(
    dated: Iterable[tuple[str, Collection[str]]],
    kind: str,
    *,
    keep: Collection[str] | None = None,
    pairs: bool = True,
    first: Period | None = None,
    last: Period | None = None,
) -> PeriodCounts:
    """Count (date, entities) rows, one per article, into the periods of ``kind``.

    Every non-empty list is an article of its period (N); only entities in ``keep`` (when
    given) are counted; an entity listed twice in one article counts once. ``first`` and
    ``last`` widen the range of periods (they never drop an article).
    """
    coder = PeriodCoder(check_kind(kind))
    listed: list[str] = []
    sizes: list[int] = []
    dates: list[str] = []
    for date, entities in dated:
        if entities:
            listed.extend(entities)
            sizes.append(len(entities))
            dates.append(date)
    codes_of_articles = coder.codes(dates)
    periods = _range(kind, codes_of_articles, first, last)
    base = periods[0].code if periods else 0
    article_period = codes_of_articles - base
    articles = np.bincount(article_period, minlength=len(periods)).astype(np.int64)
    names = sorted(set(listed))
    if keep is not None:
        names = [name for name in names if name in keep]
    width = max(len(names), 1)
    position = dict(zip(names, range(len(names)), strict=True))
    codes = np.fromiter(map(position.get, listed, repeat(-1)), dtype=np.int64, count=len(listed))
    owners = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    kept = codes >= 0
    mentions = distinct(owners[kept] * width + codes[kept])  # by article, then entity; once
    owners, codes = np.divmod(mentions, width)
    periods_of_mentions = article_period[owners]
    entity_keys, entity_counts = distinct_counts(periods_of_mentions * width + codes)
    entity_period, entity_code = np.divmod(entity_keys, width)
    empty = np.zeros(0, dtype=np.int64)
    pair_period = pair_first = pair_second = pair_counts = empty
    if pairs:
        left, right = pair_positions(owners)
        pair_keys, pair_counts = distinct_counts(
            (periods_of_mentions[left] * width + codes[left]) * width + codes[right]
        )
        pair_period, rest = np.divmod(pair_keys, width * width)
        pair_first, pair_second = np.divmod(rest, width)
    return PeriodCounts(
        kind, periods, articles, np.asarray(names, dtype=object), entity_period, entity_code,
        entity_counts, pair_period, pair_first, pair_second, pair_counts,
    )  # fmt: skip


def _range(kind: str, codes: Ints, first: Period | None, last: Period | None) -> list[Period]:
    """The consecutive periods from the earliest of ``first`` and the articles' to the latest."""
    low = [int(codes.min())] if len(codes) else []
    high = [int(codes.max())] if len(codes) else []
    low += [first.code] if first is not None else []
    high += [last.code] if last is not None else []
    if not low or not high:
        return []
    return [Period(kind, code) for code in range(min(low), max(high) + 1)]


def _dated_lists(store: Store, window: Window) -> Iterator[tuple[str, list[str]]]:
    """(date, entity IRIs) of each article in the window; a large window read in two parts at
    once, split at its median date, as the one-window count reads it."""
    bindings = cooccurrence._window_bindings(window)
    split = cooccurrence._split_date(store, bindings)
    if split is None:
        yield from _dated(store, bindings)
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        later = pool.submit(lambda: list(_dated(store, {**bindings, "notBefore": split})))
        yield from _dated(store, {**bindings, "before": split})
        yield from later.result()


def _dated(store: Store, bindings: Mapping[str, queries.Value]) -> Iterator[tuple[str, list[str]]]:
    text = queries.bind("cooccurrence-dated-entity-lists", bindings)
    for date, listed in store.select_values(text, ("date", "entities")):
        if isinstance(date, ox.Literal):
            yield date.value, listed.value.split() if isinstance(listed, ox.Literal) else []
