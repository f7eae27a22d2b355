"""The query worker process, and the frames it exchanges with the pool over a socket pair.

A frame is an 8-byte big-endian length and a pickle. The pool sends ``(kind, payload, hint)``;
``hint`` names the snapshot generation the server saw current, so that the worker reopens the
store only when a newer one was published. The worker answers
``(status, result, generation, seconds)``: ``status`` is ``"ok"`` or ``"error"`` (then
``result`` is ``(error class name, message)``), ``generation`` the snapshot it read and
``seconds`` how long the work took. Meanwhile a thread of the worker opens each snapshot as it
is published, so that the reopening is done before the query that needs it comes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import signal
import socket
import struct
import threading
import time
from typing import TYPE_CHECKING, Any

from newsgraph.errors import NewsgraphError, StoreError

if TYPE_CHECKING:
    from newsgraph.store.embedded import EmbeddedStore

log = logging.getLogger("newsgraph.pool")

HEADER = struct.Struct("!Q")
#: Frames up to this size are sent in one write (header and body together).
_SMALL_FRAME = 64 * 1024
#: Seconds between a worker's looks for a newly published snapshot.
PREPARE_SECONDS = 0.02


def encode(message: object) -> bytes:
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(body)) + body


def send_frame(sock: socket.socket, message: object) -> None:
    """Send one frame on a blocking socket."""
    data = encode(message)
    if len(data) <= _SMALL_FRAME:
        sock.sendall(data)
    else:
        view = memoryview(data)
        for start in range(0, len(view), 1 << 20):
            sock.sendall(view[start : start + (1 << 20)])


def recv_frame(sock: socket.socket) -> Any:
    """Read one frame from a blocking socket; EOFError when the peer has gone."""
    header = _recv_exactly(sock, HEADER.size)
    (length,) = HEADER.unpack(header)
    return pickle.loads(_recv_exactly(sock, length))


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        count = sock.recv_into(view[got:], size - got)
        if not count:
            raise EOFError("the peer closed the connection")
        got += count
    return bytes(buffer)


def _answer(store: Any, kind: str, payload: Any) -> Any:
    if kind == "execute":
        return store.execute(payload)
    if kind == "select":
        query, bindings = payload
        return list(store.select(query, bindings))
    if kind == "ask":
        query, bindings = payload
        return store.ask(query, bindings)
    if kind == "construct":
        query, bindings = payload
        return list(store.construct(query, bindings))
    raise StoreError(f"unknown request {kind!r}")


def _prefer_the_server() -> None:
    """Run as a batch process: waking a worker then does not preempt the server's event loop,
    which keeps parsing requests and answering meanwhile (and a runaway query yields to it)."""
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))


def _prepare_snapshots(store: EmbeddedStore, busy: threading.Lock) -> None:
    """Open each snapshot as it is published, in the background, and read it from then on
    while no request is being answered (``busy``): the first query to read it does not wait for
    the opening, and the snapshot before is let go at once (:meth:`SnapshotReader.prepare`)."""
    seen = None
    prepared = False
    while True:
        time.sleep(PREPARE_SECONDS)
        try:
            stamp = store.snapshots.stamp()
            if stamp != seen:  # published since
                store.prepare()
                seen, prepared = stamp, True
            if prepared and busy.acquire(blocking=False):
                try:
                    store.refresh()
                    prepared = False
                finally:
                    busy.release()
        except OSError as error:  # the next query opens it, and reports what is wrong
            log.debug("could not open the newest snapshot ahead (%s)", error)


def worker_main(sock: socket.socket, store_path: str) -> None:
    """The loop of one worker process: open the newest snapshot, answer requests until EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _prefer_the_server()
    from newsgraph.store.embedded import EmbeddedStore

    sock.setblocking(True)
    store = EmbeddedStore(store_path, write=False)
    busy = threading.Lock()
    threading.Thread(
        target=_prepare_snapshots, args=(store, busy), name="prepare", daemon=True
    ).start()
    send_frame(sock, ("ready", os.getpid(), store.generation, 0.0))
    while True:
        try:
            kind, payload, hint = recv_frame(sock)
        except (EOFError, OSError):
            return
        started = time.perf_counter()
        with busy:
            if not _answer_request(sock, store, (kind, payload, hint), started):
                return


def _answer_request(
    sock: socket.socket, store: EmbeddedStore, request: tuple[str, Any, str | None], started: float
) -> bool:
    """Answer one request; whether the pool is still there to answer."""
    kind, payload, hint = request
    try:
        if hint is None or hint != store.generation:
            store.refresh()
        result = _answer(store, kind, payload)
        reply: tuple[object, ...] = ("ok", result)
    except NewsgraphError as error:
        reply = ("error", (type(error).__name__, str(error)))
    except (OSError, SyntaxError, ValueError) as error:
        reply = ("error", ("QueryError", str(error)))
    try:
        send_frame(sock, (*reply, store.generation, time.perf_counter() - started))
    except (pickle.PicklingError, TypeError) as error:
        send_frame(sock, ("error", ("StoreError", f"cannot send the result: {error}"), None, 0))
    except OSError:
        return False
    return True
