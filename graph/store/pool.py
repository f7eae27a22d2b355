"""Query worker processes over an embedded store's snapshots.

pyoxigraph cannot interrupt a running query, so the server runs queries in worker processes:
when one runs past its timeout its worker is killed — the query really stops — and a fresh
worker takes its place while the others keep answering. Each worker reads the newest snapshot
(see snapshots.py), so queries never wait for the writer and never see half a batch.

The pool is used two ways. The endpoint awaits :meth:`QueryPool.call_async` on the server's
event loop: the exchange with the worker is non-blocking socket I/O on that loop, with no thread
hop (a hop costs a GIL hand-over, which at a thousand requests a second is most of the budget).
Everything else calls the blocking methods from any thread. Both take workers from one
first-come-first-served queue.

Workers are forked from a fork server that has the query code imported, so replacing a killed
worker takes milliseconds rather than a fresh interpreter's start-up.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import multiprocessing
import pickle
import select
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph import errors
from graph.errors import NewsgraphError, QueryTimeout, StoreError
from graph.sparql import QueryRequest, QueryResponse
from graph.store.workers import HEADER, encode, worker_main

log = logging.getLogger("newsgraph.pool")

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["graph.store.workers", "graph.store.embedded", "graph.sparql"])

_READ_SIZE = 256 * 1024
_START_TIMEOUT = 60.0


@dataclass(frozen=True)
class Reply:
    """A worker's answer and where the time went (seconds)."""

    value: Any
    generation: str | None
    wait: float
    run: float
    total: float


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
        self.sock, child = socket.socketpair()
        self.process = _context.Process(
            target=worker_main, args=(child, str(store_path)), daemon=True
        )
        self.process.start()
        child.close()
        self.sock.setblocking(False)
        self.pid = self.process.pid

    def wait_ready(self, timeout: float = _START_TIMEOUT) -> None:
        try:
            _exchange(self.sock, None, time.monotonic() + timeout)
        except (TimeoutError, EOFError, OSError):
            self.kill()
            raise StoreError("a query worker did not start") from None

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.sock.close()

    def reap(self) -> None:
        self.process.join(5)


# -- talking to a worker ------------------------------------------------------------------------


def _frame_length(buffer: bytearray) -> int | None:
    if len(buffer) < HEADER.size:
        return None
    return HEADER.size + int(HEADER.unpack_from(buffer)[0])


def _exchange(sock: socket.socket, data: bytes | None, deadline: float) -> Any:
    """Send ``data`` (if any) and read one reply, blocking until ``deadline`` at the latest."""
    view = memoryview(data or b"")
    while view:
        if not select.select([], [sock], [], max(0.0, deadline - time.monotonic()))[1]:
            raise TimeoutError
        view = view[sock.send(view) :]
    buffer = bytearray()
    while True:
        total = _frame_length(buffer)
        if total is not None and len(buffer) >= total:
            return pickle.loads(memoryview(buffer)[HEADER.size : total])
        if not select.select([sock], [], [], max(0.0, deadline - time.monotonic()))[0]:
            raise TimeoutError
        chunk = sock.recv(_READ_SIZE)
        if not chunk:
            raise EOFError("the query worker exited")
        buffer += chunk


async def _exchange_async(sock: socket.socket, data: bytes) -> Any:
    loop = asyncio.get_running_loop()
    await loop.sock_sendall(sock, data)
    buffer = bytearray()
    while True:
        total = _frame_length(buffer)
        if total is not None and len(buffer) >= total:
            return pickle.loads(memoryview(buffer)[HEADER.size : total])
        chunk = await loop.sock_recv(sock, _READ_SIZE)
        if not chunk:
            raise EOFError("the query worker exited")
        buffer += chunk


# -- handing out idle workers -------------------------------------------------------------------


class _Waiter:
    __slots__ = ("cancelled", "event", "future", "thread", "worker")

    def __init__(self, future: asyncio.Future[None] | None = None) -> None:
        self.worker: _Worker | None = None
        self.cancelled = False
        self.future = future
        self.event = threading.Event() if future is None else None
        self.thread = threading.get_ident()

    def wake(self) -> None:
        if self.event is not None:
            self.event.set()
            return
        future = self.future
        assert future is not None
        if threading.get_ident() == self.thread:
            _resolve(future)
        else:
            future.get_loop().call_soon_threadsafe(_resolve, future)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class _IdleWorkers:
    """Idle workers, handed to waiting callers (threads or coroutines) first come, first served."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: collections.deque[_Worker] = collections.deque()
        self._waiters: collections.deque[_Waiter] = collections.deque()
        self.closed = False

    def put(self, worker: _Worker) -> None:
        with self._lock:
            while self._waiters:
                waiter = self._waiters.popleft()
                if not waiter.cancelled:
                    waiter.worker = worker
                    waiter.wake()
                    return
            self._idle.append(worker)

    def _enqueue(self, waiter: _Waiter) -> _Worker | None:
        with self._lock:
            if self.closed:
                raise StoreError("the query pool is closed")
            if self._idle:
                return self._idle.popleft()
            self._waiters.append(waiter)
            return None

    def _abandon(self, waiter: _Waiter) -> _Worker | None:
        with self._lock:
            waiter.cancelled = True
            return waiter.worker

    def get(self, timeout: float) -> _Worker | None:
        waiter = _Waiter()
        worker = self._enqueue(waiter)
        if worker is not None:
            return worker
        assert waiter.event is not None
        waiter.event.wait(max(0.0, timeout))
        return self._abandon(waiter)

    async def get_async(self, timeout: float) -> _Worker | None:
        waiter = _Waiter(asyncio.get_running_loop().create_future())
        worker = self._enqueue(waiter)
        if worker is not None:
            return worker
        assert waiter.future is not None
        try:
            await asyncio.wait_for(waiter.future, max(0.0, timeout))
        except TimeoutError:
            pass
        except BaseException:  # cancelled while waiting: a worker handed over goes back
            handed = self._abandon(waiter)
            if handed is not None:
                self.put(handed)
            raise
        return self._abandon(waiter)

    def close(self) -> list[_Worker]:
        with self._lock:
            self.closed = True
            idle = list(self._idle)
            self._idle.clear()
            waiters = list(self._waiters)
            self._waiters.clear()
        for waiter in waiters:
            waiter.wake()
        return idle


# -- the pool -----------------------------------------------------------------------------------


class QueryPool:
    """Runs queries in ``size`` worker processes; thread-safe and usable from an event loop."""

    def __init__(self, store_path: Path, size: int, timeout: float) -> None:
        self.store_path = store_path
        self.timeout = timeout
        self.size = size
        self._idle = _IdleWorkers()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        started = [self._spawn() for _ in range(size)]
        for worker in started:
            worker.wait_ready()
            self._idle.put(worker)

    @property
    def pids(self) -> list[int]:
        """The process ids of the live workers."""
        with self._lock:
            return sorted(w.pid for w in self._all if w.pid is not None)

    def _spawn(self) -> _Worker:
        worker = _Worker(self.store_path)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, dead: _Worker) -> None:
        """Kill ``dead`` now; a new worker joins the pool once it has started."""
        dead.kill()
        with self._lock:
            self._all.discard(dead)
        threading.Thread(target=self._respawn, args=(dead,), daemon=True).start()

    def _respawn(self, dead: _Worker) -> None:
        dead.reap()
        delay = 0.1
        while not self._closed:
            try:
                worker = self._spawn()
                worker.wait_ready()
            except (StoreError, OSError) as error:
                log.warning("newsgraph: could not start a query worker (%s); retrying", error)
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            if self._closed:
                worker.kill()
                return
            self._idle.put(worker)
            return

    def _limit(self, timeout: float | None) -> float:
        return timeout or self.timeout

    def call(
        self, kind: str, payload: Any, timeout: float | None = None, hint: str | None = None
    ) -> Reply:
        """Run one request in a worker, blocking this thread."""
        limit = self._limit(timeout)
        started = time.monotonic()
        deadline = started + limit
        worker = self._idle.get(limit)
        if worker is None:
            raise self._no_worker(limit)
        got = time.monotonic()
        try:
            answer = _exchange(worker.sock, encode((kind, payload, hint)), deadline)
        except TimeoutError:
            self._replace(worker)
            raise QueryTimeout(f"query stopped after the {limit:g} s time limit") from None
        except (EOFError, OSError):
            self._replace(worker)
            raise StoreError("a query worker failed; try again") from None
        except BaseException:
            self._replace(worker)
            raise
        self._idle.put(worker)
        return self._reply(answer, started, got)

    async def call_async(
        self, kind: str, payload: Any, timeout: float | None = None, hint: str | None = None
    ) -> Reply:
        """Run one request in a worker without blocking the event loop."""
        limit = self._limit(timeout)
        started = time.monotonic()
        worker = await self._idle.get_async(limit)
        if worker is None:
            raise self._no_worker(limit)
        got = time.monotonic()
        try:
            async with asyncio.timeout(max(0.0, started + limit - got)):
                answer = await _exchange_async(worker.sock, encode((kind, payload, hint)))
        except TimeoutError:
            self._replace(worker)
            raise QueryTimeout(f"query stopped after the {limit:g} s time limit") from None
        except (EOFError, OSError):
            self._replace(worker)
            raise StoreError("a query worker failed; try again") from None
        except BaseException:  # cancelled mid-exchange: the worker's state is unknown
            self._replace(worker)
            raise
        self._idle.put(worker)
        return self._reply(answer, started, got)

    def _no_worker(self, limit: float) -> NewsgraphError:
        if self._closed:
            return StoreError("the server is shutting down")
        return QueryTimeout(f"no query worker became free within the {limit:g} s time limit")

    @staticmethod
    def _reply(answer: Any, started: float, got: float) -> Reply:
        status, result, generation, run = answer
        if status == "error":
            raise _rebuild(*result)
        return Reply(result, generation, got - started, run, time.monotonic() - started)

    # -- the Store-shaped methods ---------------------------------------------------------------

    def execute(self, request: QueryRequest, timeout: float | None = None) -> QueryResponse:
        response: QueryResponse = self.call("execute", request, timeout).value
        return response

    def select(
        self, query: str, bindings: Mapping[str, Any] | None = None, timeout: float | None = None
    ) -> Iterator[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.call(
            "select", (query, dict(bindings or {})), timeout
        ).value
        return iter(rows)

    def ask(self, query: str, bindings: Mapping[str, Any] | None = None) -> bool:
        return bool(self.call("ask", (query, dict(bindings or {}))).value)

    def construct(
        self, query: str, bindings: Mapping[str, Any] | None = None
    ) -> Iterator[ox.Triple]:
        triples: list[ox.Triple] = self.call("construct", (query, dict(bindings or {}))).value
        return iter(triples)

    def close(self) -> None:
        self._closed = True
        idle = self._idle.close()
        with self._lock:
            workers = set(self._all) | set(idle)
            self._all.clear()
        for worker in workers:
            worker.kill()
        for worker in workers:
            worker.reap()
