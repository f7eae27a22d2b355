"""``newsgraph cooccur`` as users run it (graph/cli/cooccur.py): real processes, real files."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest
from newsgraph.cli import cooccur as cooccur_cli
from newsgraph.cli import listing, main
from newsgraph.cooccurrence import formats
from newsgraph.cooccurrence.window import parse_bound
from newsgraph.store import EmbeddedStore

from tests.conftest import BASE, newsgraph
from tests.cooccur_corpus import build_store, expected_npmi, independent_counts

KAZ = BASE + "entity/kazakhstan"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("cli-cooccur"))


def run(store: Path, *args: str, seed: str = "0") -> bytes:
    """The real command in its own process (for what depends on the process, like hashing)."""
    result = newsgraph("cooccur", "--store", str(store), *args, env={"PYTHONHASHSEED": seed})
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


@pytest.fixture
def cli(capsysbinary: pytest.CaptureFixture[bytes]) -> Callable[..., tuple[int, bytes, str]]:
    """The command's entry point in this process: (exit code, stdout, stderr)."""

    def call(store: Path, *args: str) -> tuple[int, bytes, str]:
        with pytest.raises(SystemExit) as exit_info:
            main(["cooccur", "--store", str(store), *args])
        captured = capsysbinary.readouterr()
        return int(exit_info.value.code or 0), captured.out, captured.err.decode()

    return call


def ok(cli: Callable[..., tuple[int, bytes, str]], store: Path, *args: str) -> bytes:
    code, out, err = cli(store, *args)
    assert code == 0, err
    return out


def test_formats_are_those_the_writers_know() -> None:
    """The network's writer's formats, and the listing's (table, csv, tsv): no more, no less."""
    assert set(cooccur_cli.FORMATS) == set(formats.FORMATS) | set(listing.FORMATS)
    assert set(cooccur_cli.LISTED) == set(listing.FORMATS) - {"json"}


def test_csv_columns_and_numbers_equal_an_independent_count_in_a_window(
    store: Path, cli: Callable[..., tuple[int, bytes, str]]
) -> None:
    body = ok(cli, store, "--since", "2025-02", "--until", "2025-04-30", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert set(formats.EDGE_COLUMNS) <= set(rows[0])
    with EmbeddedStore(store) as opened:
        n, singles, pairs = independent_counts(
            opened, parse_bound("2025-02"), parse_bound("2025-04-30", end=True)
        )
    assert {(r["source"], r["target"]): int(r["count"]) for r in rows} == dict(pairs)
    for row in rows:
        x, y = row["source"], row["target"]
        assert float(row["npmi"]) == pytest.approx(
            expected_npmi(pairs[(x, y)], singles[x], singles[y], n), abs=1e-12
        )
        assert float(row["jaccard"]) == pytest.approx(
            pairs[(x, y)] / (singles[x] + singles[y] - pairs[(x, y)])
        )
        assert (int(row["source_count"]), int(row["target_count"])) == (singles[x], singles[y])
    assert rows[0]["source_name"] and rows[0]["target_name"]


@pytest.mark.parametrize("fmt", ["csv", "gexf"])
def test_the_same_store_and_options_give_byte_identical_files(
    store: Path, tmp_path: Path, fmt: str
) -> None:
    outputs = []
    for seed in ("1", "2"):
        path = tmp_path / f"{seed}.{fmt}"
        run(store, "--weight", "npmi", "--format", fmt, "--out", str(path), seed=seed)
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1] and len(outputs[0]) > 500


def test_gexf_reads_back_with_its_attributes(
    store: Path, tmp_path: Path, cli: Callable[..., tuple[int, bytes, str]]
) -> None:
    path = tmp_path / "network.gexf"
    ok(cli, store, "--format", "gexf", "--out", str(path))
    G = nx.read_gexf(path)
    with EmbeddedStore(store) as opened:
        n, singles, pairs = independent_counts(opened)
    assert G.nodes[KAZ]["label"] == "Kazakhstan"
    assert G.nodes[KAZ]["articles"] == singles[KAZ]
    assert isinstance(G.nodes[KAZ]["pagerank"], float)
    assert isinstance(G.nodes[KAZ]["community"], int)
    for (x, y), count in pairs.items():
        edge = G.edges[x, y]
        assert edge["count"] == count
        assert edge["npmi"] == pytest.approx(expected_npmi(count, singles[x], singles[y], n))
        assert 0 < edge["jaccard"] <= 1 and 0 <= edge["disparity"] <= 1


def test_graphml_and_json(
    store: Path, tmp_path: Path, cli: Callable[..., tuple[int, bytes, str]]
) -> None:
    path = tmp_path / "network.graphml"
    ok(cli, store, "--entity", KAZ, "--format", "graphml", "--out", str(path))
    G = nx.read_graphml(path)
    assert KAZ in G and G.graph["entity"] == KAZ and G.graph["articles"] > 0
    data = json.loads(ok(cli, store, "--entity", "kazakhstan", "--weight", "jaccard", "-f", "json"))
    assert data["entity"] == KAZ and data["weight"] == "jaccard"
    ego_edges = [e for e in data["edges"] if KAZ in (e["source"], e["target"])]
    assert [e["jaccard"] for e in ego_edges] == sorted(
        (e["jaccard"] for e in ego_edges), reverse=True
    )
    assert {node["entity"] for node in data["nodes"]} == set(G.nodes)


def test_table_nodes_and_chart(
    store: Path, tmp_path: Path, cli: Callable[..., tuple[int, bytes, str]]
) -> None:
    code, table, err = cli(store, "--top", "3")
    assert code == 0 and "Kazakhstan" in table.decode() and "npmi" in table.decode()
    with EmbeddedStore(store) as opened:
        edges = len(independent_counts(opened)[2])
    summary = err.splitlines()[-1]  # the whole network's, then what --top shows of it
    assert f"{edges} edges, " in summary and summary.endswith(" 3 edges (--top 3)")
    assert f"… and {edges - 3} more edges" in table.decode()
    nodes = ok(cli, store, "--nodes", "-f", "csv").decode().splitlines()
    assert tuple(nodes[0].split(",")) == formats.NODE_COLUMNS
    assert ok(cli, store, "--nodes")
    chart = tmp_path / "top.png"
    ok(cli, store, "--chart", str(chart), "--format", "csv", "--out", str(tmp_path / "e.csv"))
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_pairs_months(
    store: Path, tmp_path: Path, cli: Callable[..., tuple[int, bytes, str]]
) -> None:
    chart = tmp_path / "pair.png"
    body = ok(cli, store, "--entity", "Kazakhstan", "--with", BASE + "entity/russia", "-f", "csv",
               "--since", "2025-01", "--until", "2025-06", "--chart", str(chart))  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert [r["month"] for r in rows] == [f"2025-0{m}" for m in range(1, 7)]
    assert sum(int(r["count"]) for r in rows) > 0
    assert chart.read_bytes()[:4] == b"\x89PNG"


def test_materialised_edges_join_in_sparql(
    store: Path, tmp_path: Path, cli: Callable[..., tuple[int, bytes, str]]
) -> None:
    copy = tmp_path / "store"
    import shutil

    shutil.copytree(store, copy)
    csv_rows = list(
        csv.DictReader(io.StringIO(run(copy, "--min-count", "2", "-f", "csv").decode()))
    )
    result = newsgraph("cooccur", "--store", str(copy), "--min-count", "2", "--materialize",
                       "--format", "csv")  # fmt: skip
    assert result.returncode == 0 and "quads into the graph" in result.stderr.decode()
    query = f"""PREFIX ng: <https://w3id.org/newsgraph/ns#>
    SELECT ?source ?target ?count ?npmi ?n WHERE {{
      GRAPH <{BASE}graph/cooccurrence> {{
        ?edge a ng:Cooccurrence ; ng:source ?source ; ng:target ?target ;
              ng:articleCount ?count ; ng:npmi ?npmi ; ng:window ?w . ?w ng:articleCount ?n }}
    }}"""
    with EmbeddedStore(copy) as opened:
        bindings = [
            {name: {"value": term.value} for name, term in row.items()}
            for row in opened.select(query)
        ]
    found = {
        (b["source"]["value"], b["target"]["value"]): int(b["count"]["value"]) for b in bindings
    }
    assert found == {(r["source"], r["target"]): int(r["count"]) for r in csv_rows}
    npmis = {
        (b["source"]["value"], b["target"]["value"]): float(b["npmi"]["value"]) for b in bindings
    }
    assert all(npmis[(r["source"], r["target"])] == float(r["npmi"]) for r in csv_rows)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--entity", "Nobody"], "no mentioned entity is named 'Nobody'"),
        (["--with", "Russia"], "--with needs --entity"),
        (["--since", "2025-99"], "is not a date"),
        (["--topic", "gardening"], "no article is about the topic"),
        (["--type", "Event"], "no mentioned entity has the type"),
        (["--entity", "Kazakhstan", "--with", "kazakhstan"], "the same entity"),
        (["--chart", "x.svg"], "PNG"),
        (["--top", "-1", "--nodes"], "--top -1: must be 0 (all) or more"),
    ],
)
def test_user_mistakes_are_one_line_and_exit_2(
    store: Path, args: list[str], message: str, cli: Callable[..., tuple[int, bytes, str]]
) -> None:
    code, _out, err = cli(store, *args)
    assert code == 2 and message in err
    assert err.count("\n") == 1 and "Traceback" not in err
