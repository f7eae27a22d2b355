"""Answers of recent queries, kept until the store changes.

An answer depends on the query, its dataset and format, the limits — and the snapshot it was
computed from. Keyed by all of these (the same key as the response's ETag), a stored answer is
exactly what running the query again would give, until the next write publishes a new snapshot
generation; the cache is emptied as soon as the endpoint sees one. Queries whose answer may
differ between two runs on the same data (NOW, RAND, UUID, STRUUID, BNODE) or that read another
endpoint (SERVICE) are never stored. The cache holds at most ``capacity`` bytes of bodies, least
recently used first out; a single answer over a sixteenth of that is not kept.

>>> cache = ResultCache(1000)
>>> cache.put("gen1", "key", Answer(b"x" * 10, "text/csv", False))
>>> cache.get("gen1", "key").body, cache.get("gen2", "key")
(b'xxxxxxxxxx', None)
>>> storable("SELECT (NOW() AS ?t) {}"), storable("SELECT ?s { ?s ?p 'now' }")
(False, True)
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from graph import sparqltext

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
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.largest = capacity // 16
        self.generation: str | None = None
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._answers: OrderedDict[str, Answer] = OrderedDict()

    def _follow(self, generation: str) -> None:
        if generation != self.generation:
            self._answers.clear()
            self.size = 0
            self.generation = generation

    def get(self, generation: str, key: str) -> Answer | None:
        self._follow(generation)
        answer = self._answers.get(key)
        if answer is None:
            self.misses += 1
            return None
        self._answers.move_to_end(key)
        self.hits += 1
        return answer

    def put(self, generation: str, key: str, answer: Answer) -> None:
        if not self.capacity or len(answer.body) > self.largest:
            return
        self._follow(generation)
        previous = self._answers.pop(key, None)
        if previous is not None:
            self.size -= len(previous.body)
        self._answers[key] = answer
        self.size += len(answer.body)
        while self.size > self.capacity:
            _, evicted = self._answers.popitem(last=False)
            self.size -= len(evicted.body)
