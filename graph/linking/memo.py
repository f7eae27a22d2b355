"""What an incremental pass needs to know which articles a batch can change.

An article's links are a pure function of its entity list, its text's spans, and three tables of
the resolution (:class:`~graph.linking.resolve.Resolution`): which entity each form names
(``default``), the story-level exceptions, and the name index the text scan reads. So after a
batch, only these articles can link differently: the batch's own; those that list a form whose
entity changed; those with an exception that changed; and those whose spans try a name key whose
index entry changed. The memo keeps the three tables of the last clean pass
(``resolution.bin``), and :class:`KeyIndex` which articles try which keys — as 32-bit hashes, so
a collision only makes an article be looked at for nothing (``keys-sorted.bin`` and ``keys.bin``:
pairs of a key's hash and an article number; ``key-articles.txt``: the article of each number).

:func:`affected` is exact by construction: every article outside it gets the same inputs as in
the last pass. ``tests/test_trickle_invariance.py`` compares trickles with from-scratch ingests.
"""

from __future__ import annotations

import marshal
import mmap
import os
import zlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from newsgraph.linking import carry
from newsgraph.linking.journal import Journal, write_atomically
from newsgraph.linking.listing import Listing

__all__ = ["KeyIndex", "Memo", "TableChanges", "affected", "span_keys"]

Index = Mapping[str, tuple[str, frozenset[str]]]


@dataclass(frozen=True)
class TableChanges:
    """Where a resolution's tables and entities may differ from those of the resolution it
    followed (the token of that one's, :attr:`Memo.token`): the forms of ``default``, the
    keys of the index, the keys of the entities, the (article, form) entries of the
    story-level exceptions (None: anywhere). Every other entry is as it was."""

    follows: object
    default: Collection[str] | None
    index: Collection[str] | None
    entities: Collection[str] | None = None
    exceptions: Collection[tuple[str, str]] | None = None


def span_keys(spans: bytes) -> set[str]:
    """Every name key an article's encoded spans try (whole spans and their parts).

    >>> sorted(span_keys(marshal.dumps(((( ("pace", "upper"),), ()), ((("a b", ""),), ((("a", "title"),),))))))
    ['a', 'a b', 'pace']
    """
    keys: set[str] = set()
    for whole, parts in marshal.loads(spans):
        keys.update(key for key, _shape in whole)
        for part in parts:
            keys.update(key for key, _shape in part)
    return keys


def _hash(key: str) -> int:
    return zlib.crc32(key.encode("utf-8"))


class Memo:
    """The resolution tables of the last clean pass (``None`` when there are none), kept in a
    :class:`~graph.linking.journal.Journal`: a batch that knows where its tables changed
    appends those entries only (at a million articles the tables are a few megabytes)."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "resolution.bin"
        self._journal = Journal(self.path, tables=3)
        #: The token of the resolution whose tables :meth:`load` gave, where this process
        #: saved them (None: read from the file).
        self.token: object | None = None

    def load(self) -> tuple[dict[str, str], dict[tuple[str, str], str], dict[str, Any]] | None:
        found = self._journal.load()
        self.token = carry.recall(self.path, "token")
        if found is None:
            return None
        default, exceptions, index = found[1]
        return default, exceptions, index

    def save(
        self,
        default: dict[str, str],
        exceptions: dict[tuple[str, str], str],
        index: dict[str, Any],
        token: object | None = None,
        changed: Collection[object] | None = None,
    ) -> None:
        """Write the tables down (the caller changes none of them after) as those of the
        resolution ``token`` names; ``changed``: the only keys (of any of the tables) whose
        entries may differ from the tables :meth:`load` gave (None: any may)."""
        self._journal.save(os.urandom(8).hex(), [default, exceptions, index], changed)
        carry.remember(self.path, token, "token")

    def forget(self) -> None:
        self._journal.forget()


class KeyIndex:
    """Which articles' spans try which name keys, appended to as articles are linked.

    The pairs live in two files, so that a lookup reads what it finds, not the store: most in
    ``keys-sorted.bin`` (every hash, in order, then the article number of each), binary-searched
    in place; the newest in ``keys.bin``, in the order they came, scanned whole. When the second
    outgrows :data:`MERGE_AT` or a quarter of the first, the two are merged. A crash between
    writing the merged file and emptying the other leaves pairs in both, which only repeats an
    answer. The articles' IRIs are lines of ``key-articles.txt``, found by the offsets in
    ``key-articles.at``; where those do not tell every line (a cache written before them), the
    file is read whole and the offsets written again at the next append
    (``tests/test_key_index.py``)."""

    #: Pairs the unsorted file may hold before a merge, whatever the sorted one holds.
    MERGE_AT = 1 << 18

    def __init__(self, directory: Path) -> None:
        self.pairs = directory / "keys.bin"
        self.sorted = directory / "keys-sorted.bin"
        self.names = directory / "key-articles.txt"
        #: Where each article's line starts in ``names`` (64-bit offsets, by number): a lookup
        #: reads the lines of the articles it found, not the file (100 MB at a million).
        self.starts = directory / "key-articles.at"

    def articles(self) -> list[str]:
        try:
            return self.names.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []

    def named(self, numbers: Iterable[int]) -> list[str]:
        """The articles of ``numbers`` (numbers past the last article are none)."""
        starts = self._starts()
        if starts is None:  # written before the offsets were kept, or torn: read it whole
            names = self.articles()
            return [names[number] for number in numbers if number < len(names)]
        found = []
        with open(self.names, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if not size:
                return []
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as text:
                ends = len(starts)
                for number in numbers:
                    if number < ends:
                        end = int(starts[number + 1]) if number + 1 < ends else size
                        found.append(text[int(starts[number]) : end - 1].decode("utf-8"))
        return found

    def _starts(self) -> npt.NDArray[np.uint64] | None:
        """The offsets, mapped (not read), when they tell every line of ``names`` (else None)."""
        try:
            count = self.starts.stat().st_size // 8
            size = self.names.stat().st_size
        except FileNotFoundError:
            return None
        if not count:
            return None if size else np.empty(0, dtype=np.uint64)
        starts = np.memmap(self.starts, dtype=np.uint64, mode="r", shape=(count,))
        with open(self.names, "rb") as handle:
            handle.seek(int(starts[-1]))
            last = handle.read()
        whole = last.endswith(b"\n") and last.count(b"\n") == 1
        return starts if whole and int(starts[0]) == 0 else None

    def add(self, rows: Iterable[tuple[str, bytes]], numbered: int) -> int:
        """Append (article, encoded spans) rows; ``numbered`` articles are known already.
        Returns how many are known after."""
        hashes: list[int] = []
        numbers: list[int] = []
        names: list[str] = []
        for iri, spans in rows:
            number = numbered + len(names)
            names.append(iri)
            for key in span_keys(spans):
                hashes.append(_hash(key))
                numbers.append(number)
        if names:
            pairs = np.empty((len(hashes), 2), dtype=np.uint32)
            pairs[:, 0] = hashes
            pairs[:, 1] = numbers
            with open(self.pairs, "ab") as handle:
                handle.write(pairs.tobytes())
            lines = [(name + "\n").encode("utf-8") for name in names]
            try:
                known = self.starts.stat().st_size // 8 if numbered else 0
            except FileNotFoundError:
                known = -1
            with open(self.names, "ab") as handle:
                at = handle.seek(0, os.SEEK_END)
                handle.write(b"".join(lines))
            if known == numbered:
                starts = at + np.cumsum([0] + [len(line) for line in lines[:-1]], dtype=np.uint64)
                with open(self.starts, "ab" if numbered else "wb") as handle:
                    handle.write(starts.astype(np.uint64).tobytes())
            else:
                self._count_starts()
            self._merge_if_due()
        return numbered + len(names)

    def trying(self, keys: Iterable[str]) -> set[str]:
        """The articles whose spans try any of ``keys`` (and perhaps a few more)."""
        wanted = np.unique(np.fromiter({_hash(key) for key in keys}, dtype=np.uint32))
        if not len(wanted):
            return set()
        numbers = np.unique(np.concatenate([self._in_sorted(wanted), self._in_newest(wanted)]))
        if not len(numbers):
            return set()
        return set(self.named(numbers.tolist()))

    def forget(self) -> None:
        self.pairs.unlink(missing_ok=True)
        self.sorted.unlink(missing_ok=True)
        self.names.unlink(missing_ok=True)
        self.starts.unlink(missing_ok=True)

    def _count_starts(self) -> None:
        """Write the offsets of every line of ``names`` anew."""
        data = self.names.read_bytes()
        ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))
        starts = np.concatenate([[0], ends[:-1] + 1]) if len(ends) else ends
        write_atomically(self.starts, starts.astype(np.uint64).tobytes())

    def _sorted_columns(self) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
        """The sorted file's hashes and numbers, mapped (not read)."""
        try:
            count = self.sorted.stat().st_size // 8
        except FileNotFoundError:
            count = 0
        if not count:
            empty = np.empty(0, dtype=np.uint32)
            return empty, empty
        mapped = np.memmap(self.sorted, dtype=np.uint32, mode="r", shape=(2 * count,))
        return mapped[:count], mapped[count:]

    def _in_sorted(self, wanted: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
        hashes, numbers = self._sorted_columns()
        if not len(hashes):
            return np.empty(0, dtype=np.uint32)
        low = np.searchsorted(hashes, wanted, side="left")
        counts = np.searchsorted(hashes, wanted, side="right") - low
        total = int(counts.sum())
        if not total:
            return np.empty(0, dtype=np.uint32)
        # every position of every run of equal hashes: each run's start, plus 0, 1, … within it
        runs = np.repeat(low - (np.cumsum(counts) - counts), counts)
        return np.asarray(numbers[runs + np.arange(total)])

    def _newest(self) -> npt.NDArray[np.uint32]:
        try:
            return np.fromfile(self.pairs, dtype=np.uint32).reshape(-1, 2)
        except FileNotFoundError:
            return np.empty((0, 2), dtype=np.uint32)

    def _in_newest(self, wanted: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
        pairs = self._newest()
        if not len(pairs):
            return np.empty(0, dtype=np.uint32)
        hashes = np.ascontiguousarray(pairs[:, 0])
        at = np.minimum(np.searchsorted(wanted, hashes), len(wanted) - 1)
        return pairs[wanted[at] == hashes, 1]

    def _merge_if_due(self) -> None:
        newest = self._newest()
        hashes, numbers = self._sorted_columns()
        if len(newest) <= max(self.MERGE_AT, len(hashes) // 4):
            return
        all_hashes = np.concatenate([hashes, newest[:, 0]])
        all_numbers = np.concatenate([numbers, newest[:, 1]])
        order = np.argsort(all_hashes, kind="stable")
        merged = np.concatenate([all_hashes[order], all_numbers[order]]).astype(np.uint32)
        del hashes, numbers  # the mapping is released before the file is replaced
        write_atomically(self.sorted, merged.tobytes())
        with open(self.pairs, "wb"):
            pass


def affected(
    before: tuple[Mapping[str, str], Mapping[tuple[str, str], str], Index],
    after: tuple[Mapping[str, str], Mapping[tuple[str, str], str], Index],
    lists: Mapping[str, tuple[str, ...]],
    keys: KeyIndex,
    listing: Listing,
    changes: TableChanges | None = None,
) -> set[str]:
    """The articles (of ``lists``) whose links may differ between the two resolutions, besides
    those whose lists changed (the caller's: they are looked at anyway); ``listing``: form →
    the articles whose lists hold it; ``changes``: where ``after`` may differ from ``before``
    (the caller has checked that it follows those tables), so that only there is compared.

    Every form some list holds has an entry in ``default``: a form only one of the two holds
    is listed, in the other, by no article, and in this one only by articles whose lists
    changed. So the articles of such a form are not looked for (that would read every list)."""
    old_default, old_exceptions, old_index = before
    new_default, new_exceptions, new_index = after
    near = changes.default if changes is not None else None
    near_keys = changes.index if changes is not None else None
    forms = {
        f
        for f in (old_default.keys() & new_default.keys() if near is None else near)
        if f in old_default and f in new_default and old_default[f] != new_default[f]
    }
    near_exceptions = changes.exceptions if changes is not None else None
    found = {
        article
        for article, form in (
            old_exceptions.keys() | new_exceptions.keys()
            if near_exceptions is None
            else near_exceptions
        )
        if old_exceptions.get((article, form)) != new_exceptions.get((article, form))
    }
    for articles in listing.articles(forms).values():
        found.update(articles)
    changed_keys = [
        k
        for k in (old_index.keys() | new_index.keys() if near_keys is None else near_keys)
        if old_index.get(k) != new_index.get(k)
    ]
    if changed_keys:
        found |= keys.trying(changed_keys)
    return {article for article in found if article in lists}
