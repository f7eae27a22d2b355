"""A running server and ``newsgraph ingest`` on the same store, as two real processes."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import httpx

from tests.conftest import BASE, newsgraph, record, write_jsonl

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a a <http://schema.org/NewsArticle> }"


def _count(url: str) -> int:
    response = httpx.get(url, params={"query": COUNT}, timeout=30)
    response.raise_for_status()
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_ingest_while_the_server_runs(tmp_path: Path, serve) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "store"
    first = write_jsonl(tmp_path / "first.jsonl", [record(f"a{i}") for i in range(5)])
    assert newsgraph("ingest", "--store", str(store), "--base", BASE, str(first)).returncode == 0
    server = serve(store)
    assert _count(server.sparql) == 5
    assert json.loads((store / "server.json").read_text())["url"] == server.url
    assert (store / "server.json").stat().st_mode & 0o777 == 0o600  # its write token is private

    errors: list[str] = []
    counts: list[int] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            try:
                counts.append(_count(server.sparql))
            except httpx.HTTPError as error:
                errors.append(repr(error))

    poller = threading.Thread(target=poll)
    poller.start()
    more = write_jsonl(tmp_path / "more.jsonl", [record(f"b{i}") for i in range(300)])
    result = newsgraph(
        "ingest", "--store", str(store), "--base", BASE, "--batch-size", "50", str(more)
    )
    stop.set()
    poller.join()
    assert result.returncode == 0, result.stderr.decode()
    assert "loaded 300" in result.stderr.decode()
    assert errors == []
    assert counts and counts == sorted(counts)  # the server only ever sees whole batches, in order
    assert _count(server.sparql) == 305


def test_server_follows_an_ingest_that_holds_the_store(tmp_path: Path, serve) -> None:  # type: ignore[no-untyped-def]
    from newsgraph.ingest import ingest
    from newsgraph.settings import load_settings
    from newsgraph.store import EmbeddedStore

    store = tmp_path / "store"
    settings = load_settings(store=str(store), base=BASE)
    with EmbeddedStore(store, write=True, base=BASE) as writer:
        ingest([str(write_jsonl(tmp_path / "a.jsonl", [record("x1")]))], writer, settings)
        server = serve(store)  # the primary is held here, so the server reads snapshots
        assert _count(server.sparql) == 1
        ingest([str(write_jsonl(tmp_path / "b.jsonl", [record("x2")]))], writer, settings)
        assert _count(server.sparql) == 2
        refused = httpx.post(server.sparql, data={"update": "CLEAR ALL"})
        assert refused.status_code in (403, 503)
