"""Store backends for the tests: the embedded store, an Oxigraph server, Virtuoso.

The Oxigraph server (PyPI ``oxigraph``, a dev dependency) is started here on loopback, once per
session. Virtuoso is started by ``.ci/run`` (``.ci/virtuoso.sh``), which passes its query URL
in ``NEWSGRAPH_TEST_VIRTUOSO``, its dba password in ``NEWSGRAPH_TEST_VIRTUOSO_PASSWORD`` and the
directory it bulk-loads from in ``NEWSGRAPH_TEST_VIRTUOSO_STAGING``;
without them its tests skip with one line saying so, unless ``NEWSGRAPH_TEST_REQUIRE_VIRTUOSO``
is set (CI sets it), in which case they fail.

Each test that takes ``store`` gets an empty store: the remote ones are emptied of every
graph but the server's own system graphs before the test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import httpx
import pytest
from newsgraph.store import EmbeddedStore, RemoteStore
from newsgraph.store.base import Store
from newsgraph.store.remote import reading

from tests.conftest import BASE, free_port

BACKENDS = ("embedded", "oxigraph", "generic", "virtuoso")
VIRTUOSO_ENV = "NEWSGRAPH_TEST_VIRTUOSO"


@dataclass(frozen=True)
class Endpoint:
    """A running SPARQL server the tests may use."""

    name: str
    query_url: str
    user: str | None = None
    password: str | None = None
    #: A directory the server reads N-Quads from (its bulk path; ``NEWSGRAPH_STORE_STAGING``).
    staging: str | None = None

    @property
    def update_url(self) -> str:
        return self.query_url.removesuffix("/query") + "/update"

    def store(self, **options: object) -> RemoteStore:
        options = {"staging": self.staging, **options}
        return RemoteStore(self.query_url, user=self.user, password=self.password, **options)  # type: ignore[arg-type]

    @property
    def env(self) -> dict[str, str]:
        """The settings that point newsgraph at this server."""
        env = {"NEWSGRAPH_STORE": self.query_url}
        if self.user:
            env |= {"NEWSGRAPH_STORE_USER": self.user,
                    "NEWSGRAPH_STORE_PASSWORD": self.password or ""}  # fmt: skip
        if self.staging:
            env["NEWSGRAPH_STORE_STAGING"] = self.staging
        return env


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        pytest.fail("the oxigraph server is missing: `make setup` installs it (PyPI oxigraph)")
    return found


def start_oxigraph(
    location: Path, *extra: str, port: int | None = None, command: str = "serve"
) -> tuple[subprocess.Popen[bytes], str]:
    port = port or free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), command, "--location", str(location), "--bind", f"127.0.0.1:{port}",
         *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"oxigraph serve exited with {process.returncode}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    pytest.fail("oxigraph serve did not answer within 30 s")


def serve_file(root: Path, data: Path, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    """An Oxigraph server, read-only, on the RDF of ``data`` (loaded offline into ``root``)."""
    location = root / "db"
    subprocess.run([oxigraph_binary(), "load", "--location", str(location), "--file", str(data)],
                   check=True, capture_output=True)  # fmt: skip
    return start_oxigraph(location, *extra, command="serve-read-only")


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    """An Oxigraph server on loopback, started with ``--union-default-graph``."""
    process, url = start_oxigraph(tmp_path_factory.mktemp("oxigraph"), "--union-default-graph")
    yield Endpoint("oxigraph", url)
    process.terminate()
    process.wait(15)


def absent(message: str) -> NoReturn:
    """Virtuoso cannot be had: a skip saying why, or a failure where CI requires it."""
    if os.environ.get("NEWSGRAPH_TEST_REQUIRE_VIRTUOSO"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def virtuoso() -> Endpoint:
    """The Virtuoso that ``.ci/run`` started, or a skip (a failure in CI) saying it is absent."""
    url = os.environ.get(VIRTUOSO_ENV)
    if not url:
        message = (
            f"Virtuoso is not running: {VIRTUOSO_ENV} is unset (.ci/run starts one with "
            ".ci/virtuoso.sh)"
        )
        absent(message)
    return Endpoint(
        "virtuoso",
        url,
        "dba",
        os.environ.get(f"{VIRTUOSO_ENV}_PASSWORD", "dba"),
        os.environ.get(f"{VIRTUOSO_ENV}_STAGING") or None,
    )


def empty(store: RemoteStore) -> None:
    """Drop every graph the store's default dataset shows (never a server's system graphs)."""
    graphs = reading.graph_names(store.server)  # past the server's row limit, if need be
    for start in range(0, len(graphs), 50):
        store.update(" ;\n".join(f"DROP SILENT GRAPH {g}" for g in graphs[start : start + 50]))
    if store.server.dialect.name == "oxigraph":
        store.update("DROP SILENT DEFAULT")


@pytest.fixture
def endpoint(request: pytest.FixtureRequest) -> Endpoint:
    """One remote server, chosen by the test's parameter (``oxigraph`` or ``virtuoso``)."""
    found: Endpoint = request.getfixturevalue(request.param)
    with found.store() as store:
        empty(store)
    return found


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty, writable store of each kind: embedded, Oxigraph server (as itself, and as a
    generic SPARQL server without the Graph Store Protocol), Virtuoso."""
    if request.param == "embedded":
        opened: Store = EmbeddedStore(tmp_path / "store", write=True, base=BASE)
    elif request.param == "generic":  # the Oxigraph server spoken to as any SPARQL server
        server: Endpoint = request.getfixturevalue("oxigraph")
        opened = server.store(
            dialect="generic", graph_store_url="none", update_url=server.update_url
        )
        empty(opened)  # type: ignore[arg-type]
    else:
        found: Endpoint = request.getfixturevalue(request.param)
        opened = found.store()
        empty(opened)  # type: ignore[arg-type]
    yield opened
    opened.close()


__all__ = [
    "BACKENDS",
    "Endpoint",
    "empty",
    "endpoint",
    "oxigraph",
    "start_oxigraph",
    "store",
    "virtuoso",
]
