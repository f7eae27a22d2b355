"""A small deterministic corpus for the co-occurrence tests, and an independent count.

The independent count reads the store's N-Quads dump with rdflib and counts, in plain Python,
straight from the ``schema:mentions`` and ``schema:datePublished`` triples — no newsgraph
counting code, no SPARQL — so the tests compare two computations that share nothing.
"""

from __future__ import annotations

import io
import math
from collections import Counter, defaultdict
from datetime import datetime
from itertools import combinations
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from newsgraph.store.base import Store
from rdflib import Dataset, Literal, URIRef

from tests.conftest import record

SCHEMA = "http://schema.org/"
NAMES = ["Kazakhstan", "Council of Europe", "Venice Commission", "Astana", "Tokayev",
         "European Union", "Russia", "United Nations", "Black Sea"]  # fmt: skip


def corpus() -> list[dict[str, Any]]:
    """36 records over six months of 2025, with topics and a date in another time zone.

    Kazakhstan is in every article of the topic ``politics``; other entities come and go by a
    fixed rule, so every count is known in advance and the same on every run.
    """
    records = []
    for index in range(36):
        month = 1 + index % 6
        day = 1 + (index * 7) % 27
        names = [NAMES[0]] if index % 3 else []
        names += [NAMES[1 + (index * k) % 8] for k in (1, 2, 5) if (index + k) % 4]
        topics = ["politics"] if index % 3 else ["energy"]
        records.append(
            record(
                f"c{index:02d}",
                published_at=f"2025-{month:02d}-{day:02d}T10:00:00Z",
                entities=list(dict.fromkeys(names)),
                topics=topics,
            )
        )
    # Local time 31 March 23:30 at -02:00 is 1 April 01:30 UTC: a window boundary case.
    records.append(record("late", published_at="2025-03-31T23:30:00-02:00",
                          entities=["Russia", "Black Sea"], topics=["energy"]))  # fmt: skip
    records.append(record("alone", published_at="2025-02-10T09:00:00Z",
                          entities=["Tokayev"], topics=["politics"]))  # fmt: skip
    records.append(record("none", published_at="2025-02-11T09:00:00Z", entities=[]))
    return records


def dataset(store: Store) -> Dataset:
    buffer = io.BytesIO()
    store.dump(buffer, ox.RdfFormat.N_QUADS)
    graph = Dataset()
    graph.parse(data=buffer.getvalue(), format="nquads")
    return graph


def independent_counts(
    store: Store | Dataset,
    since: datetime | None = None,
    until: datetime | None = None,
    topic: str | None = None,
) -> tuple[int, Counter[str], Counter[tuple[str, str]]]:
    """N, n_x and n_xy straight from the quads, for the articles published in [since, until]."""
    graph = store if isinstance(store, Dataset) else dataset(store)
    mentions: dict[str, set[str]] = defaultdict(set)
    dates: dict[str, list[datetime]] = defaultdict(list)
    topics: dict[str, set[str]] = defaultdict(set)
    for s, _p, o, _g in graph.quads((None, URIRef(SCHEMA + "mentions"), None, None)):
        mentions[str(s)].add(str(o))
    for s, _p, o, _g in graph.quads((None, URIRef(SCHEMA + "datePublished"), None, None)):
        assert isinstance(o, Literal)
        dates[str(s)].append(o.toPython())
    for s, _p, o, _g in graph.quads((None, URIRef(SCHEMA + "about"), None, None)):
        topics[str(s)].add(str(o))
    n = 0
    singles: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for article, entities in mentions.items():
        if since and not any(d >= since for d in dates[article]):
            continue
        if until and not any(d <= until for d in dates[article]):
            continue
        if topic and topic not in topics[article]:
            continue
        n += 1
        singles.update(entities)
        pairs.update(combinations(sorted(entities), 2))
    return n, singles, pairs


def expected_npmi(n_xy: int, n_x: int, n_y: int, n: int) -> float:
    """The issue's definition, written out again for the check."""
    p_xy, p_x, p_y = n_xy / n, n_x / n, n_y / n
    if p_xy == 1:
        return 1.0
    return math.log(p_xy / (p_x * p_y)) / -math.log(p_xy)


def write_corpus(path: Path, records: list[dict[str, Any]]) -> Path:
    from tests.conftest import write_jsonl

    return write_jsonl(path, records)


def build_store(root: Path) -> Path:
    """Ingest :func:`corpus` into a new embedded store under ``root``; return its directory."""
    from newsgraph.ingest import ingest
    from newsgraph.settings import Settings
    from newsgraph.store import EmbeddedStore

    from tests.conftest import BASE

    settings = Settings(store=str(root / "store"), base=BASE)
    path = write_corpus(root / "corpus.jsonl", corpus())
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as opened:
        ingest([str(path)], opened, settings)
    return settings.store_path
