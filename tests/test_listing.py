"""Which articles list a form (``graph/linking/listing.py``): counted for every form, found only
for the forms a rule asks about, and the same as a set per form built from every list.

Linking used to build that set per form, a set insertion per mention of the store, in every
batch; resolution now asks for the articles of a few forms only (an entry defining an acronym,
the forms of a person a bare surname is given to), and the evidence it shows is unchanged."""

from __future__ import annotations

import heapq
from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st
from newsgraph.linking.authority import load_authority
from newsgraph.linking.listing import Listing
from newsgraph.linking.mentions import MAX_EVIDENCE
from newsgraph.linking.people import person_shape
from newsgraph.linking.resolve import Corpus, resolve

from bench import corpus

FORMS = st.sampled_from(["PACE", "Kazakhstan", "Казахстан", "Tokayev", "Astana", "UN", "EU"])
LISTS = st.dictionaries(
    st.text("abcdef", min_size=1, max_size=3).map(lambda s: f"http://n.example/article/{s}"),
    st.lists(FORMS, unique=True, max_size=5).map(tuple),
    max_size=12,
)


def oracle(lists: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    """form → the articles listing it, in the lists' order: a set per form, as before."""
    found: dict[str, list[str]] = defaultdict(list)
    for article, forms in lists.items():
        for form in forms:
            found[form].append(article)
    return found


@given(LISTS, st.lists(st.lists(FORMS | st.just("Atlantis"), max_size=4), max_size=3))
@settings(max_examples=200, deadline=None)
def test_counts_and_articles_equal_a_set_per_form(lists, questions):
    listing, expected = Listing(lists), oracle(lists)
    assert list(listing) == list(expected), "every form, in the order the lists first name it"
    assert len(listing) == len(expected)
    assert {form: listing.count(form) for form in FORMS.elements} == {
        form: len(expected.get(form, ())) for form in FORMS.elements
    }
    for asked in questions:  # asked in pieces, some forms twice, some never listed
        found = listing.articles(asked)
        assert found == {form: tuple(expected[form]) for form in asked if form in expected}
    assert listing.count("Atlantis") == 0 and "Atlantis" not in listing


def test_forms_asked_again_are_not_looked_for_again():
    listing = Listing({"a": ("PACE", "UN"), "b": ("UN",)})
    listing.articles(["UN"])
    listing.articles(["UN"])
    assert listing.passes == 1
    listing.articles(["UN", "PACE"])
    assert listing.passes == 2, "the control: a form not asked before takes a pass"
    assert listing.articles(["PACE", "UN"]) == {"PACE": ("a",), "UN": ("a", "b")}


def test_resolution_asks_for_the_articles_of_few_forms_and_shows_the_same_evidence():
    records = list(corpus.generate(2000, seed=11))
    lists = {
        f"http://n.example/article/{r['slug']}": tuple(dict.fromkeys(r["entities"]))
        for r in records
    }
    # People whose surnames no one else bears, named in full in 3 to 24 of the stories, and
    # by surname alone in one story each.
    surnames = [a + b for a in ("Quill", "Thorn", "Brack", "Wend") for b in ("feather", "holm")]
    stories = sorted(lists)
    for number, surname in enumerate(surnames):
        person = f"Maria {surname}"
        assert person_shape(person)
        for story in stories[number :: 2000 // (3 + 3 * number)]:
            lists[story] += (person,)
        lists[f"http://n.example/article/bare-{number:02}"] = (surname,)
    resolution = resolve(Corpus(lists), load_authority(), find_in_text=False)
    listing = resolution.listing
    assert len(listing) > 1000
    assert listing.found < len(listing) / 5, "articles are found for a few forms, not every one"
    assert listing.passes <= 3
    # The surname links' evidence: the first articles, in order, of the forms of the person
    # a bare surname was given to, by a set per form (the independent count).
    expected = oracle(lists)
    given = 0
    for entity in resolution.entities.values():
        for (form, rule), evidence in entity.links.items():
            if rule != "surname":
                continue
            given += 1
            full = [f for f in entity.forms if f != form and " " in f]
            articles = {a for f in full for a in expected.get(f, ())}
            assert set(evidence) <= articles
            assert sorted(evidence) == heapq.nsmallest(len(evidence), articles)
            assert len(evidence) == min(MAX_EVIDENCE, len(articles))
    assert given == len(surnames), "each bare surname was given to its person"


LANGS = st.sampled_from(["en", "ru", "de", ""])


def languages_oracle(
    lists: dict[str, tuple[str, ...]], langs: dict[str, str]
) -> dict[str, set[str]]:
    """form → the languages of the articles listing it, every list read."""
    found: dict[str, set[str]] = defaultdict(set)
    for article, forms in lists.items():
        if langs.get(article):
            for form in forms:
                found[form].add(langs[article])
    return dict(found)


@given(LISTS, st.data())
@settings(max_examples=300, deadline=None)
def test_languages_equal_every_list_read(lists, data):
    # languages for some of the articles (and for articles with no list), empty ones among them
    articles = [*sorted(lists), "http://n.example/article/unlisted"]
    langs = {a: data.draw(LANGS) for a in articles if data.draw(st.booleans())}
    assert Listing(lists).languages(langs) == languages_oracle(lists, langs)


def test_languages_read_only_the_lists_outside_the_main_language():
    lists = {f"a{i}": ("Kazakhstan", "PACE") for i in range(50)} | {"r": ("Казахстан", "PACE")}
    langs = {f"a{i}": "en" for i in range(50)} | {"r": "ru"}
    read: list[str] = []

    class Counted(dict[str, tuple[str, ...]]):
        def __getitem__(self, article: str) -> tuple[str, ...]:
            read.append(article)
            return super().__getitem__(article)

    found = Listing(Counted(lists)).languages(langs)
    assert found == {"Kazakhstan": {"en"}, "PACE": {"en", "ru"}, "Казахстан": {"ru"}}
    assert set(read) == {"r"}, "the 50 English lists are not read again"
    # control: the oracle reads them all, and the answer does not depend on which is main
    assert languages_oracle(lists, langs) == found
    flipped = {a: "ru" if lang == "en" else "en" for a, lang in langs.items()}
    assert Listing(lists).languages(flipped) == languages_oracle(lists, flipped)


LANGUAGES = st.sampled_from(["en", "en", "de", "ru", ""])


@given(
    LISTS,
    st.dictionaries(
        st.sampled_from("abcdefgh"), st.lists(FORMS, unique=True, max_size=5), max_size=5
    ),
    st.dictionaries(st.sampled_from("abcdefgh"), LANGUAGES),
    st.lists(FORMS, max_size=3),
)
@settings(max_examples=200, deadline=None)
def test_an_advanced_listing_answers_as_one_built_from_scratch(lists, changes, langs, asked):
    """A listing advanced by the articles a batch changed (some new, some with another list or
    language) answers every question as one built over the new lists."""
    langs = {article: langs.get(article[-1], "en") for article in lists}
    listing = Listing(lists)
    listing.languages(langs)
    listing.articles(asked)  # some articles found before the batch
    before = {}
    new_lists, new_langs = dict(lists), dict(langs)
    for letter, forms in changes.items():
        article = f"http://n.example/article/{letter}"
        before[article] = (lists.get(article), langs.get(article, ""))
        new_lists[article] = tuple(forms)
        new_langs[article] = "de" if letter in "aeiou" else "en"
    listing.advance(new_lists, new_langs, before)
    scratch = Listing(dict(new_lists))
    assert set(listing) == set(scratch) and len(listing) == len(scratch)
    assert {f: listing.count(f) for f in FORMS.elements} == {
        f: scratch.count(f) for f in FORMS.elements
    }
    assert listing.languages(new_langs) == scratch.languages(dict(new_langs))
    every = list(FORMS.elements)
    found, expected = listing.articles(every), scratch.articles(every)
    assert {f: sorted(a) for f, a in found.items()} == {f: sorted(a) for f, a in expected.items()}


@given(
    LISTS,
    st.lists(
        st.dictionaries(
            st.sampled_from("abcdefgh"),
            st.lists(FORMS, unique=True, max_size=5) | st.none(),
            max_size=4,
        ),
        min_size=1,
        max_size=6,
    ),
    st.lists(st.lists(FORMS, max_size=3), min_size=6, max_size=6),
)
@settings(max_examples=200, deadline=None)
def test_a_stream_of_batches_reads_the_lists_once(lists, batches, asked):
    """Batch after batch (articles added, listed anew, or gone), an advanced listing answers
    each question as the oracle over that batch's lists does, and reads the lists once, at
    the first question after an advance, however many forms later batches ask about."""
    listing = Listing(dict(lists))
    listing.articles(["PACE"])  # a resolution from scratch asks about a form
    current = dict(lists)
    order = {form: list(articles) for form, articles in oracle(current).items()}
    passes = listing.passes
    for changes, questions in zip(batches, asked, strict=False):
        before = {}
        for letter, forms in changes.items():
            article = f"http://n.example/article/{letter}"
            before[article] = (current.get(article), "")
            for form in current.get(article, ()):
                order[form].remove(article)
            if forms is None:
                current.pop(article, None)
            else:
                current[article] = tuple(forms)
                for form in forms:
                    order.setdefault(form, []).append(article)
        listing.advance(current, {}, before)
        found = listing.articles(questions)
        assert all(len(set(articles)) == len(articles) for articles in found.values())
        assert {form: sorted(articles) for form, articles in found.items()} == {
            form: sorted(order[form]) for form in questions if order.get(form)
        }
    assert listing.passes <= passes + 1, "one pass, at the first question after an advance"
    control, seen, fresh = Listing(dict(current)), set(), 0
    for questions in asked:  # the control: a listing that never advanced reads the lists
        new = {form for form in questions if form in control} - seen  # for every new form
        fresh, seen = fresh + bool(new), seen | new
        control.articles(questions)
    assert control.passes == fresh


def test_an_advanced_listing_indexes_once_and_writes_no_index_down(tmp_path):
    """The index is memory only: a kept resolution read back makes it again when asked."""
    from newsgraph.linking import kept_resolution

    lists = {f"a{n}": ("UN",) if n < 8 else ("PACE",) for n in range(40)}
    records = list(corpus.generate(50, seed=5))
    lists.update({r["slug"]: tuple(dict.fromkeys(r["entities"])) for r in records})
    resolution = resolve(Corpus(lists, definitions={}), load_authority(), find_in_text=False)
    assert resolution.kept is not None
    listing = resolution.kept.listing
    listing.advance(lists, {}, {})
    assert listing.articles(["UN"]) == {"UN": tuple(f"a{n}" for n in range(8))}
    passes = listing.passes
    more = {**lists, **{f"a{n}": ("UN",) for n in range(8, 12)}}
    listing.advance(more, {}, {f"a{n}": (("PACE",), "") for n in range(8, 12)})
    assert listing.articles(["UN", "PACE"]) == {
        "UN": tuple(f"a{n}" for n in range(12)),
        "PACE": tuple(f"a{n}" for n in range(12, 40)),
    }
    assert listing.passes == passes, "answered from the index"
    path = tmp_path / "kept.bin"
    kept_resolution.write(path, "t", resolution.kept)
    read = kept_resolution.read(path, "t")
    assert read is not None and read.listing._index is None, "the index is not written down"
    read.listing.advance(more, {}, {})
    assert read.listing.articles(["UN"]) == {"UN": tuple(f"a{n}" for n in range(12))}
