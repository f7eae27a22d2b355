"""``GET /api/search?q=WORDS``: full-text search, best first (BM25), a page at a time.

The answer is ``{"query", "total", "offset", "limit", "matches": [{"article", "slug",
"headline", "date", "lang", "score", "snippet"}, ...]}`` (:func:`newsgraph.search.finding.as_json`,
the same as ``newsgraph search --format json``); ``snippet`` is HTML: the text escaped, the
matched words in ``<b>``. ``q`` takes the search syntax (words ANDed, ``OR``, ``NOT``,
``"phrases"``, ``prefix*``); ``since``, ``until``, ``entity`` (IRI or name), ``topic`` and
``lang`` filter; ``limit`` (1 to 100, default 10) and ``offset`` page. A bad search or an
unknown name is the one JSON error (400). Tested in tests/test_search_http.py.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from newsgraph.api import openapi
from newsgraph.api.deps import SettingsDep, StoreDep
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
