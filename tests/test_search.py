"""``newsgraph search`` on the Reuters corpus, against an oracle that scans the articles' texts.

The oracle reads every article's headline, summary and body from the store (a SPARQL query, not
the index), cuts them into words (runs of letters and digits), lower-cases and stems them with
PyStemmer's Snowball English — the algorithm the index's English analyzer runs — and says which
articles hold every word of a search. The index must return exactly those: none that lacks a
word, none that holds them all left out. A joined search (words and an entity) returns exactly
the intersection with the articles that mention the entity, by the command and in SPARQL
(``ng:matches``) alike.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import Stemmer

from tests.conftest import BASE, newsgraph, record, write_jsonl

pytestmark = pytest.mark.slow

NG = "https://w3id.org/newsgraph/ns#"
#: Two-word AND searches, from a common pair to a rare one.
SEARCHES = ["crude oil", "coffee prices", "trade deficit", "bank rates", "cocoa exports"]
_WORD = re.compile(r"[^\W_]+")


def _run(*args: str) -> str:
    done = newsgraph(*args)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


def _sparql(store: Path, text: str) -> list[dict[str, str]]:
    body = json.loads(_run("query", "--store", str(store), "--format", "json", text))
    return [
        {name: cell["value"] for name, cell in row.items()} for row in body["results"]["bindings"]
    ]


def _found(store: Path, words: str, *flags: str) -> list[dict[str, object]]:
    answer = json.loads(
        _run("search", words, "--store", str(store), "--limit", "0", "--format", "json", *flags)
    )
    if "--limit" not in flags:
        assert answer["total"] == len(answer["matches"])
    return answer["matches"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def reuters(reuters_store: Path) -> Path:
    return reuters_store


@pytest.fixture(scope="module")
def stems(reuters: Path) -> dict[str, set[str]]:
    """Every article's stemmed words, read from the store (the oracle's side)."""
    stemmer = Stemmer.Stemmer("english")
    rows = _sparql(
        reuters,
        "PREFIX schema: <http://schema.org/> SELECT ?a ?h ?d ?b WHERE { ?a a schema:NewsArticle "
        "OPTIONAL { ?a schema:headline ?h } OPTIONAL { ?a schema:description ?d } "
        "OPTIONAL { ?a schema:articleBody ?b } }",
    )
    return {
        row["a"]: set(
            stemmer.stemWords(
                _WORD.findall(" ".join(row.get(k, "") for k in ("h", "d", "b")).lower())
            )
        )
        for row in rows
    }


def _oracle(stems: dict[str, set[str]], words: str) -> set[str]:
    wanted = set(Stemmer.Stemmer("english").stemWords(words.lower().split()))
    return {article for article, held in stems.items() if wanted <= held}


@pytest.mark.parametrize("words", SEARCHES)
def test_an_and_search_finds_exactly_the_articles_holding_every_word(
    reuters: Path, stems: dict[str, set[str]], words: str
) -> None:
    matches = _found(reuters, words)
    found = [str(match["article"]) for match in matches]
    assert len(found) == len(set(found))
    expected = _oracle(stems, words)
    assert expected, f"the oracle finds no article for {words!r}: pick other words"
    assert set(found) == expected
    scores = [float(match["score"]) for match in matches]  # type: ignore[arg-type]
    assert scores == sorted(scores, reverse=True)  # best first
    for word in words.split():  # control: each word alone finds more than both together
        assert _oracle(stems, word) > expected


def test_snippets_highlight_the_words_found(reuters: Path) -> None:
    matches = _found(reuters, "crude oil", "--limit", "5")[:5]
    for match in matches:
        highlighted = {w.lower() for w in re.findall(r"<b>([^<]*)</b>", str(match["snippet"]))}
        stemmed = set(Stemmer.Stemmer("english").stemWords(sorted(highlighted)))
        assert stemmed & {"crude", "oil"}, match["snippet"]


def test_or_not_phrase_and_prefix(reuters: Path, stems: dict[str, set[str]]) -> None:
    def articles(words: str) -> set[str]:
        return {str(match["article"]) for match in _found(reuters, words)}

    coffee, cocoa = articles("coffee"), articles("cocoa")
    assert articles("coffee OR cocoa") == coffee | cocoa
    assert articles("coffee NOT cocoa") == coffee - cocoa
    assert coffee & cocoa  # control: NOT removed something
    phrase = articles('"crude oil"')
    assert phrase < articles("crude oil")  # a phrase is narrower than its words ANDed
    prefix = articles("referend*")
    assert prefix == {a for a, held in stems.items() if any(s.startswith("referend") for s in held)}
    # operators are in capitals: a lower-case "or" is a word (a stop word: it constrains nothing)
    assert articles("coffee or cocoa") == coffee & cocoa


def test_a_search_joined_with_an_entity_is_the_intersection(reuters: Path) -> None:
    entity = _sparql(
        reuters,
        'PREFIX schema: <http://schema.org/> SELECT ?e WHERE { ?e schema:name "Saudi Arabia" }',
    )[0]["e"]
    mentioning = {
        row["a"]
        for row in _sparql(
            reuters,
            f"PREFIX schema: <http://schema.org/> SELECT ?a {{ ?a schema:mentions <{entity}> }}",
        )
    }
    words = {str(match["article"]) for match in _found(reuters, "crude oil")}
    joined = _found(reuters, "crude oil", "--entity", "Saudi Arabia")
    assert {str(match["article"]) for match in joined} == words & mentioning
    assert words & mentioning < words and words & mentioning < mentioning  # a real intersection
    rows = _sparql(
        reuters,
        f"PREFIX ng: <{NG}> PREFIX schema: <http://schema.org/> SELECT ?a ?s WHERE {{ "
        f'?a ng:matches "crude oil" ; ng:score ?s ; schema:mentions <{entity}> }} ORDER BY DESC(?s)',
    )
    assert [row["a"] for row in rows] == [str(match["article"]) for match in joined]
    assert [float(row["s"]) for row in rows] == pytest.approx([m["score"] for m in joined])


def test_a_newer_version_is_found_by_its_new_words_only(tmp_path: Path) -> None:
    store = tmp_path / "store"
    old = record("story", body_md="# Story\n\nThe zebra crossed the river.")
    new = record("story", body_md="# Story\n\nThe giraffe crossed the river.",
                 updated_at="2026-02-01 00:00:00+00:00")  # fmt: skip
    other = record("other", body_md="# Other\n\nNothing about animals.")
    _run("ingest", "-q", "--store", str(store), "--base", BASE,
         str(write_jsonl(tmp_path / "v1.jsonl", [old, other])))  # fmt: skip
    story = BASE + "article/story"
    assert [m["article"] for m in _found(store, "zebra")] == [story]  # control
    assert _found(store, "giraffe") == []
    _run("ingest", "-q", "--store", str(store), "--base", BASE,
         str(write_jsonl(tmp_path / "v2.jsonl", [new])))  # fmt: skip
    assert [m["article"] for m in _found(store, "giraffe")] == [story]
    assert _found(store, "zebra") == []
    assert [m["article"] for m in _found(store, "river")] == [story]


def test_mistakes_are_one_line_and_exit_2(reuters: Path) -> None:
    for words in ("NOT", "a OR", '"', "crude-oil*", "NOT a OR b"):
        done = newsgraph("search", words, "--store", str(reuters))
        assert done.returncode == 2, (words, done.stdout, done.stderr)
        assert done.stderr.decode().startswith("newsgraph search: "), done.stderr
        assert len(done.stderr.decode().strip().splitlines()) == 1


def test_equal_scores_rank_by_iri_on_every_page_as_in_sparql(tmp_path: Path) -> None:
    """Ties are listed by IRI (``ORDER BY DESC(?score) ?article``), whatever order tantivy
    keeps its documents in, on every page and with an entity kept alike."""
    slugs = [f"t{(index * 7) % 23:02d}" for index in range(23)]  # written out of IRI order
    rows = [record(slug, entities=["Ruritania"], body_md="# T\n\nzebra " * 3) for slug in slugs]
    store = tmp_path / "store"
    _run("ingest", "-q", "--store", str(store), "--base", BASE,
         str(write_jsonl(tmp_path / "ties.jsonl", rows)))  # fmt: skip
    expected = sorted(f"{BASE}article/{slug}" for slug in slugs)
    for flags in ((), ("--entity", "Ruritania")):
        paged = [
            match["article"]
            for offset in range(0, 23, 5)
            for match in json.loads(_run("search", "zebra", "--store", str(store), "--format",
                                         "json", "--limit", "5", "--offset", str(offset),
                                         *flags))["matches"]
        ]  # fmt: skip
        assert paged == expected
    assert len({match["score"] for match in _found(store, "zebra")}) == 1  # control: all tied
    joined = _sparql(store, f"PREFIX ng: <{NG}> SELECT ?article WHERE {{ ?article ng:matches "
                            '"zebra" ; ng:score ?s } ORDER BY DESC(?s) ?article')  # fmt: skip
    assert [row["article"] for row in joined] == expected
