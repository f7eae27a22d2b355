"""A prepared record's evidence reads the text its article graph stores, so that evidence made
at ingest and evidence read back from the store (``readback``) are one and the same."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from newsgraph.linking.evidence import Evidence, record_text, stored_text
from newsgraph.mapping import article_node
from newsgraph.records import prepare

from tests.conftest import record
from tests.test_mapping_properties import IRIS, records


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records)
def test_the_text_linking_reads_is_the_text_the_graph_stores(raw: dict) -> None:
    prepared = prepare(raw, "generated:1")
    node = article_node(prepared, IRIS)
    stored = stored_text(node["headline"], node.get("description", ""), node.get("articleBody", ""))
    assert record_text(prepared) == stored


def test_the_evidence_of_a_prepared_record() -> None:
    raw = record("s", title="WHO meets", summary=None, entities=["WHO", "PACE", "WHO"],
                 body_md="# Head\n\nThe *World Health Organization* (WHO) met.")  # fmt: skip
    evidence = Evidence.of_prepared(prepare(raw, "x:1"))
    assert evidence == Evidence.of(
        ["PACE", "WHO"], "WHO meets\nHead\n\nThe World Health Organization (WHO) met.", "en"
    )
    assert [(d.short, d.long) for d in evidence.definitions] == [
        ("WHO", "World Health Organization")
    ]
