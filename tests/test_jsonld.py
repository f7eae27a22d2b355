"""pyld (the processor of record) and pyoxigraph (the hot path) give the same graphs, offline."""

from __future__ import annotations

import json

import pytest
from newsgraph import jsonld, mapping
from newsgraph.ingest.sources import read
from newsgraph.linking import links_alone
from newsgraph.records import Prepared, prepare
from newsgraph.vocab.namespaces import Minter
from pyld.jsonld import JsonLdError

from tests.conftest import SAMPLE, SEED

IRIS = Minter("http://n.example/")


def _sample_records() -> list[Prepared]:
    paths = [str(SAMPLE)] + ([str(SEED)] if SEED.exists() else [])
    return [prepare(item.raw, item.location) for item in read(paths)]


@pytest.mark.parametrize("index", range(len(_sample_records())))
def test_both_processors_give_the_same_graph(index: int) -> None:
    sample = _sample_records()[index]
    document = mapping.document(sample, IRIS, links_alone(sample.record, IRIS))
    fast = {str(q) for q in jsonld.to_quads(document)}
    reference = {str(q) for q in jsonld.to_quads_reference(document)}
    assert fast == reference
    assert len(fast) > 10


def test_loader_serves_only_bundled_contexts() -> None:
    document = {"@context": "https://example.org/remote-context.jsonld", "@id": "http://x/a"}
    with pytest.raises(JsonLdError):
        jsonld.expand(document)


def test_every_key_the_mapping_writes_is_in_the_context() -> None:
    context = jsonld.bundled_context()["@context"]
    sample = _sample_records()[0]
    node = mapping.article_node(
        sample, IRIS, ["http://n.example/entity/a"], ["http://n.example/entity/b"]
    )

    def keys(value: object) -> set[str]:
        if isinstance(value, dict):
            return {k for k in value if not k.startswith("@")} | {
                k for v in value.values() for k in keys(v)
            }
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    assert keys(node) <= set(context)
    assert json.dumps(node)  # serialisable
