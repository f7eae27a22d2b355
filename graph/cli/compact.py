"""``newsgraph compact``: merge the embedded store's files so that reads are fast again."""

from __future__ import annotations

import argparse
import time

from newsgraph.cli.common import add_store_flags, console, settings_from
from newsgraph.errors import ConfigError
from newsgraph.store import EmbeddedStore
from newsgraph.store.server_info import running_server


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "compact",
        help="merge the files bulk loads wrote (after an ingest; the server does it by itself)",
    )
    add_store_flags(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if settings.is_remote:
        raise ConfigError("compact works on an embedded store; a remote server compacts its own")
    server = running_server(settings.store_path)
    if server is not None:
        raise ConfigError(
            f"store {settings.store_path} is served at {server.sparql_url}; the server compacts "
            "it once writes pause (NEWSGRAPH_COMPACT_AFTER)"
        )
    started = time.perf_counter()
    with EmbeddedStore(
        settings.store_path, write=True, base=settings.base, create=False, what="newsgraph compact"
    ) as store:
        published = store.compact()
        generation = store.generation
    seconds = time.perf_counter() - started
    if published:
        console.print(f"compacted in {seconds:.1f} s; readers now read snapshot {generation}")
    else:
        console.print(f"already compact ({seconds:.1f} s)")
    return 0
