"""If-Modified-Since never answers 304 for a changed answer (api/caching.py's rule for dates).

Two writes through a real server in one second publish two generations with the same
Last-Modified; a client that revalidates the first answer by its date must get 200 and the new
answer. The controls: the two answers do share their Last-Modified while their ETags and counts
differ (so a comparison by whole seconds cannot tell them apart), the code before the fix
answered that very request 304, and a date that does name one generation still gets 304.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

import httpx
import pytest
from newsgraph.store.snapshots import Snapshots
from starlette.datastructures import Headers

from tests.conftest import Server, sample_store
from tests.test_summaries_differential import BEFORE_THE_FIX, as_of

TOKEN = "conditional-dates-token"
P = "urn:newsgraph:test:conditional"
COUNT = {"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{P}> ?o }}"}
_WRITES = itertools.count()


@pytest.fixture
def server(serve: Callable[..., Server], tmp_path: Path, sample_template: Path) -> Iterator[Server]:
    """A writable server on a copy of the sample that compacts only when told to (a compaction
    publishes a generation of its own)."""
    env = {"NEWSGRAPH_UPDATE_TOKEN": TOKEN, "NEWSGRAPH_COMPACT_AFTER": "0"}
    yield serve(sample_store(tmp_path / "store", sample_template), "--allow-update", env=env)


def write(server: Server) -> None:
    update = f'INSERT DATA {{ <{P}/{next(_WRITES)}> <{P}> "x" }}'
    done = httpx.post(server.sparql, data={"update": update}, timeout=30,
                      headers={"Authorization": f"Bearer {TOKEN}"})  # fmt: skip
    assert done.status_code == 204, done.text


def ask(server: Server, **headers: str) -> httpx.Response:
    return httpx.get(server.sparql, params=COUNT, headers=headers, timeout=30)


def count(response: httpx.Response) -> int:
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def a_second_begins() -> None:
    """Wait until a whole second has just begun (the writes that follow then share it)."""
    time.sleep(1 - time.time() % 1 + 0.01)


def generation_modified(server: Server) -> float:
    """When the current snapshot was published, as the server reads it (its lock file)."""
    snapshots = server.store / "snapshots"
    return (snapshots / f"{(snapshots / 'CURRENT').read_text().strip()}.lock").stat().st_mtime


def test_two_writes_in_one_second_are_told_apart(server: Server) -> None:
    for _attempt in range(5):
        a_second_begins()
        write(server)
        first = ask(server)
        write(server)
        second = ask(server)
        if first.headers["last-modified"] == second.headers["last-modified"]:
            break  # else the writes straddled a second on a slow machine: again
    else:
        pytest.fail("five times, two writes did not fit in one second")
    # the control: one date, two versions
    assert first.headers["etag"] != second.headers["etag"]
    assert count(second) == count(first) + 1
    since = first.headers["last-modified"]
    revalidated = ask(server, **{"If-Modified-Since": since})
    assert revalidated.status_code == 200
    assert count(revalidated) == count(second)
    assert revalidated.headers["etag"] == second.headers["etag"]
    # ... which the code before the fix answered 304
    before = as_of(BEFORE_THE_FIX, "api/caching.py")
    request = Headers({"if-modified-since": since})
    assert before.not_modified(request, second.headers["etag"], generation_modified(server))
    # the ETag still revalidates
    assert ask(server, **{"If-None-Match": second.headers["etag"]}).status_code == 304


def test_a_date_that_names_one_generation_is_honoured(server: Server) -> None:
    write(server)
    ask(server)  # the server sees this generation ...
    a_second_begins()
    write(server)  # ... so it knows that the next is alone in its second
    fresh = ask(server)
    since = fresh.headers["last-modified"]
    assert parsedate_to_datetime(since).timestamp() == int(generation_modified(server))
    assert ask(server, **{"If-Modified-Since": since}).status_code == 304
    # only that exact date: a later one (a client's clock) or an earlier one is not the version's
    moment = parsedate_to_datetime(since).timestamp()
    for other in (moment + 1, moment + 3600, moment - 1):
        dated = formatdate(other, usegmt=True)
        assert ask(server, **{"If-Modified-Since": dated}).status_code == 200, dated
    # If-None-Match wins over the date, as RFC 9110 orders them
    assert (
        ask(server, **{"If-Modified-Since": since, "If-None-Match": '"other"'}).status_code == 200
    )


def test_a_fresh_server_knows_whether_a_date_names_one_version(
    server: Server, serve: Callable[..., Server]
) -> None:
    """The snapshot before the current one was collected before this server saw it; the
    current one's lock file still says when that one was published, so a server that never saw
    it tells whether a date names one version (a store of the earlier layout: it cannot, and
    the date gets 200)."""
    snapshots = Snapshots(server.store / "snapshots")
    assert not list(snapshots.root.glob("000001*"))
    version = snapshots.version(snapshots.current())
    assert version is not None
    first = ask(server)
    expected = 304 if version.alone else 200
    assert (
        ask(server, **{"If-Modified-Since": first.headers["last-modified"]}).status_code == expected
    )
    assert ask(server, **{"If-None-Match": first.headers["etag"]}).status_code == 304

    a_second_begins()
    write(server)  # a version alone in its second
    server.stop()
    fresh = serve(server.store, "--allow-update", env={"NEWSGRAPH_UPDATE_TOKEN": TOKEN})
    current = ask(fresh)
    assert ask(fresh, **{"If-Modified-Since": current.headers["last-modified"]}).status_code == 304
    (snapshots.root / f"{snapshots.current()}.lock").write_text("")  # the earlier layout's
    fresh.stop()
    again = serve(server.store, "--allow-update", env={"NEWSGRAPH_UPDATE_TOKEN": TOKEN})
    current = ask(again)
    assert ask(again, **{"If-Modified-Since": current.headers["last-modified"]}).status_code == 200
    assert ask(again, **{"If-None-Match": current.headers["etag"]}).status_code == 304
