"""``STORE/server.json``: how other processes reach the server that owns an embedded store.

The file holds the server's URL, process id and a random token that authorises writes; it is
readable by its owner only and removed when the server stops.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

FILE_NAME = "server.json"


@dataclass(frozen=True)
class ServerInfo:
    url: str
    pid: int
    token: str

    @property
    def sparql_url(self) -> str:
        return self.url.rstrip("/") + "/sparql"

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


def read(store_path: Path) -> ServerInfo | None:
    try:
        data = json.loads((store_path / FILE_NAME).read_text())
        return ServerInfo(url=str(data["url"]), pid=int(data["pid"]), token=str(data["token"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def running_server(store_path: Path) -> ServerInfo | None:
    """The live server that owns the store, if any (a stale file is ignored)."""
    info = read(store_path)
    if info is None or info.pid == os.getpid():
        return None
    try:
        os.kill(info.pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return info
