"""``GET /api/entities?search=&limit=`` (api/routes/entities.py, graph/resolve.py's
``search_entities``) against a real server, on the sample and on a generated store of
thousands of entities.

The oracle reads the store's quads (a dump, no SPARQL) and ranks in Python: an entity matches
when its name or an other name contains the text ignoring case; those with a name that starts
with it come first, then the rest; in each, the most articles mentioning it first, then by
name, then by IRI.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from newsgraph.store import EmbeddedStore

from bench import corpus
from tests.conftest import BASE, Server, newsgraph, sample_store, start_server

SCHEMA = "http://schema.org/"
#: The generated corpus: enough articles for a few thousand entities.
GENERATED_ARTICLES = 10_000


class Oracle:
    """Entities' names, types and mentioning articles, read from the store's quads."""

    def __init__(self, store: Path) -> None:
        dump = io.BytesIO()
        with EmbeddedStore(store) as opened:
            opened.dump(dump, ox.RdfFormat.N_QUADS)
        self.names: dict[str, set[str]] = defaultdict(set)
        self.labels: dict[str, set[str]] = defaultdict(set)
        self.types: dict[str, set[str]] = defaultdict(set)
        self.articles: dict[str, set[str]] = defaultdict(set)
        for quad in ox.parse(dump.getvalue(), format=ox.RdfFormat.N_QUADS):
            subject, predicate, value = quad.subject.value, quad.predicate.value, quad.object
            if predicate == SCHEMA + "mentions":
                self.articles[value.value].add(subject)
            elif predicate in (SCHEMA + "name", SCHEMA + "alternateName"):
                self.labels[subject].add(value.value)
                if predicate == SCHEMA + "name":
                    self.names[subject].add(value.value)
            elif predicate == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type":
                self.types[subject].add(value.value.rsplit("/", 1)[-1])

    def entity(self, iri: str) -> dict[str, Any]:
        types = sorted(self.types[iri], key=lambda t: (t == "Thing", t))
        return {
            "iri": iri,
            "name": min(self.names[iri]) if self.names[iri] else iri,
            "type": types[0] if types else None,
            "articles": len(self.articles[iri]),
        }

    def search(self, text: str, limit: int = 10) -> list[dict[str, Any]]:
        needle = text.strip().lower()
        ranked = []
        for iri in self.articles:
            folded = [label.lower() for label in self.labels[iri]]
            if not needle or not any(needle in label for label in folded):
                continue
            starts = any(label.startswith(needle) for label in folded)
            found = self.entity(iri)
            ranked.append(((not starts, -found["articles"], found["name"].lower(), iri), found))
        return [found for _, found in sorted(ranked, key=lambda pair: pair[0])][:limit]


def search(server: Server, text: str, **params: Any) -> httpx.Response:
    return httpx.get(server.url + "api/entities", params={"search": text, **params}, timeout=60)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, sample_template: Path) -> Iterator[Any]:
    store = sample_store(tmp_path_factory.mktemp("entity-search") / "store", sample_template)
    oracle = Oracle(store)
    running = start_server(store)
    yield running, oracle
    running.stop()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    directory = tmp_path_factory.mktemp("entity-search-generated")
    records = corpus.write(directory / "corpus.jsonl", GENERATED_ARTICLES, seed=3)
    store = directory / "store"
    result = newsgraph("ingest", "--quiet", "--store", str(store), "--base", BASE, str(records))
    assert result.returncode == 0, result.stderr.decode()
    oracle = Oracle(store)
    running = start_server(store)
    yield running, oracle
    running.stop()


@pytest.mark.parametrize("text", ["kaz", "KAZ", "council", "eu", "tokayev", "a", "  Astana "])
def test_the_sample_answers_as_the_oracle_ranks(sample: Any, text: str) -> None:
    server, oracle = sample
    response = search(server, text)
    assert response.status_code == 200
    assert response.json() == {"entities": oracle.search(text)}
    assert response.json()["entities"], "the sample has some for each text"


def test_names_that_start_with_the_text_come_before_the_most_mentioned(sample: Any) -> None:
    """ "ta": Tajikistan starts with it; Kazakhstan, mentioned more, only contains it."""
    server, _ = sample
    found = search(server, "ta").json()["entities"]
    assert [entity["name"] for entity in found[:2]] == ["Tajikistan", "Kazakhstan"]
    assert found[1]["articles"] > found[0]["articles"]  # control: not a ranking by articles


def test_other_names_are_searched(sample: Any) -> None:
    """ "PACE" is an other name of the Parliamentary Assembly (the sample's records say so)."""
    server, _ = sample
    found = search(server, "pace").json()["entities"]
    assert found[0]["iri"] == BASE + "entity/parliamentary-assembly-of-the-council-of-europe"
    assert found[0]["name"] == "Parliamentary Assembly of the Council of Europe"


def test_the_answer_has_exactly_the_typeaheads_keys(sample: Any) -> None:
    server, _ = sample
    for entity in search(server, "e", limit=100).json()["entities"]:
        assert set(entity) == {"iri", "name", "type", "articles"}
        assert isinstance(entity["articles"], int) and entity["articles"] >= 1


def test_limits(sample: Any) -> None:
    server, oracle = sample
    assert len(oracle.search("e", 100)) > 10  # so that the default limit shows
    assert len(search(server, "e").json()["entities"]) == 10
    assert search(server, "e", limit=3).json() == {"entities": oracle.search("e", 3)}
    assert search(server, "e", limit=100).json() == {"entities": oracle.search("e", 100)}
    for bad in (0, 101, "many"):
        response = search(server, "e", limit=bad)
        assert response.status_code == 400
        assert response.json()["error"] == "bad-request"
    assert httpx.get(server.url + "api/entities", timeout=30).status_code == 400  # no search


def test_a_text_no_name_contains_answers_none(sample: Any) -> None:
    server, oracle = sample
    assert search(server, "zzqx").json() == {"entities": []} and not oracle.search("zzqx")
    assert search(server, "   ").json() == {"entities": []}
    assert search(server, "kaz").json()["entities"]  # control


@pytest.mark.parametrize("text", ["a", "ma", "bank", "united", "er", "e", "ltd", "zzq"])
def test_a_store_of_thousands_of_entities_answers_as_the_oracle(generated: Any, text: str) -> None:
    server, oracle = generated
    assert len(oracle.articles) > 3_000
    for limit in (10, 100):
        response = search(server, text, limit=limit)
        assert response.status_code == 200
        assert response.json() == {"entities": oracle.search(text, limit)}, (text, limit)
