"""Input files → decoded JSON values, each with the place it came from.

``.json`` (one object or an array), ``.jsonl`` / ``.ndjson``, the same gzip-compressed
(``.gz``), directories (recursively, in sorted order) and ``-`` for standard input.

Locations are ``FILE:LINE`` for JSON Lines and single objects, and ``FILE:INDEX`` (0-based) for
the items of a JSON array. A line or item that cannot be decoded becomes a :class:`RecordError`
and the rest of the input is still read.
"""

from __future__ import annotations

import gzip
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson
from newsgraph.errors import RecordError

SUFFIXES = (".json", ".jsonl", ".ndjson")
_decoder = json.JSONDecoder()
_HUGE = 2.0**63


@dataclass(frozen=True, slots=True)
class Item:
    """One decoded value, or the error that stopped it from being decoded.

    Read with ``decode=False``, a JSON Lines item carries its line undecoded in ``line``
    (:func:`decode` turns it into a decoded item), so that decoding can happen elsewhere.
    """

    location: str
    raw: Any = None
    error: RecordError | None = None
    text: str | None = None
    line: bytes | None = None


class InputError(RecordError):
    """A path that cannot be read at all."""


def expand(paths: Iterable[str]) -> Iterator[str]:
    """Paths as given, with directories replaced by the input files under them."""
    for path in paths:
        if path == "-":
            yield path
            continue
        p = Path(path)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file() and _is_input(child):
                    yield str(child)
        elif p.exists():
            yield path
        else:
            raise InputError(path, None, "no such file or directory")


def _is_input(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return name.endswith(SUFFIXES)


def read(paths: Iterable[str], *, decode: bool = True) -> Iterator[Item]:
    for path in expand(paths):
        yield from read_one(path, decode=decode)


def read_one(path: str, *, decode: bool = True) -> Iterator[Item]:
    label = "<stdin>" if path == "-" else path
    try:
        stream = _open(path)
    except OSError as error:
        yield Item(label, error=RecordError(label, None, f"cannot read: {error.strerror}"))
        return
    yield from _read_stream(path, label, stream, decode)


def read_data(path: str, data: bytes, *, decode: bool = True) -> Iterator[Item]:
    """What :func:`read_one` reads from the file ``path``, given the bytes it holds (as read
    by another process: :mod:`graph.ingest.handed`); items are named after ``path``."""
    stream: IO[bytes] = io.BytesIO(data)
    if path.lower().endswith(".gz"):
        stream = gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[assignment]
    yield from _read_stream(path, path, stream, decode)


def _read_stream(path: str, label: str, stream: IO[bytes], decode: bool) -> Iterator[Item]:
    name = path.lower().removesuffix(".gz")
    with stream:
        try:
            if name.endswith((".jsonl", ".ndjson")):
                # Line by line: memory stays flat however long the file.
                yield from _lines(label, stream, decode)
                return
            data = stream.read()
        except (OSError, EOFError) as error:
            yield Item(label, error=RecordError(label, None, f"cannot read: {error}"))
            return
    if path == "-" and _looks_like_lines(data):
        yield from _lines(label, io.BytesIO(data), decode)
    else:
        yield from _document(label, data)


def read_stdin_data(data: bytes, *, decode: bool = True) -> Iterator[Item]:
    """What :func:`read_one` reads from standard input, given the bytes it held (gzip, JSON
    Lines or one JSON document)."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if _looks_like_lines(data):
        yield from _lines("<stdin>", io.BytesIO(data), decode)
    else:
        yield from _document("<stdin>", data)


def starts_lines(head: bytes) -> bool:
    """Whether input whose first line is ``head`` reads as JSON Lines (not gzip, not a
    document spread over lines)."""
    return head[:2] != b"\x1f\x8b" and _looks_like_lines(head)


def _open(path: str) -> IO[bytes]:
    if path == "-":
        raw = sys.stdin.buffer.read()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        return io.BytesIO(raw)
    if path.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _loads(text: str | bytes) -> Any:
    """``json.loads``, with a value nested too deeply to decode as a JSONDecodeError."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("values nested too deeply", "", 0) from None


def _raw_decode(text: str, position: int) -> tuple[Any, int]:
    try:
        return _decoder.raw_decode(text, position)
    except RecursionError:
        raise json.JSONDecodeError("values nested too deeply", text, position) from None


def _looks_like_lines(data: bytes) -> bool:
    first = data.lstrip()[:1]
    if first != b"{":
        return False
    line = data.lstrip().split(b"\n", 1)[0]
    try:
        _loads(line)
    except (ValueError, UnicodeDecodeError):
        return False
    return True


def _lines(label: str, stream: IO[bytes], decode: bool) -> Iterator[Item]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        location = f"{label}:{number}"
        line = line.removesuffix(b"\n")
        yield decode_line(location, line) if decode else Item(location, line=line)


def decode(item: Item) -> Item:
    """The item with its undecoded line (if any) decoded."""
    return item if item.line is None else decode_line(item.location, item.line)


def decode_line(location: str, line: bytes) -> Item:
    """One JSON Lines line → a decoded item, or one that carries why it could not be decoded.

    orjson reads the line when it can, and gives the values json gives, except that it reads
    integers past 64 bits as floats: a value holding so large a float is read again by json, as is
    a line orjson refuses (json then says why, in its words, or reads what orjson does not: NaN,
    lone surrogates, numbers out of range).
    """
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        pass
    else:
        if not _holds_huge_float(value):
            return Item(location, raw=value)
    return _decode_line_with_json(location, line)


def _holds_huge_float(value: Any) -> bool:
    """Whether a decoded value holds a float of magnitude 2**63 or more."""
    pending = [value]
    while pending:
        item = pending.pop()
        kind = type(item)
        if kind is dict:
            pending.extend(item.values())
        elif kind is list:
            pending.extend(item)
        elif kind is float and abs(item) >= _HUGE:
            return True
    return False


def _decode_line_with_json(location: str, line: bytes) -> Item:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        return Item(location, error=RecordError(location, None, _utf8_message(error)))
    try:
        value = _loads(text)
    except json.JSONDecodeError as error:
        message = f"invalid JSON: {error.msg} at column {error.colno}"
        return Item(location, error=RecordError(location, None, message), text=text)
    return Item(location, raw=value)


def _document(label: str, data: bytes) -> Iterator[Item]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        location = f"{label}:{line}"
        yield Item(location, error=RecordError(location, None, _utf8_message(error)))
        return
    start = _skip_space(text, 0)
    if text.startswith("[", start):
        yield from _array(label, text, start + 1)
        return
    try:
        value, end = _raw_decode(text, start)
    except json.JSONDecodeError as error:
        location = f"{label}:{error.lineno}"
        message = f"invalid JSON: {error.msg} at column {error.colno}"
        yield Item(location, error=RecordError(location, None, message))
        return
    location = f"{label}:{text.count(chr(10), 0, start) + 1}"
    if _skip_space(text, end) != len(text):
        message = "invalid JSON: unexpected data after the first value"
        yield Item(location, error=RecordError(location, None, message))
        return
    yield Item(location, raw=value)


def _array(label: str, text: str, position: int) -> Iterator[Item]:
    """Decode an array item by item, so that one bad record names its own index."""
    index = 0
    position = _skip_space(text, position)
    if text.startswith("]", position):
        return
    while True:
        location = f"{label}:{index}"
        try:
            value, position = _raw_decode(text, position)
        except json.JSONDecodeError as error:
            message = (
                f"invalid JSON in array item {index}: {error.msg} "
                f"(line {error.lineno}, column {error.colno}); the rest of the file is unreadable"
            )
            yield Item(location, error=RecordError(location, None, message))
            return
        yield Item(location, raw=value)
        index += 1
        position = _skip_space(text, position)
        if text.startswith(",", position):
            position = _skip_space(text, position + 1)
            continue
        if text.startswith("]", position) and _skip_space(text, position + 1) == len(text):
            return
        line = text.count("\n", 0, position) + 1
        message = f"invalid JSON after array item {index - 1}: expected ',' or ']' (line {line})"
        yield Item(f"{label}:{index}", error=RecordError(f"{label}:{index}", None, message))
        return


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _utf8_message(error: UnicodeDecodeError) -> str:
    return f"invalid UTF-8 at byte {error.start}"
