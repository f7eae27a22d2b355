"""The list pages ``/entity/``, ``/topic/``, ``/publisher/`` (graph/pages/listing.py and the
listing in api/routes/resources.py) over HTTP against a real server: paging past the first
hundred, search, both orders, as HTML and JSON; and the entity page's link to its network page.
The oracles come from the records (tests/list_records.py), not from the store."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest

from tests.browser import launch_chromium
from tests.conftest import BASE, Server, ingested, served
from tests.list_records import (
    ENTITIES,
    articles_per_entity,
    articles_per_value,
    list_records,
    write_list_records,
)

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    directory = tmp_path_factory.mktemp("lists")
    with served(ingested(directory / "store", write_list_records(directory))) as running:
        yield running


class Page(HTMLParser):
    """The rows of a list page's table (name, count), its links by rel, and its total."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.rows: list[tuple[str, int]] = []
        self.rel: dict[str, str] = {}
        self.links: list[tuple[str, dict[str, str | None]]] = []
        self.total: int | None = None
        self._cells: list[str] | None = None
        self._in_body = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._cells = []
        elif tag == "td" and self._cells is not None:
            self._cells.append("")
        elif tag == "a":
            self.links.append((found.get("href") or "", found))
            if found.get("rel"):
                self.rel[found["rel"] or ""] = found.get("href") or ""
        elif tag == "p" and found.get("id") == "list-total":
            self.total = int(found.get("data-total") or -1)

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False
        elif tag == "tr" and self._cells is not None:
            if len(self._cells) == 2:
                self.rows.append((self._cells[0].strip(), int(self._cells[1].replace(",", ""))))
            self._cells = None

    def handle_data(self, data: str) -> None:
        if self._cells:
            self._cells[-1] += data


def html(server: Server, path: str, **params: str) -> Page:
    response = httpx.get(urljoin(server.url, path), params=params or None,
                         headers={"Accept": BROWSER}, timeout=60)  # fmt: skip
    assert response.status_code == 200, response.text
    return Page(response.text)


def listing(server: Server, path: str, **params: str) -> dict[str, Any]:
    response = httpx.get(urljoin(server.url, path), params=params or None,
                         headers={"Accept": "application/json"}, timeout=60)  # fmt: skip
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def every_page(server: Server, path: str, **params: str) -> list[Page]:
    """The pages of a list, following its rel=next links from the first."""
    pages = [html(server, path, **params)]
    while "next" in pages[-1].rel:
        assert len(pages) < 10
        pages.append(html(server, urljoin(path, pages[-1].rel["next"])))
    return pages


def by_count(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].lower()))


def by_name(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: item[0].lower())


def test_paging_reaches_the_101st_entity_and_loses_none(server: Server) -> None:
    counts = articles_per_entity()
    assert len(counts) == ENTITIES > 100
    pages = every_page(server, "/entity/", sort="name")
    assert [len(page.rows) for page in pages] == [100, ENTITIES - 100]
    assert pages[1].rows[0] == by_name(counts)[100]  # the 101st entity
    assert [row for page in pages for row in page.rows] == by_name(counts)
    assert all(page.total == ENTITIES for page in pages)
    assert "prev" not in pages[0].rel and "next" not in pages[1].rel
    back = html(server, urljoin("/entity/", pages[1].rel["prev"]))
    assert back.rows == pages[0].rows
    assert parse_qs(urlsplit(pages[0].rel["next"]).query) == {"sort": ["name"], "page": ["2"]}


def test_the_default_order_is_by_articles_most_first(server: Server) -> None:
    counts = articles_per_entity()
    rows = [row for page in every_page(server, "/entity/") for row in page.rows]
    assert rows == by_count(counts)
    assert rows != by_name(counts)  # control: the two orders differ on this corpus
    assert [
        row for page in every_page(server, "/entity/", sort="articles") for row in page.rows
    ] == rows


def test_search_filters_by_name_ignoring_case(server: Server) -> None:
    counts = articles_per_entity()
    expected = {name: n for name, n in counts.items() if "kaz" in name.lower()}
    assert 0 < len(expected) < len(counts)
    assert any(not name.lower().startswith("kaz") for name in expected)  # inside names too
    for text in ("kaz", "KAZ", " Kaz "):
        page = html(server, "/entity/", search=text, sort="name")
        assert page.rows == by_name(expected), text
        assert page.total == len(expected) and "next" not in page.rel
    hrefs = {href for href, _ in html(server, "/entity/", search="kaz", sort="name").links}
    assert {"/entity/?search=kaz", "/entity/?search=kaz&sort=name", "/entity/?sort=name"} <= hrefs
    nothing = html(server, "/entity/", search="no such name")
    assert nothing.rows == [] and nothing.total == 0


def test_the_list_as_json(server: Server) -> None:
    counts = articles_per_entity()
    second = listing(server, "/entity/", sort="name", page="2")
    assert second["total"] == ENTITIES and second["pages"] == 2 and second["page"] == 2
    assert [(row["name"], row["articles"]) for row in second["rows"]] == by_name(counts)[100:]
    assert all(row["iri"].startswith(BASE + "entity/") for row in second["rows"])
    assert second["next"] is None
    first = listing(server, second["previous"])
    assert [(row["name"], row["articles"]) for row in first["rows"]] == by_name(counts)[:100]
    found = listing(server, "/entity/", search="kaz")
    assert found["total"] == sum("kaz" in name.lower() for name in counts)
    assert found["search"] == "kaz" and found["sort"] == "articles"
    past = listing(server, "/entity/", page="9")
    assert past["rows"] == [] and past["total"] == ENTITIES and past["previous"] is not None


def test_topics_and_publishers_page_sort_and_search_too(server: Server) -> None:
    records = list_records()
    topics = articles_per_value(records, "topics")
    assert html(server, "/topic/").rows == by_count(topics)
    assert html(server, "/topic/", sort="name").rows == by_name(topics)
    assert html(server, "/topic/", search="subject 2").rows == [("subject 2", topics["subject 2"])]
    hosts: dict[str, int] = {}
    for one in records:
        host = urlsplit(one["url"]).hostname or ""
        hosts[host] = hosts.get(host, 0) + 1
    assert html(server, "/publisher/", sort="name").rows == by_name(hosts)
    assert listing(server, "/publisher/", search="host1")["total"] == 1
    scheme = httpx.get(server.url + "topic/", headers={"Accept": "text/turtle"}, timeout=30)
    assert scheme.status_code == 200 and "inDefinedTermSet" in scheme.text  # the scheme


def test_a_bad_request_is_400_in_the_one_error_shape(server: Server) -> None:
    for params in ({"sort": "date"}, {"page": "0"}, {"page": "two"}, {"search": "x" * 201}):
        response = httpx.get(server.url + "entity/", params=params, timeout=30)
        assert response.status_code == 400, params
        body = response.json()
        assert set(body) == {"error", "message", "status"} and body["status"] == 400
        assert next(iter(params)) in body["message"]
    assert httpx.get(server.url + "entity/", params={"page": "2"}, timeout=30).status_code == 200


def test_the_entity_page_links_to_its_network_page(server: Server) -> None:
    name = by_count(articles_per_entity())[0][0]
    row = listing(server, "/entity/", search=name)["rows"][0]
    assert row["name"] == name
    page = html(server, urlsplit(row["iri"]).path)
    links = [href for href, attrs in page.links if attrs.get("class") == "network-link"]
    assert len(links) == 1
    assert parse_qs(urlsplit(links[0]).query) == {"entity": [row["iri"]]}
    network = httpx.get(urljoin(server.url, links[0]), timeout=60)
    assert network.status_code == 200
    assert f"Mentioned with {name}" in network.text
    topic = listing(server, "/topic/")["rows"][0]
    topic_page = html(server, urlsplit(topic["iri"]).path)
    assert not [href for href, attrs in topic_page.links if attrs.get("class") == "network-link"]


@pytest.mark.slow
def test_the_search_field_offers_names_as_you_type(server: Server) -> None:
    """The typeahead (api/static/typeahead.js) on the list page, by keyboard, in Chromium; and
    the same page with JavaScript off still searches."""
    known = by_count({n: c for n, c in articles_per_entity().items() if "kaz" in n.lower()})[0][0]
    requested: list[str] = []
    errors: list[str] = []
    with launch_chromium() as browser:
        page = browser.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(server.url + "entity/")
        field = page.locator("#list-search")
        assert field.get_attribute("role") == "combobox"
        field.press_sequentially(known[:4], delay=30)
        options = page.locator("#list-search ~ [role=listbox] [role=option]")
        options.first.wait_for()
        offered = [text.split("\n")[0] for text in options.all_inner_texts()]
        assert known in offered and all(known[:4].lower() in name.lower() for name in offered)
        assert field.get_attribute("aria-expanded") == "true"
        for _ in range(offered.index(known) + 1):
            field.press("ArrowDown")
        active = field.get_attribute("aria-activedescendant")
        assert active and page.locator(f"#{active}").inner_text().startswith(known)
        field.press("Enter")  # takes the name and searches for it (data-typeahead-submit)
        page.wait_for_url("**search=*")
        assert field.input_value() == known
        assert page.locator("table.counted tbody td a").first.inner_text() == known
        field.fill("")
        field.press_sequentially("zzzz", delay=30)
        page.wait_for_timeout(600)
        assert page.locator("#list-search ~ [role=listbox]").is_hidden()  # nothing to offer

        plain = browser.new_page(java_script_enabled=False)
        plain.goto(server.url + "entity/")
        plain.fill("#list-search", "kaz")
        plain.select_option("#list-sort", "name")
        plain.click("form.list-search button")
        plain.wait_for_url("**search=kaz*")
        names = plain.locator("table.counted tbody td a").all_inner_texts()
        assert names == [n for n, _ in by_name(articles_per_entity()) if "kaz" in n.lower()]
    assert any("/api/entities?search=" in url for url in requested)
    assert all(url.startswith(server.url) for url in requested), requested
    assert errors == []
