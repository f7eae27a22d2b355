"""A query with no FROM sees the union of all graphs, whatever "from" its names, tags and
strings hold (the trust issue's defect 6: ``PREFIX datafrom:`` answered 0 instead of 4104).

The oracle is the engine itself, told explicitly to use the union default graph; the control
shows what the defect gave (the engine left with the store's empty default graph answers 0), so
a test here fails whenever newsgraph loses the union. The rule under test is
:func:`graph.sparql.sparqltext.has_dataset_clause`, applied by :func:`graph.sparql.dataset_options`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from newsgraph import sparql

from tests.conftest import sample_store

SCHEMA = "http://schema.org/"
ARTICLES = 7  # one per named graph; the default graph stays empty

BASELINE = f"PREFIX schema: <{SCHEMA}> SELECT (COUNT(*) AS ?n) {{ ?a schema:headline ?h }}"
TRICKS = {
    "datafrom": f"PREFIX datafrom: <{SCHEMA}> SELECT (COUNT(*) AS ?n) {{ ?a datafrom:headline ?h }}",
    "from": f"PREFIX from: <{SCHEMA}> SELECT (COUNT(*) AS ?n) {{ ?a from:headline ?h }}",
    "fromSchema": (
        f"PREFIX fromSchema: <{SCHEMA}> SELECT (COUNT(*) AS ?n) {{ ?a fromSchema:headline ?h }}"
    ),
    "@en-from": (
        f"PREFIX schema: <{SCHEMA}> SELECT (COUNT(*) AS ?n) "
        '{ ?a schema:headline ?h FILTER(?h != "x"@en-from) }'
    ),
}


def _store() -> ox.Store:
    store = ox.Store()
    for i in range(ARTICLES):
        store.add(
            ox.Quad(
                ox.NamedNode(f"http://n.example/article/{i}"),
                ox.NamedNode(SCHEMA + "headline"),
                ox.Literal(f"Headline {i}", language="en"),
                ox.NamedNode(f"http://n.example/graph/{i}"),
            )
        )
    return store


def _count(store: ox.Store, text: str) -> int:
    """The COUNT as newsgraph answers it (the protocol's path: dataset options, checks, JSON)."""
    body = json.loads(sparql.execute(store, sparql.QueryRequest(text)).body)
    return int(body["results"]["bindings"][0]["n"]["value"])


def _engine_count(store: ox.Store, text: str, **options: Any) -> int:
    solution = next(iter(store.query(text, **options)))  # type: ignore[call-overload]
    return int(solution["n"].value)


def test_the_baseline_sees_every_graph() -> None:
    assert _count(_store(), BASELINE) == ARTICLES


@pytest.mark.parametrize("name", sorted(TRICKS))
def test_a_from_in_a_prefix_or_a_language_tag_keeps_the_union(name: str) -> None:
    store = _store()
    text = TRICKS[name]
    assert _engine_count(store, text, use_default_graph_as_union=True) == ARTICLES  # the oracle
    assert _count(store, text) == ARTICLES


@pytest.mark.parametrize("name", sorted(TRICKS))
def test_control_without_the_union_the_count_is_zero(name: str) -> None:
    """What the defect answered: the engine without the union option sees no headline, so the
    test above fails if newsgraph mistakes these queries for ones with a FROM."""
    assert _engine_count(_store(), TRICKS[name]) == 0


def test_a_real_from_still_names_the_dataset() -> None:
    store = _store()
    graph = "http://n.example/graph/3"
    own = TRICKS["datafrom"].replace("{", f"FROM <{graph}> {{", 1)
    assert _count(store, own) == 1
    named = (
        f"PREFIX from: <{SCHEMA}> SELECT (COUNT(*) AS ?n) FROM NAMED <{graph}> "
        "{ GRAPH ?g { ?a from:headline ?h } }"
    )
    assert _count(store, named) == 1
    glued = f"PREFIX from: <{SCHEMA}> SELECT(COUNT(*) AS ?n)FROM<{graph}>{{?a from:headline ?h}}"
    assert _count(store, glued) == 1


def test_a_real_server_keeps_the_union(serve: Any, tmp_path: Path, sample_template: Path) -> None:
    """End to end through ``newsgraph serve`` on the sample: each trick counts the headlines
    that ``PREFIX schema:`` counts."""
    server = serve(sample_store(tmp_path / "store", sample_template))

    def served(text: str) -> int:
        response = httpx.get(
            server.sparql,
            params={"query": text},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    expected = served(BASELINE)
    assert expected > 0
    assert {name: served(text) for name, text in TRICKS.items()} == dict.fromkeys(TRICKS, expected)
