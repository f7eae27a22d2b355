"""JSON-LD processing, always offline.

pyld is the processor of record: every call gets :func:`document_loader`, which serves the
contexts bundled in ``vocab/`` and refuses every other URL. The ingest hot path parses with
pyoxigraph instead (about twenty times faster); ``tests/test_jsonld.py`` proves both give the
same graph for every sample record. pyld (and the HTTP client it brings) is imported when first
used: an ingest never needs it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

import pyoxigraph as ox
from newsgraph import vocab
from newsgraph.errors import NewsgraphError
from newsgraph.vocab.namespaces import CONTEXT_IRI, SCHEMA_CONTEXT_IRIS

VOCAB_DIR = vocab.DIR

#: Context IRI → file in vocab/. Nothing else is ever loaded.
BUNDLED_CONTEXTS: dict[str, str] = {
    CONTEXT_IRI: "context.jsonld",
}


class ContextRefused(NewsgraphError):
    status = 400
    code = "context-refused"


@cache
def bundled_context(iri: str = CONTEXT_IRI) -> dict[str, Any]:
    """The parsed context document for a bundled context IRI."""
    name = BUNDLED_CONTEXTS.get(iri)
    if name is None:
        raise ContextRefused(f"JSON-LD context {iri!r} is not bundled; nothing is fetched")
    document: dict[str, Any] = json.loads((VOCAB_DIR / name).read_text("utf-8"))
    return document


def register_context(iri: str, filename: str) -> None:
    """Serve ``vocab/<filename>`` for ``iri`` (for contexts added by other modules)."""
    BUNDLED_CONTEXTS[iri] = filename
    bundled_context.cache_clear()


# schema.org's context, for exported documents: the terms they use, exactly as schema.org's own
# context defines them (graph/export/context.py; tests/test_export_context.py proves it).
for _iri in SCHEMA_CONTEXT_IRIS:
    register_context(_iri, "schemaorg-context.jsonld")


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader that serves bundled contexts and refuses every other URL."""
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": bundled_context(url),
    }


def _options(**extra: Any) -> dict[str, Any]:
    return {"documentLoader": document_loader, **extra}


def expand(document: Any) -> list[Any]:
    from pyld import jsonld

    result: list[Any] = jsonld.expand(document, _options())
    return result


def compact(document: Any, context: Any) -> dict[str, Any]:
    from pyld import jsonld

    result: dict[str, Any] = jsonld.compact(document, context, _options())
    return result


def to_nquads(document: Any) -> str:
    """N-Quads by pyld (the reference path)."""
    from pyld import jsonld

    result: str = jsonld.to_rdf(document, _options(format="application/n-quads"))
    return result


def to_quads_reference(document: Any) -> list[ox.Quad]:
    """Quads by pyld, read into pyoxigraph terms."""
    return list(ox.parse(to_nquads(document), format=ox.RdfFormat.N_QUADS))


def inline_context(document: dict[str, Any]) -> dict[str, Any]:
    """The document with its bundled context IRI replaced by the context itself."""
    context = document.get("@context")
    if isinstance(context, str):
        return {**document, "@context": bundled_context(context)["@context"]}
    return document


def batch_text(documents: Iterable[dict[str, Any]]) -> str:
    """Many documents (each without ``@context``) as one JSON-LD text with our context inline."""
    return json.dumps(
        {"@context": bundled_context()["@context"], "@graph": list(documents)},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def to_quads(document: dict[str, Any]) -> list[ox.Quad]:
    """Quads by pyoxigraph's JSON-LD parser (the fast path)."""
    text = json.dumps(inline_context(document), ensure_ascii=False)
    return list(ox.parse(text, format=ox.RdfFormat.JSON_LD))
