"""What the entity, topic, publisher and article pages show, read through a real store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from newsgraph import pages, queries
from newsgraph.api.templating import render_text
from newsgraph.api.urls import Urls
from newsgraph.errors import QueryError
from newsgraph.ingest import ingest
from newsgraph.pages.article import article_page
from newsgraph.pages.listing import ListRequest, list_page
from newsgraph.settings import Settings, load_settings
from newsgraph.store import EmbeddedStore
from newsgraph.vocab.namespaces import Minter

from tests.conftest import BASE
from tests.page_records import (
    MANY,
    MARKUP_ENTITY,
    MARKUP_HEADLINE,
    MARKUP_SLUG,
    published,
    write_page_records,
)

KAZAKHSTAN = BASE + "entity/kazakhstan"
ASTANA = BASE + "entity/astana"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    directory = tmp_path_factory.mktemp("pages")
    settings: Settings = load_settings(store=str(directory / "store"), base=BASE)
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as opened:
        ingest([str(write_page_records(directory))], opened, settings)
        yield opened


def newest_first() -> list[str]:
    """The slugs mentioning Kazakhstan as the page must list them: date down, then IRI up."""
    rows = [(published(i), BASE + f"article/many-{i}") for i in range(MANY)]
    rows.append(("2026-12-31T10:00:00+00:00", BASE + f"article/{MARKUP_SLUG}"))
    rows.sort(key=lambda row: row[1])
    rows.sort(key=lambda row: row[0], reverse=True)
    return [iri for _, iri in rows]


def test_entity_articles_come_newest_first_a_page_at_a_time(store: EmbeddedStore) -> None:
    first = pages.resource_page(store, KAZAKHSTAN, "entity")
    assert first is not None and first.name == "Kazakhstan"
    assert first.articles.total == MANY + 1
    assert len(first.articles.rows) == pages.PAGE_SIZE and first.articles.next is not None
    second = pages.resource_page(store, KAZAKHSTAN, "entity", first.articles.next)
    assert second is not None and second.articles.next is None
    listed = [row.iri for row in first.articles.rows + second.articles.rows]
    assert listed == newest_first()  # nothing lost or repeated at a page boundary inside a tie
    assert published(5) == published(6)
    assert listed[49:51] == [BASE + "article/many-5", BASE + "article/many-6"]


def test_entity_page_counts_co_mentions_and_months(store: EmbeddedStore) -> None:
    page = pages.resource_page(store, KAZAKHSTAN, "entity")
    assert page is not None
    counts = {entity.name: entity.count for entity in page.entities}
    assert counts["Astana"] == len(range(0, MANY, 3))
    assert counts["Council of Europe"] == MANY - len(range(0, MANY, 3))
    assert KAZAKHSTAN not in {entity.iri for entity in page.entities}
    assert sum(count for _, count in page.months) == MANY + 1
    assert page.months[0] == ("2026-01", 31) and page.busiest_month == 31
    about_entities = [
        n for n in queries.names(public_only=True) if list(queries.get(n).params) == ["entity"]
    ]
    assert [link.name for link in page.queries] == about_entities
    assert {
        "entity-articles",
        "entity-comentions",
        "entity-mentions-per-month",
        "entity-names",
    } <= set(about_entities)
    assert all(link.params == {"entity": KAZAKHSTAN} for link in page.queries)


def test_statements_show_everything_said_about_the_entity(store: EmbeddedStore) -> None:
    page = pages.resource_page(store, ASTANA, "entity")
    assert page is not None
    labels = {statement.label: [v.text for v in statement.values] for statement in page.statements}
    assert labels["schema:name"] == ["Astana"]
    assert labels["rdf:type"] and [t.text for t in page.types] == labels["rdf:type"]
    assert all(t.iri and t.text.startswith("schema:") for t in page.types)


def test_topic_and_publisher_pages(store: EmbeddedStore) -> None:
    topic = pages.resource_page(store, BASE + "topic/energy", "topic")
    assert topic is not None and topic.name == "energy"
    assert topic.articles.total == len(range(0, MANY, 3))
    assert {e.name: e.count for e in topic.entities}["Astana"] == topic.articles.total
    assert [link.name for link in topic.queries] == ["topic-articles"]
    publisher = pages.resource_page(store, BASE + "publisher/other.example.net", "publisher")
    assert publisher is not None and publisher.url == "https://other.example.net/"
    assert publisher.articles.total == MANY - len(range(0, MANY, 3))
    listed = list_page(store, ListRequest("topic"))
    topics = {row.name: row.count for row in listed.rows}
    assert topics == {"energy": 19, "politics": 36, "<topic>": 1} and listed.total == 3
    assert [row.name for row in listed.rows] == ["politics", "energy", "<topic>"]


def test_unknown_resources_have_no_page(store: EmbeddedStore) -> None:
    assert pages.resource_page(store, BASE + "entity/nobody", "entity") is None
    assert article_page(store, BASE + "article/nothing", Minter(BASE)) is None


def test_article_page_holds_what_the_record_gave(store: EmbeddedStore) -> None:
    page = article_page(store, BASE + f"article/{MARKUP_SLUG}", Minter(BASE))
    assert page is not None
    assert page.headline == MARKUP_HEADLINE  # raw here: the template escapes it
    assert page.published == "2026-12-31T10:00:00Z" and page.modified == "2026-12-31T11:30:00+01:00"
    assert page.publisher is not None and page.publisher.label == "markup.example.org"
    assert [t.label for t in page.topics] == ["<topic>"]
    assert {e.label for e in page.entities} == {MARKUP_ENTITY, "Kazakhstan"}
    assert all(e.types for e in page.entities)  # the short names of their schema.org types
    assert page.citations == ["https://example.org/x"]
    assert page.alternates == [("text/html", "https://markup.example.org/a.html")]
    assert page.has_markdown and page.body and "Second" in page.body
    assert [(a.label, a.iri) for a in page.authors] == [
        ("<b>A. Reporter</b>", "https://markup.example.org/by/r")
    ]
    assert [q.name for q in page.queries] == ["article-description"]


def test_a_bad_page_position_is_a_query_error() -> None:
    with pytest.raises(QueryError, match="bad page position"):
        pages.Cursor.parse("yesterday", BASE + "article/x")
    assert pages.Cursor.parse("2026-01-01T00:00:00Z", BASE + "article/x").date.startswith("2026")


def test_what_linking_adds_shows_on_the_page(store: EmbeddedStore) -> None:
    """sameAs, other names, types and a description (as linking writes them) reach the page."""
    council = BASE + "entity/council-of-europe"
    store.update(f"""PREFIX schema: <http://schema.org/> PREFIX owl: <http://www.w3.org/2002/07/owl#>
        INSERT DATA {{ GRAPH <{BASE}graph/test-linking> {{
          <{council}> owl:sameAs <http://www.wikidata.org/entity/Q8908> ;
            schema:sameAs <javascript:alert(1)> ;
            schema:alternateName "CoE", "<i>Conseil de l'Europe</i>"@fr ;
            a schema:GovernmentOrganization ;
            schema:description "An organisation & its <b>members</b>." }} }}""")
    page = pages.resource_page(store, council, "entity")
    assert page is not None
    assert set(page.same_as) == {"http://www.wikidata.org/entity/Q8908", "javascript:alert(1)"}
    assert set(page.alternate_names) == {"CoE", "<i>Conseil de l'Europe</i>"}
    assert "schema:GovernmentOrganization" in {t.text for t in page.types}
    html = render_text("resource.html", page=page, urls=Urls(BASE), kind="entity",
                       kind_label="Entity", variants={}, cursor=None)  # fmt: skip
    assert '<a href="http://www.wikidata.org/entity/Q8908">wd:Q8908</a>' in html
    assert "javascript:" not in html.replace("<li>javascript:alert(1)</li>", "")
    assert "&lt;i&gt;Conseil de l&#39;Europe&lt;/i&gt;" in html
    assert "An organisation &amp; its &lt;b&gt;members&lt;/b&gt;." in html
