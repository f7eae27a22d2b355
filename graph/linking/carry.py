"""What one batch of a stream hands the next: the linking cache's tables, kept in memory.

A batch into a linked store reads the tables the last pass left (every article's record digest,
names and language, the resolution's tables, the entities' digests) and writes them back
changed. At a million articles reading them takes longer than the rest of a small batch. An
ingest that commits batch after batch in one process (standard input, ``--watch``) need not read
again what it has just written: inside :func:`carrying`, each table written is kept with the
identity of the file it went to (device, inode, size, modification time), and the next read of
that file takes it instead of decoding the file, as long as the file is still the one this
process left. What was derived from a file may be kept beside it under another *part*: the
resolution's :class:`~graph.linking.resolve.Kept` parts go with ``inputs.bin``, the inputs they
resolved, so that the next batch's resolution reads only the lists the batch changed.

A table is *taken*, never shared: :func:`recall` hands it over and forgets it, and only the next
:func:`remember` keeps a table again. A batch that fails after changing a table it took (the
caller changes them in place) therefore leaves nothing behind, and the next batch reads the file.
A file that another process wrote since (another ingest, a relink) has another identity, so
it is read. Outside :func:`carrying` nothing is kept: a one-off run holds nothing after it ends.
A value may come with a way to write it down (``keep``), which the outermost :func:`carrying`
calls when it ends, for what is still held and still goes with its file: a stream writes once
what a one-off run writes every time (:mod:`graph.linking.kept_resolution`).

A server that runs handed ingests (:mod:`graph.ingest.handed`) carries for as long as it
serves; before it lends its store to another writer, :func:`settle` writes down what it holds
and lets it all go (the borrower will change the files).

``tests/test_linking_carry.py``: a stream's second batch reads none of the tables, and its
store equals a from-scratch ingest; a write by another process in between, or a failed batch,
makes the next one read the files again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

__all__ = ["active", "carrying", "recall", "remember", "settle"]

Identity = tuple[int, int, int, int]

#: A way to write a held value down when carrying ends.
Keep = Callable[[Any], None]
#: (path, part) → (the identity of the file when the value was kept, the value, how to write
#: it down); None: not carrying.
_held: dict[tuple[Path, str], tuple[Identity, Any, Keep | None]] | None = None


@contextmanager
def carrying() -> Iterator[None]:
    """Keep the tables written inside this block for the reads that follow them; at the end of
    the outermost block, write down those that came with a ``keep``."""
    global _held
    outer = _held
    _held = {} if outer is None else outer
    try:
        yield
    finally:
        held, _held = _held, outer
        if outer is None:
            _keep_all(held)


def active() -> bool:
    """Whether tables are carried (inside :func:`carrying`): what a pass keeps then lives on
    into the next batches (:func:`newsgraph.collector.paused` with ``keep``)."""
    return _held is not None


def settle() -> None:
    """Write down what is held (as the end of :func:`carrying` would) and forget it all: another
    process is about to write the files (a server lending its store, after handed batches).
    Outside :func:`carrying`, nothing."""
    if _held is None:
        return
    held = dict(_held)
    _held.clear()
    _keep_all(held)


def _keep_all(held: dict[tuple[Path, str], tuple[Identity, Any, Keep | None]]) -> None:
    for (path, _part), (identity, value, keep) in held.items():
        if keep is not None and identity == _identity(path):
            _write_down(keep, value)


def _write_down(keep: Keep, value: Any) -> None:
    with suppress(OSError):  # what is written down is a cache: without it the next run does more
        keep(value)


def remember(path: Path, value: Any, part: str = "", keep: Keep | None = None) -> None:
    """``value`` was just written to ``path`` (and the caller will not change it again);
    ``part`` names one of several values kept with the same file (what was derived from it).
    ``keep`` writes it down, if the block ends while it is held and ``path`` unchanged; outside
    :func:`carrying` it is called at once."""
    if _held is None:
        if keep is not None:
            _write_down(keep, value)
        return
    identity = _identity(path)
    if identity is None:
        _held.pop((path, part), None)
    else:
        _held[(path, part)] = (identity, value, keep)


def recall(path: Path, part: str = "") -> Any | None:
    """The value last remembered for ``path`` (and ``part``), taken (the caller may change it),
    while the file is the one it was written to; else None (read the file)."""
    if _held is None:
        return None
    found = _held.pop((path, part), None)
    if found is None or found[0] != _identity(path):
        return None
    return found[1]


def _identity(path: Path) -> Identity | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)
