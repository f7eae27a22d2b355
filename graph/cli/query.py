"""``newsgraph query``: run SPARQL on the store, a named query, or any endpoint.

``--format json|csv|tsv`` write the SPARQL results formats (turtle, N-Triples or JSON-LD for a
graph); the table and ``--list`` in every format go through :mod:`graph.cli.listing`.
Tested in tests/test_cli.py and tests/test_cli_formats.py.
"""

from __future__ import annotations

import argparse
import json
import sys

from newsgraph import queries
from newsgraph.cli import listing
from newsgraph.cli.common import add_store_flags, out, settings_from
from newsgraph.errors import QueryError
from newsgraph.sparql import QueryRequest, results, sparqltext
from newsgraph.sparql.client import query_endpoint
from newsgraph.store import open_store

FORMATS = ("table", "json", "csv", "tsv", "turtle")
#: The columns of ``--list``.
LIST_COLUMNS = ("name", "title", "parameters")
#: --format → media type per result kind (None: that kind cannot be shown so).
MEDIA_TYPES: dict[str, dict[str, str | None]] = {
    "table": {"solutions": results.JSON, "boolean": results.JSON, "graph": "text/turtle"},
    "json": {"solutions": results.JSON, "boolean": results.JSON, "graph": "application/ld+json"},
    "csv": {"solutions": results.CSV, "boolean": results.CSV, "graph": "application/n-triples"},
    "tsv": {"solutions": results.TSV, "boolean": results.TSV, "graph": "application/n-triples"},
    "turtle": {"solutions": None, "boolean": None, "graph": "text/turtle"},
}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("query", help="run a SPARQL query (text, file, or --name)")
    parser.add_argument("sparql", nargs="?", help="the query text, @FILE, or - for stdin")
    parser.add_argument("--format", "-f", choices=FORMATS, default="table")
    parser.add_argument("--endpoint", help="query this SPARQL endpoint instead of the store")
    parser.add_argument("--name", help="run a named query (see --list)")
    parser.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE",
        help="bind a named query's parameter (an IRI, or text)",
    )  # fmt: skip
    parser.add_argument("--list", action="store_true", help="list the named queries")
    add_store_flags(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.list:
        return _print_list(args.format)
    text = _query_text(args)
    if args.endpoint:
        body = query_endpoint(args.endpoint, text, _endpoint_format(args.format, text))
        return _print(body, args.format, _kind_of(text))
    settings = settings_from(args)
    with open_store(settings) as store:
        response = store.execute(QueryRequest(text, media_types=MEDIA_TYPES[args.format]))
    return _print(response.body, args.format, response.kind)


def _query_text(args: argparse.Namespace) -> str:
    """The query to run: the named query or the text given, its ``--param`` values bound."""
    bindings: dict[str, str] = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise QueryError(f"--param {item!r}: expected NAME=VALUE")
        bindings[name] = value
    if args.name:
        return queries.bind(args.name, _resolved(args, bindings) if bindings else bindings)
    if not args.sparql:
        raise QueryError("give a query text, @FILE, - for stdin, or --name")
    if args.sparql == "-":
        text = sys.stdin.read()
    elif args.sparql.startswith("@"):
        with open(args.sparql[1:], encoding="utf-8") as handle:
            text = handle.read()
    else:
        text = args.sparql
    return queries.bind(text, bindings) if bindings else text


def _resolved(args: argparse.Namespace, bindings: dict[str, str]) -> dict[str, str]:
    """The named query's parameters as typed (IRIs, names, slugs), resolved in the store that
    is queried, the endpoint's with ``--endpoint`` (:func:`graph.resolve.resolve_params`)."""
    from newsgraph.resolve import resolve_params

    settings = settings_from(args)
    if args.endpoint:
        settings = settings.model_copy(update={"store": args.endpoint})
    with open_store(settings) as store:
        return resolve_params(store, args.name, bindings, settings.minter)


def _kind_of(text: str) -> str:
    form = sparqltext.query_form(text)
    return {"ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}.get(
        form or "", "solutions"
    )


def _endpoint_format(fmt: str, text: str) -> str:
    kind = _kind_of(text)
    if kind == "graph":
        return {"json": "jsonld", "csv": "turtle", "tsv": "turtle"}.get(fmt, "turtle")
    if fmt == "turtle":
        raise QueryError("--format turtle is for CONSTRUCT and DESCRIBE queries")
    return "json" if fmt == "table" else fmt


def _print(body: bytes, fmt: str, kind: str) -> int:
    if fmt != "table" or kind == "graph":
        sys.stdout.buffer.write(body)
        if not body.endswith(b"\n"):
            sys.stdout.buffer.write(b"\n")
        return 0
    data = json.loads(body)
    if kind == "boolean" or "boolean" in data:
        out.print("true" if data["boolean"] else "false")
        return 0
    names = tuple(data["head"]["vars"])
    rows = [{name: _cell(row.get(name)) for name in names} for row in data["results"]["bindings"]]
    listing.write(listing.Listing(names, rows), "table")
    out.print(f"{len(rows)} row(s)", style="dim")
    return 0


def _print_list(fmt: str) -> int:
    """The named queries: name, title and the parameters they take (space-separated)."""
    if fmt not in listing.FORMATS:
        raise QueryError(f"--format {fmt}: --list writes {', '.join(listing.FORMATS)}")
    rows = []
    for name in queries.names(public_only=True):
        named = queries.get(name)
        rows.append({"name": name, "title": named.title, "parameters": " ".join(named.params)})
    listing.write(listing.Listing(LIST_COLUMNS, rows), fmt)
    return 0


def _cell(binding: dict[str, str] | None) -> str:
    if binding is None:
        return ""
    if binding["type"] == "literal" and "xml:lang" in binding:
        return f"{binding['value']}@{binding['xml:lang']}"
    return binding["value"]
