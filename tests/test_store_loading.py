"""An ingest into an empty store writes by streamed bulk loads (graph/store/loading.py):
the same store as batch by batch, reads and replacements end the load first, and a crash or
an error leaves the store as it was."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
from newsgraph.errors import StoreError
from newsgraph.ingest import Summary, ingest
from newsgraph.settings import load_settings
from newsgraph.store import EmbeddedStore, loading
from newsgraph.store.loading import LoadingStore

from bench import corpus
from tests.conftest import BASE, record, write_jsonl

G1, G2, G3 = "http://g.example/1", "http://g.example/2", "http://g.example/3"
P = "<http://p.example/p>"


def nquads(graph: str, *values: str) -> bytes:
    return "".join(f'<http://s> {P} "{value}" <{graph}> .\n' for value in values).encode()


def values(store: EmbeddedStore, graph: str) -> set[str]:
    return {
        q.object.value for q in store.raw.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    }


@pytest.fixture
def streaming(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stream from the first byte, each write a segment of its own (the threshold spares
    small inputs a bulk load)."""
    monkeypatch.setattr(loading, "STREAM_THRESHOLD", 0)
    monkeypatch.setattr(loading, "SEGMENT_BYTES", 0)
    monkeypatch.setattr(loading, "TAIL_SEGMENT_BYTES", 0)


def _ingest(paths: list[str], store_path: Path, *, streamed: bool) -> tuple[set[str], Summary]:
    settings = load_settings(store=str(store_path), base=BASE, batch_size=40)
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as store:
        summary = ingest(paths, store, settings, streamed=streamed)
        quads = {str(q) for q in store.raw.quads_for_pattern(None, None, None, None)}
    return quads, summary


def _counts(summary: Summary) -> tuple[int, ...]:
    return (summary.loaded, summary.replaced, summary.unchanged, summary.skipped,
            summary.rejected, summary.triples, summary.entities)  # fmt: skip


@pytest.mark.parametrize("segment", [0, 1_000_000], ids=["a-segment-per-write", "segments"])
def test_the_streamed_load_gives_the_store_of_batch_by_batch(
    tmp_path: Path, streaming: None, monkeypatch: pytest.MonkeyPatch, segment: int
) -> None:
    monkeypatch.setattr(loading, "SEGMENT_BYTES", segment)
    monkeypatch.setattr(loading, "TAIL_SEGMENT_BYTES", segment)
    path = corpus.write(tmp_path / "c.jsonl.gz", 300, seed=11)
    # Versions of one slug in later batches: the load must end to replace the earlier one.
    later = write_jsonl(
        tmp_path / "later.jsonl",
        [record("late", title="Old", updated_at="2026-03-01T00:00:00Z")]
        + [record(f"filler-{i}") for i in range(60)]
        + [record("late", title="New", updated_at="2026-03-02T00:00:00Z"),
           record("late", title="Older", updated_at="2026-02-01T00:00:00Z")],
    )  # fmt: skip
    paths = [str(path), str(later)]
    batched, batched_summary = _ingest(paths, tmp_path / "batched", streamed=False)
    streamed, streamed_summary = _ingest(paths, tmp_path / "streamed", streamed=True)
    assert streamed == batched
    assert _counts(streamed_summary) == _counts(batched_summary)
    assert streamed_summary.warnings == batched_summary.warnings


def test_a_whole_corpus_streams_and_links_in_the_same_load(tmp_path: Path, streaming: None) -> None:
    path = corpus.write(tmp_path / "c.jsonl.gz", 200, seed=3)
    settings = load_settings(store=str(tmp_path / "s"), base=BASE)
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as store:
        generation = store.generation
        summary = ingest([str(path)], store, settings)
        mentions = store.count(
            "SELECT (COUNT(*) AS ?n) WHERE { ?a <http://schema.org/mentions> ?e }"
        )
        assert store.generation != generation
    assert summary.loaded == 200 and summary.entities > 0
    assert mentions > 0
    assert not (tmp_path / "s" / "journal.json").exists()


def test_writes_of_new_graphs_join_the_load_and_reads_see_them(
    tmp_path: Path, streaming: None
) -> None:
    with EmbeddedStore(tmp_path, write=True) as store:
        reader = EmbeddedStore(tmp_path)
        with store.transaction():
            load = store.open_load()
            assert isinstance(load, LoadingStore)
            load.replace_graphs_nquads([G1], nquads(G1, "1"))
            load.replace_graphs_nquads([G2], nquads(G2, "2"))
            load.replace_graphs_nquads([], nquads(G1, "added"))
            assert load.streaming
            reader.refresh()
            assert not reader.ask("ASK { GRAPH ?g { ?s ?p ?o } }"), "readers see no part of a load"
            assert load.ask(f"ASK {{ GRAPH <{G1}> {{ ?s ?p 'added' }} }}")
            assert values(store, G2) == {"2"}, "the read ended the load"
            load.replace_graphs_nquads([G1], nquads(G1, "replaced"))  # after the load: replaces
            load.close()
            reader.refresh()
            assert not reader.ask("ASK { GRAPH ?g { ?s ?p ?o } }"), "nor any part of its unit"
        reader.refresh()
        assert reader.ask(f"ASK {{ GRAPH <{G2}> {{ ?s ?p '2' }} }}"), "then they see it all"
        reader.close()
        assert values(store, G1) == {"replaced"}
        assert values(store, G2) == {"2"}
        assert not (tmp_path / "journal.json").exists()


def test_replacing_a_graph_the_load_wrote_ends_the_load_first(
    tmp_path: Path, streaming: None
) -> None:
    with EmbeddedStore(tmp_path, write=True) as store, store.transaction():
        load = store.open_load()
        assert load is not None
        load.replace_graphs_nquads([G1], nquads(G1, "first"))
        load.replace_graphs_nquads([G1, G3], nquads(G1, "second") + nquads(G3, "3"))
        load.end()
        assert values(store, G1) == {"second"}
        assert values(store, G3) == {"3"}


def test_a_small_load_is_written_at_once(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path, write=True) as store, store.transaction():
        load = store.open_load()
        assert load is not None
        load.replace_graphs_nquads([G1], nquads(G1, "1"))
        assert not load.streaming
        load.end()
        assert values(store, G1) == {"1"}


def test_a_store_with_named_graphs_takes_no_bulk_load(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path, write=True) as store:
        store.replace_graphs_nquads([G1], nquads(G1, "1"))
        with store.transaction():
            assert store.open_load() is None


def test_a_bulk_load_runs_inside_a_unit_of_writes(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path, write=True) as store, pytest.raises(StoreError, match="inside"):
        store.open_load()


def test_a_failed_load_raises_and_leaves_the_store_as_it_was(
    tmp_path: Path, streaming: None
) -> None:
    with EmbeddedStore(tmp_path, write=True) as store:
        store.load(b'<http://s> <http://p> "kept in the default graph" .', ox.RdfFormat.N_QUADS)
        with pytest.raises(StoreError, match="bulk load"), store.transaction():
            load = store.open_load()
            assert load is not None
            load.replace_graphs_nquads([G1], nquads(G1, "1"))
            load.replace_graphs_nquads([G2], b"<http://s> this is not N-Quads\n")
            load.end()
        assert next(iter(store.raw.named_graphs()), None) is None
        assert len(store.raw) == 1
        assert not (tmp_path / "journal.json").exists()


def test_an_aborted_load_leaves_the_store_empty(tmp_path: Path, streaming: None) -> None:
    with EmbeddedStore(tmp_path, write=True) as store:
        with pytest.raises(RuntimeError, match="elsewhere"), store.transaction():
            load = store.open_load()
            assert load is not None
            load.replace_graphs_nquads([G1], nquads(G1, "1"))
            load.abort()
            raise RuntimeError("an error elsewhere in the unit")
        assert next(iter(store.raw.named_graphs()), None) is None


def test_a_bulk_load_cut_short_leaves_the_empty_store_it_started_from(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path, write=True) as store:
        store.load(b'<http://s> <http://p> "default" .', ox.RdfFormat.N_QUADS)
        start = store.generation
        store.raw.bulk_load(nquads(G1, "1") + nquads(G2, "2"), format=ox.RdfFormat.N_QUADS)
    # what a process killed in the middle of the load leaves: the journal of its unit
    (tmp_path / "journal.json").write_text(json.dumps({"restore": start}))
    with EmbeddedStore(tmp_path, write=True) as store:
        assert store.recovered
        assert next(iter(store.raw.named_graphs()), None) is None
        assert len(store.raw) == 1


def test_segments_wait_on_disk_and_are_deleted_once_loaded(
    tmp_path: Path, streaming: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loading, "SEGMENT_BYTES", 1 << 30)  # one segment, still being written
    with EmbeddedStore(tmp_path, write=True) as store, store.transaction():
        load = store.open_load()
        assert load is not None
        load.replace_graphs_nquads([G1], nquads(G1, "1"))
        load.replace_graphs_nquads([G2], nquads(G2, "2"))
        segments = tmp_path / loading.SEGMENTS_DIRECTORY
        [segment] = segments.iterdir()
        assert segment.read_bytes() == nquads(G1, "1") + nquads(G2, "2")
        load.end()
        assert not segments.exists()
        assert values(store, G1) == {"1"} and values(store, G2) == {"2"}


def test_a_failed_load_deletes_its_segments(tmp_path: Path, streaming: None) -> None:
    with EmbeddedStore(tmp_path, write=True) as store:
        with pytest.raises(StoreError, match="bulk load"), store.transaction():
            load = store.open_load()
            assert load is not None
            load.replace_graphs_nquads([G1], b"<http://s> this is not N-Quads\n")
            load.replace_graphs_nquads([G2], nquads(G2, "2"))  # the next write, or the end
            load.end()
        assert not (tmp_path / loading.SEGMENTS_DIRECTORY).exists()


def test_segments_a_crash_left_behind_are_deleted_when_the_store_opens(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path, write=True) as store:
        start = store.generation
    segments = tmp_path / loading.SEGMENTS_DIRECTORY
    segments.mkdir()
    (segments / "000001.nq").write_bytes(nquads(G1, "1"))
    (tmp_path / "journal.json").write_text(json.dumps({"restore": start}))
    with EmbeddedStore(tmp_path, write=True) as store:
        assert not segments.exists()
        assert next(iter(store.raw.named_graphs()), None) is None


def test_handing_off_an_ended_load_starts_no_loader(tmp_path: Path, streaming: None) -> None:
    with EmbeddedStore(tmp_path, write=True) as store, store.transaction():
        load = store.open_load()
        assert load is not None
        load.replace_graphs_nquads([G1], nquads(G1, "1"))
        assert load.ask("ASK { ?s ?p ?o }")  # a read ends the load
        load.hand_off()
        load.replace_graphs_nquads([G2], nquads(G2, "2"))  # after the load: an ordinary write
        assert not [thread for thread in threading.enumerate() if thread.name == "bulk-load"]
        assert not (tmp_path / loading.SEGMENTS_DIRECTORY).exists()
        assert values(store, G2) == {"2"}
