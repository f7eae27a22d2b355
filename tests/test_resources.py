"""Dereferencing minted IRIs over HTTP: HTML for browsers, RDF by Accept header or extension."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest
from newsgraph import queries
from rdflib import Graph
from rdflib.compare import isomorphic

from tests.conftest import BASE, Server, ingested, served
from tests.page_records import MARKUP_ENTITY, MARKUP_HEADLINE, MARKUP_SLUG, write_page_records

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
RDFLIB = {"text/turtle": "turtle", "application/ld+json": "json-ld",
          "application/n-triples": "nt", "application/rdf+xml": "xml", "application/json": "json-ld"}  # fmt: skip
EXTENSIONS = {"ttl": "text/turtle", "jsonld": "application/ld+json",
              "nt": "application/n-triples", "rdf": "application/rdf+xml"}  # fmt: skip


def page_store(directory: Path, base: str = BASE) -> Path:
    return ingested(directory / "store", write_page_records(directory), base=base)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with served(page_store(tmp_path_factory.mktemp("resources"))) as running:
        yield running
    client().close()
    client.cache_clear()


class Tags(HTMLParser):
    """The elements of a page, with their attributes, and its text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def links(self) -> list[str]:
        return [attrs["href"] or "" for tag, attrs in self.tags if tag == "a" and attrs.get("href")]


@cache
def client() -> httpx.Client:
    """One client for the module: a new one per request spends most of its time on TLS set-up."""
    return httpx.Client(timeout=30)


def query_links_about(param: str) -> list[str]:
    """The public named queries whose one parameter is ``param``."""
    return [n for n in queries.names(public_only=True) if list(queries.get(n).params) == [param]]


def get(server: Server, path: str, accept: str | None = None, **params: str) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return client().get(server.url + path.lstrip("/"), headers=headers, params=params or None)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/html"),
        ("*/*", "text/html"),
        (BROWSER, "text/html"),
        ("application/xhtml+xml", "text/html"),
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/json", "application/json"),
        ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
        ("text/html;q=0.1, text/turtle", "text/turtle"),
        ("application/*", "application/ld+json"),
    ],
)
def test_content_negotiation(server: Server, accept: str | None, expected: str) -> None:
    response = get(server, "/entity/kazakhstan", accept)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected
    assert "Accept" in [v.strip() for v in response.headers["vary"].split(",")]
    if expected in RDFLIB:
        parsed = Graph().parse(data=response.content, format=RDFLIB[expected])
        assert len(parsed) > 50
        extension = {v: k for k, v in EXTENSIONS.items()}.get(expected)
        if extension:
            assert response.headers["content-location"] == f"/entity/kazakhstan.{extension}"


def test_nothing_acceptable_is_406(server: Server) -> None:
    response = get(server, "/entity/kazakhstan", "image/png")
    assert response.status_code == 406
    assert response.json()["error"] == "not-acceptable"


@pytest.mark.parametrize("path", ["/entity/kazakhstan", f"/article/{MARKUP_SLUG}", "/topic/energy",
                                  "/publisher/news.example.org"])  # fmt: skip
def test_extensions_and_accept_give_the_same_graph(server: Server, path: str) -> None:
    graphs = []
    for extension, media_type in EXTENSIONS.items():
        by_extension = get(server, f"{path}.{extension}", BROWSER)
        assert by_extension.status_code == 200, (path, extension)
        assert by_extension.headers["content-type"].split(";")[0] == media_type
        assert "Accept" not in [v.strip() for v in by_extension.headers.get("vary", "").split(",")]
        by_accept = get(server, path, media_type)
        first = Graph().parse(data=by_extension.content, format=RDFLIB[media_type])
        second = Graph().parse(data=by_accept.content, format=RDFLIB[media_type])
        assert isomorphic(first, second)
        graphs.append(first)
    assert all(isomorphic(graphs[0], other) for other in graphs[1:])
    link = get(server, path).headers["link"]
    assert all(f"<{path}.{extension}>" in link for extension in EXTENSIONS)


def test_every_minted_iri_dereferences(server: Server) -> None:
    query = f"""SELECT DISTINCT ?iri WHERE {{ {{ ?iri ?p ?o }} UNION {{ ?s ?p ?iri }}
        FILTER(isIRI(?iri) && STRSTARTS(STR(?iri), "{BASE}")
               && !STRSTARTS(STR(?iri), "{BASE}graph/")) }}"""
    rows = httpx.get(server.sparql, params={"query": query}, timeout=30).json()
    iris = {row["iri"]["value"] for row in rows["results"]["bindings"]}
    kinds = {iri[len(BASE) :].split("/")[0] for iri in iris}
    assert kinds == {"article", "entity", "topic", "publisher"}
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for iri in sorted(iris):
            path = "/" + iri[len(BASE) :].split("#")[0]
            assert client.get(path, headers={"Accept": BROWSER}).status_code == 200, iri
            turtle = client.get(path, headers={"Accept": "text/turtle"})
            assert turtle.status_code == 200, iri
            assert len(Graph().parse(data=turtle.content, format="turtle")) > 0, iri


def test_unknown_iris_are_404_in_the_one_error_shape(server: Server) -> None:
    for path in ("/entity/nobody", "/article/nothing.ttl", "/topic/Not A Key", "/publisher/UPPER.example",
                 "/article/", "/nowhere"):  # fmt: skip
        response = get(server, path)
        assert response.status_code == 404, path
        body = response.json()
        # An unknown entity name also lists the nearest names (tests/test_names.py).
        named = {"candidates"} if path.startswith("/entity/") else set()
        assert set(body) == {"error", "message", "status"} | named
        assert body["error"] == "not-found" and body["status"] == 404


def test_browsers_get_the_error_as_a_page_with_the_same_fields(server: Server) -> None:
    as_json = get(server, "/entity/nobody", "application/json").json()
    page = get(server, "/entity/nobody", BROWSER)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    text = " ".join(Tags(page.text).text)
    assert as_json["message"] in text and as_json["error"] in text and "404" in text
    bad = get(server, "/entity/kazakhstan", BROWSER, before="yesterday", after="x")
    assert bad.status_code == 400 and "bad page position" in bad.text
    assert (
        get(server, "/sparql", BROWSER, query="SELECT")
        .headers["content-type"]
        .startswith("text/html")
    )
    assert (
        get(server, "/sparql", "application/sparql-results+json", query="SELECT").json()["status"]
        == 400
    )


def test_head_answers_without_a_body(server: Server) -> None:
    response = httpx.head(server.url + "entity/kazakhstan.ttl", timeout=30)
    assert response.status_code == 200 and response.content == b""
    assert response.headers["content-type"].startswith("text/turtle")


def markup_entity_path(server: Server) -> str:
    """The local path of the entity named with markup (its key is the linker's business)."""
    query = f"SELECT ?e WHERE {{ ?e <http://schema.org/name> {json.dumps(MARKUP_ENTITY)} }}"
    rows = client().get(server.sparql, params={"query": query}).json()["results"]["bindings"]
    iri: str = rows[0]["e"]["value"]
    return "/" + iri[len(BASE) :]


def test_data_is_escaped_everywhere(server: Server) -> None:
    for path in (markup_entity_path(server), f"/article/{MARKUP_SLUG}", "/entity/kazakhstan",
                 "/topic/", "/entity/", "/publisher/markup.example.org", "/topic/topic"):  # fmt: skip
        response = get(server, path, BROWSER)
        assert response.status_code == 200, path
        tags = Tags(response.text)
        assert not [t for t, _ in tags.tags if t in ("img", "b", "i")], path
        assert all(
            attrs.get("src", "").startswith("/static/") for t, attrs in tags.tags if t == "script"
        )
        assert "window.__pwned" not in "".join(attrs.get("onerror") or "" for _, attrs in tags.tags)
        assert "javascript:" not in " ".join(tags.links())
    article = Tags(get(server, f"/article/{MARKUP_SLUG}", BROWSER).text)
    assert MARKUP_HEADLINE in article.text and MARKUP_ENTITY in article.text
    assert "content-security-policy" in get(server, "/entity/kazakhstan").headers


def test_entity_page_content_and_links(server: Server) -> None:
    response = get(server, "/entity/kazakhstan", BROWSER)
    page = Tags(response.text)
    text = " ".join(page.text)
    assert "Kazakhstan" in text and "Most often mentioned with it" in text
    links = page.links()
    assert "/entity/astana" in links and "/entity/council-of-europe" in links
    assert f"/article/{MARKUP_SLUG}" == next(link for link in links if link.startswith("/article/"))
    query_links = [link for link in links if link.startswith("/?name=entity-")]
    assert len(query_links) == len(query_links_about("entity")) >= 4
    assert get(server, query_links[0], BROWSER).status_code == 200
    older = [attrs["href"] for tag, attrs in page.tags if tag == "a" and attrs.get("rel") == "next"]
    assert len(older) == 1
    second = Tags(get(server, urljoin("/entity/kazakhstan", older[0] or ""), BROWSER).text)
    articles = [link for link in second.links() if link.startswith("/article/")]
    assert len(articles) == 6 and "/article/many-0" in articles


def test_article_page_links_its_entities_topics_and_publisher(server: Server) -> None:
    page = Tags(get(server, f"/article/{MARKUP_SLUG}", BROWSER).text)
    links = page.links()
    assert {"/entity/kazakhstan", "/topic/topic", "/publisher/markup.example.org"} <= set(links)
    assert "https://example.org/x" in links and "https://markup.example.org/a.html" in links
    text = " ".join(page.text)
    assert "2026-12-31 10:00 (UTC)" in text and "2026-12-31 11:30 (UTC+01:00)" in text
    assert "A summary with <b>bold</b>" in text


def test_lists_of_topics_publishers_and_entities(server: Server) -> None:
    topics = Tags(get(server, "/topic/", BROWSER).text)
    assert {"/topic/energy", "/topic/politics", "/topic/topic"} <= set(topics.links())
    scheme = get(server, "/topic/", "text/turtle")
    assert (
        scheme.status_code == 200 and len(Graph().parse(data=scheme.content, format="turtle")) == 3
    )
    assert "/publisher/other.example.net" in Tags(get(server, "/publisher/", BROWSER).text).links()
    assert "/entity/kazakhstan" in Tags(get(server, "/entity/", BROWSER).text).links()
    assert get(server, "/publisher/", "text/turtle").status_code == 406


def test_a_base_with_a_path_serves_its_iris_under_that_path(tmp_path: Path) -> None:
    base = "http://news.example/graph/"
    with served(page_store(tmp_path, base), "--base", base) as running:
        page = get(running, "/graph/entity/kazakhstan", BROWSER)
        assert page.status_code == 200
        assert "/graph/entity/astana" in Tags(page.text).links()
        turtle = get(running, "/graph/entity/kazakhstan.ttl")
        parsed: Any = Graph().parse(data=turtle.content, format="turtle")
        assert any(str(s) == base + "entity/kazakhstan" for s in parsed.subjects())
        assert get(running, "/entity/kazakhstan").status_code == 404
