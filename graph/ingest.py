"""Files → records → JSON-LD → quads → store, in batches; idempotent, one named graph per article.

Each batch is one write: every article graph in it is replaced whole, so an interrupted ingest
leaves each article present or absent, and running it again completes the job. A record replaces
the stored article only when it is a newer version (``updated_at``, else ``published_at``; equal
versions with different content are ordered by digest, so the outcome never depends on input
order); the same record again is "unchanged" and writes nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph import jsonld, mapping, queries, sources
from graph.errors import RecordError
from graph.linking import Linker
from graph.records import Record, unknown_fields, validate
from graph.settings import Settings
from graph.store.base import Store
from vocab.namespaces import Minter


@dataclass
class Summary:
    loaded: int = 0
    replaced: int = 0
    unchanged: int = 0
    skipped: int = 0
    rejected: int = 0
    triples: int = 0
    entities: int = 0
    seconds: float = 0.0
    #: Seconds spent in the store-wide linking pass at the end (part of ``seconds``).
    linking_seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def read(self) -> int:
        return self.loaded + self.replaced + self.unchanged + self.skipped + self.rejected

    @property
    def articles_per_second(self) -> float:
        written = self.loaded + self.replaced
        return written / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (
            f"loaded {self.loaded}, replaced {self.replaced}, unchanged {self.unchanged}, "
            f"skipped {self.skipped} (older), rejected {self.rejected}, "
            f"triples {self.triples}, entities {self.entities}, "
            f"{self.seconds:.2f} s, {self.articles_per_second:.0f} articles/s"
        )


@dataclass(frozen=True)
class Located:
    location: str
    record: Record


class Rejects:
    """Appends each rejected record, with where it came from and why, to a JSON Lines file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: Any = None

    def add(self, error: RecordError, raw: Any = None, text: str | None = None) -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(  # noqa: SIM115 - kept open for the run
                self.path, "a", encoding="utf-8", errors="backslashreplace"
            )
        entry: dict[str, Any] = {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "location": error.location,
            "field": error.field,
            "error": error.message,
        }
        if raw is not None:
            entry["record"] = raw
        elif text is not None:
            entry["text"] = text
        self._handle.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def newer(candidate: tuple[datetime, str], current: tuple[datetime, str]) -> bool:
    """Whether a version (modified, digest) supersedes another: later date, then larger digest."""
    return candidate > current


class Ingester:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        report: Callable[[str], None] = lambda line: None,
        progress: Callable[[int], None] = lambda count: None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.iris: Minter = settings.minter
        self.linker = Linker(self.iris)
        self.report = report
        self.progress = progress
        self.summary = Summary()
        self.rejects = Rejects(settings.rejects_path)

    # -- reading ---------------------------------------------------------------------------------

    def records(self, paths: Iterable[str]) -> Iterator[Located]:
        for item in sources.read(paths):
            if item.error is not None:
                self.reject(item.error, text=item.text)
                continue
            try:
                record = validate(item.raw, item.location)
            except RecordError as error:
                self.reject(error, raw=item.raw)
                continue
            extra = unknown_fields(item.raw)
            if extra:
                self.warn(f"{item.location}: ignored unknown field(s) {', '.join(extra)}")
            yield Located(item.location, record)

    def reject(self, error: RecordError, raw: Any = None, text: str | None = None) -> None:
        self.summary.rejected += 1
        self.rejects.add(error, raw, text)
        self.report(f"rejected {error}")

    def warn(self, message: str) -> None:
        self.summary.warnings.append(message)
        self.report(f"warning {message}")

    # -- writing ---------------------------------------------------------------------------------

    def run(self, paths: Iterable[str]) -> Summary:
        started = time.perf_counter()
        try:
            self.linker.prepare(self.store)
            batch: list[Located] = []
            for located in self.records(paths):
                batch.append(located)
                if len(batch) >= self.settings.batch_size:
                    self.write_batch(batch)
                    batch = []
            if batch:
                self.write_batch(batch)
            linked = self.linker.finish(self.store)
            self.summary.entities = linked.entities
            self.summary.linking_seconds = linked.seconds
            self.store.flush()  # a remote store writes behind: count the last write too
        finally:
            self.rejects.close()
            self.summary.seconds = time.perf_counter() - started
        return self.summary

    def write_batch(self, batch: list[Located]) -> None:
        latest: dict[str, tuple[tuple[datetime, str], Located]] = {}
        for located in batch:
            record = located.record
            version = (record.modified, mapping.record_hash(record))
            held = latest.get(record.slug)
            if held is None or newer(version, held[0]):
                if held is not None:
                    self._superseded(held[1], located)
                latest[record.slug] = (version, located)
            else:
                self._superseded(located, held[1])
        stored = self.stored_versions([self.iris.article(slug) for slug in latest])
        graphs: list[str] = []
        nodes: list[dict[str, Any]] = []
        shared: dict[str, dict[str, Any]] = {}
        for slug, (version, located) in latest.items():
            article = self.iris.article(slug)
            previous = stored.get(article)
            if previous is not None and previous[1] == version[1]:
                self.summary.unchanged += 1
                continue
            if previous is not None and not newer(version, previous):
                self.summary.skipped += 1
                self.report(f"skipped {located.location}: {slug} is older than the stored version")
                continue
            if previous is None:
                self.summary.loaded += 1
            else:
                self.summary.replaced += 1
            record = located.record
            links = self.linker.link(record)
            node = mapping.article_node(
                record, self.iris, links.mentions, links.found_in_text, digest=version[1]
            )
            graphs.append(article)
            nodes.append(mapping.article_graph(node))
            for shared_node in mapping.shared_nodes(record, self.iris):
                shared[shared_node["@id"]] = shared_node
        if graphs:
            if shared:
                nodes.append({"@id": self.iris.terms_graph, "@graph": list(shared.values())})
            quads = list(ox.parse(jsonld.batch_text(nodes), format=ox.RdfFormat.JSON_LD))
            self.store.replace_graphs(graphs, quads)
            self.summary.triples += len(quads)
        self.progress(len(batch))

    def _superseded(self, older: Located, newer_one: Located) -> None:
        self.summary.skipped += 1
        self.report(
            f"skipped {older.location}: {older.record.slug} is superseded by the newer "
            f"version at {newer_one.location}"
        )

    def stored_versions(self, articles: list[str]) -> dict[str, tuple[datetime, str]]:
        if not articles:
            return {}
        query = queries.load("article-versions") + queries.values_clause(
            "article", [ox.NamedNode(a) for a in articles]
        )
        found = {}
        for row in self.store.select(query):
            modified = row.get("modified")
            when = (
                datetime.fromisoformat(modified.value.replace("Z", "+00:00"))
                if isinstance(modified, ox.Literal)
                else datetime.min.replace(tzinfo=UTC)
            )
            found[row["article"].value] = (when, row["hash"].value)  # type: ignore[union-attr]
        return found


def ingest(
    paths: Iterable[str],
    store: Store,
    settings: Settings,
    *,
    report: Callable[[str], None] = lambda line: None,
    progress: Callable[[int], None] = lambda count: None,
) -> Summary:
    return Ingester(store, settings, report=report, progress=progress).run(paths)
