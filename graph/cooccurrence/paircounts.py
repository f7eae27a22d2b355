"""n_xy of every pair of a window, kept as the arrays the count made.

A whole network has hundreds of thousands of pairs. Turning the count's integer codes into a
dict keyed by IRI pairs, only for the ranking (:func:`graph.cooccurrence.edges.select_edges`) to
turn the dict back into integer arrays, took longer than counting the pairs. :class:`PairCounts`
keeps the codes: the ranking reads the arrays, and everyone else reads a read-only mapping
``(x, y) → n_xy`` with x < y by code point (its dict is built on the first lookup by pair).

>>> pairs = PairCounts.of({("a", "b"): 2, ("b", "c"): 1})
>>> pairs[("a", "b")], len(pairs), list(pairs.at_least(2))
(2, 2, [('a', 'b')])
>>> pairs == {("b", "c"): 1, ("a", "b"): 2}
True
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, Mapping, Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["PairCounts"]

Ints = npt.NDArray[np.int64]


class PairCounts(Mapping[tuple[str, str], int]):
    """Pairs as codes into ``names`` (sorted, so a lower code is a lower IRI) and their counts.

    ``first[i] < second[i]`` are the codes of pair i, ``counts[i]`` its n_xy; the pairs come in
    the order the arrays hold them.
    """

    __slots__ = ("_by_pair", "counts", "first", "names", "second")

    def __init__(
        self,
        names: Sequence[str] | npt.NDArray[np.object_],
        first: Ints,
        second: Ints,
        counts: Ints,
    ) -> None:
        self.names = np.asarray(names, dtype=object)
        self.first, self.second, self.counts = first, second, counts
        self._by_pair: dict[tuple[str, str], int] | None = None

    @classmethod
    def of(cls, pairs: Mapping[tuple[str, str], int]) -> PairCounts:
        """``pairs`` as arrays (itself when it already is a :class:`PairCounts`)."""
        if isinstance(pairs, PairCounts):
            return pairs
        names = sorted({name for pair in pairs for name in pair})
        position = {name: code for code, name in enumerate(names)}
        size = len(pairs)
        first = np.fromiter((position[x] for x, _y in pairs), np.int64, size)
        second = np.fromiter((position[y] for _x, y in pairs), np.int64, size)
        return cls(names, first, second, np.fromiter(pairs.values(), np.int64, size))

    def at_least(self, minimum: int) -> PairCounts:
        """The pairs counted at least ``minimum`` times."""
        if minimum <= 1:
            return self
        kept = self.counts >= minimum
        return PairCounts(self.names, self.first[kept], self.second[kept], self.counts[kept])

    def __len__(self) -> int:
        return len(self.counts)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return zip(self.names[self.first].tolist(), self.names[self.second].tolist(), strict=True)

    def __getitem__(self, pair: tuple[str, str]) -> int:
        return self._dict()[pair]

    def items(self) -> ItemsView[tuple[str, str], int]:
        return self._dict().items()

    def _dict(self) -> dict[tuple[str, str], int]:
        if self._by_pair is None:
            self._by_pair = dict(zip(self, self.counts.tolist(), strict=True))
        return self._by_pair

    def __repr__(self) -> str:
        return f"PairCounts({self._dict()!r})"
