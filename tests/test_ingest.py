from __future__ import annotations

import json
from pathlib import Path

import pytest
from newsgraph.ingest import ingest
from newsgraph.settings import Settings
from newsgraph.store import EmbeddedStore

from tests.conftest import record, write_jsonl

S = "http://schema.org/"


def _quads(store: EmbeddedStore) -> set[str]:
    return {str(q) for q in store.raw.quads_for_pattern(None, None, None, None)}


def test_same_files_twice_change_nothing(tmp_path: Path, settings: Settings) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [record("a"), record("b")])
    with EmbeddedStore(settings.store_path, write=True, base=settings.base) as store:
        first = ingest([str(path)], store, settings)
        before = _quads(store)
        second = ingest([str(path)], store, settings)
        assert _quads(store) == before
    assert (first.loaded, first.unchanged) == (2, 0)
    assert (second.loaded, second.replaced, second.unchanged) == (0, 0, 2)


def test_newer_version_replaces_and_older_never_does(tmp_path: Path, settings: Settings) -> None:
    old = record("a", title="Old", updated_at="2026-01-05T00:00:00Z", entities=["X"])
    new = record("a", title="New", updated_at="2026-01-06T00:00:00Z", entities=["Y"])
    with EmbeddedStore(settings.store_path, write=True, base=settings.base) as store:
        ingest([str(write_jsonl(tmp_path / "old.jsonl", [old]))], store, settings)
        summary = ingest([str(write_jsonl(tmp_path / "new.jsonl", [new]))], store, settings)
        assert summary.replaced == 1
        again = ingest([str(tmp_path / "old.jsonl")], store, settings)
        assert again.skipped == 1
        headlines = [
            r["h"].value for r in store.select(f"SELECT ?h WHERE {{ ?a <{S}headline> ?h }}")
        ]
        mentions = [
            r["e"].value for r in store.select(f"SELECT ?e WHERE {{ ?a <{S}mentions> ?e }}")
        ]
    assert headlines == ["New"]
    assert mentions == ["http://localhost:8000/entity/y"]


def test_duplicate_slugs_in_one_batch_keep_the_newest(tmp_path: Path, settings: Settings) -> None:
    rows = [
        record("d", title="Second", updated_at="2026-03-02T00:00:00Z"),
        record("d", title="Third", updated_at="2026-03-03T00:00:00Z"),
        record("d", title="First", updated_at="2026-03-01T00:00:00Z"),
    ]
    lines: list[str] = []
    with EmbeddedStore(settings.store_path, write=True, base=settings.base) as store:
        summary = ingest(
            [str(write_jsonl(tmp_path / "d.jsonl", rows))], store, settings, report=lines.append
        )
        headlines = [
            r["h"].value for r in store.select(f"SELECT ?h WHERE {{ ?a <{S}headline> ?h }}")
        ]
    assert headlines == ["Third"]
    assert (summary.loaded, summary.skipped) == (1, 2)
    assert any("d.jsonl:1" in line and "superseded" in line for line in lines)


def test_bad_records_are_named_set_aside_and_the_rest_loads(
    tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        json.dumps(record("good1")) + "\n"
        + json.dumps(record("bad", published_at="not a date")) + "\n"
        + "{not json\n"
        + json.dumps(record("good2")) + "\n"
    )  # fmt: skip
    lines: list[str] = []
    with EmbeddedStore(settings.store_path, write=True, base=settings.base) as store:
        summary = ingest([str(path)], store, settings, report=lines.append)
        count = store.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a a <{S}NewsArticle> }}")
    assert (summary.loaded, summary.rejected, count) == (2, 2, 2)
    assert any(f"{path}:2: published_at:" in line for line in lines)
    assert any(f"{path}:3: invalid JSON" in line for line in lines)
    rejects = [json.loads(line) for line in settings.rejects_path.read_text().splitlines()]
    assert [r["location"] for r in rejects] == [f"{path}:2", f"{path}:3"]
    assert rejects[0]["record"]["slug"] == "bad" and rejects[0]["field"] == "published_at"
    assert rejects[1]["text"] == "{not json"


def test_entities_are_described_once_in_the_entities_graph(
    tmp_path: Path, settings: Settings
) -> None:
    rows = [record("a", entities=["Kazakhstan"]), record("b", entities=["kazakhstan", "Astana"]),
            record("c", entities=["Kazakhstan"])]  # fmt: skip
    with EmbeddedStore(settings.store_path, write=True, base=settings.base) as store:
        summary = ingest([str(write_jsonl(tmp_path / "e.jsonl", rows))], store, settings)
        names = store.select_all(
            f"SELECT ?g ?name WHERE {{ GRAPH ?g {{ <{settings.base}entity/kazakhstan> <{S}name> ?name }} }}"
        )
    assert summary.entities == 2
    assert [(r["g"].value, r["name"].value) for r in names] == [
        (settings.minter.entities_graph, "Kazakhstan")
    ]


def test_versions_in_later_batches_of_one_run_into_an_empty_store(tmp_path: Path) -> None:
    """The run keeps track of the graphs it wrote into an empty store: a later batch's
    version of an article replaces it (newer) or is skipped (older), as in a full store."""
    from newsgraph.settings import load_settings

    rows = [
        record("v", title="Second", updated_at="2026-03-02T00:00:00Z"),
        record("w", title="Other"),
        record("v", title="Third", updated_at="2026-03-03T00:00:00Z"),
        record("v", title="First", updated_at="2026-03-01T00:00:00Z"),
    ]
    settings = load_settings(store=str(tmp_path / "s"), batch_size=1)
    with EmbeddedStore(settings.store_path, write=True, base=settings.base) as store:
        summary = ingest([str(write_jsonl(tmp_path / "v.jsonl", rows))], store, settings)
        headlines = sorted(
            r["h"].value for r in store.select(f"SELECT ?h WHERE {{ ?a <{S}headline> ?h }}")
        )
    assert headlines == ["Other", "Third"]
    assert (summary.loaded, summary.replaced, summary.skipped) == (2, 1, 1)


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_batch_size_does_not_change_the_graph(tmp_path: Path, batch_size: int) -> None:
    from newsgraph.settings import load_settings

    rows = [record(f"r{i}", entities=[f"E{i % 3}"]) for i in range(5)]
    path = write_jsonl(tmp_path / "b.jsonl", rows)
    reference = load_settings(store=str(tmp_path / "ref"), batch_size=1000)
    chosen = load_settings(store=str(tmp_path / f"s{batch_size}"), batch_size=batch_size)
    graphs = []
    for s in (reference, chosen):
        with EmbeddedStore(s.store_path, write=True, base=s.base) as store:
            ingest([str(path)], store, s)
            graphs.append(_quads(store))
    assert graphs[0] == graphs[1]


def test_stdin_is_read(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    data = (json.dumps(record("in1")) + "\n" + json.dumps(record("in2")) + "\n").encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    with EmbeddedStore(settings.store_path, write=True, base=settings.base) as store:
        summary = ingest(["-"], store, settings)
    assert summary.loaded == 2


def test_the_summary_tells_this_run_from_the_store(tmp_path: Path) -> None:
    """Defect 14: the run's counts and the store's totals, each named as what it is."""
    from tests.conftest import BASE, newsgraph

    store = str(tmp_path / "store")
    first = write_jsonl(tmp_path / "a.jsonl", [record("a"), record("b", entities=["Y"])])
    done = newsgraph("ingest", "--store", store, "--base", BASE, str(first))
    assert done.returncode == 0, done.stderr.decode()
    stats = json.loads(newsgraph("stats", "--json", "--store", store).stdout)
    line = done.stderr.decode().strip().splitlines()[-1]
    assert line.startswith("this run: loaded 2, replaced 0, unchanged 0")
    assert f"the store now: {stats['articles']} articles, {stats['entities']} entities" in line
    written = int(line.split("; ")[1].split(" triples written")[0])
    assert 0 < written < stats["triples"]  # the articles' own triples, not links or entities

    more = write_jsonl(tmp_path / "b.jsonl", [record("c", entities=["Z"])])
    again = newsgraph("ingest", "--store", store, "--base", BASE, str(first), str(more))
    stats = json.loads(newsgraph("stats", "--json", "--store", store).stdout)
    line = again.stderr.decode().strip().splitlines()[-1]
    assert line.startswith("this run: loaded 1, replaced 0, unchanged 2")
    assert f"the store now: 3 articles, {stats['entities']} entities" in line

    nothing = newsgraph("ingest", "--store", store, "--base", BASE, str(more))
    line = nothing.stderr.decode().strip().splitlines()[-1]
    assert line.startswith("this run: loaded 0, replaced 0, unchanged 1")
    assert "; 0 triples written" in line
    assert f"the store now: 3 articles, {stats['entities']} entities" in line
