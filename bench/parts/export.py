"""Export: ``newsgraph export`` articles/s from the store, into a new directory.

Timed from opening the store to the last sitemap (``bench/export.py``), with one worker per
core, in a directory under the run's work directory. There is no floor or peer figure:
neither pyoxigraph nor rdflib writes per-article schema.org documents, so there is nothing
like-for-like to run.
"""

from __future__ import annotations

import os
import shutil

from newsgraph.export.exporter import ExportOptions
from newsgraph.settings import load_settings

from bench.context import BASE, Context
from bench.export import timed_export
from bench.measure import Sample
from bench.report import Figure

__all__ = ["run"]


def run(ctx: Context) -> list[Figure]:
    settings = load_settings(store=str(ctx.store()), base=BASE)
    jobs = min(os.cpu_count() or 1, 4)
    first, again = Sample(), Sample()
    for index in range(ctx.options.runs):
        options = ExportOptions(out=ctx.workdir / f"export-{index}", jobs=jobs)
        first.add(timed_export(settings, options, "first").articles_per_second)
        again.add(timed_export(settings, options, "again").articles_per_second)
        shutil.rmtree(options.out, ignore_errors=True)
    notes = [
        f"{ctx.articles():,} articles, {jobs} worker(s)",
        "no floor or peer: see bench/parts/export.py",
    ]
    return [
        Figure("export", "articles/s into an empty directory", first.median, "articles/s", True,
               first.spread, None, None, notes),
        Figure("export", "articles/s over an unchanged export", again.median, "articles/s", True,
               again.spread, None, None, ["every document compared with its file, none written"]),
    ]  # fmt: skip
