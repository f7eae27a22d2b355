"""``newsgraph settings``: every setting, its environment variable, value and meaning.

Written by :mod:`graph.cli.listing` in every format; a secret's value shows as ``(set)``.
Tested in tests/test_cli_formats.py.
"""

from __future__ import annotations

import argparse

from newsgraph.cli import listing
from newsgraph.cli.common import settings_from
from newsgraph.settings import Settings

COLUMNS = ("variable", "value", "meaning")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("settings", help="show every setting and its current value")
    parser.add_argument("--format", "-f", choices=listing.FORMATS, default="table")
    parser.set_defaults(run=run)


def setting_rows(current: Settings) -> list[dict[str, str]]:
    """One row per setting: its variable, its value as text, and its description."""
    rows = []
    for name, info in Settings.model_fields.items():
        value = getattr(current, name)
        shown = "(set)" if "Secret" in type(value).__name__ else str(value)
        rows.append(
            {"variable": f"NEWSGRAPH_{name.upper()}", "value": shown,
             "meaning": info.description or ""}
        )  # fmt: skip
    return rows


def run(args: argparse.Namespace) -> int:
    listing.write(listing.Listing(COLUMNS, setting_rows(settings_from(args))), args.format)
    return 0
