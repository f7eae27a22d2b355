"""Google's Article recommendations: what a document misses, and nothing it has."""

from __future__ import annotations

import pytest
from newsgraph.export.report import RECOMMENDED, missing, tally

COMPLETE = {
    "headline": "H",
    "image": ["https://img.example/a.jpg"],
    "datePublished": "2026-01-02T00:00:00Z",
    "dateModified": "2026-01-03T00:00:00Z",
    "author": [{"@type": "Person", "name": "A", "url": "https://people.example/a"}],
    "publisher": {"@type": "Organization", "name": "P"},
}


def test_a_complete_document_misses_nothing() -> None:
    assert missing(COMPLETE) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"image": None}, ["image"]),
        ({"dateModified": None, "publisher": None}, ["dateModified", "publisher"]),
        ({"author": [{"name": "A", "url": "https://a/"}, {"name": "B"}]}, ["author.url"]),
        ({"author": {"@id": "https://people.example/a"}}, ["author.name", "author.url"]),
        ({"publisher": {"@id": "https://p.example/"}}, ["publisher.name"]),
    ],
)
def test_each_gap_is_named(change: dict[str, object], expected: list[str]) -> None:
    document = {k: v for k, v in {**COMPLETE, **change}.items() if v is not None}
    assert missing(document) == expected


def test_tally_counts_articles_per_gap() -> None:
    counts = tally([["image"], ["image", "author"], []])
    assert counts == {"image": 2, "author": 1}
    assert set(counts) <= set(RECOMMENDED)
