"""sitemap.xml and the Google News sitemap, read back with an XML parser."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsgraph.export.manifest import Entry, Manifest
from newsgraph.export.sitemap import (
    NEWS_NS,
    SITEMAP_NS,
    news_language,
    write_news_sitemap,
    write_sitemaps,
)

NS = {"s": SITEMAP_NS, "n": NEWS_NS}
NOW = datetime(2026, 6, 27, 12, 0, tzinfo=UTC)


def entry(slug: str, published: datetime, **fields: object) -> Entry:
    values: dict[str, object] = {
        "iri": f"http://localhost:8000/article/{slug}",
        "hash": slug,
        "loc": f"https://news.example.org/{slug}?a=1&b='2'",
        "published": published.isoformat().replace("+00:00", "Z"),
        "lastmod": published.isoformat().replace("+00:00", "Z"),
        "headline": f'<b>{slug}</b> & "more"',
        "language": "en",
        "publisher": "News & Co",
    }
    values.update(fields)
    return Entry(**values)  # type: ignore[arg-type]


def manifest() -> Manifest:
    return Manifest(
        "http://localhost:8000/",
        {
            "fresh": entry("fresh", NOW - timedelta(hours=3)),
            "yesterday": entry("yesterday", NOW - timedelta(hours=30), language="zh-Hant-TW"),
            "old": entry("old", NOW - timedelta(days=3)),
            "no-lang": entry("no-lang", NOW - timedelta(hours=1), language=None),
            "no-url": entry("no-url", NOW - timedelta(days=400), loc="http://localhost:8000/article/no-url",
                            lastmod=None),
        },
    )  # fmt: skip


def test_the_sitemap_lists_every_article_with_lastmod(tmp_path: Path) -> None:
    assert write_sitemaps(tmp_path, manifest(), "http://localhost:8000/") == 5
    root = ET.parse(tmp_path / "sitemap.xml").getroot()
    assert root.tag == f"{{{SITEMAP_NS}}}urlset"
    urls = [(u.findtext("s:loc", namespaces=NS), u.findtext("s:lastmod", namespaces=NS))
            for u in root.findall("s:url", NS)]  # fmt: skip
    assert urls[0] == ("https://news.example.org/no-lang?a=1&b='2'", "2026-06-27T11:00:00Z")
    assert [loc for loc, _ in urls][-1] == "http://localhost:8000/article/no-url"
    assert urls[-1][1] is None
    assert len(urls) == 5


def test_many_urls_are_split_under_an_index(tmp_path: Path) -> None:
    (tmp_path / "sitemap-00009.xml").write_text("stale")
    assert write_sitemaps(tmp_path, manifest(), "https://pub.example/exports/", max_urls=2) == 5
    index = ET.parse(tmp_path / "sitemap.xml").getroot()
    assert index.tag == f"{{{SITEMAP_NS}}}sitemapindex"
    parts = [s.findtext("s:loc", namespaces=NS) for s in index.findall("s:sitemap", NS)]
    assert parts == [f"https://pub.example/exports/sitemap-0000{n}.xml" for n in (1, 2, 3)]
    counted = sum(
        len(ET.parse(tmp_path / f"sitemap-0000{n}.xml").getroot().findall("s:url", NS))
        for n in (1, 2, 3)
    )
    assert counted == 5 and not (tmp_path / "sitemap-00009.xml").exists()


def test_the_news_sitemap_holds_the_last_two_days(tmp_path: Path) -> None:
    news = write_news_sitemap(tmp_path, manifest(), NOW)
    assert news.listed == 2 and news.left_out == ["no-lang"]
    root = ET.parse(tmp_path / "news-sitemap.xml").getroot()
    urls = root.findall("s:url", NS)
    first = urls[0]
    assert first.findtext("s:loc", namespaces=NS) == "https://news.example.org/fresh?a=1&b='2'"
    assert first.findtext("n:news/n:publication/n:name", namespaces=NS) == "News & Co"
    assert first.findtext("n:news/n:publication/n:language", namespaces=NS) == "en"
    assert first.findtext("n:news/n:publication_date", namespaces=NS) == "2026-06-27T09:00:00Z"
    assert first.findtext("n:news/n:title", namespaces=NS) == '<b>fresh</b> & "more"'
    assert urls[1].findtext("n:news/n:publication/n:language", namespaces=NS) == "zh-tw"


def test_an_empty_news_sitemap_is_still_valid(tmp_path: Path) -> None:
    news = write_news_sitemap(tmp_path, manifest(), NOW + timedelta(days=30))
    assert news.listed == 0
    root = ET.parse(tmp_path / "news-sitemap.xml").getroot()
    assert root.tag == f"{{{SITEMAP_NS}}}urlset" and len(root) == 0


def test_google_news_language_codes() -> None:
    assert news_language("EN-gb") == "en"
    assert news_language("zh-CN") == "zh-cn"
    assert news_language("sr-Latn") == "sr"
