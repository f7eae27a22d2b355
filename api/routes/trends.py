"""Rising entities over HTTP: ``/api/trends`` (JSON) and the page ``/trends``.

Both take what ``newsgraph trends`` takes (``period``, ``since``, ``until``, ``topic``, ``type``,
``top``, ``min_count``, ``history``) and answer with :func:`graph.cooccurrence.trends.trends`:
the JSON is :meth:`~graph.cooccurrence.trends.Trends.to_json` (the rows of ``newsgraph trends
--format json``, each with its ``series``: the entity's articles in every period counted); the page
a ranked list per period, newest first, each entity with an inline SVG sparkline of its series and
a link to its page. With ``entity``, ``/api/trends`` gives that entity's timeline with its bursts.
No SPARQL here. Tested in tests/test_trends_http.py.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from newsgraph import resolve
from newsgraph.api import openapi
from newsgraph.api.deps import SettingsDep, StoreDep
from newsgraph.api.routes.analysis import request_window
from newsgraph.api.templating import render
from newsgraph.api.urls import Urls
from newsgraph.cooccurrence import labels, sparkline
from newsgraph.cooccurrence import trends as rising
from newsgraph.cooccurrence.periods import KINDS

router = APIRouter()

Text = Annotated[str | None, Query()]
Kind = Annotated[str, Query(pattern="^(" + "|".join(KINDS) + ")$")]
Top = Annotated[int, Query(ge=0, le=1_000)]
MinCount = Annotated[int, Query(ge=1)]
History = Annotated[int | None, Query(ge=1, le=1_000)]
DOCUMENTED = openapi.responses(400, 404, 503)


@router.get("/api/trends", responses=DOCUMENTED)
def trends(
    store: StoreDep, settings: SettingsDep, period: Kind = "month", since: Text = None,
    until: Text = None, topic: Text = None, type: Text = None, top: Top = 10,
    min_count: MinCount = 3, history: History = None, entity: Text = None,
) -> dict[str, Any]:  # fmt: skip
    """Per period, the ``top`` entities whose share of articles rose most against their own
    trailing window (``history`` periods), with the counts behind each score; with ``entity``,
    that entity's articles per period, scores and bursts."""
    window = request_window(store, settings, since, until, topic, type)
    options = rising.TrendOptions(kind=period, history=history, min_count=min_count, top=top)
    if entity:
        iri = resolve.entity_iri(store, entity)
        return {
            "entity": iri,
            "name": labels(store, [iri])[iri][0],
            "period": period,
            "window": window.describe(),
            "periods": rising.timeline(store, iri, window, options),
        }
    return rising.trends(store, window, options).to_json()


@router.get("/trends", response_class=HTMLResponse, responses=DOCUMENTED)
def trends_page(
    store: StoreDep, settings: SettingsDep, period: Kind = "month", since: Text = None,
    until: Text = None, topic: Text = None, type: Text = None, top: Top = 10,
    min_count: MinCount = 3, history: History = None,
) -> HTMLResponse:  # fmt: skip
    """The rising entities of every period, newest period first, with sparklines."""
    window = request_window(store, settings, since, until, topic, type)
    options = rising.TrendOptions(kind=period, history=history, min_count=min_count, top=top)
    found = rising.trends(store, window, options)
    urls = Urls(settings.base)
    rows_by_period: dict[str, list[dict[str, Any]]] = {}
    for row in found.rows:
        rows_by_period.setdefault(row["period"], []).append(
            {**row, "href": urls.local(row["entity"]) or urls.href(row["entity"]),
             "points": sparkline.points(found.series[row["entity"]])}
        )  # fmt: skip
    periods = [
        {"period": p.label, "articles": total, "rows": rows_by_period.get(p.label, [])}
        for p, total in zip(found.periods, found.totals, strict=True)
    ]
    return render(
        "trends.html",
        urls=urls,
        periods=list(reversed(periods)),
        series_first=found.series_periods[0].label if found.series_periods else "",
        series_last=found.series_periods[-1].label if found.series_periods else "",
        history=options.periods_back,
        kinds=KINDS,
        form={
            "period": period,
            "since": since or "",
            "until": until or "",
            "topic": topic or "",
            "type": type or "",
            "top": top,
            "min_count": min_count,
        },
    )
