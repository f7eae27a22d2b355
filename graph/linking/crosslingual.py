"""Name-level rules across languages and scripts, each with its source.

- ``nameInLanguage`` / ``countryNameInLanguage``: a name the authority file (or pycountry's
  catalogue for a language) gives in the language of the articles that use it ("Kasachstan"
  in German texts, "Совет Европы" in Russian ones). The source is the name's, from the file.
- ``acronymInEntry``: an entity-list entry that defines its own acronym ("British Petroleum
  (BP)") is its long form; the acronym joins it as acronyms defined in texts do
  (:meth:`graph.linking.names.NameLevel._acronyms`).
- ``inflectedForm``: a name in a language with inflection rules joins its base form when the
  base is a name of the store or of the authority file in that language
  (:mod:`graph.linking.morphology`); an inflected surname ("Nordegrens") stands for its base in
  the surname rule.
- ``transliteration``: a Cyrillic name, or a Latin one written in another language's
  romanisation, joins the one person or organisation whose names share its transliteration
  skeleton (:mod:`graph.linking.scripts`).

Everything is visited in sorted order, so the result never depends on the order of stories.
"""

from __future__ import annotations

from collections import defaultdict
from importlib import metadata
from typing import TYPE_CHECKING

from newsgraph.linking import acronyms, morphology, people, scripts
from newsgraph.linking.kinds import choose_type
from newsgraph.linking.normalise import key_of

if TYPE_CHECKING:
    from newsgraph.linking.names import NameLevel

__all__ = [
    "ROMANISING", "TRANSLITERATED_TYPES", "compared_words", "link_across", "sources",
]  # fmt: skip

#: Types whose names a transliteration may join.
TRANSLITERATED_TYPES = frozenset(
    {"Person", "Organization", "GovernmentOrganization", "NewsMediaOrganization"}
)
#: Languages whose romanisation of Russian and Kazakh names differs from English.
ROMANISING = frozenset({"de", "fr", "es", "it", "nl", "pl", "pt", "tr"})


def sources() -> dict[str, str]:
    """rule → what its evidence comes from (for rules whose source is a library)."""
    return {
        "inflectedForm": "snowballstemmer {} (German); pymorphy3 {} with pymorphy3-dicts-ru {} "
        "(Russian); Kazakh case endings (graph/linking/morphology.py)".format(
            *(metadata.version(n) for n in ("snowballstemmer", "pymorphy3", "pymorphy3-dicts-ru"))
        ),
        "transliteration": f"anyascii {metadata.version('anyascii')} romanisation, "
        "consonant skeleton (graph/linking/scripts.py)",
        "acronymInEntry": "the entity-list entry 'Long Form (SHORT)'",
    }


def _node(key: str) -> str:
    return "k:" + key


def link_across(names: NameLevel) -> None:
    """Make the cross-language unions (see the module docstring), recording each node's
    source in ``names.sources`` and its language in ``names.node_langs``."""
    _names_in_languages(names)
    _inflections(names)


def entry_definitions(names: NameLevel) -> dict[str, list[acronyms.Definition]]:
    """article → the acronyms its entity list defines inside entries; the entries themselves
    join their long forms here."""
    entries: list[tuple[str, acronyms.Definition]] = []
    for form in names.forms:
        definition = acronyms.in_entry(form)
        if definition is None:
            continue
        names.parse(definition.long)
        names.uf.add(_node(key_of(definition.short)))
        long_node = _node(names.effective[definition.long])
        names.uf.union(long_node, _node(names.effective[form]), "acronymInEntry")
        entries.append((form, definition))
    listing = names.form_articles.articles(form for form, _definition in entries)
    found: dict[str, list[acronyms.Definition]] = defaultdict(list)
    for form, definition in entries:
        for article in sorted(listing[form]):
            found[article].append(definition)
    return found


def _names_in_languages(names: NameLevel) -> None:
    uf, authority = names.uf, names.authority
    for name_node in sorted(n for n in uf.parent if n.startswith("k:")):
        key = name_node[2:]
        if authority.lookup(key) is not None:
            continue  # a name in every language (linked already)
        for lang in sorted(names.key_langs.get(key, ())):
            entry = authority.lookup_in(lang, key)
            if entry is None:
                continue
            rule = "countryNameInLanguage" if entry.origin == "pycountry" else "nameInLanguage"
            if uf.union("a:" + entry.id, name_node, rule):
                names.sources.setdefault(name_node, entry.name_sources.get(lang, ""))
                names.node_langs.setdefault(name_node, lang)
            break


def compared_words(form: str, lang: str) -> tuple[str, ...]:
    """The words morphology compares: an entry's long form without its acronym, and
    without a leading article of the language."""
    definition = acronyms.in_entry(form)
    words = morphology.words_of(definition.long if definition else form)
    return morphology.content_words(words, lang)


def _inflections(names: NameLevel) -> None:
    by_lang: dict[str, set[str]] = defaultdict(set)
    for form, langs in names.form_langs.items():
        for lang in langs & morphology.INFLECTING:
            by_lang[lang].add(form)
    if not by_lang:
        return
    source = sources()["inflectedForm"]
    surnames = {
        key
        for form in names.forms
        if people.person_shape(form) and " " in form
        for key in people.surname_keys(form)
    }
    for lang in sorted(by_lang):
        blocks: dict[tuple[str, ...], list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for form in names.forms:
            words = compared_words(form, lang)
            block = morphology.blocking_key(words, lang)
            if block is not None:
                blocks[block].append((words, _node(names.effective[form])))
        for entry_id, entry in sorted(names.authority.entries.items()):
            for name in entry.names_in.get(lang, ()):
                words = morphology.content_words(morphology.words_of(name), lang)
                block = morphology.blocking_key(words, lang)
                if block is not None and block in blocks:
                    blocks[block].append((words, "a:" + entry_id))
        for form in sorted(by_lang[lang]):
            words = compared_words(form, lang)
            inflected = _node(names.effective[form])
            block = morphology.blocking_key(words, lang)
            candidates = blocks.get(block, []) if block is not None else []
            bases = [
                base
                for other, base in candidates
                if base != inflected
                and len("".join(other)) <= len("".join(words))  # the longer form is inflected
                and (other == words or morphology.related(words, other, lang))
            ]
            for base in sorted(set(bases)):
                if names.uf.union(base, inflected, "inflectedForm"):
                    names.sources.setdefault(inflected, source)
                    names.node_langs.setdefault(inflected, lang)
                    if base.startswith("k:") and " " not in base:
                        names.inflected_base.setdefault(form, base[2:])
            if not bases:
                surname = morphology.base_of(words, frozenset(surnames), lang)
                if surname is not None:
                    names.inflected_base[form] = surname
                    names.sources.setdefault(inflected, source)


def transliterations(names: NameLevel) -> None:
    """Join names to the one person or organisation whose names share their skeleton."""
    uf = names.uf
    queries = [
        form
        for form in names.forms
        if scripts.is_cyrillic(form) or (names.form_langs.get(form, frozenset()) & ROMANISING)
    ]
    if not queries:
        return
    members: dict[str, list[str]] = defaultdict(list)
    for form in names.forms:
        members[names.root(form)].append(form)
    targets: dict[str, set[str]] = defaultdict(set)
    for root, forms in sorted(members.items()):
        anchored = uf.anchor.get(root)
        kind = names.authority.entries[anchored].type if anchored else choose_type(forms)
        if kind not in TRANSLITERATED_TYPES:
            continue
        for form in forms:
            if not scripts.is_cyrillic(form):
                for lang in sorted(names.form_langs.get(form) or {"en"}):
                    targets[scripts.skeleton(form, lang)].add(root)
    for entry_id, entry in sorted(names.authority.entries.items()):
        if entry.type in TRANSLITERATED_TYPES:
            root = uf.find("a:" + entry_id)
            for name in entry.names:
                targets[scripts.skeleton(name, "en")].add(root)
    source = sources()["transliteration"]
    for form in queries:
        cyrillic = scripts.is_cyrillic(form)
        if not cyrillic and len(form.split()) < 2:
            continue  # one Latin word in another romanisation is too little evidence
        own = names.root(form)
        for lang in sorted(names.form_langs.get(form) or {"ru"}):
            skeleton = scripts.skeleton(form, lang)
            if len(skeleton.replace(" ", "")) < 3:
                continue
            found = targets.get(skeleton, set()) - {own}
            if len(found) == 1 and (cyrillic or lang in ROMANISING):
                name_node = _node(names.effective[form])
                if uf.union(next(iter(found)), name_node, "transliteration"):
                    names.sources.setdefault(name_node, source)
                break
