"""The network per period (graph/cooccurrence/dynamic.py, graph/cli/cooccur_periods.py) and a pair's
periods (graph/cooccurrence/pairtimeline.py), on the small corpus of tests/cooccur_corpus.py.

Every period's rows are checked against the single-window command for that period and against an
independent count from the quads (rdflib, no newsgraph counting); the dynamic GEXF is read back
by networkx with its spells; the materialised periods are read back by SPARQL.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from newsgraph import open as open_graph
from newsgraph.cli import main
from newsgraph.cooccurrence.periods import parse_period
from newsgraph.cooccurrence.window import parse_date
from newsgraph.store import EmbeddedStore

from tests.conftest import BASE
from tests.cooccur_corpus import build_store, dataset, independent_counts

MONTHS = [f"2025-0{m}" for m in range(1, 7)]
RUSSIA, BLACK_SEA = BASE + "entity/russia", BASE + "entity/black-sea"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("dynamic"))


@pytest.fixture
def cli(capsysbinary: pytest.CaptureFixture[bytes]) -> Callable[..., tuple[int, bytes, str]]:
    """``newsgraph cooccur`` in this process: (exit code, stdout, stderr)."""

    def call(store: Path, *args: str) -> tuple[int, bytes, str]:
        with pytest.raises(SystemExit) as exit_info:
            main(["cooccur", "--store", str(store), *args])
        captured = capsysbinary.readouterr()
        return int(exit_info.value.code or 0), captured.out, captured.err.decode()

    return call


def quads_of(store: Path) -> object:
    with EmbeddedStore(store) as opened:
        return dataset(opened)


def rows_of(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode())))


def single_window(cli: Callable[..., tuple[int, bytes, str]], store: Path, label: str,
                  *args: str) -> list[dict[str, str]]:  # fmt: skip
    bounds = parse_period(label).window().describe()
    code, out, err = cli(store, "--since", bounds["since"], "--until", bounds["until"],
                         "--format", "csv", *args)  # fmt: skip
    assert code == 0, err
    return rows_of(out)


@pytest.mark.parametrize("args", [(), ("--min-count", "2", "--weight", "npmi")])
def test_each_periods_rows_are_the_single_window_rows_of_that_period(
    store: Path, cli: Callable[..., tuple[int, bytes, str]], args: tuple[str, ...]
) -> None:
    code, out, err = cli(store, "--period", "month", "--format", "csv", *args)
    assert code == 0, err
    rows = rows_of(out)
    assert list(rows[0]) == ["period", "source", "target", "source_name", "target_name", "count",
                             "npmi", "jaccard", "source_count", "target_count", "disparity"]  # fmt: skip
    assert {row["period"] for row in rows} <= set(MONTHS) and len({r["period"] for r in rows}) > 3
    quads = quads_of(store)
    for label in MONTHS:
        mine = [{k: v for k, v in row.items() if k != "period"} for row in rows
                if row["period"] == label]  # fmt: skip
        assert mine == single_window(cli, store, label, *args)  # byte for byte, in ranking order
        period = parse_period(label)
        _n, _singles, pairs = independent_counts(quads, period.start, period.window().until)
        minimum = int(args[1]) if args else 1
        expected = {pair: count for pair, count in pairs.items() if count >= minimum}
        assert {(r["source"], r["target"]): int(r["count"]) for r in mine} == expected


def test_an_article_is_in_the_month_of_its_instant_in_utc(
    store: Path, cli: Callable[..., tuple[int, bytes, str]]
) -> None:
    """31 March 23:30 at −02:00 is 1 April in UTC: Russia and the Black Sea meet only there."""
    _code, out, _err = cli(store, "--period", "month", "--format", "csv")
    periods = {row["period"] for row in rows_of(out)
               if (row["source"], row["target"]) == (BLACK_SEA, RUSSIA)}  # fmt: skip
    assert "2025-04" in periods
    control = {row["period"] for row in rows_of(out) if row["source"] == BLACK_SEA}
    assert control, "the pair is in the corpus at all"


def test_the_dynamic_gexf_reads_back_with_spells_and_per_period_counts(
    store: Path, tmp_path: Path, cli: Callable[..., tuple[int, bytes, str]]
) -> None:
    path = tmp_path / "months.gexf"
    code, _out, err = cli(store, "--period", "month", "--format", "gexf", "--out", str(path))
    assert code == 0, err
    assert b'mode="dynamic"' in path.read_bytes() and b'timeformat="date"' in path.read_bytes()
    G = nx.read_gexf(path)
    _code, out, _err = cli(store, "--period", "month", "--format", "csv")
    by_pair: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
    for row in rows_of(out):
        period = parse_period(row["period"])
        span = (int(row["count"]), period.first_day.isoformat(), period.last_day.isoformat())
        by_pair.setdefault((row["source"], row["target"]), []).append(span)
    assert G.number_of_edges() == len(by_pair)
    for (source, target), spans in by_pair.items():
        data = G.edges[source, target]
        assert data["count"] == spans
        assert data["spells"] == [(first, last) for _count, first, last in spans]
        assert data["weight"] == sum(count for count, _f, _l in spans)  # the whole window's
    quads = quads_of(store)
    for node, data in G.nodes(data=True):
        for articles, first, _last in data["articles"]:
            period = parse_period(first[:7])
            _n, singles, _pairs = independent_counts(quads, period.start, period.window().until)
            assert articles == singles[node]


def test_the_same_store_gives_the_same_dynamic_gexf(
    store: Path, tmp_path: Path, cli: Callable[..., tuple[int, bytes, str]]
) -> None:
    first, second = tmp_path / "a.gexf", tmp_path / "b.gexf"
    for path in (first, second):
        assert cli(store, "--period", "week", "--format", "gexf", "--out", str(path))[0] == 0
    assert first.read_bytes() == second.read_bytes()


def test_weeks_and_days_equal_an_independent_count(store: Path) -> None:
    from newsgraph.cooccurrence.periodcounts import count_periods
    from newsgraph.cooccurrence.window import Window

    with EmbeddedStore(store) as opened:
        quads = dataset(opened)
        for kind in ("week", "day"):
            counted = count_periods(opened, Window(), kind)
            assert sum(counted.articles.tolist()) == independent_counts(quads)[0]
            for index, period in enumerate(counted.periods):
                counts = counted.counts(index)
                n, singles, pairs = independent_counts(quads, period.start, period.window().until)
                assert (counts.articles, counts.entities, dict(counts.pairs)) == (
                    n, dict(singles), dict(pairs))  # fmt: skip


def test_json_lists_the_periods_with_their_edges(
    store: Path, cli: Callable[..., tuple[int, bytes, str]]
) -> None:
    _code, out, _err = cli(store, "--period", "month", "--format", "json", "--top", "2")
    document = json.loads(out)
    assert [p["period"] for p in document["periods"]] == MONTHS
    assert all(len(p["edges"]) <= 2 for p in document["periods"])
    assert sum(p["articles"] for p in document["periods"]) == document["articles"]
    march = document["periods"][2]
    assert march["start"] == "2025-03-01T00:00:00Z" and march["end"] == "2025-04-01T00:00:00Z"


def test_materialised_periods_join_in_sparql(
    store: Path, tmp_path: Path, cli: Callable[..., tuple[int, bytes, str]]
) -> None:
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    code, out, err = cli(copy, "--period", "month", "--materialize", "--format", "csv")
    assert code == 0 and "quads into the graph" in err
    expected = {(r["period"], r["source"], r["target"]): int(r["count"]) for r in rows_of(out)}
    query = f"""PREFIX ng: <https://w3id.org/newsgraph/ns#>
    SELECT ?label ?source ?target ?count ?whole WHERE {{
      GRAPH <{BASE}graph/cooccurrence> {{
        ?edge a ng:PeriodCooccurrence ; ng:window ?period ; ng:source ?source ;
              ng:target ?target ; ng:articleCount ?count ; ng:wholeEdge ?w .
        ?period a ng:CooccurrencePeriod ; ng:periodLabel ?label ; ng:periodKind "month" ;
                ng:periodOf ?window .
        ?window a ng:CooccurrenceWindow .
        ?w ng:articleCount ?whole ; ng:source ?source ; ng:target ?target .
      }}
    }}"""
    with EmbeddedStore(copy) as opened:
        rows = list(opened.select(query))
        found = {
            (r["label"].value, r["source"].value, r["target"].value): int(r["count"].value)
            for r in rows
        }
        assert found == expected
        assert all(int(r["whole"].value) >= int(r["count"].value) for r in rows)
        totals = f"""PREFIX ng: <https://w3id.org/newsgraph/ns#>
        SELECT ?label ?n WHERE {{ GRAPH <{BASE}graph/cooccurrence> {{
          ?p ng:periodLabel ?label ; ng:articleCount ?n }} }}"""
        months = {r["label"].value: int(r["n"].value) for r in opened.select(totals)}
        assert list(sorted(months)) == MONTHS
        quads = dataset(opened)
    for label, n in months.items():
        period = parse_period(label)
        assert n == independent_counts(quads, period.start, period.window().until)[0]


def test_a_pairs_periods_first_and_last_and_strongest(
    store: Path, cli: Callable[..., tuple[int, bytes, str]]
) -> None:
    code, out, err = cli(store, "--entity", "Kazakhstan", "--with", "Council of Europe",
                         "--period", "month", "--format", "json")  # fmt: skip
    assert code == 0, err
    document = json.loads(out)
    kaz, coe = document["source"], document["target"]
    with EmbeddedStore(store) as opened:
        quads = dataset(opened)
    counts = []
    for row in document["periods"]:
        period = parse_period(row["period"])
        _n, singles, pairs = independent_counts(quads, period.start, period.window().until)
        both = pairs[tuple(sorted((kaz, coe)))]
        assert (row["count"], row["source"], row["target"]) == (both, singles[kaz], singles[coe])
        counts.append((row["period"], both))
    assert [p for p, _c in counts] == MONTHS
    ranked = sorted((c for c in counts if c[1]), key=lambda c: -c[1])[:3]
    assert [(s["period"], s["count"]) for s in document["strongest"]] == ranked
    # first and last: the dates of the earliest and latest article that mentions both
    mentions = _mentions(quads)
    together = sorted(
        date
        for article, date in _dates(quads).items()
        if {kaz, coe} <= mentions.get(article, set())
    )
    assert parse_date(document["first"]) == together[0]
    assert parse_date(document["last"]) == together[-1]
    assert document["total"] == sum(c for _p, c in counts) > 0


def _mentions(quads: object) -> dict[str, set[str]]:
    from rdflib import URIRef

    found: dict[str, set[str]] = {}
    for s, _p, o, _g in quads.quads((None, URIRef("http://schema.org/mentions"), None, None)):  # type: ignore[attr-defined]
        found.setdefault(str(s), set()).add(str(o))
    return found


def _dates(quads: object) -> dict[str, Any]:
    from rdflib import URIRef

    return {
        str(s): o.toPython()
        for s, _p, o, _g in quads.quads(
            (None, URIRef("http://schema.org/datePublished"), None, None)
        )  # type: ignore[attr-defined]
    }


def test_the_python_api_gives_the_dynamic_graph(store: Path, tmp_path: Path,
                                                cli: Callable[..., tuple[int, bytes, str]]) -> None:  # fmt: skip
    path = tmp_path / "weeks.gexf"
    assert cli(store, "--period", "week", "--format", "gexf", "--out", str(path))[0] == 0
    from_file = nx.read_gexf(path)
    with open_graph(store) as kg:
        G = kg.cooccurrence(period="week")
    assert sorted(G.edges) == sorted(from_file.edges)
    for u, v, data in G.edges(data=True):
        assert data["count"] == from_file.edges[u, v]["count"]
        assert data["spells"] == from_file.edges[u, v]["spells"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "month", "--entity", "Kazakhstan"], "--period with --entity"),
        (["--period", "month", "--format", "graphml"], "GraphML has no time"),
        (["--period", "month", "--backbone", "0.05"], "--period with --backbone"),
        (["--period", "month", "--nodes"], "newsgraph trends"),
        (["--period", "fortnight"], "invalid choice"),
    ],
)
def test_mistakes_with_periods_are_one_line_and_exit_2(
    store: Path, args: list[str], message: str, cli: Callable[..., tuple[int, bytes, str]]
) -> None:
    code, _out, err = cli(store, *args)
    assert code == 2 and message in err
    if "invalid choice" not in message:
        assert err.count("\n") == 1 and "Traceback" not in err
