"""The export manifest: what an export directory holds, so that the next run can skip the rest.

``DIR/manifest.json`` lists every exported article by slug with the digest of its exported
content and what the sitemaps need (its URL, dates, headline, language, publisher). The
digest is of the document itself, not of the record: linking can change an article's
mentions or an entity's name without a new record, and the export must follow.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsgraph.errors import ExportError
from newsgraph.export.files import write_atomically

MANIFEST = "manifest.json"
FORMAT = 1


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:32]


def _first_text(value: Any) -> str | None:
    if isinstance(value, list):
        texts = [v for v in value if isinstance(v, str)]
        return texts[0] if texts else None
    return value if isinstance(value, str) else None


@dataclass
class Entry:
    """One exported article."""

    iri: str
    hash: str
    #: The URL a sitemap lists: the article's ``url``, else its IRI.
    loc: str
    lastmod: str | None = None
    published: str | None = None
    headline: str | None = None
    language: str | None = None
    publisher: str | None = None
    missing: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, document: dict[str, Any], content_hash: str, missing: list[str]) -> Entry:
        publisher = document.get("publisher")
        published = _first_text(document.get("datePublished"))
        return cls(
            iri=document["@id"],
            hash=content_hash,
            loc=_first_text(document.get("url")) or document["@id"],
            lastmod=_first_text(document.get("dateModified")) or published,
            published=published,
            headline=_first_text(document.get("headline")),
            language=_first_text(document.get("inLanguage")),
            publisher=_first_text(publisher.get("name")) if isinstance(publisher, dict) else None,
            missing=missing,
        )


@dataclass
class Manifest:
    base: str | None = None
    articles: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text("utf-8"))
            articles = {slug: Entry(**entry) for slug, entry in data["articles"].items()}
        except (ValueError, KeyError, TypeError) as error:
            raise ExportError(
                f"{path} is not a newsgraph export manifest ({error}); remove it to start afresh"
            ) from None
        return cls(data.get("base"), articles)

    def write(self, directory: Path) -> None:
        data = {
            "format": FORMAT,
            "base": self.base,
            "articles": {slug: vars(self.articles[slug]) for slug in sorted(self.articles)},
        }
        write_atomically(
            directory / MANIFEST,
            (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
        )
