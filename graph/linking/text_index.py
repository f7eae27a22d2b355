"""The name index the text scan reads (:func:`graph.linking.textscan.scan`): name key → (the
key of its entity, the case shapes its names are written in), kept up to date batch by batch.

The names it knows: every form an entity list holds, every acronym a text defines, and every
name of the authority entries whose clusters are entities. A name of two or more letters, not
all in lower case, maps its key to the entity of its cluster: its node's, where the name level
has one, else that of the authority entry its key names.

A batch changes the index only at the keys it may move: those of the names it makes known or
unknown (lists, texts' definitions, entities anchored to an entry), of the nodes the name level
linked again (:class:`graph.linking.components.Moved`: their clusters may have moved), and of
the clusters whose entity key moved (:attr:`graph.linking.keys.Keys.moved`). Every other key's
names, cluster and entity are as they were. ``tests/test_resolve_since.py`` holds the index to
one made from scratch after every batch.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from newsgraph.linking.authority import Authority
from newsgraph.linking.listing import Before
from newsgraph.linking.names import NameLevel, node
from newsgraph.linking.normalise import parse

__all__ = ["Index", "TextIndex"]

#: name key → (entity key, case shapes).
Index = dict[str, tuple[str, frozenset[str]]]


@cache
def _entry_keys(authority: Authority) -> dict[str, tuple[str, ...]]:
    """entry id → the keys that name it alone."""
    found: dict[str, list[str]] = {}
    for key, entry_id in authority.by_key.items():
        found.setdefault(entry_id, []).append(key)
    return {entry_id: tuple(keys) for entry_id, keys in found.items()}


@dataclass
class TextIndex:
    index: Index = field(default_factory=dict)
    #: form → how many sources make it known (its lists, the texts defining it, entries).
    known: dict[str, int] = field(default_factory=dict)
    #: key → the known forms that may be found by it.
    forms: dict[str, set[str]] = field(default_factory=dict)
    listed: set[str] = field(default_factory=set)
    #: article → the acronyms its text defines.
    defined: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: cluster root → the authority entry whose names it makes known.
    entries: dict[str, str] = field(default_factory=dict)
    #: key → the cluster root it maps to (an entity's or not); root → those keys.
    root_of: dict[str, str] = field(default_factory=dict)
    keys_of: dict[str, set[str]] = field(default_factory=dict)
    #: The keys whose entry the last :meth:`update` may have changed (None: made whole).
    moved: set[str] | None = None

    @classmethod
    def of(cls, names: NameLevel, keys: Mapping[str, str]) -> TextIndex:
        """The index of ``names`` with ``keys`` (cluster root → entity key), made whole."""
        made = cls()
        dirty: set[str] = set()
        made.listed = set(names.form_articles)
        for form in made.listed:
            made._know(form, 1, dirty)
        for article, found in names.definitions.items():
            if found:
                made.defined[article] = tuple(d.short for d in found)
                for form in made.defined[article]:
                    made._know(form, 1, dirty)
        anchor = names.uf.anchor
        for root in keys:
            if root in anchor:
                made.entries[root] = anchor[root]
                for name in names.authority.entries[anchor[root]].names:
                    made._know(name, 1, dirty)
        made._index(names, keys, sorted(dirty))
        return made

    def update(
        self, names: NameLevel, keys: Mapping[str, str], moved_keys: Collection[str],
        before: Before,
    ) -> None:  # fmt: skip
        """Become the index of ``names`` with ``keys``, where ``names.moved`` says what the name
        level linked again, ``moved_keys`` the roots whose entity key may have moved since the
        last update, and ``before`` the articles whose lists or texts changed."""
        moved = names.moved
        assert moved is not None, "a name level made from scratch: make the index whole"
        dirty: set[str] = set()
        for form in moved.forms:
            listed = form in names.form_articles
            if listed != (form in self.listed):
                (self.listed.add if listed else self.listed.discard)(form)
                self._know(form, 1 if listed else -1, dirty)
        for article in before:
            old = self.defined.pop(article, ())
            new = tuple(d.short for d in names.definitions.get(article, ()))
            if new:
                self.defined[article] = new
            for form in old:
                self._know(form, -1, dirty)
            for form in new:
                self._know(form, 1, dirty)
        authority, anchor = names.authority, names.uf.anchor
        roots = {*moved_keys, *moved.nodes}
        for root in roots:
            old_entry = self.entries.pop(root, None)
            new_entry = anchor.get(root) if root in keys else None
            if new_entry is not None:
                self.entries[root] = new_entry
            if old_entry != new_entry:
                for entry_id, sign in ((old_entry, -1), (new_entry, 1)):
                    for name in authority.entries[entry_id].names if entry_id else ():
                        self._know(name, sign, dirty)
        entry_keys = _entry_keys(authority)
        for name_node in moved.nodes:
            if name_node[:2] == "k:":
                dirty.add(name_node[2:])
            else:
                dirty.update(entry_keys.get(name_node[2:], ()))
        for root in roots:
            dirty.update(self.keys_of.get(root, ()))
        self._index(names, keys, dirty)
        self.moved = dirty

    def _know(self, form: str, sign: int, dirty: set[str]) -> None:
        """Count a source of ``form`` (``sign`` 1) or uncount one (-1)."""
        count = self.known.get(form, 0) + sign
        if count:
            self.known[form] = count
        else:
            del self.known[form]
        if (count == 0 or count == sign) and not form.islower():
            key = parse(form).key
            if len(key) >= 2:
                dirty.add(key)
                forms = self.forms.setdefault(key, set())
                if count:
                    forms.add(form)
                else:
                    forms.discard(form)
                    if not forms:
                        del self.forms[key]

    def _index(self, names: NameLevel, keys: Mapping[str, str], dirty: Iterable[str]) -> None:
        uf, authority = names.uf, names.authority
        for key in dirty:
            root = self.root_of.pop(key, None)
            if root is not None:
                self.keys_of[root].discard(key)
                if not self.keys_of[root]:
                    del self.keys_of[root]
            self.index.pop(key, None)
            forms = self.forms.get(key)
            if not forms:
                continue
            if node(key) in uf.parent:
                root = uf.find(node(key))
            else:
                entry = authority.lookup(key)
                root = uf.find("a:" + entry.id) if entry else None
            if root is None:
                continue
            self.root_of[key] = root  # followed even while its cluster is no entity
            self.keys_of.setdefault(root, set()).add(key)
            if root in keys:
                shapes = frozenset("upper" if parse(f).acronym else "title" for f in forms)
                self.index[key] = (keys[root], shapes)
