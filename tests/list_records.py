"""A corpus for the list pages and the network page, built in code: more than a page of entities.

- :data:`ENTITIES` entities with distinct names (distinct ignoring case too), some of which
  contain "kaz" at different places and in different cases; entity ``i`` is mentioned by
  ``1 + 7 * i % 13`` articles, so counts tie often and the order by count needs its tie-break;
- every article also mentions :data:`HUB` (entity 0), and each mentions several others, so the
  co-occurrence network is dense: a star around the hub, with more names than room for them;
- each article is about one of four topics and comes from one of three publishers.

The oracles (:func:`articles_per_entity`, :func:`articles_per_value`) are computed from the
records, not from the store.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from tests.conftest import record, write_jsonl

ENTITIES = 130
ARTICLES = 220
SYLLABLES = ("kaz", "mor", "tel", "ran", "vi", "son", "del", "pra", "quo", "nix", "bel", "tor")
KINDS = ("Group", "Party", "Bank", "Union", "Council")


def entity_name(index: int) -> str:
    first = SYLLABLES[index % len(SYLLABLES)]
    second = SYLLABLES[(index // len(SYLLABLES)) % len(SYLLABLES)]
    return f"{(second + first).capitalize()} {KINDS[index % len(KINDS)]}"


def mentions(index: int) -> int:
    """How many articles mention entity ``index`` besides the hub's mentions in all of them."""
    return 1 + 7 * index % 13


HUB = entity_name(0)


def list_records() -> list[dict[str, Any]]:
    by_article: dict[int, list[str]] = defaultdict(list)
    for index in range(1, ENTITIES):
        for copy in range(mentions(index)):
            by_article[(index + copy * 17) % ARTICLES].append(entity_name(index))
    return [
        record(
            f"list-{article}",
            title=f"Story {article}",
            published_at=f"2026-0{1 + article % 6}-{1 + article % 27:02d}T12:00:00+00:00",
            url=f"https://host{article % 3}.example.org/list-{article}",
            topics=[f"subject {article % 4}"],
            entities=[HUB, *names],
        )
        for article, names in sorted(by_article.items())
    ]


def write_list_records(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    return write_jsonl(directory / "lists.jsonl", list_records())


def articles_per_value(records: list[dict[str, Any]], field: str) -> dict[str, int]:
    """How many of ``records`` carry each value of the list ``field``."""
    counts: dict[str, int] = defaultdict(int)
    for one in records:
        for value in set(one[field]):
            counts[value] += 1
    return dict(counts)


def articles_per_entity() -> dict[str, int]:
    return articles_per_value(list_records(), "entities")
