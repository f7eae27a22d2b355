"""Writes that become visible whole or not at all: the journal, and the way back to a snapshot.

The invariant: **while no journal exists, the primary database holds exactly what the newest
snapshot holds.** A unit of writes (:meth:`EmbeddedStore.transaction`: an ingest, a ``link``, a
``load``, one SPARQL update) begins by writing the journal durably, naming the snapshot it
starts from; it ends by flushing the primary, publishing a new snapshot and deleting the
journal. Readers only ever read snapshots, so they see a unit whole or not at all.

A unit that fails, or a process killed in one (``kill -9``, a full disk, a power cut), leaves
the journal behind. The primary is then brought back to the newest snapshot (the one the unit
started from, unless the unit got as far as publishing its own): its directory is replaced by
a checkpoint of that snapshot (hard links to its table files, as cheap
as publishing one). Every write of the cut unit is undone and none of the units before it:
each article, link, entity description and loaded graph is as it was before the unit began —
the old version, never neither. Replacing the directory is done in renames ordered so that a
restore cut short is finished by the next one.

Enforced by ``tests/test_crash_safety.py`` and ``tests/test_recovery.py``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from newsgraph.errors import StoreError
from newsgraph.store.snapshots import Snapshots

__all__ = ["JOURNAL", "Journal", "restore_primary"]

JOURNAL = "journal.json"
PRIMARY = "data"
_RESTORING = "data.restore"
_DISCARDED = "data.discard"


class Journal:
    """``STORE/journal.json``: present exactly while a unit of writes is under way (or was cut
    short); it names the snapshot the unit started from."""

    def __init__(self, store_path: Path) -> None:
        self.path = store_path / JOURNAL

    def exists(self) -> bool:
        return self.path.exists()

    def begin(self, snapshot: str | None) -> None:
        """Note, durably, that a unit starts from ``snapshot`` (None: from an empty store that
        has no snapshot yet)."""
        temporary = self.path.with_suffix(".tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(json.dumps({"restore": snapshot}))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)
        _sync_directory(self.path.parent)

    def snapshot(self, snapshots: Snapshots) -> str | None:
        """The snapshot to restore: the newest. Nothing publishes during a unit but the unit
        itself, at its very end, so the newest snapshot is the one the unit started from — or,
        when the process died between publishing and deleting the journal, the unit's own,
        which readers may already have seen (so it must not be undone). A journal of the
        earlier layout (it named graphs; a snapshot followed every write) is read the same."""
        current = snapshots.current()
        if current is not None:
            return current
        try:
            noted = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            noted = {}
        name = noted.get("restore") if isinstance(noted, dict) else None
        return name if isinstance(name, str) else None

    def end(self) -> None:
        self.path.unlink(missing_ok=True)
        _sync_directory(self.path.parent)


def restore_primary(store_path: Path, snapshots: Snapshots, snapshot: str | None) -> None:
    """Replace the primary database by a checkpoint of ``snapshot`` (None: by nothing, an
    empty store). The primary must be closed. Safe to run again after it was cut short."""
    primary = store_path / PRIMARY
    restoring = store_path / _RESTORING
    discarded = store_path / _DISCARDED
    if not primary.exists() and restoring.exists():
        os.rename(restoring, primary)  # cut between the two renames: the checkpoint was whole
    shutil.rmtree(restoring, ignore_errors=True)
    shutil.rmtree(discarded, ignore_errors=True)
    if snapshot is None:
        shutil.rmtree(primary, ignore_errors=True)
        return
    source = snapshots.root / snapshot
    if not source.is_dir():
        raise StoreError(
            f"store {store_path} cannot be recovered: snapshot {snapshot}, the last whole state "
            "of the store, is missing"
        )
    with _shared_lock(snapshots.root / f"{snapshot}.lock"):
        reader = ox.Store.read_only(str(source))
        try:
            reader.backup(str(restoring))
        finally:
            del reader
    _sync_directory(restoring)
    if primary.exists():
        os.rename(primary, discarded)
    os.rename(restoring, primary)
    _sync_directory(store_path)
    shutil.rmtree(discarded, ignore_errors=True)


@contextlib.contextmanager
def _shared_lock(path: Path) -> Iterator[None]:
    """Hold a snapshot as its readers do, so that it is not collected meanwhile."""
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        yield


def _sync_directory(path: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
