"""The search results page (``/search``, graph/pages/search.py) and the search box on every page,
against a real server: the matches are ``/api/search``'s in the same order, a page at a time; each
shows its snippet and date and links its article page and the pages of the entities it mentions
(checked against the graph through ``/sparql``); an entity keeps the intersection, and the page
links the same question as the named query ``search-entity-articles`` (``ng:matches ?words``
bound by the query page), which answers the same articles. Hostile text stays text. In
Chromium: the box in the header of another page, the results, the next page, an entity link.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from newsgraph import queries

from tests.browser import launch_chromium
from tests.conftest import BASE, Server, newsgraph, record, start_server, write_jsonl

HOSTILE = '<script>alert("x")</script>'
#: 45 articles hold "zebra": three pages of twenty.
ZEBRAS = 45


def _records() -> list[dict[str, Any]]:
    rows = [
        record(f"z{i:02d}", title=f"Zebra report {i}",
               body_md=f"# Zebra {i}\n\n" + "zebra " * (1 + i % 7) + ("crossing" if i % 3 else "plain"),
               entities=["Kazakhstan", "Russia"] if i % 2 else ["Kazakhstan"],
               published_at=f"2025-{1 + i % 12:02d}-{1 + i % 27:02d}T10:00:00Z")
        for i in range(ZEBRAS)
    ]  # fmt: skip
    rows.append(record("hostile", title="Hostile", body_md=f"# H\n\n{HOSTILE} zebra hostile",
                       entities=["Astana"]))  # fmt: skip
    rows.append(record("other", title="Other", body_md="# O\n\nnothing to find", entities=[]))
    return rows


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("search-page")
    store = root / "store"
    done = newsgraph("ingest", "-q", "--store", str(store), "--base", BASE,
                     str(write_jsonl(root / "records.jsonl", _records())))  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    running = start_server(store, env={"NEWSGRAPH_BASE": BASE})
    yield running
    running.stop()


def get(server: Server, path: str, **params: Any) -> httpx.Response:
    return httpx.get(server.url + path, params=params, timeout=60)


def _matches(page: str) -> list[dict[str, Any]]:
    """Each match of a results page: its article, rank, links, date and snippet."""
    found = []
    for item in re.findall(
        r'<li class="match"(.*?)</li>\s*(?=<li class="match"|</ol>)', page, re.S
    ):
        found.append({
            "article": re.search(r'data-article="([^"]+)"', item)[1],  # type: ignore[index]
            "rank": int(re.search(r'data-rank="(\d+)"', item)[1]),  # type: ignore[index]
            "href": re.search(r'class="article-link" href="([^"]+)"', item)[1],  # type: ignore[index]
            "date": (re.search(r'<time datetime="([^"]+)"', item) or [None, None])[1],
            "snippet": re.search(r'<p class="snippet">(.*?)</p>', item, re.S)[1],  # type: ignore[index]
            "entities": re.findall(r'class="entity-link" href="([^"]+)"', item),
        })  # fmt: skip
    return found


def _mentions(server: Server, article: str) -> set[str]:
    query = f"SELECT ?e WHERE {{ <{article}> <http://schema.org/mentions> ?e }}"
    rows = get(server, "sparql", query=query).json()["results"]["bindings"]
    return {row["e"]["value"] for row in rows}


def test_the_pages_are_the_api_s_matches_with_their_entities(server: Server) -> None:
    api = get(server, "api/search", q="zebra", limit=100).json()
    assert api["total"] == ZEBRAS + 1
    shown = []
    for number in (1, 2, 3):
        answer = get(server, "search", q="zebra", page=number)
        assert answer.status_code == 200 and "text/html" in answer.headers["content-type"]
        shown += _matches(answer.text)
        assert f'data-total="{ZEBRAS + 1}"' in answer.text
    assert [m["article"] for m in shown] == [m["article"] for m in api["matches"]]
    assert [m["rank"] for m in shown] == list(range(1, ZEBRAS + 2))
    for match, expected in zip(shown, api["matches"], strict=True):
        assert match["href"] == expected["article"].removeprefix(BASE[:-1])
        assert match["date"] == expected["date"]
        assert match["snippet"] == expected["snippet"] and "<b>" in match["snippet"]
        iris = {BASE[:-1] + href for href in match["entities"]}
        assert iris == _mentions(server, expected["article"]) and iris
    assert "There is no page 4" in get(server, "search", q="zebra", page=4).text
    nothing = get(server, "search", q="unicorn").text
    assert 'data-total="0"' in nothing and "No article holds" in nothing


def test_every_page_has_the_search_box(server: Server) -> None:
    for path in ("", "entity/kazakhstan", "article/z01", "entity/", "search", "network"):
        page = get(server, path).text
        assert re.search(r'<form class="site-search" method="get" action="/search"[^>]*>\s*'
                         r'<input name="q"', page), path  # fmt: skip


def test_hostile_text_stays_text(server: Server) -> None:
    page = get(server, "search", q="hostile").text
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    mistake = httpx.get(server.url + "search", params={"q": "NOT"},
                        headers={"Accept": "text/html"}, timeout=60)  # fmt: skip
    assert mistake.status_code == 400 and "text/html" in mistake.headers["content-type"]
    assert get(server, "search", q="zebra", page="zero").status_code == 400


def test_an_entity_keeps_the_intersection_and_links_the_joined_query(server: Server) -> None:
    answer = get(server, "search", q="zebra crossing", entity="Russia")
    shown = {m["article"] for m in _matches(answer.text)}
    api = get(server, "api/search", q="zebra crossing", entity="Russia", limit=100).json()
    every = get(server, "api/search", q="zebra crossing", limit=100).json()
    russia = {m["article"] for m in every["matches"] if BASE + "entity/russia" in
              _mentions(server, m["article"])}  # fmt: skip
    assert shown == {m["article"] for m in api["matches"]} == russia
    assert 0 < len(russia) < every["total"]  # control: the entity kept some, not all
    link = html.unescape(re.search(r'class="query-link" href="([^"]+)"', answer.text)[1])  # type: ignore[index]
    assert link.startswith("/?name=search-entity-articles&")
    given = dict(parse_qsl(urlsplit(link).query))
    assert given.pop("name") == "search-entity-articles"
    opened = get(server, "queries/search-entity-articles", **given)
    bound = opened.json()["text"]
    assert bound == queries.bind("search-entity-articles",
                                 {"words": "zebra crossing", "entity": BASE + "entity/russia"})  # fmt: skip
    rows = get(server, "sparql", query=bound).json()["results"]["bindings"]
    assert [row["article"]["value"] for row in rows] == [m["article"] for m in api["matches"]]


def test_the_query_page_offers_the_joined_search(server: Server) -> None:
    listed = {q["name"]: q for q in get(server, "queries").json()}
    assert listed["search-entity-articles"]["kinds"] == {"words": "text", "entity": "entity"}


def test_the_search_box_in_chromium(server: Server) -> None:
    errors: list[str] = []
    with launch_chromium() as browser:
        page = browser.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(server.url + "entity/kazakhstan")
        page.fill("header.site form.site-search input[name=q]", "zebra")
        page.press("header.site form.site-search input[name=q]", "Enter")
        page.wait_for_url("**/search?q=zebra")
        assert page.locator("li.match").count() == 20
        assert page.locator("li.match .snippet b").count() >= 20
        first = page.get_attribute("li.match >> nth=0", "data-article")
        page.click("a[rel=next] >> nth=0")
        page.wait_for_url("**page=2")
        assert page.get_attribute("li.match >> nth=0", "data-rank") == "21"
        assert page.get_attribute("li.match >> nth=0", "data-article") != first
        page.click("li.match >> nth=0 >> a.entity-link >> text=Kazakhstan")
        page.wait_for_url("**/entity/kazakhstan")
        assert "Kazakhstan" in page.inner_text("h1")
    assert errors == []
