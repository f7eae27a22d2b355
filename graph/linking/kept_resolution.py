"""What a resolution kept (:class:`~graph.linking.resolve.Kept`), written down for the next
process.

A stream hands its next batch the kept parts in memory (:mod:`graph.linking.carry`). A one-off
``newsgraph ingest`` — a cron job every minute, a batch handed to a running server — starts a
new process, and without these parts resolves every list of the store again (at a million
articles, most of such a batch's time). So a pass writes them to ``kept-resolution.bin`` beside
``inputs.bin``, under the tag the inputs were saved under (the pass's stamp,
:mod:`graph.linking.stamp`: it names the records, overrides, reconciliations and rules they
were resolved from); the next process takes them only under the same tag, where they are
exactly what a resolution of those inputs keeps. A stream writes them once, when it ends.

The file is two checksummed records (:func:`graph.linking.journal.record`): the format and the
tag, then the parts pickled. The pickle is read by an unpickler that builds only the classes
the parts are made of (:data:`_CLASSES`), so a file from elsewhere can at worst be refused; a
file cut short, damaged, of another format or another tag is refused the same way, and the
pass resolves from scratch (never a wrong answer: the tag says what the parts describe).

``tests/test_resolve_since.py``: resolutions whose kept parts went through the file between
batches equal those from scratch; ``tests/test_linking_carry.py``: a one-off batch takes the
parts the last process wrote, and not those of another tag.
"""

from __future__ import annotations

import copyreg
import io
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsgraph.linking.entities import Drafts
from newsgraph.linking.journal import record, records
from newsgraph.linking.listing import Listing
from newsgraph.linking.mentions import ShortFormLinks
from newsgraph.linking.resolve import Kept
from newsgraph.store.locks import process_alive

__all__ = ["forget", "read", "write"]

#: Changes when the parts' classes change in a way an older file cannot be read into.
FORMAT = "kept-resolution 1"
#: (module, name) of every class the parts are made of.
_CLASSES = {
    ("collections", "Counter"),
    ("newsgraph.linking.entities", "Drafts"),
    ("newsgraph.linking.entities", "Entity"),
    ("newsgraph.linking.listing", "Listing"),
    ("newsgraph.linking.listing", "_Tongues"),
    ("newsgraph.linking.mentions", "ShortFormLinks"),
    ("newsgraph.linking.resolve", "Kept"),
}


class _Parts(pickle.Unpickler):
    """Builds the parts' own classes, refuses any other."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _CLASSES:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a kept resolution")
        return super().find_class(module, name)


def _leaving_out(**blanks: Any) -> Callable[[object], tuple[Any, ...]]:
    """A reducer that writes an object down with some fields blank: a listing without the lists
    and languages it counted (the corpus's, ``inputs.bin``: :meth:`Listing.advance` hands them
    back) and without its index of every form's articles (made again when asked); drafts and short-form links without what they keep in memory only (a resolution from
    parts without them finds them again for every form)."""

    def reduce(part: object) -> tuple[Any, ...]:
        state = {**vars(part), **blanks}
        return (copyreg.__newobj__, (type(part),), state)  # type: ignore[attr-defined]

    return reduce


def _pickled(kept: Kept) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {
        **copyreg.dispatch_table,
        Listing: _leaving_out(lists={}, _langs=None, _index=None),
        Drafts: _leaving_out(shares={}, tallies={}, basis=None, defined=None, keys=None),
        ShortFormLinks: _leaving_out(
            prefixes=None, longer=None, surnames=None, roots=None, default=None, story=None
        ),
        Kept: _leaving_out(
            names=None, components=None, text=None, defaults=None, story_keys=None, token=None
        ),
    }
    pickler.dump(kept)
    return buffer.getvalue()


def write(path: Path, tag: str, kept: Kept) -> None:
    """Keep ``kept`` as what the resolution of the inputs saved under ``tag`` kept. A stream
    writes when it ends, outside the linking cache's lock: each writer writes a file of its
    own and moves it in place, so the file is always one writer's whole; the files of writers
    killed part-way are removed by the next (``tests/test_resolve_since.py``)."""
    parts = _pickled(kept)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        with open(partial, "wb") as handle:
            handle.write(record((FORMAT, tag)))
            handle.write(record(parts))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    _sweep(path, lambda pid: not process_alive(pid))


def forget(path: Path) -> None:
    """Remove the file, and what writers left."""
    path.unlink(missing_ok=True)
    _sweep(path, lambda _pid: True)


def _sweep(path: Path, gone: Callable[[int], bool]) -> None:
    """Remove the files of writers ``gone`` says are (a writer killed part-way leaves its own)."""
    for partial in path.parent.glob(f"{path.name}.*.partial"):
        pid = partial.name[len(path.name) + 1 : -len(".partial")]
        if not pid.isdigit() or gone(int(pid)):
            partial.unlink(missing_ok=True)


def read(path: Path, tag: str) -> Kept | None:
    """The parts kept under ``tag``; None where the file holds none (or another tag's)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    found = records(data)
    head = next(found, None)
    if head is None or head[0] != (FORMAT, tag):
        return None
    body = next(found, None)
    if body is None or not isinstance(body[0], bytes):
        return None
    try:
        kept = _Parts(io.BytesIO(body[0])).load()
    except (pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
        return None
    return kept if isinstance(kept, Kept) else None
