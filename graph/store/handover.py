"""Writing a store that a running server owns: borrow its primary, write, give it back.

A command that writes an on-disk store (``ingest``, ``link``, ``load``, ``cooccur
--materialize``) while ``newsgraph serve`` owns it asks the server, over loopback and with the
token in ``STORE/server.json``, to lend it the primary database (``POST /_newsgraph/primary``).
The server closes the primary and keeps answering queries from the snapshots; the command opens
the primary as an ordinary :class:`EmbeddedStore` — the same code, the same units of writes,
the same reads (never cut at the endpoint's row limit) as with no server — and gives it back
when it closes. A borrower that dies keeps nothing: the lock on the primary goes with the
process, and the server takes it back within a second (undoing the borrower's cut unit).

Enforced by ``tests/test_handover.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx
from newsgraph.errors import StoreError
from newsgraph.store.embedded import EmbeddedStore
from newsgraph.store.server_info import ServerInfo

__all__ = ["PRIMARY_PATH", "BorrowedStore", "refusal"]

#: The server's internal route for lending the primary.
PRIMARY_PATH = "/_newsgraph/primary"
#: Lending waits for a write or a compaction under way in the server.
_LEND_TIMEOUT = 900.0


class BorrowedStore(EmbeddedStore):
    """The primary of a store that ``server`` owns, lent to this process until :meth:`close`."""

    def __init__(
        self,
        path: Path,
        server: ServerInfo,
        *,
        base: str | None = None,
        create: bool | None = None,
        what: str = "",
    ) -> None:
        self.server = server
        _ask(server, "lend")
        try:
            super().__init__(path, write=True, base=base, create=create, what=what)
        except BaseException:
            _ask(server, "return", quiet=True)
            raise

    def close(self) -> None:
        try:
            super().close()
        finally:
            _ask(self.server, "return", quiet=True)


def _ask(server: ServerInfo, action: str, *, quiet: bool = False) -> None:
    try:
        reply = httpx.post(
            server.at(PRIMARY_PATH),
            json={"action": action, "pid": os.getpid()},
            headers=server.authorization,
            timeout=_LEND_TIMEOUT,
        )
    except httpx.HTTPError as error:
        if quiet:
            return
        raise StoreError(
            f"the server at {server.url} (pid {server.pid}) owns the store but does not answer "
            f"({error}); stop it, or wait until it answers"
        ) from None
    if reply.status_code >= 400 and not quiet:
        raise StoreError(
            f"the server at {server.url} (pid {server.pid}) would not lend the store: "
            f"{refusal(reply)}"
        )


def refusal(reply: httpx.Response) -> str:
    """What the server said when it refused a request of its own command."""
    try:
        body = reply.json()
    except ValueError:
        return f"HTTP {reply.status_code}"
    message = body.get("message") if isinstance(body, dict) else None
    return str(message or f"HTTP {reply.status_code}")
