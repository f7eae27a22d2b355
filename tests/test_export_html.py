"""The script element: whatever the data holds, it stays one element whose JSON is the document."""

from __future__ import annotations

import json
import subprocess
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from newsgraph.export.checks import html_problems
from newsgraph.export.html import script_element

from tests.browser import FLAGS, chromium_path
from tests.exportdata import HOSTILE_TITLE

HOSTILE: dict[str, Any] = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": HOSTILE_TITLE,
    "description": "</SCRIPT\t> <script/x> <!--<script> --!> & &amp; &lt; \u2028\u2029 \\ \\u003c",
    "keywords": ["<", ">", "&", "</", "<!", "]]>"],
}
OPEN = '<script type="application/ld+json">'
CLOSE = "</script>"


@pytest.mark.parametrize("indent", [None, 2])
def test_the_element_text_holds_no_markup_and_parses_to_the_document(indent: int | None) -> None:
    html = script_element(HOSTILE, indent=indent)
    assert html.startswith(OPEN) and html.endswith(CLOSE + "\n")
    text = html[len(OPEN) : -len(CLOSE) - 1]
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == HOSTILE
    assert html.count("</") == 1


def test_the_checker_agrees_and_catches_an_unescaped_element() -> None:
    assert html_problems(script_element(HOSTILE), HOSTILE) == []
    naive = f"{OPEN}{json.dumps(HOSTILE)}{CLOSE}"
    problems = html_problems(naive, HOSTILE)
    assert problems and "ends early" in problems[0]
    assert html_problems(script_element({"a": 1}), HOSTILE) == [
        "the .html's JSON differs from the .jsonld's"
    ]


@pytest.mark.slow
def test_a_browser_sees_one_element_with_the_same_json(tmp_path: Path) -> None:
    chromium = chromium_path()
    page = tmp_path / "page.html"
    page.write_text(
        "<!doctype html><html><head><meta charset=utf-8>"
        + script_element(HOSTILE, indent=2)
        + "</head><body><script>"
        "const found = document.querySelectorAll('script');"
        "const data = document.querySelector('script[type=\"application/ld+json\"]');"
        "document.body.dataset.scripts = found.length;"
        "document.body.dataset.json = JSON.stringify(JSON.parse(data.textContent));"
        "</script></body></html>",
        encoding="utf-8",
    )
    result = subprocess.run(
        [str(chromium), *FLAGS, "--dump-dom", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    dom = result.stdout.decode("utf-8")
    scripts = dom.split('data-scripts="')[1].split('"')[0]
    seen = unescape(dom.split('data-json="')[1].split('"')[0])
    assert scripts == "2", "the data must stay one element (the page's own script is the other)"
    assert json.loads(seen) == HOSTILE
