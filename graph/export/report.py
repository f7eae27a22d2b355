"""Which of Google's Article recommendations an exported document misses.

Google recommends, for article pages: ``headline``, ``image``, ``datePublished``,
``dateModified``, ``author`` (each with ``name`` and ``url``) and ``publisher`` (with ``name``).
The export writes what the graph has and invents nothing; this module says what is absent, so
that a publisher knows which data to add.

>>> missing({"headline": "H", "datePublished": "2026-01-02T00:00:00Z",
...          "author": {"@type": "Person", "name": "A"}})
['image', 'dateModified', 'author.url', 'publisher']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["RECOMMENDED", "missing", "tally"]

#: Google's recommended Article properties, in the order they are reported.
RECOMMENDED = (
    "headline",
    "image",
    "datePublished",
    "dateModified",
    "author",
    "author.name",
    "author.url",
    "publisher",
    "publisher.name",
)


def _nodes(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _all_have(nodes: list[Any], key: str) -> bool:
    return all(isinstance(node, dict) and node.get(key) for node in nodes)


def missing(document: Mapping[str, Any]) -> list[str]:
    """The recommended properties the document lacks, in :data:`RECOMMENDED` order."""
    absent = [key for key in ("headline", "image", "datePublished", "dateModified")
              if not document.get(key)]  # fmt: skip
    for role in ("author", "publisher"):
        value = document.get(role)
        if not value:
            absent.append(role)
            continue
        nodes = _nodes(value)
        if not _all_have(nodes, "name"):
            absent.append(f"{role}.name")
        if role == "author" and not _all_have(nodes, "url"):
            absent.append("author.url")
    return sorted(absent, key=RECOMMENDED.index)


def tally(reports: Iterable[list[str]]) -> Counter[str]:
    """How many articles miss each recommended property."""
    counts: Counter[str] = Counter()
    for absent in reports:
        counts.update(absent)
    return counts
