"""The fast N-Quads writer and the JSON-LD processors give the same quads."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from newsgraph import jsonld, mapping
from newsgraph.errors import RecordError
from newsgraph.ingest.nquads import QuadWriter, Unsupported, string_literal
from newsgraph.ingest.sources import read
from newsgraph.linking import links_alone
from newsgraph.records import prepare
from newsgraph.vocab.namespaces import Minter

from bench import corpus
from tests.conftest import REUTERS, SAMPLE, SEED, shared_file

IRIS = Minter("http://n.example/")
WRITER = QuadWriter()


def _by_writer(graph: dict) -> set[str]:
    return {str(q) for q in ox.parse(WRITER.graph(graph), format=ox.RdfFormat.N_QUADS)}


def _by_processor(graph: dict) -> set[str]:
    return {str(q) for q in ox.parse(jsonld.batch_text([graph]), format=ox.RdfFormat.JSON_LD)}


def _graphs(raws: list[dict]) -> list[dict]:
    graphs = []
    for raw in raws:
        prepared = prepare(raw, "test:1")
        node = mapping.article_node(
            prepared, IRIS, links_alone(prepared.record, IRIS), ["http://n.example/entity/t"]
        )
        graphs.append(mapping.article_graph(node))
        shared = mapping.shared_nodes(prepared.record, IRIS)
        if shared:
            graphs.append({"@id": IRIS.terms_graph, "@graph": shared})
    return graphs


def test_sample_seed_and_synthetic_records() -> None:
    paths = [str(SAMPLE)] + ([str(SEED)] if SEED.exists() else [])
    raws = [item.raw for item in read(paths)] + list(corpus.generate(40, seed=3))
    for graph in _graphs(raws):
        assert _by_writer(graph) == _by_processor(graph)


@pytest.mark.slow
def test_reuters_records() -> None:
    lines = shared_file(REUTERS).read_text(encoding="utf-8").splitlines()
    raws = [json.loads(line) for line in lines]
    for graph in _graphs(raws[:1500]):
        assert _by_writer(graph) == _by_processor(graph)


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1), st.text(), st.lists(st.text(min_size=1), max_size=4))
def test_any_text_is_written_as_the_processor_reads_it(
    title: str, body: str, names: list[str]
) -> None:
    raw = {"slug": "h", "title": title, "published_at": "2026-01-01", "body_md": body,
           "entities": names, "topics": names}  # fmt: skip
    try:
        graphs = _graphs([raw])
    except RecordError:  # not a valid record: nothing to write
        return
    for graph in graphs:
        assert _by_writer(graph) == _by_processor(graph)


@pytest.mark.parametrize(
    "node",
    [
        {"@id": "relative/iri", "headline": "x"},
        {"@id": "_:b0", "headline": "x"},
        {"@id": "http://n.example/a", "unknownKey": "x"},
        {"@id": "http://n.example/a", "headline": 3},
        {"@id": "http://n.example/a", "headline": {"@value": "x", "@language": "en"}},
        {"@id": "http://n.example/a", "@type": "NoSuchType"},
        {"@id": "http://n.example/a", "url": "http://bad iri/"},
    ],
)
def test_shapes_beyond_the_fast_path_are_refused(node: dict) -> None:
    with pytest.raises(Unsupported):
        WRITER.graph({"@id": "http://n.example/g", "@graph": [node]})


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet='ab\\"\n\r\t é'))
def test_a_string_literal_escapes_as_the_replace_chain_does(value: str) -> None:
    chained = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    assert string_literal(value) == f'"{chained}"'


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet='0123456789TZ:.+-aé "\\\n\t\x00'))
def test_a_typed_literal_is_written_as_pyoxigraph_writes_it(value: str) -> None:
    datatype = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
    expected = str(ox.Literal(value, datatype=datatype))
    assert QuadWriter().typed_literal("datePublished", value) == expected
