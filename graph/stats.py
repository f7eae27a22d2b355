"""Store statistics: articles, entities, triples, graphs and the date range; for a store on
disk, its size and its full-text index's size beside it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.store.base import Store
from newsgraph.vocab.namespaces import Minter


def store_stats(store: Store, iris: Minter, path: Path | None = None) -> dict[str, Any]:
    """The counts and dates; with the ``path`` of a store on disk, also ``store_bytes`` (its
    files but the index's) and ``search_index_bytes`` (``STORE/search/``): see
    :func:`disk_sizes` (``tests/test_cli_formats.py``)."""
    first = last = None
    for row in store.select(queries.load("date-range")):
        first = _text(row.get("first"))
        last = _text(row.get("last"))
    return {
        "articles": store.count(queries.load("count-articles")),
        "entities": store.count(
            queries.load("count-entities"), {"graph": ox.NamedNode(iris.entities_graph)}
        ),
        "triples": store.count(queries.load("count-triples")),
        "graphs": store.count(queries.load("count-graphs")),
        "first": first,
        "last": last,
        **(disk_sizes(path) if path is not None else {}),
    }


def disk_sizes(path: Path) -> dict[str, int]:
    """Bytes on disk of a store directory and of its full-text index, each file counted once
    (a snapshot hard-links the primary's files).

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "search").mkdir(); (root / "data").mkdir()
    >>> _ = (root / "search" / "seg").write_bytes(b"x" * 10)
    >>> _ = (root / "data" / "1.sst").write_bytes(b"y" * 30)
    >>> (root / "snapshots").mkdir(); os.link(root / "data" / "1.sst", root / "snapshots" / "1.sst")
    >>> disk_sizes(root)
    {'store_bytes': 30, 'search_index_bytes': 10}
    """
    from newsgraph.search.index import DIRECTORY

    seen: set[tuple[int, int]] = set()
    sizes = {"store_bytes": 0, "search_index_bytes": 0}
    for directory, _, files in os.walk(path):
        key = (
            "search_index_bytes"
            if Path(directory).is_relative_to(path / DIRECTORY)
            else "store_bytes"
        )
        for name in files:
            try:
                status = os.stat(os.path.join(directory, name))
            except FileNotFoundError:  # removed meanwhile (a snapshot retired, a merge)
                continue
            if (status.st_dev, status.st_ino) not in seen:
                seen.add((status.st_dev, status.st_ino))
                sizes[key] += status.st_size
    return sizes


def _text(term: object) -> str | None:
    return term.value if isinstance(term, ox.Literal) else None
