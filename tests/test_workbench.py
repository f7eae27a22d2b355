"""The Python API for notebooks (graph/workbench.py): ``newsgraph.open`` and its methods.

Oracles independent of the API: the records themselves (counts, dates, names), the commands run
as processes (``newsgraph cooccur --format csv``, ``newsgraph ingest``, ``newsgraph dump``,
``newsgraph export``), and, for a remote store, the same questions asked of an embedded one.
Real stores throughout: embedded, an Oxigraph server, a store that ``newsgraph serve`` owns.
"""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import newsgraph
import pandas as pd
import pyoxigraph as ox
import pytest
from newsgraph.errors import NotFound, QueryError, StoreNotFound
from newsgraph.store import EmbeddedStore

from tests.backends import Endpoint, empty
from tests.conftest import BASE, ROOT, Server, record, write_jsonl
from tests.conftest import newsgraph as run_newsgraph
from tests.cooccur_corpus import corpus

KAZAKHSTAN = BASE + "entity/kazakhstan"
SCHEMA = "http://schema.org/"
#: A question with a value of each kind: an IRI, a date-time, an integer, a decimal, a
#: language-tagged text, and an integer some rows leave unbound.
TYPED = """PREFIX schema: <http://schema.org/>
SELECT ?article ?date ?entities ?half ?title ?kazakh WHERE {
  ?article schema:datePublished ?date ; schema:headline ?headline .
  { SELECT ?article (COUNT(?e) AS ?entities) WHERE { ?article schema:mentions ?e } GROUP BY ?article }
  OPTIONAL { ?article schema:mentions ?k FILTER(?k = ?entity) BIND(1 AS ?kazakh) }
  BIND(?entities / 2 AS ?half)
  BIND(STRLANG(?headline, "en") AS ?title)
}"""


def records() -> list[dict[str, Any]]:
    """The co-occurrence corpus (tests/cooccur_corpus.py): 39 records over six months."""
    return corpus()


def cli(*args: str) -> bytes:
    done = run_newsgraph(*args, "--base", BASE)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus ingested through the API, from records in memory; plus another name for
    Kazakhstan and two entities sharing the other name "Shared" (as in test_resolve.py)."""
    path = tmp_path_factory.mktemp("workbench") / "store"
    with newsgraph.open(path, create=True, base=BASE) as kg:
        summary = kg.ingest(records())
    assert (summary.loaded, summary.rejected) == (len(records()), 0)
    with EmbeddedStore(path, write=True, base=BASE) as opened:
        extra = "".join(
            f'<{BASE}entity/{key}> <{SCHEMA}alternateName> "{name}" .\n'
            for key, name in (
                ("russia", "Shared"),
                ("astana", "Shared"),
                ("kazakhstan", "Qazaqstan"),
            )
        )
        opened.load(extra.encode(), ox.RdfFormat.N_TRIPLES, graph=BASE + "graph/test-names")
    return path


@pytest.fixture
def kg(store: Path) -> Iterator[newsgraph.KnowledgeGraph]:
    with newsgraph.open(store, base=BASE) as opened:
        yield opened


# -- import and opening ----------------------------------------------------------------------------

HEAVY = ("pyoxigraph", "fastapi", "pandas", "newsgraph.store", "newsgraph.workbench", "networkx")


def _modules_after(code: str) -> set[str]:
    program = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_import_newsgraph_loads_nothing_heavy(store: Path) -> None:
    assert _modules_after("import newsgraph").isdisjoint(HEAVY)
    # The control: the same check sees the store once it is used; FastAPI and pandas stay out.
    used = _modules_after(f"import newsgraph\nnewsgraph.open({str(store)!r}).sparql('ASK {{}}')")
    assert {"newsgraph.store", "pyoxigraph", "newsgraph.workbench"} <= used
    assert used.isdisjoint({"fastapi", "pandas"})


def test_a_path_without_a_store_is_refused_unless_created(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFound, match="no store at"):
        newsgraph.open(tmp_path / "absent")
    with newsgraph.open(tmp_path / "new", create=True, base=BASE) as kg:
        with pytest.raises(StoreNotFound):
            kg.sparql("ASK {}")  # nothing made until an ingest
        kg.ingest([record("one")])
        assert kg.sparql("ASK { ?a a <http://schema.org/NewsArticle> }")


def _open_files_under(path: Path) -> int:
    found = 0
    for link in Path("/proc/self/fd").iterdir():
        try:
            found += Path(link.readlink()).is_relative_to(path.resolve())
        except OSError:
            continue
    return found


def test_the_context_manager_closes_the_store(store: Path) -> None:
    before = _open_files_under(store)
    with newsgraph.open(store, base=BASE) as kg:
        kg.sparql("ASK {}")
        assert _open_files_under(store) > before  # the control: an open store shows
    assert _open_files_under(store) == before


# -- queries and results ---------------------------------------------------------------------------


def test_a_dataframe_has_typed_columns(kg: newsgraph.KnowledgeGraph) -> None:
    frame = kg.sparql(TYPED, entity=KAZAKHSTAN).to_pandas(languages=["title"])
    by_slug = {r["slug"]: r for r in records() if r["entities"]}
    assert len(frame) == len(by_slug)
    assert isinstance(frame["date"].dtype, pd.DatetimeTZDtype) and str(frame["date"].dt.tz) == "UTC"
    assert frame["entities"].dtype == "int64"
    assert frame["half"].dtype == "float64"
    assert frame["kazakh"].dtype == "Int64"  # unbound where the article does not mention it
    for column in ("article", "title", "title_lang"):
        assert pd.api.types.is_string_dtype(frame[column]), column
    assert list(frame.columns) == ["article", "date", "entities", "half", "title", "title_lang",
                                   "kazakh"]  # fmt: skip
    for row in frame.itertuples():
        source = by_slug[row.article.removeprefix(BASE + "article/")]
        published = datetime.fromisoformat(source["published_at"]).astimezone(UTC)
        assert row.date.to_pydatetime() == published
        assert row.entities == len(source["entities"])
        assert row.half == len(source["entities"]) / 2
        assert row.title == source["title"] and row.title_lang == "en"
        assert (row.kazakh == 1) if "Kazakhstan" in source["entities"] else pd.isna(row.kazakh)
    late = frame[frame.article == BASE + "article/late"]["date"].iloc[0]
    assert late == pd.Timestamp("2025-04-01T01:30:00Z")  # 23:30 at -02:00, in UTC


def test_rows_are_python_values_and_bindings_are_typed(kg: newsgraph.KnowledgeGraph) -> None:
    result = kg.sparql(
        "SELECT ?article ?date WHERE { ?article <http://schema.org/datePublished> ?date "
        "FILTER(?date >= ?since) } ORDER BY ?date",
        since=datetime(2025, 6, 1, tzinfo=UTC),
    )
    expected = sorted(
        datetime.fromisoformat(r["published_at"])
        for r in records()
        if r["published_at"] >= "2025-06"
    )
    assert [row["date"] for row in result] == expected
    assert all(isinstance(row["article"], str) for row in result)
    assert result.column("date") == expected
    assert kg.sparql("ASK { ?a ?p ?n }", n=987654321).boolean is False
    assert bool(kg.sparql("ASK { ?a a <http://schema.org/NewsArticle> }")) is True
    triples = kg.sparql("CONSTRUCT { ?e ?p ?o } WHERE { ?e ?p ?o }", e=KAZAKHSTAN)
    assert triples.variables == ("subject", "predicate", "object")
    assert {row["object"] for row in triples} >= {"Kazakhstan", SCHEMA + "Country"}


def test_a_named_query_takes_names_or_iris(kg: newsgraph.KnowledgeGraph) -> None:
    by_name = kg.query("entity-articles", entity="kazakhstan")
    by_iri = kg.query("entity-articles", entity=KAZAKHSTAN)
    titles = {r["title"] for r in records() if "Kazakhstan" in r["entities"]}
    assert {row["headline"] for row in by_name} == titles
    assert by_name.terms == by_iri.terms
    with pytest.raises(QueryError, match="no parameter 'nope'"):
        kg.query("entity-articles", nope="x")
    with pytest.raises(NotFound, match="Atlantis"):
        kg.query("entity-articles", entity="Atlantis")


# -- entities --------------------------------------------------------------------------------------


def test_an_entity_by_name_other_name_or_iri(kg: newsgraph.KnowledgeGraph) -> None:
    mentioning = [r for r in records() if "Kazakhstan" in r["entities"]]
    months = Counter(r["published_at"][:7] for r in mentioning)
    for text in ("Kazakhstan", "kAZAKHSTAN", "qazaqstan", KAZAKHSTAN, f"<{KAZAKHSTAN}>"):
        entity = kg.entity(text)
        assert entity.iri == KAZAKHSTAN, text
    assert entity.names == ("Kazakhstan", "Qazaqstan")
    assert entity.type == "Country" and entity.types == (SCHEMA + "Country",)
    assert entity.article_count == len(mentioning)
    assert entity.months == dict(sorted(months.items()))
    assert {a.headline for a in entity.articles} == {r["title"] for r in mentioning}
    dates = [a.date for a in entity.articles]
    assert dates == sorted(dates, reverse=True)


def test_ambiguous_and_unknown_names_list_candidates(kg: newsgraph.KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match=r"'Shared' names 2 entities.*astana.*russia") as found:
        kg.entity("Shared")
    assert {c.iri for c in found.value.candidates} == {
        BASE + "entity/astana",
        BASE + "entity/russia",
    }  # type: ignore[attr-defined]
    with pytest.raises(
        NotFound, match=rf"no mentioned entity is named 'Kazakstan'.*<{KAZAKHSTAN}>"
    ):
        kg.entity("Kazakstan")
    with pytest.raises(NotFound, match="no article mentions"):
        kg.entity(BASE + "entity/atlantis")
    assert kg.entity("Astana").iri == BASE + "entity/astana"  # the control: one name, one entity


# -- co-occurrence ---------------------------------------------------------------------------------


def _cli_edges(store: Path, *flags: str) -> dict[tuple[str, str], dict[str, str]]:
    body = cli("cooccur", "--store", str(store), "--format", "csv", *flags)
    return {(r["source"], r["target"]): r for r in csv.DictReader(io.StringIO(body.decode()))}


def _same_numbers(G: Any, rows: dict[tuple[str, str], dict[str, str]], weight: str) -> None:
    assert {frozenset(edge) for edge in G.edges} == {frozenset(pair) for pair in rows}
    for (source, target), row in rows.items():
        data = G.edges[source, target]
        assert data["count"] == int(row["count"])
        assert data["npmi"] == float(row["npmi"]) and data["jaccard"] == float(row["jaccard"])
        assert data["weight"] == float(row[weight])
        assert G.nodes[source]["articles"] == int(row["source_count"])
        assert G.nodes[target]["articles"] == int(row["target_count"])
        assert G.nodes[source]["label"] == row["source_name"]


@pytest.mark.parametrize(
    ("options", "flags"),
    [
        ({}, ()),
        ({"since": "2025-02", "until": "2025-04-30", "topic": "politics", "type": "Country",
          "weight": "npmi"},
         ("--since", "2025-02", "--until", "2025-04-30", "--topic", "politics", "--type",
          "Country", "--weight", "npmi")),
        ({"entity": "Kazakhstan", "min_count": 2}, ("--entity", "Kazakhstan", "--min-count", "2")),
    ],
    ids=["whole", "window", "ego"],
)  # fmt: skip
def test_the_network_has_the_numbers_of_newsgraph_cooccur(
    kg: newsgraph.KnowledgeGraph, store: Path, options: dict[str, Any], flags: tuple[str, ...]
) -> None:
    G = kg.cooccurrence(**options)
    rows = _cli_edges(store, *flags)
    assert rows, "the command found edges"
    _same_numbers(G, rows, options.get("weight", "count"))


def test_the_control_other_options_give_other_numbers(
    kg: newsgraph.KnowledgeGraph, store: Path
) -> None:
    rows = _cli_edges(store)
    with pytest.raises(AssertionError):
        _same_numbers(kg.cooccurrence(min_count=2), rows, "count")
    with pytest.raises(AssertionError):
        _same_numbers(kg.cooccurrence(since="2025-03"), rows, "count")


def test_a_date_bound_is_read_as_the_command_reads_it(kg: newsgraph.KnowledgeGraph) -> None:
    from datetime import date

    by_text = kg.cooccurrence(since="2025-02-01", until="2025-03-31", analysed=False)
    by_date = kg.cooccurrence(since=date(2025, 2, 1), until=date(2025, 3, 31), analysed=False)
    assert by_text.graph["articles"] == by_date.graph["articles"] > 0
    assert sorted(by_text.edges(data="count")) == sorted(by_date.edges(data="count"))


# -- search ----------------------------------------------------------------------------------------


def test_search_finds_what_the_command_finds(kg: newsgraph.KnowledgeGraph, store: Path) -> None:
    found = kg.search("title body", entity="Venice Commission", limit=0)
    expected = {BASE + "article/" + r["slug"] for r in records()
                if "Venice Commission" in r["entities"]}  # fmt: skip
    assert set(found.column("article")) == expected and found.total == len(expected) > 0
    command = json.loads(cli("search", "title body", "--entity", "Venice Commission",
                             "--limit", "0", "--format", "json", "--store", str(store)))  # fmt: skip
    assert [(m["article"], m["score"]) for m in command["matches"]] == [
        (row["article"], round(row["score"], 6)) for row in found
    ]
    assert found.column("rank") == list(range(1, len(expected) + 1))
    assert all("[Title]" in snippet for snippet in found.column("snippet"))
    every = kg.search("title body", limit=0)  # control: the entity kept fewer than all
    assert every.total == len(records()) > found.total


def test_search_pages_and_frames(kg: newsgraph.KnowledgeGraph) -> None:
    ranked = kg.search("title", limit=0).column("article")
    page = kg.search("title", limit=2, offset=2)
    assert page.column("article") == ranked[2:4] and page.column("rank") == [3, 4]
    assert page.total == len(ranked)
    frame = kg.search("title", since="2025-03", until="2025-03", limit=0).to_pandas()
    assert list(frame.columns) == ["rank", "article", "headline", "date", "lang", "score",
                                   "snippet"]  # fmt: skip
    march = {BASE + "article/" + r["slug"] for r in records()
             if datetime.fromisoformat(r["published_at"]).astimezone(UTC).month == 3}  # fmt: skip
    assert set(frame["article"]) == march
    assert isinstance(frame["date"].dtype, pd.DatetimeTZDtype)
    assert frame["score"].dtype == "float64" and frame["rank"].dtype == "int64"
    with pytest.raises(QueryError, match="NOT"):
        kg.search("NOT")


# -- writing ---------------------------------------------------------------------------------------


def test_records_in_memory_make_the_store_the_command_makes(tmp_path: Path) -> None:
    given = [*records()[:12], {"slug": "bad"}]
    oracle = tmp_path / "oracle"
    run_newsgraph("ingest", "--quiet", "--store", str(oracle), "--base", BASE,
                  str(write_jsonl(tmp_path / "r.jsonl", given)))  # fmt: skip
    with newsgraph.open(tmp_path / "api", create=True, base=BASE) as kg:
        summary = kg.ingest(given)
        assert (summary.loaded, summary.rejected) == (12, 1)
        assert kg.sparql("SELECT ?a WHERE { ?a a <http://schema.org/NewsArticle> }").terms
    rejects = (tmp_path / "api" / "rejects.jsonl").read_text().splitlines()
    assert json.loads(rejects[0])["location"].endswith("records.jsonl:13")

    def dump(path: Path) -> set[bytes]:
        return set(cli("dump", "--store", str(path)).splitlines())

    assert dump(tmp_path / "api") == dump(oracle)


def test_an_ingest_through_a_server_that_owns_the_store(
    tmp_path: Path, serve: Callable[..., Server]
) -> None:
    path = tmp_path / "store"
    with newsgraph.open(path, create=True, base=BASE) as kg:
        kg.ingest([record("first")])
    server = serve(path)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?a a <http://schema.org/NewsArticle> }"

    def served() -> int:
        reply = httpx.get(server.sparql, params={"query": count}, timeout=30)
        return int(reply.json()["results"]["bindings"][0]["n"]["value"])

    with newsgraph.open(path, base=BASE) as kg:
        assert kg.sparql(count).column("n") == [1]  # read beside the server
        kg.ingest([record("second"), record("third")])  # handed to the server, which owns it
        assert kg.sparql(count).column("n") == [3]
    assert served() == 3
    assert server.process.poll() is None


def test_export_writes_what_the_command_writes(store: Path, tmp_path: Path) -> None:
    with newsgraph.open(store, base=BASE) as kg:
        summary = kg.export(tmp_path / "api")
    cli("export", "--quiet", "--store", str(store), "--out", str(tmp_path / "cli"))
    assert summary.selected == len(records())
    written = sorted(p.relative_to(tmp_path / "api") for p in (tmp_path / "api").rglob("*.jsonld"))
    assert len(written) == len(records())
    for relative in written:
        assert (tmp_path / "api" / relative).read_bytes() == (
            tmp_path / "cli" / relative
        ).read_bytes()


# -- a remote store --------------------------------------------------------------------------------


def test_an_oxigraph_server_answers_as_the_embedded_store(
    oxigraph: Endpoint, kg: newsgraph.KnowledgeGraph
) -> None:
    with oxigraph.store() as remote:
        empty(remote)
    with newsgraph.open(oxigraph.query_url, base=BASE) as served:
        summary = served.ingest(records())
        assert summary.loaded == len(records())
        assert served.entity("Kazakhstan").months == kg.entity("Kazakhstan").months
        frame = served.sparql(TYPED, entity=KAZAKHSTAN).to_pandas()
        local = kg.sparql(TYPED, entity=KAZAKHSTAN).to_pandas()
        columns = list(local.columns)
        pd.testing.assert_frame_equal(
            frame.sort_values("article").reset_index(drop=True)[columns],
            local.sort_values("article").reset_index(drop=True),
        )
        remote_graph = served.cooccurrence(analysed=False)
        local_graph = kg.cooccurrence(analysed=False)
        assert sorted(remote_graph.edges(data="count")) == sorted(local_graph.edges(data="count"))
        assert all(
            math.isclose(remote_graph.edges[e]["npmi"], local_graph.edges[e]["npmi"])
            for e in local_graph.edges
        )


# -- without pandas --------------------------------------------------------------------------------

WITHOUT_PANDAS = """
import sys
sys.modules["pandas"] = None  # as if the extra were not installed
import newsgraph
kg = newsgraph.open(sys.argv[1], base=sys.argv[2])
result = kg.query("entity-articles", entity="Kazakhstan")
print(len(list(result)), kg.entity("Kazakhstan").article_count)
print(kg.cooccurrence().number_of_edges())
try:
    result.to_pandas()
except ImportError as error:
    print("ImportError:", error)
"""


def test_everything_but_to_pandas_works_without_pandas(kg: newsgraph.KnowledgeGraph,
                                                        store: Path) -> None:  # fmt: skip
    done = subprocess.run([sys.executable, "-c", WITHOUT_PANDAS, str(store), BASE],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows, edges, error = done.stdout.splitlines()
    mentioning = sum("Kazakhstan" in r["entities"] for r in records())
    assert rows == f"{mentioning} {mentioning}"
    assert int(edges) == kg.cooccurrence(analysed=False).number_of_edges()
    assert "pip install 'newsgraph[pandas]'" in error
    assert "to_pandas" in error
