"""Read snapshots of an on-disk store.

Only one process may open an Oxigraph directory for writing, and opening it read-only while
another writes is undefined behaviour. So the writer publishes a snapshot after every commit —
a RocksDB checkpoint, made of hard links, in a few milliseconds — and every reader (the
server's query workers, a CLI query while an ingest runs) opens the newest snapshot read-only.

Layout under ``STORE/snapshots``: one directory per generation (``000042``), a lock file beside
each (``000042.lock``: readers hold a shared lock while they use it) and ``CURRENT`` naming the
newest. A snapshot is deleted once it is not the newest and nobody holds its lock.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pyoxigraph as ox


class Snapshots:
    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def current_file(self) -> Path:
        return self.root / "CURRENT"

    def current(self) -> str | None:
        """The newest generation's name, or None when no snapshot was published."""
        try:
            name = self.current_file.read_text().strip()
        except FileNotFoundError:
            return None
        return name or None

    def publish(self, store: ox.Store) -> str:
        """Checkpoint ``store`` as the next generation and make it current."""
        self.root.mkdir(parents=True, exist_ok=True)
        previous = self.current()
        generation = int(previous) + 1 if previous else 1
        while (self.root / f"{generation:06d}").exists():
            generation += 1
        name = f"{generation:06d}"
        store.flush()
        store.backup(str(self.root / name))
        (self.root / f"{name}.lock").touch()
        temporary = self.root / "CURRENT.tmp"
        temporary.write_text(name)
        os.replace(temporary, self.current_file)
        self.collect()
        return name

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
    """Holds the newest snapshot open read-only and follows newer ones on :meth:`refresh`."""

    def __init__(self, snapshots: Snapshots) -> None:
        self.snapshots = snapshots
        self.name: str | None = None
        self.store: ox.Store | None = None
        self._lock: object | None = None

    def refresh(self) -> ox.Store | None:
        """The newest snapshot's store (reopened when a newer one exists), or None if none."""
        for _ in range(5):
            newest = self.snapshots.current()
            if newest is None:
                return None
            if newest == self.name and self.store is not None:
                return self.store
            handle = open(self.snapshots.root / f"{newest}.lock", "a+")  # noqa: SIM115 - held while the snapshot is in use
            fcntl.flock(handle, fcntl.LOCK_SH)
            path = self.snapshots.root / newest
            if not path.exists():  # collected between reading CURRENT and locking it
                handle.close()
                continue
            store = ox.Store.read_only(str(path))
            self.close()
            self.name, self.store, self._lock = newest, store, handle
            return store
        raise OSError("the store's snapshots keep changing; try again")

    def close(self) -> None:
        self.store = None
        if self._lock is not None:
            self._lock.close()  # type: ignore[attr-defined]
            self._lock = None
        self.name = None
