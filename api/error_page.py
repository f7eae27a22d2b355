"""The error body as an HTML page, for browsers: the same code, message and status.

A client gets the page only when its Accept header prefers ``text/html`` to
``application/json`` (browsers do); every other client, and one that sends no Accept header,
gets the JSON body.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from newsgraph.api.conneg import choose_format
from newsgraph.api.templating import render
from newsgraph.api.urls import Urls
from newsgraph.vocab.namespaces import DEFAULT_BASE


def wants_html(request: Request) -> bool:
    accept = request.headers.get("accept")
    return choose_format(accept, ["application/json", "text/html"]) == "text/html"


def render_error(
    request: Request, body: dict[str, Any], headers: dict[str, str] | None = None
) -> Response:
    status = int(body["status"])
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    settings = getattr(request.app.state, "settings", None)
    return render(
        "error.html",
        status=status,
        headers=headers,
        urls=Urls(settings.base if settings else DEFAULT_BASE),
        error=body,
        title=title,
    )
