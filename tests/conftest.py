"""Shared fixtures: settings on a temporary store, the real corpora, and a real server process."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
from newsgraph.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = (ROOT.parent / "shared").resolve()
SEED = SHARED / "seed" / "pace-commends-kazakhstan.json"
REUTERS = SHARED / "data" / "corpus-reuters21578.jsonl"
N3 = SHARED / "data" / "corpus-n3-reuters128.jsonl"
SAMPLE = ROOT / "vocab" / "sample"
BASE = "http://localhost:8000/"


def shared_file(path: Path) -> Path:
    """``path`` under ../shared, or skip the test saying what is missing."""
    if not path.exists():
        pytest.skip(f"{path} is absent: this test reads the shared corpora in ../shared")
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(store=str(tmp_path / "store"), base=BASE)


def record(slug: str = "s1", **fields: Any) -> dict[str, Any]:
    """A small valid record; keyword arguments override its fields."""
    base: dict[str, Any] = {
        "slug": slug,
        "title": f"Title of {slug}",
        "summary": "A summary.",
        "body_md": f"# Title of {slug}\n\nBody with a [link](https://example.org/{slug}).",
        "url": f"https://news.example.org/{slug}",
        "canonical_source": None,
        "published_at": "2026-01-02 03:04:05+00:00",
        "updated_at": None,
        "lang": "en",
        "topics": ["politics"],
        "entities": ["Kazakhstan", "Council of Europe"],
        "alternates": {},
    }
    base.update(fields)
    return base


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def newsgraph(*args: str, env: dict[str, str] | None = None, input: bytes | None = None,
              timeout: float = 300) -> subprocess.CompletedProcess[bytes]:  # fmt: skip
    """Run the real ``newsgraph`` command."""
    return subprocess.run(
        [sys.executable, "-m", "newsgraph", *args],
        capture_output=True,
        env={**os.environ, **(env or {})},
        input=input,
        timeout=timeout,
        cwd=ROOT,
    )


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    store: Path
    log: Path

    @property
    def sparql(self) -> str:
        return self.url + "sparql"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(15)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _popen_server(
    store: Path, port: int, args: tuple[str, ...], env: dict[str, str] | None, log: Any
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "newsgraph", "serve", "--store", str(store), "--base", BASE,
         "--port", str(port), "--query-workers", "2", *args],
        env={**os.environ, **(env or {})},
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip


def start_server(store: Path, *args: str, env: dict[str, str] | None = None) -> Server:
    port = free_port()
    log = store.parent / f"server-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as log_handle:
        process = _popen_server(store, port, args, env, log_handle)
    url = f"http://127.0.0.1:{port}/"

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {log.read_text()}")
        try:
            if httpx.get(url + "sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return Server(url, process, store, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not answer within 60 s")


def ingested(store: Path, *paths: Path | str, base: str = BASE) -> Path:
    """``store`` after ``newsgraph ingest`` of ``paths`` (which must succeed)."""
    result = newsgraph("ingest", "--quiet", "--store", str(store), "--base", base, *map(str, paths))
    assert result.returncode == 0, result.stderr.decode()
    return store


@pytest.fixture(scope="session")
def reuters_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Reuters-21578 corpus ingested with ``newsgraph ingest`` once per test process, for the
    modules that only read it (a test that writes makes its own store)."""
    store = tmp_path_factory.mktemp("reuters") / "store"
    return ingested(store, shared_file(REUTERS))


@contextmanager
def served(store: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    """A real server on ``store`` (``args``: its flags) for the block, stopped after it."""
    running = start_server(store, *args, env=env)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Any]:
    """Start real servers on stores of the test's choosing; all are stopped afterwards."""
    started: list[Server] = []

    def run(store: Path | None = None, *args: str, env: dict[str, str] | None = None) -> Server:
        server = start_server(store or tmp_path / "store", *args, env=env)
        started.append(server)
        return server

    yield run
    for server in started:
        server.stop()


def sample_store(path: Path, template: Path | None = None) -> Path:
    """A store at ``path`` holding the bundled sample (and the seed record where present);
    a copy of ``template`` (see the ``sample_template`` fixture) when one is given."""
    if template is not None:
        shutil.copytree(template, path)
        return path
    paths = [str(SAMPLE)] + ([str(SEED)] if SEED.exists() else [])
    result = newsgraph("ingest", "--quiet", "--store", str(path), "--base", BASE, *paths)
    assert result.returncode == 0, result.stderr.decode()
    return path


@pytest.fixture(scope="session", autouse=True)
def _state_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The user's state directory (remote stores' search indexes) inside the session's temporary
    directory, for the tests and every command and server they start: never the real home."""
    before = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("state-home"))
    yield
    if before is None:
        os.environ.pop("XDG_STATE_HOME", None)
    else:
        os.environ["XDG_STATE_HOME"] = before


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample ingested once per session, for :func:`sample_store` to copy."""
    return sample_store(tmp_path_factory.mktemp("sample-template") / "store")


def descendants(pid: int) -> dict[int, int]:
    """Every live process under ``pid``: process id → parent process id (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
    found: dict[int, int] = {}
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, its_parent in parents.items():
            if its_parent == parent and child not in found:
                found[child] = parent
                frontier.append(child)
    return found


# Store backends (embedded, Oxigraph server, Virtuoso) for the tests that run on each.
pytest_plugins = ["tests.backends"]


# One Virtuoso serves every test process of a run (.ci/run starts it; pytest-xdist runs tests in
# two). Each test on it empties it first, and a module's tests may share what a module-scoped
# fixture loaded, so a process holds the server alone from its first test on Virtuoso until its
# next test is not on Virtuoso; any other process waits (an exclusive lock named after the URL).
def _on_virtuoso(item: pytest.Item | None) -> bool:
    if item is None:
        return False
    params = getattr(item, "callspec", None)
    return "virtuoso" in getattr(item, "fixturenames", ()) or (
        params is not None and "virtuoso" in params.params.values()
    )


class _ServerLock:
    """An exclusive lock, across processes, on the server at ``url``."""

    def __init__(self, url: str) -> None:
        name = hashlib.sha256(url.encode()).hexdigest()[:16]
        self.path = Path(tempfile.gettempdir()) / f"newsgraph-tests-{name}.lock"
        self.handle: IO[bytes] | None = None

    def acquire(self) -> None:
        if self.handle is None:
            handle = self.path.open("ab")
            fcntl.flock(handle, fcntl.LOCK_EX)
            self.handle = handle

    def release(self) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


_virtuoso_locks: dict[str, _ServerLock] = {}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, object, object]:
    url = os.environ.get("NEWSGRAPH_TEST_VIRTUOSO")
    if not url or not _on_virtuoso(item):
        return (yield)
    lock = _virtuoso_locks.setdefault(url, _ServerLock(url))
    lock.acquire()
    try:
        return (yield)
    finally:
        if not _on_virtuoso(nextitem):
            lock.release()
