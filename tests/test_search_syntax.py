"""The search syntax read into clauses (ANDed) of items (ORed), and its mistakes named."""

from __future__ import annotations

import pytest
from newsgraph.errors import QueryError
from newsgraph.search.syntax import Item, Phrase, Prefix, Word, parse


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        ("crude oil", [[Item(Word("crude"))], [Item(Word("oil"))]]),
        ("oil OR gas prices", [[Item(Word("oil")), Item(Word("gas"))], [Item(Word("prices"))]]),
        ("oil NOT gas", [[Item(Word("oil"))], [Item(Word("gas"), negated=True)]]),
        ('"oil price" refer*', [[Item(Phrase(("oil", "price")))], [Item(Prefix("refer"))]]),
        ("crude-oil U.S.", [[Item(Phrase(("crude", "oil")))], [Item(Phrase(("U", "S")))]]),
        ("oil or not gas", [[Item(Word(w))] for w in ("oil", "or", "not", "gas")]),
        ("Ölpreise 東京", [[Item(Word("Ölpreise"))], [Item(Word("東京"))]]),
    ],
)
def test_parse(text: str, clauses: list[list[Item]]) -> None:
    assert [list(clause) for clause in parse(text).clauses] == clauses


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no words"),
        ("NOT", "NOT must be followed"),
        ("oil OR", "OR must stand between"),
        ("OR oil", "OR must stand between"),
        ("oil OR OR gas", "OR must stand between"),
        ("oil OR NOT gas", "NOT cannot stand inside an OR"),
        ("NOT NOT oil", "NOT NOT"),
        ("crude-oil*", "a prefix is one word"),
    ],
)
def test_mistakes(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse(text)
