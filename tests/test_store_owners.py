"""Who owns a store: one server, one writer; a store that goes away under its server (real
processes throughout: ``newsgraph serve`` and the commands against it)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.conftest import BASE, ROOT, Server, newsgraph, record, write_jsonl

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a a <http://schema.org/NewsArticle> }"


def _store(tmp_path: Path, count: int = 3, name: str = "store") -> Path:
    store = tmp_path / name
    rows = write_jsonl(tmp_path / f"{name}.jsonl", [record(f"a{i}") for i in range(count)])
    done = newsgraph("ingest", "-q", "--store", str(store), "--base", BASE, str(rows))
    assert done.returncode == 0, done.stderr.decode()
    return store


def _count(server: Server) -> int:
    reply = httpx.get(server.sparql, params={"query": COUNT}, timeout=30)
    reply.raise_for_status()
    return int(reply.json()["results"]["bindings"][0]["n"]["value"])


def _serve_command(store: Path, port: int) -> list[str]:
    return [sys.executable, "-m", "newsgraph", "serve", "--store", str(store), "--base", BASE,
            "--port", str(port), "--query-workers", "1"]  # fmt: skip


def test_a_second_server_on_a_served_store_says_who_owns_it(
    tmp_path: Path, serve: Callable[..., Server]
) -> None:
    store = _store(tmp_path)
    first = serve(store)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    second = subprocess.run(_serve_command(store, port), capture_output=True, timeout=60, cwd=ROOT)
    assert second.returncode == 2
    error = second.stderr.decode()
    assert error.count("\n") == 1, error
    assert f"pid {first.process.pid}" in error and first.url in error
    assert b"serving" not in second.stdout
    assert _count(first) == 3  # the first server goes on


def test_a_port_in_use_is_refused_before_the_server_says_it_serves(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run(
            _serve_command(store, port), capture_output=True, timeout=60, cwd=ROOT
        )
    assert done.returncode == 2
    assert b"serving" not in done.stdout
    assert f"127.0.0.1:{port}" in done.stderr.decode() and done.stderr.decode().count("\n") == 1
    assert not (store / "server.json").exists()


def test_a_store_deleted_under_its_server(tmp_path: Path, serve: Callable[..., Server]) -> None:
    """The server stops and says why; meanwhile no command writes a new store around it."""
    store = _store(tmp_path)
    server = serve(store)
    assert _count(server) == 3
    os.kill(server.process.pid, signal.SIGSTOP)  # so that it cannot notice before the ingest
    try:
        shutil.rmtree(store)
        rows = write_jsonl(tmp_path / "new.jsonl", [record("new")])
        refused = newsgraph("ingest", "--store", str(store), "--base", BASE, str(rows))
        assert refused.returncode == 2
        assert f"pid {server.process.pid}" in refused.stderr.decode()
        assert "deleted or replaced" in refused.stderr.decode()
        assert not store.exists()
    finally:
        os.kill(server.process.pid, signal.SIGCONT)
    assert server.process.wait(30) == 2
    assert f"{store} was deleted or replaced" in server.output()
    made = newsgraph("ingest", "--store", str(store), "--base", BASE, str(rows))
    assert made.returncode == 0, made.stderr.decode()  # once it stopped, a new store is fine


def test_the_control_a_store_left_alone_keeps_its_server(
    tmp_path: Path, serve: Callable[..., Server]
) -> None:
    store = _store(tmp_path)
    server = serve(store)
    time.sleep(2.5)  # more than two checks of the watch
    assert server.process.poll() is None and _count(server) == 3


def test_a_borrower_killed_part_way_leaves_the_server_the_store_as_it_was(
    tmp_path: Path, serve: Callable[..., Server]
) -> None:
    store = _store(tmp_path, 3)
    token = "t0ken-for-the-test"
    server = serve(store, "--allow-update", env={"NEWSGRAPH_UPDATE_TOKEN": token})
    big = write_jsonl(
        tmp_path / "big.jsonl",
        [record(f"b{i:05d}", body_md="# T\n\n" + "word " * 300) for i in range(6000)],
    )
    ingest = subprocess.Popen(
        [sys.executable, "-m", "newsgraph", "ingest", "-q", "--store", str(store), "--base", BASE,
         "--batch-size", "500", str(big)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not (store / "journal.json").exists() and time.monotonic() < deadline:
        assert ingest.poll() is None, "the ingest ended before it could be killed"
        time.sleep(0.01)
    time.sleep(0.5)
    ingest.kill()
    ingest.wait()
    update = {"update": 'INSERT DATA { GRAPH <http://g.example/x> { <http://s> <http://p> "o" } }'}
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.monotonic() + 30
    while True:  # the server takes the primary back once the borrower is gone
        reply = httpx.post(server.sparql, data=update, headers=headers, timeout=30)
        if reply.status_code == 204 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert reply.status_code == 204, reply.text
    assert _count(server) == 3  # the killed ingest's unit was undone
    assert not (store / "journal.json").exists()
