"""What the parts of one benchmark run share: options, the corpus, the store, the servers.

Expensive things are made once, on first use, and reused by every part of the run: the
corpus (cached across runs in ``bench/.cache``), the newsgraph store (ingested by the ingest
part, or here if that part is not run), its N-Quads dump (the floor's and the peer's input), the
newsgraph server and the peer's server.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from newsgraph.store.snapshots import Snapshots

from bench import corpus
from bench.measure import MemoryPeak, free_port, stop_process, wait_for

__all__ = ["Context", "Options", "Server", "serve"]

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / ".cache"
BASE = "http://localhost:8000/"
_SUMMARY = re.compile(r"loaded (\d+), .* (\d+) triples written in ([\d.]+) s .*, (\d+) entities")


@dataclass(frozen=True)
class Options:
    size: int = 100_000
    seed: int = 1
    runs: int = 3
    #: Requests per query for latency percentiles.
    requests: int = 30
    #: Seconds of load per throughput measurement.
    load_seconds: float = 5.0
    #: Seconds the peer may take for one request or its load before it is reported as over.
    peer_limit: float = 60.0
    corpus_path: Path | None = None
    workdir: Path | None = None
    peer: bool = True

    @classmethod
    def quick(cls, **overrides: Any) -> Options:
        """A smoke test: tiny corpus, one run, few requests, short loads."""
        values: dict[str, Any] = {"size": 300, "runs": 1, "requests": 5, "load_seconds": 0.5,
                                  "peer_limit": 20.0}  # fmt: skip
        values.update(overrides)
        return cls(**values)


@dataclass
class Server:
    """A started server process (stopped at the end of a ``with``), sampled for memory."""

    url: str
    process: subprocess.Popen[bytes]
    memory: MemoryPeak

    @property
    def sparql(self) -> str:
        return self.url + "sparql"

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        self.memory.__exit__()
        stop_process(self.process)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class Context:
    options: Options
    #: Facts measured by one part for others (e.g. the store's triple count).
    facts: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._temporary = tempfile.TemporaryDirectory(
            prefix="newsgraph-bench-", dir=self.options.workdir
        )
        self.workdir = Path(self._temporary.name)
        self._servers: dict[str, Server] = {}
        self._store: Path | None = None

    # -- data ------------------------------------------------------------------------------------

    def corpus(self) -> Path:
        """The corpus file: given with ``--corpus``, else the synthetic one (cached)."""
        if self.options.corpus_path is not None:
            return self.options.corpus_path
        name = f"corpus-{self.options.size}-seed{self.options.seed}-v{corpus.VERSION}.jsonl.gz"
        path = CACHE / name
        if not path.exists():
            corpus.write(path, self.options.size, self.options.seed)
        return path

    def articles(self) -> int:
        """Articles in the store (ingesting it if needed)."""
        self.store()
        return int(self.facts["articles"])

    def ingest(self, store: Path, module: str = "newsgraph") -> dict[str, Any]:
        """Run ``newsgraph ingest`` into a new store; its summary and peak memory. ``module``
        runs it as another module (``bench.unindexed``: without the full-text index)."""
        shutil.rmtree(store, ignore_errors=True)
        command = [sys.executable, "-m", module, "ingest", "--quiet", "--store", str(store),
                   "--base", BASE, str(self.corpus())]  # fmt: skip
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        with MemoryPeak(process.pid) as memory:
            _out, err = process.communicate()
        if process.returncode not in (0, 1):
            raise RuntimeError(f"newsgraph ingest failed: {err.decode(errors='replace')[-2000:]}")
        match = _SUMMARY.search(err.decode())  # the CLI reports on standard error
        if not match:
            raise RuntimeError(f"no summary line in: {err.decode()[-500:]}")
        loaded, triples, seconds, entities = match.groups()
        return {"articles": int(loaded), "triples": int(triples), "entities": int(entities),
                "seconds": float(seconds), "peak_rss": memory.peak,
                "cpu_seconds": memory.cpu_seconds}  # fmt: skip

    def store(self) -> Path:
        """The newsgraph store of this run's corpus (ingested once)."""
        if self._store is None:
            path = self.workdir / "store"
            if not (path / "data").exists():
                summary = self.ingest(path)
                self.facts.setdefault("articles", summary["articles"])
                self.compact(path)
            self._store = path
        return self._store

    def adopt_store(self, path: Path, summary: dict[str, Any]) -> None:
        """Use a store the ingest part made (keeps the last of its runs)."""
        target = self.workdir / "store"
        if path != target:
            shutil.rmtree(target, ignore_errors=True)
            shutil.move(str(path), target)
        self._store = target
        self.facts["articles"] = summary["articles"]
        self.compact(target)

    def compact(self, store: Path) -> None:
        """Compact the store as a server does once an ingest ends (``newsgraph compact``), so
        that the reading parts measure what a served store becomes; the seconds it took go to
        the facts (the ingest part reports them)."""
        started = time.perf_counter()
        command = [sys.executable, "-m", "newsgraph", "compact", "--store", str(store)]
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"newsgraph compact failed: {result.stderr[-2000:]}")
        self.facts["compact_seconds"] = time.perf_counter() - started

    def snapshot(self) -> Path:
        """The newest read snapshot of the store (what readers open)."""
        snapshots = Snapshots(self.store() / "snapshots")
        name = snapshots.current()
        assert name is not None, "the store has no snapshot"
        return snapshots.root / name

    def nquads(self) -> Path:
        """The store's quads as one N-Quads file (the baselines' input)."""
        path = self.workdir / "dump.nq"
        if not path.exists():
            source = ox.Store.read_only(str(self.snapshot()))
            with open(path, "wb") as handle:
                source.dump(handle, format=ox.RdfFormat.N_QUADS)
            del source
        return path

    def store_stats(self) -> dict[str, Any]:
        if "stats" not in self.facts:
            source = ox.Store.read_only(str(self.snapshot()))
            self.facts["stats"] = {"triples": len(source)}
            del source
        stats: dict[str, Any] = self.facts["stats"]
        return stats

    # -- servers ---------------------------------------------------------------------------------

    def newsgraph_server(self) -> Server:
        if "newsgraph" not in self._servers:
            # Every answer computed: a reused answer would time the result cache, not the query.
            env = {**os.environ, "NEWSGRAPH_RESULT_CACHE_BYTES": "0"}
            self._servers["newsgraph"] = serve(
                self.store(), ["--base", BASE, "--row-limit", "0"],
                log=self.workdir / "newsgraph.log", env=env,
            )  # fmt: skip
        return self._servers["newsgraph"]

    def peer_server(self) -> Server | None:
        """rdflib-endpoint over the same quads, or None when not installed or over the limit."""
        if "peer" not in self._servers:
            if not self.options.peer or not peer_available():
                return None
            port = free_port()
            report = self.workdir / "peer.json"
            command = [sys.executable, "-m", "bench.peer_server", str(self.nquads()), str(port),
                       str(report)]  # fmt: skip
            limit = max(120.0, self.options.peer_limit * 10)
            try:
                self._servers["peer"] = _start(command, port, self.workdir / "peer.log", limit)
            except TimeoutError:
                self.facts["peer_failed"] = f"rdflib did not load the data within {limit:.0f} s"
                return None
            self.facts["peer_load"] = json.loads(report.read_text())
        return self._servers.get("peer")

    def restart_peer(self) -> None:
        """Stop the peer (busy with an abandoned query); the next use starts it afresh."""
        server = self._servers.pop("peer", None)
        if server is not None:
            server.stop()

    def close(self) -> None:
        for server in self._servers.values():
            server.stop()
        self._servers.clear()
        self._temporary.cleanup()


def serve(
    store: Path, options: Sequence[str] = (), *, log: Path, env: dict[str, str] | None = None
) -> Server:
    """This checkout's ``newsgraph serve`` on ``store`` and a free loopback port, answering."""
    port = free_port()
    command = [sys.executable, "-m", "newsgraph", "serve", "--store", str(store),
               "--port", str(port), *options]  # fmt: skip
    return _start(command, port, log, 120, env=env)


def peer_available() -> bool:
    try:
        import rdflib_endpoint  # noqa: F401
    except ImportError:
        return False
    return True


def _start(
    command: list[str], port: int, log: Path, limit: float, env: dict[str, str] | None = None
) -> Server:
    import httpx

    with log.open("wb") as handle:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, env=env
        )
    url = f"http://127.0.0.1:{port}/"
    memory = MemoryPeak(process.pid).__enter__()
    server = Server(url, process, memory)

    def ready() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"{command[2]} exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            response = httpx.get(url + "sparql", params={"query": "ASK {}"}, timeout=5)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    try:
        wait_for(ready, limit, f"{command[2]} answering on port {port}")
    except BaseException:
        server.stop()
        raise
    return server
