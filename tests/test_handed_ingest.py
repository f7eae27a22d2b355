"""A small ingest into a served store is run by the server (graph/ingest/handed.py), as real
processes: the command, a server, and the store they leave.

The oracle is a fresh ingest of the same files with no server anywhere; the control is the same
command with handing turned off (``NEWSGRAPH_HANDED_INGEST_BYTES=0``), which borrows the store.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from newsgraph.store import server_info
from newsgraph.store.handover import PRIMARY_PATH
from newsgraph.store.server_info import ServerInfo

from bench import corpus
from tests.conftest import BASE, ROOT, newsgraph
from tests.test_crash_safety import _kill_when, _writing
from tests.test_handover import COUNT, _copy, _dump, _jsonl, _number, _run

BASE_ARTICLES = 300


def _ingest_in(cwd: Path, store: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """``newsgraph ingest`` run from ``cwd`` (its paths relative to it, not to the server's)."""
    return subprocess.run(
        [sys.executable, "-m", "newsgraph", "ingest", "--store", str(store), "--base", BASE, *args],
        capture_output=True, text=True, cwd=cwd, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )  # fmt: skip


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A store of the corpus; a batch of new records with two bad lines; a batch of newer
    versions of some and more new ones."""
    root = tmp_path_factory.mktemp("handed")
    rows = list(corpus.generate(BASE_ARTICLES + 60, seed=11))
    newer = [dict(row, updated_at="2027-01-01T00:00:00Z", title=f"{row['title']} (updated)")
             for row in rows[:15]]  # fmt: skip
    first = root / "first.jsonl"
    lines = [json.dumps(row) for row in rows[BASE_ARTICLES : BASE_ARTICLES + 30]]
    lines[4:4] = ['{"slug": "cut-short", "title": ']  # line 5: not JSON
    lines[9:9] = [json.dumps(dict(rows[0], slug="no-title", title=""))]  # line 10: no title
    first.write_text("\n".join(lines) + "\n", encoding="utf-8")
    paths = {
        "corpus": _jsonl(root / "corpus.jsonl", rows[:BASE_ARTICLES]),
        "first": first,
        "second": _jsonl(root / "second.jsonl", newer + rows[BASE_ARTICLES + 30 :]),
        "base": root / "base",
    }
    _run("ingest", "-q", "--store", str(paths["base"]), str(paths["corpus"]))
    return paths


def _fresh(files: dict[str, Path], target: Path) -> set[bytes]:
    """The oracle: the corpus, then the two batches, each ingested with no server."""
    for name in ("corpus", "first", "second"):
        newsgraph("ingest", "-q", "--store", str(target), "--base", BASE, "--rejects",
                  str(target.parent / "fresh-rejects.jsonl"), str(files[name]))  # fmt: skip
    return _dump(target)


@pytest.mark.parametrize("handing", ["on", "off"])
def test_a_served_stores_small_ingests_leave_what_a_fresh_ingest_leaves(
    files: dict[str, Path], tmp_path: Path, serve: Callable[..., object], handing: str
) -> None:
    """Two batches in a row (the second takes the linking tables the first left in the
    server), the first with a line that is not JSON and a record without a title: they are
    named as the command was given them (a path relative to the command's directory, which
    the server never sees), appended to the command's rejects file, and the rest is written."""
    env = {"NEWSGRAPH_HANDED_INGEST_BYTES": "0"} if handing == "off" else {}
    store = _copy(files, tmp_path / "served")
    server = serve(store)
    work = tmp_path / "work"
    work.mkdir()
    for name in ("first", "second"):
        (work / f"{name}.jsonl").write_bytes(files[name].read_bytes())

    first = _ingest_in(work, store, "first.jsonl", "--rejects", "rejected.jsonl", env=env)
    assert first.returncode == 1, first.stderr  # some records were rejected
    said = first.stderr
    assert ("ingested by the server at" in said) == (handing == "on"), said
    assert "rejected first.jsonl:5: " in said and "rejected first.jsonl:10: " in said, said
    assert "this run: loaded 30, replaced 0, unchanged 0, skipped 0 (older), rejected 2" in said
    rejected = [json.loads(line) for line in (work / "rejected.jsonl").read_text().splitlines()]
    assert [entry["location"] for entry in rejected] == ["first.jsonl:5", "first.jsonl:10"]
    assert rejected[1]["field"] == "title" and rejected[1]["record"]["slug"] == "no-title"

    second = _ingest_in(work, store, "second.jsonl", env=env)
    assert second.returncode == 0, second.stderr
    assert "loaded 30, replaced 15," in second.stderr, second.stderr
    assert _number(server.sparql, COUNT) == BASE_ARTICLES + 60  # type: ignore[attr-defined]
    server.stop()  # type: ignore[attr-defined]
    assert _dump(store) == _fresh(files, tmp_path / "fresh" / "store")


def _store_and_batch(tmp_path: Path, seed: int) -> tuple[Path, Path, Path]:
    """A store of 100 articles, their file, and a batch of 2,900 more (long enough to stop the
    server's run part-way)."""
    rows = list(corpus.generate(3_000, seed=seed))
    base = _jsonl(tmp_path / "base.jsonl", rows[:100])
    batch = _jsonl(tmp_path / "batch.jsonl", rows[100:])
    store = tmp_path / "store"
    _run("ingest", "-q", "--store", str(store), str(base))
    return store, base, batch


def test_a_command_killed_before_the_commit_leaves_the_store_as_it_was(
    tmp_path: Path, serve: Callable[..., object]
) -> None:
    """``kill -9`` of the command while the server runs its ingest: the server does not commit
    (the command is gone), and goes on serving; the same ingest again writes all of it."""
    store, base, batch = _store_and_batch(tmp_path, seed=12)
    before = _dump(store)
    server = serve(store)
    command = subprocess.Popen(
        [sys.executable, "-m", "newsgraph", "ingest", "-q", "--store", str(store), "--base", BASE,
         "--batch-size", "300", str(batch)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    _kill_when(command, _writing(store))  # the server's unit is under way
    deadline = time.monotonic() + 60
    while (store / "journal.json").exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # the server's run reaches its commit, and rolls back
    assert _number(server.sparql, COUNT) == 100  # type: ignore[attr-defined]

    again = newsgraph("ingest", "--store", str(store), "--base", BASE, str(batch))
    assert again.returncode == 0, again.stderr.decode()
    assert "ingested by the server at" in again.stderr.decode()
    assert _number(server.sparql, COUNT) == 3_000  # type: ignore[attr-defined]
    server.stop()  # type: ignore[attr-defined]
    fresh = tmp_path / "fresh"
    _run("ingest", "-q", "--store", str(fresh), str(base))
    assert _dump(fresh) == before  # the oracle's first step is the store before the kill
    _run("ingest", "-q", "--store", str(fresh), str(batch))
    assert _dump(store) == _dump(fresh)


def test_only_the_servers_own_command_may_hand_an_ingest(
    files: dict[str, Path], tmp_path: Path, serve: Callable[..., object]
) -> None:
    """The route wants the token of ``STORE/server.json`` and a well-formed body; nothing is
    written otherwise."""
    store = _copy(files, tmp_path / "served")
    server = serve(store)
    url = server.url + "_newsgraph/ingest"  # type: ignore[attr-defined]
    header = {"pid": os.getpid(), "base": BASE, "batch_size": 10, "ingest_workers": 1,
              "files": [["x.jsonl", 3]]}  # fmt: skip
    body = json.dumps(header).encode() + b"\n{}\n"
    assert httpx.post(url, content=body, timeout=30).status_code == 403
    reply = httpx.post(url, content=body + b"extra", headers=_own(store).authorization, timeout=30)
    assert reply.status_code == 400, reply.text
    assert "do not add up" in reply.json()["message"]
    assert _number(server.sparql, COUNT) == BASE_ARTICLES  # type: ignore[attr-defined]


def test_lending_the_store_writes_down_what_handed_batches_kept(
    files: dict[str, Path], tmp_path: Path, serve: Callable[..., object]
) -> None:
    """The server keeps a handed batch's resolution parts in memory; before it lends the store
    to a borrowing command, it writes them down under the tag of the inputs they go with, so
    the borrower resolves from them rather than from scratch (and it lets them go)."""
    from newsgraph.linking import journal, kept_resolution

    store = _copy(files, tmp_path / "served")
    linking = store / "linking"
    serve(store)
    handed = _ingest_in(ROOT, store, "-q", str(files["first"]), "--rejects", str(tmp_path / "r"))
    assert handed.returncode == 1, handed.stderr  # its two bad lines

    def kept() -> bool:
        loaded = journal.Journal(linking / "inputs.bin", tables=4).load()
        assert loaded is not None
        return kept_resolution.read(linking / "kept-resolution.bin", loaded[0]) is not None

    assert not kept(), "the server holds the parts of its batch, unwritten"  # the control
    own = _own(store)
    for action in ("lend", "return"):  # a borrower that writes nothing
        reply = httpx.post(own.at(PRIMARY_PATH), json={"action": action, "pid": os.getpid()},
                           headers=own.authorization, timeout=60)  # fmt: skip
        assert reply.status_code == 204, reply.text
    assert kept()


def _own(store: Path) -> ServerInfo:
    """What ``STORE/server.json`` tells the server's own command."""
    info = server_info.read(store)
    assert info is not None
    return info


def _hand_raw(server_url: str, store: Path, batch: Path) -> socket.socket:
    """A handed ingest of ``batch`` sent by this (living) process over a raw socket, the answer
    left unread; the socket, to close or to read from."""
    from newsgraph.ingest.handed import INGEST_PATH, Handed

    token = _own(store).token
    body = Handed(os.getpid(), BASE, 300, 1, [(str(batch), batch.read_bytes())]).body()
    url = httpx.URL(server_url)
    connection = socket.create_connection((url.host, url.port), timeout=120)
    head = (f"POST {INGEST_PATH} HTTP/1.1\r\nHost: {url.host}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Length: {len(body)}\r\nContent-Type: application/octet-stream\r\n\r\n")  # fmt: skip
    connection.sendall(head.encode() + body)
    return connection


@pytest.mark.parametrize("closed", [True, False])
def test_a_command_that_closes_its_connection_is_gone_even_if_its_process_lives(
    tmp_path: Path, serve: Callable[..., object], closed: bool
) -> None:
    """The server follows the command by its connection too (a process in another pid
    namespace it cannot see): closed before the commit, nothing is written; the control keeps
    it open, and the same ingest is written."""
    store, _base, batch = _store_and_batch(tmp_path, seed=13)
    server = serve(store)
    connection = _hand_raw(server.url, store, batch)  # type: ignore[attr-defined]
    ready, deadline = _writing(store), time.monotonic() + 120
    while not ready() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert ready(), "the server's run did not start writing"
    if closed:
        connection.close()
    while (store / "journal.json").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    connection.close()
    assert _number(server.sparql, COUNT) == (100 if closed else 3_000)  # type: ignore[attr-defined]


def test_a_handed_run_hands_the_interpreter_over_often_and_then_as_before() -> None:
    """The server's threads that answer from the summaries wait for the run's thread to let go
    of the interpreter at each step of an answer (bench: named queries while batches are
    handed over); the run shortens that wait, and puts the interval back."""
    from newsgraph.ingest import handed

    before = sys.getswitchinterval()
    assert before > handed.SWITCH_INTERVAL  # the control: the default is longer
    with handed._sharing_the_interpreter():
        assert sys.getswitchinterval() == handed.SWITCH_INTERVAL
    assert sys.getswitchinterval() == before
