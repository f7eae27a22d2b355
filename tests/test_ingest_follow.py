"""Ingest that never ends, with real processes (``graph/ingest/follow.py``): standard input is
visible before it ends; a watched directory is ingested as files land and grow; a watcher killed
with ``kill -9`` at any moment and started again neither loses nor repeats a record (the oracle:
the records written against the store's articles, and the bad lines against the rejects file);
Ctrl-C stops a watcher cleanly."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from newsgraph.store import EmbeddedStore

from bench import corpus
from tests.conftest import BASE, ROOT

LIMIT = 120.0


def _command(store: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "newsgraph", "ingest", "--store", str(store), "--base", BASE,
            "--rejects", str(store.parent / "rejects.jsonl"), *args]  # fmt: skip


def _slugs(store: Path) -> list[str]:
    """The slugs of the store's articles as readers see them (the newest snapshot)."""
    if not (store / "snapshots" / "CURRENT").exists():
        return []
    with EmbeddedStore(store) as opened:
        rows = opened.select_values(
            "SELECT ?slug WHERE { ?a a <http://schema.org/NewsArticle> ; "
            "<http://schema.org/identifier> ?slug }",
            ("slug",),
        )
        return sorted(row[0].value for row in rows if isinstance(row[0], ox.Literal))


def _wait(condition: Any, what: str, limit: float = LIMIT) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {limit:.0f} s")


def _line(record: dict[str, Any]) -> bytes:
    return (json.dumps(record) + "\n").encode()


def test_standard_input_is_visible_before_it_ends(tmp_path: Path) -> None:
    store = tmp_path / "store"
    records = list(corpus.generate(12, seed=21))
    process = subprocess.Popen(
        _command(store, "-"), cwd=ROOT, stdin=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdin is not None
    try:
        assert _slugs(store) == []  # the control: nothing before anything is sent
        for record in records[:5]:
            process.stdin.write(_line(record))
        process.stdin.flush()
        _wait(lambda: len(_slugs(store)) == 5, "the first five records becoming visible")
        assert process.poll() is None  # still reading: visible before the end of input
        rest = b"".join(_line(record) for record in records[5:])
        _out, err = process.communicate(rest, timeout=LIMIT)
        assert process.returncode == 0, err.decode()
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert _slugs(store) == sorted(record["slug"] for record in records)


def test_a_watched_directory_takes_files_as_they_land_and_grow(tmp_path: Path) -> None:
    store, inbox = tmp_path / "store", tmp_path / "inbox"
    inbox.mkdir()
    records = list(corpus.generate(14, seed=22))
    first = inbox / "a.jsonl"
    first.write_bytes(b"".join(_line(r) for r in records[:4]))
    process = subprocess.Popen(
        _command(store, "--watch", str(inbox)), cwd=ROOT, stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        _wait(lambda: len(_slugs(store)) == 4, "the file there at the start")
        with first.open("ab") as handle:  # a file that grows, its last line in two writes
            handle.write(b"".join(_line(r) for r in records[4:7]))
            line = _line(records[7])
            handle.write(line[:20])
            handle.flush()
            time.sleep(2.5)
            assert len(_slugs(store)) == 7  # the half-written line is not read yet
            handle.write(line[20:])
        (inbox / "b.jsonl").write_bytes(
            b"".join(_line(r) for r in records[8:]) + b'{"slug": "bad", "title": 3}\n'
        )
        _wait(lambda: len(_slugs(store)) == len(records), "the grown and the new file")
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=LIMIT)
        assert process.returncode == 1, err.decode()  # a record was rejected, as in any ingest
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert b"this run: loaded 14" in err
    assert _slugs(store) == sorted(record["slug"] for record in records)
    rejects = (tmp_path / "rejects.jsonl").read_text().splitlines()
    assert [json.loads(line)["location"] for line in rejects] == [f"{inbox / 'b.jsonl'}:7"]


def test_kill_9_and_resume_lose_and_repeat_nothing(tmp_path: Path) -> None:
    """Files keep growing while watchers are killed at random moments and started again; at
    the end the store holds every good record written and the rejects file every bad line
    once."""
    store, inbox = tmp_path / "store", tmp_path / "inbox"
    inbox.mkdir()
    rng = random.Random(5)
    records = list(corpus.generate(90, seed=23))
    bad = 0
    written: list[dict[str, Any]] = []
    kills = 0

    def start() -> subprocess.Popen[bytes]:
        env = {**os.environ, "NEWSGRAPH_BATCH_SIZE": "7"}
        return subprocess.Popen(
            _command(store, "--watch", str(inbox), "--quiet"), cwd=ROOT, env=env,
            stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        )  # fmt: skip

    process = start()
    try:
        for start_at in range(0, len(records), 10):
            chunk = records[start_at : start_at + 10]
            target = inbox / f"feed-{start_at % 30}.jsonl"
            with target.open("ab") as handle:
                for record in chunk:
                    handle.write(_line(record))
                    written.append(record)
                    if rng.random() < 0.1:
                        handle.write(b'{"slug": "broken", "published_at": "not a date"}\n')
                        bad += 1
            time.sleep(rng.uniform(0.2, 1.5))
            if rng.random() < 0.6:
                process.kill()  # kill -9, at whatever it was doing
                process.wait()
                kills += 1
                process = start()
        _wait(lambda: len(_slugs(store)) == len(written), "every record", limit=300)
        time.sleep(2)  # a record read twice would show now
    finally:
        process.kill()
        process.wait()
    assert kills >= 3
    assert _slugs(store) == sorted(record["slug"] for record in written)
    rejects = (tmp_path / "rejects.jsonl").read_text().splitlines()
    assert len(rejects) == bad, "a bad line was appended to the rejects file twice or never"
