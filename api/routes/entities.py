"""``GET /api/entities?search=TEXT&limit=N``: the entities a name being typed may mean.

The answer is ``{"entities": [{"iri", "name", "type", "articles"}, ...]}``: mentioned entities
whose name or other name starts with the text, then those that contain it, ignoring case; in
each group the most mentioned first (:func:`graph.resolve.search_entities`). ``type`` is the
local name of the entity's type (``Country``); ``articles`` counts the articles that mention
it. At most ``limit`` (default 10, at most 100); a blank search finds none. The pages'
typeahead (``api/static/typeahead.js``) reads exactly these keys. Tested in
tests/test_entity_search.py.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from newsgraph.api import openapi
from newsgraph.api.deps import StoreDep
from newsgraph.resolve import search_entities

router = APIRouter()

DEFAULT_LIMIT = 10
MAX_LIMIT = 100

Search = Annotated[
    str, Query(description="the text a name or other name starts with or contains (any case)")
]
Limit = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description="the most entities answered (1 to 100)")
]


@router.get("/api/entities", responses=openapi.responses(400, 503))
def entities(store: StoreDep, search: Search, limit: Limit = DEFAULT_LIMIT) -> dict[str, Any]:
    """Entities by name, for a typeahead: those a name starts with the text first, then those
    containing it; in each, the most mentioned first."""
    return {"entities": [asdict(match) for match in search_entities(store, search, limit)]}
