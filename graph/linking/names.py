"""Name-level linking: which surface forms name the same entity in every story.

Every distinct form of the corpus is parsed once (:func:`normalise.parse`), and forms join
when they share a key, when the authority file or pycountry knows them as one entity, when one
is a titled form of the other ("President Tokayev", "Tokayev"), or when an acronym or short form
is defined for a longer name — in a text, or beside it in an entity list — and all the evidence
for that acronym agrees. The result is a :class:`~graph.linking.clusters.Clusters` over name
keys; the work grows with the number of distinct forms, not with the number of stories.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsgraph.linking import acronyms, crosslingual, people
from newsgraph.linking.acronyms import Definition
from newsgraph.linking.authority import Authority
from newsgraph.linking.clusters import Clusters
from newsgraph.linking.listing import Listing
from newsgraph.linking.normalise import Name, parse
from newsgraph.linking.overrides import Override

if TYPE_CHECKING:
    from newsgraph.linking.components import Moved

__all__ = [
    "DOMINANT_MINIMUM", "DOMINANT_SHARE", "Corpus", "ListAcronyms", "NameLevel", "TextPairs",
    "list_acronyms", "node", "text_pairs_of",
]  # fmt: skip

#: An acronym defined differently in different stories means, outside them, the expansion
#: that at least this share of its definitions give (and at least DOMINANT_MINIMUM of them).
DOMINANT_SHARE = 0.9
DOMINANT_MINIMUM = 10


@dataclass
class Corpus:
    """What linking reads: each article's entity list (as given, each name once), and either
    its text or what the text defines (acronyms and short forms)."""

    lists: dict[str, tuple[str, ...]]
    texts: dict[str, str] = field(default_factory=dict)
    #: Acronym definitions by article; read from ``texts`` when not given.
    definitions: Mapping[str, Sequence[Definition]] | None = None
    #: article → the primary subtag of its language, where the record gives one.
    langs: Mapping[str, str] = field(default_factory=dict)


#: article → the (short key, long key) pairs its entity list gives: an acronym or short form
#: beside the name it abbreviates.
ListAcronyms = dict[str, tuple[tuple[str, str], ...]]
#: (short key, long key) → the articles whose texts define the one as the other.
TextPairs = dict[tuple[str, str], set[str]]


def node(key: str) -> str:
    """The clusters' node of a name key."""
    return "k:" + key


def list_acronyms(forms: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """The (short key, long key) pairs of one entity list: an acronym beside a name it
    abbreviates ("NATO" beside "North Atlantic Treaty Organization"). A function of the list
    alone, so a batch finds them for its own articles only.

    >>> list_acronyms(("NATO", "North Atlantic Treaty Organization", "Kazakhstan"))
    (('nato', 'north atlantic treaty organization'),)
    """
    pairs = []
    for short in forms:
        if parse(short).acronym:
            for long in forms:
                if long != short and acronyms.abbreviates(short, long):
                    pairs.append((parse(short).key, parse(long).key))
    return tuple(pairs)


def find_list_acronyms(lists: Mapping[str, Sequence[str]], forms: Iterable[str]) -> ListAcronyms:
    """:func:`list_acronyms` of every list that holds an acronym (``forms``: every form)."""
    shorts = {form for form in forms if parse(form).acronym}
    found: ListAcronyms = {}
    for article, listed in lists.items():
        if not shorts.isdisjoint(listed):
            pairs = list_acronyms(listed)
            if pairs:
                found[article] = pairs
    return found


def text_pairs_of(definitions: Mapping[str, Sequence[Definition]]) -> TextPairs:
    """The (short key, long key) pairs that texts define, with the articles defining each."""
    found: TextPairs = {}
    for article, defined in definitions.items():
        for definition in defined:
            pair = (parse(definition.short).key, parse(definition.long).key)
            found.setdefault(pair, set()).add(article)
    return found


def definitions_of(corpus: Corpus) -> Mapping[str, Sequence[Definition]]:
    """The acronym definitions of every article: the corpus's, or read from its texts."""
    if corpus.definitions is not None:
        return corpus.definitions
    return {article: acronyms.definitions(text) for article, text in sorted(corpus.texts.items())}


def own_keys_of(overrides: Sequence[Override]) -> dict[str, str]:
    """The names a split override keeps apart from a name with the same key: name → its own
    key."""
    own_keys = {}
    for override in overrides:
        if override.action == "split" and parse(override.name).key == parse(override.target).key:
            own = parse(override.name).norm
            own_keys[override.name] = (
                own if own != parse(override.target).key else "=" + override.name
            )
    return own_keys


def effective_key(form: str, own_keys: Mapping[str, str]) -> tuple[str, bool]:
    """A form's key as the name level links it (its own key under a split override; the
    name's without a personal title), and whether a title was dropped.

    >>> effective_key("President Tokayev", {})
    ('tokayev', True)
    """
    if form in own_keys:
        return own_keys[form], False
    titled = people.split_title(form)
    if titled and len(titled[1].split()) <= 3:
        return parse(titled[1]).key, True
    return parse(form).key, False


class NameLevel:
    """The corpus's forms, parsed, and the clusters that name-level rules make of them."""

    def __init__(
        self,
        corpus: Corpus,
        authority: Authority,
        overrides: Sequence[Override],
        reconciled: Mapping[str, tuple[str, str]],
        listing: Listing | None = None,
        pairs: ListAcronyms | None = None,
        *,
        forms: Iterable[str] | None = None,
        text_pairs: Mapping[tuple[str, str], Set[str]] | None = None,
    ) -> None:
        """``listing`` and ``pairs``: the corpus's listing and list acronyms, where the caller
        has them (else they are found here). ``forms`` and ``text_pairs``: a part of the
        corpus's forms and the pairs its texts define for their acronyms, with the articles
        defining each, to link those alone (a component's, :mod:`graph.linking.components`,
        which keeps the pairs as batches come: what the part costs grows with its pairs, not
        with the articles that define them); by default every form and every text's
        definitions."""
        self.corpus = corpus
        self.authority = authority
        self.overrides = list(overrides)
        self.reconciled = reconciled
        self.uf = Clusters()
        self.parsed: dict[str, Name] = {}
        self.effective: dict[str, str] = {}  # form → key after dropping a personal title
        self.titled: set[str] = set()
        #: form → the articles whose lists hold it (counted for every form, found on demand).
        self.form_articles = listing if listing is not None else Listing(corpus.lists)
        #: form → the languages of the articles whose lists hold it; name key → the same.
        self.form_langs: dict[str, frozenset[str]] = {}
        self.key_langs: dict[str, set[str]] = defaultdict(set)
        #: node → where the evidence of a cross-language union came from, and the language
        #: a name was read in (:mod:`graph.linking.crosslingual`).
        self.sources: dict[str, str] = {}
        self.node_langs: dict[str, str] = {}
        #: inflected form → the surname key it inflects ("Nordegrens" → "nordegren").
        self.inflected_base: dict[str, str] = {}
        #: article → the acronyms its list's entries define ("British Petroleum (BP)").
        self.entry_definitions: Mapping[str, Sequence[Definition]] = {}
        #: names a split override keeps apart from a name with the same key: name → its own key.
        self.own_keys = own_keys_of(self.overrides)
        #: The forms linked, in sorted order.
        self.forms = sorted(self.form_articles if forms is None else forms)
        form_langs = self.form_articles.languages(
            corpus.langs, None if forms is None else self.forms
        )
        #: Whether :meth:`link` is done; forms parsed after it (:attr:`late`: a story rule's
        #: target) are no part of a component.
        self.linked = False
        self.late: dict[str, bool] = {}
        #: What a batch linked again (:class:`graph.linking.components.Moved`); None: all.
        self.moved: Moved | None = None
        for form in self.forms:
            self.parse(form)
            if form in form_langs:
                self.form_langs[form] = frozenset(form_langs[form])
                self.key_langs[self.effective[form]].update(form_langs[form])
        #: Every article's definitions (none where the caller gave ``text_pairs``), and the
        #: pairs they define.
        self.definitions: Mapping[str, Sequence[Definition]] = (
            definitions_of(corpus) if text_pairs is None else {}
        )
        self.text_pairs: Mapping[tuple[str, str], Set[str]] = (
            text_pairs if text_pairs is not None else text_pairs_of(self.definitions)
        )
        #: (article, short key) → the node of the long form that story defines it as, where
        #: the corpus as a whole does not agree on the acronym.
        self.local_acronyms: dict[tuple[str, str], str] = {}
        #: article → the acronyms its entity list gives beside their expansions.
        self.list_acronyms: ListAcronyms = (
            pairs if pairs is not None else find_list_acronyms(corpus.lists, self.form_articles)
        )

    def parse(self, form: str) -> Name:
        name = self.parsed.get(form)
        if name is None:
            name = self.parsed[form] = parse(form)
            key, titled = effective_key(form, self.own_keys)
            self.effective[form] = key
            if titled:
                self.titled.add(form)
            if self.linked:
                self.late[form] = node(key) not in self.uf.parent
            self.uf.add(node(key))
        return name

    def drop_late(self) -> None:
        """Forget the forms parsed after :meth:`link` (and the nodes they added)."""
        for form, added in self.late.items():
            key = self.effective.pop(form)
            del self.parsed[form]
            self.titled.discard(form)
            if added and self.uf.parent.get(node(key)) == node(key):
                del self.uf.parent[node(key)]
        self.late = {}

    def root(self, form: str) -> str:
        """The root of a form's cluster."""
        return self.uf.find(node(self.effective[form]))

    def link(self) -> None:
        """Make every name-level link."""
        uf = self.uf
        for override in sorted(o for o in self.overrides if o.action == "split"):
            self.parse(override.name)
            self.parse(override.target)
            pair = (node(self.effective[override.name]), node(self.effective[override.target]))
            uf.splits.append(pair)
        for override in sorted(o for o in self.overrides if o.action == "merge" and not o.article):
            self.parse(override.name)
            self.parse(override.target)
            uf.union(
                node(self.effective[override.target]), node(self.effective[override.name]),
                "overrideMerge", force=True,
            )  # fmt: skip
        self.entry_definitions = crosslingual.entry_definitions(self)
        for short, long in self.text_pairs:
            uf.add(node(short))
            uf.add(node(long))
        for name in sorted(n for n in uf.parent if n.startswith("k:")):
            entry = self.authority.lookup(name[2:])
            if entry is not None:
                rule = "countryName" if entry.origin == "pycountry" else "authorityName"
                uf.union("a:" + entry.id, name, rule)
        crosslingual.link_across(self)
        for form in sorted(self.titled):
            uf.add(node(parse(form).key))
            uf.union(node(self.effective[form]), node(parse(form).key), "titledForm")
        self._acronyms()
        crosslingual.transliterations(self)
        self.linked = True

    def _acronym_evidence(self) -> dict[str, dict[str, tuple[str, set[str]]]]:
        """short key → long key → (rule, articles) from text definitions and entity lists."""
        evidence: dict[str, dict[str, tuple[str, set[str]]]] = defaultdict(dict)
        for (short, long), articles in sorted(self.text_pairs.items()):
            if short != long:
                evidence[short][long] = ("acronymInText", set(articles))
        for article, found in sorted(self.entry_definitions.items()):
            for definition in found:
                short, long = parse(definition.short).key, parse(definition.long).key
                if short != long:
                    entry = evidence[short].setdefault(long, ("acronymInEntry", set()))
                    entry[1].add(article)
        for article, pairs in self.list_acronyms.items():
            for pair in pairs:
                entry = evidence[pair[0]].setdefault(pair[1], ("acronymInList", set()))
                entry[1].add(article)
        return evidence

    def _acronyms(self) -> None:
        uf = self.uf
        for short, longs in sorted(self._acronym_evidence().items()):
            support: Counter[str] = Counter()
            for long, (_rule, articles) in longs.items():
                support[uf.find(node(long))] += len(articles)
            root, count = min(support.items(), key=lambda item: (-item[1], item[0]))
            dominant = count >= DOMINANT_SHARE * sum(support.values()) and (
                len(support) == 1 or count >= DOMINANT_MINIMUM
            )
            short_anchor = uf.anchor_of(node(short))
            if dominant and not (short_anchor and uf.anchor.get(root) != short_anchor):
                for long, (rule, articles) in sorted(longs.items()):
                    if uf.find(node(long)) == root:
                        uf.union(node(long), node(short), rule, frozenset(articles))
            for long, (_rule, articles) in sorted(longs.items()):
                if uf.find(node(long)) != uf.find(node(short)):
                    for article in articles:
                        self.local_acronyms[(article, short)] = node(long)
