"""A small corpus for the page tests, built in code.

- 55 articles mention Kazakhstan, one a day from 2026-01-01, except that ``many-5`` and
  ``many-6`` share a date: newest first, they are the 50th and 51st rows, so the first page of
  articles ends inside a tie;
- every third of them also mentions Astana and is about "energy"; the others come from another
  publisher;
- one article carries markup everywhere a record allows text (headline, summary, body, topic,
  entity name); its image points at this server's ``/pwned.png``, which nothing may request.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tests.conftest import record, write_jsonl

MANY = 55
MARKUP_HEADLINE = (
    '<script>window.__pwned=1</script><img src="/pwned.png" onerror="window.__pwned=2"> & co'
)
MARKUP_ENTITY = '<img src="/pwned.png" onerror="window.__pwned=3">'
MARKUP_SLUG = "markup-everywhere"


def published(index: int) -> str:
    day = date(2026, 1, 1) + timedelta(days=index if index != 6 else 5)
    return f"{day.isoformat()}T12:00:00+00:00"


def page_records() -> list[dict[str, Any]]:
    records = []
    for index in range(MANY):
        astana = index % 3 == 0
        records.append(
            record(
                f"many-{index}",
                title=f"Story number {index} about Kazakhstan",
                published_at=published(index),
                url=f"https://{'news.example.org' if astana else 'other.example.net'}/many-{index}",
                topics=["energy"] if astana else ["politics"],
                entities=["Kazakhstan", "Astana"]
                if astana
                else ["Kazakhstan", "Council of Europe"],
            )
        )
    records.append(
        record(
            MARKUP_SLUG,
            title=MARKUP_HEADLINE,
            summary='A summary with <b>bold</b> & "quotes".',
            body_md="Text with [a link](https://example.org/x).\n\nSecond <i>paragraph</i>.",
            url="https://markup.example.org/a",
            published_at="2026-12-31T10:00:00+00:00",
            updated_at="2026-12-31T11:30:00+01:00",
            topics=["<topic>"],
            entities=[MARKUP_ENTITY, "Kazakhstan"],
            alternates={"html": "https://markup.example.org/a.html"},
            image=["http://127.0.0.1:1/pwned.png"],
            author=[{"name": "<b>A. Reporter</b>", "url": "https://markup.example.org/by/r"}],
        )
    )
    return records


def write_page_records(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    return write_jsonl(directory / "pages.jsonl", page_records())
