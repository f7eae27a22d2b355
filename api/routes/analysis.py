"""Co-occurrence over HTTP: JSON for a network, an entity's neighbours and a pair's months, and
the interactive network page at ``/network?entity=IRI`` (linked from entity pages).

Every handler parses its parameters, calls :mod:`graph.cooccurrence` and serialises; no SPARQL here.

``top`` limits what is shown, never what is counted or analysed: ``/api/cooccurrence`` and the
network page analyse the whole network of the window (or the whole ego network), as
``newsgraph cooccur`` does, and cut the rows they return with :func:`graph.cooccurrence.shown.shown`.
So one store, one window and the same options give the same numbers for every ``top``, in the
API's JSON, in the page's data and in ``newsgraph cooccur --top N --format json`` (the same JSON).
The analysed networks are kept per store snapshot (:class:`graph.cooccurrence.cache.NetworkCache`),
so a request that differs only in ``top`` costs the cut. Tested in tests/test_analysis_api_top.py
and tests/test_analysis_api_cache.py.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse
from newsgraph import resolve
from newsgraph.api import openapi
from newsgraph.api.deps import SettingsDep, StoreDep
from newsgraph.api.templating import render
from newsgraph.api.urls import Urls
from newsgraph.api.vendor import VENDOR_DIR
from newsgraph.cooccurrence import count_ego, formats, labels, pair_months, timeseries
from newsgraph.cooccurrence.cache import NetworkCache
from newsgraph.cooccurrence.edges import WEIGHTS, select_edges
from newsgraph.cooccurrence.network import NetworkOptions
from newsgraph.cooccurrence.shown import shown
from newsgraph.cooccurrence.window import Window, parse_bound
from newsgraph.errors import NotFound, QueryError
from newsgraph.settings import Settings
from newsgraph.store.base import Store

router = APIRouter()

API = Path(__file__).resolve().parent.parent
#: The page's own files and the graph library copied from npm at set-up (never committed).
ASSETS = {
    "network.js": (API / "static" / "network" / "network.js", "text/javascript"),
    "network.css": (API / "static" / "network" / "network.css", "text/css"),
    "cytoscape.min.js": (VENDOR_DIR / "cytoscape" / "cytoscape.min.js", "text/javascript"),
}
HTTP_TOP = 100
HTTP_TOP_LIMIT = 5_000


#: Guards the first use of an app's cache (handlers run in a thread pool).
_MAKING_CACHE = threading.Lock()


def get_cache(request: Request) -> NetworkCache:
    """The server's cache of analysed networks, made on first use (keyed by snapshot, so never
    stale)."""
    state = request.app.state
    with _MAKING_CACHE:
        if getattr(state, "cooccurrence_cache", None) is None:
            state.cooccurrence_cache = NetworkCache()
    cache: NetworkCache = state.cooccurrence_cache
    return cache


CacheDep = Annotated[NetworkCache, Depends(get_cache)]
Text = Annotated[str | None, Query()]
Weight = Annotated[str, Query(pattern="^(" + "|".join(WEIGHTS) + ")$")]
MinCount = Annotated[int, Query(ge=1)]
Top = Annotated[int, Query(ge=1, le=HTTP_TOP_LIMIT)]
Entity = Annotated[str, Query(min_length=1)]
Period = Annotated[str | None, Query(pattern="^(day|week|month)?$")]  # empty: none (a form)
#: What the analysis routes answer with besides their 200.
DOCUMENTED = openapi.responses(400, 404, 503)


def request_window(store: Store, settings: Settings, since: str | None, until: str | None,
                   topic: str | None, entity_type: str | None) -> Window:  # fmt: skip
    """The window a request's since, until, topic and type name (the analysis and trends routes)."""
    return Window(
        since=parse_bound(since) if since else None,
        until=parse_bound(until, end=True) if until else None,
        topic=resolve.topic_iri(store, topic, settings.minter) if topic else None,
        entity_type=resolve.type_iri(store, entity_type) if entity_type else None,
    )


def _network(
    store: Store, settings: Settings, cache: NetworkCache, entity: str | None, since: str | None,
    until: str | None, topic: str | None, entity_type: str | None, min_count: int, top: int,
    weight: str, period: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The JSON of the ``top`` rows of the whole analysed network (see the module); with
    ``period``, also each period's counts of what is shown (``periods``: the slider's data)."""
    window = request_window(store, settings, since, until, topic, entity_type)
    iri = resolve.entity_iri(store, entity) if entity else None
    options = NetworkOptions(entity=iri, window=window, min_count=min_count, weight=weight)
    data = formats.network_json(shown(cache.whole(store, options), top))
    if period:
        from newsgraph.cooccurrence.dynamic import period_slices
        from newsgraph.cooccurrence.periodcounts import count_periods

        counted = count_periods(store, window, period)
        pairs = [(edge["source"], edge["target"]) for edge in data["edges"]]
        data["period"] = period
        data["periods"] = period_slices(counted, pairs, [n["entity"] for n in data["nodes"]])
    return data


@router.get("/api/cooccurrence", responses=DOCUMENTED)
def network(
    store: StoreDep, settings: SettingsDep, cache: CacheDep, entity: Text = None, since: Text = None,
    until: Text = None, topic: Text = None, type: Text = None, min_count: MinCount = 1,
    top: Top = HTTP_TOP, weight: Weight = "count", period: Period = None,
) -> dict[str, Any]:  # fmt: skip
    """The ``top`` strongest edges of the analysed network (with ``entity``: the entity's ``top``
    strongest neighbours and the edges among them), every number the whole network's: nodes
    with their metrics, edges with count, npmi, jaccard and disparity. With ``period`` (day,
    week or month, in UTC), ``periods`` holds each period's N and the counts of the edges and
    nodes shown."""
    return _network(store, settings, cache, entity, since, until, topic, type, min_count, top,
                    weight, period)  # fmt: skip


@router.get("/api/cooccurrence/neighbours", responses=DOCUMENTED)
def neighbours(
    store: StoreDep, settings: SettingsDep, entity: Entity,
    since: Text = None, until: Text = None, topic: Text = None, type: Text = None,
    min_count: MinCount = 1, top: Top = HTTP_TOP, weight: Weight = "count",
) -> dict[str, Any]:  # fmt: skip
    """The entities mentioned with ``entity`` (an IRI or a name), strongest first."""
    window = request_window(store, settings, since, until, topic, type)
    iri = resolve.entity_iri(store, entity)
    by_count = top if weight == "count" else 0
    counts = count_ego(store, iri, window, min_count=min_count, top_by_count=by_count)
    edges = select_edges(counts, weight=weight, min_count=min_count, top=top)
    others = [e.target if e.source == iri else e.source for e in edges]
    names = labels(store, [iri, *others])
    rows = []
    for edge, other in zip(edges, others, strict=True):
        rows.append({
            "entity": other, "name": names[other][0], "type": names[other][1],
            "count": edge.count, "npmi": edge.npmi, "jaccard": edge.jaccard,
            "articles": counts.entities.get(other, 0),
        })  # fmt: skip
    return {
        "entity": iri,
        "name": names[iri][0],
        "entity_articles": counts.entities.get(iri, 0),
        "articles": counts.articles,
        "window": window.describe(),
        "weight": weight,
        "neighbours": rows,
    }


@router.get("/api/cooccurrence/pair", responses=DOCUMENTED)
def pair(
    store: StoreDep, settings: SettingsDep, source: Entity, target: Entity, since: Text = None,
    until: Text = None, topic: Text = None,
) -> dict[str, Any]:  # fmt: skip
    """Month by month: the articles mentioning both entities, and each of them."""
    window = request_window(store, settings, since, until, topic, None)
    first_iri, second_iri = resolve.entity_iri(store, source), resolve.entity_iri(store, target)
    if first_iri == second_iri:
        raise QueryError("source and target name the same entity")
    first, last = timeseries.window_months(window)
    months = timeseries.monthly_series(
        pair_months(store, first_iri, second_iri, window), first=first, last=last
    )
    names = labels(store, [first_iri, second_iri])
    return {
        "source": first_iri,
        "target": second_iri,
        "source_name": names[first_iri][0],
        "target_name": names[second_iri][0],
        "window": window.describe(),
        "total": sum(row["count"] for row in months),
        "months": months,
    }


@router.get("/network", response_class=HTMLResponse, responses=DOCUMENTED)
def network_page(
    store: StoreDep, settings: SettingsDep, cache: CacheDep, entity: Text = None, since: Text = None,
    until: Text = None, topic: Text = None, type: Text = None, min_count: MinCount = 1,
    top: Annotated[int, Query(ge=1, le=1_000)] = 60, weight: Weight = "count",
    period: Period = None,
) -> HTMLResponse:  # fmt: skip
    """The interactive network page under the site's header; without JavaScript (or the library)
    a plain table. Its data is ``/api/cooccurrence``'s for the same parameters. Labels that would
    overlap are shown on hover instead (api/static/network/network.js; tests/test_network_page.py).
    With ``period`` a slider steps through the periods, showing each one's edges
    (tests/test_dynamic_page.py)."""
    data = _network(store, settings, cache, entity or None, since, until, topic, type, min_count, top,
                    weight, period or None)  # fmt: skip
    names = {node["entity"]: node["name"] for node in data["nodes"]}
    urls = Urls(settings.base)
    return render(
        "network.html",
        urls=urls,
        data=data,
        data_json=_script_json(data),
        entity_name=names.get(data["entity"] or ""),
        form={
            "entity": entity or "",
            "since": since or "",
            "until": until or "",
            "topic": topic or "",
            "type": type or "",
            "min_count": min_count,
            "top": top,
            "weight": weight,
            "period": period or "",
        },
        weights=WEIGHTS,
        entity_page=urls.local(data["entity"]) if data["entity"] else None,
        has_library=ASSETS["cytoscape.min.js"][0].exists(),
    )


def _script_json(data: dict[str, Any]) -> str:
    """JSON safe inside a <script> element: nothing in the data can close it."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


ASSET_RESPONSES = openapi.responses(404, content=["text/javascript", "text/css"])


@router.api_route("/network/assets/{name}", methods=["GET", "HEAD"], response_class=FileResponse,
                  responses=ASSET_RESPONSES)  # fmt: skip
def asset(name: str) -> FileResponse:
    if name not in ASSETS or not ASSETS[name][0].exists():
        raise NotFound(f"no asset {name!r}")
    path, media_type = ASSETS[name]
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "max-age=3600"})
