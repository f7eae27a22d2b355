"""The linking cache: what linking knows of each article, kept beside the store.

The store-wide pass needs every article's entity names, the acronyms its text defines and its
text's name spans (:class:`~graph.linking.evidence.Evidence`), and which entity links it holds
now. Reading those back from the store costs more than all the rest of linking, so ingest
keeps them here, in ``STORE/linking/``, as it writes each article:

``evidence.log``   (article, record digest, names, where its spans are) records, appended as
                   articles are written, one marshalled list per write (after its length);
                   the last record of an article wins
``spans.log``      the articles' text spans, appended beside them; both logs are rewritten
                   without dead records when those are most of them
``links.sqlite``   what the last pass left each article linked to (with its record digest),
                   one row per article (:mod:`graph.linking.beliefs`)
``entities.bin``   the digest of each entity description the last pass left, and of the
                   entity it described
``resolution.bin`` the resolution's tables of the last pass, ``keys-sorted.bin``,
                   ``keys.bin``, ``key-articles.txt`` and ``key-articles.at`` which articles'
                   spans try which name keys
                   (:mod:`graph.linking.memo`: what lets a batch look at only the articles it
                   can change)
``inputs.bin``     every article's names, definitions, language and span place as the last
                   pass read them (:mod:`graph.linking.inputs`: a batch reads only its own
                   evidence from the logs)
``kept-resolution.bin`` what the resolution of those inputs kept, under their tag
                   (:mod:`graph.linking.kept_resolution`: the next run's resolution reads
                   only the lists its batch changed)
``answers-*.bin``  the linking rules' answers about each distinct form, kept for the next run
                   (:mod:`graph.linking.remembered`: a fresh process need not compute them)
``hashes.bin``     every article's record digest after the last pass (a journal, as
                   ``inputs.bin``: :mod:`graph.linking.journal`), and ``state.json``
                   whether that pass ended cleanly, on which records (its stamp and their
                   order-free digest), and the snapshot its unit of writes published (then the
                   store need not be asked)

It is a cache, never the truth:

* evidence counts only for the record digest the store holds; an article whose digest differs
  (or that the cache lacks) is read back from the store;
* beliefs (links, entity descriptions, the resolution's tables, the key index) are trusted only when the last pass ended cleanly on
  exactly the store's current records (:attr:`LinkingCache.stamp`); otherwise links are read
  back from the store and the entities graph is written whole;
* the logs are kept only from runs that ended (a run cut short may have torn them): a cache
  whose last run never ended starts again empty.

Deleting the directory costs one slow pass; it never changes a result. A remote store (a URL)
has its cache under the user's state directory, one per store URL
(:func:`graph.linking.cache_directory`); since the server can be written around it, its beliefs
count only while the server's write stamp is the one the last clean pass left (where the
server keeps none, every run reads the links back), and its evidence by each record's digest.
"""

from __future__ import annotations

import fcntl
import json
import marshal
import os
import shutil
import tempfile
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from newsgraph.linking import carry
from newsgraph.linking.beliefs import Beliefs, BeliefWriter, Links
from newsgraph.linking.inputs import KeptInputs
from newsgraph.linking.journal import Journal, write_atomically
from newsgraph.linking.memo import KeyIndex, Memo
from newsgraph.linking.remembered import KeptAnswers
from newsgraph.linking.stamp import Records

__all__ = ["FORMAT", "LinkingCache", "Links"]

#: Every file of the cache that holds beliefs about the store.
_BELIEFS = ("entities.bin", "hashes.bin")
#: Bump when what the cache holds, or how, changes.
FORMAT = "newsgraph-linking-7"
#: Where an article's spans are in the spans log: ``offset << 32 | length``, one int (a pass
#: holds one per article: an int is a third of the memory of an (offset, length) tuple), which
#: orders places as their offsets do.
Span = int
#: Bits of a span's length, and the mask that reads it.
_LENGTH_BITS = 32
_LENGTH_MASK = (1 << _LENGTH_BITS) - 1
#: The evidence log is rewritten when it is more than this many times its live records.
COMPACT_RATIO = 2.0
#: The live records are weighed (a pass over every article's place) once the spans log has
#: grown by this share since they were last weighed: a batch grows it by a few hundred
#: kilobytes, and its dead records come of what was appended since.
REWEIGH_GROWTH = 0.02
#: Bytes of the length that precedes each write of the evidence log.
_LENGTH = 8
#: Bytes read at once from the spans log.
_BLOCK = 1 << 22
#: An evidence record: (article, record digest, names, where its spans are).
Record = tuple[str, str, bytes, Span]


class LinkingCache:
    """One store's linking cache (``directory`` None: a temporary one, for one run)."""

    def __init__(self, directory: Path | None, fingerprint: str) -> None:
        self._temporary = directory is None
        self.directory = (
            Path(tempfile.mkdtemp(prefix="newsgraph-linking-")) if directory is None else directory
        )
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock: IO[str] | None = open(self.directory / "lock", "a+")  # noqa: SIM115
        fcntl.flock(self._lock, fcntl.LOCK_EX)  # one linking run at a time per store
        self.format = f"{FORMAT} {fingerprint}"
        self._beliefs: Beliefs | None = None
        self._state: dict[str, Any] = self._read_state()
        if self._state.get("format") != self.format or self._state.get("state") == "running":
            # Another format, or a run that never ended: its logs may end in a torn record,
            # or name spans that never reached the disk. Start again (one slow pass).
            for name in ("evidence.log", "spans.log", "links.bin", *_BELIEFS):
                (self.directory / name).unlink(missing_ok=True)
            self._state = {"format": self.format}
            self._write_state()
            self._forget_beliefs()
        self._logs: tuple[IO[bytes], IO[bytes]] | None = None
        self.memo = Memo(self.directory)
        self.keys = KeyIndex(self.directory)
        self.inputs = KeptInputs(self.directory)
        self.answers = KeptAnswers(self.directory)
        self._hashes = Journal(self.directory / "hashes.bin", tables=1)

    # -- state -----------------------------------------------------------------------------------

    def _read_state(self) -> dict[str, Any]:
        try:
            state: dict[str, Any] = json.loads((self.directory / "state.json").read_text())
        except (OSError, ValueError):
            return {}
        return state

    def _write_state(self) -> None:
        write_atomically(self.directory / "state.json", json.dumps(self._state).encode())

    @property
    def stamp(self) -> str | None:
        """The records the last pass linked (see :mod:`graph.linking.stamp`), or None when
        no pass has ended cleanly since the cache last changed."""
        return self._state.get("stamp") if self._state.get("state") == "clean" else None

    @property
    def records(self) -> str | None:
        """The :class:`~graph.linking.stamp.Records` digest of :meth:`hashes`, as kept."""
        found = self._state.get("records")
        return found if isinstance(found, str) else None

    @property
    def entity_count(self) -> int:
        return int(self._state.get("entities", 0))

    @property
    def keys_numbered(self) -> int | None:
        """How many articles the key index numbers, when it covers every article the last
        clean pass linked (None: it does not; trusted only with the rest of the cache)."""
        numbered = self._state.get("keys")
        return numbered if isinstance(numbered, int) else None

    def begin(self) -> None:
        """Mark the cache as changing: until :meth:`end`, its beliefs are not to be trusted."""
        self._state["state"] = "running"
        self._state.pop("generation", None)
        self._write_state()

    def end(
        self,
        stamp: str,
        entities: int,
        hashes: Mapping[str, str],
        keys: int | None = None,
        records: Records | None = None,
        changed: Collection[str] | None = None,
    ) -> None:
        """Mark the cache as clean for ``stamp`` (the records ``hashes``, whose digest is
        ``records``), once its logs are on disk; ``keys``: how many articles the key index now
        numbers (None: it is not whole); ``changed``: the only articles whose digests may differ
        from those :meth:`hashes` gave (None: any may)."""
        self.flush()
        if self._logs is not None:
            for log in self._logs:
                os.fsync(log.fileno())
        self._hashes.save(stamp, [hashes], changed)
        self._state.update(stamp=stamp, entities=entities, state="clean")
        if records is None:
            self._state.pop("records", None)
        else:
            self._state["records"] = records.hex()
        if keys is None:
            self._state.pop("keys", None)
        else:
            self._state["keys"] = keys
        self._write_state()

    def published(self, generation: str) -> None:
        """The unit of writes of the last clean pass published the store's snapshot
        ``generation``: while the store's newest snapshot is that one, the cache's beliefs are
        the store's, and :meth:`hashes` its articles."""
        if self._state.get("state") == "clean":
            self._state["generation"] = generation
            self._write_state()

    @property
    def generation(self) -> str | None:
        """The snapshot the unit of the last clean pass published, if it is known."""
        generation = self._state.get("generation")
        return generation if self.stamp is not None and isinstance(generation, str) else None

    def hashes(self) -> dict[str, str] | None:
        """Every article's record digest after the last clean pass (None: not kept): the
        store's, while nothing wrote it since (:attr:`generation`)."""
        stamp = self.stamp
        kept = self._hashes.load() if stamp is not None else None
        return kept[1][0] if kept is not None and kept[0] == stamp and kept[1][0] else None

    # -- evidence --------------------------------------------------------------------------------

    def put(self, rows: Iterable[tuple[str, str, bytes, bytes]]) -> list[Span]:
        """Append (iri, record digest, names, spans) rows; return where their spans are."""
        if self._logs is None:
            self._logs = (self._open("evidence.log"), self._open("spans.log"))
        evidence, spans = self._logs
        offset = spans.tell()
        places: list[Span] = []
        records: list[Record] = []
        texts = []
        for iri, digest, names, text in rows:
            place = _span(offset, len(text))
            places.append(place)
            records.append((iri, digest, names, place))
            texts.append(text)
            offset += len(text)
        if records:
            spans.write(b"".join(texts))
            written = marshal.dumps(records)
            evidence.write(len(written).to_bytes(_LENGTH, "big") + written)
        return places

    def _open(self, name: str) -> IO[bytes]:
        log = open(self.directory / name, "ab")  # noqa: SIM115 - kept open for the run
        log.seek(0, os.SEEK_END)
        return log

    def flush(self) -> None:
        if self._logs is not None:
            for log in self._logs:
                log.flush()

    def evidence(self, hashes: Mapping[str, str]) -> Iterator[tuple[str, bytes, Span]]:
        """(iri, names, where its spans are) for each logged record whose digest is the one
        in ``hashes``, in the order of the log (of an article's records, the last wins)."""
        self.flush()
        size = _size(self.directory / "spans.log")
        for iri, digest, names, place in _records(self.directory / "evidence.log"):
            if hashes.get(iri) == digest and _end(place) <= size:
                yield iri, names, place

    def spans(self, places: Collection[tuple[str, Span]]) -> Iterator[tuple[str, bytes]]:
        """(iri, spans) for each (iri, where its spans are), read in the order of the log.

        ``places`` in the order of the log already (as a pass finds them, as a rule) are read
        as they are, not copied into a sorted list (64 MB for a million articles)."""
        self.flush()
        if not places:  # a store without articles may have no log at all
            return
        ordered = places if _ascending(places) else sorted(places, key=lambda item: item[1])
        block, start = b"", 0
        with open(self.directory / "spans.log", "rb") as log:
            for iri, place in ordered:
                offset, length = place >> _LENGTH_BITS, place & _LENGTH_MASK
                if offset < start or offset + length > start + len(block):
                    log.seek(offset)
                    block, start = log.read(max(length, _BLOCK)), offset
                yield iri, block[offset - start : offset - start + length]

    def compact(self, live: Mapping[str, Span], hashes: Mapping[str, str]) -> dict[str, Span]:
        """Rewrite the logs with only the ``live`` records (article → where its spans are, of
        the articles in ``hashes``), when most of what they hold is dead; return where the
        spans of ``live`` are now (nothing when the logs were kept as they were). The live
        records are weighed only once the log has grown by :data:`REWEIGH_GROWTH` since they
        last were (``tests/test_linking_inputs.py``)."""
        size = _size(self.directory / "spans.log")
        weighed = self._state.get("spans_weighed")
        if isinstance(weighed, int) and weighed <= size <= weighed * (1 + REWEIGH_GROWTH):
            return {}
        kept = sum(place & _LENGTH_MASK for place in live.values())
        self._state["spans_weighed"] = size  # written down with the pass's end
        if size <= COMPACT_RATIO * max(kept, 1):
            return {}
        self.flush()
        names = {iri: text for iri, text, place in self.evidence(hashes) if live.get(iri) == place}
        if self._logs is not None:
            for log in self._logs:
                log.close()
            self._logs = None
        rows = [(iri, hashes[iri], names[iri], text) for iri, text in self.spans(live.items())]
        for name in ("evidence.log", "spans.log"):
            (self.directory / name).unlink(missing_ok=True)
        moved = self.put(rows)
        self.flush()
        self._state["spans_weighed"] = _size(self.directory / "spans.log")
        return {row[0]: place for row, place in zip(rows, moved, strict=True)}

    # -- beliefs ---------------------------------------------------------------------------------

    @property
    def beliefs(self) -> Beliefs:
        if self._beliefs is None:
            self._beliefs = Beliefs(self.directory)
        return self._beliefs

    def links(self) -> dict[str, tuple[str, Links]]:
        """iri → (record digest, links the last clean pass left it with)."""
        return self.beliefs.all()

    def link_writer(self, *, whole: bool = True) -> BeliefWriter:
        """Where a pass writes, article by article, what it left each article linked to
        (``whole``: every article, replacing what the last pass left)."""
        return self.beliefs.writer(whole=whole)

    def entities(self) -> tuple[dict[str, tuple[str, int, str]], object | None]:
        """entity IRI → (digest of its description, how many name links it has, the
        fingerprint of the entity it described); and the token of the resolution whose
        entities they are, where this process wrote them (None: read from the file)."""
        return self._load("entities.bin"), carry.recall(self.directory / "entities.bin", "token")

    def set_entities(
        self, entities: dict[str, tuple[str, int, str]], token: object | None = None
    ) -> None:
        """Write down what the entities graph holds (the caller does not change it after),
        as the entities of the resolution ``token`` names."""
        self._dump("entities.bin", entities)
        carry.remember(self.directory / "entities.bin", token, "token")

    def forget(self) -> None:
        """Drop every belief about what the store holds (the store is read instead)."""
        self._forget_beliefs()

    def _forget_beliefs(self) -> None:
        for name in ("links.bin", *_BELIEFS):
            (self.directory / name).unlink(missing_ok=True)
        Beliefs(self.directory).forget()
        Memo(self.directory).forget()
        KeyIndex(self.directory).forget()
        KeptInputs(self.directory).forget()
        self._state.pop("keys", None)
        self._state.pop("generation", None)

    def _load(self, name: str) -> dict[str, Any]:
        carried = carry.recall(self.directory / name)
        if carried is not None:
            return carried  # type: ignore[no-any-return]
        try:
            data: dict[str, Any] = marshal.loads((self.directory / name).read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return {}
        return data

    def _dump(self, name: str, value: dict[str, Any]) -> None:
        write_atomically(self.directory / name, marshal.dumps(value))
        carry.remember(self.directory / name, value)

    def close(self) -> None:
        if self._beliefs is not None:
            self._beliefs.close()
            self._beliefs = None
        if self._logs is not None:
            for log in self._logs:
                log.close()
            self._logs = None
        if self._lock is not None:
            self._lock.close()
            self._lock = None
        if self._temporary:
            shutil.rmtree(self.directory, ignore_errors=True)


def _ascending(places: Iterable[tuple[str, Span]]) -> bool:
    """Whether ``places`` are in the order of their offsets."""
    last = -1
    for _iri, place in places:
        if place < last:
            return False
        last = place
    return True


def _span(offset: int, length: int) -> Span:
    if length > _LENGTH_MASK:
        raise ValueError(f"an article's spans take {length} bytes: more than a span can place")
    return offset << _LENGTH_BITS | length


def _end(place: Span) -> int:
    """The offset just past a span."""
    return (place >> _LENGTH_BITS) + (place & _LENGTH_MASK)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _records(path: Path) -> Iterator[Record]:
    """The records of an evidence log, up to the first write a crash cut short."""
    try:
        log = open(path, "rb")  # noqa: SIM115
    except FileNotFoundError:
        return
    with log:
        while len(head := log.read(_LENGTH)) == _LENGTH:
            size = int.from_bytes(head, "big")
            data = log.read(size)
            try:
                written = marshal.loads(data) if len(data) == size else None
            except (EOFError, ValueError, TypeError):
                return
            if not (isinstance(written, list) and all(_is_record(r) for r in written)):
                return
            yield from written


def _is_record(record: object) -> bool:
    return isinstance(record, tuple) and len(record) == 4
