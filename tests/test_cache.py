"""Counts kept between requests (graph/cooccurrence/cache.py): reused until the store changes."""

from __future__ import annotations

from pathlib import Path

from newsgraph.cooccurrence import count_window
from newsgraph.cooccurrence.cache import CountsCache, store_version
from newsgraph.cooccurrence.window import Window
from newsgraph.ingest import ingest
from newsgraph.settings import Settings
from newsgraph.store import EmbeddedStore, RemoteStore

from tests.conftest import BASE, record, write_jsonl
from tests.cooccur_corpus import build_store


def test_reused_until_a_write_publishes_a_new_snapshot(tmp_path: Path) -> None:
    path = build_store(tmp_path)
    cache = CountsCache(size=2)
    with EmbeddedStore(path, write=True, base=BASE) as store:
        first = cache.count_window(store, Window())
        assert cache.count_window(store, Window()) is first and cache.hits == 1
        extra = write_jsonl(tmp_path / "more.jsonl", [record("more", entities=["Astana", "Mars"])])
        ingest([str(extra)], store, Settings(store=str(path), base=BASE))
        after = cache.count_window(store, Window())
        assert after is not first and after == count_window(store, Window())
        assert after.articles == first.articles + 1
        assert (BASE + "entity/astana", BASE + "entity/mars") in after.pairs


def test_remote_stores_are_not_cached() -> None:
    with RemoteStore("http://127.0.0.1:9/sparql") as remote:
        assert store_version(remote) is None


def test_a_network_built_through_the_cache_is_the_same(tmp_path: Path) -> None:
    from newsgraph.cooccurrence.network import NetworkOptions, build_network

    cache = CountsCache()
    with EmbeddedStore(build_store(tmp_path)) as store:
        options = NetworkOptions(weight="npmi", top=5)
        direct = build_network(store, options)
        cached = [build_network(store, options, cache=cache) for _ in range(2)]
    assert cache.hits == 1
    assert direct.edges == cached[0].edges == cached[1].edges
