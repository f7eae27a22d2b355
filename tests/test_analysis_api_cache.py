"""Analysed networks kept per store snapshot (graph/cooccurrence/cache.py): a kept value is what a
fresh computation gives, or the cache does not answer.

Each test holds the cache to a fresh computation on a real store (the corpus of
tests/test_cooccur_top.py), across real writes: a write while a value is computed, a read-only
store that has not yet followed a write, and ``newsgraph ingest`` under a running server. Each
write is checked to change the answer, so a stale value could not pass unseen.
"""

from __future__ import annotations

import dataclasses
import shutil
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from newsgraph.cooccurrence import Counts, count_window, formats
from newsgraph.cooccurrence.cache import CountsCache, NetworkCache, SnapshotCache, store_version
from newsgraph.cooccurrence.network import Network, NetworkOptions, build_network
from newsgraph.cooccurrence.shown import shown
from newsgraph.cooccurrence.window import Window, parse_bound
from newsgraph.ingest import ingest
from newsgraph.settings import Settings
from newsgraph.store import EmbeddedStore

from tests.conftest import BASE, newsgraph, record, start_server, write_jsonl
from tests.test_cooccur_top import ALDOR, assert_whole_numbers, hubs, ingested, whole_network

NEW = BASE + "entity/nuvela"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("analysis-api-cache")
    return ingested(root, write_jsonl(root / "hubs.jsonl", hubs()))


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Path:
    """A copy of the corpus's store that the test may write."""
    return Path(shutil.copytree(template, tmp_path / "store"))


def more_articles(path: Path, count: int = 6) -> Path:
    """``count`` new articles mentioning Aldor with an entity the corpus does not have."""
    return write_jsonl(path, [
        record(f"n{n}", published_at="2024-05-05T08:00:00Z", entities=["Aldor", "Nuvela"])
        for n in range(count)
    ])  # fmt: skip


def write_more(store: EmbeddedStore, root: Path) -> None:
    ingest([str(more_articles(root / "more.jsonl"))], store, Settings(store=str(root), base=BASE))


def same_network(kept: Network, fresh: Network) -> None:
    """Every node, edge and graph attribute, in the same order, and the same ranking."""
    assert list(kept.graph.nodes(data=True)) == list(fresh.graph.nodes(data=True))
    assert list(kept.graph.edges(data=True)) == list(fresh.graph.edges(data=True))
    assert kept.graph.graph == fresh.graph.graph
    assert (kept.edges, kept.articles, kept.options) == (fresh.edges, fresh.articles, fresh.options)


def test_a_kept_network_is_the_fresh_one_for_every_top(template: Path) -> None:
    cache = NetworkCache()
    with EmbeddedStore(template) as opened:
        for options in (NetworkOptions(weight="npmi"), NetworkOptions(entity=ALDOR)):
            kept = cache.whole(opened, dataclasses.replace(options, top=5))
            fresh = build_network(opened, options)
            same_network(kept, fresh)
            for top in (3, 60):
                again = cache.whole(opened, dataclasses.replace(options, top=top))
                assert again is kept  # ``top`` does not shape the network: one entry
                assert formats.network_json(shown(again, top)) == formats.network_json(
                    shown(fresh, top)
                )
        assert cache.hits == 4
        since = NetworkOptions(window=Window(since=parse_bound("2024-07")))
        assert cache.whole(opened, since).articles < kept.articles
        assert cache.hits == 4


def test_a_cut_leaves_the_kept_network_alone(template: Path) -> None:
    cache = NetworkCache()
    with EmbeddedStore(template) as opened:
        kept = cache.whole(opened, NetworkOptions())
        before = list(kept.graph.nodes(data=True)), list(kept.graph.edges(data=True))
        part = shown(kept, 5)
        for _node, data in part.graph.nodes(data=True):
            data["degree"] = -1
        for _u, _v, data in part.graph.edges(data=True):
            data["count"] = -1
        part.graph.graph["articles"] = -1
        after = list(kept.graph.nodes(data=True)), list(kept.graph.edges(data=True))
        assert after == before and kept.graph.graph["articles"] == kept.articles
        same_network(kept, build_network(opened, NetworkOptions()))


def test_a_value_computed_across_a_write_is_not_kept(store: Path, tmp_path: Path) -> None:
    cache: SnapshotCache[Counts] = SnapshotCache()
    with EmbeddedStore(store, write=True, base=BASE) as opened:
        version = store_version(opened)

        def counted_across_a_write() -> Counts:
            first = count_window(opened, Window())
            write_more(opened, tmp_path)
            return first

        first = cache.get(opened, "window", counted_across_a_write)
        assert store_version(opened) != version and len(cache) == 0  # answered, not kept
        now = cache.get(opened, "window", lambda: count_window(opened, Window()))
        assert (cache.hits, len(cache)) == (0, 1)
        assert now.articles == first.articles + 6  # the control: the write changed the counts
        assert cache.get(opened, "window", lambda: first) is now and cache.hits == 1


def test_a_reader_is_answered_from_the_snapshot_it_reads(store: Path, tmp_path: Path) -> None:
    """A read-only store reads its snapshot until it is refreshed, whatever was published since:
    the key is that snapshot, not the newest."""
    cache = CountsCache()
    with EmbeddedStore(store) as reader:
        before = cache.count_window(reader, Window())
        with EmbeddedStore(store, write=True, base=BASE) as writer:
            write_more(writer, tmp_path)
        assert cache.count_window(reader, Window()) == count_window(reader, Window()) == before
        reader.refresh()
        after = cache.count_window(reader, Window())
        assert after == count_window(reader, Window())
        assert after.articles == before.articles + 6  # the control: a stale value would differ


def test_one_computation_per_key_at_a_time(template: Path) -> None:
    cache: SnapshotCache[Network] = SnapshotCache()
    calls: list[int] = []
    found: list[Network] = []
    start = threading.Barrier(4)
    with EmbeddedStore(template) as opened:

        def build() -> Network:
            calls.append(1)
            return build_network(opened, NetworkOptions())

        def ask() -> None:
            start.wait()
            found.append(cache.get(opened, "whole", build))

        threads = [threading.Thread(target=ask) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(calls) == 1 and len(found) == 4
    assert all(network is found[0] for network in found)


def test_the_budget_keeps_the_newest_and_the_most_recently_used(template: Path) -> None:
    cache: SnapshotCache[list[int]] = SnapshotCache(size=3, cost=len, budget=10)
    with EmbeddedStore(template) as opened:
        cache.get(opened, "a", lambda: [0] * 4)
        cache.get(opened, "b", lambda: [0] * 4)
        cache.get(opened, "a", not_computed)  # a is used again: b is now the oldest
        cache.get(opened, "c", lambda: [0] * 4)  # 12 > 10: b goes
        assert cache.get(opened, "a", not_computed) == [0] * 4 and len(cache) == 2
        assert cache.get(opened, "c", not_computed) == [0] * 4
        assert cache.get(opened, "b", lambda: [1]) == [1]  # computed again
        cache.get(opened, "huge", lambda: [0] * 50)
        assert len(cache) == 1 and cache.get(opened, "huge", not_computed) == [0] * 50


def not_computed() -> list[int]:
    raise AssertionError("the cache computed a value it should have kept")


def test_a_write_under_the_server_changes_its_answer(store: Path, tmp_path: Path) -> None:
    """``newsgraph ingest`` while the server runs publishes a snapshot; the next answer is that
    of the new store, whatever the server kept."""
    server = start_server(store)
    try:

        def network(**params: Any) -> dict[str, Any]:
            response = httpx.get(server.url + "api/cooccurrence", params=params, timeout=120)
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            return body

        old = network(top=5_000)
        assert network(top=5_000) == old and network(top=5)["nodes"]  # kept, then cut
        done = newsgraph("ingest", "-q", "--store", str(store), "--base", BASE,
                         str(more_articles(tmp_path / "more.jsonl")))  # fmt: skip
        assert done.returncode == 0, done.stderr.decode()
        oracle = whole_network(store)
        for top in (5_000, 3):
            body = network(top=top)
            assert_whole_numbers({n["entity"]: n for n in body["nodes"]}, oracle)
        new = network(top=5_000)
        assert new["articles"] == old["articles"] + 6 and NEW in {n["entity"] for n in new["nodes"]}
        aldor = next(n for n in old["nodes"] if n["entity"] == ALDOR)
        assert aldor["degree"] + 1 == oracle.nodes[ALDOR]["degree"]  # the control: it changed
        with pytest.raises(AssertionError):
            assert_whole_numbers({n["entity"]: n for n in old["nodes"]}, oracle)
    finally:
        server.stop()
