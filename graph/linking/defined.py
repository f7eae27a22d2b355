"""The acronyms and short forms texts define, by the cluster they are defined for.

A text's definition ("the Parliamentary Assembly of the Council of Europe (PACE)") makes its
short form a member of the long form's cluster, counted 0 where no list names it — where the
name level put the two forms in one cluster (it keeps an acronym defined differently in other
stories apart). :class:`DefinedForms` keeps every distinct (short form, long form) pair the
texts give, with the cluster it gives a form to, and brings them up to date where a batch
changed: the pairs of the articles it changed, and the pairs with a form at a node whose
cluster may have moved (:class:`graph.linking.components.Moved`). What it looks at grows with
the batch, not with the store; ``tests/test_defined.py`` holds it to :meth:`DefinedForms.of`
made on the new name level.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from newsgraph.linking.acronyms import Definition
from newsgraph.linking.names import NameLevel, node
from newsgraph.linking.normalise import parse

__all__ = ["DefinedForms"]

#: (short form, long form), as a text gives them.
Pair = tuple[str, str]


@dataclass
class DefinedForms:
    """The forms texts define for each cluster (changed in place by :meth:`update`)."""

    #: article → the pairs its text defines, as last counted.
    texts: dict[str, tuple[Pair, ...]] = field(default_factory=dict)
    #: pair → how many definitions give it.
    counts: Counter[Pair] = field(default_factory=Counter)
    #: pair → the nodes of its short and long forms.
    nodes: dict[Pair, tuple[str, str]] = field(default_factory=dict)
    #: node → the pairs with a form at it.
    at: dict[str, set[Pair]] = field(default_factory=dict)
    #: pair → the cluster root it gives its short form to (where the two forms share one).
    gives: dict[Pair, str] = field(default_factory=dict)
    #: root → short form → how many pairs give it to that cluster.
    by_root: dict[str, Counter[str]] = field(default_factory=dict)
    #: How many pairs the last :meth:`update` placed again.
    placed: int = 0

    @classmethod
    def of(cls, names: NameLevel) -> DefinedForms:
        """The forms defined in every text of ``names`` (a linked name level)."""
        made = cls()
        for article, found in names.definitions.items():
            made._count(article, _pairs(found))
        find = names.uf.find
        for pair in made.counts:
            made._place(pair, find)
        return made

    def update(
        self, names: NameLevel, articles: Iterable[str], nodes: Collection[str] | None
    ) -> set[str]:
        """Bring the forms up to date with ``names``: ``articles``' texts may have changed,
        and the clusters of ``nodes`` (None: of any node) may have moved. Return the roots
        whose defined forms changed."""
        definitions = names.definitions
        touched: set[Pair] = set()
        for article in articles:
            old, new = self.texts.get(article, ()), _pairs(definitions.get(article, ()))
            if old != new:
                self._count(article, old, -1)
                self._count(article, new)
                touched.update(old)
                touched.update(new)
        if nodes is None:
            touched.update(self.counts)
            touched.update(self.gives)
        else:
            for at in nodes:
                touched.update(self.at.get(at, ()))
        find = names.uf.find
        roots: set[str] = set()
        self.placed = len(touched)
        for pair in touched:
            roots.update(self._place(pair, find))
        return roots

    def forms(self, root: str) -> Iterable[str]:
        """The short forms texts define for the cluster of ``root``."""
        return self.by_root.get(root, ())

    def given_at(self, nodes: Iterable[str]) -> Iterator[tuple[str, str]]:
        """(root, short form) for each defined form whose node is one of ``nodes``."""
        for at in nodes:
            for pair in self.at.get(at, ()):
                root = self.gives.get(pair)
                if root is not None and self.nodes[pair][0] == at:
                    yield root, pair[0]

    def _count(self, article: str, pairs: tuple[Pair, ...], sign: int = 1) -> None:
        """Count (``sign`` 1) or uncount (-1) the pairs an article's text defines."""
        if sign > 0:
            if pairs:
                self.texts[article] = pairs
        else:
            self.texts.pop(article, None)
        counts = self.counts
        for pair in pairs:
            count = counts[pair] + sign
            if count:
                counts[pair] = count
                if pair not in self.nodes:
                    short, long = (node(parse(form).key) for form in pair)
                    self.nodes[pair] = (short, long)
                    self.at.setdefault(short, set()).add(pair)
                    self.at.setdefault(long, set()).add(pair)
                continue
            del counts[pair]
            for at in self.nodes.pop(pair):
                held = self.at[at]
                held.discard(pair)
                if not held:
                    del self.at[at]

    def _place(self, pair: Pair, find: Callable[[str], str]) -> tuple[str, ...]:
        """Give ``pair``'s short form to the cluster it now defines it for; the roots whose
        forms that changed."""
        was = self.gives.pop(pair, None)
        now = None
        if pair in self.counts:
            short, long = self.nodes[pair]
            root = find(short)
            if find(long) == root:
                now = self.gives[pair] = root
        if was == now:
            return ()
        changed: list[str] = []
        form = pair[0]
        if was is not None:
            forms = self.by_root[was]
            forms[form] -= 1
            if not forms[form]:
                del forms[form]
                changed.append(was)
                if not forms:
                    del self.by_root[was]
        if now is not None:
            forms = self.by_root.setdefault(now, Counter())
            forms[form] += 1
            if forms[form] == 1:
                changed.append(now)
        return tuple(changed)


def _pairs(found: Sequence[Definition]) -> tuple[Pair, ...]:
    return tuple((definition.short, definition.long) for definition in found)
