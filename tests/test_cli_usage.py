"""Usage guidance of the ``newsgraph`` command (graph/cli/parser.py, ingest.py, export.py).

A mistyped option shows the subcommand's usage and the nearest option; ingest given an RDF file
points to ``newsgraph load`` and writes nothing; export under the default base IRI warns that it
would publish localhost. Each through the real command, with a control that passes the other way.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from newsgraph.vocab.namespaces import DEFAULT_BASE

from tests.conftest import newsgraph, record, write_jsonl

SITE = "https://news.example.org/"


def test_a_mistyped_option_shows_the_subcommands_usage_and_the_nearest_option(
    tmp_path: Path,
) -> None:
    result = newsgraph("ingest", "--stor", str(tmp_path / "s"), "records.jsonl")
    err = result.stderr.decode()
    assert result.returncode == 2
    assert err.startswith("usage: newsgraph ingest ")
    assert "usage: newsgraph [-h] COMMAND" not in err
    assert err.splitlines()[-1] == (
        "newsgraph ingest: error: unrecognized arguments: --stor (did you mean --store?)"
    )
    assert not (tmp_path / "s").exists()
    stats = newsgraph("stats", "--jsn").stderr.decode()
    assert stats.startswith("usage: newsgraph stats ") and "did you mean --json?" in stats
    # An option far from every other gets no guess; a command one letter off gets one.
    far = newsgraph("stats", "--zzzzzzzz").stderr.decode()
    assert "unrecognized arguments: --zzzzzzzz" in far and "did you mean" not in far
    assert "did you mean ingest?" in newsgraph("ingset").stderr.decode()


def test_options_are_spelled_out(tmp_path: Path) -> None:
    """A prefix is no abbreviation: ``--stor x`` never silently means ``--store x``. The control:
    the whole name works."""
    path = write_jsonl(tmp_path / "a.jsonl", [record("a")])
    short = newsgraph("ingest", "--quiet", "--stor", str(tmp_path / "s"), str(path))
    assert short.returncode == 2 and not (tmp_path / "s").exists()
    whole = newsgraph("ingest", "--quiet", "--store", str(tmp_path / "s"), str(path))
    assert whole.returncode == 0, whole.stderr.decode()


@pytest.mark.parametrize("name", ["x.ttl", "x.nt", "x.nq.gz", "x.trig", "x.jsonld", "x.rdf"])
def test_ingest_points_rdf_files_to_load(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    turtle = b'<http://example.org/s> <http://example.org/p> "o" .\n'
    path.write_bytes(gzip.compress(turtle) if name.endswith(".gz") else turtle)
    result = newsgraph("ingest", "--store", str(tmp_path / "s"), str(path))
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert err.count("\n") == 1 and err.startswith(f"newsgraph ingest: {path}: is RDF")
    assert f"`newsgraph load {path} --graph IRI`" in err
    assert not (tmp_path / "s").exists(), "nothing is written"


def test_ingest_still_reads_records_given_with_an_rdf_file_elsewhere(tmp_path: Path) -> None:
    """The control: records in .json and .jsonl are read, and a directory holding a .ttl file
    is read for its records (its other files are not inputs)."""
    (tmp_path / "in").mkdir()
    write_jsonl(tmp_path / "in" / "a.jsonl", [record("a")])
    (tmp_path / "in" / "b.json").write_text(json.dumps(record("b")))
    (tmp_path / "in" / "notes.ttl").write_text("<http://example.org/s> <http://example.org/p> 1 .")
    result = newsgraph("ingest", "--store", str(tmp_path / "s"), str(tmp_path / "in"))
    assert result.returncode == 0, result.stderr.decode()
    assert "loaded 2," in result.stderr.decode()


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One small store under the default base and one under a site's address."""
    where = tmp_path_factory.mktemp("cli-usage")
    path = write_jsonl(where / "a.jsonl", [record("a"), record("b")])
    made = {}
    for base in (DEFAULT_BASE, SITE):
        store = where / ("default" if base == DEFAULT_BASE else "site")
        result = newsgraph("ingest", "--quiet", "--store", str(store), "--base", base, str(path))
        assert result.returncode == 0, result.stderr.decode()
        made[base] = store
    return made


def warnings(result_stderr: bytes) -> list[str]:
    return [line for line in result_stderr.decode().splitlines() if "warning: the base IRI" in line]


def test_export_warns_under_the_default_base(
    stores: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSGRAPH_BASE", raising=False)
    result = newsgraph("export", "--store", str(stores[DEFAULT_BASE]), "--out",
                       str(tmp_path / "out"), "-j", "1")  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    (warning,) = warnings(result.stderr)
    assert warning.startswith("newsgraph export: warning:") and DEFAULT_BASE in warning
    assert "--base" in warning and "NEWSGRAPH_BASE" in warning
    last = result.stderr.decode().splitlines()[-1]
    assert last.startswith("exported 2 of 2 articles"), "the summary stays the last line"
    exported = json.loads((tmp_path / "out" / "articles" / "a.jsonld").read_text())
    assert exported["@id"] == f"{DEFAULT_BASE}article/a", "what the warning is about"


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_export_does_not_warn_under_another_base(
    stores: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    monkeypatch.delenv("NEWSGRAPH_BASE", raising=False)
    args = ["--base", SITE] if how == "flag" else []
    env = {"NEWSGRAPH_BASE": SITE} if how == "environment" else None
    result = newsgraph("export", "--store", str(stores[SITE]), "--out", str(tmp_path / "out"),
                       "-j", "1", *args, env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    assert warnings(result.stderr) == []
    exported = json.loads((tmp_path / "out" / "articles" / "a.jsonld").read_text())
    assert exported["@id"] == f"{SITE}article/a"
