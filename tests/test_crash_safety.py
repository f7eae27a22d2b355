"""kill -9 in the middle of an ingest, then ingest again: the same graph as an uninterrupted run;
meanwhile readers, and every command after, see the store as it was before the killed ingest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from newsgraph.store import EmbeddedStore

from tests.conftest import BASE, ROOT, newsgraph, record, write_jsonl


def _dataset(store: Path) -> set[str]:
    snapshot_root = store / "snapshots"
    current = (snapshot_root / "CURRENT").read_text().strip()
    reader = ox.Store.read_only(str(snapshot_root / current))
    return {str(q) for q in reader.quads_for_pattern(None, None, None, None)}


def _generation(store: Path) -> int:
    try:
        return int((store / "snapshots" / "CURRENT").read_text())
    except (OSError, ValueError):
        return 0


def _corpus(tmp_path: Path) -> Path:
    rows = [record(f"k{i:05d}", entities=[f"Entity {i % 97}", f"Org {i % 13}"],
                   body_md="# T\n\n" + "word " * 200) for i in range(6000)]  # fmt: skip
    return write_jsonl(tmp_path / "corpus.jsonl", rows)


def _ingest(store: Path, *paths: Path) -> None:
    done = newsgraph("ingest", "-q", "--store", str(store), "--base", BASE, *map(str, paths))
    assert done.returncode == 0, done.stderr.decode()


def _start_ingest(store: Path, corpus: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "newsgraph", "ingest", "-q", "--store", str(store), "--base", BASE,
         "--batch-size", "250", str(corpus)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _descendants(pid: int) -> set[int]:
    """The processes started by ``pid``, and by them, and so on (read from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, pending = set(), [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.add(child)
            pending.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _kill_when(process: subprocess.Popen[bytes], ready: Callable[[], bool]) -> None:
    """kill -9 the ingest once ``ready()``; its worker processes must not outlive it."""
    deadline = time.monotonic() + 120
    while not ready() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    assert process.poll() is None, "the ingest finished before it could be killed; use more records"
    started = _descendants(process.pid)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 20
    while (left := {pid for pid in started if _alive(pid)}) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"processes of the killed ingest still run: {sorted(left)}"


def _primary_bytes(store: Path) -> int:
    return sum(path.stat().st_size for path in (store / "data").glob("*") if path.is_file())


def _writing(store: Path) -> Callable[[], bool]:
    """True once the ingest's unit is under way and has written to the primary."""
    seen: list[int] = []

    def ready() -> bool:
        if not (store / "journal.json").exists():
            return False
        if not seen:
            seen.append(_primary_bytes(store))
        return _primary_bytes(store) > seen[0] + 500_000

    return ready


def test_kill_during_a_batch_then_ingest_again(tmp_path: Path) -> None:
    """Into a store that holds articles, an ingest is one unit of writes: a kill after some of
    its batches leaves the store as before the ingest, for readers and for the next writer."""
    corpus = _corpus(tmp_path)
    first = write_jsonl(tmp_path / "first.jsonl", [record("first")])
    reference, crashed = tmp_path / "reference", tmp_path / "crashed"
    _ingest(reference, first, corpus)
    _ingest(crashed, first)
    before = _dataset(crashed)
    process = _start_ingest(crashed, corpus)
    _kill_when(process, _writing(crashed))
    assert (crashed / "journal.json").exists()
    assert _dataset(crashed) == before  # readers never saw a part of it
    with EmbeddedStore(crashed, write=True, base=BASE) as store:
        assert store.recovered
        assert {str(q) for q in store.raw} == before  # nor does the next writer

    _ingest(crashed, corpus)
    assert _dataset(crashed) == _dataset(reference)


def test_kill_during_the_bulk_load_of_an_empty_store_then_ingest_again(tmp_path: Path) -> None:
    """Into an empty store, ingest writes by streamed bulk loads: a kill in the middle leaves
    the store empty again when it is next opened, and the next ingest completes it."""
    corpus = _corpus(tmp_path)
    reference, crashed = tmp_path / "reference", tmp_path / "crashed"
    _ingest(reference, corpus)

    def loading() -> bool:
        segments = crashed / "segments"
        return segments.is_dir() and any(segments.iterdir())

    process = _start_ingest(crashed, corpus)
    _kill_when(process, loading)
    assert (crashed / "journal.json").exists()
    with EmbeddedStore(crashed, write=True, base=BASE) as store:
        assert next(iter(store.raw.named_graphs()), None) is None
    assert not (crashed / "journal.json").exists()

    _ingest(crashed, corpus)
    assert _dataset(crashed) == _dataset(reference)
