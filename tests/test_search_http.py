"""``/api/search`` and ``ng:matches`` on ``/sparql``, over HTTP against a real server: the
matches in rank order, paged, the same as the command's; mistakes in the one error shape."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.conftest import BASE, newsgraph, record, start_server, write_jsonl

NG = "https://w3id.org/newsgraph/ns#"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("search-http")
    store = tmp / "store"
    rows = [
        record(f"a{i:02d}", title=f"Story {i}", lang="en" if i % 4 else "de",
               published_at=f"2026-01-{i % 28 + 1:02d} 00:00:00+00:00",
               body_md="# S\n\n" + ("oil " * (i % 5 + 1)) + ("prices " if i % 2 else "Ölpreise ")
               + ("Preise" if i % 4 == 0 else "markets"))
        for i in range(40)
    ]  # fmt: skip
    done = newsgraph("ingest", "-q", "--store", str(store), "--base", BASE,
                     str(write_jsonl(tmp / "r.jsonl", rows)))  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    running = start_server(store, env={"NEWSGRAPH_BASE": BASE})
    yield running
    running.stop()


def _get(server, **params: object) -> httpx.Response:  # type: ignore[no-untyped-def]
    return httpx.get(server.url + "api/search", params=params, timeout=60)


def test_matches_in_rank_order_and_paged(server) -> None:  # type: ignore[no-untyped-def]
    whole = _get(server, q="oil", limit=100).json()
    assert whole["total"] == 40 == len(whole["matches"])
    scores = [m["score"] for m in whole["matches"]]
    assert scores == sorted(scores, reverse=True)
    assert set(whole["matches"][0]) == {
        "article",
        "slug",
        "headline",
        "date",
        "lang",
        "score",
        "snippet",
    }
    pages = [_get(server, q="oil", limit=7, offset=o).json()["matches"] for o in range(0, 40, 7)]
    assert [m["article"] for page in pages for m in page] == [
        m["article"] for m in whole["matches"]
    ]
    assert "<b>oil</b>" in whole["matches"][0]["snippet"]
    beyond = _get(server, q="oil", offset=10**18).json()  # past the end: an empty page
    assert (beyond["total"], beyond["matches"]) == (40, [])
    cli = newsgraph(
        "search", "oil", "--store", str(server.store), "--limit", "0", "--format", "json"
    )
    assert json.loads(cli.stdout)["matches"] == whole["matches"]  # the command's JSON is the API's


def test_filters_by_language_and_date(server) -> None:  # type: ignore[no-untyped-def]
    german = _get(server, q="Preis", lang="de", limit=100).json()
    assert {m["lang"] for m in german["matches"]} == {"de"}
    assert german["total"] == 10  # the ten German articles: "Preise" stems to "preis" in German
    english = _get(server, q="Preis", lang="en", limit=100).json()
    assert english["total"] == 0  # control: the English ones hold "prices", not "Preis"
    early = _get(server, q="oil", until="2026-01-05", limit=100).json()
    assert early["matches"] and all(m["date"] < "2026-01-06" for m in early["matches"])
    assert early["total"] < 40


def test_joined_sparql_query_on_the_endpoint(server) -> None:  # type: ignore[no-untyped-def]
    query = (
        f"PREFIX ng: <{NG}> PREFIX schema: <http://schema.org/> "
        'SELECT ?a ?s WHERE { ?a ng:matches "oil prices" ; ng:score ?s ; schema:inLanguage "en" } '
        "ORDER BY DESC(?s) ?a"
    )
    reply = httpx.get(server.sparql, params={"query": query},
                      headers={"Accept": "application/sparql-results+json"}, timeout=60)  # fmt: skip
    assert reply.status_code == 200, reply.text
    found = [row["a"]["value"] for row in reply.json()["results"]["bindings"]]
    searched = _get(server, q="oil prices", lang="en", limit=100).json()["matches"]
    assert sorted(found) == sorted(m["article"] for m in searched)
    assert found and len(found) < 40


def test_mistakes_are_the_one_error_shape(server) -> None:  # type: ignore[no-untyped-def]
    for params in (
        {"q": "NOT"},
        {"q": "oil", "since": "yesterday"},
        {"q": "oil", "entity": "No Such Entity"},
    ):
        reply = _get(server, **params)
        assert reply.status_code in (400, 404), (params, reply.text)
        body = reply.json()
        assert {"error", "message", "status"} <= set(body), body
