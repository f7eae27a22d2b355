"""Listings: rows under named columns, written as a table, CSV, TSV or JSON — each format one way.

Every command that prints rows (``entities``, ``stats``, ``settings``, ``query --list``, the table
of ``query``, and ``cooccur``'s table, CSV and TSV) hands its rows here, so a format means the same
thing everywhere:

- ``table``: a rich table. On a terminal long cells fold onto more lines; anywhere else (a pipe,
  a file) the table is as wide as its widest cells, so that an IRI is never cut or ellipsised.
- ``csv``: RFC 4180 by the stdlib's ``csv`` module (a header row, ``\\r\\n`` line ends).
- ``tsv``: the same with tabs and ``\\n`` line ends (``csv.reader(..., dialect="excel-tab")``
  reads it back).
- ``json``: an array of objects, one per row, keys in column order, values as the rows hold them.

A cell is the row's value as text: nothing for None, ``true``/``false``, a float in Python's
shortest round-trip form. Tested in tests/test_cli_formats.py (every command × every format read
back with the stdlib and compared with the table and an independent oracle).

>>> rows = [{"entity": "http://x/e/1", "articles": 2, "share": 0.5, "note": None}]
>>> print(text(Listing(("entity", "articles", "share", "note"), rows), "csv"), end="")
entity,articles,share,note
http://x/e/1,2,0.5,
>>> print(text(Listing(("entity", "articles"), rows), "json"))
[
  {
    "entity": "http://x/e/1",
    "articles": 2
  }
]
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

__all__ = ["FORMATS", "Listing", "cell", "print_table", "table", "text", "write"]

FORMATS = ("table", "csv", "tsv", "json")
#: The width a table may take where no terminal limits it: wider than any row it will hold.
UNLIMITED = 1_000_000


@dataclass(frozen=True)
class Listing:
    """Rows (mappings) and the columns to write of them, in order.

    ``headings`` are what the table heads its columns with when they differ from the column names
    (CSV, TSV and JSON always use the column names); ``title`` and ``caption`` are the table's.
    """

    columns: tuple[str, ...]
    rows: Sequence[Mapping[str, Any]]
    headings: tuple[str, ...] | None = None
    title: str | None = None
    caption: str | None = None


def cell(value: Any) -> str:
    """A value as one cell's text.

    >>> [cell(v) for v in (None, True, 3, 0.1, "x")]
    ['', 'true', '3', '0.1', 'x']
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def table(listing: Listing) -> Table:
    """The listing as a rich table; cells are plain text (no markup), folded where they must."""
    headings = listing.headings or listing.columns
    result = Table(title=listing.title, caption=listing.caption)
    for heading in headings:
        result.add_column(Text(heading), overflow="fold")
    for row in listing.rows:
        result.add_row(
            *(Text(cell(row.get(column)), overflow="fold") for column in listing.columns)
        )
    return result


def print_table(rendered: Table, file: IO[str] | None = None) -> None:
    """Print a table to ``file`` (standard output by default), never cutting a cell.

    On a terminal the table fits the terminal's width, folding long cells; elsewhere it takes
    the width its cells need, each row on one line.
    """
    stream = file if file is not None else sys.stdout
    terminal = stream.isatty()
    console = Console(
        file=stream, highlight=False, emoji=False, width=None if terminal else UNLIMITED
    )
    console.print(rendered)


def text(listing: Listing, fmt: str) -> str:
    """The listing as CSV, TSV or JSON text."""
    if fmt == "json":
        objects = [{column: row.get(column) for column in listing.columns} for row in listing.rows]
        return json.dumps(objects, indent=2, ensure_ascii=False) + "\n"
    if fmt not in ("csv", "tsv"):
        raise ValueError(f"no text format {fmt!r}")
    buffer = io.StringIO(newline="")
    if fmt == "csv":
        writer = csv.writer(buffer, lineterminator="\r\n")
    else:
        writer = csv.writer(buffer, dialect="excel-tab", lineterminator="\n")
    writer.writerow(listing.columns)
    for row in listing.rows:
        writer.writerow([cell(row.get(column)) for column in listing.columns])
    return buffer.getvalue()


def write(listing: Listing, fmt: str, file: IO[str] | None = None) -> None:
    """Write the listing as ``fmt`` (one of :data:`FORMATS`) to ``file`` (standard output)."""
    if fmt == "table":
        print_table(table(listing), file)
        return
    stream = file if file is not None else sys.stdout
    stream.write(text(listing, fmt))
    stream.flush()
