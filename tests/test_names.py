"""Names wherever an entity is expected (graph/resolve.py, graph/queries/named.py): ``newsgraph
query --name N --param entity=NAME`` on the store and through ``--endpoint``, the query page,
``/queries/NAME`` and ``/entity/NAME`` — through the real command and a real server.

The oracles come from the records written here: which articles list an entity under any of its
names, which entities share an acronym, which names contain a text. Every negative test has a
control beside it that shows it could fail.
"""

from __future__ import annotations

import difflib
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from newsgraph import queries

from tests.conftest import BASE, Server, newsgraph, record, start_server, write_jsonl

US = BASE + "entity/united-states"
KAZAKHSTAN = BASE + "entity/kazakhstan"
#: A page of an entity's articles further on (kept by a redirect).
CURSOR = urlencode({"before": "2026-01-03T00:00:00+00:00", "after": BASE + "article/usa-deal"})
#: The records: "CIS" stands beside two different expansions, "USA" beside none.
RECORDS = [
    record("cis-service", title="Central Intelligence Service reorganised",
           body_md="The Central Intelligence Service (CIS) was reorganised on Monday.",
           entities=["Central Intelligence Service", "CIS", "Kazakhstan"], topics=["security"]),
    record("cis-states", title="Commonwealth of Independent States meets",
           body_md="The Commonwealth of Independent States (CIS) met in Minsk.",
           entities=["Commonwealth of Independent States", "CIS", "Belarus"],
           topics=["politics"]),
    record("usa-deal", title="USA and Kazakhstan sign a deal",
           body_md="The USA and Kazakhstan signed a deal on Tuesday.",
           entities=["USA", "Kazakhstan"], topics=["trade"]),
    record("us-envoy", title="United States envoy visits Astana",
           body_md="The United States envoy visited Astana.",
           entities=["United States", "Astana"], topics=["trade"]),
    record("astana-forum", title="Astana hosts an investment forum",
           body_md="Astana hosted a forum on investment.",
           entities=["Astana", "Kazakhstan"], topics=["economy"]),
]  # fmt: skip


def slugs_listing(*names: str) -> set[str]:
    """Oracle: the records whose entity list gives any of ``names``."""
    return {r["slug"] for r in RECORDS if set(r["entities"]) & set(names)}


def beside(form: str) -> set[str]:
    """Oracle: the names listed beside ``form`` (the expansions an acronym stands for)."""
    return {
        name
        for r in RECORDS
        if form in r["entities"]
        for name in r["entities"]
        if name != form and "".join(w[0] for w in name.split() if w[0].isupper()) == form
    }


def listed_names() -> set[str]:
    return {name for r in RECORDS for name in r["entities"]}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("names")
    path = directory / "store"
    result = newsgraph("ingest", "--quiet", "--store", str(path), "--base", BASE,
                       str(write_jsonl(directory / "records.jsonl", RECORDS)))  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    return path


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[Server]:
    running = start_server(store)
    yield running
    running.stop()


def query(store: Path | None, *args: str, endpoint: str | None = None) -> tuple[int, str, str]:
    where = ["--endpoint", endpoint] if endpoint else ["--store", str(store)]
    result = newsgraph("query", *where, "--base", BASE, "--format", "json", *args)
    return result.returncode, result.stdout.decode(), result.stderr.decode()


def answer(store: Path | None, name: str, param: str, endpoint: str | None = None) -> Any:
    code, out, err = query(store, "--name", name, "--param", param, endpoint=endpoint)
    assert code == 0, err
    return json.loads(out)["results"]["bindings"]


def article_slugs(bindings: list[dict[str, Any]]) -> set[str]:
    return {row["article"]["value"].rsplit("/", 1)[1] for row in bindings}


def listed(message: str) -> list[str]:
    """The names an error lists, in order: ``Name <IRI>`` each."""
    return [name.strip() for name in re.findall(r"([^,:;]+?) <[^>]+>", message)]


# Parameter kinds


def test_every_public_parameter_declares_its_kind() -> None:
    for name in queries.names(public_only=True):
        named = queries.get(name)
        assert set(named.kinds) == set(named.params), name
        assert set(named.kinds.values()) <= set(queries.KINDS)


def test_an_unknown_kind_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsgraph.queries import named

    (tmp_path / "bad-kind.rq").write_text("# A query.\n# param x (colour): x\nASK { ?x ?p ?o }\n")
    (tmp_path / "good-kind.rq").write_text("# A query.\n# param x (entity): x\nASK { ?x ?p ?o }\n")
    monkeypatch.setattr(named, "QUERY_DIR", tmp_path)
    named.get.cache_clear()
    try:
        assert named.get("good-kind").kinds == {"x": "entity"}  # control
        with pytest.raises(ValueError, match="unknown kind 'colour'"):
            named.get("bad-kind")
    finally:
        named.get.cache_clear()


# The command line


def test_an_alias_answers_as_the_iri(store: Path) -> None:
    by_iri = answer(store, "entity-articles", f"entity={US}")
    assert article_slugs(by_iri) == slugs_listing("USA", "United States")
    for typed in ("USA", "usa", "United States", "united states"):
        assert answer(store, "entity-articles", f"entity={typed}") == by_iri, typed


def test_other_kinds_resolve_by_name(store: Path) -> None:
    trade = answer(store, "topic-articles", f"topic={BASE}topic/trade")
    assert article_slugs(trade) == {r["slug"] for r in RECORDS if "trade" in r["topics"]}
    assert answer(store, "topic-articles", "topic=Trade") == trade
    publisher = answer(store, "publisher-articles", f"publisher={BASE}publisher/news.example.org")
    assert article_slugs(publisher) == {r["slug"] for r in RECORDS}
    assert answer(store, "publisher-articles", "publisher=news.example.org") == publisher
    code, by_slug, err = query(
        store, "--name", "article-description", "--param", "article=usa-deal"
    )
    assert code == 0, err
    assert by_slug == query(store, "--name", "article-description",
                            "--param", f"article={BASE}article/usa-deal")[1]  # fmt: skip
    assert "USA and Kazakhstan sign a deal" in by_slug


def test_an_ambiguous_name_exits_2_listing_the_entities(store: Path) -> None:
    code, out, err = query(store, "--name", "entity-articles", "--param", "entity=CIS")
    assert code == 2 and not out
    assert err.count("\n") == 1 and err.startswith("newsgraph query: entity='CIS': ")
    assert "names 2 entities" in err
    assert set(listed(err.split("one of: ", 1)[1])) == beside("CIS")
    # Control: the IRI of one of them runs, and answers the one record that defines it so.
    iri = BASE + "entity/commonwealth-of-independent-states"
    assert article_slugs(answer(store, "entity-articles", f"entity={iri}")) == {"cis-states"}


def test_an_unknown_name_exits_2_listing_the_nearest(store: Path) -> None:
    code, out, err = query(store, "--name", "entity-articles", "--param", "entity=Kazakstan")
    assert code == 2 and not out
    nearest = listed(err.split("nearest: ", 1)[1])
    oracle = difflib.get_close_matches("kazakstan", [n.lower() for n in listed_names()], n=1)
    assert [n.lower() for n in nearest[:1]] == oracle == ["kazakhstan"]
    # A part of a name lists the names that contain it.
    code, _, err = query(store, "--name", "entity-articles", "--param", "entity=Independent")
    assert code == 2
    containing = {n for n in listed_names() if "independent" in n.lower()}
    assert set(listed(err.split("nearest: ", 1)[1])[: len(containing)]) == containing
    # Control: the right spelling runs.
    kazakhstan = answer(store, "entity-articles", "entity=Kazakhstan")
    assert article_slugs(kazakhstan) == slugs_listing("Kazakhstan")


def test_unknown_topics_and_articles_list_candidates(store: Path) -> None:
    code, _, err = query(store, "--name", "topic-articles", "--param", "topic=trad")
    assert code == 2 and "nearest: trade <" in err
    code, _, err = query(store, "--name", "article-description", "--param", "article=usa")
    assert code == 2 and f"nearest: usa-deal <{BASE}article/usa-deal>" in err
    assert query(store, "--name", "topic-articles", "--param", "topic=trade")[0] == 0  # control


def test_the_endpoint_resolves_names_in_the_store_it_queries(server: Server) -> None:
    by_iri = answer(None, "entity-articles", f"entity={US}", endpoint=server.sparql)
    assert article_slugs(by_iri) == slugs_listing("USA", "United States")
    assert answer(None, "entity-articles", "entity=usa", endpoint=server.sparql) == by_iri
    code, _, err = query(None, "--name", "entity-articles", "--param", "entity=CIS",
                         endpoint=server.sparql)  # fmt: skip
    assert code == 2 and set(listed(err.split("one of: ", 1)[1])) == beside("CIS")


# Over HTTP


def candidates(response: httpx.Response) -> list[dict[str, Any]]:
    body = response.json()
    assert set(body) == {"error", "message", "status", "candidates"}
    assert body["status"] == response.status_code
    found: list[dict[str, Any]] = body["candidates"]
    return found


def test_named_queries_over_http_bind_the_iri_a_name_means(server: Server) -> None:
    described = httpx.get(server.url + "queries/entity-articles", params={"entity": "USA"})
    assert described.status_code == 200
    assert described.json()["bound"] == {"entity": US}
    assert described.json()["given"] == {"entity": "USA"}
    assert described.json()["text"] == queries.bind("entity-articles", {"entity": US})
    page = httpx.get(server.url, params={"name": "entity-articles", "entity": "usa"})
    assert page.status_code == 200
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", page.text, re.S)
    assert (
        textarea
        and html.unescape(textarea.group(1)).strip()
        == queries.bind("entity-articles", {"entity": US}).strip()
    )


def test_ambiguous_and_unknown_names_over_http_list_candidates(server: Server) -> None:
    ambiguous = httpx.get(server.url + "queries/entity-articles", params={"entity": "CIS"})
    assert ambiguous.status_code == 400
    assert {c["name"] for c in candidates(ambiguous)} == beside("CIS")
    unknown = httpx.get(server.url, params={"name": "entity-articles", "entity": "Kazakstan"})
    assert unknown.status_code == 404
    assert candidates(unknown)[0] == {
        "iri": KAZAKHSTAN, "name": "Kazakhstan", "url": "/entity/kazakhstan"
    }  # fmt: skip
    # Control: an error about something else has the three fields alone.
    other = httpx.get(server.url + "queries/entity-articles", params={"x": "1"})
    assert other.status_code == 400 and set(other.json()) == {"error", "message", "status"}


@pytest.mark.parametrize(
    ("path", "location"),
    [("entity/USA", "/entity/united-states"),
     ("entity/usa.ttl", "/entity/united-states.ttl"),
     (f"entity/KAZAKHSTAN?{CURSOR}", f"/entity/kazakhstan?{CURSOR}"),
     ("entity/united states", "/entity/united-states")],
)  # fmt: skip
def test_an_entity_named_otherwise_redirects_to_its_page(
    server: Server, path: str, location: str
) -> None:
    moved = httpx.get(server.url + path)
    assert moved.status_code == 303
    assert moved.headers["location"] == location
    assert httpx.get(server.url + location.lstrip("/")).status_code == 200


def test_an_entity_page_by_its_key_is_served_without_redirect(server: Server) -> None:
    """Control: the canonical page answers 200 itself, in HTML and in Turtle."""
    assert httpx.get(server.url + "entity/united-states").status_code == 200
    turtle = httpx.get(server.url + "entity/united-states.ttl")
    assert turtle.status_code == 200 and turtle.headers["content-type"].startswith("text/turtle")


def test_an_unknown_entity_page_suggests_the_nearest_names(server: Server) -> None:
    missing = httpx.get(server.url + "entity/Kazakstan")
    assert missing.status_code == 404
    suggested = candidates(missing)
    assert suggested[0]["url"] == "/entity/kazakhstan"
    assert all(httpx.get(server.url + c["url"].lstrip("/")).status_code == 200 for c in suggested)
    page = httpx.get(server.url + "entity/Kazakstan", headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert f"Kazakhstan &lt;{KAZAKHSTAN}&gt;" in page.text
    # The page links each suggestion to its page (the links a browser follows).
    links = re.findall(r'<section class="candidates">.*?</section>', page.text, re.S)
    assert links and '<a href="/entity/kazakhstan">Kazakhstan</a>' in links[0]
    ambiguous = httpx.get(server.url + "entity/cis")
    assert {c["name"] for c in candidates(ambiguous)} == beside("CIS")
