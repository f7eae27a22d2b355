"""Every URL the pages link to, built in one place.

IRIs minted under the dataset's base are served by this server under the base's path, so a
page links them by that local path; other IRIs are linked as they are, and only when they are
http(s) (a ``javascript:`` IRI in the data never becomes a link).

>>> urls = Urls("http://localhost:8000/")
>>> urls.local("http://localhost:8000/entity/kazakhstan")
'/entity/kazakhstan'
>>> urls.href("javascript:alert(1)") is None
True
>>> urls.query_page("entity-articles", {"entity": "http://localhost:8000/entity/k"})
'/?name=entity-articles&entity=http%3A%2F%2Flocalhost%3A8000%2Fentity%2Fk'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

QUERY_PAGE = "/"
SPARQL = "/sparql"
QUERIES = "/queries"
STATIC = "/static"


@dataclass(frozen=True)
class Urls:
    base: str

    @property
    def base_path(self) -> str:
        """The path under which minted IRIs are served (``/`` for a base without a path)."""
        return urlsplit(self.base).path or "/"

    def local(self, iri: str) -> str | None:
        """The local path of an IRI minted under the base, else None."""
        if not iri.startswith(self.base):
            return None
        return self.base_path + iri[len(self.base) :]

    def href(self, iri: str | None) -> str | None:
        """Where a link to ``iri`` points: its local page, the IRI itself if http(s), else None."""
        if not iri:
            return None
        local = self.local(iri)
        if local is not None:
            return local
        return iri if urlsplit(iri).scheme in ("http", "https") else None

    def variant(self, iri: str, extension: str) -> str:
        """The local URL of one serialisation of a minted resource (``….ttl``)."""
        path = self.local(iri.split("#", 1)[0]) or iri
        return f"{path}.{extension}"

    def query_page(self, name: str | None = None, params: Mapping[str, str] | None = None) -> str:
        """The query page, opening the named query with its parameters bound."""
        if name is None:
            return QUERY_PAGE
        return f"{QUERY_PAGE}?{urlencode({'name': name, **(params or {})})}"

    def query_text(self, text: str) -> str:
        """The query page opening ``text`` (a shareable link)."""
        return f"{QUERY_PAGE}?{urlencode({'query': text})}"

    def page(self, path: str, **params: str) -> str:
        """A page with query-string parameters (those that are set)."""
        given = {key: value for key, value in params.items() if value}
        return f"{path}?{urlencode(given)}" if given else path

    def index(self, kind: str) -> str:
        """The local page listing every topic (``topic``) or publisher (``publisher``)."""
        return f"{self.base_path}{kind}/"

    def static(self, name: str) -> str:
        return f"{STATIC}/{name}"
