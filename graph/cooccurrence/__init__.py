"""Entity co-occurrence: who is mentioned with whom, counted where it is fastest (this module),
then analysed as a networkx graph ``G`` by pure functions (the package's modules):

* :mod:`graph.cooccurrence.window` — which articles an analysis counts;
* :mod:`graph.cooccurrence.paircounts`, :mod:`graph.cooccurrence.arrays` — pair counts kept as
  integer codes from the count to the ranking;
* :mod:`graph.cooccurrence.edges` — ranking and filtering the counted pairs into weighted edges;
* :mod:`graph.cooccurrence.centrality` — weighted degree, PageRank, betweenness;
* :mod:`graph.cooccurrence.communities` — Louvain communities, seeded so that results repeat;
* :mod:`graph.cooccurrence.backbone` — the disparity filter;
* :mod:`graph.cooccurrence.timeseries` — a pair's co-mentions month by month;
* :mod:`graph.cooccurrence.network` — counts from the store → an analysed graph;
* :mod:`graph.cooccurrence.shown` — what ``--top`` shows of it: a cut, the numbers untouched;
* :mod:`graph.cooccurrence.cache` — analysed networks kept per store version (the server's);
* :mod:`graph.cooccurrence.formats`, :mod:`graph.cooccurrence.chart`,
  :mod:`graph.cooccurrence.materialize` — writing it out as files, PNG charts and RDF.

Definitions (documented in docs/cooccurrence.md). For the articles of a
:class:`~graph.cooccurrence.window.Window`:

* N — the articles in the window that mention at least one entity (``schema:mentions``);
* n_x — the articles in the window that mention x; n_xy — those that mention both x and y;
* p(x) = n_x / N, p(x,y) = n_xy / N;
* npmi(x,y) = ln(p(x,y) / (p(x)·p(y))) / −ln p(x,y), and 1 when p(x,y) = 1;
* jaccard(x,y) = n_xy / (n_x + n_y − n_xy).

Counting paths, which give the same numbers (``tests/test_cooccurrence.py`` holds them to it):

* ``stream`` — the article–entity list is streamed from the store (one SELECT, one row per
  article with its entities concatenated; on the embedded store the solutions are read straight
  from pyoxigraph) and counted in numpy. This is the fast path for a whole network (measured in
  ``bench/parts/cooccur.py``).
* ``sparql`` — the store aggregates with GROUP BY; the path for a remote engine, which then
  sends back only the counts.
* An ego network (:func:`count_ego`) is always asked in SPARQL: it touches only the articles
  that mention the entity.

>>> counts = count_lists([["a", "b"], ["a", "b", "c"], ["c"], []])
>>> counts.articles, counts.entities["a"], counts.pairs[("a", "b")]
(3, 2, 2)
>>> round(npmi(2, 2, 2, 3), 4), jaccard(1, 2, 2)
(1.0, 0.3333333333333333)
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
import pyoxigraph as ox
from newsgraph import queries
from newsgraph.cooccurrence.arrays import distinct, distinct_counts
from newsgraph.cooccurrence.paircounts import PairCounts
from newsgraph.cooccurrence.window import Window
from newsgraph.errors import QueryError
from newsgraph.store.base import Store, Term
from newsgraph.vocab.namespaces import XSD

__all__ = [
    "METHODS",
    "Counts",
    "NamedNodes",
    "article_entities",
    "count_among",
    "count_ego",
    "count_lists",
    "count_window",
    "entity_counts",
    "jaccard",
    "jaccard_many",
    "labels",
    "named_nodes",
    "npmi",
    "npmi_many",
    "pair_months",
    "pair_positions",
    "resolve_method",
]

METHODS = ("auto", "stream", "sparql")
VALUES_CHUNK = 2_000


@dataclass
class Counts:
    """The counts of one window: N, n_x per entity and n_xy per pair (x < y by code point)."""

    articles: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    pairs: Mapping[tuple[str, str], int] = field(default_factory=dict)


def npmi(n_xy: int, n_x: int, n_y: int, n: int) -> float:
    """Normalised pointwise mutual information of two entities, in [−1, 1].

    ln(p(x,y) / (p(x)·p(y))) / −ln p(x,y), with p = count / N; 1 when p(x,y) = 1 (both
    entities are in every article) and −1 when they never meet.

    Parameters
    ----------
    n_xy : int
        Articles mentioning both entities.
    n_x, n_y : int
        Articles mentioning each.
    n : int
        Articles in the window (N).

    Returns
    -------
    float

    Examples
    --------
    >>> npmi(5, 5, 5, 5)
    1.0
    >>> npmi(0, 3, 4, 10)
    -1.0
    >>> round(npmi(1, 4, 4, 16), 6)  # independent: p(x,y) = p(x)·p(y)
    0.0
    >>> round(npmi(3, 3, 3, 12), 6)  # always together
    1.0
    """
    if n_xy <= 0:
        return -1.0
    if n_xy >= n:
        return 1.0
    p_xy = n_xy / n
    return math.log(p_xy / ((n_x / n) * (n_y / n))) / -math.log(p_xy)


def jaccard(n_xy: int, n_x: int, n_y: int) -> float:
    """The share of the articles mentioning either entity that mention both.

    Parameters
    ----------
    n_xy : int
        Articles mentioning both entities.
    n_x, n_y : int
        Articles mentioning each.

    Returns
    -------
    float
        n_xy / (n_x + n_y − n_xy), or 0 when neither is mentioned.

    Examples
    --------
    >>> jaccard(2, 4, 3)
    0.4
    >>> jaccard(0, 0, 0)
    0.0
    """
    union = n_x + n_y - n_xy
    return n_xy / union if union else 0.0


def npmi_many(n_xy: np.ndarray, n_x: np.ndarray, n_y: np.ndarray, n: int) -> np.ndarray:
    """:func:`npmi` of many pairs at once, equal to it bit for bit.

    The divisions are numpy's (IEEE, as Python's); the logarithms are taken by :func:`math.log`,
    as :func:`npmi` takes them, so that no platform's vectorised log can move the last bit.

    >>> n_xy, n_x, n_y = np.array([12, 0, 1, 3]), np.array([12, 3, 4, 3]), np.array([12, 4, 4, 3])
    >>> npmi_many(n_xy, n_x, n_y, 12).round(4).tolist()
    [1.0, -1.0, -0.1158, 1.0]
    >>> npmi_many(n_xy, n_x, n_y, 12).tolist() == list(map(npmi, n_xy, n_x, n_y, [12] * 4))
    True
    """
    together = np.asarray(n_xy, dtype=np.int64)
    result = np.where(together <= 0, -1.0, 1.0)
    between = (together > 0) & (together < n)
    p_xy = together[between] / n
    ratio = p_xy / ((np.asarray(n_x)[between] / n) * (np.asarray(n_y)[between] / n))
    log_ratio = np.fromiter(map(math.log, ratio.tolist()), dtype=np.float64, count=len(ratio))
    log_p = np.fromiter(map(math.log, p_xy.tolist()), dtype=np.float64, count=len(p_xy))
    result[between] = log_ratio / -log_p
    return result


def jaccard_many(n_xy: np.ndarray, n_x: np.ndarray, n_y: np.ndarray) -> np.ndarray:
    """:func:`jaccard` of many pairs at once, equal to it bit for bit.

    >>> jaccard_many(np.array([2, 0]), np.array([4, 0]), np.array([3, 0]))
    array([0.4, 0. ])
    """
    together = np.asarray(n_xy, dtype=np.int64)
    union = np.asarray(n_x, dtype=np.int64) + np.asarray(n_y, dtype=np.int64) - together
    return np.divide(together, union, out=np.zeros(len(together)), where=union != 0)


def count_lists(
    lists: Iterable[Collection[str]], *, keep: Collection[str] | None = None, min_count: int = 1
) -> Counts:
    """Count an article–entity list given as one collection of entity IRIs per article.

    Every non-empty collection is an article of the window (N); only entities in ``keep``
    (when given) become nodes and pairs; an entity listed twice in one article counts once;
    pairs counted fewer than ``min_count`` times are left out. Entities are coded as integers
    in IRI order and the pairs are generated and counted in numpy, with no Python work per
    pair; they stay coded (:class:`~graph.cooccurrence.paircounts.PairCounts`).

    >>> count_lists([["x", "y"], ["y"]], keep={"y"}).entities
    {'y': 2}
    """
    listed: list[str] = []
    sizes: list[int] = []
    for entities in lists:
        if entities:
            listed.extend(entities)
            sizes.append(len(entities))
    articles = len(sizes)
    names = sorted(set(listed))
    if keep is not None:
        names = [name for name in names if name in keep]
    if not names:
        return Counts(articles, {}, {})
    width = len(names)
    position = dict(zip(names, range(width), strict=True))
    codes = np.fromiter(map(position.get, listed, repeat(-1)), dtype=np.int64, count=len(listed))
    owners = np.repeat(np.arange(articles, dtype=np.int64), sizes)
    kept = codes >= 0
    mentions = distinct(owners[kept] * width + codes[kept])  # by article, then entity; once
    owners, codes = np.divmod(mentions, width)
    singles = np.bincount(codes, minlength=width)
    low, high = _pairs_within(owners, codes)
    pair_codes, counts = distinct_counts(low * width + high)
    first, second = np.divmod(pair_codes, width)
    pairs = PairCounts(names, first, second, counts).at_least(min_count)
    entity_counts = {
        name: count for name, count in zip(names, singles.tolist(), strict=True) if count
    }
    return Counts(articles, entity_counts, pairs)


def _pairs_within(owners: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of codes that share an owner, as (low, high) arrays.

    ``owners`` is sorted and ``codes`` ascends within each owner, so the element at position
    i pairs with each later element of its owner's run (:func:`pair_positions`).

    >>> low, high = _pairs_within(np.array([0, 0, 0, 1, 1]), np.array([1, 2, 5, 0, 3]))
    >>> list(zip(low.tolist(), high.tolist()))
    [(1, 2), (1, 5), (2, 5), (0, 3)]
    """
    left, right = pair_positions(owners)
    return codes[left], codes[right]


def pair_positions(owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions (left, right) of every pair of elements with the same owner, left < right.

    ``owners`` is sorted; the pairs of each run are generated with :func:`numpy.repeat` and a
    ramp, with no Python work per pair.

    >>> left, right = pair_positions(np.array([0, 0, 0, 1, 1]))
    >>> list(zip(left.tolist(), right.tolist()))
    [(0, 1), (0, 2), (1, 2), (3, 4)]
    """
    size = len(owners)
    if size == 0:
        return owners, owners
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    ends = np.r_[starts[1:], size]
    run_end = np.repeat(ends, ends - starts)
    later = run_end - np.arange(size) - 1  # partners after each element in its run
    left = np.repeat(np.arange(size), later)
    first_partner = np.repeat(np.cumsum(later) - later, later)
    right = left + 1 + (np.arange(len(left)) - first_partner)
    return left, right


def count_window(
    store: Store, window: Window, *, method: str = "auto", min_count: int = 1
) -> Counts:
    """N, n_x and n_xy (pairs with n_xy ≥ ``min_count``) of the whole network in ``window``."""
    chosen = resolve_method(store, method)
    if chosen == "sparql":
        return _count_by_sparql(store, window, min_count)
    keep = _typed_entities(store, window.entity_type) if window.entity_type else None
    return count_lists(_entity_lists(store, window), keep=keep, min_count=min_count)


def resolve_method(store: Store, method: str) -> str:
    """``auto`` → ``stream``: reading the article–entity lists and counting here beats the
    engine's GROUP BY on the embedded store and on a remote one alike (on Virtuoso at 100k
    articles, 26 s against 118 s: bench/README.md, "A remote store at scale")."""
    if method not in METHODS:
        raise QueryError(f"method {method!r}: choose one of {', '.join(METHODS)}")
    return "stream" if method == "auto" else method


def article_entities(store: Store, window: Window) -> Iterator[set[str]]:
    """The window's article–entity list: for each article, the set of entity IRIs it mentions.

    One SELECT with the entities of each article concatenated: the engine then materialises
    one row per article instead of one per mention, and Python does the rest.
    """
    query = queries.bind("cooccurrence-article-entities", _window_bindings(window))
    found: dict[str, set[str]] = defaultdict(set)
    for article, listed in _solutions(store, query, ("article", "entities")):
        if article is not None and isinstance(listed, ox.Literal):
            found[_key(article)].update(listed.value.split())
    yield from found.values()


def _entity_lists(store: Store, window: Window) -> Iterator[list[str]]:
    """The entity IRIs of each article in the window, without the article (not needed to count,
    and decoding its IRI costs more than counting the row).

    A large window is read in two parts at once, split at its median date (the engine works on
    both while Python reads the first): the articles with a date before it, and all others."""
    bindings = _window_bindings(window)
    split = _split_date(store, bindings)
    if split is None:
        yield from _listed(store, bindings)
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        later = pool.submit(lambda: list(_listed(store, {**bindings, "notBefore": split})))
        yield from _listed(store, {**bindings, "before": split})
        yield from later.result()


def _listed(
    store: Store, bindings: Mapping[str, queries.Value], entities: list[str] | None = None
) -> Iterator[list[str]]:
    """The entity lists of the articles the bindings select; of ``entities`` only, when given
    (then articles that mention none of them are left out). One row an article: a remote
    server that would cut the answer (Virtuoso past 1,048,576 articles) gives it in shares
    (``Store.every_value``)."""
    if entities is not None:
        bindings = {**bindings, "entity": _nodes(entities)}
    lists = store.every_value("cooccurrence-entity-lists", bindings, ("entities",),
                              "cooccurrence-window-articles")  # fmt: skip
    for (listed,) in lists:
        yield listed.value.split() if isinstance(listed, ox.Literal) else []


#: The fewest dates in a window for which its count is read in two parts.
SPLIT_DATES = 20_000


def _split_date(store: Store, bindings: Mapping[str, Term]) -> Term | None:
    """The window's median date, or None when the window is too small to split (or the engine
    is remote: a server may refuse the sorted OFFSET, as Virtuoso does past 10,000 rows)."""
    if store.remote:
        return None
    count_text = queries.bind("cooccurrence-window-dates", bindings)
    ((dates,),) = list(_solutions(store, count_text, ("dates",)))
    if not isinstance(dates, ox.Literal) or int(dates.value) < SPLIT_DATES:
        return None
    # The engine skips to the middle itself: three times quicker than reading up to it.
    middle_of = int(dates.value) // 2
    text = queries.bind("cooccurrence-split-dates", bindings, offset=middle_of, limit=1)
    middle = next(iter(_solutions(store, text, ("date",))), (None,))[0]
    return middle if isinstance(middle, ox.Literal) else None


def _solutions(
    store: Store, query: str, variables: Sequence[str]
) -> Iterator[tuple[Term | None, ...]]:
    """The values of ``variables`` (the query's projection, in its order) in each solution."""
    return store.select_values(query, variables)


def _key(term: Term) -> str:
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def _typed_entities(store: Store, entity_type: str) -> set[str]:
    found = set()
    query = queries.bind("entities-with-type", {"type": ox.NamedNode(entity_type)})
    for row in store.select(query):
        entity = row.get("entity")
        if isinstance(entity, ox.NamedNode):
            found.add(entity.value)
    return found


def _window_bindings(window: Window) -> dict[str, Term]:
    """The window's variables without the type, which restricts nodes, never articles."""
    return {k: v for k, v in window.bindings().items() if k != "type"}


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def _window_articles(store: Store, window: Window) -> int:
    return store.count(queries.bind("cooccurrence-window-articles", _window_bindings(window)))


def _count_by_sparql(store: Store, window: Window, min_count: int) -> Counts:
    bindings = window.bindings()
    entities = {
        row["entity"].value: int(row["count"].value)  # type: ignore[union-attr]
        for row in store.select(queries.bind("cooccurrence-entity-counts", bindings))
    }
    pair_bindings = {**bindings, "minCount": _integer(max(1, min_count))}
    pairs = {
        (row["x"].value, row["y"].value): int(row["count"].value)  # type: ignore[union-attr]
        for row in store.select(queries.bind("cooccurrence-pairs", pair_bindings))
    }
    return Counts(_window_articles(store, window), entities, pairs)


def count_ego(
    store: Store, entity: str, window: Window, *, min_count: int = 1, top_by_count: int = 0
) -> Counts:
    """The counts of one entity's neighbourhood, asked in SPARQL.

    ``pairs`` holds the entity's pairs with each neighbour (of the window's type, if any) and
    ``entities`` the counts of the entity and its neighbours; N is that of the whole window, so
    every number equals the one the whole network gives for the same pair. ``top_by_count``
    keeps only that many neighbours, the most co-mentioned first (ties by IRI).
    """
    bindings = {**window.bindings(), "entity": ox.NamedNode(entity)}
    bindings["minCount"] = _integer(max(1, min_count))
    pairs: dict[tuple[str, str], int] = {}
    for row in store.select(queries.bind("cooccurrence-neighbours", bindings)):
        other = row["other"].value  # type: ignore[union-attr]
        pair = (entity, other) if entity < other else (other, entity)
        pairs[pair] = int(row["count"].value)  # type: ignore[union-attr]
    if top_by_count:
        ranked = sorted(pairs.items(), key=lambda item: (-item[1], item[0]))
        pairs = dict(ranked[:top_by_count])
    members = {entity, *(e for pair in pairs for e in pair)}
    return Counts(_window_articles(store, window), entity_counts(store, members, window), pairs)


def entity_counts(store: Store, entities: Iterable[str], window: Window) -> dict[str, int]:
    """n_x of each of ``entities`` in the window (entities no article mentions are left out)."""
    bindings: dict[str, queries.Value] = dict(_window_bindings(window))
    wanted = sorted(set(entities))
    # Many entities (a hub's neighbours): one pass over all mentions beats many VALUES blocks.
    chunks = [None] if len(wanted) > VALUES_CHUNK else list(_chunks(wanted))
    texts = [
        queries.bind(
            "cooccurrence-entity-counts",
            bindings if chunk is None else {**bindings, "entity": _nodes(chunk)},
        )
        for chunk in chunks
    ]
    keep = set(wanted)
    found: dict[str, int] = {}
    for text in texts:
        for row in store.select(text):
            entity = row["entity"].value  # type: ignore[union-attr]
            if entity in keep:
                found[entity] = int(row["count"].value)  # type: ignore[union-attr]
    return found


def count_among(
    store: Store, entities: Collection[str], window: Window, *, min_count: int = 1
) -> Mapping[tuple[str, str], int]:
    """n_xy of the pairs within a set of entities (the edges among an ego's neighbours)."""
    wanted = sorted(set(entities))
    if len(wanted) <= VALUES_CHUNK:  # one query: the articles need not be told apart
        lists = _listed(store, _window_bindings(window), wanted)
        return count_lists(lists, min_count=min_count).pairs
    # a hub's neighbours: one pass over the window beats many VALUES blocks
    return count_lists(_entity_lists(store, window), keep=wanted, min_count=min_count).pairs


def pair_months(
    store: Store, source: str, target: str, window: Window
) -> dict[str, dict[str, int]]:
    """Month (``YYYY-MM`` as datePublished states it) → the pair's and each entity's counts.

    The inner dicts hold ``count`` (articles mentioning both), ``source`` and ``target``
    (articles mentioning each); months without any are absent (see
    :func:`graph.cooccurrence.timeseries.monthly_series` to fill them).
    """
    bindings = _window_bindings(window)
    months: dict[str, dict[str, int]] = defaultdict(lambda: {"count": 0, "source": 0, "target": 0})
    pair_bindings = {**bindings, "source": ox.NamedNode(source), "target": ox.NamedNode(target)}
    for row in store.select(queries.bind("cooccurrence-pair-months", pair_bindings)):
        months[row["month"].value]["count"] = int(row["count"].value)  # type: ignore[union-attr]
    entity_bindings: dict[str, queries.Value] = {**bindings, "entity": _nodes([source, target])}
    for row in store.select(queries.bind("cooccurrence-entity-months", entity_bindings)):
        entity = row["entity"].value  # type: ignore[union-attr]
        month = months[row["month"].value]  # type: ignore[union-attr]
        count = int(row["count"].value)  # type: ignore[union-attr]
        if entity == source:
            month["source"] = count
        if entity == target:
            month["target"] = count
    return {month: months[month] for month in sorted(months)}


def _nodes(iris: Iterable[str]) -> list[ox.NamedNode]:
    return [ox.NamedNode(iri) for iri in iris]


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), VALUES_CHUNK):
        yield items[start : start + VALUES_CHUNK]


def labels(
    store: Store, entities: Iterable[str], named: NamedNodes | None = None
) -> dict[str, tuple[str, str]]:
    """Entity IRI → (preferred name, type) for display; the type's local name, ``Thing`` last.

    Where an entity has several names the smallest is taken, so the answer is stable. For many
    entities (a whole network) every named node is read in one pass (:func:`named_nodes`, which
    the caller may have read already, while it counted), which is cheaper than looking each
    entity up; only the entities without a name are then looked up, for their types.
    """
    wanted = sorted(set(entities))
    if named is None and len(wanted) > VALUES_CHUNK:
        named = named_nodes(store)
    if named is None:
        found = NamedNodes.of(
            _values_rows(store, "entity-labels", ("entity", "name", "type"), wanted)
        )
        return {entity: found.label(entity) for entity in wanted}
    unnamed = [entity for entity in wanted if entity not in named.names]
    rows = _values_rows(store, "entity-types", ("entity", "type"), unnamed)
    typed = NamedNodes.of((entity, None, kind) for entity, kind in rows)
    return {entity: (named if entity in named.names else typed).label(entity) for entity in wanted}


@dataclass
class NamedNodes:
    """Nodes' names and types (local names), as :func:`labels` reads them."""

    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def of(cls, rows: Iterable[tuple[Term | None, ...]]) -> NamedNodes:
        """The table of (node, name, type) rows; either value may be unbound."""
        table = cls()
        for node, given, kind in rows:
            if not isinstance(node, ox.NamedNode):
                continue
            if isinstance(given, ox.Literal):
                table.names[node.value].add(given.value)
            if isinstance(kind, ox.NamedNode):
                table.types[node.value].add(_local_name(kind.value))
        return table

    def label(self, entity: str) -> tuple[str, str]:
        """(preferred name, type) of ``entity``: its smallest name, its specific types."""
        names, types = self.names.get(entity), self.types.get(entity, set())
        name = min(names) if names else _local_name(entity)
        specific = sorted(types - {"Thing"})
        return name, " ".join(specific) or ("Thing" if types else "")


def named_nodes(store: Store) -> NamedNodes:
    """Every node with a ``schema:name``: its names and types, read in one pass."""
    return NamedNodes.of(_solutions(store, queries.load("names"), ("node", "name", "type")))


def _values_rows(
    store: Store, name: str, variables: Sequence[str], entities: list[str]
) -> Iterator[tuple[Term | None, ...]]:
    """The rows of the named query for ``entities``, bound by VALUES blocks of ?entity."""
    for chunk in _chunks(entities):
        yield from _solutions(store, queries.bind(name, {"entity": _nodes(chunk)}), variables)


def _local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1]
