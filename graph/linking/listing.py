"""Which articles' entity lists hold a form: counted for every form at once, found for the few
forms a rule asks about.

Name-level linking needs, of every distinct form, only how many articles list it; the articles
themselves are wanted for a few forms: an entry that defines an acronym, the forms of a person
a bare surname is given to, the forms whose entity a batch changed. A set per form would cost a
set insertion per mention (at a million articles, two seconds of every batch), so the counts
are one pass in C (:class:`collections.Counter`) and the articles are found for all the forms
asked about at once, in one pass over the lists (``tests/test_listing.py``). The languages of
each form are found the same way: the lists of the language most articles share are never read
again, only those of the other articles.

>>> listing = Listing({"a1": ("PACE", "Kazakhstan"), "a2": ("Kazakhstan",)})
>>> listing.count("Kazakhstan"), listing.count("Astana")
(2, 0)
>>> listing.articles(["Kazakhstan", "Astana"])
{'Kazakhstan': ('a1', 'a2')}

A batch changes the lists of a few articles. :meth:`Listing.advance` takes the new lists from
the articles that changed (with what they listed before): the counts and the languages are
brought up to date by those articles alone, never by reading every list again. A listing that
has advanced is one of a stream of batches, each asking about other forms (those whose entity a
batch moved): the first question after the first advance indexes every form's articles, in one
pass, and each advance after it brings the index up to date by its articles alone, so a batch
reads no list but its own (``tests/test_listing.py``: an advanced listing answers as one built
from scratch, and a stream of batches takes one pass). The index is kept in memory only
(:mod:`graph.linking.kept_resolution` leaves it out).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, compress, repeat
from operator import ne

__all__ = ["Before", "Listing"]

#: article → its list and its language before a batch (list None: the article was not there).
Before = Mapping[str, tuple[Sequence[str] | None, str]]


@dataclass
class _Tongues:
    """What :meth:`Listing.languages` counts: the language most articles share, how many lists
    of the other articles hold each form, and the other languages' lists that hold it."""

    major: str
    elsewhere: Counter[str]
    others: dict[str, Counter[str]] = field(default_factory=dict)

    def take(self, forms: Sequence[str], lang: str, sign: int) -> None:
        """Count (``sign`` 1) or uncount (-1) one article's list in language ``lang``."""
        if lang == self.major:
            return
        _add(self.elsewhere, forms, sign)
        if lang:
            others = self.others
            for form in forms:
                counted = others.setdefault(form, Counter())
                counted[lang] += sign
                if not counted[lang]:
                    del counted[lang]
                    if not counted:
                        del others[form]


def _add(counts: Counter[str], forms: Sequence[str], sign: int) -> None:
    """Add ``sign`` to each form's count, forgetting forms no list holds any more."""
    for form in forms:
        count = counts[form] + sign
        if count:
            counts[form] = count
        else:
            del counts[form]


class Listing:
    """form → the articles whose entity lists hold it, over ``lists`` (article → its list,
    each form once; :class:`graph.linking.evidence.Evidence` gives them so)."""

    def __init__(self, lists: Mapping[str, Sequence[str]]) -> None:
        self.lists = lists
        self._counts: Counter[str] = Counter(chain.from_iterable(lists.values()))
        #: form → the articles found to list it, for the forms asked about (a listing that
        #: never advanced: one resolution from scratch).
        self._found: dict[str, dict[str, None]] = {}
        #: form → every article listing it (in the lists' order, then in the order articles
        #: were listed anew): made by the first question after an advance, then advanced.
        self._index: dict[str, list[str]] | None = None
        self._advanced = False
        self._tongues: _Tongues | None = None
        self._langs: Mapping[str, str] | None = None
        #: How many passes over the lists :meth:`articles` made.
        self.passes = 0

    def __iter__(self) -> Iterator[str]:
        """Every form, in the order the lists first name them (for an advanced listing: in
        the order they were first counted)."""
        return iter(self._counts)

    def __len__(self) -> int:
        return len(self._counts)

    def __contains__(self, form: object) -> bool:
        return form in self._counts

    @property
    def found(self) -> int:
        """How many forms' articles are at hand (every form's, once indexed)."""
        return len(self._found) if self._index is None else len(self._index)

    def count(self, form: str) -> int:
        """How many lists hold ``form``."""
        return self._counts.get(form, 0)

    def articles(self, forms: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """form → the articles whose lists hold it (in the lists' order; an advanced listing's
        new ones last), for each of ``forms`` some list holds; one pass over the lists for
        those not asked before (an advanced listing: none once indexed)."""
        wanted = [form for form in dict.fromkeys(forms) if form in self._counts]
        if self._advanced:
            index = self._index
            if index is None:
                index = self._index = self._indexed()
            return {form: tuple(index[form]) for form in wanted}
        found: dict[str, dict[str, None]] = {form: {} for form in wanted if form not in self._found}
        if found:
            self.passes += 1
            isdisjoint = found.keys().isdisjoint
            for article, listed in self.lists.items():
                if not isdisjoint(listed):
                    for form in listed:
                        if form in found:
                            found[form][article] = None
            self._found.update(found)
        return {form: tuple(self._found[form]) for form in wanted}

    def advance(self, lists: Mapping[str, Sequence[str]], langs: Mapping[str, str],
                before: Before) -> None:  # fmt: skip
        """Become the listing of ``lists`` (and ``langs``), where only the articles of
        ``before`` list (or speak) otherwise than in this listing's: the work grows with
        them, not with the lists."""
        counts, index, tongues = self._counts, self._index, self._tongues
        for article, (listed, lang) in before.items():
            now = lists.get(article)
            if listed is not None:
                _add(counts, listed, -1)
                if index is not None:
                    for form in listed:
                        held = index[form]
                        held.remove(article)
                        if not held:
                            del index[form]
                if tongues is not None:
                    tongues.take(listed, lang, -1)
            if now is not None:
                _add(counts, now, 1)
                if index is not None:
                    for form in now:
                        index.setdefault(form, []).append(article)
                if tongues is not None:
                    tongues.take(now, langs.get(article, ""), 1)
        self._found.clear()  # what a resolution from scratch asked about: the index answers now
        self._advanced = True
        self.lists = lists
        self._langs = langs

    def _indexed(self) -> dict[str, list[str]]:
        """form → every article whose list holds it, in the lists' order (one pass)."""
        self.passes += 1
        index: dict[str, list[str]] = {}
        for article, listed in self.lists.items():
            for form in listed:
                held = index.get(form)
                if held is None:
                    index[form] = [article]
                else:
                    held.append(article)
        return index

    def languages(
        self, langs: Mapping[str, str], forms: Iterable[str] | None = None
    ) -> dict[str, set[str]]:
        """form → the languages of the articles whose lists hold it (``langs``: article → its
        language; an article without one adds none), for every form some such article lists
        (or for those of ``forms``).

        A form is in the language most articles share exactly when more lists hold it than the
        lists of the other articles, so only those are read (at a million articles of one
        language: none, instead of every list). What is counted is kept, for :meth:`advance`."""
        tongues = self._tongues
        if tongues is None or langs is not self._langs:
            tongues = self._tongues = self._count_tongues(langs)
            self._langs = langs
        if tongues is None:
            return {}
        elsewhere, major, others, counts = tongues.elsewhere, tongues.major, tongues.others, self._counts  # fmt: skip
        found: dict[str, set[str]] = defaultdict(set)
        if forms is None:
            for form, counted in others.items():
                found[form].update(counted)
            for form, count in counts.items():
                if count > elsewhere.get(form, 0):
                    found[form].add(major)
            return dict(found)
        for form in forms:
            if form in others:
                found[form].update(others[form])
            if counts.get(form, 0) > elsewhere.get(form, 0):
                found[form].add(major)
        return dict(found)

    def _count_tongues(self, langs: Mapping[str, str]) -> _Tongues | None:
        lists = self.lists
        if not lists or not langs:
            return None
        named = Counter(langs.values())  # any language would do: the most common reads least
        major = max((lang for lang in named if lang), key=lambda lang: (named[lang], lang),
                    default=None)  # fmt: skip
        if major is None:
            return None
        others = list(compress(lists, map(ne, repeat(major), map(langs.get, lists))))
        tongues = _Tongues(major, Counter(chain.from_iterable(map(lists.__getitem__, others))))
        kept = tongues.others
        for article in others:
            lang = langs.get(article)
            if lang:
                for form in lists[article]:
                    kept.setdefault(form, Counter())[lang] += 1
        return tongues
