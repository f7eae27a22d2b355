"""The name level's components, and a batch's name level made again for the components it
touches alone.

Every name-level rule (:mod:`graph.linking.names`, :mod:`graph.linking.crosslingual`) joins or
compares names that share something. Each thing the rules read is an *item*, with the *tokens*
through which a rule may relate it to another:

- a form some list holds: its keys (as the name level links it, and as written), the keys of
  the acronym and the long form its entry defines ("British Petroleum (BP)"), its
  transliteration skeletons (in each language it is read in, or the rule's default), its
  inflection blocks (in each inflecting language), the surnames it bears, and the bases an
  inflected one-word name may stand for;
- an authority entry: its node, the keys of its names in every language, and its names'
  skeletons and inflection blocks;
- an acronym a text defines or a list gives beside its expansion: the two keys;
- an override: the keys of its two names.

Name keys and entries are the clusters' own nodes (``k:…``, ``a:…``). Items that share a token
are in one *component*. The rules ask about a node only what its component's items say, and
visit everything in sorted order; so linking one component's items alone makes the unions the
whole corpus makes for them, in the same order: the same roots, anchors and facts for its nodes
and forms.

:func:`advance` makes a batch's name level from the last resolution's: the components that hold
a form the batch's articles list (then or now) or an acronym their texts or lists give are
linked again, alone, and take the place of what they held; every other node and form keeps what
it had. The work grows with those components (the largest holds 48 names at a million
articles, ``bench/README.md``), not with the store. ``tests/test_name_components.py`` holds the
name level so made to one made from scratch, and the tokens to every rule that joins names.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsgraph.linking import acronyms, morphology, people, scripts
from newsgraph.linking.authority import Authority
from newsgraph.linking.crosslingual import ROMANISING, TRANSLITERATED_TYPES, compared_words
from newsgraph.linking.listing import Before, Listing
from newsgraph.linking.names import (
    Corpus,
    ListAcronyms,
    NameLevel,
    TextPairs,
    definitions_of,
    effective_key,
    node,
)  # fmt: skip
from newsgraph.linking.normalise import parse
from newsgraph.linking.overrides import Override

__all__ = ["Components", "Moved", "advance", "form_tokens"]

#: ("f", form) · ("e", entry id) · ("o", override index) · ("x", short key, long key).
Item = tuple[str, ...]
Pair = tuple[str, str]


@dataclass
class Moved:
    """What :func:`advance` linked again: the forms it parsed and the nodes it made, with
    those it took apart (every other form's and node's cluster and facts are as they were)."""

    forms: set[str]
    nodes: set[str]
    #: The articles whose story-level acronyms (:attr:`NameLevel.local_acronyms`) were taken
    #: apart or made again.
    local: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Tokens:
    """What an item shares: ``held`` joins every item holding the same token; ``offered``
    joins the items holding it only where some item holds it (a candidate a rule compares
    against: a transliteration's target, an inflected form's possible base, or an authority
    entry's name, which the rules reach only from a name of the corpus)."""

    held: tuple[str, ...]
    offered: tuple[str, ...] = ()


def form_tokens(form: str, langs: frozenset[str], own_keys: Mapping[str, str]) -> Tokens:
    """What a rule may relate a listed form by (``langs``: the languages it is read in).

    >>> tokens = form_tokens("British Petroleum (BP)", frozenset({"en"}), {})
    >>> "k:bp" in tokens.held, "k:british petroleum" in tokens.held
    (True, True)
    """
    held = {node(effective_key(form, own_keys)[0]), node(parse(form).key)}
    offered: set[str] = set()
    definition = acronyms.in_entry(form)
    if definition is not None:
        held.add(node(parse(definition.short).key))
        held.add(node(effective_key(definition.long, own_keys)[0]))
    cyrillic = scripts.is_cyrillic(form)
    if not cyrillic:  # a transliteration's target
        offered.update("s:" + scripts.skeleton(form, lang) for lang in langs or ("en",))
    if cyrillic or langs & ROMANISING:  # a transliteration's query
        held.update("s:" + scripts.skeleton(form, lang) for lang in langs or ("ru",))
    for lang in sorted(morphology.INFLECTING):
        words = compared_words(form, lang)
        block = morphology.blocking_key(words, lang)
        if block is not None:  # read in the language: inflected; else a possible base
            (held if lang in langs else offered).add(f"b:{lang}:{' '.join(block)}")
        if lang in langs:
            held.update("u:" + key for key in morphology.possible_bases(words, lang))
    if people.person_shape(form) and " " in form:
        offered.update("u:" + key for key in people.surname_keys(form))
    return Tokens(tuple(sorted(held)), tuple(sorted(offered - held)))


def _entry_tokens(authority: Authority) -> dict[Item, Tokens]:
    offered: dict[str, set[str]] = {entry_id: set() for entry_id in authority.entries}
    for key, entry_id in authority.by_key.items():
        offered[entry_id].add(node(key))
    for (_lang, key), entry_id in authority.by_lang_key.items():
        offered[entry_id].add(node(key))
    for entry_id, entry in authority.entries.items():
        if entry.type in TRANSLITERATED_TYPES:
            offered[entry_id].update("s:" + scripts.skeleton(name, "en") for name in entry.names)
        for lang in morphology.INFLECTING:
            for name in entry.names_in.get(lang, ()):
                words = morphology.content_words(morphology.words_of(name), lang)
                block = morphology.blocking_key(words, lang)
                if block is not None:
                    offered[entry_id].add(f"b:{lang}:{' '.join(block)}")
    return {
        ("e", entry_id): Tokens(("a:" + entry_id,), tuple(sorted(tokens)))
        for entry_id, tokens in offered.items()
    }


def _override_tokens(
    overrides: Sequence[Override], own_keys: Mapping[str, str]
) -> dict[Item, Tokens]:
    found: dict[Item, Tokens] = {}
    for index, override in enumerate(overrides):
        if override.action == "split" or (override.action == "merge" and not override.article):
            names = (override.name, override.target)
            keys = {node(effective_key(name, own_keys)[0]) for name in names}
            found[("o", str(index))] = Tokens(tuple(sorted(keys)))
    return found


def _pair_tokens(pair: Pair) -> Tokens:
    return Tokens(tuple(sorted({node(pair[0]), node(pair[1])})))


def _text_pairs(found: Sequence[acronyms.Definition]) -> tuple[Pair, ...]:
    return tuple((parse(d.short).key, parse(d.long).key) for d in found)


@dataclass
class Evidence:
    """The acronyms that texts define and lists give, as (short key, long key) pairs: how many
    articles give each pair, which articles' texts define it, and which articles' lists give
    each short form."""

    #: article → the pairs its text defines.
    text: dict[str, tuple[Pair, ...]] = field(default_factory=dict)
    support: Counter[Pair] = field(default_factory=Counter)
    #: pair → the articles whose texts define it.
    in_text: TextPairs = field(default_factory=dict)
    #: short key → the articles whose lists give it beside a long form.
    in_list: dict[str, set[str]] = field(default_factory=dict)

    def take(self, article: str, text: Sequence[Pair], listed: Sequence[Pair], sign: int) -> None:
        """Count (``sign`` 1) or uncount (-1) an article's pairs."""
        for pair in text:
            self._count(pair, sign)
            _file(self.in_text, pair, article, sign)
        for pair in listed:
            self._count(pair, sign)
            _file(self.in_list, pair[0], article, sign)
        if sign > 0 and text:
            self.text[article] = tuple(text)
        elif sign < 0:
            self.text.pop(article, None)

    def _count(self, pair: Pair, sign: int) -> None:
        self.support[pair] += sign
        if not self.support[pair]:
            del self.support[pair]


def _file(table: dict[Any, set[str]], key: object, article: str, sign: int) -> None:
    """Add (``sign`` 1) or remove (-1) an article from ``key``'s set in ``table``."""
    articles = table.setdefault(key, set())
    if sign > 0:
        articles.add(article)
    else:
        articles.discard(article)
        if not articles:
            del table[key]


@dataclass
class Components:
    """The items of a corpus's name level, their tokens and components, and what the name
    level found by component."""

    overrides: tuple[Override, ...]
    own_keys: dict[str, str]
    tokens: dict[Item, Tokens] = field(default_factory=dict)
    #: token → the item that offers it, or the set of them where there are several (most
    #: tokens have one: a set each would be most of the memory the components take).
    offers: dict[str, Item | set[Item]] = field(default_factory=dict)
    #: token → its component, for each token some item holds.
    component: dict[str, int] = field(default_factory=dict)
    items: dict[int, set[Item]] = field(default_factory=dict)
    evidence: Evidence = field(default_factory=Evidence)
    #: short key → the (article, short key) of the story-level acronyms it is in.
    local: dict[str, list[Pair]] = field(default_factory=dict)
    issued: int = 0
    #: How many forms the last :func:`advance` linked again.
    relinked: int = 0

    @classmethod
    def of(cls, names: NameLevel) -> Components:
        """The components of a name level made from scratch (linked)."""
        parts = cls(tuple(names.overrides), dict(names.own_keys))
        found: dict[Item, Tokens] = {}
        form_langs, own_keys = names.form_langs, names.own_keys
        for form in names.forms:
            found[("f", form)] = form_tokens(form, form_langs.get(form, frozenset()), own_keys)
        found.update(_entry_tokens(names.authority))
        found.update(_override_tokens(names.overrides, own_keys))
        evidence = parts.evidence
        for article, definitions in names.definitions.items():
            evidence.take(article, _text_pairs(definitions), (), 1)
        for article, pairs in names.list_acronyms.items():
            evidence.take(article, (), pairs, 1)
        for pair in evidence.support:
            found[("x", *pair)] = _pair_tokens(pair)
        for item, tokens in found.items():
            parts._set(item, tokens)
        parts._group(found)
        for article, short in names.local_acronyms:
            parts.local.setdefault(short, []).append((article, short))
        return parts

    def forms_by_component(self) -> list[int]:
        """How many listed forms each component holds (those that hold one), largest first."""
        counts = (sum(item[0] == "f" for item in items) for items in self.items.values())
        return sorted((count for count in counts if count), reverse=True)

    def _set(self, item: Item, tokens: Tokens | None) -> None:
        was = self.tokens.pop(item, None)
        offers = self.offers
        for token in was.offered if was is not None else ():
            offering = offers[token]
            if isinstance(offering, set):
                offering.discard(item)
                if len(offering) == 1:
                    offers[token] = next(iter(offering))
            else:
                del offers[token]
        if tokens is not None:
            self.tokens[item] = tokens
            for token in tokens.offered:
                found = offers.get(token)
                if found is None:
                    offers[token] = item
                elif isinstance(found, set):
                    found.add(item)
                else:
                    offers[token] = {found, item}

    def _offering(self, token: str) -> Iterable[Item]:
        """The items that offer ``token``."""
        offering = self.offers.get(token)
        if offering is None:
            return ()
        return offering if isinstance(offering, set) else (offering,)

    def _group(self, items: Iterable[Item]) -> set[int]:
        """Put ``items`` in components of their own: those holding a token in one, with those
        offering it."""
        parent: dict[str, str] = {}

        def find(token: str) -> str:
            root = token
            while parent.setdefault(root, root) != root:
                root = parent[root]
            while parent[token] != root:
                parent[token], token = root, parent[token]
            return root

        items = list(items)
        for item in items:
            first, *rest = self.tokens[item].held
            head = find(first)
            for token in rest:
                other = find(token)
                if other != head:
                    parent[other] = head
        held = set(parent)
        for item in items:
            offered = [token for token in self.tokens[item].offered if token in held]
            if offered:
                head = find(self.tokens[item].held[0])
                for token in offered:
                    other = find(token)
                    if other != head:
                        parent[other] = head
        numbers: dict[str, int] = {}
        for item in items:
            root = find(self.tokens[item].held[0])
            number = numbers.get(root)
            if number is None:
                number = numbers[root] = self.issued
                self.issued += 1
                self.items[number] = set()
            self.items[number].add(item)
        component = self.component
        for token in held:
            component[token] = numbers[find(token)]
        return set(numbers.values())

    def regroup(
        self, changed: Mapping[Item, Tokens | None]
    ) -> tuple[set[str], set[Item], set[int]]:
        """Give the ``changed`` items their new tokens (None: gone) and group again the items
        of every component that holds or may join one of their tokens: the tokens and items
        taken apart, and the new components' numbers."""
        component, tokens = self.component, self.tokens
        touched: set[str] = set()
        for item, now in changed.items():
            for found in (tokens.get(item), now):
                if found is not None:
                    touched.update(found.held)
                    touched.update(found.offered)
                    for token in found.held:  # what offers it may join
                        touched.update(tokens[other].held[0] for other in self._offering(token))
        old = {component[token] for token in touched if token in component}
        taken: set[Item] = set().union(*(self.items.pop(number) for number in old))
        held = {token for item in taken for token in tokens[item].held}
        offered = {token for item in taken for token in tokens[item].offered}
        for token in held:
            component.pop(token, None)
        items = set(taken)
        for item, now in changed.items():
            self._set(item, now)
            if now is None:
                items.discard(item)
            else:
                items.add(item)
        return held | offered, taken, self._group(items)


def advance(
    names: NameLevel,
    parts: Components,
    corpus: Corpus,
    pairs: ListAcronyms,
    listed_before: Mapping[str, Sequence[Pair]],
    before: Before,
) -> NameLevel:
    """The name level of ``corpus`` from ``names``, the last resolution's (changed here; its
    tables that the last resolution's drafts were compared on are replaced, not changed):
    ``before``'s articles are those whose lists, languages or texts changed since, with what
    they listed; ``pairs``: the corpus's list acronyms, ``listed_before`` those of ``before``'s
    articles then."""
    names.drop_late()
    listing: Listing = names.form_articles
    lists = corpus.lists
    definitions = definitions_of(corpus)
    changed: dict[Item, Tokens | None] = {}
    forms: set[str] = set()
    for article, (listed, _lang) in before.items():
        forms.update(listed or ())
        forms.update(lists.get(article, ()))
    langs = listing.languages(corpus.langs, forms)
    for form in forms:
        item = ("f", form)
        if form in listing:
            changed[item] = form_tokens(form, frozenset(langs.get(form, ())), parts.own_keys)
        elif item in parts.tokens:
            changed[item] = None
    evidence = parts.evidence
    moved: set[Pair] = set()
    for article in before:
        old_text = evidence.text.get(article, ())
        new_text = _text_pairs(definitions.get(article, ()))
        old_list, new_list = listed_before.get(article, ()), pairs.get(article, ())
        if (old_text, tuple(old_list)) != (new_text, tuple(new_list)):
            evidence.take(article, old_text, old_list, -1)
            evidence.take(article, new_text, new_list, 1)
            moved.update((*old_text, *old_list, *new_text, *new_list))
    for pair in moved:  # a pair still given may be given by more or fewer articles
        changed[("x", *pair)] = _pair_tokens(pair) if pair in evidence.support else None
    names.corpus, names.definitions, names.list_acronyms = corpus, definitions, pairs
    parts.relinked = 0
    names.moved = Moved(set(), set())
    if not changed:
        return names
    tokens, taken, numbers = parts.regroup(changed)
    items = set().union(*(parts.items[number] for number in numbers))
    keys = {token[2:] for item in items for token in parts.tokens[item].held if token[:2] == "k:"}
    sub = NameLevel(
        corpus, names.authority, names.overrides, names.reconciled, listing,
        _pairs_of(pairs, evidence.in_list, keys),
        forms=[item[1] for item in items if item[0] == "f"],
        text_pairs={pair: evidence.in_text[pair] for pair in _text_pairs_in(items, evidence)},
    )  # fmt: skip
    sub.link()
    parts.relinked = len(sub.forms)
    forgotten = _parsed_forms(taken, parts.overrides)
    local: set[str] = set()
    _forget(names, parts, tokens, forgotten, local)
    _take(names, parts, sub, numbers, local)
    made = {token for item in items for token in parts.tokens[item].held}
    names.moved = Moved(
        forgotten | _parsed_forms(items, parts.overrides),
        {token for token in tokens | made if token[:2] in ("k:", "a:")},
        local,
    )
    return names


def _pairs_of(pairs: ListAcronyms, in_list: Mapping[str, set[str]], keys: set[str]) -> ListAcronyms:
    articles = sorted({article for key in keys for article in in_list.get(key, ())})
    return {a: tuple(p for p in pairs[a] if p[0] in keys) for a in articles}


def _text_pairs_in(items: Iterable[Item], evidence: Evidence) -> list[Pair]:
    """The pairs of ``items`` that a text defines."""
    in_text = evidence.in_text
    return [pair for item in items if item[0] == "x" and (pair := (item[1], item[2])) in in_text]


def _parsed_forms(items: Iterable[Item], overrides: Sequence[Override]) -> set[str]:
    """The forms the name level parses for ``items``: listed forms, the long forms their
    entries define, and overrides' names."""
    forms = set()
    for item in items:
        if item[0] == "f":
            forms.add(item[1])
            definition = acronyms.in_entry(item[1])
            if definition is not None:
                forms.add(definition.long)
        elif item[0] == "o":
            override = overrides[int(item[1])]
            forms.update((override.name, override.target))
    return forms


def _forget(
    names: NameLevel, parts: Components, tokens: set[str], forms: set[str], local: set[str]
) -> None:
    """Remove what the nodes and forms of ``tokens`` held (adding to ``local`` the articles
    whose story-level acronyms go). The tables the last resolution's drafts were compared on
    (:class:`graph.linking.changed.Basis`) are copied first."""
    uf = names.uf
    uf.joined_by, uf.anchor = dict(uf.joined_by), dict(uf.anchor)
    names.sources, names.node_langs = dict(names.sources), dict(names.node_langs)
    tables = (uf.parent, uf.anchor, uf.joined_by, names.sources, names.node_langs)
    for token in tokens:
        if token[:2] in ("k:", "a:"):
            for table in tables:
                table.pop(token, None)
        if token[:2] == "k:":
            names.key_langs.pop(token[2:], None)
            for key in parts.local.pop(token[2:], ()):
                names.local_acronyms.pop(key, None)
                local.add(key[0])
    for form in forms:
        names.effective.pop(form, None)
        names.parsed.pop(form, None)
        names.titled.discard(form)
        names.form_langs.pop(form, None)
        names.inflected_base.pop(form, None)


def _take(
    names: NameLevel, parts: Components, sub: NameLevel, numbers: set[int], local: set[str]
) -> None:
    """Take what ``sub`` found for the nodes and forms of the components ``numbers`` (adding
    to ``local`` the articles whose story-level acronyms it makes)."""
    component = parts.component
    uf, made = names.uf, sub.uf
    for name_node, parent in made.parent.items():
        if component.get(name_node) not in numbers:
            continue
        uf.parent[name_node] = parent
        for table, found in (
            (uf.anchor, made.anchor), (names.sources, sub.sources),
            (names.node_langs, sub.node_langs),
        ):  # fmt: skip
            if name_node in found:
                table[name_node] = found[name_node]
        if name_node in made.joined_by:
            uf.joined_by[name_node] = made.joined_by[name_node]
    for form, key in sub.effective.items():
        if component.get(node(key)) not in numbers:
            continue
        names.effective[form], names.parsed[form] = key, sub.parsed[form]
        if form in sub.titled:
            names.titled.add(form)
        if form in sub.form_langs:
            names.form_langs[form] = sub.form_langs[form]
        if form in sub.inflected_base:
            names.inflected_base[form] = sub.inflected_base[form]
    for key, langs in sub.key_langs.items():
        if component.get(node(key)) in numbers:
            names.key_langs[key] = langs
    for (article, short), long_node in sub.local_acronyms.items():
        if component.get(node(short)) in numbers:
            names.local_acronyms[(article, short)] = long_node
            parts.local.setdefault(short, []).append((article, short))
            local.add(article)
