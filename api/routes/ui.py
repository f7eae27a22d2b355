"""The query page at ``/`` and the named queries it offers, also as JSON at ``/queries``.

``/?query=TEXT`` opens (and runs) a query: that is the shareable URL. ``/?name=NAME&PARAM=VALUE``
opens a named query from ``graph/queries/`` with its parameters bound exactly as
``newsgraph query --name NAME --param PARAM=VALUE`` binds them: each resolved by the kind it
declares (an entity by IRI, name or other name, …: :func:`graph.resolve.resolve_params`), an
ambiguous or unknown name answering the error that lists candidates. The editor is YASGUI when the
set-up step installed it (``api/vendor.py``), else a plain text area; both run queries against
``/sparql`` from the browser.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from newsgraph import queries
from newsgraph.api import openapi, vendor
from newsgraph.api.deps import SettingsDep, StoreDep
from newsgraph.api.templating import render
from newsgraph.api.urls import QUERIES, SPARQL, Urls
from newsgraph.pages import INDEX_QUERIES, describe
from newsgraph.resolve import resolve_params
from starlette.concurrency import run_in_threadpool

router = APIRouter()

#: The query a fresh page opens with, after the PREFIX lines.
STARTER = "SELECT * WHERE {\n  ?subject ?property ?value\n}\nLIMIT 10\n"
RESERVED = {"name", "query"}
#: The front-end packages the page uses when installed: the editor, the chart and graph views,
#: and the Turtle parser behind the graph view of CONSTRUCT results.
PAGE_ASSETS = ("yasgui", "chartjs", "cytoscape", "n3")
LABELS_QUERY = "result-labels"


def describe_query(name: str, urls: Urls) -> dict[str, Any]:
    named = queries.get(name)
    return {
        "name": named.name,
        "title": named.title,
        "params": named.params,
        "kinds": named.kinds,
        "text": named.text,
        "url": f"{QUERIES}/{named.name}",
        "page": urls.query_page(named.name) if not named.params else None,
    }


def page_config(urls: Urls, prefixes: dict[str, str], autorun: bool) -> dict[str, Any]:
    """What the page's script needs to know, embedded as JSON in the page."""
    return {
        "endpoint": SPARQL,
        "base": urls.base,
        "basePath": urls.base_path,
        "prefixes": prefixes,
        "autorun": autorun,
        "queries": QUERIES,
        "suggestions": {kind: f"{QUERIES}/{name}" for kind, name in INDEX_QUERIES.items()},
        # The names shown beside result IRIs: this query's text, with the IRIs as VALUES.
        "labels": f"{QUERIES}/{LABELS_QUERY}.rq",
    }


#: ``/``'s parameters; the others bind the named query's parameters.
PAGE_PARAMETERS = [
    {"name": "query", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "a query to open and run"},
    {"name": "name", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "a named query to open; its parameters are bound from the others"},
]  # fmt: skip


@router.get("/", response_class=HTMLResponse, responses=openapi.responses(400, 404),
            openapi_extra={"parameters": PAGE_PARAMETERS})  # fmt: skip
async def query_page(request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    urls = Urls(settings.base)
    params = dict(request.query_params)
    name, text = params.get("name"), params.get("query")
    autorun = bool(text)
    if name:
        bound = {key: value for key, value in params.items() if key not in RESERVED}
        # Without parameters, a query that takes some opens unbound, for the user to complete.
        if bound:
            bound = await run_in_threadpool(resolve_params, store, name, bound, settings.minter)
        text = queries.bind(name, bound) if bound or not queries.get(name).params else None
        text = text or queries.get(name).text
        autorun = bool(bound) or not queries.get(name).params
    examples = [describe_query(n, urls) for n in queries.names(public_only=True)]
    return render(
        "query.html",
        urls=urls,
        text=text or queries.prologue() + "\n" + STARTER,
        opened=name,
        examples=examples,
        config=page_config(urls, describe.prefixes_for(settings.minter), autorun),
        vendor_scripts=[src for name in PAGE_ASSETS for src in vendor.scripts(name)],
        vendor_styles=vendor.styles("yasgui"),
    )


@router.get("/queries")
async def list_queries(settings: SettingsDep) -> JSONResponse:
    """The named queries the page lists: name, title, parameters and text."""
    urls = Urls(settings.base)
    return JSONResponse([describe_query(n, urls) for n in queries.names(public_only=True)])


@router.get("/queries/{name}", responses=openapi.responses(
    400, 404, content=["application/json", "application/sparql-query"]))  # fmt: skip
async def named_query(
    name: str, request: Request, settings: SettingsDep, store: StoreDep
) -> Response:
    """One named query; with parameters in the query string, its text has them bound (each
    resolved by its kind: ``bound`` is what was bound, ``given`` what was typed).

    ``/queries/NAME.rq`` is the text alone (``application/sparql-query``).
    """
    raw = name.endswith(".rq")
    name = name.removesuffix(".rq")
    bound = dict(request.query_params)
    described = describe_query(name, Urls(settings.base))
    if bound:
        resolved = await run_in_threadpool(resolve_params, store, name, bound, settings.minter)
        described["text"] = queries.bind(name, resolved)
        described["bound"] = resolved
        described["given"] = bound
    if raw:
        return Response(described["text"], media_type="application/sparql-query")
    return JSONResponse(described)
