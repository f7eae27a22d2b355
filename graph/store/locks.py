"""Who may write an on-disk store, and who serves it: one process each, by ``flock``.

``STORE/writer.lock`` is held by the one process that has the primary database open for
writing (an ingest, a ``link``, or the server while it owns the primary);
``STORE/server.lock`` by the one ``newsgraph serve`` on the store. Each file holds a line about
its holder (process id, and what it is) so that a refused process can say who is in the way.
The kernel drops a lock when its holder exits, however it exits (``kill -9`` included), so a
lock is never stale.

Enforced by ``tests/test_store_owners.py``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from pathlib import Path
from typing import IO

__all__ = ["SERVER_LOCK", "WRITER_LOCK", "FileLock", "describe", "holder"]

WRITER_LOCK = "writer.lock"
SERVER_LOCK = "server.lock"


class FileLock:
    """An exclusive ``flock`` on ``path``, held from :meth:`try_acquire` until :meth:`release`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def try_acquire(self, about: dict[str, object]) -> bool:
        """Take the lock and note ``about`` (with this process id) in it; False when another
        process holds it."""
        if self._handle is not None:
            return True
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held while locked
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), **about}) + "\n")
        handle.flush()
        self._handle = handle
        return True

    def release(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self._handle.close()
            self._handle = None


def holder(path: Path) -> dict[str, object]:
    """What the holder of the lock at ``path`` noted about itself ({} when unknown)."""
    try:
        noted = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return noted if isinstance(noted, dict) else {}


def describe(noted: dict[str, object]) -> str:
    """' (pid N, newsgraph ingest)'-style words for a lock holder, or ''."""
    parts = [f"pid {noted['pid']}"] if "pid" in noted else []
    if noted.get("url"):
        parts.insert(0, f"the server at {noted['url']}")
    elif noted.get("what"):
        parts.append(str(noted["what"]))
    return f" ({', '.join(parts)})" if parts else ""


def process_alive(pid: int) -> bool:
    """Whether a process ``pid`` runs (one of another user's counts; one that ended and waits
    for its parent to read its status does not: it holds no lock and will do nothing)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _ended(pid)


def _ended(pid: int) -> bool:
    """Whether ``pid`` is a zombie (Linux's ``/proc``; elsewhere: no)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2 : stat.rfind(b")") + 3] == b"Z"
