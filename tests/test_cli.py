"""The ``newsgraph`` command as users run it: real processes, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import BASE, newsgraph, record, write_jsonl


def test_ingest_summary_and_idempotence(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [record("a"), record("b")])
    store = str(tmp_path / "store")
    first = newsgraph("ingest", "--store", store, str(path))
    assert first.returncode == 0, first.stderr
    last = first.stderr.decode().strip().splitlines()[-1]
    assert last.startswith("this run: loaded 2, replaced 0, unchanged 0,") and "articles/s" in last
    triples = json.loads(newsgraph("stats", "--json", "--store", store).stdout)["triples"]
    second = newsgraph("ingest", "--store", store, str(path))
    assert "loaded 0, replaced 0, unchanged 2," in second.stderr.decode()
    assert json.loads(newsgraph("stats", "--json", "--store", store).stdout)["triples"] == triples


def test_ingest_with_rejects_exits_non_zero_and_names_them(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"
    path.write_text(
        json.dumps(record("ok")) + "\n" + json.dumps(record("../etc")) + "\n"
        + json.dumps(record("nodate", published_at=None)) + "\n"
    )  # fmt: skip
    result = newsgraph("ingest", "--store", str(tmp_path / "store"), str(path))
    err = result.stderr.decode()
    assert result.returncode == 1
    assert f"{path}:2: slug:" in err and f"{path}:3: published_at:" in err
    assert "rejected 2" in err and "Traceback" not in err
    assert (tmp_path / "store" / "rejects.jsonl").exists()


def test_stdin_and_gzip(tmp_path: Path) -> None:
    import gzip

    data = gzip.compress((json.dumps(record("z")) + "\n").encode())
    result = newsgraph("ingest", "--store", str(tmp_path / "s"), "-", input=data)
    assert result.returncode == 0 and "loaded 1" in result.stderr.decode()


def test_user_mistakes_are_one_line_and_exit_2(tmp_path: Path) -> None:
    missing = newsgraph("ingest", "--store", str(tmp_path / "s"), str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2
    assert missing.stderr.decode().count("\n") == 1 and "no such file" in missing.stderr.decode()
    assert not (tmp_path / "s").exists(), "a failed ingest leaves no half-made store behind"
    made = newsgraph("ingest", "--store", str(tmp_path / "s"), str(write_jsonl(
        tmp_path / "one.jsonl", [record("one")])))  # fmt: skip
    assert made.returncode == 0, made.stderr.decode()
    bad_base = newsgraph("stats", "--store", str(tmp_path / "s"), "--base", "not-an-iri")
    assert bad_base.returncode == 2 and "NEWSGRAPH_BASE" in bad_base.stderr.decode()
    bad_query = newsgraph("query", "--store", str(tmp_path / "s"), "SELECT WHERE {")
    assert bad_query.returncode == 2 and "malformed query" in bad_query.stderr.decode()


@pytest.mark.parametrize(
    "command",
    [["stats"], ["query", "ASK {}"], ["entities"], ["cooccur"], ["link"], ["export", "--out", "x"],
     ["dump"], ["validate"], ["compact"], ["serve", "--port", "0"]],
    ids=lambda command: command[0],
)  # fmt: skip
def test_a_store_that_does_not_exist_is_refused(tmp_path: Path, command: list[str]) -> None:
    """Only ingest and load make a store; every other command names the missing path."""
    where = tmp_path / "no" / "such" / "dir"
    result = newsgraph(*command, "--store", str(where), timeout=60)
    assert result.returncode == 2, result.stderr.decode()
    assert f"no store at {where}" in result.stderr.decode()
    assert result.stderr.decode().count("\n") == 1
    assert not (tmp_path / "no").exists()


def test_query_formats_and_named_queries(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    path = write_jsonl(tmp_path / "a.jsonl", [record("a", entities=["Kazakhstan"])])
    newsgraph("ingest", "--store", store, str(path))
    query = 'SELECT ?e WHERE { ?e <http://schema.org/name> "Kazakhstan" }'
    csv_out = newsgraph("query", "--store", store, "--format", "csv", query).stdout.decode()
    assert csv_out.splitlines() == ["e", f"{BASE}entity/kazakhstan"]
    as_json = json.loads(newsgraph("query", "--store", store, "-f", "json", query).stdout)
    assert as_json["results"]["bindings"][0]["e"]["value"] == f"{BASE}entity/kazakhstan"
    table = newsgraph("query", "--store", store, query).stdout.decode()
    assert "1 row(s)" in table
    turtle = newsgraph("query", "--store", store, "-f", "turtle",
                       "CONSTRUCT WHERE { ?e <http://schema.org/name> ?n }").stdout.decode()  # fmt: skip
    assert '"Kazakhstan"' in turtle
    named = newsgraph("query", "--store", store, "-f", "csv", "--name", "entity-articles",
                      "--param", f"entity={BASE}entity/kazakhstan")  # fmt: skip
    assert f"{BASE}article/a" in named.stdout.decode()
    listing = newsgraph("query", "--list").stdout.decode()
    assert "entity-articles" in listing and "article-versions" not in listing


def test_query_against_any_endpoint(tmp_path: Path, serve) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "store"
    newsgraph("ingest", "--store", str(store), "--base", BASE,
              str(write_jsonl(tmp_path / "a.jsonl", [record("a")])))  # fmt: skip
    server = serve(store)
    result = newsgraph("query", "--endpoint", server.sparql, "-f", "csv",
                       "SELECT ?h WHERE { ?a <http://schema.org/headline> ?h }")  # fmt: skip
    assert result.stdout.decode().splitlines() == ["h", "Title of a"]


def test_stats(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    newsgraph("ingest", "--store", store, str(write_jsonl(tmp_path / "a.jsonl", [
        record("a", published_at="2026-01-01T00:00:00Z"),
        record("b", published_at="2026-03-01T00:00:00Z", entities=["Astana"]),
    ])))  # fmt: skip
    stats = json.loads(newsgraph("stats", "--json", "--store", store).stdout)
    assert stats["articles"] == 2
    assert stats["entities"] == 3
    assert stats["first"].startswith("2026-01-01") and stats["last"].startswith("2026-03-01")
    assert stats["graphs"] >= 4
