"""``GET /api/search?q=WORDS``: full-text search, best first (BM25), a page at a time.

The answer is ``{"query", "total", "offset", "limit", "matches": [{"article", "slug",
"headline", "date", "lang", "score", "snippet"}, ...]}`` (:func:`newsgraph.search.finding.as_json`,
the same as ``newsgraph search --format json``); ``snippet`` is HTML: the text escaped, the
matched words in ``<b>``. ``q`` takes the search syntax (words ANDed, ``OR``, ``NOT``,
``"phrases"``, ``prefix*``); ``since``, ``until``, ``entity`` (IRI or name), ``topic`` and
``lang`` filter; ``limit`` (1 to 100, default 10) and ``offset`` page. A bad search or an
unknown name is the one JSON error (400). Tested in tests/test_search_http.py.

``GET /search?q=WORDS[&entity=NAME][&page=N]``: the results page the search box of every page
opens (:mod:`newsgraph.pages.search`): twenty matches a page, each with its snippet, date and
the entities it mentions, linked to their pages. Tested in tests/test_search_page.py.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from newsgraph.api import openapi
from newsgraph.api.deps import SettingsDep, StoreDep
from newsgraph.api.templating import render
from newsgraph.api.urls import Urls
from newsgraph.pages.search import SearchRequest, search_page
from newsgraph.resolve import entity_iri, topic_iri
from newsgraph.search import finding
from newsgraph.search.index import SearchIndex

router = APIRouter()

DEFAULT_LIMIT = 10
MAX_LIMIT = 100

Words = Annotated[
    str, Query(description='the search: words ANDed, OR, NOT word, "a phrase", prefix*')
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="matches per page (1 to 100)")]
Offset = Annotated[int, Query(ge=0, description="matches skipped (the page's start)")]
Since = Annotated[str | None, Query(description="published on or after (YYYY-MM-DD or date-time)")]
Until = Annotated[str | None, Query(description="published on or before (YYYY-MM-DD or date-time)")]
Entity = Annotated[str | None, Query(description="only articles mentioning it (IRI or name)")]
Topic = Annotated[str | None, Query(description="only articles about it (IRI or name)")]
Lang = Annotated[str | None, Query(description="only articles in this language (en, de, …)")]


@router.get("/api/search", responses=openapi.responses(400, 404, 503))
def search(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    q: Words,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    since: Since = None,
    until: Until = None,
    entity: Entity = None,
    topic: Topic = None,
    lang: Lang = None,
) -> dict[str, Any]:
    """The articles holding the words, best first, with highlighted snippets."""
    wanted = finding.Search(
        text=q,
        since=finding.day_bound(since, end=False),
        until=finding.day_bound(until, end=True),
        entity=entity_iri(store, entity) if entity else None,
        topic=topic_iri(store, topic, settings.minter) if topic else None,
        lang=lang or None,
        limit=limit,
        offset=offset,
    )
    return finding.as_json(wanted, finding.find(store, _index(request, store), wanted))


def _index(request: Request, store: Any) -> SearchIndex:
    """The store's index, opened once per app (it reloads the newest commit on each search)."""
    index: SearchIndex | None = getattr(request.app.state, "search_index", None)
    if index is None:
        index = finding.index_of(store)
        request.app.state.search_index = index
    return index


PageWords = Annotated[str | None, Query(description="the search (as q of /api/search)")]
PageEntity = Annotated[str | None, Query(description="only articles mentioning it (IRI or name)")]
PageNumber = Annotated[str | None, Query(description="the page, from 1 (twenty matches each)")]


@router.get("/search", response_class=HTMLResponse, responses=openapi.responses(400, 404, 503))
def search_results_page(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    q: PageWords = None,
    entity: PageEntity = None,
    page: PageNumber = None,
) -> HTMLResponse:
    """The results page: the matches best first, with snippets, dates and mentioned entities."""
    asked = SearchRequest.parse(q, entity_iri(store, entity) if entity else None, page)
    found = search_page(store, _index(request, store), asked)
    return render("search.html", urls=Urls(settings.base), found=found)
