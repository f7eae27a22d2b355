"""Server memory: the peak resident memory of ``newsgraph serve`` (with its query workers).

Sampled from the server's start through every part that used it in this run (queries,
throughput); run alone, it is the memory of the server idle with the store open. The peer's
figure is rdflib-endpoint's, holding the same quads in memory.
"""

from __future__ import annotations

from bench.context import Context
from bench.report import Figure

__all__ = ["run"]


def run(ctx: Context) -> list[Figure]:
    ours = ctx.newsgraph_server().memory.peak
    peer = ctx.peer_server()
    notes = ["server and its query workers, peak over the whole run"]
    if peer is None:
        notes.append(ctx.facts.get("peer_failed", "peer not run"))
    return [
        Figure("memory", "server peak memory (process tree)", float(ours), "bytes", False,
               floor=None, peer=float(peer.memory.peak) if peer else None, notes=notes)
    ]  # fmt: skip
