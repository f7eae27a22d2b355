"""The N3 collection's NIF files as records and gold mentions, for the linking benchmark.

Each ``nif:Context`` becomes one record: its ``nif:isString`` is the body, its language the
corpus's (News-100 is German, RSS-500 and Reuters-128 English), and its entity list the
distinct mention strings (``nif:anchorOf``) in text order, as ``corpus-n3-reuters128.jsonl``
gives them. Each mention keeps its gold IRI (``itsrdf:taIdentRef``) under ``x_n3``, in the
layout :func:`bench.linking.gold_clusters` reads.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from rdflib import Graph, Namespace, URIRef

__all__ = ["CORPORA", "read_nif"]

NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")

#: name → (file in the N3 collection, language of its texts).
CORPORA = {
    "News-100": ("News-100.ttl", "de"),
    "RSS-500": ("RSS-500.ttl", "en"),
    "Reuters-128": ("Reuters-128.ttl", "en"),
}
_DOC = re.compile(r"/N3/[^/]+/(\d+)#")


def read_nif(path: Path, corpus: str, lang: str) -> list[dict[str, Any]]:
    """The records of one NIF file, in document order."""
    graph = Graph()
    graph.parse(path, format="turtle")
    texts: dict[URIRef, str] = {}
    for context, text in graph.subject_objects(NIF.isString):
        texts[context] = str(text)  # type: ignore[index]
    mentions: dict[URIRef, list[tuple[int, str, str]]] = defaultdict(list)
    for mention, context in graph.subject_objects(NIF.referenceContext):
        anchor = graph.value(mention, NIF.anchorOf)
        begin = graph.value(mention, NIF.beginIndex)
        uri = graph.value(mention, ITSRDF.taIdentRef)
        if anchor is None or begin is None:
            continue
        mentions[context].append(  # type: ignore[index]
            (int(begin), " ".join(str(anchor).split()), str(uri) if uri else "")
        )
    records = []
    for context, text in sorted(texts.items(), key=lambda item: _number(item[0])):
        number = _number(context)
        found = sorted(mentions.get(context, []))
        title = f"N3 {corpus} {number}"
        records.append(
            {
                "slug": f"n3-{corpus.lower()}-{number}",
                "title": title,
                "summary": None,
                "body_md": f"# {title}\n\n{text}",
                "published_at": "2013-01-01",
                "lang": lang,
                "entities": list(dict.fromkeys(mention for _begin, mention, _uri in found)),
                "x_n3": {
                    "corpus": corpus,
                    "entity_links": [
                        {"mention": mention, "begin": begin, "uri": uri}
                        for begin, mention, uri in found
                    ],
                },
            }
        )
    return records


def _number(context: URIRef) -> int:
    match = _DOC.search(str(context))
    return int(match.group(1)) if match else -1
