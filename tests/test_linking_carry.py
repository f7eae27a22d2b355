"""A stream's batches hand each other the linking tables (``graph/linking/carry.py``).

The oracle is a store made from scratch of the same records (as in
``tests/test_trickle_invariance.py``); the spy counts the records the linking cache's journals
decode, so that a carried table can be told from one read back. The controls: without
:func:`carry.carrying` every batch decodes the journals; a write by another process, or a batch
that failed, makes the next batch decode them again, and the store is still right.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from newsgraph import collector
from newsgraph.ingest import Ingester, sources
from newsgraph.linking import carry, journal, store_pass
from newsgraph.settings import load_settings
from newsgraph.store import EmbeddedStore

from bench import corpus
from tests.conftest import BASE, ROOT, write_jsonl
from tests.test_trickle_invariance import POOL, References, _store_quads

BATCHES = [POOL[0:12], POOL[12:20], POOL[20:24], POOL[24:]]


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many journal records were decoded so far (one count per whole read of a file)."""
    reads: list[int] = []
    real = journal.records

    def counted(data: bytes) -> Iterator[tuple[Any, int]]:
        reads.append(len(data))
        return real(data)

    monkeypatch.setattr(journal, "records", counted)
    return reads


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each pass's resolution started from what the last one kept (the references
    made on demand add theirs: a test empties it before the batch it looks at)."""
    kinds: list[bool] = []
    real = store_pass.resolve

    def spied(*args: Any, **options: Any) -> Any:
        kinds.append(options.get("since") is not None)
        return real(*args, **options)

    monkeypatch.setattr(store_pass, "resolve", spied)
    return kinds


@pytest.fixture(scope="module")
def references(tmp_path_factory: pytest.TempPathFactory) -> References:
    return References(tmp_path_factory.mktemp("references"))


def _batch(store: Path, rows: list[dict[str, Any]], name: str, *, fail: bool = False) -> None:
    """One batch, as a stream runs it (:func:`graph.ingest.follow._batch`)."""
    settings = load_settings(store=str(store), base=BASE)
    path = write_jsonl(store.parent / f"{name}.jsonl", rows)

    def before_commit(_store: object) -> None:
        if fail:
            raise RuntimeError("the batch fails before it commits")

    with EmbeddedStore(settings.store_path, write=True, base=BASE) as opened:
        items = sources.read([str(path)], decode=False)
        Ingester(opened, settings).run_items(items, before_commit=before_commit)


def _seen(count: int) -> frozenset[int]:
    return frozenset(range(sum(len(batch) for batch in BATCHES[:count])))


def test_a_streams_later_batches_read_no_table_and_the_store_is_right(
    tmp_path: Path, references: References, decoded: list[int], started: list[bool]
) -> None:
    store = tmp_path / "store"
    with carry.carrying():
        for number, rows in enumerate(BATCHES):
            before = len(decoded)
            started.clear()
            _batch(store, rows, f"batch-{number}")
            if number:
                assert len(decoded) == before, f"batch {number} read the journals back"
            assert started == [bool(number)], "later batches resolve from the kept parts"
            assert _store_quads(store) == references.of(_seen(number + 1)), f"after {number}"


def test_control_without_carrying_every_batch_reads_the_tables(
    tmp_path: Path, references: References, decoded: list[int], started: list[bool]
) -> None:
    """One-off runs read the tables back, and resolve from the parts the last run wrote down
    (``kept-resolution.bin``); without the file, from scratch."""
    store = tmp_path / "store"
    for number, rows in enumerate(BATCHES[:3]):
        before = len(decoded)
        if number == 2:
            (store / "linking" / "kept-resolution.bin").unlink()
        _batch(store, rows, f"batch-{number}")
        if number:
            assert len(decoded) > before, "each later batch read hashes.bin and inputs.bin"
    assert started == [False, True, False], "nothing is carried outside carrying"
    assert _store_quads(store) == references.of(_seen(3))


def test_one_off_runs_resolve_from_the_parts_the_last_wrote_down(
    tmp_path: Path, references: References, started: list[bool]
) -> None:
    """Each `newsgraph ingest` of its own resolves from what the last wrote down, and the
    store is the one from scratch; parts written under another tag (the records changed
    since: here a relink wrote the inputs again, without the parts) are not taken."""
    store = tmp_path / "store"
    kept = store / "linking" / "kept-resolution.bin"
    for number, rows in enumerate(BATCHES[:2]):
        path = write_jsonl(tmp_path / f"batch-{number}.jsonl", rows)
        _cli(store, "ingest", str(path))
        assert kept.exists()
        assert _store_quads(store) == references.of(_seen(number + 1)), f"after {number}"
    older = kept.read_bytes()
    started.clear()  # the references made on demand above resolved too
    _batch(store, BATCHES[2], "batch-2")
    assert started == [True]
    assert kept.read_bytes() != older, "the batch wrote its own parts down"
    started.clear()
    _batch(store, BATCHES[3][:1], "batch-3")
    kept.write_bytes(older)  # the parts of two batches ago: not those of the store's inputs
    _batch(store, BATCHES[3][1:], "batch-4")
    assert started == [True, False]
    assert _store_quads(store) == references.of(_seen(4))


def test_a_streams_batch_appends_to_the_memo_what_it_changed(tmp_path: Path) -> None:
    """A batch whose resolution follows the last one's tables appends the entries it changed
    to ``resolution.bin`` (the file is not written again whole); a one-off run after the
    stream reads the memo back, changes replayed, and its store is the one a single ingest of
    the same records makes. The control: the stream's first batch, whose resolution started
    from parts read back, writes the memo whole (a new file)."""
    base = list(corpus.generate(300, seed=21))
    store, scratch = tmp_path / "store", tmp_path / "scratch"
    memo = store / "linking" / "resolution.bin"
    _batch(store, base, "base")
    files = []
    with carry.carrying():
        for number, rows in enumerate([POOL[0:12], POOL[12:14]], start=1):
            before = memo.stat()
            _batch(store, rows, f"batch-{number}")
            after = memo.stat()
            files.append((after.st_ino == before.st_ino, after.st_size - before.st_size))
    (first_same, _grown), (second_same, grown) = files
    assert not first_same, "the control: written whole"
    assert second_same and 0 < grown < before.st_size // 10, "appended: the changes alone"
    _batch(store, POOL[14:24], "batch-3")
    _batch(scratch, base + POOL[0:24], "all")
    assert _store_quads(store) == _store_quads(scratch)


def test_a_stream_writes_the_parts_down_once_when_it_ends(
    tmp_path: Path, references: References, started: list[bool]
) -> None:
    store = tmp_path / "store"
    kept = store / "linking" / "kept-resolution.bin"
    _batch(store, BATCHES[0], "batch-0")
    first = kept.stat().st_mtime_ns
    with carry.carrying():
        for number, rows in enumerate(BATCHES[1:3], start=1):
            _batch(store, rows, f"batch-{number}")
            assert kept.stat().st_mtime_ns == first, "not written batch by batch"
    assert kept.stat().st_mtime_ns != first, "written when the stream ended"
    started.clear()
    _batch(store, BATCHES[3], "batch-3")
    assert started == [True], "the next one-off run takes what the stream wrote down"
    assert _store_quads(store) == references.of(_seen(4))


def _cli(store: Path, *arguments: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "newsgraph", arguments[0], "--quiet", "--store", str(store),
         "--base", BASE, *arguments[1:]], cwd=ROOT, check=True, env={**os.environ},
    )  # fmt: skip


def test_a_write_by_another_process_in_between_is_read(
    tmp_path: Path, references: References, decoded: list[int], started: list[bool]
) -> None:
    """A stream's batch, then `newsgraph ingest` in another process, then the stream's next
    batch: it must not take the tables it carried (they no longer are the store's), only what
    the other process wrote down (here removed: then it resolves from scratch)."""
    store = tmp_path / "store"
    with carry.carrying():
        _batch(store, BATCHES[0], "batch-0")
        path = write_jsonl(tmp_path / "other.jsonl", BATCHES[1])
        _cli(store, "ingest", str(path))
        (store / "linking" / "kept-resolution.bin").unlink()
        before = len(decoded)
        _batch(store, BATCHES[2], "batch-2")
        assert len(decoded) > before
        assert started == [False, False], "the stream's next batch resolves from scratch"
        _batch(store, BATCHES[3], "batch-3")
        assert started == [False, False, True], "and the one after from what it kept"
    assert _store_quads(store) == references.of(_seen(4))


def test_a_failed_batch_leaves_nothing_carried(
    tmp_path: Path, references: References, decoded: list[int], started: list[bool]
) -> None:
    """The failed batch took the carried tables (it decoded nothing) and changed them in place
    before it failed; the next batch is right all the same."""
    store = tmp_path / "store"
    with carry.carrying():
        _batch(store, BATCHES[0], "batch-0")
        before = len(decoded)
        with pytest.raises(RuntimeError, match="fails before it commits"):
            _batch(store, BATCHES[1], "batch-1", fail=True)
        assert len(decoded) == before
        assert started == [False, True], "the failed batch took the kept parts"
        assert _store_quads(store) == references.of(_seen(1))
        started.clear()
        _batch(store, BATCHES[1] + BATCHES[2], "batch-2")
        _batch(store, BATCHES[3], "batch-3")
        assert started == [False, True], "the next resolves from scratch, and keeps again"
    assert _store_quads(store) == references.of(_seen(4))


def test_a_table_is_taken_once_and_only_while_its_file_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "table.bin"
    path.write_bytes(b"one")
    carry.remember(path, {"a": 1})
    assert carry.recall(path) is None  # outside carrying nothing is kept
    with carry.carrying():
        table = {"a": 1}
        carry.remember(path, table)
        assert carry.recall(path) is table
        assert carry.recall(path) is None  # taken
        carry.remember(path, table)
        with open(path, "ab") as handle:
            handle.write(b"more")  # another writer appended
        assert carry.recall(path) is None
        carry.remember(path, table)
        replaced = tmp_path / "new.bin"
        replaced.write_bytes(b"onemorE")  # another writer replaced it, same size
        os.replace(replaced, path)
        assert carry.recall(path) is None
    assert carry.recall(path) is None


def test_a_held_value_is_written_down_when_carrying_ends_while_its_file_is_unchanged(
    tmp_path: Path,
) -> None:
    path = tmp_path / "table.bin"
    path.write_bytes(b"one")
    written: list[object] = []
    carry.remember(path, "now", "part", keep=written.append)
    assert written == ["now"], "outside carrying: at once"
    with carry.carrying():
        carry.remember(path, "held", "part", keep=written.append)
        with carry.carrying():
            pass
        assert written == ["now"], "an inner block's end writes nothing"
    assert written == ["now", "held"]
    with carry.carrying():
        carry.remember(path, "stale", "part", keep=written.append)
        path.write_bytes(b"another writer's")
    with carry.carrying():
        carry.remember(path, "taken", "part", keep=written.append)
        assert carry.recall(path, "part") == "taken"
    assert written == ["now", "held"], "not once the file changed, nor once taken"


def test_settling_writes_down_what_is_held_and_forgets_it(tmp_path: Path) -> None:
    """A server about to lend its store to another writer (graph/ingest/handed.py): what its
    handed batches hold is written down now, not when the server stops, and let go."""
    path = tmp_path / "table.bin"
    path.write_bytes(b"one")
    written: list[object] = []
    carry.settle()  # outside carrying: nothing
    with carry.carrying():
        carry.remember(path, "held", "part", keep=written.append)
        carry.remember(path, {"a": 1})
        carry.settle()
        assert written == ["held"]
        assert carry.recall(path, "part") is None and carry.recall(path) is None
        carry.remember(path, "later", "part", keep=written.append)
    assert written == ["held", "later"], "carrying goes on after settling"


def test_what_a_carried_batch_keeps_is_out_of_the_collectors_walks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tables a carried batch keeps are frozen (``newsgraph.collector.paused`` with keep):
    no later collection in the server walks them."""
    monkeypatch.setattr(collector, "_frozen_after_reclaim", 0)
    gc.unfreeze()
    try:
        _batch(tmp_path / "once", BATCHES[0], "once")
        assert gc.get_freeze_count() == 0  # the control: a one-off run freezes nothing
        with carry.carrying():
            _batch(tmp_path / "carried", BATCHES[0], "carried")
            held = [value for _identity, value, _keep in (carry._held or {}).values()]
            assert held, "the batch keeps its tables"
            walked = {id(o) for generation in range(3) for o in gc.get_objects(generation)}
            assert not any(id(value) in walked for value in held)
    finally:
        gc.unfreeze()
