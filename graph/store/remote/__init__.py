"""A store behind any SPARQL 1.1 server (Oxigraph server, Virtuoso, GraphDB, Neptune, QLever…).

Modules, from the wire up: :mod:`auth` (credentials, Basic/Digest/bearer, redaction),
:mod:`retry` (tenacity's backoff for idempotent requests), :mod:`http` (one httpx client for
every request), :mod:`answers` (reading results), :mod:`dialects` (what differs per server),
:mod:`server` (endpoints and probing), :mod:`writes` and :mod:`transfer` (batched graph
replacement, bulk loads, dumps), :mod:`store` (the :class:`RemoteStore` itself).

Also used locally to hand writes to a running ``newsgraph serve`` that owns an embedded store.
See docs/REMOTE.md.
"""

from __future__ import annotations

from newsgraph.store.remote.store import RemoteStore, bind

__all__ = ["RemoteStore", "bind"]
