"""``STORE/server.json``: how other processes reach the server that owns an embedded store.

The file holds the server's URL, process id and a random token that authorises writes; it is
readable by its owner only and removed when the server stops.

Each server also registers, outside the store, in a directory of this user's running servers
(``$XDG_RUNTIME_DIR/newsgraph/servers``, else under the system's temporary directory): which
store path it serves, and which directory that was (device and inode). So when a store directory
is deleted or replaced under a running server, a command that would write a new store at that
path learns that a server still holds the old one (:func:`running_server` refuses), instead of
writing around it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from newsgraph.errors import StoreLocked
from newsgraph.store import locks

FILE_NAME = "server.json"


@dataclass(frozen=True)
class ServerInfo:
    url: str
    pid: int
    token: str

    @property
    def sparql_url(self) -> str:
        return self.at("/sparql")

    def at(self, path: str) -> str:
        """The URL of the server's route ``path``."""
        return self.url.rstrip("/") + path

    @property
    def authorization(self) -> dict[str, str]:
        """The header that lets this server's own command use its internal routes."""
        return {"Authorization": f"Bearer {self.token}"}

    @classmethod
    def new(cls, url: str) -> ServerInfo:
        return cls(url=url, pid=os.getpid(), token=secrets.token_urlsafe(32))

    def write(self, store_path: Path) -> None:
        path = store_path / FILE_NAME
        temporary = path.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(asdict(self), handle)
        os.replace(temporary, path)

    def remove(self, store_path: Path) -> None:
        path = store_path / FILE_NAME
        current = read(store_path)
        if current is not None and current.pid == self.pid:
            path.unlink(missing_ok=True)
        entry = _registry_entry(store_path)
        if _registered(entry).get("pid") == self.pid:
            entry.unlink(missing_ok=True)

    def register(self, store_path: Path) -> None:
        """Note in this user's registry of servers that this one serves ``store_path``."""
        status = os.stat(store_path)
        entry = _registry_entry(store_path)
        entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = entry.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(
            json.dumps(
                {
                    "path": str(store_path.resolve()),
                    "url": self.url,
                    "pid": self.pid,
                    "device": status.st_dev,
                    "inode": status.st_ino,
                }
            )
        )
        os.replace(temporary, entry)


def read(store_path: Path) -> ServerInfo | None:
    try:
        data = json.loads((store_path / FILE_NAME).read_text())
        return ServerInfo(url=str(data["url"]), pid=int(data["pid"]), token=str(data["token"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def running_server(store_path: Path) -> ServerInfo | None:
    """The live server that owns the store, if any (a stale file is ignored). Raises
    :class:`StoreLocked` when a live server still serves a store that was at this path and
    was deleted or replaced: writing a new store there would go around it."""
    info = read(store_path)
    if info is not None and info.pid != os.getpid() and locks.process_alive(info.pid):
        return info
    noted = _registered(_registry_entry(store_path))
    pid = noted.get("pid")
    if isinstance(pid, int) and pid != os.getpid() and locks.process_alive(pid):
        try:
            status = os.stat(store_path)
            same = (status.st_dev, status.st_ino) == (noted.get("device"), noted.get("inode"))
        except OSError:
            same = False
        if not same:
            raise StoreLocked(
                f"the server at {noted.get('url')} (pid {pid}) still serves the store that was "
                f"at {store_path}, which was deleted or replaced; stop that server before "
                "making a new store there"
            )
    return None


def registry_directory() -> Path:
    """This user's registry of running servers."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime):
        return Path(runtime) / "newsgraph" / "servers"
    return Path(tempfile.gettempdir()) / f"newsgraph-{os.getuid()}" / "servers"


def _registry_entry(store_path: Path) -> Path:
    key = hashlib.sha256(str(store_path.resolve()).encode("utf-8", "surrogateescape"))
    return registry_directory() / f"{key.hexdigest()[:32]}.json"


def _registered(entry: Path) -> dict[str, object]:
    with contextlib.suppress(OSError, ValueError):
        noted = json.loads(entry.read_text())
        if isinstance(noted, dict):
            return noted
    return {}
