"""Linked-data pages: the article, entity, topic and publisher IRIs minted under the base
dereference here (under the base's path), as HTML for browsers and as Turtle, JSON-LD,
N-Triples or RDF/XML by Accept header or by extension (``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``).

``/entity/``, ``/topic/`` and ``/publisher/`` list the entities, topics and publishers: searched
by name, sorted by name or by articles, a hundred a page, as HTML or JSON
(:mod:`graph.pages.listing`). An IRI the store says nothing about is a 404, in the one error
shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from newsgraph import pages, queries
from newsgraph.api import openapi
from newsgraph.api.conneg import choose_format
from newsgraph.api.deps import SettingsDep, StoreDep
from newsgraph.api.templating import render
from newsgraph.api.urls import Urls
from newsgraph.errors import NotAcceptable, NotFound
from newsgraph.pages import describe
from newsgraph.pages.article import ArticlePage, article_page
from newsgraph.pages.listing import SORTS, ListPage, ListRequest, list_page
from newsgraph.resolve import UnknownName, entity_named
from newsgraph.store.base import Store
from newsgraph.vocab.namespaces import Minter
from starlette.concurrency import run_in_threadpool

router = APIRouter()

HTML = "text/html"
XHTML = "application/xhtml+xml"
JSON = "application/json"
#: What a resource is offered as; ties (and */*) go to HTML.
OFFERS = [HTML, *describe.MEDIA_TYPES, JSON, XHTML]
KIND_LABELS = {"article": "Article", "entity": "Entity", "topic": "Topic", "publisher": "Publisher"}


@dataclass(frozen=True)
class Target:
    """The resource a request is for, and the format its extension asked for (if any)."""

    iri: str
    media_type: str | None


def mint(iris: Minter, kind: str, name: str) -> str | None:
    """The IRI whose last path segment is ``name``, or None when ``name`` cannot be one."""
    minted = {
        "article": iris.article,
        "entity": iris.entity,
        "topic": iris.topic,
        "publisher": iris.publisher,
    }[kind](name)
    return minted if unquote(minted.rsplit("/", 1)[1]) == name else None


def resolve(store: Store, iris: Minter, kind: str, name: str) -> Target:
    """The resource named by a path segment: the exact IRI first, then ``stem`` of ``stem.ext``."""
    exact = mint(iris, kind, name)
    stem, dot, extension = name.rpartition(".")
    if dot and stem and extension in describe.EXTENSIONS:
        variant = mint(iris, kind, stem)
        known = exact is not None and store.ask(
            queries.load("resource-exists"), {"resource": ox.NamedNode(exact)}
        )
        if variant and not known:
            return Target(variant, describe.EXTENSIONS[extension])
    if exact is None:
        raise NotFound(f"no {kind} named {name!r} here")
    return Target(exact, None)


def entity_redirect(store: Store, iris: Minter, name: str) -> str | None:
    """Where ``/entity/NAME`` sends a request that names an entity rather than giving its key.

    None when NAME (or the stem of ``stem.ext``) is the key of a resource the store knows: the
    page is served as before. Otherwise NAME is looked up as the name or other name of a
    mentioned entity, exactly, then ignoring case (:func:`graph.resolve.entity_named`), and the
    answer is the local URL of that entity's page, keeping a format extension
    (``/entity/usa.ttl`` → ``/entity/united-states.ttl``). A redirect is a 303 See Other: what a
    name means may change when the store is linked again, so it is never cached as permanent.
    A name that fits several entities is the error listing them; one that fits none is a 404
    listing the nearest names (``tests/test_names.py``).
    """
    readings = [(name, "")]
    stem, dot, extension = name.rpartition(".")
    if dot and stem and extension in describe.EXTENSIONS:
        readings.append((stem, "." + extension))
    for text, _suffix in readings:
        minted = mint(iris, "entity", text)
        if minted and store.ask(
            queries.load("resource-exists"), {"resource": ox.NamedNode(minted)}
        ):
            return None
    unknown: UnknownName | None = None
    for text, suffix in readings:
        try:
            iri = entity_named(store, text)
        except UnknownName as error:
            unknown = unknown or error
            continue
        return (Urls(iris.base).local(iri) or iri) + suffix
    assert unknown is not None
    raise unknown


def link_header(urls: Urls, iri: str) -> str:
    return ", ".join(
        f'<{urls.variant(iri, extension)}>; rel="alternate"; type="{media_type}"'
        for media_type, extension in describe.MEDIA_TYPES.items()
    )


def negotiate(request: Request, fixed: str | None, offers: list[str]) -> str:
    media_type = fixed or choose_format(request.headers.get("accept"), offers)
    if media_type is None:
        raise NotAcceptable(f"this resource is offered as {', '.join(offers)}")
    return media_type


async def rdf_response(
    store: Store, iris: Minter, iri: str, media_type: str, headers: dict[str, str]
) -> Response:
    triples = await run_in_threadpool(describe.describe, store, iri, iris)
    if not triples:
        raise NotFound(f"nothing is known about <{iri}>")
    writer = "application/ld+json" if media_type == JSON else media_type
    body = describe.serialise(triples, writer, describe.prefixes_for(iris))
    return Response(body, media_type=media_type, headers=headers)


async def html_page(
    request: Request, store: Store, iris: Minter, kind: str, iri: str, headers: dict[str, str]
) -> Response:
    context: dict[str, Any] = {
        "urls": Urls(iris.base),
        "kind": kind,
        "kind_label": KIND_LABELS[kind],
        "variants": describe.MEDIA_TYPES,
        "cursor": None,
    }
    page: ArticlePage | pages.ResourcePage | None
    if kind == "article":
        page = await run_in_threadpool(article_page, store, iri, iris)
        template = "article.html"
    else:
        before, after = request.query_params.get("before"), request.query_params.get("after")
        cursor = pages.Cursor.parse(before or "", after or "") if before or after else None
        page = await run_in_threadpool(pages.resource_page, store, iri, kind, cursor)
        template = "resource.html"
        context["cursor"] = cursor
    if page is None:
        raise NotFound(f"nothing is known about <{iri}>")
    return render(template, headers=headers, page=page, **context)


async def dereference(
    request: Request, store: Store, iris: Minter, kind: str, name: str
) -> Response:
    if not name:
        return await index(request, store, iris, kind)
    target = await run_in_threadpool(resolve, store, iris, kind, name)
    media_type = negotiate(request, target.media_type, OFFERS)
    urls = Urls(iris.base)
    headers = {"Link": link_header(urls, target.iri)}
    if target.media_type is None:
        headers["Vary"] = "Accept"
        if media_type in describe.MEDIA_TYPES:
            headers["Content-Location"] = urls.variant(target.iri, describe.MEDIA_TYPES[media_type])
    if media_type in (HTML, XHTML):
        return await html_page(request, store, iris, kind, target.iri, headers)
    return await rdf_response(store, iris, target.iri, media_type, headers)


async def index(request: Request, store: Store, iris: Minter, kind: str) -> Response:
    """``/entity/``, ``/topic/``, ``/publisher/``: a page of the list (``?search=&sort=&page=``,
    :mod:`graph.pages.listing`) as HTML or as JSON; ``/topic/`` also as RDF (the topic scheme)."""
    if kind not in pages.KINDS:
        raise NotFound(f"there is no list of {kind}s; see the query page")
    offers = [*LIST_OFFERS, *describe.MEDIA_TYPES] if kind == "topic" else LIST_OFFERS
    media_type = negotiate(request, None, offers)
    if media_type in describe.MEDIA_TYPES:
        return await rdf_response(store, iris, iris.topic_scheme, media_type, {"Vary": "Accept"})
    params = request.query_params
    asked = ListRequest.parse(kind, params.get("search"), params.get("sort"), params.get("page"))
    found = await run_in_threadpool(list_page, store, asked)
    urls = Urls(iris.base)
    if media_type == JSON:
        return JSONResponse(list_json(urls, found), headers={"Vary": "Accept"})
    public = queries.get(pages.INDEX_QUERIES[kind])
    return render(
        "index.html",
        headers={"Vary": "Accept"},
        urls=urls,
        kind=kind,
        kind_label=KIND_LABELS[kind],
        listing=found,
        sorts=SORTS,
        query=pages.QueryLink(public.name, public.title, {}),
    )


#: What a list page is offered as (``/topic/`` adds the RDF formats of its scheme).
LIST_OFFERS = [HTML, JSON, XHTML]


def list_json(urls: Urls, found: ListPage) -> dict[str, Any]:
    """A list page as JSON: its rows, the total, and the URLs of the pages around it."""
    path = urls.index(found.request.kind)

    def page_url(number: int | None) -> str | None:
        return None if number is None else urls.page(path, **found.request.params(page=number))

    return {
        "kind": found.request.kind,
        "search": found.request.search,
        "sort": found.request.sort,
        "page": found.request.page,
        "per_page": found.per_page,
        "pages": found.pages,
        "total": found.total,
        "previous": page_url(found.previous),
        "next": page_url(found.next),
        "rows": [{"iri": row.iri, "name": row.name, "articles": row.count} for row in found.rows],
    }


#: What every resource route answers with (a listing is HTML, or for topics RDF too).
DOCUMENTED = openapi.responses(400, 404, 406, 503, content=OFFERS)
#: The list pages' query string (``/entity/``: the path with an empty name).
LIST_PARAMETERS = [
    {"name": "search", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "the list: the names containing this text, ignoring case"},
    {"name": "sort", "in": "query", "required": False,
     "schema": {"type": "string", "enum": list(SORTS)},
     "description": "the list: by articles, most first (the default), or by name"},
    {"name": "page", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1}, "description": "the list: the page, from 1"},
]  # fmt: skip
#: Where a list of articles continues (entity, topic and publisher pages), and the list's page.
PAGED = {"parameters": [*openapi.CURSOR_PARAMETERS, *LIST_PARAMETERS]}
GET_HEAD = ["GET", "HEAD"]


@router.api_route("/article/{name:path}", methods=GET_HEAD, responses=DOCUMENTED)
async def article(name: str, request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    return await dereference(request, store, settings.minter, "article", name)


#: ``/entity/NAME`` for a name or other name of an entity: 303 to the entity's own page.
REDIRECTED: dict[int | str, dict[str, Any]] = {
    303: {
        "description": "NAME is a name or other name of an entity, not its key: `Location` is "
        "the entity's page (with the same extension and query)"
    }
}


@router.api_route("/entity/{name:path}", methods=GET_HEAD,
                  responses={**REDIRECTED, **DOCUMENTED}, openapi_extra=PAGED)  # fmt: skip
async def entity(name: str, request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """An entity's page; a name of it (``/entity/usa``, ``/entity/KAZAKHSTAN``) redirects there
    (:func:`entity_redirect`)."""
    if name:
        moved = await run_in_threadpool(entity_redirect, store, settings.minter, name)
        if moved is not None:
            query = request.url.query
            return RedirectResponse(moved + (f"?{query}" if query else ""), status_code=303)
    return await dereference(request, store, settings.minter, "entity", name)


@router.api_route("/topic/{name:path}", methods=GET_HEAD, responses=DOCUMENTED,
                  openapi_extra=PAGED)  # fmt: skip
async def topic(name: str, request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    return await dereference(request, store, settings.minter, "topic", name)


@router.api_route("/publisher/{name:path}", methods=GET_HEAD, responses=DOCUMENTED,
                  openapi_extra=PAGED)  # fmt: skip
async def publisher(
    name: str, request: Request, store: StoreDep, settings: SettingsDep
) -> Response:
    return await dereference(request, store, settings.minter, "publisher", name)
