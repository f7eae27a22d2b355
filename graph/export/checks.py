"""Checks of an exported article's files that SHACL cannot make: shape of the JSON, safe HTML."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from newsgraph.errors import ExportError
from newsgraph.export.context import SCHEMA_CONTEXT
from newsgraph.export.rdf import document_triples

SCRIPT_TYPE = "application/ld+json"


class _ScriptReader(HTMLParser):
    """Collects the script elements of an HTML fragment and anything else it contains."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[tuple[str | None, str]] = []
        self.other: list[str] = []
        self._type: str | None = None
        self._text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and self._text is None:
            self._type = dict(attrs).get("type")
            self._text = []
        else:
            self.other.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._text is not None:
            self.scripts.append((self._type, "".join(self._text)))
            self._text = None
        else:
            self.other.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)
        elif data.strip():
            self.other.append(data.strip()[:40])

    def handle_comment(self, data: str) -> None:
        self.other.append("<!--")


def html_problems(html: str, document: Any) -> list[str]:
    """What is wrong with an article's HTML snippet, given the document it must carry.

    >>> html_problems('<script type="application/ld+json">{"a": "\\\\u003c/script\\\\u003e"}</script>',
    ...               {"a": "</script>"})
    []
    >>> html_problems('<script type="application/ld+json">{"a": "</script><b>"}</script>', {"a": "x"})[0]
    "the script element ends early or is followed by other content: '<b>'"
    """
    reader = _ScriptReader()
    reader.feed(html)
    reader.close()
    problems = []
    if reader.other or reader._text is not None:
        shown = reader.other[0] if reader.other else "an unclosed script element"
        problems.append(f"the script element ends early or is followed by other content: {shown!r}")
    if len(reader.scripts) != 1:
        return [*problems, f"the .html holds {len(reader.scripts)} script elements, not one"]
    kind, text = reader.scripts[0]
    if kind != SCRIPT_TYPE:
        problems.append(f"the script element's type is {kind!r}, not {SCRIPT_TYPE!r}")
    if "<" in text:
        problems.append("the script text contains '<' (markup in the data could close it)")
    try:
        if json.loads(text) != document:
            problems.append("the .html's JSON differs from the .jsonld's")
    except ValueError as error:
        problems.append(f"the script text is not JSON: {error}")
    return problems


def keys(value: Any) -> set[str]:
    """Every key of a JSON value, at any depth."""
    if isinstance(value, dict):
        return set(value).union(*(keys(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(keys(item) for item in value))
    return set()


def is_term(key: str) -> bool:
    """A JSON-LD keyword, or a bare name that schema.org's ``@vocab`` resolves (no IRI, no prefix).

    >>> [is_term(k) for k in ("@id", "headline", "ng:recordHash", "https://w3id.org/x#y")]
    [True, True, False, False]
    """
    return key.startswith("@") or key.isidentifier()


def document_problems(document: Any) -> list[str]:
    """What is wrong with the shape of an exported document (one NewsArticle object)."""
    if not isinstance(document, dict):
        return ["the document is not one JSON object"]
    problems = []
    if document.get("@context") != SCHEMA_CONTEXT:
        problems.append(f"@context is {document.get('@context')!r}, not {SCHEMA_CONTEXT!r}")
    if document.get("@type") != "NewsArticle":
        problems.append(f"the root's @type is {document.get('@type')!r}, not 'NewsArticle'")
    foreign = sorted({key for key in keys(document) if not is_term(key)})
    if foreign:
        problems.append(f"keys that are not schema.org terms: {', '.join(foreign)}")
    if not problems:
        try:
            document_triples(document)
        except ExportError as error:
            problems.append(str(error))
    return problems


def file_problems(path: Path) -> list[str]:
    """Problems of ``articles/<slug>.jsonld`` and the ``.html`` beside it."""
    try:
        document = json.loads(path.read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        return [f"{path.name} is not JSON: {error}"]
    problems = document_problems(document)
    html = path.with_suffix(".html")
    if not html.exists():
        problems.append(f"{html.name} is missing")
    else:
        problems.extend(html_problems(html.read_text("utf-8"), document))
    return problems
