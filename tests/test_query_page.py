"""The query page and the linked-data pages in a real headless Chromium, driven by Playwright.

Every test records the browser's requests and console (tests/query_page.py): nothing may be
requested from anywhere but this server, nothing may break the Content-Security-Policy, and
markup in the data must never run (``window.__pwned``) nor load (``/pwned.png``). The results,
their views and the examples in detail: tests/test_query_page_results.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser

from tests.browser import launch_chromium, require_vendor
from tests.conftest import BASE, Server, ingested, served
from tests.page_records import MANY, MARKUP_HEADLINE, write_page_records
from tests.query_page import (
    Visit,
    open_query,
    result_rows,
    urlencode_query,
    visiting,
    without_vendor,
)

pytestmark = pytest.mark.slow

ASTANA_ARTICLES = len(range(0, MANY, 3))
ASTANA_QUERY = f"""PREFIX schema: <http://schema.org/>
SELECT ?article ?headline WHERE {{
  ?article schema:mentions <{BASE}entity/astana> ; schema:headline ?headline .
}} ORDER BY ?article"""
MARKUP_QUERY = """PREFIX schema: <http://schema.org/>
SELECT ?headline ?entity ?name WHERE {
  ?article schema:headline ?headline ; schema:mentions ?entity . ?entity schema:name ?name .
  FILTER(CONTAINS(?headline, "pwned"))
}"""
needs_yasgui = pytest.mark.usefixtures("yasgui")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    directory = tmp_path_factory.mktemp("browser")
    with served(ingested(directory / "store", write_page_records(directory))) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as launched:
        yield launched


@pytest.fixture
def yasgui() -> None:
    """The query editor from npm (tests without it abort its files to see the fallback)."""
    require_vendor("yasgui")


@pytest.fixture
def visit(browser: Browser, server: Server) -> Iterator[Visit]:
    with visiting(browser, server) as seen:
        yield seen


def run_plain(visit: Visit, server: Server, query: str) -> None:
    page = visit.page
    page.goto(server.url)
    page.wait_for_selector("html[data-editor=plain]")
    page.fill("#query-text", query)
    page.press("#query-text", "Control+Enter")
    page.wait_for_selector("#results table")


@needs_yasgui
def test_yasgui_runs_a_typed_query_and_shows_the_rows(visit: Visit, server: Server) -> None:
    page = visit.page
    page.goto(server.url)
    page.wait_for_selector("html[data-editor=yasgui] .CodeMirror")
    assert page.locator(".CodeMirror .cm-keyword").count() > 0  # highlighted prefixes
    page.click(".CodeMirror")
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(ASTANA_QUERY)
    page.keyboard.press("Control+Enter")
    rows = page.locator("#results tbody tr")
    rows.nth(ASTANA_ARTICLES - 1).wait_for()
    assert rows.count() == ASTANA_ARTICLES
    assert "Story number 0 about Kazakhstan" in page.inner_text("#results table")
    assert "query=" in page.url  # the address bar can be shared
    page.click("#run-query")  # the page's own Run button runs the editor's text too
    page.wait_for_selector("#results tbody tr")
    assert page.locator("#results tbody tr").count() == ASTANA_ARTICLES


@needs_yasgui
def test_yasgui_has_one_set_of_controls(visit: Visit, server: Server) -> None:
    """YASGUI's own share button, query button, tabs and results pane are not shown beside
    the page's (the control: YASGUI draws a share button unless told not to)."""
    page = open_query(visit, server, ASTANA_QUERY, "yasgui")
    page.wait_for_selector("#results tbody tr")
    for theirs in (".yasqe_share", ".yasqe_queryButton", ".yasr", ".tabsList"):
        assert page.locator(theirs).count() == 0, theirs
    for ours in ("#run-query", "#copy-link", "#share-link", '[data-download="csv"]'):
        assert page.locator(ours).count() == 1, ours
    drawn = page.evaluate(
        """() => { const host = document.createElement("div"); document.body.append(host);
                   new Yasgui.Yasqe(host, {persistenceId: null});
                   return host.querySelectorAll(".yasqe_share").length; }"""
    )
    assert drawn == 1


@needs_yasgui
def test_yasgui_links_iris_to_the_local_pages(visit: Visit, server: Server) -> None:
    page = visit.page
    query = (
        f"SELECT ?entity WHERE {{ <{BASE}article/many-0> <http://schema.org/mentions> ?entity }}"
    )
    page.goto(server.url + "?" + urlencode_query(query))
    link = page.locator('#results a[href="/entity/astana"]')
    link.wait_for()
    link.click()
    page.wait_for_url("**/entity/astana")
    assert page.inner_text("h1") == "Astana"


@needs_yasgui
def test_yasgui_shows_markup_as_text(visit: Visit, server: Server) -> None:
    page = open_query(visit, server, MARKUP_QUERY, "yasgui")
    page.locator("#results tbody tr").first.wait_for()
    assert MARKUP_HEADLINE in page.inner_text("#results table")
    assert page.locator("#results img, #results script").count() == 0


def test_plain_editor_without_vendor_assets(visit: Visit, server: Server) -> None:
    without_vendor(visit)
    run_plain(visit, server, ASTANA_QUERY)
    rows = result_rows(visit.page)
    assert len(rows) == ASTANA_ARTICLES
    assert rows[0] == ["article:many-0", "Story number 0 about Kazakhstan"]
    assert f"{ASTANA_ARTICLES} rows" in visit.page.inner_text("#status")
    visit.page.click('#results a[href="/article/many-0"]')
    visit.page.wait_for_url("**/article/many-0")
    assert visit.page.inner_text("h1") == "Story number 0 about Kazakhstan"
    visit.page.click('a[href="/entity/astana"]')
    assert visit.page.inner_text("h1") == "Astana"


def test_plain_editor_shows_markup_as_text_and_reports_errors(visit: Visit, server: Server) -> None:
    without_vendor(visit)
    run_plain(visit, server, MARKUP_QUERY)
    cells = [cell for row in result_rows(visit.page) for cell in row]
    assert MARKUP_HEADLINE in cells
    assert visit.page.locator("#results img, #results script").count() == 0
    visit.page.fill("#query-text", "SELECT WHERE {")
    visit.page.click("#run-query")
    visit.page.wait_for_selector("#status.failed")
    assert "400 bad-query" in visit.page.inner_text("#status")


def test_downloads_and_the_shareable_link(visit: Visit, server: Server) -> None:
    without_vendor(visit)
    run_plain(visit, server, ASTANA_QUERY)
    page = visit.page
    with page.expect_download() as csv_download:
        page.click('[data-download="csv"]')
    lines = Path(csv_download.value.path()).read_text().splitlines()
    assert lines[0] == "article,headline" and len(lines) == ASTANA_ARTICLES + 1
    with page.expect_download() as json_download:
        page.click('[data-download="json"]')
    results = json.loads(Path(json_download.value.path()).read_text())
    assert len(results["results"]["bindings"]) == ASTANA_ARTICLES
    assert page.is_disabled('[data-download="turtle"]')
    shared = page.get_attribute("#share-link", "href")
    assert shared == page.url and "query=" in shared
    other = visit.context.new_page()
    other.goto(shared)
    other.wait_for_selector("#results table")
    assert other.input_value("#query-text") == ASTANA_QUERY
    assert other.locator("#results tbody tr").count() == ASTANA_ARTICLES


def test_an_example_query_runs_with_its_parameter(visit: Visit, server: Server) -> None:
    without_vendor(visit)
    page = visit.page
    page.goto(server.url)
    example = page.locator('li.example[data-name="entity-articles"]')
    assert not example.locator("input[name=entity]").is_visible()  # collapsed until opened
    example.locator("summary").click()
    example.locator("input[name=entity]").fill(BASE + "entity/kazakhstan")
    example.locator("button.open-example").click()
    page.wait_for_selector("#results table")
    assert page.locator("#results tbody tr").count() == MANY + 1
    assert "VALUES (?entity)" in page.input_value("#query-text")
    topics = page.locator('li.example[data-name="topic-articles"]')
    topics.locator("summary").click()
    topics.locator("input[name=topic]").focus()
    options = page.locator("datalist option")
    options.first.wait_for(state="attached")
    assert BASE + "topic/energy" in options.evaluate_all("os => os.map(o => o.value)")


def test_an_entity_field_offers_names_as_you_type(visit: Visit, server: Server) -> None:
    """The typeahead on an entity parameter (api/static/typeahead.js over /api/entities) puts
    the picked entity's IRI in the field; the oracle is /api/entities itself."""
    page = visit.page
    page.goto(server.url)
    example = page.locator('li.example[data-name="entity-comentions"]')
    example.locator("summary").click()
    field = example.locator("input[name=entity]")
    field.press_sequentially("ast")
    option = example.locator("[role=option]").first
    option.wait_for()
    found = httpx.get(server.url + "api/entities", params={"search": "ast"}, timeout=30).json()
    assert example.locator("[role=option]").count() == len(found["entities"]) == 1
    assert option.inner_text().startswith("Astana")
    field.press("ArrowDown")
    field.press("Enter")
    assert field.input_value() == BASE + "entity/astana" == found["entities"][0]["iri"]
    example.locator("button.open-example").click()
    page.wait_for_selector("#results tbody tr")
    assert "entity-comentions" in page.inner_text("#query-form")


def test_an_entity_page_opens_a_query_about_it(visit: Visit, server: Server) -> None:
    without_vendor(visit)
    page = visit.page
    page.goto(server.url + "entity/astana")
    assert page.inner_text("h1") == "Astana"
    assert page.locator("ol.article-list li").count() == ASTANA_ARTICLES
    page.click("a.query-link >> text=Articles that mention an entity")
    page.wait_for_selector("#results table")
    assert page.locator("#results tbody tr").count() == ASTANA_ARTICLES
    assert re.search(r"entity-articles", page.inner_text("#query-form"))
