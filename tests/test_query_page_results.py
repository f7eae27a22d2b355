"""The query page's results in a real headless Chromium: what researchers read in them.

A server with a small row limit (``--row-limit 20``) answers; every expectation has an oracle
outside the page (the same query over HTTP, /queries, /api/entities), and each rule is checked
in both editors where both show it: YASGUI's (npm) and the plain one a server without npm
serves (tests/query_page.py). Chart and graph views need their npm packages (api/vendor.py);
without them these tests skip, or fail where CI requires them (tests/browser.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from playwright.sync_api import Browser, Page

from tests.browser import launch_chromium, require_vendor
from tests.conftest import BASE, Server, ingested, served
from tests.page_records import write_page_records
from tests.query_page import EDITORS, Visit, open_query, result_rows, use_editor, visiting

pytestmark = pytest.mark.slow

ROW_LIMIT = 20
PREFIX = "PREFIX schema: <http://schema.org/>\n"
ASTANA = f"<{BASE}entity/astana>"
EVERYTHING = "SELECT * WHERE { ?s ?p ?o }"
UNDER_THE_LIMIT = PREFIX + f"SELECT ?article WHERE {{ ?article schema:mentions {ASTANA} }}"
COUNTS = (
    PREFIX
    + """SELECT ?entity (COUNT(?article) AS ?articles) (MAX(?date) AS ?last)
  (SAMPLE("x"^^<http://example.org/odd>) AS ?odd)
WHERE { ?article schema:mentions ?entity ; schema:datePublished ?date }
GROUP BY ?entity ORDER BY DESC(?articles) ?entity"""
)
BROKEN = PREFIX + "SELECT * WHERE {\n  ?s schema:name ?name .\n  ?s ?p\n}"
PAIRS = (
    PREFIX
    + """SELECT ?one ?other (COUNT(?article) AS ?shared) WHERE {
  ?article schema:mentions ?one, ?other FILTER(STR(?one) < STR(?other))
} GROUP BY ?one ?other ORDER BY ?one ?other"""
)
MENTIONS_OF_ASTANA = PREFIX + (
    f"CONSTRUCT {{ ?article schema:mentions {ASTANA} }} "
    f"WHERE {{ ?article schema:mentions {ASTANA} }}"
)
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    directory = tmp_path_factory.mktemp("results")
    store = ingested(directory / "store", write_page_records(directory))
    with served(store, "--row-limit", str(ROW_LIMIT)) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as launched:
        yield launched


@pytest.fixture
def visit(browser: Browser, server: Server) -> Iterator[Visit]:
    with visiting(browser, server) as seen:
        yield seen


@pytest.fixture(params=EDITORS)
def editor(request: pytest.FixtureRequest, visit: Visit) -> str:
    name: str = request.param
    use_editor(visit, name)
    return name


def over_http(server: Server, query: str, accept: str = "application/sparql-results+json"
              ) -> httpx.Response:  # fmt: skip
    response = httpx.post(server.sparql, data={"query": query}, headers={"Accept": accept},
                          timeout=30)  # fmt: skip
    return response


def bindings(server: Server, query: str) -> list[dict[str, Any]]:
    response = over_http(server, query)
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["results"]["bindings"]
    return rows


def readable_moment(lexical: str) -> str:
    """The oracle for a date-time cell: `2026-12-31 10:00 UTC`, or with its offset."""
    moment = datetime.fromisoformat(lexical)
    offset = moment.strftime("%z")
    zone = "UTC" if offset in ("", "+0000") else f"{offset[:3]}:{offset[3:]}"
    return f"{moment:%Y-%m-%d %H:%M} {zone}"


def run_and_wait(visit: Visit, server: Server, query: str, editor: str | None = None) -> Page:
    page = open_query(visit, server, query, editor)
    page.wait_for_selector("#results table.results tbody tr")
    return page


def show_view(page: Page, view: str) -> None:
    page.click(f"#views [data-view={view}]")
    assert page.get_attribute(f"#views [data-view={view}]", "aria-selected") == "true"


def test_a_cut_answer_says_so_above_the_results(visit: Visit, server: Server, editor: str) -> None:
    cut = over_http(server, EVERYTHING)
    assert cut.headers["NewsGraph-Truncated"] == "true"
    assert len(cut.json()["results"]["bindings"]) == ROW_LIMIT
    page = run_and_wait(visit, server, EVERYTHING, editor)
    assert len(result_rows(page)) == ROW_LIMIT
    assert page.is_visible("#notice.truncated")
    notice = page.inner_text("#notice")
    assert f"cut this answer at {ROW_LIMIT} rows" in notice and "LIMIT and OFFSET" in notice
    assert (
        page.locator("#notice").bounding_box()["y"] < page.locator("#results").bounding_box()["y"]
    )  # type: ignore[index]
    assert f"{ROW_LIMIT} rows (cut at the server's limit)" in page.inner_text("#status")
    # The control: an answer under the limit carries no header, and the page no notice.
    whole = over_http(server, UNDER_THE_LIMIT)
    assert "NewsGraph-Truncated" not in whole.headers
    rows = len(whole.json()["results"]["bindings"])
    page = run_and_wait(visit, server, UNDER_THE_LIMIT, editor)
    assert len(result_rows(page)) == rows < ROW_LIMIT
    assert not page.is_visible("#notice") and "cut" not in page.inner_text("#status")


def test_numbers_and_dates_are_plain_and_row_numbers_stand_apart(
    visit: Visit, server: Server, editor: str
) -> None:
    expected = bindings(server, COUNTS)
    assert expected[0]["articles"]["datatype"] == XSD + "integer"
    page = run_and_wait(visit, server, COUNTS, editor)
    rows = result_rows(page)
    numbers = page.eval_on_selector_all(
        "#results tbody th.row-number", "ns => ns.map(n => n.textContent)"
    )
    assert numbers == [str(index + 1) for index in range(len(expected))]
    for row, want in zip(rows, expected, strict=True):
        entity, articles, last, odd = row
        assert entity == "entity:" + want["entity"]["value"].removeprefix(BASE + "entity/")
        assert articles == want["articles"]["value"]  # "56", not "56"^^xsd:integer
        assert last == readable_moment(want["last"]["value"])
        assert "http://example.org/odd" in odd  # the control: an unknown datatype is still shown
    count = page.locator("#results tbody tr").first.locator(".term-number")
    assert count.get_attribute("title") == "xsd:integer"  # the datatype on hover
    date = page.locator("#results tbody tr").first.locator(".term-date")
    assert date.get_attribute("title") == f"{expected[0]['last']['value']} · xsd:dateTime"
    # The row number and the first value are apart on screen, not glued ("1Kazakhstan").
    gap = page.evaluate(
        """() => {
            const row = document.querySelector("#results tbody tr");
            const box = (node) => { const range = document.createRange();
                range.selectNodeContents(node); return range.getBoundingClientRect(); };
            return box(row.cells[1].querySelector(".term-iri")).left - box(row.cells[0]).right;
        }"""
    )
    assert gap >= 8
    assert page.inner_text("#results tbody tr >> nth=0").startswith("1\t")


def test_iris_show_the_names_of_what_they_name(visit: Visit, server: Server, editor: str) -> None:
    names = {
        row["entity"]["value"]: row["name"]["value"]
        for row in bindings(
            server, PREFIX + "SELECT ?entity ?name WHERE { ?entity a ?type ; schema:name ?name }"
        )
    }
    page = run_and_wait(visit, server, COUNTS, editor)
    page.wait_for_selector("#results .term-label")
    shown = page.eval_on_selector_all(
        "#results tbody td .term-iri-cell",
        "cells => cells.map(c => [c.querySelector('.term-iri').title, "
        "(c.querySelector('.term-label') || {}).textContent])",
    )
    assert shown and all(label == names[iri] for iri, label in shown)
    assert len({iri for iri, _ in shown}) == len(bindings(server, COUNTS))


def test_a_syntax_error_shows_its_line_and_column(
    visit: Visit, server: Server, editor: str
) -> None:
    answer = over_http(server, BROKEN)
    assert answer.status_code == 400 and answer.json()["error"] == "bad-query"
    position = re.search(r"error at (\d+):(\d+)", answer.json()["message"])
    assert position, answer.json()
    line, column = int(position[1]), int(position[2])
    page = open_query(visit, server, BROKEN, editor)
    page.wait_for_selector(".query-error")
    assert page.inner_text(".query-error-title") == f"Syntax error at line {line}, column {column}"
    assert BROKEN.split("\n")[line - 1] in page.inner_text(".query-error pre")
    assert "400 bad-query" in page.inner_text("#status.failed")
    assert not page.is_visible("#views")  # no views of a result there is not
    if editor == "yasgui":
        assert page.locator(".CodeMirror .query-error-line").count() == 1
    # The control: a query that parses shows no error.
    run_and_wait(visit, server, UNDER_THE_LIMIT, editor)
    assert page.locator(".query-error").count() == 0


def chart_state(page: Page) -> dict[str, Any]:
    state: dict[str, Any] = page.evaluate(
        """() => { const chart = Chart.getChart(document.querySelector(".result-chart canvas"));
                   return {type: chart.config.type, labels: chart.data.labels,
                           values: chart.data.datasets[0].data}; }"""
    )
    return state


def test_the_chart_plots_a_count_over_months(visit: Visit, server: Server) -> None:
    require_vendor("chartjs")
    entity = BASE + "entity/kazakhstan"
    text = httpx.get(server.url + "queries/entity-mentions-per-month.rq",
                     params={"entity": entity}, timeout=30).text  # fmt: skip
    months = sorted((row["month"]["value"], int(row["articles"]["value"]))
                    for row in bindings(server, text))  # fmt: skip
    page = visit.page
    page.goto(server.url + f"?name=entity-mentions-per-month&entity={entity}")
    page.wait_for_selector("#results tbody tr")
    show_view(page, "chart")
    page.wait_for_selector(".result-chart canvas")
    assert page.get_attribute(".result-chart", "data-points") == str(len(months))
    state = chart_state(page)
    assert state["type"] == "line"  # a count over dates
    assert list(zip(state["labels"], state["values"], strict=True)) == months
    page.select_option(".chart-controls select[name=kind]", "bar")
    assert chart_state(page)["type"] == "bar"


def test_the_chart_draws_bars_of_counts_over_names(visit: Visit, server: Server) -> None:
    require_vendor("chartjs")
    query = (
        PREFIX
        + """SELECT ?entity (COUNT(?article) AS ?articles)
      WHERE { ?article schema:mentions ?entity } GROUP BY ?entity ORDER BY DESC(?articles)"""
    )
    rows = bindings(server, query)
    names = {
        row["entity"]["value"]: row["name"]["value"]
        for row in bindings(
            server, PREFIX + "SELECT ?entity ?name WHERE { ?entity schema:name ?name }"
        )
    }
    page = run_and_wait(visit, server, query)
    page.wait_for_selector("#results .term-label")
    show_view(page, "chart")
    page.wait_for_selector(".result-chart canvas")
    state = chart_state(page)
    assert state["type"] == "bar"
    assert state["labels"] == [names[row["entity"]["value"]] for row in rows]
    assert state["values"] == [int(row["articles"]["value"]) for row in rows]
    assert page.get_attribute(".result-chart", "data-points") == str(len(rows))


def test_the_graph_view_draws_construct_results(visit: Visit, server: Server) -> None:
    require_vendor("cytoscape")
    require_vendor("n3")
    turtle = over_http(server, MENTIONS_OF_ASTANA, "application/n-triples").content
    triples = list(ox.parse(turtle, ox.RdfFormat.N_TRIPLES))
    nodes = {t.subject for t in triples} | {t.object for t in triples}
    assert 1 < len(triples) < ROW_LIMIT
    page = run_and_wait(visit, server, MENTIONS_OF_ASTANA)
    assert len(result_rows(page)) == len(triples)
    assert page.is_disabled("#views [data-view=chart]")
    show_view(page, "graph")
    page.wait_for_selector(".result-graph canvas")
    assert page.get_attribute(".result-graph", "data-nodes") == str(len(nodes))
    assert page.get_attribute(".result-graph", "data-edges") == str(len(triples))


def test_the_graph_view_draws_two_iri_columns(visit: Visit, server: Server) -> None:
    require_vendor("cytoscape")
    rows = bindings(server, PAIRS)
    nodes = {row["one"]["value"] for row in rows} | {row["other"]["value"] for row in rows}
    page = run_and_wait(visit, server, PAIRS)
    show_view(page, "graph")
    page.wait_for_selector(".result-graph canvas")
    assert page.get_attribute(".result-graph", "data-nodes") == str(len(nodes))
    assert page.get_attribute(".result-graph", "data-edges") == str(len(rows))
    # The control: one column of IRIs makes no graph.
    run_and_wait(visit, server, UNDER_THE_LIMIT)
    assert page.is_disabled("#views [data-view=graph]")


def test_without_npm_the_views_say_what_they_need(visit: Visit, server: Server) -> None:
    use_editor(visit, "plain")
    page = run_and_wait(visit, server, PAIRS)
    show_view(page, "chart")
    assert "chart.js" in page.inner_text("#results")
    show_view(page, "graph")
    assert "cytoscape" in page.inner_text("#results")
    show_view(page, "raw")
    assert '"bindings"' in page.inner_text("#results pre")


def visible_examples(page: Page) -> list[str]:
    names: list[str] = page.eval_on_selector_all(
        "li.example", "items => items.filter(i => !i.hidden).map(i => i.dataset.name)"
    )
    return names


def test_the_examples_filter_by_typed_text(visit: Visit, server: Server) -> None:
    listed = httpx.get(server.url + "queries", timeout=30).json()

    def matching(text: str) -> list[str]:
        words = text.lower().split()
        return [q["name"] for q in listed
                if all(w in " ".join([q["title"], q["name"], *q["params"], *q["params"].values()]).lower()
                       for w in words)]  # fmt: skip

    page = visit.page
    page.goto(server.url)
    assert visible_examples(page) == [q["name"] for q in listed]
    assert page.locator("li.example details[open]").count() == 0  # collapsed
    for text in ("month", "articles newest", "ENTITY iri"):
        page.fill("#example-filter", text)
        assert visible_examples(page) == matching(text), text
        assert 0 < len(matching(text)) < len(listed)
    page.fill("#example-filter", "zebra")
    assert visible_examples(page) == [] and page.is_visible("#no-examples")
    page.fill("#example-filter", "month")
    page.press("#example-filter", "Enter")  # the only match opens, its field focused
    assert page.evaluate("document.activeElement.name") == "entity"
    assert page.locator("li.example details[open]").count() == 1


def test_the_response_view_shows_what_the_server_sent(visit: Visit, server: Server) -> None:
    page = run_and_wait(visit, server, MENTIONS_OF_ASTANA)
    show_view(page, "raw")
    shown = page.inner_text("#results pre")
    sent = over_http(server, MENTIONS_OF_ASTANA, "text/turtle").text
    assert ox.Dataset(ox.parse(shown, ox.RdfFormat.TURTLE)) == ox.Dataset(
        ox.parse(sent, ox.RdfFormat.TURTLE)
    )
