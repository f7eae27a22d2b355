"""The story-level exceptions: (article, form) → the link a story-level rule gives that mention
(:mod:`graph.linking.mentions`), with the forms each article has one for and the articles
each form has one in.

A batch sets again the exceptions of the articles it looks at (those it changed, those whose
short-form links were made again, those whose story-level acronyms moved) and leaves the
others; :meth:`StoryLinks.put` names the entries that changed, so that what reads the table
after (the drafts' comparison, the entities' keys) looks there alone.
``tests/test_resolve_since.py`` and ``tests/test_defined.py`` hold the table to one made from
scratch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from newsgraph.linking.surnames import Link

__all__ = ["StoryLinks"]


@dataclass
class StoryLinks:
    """The exceptions, changed in place article by article."""

    table: dict[tuple[str, str], Link] = field(default_factory=dict)
    #: article → the forms it has an exception for.
    of_article: dict[str, set[str]] = field(default_factory=dict)
    #: form → the articles it has an exception in.
    of_form: dict[str, set[str]] = field(default_factory=dict)

    def put(self, article: str, found: Mapping[str, Link]) -> list[tuple[str, str]]:
        """Make ``found`` (form → link) the article's exceptions; the (article, form) entries
        that changed."""
        changed: list[tuple[str, str]] = []
        old = self.of_article.pop(article, set())
        for form in old - found.keys():
            del self.table[(article, form)]
            changed.append((article, form))
            articles = self.of_form[form]
            articles.discard(article)
            if not articles:
                del self.of_form[form]
        for form, link in found.items():
            entry = (article, form)
            if self.table.get(entry) != link:
                self.table[entry] = link
                changed.append(entry)
            if form not in old:
                self.of_form.setdefault(form, set()).add(article)
        if found:
            self.of_article[article] = set(found)
        return changed
