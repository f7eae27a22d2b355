"""Resolution: every (article, name) of the corpus → one entity, with how each link was made.

The answer is a pure function of the corpus (entity lists and texts), the authority file, the
user's overrides and stored reconciliations; everything is visited in sorted order, so the
same records in any order give the same clusters and IRIs.

Name-level rules (they hold in every story): the same key (:mod:`normalise`), an authority or
country name, a titled form of a person's name, and an acronym or short form that a text
defines or that an entity list gives beside its expansion — when all such evidence agrees.
Mention-level rules (they hold in one story): a short form of a longer name in the same entity
list ("Paxar" beside "Paxar Corp", "Ottinger" beside "James Ottinger"), an acronym defined
differently elsewhere, and a surname that only one person in the corpus bears.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from graph.linking import acronyms, people
from graph.linking.authority import Authority, Entry, entry_key
from graph.linking.clusters import Clusters
from graph.linking.kinds import choose_type
from graph.linking.normalise import CORPORATE_SUFFIXES, Name, parse
from graph.linking.overrides import Override
from graph.linking.textscan import scan
from vocab.namespaces import keyify

__all__ = ["Corpus", "Entity", "Resolution", "resolve"]

#: Words after a short form that make the longer name something else ("European Commission
#: for Democracy through Law" is not the European Commission).
_BREAKING = frozenset({"of", "for", "on", "in", "at", "to", "and", "de", "du", "des", "against"})
#: Heads that make "X Head" a body of its own rather than X ("Venice Commission").
_BODY_HEADS = frozenset(
    {"commission", "council", "committee", "court", "assembly", "parliament", "ministry",
     "agency", "party", "union", "association", "university", "foundation", "fund", "institute",
     "authority", "board", "league", "federation", "organization", "program", "office",
     "department", "tribunal", "senate", "congress", "summit", "conference", "forum",
     "exchange", "times", "post", "journal", "radio", "airport", "city", "state", "province",
     "county", "river", "port", "school", "college", "hospital", "museum", "church"}
)  # fmt: skip
MAX_EVIDENCE = 10
#: An acronym defined differently in different stories means, outside them, the expansion
#: that at least this share of its definitions give (and at least DOMINANT_MINIMUM of them).
DOMINANT_SHARE = 0.9
DOMINANT_MINIMUM = 10


@dataclass
class Corpus:
    """What linking reads: each article's entity list (as given) and its text."""

    lists: dict[str, tuple[str, ...]]
    texts: dict[str, str] = field(default_factory=dict)


@dataclass
class Entity:
    key: str
    name: str
    type: str
    forms: Counter[str] = field(default_factory=Counter)
    #: (surface form, rule) → evidence articles.
    links: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    same_as: str | None = None
    same_as_source: str | None = None
    authority: str | None = None
    authority_source: str | None = None


@dataclass
class Resolution:
    entities: dict[str, Entity]
    mentions: dict[str, list[str]]
    found_in_text: dict[str, list[str]]
    #: name key → entity key, for names that mean one entity in every story.
    names: dict[str, str]
    #: (article, name as given) → entity key.
    assigned: dict[tuple[str, str], str] = field(default_factory=dict)


def _node(key: str) -> str:
    return "k:" + key


class _Resolver:
    def __init__(
        self,
        corpus: Corpus,
        authority: Authority,
        overrides: Sequence[Override],
        reconciled: Mapping[str, tuple[str, str]],
    ) -> None:
        self.corpus = corpus
        self.authority = authority
        self.overrides = list(overrides)
        self.reconciled = reconciled
        self.uf = Clusters()
        self.parsed: dict[str, Name] = {}
        self.effective: dict[str, str] = {}  # form → key after dropping a personal title
        self.titled: set[str] = set()
        self.form_articles: dict[str, set[str]] = defaultdict(set)
        #: names a split override keeps apart from a name with the same key: name → its own key.
        self.own_keys: dict[str, str] = {}
        for override in self.overrides:
            if (
                override.action == "split"
                and parse(override.name).key == parse(override.target).key
            ):
                own = parse(override.name).norm
                self.own_keys[override.name] = (
                    own if own != parse(override.target).key else "=" + override.name
                )
        for article, forms in corpus.lists.items():
            for form in forms:
                self.form_articles[form].add(article)
        for form in sorted(self.form_articles):
            self._parse(form)
        self.definitions: dict[str, list[acronyms.Definition]] = {
            article: acronyms.definitions(text) for article, text in sorted(corpus.texts.items())
        }

    def _parse(self, form: str) -> Name:
        name = self.parsed.get(form)
        if name is None:
            name = self.parsed[form] = parse(form)
            titled = people.split_title(form)
            if form in self.own_keys:
                self.effective[form] = self.own_keys[form]
            elif titled and len(titled[1].split()) <= 3:
                self.effective[form] = parse(titled[1]).key
                self.titled.add(form)
            else:
                self.effective[form] = name.key
            self.uf.add(_node(self.effective[form]))
        return name

    # -- name level ------------------------------------------------------------------------------

    def name_level(self) -> None:
        uf = self.uf
        for override in sorted(o for o in self.overrides if o.action == "split"):
            self._parse(override.name)
            self._parse(override.target)
            pair = (_node(self.effective[override.name]), _node(self.effective[override.target]))
            uf.splits.append(pair)
        for override in sorted(o for o in self.overrides if o.action == "merge" and not o.article):
            self._parse(override.name)
            self._parse(override.target)
            uf.union(
                _node(self.effective[override.target]), _node(self.effective[override.name]),
                "overrideMerge", force=True,
            )  # fmt: skip
        for definition in (d for ds in self.definitions.values() for d in ds):
            uf.add(_node(parse(definition.short).key))
            uf.add(_node(parse(definition.long).key))
        for node in sorted(n for n in uf.parent if n.startswith("k:")):
            entry = self.authority.lookup(node[2:])
            if entry is not None:
                rule = "countryName" if entry.origin == "pycountry" else "authorityName"
                uf.union("a:" + entry.id, node, rule)
        for form in sorted(self.titled):
            rest = people.split_title(form)
            assert rest is not None
            uf.add(_node(parse(form).key))
            uf.union(_node(self.effective[form]), _node(parse(form).key), "titledForm")
        self._acronyms()

    def _acronym_evidence(self) -> dict[str, dict[str, tuple[str, set[str]]]]:
        """short key → long key → (rule, articles) from text definitions and entity lists."""
        evidence: dict[str, dict[str, tuple[str, set[str]]]] = defaultdict(dict)
        for article, found in sorted(self.definitions.items()):
            for definition in found:
                short, long = parse(definition.short).key, parse(definition.long).key
                if short != long:
                    entry = evidence[short].setdefault(long, ("acronymInText", set()))
                    entry[1].add(article)
        for article, forms in sorted(self.corpus.lists.items()):
            for short in forms:
                if not self.parsed[short].acronym:
                    continue
                for long in forms:
                    if long != short and acronyms.abbreviates(short, long):
                        pair = (self.parsed[short].key, self.parsed[long].key)
                        entry = evidence[pair[0]].setdefault(pair[1], ("acronymInList", set()))
                        entry[1].add(article)
        return evidence

    def _acronyms(self) -> None:
        uf = self.uf
        self.local_acronyms: dict[tuple[str, str], str] = {}
        for short, longs in sorted(self._acronym_evidence().items()):
            support: Counter[str] = Counter()
            for long, (_rule, articles) in longs.items():
                support[uf.find(_node(long))] += len(articles)
            root, count = min(support.items(), key=lambda item: (-item[1], item[0]))
            dominant = count >= DOMINANT_SHARE * sum(support.values()) and (
                len(support) == 1 or count >= DOMINANT_MINIMUM
            )
            short_anchor = uf.anchor_of(_node(short))
            if dominant and not (short_anchor and uf.anchor.get(root) != short_anchor):
                for long, (rule, articles) in sorted(longs.items()):
                    if uf.find(_node(long)) == root:
                        uf.union(_node(long), _node(short), rule, frozenset(articles))
            for long, (_rule, articles) in longs.items():
                if uf.find(_node(long)) != uf.find(_node(short)):
                    for article in articles:
                        self.local_acronyms[(article, short)] = _node(long)

    # -- mention level ---------------------------------------------------------------------------

    def _short_form_target(self, form: str, others: tuple[str, ...]) -> str | None:
        """The root of the one longer name in the same list that ``form`` shortens."""
        uf = self.uf
        own = uf.find(_node(self.effective[form]))
        if uf.anchor.get(own):
            return None
        tokens = tuple(self.effective[form].split())
        if not tokens or self.parsed[form].tokens != self.parsed[form].key_tokens:
            return None  # a name with its legal form ("Sun Co") is a full name, not a short one
        roots = {other: uf.find(_node(self.effective[other])) for other in others}
        if any(root == own for other, root in roots.items() if other != form):
            return None  # the list already names this entity in full
        targets = set()
        for other in others:
            if other == form:
                continue
            other_root = roots[other]
            long_tokens = tuple(self.effective[other].split())
            if len(long_tokens) <= len(tokens):
                continue
            if long_tokens[: len(tokens)] == tokens:
                rest = long_tokens[len(tokens) :]
                head = rest[: rest.index("of")] if "of" in rest[1:] else rest
                if rest[0] in _BREAKING or (head and head[-1] in _BODY_HEADS):
                    continue
                if all(word in CORPORATE_SUFFIXES for word in rest):
                    continue  # "Union Corp" keeps its suffix because "Union" alone is generic
                anchored = uf.anchor.get(other_root)
                if anchored and self.authority.entries[anchored].type in (
                    "Country",
                    "Place",
                    "City",
                ):
                    continue
                targets.add(other_root)
            elif long_tokens[-len(tokens) :] == tokens and len(tokens) <= 2:
                anchored = uf.anchor.get(other_root)
                if anchored and self.authority.entries[anchored].type != "Person":
                    continue  # "Africa" is not short for "South Africa"
                display = people.split_title(other)
                if people.person_shape(display[1] if display else other):
                    targets.add(other_root)
            elif self.parsed[form].acronym and acronyms.abbreviates(form, other):
                targets.add(other_root)
        return next(iter(targets)) if len(targets) == 1 else None

    def mention_level(self) -> dict[tuple[str, str], tuple[str, str, frozenset[str]]]:
        """(article, form) → (root, rule, evidence); rule is "" for name-level links."""
        uf = self.uf
        local_merges = {
            (o.article, o.name): o.target
            for o in self.overrides
            if o.action == "merge" and o.article
        }
        assigned: dict[tuple[str, str], tuple[str, str, frozenset[str]]] = {}
        pending: list[tuple[str, str]] = []
        for article, forms in sorted(self.corpus.lists.items()):
            slug = article.rsplit("/", 1)[-1]
            for form in forms:
                target = local_merges.get((article, form)) or local_merges.get((slug, form))
                if target is not None:
                    self._parse(target)
                    root = uf.find(_node(self.effective[target]))
                    assigned[(article, form)] = (root, "overrideMerge", frozenset({article}))
                    continue
                local = self.local_acronyms.get((article, self.parsed[form].key))
                if local is not None:
                    assigned[(article, form)] = (
                        uf.find(local),
                        "acronymInText",
                        frozenset({article}),
                    )
                    continue
                short = self._short_form_target(form, forms)
                if short is not None:
                    assigned[(article, form)] = (short, "shortFormInArticle", frozenset({article}))
                    continue
                assigned[(article, form)] = (uf.find(_node(self.effective[form])), "", frozenset())
                pending.append((article, form))
        self._surnames(assigned, pending)
        return assigned

    def _surnames(
        self,
        assigned: dict[tuple[str, str], tuple[str, str, frozenset[str]]],
        pending: list[tuple[str, str]],
    ) -> None:
        uf = self.uf
        keys_by_root: dict[str, set[str]] = defaultdict(set)
        titled_keys = {parse(form).key for form in self.titled}
        for node in uf.parent:
            if node.startswith("k:") and node[2:] not in titled_keys:
                keys_by_root[uf.find(node)].add(node[2:])
        persons: dict[str, set[str]] = defaultdict(set)  # surname key → roots
        evidence: dict[str, set[str]] = defaultdict(set)
        starts: dict[str, set[str]] = defaultdict(set)  # first word → roots of longer names
        for form in sorted(self.form_articles):
            root = uf.find(_node(self.effective[form]))
            anchored = uf.anchor.get(root)
            if anchored and self.authority.entries[anchored].type != "Person":
                continue
            display = people.split_title(form)
            text = display[1] if display else form
            words = self.effective[form].split()
            if len(words) > 1 and people.person_shape(text):
                for surname in people.surname_keys(text):
                    persons[surname].add(root)
                    evidence[root].update(self.form_articles[form])
            elif len(words) > 1:
                starts[words[0]].add(root)
        for surname, entry_ids in _authority_surnames(self.authority).items():
            persons[surname].update(uf.find("a:" + entry_id) for entry_id in entry_ids)
        for article, form in pending:
            key = self.effective[form]
            root = uf.find(_node(key))
            if (
                " " in key
                or uf.anchor.get(root)
                or keys_by_root[root] - {key, self.parsed[form].key}
            ):
                continue
            if self.parsed[form].acronym:
                continue
            candidates = (persons.get(key, set()) | starts.get(key, set())) - {root}
            if len(candidates) == 1 and next(iter(candidates)) in set().union(*persons.values()):
                person = next(iter(candidates))
                assigned[(article, form)] = (
                    person,
                    "surname",
                    frozenset(sorted(evidence[person])[:MAX_EVIDENCE]),
                )

    # -- the entities ----------------------------------------------------------------------------

    def entities(
        self, assigned: dict[tuple[str, str], tuple[str, str, frozenset[str]]]
    ) -> tuple[dict[str, Entity], dict[str, str]]:
        uf = self.uf
        members: dict[str, Counter[str]] = defaultdict(Counter)
        links: dict[str, dict[tuple[str, str], set[str]]] = defaultdict(dict)
        for (_article, form), (root, rule, evidence) in sorted(assigned.items()):
            members[root][form] += 1
            if rule:
                links[root].setdefault((form, rule), set()).update(evidence)
        for found in self.definitions.values():
            for definition in found:
                root = uf.find(_node(parse(definition.short).key))
                if root in members and uf.find(_node(parse(definition.long).key)) == root:
                    members[root].setdefault(definition.short, 0)
        overrides_by_key: dict[str, list[Override]] = defaultdict(list)
        for override in self.overrides:
            if override.action in ("type", "sameas"):
                overrides_by_key[parse(override.name).key].append(override)
        drafts = []
        for root, forms in members.items():
            entry = self.authority.entries[uf.anchor[root]] if root in uf.anchor else None
            drafts.append(self._draft(root, forms, links[root], entry, overrides_by_key))
        keys: dict[str, str] = {}
        taken: Counter[str] = Counter()
        for root, entity in sorted(drafts, key=_precedence):
            taken[entity.key] += 1
            if taken[entity.key] > 1:
                entity.key = f"{entity.key}-{taken[entity.key]}"
            keys[root] = entity.key
        return {keys[root]: entity for root, entity in drafts}, keys

    def _draft(
        self,
        root: str,
        forms: Counter[str],
        links: dict[tuple[str, str], set[str]],
        entry: Entry | None,
        overrides_by_key: Mapping[str, list[Override]],
    ) -> tuple[str, Entity]:
        articles = {form: len(self.form_articles.get(form, ())) for form in forms}
        for form in forms:
            node = _node(self.effective.get(form) or parse(form).key)
            if not any(f == form for f, _ in links):
                rule, evidence = self.uf.joined_by.get(node, ("sameName", frozenset()))
                links[(form, rule)] = set(sorted(evidence)[:MAX_EVIDENCE])
        if entry is not None:
            name, kind, key = entry.name, entry.type, entry_key(entry)
        else:
            name = min(articles, key=lambda f: _preference(f, articles[f], self.parsed.get(f)))
            kind = "Person" if any(rule == "surname" for _, rule in links) else choose_type(forms)
            key = keyify(self.effective.get(name) or parse(name).key)
        entity = Entity(key=key, name=name, type=kind, forms=forms, links=links)
        if entry is not None:
            entity.authority = entry.id
            entity.authority_source = entry.source
            entity.same_as, entity.same_as_source = entry.same_as, entry.source
        for form in sorted(forms):
            for override in overrides_by_key.get(parse(form).key, []):
                if override.action == "type":
                    entity.type = override.target
                else:
                    entity.same_as, entity.same_as_source = override.target, "override"
            if entity.same_as is None and parse(form).key in self.reconciled:
                entity.same_as, entity.same_as_source = self.reconciled[parse(form).key]
        return root, entity

    # -- text ------------------------------------------------------------------------------------

    def text_index(self, keys: Mapping[str, str]) -> dict[str, tuple[str, frozenset[str]]]:
        uf = self.uf
        shapes: dict[str, set[str]] = defaultdict(set)
        owner: dict[str, str] = {}
        names: list[str] = [form for form in self.form_articles]
        for anchored in keys:
            if anchored in uf.anchor:
                names.extend(self.authority.entries[uf.anchor[anchored]].names)
        for found in self.definitions.values():
            names.extend(d.short for d in found)
        for form in names:
            if form.islower():
                continue
            key = parse(form).key
            if len(key) < 2:
                continue
            root: str | None = uf.find(_node(key)) if _node(key) in uf.parent else None
            if root is None:
                entry = self.authority.lookup(key)
                root = uf.find("a:" + entry.id) if entry else None
            if root is None or root not in keys:
                continue
            owner[key] = keys[root]
            shapes[key].add("upper" if parse(form).acronym else "title")
        return {key: (entity, frozenset(shapes[key])) for key, entity in owner.items()}


@cache
def _authority_surnames(authority: Authority) -> dict[str, list[str]]:
    surnames: dict[str, list[str]] = defaultdict(list)
    for entry in authority.entries.values():
        if entry.type == "Person":
            for surname in people.surname_keys(entry.name):
                surnames[surname].append(entry.id)
    return dict(surnames)


def _preference(form: str, articles: int, name: Name | None) -> tuple[int, int, int, str]:
    """Order for the preferred name: written names before codes and acronyms, then the most
    used, then the longest."""
    code = form.islower() or (name is not None and name.acronym)
    return (1 if code else 0, -articles, -len(form), form)


def _precedence(draft: tuple[str, Entity]) -> tuple[int, int, str, tuple[str, ...]]:
    entity = draft[1]
    return (
        0 if entity.authority else 1,
        -sum(entity.forms.values()),
        entity.name,
        tuple(sorted(entity.forms)),
    )


def resolve(
    corpus: Corpus,
    authority: Authority,
    overrides: Sequence[Override] = (),
    reconciled: Mapping[str, tuple[str, str]] | None = None,
    *,
    find_in_text: bool = True,
) -> Resolution:
    """Link every name of the corpus; see the module docstring for the rules. Texts are read
    for acronym definitions and, with ``find_in_text``, for mentions of known entities."""
    resolver = _Resolver(corpus, authority, overrides, reconciled or {})
    resolver.name_level()
    assigned = resolver.mention_level()
    entities, keys = resolver.entities(assigned)
    mentions: dict[str, list[str]] = {}
    for article, forms in corpus.lists.items():
        mentions[article] = list(dict.fromkeys(keys[assigned[(article, f)][0]] for f in forms))
    index = resolver.text_index(keys)
    found: dict[str, list[str]] = {}
    for article, text in corpus.texts.items() if find_in_text else ():
        listed = set(mentions.get(article, ()))
        extra = [key for key in scan(text, index) if key not in listed]
        if extra:
            found[article] = extra
    names = {key: entity for key, (entity, _shapes) in index.items()}
    pairs = {pair: keys[root] for pair, (root, _rule, _evidence) in assigned.items()}
    return Resolution(entities, mentions, found, names, pairs)
