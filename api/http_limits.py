"""Limits on a request before it reaches the app: its head must be small and arrive in time.

* a head (request line and headers) over :data:`HEAD_BYTES` is answered ``431`` and the
  connection closed;
* a head not complete within ``NEWSGRAPH_REQUEST_TIMEOUT`` seconds of its first byte (or of the
  connection, for the first request) is answered ``408`` and the connection closed. Idle
  keep-alive connections are closed by uvicorn itself (``timeout_keep_alive``).

A refused connection is closed the way the answer reaches the client: the server ends its side
(``write_eof``) and reads and drops what the client still sends, until the client closes or
:data:`LINGER_SECONDS` pass. Closing at once with unread bytes in the socket sends a reset in
place of the end of stream, and a client still sending its head reads "connection reset" where
the 431 should be (``test_a_client_still_sending_reads_the_431_whole`` and its control).

The body has the same time limit, and a size limit, enforced by the app where it is read
(:func:`api.protocol.read_body`): after the head, public ASGI is enough.

Why uvicorn's internal protocol class, and only for the head: none of uvicorn's options bounds
the time a head takes (``timeout_keep_alive`` runs only between requests, and any byte stops
it), and its httptools protocol bounds no header at all (a client sending a header of a hundred
megabytes stalls every other request for seconds: the parser joins the partial value again on
every read). The h11 protocol with ``h11_max_incomplete_event_size`` answers an oversized head
``400``, not ``431``. Served with those options alone, this module's tests fail: the large head
gets ``400``, and a head that never ends, or a connection that sends nothing, is held for as
long as the client likes (the control test shows both against uvicorn alone). So this protocol
is uvicorn's httptools one, passed as ``uvicorn.Config(http=…)``, and it extends no more of it
than the asyncio protocol methods (``connection_made``, ``data_received``, ``connection_lost``)
and the two httptools parser callbacks that mark where a head starts and ends
(``on_message_begin``, ``on_headers_complete``; uvicorn's protocol is its parser's callback
object). ``test_the_uvicorn_hooks_it_builds_on_are_there`` fails if uvicorn moves them; the
keep-alive tests, if they stop being called.

Enforced by ``tests/test_http_limits.py`` (raw sockets against a real server).
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["HEAD_BYTES", "LINGER_SECONDS", "BoundedHttpToolsProtocol", "bounded_protocol"]

#: The largest request head accepted (the request line alone is bounded at 64 KiB already).
HEAD_BYTES = 64 * 1024
#: How long a refused connection drops what the client still sends before it is closed.
LINGER_SECONDS = 2.0

_RESPONSES = {
    408: b"HTTP/1.1 408 Request Timeout\r\n",
    431: b"HTTP/1.1 431 Request Header Fields Too Large\r\n",
}


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with the request head bounded in size and in time."""

    head_timeout = 20.0
    #: How long a refused connection drops what the client still sends (0: closed at once).
    linger_seconds = LINGER_SECONDS

    # Per-connection state: class defaults, set on the instance once it changes, so that
    # uvicorn's constructor is not overridden.
    _channel: asyncio.Transport | None = None
    _in_head = True
    _head_bytes = 0
    _head_clock: asyncio.TimerHandle | None = None
    _refused = False
    _linger: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._channel = transport
        super().connection_made(transport)
        self._start_head_clock()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_clock()
        if self._linger is not None:
            self._linger.cancel()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # answered already: dropped until the client closes or the linger ends
        if (
            self._in_head
            and self._head_bytes + len(data) > HEAD_BYTES
            and not self._ends_head(data)
        ):
            self._refuse(431, f"the request head is over {HEAD_BYTES:,} bytes")
            return
        super().data_received(data)
        if self._in_head:
            self._head_bytes += len(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._head_bytes = 0
        self._start_head_clock()

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._stop_head_clock()
        super().on_headers_complete()

    def _ends_head(self, data: bytes) -> bool:
        """Whether the head ends within ``data`` before the limit (a body may follow it)."""
        end = data.find(b"\r\n\r\n")
        return end >= 0 and self._head_bytes + end + 4 <= HEAD_BYTES

    def _start_head_clock(self) -> None:
        self._stop_head_clock()
        self._head_clock = asyncio.get_running_loop().call_later(
            self.head_timeout, self._head_too_slow
        )

    def _stop_head_clock(self) -> None:
        if self._head_clock is not None:
            self._head_clock.cancel()
            self._head_clock = None

    def _head_too_slow(self) -> None:
        self._head_clock = None
        if self._in_head and self._channel is not None and not self._channel.is_closing():
            self._refuse(408, f"the request head took over {self.head_timeout:g} s to arrive")

    def _refuse(self, status: int, message: str) -> None:
        assert self._channel is not None  # data comes only after connection_made
        body = message.encode("ascii")
        self._channel.write(
            _RESPONSES[status]
            + b"content-type: text/plain; charset=utf-8\r\n"
            + b"content-length: %d\r\nconnection: close\r\n\r\n" % len(body)
            + body
        )
        self._refused = True
        self._in_head = False
        self._stop_head_clock()
        if self.linger_seconds > 0 and self._channel.can_write_eof():
            self._channel.write_eof()  # sent after the answer; the client's EOF closes the rest
            self._linger = asyncio.get_running_loop().call_later(
                self.linger_seconds, self._channel.close
            )
        else:
            self._channel.close()


def bounded_protocol(
    head_timeout: float, linger_seconds: float = LINGER_SECONDS
) -> type[BoundedHttpToolsProtocol]:
    """The protocol class for ``uvicorn.Config(http=…)``, with this head timeout and linger."""
    return type(
        "BoundedHttpToolsProtocol",
        (BoundedHttpToolsProtocol,),
        {"head_timeout": head_timeout, "linger_seconds": linger_seconds},
    )
