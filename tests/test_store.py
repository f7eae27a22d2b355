"""The embedded store: whole-graph replacement, crash recovery, snapshots for readers."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import ConfigError, StoreLocked
from graph.store import EmbeddedStore

G1, G2 = "http://g.example/1", "http://g.example/2"


def quad(s: str, o: str, g: str) -> ox.Quad:
    return ox.Quad(
        ox.NamedNode(s), ox.NamedNode("http://p.example/p"), ox.Literal(o), ox.NamedNode(g)
    )


def graph_values(store: EmbeddedStore, graph: str) -> set[str]:
    return {
        q.object.value for q in store.raw.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    }


def test_replace_graphs_replaces_whole_graphs_and_adds_others(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path, write=True) as store:
        store.replace_graphs([G1], [quad("http://a", "old", G1), quad("http://a", "old2", G1)])
        store.replace_graphs([G1], [quad("http://a", "new", G1), quad("http://b", "extra", G2)])
        store.replace_graphs([], [quad("http://b", "more", G2)])
        assert graph_values(store, G1) == {"new"}
        assert graph_values(store, G2) == {"extra", "more"}


def test_a_journal_left_by_a_crash_drops_its_partial_graphs(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path, write=True) as store:
        store.replace_graphs([G1, G2], [quad("http://a", "1", G1), quad("http://a", "2", G2)])
    (tmp_path / "journal.json").write_text(json.dumps({"graphs": [G2]}))
    with EmbeddedStore(tmp_path, write=True) as store:
        assert store.recovered == [G2]
        assert graph_values(store, G1) == {"1"}
        assert graph_values(store, G2) == set()
    assert not (tmp_path / "journal.json").exists()


def test_readers_see_each_commit_through_snapshots(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path, write=True) as writer:
        writer.replace_graphs([G1], [quad("http://a", "v1", G1)])
        reader = EmbeddedStore(tmp_path)
        query = "SELECT ?o WHERE { ?s ?p ?o }"
        assert [r["o"].value for r in reader.select(query)] == ["v1"]
        writer.replace_graphs([G1], [quad("http://a", "v2", G1)])
        assert [r["o"].value for r in reader.select(query)] == ["v1"]  # its snapshot is stable
        reader.refresh()
        assert [r["o"].value for r in reader.select(query)] == ["v2"]
        reader.close()
        snapshots = [p for p in (tmp_path / "snapshots").iterdir() if p.is_dir()]
        writer.replace_graphs([G1], [quad("http://a", "v3", G1)])
        remaining = [p for p in (tmp_path / "snapshots").iterdir() if p.is_dir()]
    assert len(remaining) == 1 and remaining[0] not in snapshots


def test_a_second_writer_is_told_the_store_is_locked(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path, write=True), pytest.raises(StoreLocked, match="another process"):
        EmbeddedStore(tmp_path, write=True)


def test_the_base_iri_is_fixed_when_the_store_is_made(tmp_path: Path) -> None:
    EmbeddedStore(tmp_path, write=True, base="http://a.example/").close()
    with pytest.raises(ConfigError, match="NEWSGRAPH_BASE"):
        EmbeddedStore(tmp_path, write=True, base="http://b.example/")


def test_bindings_are_values_not_text(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path, write=True) as store:
        store.replace_graphs([G1], [quad("http://a", 'x" } ; DROP ALL ; #', G1)])
        rows = store.select_all(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {"o": ox.Literal('x" } ; DROP ALL ; #')}
        )
        assert rows[0]["n"].value == "1"
