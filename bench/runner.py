"""``python -m bench [PART ...]``: run benchmark parts and write their table.

Parts are registered by name in :data:`PARTS` as ``module:function``; the function takes the
run's :class:`bench.context.Context` and returns a list of :class:`bench.report.Figure`.
A part whose module or function does not exist yet is reported as "not yet available" —
never estimated.

The table goes to the terminal and to ``bench/results/<date>-<size>.md``, with the machine,
versions and corpus it was measured on.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bench import corpus, installed
from bench.context import Context, Options
from bench.report import Figure, table

__all__ = ["PARTS", "main", "resolve", "run_parts"]

#: name → "module:function", in the order a full run measures them.
PARTS: dict[str, str] = {
    "ingest": "bench.parts.ingest:run",
    "queries": "bench.parts.queries:run",
    "throughput": "bench.parts.throughput:run",
    "memory": "bench.parts.memory:run",
    "cooccur": "bench.parts.cooccur:run",
    "trends": "bench.parts.trends:run",
    "export": "bench.parts.export:run",
    "trickle": "bench.parts.trickle:run",
    "search": "bench.parts.search:run",
}
RESULTS = Path(__file__).resolve().parent / "results"

Part = Callable[[Context], list[Figure]]


def resolve(name: str) -> Part | str:
    """The part's function, or why it is not available."""
    module_name, _, function_name = PARTS[name].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name == module_name:
            return f"not yet available ({module_name.replace('.', '/')}.py does not exist)"
        raise
    function = getattr(module, function_name, None)
    if not callable(function):
        return f"not yet available ({module_name} has no {function_name}(context))"
    part: Part = function
    return part


def run_parts(names: Sequence[str], options: Options, say: Callable[[str], None]) -> list[Figure]:
    figures: list[Figure] = []
    ctx = Context(options)
    try:
        for name in names:
            part = resolve(name)
            if isinstance(part, str):
                figures.append(Figure(name, "–", None, "", True, notes=[part]))
                say(f"{name}: {part}")
                continue
            started = time.perf_counter()
            say(f"{name}: measuring …")
            try:
                found = part(ctx)
            except Exception as error:  # a failed part is reported, and the others still run
                say(traceback.format_exc())
                found = [Figure(name, "–", None, "", True, notes=[f"failed: {error}"])]
            figures.extend(found)
            say(f"{name}: done in {time.perf_counter() - started:.0f} s")
    finally:
        ctx.close()
    return figures


def header(options: Options, facts_corpus: str, seconds: float) -> str:
    versions = ", ".join(
        f"{package} {_version(package)}" for package in ("pyoxigraph", "rdflib", "rdflib-endpoint")
    )
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"# newsgraph benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n\n"
        f"- corpus: `{Path(facts_corpus).name}`; runs per figure: {options.runs}; requests per query: {options.requests}\n"
        f"- machine: {os.cpu_count()} cores, load average {load} at the end; Python "
        f"{platform.python_version()}; {versions}; commit {commit}; {seconds:.0f} s in all\n"
        "- newsgraph: median of the runs (spread: lowest – highest). floor: raw pyoxigraph, "
        "no newsgraph code. peer: rdflib in memory, served by rdflib-endpoint.\n"
        "- × floor, × peer: newsgraph's speed relative to the baseline (rates: newsgraph ÷ "
        "baseline; times and memory: baseline ÷ newsgraph), so above 1 means newsgraph is "
        "better. Ratios within one run hold; absolute figures drift on a shared machine.\n"
        "- newsgraph's modules are compiled to bytecode first, as `pip install` does "
        "(bench/installed.py).\n\n"
    )


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("parts", nargs="*", metavar="PART",
                        help=f"parts to run (default: all): {', '.join(PARTS)}")  # fmt: skip
    parser.add_argument("--size", default="100k", help="synthetic corpus size: 10k, 100k, 1m or N")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--corpus", type=Path, help="measure this corpus file instead (JSONL)")
    parser.add_argument("--runs", type=int, help="runs per figure (default 3)")
    parser.add_argument("--requests", type=int, help="requests per query (default 30)")
    parser.add_argument("--peer-limit", type=float, help="seconds the peer may take (default 60)")
    parser.add_argument("--no-peer", action="store_true", help="skip the rdflib peer")
    parser.add_argument("--quick", action="store_true", help="a smoke test on a tiny corpus")
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory for the table")
    parser.add_argument("--workdir", type=Path, help="where stores are built (default: temp)")
    return parser


def options_from(args: argparse.Namespace) -> Options:
    given = {
        "seed": args.seed,
        "runs": args.runs,
        "requests": args.requests,
        "peer_limit": args.peer_limit,
        "corpus_path": args.corpus,
        "workdir": args.workdir,
        "peer": not args.no_peer,
    }
    if not args.quick or args.size != "100k":
        given["size"] = corpus.parse_size(args.size)
    chosen = {key: value for key, value in given.items() if value is not None}
    return Options.quick(**chosen) if args.quick else Options(**chosen)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    unknown = [name for name in args.parts if name not in PARTS]
    if unknown:
        parser.error(f"unknown part {unknown[0]!r}; known: {', '.join(PARTS)}")
    try:
        options = options_from(args)
    except ValueError as error:
        parser.error(str(error))
    names = args.parts or list(PARTS)
    installed.compile_package()
    started = time.perf_counter()
    figures = run_parts(names, options, lambda line: print(line, file=sys.stderr, flush=True))
    corpus_name = str(
        options.corpus_path
        or f"corpus-{options.size}-seed{options.seed}-v{corpus.VERSION}.jsonl.gz (synthetic)"
    )
    text = header(options, corpus_name, time.perf_counter() - started) + table(figures)
    args.out.mkdir(parents=True, exist_ok=True)
    label = "quick" if args.quick else f"{options.size}"
    path = args.out / f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{label}.md"
    path.write_text(text, encoding="utf-8")
    print(text)
    print(f"written to {path}", file=sys.stderr)
    return 0
