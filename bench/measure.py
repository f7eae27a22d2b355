"""Repeated measurements: median and spread, percentiles, and peak memory of a process tree.

>>> sample = Sample([3.0, 1.0, 2.0])
>>> sample.median, sample.spread
(2.0, (1.0, 3.0))
>>> percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)
9.55
"""

from __future__ import annotations

import math
import os
import socket
import statistics
import subprocess
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["MemoryPeak", "Sample", "free_port", "peak_rss_mib", "percentile", "process_tree", "repeat",
           "stop_process", "tree_memory", "tree_rss"]  # fmt: skip


@dataclass
class Sample:
    """Values of one quantity over several runs."""

    values: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else math.nan

    @property
    def spread(self) -> tuple[float, float]:
        """(lowest, highest) over the runs."""
        return (min(self.values), max(self.values)) if self.values else (math.nan, math.nan)

    def add(self, value: float) -> None:
        self.values.append(value)


def percentile(values: list[float], pct: float) -> float:
    """Linear-interpolated percentile (as numpy's default)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def repeat(function: Callable[[], float], runs: int) -> Sample:
    """Call ``function`` (which returns one measured value) ``runs`` times."""
    sample = Sample()
    for _ in range(runs):
        sample.add(function())
    return sample


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(part) for part in text.split()]


def process_tree(pid: int, exclude: Collection[int] = ()) -> list[int]:
    """A process and all its descendants, ``pid`` first, but the subtrees of ``exclude``."""
    tree, stack = [], [pid]
    while stack:
        current = stack.pop()
        if current in exclude:
            continue
        tree.append(current)
        stack.extend(_children(current))
    return tree


def _status_kib(pid: int, field: str) -> int | None:
    """A memory figure from /proc/PID/status (``VmRSS``, ``VmHWM``), in KiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants, now."""
    return sum((_status_kib(p, "VmRSS") or 0) * 1024 for p in process_tree(pid))


def peak_rss_mib(pid: int) -> float | None:
    """The process's resident-memory high-water mark (VmHWM), in MiB."""
    peak = _status_kib(pid, "VmHWM")
    return None if peak is None else peak / 1024


def tree_memory(pid: int) -> tuple[float | None, float | None]:
    """Peak RSS of process ``pid``, and summed over its whole process tree (MiB)."""
    peaks = [peak_rss_mib(p) for p in process_tree(pid)]
    return peaks[0], sum(p for p in peaks if p is not None)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def cpu_ticks(pid: int) -> int | None:
    """User and system CPU time a process has used so far, in clock ticks (/proc/PID/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])


def cpu_seconds(pid: int) -> float:
    """:func:`cpu_ticks` in seconds (0 where the process cannot be read)."""
    return (cpu_ticks(pid) or 0) / os.sysconf("SC_CLK_TCK")


class MemoryPeak:
    """Samples the resident memory of a process tree in the background; keeps the peak, and
    the CPU seconds each process of the tree was last seen to have used.

    The tree's sum is what the machine must hold: a server with query workers, an ingest with
    mapping workers; ``exclude`` leaves out the subtrees of those processes (a server the
    measuring process started, measured on its own). Sampling every 50 ms can miss a spike
    shorter than that, and the CPU a process uses in its last 50 ms.
    """

    def __init__(
        self, pid: int | None = None, interval: float = 0.05, exclude: Collection[int] = ()
    ) -> None:
        self.pid = pid if pid is not None else os.getpid()
        self.exclude = frozenset(exclude)
        self.interval = interval
        self.peak = 0
        self._ticks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def cpu_seconds(self) -> float:
        """CPU seconds (user and system) the process tree used while sampled."""
        return sum(self._ticks.values()) / os.sysconf("SC_CLK_TCK")

    def _run(self) -> None:
        while not self._stop.is_set():
            tree = process_tree(self.pid, self.exclude)
            self.peak = max(self.peak, sum((_status_kib(p, "VmRSS") or 0) * 1024 for p in tree))
            for process in tree:
                ticks = cpu_ticks(process)
                if ticks is not None:
                    self._ticks[process] = max(ticks, self._ticks.get(process, 0))
            self._stop.wait(self.interval)

    def __enter__(self) -> MemoryPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``condition`` until it holds, or raise after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not happen within {timeout:.0f} s")


def stop_process(process: subprocess.Popen[bytes], grace: float = 20) -> None:
    """Ask a child process to end, and kill it if it has not within ``grace`` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(grace)
