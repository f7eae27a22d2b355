"""Reading a SPARQL 1.1 Protocol request: its operation, dataset parameters and body.

Queries come as GET ``?query=``, POST form (``application/x-www-form-urlencoded``) or POST
direct (``application/sparql-query``); updates as POST form or POST direct
(``application/sparql-update``). Parameters in the URL count with those of a form body. Bodies
must be UTF-8. Anything else is a 4xx in the one error shape.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from newsgraph.errors import NewsgraphError, QueryError, UnsupportedMediaType
from starlette.requests import Request

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


class PayloadTooLarge(NewsgraphError):
    status = 413
    code = "too-large"


class RequestTimeout(NewsgraphError):
    status = 408
    code = "request-timeout"


class Unauthorized(NewsgraphError):
    status = 401
    code = "unauthorized"


class Forbidden(NewsgraphError):
    status = 403
    code = "forbidden"


@dataclass
class ProtocolParams:
    query: list[str] = field(default_factory=list)
    update: list[str] = field(default_factory=list)
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    using_graphs: list[str] = field(default_factory=list)
    using_named_graphs: list[str] = field(default_factory=list)

    def add(self, pairs: list[tuple[str, str]]) -> None:
        for name, value in pairs:
            target = _TARGETS.get(name)
            if target is not None:
                getattr(self, target).append(value)
            # other parameters (format, output, timeout, …) are ignored

    @property
    def is_empty(self) -> bool:
        """No protocol parameter at all (a GET like that asks for the service description;
        dataset parameters without a query are a malformed request)."""
        return not (
            self.query
            or self.update
            or self.default_graphs
            or self.named_graphs
            or self.using_graphs
            or self.using_named_graphs
        )

    def operation(self, method: str) -> tuple[str, str]:
        """``("query", text)`` or ``("update", text)``, checked against the protocol's rules."""
        if self.query and self.update:
            raise QueryError("a request carries either a query or an update, not both")
        if len(self.query) > 1 or len(self.update) > 1:
            raise QueryError("a request carries one query or one update, not several")
        if self.update:
            if method != "POST":
                raise QueryError("an update must be sent with POST")
            if self.default_graphs or self.named_graphs:
                raise QueryError(
                    "default-graph-uri and named-graph-uri are for queries; an update takes "
                    "using-graph-uri and using-named-graph-uri"
                )
            return "update", self.update[0]
        if not self.query:
            raise QueryError("missing 'query' (or 'update') parameter")
        if self.using_graphs or self.using_named_graphs:
            raise QueryError(
                "using-graph-uri and using-named-graph-uri are for updates; a query takes "
                "default-graph-uri and named-graph-uri"
            )
        return "query", self.query[0]


_TARGETS = {
    "query": "query",
    "update": "update",
    "default-graph-uri": "default_graphs",
    "named-graph-uri": "named_graphs",
    "using-graph-uri": "using_graphs",
    "using-named-graph-uri": "using_named_graphs",
}


def too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"the request body is over the {limit:,}-byte limit")


async def read_body(request: Request, limit: int | None, timeout: float | None = None) -> bytes:
    """The request body, refusing it (413) as soon as it passes ``limit`` bytes, and (408) when
    it has not all arrived within ``timeout`` seconds."""
    declared = request.headers.get("content-length")
    if limit is not None and declared and declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    chunks = []
    size = 0
    try:
        async with asyncio.timeout(timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if limit is not None and size > limit:
                    raise too_large(limit)
                chunks.append(chunk)
    except TimeoutError:
        raise RequestTimeout(
            f"the request body took over {timeout:g} s to arrive ({size:,} bytes came)"
        ) from None
    return b"".join(chunks)


def _pairs(text: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as error:
        raise QueryError(f"a parameter is not UTF-8 once decoded: {error.reason}") from None


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise QueryError(f"the request is not UTF-8 (byte {error.start})") from None


def content_type(header: str) -> tuple[str, str | None]:
    """The media type and the charset parameter (lower case) of a Content-Type header.

    >>> content_type('application/sparql-query; charset="UTF-8"')
    ('application/sparql-query', 'utf-8')
    """
    media_type, *parameters = header.split(";")
    charset = None
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.strip().lower(), charset


async def parse(
    request: Request, limit: int | None, timeout: float | None = None
) -> ProtocolParams:
    """The protocol parameters of ``request``; a body over ``limit`` bytes is refused (413), one
    that takes over ``timeout`` seconds to arrive too (408)."""
    params = ProtocolParams()
    query_string = request.scope.get("query_string", b"")
    if query_string:
        params.add(_pairs(_decode(query_string)))
    if request.method != "POST":
        return params
    media_type, charset = content_type(request.headers.get("content-type", ""))
    if media_type not in (FORM, QUERY, UPDATE):
        raise UnsupportedMediaType(
            f"unsupported content type {media_type or '(none)'!r}: send {FORM}, {QUERY} or {UPDATE}"
        )
    if charset not in (None, "utf-8", "utf8") and not (media_type == FORM and charset == "ascii"):
        raise UnsupportedMediaType(f"unsupported charset {charset!r}: SPARQL bodies are UTF-8")
    body = await read_body(request, limit, timeout)
    if media_type == FORM:
        params.add(_pairs(_decode(body)))
    elif media_type == QUERY:
        params.query.append(_decode(body))
    else:
        params.update.append(_decode(body))
    return params
