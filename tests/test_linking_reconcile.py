"""Reconciliation against a local Wikidata-style endpoint (an Oxigraph server on loopback,
loaded with a small fixture written here; the items are made up and never leave the machine)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from newsgraph.ingest import ingest
from newsgraph.linking import relink
from newsgraph.settings import Settings
from newsgraph.store import EmbeddedStore

from tests.backends import serve_file
from tests.conftest import BASE, free_port, record, write_jsonl

FIXTURE = """
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

wd:Q9000001 rdfs:label "Zentral Pharma Quality"@en ; skos:altLabel "ZPQ"@en ; wdt:P31 wd:Q43229 .
wd:Q9000002 rdfs:label "Mercury"@en ; wdt:P31 wd:Q11344 .
wd:Q9000003 rdfs:label "Mercury"@en ; wdt:P31 wd:Q5 .
wd:Q9000004 rdfs:label "Ottinger"@en ; wdt:P31 wd:Q4167410 .
wd:Q9000005 rdfs:label "James Ottinger"@de ; wdt:P31 wd:Q5 .
"""


@pytest.fixture
def endpoint(tmp_path: Path) -> Iterator[str]:
    data = tmp_path / "wikidata.ttl"
    data.write_text(FIXTURE)
    process, url = serve_file(tmp_path, data)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(15)


def test_reconcile_links_only_unique_fitting_candidates(
    endpoint: str, settings: Settings, tmp_path: Path
) -> None:
    records = [
        record("a", entities=["Zentral Pharma Quality", "Mercury", "James Ottinger", "Kazakhstan"]),
        record("b", entities=["ZPQ"], body_md="# B\n\nThe Zentral Pharma Quality (ZPQ) met."),
    ]
    path = write_jsonl(tmp_path / "r.jsonl", records)
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as store:
        ingest([str(path)], store, settings)
        summary = relink(store, settings.minter, reconcile_url=endpoint)
        assert summary.reconciled == 1
        assert summary.ambiguous == ["Mercury"]
        same_as = {
            row["e"].value: row["wd"].value  # type: ignore[union-attr]
            for row in store.select(
                "SELECT ?e ?wd WHERE { GRAPH ?g { ?e <http://schema.org/sameAs> ?wd } }"
            )
        }
    assert (
        same_as[f"{BASE}entity/zentral-pharma-quality"] == "http://www.wikidata.org/entity/Q9000001"
    )
    assert f"{BASE}entity/mercury" not in same_as  # two candidates
    assert (
        f"{BASE}entity/james-ottinger" not in same_as
    )  # a German label only; "Ottinger" is no human
    assert (
        same_as[f"{BASE}entity/kazakhstan"] == "http://www.wikidata.org/entity/Q232"
    )  # verified file
    # kept in the store: a later ingest re-links without asking the endpoint again
    more = write_jsonl(tmp_path / "more.jsonl", [record("c", entities=["Zentral Pharma Quality"])])
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as store:
        ingest([str(more)], store, settings)
        assert store.ask(
            f"ASK {{ <{BASE}entity/zentral-pharma-quality> <http://schema.org/sameAs> "
            "<http://www.wikidata.org/entity/Q9000001> }"
        )


def test_unreachable_endpoint_is_one_clear_error(settings: Settings, tmp_path: Path) -> None:
    from newsgraph.errors import StoreError

    path = write_jsonl(tmp_path / "r.jsonl", [record("a", entities=["Mercury"])])
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as store:
        ingest([str(path)], store, settings)
        with pytest.raises(StoreError, match="reconciliation endpoint"):
            relink(store, settings.minter, reconcile_url=f"http://127.0.0.1:{free_port()}/query")
