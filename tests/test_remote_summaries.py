"""The entity summaries over a remote store (``graph/store/summaries/remote.py``).

`newsgraph serve` on Virtuoso answers ``entity-articles``, ``entity-comentions`` and
``entity-mentions-per-month`` from summaries built from the server's answers — with the
engine's answers (the oracle: the same text sent by a server with the summaries off), and in
step with newsgraph's writes: after an ingest by another process the next answers come from the
engine (never the stale summaries) until the summaries of the new data are built.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from newsgraph import queries
from newsgraph.store.remote import reading
from newsgraph.store.remote.dialects import Virtuoso

from bench import corpus
from tests.backends import Endpoint, empty
from tests.conftest import BASE, REUTERS, newsgraph
from tests.test_remote_endpoint import records, start_remote_server

SHAPES = ("entity-articles", "entity-comentions", "entity-mentions-per-month")
KAZAKHSTAN = ox.NamedNode(f"{BASE}entity/kazakhstan")
MENTIONS = ox.NamedNode("http://schema.org/mentions")


def asked(server_url: str, name: str, entity: ox.NamedNode = KAZAKHSTAN) -> tuple[object, str]:
    """The answer's rows and the ``Server-Timing`` entry that says who answered."""
    reply = httpx.post(
        server_url + "sparql",
        data={"query": queries.bind(name, {"entity": entity})},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert reply.status_code == 200, reply.text
    return json.loads(reply.content)["results"]["bindings"], reply.headers["server-timing"]


def summarised(server_url: str, name: str, seconds: float = 60) -> object:
    """The answer once the summaries give it (they are built in the background)."""
    deadline = time.monotonic() + seconds
    while True:
        rows, timing = asked(server_url, name)
        if timing.startswith("summaries"):
            return rows
        assert time.monotonic() < deadline, f"{name}: still answered by the engine ({timing})"
        time.sleep(0.5)


def test_virtuoso_answers_from_summaries_in_step_with_writes(
    virtuoso: Endpoint, tmp_path: Path
) -> None:
    with virtuoso.store() as store:
        empty(store)
    env = virtuoso.env
    first = newsgraph("ingest", "--quiet", "--base", BASE, *records(), env=env)
    assert first.returncode == 0, first.stderr.decode()
    served = start_remote_server(virtuoso.query_url, env, tmp_path / "on.log")
    engine = start_remote_server(
        virtuoso.query_url, {**env, "NEWSGRAPH_QUERY_SUMMARIES": "false"}, tmp_path / "off.log"
    )
    try:
        for name in SHAPES:
            expected, timing = asked(engine.url, name)
            assert timing.startswith("query") and expected, name  # the engine's answer
            assert summarised(served.url, name) == expected, name
        before = asked(engine.url, "entity-articles")[0]
        more = corpus.write(tmp_path / "more.jsonl", 40, seed=5)
        with more.open("a", encoding="utf-8") as extra:  # one more article about Kazakhstan
            extra.write(json.dumps({
                "slug": "kazakhstan-extra", "title": "Kazakhstan opens a new railway line",
                "body_md": "Kazakhstan opened a railway line on Monday.",
                "published_at": "2031-01-01T00:00:00Z", "lang": "en",
                "entities": ["Kazakhstan"],
            }) + "\n")  # fmt: skip
        again = newsgraph("ingest", "--quiet", "--base", BASE, str(more), env=env)
        assert again.returncode == 0, again.stderr.decode()
        after, timing = asked(served.url, "entity-articles")
        expected = asked(engine.url, "entity-articles")[0]
        assert after == expected and after != before  # never the summaries of before
        assert timing.startswith("query")  # the control: the engine answered this one
        for name in SHAPES:
            assert summarised(served.url, name) == asked(engine.url, name)[0], name
    finally:
        served.stop()
        engine.stop()


def test_no_summaries_where_the_server_keeps_no_stamp(oxigraph: Endpoint) -> None:
    with oxigraph.store() as store:
        assert store.write_stamp() is None  # the engine answers (Oxigraph server)


@pytest.mark.parametrize("name", SHAPES)
def test_the_summaries_built_remotely_equal_the_local_ones(
    virtuoso: Endpoint, tmp_path: Path, name: str
) -> None:
    """Built from the server's answers or from an embedded store of the same records, the
    summaries give the same rows (an independent reading of the same data)."""
    from newsgraph.store import EmbeddedStore
    from newsgraph.store.summaries import build
    from newsgraph.store.summaries.remote import build_remote

    local = tmp_path / "store"
    done = newsgraph("ingest", "--quiet", "--store", str(local), "--base", BASE, *records())
    assert done.returncode == 0, done.stderr.decode()
    with virtuoso.store() as store:
        empty(store)
    done = newsgraph("ingest", "--quiet", "--base", BASE, *records(), env=virtuoso.env)
    assert done.returncode == 0, done.stderr.decode()
    with EmbeddedStore(local, write=False) as embedded:
        mine = build(embedded.raw)
    with virtuoso.store() as store:
        theirs = build_remote(store, None)
    method = name.replace("entity-", "entity_").replace("mentions-per-month", "months")
    assert getattr(theirs, method)(KAZAKHSTAN.value, None) == getattr(mine, method)(
        KAZAKHSTAN.value, None
    )


#: How the hash ranges are sized (``RANGE_FILL``), the cap the dialect knows (None: its own,
#: which Reuters does not reach), and how many ranges are asked for.
#: (3.0, 10,500: sized for a cap above the server's, the range is cut at 10,000, sized again for
#: it, cut again as too large, then halved.)
RANGE_CASES = [
    (reading.RANGE_FILL, None, 2),
    (3.0, None, 3),
    (reading.RANGE_FILL, 10_000, 2),
    (3.0, 10_500, 4),
]


def test_answers_past_the_servers_row_limit_are_read_in_hash_ranges(
    virtuoso: Endpoint, reuters_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reuters states more mentions (10,660) than one answer of the test server holds (its
    ``ResultSetMaxRows``, 10,000, as Virtuoso packages it; a million articles pass Virtuoso's
    own cap of 1,048,576 whatever it is set to): the summaries read them in ranges of the
    subjects' hash buckets, and every entity's three answers equal those of the embedded
    store's summaries. Ranges sized past the cap (fill 3.0: one range, cut) are halved until
    each answer is whole (three requests); where the dialect knows the cap (here the test
    server's, as it knows Virtuoso's 1,048,576), the one answer is not asked for at all."""
    from newsgraph.errors import StoreError
    from newsgraph.store import EmbeddedStore
    from newsgraph.store.summaries import build
    from newsgraph.store.summaries.remote import build_remote

    with virtuoso.store() as store:
        empty(store)
    done = newsgraph("ingest", "--quiet", "--base", BASE, str(REUTERS), env=virtuoso.env)
    assert done.returncode == 0, done.stderr.decode()
    mentions = queries.bind("summary-statements", {"predicate": MENTIONS})
    with EmbeddedStore(reuters_store, write=False) as embedded:
        mine = build(embedded.raw)
    # control: one answer of every mention is cut, so the whole read would have failed
    with virtuoso.store() as store, pytest.raises(StoreError, match="cut the answer"):
        store.select_all(mentions)
    asked: list[str] = []
    read = reading._rows

    def noted(server: object, text: str) -> object:
        asked.append(text)
        return read(server, text)  # type: ignore[arg-type]

    monkeypatch.setattr(reading, "_rows", noted)
    for fill, known, requests in RANGE_CASES:
        asked.clear()
        monkeypatch.setattr(reading, "RANGE_FILL", fill)
        monkeypatch.setattr(Virtuoso, "answer_rows_cap", known or Virtuoso.answer_rows_cap)
        with virtuoso.store() as store:
            theirs = build_remote(store, None)
        assert len([text for text in asked if "?bucket" in text]) == requests, (fill, known)
        assert (mentions in asked) == (known is None)
        assert len(mine.entity_ids) == len(theirs.entity_ids) > 300
        for entity in mine.entity_ids:
            for method in ("entity_articles", "entity_comentions", "entity_months"):
                assert getattr(theirs, method)(entity, None) == getattr(mine, method)(
                    entity, None
                ), (entity, method, fill, known)
    # the same door reads every article's digest (a search index's catch-up) past a cap
    asked.clear()
    monkeypatch.setattr(Virtuoso, "answer_rows_cap", 1_000)
    every = ("article-hashes", {}, ("article", "hash"), "article-hash-count")
    with virtuoso.store() as store:
        theirs_digests = set(store.every_value(*every))
    with EmbeddedStore(reuters_store, write=False) as embedded:
        mine_digests = set(embedded.every_value(*every))
    assert theirs_digests == mine_digests and len(mine_digests) > 4_000
    assert len([text for text in asked if "?bucket" in text]) >= len(mine_digests) // 1_000
    # and cooccur's one row an article (Virtuoso past 1,048,576 articles), a window's too
    from newsgraph.cooccurrence import count_window
    from newsgraph.cooccurrence.window import Window, parse_bound

    spring = Window(since=parse_bound("1987-03-01"), until=parse_bound("1987-06-30", end=True))
    windows = [Window(), spring]
    for window in windows:
        asked.clear()
        with virtuoso.store() as store:
            theirs_counts = count_window(store, window)
        with EmbeddedStore(reuters_store, write=False) as embedded:
            mine_counts = count_window(embedded, window)
        assert theirs_counts == mine_counts
        assert len([text for text in asked if "?bucket" in text]) >= 2, window

    # and linking's store-wide reads (a relink with an empty linking cache)
    from newsgraph.linking import readback

    asked.clear()
    with virtuoso.store() as store:
        theirs_evidence = readback.read_evidence(store, None)
        theirs_links = readback.read_links(store, None)
    with EmbeddedStore(reuters_store, write=False) as embedded:
        mine_evidence = readback.read_evidence(embedded, None)
        mine_links = readback.read_links(embedded, None)
    assert theirs_evidence == mine_evidence and len(mine_evidence) > 4_000
    assert theirs_links == mine_links
    assert len([text for text in asked if "?bucket" in text]) >= 3 * 4
