"""The store-wide linking pass: resolve every name of the store, write what changed.

It reads the evidence of every article from the cache (reading back from the store only what
the cache lacks), resolves names once over the distinct forms (:func:`resolve`), matches each
article's cached text spans against the names now known, and compares each article's links
with those it holds: only the differences are written. The entities graph is rewritten per
entity that changed. The result depends only on the store's records, overrides and
reconciliations — never on the order, batches, workers or runs that brought them.

When the cache can vouch for what the last pass left (a batch into a linked store), the pass is
*incremental*: only the articles the batch can change (:func:`graph.linking.memo.affected`:
the batch's own, and those whose forms, exceptions or span keys resolve differently now) are
matched and compared, and only entities whose fingerprint changed are described again. Every
other article has the inputs it had in the last pass, so its links are the ones it holds: the
store is the one a from-scratch pass leaves (``tests/test_trickle_invariance.py``).
"""

from __future__ import annotations

import marshal
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from newsgraph import collector
from newsgraph.linking import readback
from newsgraph.linking.authority import load_authority
from newsgraph.linking.cache import LinkingCache, Links, Span
from newsgraph.linking.describe import linking_quads
from newsgraph.linking.evidence import decode_names
from newsgraph.linking.inputs import Inputs
from newsgraph.linking.listing import Before
from newsgraph.linking.memo import TableChanges, affected
from newsgraph.linking.normalise import key_of
from newsgraph.linking.overrides import Override
from newsgraph.linking.reconcile import reconcile
from newsgraph.linking.resolve import Corpus, Kept, Resolution, Since, resolve
from newsgraph.linking.textscan import match
from newsgraph.linking.writes import write_entities, write_links
from newsgraph.store.base import Store
from newsgraph.vocab.namespaces import Minter

__all__ = ["LinkSummary", "Pass"]

#: Above this share of articles, what the cache lacks is read in one pass over the store.
READ_ALL_SHARE = 0.2
#: Articles whose span keys are added to the key index at once.
KEYS_CHUNK = 10_000


@dataclass
class LinkSummary:
    entities: int = 0
    articles: int = 0
    #: Articles whose links changed.
    rewritten: int = 0
    #: Articles whose links were looked at (all of them, unless the pass was incremental).
    examined: int = 0
    seconds: float = 0.0
    reconciled: int = 0
    ambiguous: list[str] = field(default_factory=list)

    def line(self) -> str:
        reconciled = (
            f", {self.reconciled} reconciled ({len(self.ambiguous)} ambiguous)"
            if self.reconciled or self.ambiguous
            else ""
        )
        return (
            f"linked {self.articles} articles: {self.entities} entities{reconciled}, "
            f"{self.rewritten} articles' links changed, {self.seconds:.2f} s"
        )


def _changed(
    changes: TableChanges | None,
    before: tuple[Mapping[str, str], Mapping[tuple[str, str], str], Mapping[str, Any]] | None,
    after: tuple[Mapping[str, str], Mapping[tuple[str, str], str], Mapping[str, Any]],
) -> set[object] | None:
    """The keys of the memo's tables whose entries may differ from ``before``'s (None: any):
    the default forms, index keys and story-level exceptions ``changes`` names (every
    exception where it names none)."""
    if changes is None or before is None or changes.default is None or changes.index is None:
        return None
    exceptions = changes.exceptions
    if exceptions is None:
        exceptions = before[1].keys() | after[1].keys()
    return {*changes.default, *changes.index, *exceptions}


def _by_key(reconciled: Mapping[str, tuple[str, str, str]]) -> dict[str, tuple[str, str]]:
    return {
        key_of(form): (item, f"reconciled with {source}")
        for form, (item, source, _label) in reconciled.items()
    }


class Pass:
    """One store-wide pass over a store whose articles (IRI → record digest) are known."""

    def __init__(
        self,
        store: Store,
        iris: Minter,
        cache: LinkingCache,
        hashes: Mapping[str, str],
        *,
        fresh: Mapping[str, str],
        trusted: bool,
        known: tuple[Inputs, Mapping[str, tuple[bytes, Span]]] | None = None,
        resolved: Kept | None = None,
    ) -> None:
        self.store = store
        self.iris = iris
        self.cache = cache
        self.hashes = hashes
        #: Articles whose graphs were just written whole (they hold no links).
        self.fresh = fresh
        #: Whether the cache's beliefs about links and entity descriptions hold.
        self.trusted = trusted
        #: How many articles the key index numbers once the pass is done.
        self.numbered = 0
        #: The last pass's inputs and the evidence (names, where the spans are) of the
        #: articles written since, when the cache keeps them.
        self.known = known
        #: What this pass read (:meth:`_evidence`), for the next pass to start from.
        self.inputs = Inputs({}, {}, {}, {})
        #: What the resolution of ``known``'s inputs kept (:class:`~graph.linking.resolve.Kept`),
        #: and what this pass's resolution keeps for the next.
        self.resolved = resolved
        self.kept: Kept | None = None
        #: Whether the resolution started from scratch (it asked about every name).
        self.from_scratch = True
        #: The lists and languages that the articles written since ``known`` had in it.
        self._before: Before | None = None

    def run(
        self,
        overrides: Sequence[Override],
        reconciled: dict[str, tuple[str, str, str]],
        stored: tuple[list[Override], dict[str, tuple[str, str, str]]],
        reconcile_url: str | None = None,
    ) -> LinkSummary:
        with collector.paused():
            return self._run(overrides, reconciled, stored, reconcile_url)

    def _run(
        self,
        overrides: Sequence[Override],
        reconciled: dict[str, tuple[str, str, str]],
        stored: tuple[list[Override], dict[str, tuple[str, str, str]]],
        reconcile_url: str | None,
    ) -> LinkSummary:
        started = time.perf_counter()
        self.inputs = inputs = self._evidence()
        lists, places = inputs.lists, inputs.places
        corpus = Corpus(lists, definitions=inputs.definitions, langs=inputs.langs)
        resolved, changed = self.resolved, self._before
        self.resolved = None
        since = Since(resolved, changed) if resolved is not None and changed is not None else None
        self.from_scratch = since is None
        resolution = resolve(corpus, load_authority(), overrides, _by_key(reconciled), since=since)
        self.kept = resolution.kept
        summary = LinkSummary(articles=len(self.hashes), entities=len(resolution.entities))
        if reconcile_url:
            report = reconcile(reconcile_url, resolution.entities)
            reconciled.update(report.linked)
            entities = resolution.entities
            for key, entity in entities.items():
                found_item = report.linked.get(entity.name)
                if found_item and not entity.same_as:  # a copy: the drafts are kept as made
                    entities[key] = replace(
                        entity, same_as=found_item[0],
                        same_as_source=f"reconciled with {found_item[1]}",
                    )  # fmt: skip
            summary.reconciled, summary.ambiguous = len(report.linked), sorted(report.ambiguous)
        if (list(overrides), reconciled) != stored:
            quads = list(linking_quads(overrides, reconciled, self.iris))
            self.store.replace_graphs([self.iris.linking_graph], quads)
        # Entities first: a graph replaced whole, then links only added to (which lets an
        # ingest into an empty store append both to its bulk load).
        held, token = self.cache.entities() if self.trusted else (None, None)
        changes = resolution.changes
        near = changes.entities if changes is not None and changes.follows is token else None
        if reconcile_url:
            near = None  # entities changed after the resolution: compared whole
        self.cache.set_entities(
            write_entities(self.store, self.iris, resolution.entities, held, near),
            resolution.token,
        )
        tables = resolution.tables
        before = self.cache.memo.load() if self.trusted else None
        if changes is not None and (before is None or changes.follows is not self.cache.memo.token):
            changes = None  # the tables read are not those the resolution followed
        numbered = self.cache.keys_numbered if self.trusted else None
        if before is not None and numbered is not None:
            examined = (
                affected(before, tables, lists, self.cache.keys, resolution.listing, changes)
                | self.fresh.keys()
            )
            wanted = {iri: places[iri] for iri in examined if iri in places}  # read in log order
            summary.rewritten, self.numbered = self._links(resolution, wanted, numbered)
        else:
            self.cache.keys.forget()
            wanted = dict(places)
            summary.rewritten, self.numbered = self._links(resolution, wanted, None)
        summary.examined = len(wanted)
        self.cache.memo.save(
            *tables, token=resolution.token, changed=_changed(changes, before, tables)
        )
        places.update(self.cache.compact(places, self.hashes))
        summary.seconds = time.perf_counter() - started
        return summary

    def _evidence(self) -> Inputs:
        """Every article's entity list, the definitions its text gives, where its spans are in
        the cache, and its language (where the record gives one): the last pass's inputs and
        this run's articles when the cache keeps them (:mod:`graph.linking.inputs`), else read
        from the whole evidence log, reading back from the store what the cache lacks."""
        kept = self._kept_evidence()
        if kept is not None:
            return kept
        inputs = Inputs({}, {}, {}, {})
        take = _taker(inputs)
        # Each article's IRI is kept as the one string ``hashes`` holds, not as the copy read
        # from the log (a million copies take 100 MB). Both are in the order articles were
        # written after an ingest into an empty store; where they are not, copies are kept.
        known = iter(self.hashes)
        expected = next(known, None)
        for iri, names, place in self.cache.evidence(self.hashes):
            if iri == expected:
                iri = expected
                expected = next(known, None)
            take(iri, names, place)
        places = inputs.places
        missing = sorted(iri for iri in self.hashes if iri not in places)
        if missing:
            read = readback.read_evidence(self.store, self._some(missing))
            rows = []
            for iri in missing:
                found = read.get(iri)
                if found is not None:  # else not an article after all: nothing to link
                    rows.append((iri, self.hashes[iri], *found.encode()))
            del read
            for row, place in zip(rows, self.cache.put(rows), strict=True):
                take(row[0], row[2], place)
        return inputs

    def _kept_evidence(self) -> Inputs | None:
        """The last pass's inputs with the evidence of the articles written since, when
        together they hold every article of the store (None: they do not)."""
        if self.known is None:
            return None
        inputs, written = self.known
        self.known = None
        lists, langs = inputs.lists, inputs.langs
        before = {iri: (lists.get(iri), langs.get(iri, "")) for iri in written}
        take = _taker(inputs)
        for iri, (names, place) in written.items():
            take(iri, names, place)
        # The kept inputs are those of the store's articles when this run began (their stamp
        # is the store's), and articles are only added or replaced since: so both hold the
        # same articles when they are as many.
        if len(inputs.lists) != len(self.hashes):
            return None
        self._before = before
        return inputs

    def _held(self, articles: Collection[str], every: bool) -> Callable[[str, str], Links]:
        """What links an article (with its record digest) holds now: none for those just
        written; what the last clean pass left, when the cache can vouch for it; else read
        back from the store (only for the articles neither vouches for). ``every``: the
        articles are all of the store's."""
        if not self.trusted:
            believed = {}
        elif every:
            believed = self.cache.links()
        else:
            believed = self.cache.beliefs.of([iri for iri in articles if iri not in self.fresh])
        fresh = self.fresh
        none: Links = ((), ())

        def vouched(iri: str, digest: str) -> Links | None:
            if fresh.get(iri) == digest:
                return none
            belief = believed.get(iri)
            return belief[1] if belief is not None and belief[0] == digest else None

        hashes = self.hashes
        unknown = [iri for iri in articles if vouched(iri, hashes[iri]) is None]
        read = readback.read_links(self.store, self._some(unknown)) if unknown else {}

        def held(iri: str, digest: str) -> Links:
            found = vouched(iri, digest)
            return found if found is not None else read.get(iri, none)

        return held

    def _some(self, articles: list[str]) -> list[str] | None:
        """``articles``, or None (read them all) when they are most of the store."""
        return None if len(articles) > READ_ALL_SHARE * len(self.hashes) else articles

    def _links(
        self, resolution: Resolution, places: Mapping[str, Span], numbered: int | None
    ) -> tuple[int, int]:
        """Write the links of the articles of ``places`` that differ from what they hold;
        return how many, and how many articles the key index numbers after.

        ``numbered`` None: ``places`` are all the store's articles; the key index is made
        anew and the beliefs replaced. Else only the articles written in this run are added
        to the key index (which numbers ``numbered`` articles), and only the beliefs of
        ``places`` replaced.

        Articles are read from the cache, matched, compared and written one by one (changes
        in chunks of :data:`graph.linking.writes.CHUNK` quads): nothing per article is kept."""
        every = numbered is None
        held_by = self._held(places, every)
        iri_of = _Iris(self.iris.entity).__getitem__
        loads = marshal.loads
        index = resolution.index
        key_set = resolution.key_set
        hashes = self.hashes
        beliefs = self.cache.link_writer(whole=every)
        fresh = self.fresh
        changed = 0
        new_keys: list[tuple[str, bytes]] = []

        def changes() -> Iterator[tuple[str, Links, Links]]:
            nonlocal changed
            for iri, spans in self.cache.spans(places.items()):
                digest = hashes[iri]
                if every or iri in fresh:
                    new_keys.append((iri, spans))
                    if len(new_keys) >= KEYS_CHUNK:
                        add_keys()
                keys = key_set(iri)
                found = set(match(loads(spans), index))
                found -= keys
                wanted: Links = (
                    tuple(sorted(map(iri_of, keys | found))),
                    tuple(sorted(map(iri_of, found))) if found else (),
                )
                held = held_by(iri, digest)
                if held != wanted:
                    changed += 1
                    yield iri, held, wanted
                beliefs.add(iri, digest, wanted)

        count = 0 if every else numbered

        def add_keys() -> None:
            nonlocal count
            count = self.cache.keys.add(new_keys, count or 0)
            new_keys.clear()

        try:
            write_links(self.store, changes())
            add_keys()
        except BaseException:
            beliefs.discard()
            raise
        beliefs.commit()
        return changed, count or 0


def _taker(inputs: Inputs) -> Callable[[str, bytes, Span], None]:
    """What adds an article's encoded names (and where its spans are) to ``inputs``. Each
    distinct form is one string however many lists hold it."""
    lists, definitions, places, langs = (
        inputs.lists, inputs.definitions, inputs.places, inputs.langs
    )  # fmt: skip
    forms: dict[str, str] = {}
    intern = forms.setdefault

    def take(iri: str, names: bytes, place: Span) -> None:
        listed, found, lang = decode_names(names)
        lists[iri] = tuple([intern(form, form) for form in listed])
        if lang:
            langs[iri] = intern(lang, lang)
        else:
            langs.pop(iri, None)
        if found:
            definitions[iri] = found
        else:
            definitions.pop(iri, None)
        places[iri] = place

    return take


class _Iris(dict[str, str]):
    """Entity key → IRI, minted once per key."""

    def __init__(self, mint: Callable[[str], str]) -> None:
        super().__init__()
        self.mint = mint

    def __missing__(self, key: str) -> str:
        iri = self[key] = self.mint(key)
        return iri
