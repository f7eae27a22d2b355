"""``newsgraph cooccur``: one store and one window give the same numbers in every format, whatever
``--top`` (graph/cli/cooccur.py, graph/cooccurrence/shown.py).

The oracle is the whole network computed here from the store's quads
(:func:`tests.cooccur_corpus.independent_counts`) with networkx alone: each entity's degree,
strength, articles, PageRank and betweenness, and the disparity backbone written out again from
its definition. The corpus, built in code, has 57 edges among 27 entities — more than the
table's 25 rows — so a network cut to its top edges before the analysis gets other numbers; the
control test proves the comparison catches that network (what the command used to analyse).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from newsgraph.cli import cooccur as cooccur_cli
from newsgraph.cli import main
from newsgraph.cooccurrence import formats
from newsgraph.cooccurrence.network import Network, NetworkOptions, build_network
from newsgraph.ingest import ingest
from newsgraph.settings import Settings
from newsgraph.store import EmbeddedStore
from rich.console import Console

from tests.conftest import BASE, record, write_jsonl
from tests.cooccur_corpus import independent_counts

Run = Callable[..., tuple[bytes, str]]
HUBS = ("Aldor", "Brevia", "Corland")
#: Eight invented names around each hub, none a word the linker reads as a kind of entity.
SPOKES = (
    ("Vantor", "Mirelo", "Oskaru", "Pelladi", "Quorvan", "Rillemo", "Sutavi", "Tornel"),
    ("Ubrano", "Velkari", "Wintaro", "Xaleph", "Yorvish", "Zandeli", "Amberu", "Bosquet"),
    ("Cadrelo", "Dunvari", "Esqueri", "Farolan", "Gildoro", "Hestavi", "Ivantel", "Jorquel"),
)
ALDOR = BASE + "entity/aldor"


def hubs() -> list[dict[str, Any]]:
    """126 articles: three hubs, each mentioned with its eight spokes by a fixed, skewed rule
    (some spokes far more often than others), and six articles bridging the hubs."""
    mentions: list[list[str]] = []
    for c, (hub, spokes) in enumerate(zip(HUBS, SPOKES, strict=True)):
        for i in range(40):
            names = [hub, spokes[(i * i + c) % 8]]
            if i % 3 == 0:
                names.append(spokes[(i // 3 + c) % 8])
            if i % 5 == 0:
                names.append(spokes[0])
            mentions.append(names)
    mentions += [
        ["Aldor", "Brevia"] if i % 2 else ["Brevia", "Corland", "Mirelo"] for i in range(6)
    ]
    return [
        record(f"h{n:03d}", published_at=f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T08:00:00Z",
               entities=list(dict.fromkeys(names)), topics=["world"])
        for n, names in enumerate(mentions)
    ]  # fmt: skip


def ingested(root: Path, corpus: Path) -> Path:
    settings = Settings(store=str(root / "store"), base=BASE)
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as opened:
        ingest([str(corpus)], opened, settings)
    return settings.store_path


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cooccur-top")
    return ingested(root, write_jsonl(root / "hubs.jsonl", hubs()))


def whole_network(store: Path) -> nx.Graph:
    """The oracle: every counted pair an edge weighted by its count, with the expected metrics
    on the nodes (``degree``, ``strength``, ``articles``, ``pagerank``, ``betweenness``)."""
    with EmbeddedStore(store) as opened:
        _n, singles, pairs = independent_counts(opened)
    G = nx.Graph()
    G.add_weighted_edges_from((x, y, count) for (x, y), count in pairs.items())
    return with_metrics(G, singles)


def with_metrics(G: nx.Graph, singles: dict[str, int]) -> nx.Graph:
    ranks = nx.pagerank(G, weight="weight", tol=1e-12, max_iter=1000)
    between = nx.betweenness_centrality(G, weight=lambda _u, _v, d: 1 / d["weight"])
    for node, data in G.nodes(data=True):
        data.update(degree=G.degree(node), strength=float(G.degree(node, weight="weight")),
                    articles=singles[node], pagerank=ranks[node], betweenness=between[node])  # fmt: skip
    return G


def backbone_entities(G: nx.Graph, alpha: float) -> set[str]:
    """The ends of the edges whose disparity α — at the end where it is smaller,
    (1 − w/s)^(k − 1) — is below ``alpha`` (Serrano et al. 2009, as README defines it)."""
    kept: set[str] = set()
    for u, v, w in G.edges(data="weight"):
        levels = [(1 - w / G.degree(x, weight="weight")) ** (G.degree(x) - 1) for x in (u, v)]
        if min(levels) < alpha:
            kept |= {u, v}
    return kept


def assert_whole_numbers(rows: dict[str, dict[str, Any]], oracle: nx.Graph) -> None:
    """Every entity shown has the whole network's numbers (the table's rounded as it prints)."""
    assert rows and set(rows) <= set(oracle)
    for entity, row in rows.items():
        want = oracle.nodes[entity]
        assert int(row["degree"]) == want["degree"], entity
        assert int(row["articles"]) == want["articles"], entity
        assert float(row["strength"]) == pytest.approx(want["strength"], rel=1e-5), entity
        assert float(row["pagerank"]) == pytest.approx(want["pagerank"], abs=6e-5), entity
        assert float(row["betweenness"]) == pytest.approx(want["betweenness"], abs=6e-5), entity


@pytest.fixture
def run(capsysbinary: pytest.CaptureFixture[bytes]) -> Run:
    """``newsgraph cooccur --store STORE ARGS…`` in this process: (stdout, the summary line)."""

    def call(store: Path, *args: str) -> tuple[bytes, str]:
        with pytest.raises(SystemExit) as exited:
            main(["cooccur", "--store", str(store), *args])
        captured = capsysbinary.readouterr()
        assert exited.value.code in (0, None), captured.err.decode()
        return captured.out, captured.err.decode().splitlines()[-1]

    return call


def node_rows(run: Run, store: Path, fmt: str, *args: str) -> dict[str, dict[str, Any]]:
    """Entity IRI → its row, as ``--nodes --format fmt`` writes it (a table read back)."""
    if fmt == "table":
        return table_nodes(run, store, *args)[0]
    return parse_nodes(fmt, run(store, "--nodes", "--format", fmt, *args)[0])


def parse_nodes(fmt: str, body: bytes) -> dict[str, dict[str, Any]]:
    if fmt == "csv":
        return {row["entity"]: row for row in csv.DictReader(io.StringIO(body.decode()))}
    if fmt == "json":
        return {row["entity"]: row for row in json.loads(body)["nodes"]}
    read = nx.read_gexf if fmt == "gexf" else nx.read_graphml
    return {node: dict(data) for node, data in read(io.BytesIO(body)).nodes(data=True)}


def read_table(path: Path) -> tuple[list[list[str]], str]:
    """The body rows of a table the command wrote (wrapped cells joined) and what follows it."""
    rows: list[list[str]] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    body = [i for i, line in enumerate(lines) if line.startswith("│")]
    for line in lines[body[0] : body[-1] + 1] if body else []:
        cells = [cell.strip() for cell in line.strip("│").split("│")]
        if rows and not cells[-1]:  # a wrapped cell goes on: no last column on this line
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells, strict=True)]
        else:
            rows.append(cells)
    after = "\n".join(lines[body[-1] + 2 :] if body else lines)
    return rows, after


def table_nodes(run: Run, store: Path, *args: str) -> tuple[dict[str, dict[str, Any]], str]:
    """The ``--nodes`` table by entity IRI, and its caption.

    The table prints names, which need not be unique (Reuters has several entities named
    "IDA"): its rows are keyed by position in the same network's CSV sorted by PageRank, the
    table's order, and each row's name must be the name the CSV gives that position.
    """
    path = store.parent / "table.txt"
    run(store, "--nodes", "--out", str(path), *args)
    rows, caption = read_table(path)
    shape = [arg for i, arg in enumerate(args) if "--top" not in args[max(i - 1, 0) : i + 1]]
    every = node_rows(run, store, "csv", *shape).values()
    ranked = sorted(every, key=lambda row: (-float(row["pagerank"]), row["entity"]))
    assert len(rows) <= len(ranked)
    columns = ("name", "type", "articles", "degree", "strength", "pagerank", "betweenness",
               "community")  # fmt: skip
    found = {}
    for printed, want in zip(rows, ranked, strict=False):
        assert printed[0] == want["name"]
        found[want["entity"]] = dict(zip(columns, printed, strict=True))
    return found, caption


def build_network_of(store: Path, **options: Any) -> Network:
    with EmbeddedStore(store) as opened:
        return build_network(opened, NetworkOptions(**options))


def without_seconds(summary: str) -> str:
    return re.sub(r"\d+\.\d\d s", "… s", summary)


@pytest.mark.parametrize("top", [None, "5", "0"])
@pytest.mark.parametrize("fmt", ["table", "csv", "json", "gexf", "graphml"])
def test_every_format_and_top_shows_the_whole_networks_numbers(
    store: Path, run: Run, fmt: str, top: str | None
) -> None:
    oracle = whole_network(store)
    assert oracle.number_of_edges() == 57 and oracle.number_of_nodes() == 27
    rows = node_rows(run, store, fmt, *(["--top", top] if top else []))
    assert_whole_numbers(rows, oracle)
    shown = {None: 25 if fmt == "table" else 27, "5": 5, "0": 27}[top]
    assert len(rows) == shown
    ranked = sorted(oracle, key=lambda x: (-oracle.nodes[x]["pagerank"], x))
    assert set(rows) == set(ranked[:shown])  # the most central, by the oracle's PageRank


def test_formats_agree_exactly_and_the_table_as_printed(store: Path, run: Run) -> None:
    exact = node_rows(run, store, "csv")
    columns = formats.NODE_COLUMNS[3:]
    for fmt, top in (("json", "7"), ("gexf", "3"), ("graphml", "3")):
        for iri, row in node_rows(run, store, fmt, "--top", top).items():
            assert {c: str(row[c]) for c in columns} == {c: exact[iri][c] for c in columns}
    for iri, row in node_rows(run, store, "table").items():
        want = exact[iri]
        assert (row["degree"], row["community"]) == (want["degree"], want["community"])
        assert row["pagerank"] == f"{float(want['pagerank']):.4f}"
        assert row["betweenness"] == f"{float(want['betweenness']):.4f}"


def test_the_table_says_how_many_rows_it_leaves_out(store: Path, run: Run) -> None:
    assert table_nodes(run, store)[1].strip() == (
        "… and 2 more entities: --top 0 shows all, --top N the first N"
    )
    assert table_nodes(run, store, "--top", "0")[1].strip() == ""
    path = store.parent / "edges.txt"
    _out, summary = run(store, "--out", str(path))
    rows, caption = read_table(path)
    assert len(rows) == 25 and "… and 32 more edges: --top 0 shows all" in caption
    assert summary.startswith("126 articles, 27 entities, 57 edges") and "shown: " in summary


def test_the_summary_line_is_the_whole_networks_in_every_format(store: Path, run: Run) -> None:
    summaries = {
        without_seconds(run(store, "--nodes", "-f", fmt, *top)[1]).split(";")[0]
        for fmt in ("table", "csv", "json", "gexf", "graphml")
        for top in ([], ["--top", "3"], ["--top", "0"])
    }
    assert len(summaries) == 1
    assert summaries.pop().startswith("126 articles, 27 entities, 57 edges, ")


def test_top_edges_are_the_first_of_the_ranking_with_the_whole_networks_numbers(
    store: Path, run: Run
) -> None:
    every = list(csv.DictReader(io.StringIO(run(store, "-f", "csv")[0].decode())))
    first = list(csv.DictReader(io.StringIO(run(store, "-f", "csv", "--top", "5")[0].decode())))
    assert first == every[:5] and len(every) == 57
    data = json.loads(run(store, "-f", "json", "--top", "5")[0])
    assert [(e["source"], e["target"]) for e in data["edges"]] == [
        (e["source"], e["target"]) for e in every[:5]]  # fmt: skip
    assert {n["entity"] for n in data["nodes"]} == {
        e[k] for e in every[:5] for k in ("source", "target")
    }
    assert data["top"] == 5
    assert_whole_numbers({n["entity"]: n for n in data["nodes"]}, whole_network(store))
    path = store.parent / "top-edges.txt"
    run(store, "--out", str(path))
    table = read_table(path)[0]
    assert [(r[0], r[1], r[2]) for r in table] == [
        (e["source_name"], e["target_name"], e["count"]) for e in every[:25]]  # fmt: skip


def test_the_backbone_finds_the_same_entities_in_every_format(store: Path, run: Run) -> None:
    oracle = whole_network(store)
    expected = backbone_entities(oracle, 0.05)
    assert len(expected) == 8
    for fmt in ("table", "csv", "json", "gexf", "graphml"):
        for top in ([], ["--top", "0"], ["--top", "25"]):
            found = node_rows(run, store, fmt, "--backbone", "0.05", *top)
            assert set(found) == expected, (fmt, top)
            assert_whole_numbers(found, backbone_network(oracle, expected, 0.05))
    assert run(store, "--nodes", "--backbone", "0.05")[1].startswith("126 articles, 8 entities")


def backbone_network(oracle: nx.Graph, kept: set[str], alpha: float) -> nx.Graph:
    """The backbone as its own network, with its metrics (what --backbone analyses)."""
    G = nx.Graph()
    for u, v, w in oracle.edges(data="weight"):
        levels = [(1 - w / oracle.degree(x, weight="weight")) ** (oracle.degree(x) - 1)
                  for x in (u, v)]  # fmt: skip
        if min(levels) < alpha:
            G.add_edge(u, v, weight=w)
    assert set(G) == kept
    return with_metrics(G, {x: oracle.nodes[x]["articles"] for x in G})


def test_an_ego_network_is_analysed_whole_and_cut_to_its_strongest_neighbours(
    store: Path, run: Run
) -> None:
    oracle = whole_network(store)
    ego = nx.ego_graph(oracle, ALDOR)
    expected = with_metrics(ego.copy(), {x: oracle.nodes[x]["articles"] for x in ego})
    for fmt in ("table", "csv", "json"):
        for top in ([], ["--top", "3"], ["--top", "0"]):
            rows = node_rows(run, store, fmt, "--entity", "Aldor", *top)
            assert_whole_numbers(rows, expected)
    edges = list(csv.DictReader(io.StringIO(
        run(store, "--entity", "Aldor", "-f", "csv", "--top", "3")[0].decode())))  # fmt: skip
    strongest = sorted(ego[ALDOR], key=lambda x: (-ego[ALDOR][x]["weight"], *sorted((x, ALDOR))))
    shown = {ALDOR, *strongest[:3]}
    assert {(e["source"], e["target"]) for e in edges} == {
        tuple(sorted(pair)) for pair in ego.subgraph(shown).edges()}  # fmt: skip


def test_materialise_writes_the_whole_network_from_the_table_too(
    store: Path, run: Run, tmp_path: Path
) -> None:
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    run(copy, "--materialize")
    query = """PREFIX ng: <https://w3id.org/newsgraph/ns#>
    SELECT (COUNT(?edge) AS ?n) WHERE { GRAPH ?g { ?edge a ng:Cooccurrence } }"""
    with EmbeddedStore(copy) as opened:
        (row,) = list(opened.select(query))
    assert int(row["n"].value) == 57


def test_control_the_comparison_catches_the_network_of_the_top_25_edges(
    store: Path, tmp_path: Path
) -> None:
    """What the table used to analyse, the network of its 25 rows, written in every format: the
    checks above fail on each; on the whole network, written the same way, they pass."""
    oracle = whole_network(store)
    for top, fails in ((25, True), (0, False)):
        network = build_network_of(store, top=top)
        for fmt in ("csv", "json", "gexf", "graphml"):
            buffer = io.BytesIO()
            formats.write(network, fmt, buffer, nodes=True)
            check = pytest.raises(AssertionError) if fails else contextlib.nullcontext()
            with check:
                assert_whole_numbers(parse_nodes(fmt, buffer.getvalue()), oracle)
        path = tmp_path / f"table-{top}.txt"
        with path.open("w", encoding="utf-8") as handle:
            Console(file=handle, width=160).print(cooccur_cli._node_table(network, network))
        by_name = {data["label"]: node for node, data in network.graph.nodes(data=True)}
        columns = ("name", "type", *formats.NODE_COLUMNS[3:])
        printed = {by_name[row[0]]: dict(zip(columns, row, strict=True))
                   for row in read_table(path)[0]}  # fmt: skip
        with pytest.raises(AssertionError) if fails else contextlib.nullcontext():
            assert_whole_numbers(printed, oracle)
    cut_backbone = build_network_of(store, top=25, backbone=0.05)
    assert set(cut_backbone.graph) != backbone_entities(oracle, 0.05)


@pytest.mark.slow
def test_reuters_gives_the_same_numbers_in_every_format(reuters_store: Path, run: Run) -> None:
    """The issue's figures: United States' degree, PageRank and community, and the backbone's
    entities at 0.05, the same in the table, CSV and JSON and with ``--top 0``."""
    store = reuters_store
    usa = BASE + "entity/united-states"
    exact = node_rows(run, store, "csv")
    assert node_rows(run, store, "json")[usa]["degree"] == int(exact[usa]["degree"])
    table = node_rows(run, store, "table")
    assert len(table) == 25 and usa in table
    for iri, row in table.items():
        assert (row["degree"], row["community"]) == (exact[iri]["degree"], exact[iri]["community"])
        assert row["pagerank"] == f"{float(exact[iri]['pagerank']):.4f}"
    backbone = set(node_rows(run, store, "csv", "--backbone", "0.05"))
    assert len(backbone) > 25
    assert set(node_rows(run, store, "json", "--backbone", "0.05")) == backbone
    assert set(node_rows(run, store, "table", "--backbone", "0.05", "--top", "0")) == backbone
    summary = run(store, "--nodes", "--backbone", "0.05")[1]
    assert f" articles, {len(backbone)} entities, " in summary
