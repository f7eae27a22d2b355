"""The one place that spells namespaces and mints IRIs.

schema.org is ``http://schema.org/`` — what schema.org's own JSON-LD context produces —
never ``https``. Every IRI newsgraph creates comes from :class:`Minter`.

>>> iris = Minter("http://news.example/")
>>> iris.article("pace-commends")
'http://news.example/article/pace-commends'
>>> iris.entity("council-of-europe")
'http://news.example/entity/council-of-europe'
>>> iris.slug_of("http://news.example/article/pace-commends")
'pace-commends'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, unquote

SCHEMA = "http://schema.org/"
SCHEMA_HTTPS = "https://schema.org/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
DCTERMS = "http://purl.org/dc/terms/"
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
SH = "http://www.w3.org/ns/shacl#"
WIKIDATA = "http://www.wikidata.org/entity/"
#: newsgraph's own terms (documented in vocab/ontology.ttl).
NG = "https://w3id.org/newsgraph/ns#"
#: The IRI under which our JSON-LD context is known; it is served from vocab/, never fetched.
CONTEXT_IRI = "https://w3id.org/newsgraph/context.jsonld"
#: The context exported documents state; served (never fetched) from vocab/schemaorg-context.jsonld.
SCHEMA_CONTEXT = "https://schema.org"
#: Every spelling of schema.org's context URL that the offline loader answers.
SCHEMA_CONTEXT_IRIS = (
    "https://schema.org",
    "https://schema.org/",
    "http://schema.org",
    "http://schema.org/",
    "https://schema.org/docs/jsonldcontext.jsonld",
    "https://schema.org/docs/jsonldcontext.json",
    "http://schema.org/docs/jsonldcontext.jsonld",
    "http://schema.org/docs/jsonldcontext.json",
)

PREFIXES: dict[str, str] = {
    "schema": SCHEMA,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "dcterms": DCTERMS,
    "ng": NG,
    "wd": WIKIDATA,
}

DEFAULT_BASE = "http://localhost:8000/"

_SLUG_SAFE = re.compile(r"[^a-z0-9]+")


def keyify(text: str) -> str:
    """Turn a name into a lowercase path segment: ASCII letters, digits and ``-``.

    >>> keyify("Parliamentary Assembly of the Council of Europe")
    'parliamentary-assembly-of-the-council-of-europe'
    >>> keyify("Société Générale")
    'societe-generale'
    >>> keyify("東京")
    'u-6771-4eac'
    """
    ascii_form = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    key = _SLUG_SAFE.sub("-", ascii_form.lower()).strip("-")
    if key:
        return key
    # Names with no ASCII letters keep a readable, stable key from their code points.
    return "u-" + "-".join(f"{ord(ch):x}" for ch in text if not ch.isspace())[:120]


@dataclass(frozen=True)
class Minter:
    """Mints every IRI of one newsgraph dataset under ``base``."""

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not re.match(r"^https?://[^/\s]+/(\S*/)?$", self.base):
            raise ValueError(
                f"base IRI {self.base!r} must be an absolute http(s) IRI ending in '/'"
            )

    def article(self, slug: str) -> str:
        return f"{self.base}article/{quote(slug, safe='-_.')}"

    def article_part(self, slug: str, part: str) -> str:
        """A node owned by one article (its markdown, its alternates)."""
        return f"{self.article(slug)}#{part}"

    def entity(self, key: str) -> str:
        return f"{self.base}entity/{quote(key, safe='-_.')}"

    def topic(self, name: str) -> str:
        return f"{self.base}topic/{keyify(name)}"

    def publisher(self, host: str) -> str:
        return f"{self.base}publisher/{quote(host.lower(), safe='-_.')}"

    @property
    def topic_scheme(self) -> str:
        return f"{self.base}topic/"

    @property
    def entities_graph(self) -> str:
        """The one graph that describes entities (owned by linking)."""
        return f"{self.base}graph/entities"

    @property
    def terms_graph(self) -> str:
        """The graph that describes topics and publishers."""
        return f"{self.base}graph/terms"

    @property
    def linking_graph(self) -> str:
        """The graph that keeps linking's inputs: user overrides and reconciliations."""
        return f"{self.base}graph/linking"

    @property
    def meta_graph(self) -> str:
        return f"{self.base}graph/meta"

    @property
    def cooccurrence_graph(self) -> str:
        """The graph ``newsgraph cooccur --materialize`` writes unless told another."""
        return f"{self.base}graph/cooccurrence"

    def cooccurrence_node(self, graph: str, part: str) -> str:
        """A node of a materialised co-occurrence graph (its window, its edges)."""
        return f"{graph}#{quote(part, safe='-_.')}"

    def slug_of(self, iri: str) -> str | None:
        """The slug of an article IRI minted here, else None."""
        prefix = f"{self.base}article/"
        if iri.startswith(prefix) and "#" not in iri:
            return unquote(iri[len(prefix) :])
        return None

    def entity_key_of(self, iri: str) -> str | None:
        prefix = f"{self.base}entity/"
        if iri.startswith(prefix):
            return unquote(iri[len(prefix) :])
        return None
