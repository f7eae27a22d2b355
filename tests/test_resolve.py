"""Names and words to IRIs (graph/resolve.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from newsgraph.errors import NotFound, QueryError
from newsgraph.resolve import entity_iri, topic_iri, type_iri
from newsgraph.store import EmbeddedStore
from newsgraph.vocab.namespaces import Minter

from tests.conftest import BASE
from tests.cooccur_corpus import build_store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    path = build_store(tmp_path_factory.mktemp("resolve"))
    with EmbeddedStore(path, write=True, base=BASE) as opened:
        extra = (
            f'<{BASE}entity/kazakhstan> <http://schema.org/alternateName> "Qazaqstan" .\n'
            f'<{BASE}entity/russia> <http://schema.org/alternateName> "Shared" .\n'
            f'<{BASE}entity/astana> <http://schema.org/alternateName> "Shared" .\n'
            f"<{BASE}entity/astana> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://schema.org/City> .\n"
        )
        opened.load(extra.encode(), ox.RdfFormat.N_TRIPLES, graph=BASE + "graph/test-names")
        yield opened


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Kazakhstan", "kazakhstan"), ("kAZAKHSTAN", "kazakhstan"), ("Qazaqstan", "kazakhstan"),
     (f"<{BASE}entity/russia>", "russia"), (f"{BASE}entity/astana", "astana")],
)  # fmt: skip
def test_entities_by_name_or_iri(store: EmbeddedStore, text: str, expected: str) -> None:
    assert entity_iri(store, text) == f"{BASE}entity/{expected}"


def test_ambiguous_and_unknown_names(store: EmbeddedStore) -> None:
    listing = (
        r"'Shared' names 2 entities; give the IRI of one of: Astana <.*astana>, Russia <.*russia>"
    )
    with pytest.raises(QueryError, match=listing):
        entity_iri(store, "Shared")
    with pytest.raises(NotFound, match="Atlantis"):
        entity_iri(store, "Atlantis")
    with pytest.raises(NotFound, match="no article mentions"):
        entity_iri(store, f"{BASE}entity/atlantis")


def test_topics_and_types(store: EmbeddedStore) -> None:
    iris = Minter(BASE)
    assert topic_iri(store, "politics", iris) == f"{BASE}topic/politics"
    assert topic_iri(store, f"{BASE}topic/energy", iris) == f"{BASE}topic/energy"
    with pytest.raises(NotFound):
        topic_iri(store, "gardening", iris)
    assert type_iri(store, "City") == type_iri(store, "schema:City") == "http://schema.org/City"
    with pytest.raises(QueryError, match="unknown prefix"):
        type_iri(store, "nope:City")
