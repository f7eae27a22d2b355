"""A resolution that starts from what the last one kept (``graph/linking/resolve.py``,
:class:`~graph.linking.resolve.Since`) answers exactly as one from scratch, and looks at the
lists of the articles a batch changed, not at every list.

The oracle is :func:`resolve` over the whole corpus after each batch; batches bring new
articles and change the lists and languages of earlier ones, over lists that exercise every
rule that reads more than one list: acronyms beside their expansions, short forms beside the
long name, bare surnames, titled forms, names in other languages."""

from __future__ import annotations

import os
import pickle
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newsgraph.linking import journal, kept_resolution
from newsgraph.linking.authority import load_authority
from newsgraph.linking.listing import Before
from newsgraph.linking.memo import KeyIndex, affected
from newsgraph.linking.resolve import Corpus, Resolution, Since, resolve

from bench import corpus

ARTICLE = "http://n.example/article/"
#: Lists whose rules read other lists: what a later batch may change for earlier articles.
CRAFTED = [
    ("ZPQ", "Zentral Pharma Quality"), ("ZPQ", "Kazakhstan"), ("ABC", "Alpha Beta Corporation"),
    ("ABC", "Arab Banking Council"), ("ABC",), ("Paxar Corp", "Paxar"), ("Paxar", "Astana"),
    ("James Ottinger", "Ottinger"), ("Ottinger",), ("Leonardo Brito", "Kassym-Jomart Tokayev"),
    ("Brito", "President Tokayev"), ("Maria Brito", "Astana"), ("Tokayev",),
    ("Казахстан", "Токаев"), ("Kasachstan", "Europarat"), ("Council of Europe", "PACE"),
    ("British Petroleum (BP)", "BP"), ("Venice Commission", "Venice"), ("Lee Rainie", "Lee"),
    ("Bill Lee",), ("Lee",), ("ZH",), ("Zeta Holdings", "Astana"),
]  # fmt: skip
LANGS = ["en", "en", "en", "de", "ru", ""]
#: Texts of some lists: acronyms they define (a form its entity holds without a mention).
TEXTS = {
    ("ZPQ", "Kazakhstan"): "The Zentral Pharma Quality (ZPQ) inspectors came.",
    ("Paxar", "Astana"): "Analysts at Zeta Holdings (ZH) said so.",
    ("ABC",): "Arab Banking Council (ABC) met.",
    ("ZT",): "Zuma Trading (ZT) grew.",
}


def _pool() -> list[tuple[str, ...]]:
    generated = [tuple(dict.fromkeys(r["entities"])) for r in corpus.generate(150, seed=7)]
    return CRAFTED + generated


POOL = _pool()


def _equal(made: Resolution, scratch: Resolution, langs: dict[str, str]) -> None:
    assert made.entities == scratch.entities
    forms = {key: sorted(entity.forms.items()) for key, entity in scratch.entities.items()}
    assert {key: sorted(entity.forms.items()) for key, entity in made.entities.items()} == forms
    assert made.tables == scratch.tables
    assert made.mentions == scratch.mentions
    assert made.assigned == scratch.assigned
    assert set(made.listing) == set(scratch.listing)
    assert {f: made.listing.count(f) for f in scratch.listing} == {
        f: scratch.listing.count(f) for f in scratch.listing
    }
    assert made.listing.languages(langs) == scratch.listing.languages(dict(langs))


class Trickle:
    """A corpus fed batch by batch, resolved from what the last resolution kept; with
    ``through``, a file the kept parts are written to and read back from between batches (as
    by one-off runs, :mod:`graph.linking.kept_resolution`)."""

    def __init__(self, through: Path | None = None) -> None:
        self.lists: dict[str, tuple[str, ...]] = {}
        self.langs: dict[str, str] = {}
        self.last: Resolution | None = None
        self.authority = load_authority()
        self.through = through

    def corpus(self) -> Corpus:
        return Corpus(self.lists, texts=self.texts(), langs=self.langs)

    def texts(self) -> dict[str, str]:
        return {article: TEXTS[listed] for article, listed in self.lists.items() if listed in TEXTS}

    def batch(
        self, changes: dict[str, tuple[tuple[str, ...], str]], *, told: bool = True
    ) -> Resolution:
        """Apply ``changes`` (article → list, language); ``told`` False hides them from
        the kept resolution (the control)."""
        before: dict[str, Any] = {}
        for article, (listed, lang) in changes.items():
            before[article] = (self.lists.get(article), self.langs.get(article, ""))
            self.lists[article] = listed
            if lang:
                self.langs[article] = lang
            else:
                self.langs.pop(article, None)
        kept = self.last.kept if self.last is not None else None
        if kept is not None and self.through is not None:
            kept_resolution.write(self.through, "tag", kept)
            kept = kept_resolution.read(self.through, "tag")
            assert kept is not None, "the parts written are read back"
        told_before: Before = before if told else {}
        since = Since(kept, told_before) if kept is not None else None
        self.last = resolve(self.corpus(), self.authority, since=since)
        return self.last

    def scratch(self) -> Resolution:
        corpus = Corpus(dict(self.lists), texts=self.texts(), langs=dict(self.langs))
        return resolve(corpus, self.authority)


BATCHES = st.lists(
    st.lists(
        st.tuples(st.integers(0, 60), st.integers(0, len(POOL) - 1), st.sampled_from(LANGS)),
        min_size=1, max_size=8,
    ),
    min_size=1, max_size=6,
)  # fmt: skip


@given(st.integers(0, len(POOL) - 1), BATCHES, st.booleans())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_resolution_from_what_the_last_kept_equals_one_from_scratch(
    tmp_path_factory, start, batches, through_file
):
    """In one process, or from the parts the last process wrote down."""
    through = tmp_path_factory.mktemp("kept") / "kept-resolution.bin" if through_file else None
    trickle = Trickle(through)
    first = {f"{ARTICLE}{n:03}": (POOL[(start + n) % len(POOL)], "en") for n in range(40)}
    last = trickle.batch(first)
    for batch in batches:
        changes = {f"{ARTICLE}{slot:03}": (POOL[choice], lang) for slot, choice, lang in batch}
        made = trickle.batch(changes)
        _equal(made, trickle.scratch(), trickle.langs)
        _within_changes(last, made, through_file)
        last = made


def _within_changes(last: Resolution, made: Resolution, through_file: bool) -> None:
    """The tables differ from the last resolution's only where ``made.changes`` says (in one
    process; from parts read back, it says nothing: every entry is compared)."""
    if through_file:
        assert made.changes is None
        return
    assert made.changes is not None and made.changes.follows is last.token
    (old_default, old_story, old_index) = last.tables
    (new_default, new_story, new_index) = made.tables
    moved = {f for f in old_default.keys() | new_default.keys()
             if old_default.get(f) != new_default.get(f)}  # fmt: skip
    if made.changes.default is not None:
        assert moved <= set(made.changes.default)
    moved_keys = {
        k for k in old_index.keys() | new_index.keys() if old_index.get(k) != new_index.get(k)
    }
    if made.changes.index is not None:
        assert moved_keys <= set(made.changes.index)
    moved_story = {
        e for e in old_story.keys() | new_story.keys() if old_story.get(e) != new_story.get(e)
    }
    if made.changes.exceptions is not None:
        assert moved_story <= set(made.changes.exceptions)


def test_a_batch_looks_at_its_own_lists_not_every_list():
    trickle = Trickle()
    rng = random.Random(3)
    trickle.batch({f"{ARTICLE}{n:04}": (rng.choice(POOL), "en") for n in range(1500)})
    assert trickle.last is not None and trickle.last.kept is not None
    assert trickle.last.kept.short_forms.looked_at == 1500
    passes = trickle.last.listing.passes
    made = trickle.batch({f"{ARTICLE}new-{n}": (rng.choice(POOL[30:]), "en") for n in range(5)})
    assert made.kept is not None
    assert made.kept.short_forms.looked_at < 100, "the batch's own and those its forms moved"
    assert made.listing.passes <= passes + 1
    _equal(made, trickle.scratch(), trickle.langs)
    passes = made.listing.passes
    fresh = trickle.batch({f"{ARTICLE}fresh": (("Zyxwv Quorum", "Qwert Holdings"), "en")})
    assert fresh.listing.passes == passes, "names new to the corpus: no list read"
    _equal(fresh, trickle.scratch(), trickle.langs)


def test_control_a_kept_resolution_not_told_of_a_change_answers_otherwise():
    """The oracle can fail: a kept resolution that is not told an article's list changed
    counts its old forms."""
    trickle = Trickle()
    trickle.batch({f"{ARTICLE}{n:03}": (POOL[n], "en") for n in range(60)})
    changed = {f"{ARTICLE}000": (("Zentral Pharma Quality", "Astana"), "de")}
    made = trickle.batch(changed, told=False)
    scratch = trickle.scratch()
    assert made.entities != scratch.entities or made.tables != scratch.tables


def test_a_batch_drafts_again_only_the_entities_it_changes():
    trickle = Trickle()
    rng = random.Random(5)
    trickle.batch({f"{ARTICLE}{n:04}": (rng.choice(POOL), "en") for n in range(800)})
    first = trickle.last
    assert first is not None and first.kept is not None
    assert first.kept.drafts.drafted == len(first.entities)
    made = trickle.batch({f"{ARTICLE}new": (("Astana", "Paxar Corp"), "en")})
    assert made.kept is not None
    assert 0 < made.kept.drafts.drafted <= 4, "the entities whose mentions the batch counts"
    _equal(made, trickle.scratch(), trickle.langs)


def _zh_links(resolution: Resolution) -> dict[tuple[str, str], set[str]]:
    (entity,) = [e for e in resolution.entities.values() if "Zeta Holdings" in e.forms]
    return entity.links


@pytest.mark.parametrize("listed", [True, False])
def test_a_text_defining_a_name_redrafts_the_entity_listed_in_other_stories(listed):
    """A story whose text defines "ZH" as Zeta Holdings, and whose list names neither, adds
    itself to the evidence of the acronym's link: the entity of Zeta Holdings, listed by
    other stories only, is drafted again (``graph/linking/changed.py``: the name-level facts
    that changed; and, where no list names "ZH", the forms a text defines for a cluster)."""
    trickle = Trickle()
    stories = {f"{ARTICLE}zeta": (("Zeta Holdings", "Astana"), "en"),
               f"{ARTICLE}paxar": (("Paxar", "Astana"), "en")}  # fmt: skip
    if listed:
        stories[f"{ARTICLE}zh"] = (("ZH",), "en")
    first = _zh_links(trickle.batch(stories))
    made = trickle.batch({f"{ARTICLE}paxar-2": (("Paxar", "Astana"), "en")})
    assert _zh_links(made) != first, "the control: the batch changes the entity"
    _equal(made, trickle.scratch(), trickle.langs)


def test_a_story_rule_that_follows_a_cluster_elsewhere_redrafts_its_entity():
    """ "Zuma" beside "Zuma Trading" means Zuma Trading in that story; when a later story
    defines ZT for Zuma Trading, the cluster's root becomes ZT's, and the story's mention of
    "Zuma" moves with it, though neither its list nor its form's own cluster changed."""
    trickle = Trickle()
    first = trickle.batch({f"{ARTICLE}zuma": (("Zuma Trading", "Zuma"), "en"),
                           f"{ARTICLE}bare": (("Zuma",), "en")})  # fmt: skip
    made = trickle.batch({f"{ARTICLE}zt": (("ZT",), "en")})
    pair = (f"{ARTICLE}zuma", "Zuma")
    assert first._assignment.exceptions[pair][0] != made._assignment.exceptions[pair][0], (
        "the control: the story's rule now points at another root"
    )
    _equal(made, trickle.scratch(), trickle.langs)


def test_a_longer_name_new_to_the_store_makes_an_older_form_a_short_form():
    """ "Ottinger", alone in the store, shortens nothing; a batch that brings "James Ottinger"
    beside it gives the older form a longer one (the forms' runs of words are brought up to
    date by the forms a batch adds: ``graph/linking/mentions.py``, ``Prefixes``)."""
    trickle = Trickle()
    trickle.batch({f"{ARTICLE}bare": (("Ottinger",), "en"), f"{ARTICLE}x": (("Astana",), "en")})
    made = trickle.batch({f"{ARTICLE}full": (("James Ottinger", "Ottinger"), "en")})
    assert (f"{ARTICLE}full", "Ottinger") in made._assignment.exceptions  # the control
    _equal(made, trickle.scratch(), trickle.langs)


def test_a_name_that_wants_a_numbered_key_moves_the_cluster_numbered_with_it():
    """ "Øresund" and "Resund" want ``resund``: one has it, the other ``resund-2``, until a
    batch brings "Resund 2", which wants ``resund-2`` as its own; the other moves to
    ``resund-3`` though the batch drafted neither (``graph/linking/keys.py``)."""
    trickle = Trickle()
    first = trickle.batch({f"{ARTICLE}o": (("Øresund",), "en"), f"{ARTICLE}r": (("Resund",), "en")})
    assert sorted(first.entities) == ["resund", "resund-2"]
    made = trickle.batch({f"{ARTICLE}r2": (("Resund 2",), "en")})
    assert sorted(made.entities) == ["resund", "resund-2", "resund-3"]  # the control
    _equal(made, trickle.scratch(), trickle.langs)
    again = trickle.batch({f"{ARTICLE}r2": (("Astana",), "en")})  # and back
    assert sorted(again.entities) == ["astana", "resund", "resund-2"]
    _equal(again, trickle.scratch(), trickle.langs)


def test_the_articles_of_forms_new_to_the_store_are_not_looked_for(tmp_path):
    """A batch's new forms are listed by the batch's articles alone: ``affected`` does not read
    every list for them. The control: a batch that gives an older form another entity (a
    second Brito makes the bare surname no one's) finds the older articles that list it."""
    trickle = Trickle()
    stories = {f"{ARTICLE}{n:03}": (POOL[30 + n], "en") for n in range(100)}
    stories[f"{ARTICLE}leonardo"] = (("Leonardo Brito", "Astana"), "en")
    stories[f"{ARTICLE}bare"] = (("Brito",), "en")
    first = trickle.batch(stories)
    keys = KeyIndex(tmp_path)
    made = trickle.batch({f"{ARTICLE}new": (("Zyxwv Quorum Holdings", "Astana"), "en")})
    passes = made.listing.passes
    assert affected(first.tables, made.tables, trickle.lists, keys, made.listing) == set()
    assert made.listing.passes == passes, "no list was read"
    brito = trickle.batch({f"{ARTICLE}maria": (("Maria Brito",), "en")})
    found = affected(made.tables, brito.tables, trickle.lists, keys, brito.listing)
    assert f"{ARTICLE}bare" in found
    assert brito.changes is not None and "Brito" in (brito.changes.default or ())
    near = affected(made.tables, brito.tables, trickle.lists, keys, brito.listing, brito.changes)
    assert near == found, "compared where the changes say: the same articles"


def test_a_batch_names_the_few_table_entries_it_may_change():
    """A one-article batch into an 800-article corpus names a few forms of the default table,
    a few story-level exceptions and a few keys of the index as changed, not every entry (what
    ``affected`` and the drafts' comparison then look at); the control: a resolution from
    scratch names none."""
    trickle = Trickle()
    rng = random.Random(9)
    first = trickle.batch({f"{ARTICLE}{n:04}": (rng.choice(POOL), "en") for n in range(800)})
    assert first.changes is None, "the control: from scratch, anywhere"
    made = trickle.batch({f"{ARTICLE}new": (("Astana", "Paxar Corp"), "en")})
    assert made.changes is not None and made.changes.follows is first.token
    default, index = made.changes.default, made.changes.index
    assert default is not None and index is not None
    assert 0 < len(default) <= 10 < len(made.tables[0]), sorted(default)
    assert 0 < len(index) <= 10 < len(made.tables[2]), sorted(index)
    assert made._assignment.moved is not None and len(made._assignment.moved) <= 10
    assert first._assignment.exceptions_moved is None, "the control: a table made whole"
    moved = made._assignment.exceptions_moved
    assert moved is not None and len(moved) <= 10 < len(made._assignment.exceptions)
    exceptions = made.changes.exceptions
    assert exceptions is not None and len(exceptions) <= 10
    _equal(made, trickle.scratch(), trickle.langs)


def test_a_name_only_a_text_defines_is_part_of_what_a_draft_is_compared_on():
    """An acronym a text defines joins its entity's names with no mention (counted 0); when
    the text no longer defines it, the entity is drafted again (a ``Counter`` compares a form
    counted 0 as absent: the control, the same resolution from scratch, differs)."""
    authority = load_authority()
    article = f"{ARTICLE}zpq"
    lists = {article: ("Zentral Pharma Quality",), f"{ARTICLE}other": ("Astana",)}
    defined = resolve(
        Corpus(lists, texts={article: "The Zentral Pharma Quality (ZPQ) audit."}), authority
    )
    assert defined.kept is not None
    names = {key: set(entity.forms) for key, entity in defined.entities.items()}
    assert "ZPQ" in names["zentral-pharma-quality"]
    plain = {article: "The Zentral Pharma Quality audit."}
    since = Since(defined.kept, {article: (lists[article], "")})
    made = resolve(Corpus(lists, texts=plain), authority, since=since)
    scratch = resolve(Corpus(dict(lists), texts=plain), authority)
    assert "ZPQ" not in scratch.entities["zentral-pharma-quality"].forms
    _equal(made, scratch, {})


def test_kept_parts_are_read_back_only_under_their_tag_and_whole(tmp_path):
    """A file of another tag, cut short, damaged, or holding a class that is no part of a
    kept resolution is refused (the pass resolves from scratch); the control: the same file
    whole, under its tag, is read."""
    trickle = Trickle()
    made = trickle.batch({f"{ARTICLE}{n:03}": (POOL[n], "en") for n in range(len(POOL))})
    assert made.kept is not None
    path = tmp_path / "kept-resolution.bin"
    kept_resolution.write(path, "tag-1", made.kept)
    read = kept_resolution.read(path, "tag-1")
    assert read is not None and read.drafts.made == made.kept.drafts.made
    assert kept_resolution.read(path, "tag-2") is None
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 10])
    assert kept_resolution.read(path, "tag-1") is None
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(damaged))
    assert kept_resolution.read(path, "tag-1") is None
    ran = tmp_path / "ran"
    hostile = pickle.dumps([made.kept, _Hostile(ran)], protocol=pickle.HIGHEST_PROTOCOL)
    path.write_bytes(journal.record((kept_resolution.FORMAT, "tag-1")) + journal.record(hostile))
    assert kept_resolution.read(path, "tag-1") is None
    assert not ran.exists(), "nothing but the parts' classes is built"
    pickle.loads(hostile)  # the control: a plain unpickler runs the command
    assert ran.exists()
    assert kept_resolution.read(tmp_path / "absent.bin", "tag-1") is None


def test_a_writer_killed_part_way_leaves_nothing_behind_the_next(tmp_path):
    """A writer killed while writing leaves its own partial file; the next write removes it,
    and leaves that of a writer still running (the control: this process's parent)."""
    trickle = Trickle()
    made = trickle.batch({f"{ARTICLE}{n:03}": (POOL[n], "en") for n in range(30)})
    assert made.kept is not None
    path = tmp_path / "kept-resolution.bin"
    killed = subprocess.Popen([sys.executable, "-c", "pass"])
    killed.wait()
    dead = tmp_path / f"kept-resolution.bin.{killed.pid}.partial"
    running = tmp_path / f"kept-resolution.bin.{os.getppid()}.partial"
    for partial in (dead, running):
        partial.write_bytes(b"cut short")
    kept_resolution.write(path, "tag", made.kept)
    assert not dead.exists() and running.exists()
    assert kept_resolution.read(path, "tag") is not None
    kept_resolution.forget(path)
    assert not running.exists() and not path.exists()


class _Hostile:
    """Unpickled by a plain unpickler, it creates ``path`` (a command run)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (os.system, (f"touch '{self.path}'",))


def test_the_listing_written_down_leaves_the_corpus_out(tmp_path):
    """The lists and languages are the corpus's (read from ``inputs.bin``): the parts hold
    neither, and the next resolution hands them back (the oracle above checks the answers)."""
    trickle = Trickle()
    made = trickle.batch({f"{ARTICLE}{n:04}": (POOL[n % len(POOL)], "de") for n in range(3000)})
    assert made.kept is not None
    path = tmp_path / "kept-resolution.bin"
    kept_resolution.write(path, "tag", made.kept)
    lists = len(pickle.dumps(made.kept.listing.lists))
    assert path.stat().st_size < lists, "the 3,000 lists are not in the file"
    read = kept_resolution.read(path, "tag")
    assert read is not None and read.listing.lists == {}


def test_a_bare_surname_follows_its_bearers_batch_by_batch():
    """ "Brito" alone means Leonardo Brito, the one Brito of the store, with his first articles
    as evidence (``graph/linking/surnames.py``): a later story of his is evidence too; a
    second Brito takes the bare name away, and so does a person whose first name is Brito;
    each time as a resolution from scratch. The controls: each batch changes the link."""
    trickle = Trickle()
    bare = f"{ARTICLE}bare"
    first = trickle.batch({f"{ARTICLE}leonardo": (("Leonardo Brito", "Astana"), "en"),
                           bare: (("Brito",), "en")})  # fmt: skip
    link = first._assignment.default["Brito"]
    assert link[1] == "surname"
    again = trickle.batch({f"{ARTICLE}leonardo-2": (("Leonardo Brito",), "en")})
    assert again._assignment.default["Brito"][2] == link[2] | {f"{ARTICLE}leonardo-2"}
    _equal(again, trickle.scratch(), trickle.langs)
    second = trickle.batch({f"{ARTICLE}maria": (("Maria Brito",), "en")})
    assert second._assignment.default["Brito"][1] != "surname"
    _equal(second, trickle.scratch(), trickle.langs)
    gone = trickle.batch({f"{ARTICLE}maria": (("Astana",), "en")})
    assert gone._assignment.default["Brito"][1] == "surname"
    _equal(gone, trickle.scratch(), trickle.langs)
    named = trickle.batch({f"{ARTICLE}first": (("Brito Lopez",), "en")})
    assert named._assignment.default["Brito"][1] != "surname"
    _equal(named, trickle.scratch(), trickle.langs)
