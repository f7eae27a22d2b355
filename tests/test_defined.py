"""What texts' definitions make, kept across batches: the forms they define
(``graph/linking/defined.py``) and the story-level links of acronyms a story defines otherwise
than the corpus (``graph/linking/story_links.py``). Brought up to date where a batch changed,
they equal what is found again over every text, and a batch looks at its own definitions and
those at the nodes it linked again, not at every one.

The oracles are :meth:`DefinedForms.of` over the new name level (every text read again) and a
resolution from scratch; the texts define acronyms that other stories define otherwise (one
expansion dominant, one not), so a batch moves forms between clusters and story rules."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newsgraph.linking import acronyms
from newsgraph.linking.authority import load_authority
from newsgraph.linking.defined import DefinedForms
from newsgraph.linking.memo import KeyIndex, affected
from newsgraph.linking.names import node
from newsgraph.linking.normalise import parse
from newsgraph.linking.resolve import Corpus, Resolution, Since, resolve

from tests.test_resolve_since import _equal

ARTICLE = "http://n.example/article/"
#: (list, text): "AB" means Alpha Bank in most stories, Arab Bureau in a few; "QX" is
#: defined two ways about as often (no expansion dominant).
STORIES = [
    (("Alpha Bank",), "Shares of Alpha Bank (AB) rose."),
    (("Alpha Bank", "Astana"), "The Alpha Bank (AB) branch in Astana opened."),
    (("Arab Bureau",), "The Arab Bureau (AB) said."),
    (("Quartz Exchange",), "Trading on Quartz Exchange (QX) slowed."),
    (("Quill Xylographers",), "The Quill Xylographers (QX) guild met."),
    (("AB", "Astana"), "AB officials in Astana spoke."),
    (("QX",), "QX stayed shut."),
    (("Zeta Holdings",), "Analysts at Zeta Holdings (ZH) said so."),
    (("Paxar Corp", "Paxar"), "Paxar Corp said."),
    ALPHA := (("Alpha Bank", "AB"), "The Alpha Bank (AB) results."),
    ARAB := (("Arab Bureau", "AB"), "The Arab Bureau (AB) report."),
]
LETTERS = "BCDFGHJKLMNPRST"
BATCHES = st.lists(
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, len(STORIES))), min_size=1, max_size=6),
    min_size=1, max_size=6,
)  # fmt: skip


def _tables(defined: DefinedForms) -> tuple[object, ...]:
    at = {node: pairs for node, pairs in defined.at.items() if pairs}
    return defined.texts, +defined.counts, defined.nodes, at, defined.gives, defined.by_root


class Texts:
    """A corpus fed batch by batch, each resolution from what the last kept."""

    def __init__(self) -> None:
        self.lists: dict[str, tuple[str, ...]] = {}
        self.texts: dict[str, str] = {}
        self.last: Resolution | None = None
        self.authority = load_authority()

    def batch(self, changes: dict[str, int]) -> Resolution:
        """Set each article's story (the number past the stories: the article goes)."""
        before = {}
        for article, story in changes.items():
            before[article] = (self.lists.get(article), "")
            if story == len(STORIES):
                self.lists.pop(article, None)
                self.texts.pop(article, None)
            else:
                self.lists[article], self.texts[article] = STORIES[story]
        kept = self.last.kept if self.last is not None else None
        since = Since(kept, before) if kept is not None else None
        self.last = resolve(Corpus(self.lists, texts=dict(self.texts)), self.authority, since=since)
        return self.last

    def scratch(self) -> Resolution:
        return resolve(Corpus(dict(self.lists), texts=dict(self.texts)), self.authority)


@given(BATCHES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_forms_brought_up_to_date_equal_those_found_again(batches):
    texts = Texts()
    texts.batch({f"{ARTICLE}{n:03}": n % len(STORIES) for n in range(30)})
    for batch in batches:
        made = texts.batch({f"{ARTICLE}{slot:03}": story for slot, story in batch})
        assert made.kept is not None and made.kept.names is not None
        kept = made.kept.drafts.defined
        assert kept is not None
        assert _tables(kept) == _tables(DefinedForms.of(made.kept.names))
        _equal(made, texts.scratch(), {})


def test_the_roots_named_are_those_whose_forms_changed():
    """The roots :meth:`DefinedForms.update` names are exactly those whose defined forms
    differ (the oracle: the forms by root before and after, compared whole)."""
    texts = Texts()
    first = texts.batch({f"{ARTICLE}{n:03}": n % len(STORIES) for n in range(30)})
    assert first.kept is not None and first.kept.names is not None
    before, redone = DefinedForms.of(first.kept.names), DefinedForms.of(first.kept.names)
    made = texts.batch({f"{ARTICLE}{n:03}": 0 for n in range(30, 110)})  # Alpha Bank (AB)
    assert made.kept is not None and made.kept.names is not None
    after = DefinedForms.of(made.kept.names)
    moved = {
        root for root in before.by_root.keys() | after.by_root.keys()
        if set(before.forms(root)) != set(after.forms(root))
    }  # fmt: skip
    assert moved, "the control: eighty more stories make Alpha Bank's AB dominant"
    names = made.kept.names
    assert names.moved is not None
    articles = [f"{ARTICLE}{n:03}" for n in range(30, 110)]
    assert redone.update(names, articles, names.moved.nodes) == moved
    assert _tables(redone) == _tables(after)


def test_a_batch_places_its_own_pairs_not_every_pair():
    """Among 300 stories defining 300 acronyms, a story defining one more places a few pairs
    again; the control: with any node's cluster moved (``nodes`` None), every pair."""
    authority = load_authority()
    lists, texts = {}, {}
    for n in range(300):
        letters = [LETTERS[n // 225], LETTERS[n // 15 % 15], LETTERS[n % 15]]
        name = " ".join(f"{letter}arlow" for letter in letters)
        article = f"{ARTICLE}{n:03}"
        lists[article], texts[article] = (name,), f"The {name} ({''.join(letters)}) said."
    first = resolve(Corpus(lists, texts=texts), authority)
    assert first.kept is not None
    lists[f"{ARTICLE}new"] = ("Omega Pi Fund",)
    texts[f"{ARTICLE}new"] = "The Omega Pi Fund (OPF) said."
    since = Since(first.kept, {f"{ARTICLE}new": (None, "")})
    made = resolve(Corpus(lists, texts=dict(texts)), authority, since=since)
    assert made.kept is not None and made.kept.names is not None
    defined = made.kept.drafts.defined
    assert defined is not None and len(defined.counts) == 301
    assert 1 <= defined.placed <= 3
    assert set(defined.forms(made.kept.names.uf.find(node(parse("Omega Pi Fund").key)))) == {"OPF"}
    defined.update(made.kept.names, (), None)
    assert defined.placed == 301
    assert Counter(f for forms in defined.by_root.values() for f in forms)["OPF"] == 1


def test_an_update_follows_the_nodes_and_the_articles_it_is_told_of():
    """A cluster's root moves (a union) and a text changes: told of neither, the forms are
    stale (the control); told of the moved nodes and the article, they equal those found
    again, and the roots named are the old root and the new."""
    authority = load_authority()
    lists = {f"{ARTICLE}zh": ("Zeta Holdings",), f"{ARTICLE}ab": ("Alpha Bank",)}
    texts = {f"{ARTICLE}zh": "Zeta Holdings (ZH) said.", f"{ARTICLE}ab": "Alpha Bank said."}
    names = resolve(Corpus(lists, texts=texts), authority).kept.names  # type: ignore[union-attr]
    assert names is not None
    defined = DefinedForms.of(names)
    zeta, zh, aardvark = (node(parse(form).key) for form in ("Zeta Holdings", "ZH", "Aardvark"))
    old_root = names.uf.find(zeta)
    assert set(defined.forms(old_root)) == {"ZH"}
    names.uf.union(aardvark, zeta, "test")
    new_root = names.uf.find(zeta)
    assert new_root != old_root
    assert defined.update(names, (), ()) == set()
    assert _tables(defined) != _tables(DefinedForms.of(names)), "the control: told of nothing"
    assert defined.update(names, (), {zeta, zh, aardvark}) == {old_root, new_root}
    assert _tables(defined) == _tables(DefinedForms.of(names))
    names.definitions = {
        **names.definitions,
        f"{ARTICLE}ab": acronyms.definitions("Alpha Bank (AB) said."),
    }
    names.uf.union(node(parse("Alpha Bank").key), node(parse("AB").key), "test")
    assert defined.update(names, [f"{ARTICLE}ab"], ()) == {names.uf.find(node("ab"))}
    assert _tables(defined) == _tables(DefinedForms.of(names))


def test_an_acronym_that_becomes_dominant_leaves_the_stories_that_defined_it_alone():
    """Alpha Bank's AB in 12 stories of 15 (80%) is each story's own; twenty more make it the
    corpus's (over 90%): the twelve stories not in the batch lose their story-level links, as
    from scratch (the exceptions of the articles whose story-level acronyms moved are set
    again, not only those of the batch's articles)."""
    alpha, arab = STORIES.index(ALPHA), STORIES.index(ARAB)
    texts = Texts()
    first = texts.batch({f"{ARTICLE}{n:03}": alpha if n < 12 else arab for n in range(15)})
    old = f"{ARTICLE}000", "AB"
    assert first._assignment.exceptions[old][1] == "acronymInText", "the control"
    made = texts.batch({f"{ARTICLE}{n:03}": alpha for n in range(15, 35)})
    assert made._assignment.exceptions_moved is not None, "the table changed in place"
    assert made.kept is not None and made.kept.names is not None
    moved = made.kept.names.moved
    assert moved is not None and {f"{ARTICLE}{n:03}" for n in range(12)} <= moved.local
    assert old not in made._assignment.exceptions
    assert (f"{ARTICLE}014", "AB") in made._assignment.exceptions
    _equal(made, texts.scratch(), {})


def test_an_exception_whose_entity_changes_key_finds_its_article(tmp_path):
    """A story defines RA as the Resund Agency while the corpus means Rota Airline, and lists
    RA alone: its link is a story-level exception. A batch gives "Øresund Agency" more
    mentions, so it takes the key ``resund-agency`` and the Resund Agency moves to
    ``resund-agency-2``: the story is found to be linked again, though neither its list nor
    its forms' default links moved (the exceptions the batch changed are named), as it is
    when every exception is compared (the oracle)."""
    authority = load_authority()
    story = f"{ARTICLE}x"
    lists = {story: ("RA", "Astana"), f"{ARTICLE}r0": ("Resund Agency",)}
    texts = {story: "The Resund Agency (RA) said."}
    for n in range(12):
        lists[f"{ARTICLE}a{n}"] = ("Rota Airline", "RA")
        texts[f"{ARTICLE}a{n}"] = "The Rota Airline (RA) results."
    for n in range(2):
        lists[f"{ARTICLE}o{n}"] = ("Øresund Agency",)
    first = resolve(Corpus(lists, texts=dict(texts)), authority)
    assert first.kept is not None
    assert first.tables[1] == {(story, "RA"): "resund-agency"}
    lists[f"{ARTICLE}o3"] = ("Øresund Agency",)
    since = Since(first.kept, {f"{ARTICLE}o3": (None, "")})
    made = resolve(Corpus(lists, texts=dict(texts)), authority, since=since)
    assert made.tables[1] == {(story, "RA"): "resund-agency-2"}
    assert made.changes is not None and made.changes.default is not None
    assert "RA" not in made.changes.default
    keys = KeyIndex(tmp_path)
    oracle = affected(first.tables, made.tables, lists, keys, made.listing)
    assert story in oracle
    assert affected(first.tables, made.tables, lists, keys, made.listing, made.changes) == oracle
    _equal(made, resolve(Corpus(dict(lists), texts=dict(texts)), authority), {})
