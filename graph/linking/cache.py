"""The linking cache: what linking knows of each article, kept beside the store.

The store-wide pass needs every article's entity names, the acronyms its text defines and its
text's name spans (:class:`~graph.linking.evidence.Evidence`), and which entity links it holds
now. Reading those back from the store costs more than all the rest of linking, so ingest
keeps them here, in SQLite (``STORE/linking/cache.sqlite``), as it writes each article.

It is a cache, never the truth:

* evidence is keyed by the article's record digest; an article whose stored digest differs
  (or that the cache lacks) is read back from the store;
* what the cache believes each article's links to be, and what it believes the entities graph
  holds, is trusted only when the last pass ended cleanly on exactly the store's current
  records (:attr:`LinkingCache.stamp`); otherwise the links are read back from the store and
  the entities graph is written whole.

Deleting the directory costs one slow pass; it never changes a result. A remote store (a URL)
gets an in-memory cache that lasts one run.
"""

from __future__ import annotations

import contextlib
import fcntl
import marshal
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

__all__ = ["FORMAT", "LinkingCache", "Links"]

#: Bump when what the cache holds, or how evidence is computed, changes.
FORMAT = "newsgraph-linking-1"
#: (mention IRIs, found-in-text IRIs), both sorted.
Links = tuple[tuple[str, ...], tuple[str, ...]]

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS article (
    iri TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    names BLOB NOT NULL,
    spans BLOB NOT NULL,
    links BLOB
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entity (
    iri TEXT PRIMARY KEY,
    digest TEXT NOT NULL,
    links INTEGER NOT NULL
) WITHOUT ROWID;
"""


def encode_links(links: Links) -> bytes:
    return marshal.dumps(links)


def decode_links(data: bytes | None) -> Links | None:
    return None if data is None else marshal.loads(data)


class LinkingCache:
    """One store's linking cache (``directory`` None: in memory, for one run)."""

    def __init__(self, directory: Path | None, fingerprint: str) -> None:
        self.directory = directory
        self._lock: IO[str] | None = None
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
            self._lock = open(directory / "lock", "a+")  # noqa: SIM115 - held for the run
            fcntl.flock(self._lock, fcntl.LOCK_EX)  # one linking run at a time
            target = str(directory / "cache.sqlite")
        else:
            target = ":memory:"
        self.db = sqlite3.connect(target, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(_TABLES)
        if self.meta("format") != f"{FORMAT} {fingerprint}":
            with self.transaction():
                self.db.execute("DELETE FROM article")
                self.db.execute("DELETE FROM entity")
                self.db.execute("DELETE FROM meta")
                self.set_meta("format", f"{FORMAT} {fingerprint}")

    # -- state -----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @property
    def stamp(self) -> str | None:
        """The records the last pass linked (see :func:`graph.linking.stamp`), or None when no
        pass has ended cleanly since the cache last changed."""
        return self.meta("stamp") if self.meta("state") == "clean" else None

    def begin(self) -> None:
        """Mark the cache as changing: until :meth:`end`, its beliefs are not to be trusted."""
        with self.transaction():
            self.set_meta("state", "running")

    def end(self, stamp: str, entities: int) -> None:
        with self.transaction():
            self.set_meta("stamp", stamp)
            self.set_meta("entities", str(entities))
            self.set_meta("state", "clean")

    def forget_links(self) -> None:
        """Drop every belief about what the store holds (the store is read instead)."""
        with self.transaction():
            self.db.execute("UPDATE article SET links = NULL")
            self.db.execute("DELETE FROM entity")

    # -- articles --------------------------------------------------------------------------------

    def put(self, rows: Iterable[tuple[str, str, bytes, bytes]], links: Links | None) -> None:
        """Store (iri, hash, names, spans) rows with ``links`` (None: unknown)."""
        data = None if links is None else encode_links(links)
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO article VALUES (?, ?, ?, ?, ?)",
                ((iri, digest, names, spans, data) for iri, digest, names, spans in rows),
            )

    def keep(self, rows: Iterable[tuple[str, str, bytes, bytes]]) -> None:
        """Store (iri, hash, names, spans) rows the cache lacks or holds for another hash
        (their links unknown); leave the others as they are."""
        with self.transaction():
            self.db.executemany(
                "INSERT INTO article VALUES (?, ?, ?, ?, NULL) ON CONFLICT (iri) DO UPDATE SET "
                "hash = excluded.hash, names = excluded.names, spans = excluded.spans, "
                "links = NULL WHERE article.hash != excluded.hash",
                rows,
            )

    def articles(self) -> Iterator[tuple[str, str, bytes, bytes | None]]:
        """(iri, hash, names, links) of every article, in IRI order."""
        return iter(self.db.execute("SELECT iri, hash, names, links FROM article ORDER BY iri"))

    def spans(self) -> Iterator[tuple[str, bytes]]:
        """(iri, spans) of every article, in IRI order."""
        return iter(self.db.execute("SELECT iri, spans FROM article ORDER BY iri"))

    def hashes(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT iri, hash FROM article"))

    def set_links(self, rows: Iterable[tuple[str, Links]]) -> None:
        with self.transaction():
            self.db.executemany(
                "UPDATE article SET links = ? WHERE iri = ?",
                ((encode_links(links), iri) for iri, links in rows),
            )

    def delete(self, iris: Iterable[str]) -> None:
        with self.transaction():
            self.db.executemany("DELETE FROM article WHERE iri = ?", ((iri,) for iri in iris))

    # -- entities --------------------------------------------------------------------------------

    def entities(self) -> dict[str, tuple[str, int]]:
        """entity IRI → (digest of its description, how many name links it has)."""
        return {
            iri: (digest, links) for iri, digest, links in self.db.execute("SELECT * FROM entity")
        }

    def set_entities(self, changed: Iterable[tuple[str, str, int]], removed: Iterable[str]) -> None:
        with self.transaction():
            self.db.executemany("DELETE FROM entity WHERE iri = ?", ((iri,) for iri in removed))
            self.db.executemany("INSERT OR REPLACE INTO entity VALUES (?, ?, ?)", changed)

    def close(self) -> None:
        self.db.close()
        if self._lock is not None:
            self._lock.close()
            self._lock = None
