"""From clusters to entities: preferred name, type, key, provenance, and the names the text
scan looks up.

Each cluster that some mention landed in becomes an :class:`Entity`. Its key comes from the
authority file, else from its preferred name (written names before codes and acronyms, then
the most used, then the longest); two clusters wanting the same key are told apart by
precedence (authority entries first, then the most mentioned), so keys never depend on the
order stories were read in.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from newsgraph.linking.authority import Entry, entry_key
from newsgraph.linking.changed import Basis, basis_of, changed_since
from newsgraph.linking.defined import DefinedForms
from newsgraph.linking.keys import Keys
from newsgraph.linking.kinds import choose_type
from newsgraph.linking.listing import Before
from newsgraph.linking.mentions import MAX_EVIDENCE, Assignment
from newsgraph.linking.names import NameLevel, node
from newsgraph.linking.normalise import Name, parse
from newsgraph.linking.overrides import Override
from newsgraph.vocab.namespaces import keyify

__all__ = ["Drafts", "Entity", "build"]


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
    #: (surface form, rule) → where a cross-language link's evidence comes from.
    sources: dict[tuple[str, str], str] = field(default_factory=dict)
    #: surface form → the language it is a name in, where one is known (not English).
    langs: dict[str, str] = field(default_factory=dict)
    #: (key, base IRI, IRI, fingerprint) once :func:`graph.linking.writes.fingerprint` has
    #: been asked; an entity is never changed in place, so a copy (:func:`dataclasses.replace`)
    #: starts without it.
    printed: tuple[str, str, str, str] | None = field(
        default=None, init=False, compare=False, repr=False
    )


#: What an entity's description reads of one of its forms besides the mentions: the name key
#: it counts under, the rule (and evidence) that joined it, where a cross-language link's
#: evidence comes from, the languages it was read in, and how many lists hold it.
FormSay = tuple[str, object, str | None, str | None, frozenset[str] | None, int]


#: One form's share of a cluster: (root, rule, evidence articles, mentions). Its mentions that
#: no story-level rule took are one share; each that one took is a share of its own.
Share = tuple[str, str, frozenset[str], int]


@dataclass
class Drafts:
    """The entities a resolution drafted (by cluster root, before keys are told apart), and
    what each was drafted from: its forms with their counts, its rule-made links, and each
    form's :data:`FormSay`; with the overrides and reconciliations they were drafted under."""

    made: dict[str, Entity] = field(default_factory=dict)
    #: root → where its draft stands among those wanting one key (:func:`_precedence`).
    order: dict[str, tuple[object, ...]] = field(default_factory=dict)
    members: dict[str, Counter[str]] = field(default_factory=dict)
    links: dict[str, dict[tuple[str, str], set[str]]] = field(default_factory=dict)
    says: dict[str, FormSay] = field(default_factory=dict)
    rules: tuple[object, ...] = ()
    #: How many entities were drafted anew.
    drafted: int = 0
    #: form → its shares; root → the mentions its forms' shares count (``members`` without
    #: the forms a text defines); what they were made from (:mod:`graph.linking.changed`).
    #: Kept in memory only: a resolution from drafts without them counts every form again.
    shares: dict[str, tuple[Share, ...]] = field(default_factory=dict)
    tallies: dict[str, dict[str, int]] = field(default_factory=dict)
    basis: Basis | None = None
    #: The forms texts define, by cluster (:mod:`graph.linking.defined`), in memory only too.
    defined: DefinedForms | None = None
    #: The entities' keys (:mod:`graph.linking.keys`), kept in memory only too.
    keys: Keys | None = None


def build(
    names: NameLevel,
    assignment: Assignment,
    before: Drafts | None = None,
    articles: Before | None = None,
) -> tuple[dict[str, Entity], dict[str, str], Drafts]:
    """The entities by key, each cluster root's entity key, and the drafts made.

    ``before``: the drafts of an earlier resolution (taken: changed here); a cluster whose
    forms, links, anchor and forms' says are what they were then is not drafted again (its
    entity is the same: ``tests/test_resolve_since.py``). ``articles``: the articles whose
    lists changed since, with what they listed; with ``before``'s shares and basis, only the
    forms and clusters :func:`graph.linking.changed.changed_since` names are looked at."""
    uf = names.uf
    rules = (tuple(names.overrides), tuple(sorted(names.reconciled.items())))
    if before is not None and before.rules != rules:
        before = None
    old = before if before is not None else Drafts()
    basis = before.basis if before is not None else None
    texts_define = before.defined if before is not None else None
    if basis is not None and texts_define is not None and articles is not None:
        assert before is not None
        drafts, drafts.drafted = before, 0  # changed in place: what is not looked at stays
        moved = names.moved.nodes if names.moved is not None else None
        redefined = texts_define.update(names, articles, moved)
        forms, dirty = changed_since(basis, names, assignment, articles, texts_define, redefined)
        old_links: dict[str, dict[tuple[str, str], set[str]]] = {}
    else:
        drafts = Drafts(rules=rules, defined=DefinedForms.of(names))
        forms, dirty = set(assignment.default) | assignment.exception_articles.keys(), set()
        old_links = dict(old.links)
    defined = drafts.defined
    assert defined is not None
    tallies, links, shares = drafts.tallies, drafts.links, drafts.shares
    listing = names.form_articles
    for form in forms:
        own = assignment.exception_links(form)
        made_of: list[Share] = [(root, rule, evidence, 1) for root, rule, evidence in own]
        plain = assignment.default.get(form)
        count = listing.count(form) - len(own)
        if plain is not None and count > 0:
            made_of.append((*plain, count))
        for root, rule, _evidence, mentions in shares.pop(form, ()):
            _take(old_links, links, root)
            tally = tallies[root]
            left = tally[form] - mentions
            if left:
                tally[form] = left
            else:
                del tally[form]
            links.get(root, {}).pop((form, rule), None)
            dirty.add(root)
        for root, rule, evidence, mentions in made_of:
            _take(old_links, links, root)
            tally = tallies.setdefault(root, {})
            tally[form] = tally.get(form, 0) + mentions
            if rule:
                links.setdefault(root, {}).setdefault((form, rule), set()).update(evidence)
            dirty.add(root)
        if made_of:
            shares[form] = tuple(made_of)
    overrides_by_key: dict[str, list[Override]] = defaultdict(list)
    for override in names.overrides:
        if override.action in ("type", "sameas"):
            overrides_by_key[parse(override.name).key].append(override)
    says, made, order, members = drafts.says, drafts.made, drafts.order, drafts.members
    said: dict[str, object] = {}  # form → its say before this build, for those said again
    redrafted: set[str] = set()  # roots drafted anew, or no longer drafted
    for root in dirty:
        counted = tallies.get(root)
        if not counted:
            for table in (tallies, links, members, made, order):
                table.pop(root, None)
            redrafted.add(root)
            continue
        forms_of = Counter(counted)
        for form in defined.forms(root):
            forms_of.setdefault(form, 0)
        held = old.members.get(root)
        members[root] = forms_of
        own_links = links.get(root, {})
        if not own_links:
            links.pop(root, None)
        for form in forms_of:
            if form not in said and (form in forms or form not in says):
                said[form] = old.says.get(form, _UNSAID)
                says[form] = _say(names, form)
        kept = old.made.get(root)
        if (
            kept is not None
            and held is not None
            and held.items() == forms_of.items()  # a Counter's == takes a form counted 0 as absent
            and old_links.get(root, own_links) == own_links
            and kept.authority == uf.anchor.get(root)
            and all(said.get(form, says[form]) == says[form] for form in forms_of)
        ):
            made[root], order[root] = kept, old.order[root]
            continue
        entry = names.authority.entries[uf.anchor[root]] if root in uf.anchor else None
        made[root] = _draft(names, root, forms_of, dict(own_links), entry, overrides_by_key)[1]
        order[root] = _precedence((root, made[root]))
        drafts.drafted += 1
        redrafted.add(root)
    drafts.basis = basis_of(names, assignment)
    keys = drafts.keys if drafts is before and drafts.keys is not None else None
    if keys is None:
        keys = drafts.keys = Keys()
        redrafted = set(made)
    keys.update(made, order, redrafted)
    return dict(keys.entities), dict(keys.of), drafts


#: A form's say before a build that had none for it.
_UNSAID = object()


def _take(
    old_links: dict[str, dict[tuple[str, str], set[str]]],
    links: dict[str, dict[tuple[str, str], set[str]]],
    root: str,
) -> None:
    """Keep a copy of a cluster's links as they were, before the first change to them."""
    if root not in old_links:
        old_links[root] = {pair: set(found) for pair, found in links.get(root, {}).items()}


def _say(names: NameLevel, form: str) -> FormSay:
    effective = names.effective.get(form) or parse(form).key
    name_node = node(effective)
    return (
        effective, names.uf.joined_by.get(name_node), names.sources.get(name_node),
        names.node_langs.get(name_node), names.form_langs.get(form),
        names.form_articles.count(form),
    )  # fmt: skip


def _draft(
    names: NameLevel,
    root: str,
    forms: Counter[str],
    links: dict[tuple[str, str], set[str]],
    entry: Entry | None,
    overrides_by_key: Mapping[str, list[Override]],
) -> tuple[str, Entity]:
    articles = {form: names.form_articles.count(form) for form in forms}
    linked = {form for form, _rule in links}
    sources: dict[tuple[str, str], str] = {}
    langs: dict[str, str] = {}
    inflected: set[str] = set()
    for form in forms:
        name_node = node(names.effective.get(form) or parse(form).key)
        if form not in linked:
            rule, evidence = names.uf.joined_by.get(name_node, ("sameName", frozenset()))
            links[(form, rule)] = set(sorted(evidence)[:MAX_EVIDENCE])
            if name_node in names.sources:
                sources[(form, rule)] = names.sources[name_node]
            if rule == "inflectedForm":
                inflected.add(form)
        seen_in = names.form_langs.get(form, frozenset())
        lang = names.node_langs.get(name_node) or (next(iter(seen_in)) if len(seen_in) == 1 else "")
        if lang and lang != "en":
            langs[form] = lang
    if entry is not None:
        name, kind, key = entry.name, entry.type, entry_key(entry)
    else:
        name = min(
            articles,
            key=lambda f: (f in inflected, *_preference(f, articles[f], names.parsed.get(f))),
        )
        kind = "Person" if any(rule == "surname" for _, rule in links) else choose_type(forms)
        key = keyify(names.effective.get(name) or parse(name).key)
    entity = Entity(
        key=key, name=name, type=kind, forms=forms, links=links, sources=sources, langs=langs
    )
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
        if entity.same_as is None and parse(form).key in names.reconciled:
            entity.same_as, entity.same_as_source = names.reconciled[parse(form).key]
    return root, entity


def _preference(form: str, articles: int, name: Name | None) -> tuple[int, int, int, str]:
    """Order for the preferred name: written names before codes and acronyms, then the most
    used, then the longest."""
    code = form.islower() or (name is not None and name.acronym)
    return (1 if code else 0, -articles, -len(form), form)


def _precedence(draft: tuple[str, Entity]) -> tuple[object, ...]:
    """Who keeps a key that several clusters want: authority entries, then the most mentioned,
    then by name, forms and, last, the cluster's root (a name key, so never the input order)."""
    root, entity = draft
    return (
        0 if entity.authority else 1,
        -sum(entity.forms.values()),
        entity.name,
        tuple(sorted(entity.forms)),
        root,
    )
