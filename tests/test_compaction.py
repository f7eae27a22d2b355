"""Compaction: bulk loads mark the store due; compacting publishes merged files with the same
answers; the server compacts once writes pause; ``newsgraph compact`` does it by hand."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pyoxigraph as ox
from conftest import newsgraph, start_server
from newsgraph.store import EmbeddedStore
from newsgraph.store.compaction import Compactor
from newsgraph.store.embedded import COMPACTION_DUE, SMALL_WRITE, _tables
from newsgraph.store.snapshots import Snapshots
from SPARQLWrapper import JSON, SPARQLWrapper

EVERY_QUAD = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o"


def _quads(graph: int, count: int) -> list[ox.Quad]:
    name = ox.NamedNode(f"http://example.org/graph/{graph}")
    return [
        ox.Quad(
            ox.NamedNode(f"http://example.org/article/{graph}/{index}"),
            ox.NamedNode("http://schema.org/mentions"),
            ox.NamedNode(f"http://example.org/entity/{index % 97}"),
            name,
        )
        for index in range(count)
    ]


def _every_quad(path: Path) -> list[tuple[str, ...]]:
    with EmbeddedStore(path) as reader:
        return [tuple(str(value) for value in row.values()) for row in reader.select(EVERY_QUAD)]


def _bulk_loaded(path: Path, loads: int = 3) -> Path:
    with EmbeddedStore(path, write=True) as store:
        for graph in range(loads):
            store.replace_graphs([f"http://example.org/graph/{graph}"], _quads(graph, SMALL_WRITE))
    return path


def test_bulk_loads_mark_the_store_due_and_a_compaction_publishes_the_same_answers(
    tmp_path: Path,
) -> None:
    path = _bulk_loaded(tmp_path / "store")
    before = _every_quad(path)
    assert len(before) == 3 * SMALL_WRITE
    with EmbeddedStore(path, write=True) as store:
        assert store.compaction_due
        generation = store.generation
        assert store.compact()
        assert not store.compaction_due
        assert store.generation != generation
        current = store.snapshots.root / str(store.generation)
        assert _tables(path / "data") == _tables(current)  # readers read the merged files
    assert _every_quad(path) == before


def test_a_small_write_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "store", write=True) as store:
        store.replace_graphs(["http://example.org/graph/0"], _quads(0, 10))
        assert not store.compaction_due
        # RocksDB may merge the write's files on its own, in the background, a moment after
        # a merge or a publish: it settles within a few rounds, and then nothing is published
        for _ in range(20):
            store.merge_files()
            generation = store.generation
            if not store.publish_merged():
                break
            time.sleep(0.05)
        else:
            raise AssertionError("every merge published a new snapshot")
        assert store.generation == generation  # nothing more merged: no new snapshot
        store.replace_graphs(["http://example.org/graph/1"], _quads(1, 10))
        store.merge_files()
        assert store.publish_merged()  # control: a write since, merged, is published


def test_a_bulk_load_during_the_merge_keeps_the_store_due(tmp_path: Path) -> None:
    path = _bulk_loaded(tmp_path / "store", loads=1)
    with EmbeddedStore(path, write=True) as store:
        raw = store.raw

        class Merging:
            """The real store, with a bulk load noted while it merges."""

            def optimize(self) -> None:
                time.sleep(0.01)  # the mark's time must differ from the first one's
                store.note_bulk_load()
                raw.optimize()

        store._store = Merging()  # type: ignore[assignment]
        store.merge_files()
        assert (path / COMPACTION_DUE).exists()


def test_the_compactor_waits_until_writes_pause() -> None:
    called = threading.Event()
    calls: list[float] = []

    def compact() -> bool:
        calls.append(time.monotonic())
        called.set()
        return True

    compactor = Compactor(compact, quiet=0.5)
    try:
        last = time.monotonic()
        for _ in range(8):  # writes 0.1 s apart: never a quiet half second
            last = time.monotonic()  # no later than the compactor's own note of the write
            compactor.wrote()
            time.sleep(0.1)
            assert not calls
        assert called.wait(10)
        assert calls[0] - last >= 0.5
        assert compactor.compactions == 1
    finally:
        compactor.stop()
    assert len(calls) == 1


def test_the_server_compacts_a_bulk_loaded_store_once_writes_pause(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _bulk_loaded(store)
    before = _every_quad(store)
    snapshots = Snapshots(store / "snapshots")
    published = snapshots.current()
    server = start_server(store, "--compact-after", "0.5")
    try:
        deadline = time.monotonic() + 60
        while (store / COMPACTION_DUE).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not (store / COMPACTION_DUE).exists(), server.output()
        while snapshots.current() == published and time.monotonic() < deadline:
            time.sleep(0.2)
        assert snapshots.current() != published, server.output()
        client = SPARQLWrapper(server.sparql)
        client.setQuery("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        client.setReturnFormat(JSON)
        answer = client.queryAndConvert()
        assert int(answer["results"]["bindings"][0]["n"]["value"]) == len(before)  # type: ignore[index]

        refused = newsgraph("compact", "--store", str(store))
        assert refused.returncode == 2
        assert "is served at" in refused.stderr.decode()
    finally:
        server.stop()
    assert _every_quad(store) == before


def test_the_compact_command_merges_a_store_after_an_ingest(tmp_path: Path) -> None:
    store = _bulk_loaded(tmp_path / "store")
    before = _every_quad(store)
    done = newsgraph("compact", "--store", str(store))
    assert done.returncode == 0, done.stderr.decode()
    assert "compacted in" in done.stderr.decode()
    assert not (store / COMPACTION_DUE).exists()
    assert _every_quad(store) == before

    remote = newsgraph("compact", "--store", "http://127.0.0.1:9/sparql")
    assert remote.returncode == 2
    assert "embedded store" in remote.stderr.decode()
