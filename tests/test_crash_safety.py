"""kill -9 in the middle of an ingest, then ingest again: the same graph as an uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

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


def test_kill_during_ingest_then_ingest_again(tmp_path: Path) -> None:
    rows = [record(f"k{i:05d}", entities=[f"Entity {i % 97}", f"Org {i % 13}"],
                   body_md="# T\n\n" + "word " * 200) for i in range(6000)]  # fmt: skip
    corpus = write_jsonl(tmp_path / "corpus.jsonl", rows)

    reference = tmp_path / "reference"
    assert (
        newsgraph("ingest", "-q", "--store", str(reference), "--base", BASE, str(corpus)).returncode
        == 0
    )

    crashed = tmp_path / "crashed"
    process = subprocess.Popen(
        [sys.executable, "-m", "graph", "ingest", "-q", "--store", str(crashed), "--base", BASE,
         "--batch-size", "250", str(corpus)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while _generation(crashed) < 4 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    assert process.poll() is None, "the ingest finished before it could be killed; use more records"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    partial = _dataset(crashed)
    assert 0 < len(partial) < len(_dataset(reference))

    again = newsgraph("ingest", "-q", "--store", str(crashed), "--base", BASE, str(corpus))
    assert again.returncode == 0, again.stderr.decode()
    assert _dataset(crashed) == _dataset(reference)
