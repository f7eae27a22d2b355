"""A remote store keeps its linking cache between runs (``graph/linking/__init__.py``:
``cache_directory``): a later ingest reads back from the server only what the cache cannot vouch
for. Evidence counts by each record's digest; beliefs about the links the server holds count
only while its write stamp is the one the last clean pass left (Virtuoso keeps one; the Oxigraph
server none, so there the links are read back every run). Either way the store is the one a
from-scratch relink leaves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from newsgraph.ingest import ingest
from newsgraph.linking import readback, relink
from newsgraph.settings import load_settings
from newsgraph.store import RemoteStore

from bench import corpus
from tests.backends import Endpoint
from tests.conftest import BASE, write_jsonl

FIRST = list(corpus.generate(120, seed=11))
LATER = list(corpus.generate(140, seed=11))[120:]


class _Reads:
    """How many times linking read evidence and links back from the server (the real reads
    run)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.evidence = self.links = 0
        read_evidence, read_links = readback.read_evidence, readback.read_links

        def evidence(*args: Any, **kwargs: Any) -> Any:
            self.evidence += 1
            return read_evidence(*args, **kwargs)

        def links(*args: Any, **kwargs: Any) -> Any:
            self.links += 1
            return read_links(*args, **kwargs)

        monkeypatch.setattr(readback, "read_evidence", evidence)
        monkeypatch.setattr(readback, "read_links", links)


def _ingest(endpoint: Endpoint, rows: list[dict[str, Any]], path: Path) -> None:
    settings = load_settings(store=endpoint.query_url, base=BASE)
    with endpoint.store() as store:
        ingest([str(write_jsonl(path, rows))], store, settings)


def _quads(store: RemoteStore) -> set[ox.Quad]:
    return set(store.construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"))


@pytest.mark.parametrize("endpoint", ["virtuoso", "oxigraph"], indirect=True)
def test_a_later_ingest_reads_back_only_what_the_cache_cannot_vouch_for(
    endpoint: Endpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    _ingest(endpoint, FIRST, tmp_path / "first.jsonl")
    assert any((tmp_path / "state" / "newsgraph" / "linking").iterdir())
    reads = _Reads(monkeypatch)
    _ingest(endpoint, LATER, tmp_path / "later.jsonl")
    assert reads.evidence == 0  # every earlier article's evidence came from the cache
    stamped = endpoint.name == "virtuoso"
    assert reads.links == (0 if stamped else 1)
    with endpoint.store() as store:
        before = _quads(store)
        summary = relink(store, load_settings(base=BASE).minter)  # trusts nothing
        assert summary.rewritten == 0 and summary.articles == len(FIRST) + len(LATER)
        assert _quads(store) == before  # the oracle: the whole store linked from scratch


@pytest.mark.parametrize("endpoint", ["virtuoso"], indirect=True)
def test_a_write_around_the_cache_makes_it_read_the_links_back(
    endpoint: Endpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control: once something else wrote the server (its write stamp moved), the cache's
    beliefs are not used."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    virtuoso = endpoint
    _ingest(virtuoso, FIRST, tmp_path / "first.jsonl")
    with virtuoso.store() as store:
        store.update("INSERT DATA { GRAPH <http://example.org/elsewhere> { <x:s> <x:p> 1 } }")
    reads = _Reads(monkeypatch)
    _ingest(virtuoso, LATER, tmp_path / "later.jsonl")
    assert reads.evidence == 0 and reads.links == 1
    with virtuoso.store() as store:
        store.update("DROP SILENT GRAPH <http://example.org/elsewhere>")
        assert relink(store, load_settings(base=BASE).minter).rewritten == 0


@pytest.mark.parametrize("endpoint", ["oxigraph"], indirect=True)
def test_without_a_state_directory_each_ingest_reads_the_store_back(
    endpoint: Endpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    """Where the user's state directory cannot be made, the cache lasts one run: the ingest
    still works, and says why it reads the store back."""
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocked))
    _ingest(endpoint, FIRST, tmp_path / "first.jsonl")
    reads = _Reads(monkeypatch)
    with caplog.at_level("WARNING", logger="newsgraph.linking"):
        _ingest(endpoint, LATER, tmp_path / "later.jsonl")
    assert reads.evidence == 1  # the earlier articles' evidence, read back from the server
    assert "no linking cache is kept" in caplog.text
    with endpoint.store() as store:
        assert relink(store, load_settings(base=BASE).minter).rewritten == 0
