"""The floor: raw pyoxigraph on the same data, with no newsgraph code in the way.

``python -m bench.floor load DUMP.nq DIR`` bulk-loads N-Quads into a new on-disk store and
prints ``{"seconds": …, "triples": …, "peak_rss": …}`` (run as its own process, so that its
memory is its own). :func:`query_seconds` times one query in-process on a read-only store.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

__all__ = ["bulk_load", "query_seconds", "run_query"]


def bulk_load(dump: Path, directory: Path) -> dict[str, Any]:
    """Bulk-load ``dump`` into a new store at ``directory`` in a child process."""
    shutil.rmtree(directory, ignore_errors=True)
    done = subprocess.run(
        [sys.executable, "-m", "bench.floor", "load", str(dump), str(directory)],
        capture_output=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    shutil.rmtree(directory, ignore_errors=True)
    return result


def run_query(store: ox.Store, query: str) -> int:
    """Run a query to its last solution or triple; return how many there were."""
    result = store.query(query, use_default_graph_as_union=True)
    if isinstance(result, bool):
        return 1
    return sum(1 for _ in result)  # type: ignore[union-attr]


def query_seconds(store: ox.Store, query: str, count: int) -> list[float]:
    """Seconds taken by each of ``count`` runs of ``query``, after one warm-up run."""
    run_query(store, query)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        run_query(store, query)
        times.append(time.perf_counter() - started)
    return times


def _load(dump: str, directory: str) -> None:
    started = time.perf_counter()
    store = ox.Store(directory)
    store.bulk_load(path=dump, format=ox.RdfFormat.N_QUADS)
    store.flush()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "triples": len(store), "peak_rss": peak}))


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "load":
        sys.exit("usage: python -m bench.floor load DUMP.nq DIRECTORY")
    _load(sys.argv[2], sys.argv[3])
