"""Linking through ingest and the store: later stories re-link earlier ones, any order gives the
same graph, provenance is queryable, overrides persist, and the commands work."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from newsgraph.ingest import ingest
from newsgraph.linking import relink, writes
from newsgraph.linking.overrides import parse_overrides
from newsgraph.settings import Settings
from newsgraph.store import EmbeddedStore

from tests.conftest import BASE, newsgraph, record, write_jsonl

NG = "https://w3id.org/newsgraph/ns#"
S = "http://schema.org/"

STORIES = [
    record("a", entities=["ZPQ", "Kazakhstan"], body_md="# A\n\nZPQ inspectors visited Astana."),
    record(
        "b",
        entities=["Zentral Pharma Quality", "Republic of Kazakhstan"],
        body_md="# B\n\nThe Zentral Pharma Quality (ZPQ) audit praised the Council of Europe.",
    ),
    record("c", entities=["Council of Europe", "PACE"], body_md="# C\n\nNo news."),
    record("d", entities=["Paxar Corp", "Paxar", "James Ottinger", "Ottinger"]),
]


def load(settings: Settings, tmp_path: Path, records: list[dict[str, Any]], name: str) -> None:
    path = write_jsonl(tmp_path / f"{name}.jsonl", records)
    with EmbeddedStore(settings.store_path, write=True, base=settings.base) as store:
        ingest([str(path)], store, settings)


def mentions(settings: Settings, slug: str) -> set[str]:
    with EmbeddedStore(settings.store_path, base=settings.base) as store:
        rows = store.select(
            f"SELECT ?e WHERE {{ GRAPH ?g {{ ?g <{S}mentions> ?e }} }}",
            {"g": ox.NamedNode(settings.minter.article(slug))},
        )
        return {row["e"].value for row in rows}  # type: ignore[union-attr]


def quads(path: Path) -> set[ox.Quad]:
    with EmbeddedStore(path, base=BASE) as store:
        return set(store.raw.quads_for_pattern(None, None, None, None))


def test_an_acronym_learned_later_relinks_an_earlier_story(
    settings: Settings, tmp_path: Path
) -> None:
    load(settings, tmp_path, STORIES[:1], "first")
    assert f"{BASE}entity/zpq" in mentions(settings, "a")
    load(settings, tmp_path, STORIES[1:2], "second")
    assert f"{BASE}entity/zentral-pharma-quality" in mentions(settings, "a")
    assert f"{BASE}entity/zpq" not in mentions(settings, "a")
    assert f"{BASE}entity/kazakhstan" in mentions(settings, "a") & mentions(settings, "b")


def test_any_ingest_order_gives_the_same_store(tmp_path: Path) -> None:
    paths = []
    for name, order in (("forward", STORIES), ("backward", STORIES[::-1])):
        store = tmp_path / name
        for index, story in enumerate(order):  # one ingest run per story
            newsgraph("ingest", "-q", "--store", str(store), "--base", BASE,
                      str(write_jsonl(tmp_path / f"{name}-{index}.jsonl", [story])))  # fmt: skip
        paths.append(store)
    assert quads(paths[0]) == quads(paths[1])


def test_provenance_and_found_in_text_are_queryable(settings: Settings, tmp_path: Path) -> None:
    load(settings, tmp_path, STORIES, "all")
    with EmbeddedStore(settings.store_path, base=settings.base) as store:
        rule = store.select_all(
            f"""SELECT ?form ?article WHERE {{
                  <{BASE}entity/zentral-pharma-quality> <{NG}link> ?link .
                  ?link <{NG}rule> <{NG}acronymInText> ; <{NG}surfaceForm> ?form ;
                        <{NG}evidence> ?article }}"""
        )
        assert [(r["form"].value, r["article"].value) for r in rule] == [
            ("ZPQ", f"{BASE}article/b")
        ]
        in_text = store.select_all(
            f"SELECT ?e WHERE {{ GRAPH ?g {{ <{BASE}article/b> <{NG}foundInText> ?e }} }}"
        )
        assert {r["e"].value for r in in_text} == {f"{BASE}entity/council-of-europe"}
        kinds = dict(
            (r["e"].value, r["t"].value)  # type: ignore[union-attr]
            for r in store.select(f"SELECT ?e ?t WHERE {{ GRAPH ?g {{ ?e a ?t ; <{S}name> ?n }} }}")
        )
    assert kinds[f"{BASE}entity/kazakhstan"] == S + "Country"
    assert kinds[f"{BASE}entity/james-ottinger"] == S + "Person"
    assert kinds[f"{BASE}entity/paxar"] == S + "Organization"
    assert mentions(settings, "d") == {f"{BASE}entity/paxar", f"{BASE}entity/james-ottinger"}


def test_overrides_merge_split_type_and_sameas_persist(settings: Settings, tmp_path: Path) -> None:
    load(settings, tmp_path, STORIES, "all")
    overrides = parse_overrides(
        "action,name,target,article,note\n"
        "merge,ZPQ,Council of Europe,a,a made-up correction\n"
        "split,Paxar,Paxar Corp,,\n"
        "type,Zentral Pharma Quality,GovernmentOrganization,,\n"
        "sameas,Zentral Pharma Quality,Q99999999,,test item\n"
    )
    with EmbeddedStore(settings.store_path, write=True, base=settings.base) as store:
        summary = relink(store, settings.minter, overrides=overrides)
    assert summary.rewritten >= 1
    assert f"{BASE}entity/council-of-europe" in mentions(settings, "a")
    assert len(mentions(settings, "d")) == 3  # Paxar apart from Paxar Corp
    load(settings, tmp_path, [record("e", entities=["Zentral Pharma Quality"])], "later")
    with EmbeddedStore(settings.store_path, base=settings.base) as store:
        entity = f"<{BASE}entity/zentral-pharma-quality>"
        assert store.ask(f"ASK {{ {entity} a <{S}GovernmentOrganization> ; <{S}sameAs> "
                         "<http://www.wikidata.org/entity/Q99999999> }")  # fmt: skip
    assert len(mentions(settings, "d")) == 3  # still applied after a later ingest


def test_link_and_entities_commands(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    newsgraph("ingest", "-q", "--store", store, str(write_jsonl(tmp_path / "s.jsonl", STORIES)))
    bad = tmp_path / "bad.csv"
    bad.write_text("action,name,target\nexplode,A,B\n")
    failed = newsgraph("link", "--store", store, "--overrides", str(bad))
    assert failed.returncode == 2 and b"Traceback" not in failed.stderr
    assert b"bad.csv:2" in failed.stderr
    done = newsgraph("link", "--store", store)
    assert done.returncode == 0 and b"linked 4 articles" in done.stderr
    listed = newsgraph("entities", "--store", store, "--json", "--search", "kazakh")
    rows = [json.loads(line) for line in listed.stdout.decode().splitlines()]
    assert [(r["name"], r["type"], r["articles"]) for r in rows] == [("Kazakhstan", "Country", "2")]
    assert "Republic of Kazakhstan" in rows[0]["aliases"]
    assert rows[0]["first"].startswith("2026-01-02")


def test_link_changes_are_written_in_chunks_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writes, "CHUNK", 2)
    mentions, found = f"<{S}mentions>", f"<{NG}foundInText>"
    article = [f"http://a.example/{i}" for i in range(5)]
    entity = [f"http://e.example/{i}" for i in range(6)]
    held = [f"<{a}> {mentions} <{e}> <{a}> .\n" for a in article for e in entity[:3]]
    with EmbeddedStore(tmp_path, write=True) as store:
        store.replace_graphs_nquads(article, "".join(held).encode())
        changes = [
            (a, (tuple(entity[:3]), ()), (tuple(entity[2:5]), (entity[4],))) for a in article
        ]
        assert writes.write_links(store, changes) == 5 * (2 + 2 + 1)
        quads = {str(q) for q in store.raw.quads_for_pattern(None, None, None, None)}
    expected = {f"<{a}> {mentions} <{e}> <{a}>" for a in article for e in entity[2:5]}
    expected |= {f"<{a}> {found} <{entity[4]}> <{a}>" for a in article}
    assert quads == expected


def test_clusters_wanting_one_key_are_three_entities_in_the_store(tmp_path: Path) -> None:
    """The names "Øresund" and "Resund" both want the key ``resund``; "Resund 2" wants ``resund-2``, the
    key the former rule numbered the second of them with, so that one entity IRI stood for two
    clusters (``graph/linking/keys.py``). Through the command: each
    article mentions the entity of its own name, and the three are apart."""
    names = ["Øresund", "Resund", "Resund 2"]
    path = write_jsonl(
        tmp_path / "claimants.jsonl",
        [record(f"k{i}", entities=[name]) for i, name in enumerate(names)],
    )
    result = newsgraph("ingest", "--quiet", "--store", str(tmp_path / "store"), "--base", BASE,
                       str(path))  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    with EmbeddedStore(tmp_path / "store", base=BASE) as store:
        rows = store.select(
            f"SELECT ?g ?e (GROUP_CONCAT(?name) AS ?names) WHERE {{ "
            f"GRAPH ?g {{ ?g <{S}mentions> ?e }} ?e <{S}name> ?name }} GROUP BY ?g ?e"
        )
        found = {
            row["g"].value.rsplit("/", 1)[1]: (row["e"].value, row["names"].value)  # type: ignore[union-attr]
            for row in rows
        }
    assert {slug: name for slug, (_e, name) in found.items()} == {
        f"k{i}": name for i, name in enumerate(names)
    }
    assert len({entity for entity, _name in found.values()}) == 3
