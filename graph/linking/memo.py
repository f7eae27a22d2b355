"""What an incremental pass needs to know which articles a batch can change.

An article's links are a pure function of its entity list, its text's spans, and three tables of
the resolution (:class:`~graph.linking.resolve.Resolution`): which entity each form names
(``default``), the story-level exceptions, and the name index the text scan reads. So after a
batch, only these articles can link differently: the batch's own; those that list a form whose
entity changed; those with an exception that changed; and those whose spans try a name key whose
index entry changed. The memo keeps the three tables of the last clean pass
(``resolution.bin``), and :class:`KeyIndex` which articles try which keys — as 32-bit hashes, so
a collision only makes an article be looked at for nothing (``keys.bin``: pairs of a key's hash
and an article number; ``key-articles.txt``: the article of each number).

:func:`affected` is exact by construction: every article outside it gets the same inputs as in
the last pass. ``tests/test_trickle_invariance.py`` compares trickles with from-scratch ingests.
"""

from __future__ import annotations

import marshal
import os
import zlib
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["KeyIndex", "Memo", "affected", "span_keys", "write_atomically"]

Index = Mapping[str, tuple[str, frozenset[str]]]


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
    """The resolution tables of the last clean pass (``None`` when there are none)."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "resolution.bin"

    def load(self) -> tuple[dict[str, str], dict[tuple[str, str], str], dict[str, Any]] | None:
        try:
            default, exceptions, index = marshal.loads(self.path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return None
        return default, exceptions, index

    def save(
        self, default: Mapping[str, str], exceptions: Mapping[tuple[str, str], str], index: Index
    ) -> None:
        write_atomically(self.path, marshal.dumps((dict(default), dict(exceptions), dict(index))))

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)


class KeyIndex:
    """Which articles' spans try which name keys, appended to as articles are linked."""

    def __init__(self, directory: Path) -> None:
        self.pairs = directory / "keys.bin"
        self.names = directory / "key-articles.txt"

    def articles(self) -> list[str]:
        try:
            return self.names.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []

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
            with open(self.names, "a", encoding="utf-8") as handle:
                handle.write("".join(name + "\n" for name in names))
        return numbered + len(names)

    def trying(self, keys: Iterable[str]) -> set[str]:
        """The articles whose spans try any of ``keys`` (and perhaps a few more)."""
        wanted = np.sort(np.fromiter({_hash(key) for key in keys}, dtype=np.uint32))
        if not len(wanted) or not self.pairs.exists():
            return set()
        pairs: npt.NDArray[np.uint32] = np.fromfile(self.pairs, dtype=np.uint32).reshape(-1, 2)
        # Each pair's hash looked up in the sorted wanted ones: one binary search per pair
        # (np.isin compares every pair with every wanted hash: 0.25 s for 200 keys at 100k).
        hashes = pairs[:, 0]
        at = np.minimum(np.searchsorted(wanted, hashes), len(wanted) - 1)
        numbers = np.unique(pairs[wanted[at] == hashes, 1])
        if not len(numbers):
            return set()
        names = self.articles()
        return {names[number] for number in numbers.tolist() if number < len(names)}

    def forget(self) -> None:
        self.pairs.unlink(missing_ok=True)
        self.names.unlink(missing_ok=True)


def affected(
    before: tuple[Mapping[str, str], Mapping[tuple[str, str], str], Index],
    after: tuple[Mapping[str, str], Mapping[tuple[str, str], str], Index],
    lists: Mapping[str, tuple[str, ...]],
    keys: KeyIndex,
    listing: Mapping[str, Collection[str]],
) -> set[str]:
    """The articles (of ``lists``) whose links may differ between the two resolutions;
    ``listing``: form → the articles whose lists hold it."""
    old_default, old_exceptions, old_index = before
    new_default, new_exceptions, new_index = after
    forms = {
        f
        for f in old_default.keys() | new_default.keys()
        if old_default.get(f) != new_default.get(f)
    }
    found = {
        article
        for article, form in old_exceptions.keys() | new_exceptions.keys()
        if old_exceptions.get((article, form)) != new_exceptions.get((article, form))
    }
    if forms:
        for form in forms:
            found.update(listing.get(form, ()))
    changed_keys = [
        k for k in old_index.keys() | new_index.keys() if old_index.get(k) != new_index.get(k)
    ]
    if changed_keys:
        found |= keys.trying(changed_keys)
    return {article for article in found if article in lists}


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` whole (a crash leaves the old file or the new one)."""
    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
