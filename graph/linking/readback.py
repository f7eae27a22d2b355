"""Reading back from the store what linking's cache lacks or cannot vouch for.

Each reader takes the articles it needs (or None for all of them). A few articles are read with
a VALUES block, many with one pass over the whole store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.linking.cache import Links
from newsgraph.linking.evidence import Evidence, stored_text
from newsgraph.linking.overrides import Override
from newsgraph.store.article_fields import news_article_fields
from newsgraph.store.base import Row, Store
from newsgraph.vocab.namespaces import SCHEMA, Minter

__all__ = [
    "article_hashes",
    "read_evidence",
    "read_links",
    "read_overrides",
    "read_reconciled",
    "subject_quads",
]

#: Articles per VALUES block.
BATCH = 1_000


def _text(term: object) -> str:
    return term.value if isinstance(term, ox.Literal) else ""


def _iri(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode) else ""


def _rows(store: Store, name: str, variable: str, values: Sequence[str] | None) -> Iterator[Row]:
    """The rows of ``name`` for the articles ``values`` (bound to ``variable``, a batch at a
    time), or for every article (None: through ``Store.every_value``, whatever a remote
    server's row limit)."""
    if values is None:
        columns, count_name = _WHOLE[name]
        for found in store.every_value(name, {}, columns, count_name):
            yield {
                column: term
                for column, term in zip(columns, found, strict=True)
                if term is not None
            }
        return
    for start in range(0, len(values), BATCH):
        terms = [ox.NamedNode(value) for value in values[start : start + BATCH]]
        yield from store.select(queries.bind(name, {variable: terms}))


def article_hashes(store: Store) -> dict[str, str]:
    """article IRI → the digest of the record it holds (every one, whatever a remote
    server's row limit: ``Store.every_value``)."""
    every = store.every_value("article-hashes", {}, ("article", "hash"), "article-hash-count")
    return {_iri(article): _text(digest) for article, digest in every}


def read_evidence(store: Store, articles: Sequence[str] | None) -> dict[str, Evidence]:
    """The evidence of articles, from their stored names, text and language."""
    names: dict[str, list[str]] = defaultdict(list)
    for row in _rows(store, "article-entity-names", "article", articles):
        names[_iri(row["article"])].append(_text(row["name"]))
    found = {}
    for article, fields in _texts(store, articles):
        text = stored_text(*(fields.get(name, "") for name in ("headline", "description", "body")))
        found[article] = Evidence.of(names.get(article, ()), text, fields.get("lang", ""))
    return found


#: The statements behind an article's text: field name → predicate.
_TEXT_FIELDS = {
    "headline": SCHEMA + "headline",
    "description": SCHEMA + "description",
    "body": SCHEMA + "articleBody",
    "lang": SCHEMA + "inLanguage",
}


#: Each store-wide read's columns, and the query that counts its rows (a remote store reads
#: an answer its server would cut in shares).
_WHOLE = {
    "article-entity-names": (("article", "name"), "article-entity-name-count"),
    "linking-article-mentions": (("article", "entity", "inText"), "linking-article-mention-count"),
    "linking-article-texts": (("article", *_TEXT_FIELDS), "count-articles"),
}


def _texts(store: Store, articles: Sequence[str] | None) -> Iterator[tuple[str, dict[str, str]]]:
    """Each news article's text fields (headline, description, body, lang; absent ones left
    out): every article by one scan (``linking-article-texts``); some by
    :func:`~graph.store.article_fields.news_article_fields`."""
    if articles is None:
        for row in _rows(store, "linking-article-texts", "article", None):
            yield (
                _iri(row["article"]),
                {name: _text(row.get(name)) for name in _TEXT_FIELDS if row.get(name) is not None},
            )
        return
    predicates = list(_TEXT_FIELDS.values())
    for article, values in news_article_fields(store, articles, predicates, BATCH):
        yield (
            article,
            {name: _text(values[iri]) for name, iri in _TEXT_FIELDS.items() if iri in values},
        )


def read_links(store: Store, articles: Sequence[str] | None) -> dict[str, Links]:
    """The entity links articles hold now: (mentions, found in text), each sorted."""
    mentions: dict[str, set[str]] = defaultdict(set)
    in_text: dict[str, set[str]] = defaultdict(set)
    for row in _rows(store, "linking-article-mentions", "article", articles):
        article, entity = _iri(row["article"]), _iri(row["entity"])
        mentions[article].add(entity)
        if _text(row.get("inText")) == "true":
            in_text[article].add(entity)
    known: dict[str, Links] = {
        article: (tuple(sorted(entities)), tuple(sorted(in_text[article])))
        for article, entities in mentions.items()
    }
    for article in articles or ():
        known.setdefault(article, ((), ()))
    return known


def read_overrides(store: Store, iris: Minter) -> list[Override]:
    graph = {"graph": ox.NamedNode(iris.linking_graph)}
    return [
        Override(
            _text(row["action"]),
            _text(row["name"]),
            _text(row["target"]),
            _text(row.get("article")),
            _text(row.get("note")),
        )
        for row in store.select(queries.load("linking-overrides"), graph)
    ]


def read_reconciled(store: Store, iris: Minter) -> dict[str, tuple[str, str, str]]:
    graph = {"graph": ox.NamedNode(iris.linking_graph)}
    return {
        _text(row["name"]): (_iri(row["item"]), _text(row["source"]), _text(row.get("label")))
        for row in store.select(queries.load("linking-reconciliations"), graph)
    }


def subject_quads(store: Store, graph: str, subjects: Sequence[str]) -> list[ox.Quad]:
    """Every quad of ``graph`` whose subject is one of ``subjects``."""
    node = ox.NamedNode(graph)
    quads = []
    for start in range(0, len(subjects), BATCH):
        terms = [ox.NamedNode(s) for s in subjects[start : start + BATCH]]
        query = queries.bind("linking-subject-triples", {"graph": node, "s": terms})
        for row in store.select(query):
            quads.append(ox.Quad(row["s"], row["p"], row["o"], node))  # type: ignore[arg-type]
    return quads
