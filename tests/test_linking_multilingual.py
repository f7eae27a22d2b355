"""One node per entity across languages and scripts, on a set of records we wrote
(``tests/data/linking-multilingual.jsonl``: English, German, Russian, Kazakh, French and
Spanish, each record with its expected cluster per name under ``x_expected``).

The oracle is the expected clustering, written by hand; B-cubed comes from the benchmark
(``bench/linking.py``). The false friends across languages (the Council of Europe, the
European Council and the Council of the EU; Georgia the country and the US state; the Gulf of
Mexico and Mexico) must stay apart, Turkey and Türkiye must be one, and a control run without
the cross-language rules shows the floor would fail without them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from newsgraph.linking import crosslingual, names
from newsgraph.store import EmbeddedStore

from bench.linking import BASE, b_cubed, ingest_into, stored_clusters

DATA = Path(__file__).parent / "data" / "linking-multilingual.jsonl"
RECORDS = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
FALSE_FRIENDS = [
    ("coe", "euco"),
    ("coe", "ceu"),
    ("euco", "ceu"),
    ("ge", "ga-state"),
    ("gulf", "mx"),
]
SCHEMA = "http://schema.org/"
NG = "https://w3id.org/newsgraph/ns#"

Item = tuple[str, str]


def _expected(records: list[dict[str, Any]]) -> dict[Item, str]:
    return {
        (BASE + "article/" + r["slug"], name): cluster
        for r in records
        for name, cluster in r["x_expected"].items()
    }


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    store, _summary = ingest_into(tmp_path_factory.mktemp("ml") / "store", RECORDS)
    with store:
        yield store


def _by_cluster(clusters: dict[Item, str], expected: dict[Item, str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for item, cluster in expected.items():
        found.setdefault(cluster, set()).add(clusters[item])
    return found


def test_the_set_covers_six_languages_and_three_scripts() -> None:
    assert {r["lang"] for r in RECORDS} == {"en", "de", "ru", "kk", "fr", "es"}
    assert len(_expected(RECORDS)) >= 70


def test_b_cubed_at_least_095(linked: EmbeddedStore) -> None:
    expected = _expected(RECORDS)
    clusters = stored_clusters(linked)
    _p, _r, f1 = b_cubed(expected, {item: clusters[item] for item in expected})
    assert f1 >= 0.95


def test_false_friends_stay_apart_and_turkey_is_one(linked: EmbeddedStore) -> None:
    expected = _expected(RECORDS)
    found = _by_cluster(stored_clusters(linked), expected)
    for left, right in FALSE_FRIENDS:
        assert found[left].isdisjoint(found[right]), (left, right)
    for cluster in ("coe", "euco", "ceu", "tr", "kz", "tokayev", "pace"):
        assert len(found[cluster]) == 1, (cluster, found[cluster])  # one node in every language
    assert found["tr"] == {f"{BASE}entity/turkey"}


def test_names_by_language_and_the_source_of_each_link(linked: EmbeddedStore) -> None:
    kz = f"{BASE}entity/kazakhstan"
    rows = list(
        linked.select(
            f"SELECT ?p ?o WHERE {{ GRAPH ?g {{ <{kz}> ?p ?o FILTER(?p IN "
            f"(<{SCHEMA}name>, <{SCHEMA}alternateName>)) }} }}"
        )
    )
    names_ = [(row["p"].value, row["o"].value, row["o"].language) for row in rows]  # type: ignore[union-attr]
    assert [n for n in names_ if n[0] == SCHEMA + "name"] == [(SCHEMA + "name", "Kazakhstan", None)]
    assert (SCHEMA + "alternateName", "Kasachstan", "de") in names_
    assert (SCHEMA + "alternateName", "Қазақстанның", "kk") in names_
    links = {
        (row["form"].value, row["rule"].value, row["source"].value)  # type: ignore[union-attr]
        for row in linked.select(
            f"PREFIX ng: <{NG}> SELECT ?form ?rule ?source WHERE {{ GRAPH ?g {{"
            f" ?e ng:link ?l . ?l ng:surfaceForm ?form ; ng:rule ?rule ; ng:linkSource ?source }} }}"
        )
    }
    rules = {(form, rule.removeprefix(NG)) for form, rule, _source in links}
    assert ("Kasachstan", "countryNameInLanguage") in rules
    assert ("Совет Европы", "nameInLanguage") in rules
    assert ("Kasachstans", "inflectedForm") in rules
    assert ("Kassym-Schomart Tokajew", "transliteration") in rules
    sources = {form: source for form, _rule, source in links}
    assert "iso3166-1 catalogue (de)" in sources["Kasachstan"]
    assert "coe.int" in sources["Совет Европы"]
    assert "anyascii" in sources["Kassym-Schomart Tokajew"]


def test_the_same_clusters_in_reverse_order(tmp_path: Path, linked: EmbeddedStore) -> None:
    store, _summary = ingest_into(tmp_path / "reverse", RECORDS[::-1])
    with store:
        assert stored_clusters(store) == stored_clusters(linked)


def test_control_without_the_cross_language_rules_misses_the_floor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crosslingual, "link_across", lambda level: None)
    monkeypatch.setattr(crosslingual, "transliterations", lambda level: None)
    monkeypatch.setattr(names.crosslingual, "entry_definitions", lambda level: {})
    store, _summary = ingest_into(tmp_path / "control", RECORDS)
    with store:
        clusters = stored_clusters(store)
    expected = _expected(RECORDS)
    _p, _r, f1 = b_cubed(expected, {item: clusters[item] for item in expected})
    assert f1 < 0.8
