"""Query worker processes over an embedded store's snapshots.

pyoxigraph cannot interrupt a running query, so the server runs queries in worker processes:
when one runs past its timeout its worker is killed — the query really stops — and a fresh
worker takes its place while the others keep answering. Each worker reads the newest snapshot
(see snapshots.py), so queries never wait for the writer and never see half a batch.

All talk with the workers happens on one event loop, the pool's *home*: the server's own loop
when the pool is made inside it (the endpoint then awaits :meth:`QueryPool.call_async` with no
thread hop — at a thousand requests a second a GIL hand-over per request is most of the budget),
else a private loop in a background thread. Each worker's socket is an asyncio transport whose
protocol reassembles reply frames as they arrive. Blocking callers (threads) submit to the home
loop and wait; calling a blocking method *on* the home loop's thread would deadlock and is
refused. Workers are forked from a fork server that has the query code imported, so replacing a
killed worker takes milliseconds rather than a fresh interpreter's start-up.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import logging
import multiprocessing
import pickle
import select
import socket
import threading
import time
from collections.abc import Coroutine, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from newsgraph import errors
from newsgraph.errors import NewsgraphError, QueryTimeout, StoreError
from newsgraph.sparql import QueryRequest, QueryResponse
from newsgraph.store.workers import HEADER, encode, worker_main

log = logging.getLogger("newsgraph.pool")

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(
    ["newsgraph.store.workers", "newsgraph.store.embedded", "newsgraph.sparql"]
)

_START_TIMEOUT = 60.0
_T = TypeVar("_T")


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


def _frame_length(buffer: bytearray) -> int | None:
    if len(buffer) < HEADER.size:
        return None
    return HEADER.size + int(HEADER.unpack_from(buffer)[0])


class _Expired(Exception):
    """A deadline passed (waiting for a worker, or for its answer)."""


class _Worker:
    def __init__(self, store_path: Path) -> None:
        self.sock, child = socket.socketpair()
        self.process = _context.Process(
            target=worker_main, args=(child, str(store_path)), daemon=True
        )
        self.process.start()
        child.close()
        self.pid = self.process.pid
        self.protocol: _WorkerProtocol | None = None
        self.alive = True

    def wait_ready(self, timeout: float = _START_TIMEOUT) -> None:
        """Read the worker's first frame (before its socket joins the event loop)."""
        deadline = time.monotonic() + timeout
        buffer = bytearray()
        while True:
            total = _frame_length(buffer)
            if total is not None and len(buffer) >= total:
                return
            readable = select.select([self.sock], [], [], max(0.0, deadline - time.monotonic()))
            chunk = self.sock.recv(65536) if readable[0] else b""
            if not chunk:
                self.kill()
                raise StoreError("a query worker did not start")
            buffer += chunk

    def kill(self) -> None:
        self.alive = False
        if self.process.is_alive():
            self.process.kill()
        if self.protocol is not None and self.protocol.transport is not None:
            self.protocol.transport.abort()
        else:
            self.sock.close()

    def reap(self) -> None:
        self.process.join(5)


class _Job:
    """One request: its frame, the future of its answer, and the worker it went to."""

    __slots__ = ("answer", "dispatched", "frame", "worker")

    def __init__(self, frame: bytes, answer: asyncio.Future[Any]) -> None:
        self.frame = frame
        self.answer = answer
        self.worker: _Worker | None = None
        self.dispatched = 0.0


class _WorkerProtocol(asyncio.Protocol):
    """Reassembles one worker's reply frames; on each, answers the job and frees the worker at
    once (the next queued job is sent before the answered request's task even resumes)."""

    def __init__(self, worker: _Worker, pool: QueryPool) -> None:
        self.worker = worker
        self.pool = pool
        self.buffer = bytearray()
        self.job: _Job | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment] # uvloop's is no asyncio.Transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        total = _frame_length(self.buffer)
        if total is None or len(self.buffer) < total:
            return
        job, self.job = self.job, None
        try:
            answer = pickle.loads(memoryview(self.buffer)[HEADER.size : total])
        except Exception as error:  # a corrupt frame: the worker cannot be trusted any more
            if job is not None and not job.answer.done():
                job.answer.set_exception(EOFError(f"unreadable answer from a worker: {error}"))
            return
        del self.buffer[:total]
        if job is not None and not job.answer.done():
            job.answer.set_result(answer)
        self.pool._release(self.worker)

    def connection_lost(self, exc: Exception | None) -> None:
        self.worker.alive = False
        job, self.job = self.job, None
        if job is not None and not job.answer.done():
            job.answer.set_exception(EOFError("the query worker exited"))
        self.pool._lost(self.worker)


def _home_loop() -> tuple[asyncio.AbstractEventLoop, threading.Thread | None]:
    """The running loop, or a new loop running in a background thread."""
    try:
        return asyncio.get_running_loop(), None
    except RuntimeError:
        pass
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(ready.set)
        loop.run_forever()

    thread = threading.Thread(target=run, name="newsgraph-query-pool", daemon=True)
    thread.start()
    ready.wait()
    return loop, thread


class QueryPool:
    """Runs queries in ``size`` worker processes; for coroutines and threads alike."""

    def __init__(self, store_path: Path, size: int, timeout: float) -> None:
        self.store_path = store_path
        self.timeout = timeout
        self.size = size
        self._loop, self._thread = _home_loop()
        self._loop_thread = self._thread.ident if self._thread else threading.get_ident()
        self._idle: collections.deque[_Worker] = collections.deque()
        self._queue: collections.deque[_Job] = collections.deque()
        self._all: set[_Worker] = set()
        self._tasks: set[asyncio.Future[Any]] = set()
        self._lock = threading.Lock()
        self._closed = False
        started = [self._spawn() for _ in range(size)]
        try:
            for worker in started:
                worker.wait_ready()
        except StoreError:
            self.close()
            raise
        for worker in started:
            self._join(worker)

    # -- workers joining and leaving ------------------------------------------------------------

    @property
    def pids(self) -> list[int]:
        """The process ids of the live workers."""
        with self._lock:
            return sorted(w.pid for w in self._all if w.pid is not None and w.alive)

    def _on_home_thread(self) -> bool:
        return threading.get_ident() == self._loop_thread

    def _spawn(self) -> _Worker:
        worker = _Worker(self.store_path)
        with self._lock:
            self._all.add(worker)
        return worker

    def _join(self, worker: _Worker) -> None:
        """Attach a started worker's socket to the home loop; it then takes requests."""
        coroutine = self._attach(worker)
        if self._on_home_thread():
            task = self._loop.create_task(coroutine)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(_START_TIMEOUT)

    async def _attach(self, worker: _Worker) -> None:
        if self._closed:
            worker.kill()
            return
        try:
            _, protocol = await self._loop.connect_accepted_socket(
                lambda: _WorkerProtocol(worker, self), worker.sock
            )
        except (OSError, RuntimeError) as error:
            log.warning("newsgraph: a query worker could not join the pool (%s)", error)
            worker.kill()
            self._lost(worker)
            return
        worker.protocol = protocol
        self._release(worker)

    def _release(self, worker: _Worker) -> None:
        """Send a free worker the oldest job still waiting, else keep it idle (home loop)."""
        if not worker.alive or self._closed:
            return
        while self._queue:
            job = self._queue.popleft()
            if not job.answer.done():  # not expired, not cancelled
                self._dispatch(worker, job)
                return
        self._idle.append(worker)

    def _expire(self, job: _Job) -> None:
        """The deadline passed: a job still queued fails; one being run has its worker killed
        right now, before the worker could answer and be handed another job."""
        if job.answer.done():
            return
        job.answer.set_exception(_Expired())
        worker = job.worker
        if worker is not None and worker.protocol is not None and worker.protocol.job is job:
            self._replace(worker)

    def _dispatch(self, worker: _Worker, job: _Job) -> None:
        protocol = worker.protocol
        assert protocol is not None and protocol.transport is not None
        job.worker = worker
        job.dispatched = self._loop.time()
        protocol.job = job
        protocol.transport.write(job.frame)

    def _lost(self, worker: _Worker) -> None:
        """A worker's connection closed (it was killed, or it died): replace it (home loop)."""
        if worker in self._idle:
            self._idle.remove(worker)
        with self._lock:
            if worker not in self._all:
                return
            self._all.discard(worker)
        if not self._closed:
            threading.Thread(target=self._respawn, args=(worker,), daemon=True).start()

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` now (its query really stops); a new one joins once started."""
        worker.kill()

    def _respawn(self, dead: _Worker) -> None:
        dead.kill()
        dead.reap()
        delay = 0.1
        while not self._closed:
            worker = None
            try:
                worker = self._spawn()
                worker.wait_ready()
                self._join(worker)
                return
            except (StoreError, OSError, RuntimeError, concurrent.futures.TimeoutError) as error:
                if worker is not None:
                    worker.kill()
                    with self._lock:
                        self._all.discard(worker)
                log.warning("newsgraph: could not start a query worker (%s); retrying", error)
                time.sleep(delay)
                delay = min(delay * 2, 5.0)

    # -- running requests -----------------------------------------------------------------------

    async def _call(
        self, kind: str, payload: Any, timeout: float | None, hint: str | None
    ) -> Reply:
        if self._closed:
            raise StoreError("the query pool is closed")
        loop = self._loop
        limit = timeout or self.timeout
        started = loop.time()
        job = _Job(encode((kind, payload, hint)), loop.create_future())
        timer = loop.call_at(started + limit, self._expire, job)
        worker = None
        while self._idle and worker is None:
            candidate = self._idle.popleft()
            worker = candidate if candidate.alive else None
        if worker is not None:
            self._dispatch(worker, job)
        else:
            self._queue.append(job)
        try:
            status, result, generation, run = await job.answer
        except _Expired:
            if job.worker is None:
                raise QueryTimeout(
                    f"no query worker became free within the {limit:g} s time limit"
                ) from None
            raise QueryTimeout(f"query stopped after the {limit:g} s time limit") from None
        except (EOFError, OSError):
            if job.worker is not None:
                self._replace(job.worker)
            raise StoreError("a query worker failed; try again") from None
        except BaseException:  # cancelled while its worker still runs it: stop the query
            worker = job.worker
            if worker is not None and worker.protocol is not None and worker.protocol.job is job:
                self._replace(worker)
            raise
        finally:
            timer.cancel()
        if status == "error":
            raise _rebuild(*result)
        wait = (job.dispatched or started) - started
        return Reply(result, generation, wait, run, loop.time() - started)

    async def call_async(
        self, kind: str, payload: Any, timeout: float | None = None, hint: str | None = None
    ) -> Reply:
        """Run one request in a worker without blocking the event loop."""
        if asyncio.get_running_loop() is self._loop:
            return await self._call(kind, payload, timeout, hint)
        return await asyncio.wrap_future(self._submit(self._call(kind, payload, timeout, hint)))

    def _submit(self, coroutine: Coroutine[Any, Any, _T]) -> concurrent.futures.Future[_T]:
        if self._loop.is_closed():
            coroutine.close()
            raise StoreError("the query pool is closed")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    def call(
        self, kind: str, payload: Any, timeout: float | None = None, hint: str | None = None
    ) -> Reply:
        """Run one request in a worker, blocking this thread (never the home loop's thread)."""
        if self._on_home_thread():
            raise RuntimeError(
                "a blocking query on the event loop's own thread would wait for itself: "
                "await call_async(), or run the call in a thread (run_in_threadpool)"
            )
        limit = timeout or self.timeout
        future = self._submit(self._call(kind, payload, timeout, hint))
        try:
            return future.result(limit + 30)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise StoreError("the query pool did not answer") from None

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

    def _fail_waiters(self) -> None:
        while self._queue:
            job = self._queue.popleft()
            if not job.answer.done():
                job.answer.set_exception(StoreError("the query pool is closed"))
        self._idle.clear()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            if worker.process.is_alive():
                worker.process.kill()
        if self._on_home_thread():
            self._fail_waiters()
            for worker in workers:
                worker.kill()
        elif not self._loop.is_closed():
            done = concurrent.futures.Future[None]()

            def shut() -> None:
                self._fail_waiters()
                for worker in workers:
                    worker.kill()
                done.set_result(None)

            self._loop.call_soon_threadsafe(shut)
            done.result(10)
        for worker in workers:
            worker.reap()
        if self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop.close()
