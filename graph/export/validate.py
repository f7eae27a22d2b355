"""``newsgraph validate``: what newsgraph publishes, checked against ``vocab/shapes.ttl``.

Two sources, one check: the store's articles as ``newsgraph export`` would write them, or the
files of an export directory read back as RDF (:mod:`graph.export.rdf`). Documents are checked
by pySHACL in batches (memory stays flat); every violation names its article. An export
directory is also checked for what SHACL cannot see: each ``.jsonld`` is one ``NewsArticle``
object with the schema.org context, and its ``.html`` holds the same JSON in one script element
whose text cannot close it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from newsgraph import vocab
from newsgraph.errors import ExportError
from newsgraph.export import checks
from newsgraph.export.document import store_documents
from newsgraph.export.files import ARTICLES
from newsgraph.export.rdf import document_triples
from newsgraph.store.base import Store
from newsgraph.vocab.namespaces import PREFIXES, Minter
from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

SHAPES = vocab.DIR / "shapes.ttl"
SH = Namespace("http://www.w3.org/ns/shacl#")
BATCH = 500

__all__ = [
    "ValidationSummary",
    "Violation",
    "shacl_violations",
    "validate_directory",
    "validate_store",
]


@dataclass(frozen=True)
class Violation:
    """One problem with one exported article."""

    article: str
    message: str
    path: str | None = None
    value: str | None = None
    #: How many other articles share the node at fault (a shared entity, say).
    others: int = 0

    def line(self) -> str:
        also = f" (and {self.others} other articles)" if self.others else ""
        where = f"{self.path}: " if self.path else ""
        value = f" (value: {self.value})" if self.value is not None else ""
        return f"{self.article}{also}: {where}{self.message}{value}"


@dataclass
class ValidationSummary:
    articles: int = 0
    violations: list[Violation] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        invalid = len({v.article for v in self.violations})
        return (
            f"validated {self.articles} articles: {len(self.violations)} violations in "
            f"{invalid} articles; {self.seconds:.2f} s"
        )


@cache
def shapes_graph() -> Graph:
    graph = Graph()
    graph.parse(SHAPES, format="turtle")
    return graph


def compact(term: Node | None) -> str | None:
    """A term as a reader knows it: ``schema:headline``, an IRI, or a literal's text."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        for prefix, namespace in PREFIXES.items():
            if term.startswith(namespace):
                return f"{prefix}:{term[len(namespace) :]}"
        return f"<{term}>"
    return str(term)


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise ExportError(f"RDF-star triples are not published: {term}")


def shacl_violations(documents: Iterable[tuple[str, dict[str, Any]]]) -> Iterator[Violation]:
    """The SHACL violations of (name, document) pairs, each reported with its article's name."""
    batch: list[tuple[str, dict[str, Any]]] = []
    for named in documents:
        batch.append(named)
        if len(batch) >= BATCH:
            yield from _check_batch(batch)
            batch = []
    if batch:
        yield from _check_batch(batch)


def _check_batch(batch: list[tuple[str, dict[str, Any]]]) -> Iterator[Violation]:
    data = Graph()
    owners: dict[Node, dict[str, None]] = {}
    for name, document in batch:
        for triple in document_triples(document):
            subject, obj = rdflib_term(triple.subject), rdflib_term(triple.object)
            data.add((subject, rdflib_term(triple.predicate), obj))
            owners.setdefault(subject, {})[name] = None
            if not isinstance(obj, Literal):
                owners.setdefault(obj, {})[name] = None
    conforms, results, _ = shacl_validate(
        data, shacl_graph=shapes_graph(), inference="none", advanced=False, allow_warnings=True
    )
    if conforms:
        return
    assert isinstance(results, Graph)
    found = []
    for result in results.subjects(SH.resultSeverity, SH.Violation):
        focus = results.value(result, SH.focusNode)
        message = results.value(result, SH.resultMessage)
        articles = list(owners.get(focus, {})) if focus is not None else []
        found.append(
            Violation(
                article=articles[0] if articles else compact(focus) or "?",
                message=str(message) if message is not None else "does not conform",
                path=compact(results.value(result, SH.resultPath)),
                value=compact(results.value(result, SH.value)),
                others=max(len(articles) - 1, 0),
            )
        )
    yield from sorted(found, key=lambda v: (v.article, v.path or "", v.message, v.value or ""))


def validate_store(store: Store, iris: Minter) -> ValidationSummary:
    """Check the store's articles as they would be exported."""
    started = time.perf_counter()
    summary = ValidationSummary()

    def counted() -> Iterator[tuple[str, dict[str, Any]]]:
        for named in store_documents(store, iris):
            summary.articles += 1
            yield named

    summary.violations = list(shacl_violations(counted()))
    summary.seconds = time.perf_counter() - started
    return summary


def validate_directory(directory: Path) -> ValidationSummary:
    """Check the files of an export directory."""
    started = time.perf_counter()
    articles = directory / ARTICLES
    if not articles.is_dir():
        raise ExportError(f"{directory} is not an export directory (no {ARTICLES}/ in it)")
    summary = ValidationSummary()
    problems: list[Violation] = []

    def readable() -> Iterator[tuple[str, dict[str, Any]]]:
        for path in sorted(articles.glob("*.jsonld")):
            summary.articles += 1
            slug = path.stem
            found = [Violation(slug, message) for message in checks.file_problems(path)]
            problems.extend(found)
            if not found:
                yield slug, json.loads(path.read_text("utf-8"))

    shacl = list(shacl_violations(readable()))
    summary.violations = sorted(problems + shacl, key=lambda v: v.article)
    summary.seconds = time.perf_counter() - started
    return summary
