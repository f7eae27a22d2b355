"""The ``newsgraph`` command. Thin: parse arguments, call one function, print, exit.

Each subcommand lives in its own module with ``register(subparsers)``; a user mistake prints one
line and exits 2, never a traceback; a mistyped option shows its subcommand's usage and the
nearest option (:mod:`graph.cli.parser`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from newsgraph.cli import (
    compact,
    cooccur,
    dump,
    entities,
    export,
    ingest,
    link,
    load,
    query,
    search,
    serve,
    settings_cmd,
    stats,
    trends,
    validate,
)
from newsgraph.cli.parser import Parser, parse
from newsgraph.errors import NewsgraphError

COMMANDS = [
    ingest, serve, query, stats, settings_cmd, link, entities, cooccur, load, export, dump,
    validate, compact, search, trends,
]  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="newsgraph",
        description="A linked-data knowledge graph of news: ingest records, link entities, "
        "serve SPARQL.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    parser = build_parser()
    args = parse(parser, argv)
    try:
        code = args.run(args)
    except NewsgraphError as error:
        print(f"newsgraph {args.command}: {error}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        print("newsgraph: interrupted", file=sys.stderr)
        code = 130
    except BrokenPipeError:
        code = 0
    except OSError as error:  # a full disk, a file that cannot be read: one line, no traceback
        print(f"newsgraph {args.command}: {error}", file=sys.stderr)
        code = 1
    sys.exit(code)
