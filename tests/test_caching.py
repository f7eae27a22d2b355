"""ETag and Last-Modified: tied to the snapshot generation, so a new ingest changes them; a date
answers 304 only when it names one version (api/caching.py, tests/test_conditional_dates.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from newsgraph.api import caching
from newsgraph.store.snapshots import Snapshots, Version
from starlette.datastructures import Headers

from tests.conftest import BASE, Server, newsgraph, record, sample_store, start_server, write_jsonl

QUERY = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a a <http://schema.org/NewsArticle> }"}


MODIFIED = 1_700_000_000.5  # Tue, 14 Nov 2023 22:13:20 GMT
SAME_SECOND = "Tue, 14 Nov 2023 22:13:20 GMT"


@pytest.mark.parametrize(
    ("headers", "alone", "fresh"),
    [
        ({}, True, False),
        ({"If-None-Match": 'W/"t1"'}, False, True),
        ({"If-None-Match": '"t1"'}, False, True),  # weak comparison
        ({"If-None-Match": '"t0", W/"t1"'}, False, True),
        ({"If-None-Match": 'W/"t2"'}, True, False),
        ({"If-None-Match": "*"}, False, True),
        # a date counts only when it is the generation's own second and names it alone
        ({"If-Modified-Since": SAME_SECOND}, True, True),
        ({"If-Modified-Since": "Tuesday, 14-Nov-23 22:13:20 GMT"}, True, True),  # RFC 850 form
        ({"If-Modified-Since": "Tue Nov 14 22:13:20 2023"}, True, True),  # asctime form: GMT
        ({"If-Modified-Since": SAME_SECOND}, False, False),  # another version shares the second
        ({"If-Modified-Since": "Tue, 14 Nov 2023 22:13:19 GMT"}, True, False),
        ({"If-Modified-Since": "Tue, 14 Nov 2023 22:13:21 GMT"}, True, False),  # not this version's
        ({"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}, True, False),
        ({"If-Modified-Since": "not a date"}, True, False),
        # If-None-Match wins over If-Modified-Since
        ({"If-None-Match": 'W/"t2"', "If-Modified-Since": SAME_SECOND}, True, False),
    ],
)
def test_not_modified(headers: dict[str, str], alone: bool, fresh: bool) -> None:
    version = Version("000002", "000002.1", MODIFIED, alone)
    assert caching.not_modified(Headers(headers), 'W/"t1"', version) is fresh


def test_without_knowing_a_date_names_one_version_a_date_is_never_enough() -> None:
    """A store that cannot say what version it holds: dates never answer 304."""
    assert not caching.not_modified(Headers({"If-Modified-Since": SAME_SECOND}), 'W/"t"', None)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sample_template: Path) -> Iterator[Server]:
    running = start_server(
        sample_store(tmp_path_factory.mktemp("caching") / "store", sample_template)
    )
    yield running
    running.stop()


def test_a_get_is_revalidated_until_the_store_changes(server: Server, tmp_path: Path) -> None:
    first = httpx.get(server.sparql, params=QUERY)
    tag, modified = first.headers["etag"], first.headers["last-modified"]
    assert tag.startswith('W/"') and first.headers["cache-control"] == "public, no-cache"
    assert httpx.get(server.sparql, params=QUERY).headers["etag"] == tag
    revalidated = httpx.get(server.sparql, params=QUERY, headers={"If-None-Match": tag})
    assert revalidated.status_code == 304 and revalidated.content == b""
    # a date revalidates only when it names one version (the dates are
    # tests/test_conditional_dates.py's)
    snapshots = Snapshots(server.store / "snapshots")
    version = snapshots.version(snapshots.current())
    assert version is not None
    by_date = httpx.get(server.sparql, params=QUERY, headers={"If-Modified-Since": modified})
    assert by_date.status_code == (304 if version.alone else 200)
    # another format, another query or another dataset is another entity
    assert (
        httpx.get(server.sparql, params=QUERY, headers={"Accept": "text/csv"}).headers["etag"]
        != tag
    )
    other = httpx.get(server.sparql, params={"query": QUERY["query"] + " LIMIT 1"})
    assert other.headers["etag"] != tag
    before = int(first.json()["results"]["bindings"][0]["n"]["value"])
    more = write_jsonl(tmp_path / "more.jsonl", [record("etag-news")])
    ingested = newsgraph(
        "ingest", "--quiet", "--store", str(server.store), "--base", BASE, str(more)
    )
    assert ingested.returncode == 0, ingested.stderr.decode()
    after = httpx.get(server.sparql, params=QUERY, headers={"If-None-Match": tag})
    assert after.status_code == 200
    assert after.headers["etag"] != tag
    assert int(after.json()["results"]["bindings"][0]["n"]["value"]) == before + 1


def test_posts_and_errors_carry_no_validators(server: Server) -> None:
    posted = httpx.post(server.sparql, data=QUERY)
    assert posted.status_code == 200 and "etag" not in posted.headers
    failed = httpx.get(server.sparql, params={"query": "SELECT"})
    assert failed.status_code == 400 and "etag" not in failed.headers


def test_the_service_description_is_revalidated(server: Server) -> None:
    tag = httpx.get(server.sparql).headers["etag"]
    assert httpx.get(server.sparql, headers={"If-None-Match": tag}).status_code == 304
