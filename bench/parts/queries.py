"""Query latency over HTTP for the named queries researchers use, p50 and p95.

newsgraph is asked through its endpoint (``newsgraph serve``); the floor runs the same query
text in-process on pyoxigraph (the store's read snapshot, no HTTP); the peer is rdflib-endpoint
over the same quads, with a time limit per request.
"""

from __future__ import annotations

import http.client
from dataclasses import dataclass

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.vocab.namespaces import SCHEMA

from bench import floor
from bench.context import Context
from bench.httpload import Endpoint, answered_from_summaries, timed_get
from bench.measure import percentile, wait_for
from bench.report import Figure

__all__ = ["QUERIES", "Probe", "peer_seconds", "probes", "run"]

MENTION_COUNTS = f"""
SELECT ?entity (COUNT(*) AS ?n) WHERE {{ ?article <{SCHEMA}mentions> ?entity }}
GROUP BY ?entity ORDER BY DESC(?n) ?entity
"""
SOME_ARTICLE = f"SELECT ?a WHERE {{ ?a a <{SCHEMA}NewsArticle> }} ORDER BY ?a LIMIT 1"


@dataclass(frozen=True)
class Probe:
    """One named query with its parameter bound: what is timed."""

    label: str
    name: str
    subject: str  # "rare", "frequent" or "article"

    def text(self, subjects: dict[str, ox.NamedNode]) -> str:
        param = next(iter(queries.get(self.name).params))
        return queries.bind(self.name, {param: subjects[self.subject]})


#: Cheapest first: the peer runs them in this order under a time limit.
QUERIES = [
    Probe("an article's description", "article-description", "article"),
    Probe("an article's RDF, as its page and IRI serve it", "article-graph", "article"),
    Probe("articles mentioning a rare entity", "entity-articles", "rare"),
    Probe("articles mentioning the most frequent entity", "entity-articles", "frequent"),
    Probe("mentions per month (most frequent entity)", "entity-mentions-per-month", "frequent"),
    Probe("co-mentioned entities (most frequent entity)", "entity-comentions", "frequent"),
]


def probes(ctx: Context) -> dict[str, ox.NamedNode]:
    """The entities and article the queries are about, found in the store itself."""
    if "subjects" not in ctx.facts:
        store = ox.Store.read_only(str(ctx.snapshot()))
        counts = [
            (row["entity"], int(row["n"].value))
            for row in store.query(MENTION_COUNTS, use_default_graph_as_union=True)  # type: ignore[union-attr]
        ]
        rarest = min(n for _, n in counts)
        article = next(iter(store.query(SOME_ARTICLE, use_default_graph_as_union=True)))["a"]  # type: ignore[call-overload]
        ctx.facts["subjects"] = {
            "frequent": counts[0][0],
            "rare": next(entity for entity, n in counts if n == rarest),
            "article": article,
        }
        ctx.facts["subject_counts"] = {"frequent": counts[0][1], "rare": rarest}
        del store
    subjects: dict[str, ox.NamedNode] = ctx.facts["subjects"]
    return subjects


def run(ctx: Context) -> list[Figure]:
    subjects = probes(ctx)
    counts = ctx.facts["subject_counts"]
    requests = ctx.options.requests
    server = ctx.newsgraph_server()
    endpoint = Endpoint(server.sparql)
    reader = ox.Store.read_only(str(ctx.snapshot()))
    summaries = _await_summaries(endpoint, QUERIES[2].text(subjects))
    figures = []
    for probe in QUERIES:
        text = probe.text(subjects)
        timed_get(endpoint, text, 2, 120)  # warm-up
        ours = timed_get(endpoint, text, requests, 120)
        base = floor.query_seconds(reader, text, requests)
        peer, note = peer_seconds(ctx, text, probe is QUERIES[-1])
        about = {
            "rare": f"{counts['rare']} mention(s)",
            "frequent": f"{counts['frequent']:,} mentions",
        }
        notes = [about.get(probe.subject, ""), note]
        if answered_from_summaries(endpoint, text):
            notes.append("answered from the entity summaries")
        elif probe.name in SUMMARISED and not summaries:
            notes.append("entity summaries not built within the wait")
        for pct in (50, 95):
            figures.append(
                Figure("queries", f"{probe.label}, p{pct}", percentile(ours, pct), "s", False,
                       (min(ours), max(ours)), percentile(base, pct),
                       percentile(peer, pct) if peer else None,
                       [n for n in notes if n] if pct == 50 else [])
            )  # fmt: skip
    del reader
    return figures


#: The named queries newsgraph may answer from its entity summaries (``graph/summaries.py``).
SUMMARISED = ("entity-articles", "entity-comentions", "entity-mentions-per-month")
#: Seconds to wait for the server to build its entity summaries after starting.
SUMMARIES_WAIT = 300.0


def _await_summaries(endpoint: Endpoint, query: str) -> bool:
    """Wait until the server answers ``query`` from its entity summaries, which it builds in
    the background after starting, so that no figure mixes answers from before and after."""
    try:
        wait_for(lambda: answered_from_summaries(endpoint, query), SUMMARIES_WAIT, "summaries")
    except TimeoutError:
        return False
    return True


def peer_seconds(
    ctx: Context, text: str, last: bool, count: int | None = None
) -> tuple[list[float], str]:
    """The peer's seconds for ``count`` requests of ``text`` (default: up to 5), and a note;
    no seconds when it is not running or over the time limit (then restarted unless ``last``)."""
    server = ctx.peer_server()
    if server is None:
        return [], ctx.facts.get("peer_failed", "peer not run")
    limit = ctx.options.peer_limit
    count = count or min(ctx.options.requests, 5)
    try:
        return timed_get(Endpoint(server.sparql), text, count, limit), f"peer: {count} requests"
    except TimeoutError:
        if not last:  # the peer keeps computing the abandoned query: start it afresh
            ctx.restart_peer()
        return [], f"peer: over the {limit:.0f} s limit"
    except (RuntimeError, http.client.HTTPException, OSError) as error:
        return [], f"peer failed: {str(error)[:80]}"
