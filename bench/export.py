"""Benchmark of ``newsgraph export`` (articles per second) and of ``newsgraph dump`` (memory).

Standalone, with a function API (:func:`measure_export`, :func:`measure_dump`) so that a
benchmark runner can call it::

    python -m bench.export                       # Reuters-21578 from ../shared, jobs 1 and 2
    python -m bench.export --corpus FILE --jobs 2 --repeat 3
    python -m bench.export --dump --scale 10     # peak memory of each dump format

The corpus is ingested into a temporary store first (not timed). Each export run is timed from
opening the store to the last sitemap, four ways: into an empty directory (``first``), again
over it (``again``: every document compared with its files, none written), over files that all
differ (``rewrite``: every file replaced), and ``--changed-only`` with nothing changed
(``changed-only``: the manifest trusted, nothing read back). The best of ``repeat`` runs is kept, since other processes share the
machine; the load average is printed with the figures so they can be judged. Each run starts
after ``sync`` (the previous run's files flushed to disk, untimed). CPU seconds count this
process and its workers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from newsgraph.export.exporter import ExportOptions, export
from newsgraph.ingest import ingest
from newsgraph.settings import Settings, load_settings
from newsgraph.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
REUTERS = ROOT.parent / "shared" / "data" / "corpus-reuters21578.jsonl"
DUMP_FORMATS = ("nq", "trig", "ttl", "jsonld")


@dataclass(frozen=True)
class ExportRun:
    kind: str
    jobs: int
    articles: int
    seconds: float
    cpu_seconds: float

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (
            f"export {self.kind:<12} jobs {self.jobs}: {self.articles} articles in "
            f"{self.seconds:.2f} s = {self.articles_per_second:,.0f} articles/s "
            f"(CPU {self.cpu_seconds:.2f} s)"
        )


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def scaled_records(corpus: Path, scale: int) -> Iterator[str]:
    """The corpus's lines, ``scale`` times, each copy with its own slugs."""
    for copy in range(scale):
        with corpus.open(encoding="utf-8") as lines:
            for line in lines:
                if copy == 0:
                    yield line
                    continue
                record = json.loads(line)
                record["slug"] = f"{record['slug']}-copy{copy}"
                yield json.dumps(record) + "\n"


def build_store(corpus: Path, directory: Path, scale: int = 1) -> Settings:
    """Ingest ``corpus`` (``scale`` copies) into a new store under ``directory``."""
    source = directory / "corpus.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        handle.writelines(scaled_records(corpus, scale))
    settings = load_settings(store=str(directory / "store"))
    with EmbeddedStore(settings.store_path, write=True, base=settings.base) as store:
        ingest([str(source)], store, settings)
    source.unlink()
    return settings


def timed_export(settings: Settings, options: ExportOptions, kind: str) -> ExportRun:
    # Start from settled disks: the previous run's writes would otherwise be flushed during
    # this one, and the kernel slows down the writers of a disk with much unwritten data.
    os.sync()
    cpu = _cpu_seconds()
    started = time.perf_counter()
    with EmbeddedStore(settings.store_path) as store:
        summary = export(store, settings, options)
    seconds = time.perf_counter() - started
    return ExportRun(kind, options.jobs, summary.selected, seconds, _cpu_seconds() - cpu)


def _touch_every_file(out: Path) -> None:
    """Make every article file differ from what an export would write."""
    for path in (out / "articles").iterdir():
        with path.open("ab") as handle:
            handle.write(b" ")


def measure_export(
    settings: Settings, out: Path, jobs: int = 2, repeat: int = 3
) -> list[ExportRun]:
    """Best-of-``repeat`` timings of the four kinds of run (see the module docstring)."""
    best: dict[str, ExportRun] = {}
    for attempt in range(repeat):
        directory = out / f"attempt-{attempt}"  # a new directory: no deletions just before
        options = ExportOptions(out=directory, jobs=jobs)
        runs = [
            timed_export(settings, options, "first"),
            timed_export(settings, options, "again"),
        ]
        _touch_every_file(directory)
        runs.append(timed_export(settings, options, "rewrite"))
        changed_only = ExportOptions(out=directory, jobs=jobs, changed_only=True)
        runs.append(timed_export(settings, changed_only, "changed-only"))
        for run in runs:
            if run.kind not in best or run.seconds < best[run.kind].seconds:
                best[run.kind] = run
    shutil.rmtree(out, ignore_errors=True)
    return list(best.values())


@dataclass(frozen=True)
class DumpRun:
    format: str
    bytes: int
    seconds: float
    peak_rss_mb: float

    def line(self) -> str:
        return (
            f"dump {self.format:<6}: {self.bytes / 1e6:,.1f} MB in {self.seconds:.2f} s, "
            f"peak memory {self.peak_rss_mb:.0f} MB"
        )


def _high_water_mb(pid: int) -> float | None:
    """The process's peak resident memory so far (VmHWM), None once it has gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def measure_dump(settings: Settings, directory: Path) -> list[DumpRun]:
    """Dump the store in each format in a fresh process; its peak resident memory.

    The peak is read from ``/proc/PID/status`` (VmHWM) while the dump runs: the ``ru_maxrss``
    that ``wait4`` reports would include the memory of this (large) process, which Linux
    carries over into a child's count across fork and exec.
    """
    runs = []
    for name in DUMP_FORMATS:
        target = directory / f"dump.{name}"
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "newsgraph", "dump", "--quiet", "--store", str(settings.store),
             "--format", name, "--out", str(target)],
            cwd=ROOT,
        )  # fmt: skip
        peak = 0.0
        while process.poll() is None:
            peak = max(peak, _high_water_mb(process.pid) or 0.0)
            time.sleep(0.02)
        if process.returncode:
            raise RuntimeError(f"newsgraph dump --format {name} exited {process.returncode}")
        seconds = time.perf_counter() - started
        runs.append(DumpRun(name, target.stat().st_size, seconds, peak))
        target.unlink()
    return runs


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.export", description=__doc__)
    parser.add_argument("--corpus", type=Path, default=REUTERS)
    parser.add_argument("--jobs", type=int, action="append", help="repeatable; default 1 and 2")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=int, default=1, help="copies of the corpus to load")
    parser.add_argument("--dump", action="store_true", help="also measure dump memory")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        parser.error(f"{args.corpus} is absent (the Reuters corpus lives in ../shared/data)")
    with tempfile.TemporaryDirectory(prefix="bench-export-") as temporary:
        directory = Path(temporary)
        settings = build_store(args.corpus, directory, args.scale)
        exports = [
            run
            for jobs in args.jobs or [1, 2]
            for run in measure_export(settings, directory / "out", jobs, args.repeat)
        ]
        dumps = measure_dump(settings, directory) if args.dump else []
    load = os.getloadavg()
    if args.json:
        figures = {
            "corpus": str(args.corpus),
            "scale": args.scale,
            "cores": os.cpu_count(),
            "load_average": load,
            "export": [
                {**asdict(r), "articles_per_second": r.articles_per_second} for r in exports
            ],
            "dump": [asdict(r) for r in dumps],
        }
        print(json.dumps(figures, indent=2))
        return
    print(f"corpus {args.corpus.name} x{args.scale}; {os.cpu_count()} cores; "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")  # fmt: skip
    for line in [r.line() for r in exports] + [r.line() for r in dumps]:
        print(line)


if __name__ == "__main__":
    main()
