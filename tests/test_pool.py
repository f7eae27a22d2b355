"""The query pool: answers like the store, kills a runaway query's worker and replaces it,
queues callers fairly, survives a worker's death, and follows new snapshots."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from newsgraph.errors import QueryError, QueryTimeout, StoreError
from newsgraph.sparql import QueryRequest
from newsgraph.store import EmbeddedStore
from newsgraph.store.pool import QueryPool

EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _quads(graph: str, count: int) -> list[ox.Quad]:
    return [
        ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), ox.NamedNode("http://example.org/p"),
                ox.Literal(str(i)), ox.NamedNode(graph))
        for i in range(count)
    ]  # fmt: skip


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pool") / "store"
    with EmbeddedStore(path, write=True) as store:
        store.replace_graphs(["http://example.org/g"], _quads("http://example.org/g", 300))
    return path


@pytest.fixture(scope="module")
def pool(store_path: Path) -> Iterator[QueryPool]:
    running = QueryPool(store_path, 2, timeout=1.0)
    yield running
    running.close()


def _count(rows: Iterator[dict[str, ox.Literal]]) -> int:
    return int(next(rows)["n"].value)


def test_answers_like_the_store(pool: QueryPool, store_path: Path) -> None:
    with EmbeddedStore(store_path) as direct:
        assert _count(pool.select(COUNT)) == direct.count(COUNT) == 300
        request = QueryRequest("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 3")
        assert pool.execute(request) == direct.execute(request)
    assert pool.ask("ASK { ?s ?p ?o }")
    assert len(list(pool.construct("CONSTRUCT WHERE { ?s ?p ?o }"))) == 300


def test_errors_come_back_as_their_class(pool: QueryPool) -> None:
    with pytest.raises(QueryError):
        pool.execute(QueryRequest("SELECT ?x WHERE {"))
    assert pool.ask("ASK {}")  # the worker is still there


def _alive(pid: int) -> bool:
    return (
        Path(f"/proc/{pid}").exists()
        and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
    )


def _wait_for(predicate, seconds: float = 30) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_runaway_query_kills_its_worker_only(pool: QueryPool) -> None:
    before = set(pool.pids)
    with pytest.raises(QueryTimeout):
        pool.execute(QueryRequest(EXPLOSIVE))
    assert _wait_for(lambda: len(pool.pids) == 2 and set(pool.pids) != before)
    gone = before - set(pool.pids)
    assert len(gone) == 1 and not _alive(gone.pop())
    assert pool.ask("ASK { ?s ?p ?o }")


def test_async_timeouts_and_cheap_queries_meanwhile(pool: QueryPool) -> None:
    async def scenario() -> tuple[list[object], list[bool]]:
        runaway = asyncio.ensure_future(
            pool.call_async("execute", QueryRequest(EXPLOSIVE), timeout=1.0)
        )
        await asyncio.sleep(0.1)
        cheap = [(await pool.call_async("ask", ("ASK { ?s ?p ?o }", {}))).value for _ in range(20)]
        outcome = await asyncio.gather(runaway, return_exceptions=True)
        return outcome, cheap

    outcome, cheap = asyncio.run(scenario())
    assert isinstance(outcome[0], QueryTimeout)
    assert cheap == [True] * 20


def test_more_callers_than_workers_are_queued(pool: QueryPool) -> None:
    async def many() -> list[int]:
        replies = await asyncio.gather(*(pool.call_async("select", (COUNT, {})) for _ in range(40)))
        return [int(reply.value[0]["n"].value) for reply in replies]

    assert asyncio.run(many()) == [300] * 40
    assert _wait_for(lambda: len(pool.pids) == 2)


def test_a_cancelled_caller_gives_its_worker_back(pool: QueryPool) -> None:
    async def cancel_waiters() -> None:
        waiting = [asyncio.ensure_future(pool.call_async("select", (COUNT, {}))) for _ in range(10)]
        await asyncio.sleep(0)
        for task in waiting:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)

    asyncio.run(cancel_waiters())
    assert _wait_for(lambda: len(pool.pids) == 2)
    assert [pool.ask("ASK {}") for _ in range(4)] == [True] * 4


def test_cancelling_a_running_query_stops_it(pool: QueryPool) -> None:
    assert _wait_for(lambda: len(pool.pids) == 2)
    before = set(pool.pids)

    async def cancel_running() -> None:
        task = asyncio.ensure_future(
            pool.call_async("execute", QueryRequest(EXPLOSIVE), timeout=60)
        )
        await asyncio.sleep(0.3)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    asyncio.run(cancel_running())
    assert _wait_for(lambda: len(pool.pids) == 2 and len(before - set(pool.pids)) == 1)
    assert pool.ask("ASK { ?s ?p ?o }")


def test_a_worker_that_dies_is_replaced(pool: QueryPool) -> None:
    assert _wait_for(lambda: len(pool.pids) == 2)
    dead = set(pool.pids)
    for pid in dead:
        os.kill(pid, signal.SIGKILL)
    assert _wait_for(lambda: len(pool.pids) == 2 and not dead & set(pool.pids))
    assert [pool.ask("ASK {}") for _ in range(4)] == [True] * 4


def test_workers_follow_new_snapshots(store_path: Path) -> None:
    path = store_path.parent / "following"
    with EmbeddedStore(path, write=True) as writer:
        writer.replace_graphs(["http://example.org/a"], _quads("http://example.org/a", 2))
        following = QueryPool(path, 1, timeout=5)
        try:
            first = following.call("select", (COUNT, {}), hint=writer.generation)
            writer.replace_graphs(["http://example.org/b"], _quads("http://example.org/b", 3))
            second = following.call("select", (COUNT, {}), hint=writer.generation)
        finally:
            following.close()
    assert int(first.value[0]["n"].value) == 2
    assert int(second.value[0]["n"].value) == 5
    assert second.generation == writer.generation != first.generation


def test_a_closed_pool_refuses(store_path: Path) -> None:
    closing = QueryPool(store_path, 1, timeout=5)
    closing.close()
    with pytest.raises(StoreError):
        closing.ask("ASK {}")
