"""A write published while the server runs is answered from the entity summaries at once: the
server follows each new snapshot as soon as it appears, and a named query that comes while the
follow is under way waits for it rather than go to the engine (``graph/store/summaries/keeper.py``).
The query workers open each new snapshot ahead of the first query that reads it, and let the
one before go while idle (``graph/store/workers.py``, :meth:`SnapshotReader.prepare`).
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from newsgraph import queries
from newsgraph.ingest import ingest
from newsgraph.settings import load_settings
from newsgraph.sparql import QueryRequest, results
from newsgraph.store import EmbeddedStore, served
from newsgraph.store.served import ServedStore
from newsgraph.store.snapshots import SnapshotReader, Snapshots

from bench import corpus
from tests.conftest import BASE, Server, ingested, newsgraph, write_jsonl

#: Records the stores start from, and those later batches add.
FIRST = 120


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return list(corpus.generate(FIRST + 60, seed=11))


def _newest_first(records: list[dict[str, Any]], start: int, count: int) -> list[dict[str, Any]]:
    """Records ``start`` … dated after every record before them, the first the newest (so each
    of its entities lists it first)."""
    return [
        {**record, "published_at": f"{2040 + start}-01-{28 - index:02d}T00:00:00Z",
         "updated_at": None}
        for index, record in enumerate(records[start : start + count])
    ]  # fmt: skip


def _known_entity(server: Server, record: dict[str, Any]) -> str:
    for name in record["entities"]:
        query = queries.bind("entities-by-name", {"name": ox.Literal(name)})
        rows = httpx.get(server.sparql, params={"query": query}, timeout=30).json()
        found = rows["results"]["bindings"]
        if len(found) == 1:
            return str(found[0]["entity"]["value"])
    raise AssertionError(f"no entity of {record['slug']} is known to the store")


def _entity_articles(server: Server, entity: str) -> tuple[list[str], str]:
    text = queries.bind("entity-articles", {"entity": ox.NamedNode(entity)})
    response = httpx.get(server.sparql, params={"query": text},
                         headers={"Accept": results.JSON}, timeout=60)  # fmt: skip
    response.raise_for_status()
    rows = response.json()["results"]["bindings"]
    return [row["article"]["value"] for row in rows], response.headers["server-timing"]


def test_the_first_named_query_after_a_write_is_answered_from_the_summaries(
    tmp_path: Path, serve: Callable[..., Server], records: list[dict[str, Any]]
) -> None:
    """``newsgraph ingest`` borrows the running server's store; the named query sent the moment
    it returns lists the new article, from the summaries (before: from the engine, which takes
    up to seconds for the most mentioned entities of a large store)."""
    store = ingested(tmp_path / "store", write_jsonl(tmp_path / "first.jsonl", records[:FIRST]))
    server = serve(store, env={"NEWSGRAPH_RESULT_CACHE_BYTES": "0"})
    for number in range(3):
        batch = _newest_first(records, FIRST + 10 * number, 10)
        entity = _known_entity(server, batch[0])
        deadline = time.monotonic() + 60
        while not _entity_articles(server, entity)[1].startswith("summaries"):
            assert time.monotonic() < deadline, "the summaries were never built"
            time.sleep(0.2)
        path = write_jsonl(tmp_path / f"batch-{number}.jsonl", batch)
        result = newsgraph("ingest", "--quiet", "--store", str(store), "--base", BASE, str(path))
        assert result.returncode == 0, result.stderr.decode()
        articles, timing = _entity_articles(server, entity)
        assert articles[0] == BASE + "article/" + batch[0]["slug"], (number, articles[:3])
        assert "summaries;" in timing, (number, timing)


def _request(entity: str) -> QueryRequest:
    return QueryRequest(queries.bind("entity-articles", {"entity": ox.NamedNode(entity)}))


def _served_after_a_write(
    tmp_path: Path, records: list[dict[str, Any]], *, watch: bool
) -> tuple[ServedStore, list[tuple[str, float, str]]]:
    """A served store (in this process) with its summaries built; a batch ingested by another
    writer (as ``newsgraph ingest`` does beside a server); the timings of the named query asked
    right after."""
    store = tmp_path / "store"
    settings = load_settings(store=str(store), base=BASE)
    writer = EmbeddedStore(store, write=True, base=BASE)
    held: ServedStore | None = None
    try:
        ingest([str(write_jsonl(tmp_path / "first.jsonl", records[:FIRST]))], writer, settings)
        held = ServedStore(store, base=BASE, workers=1, timeout=30, summaries=False)
        assert not held.owns_primary
        keeper = held.summaries = served.SummaryKeeper(store)
        if watch:
            keeper.watch()
        keeper.build_now()
        batch = _newest_first(records, FIRST, 10)
        ingest([str(write_jsonl(tmp_path / "batch.jsonl", batch))], writer, settings)
        name = ox.Literal(batch[0]["entities"][0])
        rows = writer.select(queries.load("entities-by-name"), {"name": name})
        entity = next(iter(rows))["entity"].value  # type: ignore[union-attr]
        executed = asyncio.run(held.execute_async(_request(entity)))
    except BaseException:
        if held is not None:
            held.close()
        raise
    finally:
        writer.close()
    answered = json.loads(executed.response.body)["results"]["bindings"]
    assert answered[0]["article"]["value"] == BASE + "article/" + batch[0]["slug"]
    return held, list(executed.timings)


def test_a_named_query_waits_for_the_follow_under_way(
    tmp_path: Path, records: list[dict[str, Any]]
) -> None:
    held, timings = _served_after_a_write(tmp_path, records, watch=True)
    try:
        assert timings[-1][0] == "summaries", timings
    finally:
        held.close()


def test_control_without_the_wait_the_engine_answers(
    tmp_path: Path, records: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no watch and no time to wait, the first query after the write goes to a worker:
    the assertion above tells the two apart."""
    monkeypatch.setattr(served, "FOLLOW_WAIT", 0)
    held, timings = _served_after_a_write(tmp_path, records, watch=False)
    try:
        assert [name for name, _s, _d in timings] == ["wait", "query"], timings
    finally:
        held.close()


def _held_by_a_reader(lock: Path) -> bool:
    """Whether some process holds the snapshot's lock (shared: it reads that snapshot)."""
    with lock.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def test_the_workers_open_a_new_snapshot_before_any_query_reads_it(
    tmp_path: Path, serve: Callable[..., Server], records: list[dict[str, Any]]
) -> None:
    store = ingested(tmp_path / "store", write_jsonl(tmp_path / "first.jsonl", records[:FIRST]))
    server = serve(store, env={"NEWSGRAPH_QUERY_SUMMARIES": "false"})
    snapshots = Snapshots(store / "snapshots")
    before = snapshots.current()
    assert _held_by_a_reader(snapshots.root / f"{before}.lock"), "the workers read it"
    path = write_jsonl(tmp_path / "batch.jsonl", _newest_first(records, FIRST, 5))
    result = newsgraph("ingest", "--quiet", "--store", str(store), "--base", BASE, str(path))
    assert result.returncode == 0, result.stderr.decode()
    newest = snapshots.current()
    assert newest is not None and newest != before
    lock = snapshots.root / f"{newest}.lock"
    deadline = time.monotonic() + 10
    while not _held_by_a_reader(lock):  # no query was sent since the write
        assert time.monotonic() < deadline, "no worker opened the new snapshot"
        time.sleep(0.05)
    # idle, they read it from then on, and let the one before go
    while _held_by_a_reader(snapshots.root / f"{before}.lock"):
        assert time.monotonic() < deadline, "a worker still holds the snapshot before"
        time.sleep(0.05)
    # control: once the server is gone, nothing holds the new one either
    server.stop()
    assert not _held_by_a_reader(lock)


def test_refresh_swaps_in_the_prepared_snapshot(
    tmp_path: Path, records: list[dict[str, Any]]
) -> None:
    store = ingested(tmp_path / "store", write_jsonl(tmp_path / "first.jsonl", records[:20]))
    snapshots = Snapshots(store / "snapshots")
    reader = SnapshotReader(snapshots)
    first = reader.refresh()
    reader.prepare()  # nothing newer: nothing opened
    assert reader.refresh() is first and reader._prepared is None
    ingested(store, write_jsonl(tmp_path / "more.jsonl", records[20:25]))
    reader.prepare()
    assert reader._prepared is not None and reader._prepared[0] == snapshots.current()
    prepared = reader._prepared[1]
    assert reader.refresh() is prepared and reader.name == snapshots.current()
    # a snapshot prepared but overtaken by a newer one is dropped, and the newest opened
    reader.prepare()
    ingested(store, write_jsonl(tmp_path / "last.jsonl", records[25:30]))
    reader.prepare()
    ingested(store, write_jsonl(tmp_path / "later.jsonl", records[30:35]))
    newest = reader.refresh()
    assert reader.name == snapshots.current() and newest is not None
    assert len(list(newest.query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"))) == 1
    reader.close()
