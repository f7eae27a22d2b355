"""What every subcommand shares: the store and base flags, and turning flags into settings."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from newsgraph.settings import Settings, load_settings
from rich.console import Console

console = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


def add_store_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        help="store directory or SPARQL endpoint URL (env NEWSGRAPH_STORE; default .newsgraph)",
    )
    parser.add_argument("--base", help="base IRI for minted IRIs (env NEWSGRAPH_BASE)")
    parser.add_argument(
        "--search-index",
        metavar="DIR",
        help="remote store: directory of newsgraph's full-text index of it, or none "
        "(env NEWSGRAPH_SEARCH_INDEX; default: one per store URL in the user's state directory)",
    )


def settings_from(args: argparse.Namespace, **extra: Any) -> Settings:
    """Settings from the environment with the flags given on the command line on top."""
    fields = set(Settings.model_fields)
    given = {key: value for key, value in vars(args).items() if key in fields}
    return load_settings(**given, **extra)


def is_terminal() -> bool:
    return sys.stderr.isatty()
