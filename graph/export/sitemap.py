"""``sitemap.xml`` and a Google News sitemap for the articles of an export directory.

Written by every ``newsgraph export`` from the manifest, so they always list every article the
directory holds (not only those one run rewrote):

* ``sitemap.xml`` (sitemaps.org 0.9): each article's URL with ``lastmod`` (dateModified, else
  datePublished), newest first. An article without a ``url`` is listed by its IRI, the page
  newsgraph serves for it. Over 50,000 URLs, the list is split into ``sitemap-00001.xml``, …
  and ``sitemap.xml`` becomes their index (entries are absolute URLs under ``site_url``).
* ``news-sitemap.xml`` (Google News): the articles published in the two days before the export,
  at most 1,000, with publication name, language, publication date and title. Google requires
  a publication name and a language; an article without them is left out, never given made-up
  ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin
from xml.sax.saxutils import escape

from newsgraph.export.files import write_atomically
from newsgraph.export.manifest import Entry, Manifest

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
SITEMAP = "sitemap.xml"
NEWS_SITEMAP = "news-sitemap.xml"
MAX_URLS = 50_000
MAX_NEWS_URLS = 1_000
NEWS_WINDOW = timedelta(days=2)
_ENTITIES = {'"': "&quot;", "'": "&apos;"}
_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
_EPOCH = datetime.fromisoformat("1970-01-01T00:00:00+00:00")


def xml_text(text: str) -> str:
    """Text escaped for XML content, quotes included (as the sitemap protocol asks).

    >>> xml_text('https://e.org/?a=1&b="2"')
    'https://e.org/?a=1&amp;b=&quot;2&quot;'
    """
    return escape(text, _ENTITIES)


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _newest_first(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (-(_when(e.lastmod) or _EPOCH).timestamp(), e.loc))


def url_element(loc: str, lastmod: str | None) -> str:
    modified = f"<lastmod>{xml_text(lastmod)}</lastmod>" if lastmod else ""
    return f"<url><loc>{xml_text(loc)}</loc>{modified}</url>\n"


def urlset(entries: list[Entry]) -> bytes:
    body = "".join(url_element(entry.loc, entry.lastmod) for entry in entries)
    return f'{_HEAD}<urlset xmlns="{SITEMAP_NS}">\n{body}</urlset>\n'.encode()


def write_sitemaps(
    directory: Path, manifest: Manifest, site_url: str, max_urls: int = MAX_URLS
) -> int:
    """Write ``sitemap.xml`` (and its parts when there are many); return the URLs listed."""
    unique: dict[str, Entry] = {}
    for entry in _newest_first(manifest.articles.values()):
        unique.setdefault(entry.loc, entry)
    entries = list(unique.values())
    for stale in directory.glob("sitemap-*.xml"):
        stale.unlink()
    if len(entries) <= max_urls:
        write_atomically(directory / SITEMAP, urlset(entries))
        return len(entries)
    parts = []
    for number, start in enumerate(range(0, len(entries), max_urls), start=1):
        name = f"sitemap-{number:05d}.xml"
        write_atomically(directory / name, urlset(entries[start : start + max_urls]))
        parts.append(f"<sitemap><loc>{xml_text(urljoin(site_url, name))}</loc></sitemap>\n")
    index = f'{_HEAD}<sitemapindex xmlns="{SITEMAP_NS}">\n{"".join(parts)}</sitemapindex>\n'
    write_atomically(directory / SITEMAP, index.encode())
    return len(entries)


def news_language(tag: str) -> str:
    """Google News' language code: the ISO 639 code, except ``zh-cn`` and ``zh-tw``.

    >>> [news_language(t) for t in ("en", "pt-BR", "zh-TW", "zh-Hans-CN", "zh")]
    ['en', 'pt', 'zh-tw', 'zh-cn', 'zh']
    """
    parts = tag.lower().split("-")
    if parts[0] == "zh":
        if "tw" in parts[1:] or "hant" in parts[1:]:
            return "zh-tw"
        if "cn" in parts[1:] or "hans" in parts[1:]:
            return "zh-cn"
    return parts[0]


@dataclass(frozen=True)
class NewsSitemap:
    listed: int
    #: Recent articles left out because Google's required publication name or language is absent.
    left_out: list[str]


def news_element(entry: Entry) -> str:
    assert entry.publisher and entry.language and entry.published
    modified = f"<lastmod>{xml_text(entry.lastmod)}</lastmod>" if entry.lastmod else ""
    return (
        f"<url><loc>{xml_text(entry.loc)}</loc>{modified}<news:news><news:publication>"
        f"<news:name>{xml_text(entry.publisher)}</news:name>"
        f"<news:language>{xml_text(news_language(entry.language))}</news:language>"
        f"</news:publication><news:publication_date>{xml_text(entry.published)}"
        f"</news:publication_date><news:title>{xml_text(entry.headline or '')}</news:title>"
        f"</news:news></url>\n"
    )


def write_news_sitemap(directory: Path, manifest: Manifest, now: datetime) -> NewsSitemap:
    """Write ``news-sitemap.xml`` with the articles published in the two days before ``now``."""
    recent: list[tuple[datetime, str, Entry]] = []
    left_out: list[str] = []
    for slug, entry in manifest.articles.items():
        published = _when(entry.published)
        if published is None or not now - NEWS_WINDOW <= published <= now:
            continue
        if not (entry.publisher and entry.language):
            left_out.append(slug)
            continue
        recent.append((published, slug, entry))
    recent.sort(key=lambda item: (-item[0].timestamp(), item[1]))
    seen: set[str] = set()
    body: list[str] = []
    for _, _, entry in recent:
        if entry.loc not in seen and len(body) < MAX_NEWS_URLS:
            seen.add(entry.loc)
            body.append(news_element(entry))
    text = (
        f'{_HEAD}<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n{"".join(body)}</urlset>\n'
    )
    write_atomically(directory / NEWS_SITEMAP, text.encode())
    return NewsSitemap(len(body), sorted(left_out))
