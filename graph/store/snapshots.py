"""Read snapshots of an on-disk store.

Only one process may open an Oxigraph directory for writing, and opening it read-only while
another writes is undefined behaviour. So the writer publishes a snapshot after every unit of writes —
a RocksDB checkpoint, made of hard links, in a few milliseconds — and every reader (the
server's query workers, a CLI query while an ingest runs) opens the newest snapshot read-only.

Layout under ``STORE/snapshots``: one directory per generation (``000042``), a lock file beside
each (``000042.lock``: readers hold a shared lock while they use it; it is made when the snapshot
is published, and holds when the one before was published) and ``CURRENT`` naming the newest. A
snapshot is deleted once it is not the newest and nobody holds its lock.

A :class:`Version` is what the store's interface says of a snapshot (:meth:`Store.version`): a
token unique across rebuilds of the store, when it was published, and whether it was the only
one published in its whole second (then a date names it: ``api/caching.py``).
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from cachetools import LRUCache
from newsgraph.store import changes
from newsgraph.store.changes import Changes

__all__ = ["SnapshotReader", "Snapshots", "Version", "VersionWatch"]


@dataclass(frozen=True)
class Version:
    """One published snapshot of a store."""

    name: str
    #: Unique across rebuilds of the store at one path (the name and its publication time).
    tag: str
    #: When it was published (seconds since the epoch).
    modified: float
    #: Whether no other snapshot was published in the same whole second: the one before it was
    #: published in an earlier second, or there is none (False when that is not known).
    alone: bool


class Snapshots:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._current_path = str(root / "CURRENT")  # stat on every request: made once

    @property
    def current_file(self) -> Path:
        return self.root / "CURRENT"

    def stamp(self) -> tuple[int, int] | None:
        """What tells one publication from the next, in one ``stat`` (``CURRENT``'s inode and
        time, which every publish replaces): the servers' watches look for a change in it."""
        try:
            status = os.stat(self._current_path)
        except FileNotFoundError:
            return None
        return status.st_ino, status.st_mtime_ns

    def current(self) -> str | None:
        """The newest generation's name, or None when no snapshot was published."""
        try:
            name = self.current_file.read_text().strip()
        except FileNotFoundError:
            return None
        return name or None

    def publish(
        self, store: ox.Store, noted: tuple[str | None, Changes | None] | None = None
    ) -> str:
        """Checkpoint ``store`` as the next generation and make it current; ``noted``: the
        snapshot the unit started from and what it changed (:mod:`graph.store.changes`),
        written beside the new one before it becomes current."""
        self.root.mkdir(parents=True, exist_ok=True)
        previous = self.current()
        generation = int(previous) + 1 if previous else 1
        while (self.root / f"{generation:06d}").exists():
            generation += 1
        name = f"{generation:06d}"
        store.flush()
        store.backup(str(self.root / name))
        before = _published_ns(self.root / f"{previous}.lock") if previous else None
        (self.root / f"{name}.lock").write_text(json.dumps({"previous_ns": before}))
        if noted is not None:
            changes.note(self.root, name, *noted)
        temporary = self.root / "CURRENT.tmp"
        temporary.write_text(name)
        os.replace(temporary, self.current_file)
        self.collect()
        return name

    def version(self, name: str | None) -> Version | None:
        """The :class:`Version` of the snapshot called ``name`` (None: none, or collected)."""
        if name is None:
            return None
        lock = self.root / f"{name}.lock"
        published = _published_ns(lock)
        if published is None:
            return None
        try:
            noted = json.loads(lock.read_text() or "{}")
        except (OSError, ValueError):
            noted = {}
        alone = False
        if isinstance(noted, dict) and "previous_ns" in noted:
            before = noted["previous_ns"]
            alone = before is None or math.floor(before / 1e9) < math.floor(published / 1e9)
        return Version(name, f"{name}.{published:x}", published / 1e9, alone)

    def collect(self) -> None:
        """Delete snapshots that are not current and that no reader holds."""
        current = self.current()
        for path in self.root.iterdir():
            if not path.is_dir() or path.name == current:
                continue
            lock = self.root / f"{path.name}.lock"
            try:
                handle = open(lock, "a+")  # noqa: SIM115
            except OSError:
                continue
            with handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                shutil.rmtree(path, ignore_errors=True)
                lock.unlink(missing_ok=True)


class SnapshotReader:
    """Holds the newest snapshot open read-only and follows newer ones on :meth:`refresh`.

    Another thread may :meth:`prepare` the newest snapshot ahead of the reader's next
    :meth:`refresh`, which then only swaps it in: a query worker does so as soon as a snapshot
    is published, so that the first query after a write does not wait for the opening (tens of
    milliseconds, over a hundred just after a compaction; ``tests/test_summaries_follow.py``)."""

    def __init__(self, snapshots: Snapshots) -> None:
        self.snapshots = snapshots
        self.name: str | None = None
        self.store: ox.Store | None = None
        self._lock: object | None = None
        self._guard = threading.Lock()
        #: The newest snapshot, opened by :meth:`prepare` and not yet swapped in.
        self._prepared: tuple[str, ox.Store, object] | None = None

    def refresh(self) -> ox.Store | None:
        """The newest snapshot's store (reopened when a newer one exists), or None if none."""
        for _ in range(5):
            newest = self.snapshots.current()
            if newest is None:
                return None
            if newest == self.name and self.store is not None:
                return self.store
            opened = self._take_prepared(newest) or self._open(newest)
            if opened is None:  # collected between reading CURRENT and locking it
                continue
            self.close()
            self.name, self.store, self._lock = opened
            return self.store
        raise OSError("the store's snapshots keep changing; try again")

    def prepare(self) -> None:
        """Open the newest snapshot, when it is not the one read, for the next :meth:`refresh`
        (from a thread other than the reader's)."""
        newest = self.snapshots.current()
        with self._guard:
            prepared = self._prepared[0] if self._prepared else None
        if newest is None or newest in (self.name, prepared):
            return
        opened = self._open(newest)
        with self._guard:
            stale, self._prepared = self._prepared, opened
        if stale is not None:
            stale[2].close()  # type: ignore[attr-defined]

    def _take_prepared(self, newest: str) -> tuple[str, ox.Store, object] | None:
        with self._guard:
            prepared, self._prepared = self._prepared, None
        if prepared is not None and prepared[0] != newest:
            prepared[2].close()  # type: ignore[attr-defined]
            return None
        return prepared

    def _open(self, name: str) -> tuple[str, ox.Store, object] | None:
        """Snapshot ``name`` opened, with its lock held shared; None when it was collected."""
        handle = open(self.snapshots.root / f"{name}.lock", "a+")  # noqa: SIM115 - held while the snapshot is in use
        fcntl.flock(handle, fcntl.LOCK_SH)
        path = self.snapshots.root / name
        if not path.exists():
            handle.close()
            return None
        return name, ox.Store.read_only(str(path)), handle

    def close(self) -> None:
        self.store = None
        if self._lock is not None:
            self._lock.close()  # type: ignore[attr-defined]
            self._lock = None
        self.name = None


def _published_ns(lock: Path) -> int | None:
    """When a snapshot was published: its lock file's time (the file is never written again)."""
    try:
        return os.stat(lock).st_mtime_ns
    except FileNotFoundError:
        return None


class VersionWatch:
    """The newest snapshot's :class:`Version`, re-read only when ``CURRENT`` changes (one
    ``stat`` a call: a server asks on every request)."""

    def __init__(self, snapshots: Snapshots) -> None:
        self.snapshots = snapshots
        self._seen: tuple[int, int] | None = None
        self._current: Version | None = None
        self._known: LRUCache[str, Version] = LRUCache(maxsize=64)

    def current(self) -> Version | None:
        key = self.snapshots.stamp()
        if key is None:
            return None
        if key != self._seen:
            self._current = self.named(self.snapshots.current())
            self._seen = key
        return self._current

    def named(self, name: str | None) -> Version | None:
        """The version called ``name`` (as a query worker reports the snapshot it read)."""
        if name is None:
            return None
        known = self._known.get(name)
        if known is None:
            known = self.snapshots.version(name)
            if known is not None:
                self._known[name] = known
        return known
