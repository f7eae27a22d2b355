"""Each listed form's entity key where no story-level rule applies (a resolution's ``default``
table, :attr:`graph.linking.resolve.Resolution.tables`), kept batch by batch; and the same of
the story-level exceptions, (article, form) → key.

A form's key is that of the cluster its default link names
(:attr:`graph.linking.mentions.Assignment.default`). It changes only where the link does
(:attr:`~graph.linking.mentions.Assignment.moved`, where the assignment changed the last one's
table in place) or where the key of the link's cluster does
(:attr:`graph.linking.keys.Keys.moved`); so a batch looks at those forms alone, and names them
(:attr:`DefaultKeys.moved`) for what compares the table with the last one
(:func:`graph.linking.memo.affected`). The exceptions' table follows their links the same way
(:attr:`~graph.linking.mentions.Assignment.exceptions_moved`). ``tests/test_resolve_since.py``
holds both tables to those made from scratch after every batch.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from newsgraph.linking.surnames import Link

__all__ = ["DefaultKeys"]

#: What a table is keyed by: a form, or an (article, form) mention.
Entry = TypeVar("Entry", bound=Hashable)


@dataclass
class DefaultKeys(Generic[Entry]):
    #: form → the key of its default link's cluster ("" where that cluster has none).
    table: dict[Entry, str] = field(default_factory=dict)
    #: form → its default link's root; root → the forms whose default link names it.
    root_of: dict[Entry, str] = field(default_factory=dict)
    forms_of: dict[str, set[Entry]] = field(default_factory=dict)
    #: The forms whose key the last :meth:`update` may have changed (None: made whole).
    moved: set[Entry] | None = None

    @classmethod
    def of(cls, default: Mapping[Entry, Link], keys: Mapping[str, str]) -> DefaultKeys[Entry]:
        """The table of ``default`` (form → its link) with ``keys`` (root → entity key)."""
        made = cls()
        for form, (root, _rule, _evidence) in default.items():
            made._link(form, root, keys)
        return made

    @classmethod
    def following(
        cls,
        kept: DefaultKeys[Entry] | None,
        table: Mapping[Entry, Link],
        moved: Collection[Entry] | None,
        keys: Mapping[str, str],
        roots: Iterable[str] | None,
    ) -> DefaultKeys[Entry]:
        """``kept`` brought up to date with ``table`` (:meth:`update`) where it knows where both
        moved: ``moved``, the entries whose link may have changed, and ``roots``, those whose
        key may have (None: unknown); else the table of ``table`` made whole."""
        if kept is None or moved is None or roots is None:
            return cls.of(table, keys)
        kept.update(table, moved, keys, roots)
        return kept

    def update(
        self,
        default: Mapping[Entry, Link],
        forms: Collection[Entry],
        keys: Mapping[str, str],
        roots: Iterable[str],
    ) -> None:
        """Become the table of ``default`` with ``keys``, where ``forms`` are the forms whose
        link may have changed since the last update and ``roots`` the roots whose key may
        have."""
        moved = set(forms)
        for form in forms:
            old = self.root_of.pop(form, None)
            if old is not None:
                held = self.forms_of[old]
                held.discard(form)
                if not held:
                    del self.forms_of[old]
            link = default.get(form)
            if link is None:
                self.table.pop(form, None)
            else:
                self._link(form, link[0], keys)
        table = self.table
        for root in roots:
            found = self.forms_of.get(root)
            if found:
                key = keys.get(root, "")
                for form in found:
                    table[form] = key
                moved.update(found)
        self.moved = moved

    def _link(self, form: Entry, root: str, keys: Mapping[str, str]) -> None:
        self.table[form] = keys.get(root, "")
        self.root_of[form] = root
        held = self.forms_of.get(root)
        if held is None:
            self.forms_of[root] = {form}
        else:
            held.add(form)
