"""``newsgraph export``: schema.org JSON-LD and HTML per article, a manifest and sitemaps.

With the default base IRI (``http://localhost:8000/``) the ``@id``s and sitemap locations would
publish localhost: the export still runs, after one warning line naming ``--base`` and
``NEWSGRAPH_BASE``. Tested in tests/test_cli_usage.py.
"""

from __future__ import annotations

import argparse
import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from newsgraph.cli.common import add_store_flags, console, is_terminal, out, settings_from
from newsgraph.errors import ExportError
from newsgraph.records import parse_datetime
from newsgraph.store import open_store
from newsgraph.vocab.namespaces import DEFAULT_BASE
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:  # imported when run: pyld is a tenth of a second of every command
    from newsgraph.export.exporter import ExportOptions, ExportSummary

MAX_DEFAULT_JOBS = 4


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "export",
        help="write schema.org JSON-LD and a <script> snippet per article, with sitemaps",
    )
    parser.add_argument("--out", default="exports", metavar="DIR", help="default: exports/")
    parser.add_argument(
        "--since", metavar="DATE",
        help="only articles modified (or else published) at or after DATE; no zone means UTC",
    )  # fmt: skip
    parser.add_argument(
        "--changed-only", action="store_true",
        help="rewrite only the articles whose exported content changed since the last export",
    )  # fmt: skip
    parser.add_argument(
        "--report", action="store_true",
        help="list per article which of Google's recommended Article properties it lacks",
    )  # fmt: skip
    parser.add_argument(
        "--jobs", "-j", type=int, default=0, metavar="N",
        help=f"worker processes (default: one per core, at most {MAX_DEFAULT_JOBS})",
    )  # fmt: skip
    parser.add_argument(
        "--indent", type=int, metavar="N", help="indent the JSON (default: compact)"
    )
    parser.add_argument(
        "--site-url", metavar="URL",
        help="where DIR is published, for a sitemap index (default: the base IRI)",
    )  # fmt: skip
    parser.add_argument("--quiet", "-q", action="store_true", help="print only the summary")
    add_store_flags(parser)
    parser.set_defaults(run=run)


def options_from(args: argparse.Namespace) -> ExportOptions:
    from newsgraph.export.exporter import ExportOptions

    since: datetime | None = None
    if args.since:
        try:
            since = parse_datetime(args.since)
        except ValueError as error:
            raise ExportError(f"--since {args.since!r}: {error}") from None
    if args.jobs < 0:
        raise ExportError(f"--jobs {args.jobs}: must be 0 (one per core) or more")
    if args.indent is not None and not 0 <= args.indent <= 8:
        raise ExportError(f"--indent {args.indent}: must be between 0 and 8")
    site_url = args.site_url
    if site_url is not None:
        if not site_url.startswith(("http://", "https://")):
            raise ExportError(f"--site-url {site_url!r}: must be an absolute http(s) URL")
        site_url = site_url if site_url.endswith("/") else site_url + "/"
    return ExportOptions(
        out=Path(args.out),
        since=since,
        changed_only=args.changed_only,
        site_url=site_url,
        jobs=args.jobs or min(os.cpu_count() or 1, MAX_DEFAULT_JOBS),
        indent=args.indent,
    )


def run(args: argparse.Namespace) -> int:
    from newsgraph.export.exporter import export

    settings = settings_from(args)
    options = options_from(args)
    with open_store(settings) as store:
        if settings.base == DEFAULT_BASE:
            console.print(default_base_warning(), markup=False, emoji=False)
        if is_terminal() and not args.quiet:
            columns = (
                SpinnerColumn(), TextColumn("exporting"), BarColumn(),
                TextColumn("{task.completed} articles"), TimeElapsedColumn(),
            )  # fmt: skip
            with Progress(*columns, console=console, transient=True) as bar:
                task = bar.add_task("export", total=None)
                summary = export(store, settings, options, lambda n: bar.advance(task, n))
        else:
            summary = export(store, settings, options)
    if not args.quiet:
        for warning in summary.warnings:
            console.print(f"warning {warning}", markup=False, emoji=False)
    if args.report:
        print_report(summary)
    console.print(summary.line(), markup=False)
    return 0


def default_base_warning() -> str:
    """The one line that says an export under the default base would publish localhost."""
    return (
        f"newsgraph export: warning: the base IRI is the default {DEFAULT_BASE}, so the @ids and "
        "sitemap locations name localhost; give the site's address with --base or NEWSGRAPH_BASE"
    )


def print_report(summary: ExportSummary) -> None:
    """One line per article that lacks a recommended property, then the counts."""
    from newsgraph.export.report import RECOMMENDED, tally

    for slug in sorted(summary.missing):
        absent = summary.missing[slug]
        if absent:
            out.print(f"{slug}: missing {', '.join(absent)}", markup=False, emoji=False)
    counts = tally(summary.missing.values())
    total = len(summary.missing)
    parts = [f"{key} {counts[key]}" for key in RECOMMENDED if counts[key]]
    complete = sum(1 for absent in summary.missing.values() if not absent)
    out.print(
        f"of {total} articles, {complete} meet all of Google's Article recommendations"
        + (f"; missing: {', '.join(parts)}" if parts else ""),
        markup=False,
    )
