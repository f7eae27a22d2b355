"""The search syntax, read into a small tree: the same for the command, ``/api/search`` and
``ng:matches``.

* words are ANDed: ``crude oil`` finds articles with both;
* ``OR`` between two items finds either (it binds tighter than the implicit AND: ``oil OR gas
  prices`` is ``(oil OR gas) AND prices``);
* ``NOT item`` excludes the articles the item finds;
* ``"oil price"`` is a phrase: the words next to each other, in that order;
* ``refer*`` is a prefix: any word that starts with ``refer``.

Operators are in capitals, as most engines read them; ``or`` and ``not`` are words. A query is
a list of clauses (ANDed); a clause is a list of items (ORed), each perhaps negated.

>>> parse('crude oil')
Query(clauses=((Item(Word('crude')),), (Item(Word('oil')),)))
>>> parse('"oil price" OR refer* NOT Iran')
Query(clauses=((Item(Phrase(('oil', 'price'))), Item(Prefix('refer'))), (Item(Word('Iran'), negated=True),)))

Enforced by ``tests/test_search_syntax.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsgraph.errors import QueryError
from newsgraph.search.analysis import words

__all__ = ["Item", "Phrase", "Prefix", "Query", "Word", "parse"]

_LEXEMES = re.compile(r'"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+)')


@dataclass(frozen=True)
class Word:
    text: str

    def __repr__(self) -> str:
        return f"Word({self.text!r})"


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]

    def __repr__(self) -> str:
        return f"Phrase({self.words!r})"


@dataclass(frozen=True)
class Prefix:
    text: str

    def __repr__(self) -> str:
        return f"Prefix({self.text!r})"


Atom = Word | Phrase | Prefix


@dataclass(frozen=True)
class Item:
    atom: Atom
    negated: bool = False

    def __repr__(self) -> str:
        return f"Item({self.atom!r}{', negated=True' if self.negated else ''})"


@dataclass(frozen=True)
class Query:
    clauses: tuple[tuple[Item, ...], ...]

    @property
    def positive(self) -> bool:
        """Whether some clause finds articles (a query of exclusions only finds every other)."""
        return any(not item.negated for clause in self.clauses for item in clause)


def parse(text: str) -> Query:
    """Read a search; a :class:`~newsgraph.errors.QueryError` names what is wrong.

    >>> parse('NOT')
    Traceback (most recent call last):
    ...
    newsgraph.errors.QueryError: search 'NOT': NOT must be followed by a word, a phrase or a prefix
    """
    clauses: list[list[Item]] = []
    pending_or = False
    negate = False
    for match in _LEXEMES.finditer(text):
        if match.group("word") in ("OR", "NOT"):
            operator = match.group("word")
            if operator == "NOT":
                if negate:
                    raise QueryError(f"search {text!r}: NOT NOT")
                negate = True
                continue
            if negate or not clauses or pending_or:
                raise QueryError(f"search {text!r}: OR must stand between two items")
            pending_or = True
            continue
        atom = _atom(match, text)
        if atom is None:
            continue
        item = Item(atom, negate)
        if pending_or:
            if item.negated or any(other.negated for other in clauses[-1]):
                raise QueryError(f"search {text!r}: NOT cannot stand inside an OR")
            clauses[-1].append(item)
        else:
            clauses.append([item])
        pending_or = negate = False
    if negate:
        raise QueryError(f"search {text!r}: NOT must be followed by a word, a phrase or a prefix")
    if pending_or:
        raise QueryError(f"search {text!r}: OR must stand between two items")
    if not clauses:
        raise QueryError(f"search {text!r}: no words to search for")
    return Query(tuple(tuple(clause) for clause in clauses))


def _atom(match: re.Match[str], text: str) -> Atom | None:
    phrase = match.group("phrase")
    if phrase is not None:
        found = tuple(words(phrase))
        if len(found) > 1:
            return Phrase(found)
        return Word(found[0]) if found else None
    word = match.group("word")
    if word.endswith("*"):
        stem = word.rstrip("*")
        parts = words(stem)
        if len(parts) != 1 or not stem.endswith(parts[0]):
            raise QueryError(
                f"search {text!r}: a prefix is one word followed by * ({word!r} is not)"
            )
        return Prefix(parts[0])
    found = tuple(words(word))
    if len(found) > 1:  # "U.S.", "crude-oil": the words in a row, as the index holds them
        return Phrase(found)
    return Word(found[0]) if found else None
