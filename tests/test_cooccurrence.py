"""Counting co-occurrence (graph/cooccurrence/__init__.py): the numbers equal an independent count over
the graph's schema:mentions, in every window, by every path and on every backend."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path

import numpy as np
import pyoxigraph as ox
import pytest
from newsgraph import cooccurrence
from newsgraph.cooccurrence import count_among, count_ego, count_window, npmi, pair_months
from newsgraph.cooccurrence.window import Window, parse_bound
from newsgraph.ingest import ingest
from newsgraph.settings import Settings
from newsgraph.store import EmbeddedStore, RemoteStore

from tests.backends import serve_file
from tests.conftest import BASE
from tests.cooccur_corpus import corpus, expected_npmi, independent_counts, write_corpus

KAZ = BASE + "entity/kazakhstan"
COE = BASE + "entity/council-of-europe"
RUSSIA = BASE + "entity/russia"
POLITICS = BASE + "topic/politics"

WINDOWS = [
    Window(),
    Window(since=parse_bound("2025-02"), until=parse_bound("2025-03-31", end=True)),
    Window(since=parse_bound("2025-04-01")),
    Window(until=parse_bound("2025-03", end=True), topic=POLITICS),
    Window(since=parse_bound("2025-03-31T23:30:00-02:00"), until=parse_bound("2025-05")),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    root = tmp_path_factory.mktemp("cooccurrence")
    settings = Settings(store=str(root / "store"), base=BASE)
    path = write_corpus(root / "corpus.jsonl", corpus())
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as opened:
        ingest([str(path)], opened, settings)
        yield opened


@pytest.mark.parametrize("window", WINDOWS, ids=lambda w: str(w.describe()))
@pytest.mark.parametrize("method", ["stream", "sparql"])
def test_counts_equal_an_independent_count(
    store: EmbeddedStore, window: Window, method: str
) -> None:
    n, singles, pairs = independent_counts(store, window.since, window.until, window.topic)
    counts = count_window(store, window, method=method)
    assert counts.articles == n > 0
    assert counts.entities == dict(singles)
    assert counts.pairs == dict(pairs)
    for (x, y), n_xy in pairs.items():
        assert npmi(n_xy, singles[x], singles[y], n) == pytest.approx(
            expected_npmi(n_xy, singles[x], singles[y], n), abs=1e-12
        )


def test_the_window_compares_instants_not_local_dates(store: EmbeddedStore) -> None:
    # "late" is 31 March 23:30 at -02:00, i.e. 1 April UTC: outside a window ending 31 March UTC.
    until_march = Window(until=parse_bound("2025-03-31", end=True))
    with_late = Window(until=datetime(2025, 4, 1, 1, 30, tzinfo=UTC))
    before = count_window(store, until_march).pairs.get((BASE + "entity/black-sea", RUSSIA), 0)
    after = count_window(store, with_late).pairs.get((BASE + "entity/black-sea", RUSSIA), 0)
    assert after == before + 1


def test_min_count_keeps_the_same_pairs_on_both_paths(store: EmbeddedStore) -> None:
    streamed = count_window(store, Window(), method="stream", min_count=3)
    aggregated = count_window(store, Window(), method="sparql", min_count=3)
    assert streamed.pairs == aggregated.pairs
    assert streamed.pairs and min(streamed.pairs.values()) >= 3


def test_an_entity_type_restricts_nodes_but_not_n(store: EmbeddedStore, tmp_path: Path) -> None:
    person = "http://schema.org/Event"  # a type linking gives none of these entities
    named = "SELECT ?e WHERE { { ?e <http://schema.org/name> ?n } UNION { ?e <http://schema.org/alternateName> ?n } }"
    tokayev = store.select_all(named, {"n": ox.Literal("Tokayev")})[0]["e"].value  # type: ignore[union-attr]
    people = [tokayev, KAZ, COE]  # typed in a researcher's own graph
    turtle = "".join(f"<{iri}> a <{person}> .\n" for iri in people).encode()
    store.load(turtle, ox.RdfFormat.TURTLE, graph=BASE + "graph/test-types")
    try:
        window = Window(entity_type=person)
        n, singles, pairs = independent_counts(store)
        for method in ("stream", "sparql"):
            counts = count_window(store, window, method=method)
            assert counts.articles == n
            assert counts.entities == {e: singles[e] for e in people if singles[e]}
            assert counts.pairs == {p: c for p, c in pairs.items() if set(p) <= set(people)}
    finally:
        store.replace_graphs([BASE + "graph/test-types"], [])


@pytest.mark.parametrize("window", WINDOWS[:3], ids=lambda w: str(w.describe()))
def test_an_ego_network_has_the_whole_networks_numbers(
    store: EmbeddedStore, window: Window
) -> None:
    whole = count_window(store, window)
    ego = count_ego(store, KAZ, window)
    assert ego.articles == whole.articles
    assert ego.pairs == {p: n for p, n in whole.pairs.items() if KAZ in p}
    assert ego.entities == {e: whole.entities[e] for e in ego.entities}
    neighbours = {e for pair in ego.pairs for e in pair} - {KAZ}
    among = count_among(store, neighbours, window)
    assert among == {p: n for p, n in whole.pairs.items() if set(p) <= neighbours}


def test_top_by_count_keeps_the_most_co_mentioned(store: EmbeddedStore) -> None:
    ego = count_ego(store, KAZ, Window(), top_by_count=2)
    everything = count_ego(store, KAZ, Window())
    best = sorted(everything.pairs.items(), key=lambda item: (-item[1], item[0]))[:2]
    assert ego.pairs == dict(best)


def test_pair_months_equal_an_independent_count(store: EmbeddedStore) -> None:
    from tests.cooccur_corpus import dataset

    graph = dataset(store)
    by_article: dict[str, tuple[set[str], str]] = {}
    for s, _p, o, _g in graph.quads((None, None, None, None)):
        entry = by_article.setdefault(str(s), (set(), ""))
        if str(_p) == "http://schema.org/mentions":
            entry[0].add(str(o))
        elif str(_p) == "http://schema.org/datePublished":
            by_article[str(s)] = (entry[0], str(o)[:7])
    expected: dict[str, dict[str, int]] = {}
    for entities, month in by_article.values():
        row = expected.setdefault(month, {"count": 0, "source": 0, "target": 0})
        row["count"] += KAZ in entities and RUSSIA in entities
        row["source"] += KAZ in entities
        row["target"] += RUSSIA in entities
    expected = {m: r for m, r in expected.items() if m and any(r.values())}
    assert pair_months(store, KAZ, RUSSIA, Window()) == dict(sorted(expected.items()))


def test_npmi_is_one_when_the_pair_is_in_every_article(tmp_path: Path, settings: Settings) -> None:
    from tests.conftest import record, write_jsonl

    path = write_jsonl(tmp_path / "always.jsonl", [
        record(f"a{i}", entities=["Kazakhstan", "Astana"]) for i in range(3)
    ])  # fmt: skip
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as opened:
        ingest([str(path)], opened, settings)
        counts = count_window(opened, Window())
    assert counts.articles == 3
    assert counts.pairs == {(BASE + "entity/astana", KAZ): 3}
    assert npmi(3, 3, 3, 3) == 1.0


def test_bad_method_is_a_user_error(store: EmbeddedStore) -> None:
    from newsgraph.errors import QueryError

    with pytest.raises(QueryError, match="method 'fast'"):
        count_window(store, Window(), method="fast")


@pytest.fixture(scope="module")
def oxigraph_server(
    store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An Oxigraph server (another SPARQL engine) holding the same quads, union default graph."""
    root = tmp_path_factory.mktemp("oxigraph")
    dump = root / "dump.nq"
    with dump.open("wb") as handle:
        store.dump(handle, ox.RdfFormat.N_QUADS)
    process, url = serve_file(root, dump, "--union-default-graph")
    try:
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.parametrize("window", WINDOWS, ids=lambda w: str(w.describe()))
def test_a_remote_engine_aggregates_and_gives_the_same_numbers(
    store: EmbeddedStore, oxigraph_server: str, window: Window
) -> None:
    with RemoteStore(oxigraph_server) as remote:
        assert cooccurrence.resolve_method(remote, "auto") == "stream"  # faster everywhere
        aggregated = count_window(remote, window, method="sparql")
        streamed_remotely = count_window(remote, window)
        ego = count_ego(remote, KAZ, window)
    local = count_window(store, window, method="stream")
    assert aggregated == local == streamed_remotely
    assert ego == count_ego(store, KAZ, window)


@pytest.mark.slow
def test_reuters_counts_equal_an_independent_count(reuters_store: Path) -> None:
    from newsgraph.cooccurrence.communities import louvain
    from newsgraph.cooccurrence.edges import select_edges
    from newsgraph.cooccurrence.network import to_graph

    from tests.cooccur_corpus import dataset

    with EmbeddedStore(reuters_store) as opened:
        quads = dataset(opened)
        march = Window(since=parse_bound("1987-03-02"), until=parse_bound("1987-03-31", end=True))
        for window in (Window(), march):
            n, singles, pairs = independent_counts(quads, window.since, window.until)
            for method in ("stream", "sparql"):
                counts = count_window(opened, window, method=method)
                assert (counts.articles, counts.entities, counts.pairs) == (
                    n, dict(singles), dict(pairs))  # fmt: skip
            edges = select_edges(counts, weight="npmi")
            for edge in edges:
                assert edge.npmi == pytest.approx(expected_npmi(
                    edge.count, singles[edge.source], singles[edge.target], n), abs=1e-12)  # fmt: skip
            graph = to_graph(edges, counts.entities, {e: (e, "") for e in counts.entities}, "npmi")
            assert len(set(louvain(graph).values())) > 1


def test_chunked_and_one_pass_entity_counts_agree(
    store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = Window(since=parse_bound("2025-02"))
    expected = count_ego(store, KAZ, window)
    monkeypatch.setattr(cooccurrence, "VALUES_CHUNK", 2)  # many entities: one pass; few: VALUES
    assert count_ego(store, KAZ, window) == expected
    neighbours = {e for pair in expected.pairs for e in pair} - {KAZ}
    whole = count_window(store, window).pairs
    among = {pair: n for pair, n in whole.items() if set(pair) <= neighbours}
    assert count_among(store, neighbours, window) == among


def test_the_whole_analysis_runs_on_a_remote_engine(
    store: EmbeddedStore, oxigraph_server: str
) -> None:
    from newsgraph.cooccurrence.network import NetworkOptions, build_network
    from newsgraph.resolve import entity_iri

    options = NetworkOptions(window=WINDOWS[1], weight="npmi", top=8)
    with RemoteStore(oxigraph_server) as remote:
        assert entity_iri(remote, "kazakhstan") == KAZ
        far = build_network(remote, options)
        months = pair_months(remote, KAZ, RUSSIA, Window())
    near = build_network(store, options)
    assert far.edges == near.edges
    assert dict(far.graph.nodes(data=True)) == dict(near.graph.nodes(data=True))
    assert months == pair_months(store, KAZ, RUSSIA, Window())


def naive_counts(lists: list[list[str]], keep: set[str] | None = None) -> cooccurrence.Counts:
    """Counting as the definitions say, one article at a time, with no numpy."""
    entities: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    articles = 0
    for listed in lists:
        if not listed:
            continue
        articles += 1
        chosen = sorted({e for e in listed if keep is None or e in keep})
        entities.update(chosen)
        pairs.update(combinations(chosen, 2))
    return cooccurrence.Counts(articles, dict(entities), dict(pairs))


def test_count_lists_equals_the_definitions() -> None:
    rng = random.Random(7)
    pool = [f"http://x/{name}" for name in ("a", "b", "c", "d", "e", "é", "Z", "a1", "b/2")]
    lists = [rng.choices(pool, k=rng.randrange(0, 12)) for _ in range(300)]  # repeats, empties
    lists += [[pool[0]], [pool[1], pool[1]], pool, []]  # a lone entity, a repeat, everyone
    for keep in (None, set(pool[::2]), set(), {"http://x/absent"}):
        counted = cooccurrence.count_lists(lists, keep=keep)
        expected = naive_counts(lists, keep)
        assert counted == expected
        assert list(counted.pairs) == sorted(expected.pairs)  # x < y, in code point order
        assert all(type(n) is int for n in [*counted.pairs.values(), *counted.entities.values()])
        for min_count in (2, 3):
            kept = cooccurrence.count_lists(lists, keep=keep, min_count=min_count).pairs
            assert kept == {pair: n for pair, n in expected.pairs.items() if n >= min_count}
    assert cooccurrence.count_lists([]) == cooccurrence.Counts(0, {}, {})
    assert cooccurrence.count_lists([["a"], []]) == cooccurrence.Counts(1, {"a": 1}, {})


def test_vectorised_measures_equal_the_scalar_formulas_bit_for_bit() -> None:
    cases = [(n_xy, n_x, n_y, n) for n in (1, 2, 3, 7, 100, 99_991)
             for n_x in {1, 2, n // 2 or 1, n} for n_y in {1, 3, n}
             for n_xy in {0, 1, min(n_x, n_y), n} if n_xy <= min(n_x, n_y)]  # fmt: skip
    cases += [(1, 1, 1, 2), (5, 5, 5, 5), (3, 3, 3, 12), (1, 4, 4, 16), (2, 100, 3, 12_345)]
    for n in sorted({case[3] for case in cases}):
        chosen = [case for case in cases if case[3] == n]
        n_xy, n_x, n_y = (np.array([case[i] for case in chosen]) for i in range(3))
        many = cooccurrence.npmi_many(n_xy, n_x, n_y, n).tolist()
        assert many == [npmi(a, b, c, n) for a, b, c, _n in chosen]
        assert all(type(value) is float for value in many)
        overlap = cooccurrence.jaccard_many(n_xy, n_x, n_y).tolist()
        assert overlap == [cooccurrence.jaccard(a, b, c) for a, b, c, _n in chosen]
    assert cooccurrence.npmi_many(np.array([4]), np.array([4]), np.array([4]), 4).tolist() == [1.0]
    assert (
        cooccurrence.npmi_many(np.array([], dtype=np.int64), np.array([]), np.array([]), 3).size
        == 0
    )


def test_labels_of_many_entities_equal_those_looked_up_one_by_one(
    store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    entities = [*sorted(count_window(store, Window()).entities), BASE + "entity/not-in-the-store"]
    looked_up = cooccurrence.labels(store, entities)
    assert any(kind for _name, kind in looked_up.values())
    assert looked_up[KAZ] == ("Kazakhstan", looked_up[KAZ][1])
    assert looked_up[BASE + "entity/not-in-the-store"] == ("not-in-the-store", "")
    monkeypatch.setattr(cooccurrence, "VALUES_CHUNK", 3)  # many entities: all names in one pass
    assert cooccurrence.labels(store, entities) == looked_up
    assert cooccurrence.labels(store, entities[:2]) == {e: looked_up[e] for e in entities[:2]}


@pytest.mark.parametrize("window", WINDOWS, ids=lambda w: str(w.describe()))
def test_a_count_read_in_two_parts_equals_an_independent_count(
    store: EmbeddedStore, window: Window, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cooccurrence, "SPLIT_DATES", 1)  # every window is read in two parts
    n, singles, pairs = independent_counts(store, window.since, window.until, window.topic)
    counts = count_window(store, window, method="stream")
    assert (counts.articles, counts.entities, counts.pairs) == (n, dict(singles), dict(pairs))


def test_the_two_parts_hold_every_article_once_whatever_its_dates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Articles without a date, with two dates either side of the split, with a date that is not
    a dateTime, or stated in two graphs: each is counted once, as in one query."""
    date = "<http://www.w3.org/2001/XMLSchema#dateTime>"
    dated = {f"a{i}": [f'"2025-01-{i + 1:02d}T00:00:00Z"^^{date}'] for i in range(9)}
    odd = {
        "undated": [],
        "straddling": [f'"2024-12-01T00:00:00Z"^^{date}', f'"2025-12-01T00:00:00Z"^^{date}'],
        "string-dated": ['"2025-01-05"'],
        "twice-stated": [f'"2025-01-03T00:00:00Z"^^{date}'],
    }
    triples = []
    for number, (name, dates) in enumerate({**dated, **odd}.items()):
        article = f"<{BASE}article/{name}>"
        mentioned = [f"<{BASE}entity/e{(number + k) % 5}>" for k in range(3)]
        triples += [f"{article} <http://schema.org/mentions> {entity} ." for entity in mentioned]
        triples += [f"{article} <http://schema.org/datePublished> {d} ." for d in dates]
    again = [t for t in triples if "twice-stated" in t]
    with EmbeddedStore(tmp_path / "store", write=True, base=BASE) as opened:
        opened.update(
            f"INSERT DATA {{ GRAPH <{BASE}graph/one> {{ {' '.join(triples)} }} "
            f"GRAPH <{BASE}graph/two> {{ {' '.join(again)} }} }}"
        )
        whole = count_window(opened, Window(), method="sparql")
        monkeypatch.setattr(cooccurrence, "SPLIT_DATES", 1)
        split = count_window(opened, Window(), method="stream")
        ordered = [
            row["date"]
            for row in opened.select(
                "SELECT ?date WHERE { ?a <http://schema.org/datePublished> ?date } ORDER BY ?date"
            )
        ]
        assert cooccurrence._split_date(opened, {}) == ordered[len(ordered) // 2]
    assert whole.articles == len(dated) + len(odd)
    assert (split.articles, split.entities, split.pairs) == (
        whole.articles,
        whole.entities,
        whole.pairs,
    )


def test_labels_read_with_every_name_equal_those_looked_up(tmp_path: Path) -> None:
    """A node with names and types, one with only a type, one with two names, one with nothing:
    the same labels whether looked up by VALUES or read with every named node."""
    thing, org = "<http://schema.org/Thing>", "<http://schema.org/Organization>"
    name, kind = "<http://schema.org/name>", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    named, typed, twice, bare = (BASE + f"entity/{n}" for n in ("named", "typed", "twice", "bare"))
    with EmbeddedStore(tmp_path / "store", write=True, base=BASE) as opened:
        opened.update(f"""INSERT DATA {{ GRAPH <{BASE}graph/g> {{
            <{named}> {name} "Named" ; {kind} {thing}, {org} .
            <{typed}> {kind} {org} .
            <{twice}> {name} "Zeta", "Alpha" .
        }} }}""")
        entities = [named, typed, twice, bare]
        looked_up = cooccurrence.labels(opened, entities)
        read = cooccurrence.labels(opened, entities, cooccurrence.named_nodes(opened))
    assert (
        looked_up
        == read
        == {
            named: ("Named", "Organization"),
            typed: ("typed", "Organization"),
            twice: ("Alpha", ""),
            bare: ("bare", ""),
        }
    )
