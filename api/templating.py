"""HTML pages: Jinja templates (``api/templates/``) with autoescaping on, and their headers.

Every value from the data is escaped by Jinja; no template marks data ``|safe``. Pages carry a
Content-Security-Policy that allows scripts, styles, images and requests from this server only,
so even a page that went wrong cannot load anything from elsewhere.

>>> day("2026-05-12T09:30:00+05:00")
'2026-05-12'
>>> moment("2026-05-12T09:30:00+05:00")
'2026-05-12 09:30 (UTC+05:00)'
>>> moment("2026-02-21T08:00:00Z")
'2026-02-21 08:00 (UTC)'
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from newsgraph.pages.describe import compact
from newsgraph.vocab.namespaces import PREFIXES

TEMPLATES = Path(__file__).resolve().parent / "templates"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _parse(lexical: str) -> datetime | None:
    try:
        return datetime.fromisoformat(lexical)
    except (TypeError, ValueError):
        return None


def day(lexical: str | None) -> str:
    """The date part of an xsd:dateTime, as written (the publisher's own calendar day)."""
    parsed = _parse(lexical or "")
    return parsed.date().isoformat() if parsed else (lexical or "")


def moment(lexical: str | None) -> str:
    """An xsd:dateTime for reading: date, time to the minute, and its zone."""
    parsed = _parse(lexical or "")
    if parsed is None:
        return lexical or ""
    offset = parsed.strftime("%z")
    zone = "UTC" if offset in ("", "+0000") else f"UTC{offset[:3]}:{offset[3:]}"
    return f"{parsed:%Y-%m-%d %H:%M} ({zone})"


def number(value: int) -> str:
    return f"{value:,}"


def curie(iri: str) -> str:
    """An IRI as ``prefix:local`` when a common namespace holds it.

    >>> curie("http://www.wikidata.org/entity/Q232")
    'wd:Q232'
    """
    return compact(iri, PREFIXES)


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(day=day, moment=moment, number=number, curie=curie)
    return env


def render_text(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def render(
    template: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """An HTML response of ``template`` with the security headers every page carries."""
    return HTMLResponse(
        render_text(template, **context), status_code=status, headers={**HEADERS, **(headers or {})}
    )
