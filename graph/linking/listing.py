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
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain, compress, repeat
from operator import ne

__all__ = ["Listing"]


class Listing:
    """form → the articles whose entity lists hold it, over ``lists`` (article → its list,
    each form once; :class:`graph.linking.evidence.Evidence` gives them so)."""

    def __init__(self, lists: Mapping[str, Sequence[str]]) -> None:
        self.lists = lists
        self._counts: Counter[str] = Counter(chain.from_iterable(lists.values()))
        self._found: dict[str, tuple[str, ...]] = {}
        #: How many passes over the lists :meth:`articles` made.
        self.passes = 0

    def __iter__(self) -> Iterator[str]:
        """Every form, in the order the lists first name them."""
        return iter(self._counts)

    def __len__(self) -> int:
        return len(self._counts)

    def __contains__(self, form: object) -> bool:
        return form in self._counts

    @property
    def found(self) -> int:
        """How many forms' articles were asked for (and found) so far."""
        return len(self._found)

    def count(self, form: str) -> int:
        """How many lists hold ``form``."""
        return self._counts.get(form, 0)

    def articles(self, forms: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """form → the articles whose lists hold it (in the lists' order), for each of
        ``forms`` some list holds; one pass over the lists for those not asked before."""
        wanted = [form for form in dict.fromkeys(forms) if form in self._counts]
        found: dict[str, list[str]] = {form: [] for form in wanted if form not in self._found}
        if found:
            self.passes += 1
            isdisjoint = found.keys().isdisjoint
            for article, listed in self.lists.items():
                if not isdisjoint(listed):
                    for form in listed:
                        if form in found:
                            found[form].append(article)
            self._found.update((form, tuple(articles)) for form, articles in found.items())
        return {form: self._found[form] for form in wanted}

    def languages(self, langs: Mapping[str, str]) -> dict[str, set[str]]:
        """form → the languages of the articles whose lists hold it (``langs``: article → its
        language; an article without one adds none), for every form some such article lists.

        A form is in the language most articles share exactly when more lists hold it than the
        lists of the other articles, so only those are read (at a million articles of one
        language: none, instead of every list)."""
        lists = self.lists
        if not lists or not langs:
            return {}
        named = Counter(langs.values())  # any language would do: the most common reads least
        major = max((lang for lang in named if lang), key=lambda lang: (named[lang], lang),
                    default=None)  # fmt: skip
        if major is None:
            return {}
        others = list(compress(lists, map(ne, repeat(major), map(langs.get, lists))))
        found: dict[str, set[str]] = defaultdict(set)
        for article in others:
            lang = langs.get(article)
            if lang:
                for form in lists[article]:
                    found[form].add(lang)
        elsewhere = Counter(chain.from_iterable(map(lists.__getitem__, others)))
        for form, count in self._counts.items():
            if count > elsewhere.get(form, 0):
                found[form].add(major)
        return dict(found)
