"""What the last linking pass left each article linked to, kept where one article is found
without reading the others: an SQLite table in the linking cache (``links.sqlite``).

A store-wide pass rewrites the table whole; an incremental pass (a batch into a linked store)
reads and replaces only the rows of the articles it looked at. Writes are one SQLite
transaction, committed by :meth:`BeliefWriter.commit` (a pass cut short leaves the table as the
last pass left it — and the cache's state says whether that pass ended cleanly). Enforced by
``tests/test_linking_pass.py`` and ``tests/test_trickle_invariance.py``.
"""

from __future__ import annotations

import marshal
import sqlite3
from collections.abc import Collection
from pathlib import Path

__all__ = ["BeliefWriter", "Beliefs", "Links"]

#: (mention IRIs, found-in-text IRIs), both sorted.
Links = tuple[tuple[str, ...], tuple[str, ...]]
#: Rows per write, and article IRIs per look-up.
_CHUNK = 10_000
_LOOKUP = 500


class Beliefs:
    """The table of one cache directory."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "links.sqlite"
        self._db: sqlite3.Connection | None = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = sqlite3.connect(self.path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS links (iri TEXT PRIMARY KEY, digest TEXT, links BLOB)"
            )
        return self._db

    def all(self) -> dict[str, tuple[str, Links]]:
        """iri → (record digest, links), for every article the table holds."""
        return {
            iri: (digest, marshal.loads(links))
            for iri, digest, links in self.db.execute("SELECT iri, digest, links FROM links")
        }

    def of(self, iris: Collection[str]) -> dict[str, tuple[str, Links]]:
        """The same, for ``iris`` only."""
        found: dict[str, tuple[str, Links]] = {}
        ordered = list(iris)
        for start in range(0, len(ordered), _LOOKUP):
            chunk = ordered[start : start + _LOOKUP]
            marks = ",".join("?" * len(chunk))
            for iri, digest, links in self.db.execute(
                f"SELECT iri, digest, links FROM links WHERE iri IN ({marks})",
                chunk,
            ):
                found[iri] = (digest, marshal.loads(links))
        return found

    def writer(self, *, whole: bool) -> BeliefWriter:
        """Where a pass writes its beliefs: ``whole`` replaces the table, else rows are replaced
        one by one."""
        return BeliefWriter(self.db, whole=whole)

    def forget(self) -> None:
        self.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class BeliefWriter:
    """One pass's beliefs, written in one SQLite transaction."""

    def __init__(self, db: sqlite3.Connection, *, whole: bool) -> None:
        self.db = db
        self.db.execute("BEGIN")
        if whole:
            self.db.execute("DELETE FROM links")
        self._rows: list[tuple[str, str, bytes]] = []

    def add(self, iri: str, digest: str, links: Links) -> None:
        self._rows.append((iri, digest, marshal.dumps(links)))
        if len(self._rows) >= _CHUNK:
            self._write()

    def _write(self) -> None:
        if self._rows:
            self.db.executemany("INSERT OR REPLACE INTO links VALUES (?, ?, ?)", self._rows)
            self._rows = []

    def commit(self) -> None:
        self._write()
        self.db.execute("COMMIT")

    def discard(self) -> None:
        self._rows = []
        self.db.execute("ROLLBACK")
