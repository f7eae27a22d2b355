"""Query worker processes over an embedded store's snapshots.

pyoxigraph cannot interrupt a running query, so the server runs queries in worker processes:
when one runs past its timeout, its worker is killed — the query really stops — and a fresh
worker takes its place while the others keep answering. Each worker reads the newest snapshot
(see snapshots.py), so queries never wait for the writer and never see half a batch.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Iterator, Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph import errors
from graph.errors import NewsgraphError, QueryTimeout, StoreError
from graph.sparql import QueryRequest, QueryResponse

_context = multiprocessing.get_context("spawn")


def _worker_main(connection: Connection, store_path: str) -> None:
    """The loop of one worker process: open the newest snapshot, answer requests."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from graph.store.embedded import EmbeddedStore

    store = EmbeddedStore(store_path, write=False)
    connection.send(("ready", os.getpid()))
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        kind, payload = message
        try:
            store.refresh()
            if kind == "execute":
                result: Any = store.execute(payload)
            elif kind == "select":
                query, bindings = payload
                result = list(store.select(query, bindings))
            elif kind == "ask":
                query, bindings = payload
                result = store.ask(query, bindings)
            elif kind == "construct":
                query, bindings = payload
                result = list(store.construct(query, bindings))
            else:
                raise StoreError(f"unknown request {kind!r}")
            connection.send(("ok", result))
        except NewsgraphError as error:
            connection.send(("error", (type(error).__name__, str(error))))
        except (OSError, SyntaxError, ValueError) as error:
            connection.send(("error", ("QueryError", str(error))))


def _rebuild(name: str, message: str) -> NewsgraphError:
    """The worker's error again, as the same class where its constructor takes a message."""
    error_class = getattr(errors, name, None)
    if not (isinstance(error_class, type) and issubclass(error_class, NewsgraphError)):
        error_class = errors.QueryError
    if error_class is errors.RecordError:
        error_class = errors.QueryError
    return error_class(message)


class _Worker:
    def __init__(self, store_path: Path) -> None:
        self.connection, child = _context.Pipe()
        self.process = _context.Process(
            target=_worker_main, args=(child, str(store_path)), daemon=True
        )
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float = 60) -> None:
        if not self.connection.poll(timeout):
            self.kill()
            raise StoreError("a query worker did not start")
        self.connection.recv()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.connection.close()


class QueryPool:
    """Runs queries in ``size`` worker processes; thread-safe; each call blocks its thread."""

    def __init__(self, store_path: Path, size: int, timeout: float) -> None:
        self.store_path = store_path
        self.timeout = timeout
        self.size = size
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        started = [self._spawn() for _ in range(size)]
        for worker in started:
            worker.wait_ready()
            self._idle.put(worker)

    def _spawn(self) -> _Worker:
        worker = _Worker(self.store_path)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, dead: _Worker) -> None:
        dead.kill()
        with self._lock:
            self._all.discard(dead)
        if self._closed:
            return

        def start() -> None:
            worker = self._spawn()
            try:
                worker.wait_ready()
            except StoreError:
                return
            self._idle.put(worker)

        threading.Thread(target=start, daemon=True).start()

    def call(self, kind: str, payload: Any, timeout: float | None = None) -> Any:
        limit = timeout or self.timeout
        deadline = time.monotonic() + limit
        try:
            worker = self._idle.get(timeout=limit)
        except queue.Empty:
            raise QueryTimeout(f"no query worker became free within {limit:g} s") from None
        try:
            worker.connection.send((kind, payload))
            if not worker.connection.poll(max(0.0, deadline - time.monotonic())):
                self._replace(worker)
                raise QueryTimeout(f"query stopped after the {limit:g} s time limit")
            status, result = worker.connection.recv()
        except (EOFError, OSError):
            self._replace(worker)
            raise StoreError("a query worker failed; try again") from None
        self._idle.put(worker)
        if status == "error":
            raise _rebuild(*result)
        return result

    def execute(self, request: QueryRequest, timeout: float | None = None) -> QueryResponse:
        response: QueryResponse = self.call("execute", request, timeout)
        return response

    def select(
        self, query: str, bindings: Mapping[str, Any] | None = None, timeout: float | None = None
    ) -> Iterator[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.call("select", (query, dict(bindings or {})), timeout)
        return iter(rows)

    def ask(self, query: str, bindings: Mapping[str, Any] | None = None) -> bool:
        return bool(self.call("ask", (query, dict(bindings or {}))))

    def construct(
        self, query: str, bindings: Mapping[str, Any] | None = None
    ) -> Iterator[ox.Triple]:
        triples: list[ox.Triple] = self.call("construct", (query, dict(bindings or {})))
        return iter(triples)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()
