"""Surface forms → one entity IRI per real-world entity, across all stories.

Linking runs once per ingest, after the last batch: :class:`Linker` keeps, as ingest writes
each article, what linking needs of it (its :class:`~graph.linking.evidence.Evidence`,
computed beside its quads, in ingest's workers) in a cache beside the store, then
:meth:`Linker.finish` runs the store-wide pass (:class:`graph.linking.store_pass.Pass`): names
resolved once over the distinct forms, each article's text spans matched against the names
known, and only the links and entity descriptions that changed written. The result depends
only on what the store holds — never on ingest order, batches, workers or runs. See
:mod:`graph.linking.resolve` for the rules.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

from newsgraph import collector
from newsgraph.linking import carry, readback
from newsgraph.linking.authority import load_authority
from newsgraph.linking.cache import LinkingCache
from newsgraph.linking.evidence import Evidence, language, record_text
from newsgraph.linking.overrides import Override
from newsgraph.linking.resolve import Corpus, resolve
from newsgraph.linking.stamp import Records, evidence_fingerprint, rules_fingerprint, stamp
from newsgraph.linking.store_pass import LinkSummary, Pass
from newsgraph.records import Record
from newsgraph.settings import Settings, kept_for, split_userinfo
from newsgraph.store.base import Store
from newsgraph.vocab.namespaces import Minter

__all__ = [
    "Evidence",
    "LinkSummary",
    "Linker",
    "cache_directory",
    "links_alone",
    "record_text",
    "relink",
]


log = logging.getLogger(__name__)

#: At most this many articles written in one run have their evidence kept for the pass.
KEPT_WRITTEN = 50_000


def cache_directory(settings: Settings) -> Path | None:
    """Where a store's linking cache lives: beside an on-disk store; for a remote one, under
    the user's state directory, one per store URL (:func:`graph.settings.kept_for`), or —
    where that directory cannot be made — a temporary one for the run (None), with a warning
    (``tests/test_remote_linking_cache.py``)."""
    if not settings.is_remote:
        return settings.store_path / "linking"
    url = split_userinfo(settings.store)[0]
    directory = kept_for(url, "linking")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        log.warning(
            "no linking cache is kept for %s (%s): each ingest reads the store's articles back",
            url, error,
        )  # fmt: skip
        return None
    return directory


class Linker:
    """Linking for one ingest run (or one ``newsgraph link``) on one store.

    :meth:`prepare` before the first write, :meth:`written` and :meth:`unchanged` after each
    batch, :meth:`finish` after the last, :meth:`close` in any case.
    """

    def __init__(self, iris: Minter, cache_dir: Path | None = None) -> None:
        self.iris = iris
        self.cache_dir = cache_dir
        self._cache: LinkingCache | None = None
        #: article IRI → record digest, for every article of the store.
        self.hashes: dict[str, str] = {}
        #: The digest of ``hashes`` that the stamp is made of, kept as articles are written.
        self.records = Records()
        self.overrides: list[Override] = []
        self.reconciled: dict[str, tuple[str, str, str]] = {}
        self.trusted = False
        self._stamp = ""
        #: Articles written in this run (their graphs hold no links yet) → record digest: the
        #: very ``hashes`` when the store held no article before the run (one table, not two).
        self.fresh: dict[str, str] = {}
        self._hashes_kept = False
        #: Evidence (names, where the spans are) of the articles written in this run, kept
        #: while the cache is trusted and they are few (:mod:`graph.linking.inputs`).
        self._written: dict[str, tuple[bytes, int]] | None = None

    @property
    def cache(self) -> LinkingCache:
        if self._cache is None:
            raise RuntimeError("Linker.prepare was not called")
        return self._cache

    def prepare(self, store: Store, *, verify: bool = False) -> None:
        """Open the cache and learn the store's articles; ``verify`` trusts nothing the
        cache believes about what the store holds (its evidence is still used).

        The store's articles are read from the cache when the store's newest snapshot is the
        one the last clean pass's unit of writes published (:meth:`published`): nothing wrote
        the store since. Otherwise they are read from the store."""
        self._cache = LinkingCache(self.cache_dir, evidence_fingerprint())
        kept = None
        if not verify and _unchanged_since(store, self._cache.generation):
            with collector.paused():  # a dict of every article
                kept = self._cache.hashes()
        self.hashes = kept if kept is not None else readback.article_hashes(store)
        #: Whether ``hashes`` are the cache's (then only ``fresh`` ones change in this run).
        self._hashes_kept = kept is not None
        records = Records.parse(self._cache.records) if kept is not None else None
        self.records = records if records is not None else Records.of(self.hashes)
        self.fresh = {} if self.hashes else self.hashes
        self.overrides = readback.read_overrides(store, self.iris)
        self.reconciled = readback.read_reconciled(store, self.iris)
        held = self.cache.stamp
        # Nothing wrote the store since the last clean pass (``kept``): its inputs, and so its
        # stamp, are the store's; else the stamp says whether they are.
        self._stamp = (
            held
            if kept is not None and held
            else stamp(self.records, self.overrides, self.reconciled)
        )
        # A remote store's cache lives apart from it: what it believes of the links and
        # entities the store holds counts only while nothing wrote the store since the last
        # clean pass (its write stamp says so); its evidence counts by each record's digest.
        self.trusted = not verify and held == self._stamp and (kept is not None or not store.remote)
        self._written = {} if self.trusted else None
        if not self.trusted:
            self.cache.forget()
        self.cache.begin()

    def written(self, rows: Sequence[tuple[str, str, bytes, bytes]]) -> None:
        """Articles (IRI, record digest, encoded evidence) whose graphs were just replaced."""
        places = self.cache.put(rows)
        kept = self._written
        if kept is not None:
            kept.update((row[0], (row[2], place)) for row, place in zip(rows, places, strict=True))
            if len(kept) > KEPT_WRITTEN:
                self._written = None  # a pass over the whole log costs less than keeping them
        hashes, fresh, records = self.hashes, self.fresh, self.records
        for iri, digest, _names, _spans in rows:
            records.replace(iri, hashes.get(iri), digest)
            hashes[iri] = digest
            if fresh is not hashes:
                fresh[iri] = digest

    def unchanged(self, rows: Iterable[tuple[str, str, bytes, bytes]]) -> None:
        """Articles the store already holds as they are. A trusted cache has their evidence
        (the last pass made sure of it); else it is kept, to spare reading it back."""
        if not self.trusted:
            self.cache.put(rows)

    def finish(
        self,
        store: Store,
        *,
        overrides: Iterable[Override] | None = None,
        reconcile_url: str | None = None,
    ) -> LinkSummary:
        """The store-wide pass, unless nothing it depends on changed since the last one.
        ``overrides``, when given, replace the ones kept in the store; ``reconcile_url`` asks
        that endpoint for the Wikidata items of entities that have none."""
        wanted = list(overrides) if overrides is not None else self.overrides
        final = stamp(self.records, wanted, self.reconciled)
        if self.trusted and final == self._stamp and not reconcile_url:
            entities = self.cache.entity_count
            self.cache.end(
                final, entities, self.hashes, self.cache.keys_numbered, self.records,
                self._changed_hashes(),
            )  # fmt: skip
            return LinkSummary(entities=entities, articles=len(self.hashes))
        # the pass, and the store-wide tables it reads and keeps (for the next batches too,
        # when they are carried: then frozen, out of the collector's walks)
        with collector.paused(keep=carry.active()):
            return self._pass(store, wanted, final, reconcile_url)

    def _pass(
        self, store: Store, wanted: list[Override], final: str, reconcile_url: str | None
    ) -> LinkSummary:
        self.cache.answers.load(rules_fingerprint())
        stored = (self.overrides, dict(self.reconciled))
        reconciled = dict(self.reconciled)
        kept = self.cache.inputs.load(self._stamp) if self._written is not None else None
        linking = Pass(
            store, self.iris, self.cache, self.hashes, fresh=self.fresh, trusted=self.trusted,
            known=(kept, self._written) if kept is not None and self._written is not None else None,
            resolved=self.cache.inputs.kept_resolution(self._stamp) if kept is not None else None,
        )  # fmt: skip
        written = self._written
        summary = linking.run(wanted, reconciled, stored, reconcile_url)
        if reconciled != self.reconciled:
            final = stamp(self.records, wanted, reconciled)
        # The kept inputs with this run's articles taken in: only theirs changed.
        changed = written if kept is not None and linking.inputs is kept else None
        self.cache.inputs.save(final, linking.inputs, changed)
        self.cache.inputs.keep_resolution(final, linking.kept)
        self.cache.answers.save(rules_fingerprint(), asked_all=linking.from_scratch)
        self.cache.end(
            final, summary.entities, self.hashes, linking.numbered, self.records,
            self._changed_hashes(),
        )  # fmt: skip
        return summary

    def _changed_hashes(self) -> Collection[str] | None:
        """The articles whose digests this run may have changed in the cache's ``hashes``
        (None: they are not the cache's)."""
        return self.fresh if self._hashes_kept and self.fresh is not self.hashes else None

    def published(self, store: Store) -> None:
        """The unit of writes that held :meth:`finish` is over: note the snapshot it left, so
        that the next run can trust the cache without asking the store for its articles."""
        generation = _generation(store)
        if generation is not None and self._cache is not None:
            self._cache.published(generation)

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None


def _generation(store: Store) -> str | None:
    """What names the store's state: its newest snapshot (an on-disk store), or the write
    stamp every newsgraph write to a remote server changes (where the server keeps one, and
    no write is on its way)."""
    generation = getattr(store, "generation", None)
    if isinstance(generation, str):
        return generation
    write_stamp = getattr(store, "write_stamp", None)
    found = write_stamp() if callable(write_stamp) else None
    return found if isinstance(found, str) and not found.startswith("writing") else None


def _unchanged_since(store: Store, generation: str | None) -> bool:
    """Whether the store holds what its snapshot ``generation`` held: it is the newest, or
    only compactions published snapshots since (:mod:`graph.store.changes`)."""
    current = _generation(store)
    found = store.changed_between(generation, current)
    return found is not None and found.empty


def links_alone(record: Record, iris: Minter) -> list[str]:
    """The entity IRIs of a record's entity list in a store that held only this record."""
    article = iris.article(record.slug)
    corpus = Corpus({article: record.entities}, langs={article: language(record.lang)})
    resolution = resolve(corpus, load_authority(), find_in_text=False)
    return [iris.entity(key) for key in resolution.mentions[article]]


def relink(
    store: Store,
    iris: Minter,
    *,
    overrides: Iterable[Override] | None = None,
    reconcile_url: str | None = None,
    cache_dir: Path | None = None,
) -> LinkSummary:
    """Re-link the whole store, checking every link it holds (``newsgraph link``)."""
    linker = Linker(iris, cache_dir)
    try:
        with store.transaction():  # all of it, or (on an error) none of it
            linker.prepare(store, verify=True)
            summary = linker.finish(store, overrides=overrides, reconcile_url=reconcile_url)
        linker.published(store)
        return summary
    finally:
        linker.close()
