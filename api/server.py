"""Running the app with uvicorn (``newsgraph serve``).

Before it says it serves, the server makes sure it can: the store exists, no other server owns
it (``STORE/server.lock``, held for the server's life), and the address is bound. A second
``serve`` on a served store, or on a port in use, exits with one line and status 2. A store
directory deleted or replaced while served stops the server (status 2, and it says why).

Enforced by ``tests/test_store_owners.py``.
"""

from __future__ import annotations

import socket

import uvicorn
from newsgraph.api.app import create_app
from newsgraph.api.http_limits import bounded_protocol
from newsgraph.errors import ConfigError, StoreError, StoreLocked
from newsgraph.settings import Settings
from newsgraph.store import locks
from newsgraph.store.embedded import EmbeddedStore


def serve(settings: Settings) -> None:
    if settings.allow_update and settings.update_token is None:
        raise ConfigError(
            "setting NEWSGRAPH_UPDATE_TOKEN is not set: --allow-update needs a token that "
            "update requests must present"
        )
    owner = None if settings.is_remote else _own(settings)
    try:
        listening = _bind(settings.host, settings.port)
        lost: list[str] = []
        running: list[uvicorn.Server] = []

        def stop(message: str) -> None:
            lost.append(message)
            for server in running:
                server.should_exit = True  # uvicorn's graceful shutdown

        app = create_app(settings, on_lost=stop)
        where = settings.store if settings.is_remote else str(settings.store_path.resolve())
        print(
            f"newsgraph: serving {where} at http://{settings.host}:{settings.port}/ "
            f"(SPARQL at /sparql)",
            flush=True,
        )
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=5,  # then queries still running are stopped
            http=bounded_protocol(settings.request_timeout),
        )
        running.append(uvicorn.Server(config))
        running[0].run(sockets=[listening])
        if lost:
            raise StoreError(lost[0])
    finally:
        if owner is not None:
            owner.release()


def _own(settings: Settings) -> locks.FileLock:
    """Hold the store's server lock (after checking that there is a store to serve)."""
    path = settings.store_path
    EmbeddedStore(path, write=False, base=settings.base).close()  # exists, with this base
    owner = locks.FileLock(path / locks.SERVER_LOCK)
    url = f"http://{settings.host}:{settings.port}/"
    if not owner.try_acquire({"url": url, "what": "newsgraph serve"}):
        raise StoreLocked(
            f"store {path} is already served"
            f"{locks.describe(locks.holder(path / locks.SERVER_LOCK))}; one server per store"
        )
    return owner


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, or a one-line error."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise ConfigError(f"setting NEWSGRAPH_HOST = {host!r}: {error.strerror}") from None
    family, kind, proto, _, address = infos[0]
    listening = socket.socket(family, kind, proto)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind(address)
        listening.listen(2048)
    except OSError as error:
        listening.close()
        raise ConfigError(
            f"cannot listen on {host}:{port} ({error.strerror}); is another server there? "
            "choose another with --port or NEWSGRAPH_PORT"
        ) from None
    listening.set_inheritable(True)
    return listening
