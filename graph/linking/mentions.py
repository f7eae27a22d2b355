"""Mention-level linking: rules that hold within one story.

Most mentions take their form's cluster (:mod:`graph.linking.names`). Within a story, a form
may instead mean the longer name beside it in the same entity list ("Paxar" beside "Paxar
Corp", "Ottinger" beside "James Ottinger"), an acronym the story itself defines differently
from the rest of the corpus, or what an override for that story says. A bare surname that only
one person in the corpus bears means that person, in every story where no other rule applies.

Only the exceptions are kept per (story, form); everything else is decided once per distinct
form, so the work per story is a few look-ups.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from newsgraph.linking import acronyms, people
from newsgraph.linking.names import NameLevel, node
from newsgraph.linking.normalise import CORPORATE_SUFFIXES
from newsgraph.linking.story_links import StoryLinks
from newsgraph.linking.surnames import MAX_EVIDENCE, Link, Surnames

__all__ = ["MAX_EVIDENCE", "Assignment", "ShortFormLinks", "assign"]

#: Heads that make "X Head" a body of its own rather than X ("Venice Commission").
_BODY_HEADS = frozenset(
    {"commission", "council", "committee", "court", "assembly", "parliament", "ministry",
     "agency", "party", "union", "association", "university", "foundation", "fund", "institute",
     "authority", "board", "league", "federation", "organization", "program", "office",
     "department", "tribunal", "senate", "congress", "summit", "conference", "forum",
     "exchange", "times", "post", "journal", "radio", "airport", "city", "state", "province",
     "county", "river", "port", "school", "college", "hospital", "museum", "church",
     "channel", "online", "tv", "magazine"}
)  # fmt: skip


@dataclass
class Assignment:
    """Which cluster each (story, form) mention belongs to, and by which rule."""

    #: form → (root, rule, evidence) for its mentions that no story-level rule took ("" rule:
    #: a name-level link).
    default: dict[str, Link] = field(default_factory=dict)
    #: (article, form) → (root, rule, evidence) where a story-level rule applies, and form →
    #: the articles it has one in (:class:`graph.linking.story_links.StoryLinks`).
    exceptions: dict[tuple[str, str], Link] = field(default_factory=dict)
    exception_articles: Mapping[str, set[str]] = field(default_factory=dict)
    #: The forms whose default link may differ from the last assignment's, where ``default``
    #: is that assignment's table changed in place (None: a table of its own, made whole);
    #: the same of the exceptions' entries.
    moved: set[str] | None = None
    exceptions_moved: set[tuple[str, str]] | None = None

    def exception_links(self, form: str) -> list[Link]:
        """The links of ``form``'s story-level exceptions, by article."""
        table = self.exceptions
        return [table[(article, form)] for article in sorted(self.exception_articles.get(form, ()))]

    def root(self, article: str, form: str) -> str:
        found = self.exceptions.get((article, form)) if self.exceptions else None
        return (found or self.default[form])[0]


@dataclass
class Prefixes:
    """The forms' words, and which forms each run of words begins (``by_prefix``) or ends
    (``by_suffix``: one or two words), and which forms are exactly those words: a function
    of the set of forms alone, so a batch brings it up to date by the forms it adds and
    removes."""

    #: The overrides the forms' words were read under.
    overrides: tuple[object, ...] = ()
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    by_prefix: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    by_suffix: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    by_words: dict[tuple[str, ...], set[str]] = field(default_factory=dict)

    def _runs(
        self, words: tuple[str, ...]
    ) -> Iterator[tuple[dict[tuple[str, ...], set[str]], tuple[str, ...]]]:
        for size in range(1, len(words)):
            yield self.by_prefix, words[:size]
            if size <= 2:
                yield self.by_suffix, words[-size:]

    def add(self, form: str, words: tuple[str, ...]) -> list[tuple[str, ...]]:
        """Count ``form`` in; the runs whose forms it joined."""
        self.count(form, words)
        return [run for _table, run in self._runs(words)]

    def count(self, form: str, words: tuple[str, ...]) -> None:
        """Count ``form`` in."""
        self.words[form] = words
        self.by_words.setdefault(words, set()).add(form)
        for table, run in self._runs(words):
            table.setdefault(run, set()).add(form)

    def remove(self, form: str) -> Iterator[tuple[str, ...]]:
        """Count ``form`` out; yield the runs whose forms it left."""
        words = self.words.pop(form)
        _discard(self.by_words, words, form)
        for table, run in self._runs(words):
            _discard(table, run, form)
            yield run


def _discard(table: dict[tuple[str, ...], set[str]], run: tuple[str, ...], form: str) -> None:
    forms = table[run]
    forms.discard(form)
    if not forms:
        del table[run]


class _ShortForms:
    """Pairs (short, long) of forms where the short one may stand for the long one in a list."""

    def __init__(
        self,
        names: NameLevel,
        roots: Mapping[str, tuple[str, tuple[str, ...]]],
        prefixes: Prefixes,
        longer: dict[str, frozenset[str]],
        forms: Iterable[str],
    ) -> None:
        """``longer``: each form's longer forms as they were (changed here), to be found
        again for ``forms`` alone (the others' are as they were)."""
        self.names = names
        self.roots = roots
        #: form → the longer forms it may shorten (acronyms are checked per list).
        self.longer = longer
        anchor, parsed = names.uf.anchor, names.parsed
        contested = names.authority.contested
        by_prefix, by_suffix = prefixes.by_prefix, prefixes.by_suffix
        for form in forms:
            longer.pop(form, None)
            found = roots.get(form)
            if found is None:
                continue
            root, tokens = found
            name = parsed[form]
            if not tokens or anchor.get(root) or name.tokens != name.key_tokens:
                continue
            if name.key in contested:
                continue  # two known entities own it ("Georgia"): neither a short form
            shortens = by_prefix.get(tokens, set()) | by_suffix.get(tokens, set())
            if shortens or name.acronym:
                longer[form] = frozenset(shortens)

    def target(self, form: str, others: tuple[str, ...]) -> str | None:
        """The root of the one longer name in the same list that ``form`` shortens."""
        longer = self.longer.get(form)
        if longer is None:
            return None
        acronym = self.names.parsed[form].acronym
        if not acronym and longer.isdisjoint(others):
            return None  # nothing in the list it could shorten
        roots = self.roots
        candidates = [o for o in others if o != form and (o in longer or acronym)]
        if not candidates:
            return None
        own, tokens = roots[form]
        if any(roots[other][0] == own for other in others if other != form):
            return None  # the list already names this entity in full
        targets = set()
        for other in candidates:
            other_root, long_tokens = roots[other]
            if len(long_tokens) <= len(tokens):
                continue
            if long_tokens[: len(tokens)] == tokens:
                if self._prefix_stands_for(long_tokens[len(tokens) :], other_root):
                    targets.add(other_root)
            elif long_tokens[-len(tokens) :] == tokens and len(tokens) <= 2:
                if self._surname_stands_for(other, other_root):
                    targets.add(other_root)
            elif acronym and acronyms.abbreviates(form, other):
                targets.add(other_root)
        return next(iter(targets)) if len(targets) == 1 else None

    def _prefix_stands_for(self, rest: tuple[str, ...], other_root: str) -> bool:
        head = rest[: rest.index("of")] if "of" in rest[1:] else rest
        if rest[0] in people.BREAKING or (head and head[-1] in _BODY_HEADS):
            return False
        if all(word in CORPORATE_SUFFIXES for word in rest):
            return False  # "Union Corp" keeps its suffix because "Union" alone is generic
        anchored = self.names.uf.anchor.get(other_root)
        authority = self.names.authority
        return not (anchored and authority.entries[anchored].type in ("Country", "Place", "City"))

    def _surname_stands_for(self, other: str, other_root: str) -> bool:
        anchored = self.names.uf.anchor.get(other_root)
        if anchored and self.names.authority.entries[anchored].type != "Person":
            return False  # "Africa" is not short for "South Africa"
        display = people.split_title(other)
        return people.person_with_surname(display[1] if display else other)


#: A form's say in the short-form rule: its cluster's root and words, the authority entry the
#: root is anchored to, and the longer forms it may shorten (None: none).
Say = tuple[str, tuple[str, ...], str | None, frozenset[str] | None]


@dataclass
class ShortFormLinks:
    """The short-form rule's links of a corpus: article → form → the root it stands for, and
    each form's say (what those links depend on besides the article's own list)."""

    links: dict[str, dict[str, str]]
    says: dict[str, Say]
    #: How many articles' lists were looked at to make them.
    looked_at: int = 0
    #: The forms' words and runs, and each form's longer forms, for the next resolution to
    #: bring up to date (kept in memory only: one without them finds them for every form).
    prefixes: Prefixes | None = None
    longer: dict[str, frozenset[str]] | None = None
    #: The bare-surname rule's indices (:mod:`graph.linking.surnames`), and each parsed form's
    #: root and words, in memory only too.
    surnames: Surnames | None = None
    roots: dict[str, tuple[str, tuple[str, ...]]] | None = None
    #: The assignment's default links and story-level exceptions, for the next to change
    #: in place.
    default: dict[str, Link] | None = None
    story: StoryLinks | None = None


def assign(
    names: NameLevel, before: ShortFormLinks | None = None, changed: Collection[str] = ()
) -> tuple[Assignment, ShortFormLinks]:
    """Every mention's cluster (see the module docstring), and the short-form links made.

    ``before``: the short-form links of the corpus before the articles of ``changed`` changed
    their lists; an article's links depend only on its list and its forms' says, so only the
    articles of ``changed`` and those that list a form whose say changed are looked at again
    (``tests/test_resolve_since.py`` compares them with links made from scratch)."""
    find = names.uf.find
    local_merges = {
        (o.article, o.name): o.target for o in names.overrides if o.action == "merge" and o.article
    }
    overrides = tuple(names.overrides)  # a split override gives a form its own key, words
    prefixes = before.prefixes if before is not None else None
    if prefixes is None or prefixes.overrides != overrides:
        prefixes = Prefixes(overrides=overrides)
    words = prefixes.words
    # each parsed form's root and words: where the name level was linked again by components,
    # those of the forms it moved alone (the others' are as they were)
    kept = before.roots if before is not None and before.prefixes is prefixes else None
    moved_forms = names.moved.forms if names.moved is not None and kept is not None else None
    roots = kept if kept is not None and moved_forms is not None else {}
    for form in names.effective if moved_forms is None else moved_forms:
        key = names.effective.get(form)
        if key is None:
            roots.pop(form, None)
            continue
        tokens = words.get(form)
        roots[form] = (find(node(key)), tokens if tokens is not None else tuple(key.split()))
    longer, moved = _brought_up_to_date(names, roots, prefixes, before, moved_forms)
    shorts = _ShortForms(names, roots, prefixes, longer, moved)
    short_links, again = _short_form_links(names, roots, shorts, before, changed, moved)
    short_links.prefixes, short_links.longer, short_links.roots = prefixes, shorts.longer, roots
    local_acronyms = names.local_acronyms
    lists = names.corpus.lists
    result = Assignment()
    story = before.story if before is not None and again is not None else None
    if story is None or moved_forms is None or names.moved is None or local_merges:
        story = StoryLinks()
        articles = {article for article, _short in local_acronyms} | short_links.links.keys()
        if local_merges:
            slugs = {article.rsplit("/", 1)[-1]: article for article in lists}
            articles.update(slugs.get(article, article) for article, _form in local_merges)
        for article in sorted(articles):
            story.put(article, _exceptions(names, article, short_links, local_merges))
    else:  # the articles whose lists, short-form links or story-level acronyms moved alone
        assert again is not None
        result.exceptions_moved = set()
        for article in again | names.moved.local:
            found = _exceptions(names, article, short_links, local_merges)
            result.exceptions_moved.update(story.put(article, found))
    short_links.story = story
    result.exceptions, result.exception_articles = story.table, story.of_form
    surnames = before.surnames if before is not None and names.moved is not None else None
    kept_default = None
    if before is not None and surnames is not None and moved_forms is not None:
        kept_default = before.default
    short_links.surnames = surnames = surnames if surnames is not None else Surnames()
    given = surnames.update(names, roots)
    listed = names.form_articles
    if kept_default is None:
        result.default = {form: (roots[form][0], "", frozenset()) for form in listed}
        result.default.update((form, link) for form, link in given.items() if link is not None)
    else:  # a form's link moves with its root (a form moved) or its surname link alone
        assert moved_forms is not None
        result.default, result.moved = kept_default, moved_forms | given.keys()
        for form in result.moved:
            link = given.get(form)
            if form not in listed:
                kept_default.pop(form, None)
            else:
                kept_default[form] = link if link is not None else (roots[form][0], "", frozenset())
    short_links.default = result.default
    return result, short_links


def _exceptions(
    names: NameLevel,
    article: str,
    short_links: ShortFormLinks,
    local_merges: Mapping[tuple[str, str], str],
) -> dict[str, Link]:
    """form → the link a story-level rule gives its mention in ``article``: an override's
    merge, an acronym the story defines otherwise than the corpus, a short form of a longer
    name beside it."""
    forms = names.corpus.lists.get(article)
    if forms is None:
        return {}
    found: dict[str, Link] = {}
    slug = article.rsplit("/", 1)[-1]
    shortened = short_links.links.get(article, {})
    local_acronyms, parsed, find = names.local_acronyms, names.parsed, names.uf.find
    for form in forms:
        if local_merges:
            target = local_merges.get((article, form)) or local_merges.get((slug, form))
            if target is not None:
                names.parse(target)
                found[form] = (names.root(target), "overrideMerge", frozenset({article}))
                continue
        name = parsed.get(form) if local_acronyms else None
        local = local_acronyms.get((article, name.key)) if name is not None else None
        if local is not None:
            found[form] = (find(local), "acronymInText", frozenset({article}))
            continue
        short = shortened.get(form)
        if short is not None:
            found[form] = (short, "shortFormInArticle", frozenset({article}))
    return found


def _brought_up_to_date(
    names: NameLevel,
    roots: Mapping[str, tuple[str, tuple[str, ...]]],
    prefixes: Prefixes,
    before: ShortFormLinks | None,
    moved: Collection[str] | None,
) -> tuple[dict[str, frozenset[str]], Collection[str]]:
    """Bring ``prefixes`` up to date with the forms of ``roots``. Return each form's longer
    forms as they were (for the caller to change) and the forms whose longer forms or say may
    have changed: the forms added or removed, the forms whose words are a run that one of those
    begins or ends, and the forms whose cluster or its anchor moved. ``moved``: the forms whose
    root may have moved, or that may have come or gone, since ``before`` (None: any). With
    nothing kept: an empty table and every form."""
    if before is None or before.longer is None or not prefixes.words:  # nothing kept
        for form, (_root, tokens) in roots.items():
            prefixes.count(form, tokens)
        return {}, roots.keys()
    words = prefixes.words
    looked_at = roots.keys() if moved is None else moved
    forms: set[str] = set()
    runs: set[tuple[str, ...]] = set()
    gone = words.keys() - roots.keys() if moved is None else [f for f in moved if f not in roots]
    for form in [form for form in gone if form in words]:
        runs.update(prefixes.remove(form))
        forms.add(form)
    for form in [form for form in looked_at if form in roots and form not in words]:
        runs.update(prefixes.add(form, roots[form][1]))
        forms.add(form)
    by_words = prefixes.by_words
    for run in runs:
        forms.update(by_words.get(run, ()))
    anchor, says = names.uf.anchor, before.says
    for form in looked_at:
        found = roots.get(form)
        if found is not None:
            say = says.get(form)
            if say is None or say[0] != found[0] or say[2] != anchor.get(found[0]):
                forms.add(form)
    return before.longer, forms


def _short_form_links(
    names: NameLevel,
    roots: Mapping[str, tuple[str, tuple[str, ...]]],
    shorts: _ShortForms,
    before: ShortFormLinks | None,
    changed: Collection[str],
    forms: Collection[str],
) -> tuple[ShortFormLinks, set[str] | None]:
    """The links, from ``before``'s where it has them: its says brought up to date for
    ``forms`` (the others' are as they were), and the lists looked at again that are
    ``changed`` or name a form whose say moved; and those articles (None: every one)."""
    anchor, longer = names.uf.anchor, shorts.longer
    lists = names.corpus.lists
    if before is None:
        says = {
            form: (root, words, anchor.get(root), longer.get(form))
            for form, (root, words) in roots.items()
        }
        return ShortFormLinks(_shortened(lists, lists, shorts), says, len(lists)), None
    says = before.says
    moved = []
    for form in forms:
        found = roots.get(form)
        if found is None:
            says.pop(form, None)
            continue
        root, words = found
        say = (root, words, anchor.get(root), longer.get(form))
        # a form new to the corpus is listed by changed articles alone: not looked for
        if form in says and says[form] != say:
            moved.append(form)
        says[form] = say
    again = set(changed)
    for found_in in names.form_articles.articles(moved).values():
        again.update(found_in)
    links = before.links
    for article in again:
        links.pop(article, None)
    links.update(_shortened(again, lists, shorts))
    return ShortFormLinks(links, says, len(again)), again


def _shortened(
    articles: Iterable[str], lists: Mapping[str, tuple[str, ...]], shorts: _ShortForms
) -> dict[str, dict[str, str]]:
    """article → form → the root of the longer name beside it that it stands for."""
    longer = shorts.longer.keys()
    found: dict[str, dict[str, str]] = {}
    for article in articles:
        forms = lists.get(article)
        if forms is None or len(forms) < 2 or longer.isdisjoint(forms):
            continue  # the fast path: no short form, or nothing it could shorten
        targets = {}
        for form in forms:
            if form in longer:
                target = shorts.target(form, forms)
                if target is not None:
                    targets[form] = target
        if targets:
            found[article] = targets
    return found
