"""Every listing command in every format (graph/cli/listing.py), through the real command.

Each command's CSV, TSV and JSON are read back with the stdlib and must hold the rows the piped
table shows; the rows are checked against an oracle that does not go through the command: the
records the store was built from, or the store queried with SPARQL of the test's own. A piped
table is as wide as its cells: a long IRI comes out whole (the control: the table printed the
way the commands printed it before, at a width of 80, cuts it).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from collections import Counter
from datetime import datetime
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from newsgraph import queries
from newsgraph.settings import Settings
from newsgraph.store import EmbeddedStore
from rich.console import Console
from rich.table import Table

from tests.conftest import BASE, newsgraph, record, write_jsonl

FORMATS = ("table", "csv", "tsv", "json")
LONG_NAME = "The International Organisation for Very Long Names of Things and Other Matters"
RECORDS = [
    record("a", title="Prices [update] rise", published_at="2026-01-02T03:04:05Z",
           entities=["Kazakhstan", LONG_NAME]),
    record("b", title='Title, "quoted"; of b', published_at="2026-02-03T00:00:00Z",
           entities=["Kazakhstan", "Astana"]),
    record("c", title="Council, Astana & co.", published_at="2026-03-04T12:00:00+02:00",
           entities=["Kazakhstan", "Astana", "Council of Europe"]),
    record("d", title="Alone", published_at="2026-04-05T00:00:00Z", entities=["Zorblat Institute"]),
]  # fmt: skip


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    where = tmp_path_factory.mktemp("cli-formats")
    path = write_jsonl(where / "records.jsonl", RECORDS)
    result = newsgraph("ingest", "--quiet", "--store", str(where / "store"), "--base", BASE,
                       str(path))  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    return str(where / "store")


def run(*args: str, env: dict[str, str] | None = None) -> str:
    result = newsgraph(*args, env=env)
    assert result.returncode == 0, result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()
    return result.stdout.decode("utf-8")


def read_table(text: str) -> list[dict[str, str]]:
    """The rows of a table the command printed, keyed by its headings; a row is one line."""
    lines = text.splitlines()
    (heading,) = [line for line in lines if line.startswith("┃")]
    names = [cell.strip() for cell in heading.strip("┃").split("┃")]
    rows = []
    for line in lines:
        if line.startswith("│"):
            cells = [cell.strip() for cell in line.strip("│").split("│")]
            rows.append(dict(zip(names, cells, strict=True)))
    return rows


def read(fmt: str, text: str) -> list[dict[str, Any]]:
    """A listing read back: the table's cells, the CSV's and TSV's fields, the JSON's objects."""
    if fmt == "table":
        return read_table(text)
    if fmt == "json":
        rows = json.loads(text)
        assert isinstance(rows, list) and all(isinstance(row, dict) for row in rows)
        return rows
    dialect = "excel" if fmt == "csv" else "excel-tab"
    return list(csv.DictReader(io.StringIO(text, newline=""), dialect=dialect))


def as_text(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Rows with every value as the table shows it (JSON keeps numbers as numbers)."""
    return [
        {key: "" if value is None else str(value) for key, value in row.items()} for row in rows
    ]


def listings(*args: str) -> dict[str, list[dict[str, str]]]:
    """The command's rows in every format, after checking that each format has the same rows."""
    found = {fmt: as_text(read(fmt, run(*args, "--format", fmt))) for fmt in FORMATS}
    for fmt in FORMATS[1:]:
        assert found[fmt] == found["table"], fmt
    assert found["table"], "the listing is not empty"
    return found


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace(" ", "T").replace("Z", "+00:00"))


def entity_iri(store: str, name: str) -> str:
    """The IRI the store gives ``name``, asked with the test's own SPARQL."""
    with EmbeddedStore(Path(store)) as opened:
        rows = list(
            opened.select(f'SELECT ?e WHERE {{ ?e <http://schema.org/name> "{name}" }}')
        )  # fmt: skip
    (row,) = rows
    return str(row["e"].value)


def test_entities(store: str) -> None:
    rows = listings("entities", "--store", store)["table"]
    mentions = Counter(name for r in RECORDS for name in r["entities"])
    assert {row["name"]: int(row["articles"]) for row in rows} == mentions
    for row in rows:
        dates = [when(r["published_at"]) for r in RECORDS if row["name"] in r["entities"]]
        assert (when(row["first"]), when(row["last"])) == (min(dates), max(dates))
        assert row["entity"] == entity_iri(store, row["name"])
    searched = listings("entities", "--store", store, "--search", "astana")["csv"]
    assert [row["name"] for row in searched] == ["Astana"]


def test_stats(store: str) -> None:
    rows = listings("stats", "--store", store)["table"]
    values = {row["statistic"]: row["value"] for row in rows}
    with EmbeddedStore(Path(store)) as opened:
        (counted,) = opened.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    dates = [when(r["published_at"]) for r in RECORDS]
    assert values["articles"] == str(len(RECORDS))
    assert values["entities"] == str(len({n for r in RECORDS for n in r["entities"]}))
    assert values["triples"] == counted["n"].value
    assert (when(values["first"]), when(values["last"])) == (min(dates), max(dates))
    legacy = json.loads(run("stats", "--store", store, "--json"))
    assert {key: "" if v is None else str(v) for key, v in legacy.items()} == values
    # the sizes on disk, against find's list of files (a hard-linked file counted once)
    index, every = _file_bytes(store, "-path", f"{store}/search/*"), _file_bytes(store)
    assert values["search_index_bytes"] == str(index) and index > 0
    assert values["store_bytes"] == str(every - index) and every - index > index


def _file_bytes(store: str, *only: str) -> int:
    """Bytes of the files under ``store`` (matching ``only``), each inode once."""
    listed = subprocess.run(["find", store, *only, "-type", "f", "-printf", "%i %s\\n"],
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    return sum(int(size) for size in dict(line.split() for line in listed.splitlines()).values())


def test_settings() -> None:
    env = {"NEWSGRAPH_ROW_LIMIT": "1234", "NEWSGRAPH_BASE": "https://news.example.org/"}
    found = {fmt: as_text(read(fmt, run("settings", "--format", fmt, env=env))) for fmt in FORMATS}
    for fmt in FORMATS[1:]:
        assert found[fmt] == found["table"], fmt
    rows = {row["variable"]: row for row in found["table"]}
    assert set(rows) == {f"NEWSGRAPH_{name.upper()}" for name in Settings.model_fields}
    assert rows["NEWSGRAPH_ROW_LIMIT"]["value"] == "1234"
    assert rows["NEWSGRAPH_BASE"]["value"] == "https://news.example.org/"
    assert rows["NEWSGRAPH_STORE"]["meaning"] == Settings.model_fields["store"].description


def test_query_list() -> None:
    rows = listings("query", "--list")["table"]
    assert [row["name"] for row in rows] == list(queries.names(public_only=True))
    by_name = {row["name"]: row for row in rows}
    assert by_name["entity-articles"]["parameters"].split() == ["entity"]
    turtle = newsgraph("query", "--list", "--format", "turtle")
    assert turtle.returncode == 2 and turtle.stderr.decode().count("\n") == 1


def sparql_term(text: str) -> str:
    """A SPARQL TSV term's value: an IRI without its brackets, a literal without quotes."""
    if text.startswith("<"):
        return text[1:-1]
    if text.startswith('"'):
        return str(json.loads(text[: text.rindex('"') + 1]))
    return text


def test_query_table_and_the_sparql_results_formats_hold_the_same_rows(store: str) -> None:
    """The table (the listing's) and the SPARQL results formats (json, csv, tsv, as before)."""
    query = "SELECT ?article ?headline WHERE { ?article <http://schema.org/headline> ?headline }"
    table = read_table(run("query", "--store", store, query))
    expected = sorted((f"{BASE}article/{r['slug']}", r["title"]) for r in RECORDS)
    assert sorted((row["article"], row["headline"]) for row in table) == expected
    as_csv = list(csv.DictReader(io.StringIO(run("query", "--store", store, "-f", "csv", query),
                                             newline="")))  # fmt: skip
    assert sorted((row["article"], row["headline"]) for row in as_csv) == expected
    tsv = run("query", "--store", store, "-f", "tsv", query)
    as_tsv = list(csv.reader(io.StringIO(tsv, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert as_tsv[0] == ["?article", "?headline"]
    assert sorted(tuple(sparql_term(term) for term in row) for row in as_tsv[1:]) == expected
    bindings = json.loads(run("query", "--store", store, "-f", "json", query))["results"]
    assert sorted((b["article"]["value"], b["headline"]["value"])
                  for b in bindings["bindings"]) == expected  # fmt: skip


def pair_counts() -> Counter[frozenset[str]]:
    """How many records mention each pair of names: the co-occurrence counted from the records."""
    pairs: Counter[frozenset[str]] = Counter()
    for r in RECORDS:
        pairs.update(frozenset(pair) for pair in combinations(sorted(set(r["entities"])), 2))
    return pairs


def test_cooccur_edges(store: str) -> None:
    """The table's rows are the CSV's, TSV's and JSON's edges, and the records' pairs."""
    args = ("cooccur", "--store", store, "--top", "0")
    table = read_table(run(*args))
    oracle = pair_counts()
    # The table's two "entity" columns: the heading repeats, so read the cells by position.
    body = [line for line in run(*args).splitlines() if line.startswith("│")]
    cells = [[cell.strip() for cell in line.strip("│").split("│")] for line in body]
    assert len(table) == len(cells) == len(oracle)
    shown = [(frozenset(row[:2]), int(row[2])) for row in cells]
    assert Counter(dict(shown)) == oracle
    for fmt in ("csv", "tsv", "json"):
        text = run(*args, "--format", fmt)
        edges = json.loads(text)["edges"] if fmt == "json" else read(fmt, text)
        assert [(frozenset((e["source_name"], e["target_name"])), int(e["count"]))
                for e in edges] == shown, fmt  # fmt: skip


def test_cooccur_pair_months(store: str) -> None:
    """A pair's months: the table (headed by the names) holds the CSV's, TSV's and JSON's rows."""
    args = ("cooccur", "--store", store, "--entity", "Kazakhstan", "--with", "Astana")
    body = [line for line in run(*args).splitlines() if line.startswith("│")]
    table = [[cell.strip() for cell in line.strip("│").split("│")] for line in body]
    for fmt in ("csv", "tsv"):
        assert [list(row.values()) for row in read(fmt, run(*args, "--format", fmt))] == table
    months = json.loads(run(*args, "--format", "json"))["months"]
    assert [
        [str(m[key]) for key in ("month", "count", "source", "target")] for m in months
    ] == table
    both = Counter(
        when(r["published_at"]).strftime("%Y-%m")
        for r in RECORDS if {"Kazakhstan", "Astana"} <= set(r["entities"])
    )  # fmt: skip
    assert {row[0]: int(row[1]) for row in table if row[1] != "0"} == both


def test_cooccur_nodes(store: str) -> None:
    args = ("cooccur", "--store", store, "--nodes", "--top", "0")
    table = read_table(run(*args))
    mentions = Counter(name for r in RECORDS for name in r["entities"])
    in_pairs = {name for pair in pair_counts() for name in pair}
    assert {row["entity"]: int(row["articles"]) for row in table} == {
        name: count for name, count in mentions.items() if name in in_pairs
    }
    for fmt in ("csv", "tsv"):
        rows = read(fmt, run(*args, "--format", fmt))
        assert sorted((r["name"], r["articles"]) for r in rows) == sorted(
            (row["entity"], row["articles"]) for row in table
        )


def test_a_long_iri_survives_a_piped_table_whole(store: str) -> None:
    iri = entity_iri(store, LONG_NAME)
    assert len(iri) > 100
    entities = run("entities", "--store", store)
    assert [row["entity"] for row in read_table(entities) if row["name"] == LONG_NAME] == [iri]
    assert "…" not in entities
    query = f"SELECT ?e WHERE {{ ?e <http://schema.org/name> {json.dumps(LONG_NAME)} }}"
    assert [row["e"] for row in read_table(run("query", "--store", store, query))] == [iri]
    cooccur = run("cooccur", "--store", store, "--entity", "Kazakhstan")
    assert LONG_NAME in cooccur and "…" not in cooccur
    # The control: printed as the commands printed tables before, at a pipe's width, it is cut.
    before = Table("entity", "name")
    before.add_row(iri, LONG_NAME)
    buffer = io.StringIO()
    Console(file=buffer, highlight=False, soft_wrap=True).print(before)
    assert iri not in buffer.getvalue() and "…" in buffer.getvalue()


def test_cells_are_text_not_markup(store: str) -> None:
    """A headline holding rich markup ("[update]") prints as it is."""
    query = 'SELECT ?h WHERE { ?a <http://schema.org/headline> ?h FILTER(CONTAINS(?h, "[")) }'
    assert [row["h"] for row in read_table(run("query", "--store", store, query))] == [
        "Prices [update] rise"
    ]
