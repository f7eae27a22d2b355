"""``newsgraph export``: every article of the store as JSON-LD and HTML files, plus sitemaps.

Layout of an export directory::

    articles/<slug>.jsonld   the NewsArticle document (graph.export.document)
    articles/<slug>.html     the same JSON in a script element for a page's head (graph.export.html)
    manifest.json            every exported article with the digest of its content
    sitemap.xml              every article's URL with lastmod (graph.export.sitemap)
    news-sitemap.xml         Google News sitemap: the articles of the last two days

Only files whose content changes are written: an export compares each document with the files
in the directory, and leaves identical ones alone (their modification times with them). With
``changed_only`` it trusts the manifest's digests instead and reads nothing back. Existing files
are replaced atomically (readers never see half a file; see graph.export.files) and one export
at a time writes a directory. Articles the store no longer holds are removed from the directory.
Batches of articles are exported in this process or, with ``jobs`` > 1, in worker processes
that each open the store for reading.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from newsgraph.export import report, sitemap
from newsgraph.export.document import batch_documents
from newsgraph.export.files import ARTICLES, ArticleFiles, locked
from newsgraph.export.manifest import Entry, Manifest, digest
from newsgraph.export.source import Listed, SharedNodes, batches, list_articles
from newsgraph.settings import Settings
from newsgraph.store import open_store
from newsgraph.store.base import Store

#: Shares of the work per worker process: few enough to open the store rarely, enough to
#: balance the load and move the progress bar.
SHARES_PER_WORKER = 2


@dataclass
class ExportOptions:
    out: Path = Path("exports")
    #: Only articles modified (dateModified, else datePublished) at or after this moment.
    since: datetime | None = None
    #: Rewrite only articles whose exported content changed since the last export.
    changed_only: bool = False
    #: Where the directory is published (absolute URLs in a sitemap index); default: the base.
    site_url: str | None = None
    #: The moment the Google News sitemap counts its two days back from; default: now.
    now: datetime | None = None
    #: Worker processes; 1 exports in this process.
    jobs: int = 1
    #: JSON indentation of the files; None for compact JSON.
    indent: int | None = None
    batch_size: int = 500
    #: Fewer articles than this per worker do not repay starting it (about half a second).
    min_per_worker: int = 1000


@dataclass
class ExportSummary:
    articles: int = 0
    selected: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    sitemap_urls: int = 0
    news_urls: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    #: Slug → the Google recommendations its document misses (selected articles only).
    missing: dict[str, list[str]] = field(default_factory=dict)

    @property
    def articles_per_second(self) -> float:
        return self.selected / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (
            f"exported {self.selected} of {self.articles} articles: written {self.written}, "
            f"unchanged {self.unchanged}, removed {self.removed}; sitemap {self.sitemap_urls} "
            f"URLs, news sitemap {self.news_urls}; {self.seconds:.2f} s, "
            f"{self.articles_per_second:.0f} articles/s"
        )


@dataclass(frozen=True)
class Outcome:
    """What exporting one article did (``entry`` is None when it vanished meanwhile)."""

    slug: str
    entry: Entry | None
    written: bool


def export_articles(
    store: Store,
    items: Sequence[Listed],
    files: ArticleFiles,
    known: Mapping[str, str],
    shared: SharedNodes,
) -> list[Outcome]:
    """Write the files of ``items`` whose content changes.

    ``known`` holds the manifest's digests when the export is ``changed_only``: an article with
    the same digest and both files present is then not even compared with its files.
    """
    outcomes = []
    for item, document in batch_documents(store, items, shared):
        if document is None:
            outcomes.append(Outcome(item.slug, None, False))
            continue
        text = files.text(document)
        content = (text + "\n").encode("utf-8")
        entry = Entry.of(document, digest(content), report.missing(document))
        if known.get(item.slug) == entry.hash and files.exist(item.slug):
            written = False
        else:
            written = files.write(item.slug, text, content)
        outcomes.append(Outcome(item.slug, entry, written))
    return outcomes


def _export_in_worker(
    settings: Settings,
    items: Sequence[Listed],
    files: ArticleFiles,
    known: Mapping[str, str],
    batch_size: int,
) -> list[Outcome]:
    """A worker's share: one store opened (and its caches warmed) for many batches."""
    outcomes: list[Outcome] = []
    with open_store(settings) as store:
        shared = SharedNodes(store, settings.minter)
        for batch in batches(items, batch_size):
            outcomes.extend(export_articles(store, batch, files, known, shared))
    return outcomes


class Exporter:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        options: ExportOptions,
        progress: Callable[[int], None] = lambda count: None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.iris = settings.minter
        self.options = options
        self.progress = progress
        self.out = options.out
        self.files = ArticleFiles(options.out / ARTICLES, options.indent)
        self.summary = ExportSummary()

    def run(self) -> ExportSummary:
        started = time.perf_counter()
        with locked(self.out):
            self.files.directory.mkdir(exist_ok=True)
            manifest = Manifest.read(self.out)
            listed, foreign = list_articles(self.store, self.iris)
            for iri in foreign:
                self.warn(f"{iri} is not under the base {self.iris.base}: left out")
            since = self.options.since
            selected = [item for item in listed if since is None or item.modified >= since]
            self.summary.articles = len(listed)
            self.summary.selected = len(selected)
            known = {}
            if self.options.changed_only and manifest.base == self.iris.base:
                known = {slug: entry.hash for slug, entry in manifest.articles.items()}
            for outcomes in self.outcomes(selected, known):
                self.record(outcomes, manifest)
            self.prune(manifest, {item.slug for item in listed})
            manifest.base = self.iris.base
            manifest.write(self.out)
            self.write_sitemaps(manifest)
        self.summary.seconds = time.perf_counter() - started
        return self.summary

    def warn(self, message: str) -> None:
        self.summary.warnings.append(message)

    def outcomes(
        self, selected: Sequence[Listed], known: Mapping[str, str]
    ) -> Iterator[list[Outcome]]:
        """Export ``selected``: in batches in this process, or in shares in worker processes.

        Each worker gets a few large shares rather than many batches, so that it opens the store
        (and warms its caches) once per share.
        """
        size = self.options.batch_size
        jobs = min(self.options.jobs, max(1, len(selected) // self.options.min_per_worker))
        if jobs <= 1:
            shared = SharedNodes(self.store, self.iris)
            for batch in batches(selected, size):
                yield export_articles(self.store, batch, self.files, known, shared)
            return
        share = -(-len(selected) // (jobs * SHARES_PER_WORKER))
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(jobs, mp_context=context) as pool:
            futures = []
            for part in batches(selected, share):
                hashes = {item.slug: known[item.slug] for item in part if item.slug in known}
                futures.append(
                    pool.submit(_export_in_worker, self.settings, part, self.files, hashes, size)
                )
            for future in as_completed(futures):
                yield future.result()

    def record(self, outcomes: list[Outcome], manifest: Manifest) -> None:
        for outcome in outcomes:
            if outcome.entry is None:
                self.warn(f"{outcome.slug}: removed from the store during the export")
                continue
            manifest.articles[outcome.slug] = outcome.entry
            self.summary.missing[outcome.slug] = outcome.entry.missing
            if outcome.written:
                self.summary.written += 1
            else:
                self.summary.unchanged += 1
        self.progress(len(outcomes))

    def prune(self, manifest: Manifest, present: set[str]) -> None:
        """Remove the files of articles the store no longer holds."""
        for slug in sorted(manifest.articles.keys() - present):
            self.files.remove(slug)
            del manifest.articles[slug]
            self.summary.removed += 1

    def write_sitemaps(self, manifest: Manifest) -> None:
        site_url = self.options.site_url or self.settings.base
        self.summary.sitemap_urls = sitemap.write_sitemaps(self.out, manifest, site_url)
        now = self.options.now or datetime.now(UTC)
        news = sitemap.write_news_sitemap(self.out, manifest, now)
        self.summary.news_urls = news.listed
        for slug in news.left_out:
            self.warn(f"{slug}: left out of the news sitemap (no publisher name or language)")


def export(
    store: Store,
    settings: Settings,
    options: ExportOptions | None = None,
    progress: Callable[[int], None] = lambda count: None,
) -> ExportSummary:
    """Export the store's articles into ``options.out``; see the module docstring."""
    return Exporter(store, settings, options or ExportOptions(), progress).run()
