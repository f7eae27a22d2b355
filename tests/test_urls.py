"""URLs of the pages, and links that must never be made."""

from __future__ import annotations

import pytest
from newsgraph.api import templating, urls


@pytest.mark.parametrize(
    ("iri", "href"),
    [
        ("http://localhost:8000/entity/k", "/entity/k"),
        ("http://localhost:8000/article/a#markdown", "/article/a#markdown"),
        ("https://example.org/x?y=1", "https://example.org/x?y=1"),
        ("javascript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("urn:isbn:123", None),
        ("", None),
    ],
)
def test_only_local_pages_and_web_iris_become_links(iri: str, href: str | None) -> None:
    assert urls.Urls("http://localhost:8000/").href(iri) == href


def test_a_base_with_a_path() -> None:
    site = urls.Urls("https://news.example/graph/")
    assert site.base_path == "/graph/"
    assert site.local("https://news.example/graph/topic/energy") == "/graph/topic/energy"
    assert (
        site.variant("https://news.example/graph/article/a#author-1", "ttl")
        == "/graph/article/a.ttl"
    )
    assert site.index("topic") == "/graph/topic/"
    assert site.local("https://news.example/other") is None


def test_dates_that_do_not_parse_are_shown_as_they_are() -> None:
    assert templating.day("sometime") == "sometime" and templating.moment(None) == ""
