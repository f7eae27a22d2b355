"""Answers of recent queries, kept until the store changes.

An answer depends on the query, its dataset and format, the limits — and the snapshot it was
computed from. Keyed by all of these (the same key as the response's ETag), a stored answer is
exactly what running the query again would give, until the next write publishes a new snapshot
generation; the cache is emptied as soon as the endpoint sees one. Queries whose answer may
differ between two runs on the same data (NOW, RAND, UUID, STRUUID, BNODE) or that read another
endpoint (SERVICE) are never stored. The cache holds at most ``capacity`` bytes of bodies, least
recently used first out (a :class:`cachetools.LRUCache` sized by body length); a single answer
over a sixteenth of that is not kept. tests/test_result_cache.py checks the eviction order, the
budget and the emptying, then the endpoint's use of it on a real server.

>>> cache = ResultCache(1000)
>>> cache.put("gen1", "key", Answer(b"x" * 10, "text/csv", False))
>>> cache.get("gen1", "key").body, cache.get("gen2", "key")
(b'xxxxxxxxxx', None)
>>> storable("SELECT (NOW() AS ?t) {}"), storable("SELECT ?s { ?s ?p 'now' }")
(False, True)
"""

from __future__ import annotations

from dataclasses import dataclass

from cachetools import LRUCache
from newsgraph.sparql import sparqltext

__all__ = ["Answer", "ResultCache", "storable"]

VOLATILE = ("NOW", "RAND", "UUID", "STRUUID", "BNODE", "SERVICE")


@dataclass(frozen=True)
class Answer:
    body: bytes
    media_type: str
    truncated: bool


def storable(query: str) -> bool:
    """Whether the query's answer is fixed by the data alone."""
    return not sparqltext.keywords_among(query, VOLATILE)


class ResultCache:
    """Answers of one snapshot generation, at most ``capacity`` bytes of bodies."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.largest = capacity // 16
        self.generation: str | None = None
        self.hits = 0
        self.misses = 0
        self._answers: LRUCache[str, Answer] = LRUCache(capacity, getsizeof=_body_size)

    @property
    def size(self) -> int:
        """The bytes of bodies held."""
        return int(self._answers.currsize)

    def _follow(self, generation: str) -> None:
        if generation != self.generation:
            self._answers.clear()
            self.generation = generation

    def get(self, generation: str, key: str) -> Answer | None:
        self._follow(generation)
        answer = self._answers.get(key)
        if answer is None:
            self.misses += 1
        else:
            self.hits += 1
        return answer

    def put(self, generation: str, key: str, answer: Answer) -> None:
        if not self.capacity or len(answer.body) > self.largest:
            return
        self._follow(generation)
        self._answers[key] = answer


def _body_size(answer: Answer) -> int:
    return len(answer.body)
