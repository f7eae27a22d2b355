"""``newsgraph serve``: the SPARQL endpoint, linked-data pages and the query page."""

from __future__ import annotations

import argparse

from newsgraph.cli.common import add_store_flags, settings_from


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("serve", help="serve the store over HTTP (SPARQL at /sparql)")
    parser.add_argument("--host", help="address to listen on (env NEWSGRAPH_HOST)")
    parser.add_argument("--port", type=int, help="port (env NEWSGRAPH_PORT)")
    parser.add_argument("--query-timeout", type=float, help="seconds before a query is stopped")
    parser.add_argument("--row-limit", type=int, help="most rows per response (0: no limit)")
    parser.add_argument(
        "--allow-update", action="store_true", default=None,
        help="accept SPARQL Update (needs NEWSGRAPH_UPDATE_TOKEN)",
    )  # fmt: skip
    parser.add_argument(
        "--allow-service", action="store_true", default=None,
        help="allow SERVICE to public addresses",
    )  # fmt: skip
    parser.add_argument("--query-workers", type=int, help="query worker processes")
    parser.add_argument(
        "--compact-after", type=float,
        help="seconds without writes before a bulk-loaded store is compacted (0: never)",
    )  # fmt: skip
    add_store_flags(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from newsgraph.api.server import serve

    settings = settings_from(args)
    serve(settings)
    return 0
