"""The query page and the named queries it lists, over HTTP, against the CLI's own answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from newsgraph import queries
from newsgraph.api import vendor

from tests.conftest import BASE, Server, ingested, newsgraph, start_server
from tests.page_records import write_page_records

KAZAKHSTAN = BASE + "entity/kazakhstan"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("ui")
    return ingested(directory / "store", write_page_records(directory))


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[Server]:
    running = start_server(store)
    yield running
    running.stop()


class Page(HTMLParser):
    """The query page's text area, configuration and example forms."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.inside: str | None = None
        self.textarea = ""
        self.config_text = ""
        self.examples: list[str] = []
        self.inputs: list[dict[str, str | None]] = []
        self.scripts: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "textarea":
            self.inside = "textarea"
        elif tag == "script" and found.get("id") == "newsgraph-config":
            self.inside = "config"
        elif tag == "script" and found.get("src"):
            self.scripts.append(found["src"] or "")
        elif tag == "li" and found.get("data-name"):
            self.examples.append(found["data-name"] or "")
        elif tag == "input":
            self.inputs.append(found)

    def handle_endtag(self, tag: str) -> None:
        self.inside = None

    def handle_data(self, data: str) -> None:
        if self.inside == "textarea":
            self.textarea += data
        elif self.inside == "config":
            self.config_text += data

    @property
    def config(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.config_text)
        return parsed


def page(server: Server, **params: str) -> Page:
    response = httpx.get(server.url, params=params, headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 200, response.text
    assert "content-security-policy" in response.headers
    return Page(response.text)


def test_the_page_lists_the_same_named_queries_as_the_cli(server: Server) -> None:
    listed = json.loads(newsgraph("query", "--list", "--format", "json").stdout)
    cli_names = [row["name"] for row in listed]
    assert page(server).examples == cli_names == queries.names(public_only=True)
    as_json = httpx.get(server.url + "queries", timeout=30).json()
    assert [q["name"] for q in as_json] == cli_names
    for wanted in ("entity-articles", "entity-comentions", "entity-mentions-per-month",
                   "newest-articles", "entity-names"):  # fmt: skip
        assert wanted in cli_names
    described = {q["name"]: q for q in as_json}
    assert described["entity-articles"]["params"] == {
        "entity": "the entity (its IRI, name or other name)"
    }
    assert described["entity-articles"]["kinds"] == {"entity": "entity"}
    assert described["entity-articles"]["title"] == queries.get("entity-articles").title
    assert described["newest-articles"]["page"] == "/?name=newest-articles"


def test_a_named_query_runs_with_the_same_answer_as_the_cli(server: Server, store: Path) -> None:
    bound = httpx.get(
        server.url + "queries/entity-articles", params={"entity": KAZAKHSTAN}, timeout=30
    )
    text = bound.json()["text"]
    assert text == queries.bind("entity-articles", {"entity": KAZAKHSTAN})
    over_http = httpx.post(server.sparql, data={"query": text},
                           headers={"Accept": "application/sparql-results+json"}, timeout=30)  # fmt: skip
    cli = newsgraph("query", "--store", str(store), "--name", "entity-articles",
                    "--param", f"entity={KAZAKHSTAN}", "--format", "json")  # fmt: skip
    assert cli.returncode == 0, cli.stderr.decode()
    http_rows = over_http.json()["results"]["bindings"]
    assert http_rows == json.loads(cli.stdout)["results"]["bindings"]
    assert len(http_rows) == 56


def test_the_page_opens_a_named_query_bound_and_runs_it(server: Server) -> None:
    opened = page(server, name="entity-articles", entity=KAZAKHSTAN)
    assert opened.textarea == queries.bind("entity-articles", {"entity": KAZAKHSTAN})
    assert opened.config["autorun"] is True
    unbound = page(server, name="entity-articles")
    assert unbound.textarea == queries.get("entity-articles").text
    assert unbound.config["autorun"] is False
    shared = page(server, query="ASK { ?s ?p ?o }")
    assert shared.textarea == "ASK { ?s ?p ?o }" and shared.config["autorun"] is True


def test_a_fresh_page_has_the_prefixes_preset(server: Server) -> None:
    fresh = page(server)
    assert fresh.textarea.startswith(queries.prologue())
    assert fresh.config["autorun"] is False
    assert fresh.config["base"] == BASE and fresh.config["basePath"] == "/"
    assert fresh.config["prefixes"]["entity"] == BASE + "entity/"
    params = {str(i.get("name")) for i in fresh.inputs if i.get("data-suggest")}
    assert params == {p for n in queries.names(public_only=True) for p in queries.get(n).params}
    assert {"entity", "article", "name", "topic", "publisher"} <= params
    installed = vendor.available("yasgui")
    assert ("/static/vendor/yasgui/yasgui.min.js" in fresh.scripts) is installed
    assert fresh.scripts[-1] == "/static/query.js"


def test_query_mistakes_are_errors(server: Server) -> None:
    for params in ({"name": "nope"}, {"name": "entity-articles", "bogus": "1"}):
        response = httpx.get(server.url, params=params, headers={"Accept": "text/html"}, timeout=30)
        assert response.status_code in (400, 404) and response.headers["content-type"].startswith(
            "text/html"
        )
    assert httpx.get(server.url + "queries/nope", timeout=30).json()["error"] == "not-found"
    wrong = httpx.get(server.url + "queries/entity-articles", params={"x": "1"}, timeout=30)
    assert wrong.status_code == 400 and "no parameter 'x'" in wrong.json()["message"]


def test_raw_query_text(server: Server) -> None:
    raw = httpx.get(server.url + "queries/newest-articles.rq", timeout=30)
    assert raw.headers["content-type"].startswith("application/sparql-query")
    assert raw.text == queries.get("newest-articles").text


def test_static_assets_are_served(server: Server) -> None:
    for name in ("query.js", "newsgraph.css", "favicon.svg"):
        assert httpx.get(server.url + "static/" + name, timeout=30).status_code == 200
