"""The schema.org subset context: served offline, and faithful to schema.org's own context."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from newsgraph import jsonld
from newsgraph.export import context
from newsgraph.export.document import store_documents
from newsgraph.settings import load_settings
from newsgraph.store import EmbeddedStore
from pyld import jsonld as pyld
from rdflib import Graph
from rdflib.compare import isomorphic

from tests.conftest import BASE, ROOT
from tests.exportdata import build_store, real_context, varied_records, walk


def subset() -> dict[str, object]:
    return jsonld.bundled_context(context.SCHEMA_CONTEXT)["@context"]  # type: ignore[no-any-return]


def test_every_definition_is_exactly_schema_orgs() -> None:
    real = real_context()
    ours = subset()
    assert ours["@vocab"] == real["@vocab"] == "http://schema.org/"
    for term, definition in ours.items():
        assert term in real, f"{term} is not in schema.org's context"
        assert definition == real[term], f"{term}: {definition!r} differs from {real[term]!r}"


def test_the_coercions_that_matter_are_kept() -> None:
    table = context.term_table()
    assert table.term("http://schema.org/url").coercion == "@id"  # type: ignore[union-attr]
    assert table.term("http://schema.org/sameAs").coercion == "@id"  # type: ignore[union-attr]
    date = table.term("http://schema.org/datePublished")
    assert date is not None and date.coercion == "http://schema.org/Date"
    assert table.term("http://schema.org/mentions").coercion is None  # type: ignore[union-attr]


@pytest.mark.parametrize("iri", context.SCHEMA_CONTEXT_IRIS)
def test_every_spelling_of_schema_orgs_context_is_served_offline(iri: str) -> None:
    served = jsonld.document_loader(iri)["document"]
    assert served["@context"] == subset()
    document = {"@context": iri, "@id": "http://n.example/a", "headline": "H", "url": "https://e/"}
    expanded = jsonld.expand(document)
    assert expanded[0]["http://schema.org/url"] == [{"@id": "https://e/"}]


def test_other_contexts_are_still_refused() -> None:
    with pytest.raises(pyld.JsonLdError):
        jsonld.expand({"@context": "https://schema.org/other.jsonld", "name": "x"})


def _graph(document: dict[str, object], inline: dict[str, object]) -> Graph:
    document = copy.deepcopy(document)
    document["@context"] = inline
    text = pyld.to_rdf(document, {"format": "application/n-quads"})
    parsed = ox.parse(text, format=ox.RdfFormat.N_QUADS)
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in parsed]
    data = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode()
    return Graph().parse(data=data, format="nt")


def test_exported_documents_mean_the_same_under_both_contexts(tmp_path: Path) -> None:
    settings = load_settings(store=str(tmp_path / "store"), base=BASE)
    build_store(tmp_path, settings, varied_records())
    with EmbeddedStore(settings.store_path) as store:
        documents = dict(store_documents(store, settings.minter))
    used: set[str] = set()
    for document in documents.values():
        ours = _graph(document, subset())
        assert len(ours) >= 4
        assert isomorphic(ours, _graph(document, real_context()))
        for key, value in walk(document):
            used.add(key)
            if key == "@type":
                used.update(value if isinstance(value, list) else [value])
    written = {term for term in used if not term.startswith("@")}
    assert written <= set(subset()), f"not in the subset: {written - set(subset())}"
    assert {"headline", "mentions", "NewsArticle", "Country"} <= written


def test_the_loader_knows_schema_org_without_importing_the_exporter() -> None:
    code = (
        "import sys; from graph import jsonld; "
        "doc = {'@context': 'https://schema.org', '@id': 'http://n.example/a', 'url': 'https://e/'}; "
        "print(jsonld.to_nquads(doc).strip()); "
        "print(any(m.startswith('newsgraph.export') for m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, cwd=ROOT)
    assert result.stdout.decode().splitlines() == [
        "<http://n.example/a> <http://schema.org/url> <https://e/> .",
        "False",
    ]
