"""Reading what a remote server would cut: every quad, and every row of a named query.

A dump through queries cannot page with ``ORDER BY … LIMIT … OFFSET``: Virtuoso refuses a sort
whose ``OFFSET + LIMIT`` passes 10,000 rows (``SR353``, its ``MaxSortedTopRows``), and cuts every
answer at its ``ResultSetMaxRows``. So the quads are read graph by graph:

1. the graphs' names in one unsorted answer; where the server cut it, page by page in the order
   of their IRIs' text, each page starting after the last IRI of the one before (never an
   ``OFFSET``);
2. the quads of a few graphs per request (bound with ``VALUES``), unsorted, with a ``LIMIT``:
   an answer that reaches it (or that the server says it cut) is asked again for half the
   graphs;
3. a single graph too large for one answer by subject range: a page of its subjects in the
   order of their text, after the last whole subject of the page before.

Each request's sort, where there is one, stays within the page size, and no answer is taken
whole unless it is. ``tests/test_remote_dump.py`` dumps past 10,000 quads from Virtuoso.

Every row of a named query (:func:`every_row`: the summaries' statements, every article's
digest, linking's store-wide reads, ``cooccur``'s lists) comes in one answer, or, past the
server's cap, in ranges of the hash buckets of the query's subjects (the first four hex digits
of the MD5 of their IRIs): each range one scan, sized to a share of the cap, halved where it is
cut all the same (``tests/test_remote_summaries.py``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.errors import StoreError
from newsgraph.store.base import Row
from newsgraph.store.remote import answers
from newsgraph.store.remote.server import Server

__all__ = ["PAGE", "count", "every_row", "graph_names", "quad_pages"]

#: Rows asked for per request (within Virtuoso's default ``ResultSetMaxRows``).
PAGE = 10_000
#: Graphs asked for in one request at first, and at most, for their quads.
GRAPHS_PER_REQUEST = 200
#: Hash buckets of a query's subjects (the first four hex digits of an MD5)…
BUCKETS = 16**4
#: … and the share of the server's cap that one range of them is sized to hold.
RANGE_FILL = 0.85


def _rows(server: Server, text: str) -> tuple[list[Row], int | None]:
    """The rows of a SELECT, as :meth:`Server.select_rows` gives them, and the row limit at
    which the server cut it (None: not cut)."""
    dialect = server.dialect
    reply = server.query(text, accept=answers.SOLUTIONS_ACCEPT)
    what = f"query to {server.query_url}"
    rows = answers.parse_solutions(reply.body, what, dialect.normalise, dialect.visible)[1]
    return dialect.fix_rows(text, rows), dialect.row_cap(reply.headers)


def _page_size(cap: int | None, page: int) -> int:
    """The page to ask for once the server cut an answer at ``cap`` (0: it did not say)."""
    if cap and cap < page:
        return cap
    return max(1, page // 2)


def graph_names(server: Server) -> list[ox.NamedNode]:
    """Every named graph the server's dataset holds, sorted by IRI."""
    rows, cap = _rows(server, queries.bind("remote-graph-names"))
    if cap is None:
        return sorted(
            (g for row in rows if isinstance(g := row.get("g"), ox.NamedNode)),
            key=lambda node: node.value,
        )
    found: list[ox.NamedNode] = []
    page, after = _page_size(cap, PAGE), ""
    while True:
        text = queries.bind("remote-graph-names-after", {"after": ox.Literal(after)}, limit=page)
        rows, cut = _rows(server, text)
        if cut is not None and len(rows) >= page > 1:
            page = _page_size(cut, page)
            continue
        names = [g for row in rows if isinstance(g := row.get("g"), ox.NamedNode)]
        found += names
        if len(rows) < page or not names:
            return found
        after = names[-1].value


def quad_pages(
    server: Server, graphs: Sequence[ox.NamedNode] | None = None
) -> Iterator[list[ox.Quad]]:
    """Every quad of ``graphs`` (None: every named graph), a few graphs at a time."""
    if graphs is None:
        graphs = graph_names(server)
    start, width = 0, GRAPHS_PER_REQUEST
    while start < len(graphs):
        chosen = graphs[start : start + width]
        text = queries.bind("remote-graph-quads", {"g": chosen}, limit=PAGE)
        rows, cap = _rows(server, text)
        if cap is not None or len(rows) >= PAGE:
            if len(chosen) > 1:
                width = max(1, len(chosen) // 2)
                continue
            yield from _subject_pages(server, chosen[0])
        else:
            yield [
                ox.Quad(row["s"], row["p"], row["o"], row["g"])  # type: ignore[arg-type]
                for row in rows
            ]
            width = min(GRAPHS_PER_REQUEST, width * 2)
        start += len(chosen)


def every_row(
    server: Server, name: str, bound: Mapping[str, queries.Value], total: int
) -> Iterator[list[Row]]:
    """Every row of the named query ``name`` (about ``total`` rows, counted by the caller),
    whatever the server's answer cap: one answer where the server gives it whole, else in
    ranges of :data:`BUCKETS` of the subjects' hash buckets, which ``name`` selects when its
    optional ``low`` and ``high`` are bound (``summary-statements``, ``article-hashes``).

    Past the cap the dialect knows (Virtuoso cuts every answer at 1,048,576 rows, whatever its
    ``ResultSetMaxRows``) the one answer is not asked for. Each range is sized to
    :data:`RANGE_FILL` of the cap and halved where the server cuts it all the same; each is one
    scan of what the query reads, never a sort."""
    known = server.dialect.answer_rows_cap
    if known is not None and total >= known:
        yield from _hash_ranges(server, name, bound, known, total)
        return
    rows, cap = _rows(server, queries.bind(name, bound))
    if cap is None:
        yield rows
        return
    del rows
    yield from _hash_ranges(server, name, bound, cap, total)


def count(server: Server, text: str) -> int:
    """The one number a counting query answers (0 where it answers none)."""
    rows = _rows(server, text)[0]
    value = next(iter(rows[0].values()), None) if rows else None
    return int(value.value) if isinstance(value, ox.Literal) and value.value.isdigit() else 0


def _hash_ranges(
    server: Server, name: str, bound: Mapping[str, queries.Value], cap: int, total: int
) -> Iterator[list[Row]]:
    """The rows of ``name`` range by range of :data:`BUCKETS` (see :func:`every_row`). A
    server that cuts a range at a lower cap than the one they were sized for has the rest
    sized again for it."""
    page = cap or PAGE
    ranges = _split(0, BUCKETS, total, page)
    while ranges:
        low, high = ranges.pop(0)
        ranged = {**bound, "low": ox.Literal(_bucket(low) if low else ""),
                  "high": ox.Literal(_bucket(high) if high < BUCKETS else "g")}  # fmt: skip
        rows, cut = _rows(server, queries.bind(name, ranged, limit=page))
        if cut is None and len(rows) < page:
            yield rows
        elif cut and cut < page:
            page = cut
            ranges = _split(low, BUCKETS, total * (BUCKETS - low) // BUCKETS, page)
        elif high - low > 1:
            middle = (low + high) // 2
            ranges[:0] = [(low, middle), (middle, high)]
        else:
            raise StoreError(
                f"{server.query_url}: the subjects of hash bucket {_bucket(low)} give {page:,} "
                f"rows or more of {name}, more than one answer of the server may hold; raise "
                "its row limit (Virtuoso: ResultSetMaxRows)"
            )


def _split(low: int, high: int, rows: int, page: int) -> list[tuple[int, int]]:
    """Buckets ``low`` to ``high`` (about ``rows`` rows) in equal ranges, each sized to
    :data:`RANGE_FILL` of ``page`` rows.

    >>> _split(0, 16, 100, 40)  # 34 rows a range: three ranges
    [(0, 5), (5, 10), (10, 16)]
    """
    parts = min(high - low, max(1, -(-rows // max(1, int(page * RANGE_FILL)))))
    width = high - low
    return [
        (low + width * part // parts, low + width * (part + 1) // parts) for part in range(parts)
    ]


def _bucket(number: int) -> str:
    """A hash bucket's text: four hex digits, as the query cuts them from an MD5."""
    return f"{number:04x}"


def _subject_pages(server: Server, graph: ox.NamedNode) -> Iterator[list[ox.Quad]]:
    """One graph, page by page of whole subjects in the order of their text."""
    page, after = PAGE, ""
    while True:
        text = queries.bind("remote-subject-page", {"g": graph, "after": ox.Literal(after)},
                            limit=page)  # fmt: skip
        rows, cap = _rows(server, text)
        if cap is not None and len(rows) >= page > 1 and cap < page:
            page = cap
            continue
        if len(rows) < page:
            yield _quads(rows, graph)
            return
        last = _text(rows[-1]["s"])
        whole = [row for row in rows if _text(row["s"]) != last]
        if not whole:
            raise StoreError(
                f"{server.query_url}: graph {graph.value} holds more than {page:,} statements "
                f"about {last}, more than one answer of the server may hold; raise its row "
                "limit (Virtuoso: ResultSetMaxRows) to dump it"
            )
        yield _quads(whole, graph)
        after = _text(whole[-1]["s"])


def _text(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal) else str(term)


def _quads(rows: Sequence[Row], graph: ox.NamedNode) -> list[ox.Quad]:
    return [ox.Quad(row["s"], row["p"], row["o"], graph) for row in rows]  # type: ignore[arg-type]
