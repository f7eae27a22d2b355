"""``newsgraph validate [DIR]``: SHACL (vocab/shapes.ttl) over the store or an export directory."""

from __future__ import annotations

import argparse
from pathlib import Path

from newsgraph.cli.common import add_store_flags, console, out, settings_from
from newsgraph.store import open_store


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "validate",
        help="check what is published against vocab/shapes.ttl (the store, or an export DIR)",
    )
    parser.add_argument(
        "directory", nargs="?", metavar="DIR",
        help="an export directory; without it, the store's articles as they would be exported",
    )  # fmt: skip
    add_store_flags(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # pySHACL and rdflib load in a third of a second: only when validating.
    from newsgraph.export.validate import validate_directory, validate_store

    if args.directory:
        summary = validate_directory(Path(args.directory))
    else:
        settings = settings_from(args)
        with open_store(settings) as store:
            summary = validate_store(store, settings.minter)
    for violation in summary.violations:
        out.print(violation.line(), markup=False, emoji=False)
    console.print(summary.line(), markup=False)
    return 1 if summary.violations else 0
