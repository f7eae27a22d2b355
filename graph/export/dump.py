"""``newsgraph dump``: the whole store in one file, streamed, for researchers.

| format   | what it holds                                                            |
|----------|--------------------------------------------------------------------------|
| `nq`     | N-Quads: every quad, with its graph (one article graph per article)      |
| `trig`   | TriG: the same, graph by graph                                           |
| `jsonld` | JSON-LD (expanded form, as pyoxigraph writes it), with the named graphs  |
| `ttl`    | Turtle: the union of all graphs as triples (Turtle has no named graphs)  |

N-Quads, TriG and JSON-LD come from :meth:`Store.dump`, which pyoxigraph streams from the
database as it reads it. Turtle is written from a streamed SELECT over the union graph; a
CONSTRUCT would not do, as it collects every triple first to drop duplicates (measured: 109 MB
for 200,000 quads, 656 MB for two million). Measured with ``python -m bench.export --dump``, a
dump of the Reuters store (74,000 quads) peaks at 85 MB resident in every format, and of five
times that at 105 MB: what grows is RocksDB's bounded caches, not a copy of the data.

Output goes to a temporary file beside ``--out`` that replaces it when complete, so an
interrupted dump never leaves a truncated file behind; ``gzip`` compresses on the way.
"""

from __future__ import annotations

import gzip
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.errors import ExportError
from newsgraph.store.base import Store
from newsgraph.vocab.namespaces import PREFIXES

FORMATS: dict[str, ox.RdfFormat] = {
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "ttl": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
}
#: File name endings that name a format, for ``--out`` without ``--format``.
SUFFIXES = {".nq": "nq", ".trig": "trig", ".ttl": "ttl", ".jsonld": "jsonld", ".json": "jsonld"}


def format_for(name: str | None, out: str | None) -> str:
    """The format asked for, else the one ``out``'s name implies, else N-Quads.

    >>> format_for(None, "dump.trig.gz"), format_for("ttl", "x.nq"), format_for(None, None)
    ('trig', 'ttl', 'nq')
    """
    if name is not None:
        if name not in FORMATS:
            raise ExportError(f"unknown dump format {name!r}; choose one of {', '.join(FORMATS)}")
        return name
    if out:
        path = Path(out)
        suffix = (
            path.suffixes[-2] if path.suffix == ".gz" and len(path.suffixes) > 1 else path.suffix
        )
        return SUFFIXES.get(suffix, "nq")
    return "nq"


class CountingWriter:
    """A binary writer that counts what passes through it."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.bytes = 0

    def write(self, data: bytes) -> int:
        self.bytes += len(data)
        return self.target.write(data)

    def flush(self) -> None:
        self.target.flush()


@contextmanager
def open_output(out: str | None, compress: bool) -> Iterator[CountingWriter]:
    """A writer for ``out`` (stdout when None), gzip-compressed when ``compress``."""
    if out is None:
        raw: IO[bytes] = sys.stdout.buffer
        temporary = None
    else:
        target = Path(out)
        if target.is_dir():
            raise ExportError(f"--out {out} is a directory; name a file")
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        raw = open(temporary, "wb")  # noqa: SIM115 - closed below
    try:
        if compress:
            with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as zipped:
                counter = CountingWriter(zipped)  # type: ignore[arg-type]
                yield counter
        else:
            counter = CountingWriter(raw)
            yield counter
        raw.flush()
    except BaseException:
        if temporary is not None:
            raw.close()
            temporary.unlink(missing_ok=True)
        raise
    if temporary is not None:
        raw.close()
        os.replace(temporary, out)  # type: ignore[arg-type]


def write_union_turtle(store: Store, output: IO[bytes]) -> None:
    """Every triple of every graph as Turtle, streamed."""
    rows = store.select(queries.load("dump-triples"))
    triples = (ox.Triple(row["s"], row["p"], row["o"]) for row in rows)  # type: ignore[arg-type]
    ox.serialize(triples, output, ox.RdfFormat.TURTLE, prefixes=PREFIXES)


@dataclass(frozen=True)
class DumpSummary:
    format: str
    bytes: int
    compressed: bool
    out: str | None
    seconds: float

    def line(self) -> str:
        where = self.out or "standard output"
        kind = "uncompressed bytes, gzip-compressed" if self.compressed else "bytes"
        return (
            f"dumped the store as {self.format}: {self.bytes} {kind}, to {where}; "
            f"{self.seconds:.2f} s"
        )


def dump(store: Store, name: str, out: str | None = None, compress: bool = False) -> DumpSummary:
    """Write the whole store in format ``name`` to ``out`` (a file; None for stdout)."""
    started = time.perf_counter()
    rdf_format = FORMATS[format_for(name, out)]
    with open_output(out, compress) as output:
        if rdf_format.supports_datasets:
            store.dump(output, rdf_format)  # type: ignore[arg-type]
        else:
            write_union_turtle(store, output)  # type: ignore[arg-type]
    return DumpSummary(name, output.bytes, compress, out, time.perf_counter() - started)
