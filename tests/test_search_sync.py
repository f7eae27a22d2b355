"""The index follows the store in the same unit of writes: kill -9 anywhere in an ingest, then
the ingest again, and the index equals one rebuilt from the store; a removal by SPARQL Update
leaves the index too.

"Equal" is what a search can see: the same articles with the same record digests, the same
snapshot named, and the same articles found for each search.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from newsgraph.search.index import SearchIndex
from newsgraph.search.syntax import parse

from tests.conftest import BASE, newsgraph, record, start_server, write_jsonl
from tests.test_crash_safety import _kill_when, _start_ingest, _writing

pytestmark = pytest.mark.slow

SEARCHES = ("word", "alpha", "beta OR gamma", "Title NOT beta")


def _ingest(store: Path, *paths: Path) -> None:
    done = newsgraph("ingest", "-q", "--store", str(store), "--base", BASE, *map(str, paths))
    assert done.returncode == 0, done.stderr.decode()


def _corpus(tmp_path: Path) -> Path:
    words = ("alpha", "beta", "gamma")
    rows = [
        record(f"k{i:05d}", entities=[f"Entity {i % 97}"],
               body_md=f"# T\n\n{words[i % 3]} " + "word " * 200)
        for i in range(6000)
    ]  # fmt: skip
    return write_jsonl(tmp_path / "corpus.jsonl", rows)


def _seen(store: Path) -> tuple[str | None, dict[str, str], dict[str, set[str]]]:
    index = SearchIndex.of_store(store)
    found = {
        words: {iri for iri, _ in index.scores(index.compile(parse(words)))} for words in SEARCHES
    }
    return index.generation(), index.manifest(), found


def _rebuilt(store: Path, tmp_path: Path) -> tuple[str | None, dict[str, str], dict[str, set[str]]]:
    copy = tmp_path / "rebuilt"
    shutil.copytree(store, copy)
    done = newsgraph("search", "--rebuild", "--store", str(copy))
    assert done.returncode == 0, done.stderr.decode()
    return _seen(copy)


def _current(store: Path) -> str:
    return (store / "snapshots" / "CURRENT").read_text().strip()


def _following(store: Path) -> Callable[[], bool]:
    """True once the unit published its snapshot and the index is following it (the journal
    still there)."""
    before = _current(store)
    return lambda: (store / "journal.json").exists() and _current(store) != before


@pytest.mark.parametrize("phase", ["batches", "index"])
def test_kill_during_an_ingest_then_again_leaves_the_index_as_a_rebuild(
    tmp_path: Path, phase: str
) -> None:
    corpus = _corpus(tmp_path)
    store = tmp_path / "store"
    _ingest(store, write_jsonl(tmp_path / "first.jsonl", [record("first")]))
    before = _seen(store)
    process: subprocess.Popen[bytes] = _start_ingest(store, corpus)
    _kill_when(process, _writing(store) if phase == "batches" else _following(store))
    if phase == "batches":
        assert _seen(store) == before  # nothing of the cut unit reached the index
    _ingest(store, corpus)
    seen = _seen(store)
    assert seen[0] == _current(store)
    assert len(seen[1]) == 6001
    assert seen == _rebuilt(store, tmp_path)
    assert all(seen[2].values())  # control: every search finds something


def test_an_update_that_removes_an_article_removes_it_from_the_index(tmp_path: Path) -> None:
    store = tmp_path / "store"
    rows = [record("keep", body_md="# K\n\nzebra"), record("drop", body_md="# D\n\nzebra")]
    _ingest(store, write_jsonl(tmp_path / "two.jsonl", rows))
    assert {iri for iri, _ in _scores(store, "zebra")} == {
        BASE + "article/keep",
        BASE + "article/drop",
    }
    server = start_server(
        store, "--allow-update", env={"NEWSGRAPH_UPDATE_TOKEN": "secret", "NEWSGRAPH_BASE": BASE}
    )
    try:
        reply = httpx.post(
            server.sparql,
            data={"update": f"DROP GRAPH <{BASE}article/drop>"},
            headers={"Authorization": "Bearer secret"},
            timeout=60,
        )
        assert reply.status_code in (200, 204), reply.text
        found = httpx.get(server.url + "api/search", params={"q": "zebra"}, timeout=60).json()
        assert [m["article"] for m in found["matches"]] == [BASE + "article/keep"]
    finally:
        server.stop()
    assert {iri for iri, _ in _scores(store, "zebra")} == {BASE + "article/keep"}
    assert _seen(store) == _rebuilt(store, tmp_path)


def _scores(store: Path, words: str) -> list[tuple[str, float]]:
    index = SearchIndex.of_store(store)
    return index.scores(index.compile(parse(words)))
