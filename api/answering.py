"""Answering a protocol query: one unit, outside the route, the same for every store.

The route parses and negotiates; :meth:`Answering.answer` does the rest and hands back what to
send: the store's version (:meth:`Store.version`) ties the answer to what the store holds; a
client that holds the current answer gets 304 (``api/caching.py`` decides, from the version's
ETag and — when the version is alone in its second — its date); an answer computed from this
version before comes from the result cache (``api/result_cache.py``); anything else is the
store's to answer (:meth:`Store.execute_async`, behind whose door the entity summaries and the
query workers are). A store that cannot name its version gets no validators and no cache: every
answer is computed.

Enforced by ``tests/test_caching.py``, ``tests/test_conditional_dates.py``,
``tests/test_result_cache.py`` and ``tests/test_summaries.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsgraph.api import caching
from newsgraph.api.middleware import timing_entry
from newsgraph.api.result_cache import Answer, ResultCache, storable
from newsgraph.settings import Settings
from newsgraph.sparql import QueryRequest
from newsgraph.store.base import Store
from newsgraph.store.snapshots import Version
from starlette.datastructures import Headers

__all__ = ["Answering", "Outcome"]

REUSED = 'cache;desc="answer reused: the store has not changed"'


@dataclass
class Outcome:
    """What to send: 304 (no body) or 200 with the answer; the headers either way."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    media_type: str | None = None


class Answering:
    """Answers the protocol queries of one app on one store."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.row_limit = settings.row_limit
        capacity = settings.result_cache_bytes
        self.cache = ResultCache(capacity) if capacity else None

    async def answer(self, request: QueryRequest, conditions: Headers | None) -> Outcome:
        """The outcome of ``request``; ``conditions`` are the headers of a conditional request
        (a GET or HEAD), None for one that is not."""
        headers = {"Vary": "Accept"}
        key = _key(request)
        current = self.store.version()
        if current is not None:
            if conditions is not None:
                headers.update(_validators(current, key))
                # A precondition counts only for a request that would succeed (RFC 9110
                # 13.2.1): a tag this server gave proves it did; `*` and dates are checked
                # once it has.
                if caching.names_tag(conditions, headers["ETag"]):
                    return Outcome(304, headers)
            hit = self.cache.get(current.tag, key) if self.cache is not None else None
            if hit is not None:
                if conditions is not None and caching.not_modified(
                    conditions, headers["ETag"], current
                ):
                    return Outcome(304, headers)
                headers["Server-Timing"] = REUSED
                return self._sent(hit, headers)
        executed = await self.store.execute_async(request)
        headers["Server-Timing"] = ", ".join(timing_entry(*entry) for entry in executed.timings)
        response = executed.response
        answer = Answer(response.body, response.media_type, response.truncated)
        version = executed.version
        if version is None:  # computed from what no version names: nothing to revalidate
            headers.pop("ETag", None)
            headers.pop("Last-Modified", None)
            return self._sent(answer, headers)
        if conditions is not None and version != current:
            headers.update(_validators(version, key))
        if self.cache is not None and storable(request.query):
            self.cache.put(version.tag, key, answer)
        if conditions is not None and caching.not_modified(conditions, headers["ETag"], version):
            return Outcome(304, headers)
        return self._sent(answer, headers)

    def _sent(self, answer: Answer, headers: dict[str, str]) -> Outcome:
        if answer.truncated:
            headers["NewsGraph-Truncated"] = "true"
            headers["NewsGraph-Row-Limit"] = str(self.row_limit)
        return Outcome(200, headers, answer.body, answer.media_type)


def _validators(version: Version, key: str) -> dict[str, str]:
    return caching.validators(caching.etag(version.tag, key), version.modified)


def _key(request: QueryRequest) -> str:
    """Everything the answer depends on besides the data (the ETag adds the version)."""
    return caching.digest(
        request.query,
        request.default_graphs,
        request.named_graphs,
        tuple(request.media_types.values()),
        request.row_limit,
        request.base_iri,
        request.allow_service,
    )
