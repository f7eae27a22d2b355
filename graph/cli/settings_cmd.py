"""``newsgraph settings``: every setting, its environment variable, value and meaning."""

from __future__ import annotations

import argparse

from newsgraph.cli.common import out, settings_from
from newsgraph.settings import Settings
from rich.table import Table


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("settings", help="show every setting and its current value")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    current = settings_from(args)
    table = Table("variable", "value", "meaning")
    for name, info in Settings.model_fields.items():
        value = getattr(current, name)
        shown = "(set)" if "Secret" in type(value).__name__ else str(value)
        table.add_row(f"NEWSGRAPH_{name.upper()}", shown, info.description or "")
    out.print(table)
    return 0
