"""Files of checksummed records, and tables kept as a whole plus the changes appended since.

Each record is its length, the CRC-32 of its bytes, and a :mod:`marshal`-ed value; a reader
stops at the first record that a crash cut short or that is damaged (:func:`records`).

A :class:`Journal` keeps a few tables (dicts keyed by article IRI) under a tag (the stamp of the
pass that left them): one whole record, then one record per later save that changed only some
keys, chained by tag. So a batch into a large store writes what it changed, not every article's
entry again; the file is written whole again once the changes outweigh half of it.
``tests/test_journal.py`` checks that what is read back is what was saved, across torn and
damaged records.
"""

from __future__ import annotations

import marshal
import os
import struct
import zlib
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsgraph.linking import carry

__all__ = ["Journal", "record", "records", "write_atomically"]

#: A record's header: its length and the CRC-32 of its bytes.
_HEADER = struct.Struct(">II")


def record(value: Any) -> bytes:
    """``value`` as one record."""
    data = marshal.dumps(value)
    return _HEADER.pack(len(data), zlib.crc32(data)) + data


def records(data: bytes) -> Iterator[tuple[Any, int]]:
    """Each whole record's value, and the offset just past it, up to the first torn or
    damaged one."""
    offset = 0
    view = memoryview(data)  # a record's bytes are read in place, not copied
    while offset + _HEADER.size <= len(data):
        length, checksum = _HEADER.unpack_from(data, offset)
        start = offset + _HEADER.size
        body = view[start : start + length]
        if len(body) < length or zlib.crc32(body) != checksum:
            return
        try:
            value = marshal.loads(body)
        except (EOFError, ValueError, TypeError):
            return
        offset = start + length
        yield value, offset


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` whole (a crash leaves the old file or the new one)."""
    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


@dataclass
class _Read:
    """Where the file stood when this process last read or wrote it."""

    tag: str
    end: int
    whole: int


class Journal:
    """One file of tables: ``("whole", tag, tables)`` then ``("since", previous tag, tag,
    changes)``, each change a table's (updated entries, removed keys)."""

    def __init__(self, path: Path, tables: int) -> None:
        self.path = path
        self.tables = tables
        self._read: _Read | None = None

    def load(self) -> tuple[str, list[dict[Any, Any]]] | None:
        """The tag and tables of the last whole save (None: there is none); those this process
        saved last, without reading the file, while it is as that save left it
        (:mod:`graph.linking.carry`)."""
        self._read = None
        carried = carry.recall(self.path)
        if carried is not None:
            self._read = carried[2]
            return carried[0], carried[1]
        try:
            data = self.path.read_bytes()
        except OSError:
            return None
        tables: list[dict[Any, Any]] = []
        tag = ""
        whole = end = 0
        for value, offset in records(data):
            if not isinstance(value, tuple) or len(value) not in (3, 4):
                break
            if value[0] == "whole" and not end and len(value[2]) == self.tables:
                _kind, tag, tables = value
                whole = offset
            elif value[0] == "since" and end and value[1] == tag and len(value[3]) == self.tables:
                for table, (updated, removed) in zip(tables, value[3], strict=True):
                    for key in removed:
                        table.pop(key, None)
                    table.update(updated)
                tag = value[2]
            else:
                break
            end = offset
        if not end:
            return None
        self._read = _Read(tag, end, whole)
        return tag, tables

    def save(
        self, tag: str, tables: Sequence[Mapping[Any, Any]], changed: Collection[Any] | None = None
    ) -> None:
        """Keep ``tables`` under ``tag``. ``changed``: the only keys whose entries may differ
        from the tables :meth:`load` gave (None: any may) — then only they are appended. The
        caller changes none of ``tables`` after (a stream's next batch may take them)."""
        whole = [t if type(t) is dict else dict(t) for t in tables]
        read = self._read
        if changed is not None and read is not None and _size(self.path) == read.end:
            changes = [
                ({key: table[key] for key in changed if key in table},
                 [key for key in changed if key not in table])
                for table in whole
            ]  # fmt: skip
            data = record(("since", read.tag, tag, changes))
            if read.end - read.whole + len(data) <= read.whole // 2:
                with open(self.path, "ab") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                self._read = _Read(tag, read.end + len(data), read.whole)
                carry.remember(self.path, (tag, whole, self._read))
                return
        data = record(("whole", tag, whole))
        write_atomically(self.path, data)
        self._read = _Read(tag, len(data), len(data))
        carry.remember(self.path, (tag, whole, self._read))

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)
        self._read = None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return -1
