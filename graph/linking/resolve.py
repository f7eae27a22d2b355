"""Resolution: every (article, name) of the corpus → one entity, with how each link was made.

The answer is a pure function of the corpus (entity lists and texts, or what the texts
define), the authority file, the user's overrides and stored reconciliations; everything is
visited in sorted order, so the same records in any order give the same clusters and IRIs.

Name-level rules (they hold in every story, :mod:`graph.linking.names`): the same key
(:mod:`normalise`), an authority or country name, a titled form of a person's name, and an
acronym or short form that a text defines or that an entity list gives beside its expansion —
when all such evidence agrees. Mention-level rules (they hold in one story,
:mod:`graph.linking.mentions`): a short form of a longer name in the same entity list ("Paxar"
beside "Paxar Corp", "Ottinger" beside "James Ottinger"), an acronym defined differently
elsewhere, and a surname that only one person in the corpus bears. Then
:mod:`graph.linking.entities` names and types each cluster.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from newsgraph.linking.authority import Authority
from newsgraph.linking.components import Components, advance
from newsgraph.linking.default_keys import DefaultKeys
from newsgraph.linking.entities import Drafts, Entity, build
from newsgraph.linking.listing import Before, Listing
from newsgraph.linking.memo import TableChanges
from newsgraph.linking.mentions import Assignment, ShortFormLinks, assign
from newsgraph.linking.names import Corpus, ListAcronyms, NameLevel, list_acronyms
from newsgraph.linking.overrides import Override
from newsgraph.linking.text_index import TextIndex
from newsgraph.linking.textscan import scan

__all__ = ["Corpus", "Entity", "Kept", "Resolution", "Since", "resolve"]


@dataclass
class Kept:
    """What a resolution keeps for the next over the same corpus after a batch: the parts
    that would otherwise be found by reading every article's list again (which articles list
    each form, the acronyms lists give, the short-form links) or by drafting every entity
    again (the drafts). Each is brought up to date by the articles whose lists changed alone;
    the next resolution takes it (changes it)."""

    listing: Listing
    pairs: ListAcronyms
    short_forms: ShortFormLinks
    drafts: Drafts
    #: The name level and its components (:mod:`graph.linking.components`), kept in memory
    #: only: a batch links again the components it touches (the first batch after a
    #: resolution from scratch finds the components).
    names: NameLevel | None = None
    components: Components | None = None
    #: The text scan's name index and the default and exceptions' tables' keys, kept in
    #: memory only too; and the token of the resolution that kept them (:class:`TableChanges`).
    text: TextIndex | None = None
    defaults: DefaultKeys[str] | None = None
    story_keys: DefaultKeys[tuple[str, str]] | None = None
    token: object | None = None


@dataclass
class Since:
    """A resolution's :class:`Kept` parts, and what the articles whose lists or languages
    changed since listed (and spoke) then."""

    kept: Kept
    before: Before


@dataclass
class Resolution:
    entities: dict[str, Entity]
    #: article → the keys of entities its text names beside those of its list (when the
    #: corpus's texts were read).
    found_in_text: dict[str, list[str]]
    #: name key → (entity key, case shapes): what the text scan looks names up in.
    index: dict[str, tuple[str, frozenset[str]]]
    _lists: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _assignment: Assignment = field(default_factory=Assignment, repr=False)
    _keys: dict[str, str] = field(default_factory=dict, repr=False)
    #: form → the key of its entity where no story-level rule applies.
    _default: dict[str, str] = field(default_factory=dict, repr=False)
    #: (article, form) → entity key where a story-level rule applies.
    _exceptions: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    _with_exceptions: set[str] = field(default_factory=set, repr=False)
    #: form → the articles whose lists hold it.
    listing: Listing = field(default_factory=lambda: Listing({}), repr=False)
    #: What the next resolution may start from (:class:`Kept`).
    kept: Kept | None = field(default=None, repr=False)
    #: This resolution's token, and where its tables may differ from those of the resolution
    #: whose kept parts it started from (None: anywhere).
    token: object = field(default_factory=object, repr=False)
    changes: TableChanges | None = field(default=None, repr=False)

    def keys_of(self, article: str, forms: Sequence[str] | None = None) -> list[str]:
        """The keys of the entities an article's list names, in list order (``forms``: its
        list, when the caller has it at hand)."""
        if forms is None:
            forms = self._lists[article]
        if article in self._with_exceptions:
            exceptions, default = self._exceptions, self._default
            return list(dict.fromkeys([exceptions.get((article, f)) or default[f] for f in forms]))
        return list(dict.fromkeys(map(self._default.__getitem__, forms)))

    def key_set(self, article: str) -> set[str]:
        """The keys of the entities an article's list names, in no order."""
        if article in self._with_exceptions:
            return set(self.keys_of(article))
        default = self._default
        return {default[form] for form in self._lists[article]}

    @cached_property
    def mentions(self) -> dict[str, list[str]]:
        """article → the keys of the entities its list names, in list order."""
        return {article: self.keys_of(article, forms) for article, forms in self._lists.items()}

    @property
    def tables(
        self,
    ) -> tuple[dict[str, str], dict[tuple[str, str], str], dict[str, tuple[str, frozenset[str]]]]:
        """What an article's links depend on besides its own list and spans: each form's entity
        where no story-level rule applies, the story-level exceptions, and the name index the
        text scan reads (see :mod:`graph.linking.memo`)."""
        return self._default, self._exceptions, self.index

    @property
    def names(self) -> dict[str, str]:
        """name key → entity key, for names that mean one entity in every story."""
        return {key: entity for key, (entity, _shapes) in self.index.items()}

    @cached_property
    def assigned(self) -> dict[tuple[str, str], str]:
        """(article, name as given) → entity key."""
        return {
            (article, form): self._keys[self._assignment.root(article, form)]
            for article, forms in self._lists.items()
            for form in forms
        }


def resolve(
    corpus: Corpus,
    authority: Authority,
    overrides: Sequence[Override] = (),
    reconciled: Mapping[str, tuple[str, str]] | None = None,
    *,
    find_in_text: bool = True,
    since: Since | None = None,
) -> Resolution:
    """Link every name of the corpus; see the module docstring for the rules. Texts are read
    for acronym definitions (unless the corpus gives them) and, with ``find_in_text``, for
    mentions of known entities. ``since``: what the resolution of the corpus before a batch
    kept, and what the batch changed; the answer is the one from scratch
    (``tests/test_resolve_since.py``)."""
    listing, pairs, short_forms, drafts = None, None, None, None
    names, parts = None, None
    if since is not None:
        listing, pairs = since.kept.listing, since.kept.pairs
        short_forms, drafts = since.kept.short_forms, since.kept.drafts
        names, parts = since.kept.names, since.kept.components
        if names is None or names.authority is not authority or names.overrides != [*overrides]:
            names, parts = None, None  # the name level is made from scratch
        elif parts is None:  # the first batch after a resolution from scratch
            parts = Components.of(names)  # (before the listing and pairs move on)
        listing.advance(corpus.lists, corpus.langs, since.before)
        listed_before = {article: pairs.get(article, ()) for article in since.before}
        for article in since.before:
            now = corpus.lists.get(article)
            found = list_acronyms(now) if now is not None else ()
            if found:
                pairs[article] = found
            else:
                pairs.pop(article, None)
        if names is not None and parts is not None:
            names.reconciled = reconciled or {}
            names = advance(names, parts, corpus, pairs, listed_before, since.before)
    if names is None:
        names = NameLevel(corpus, authority, overrides, reconciled or {}, listing, pairs)
        names.link()
        parts = None  # made by the next batch's resolution, where there is one
    assignment, short_forms = assign(names, short_forms, since.before if since is not None else ())
    followed = since.kept.drafts.keys if since is not None else None
    entities, keys, drafts = build(names, assignment, drafts, since.before if since else None)
    # the keys went on from those the last batch kept (else they were made anew): what
    # follows them (the key tables, the text index, the changes named) reads how they moved
    went_on = followed if followed is not None and drafts.keys is followed else None
    # the keys' tables follow the default links, the exceptions and the keys they followed last
    roots = went_on.moved if went_on is not None else None
    defaults = DefaultKeys.following(
        since.kept.defaults if since is not None else None,
        assignment.default, assignment.moved, keys, roots,
    )  # fmt: skip
    story_keys = DefaultKeys.following(
        since.kept.story_keys if since is not None else None,
        assignment.exceptions, assignment.exceptions_moved, keys, roots,
    )  # fmt: skip
    assert short_forms.story is not None
    with_exceptions = set(short_forms.story.of_article)
    names_in_text = since.kept.text if since is not None else None
    if (  # the index follows the name level and the keys it followed last
        since is not None and names_in_text is not None and names.moved is not None
        and went_on is not None
    ):  # fmt: skip
        names_in_text.update(names, keys, went_on.moved, since.before)
    else:
        names_in_text = TextIndex.of(names, keys)
    index = dict(names_in_text.index)
    kept = Kept(
        names.form_articles, names.list_acronyms, short_forms, drafts, names, parts, names_in_text,
        defaults, story_keys,
    )  # fmt: skip
    resolution = Resolution(
        entities, {}, index, corpus.lists,
        replace(
            assignment, default=dict(assignment.default), exceptions=dict(assignment.exceptions),
            exception_articles={},
        ),
        keys, dict(defaults.table), dict(story_keys.table),
        with_exceptions, names.form_articles, kept,
    )  # fmt: skip
    kept.token = resolution.token
    if since is not None and since.kept.token is not None:
        told = went_on.touched if went_on is not None else None
        resolution.changes = TableChanges(
            since.kept.token, defaults.moved, names_in_text.moved, told, story_keys.moved
        )
    for article, text in corpus.texts.items() if find_in_text else ():
        listed = set(resolution.keys_of(article)) if article in corpus.lists else set()
        extra = [key for key in scan(text, index) if key not in listed]
        if extra:
            resolution.found_in_text[article] = extra
    return resolution
