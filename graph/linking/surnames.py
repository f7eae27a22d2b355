"""The bare-surname rule, kept batch by batch: a one-word name that only one person of the
corpus bears as a surname, or that only one longer name begins with, means that person in
every story where no story-level rule applied ("Tokayev" → Kassym-Jomart Tokayev).

What each listed form *says* to the rule: its cluster's root, and — unless the root is anchored
to an authority entry that is no person — the surnames it bears and its first word (a person's
name: "Lee" may be Lee Rainie's given name), or the first word of a longer name that is no
person's. Authority persons bear their surnames too. A bare form (a key of one word) is given
the one root, other than its own, that bears its key or begins with it, when that root bears a
surname, no other name of its own cluster stands beside it, its root is no entry's, it is no
acronym, no place of the authority file owns its first word, and no person's name begins with
it. The evidence of a link: the first articles of the person's surname-bearing forms.

A batch changes what forms say only for the forms the name level linked again
(:class:`graph.linking.components.Moved`: the others' clusters, anchors and keys are as they
were). Each index (who bears a surname, who begins with a word, whose names are first names,
which keys a cluster holds) is counted, so that a batch knows which keys' holders changed, and
decides again only the bare forms of those keys, of the clusters whose keys changed, and its own
moved forms. ``tests/test_resolve_since.py`` holds every batch's links to those from scratch.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from newsgraph.linking import people
from newsgraph.linking.authority import Authority
from newsgraph.linking.names import NameLevel, node
from newsgraph.linking.normalise import parse

__all__ = ["MAX_EVIDENCE", "Surnames"]

#: The articles a link names as its evidence, at most.
MAX_EVIDENCE = 10

#: (root, rule, evidence articles).
Link = tuple[str, str, frozenset[str]]


@dataclass(frozen=True)
class _Say:
    """What a listed form says to the rule (see the module docstring)."""

    root: str
    surnames: tuple[str, ...] = ()
    first: str | None = None
    start: str | None = None


def _count(counts: dict[str, int], key: str, sign: int) -> bool:
    """Add ``sign`` to a count (a key counted none is absent); whether it went from or to
    none."""
    count = counts.get(key, 0) + sign
    if count:
        counts[key] = count
    else:
        del counts[key]
    return count == 0 or count == sign


@dataclass
class Surnames:
    said: dict[str, _Say] = field(default_factory=dict)
    #: surname key → root → how many of its forms (or authority entries) bear it.
    persons: dict[str, dict[str, int]] = field(default_factory=dict)
    #: first word → root → how many of its names (no person's) begin with it.
    starts: dict[str, dict[str, int]] = field(default_factory=dict)
    first_names: dict[str, int] = field(default_factory=dict)
    #: root → its forms that bear a surname.
    evidence: dict[str, set[str]] = field(default_factory=dict)
    #: surname key → the roots of the authority's persons bearing it.
    authority: dict[str, frozenset[str]] = field(default_factory=dict)
    #: root → how many surnames it bears; root → the keys it bears or begins with.
    bearing: dict[str, int] = field(default_factory=dict)
    candidate_of: dict[str, dict[str, int]] = field(default_factory=dict)
    #: The keys of the titled forms (their nodes stand for no name of the cluster).
    titled: dict[str, str] = field(default_factory=dict)
    titled_keys: dict[str, int] = field(default_factory=dict)
    #: name node → its root, for the nodes that count among their cluster's keys.
    node_root: dict[str, str] = field(default_factory=dict)
    keys_by_root: dict[str, set[str]] = field(default_factory=dict)
    #: listed form of a one-word key → (that key, its root); and the forms by key, by root.
    bare: dict[str, tuple[str, str]] = field(default_factory=dict)
    bare_by_key: dict[str, set[str]] = field(default_factory=dict)
    bare_by_root: dict[str, set[str]] = field(default_factory=dict)
    #: bare form → the person it means; person → those forms; person → its evidence.
    given: dict[str, str] = field(default_factory=dict)
    given_to: dict[str, set[str]] = field(default_factory=dict)
    shown: dict[str, frozenset[str]] = field(default_factory=dict)
    #: The forms parsed after the name level (a story rule's) last time, and their nodes.
    late: set[str] = field(default_factory=set)
    late_nodes: set[str] = field(default_factory=set)
    #: Whether an update was made (the first looks at every form and node).
    made: bool = False

    def update(
        self, names: NameLevel, roots: Mapping[str, tuple[str, tuple[str, ...]]]
    ) -> dict[str, Link | None]:
        """The forms whose link by this rule may have changed, each with its link (None: the
        rule gives it none); from what the last update knew, where ``names.moved`` says what
        the name level linked again (None: every form and node is looked at, and every form
        given to a person is named)."""
        uf, moved = names.uf, names.moved
        late = {node(names.effective[form]) for form in names.late}
        if moved is None or not self.made:
            assert not self.made, "a name level made from scratch: so are the surnames"
            forms: Iterable[str] = list(names.effective)
            nodes: set[str] = {name for name in uf.parent if name[:2] == "k:"}
        else:
            forms = moved.forms | self.late | names.late.keys()
            nodes = {name for name in moved.nodes if name[:2] == "k:"} | self.late_nodes | late
        self.made, self.late, self.late_nodes = True, set(names.late), late
        keys: set[str] = set()  # keys whose bearers, beginners or first names changed
        persons: set[str] = set()  # roots whose evidence changed
        for form in forms:
            self._titled(form, names, nodes)
        clusters = self._nodes(nodes, names)
        for form in forms:
            self._say(form, names, roots, keys, persons)
        self._authority_persons(names, keys)
        decide = set(forms)
        for key in keys:
            decide.update(self.bare_by_key.get(key, ()))
        for root in clusters:
            decide.update(self.bare_by_root.get(root, ()))
        for form in decide:
            self._decide(form, names, roots, persons)
        self._show(names, persons)
        for person in persons:  # its evidence may have changed: so has each form's link
            decide.update(self.given_to.get(person, ()))
        given, shown = self.given, self.shown
        return {
            form: (given[form], "surname", shown[given[form]]) if form in given else None
            for form in decide
        }

    def _titled(self, form: str, names: NameLevel, nodes: set[str]) -> None:
        old = self.titled.pop(form, None)
        new = parse(form).key if form in names.titled else None
        if new is not None:
            self.titled[form] = new
        if old != new:
            for key, sign in ((old, -1), (new, 1)):
                if key is not None and _count(self.titled_keys, key, sign):
                    nodes.add(node(key))

    def _nodes(self, nodes: set[str], names: NameLevel) -> set[str]:
        """Count again which keys the clusters of ``nodes`` hold; the roots whose keys
        changed."""
        uf, changed = names.uf, set()
        for name in nodes:
            old = self.node_root.pop(name, None)
            if old is not None:
                self.keys_by_root[old].discard(name[2:])
                if not self.keys_by_root[old]:
                    del self.keys_by_root[old]
                changed.add(old)
            inflected = uf.joined_by.get(name, ("",))[0] == "inflectedForm"  # "Obamas" is Obama's
            if name in uf.parent and name[2:] not in self.titled_keys and not inflected:
                root = self.node_root[name] = uf.find(name)
                self.keys_by_root.setdefault(root, set()).add(name[2:])
                changed.add(root)
        return changed

    def _say(
        self, form: str, names: NameLevel, roots: Mapping[str, tuple[str, tuple[str, ...]]],
        keys: set[str], persons: set[str],
    ) -> None:  # fmt: skip
        old = self.said.pop(form, None)
        new = _said(form, names, roots) if form in names.form_articles else None
        if new is not None:
            self.said[form] = new
        if old == new:  # its articles may have changed: its evidence with them
            if new is not None and new.surnames:
                persons.add(new.root)
            return
        for say, sign in ((old, -1), (new, 1)):
            if say is None:
                continue
            for surname in say.surnames:
                self._hold(self.persons, surname, say.root, sign, keys)
                forms = self.evidence.setdefault(say.root, set())
                (forms.add if sign > 0 else forms.discard)(form)
                if not forms:
                    del self.evidence[say.root]
                persons.add(say.root)
            if say.first is not None and _count(self.first_names, say.first, sign):
                keys.add(say.first)
            if say.start is not None:
                self._hold(self.starts, say.start, say.root, sign, keys)

    def _hold(
        self, table: dict[str, dict[str, int]], key: str, root: str, sign: int, keys: set[str]
    ) -> None:
        """Count (or uncount) ``root`` as bearing, or beginning with, ``key``."""
        holders = table.get(key)
        if holders is None:
            holders = table[key] = {}
        if _count(holders, root, sign):
            keys.add(key)
            keys_of = self.candidate_of.get(root)
            if keys_of is None:
                keys_of = self.candidate_of[root] = {}
            _count(keys_of, key, sign)
            if not keys_of:
                del self.candidate_of[root]
            if table is self.persons and _count(self.bearing, root, sign):
                keys.update(self.candidate_of.get(root, ()))  # it bears a surname, or no more
                keys.add(key)
        if not holders:
            del table[key]

    def _authority_persons(self, names: NameLevel, keys: set[str]) -> None:
        find = names.uf.find
        now = {
            surname: frozenset(find("a:" + entry_id) for entry_id in entry_ids)
            for surname, entry_ids in _authority_surnames(names.authority).items()
        }
        for surname in now.keys() | self.authority.keys():
            old, new = self.authority.get(surname, frozenset()), now.get(surname, frozenset())
            for root in old - new:
                self._hold(self.persons, surname, root, -1, keys)
            for root in new - old:
                self._hold(self.persons, surname, root, 1, keys)
        self.authority = now

    def _decide(
        self, form: str, names: NameLevel, roots: Mapping[str, tuple[str, tuple[str, ...]]],
        persons: set[str],
    ) -> None:  # fmt: skip
        was = self.bare.pop(form, None)
        if was is not None:
            self.bare_by_key[was[0]].discard(form)
            self.bare_by_root[was[1]].discard(form)
        person = self.given.pop(form, None)
        if person is not None:
            given_to = self.given_to[person]
            given_to.discard(form)
            if not given_to:
                del self.given_to[person]
            persons.add(person)
        if form not in names.form_articles:
            return
        key = names.inflected_base.get(form) or names.effective[form]
        if " " in key:
            return
        root = roots[form][0]
        self.bare[form] = (key, root)
        self.bare_by_key.setdefault(key, set()).add(form)
        self.bare_by_root.setdefault(root, set()).add(form)
        own = {key, names.effective[form], names.parsed[form].key}
        if (
            names.uf.anchor.get(root)
            or self.keys_by_root.get(root, set()) - own
            or names.parsed[form].acronym
            or key in _owned_by_places(names.authority)
            or key in self.first_names
        ):
            return  # not a bare surname, or something else in the store could own it
        candidates = (self.persons.get(key, {}).keys() | self.starts.get(key, {}).keys()) - {root}
        if len(candidates) != 1:
            return
        (person,) = candidates
        if person in self.bearing:
            self.given[form] = person
            given_to = self.given_to.setdefault(person, set())
            if not given_to:
                persons.add(person)
            given_to.add(form)

    def _show(self, names: NameLevel, persons: set[str]) -> None:
        """The evidence of the persons given to a form whose forms or articles moved."""
        wanted = [person for person in persons if person in self.given_to]
        for person in persons:
            self.shown.pop(person, None)
        listing = names.form_articles.articles(
            sorted({form for person in wanted for form in self.evidence.get(person, ())})
        )
        for person in wanted:
            found = {a for form in self.evidence.get(person, ()) for a in listing[form]}
            self.shown[person] = frozenset(heapq.nsmallest(MAX_EVIDENCE, found))


def _said(form: str, names: NameLevel, roots: Mapping[str, tuple[str, tuple[str, ...]]]) -> _Say:
    root, words = roots[form]
    anchored = names.uf.anchor.get(root)
    if anchored and names.authority.entries[anchored].type != "Person":
        return _Say(root)
    display = people.split_title(form)
    text = display[1] if display else form
    if len(words) > 1 and people.person_with_surname(text):
        last = text.split()[-1]
        surnames = tuple(
            surname
            for surname in people.surname_keys(text)
            if not ("-" in last and " " not in surname)  # "John" is no surname of "Kwesi-John"
        )
        return _Say(root, surnames, words[0])  # "Lee" may be Lee Rainie's as well as Bill Lee's
    if len(words) > 1:
        return _Say(root, start=words[0])
    return _Say(root)


@cache
def _owned_by_places(authority: Authority) -> frozenset[str]:
    """Keys that a place or body of the authority file could own: the first word of its
    names ("Washington" of "Washington, D.C."), and every contested name."""
    owned = set(authority.contested)
    for entry in authority.entries.values():
        if entry.type != "Person":
            for name in entry.names:
                tokens = parse(name).key_tokens
                if tokens:
                    owned.add(tokens[0])
    return frozenset(owned)


@cache
def _authority_surnames(authority: Authority) -> dict[str, list[str]]:
    surnames: dict[str, list[str]] = defaultdict(list)
    for entry in authority.entries.values():
        if entry.type == "Person":
            for surname in people.surname_keys(entry.name):
                surnames[surname].append(entry.id)
    return dict(surnames)
