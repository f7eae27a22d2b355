"""What the full-text index holds of one article, made from ingest's own record or read back
from the store.

An ingest hands the unit of writes the texts of the articles it wrote
(:meth:`newsgraph.store.base.Store.wrote_texts`), made here from the prepared record in the
mapping workers (:meth:`ArticleText.of_prepared`), so that the index need not read them back;
a text is used only while the store holds the same record digest (:mod:`.sync`). Both ways
give equal texts: ``tests/test_search_sync.py`` compares an index fed by ingest with one rebuilt
from the store, field by field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from newsgraph.records import Prepared

__all__ = ["ArticleText"]


@dataclass(frozen=True)
class ArticleText:
    """One article's IRI, record digest, slug, language and date, and its headline, summary
    and body (plain text), as the mapping writes them into the store."""

    iri: str
    digest: str
    slug: str
    headline: str
    summary: str
    body: str
    lang: str | None
    date: datetime | None

    @property
    def text(self) -> str:
        return "\n\n".join(part for part in (self.headline, self.summary, self.body) if part)

    @classmethod
    def of_prepared(cls, prepared: Prepared, iri: str) -> ArticleText:
        """The text of a prepared record whose article is ``iri`` (as
        :data:`newsgraph.mapping.NEWS_ARTICLE` maps it).

        >>> from newsgraph.records import prepare
        >>> p = prepare({"slug": "s", "title": "Oil", "published_at": "1987-02-26T10:00:00",
        ...              "body_md": "Crude *oil* rose."}, "f.jsonl:1")
        >>> t = ArticleText.of_prepared(p, "http://n.example/article/s")
        >>> t.text, t.date.isoformat(), t.lang
        ('Oil\\n\\nCrude oil rose.', '1987-02-26T10:00:00+00:00', None)
        """
        record = prepared.record
        published = record.published_at
        return cls(
            iri=iri,
            digest=prepared.digest,
            slug=record.slug,
            headline=record.title,
            summary=record.summary or "",
            body=prepared.text if record.body_md else "",
            lang=record.lang,
            date=published if published.tzinfo else published.replace(tzinfo=UTC),
        )
