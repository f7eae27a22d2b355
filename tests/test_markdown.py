from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from newsgraph import markdown as md
from newsgraph.markdown import links, to_text


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("# Heading\n\nPara", "Heading\n\nPara"),
        ("**bold** and *em* and _em2_ and `code`", "bold and em and em2 and code"),
        ('[label](https://x.example/a "title")', "label"),
        ("![alt text](https://x.example/i.png)", "alt text"),
        ("> quoted\n> more", "quoted\nmore"),
        ("- one\n- two\n1. three", "one\ntwo\nthree"),
        ("```\ncode *kept*\n```", "code *kept*"),
        ("snake_case_name stays", "snake_case_name stays"),
        ("PAXAR CORP <PAKS> MAKES ACQUISITION", "PAXAR CORP <PAKS> MAKES ACQUISITION"),
        ("a\n\n\n\nb\n\n---\n\nc", "a\n\nb\n\nc"),
        ("\\*not em\\*", "*not em*"),
    ],
)
def test_to_text(markdown: str, text: str) -> None:
    assert to_text(markdown) == text


def test_links_in_document_order_without_images_or_relative_targets() -> None:
    body = (
        "See <https://b.example/> then [a](https://a.example/x) and ![i](https://img.example/i.png)"
        " and [rel](/relative) and [js](javascript:alert(1)) and [a again](https://a.example/x).\n"
        "\n[ref]: https://ref.example/doc\n"
    )
    assert links(body) == ["https://b.example/", "https://a.example/x", "https://ref.example/doc"]


#: Emphasis as the rule spells it (the module's pattern is an equivalent ``re`` scans faster).
PLAIN_EMPHASIS = re.compile(
    r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?!\*)|(?<!\w)_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)"
)


def plain_to_text(markdown_text: str) -> str:
    """The converter's rules with fewer shortcuts: every block pattern tried on every line that
    may open a block, every inline pattern run on every line with a mark (the module skips the
    patterns a line cannot match)."""
    lines: list[str] = []
    fence: str | None = None
    marked = md._has_inline_markup(markdown_text)
    for line in markdown_text.split("\n"):
        if fence is None and (not line or line[:1].isalpha()):
            lines.append(plain_inline(line) if marked else line)
            continue
        opened = md._FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            else:
                lines.append(line)
            continue
        if opened:
            fence = opened.group(1)
            continue
        if md._RULE.match(line) or md._REFDEF.match(line):
            continue
        if md._SETEXT.match(line) and lines and lines[-1].strip():
            continue
        heading = md._HEADING.match(line)
        if heading:
            line = heading.group(1)
        while md._QUOTE.match(line):
            line = md._QUOTE.sub("", line, count=1)
        line = md._LIST.sub(r"\1", line)
        lines.append(plain_inline(line))
    return md._BLANKS.sub("\n\n", "\n".join(lines)).strip()


def plain_inline(line: str) -> str:
    if not md._has_inline_markup(line):
        return line
    line = md._ESCAPE.sub(lambda m: chr(md._PROTECT + ord(m.group(1))), line)
    line = md._CODE.sub(r"\1", line)
    line = md._IMAGE.sub(r"\1", line)
    line = md._INLINE_LINK.sub(r"\1", line)
    line = md._REF_LINK.sub(r"\1", line)
    line = md._AUTOLINK.sub(r"\1", line)
    line = md._STRONG.sub(r"\2", line)
    line = PLAIN_EMPHASIS.sub(lambda m: m.group(1) or m.group(2), line)
    return md._PROTECTED.sub(lambda m: chr(ord(m.group()) - md._PROTECT), line)


PIECES = ["#", "## ", "# ", " ", "  ", "\n", "\n\n", "\t", "`", "```", "~~~", "*", "**", "_", "__",
          "[", "]", "(", ")", "![", "](", "][", "<", ">", "> ", "\\", "\\*", "https://a.example/x",
          "-", "---", "1. ", "- ", "=", "===", "word", "Word", "snake_case", "\U000f0041", "é", '"',
          ":", "'"]  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_to_text_equals_the_rules_applied_everywhere(markdown_text: str) -> None:
    assert to_text(markdown_text) == plain_to_text(markdown_text)


def plain_links(markdown_text: str) -> list[str]:
    """``links`` reading every line for reference definitions (the module skips a text with no
    "]:")."""
    without_images = md._IMAGE.sub(lambda m: " " * len(m.group(0)), markdown_text)
    candidates = [
        (match.start(), match.group(group))
        for pattern, group in ((md._INLINE_LINK, 2), (md._AUTOLINK, 1))
        for match in pattern.finditer(without_images)
    ]
    offset = 0
    for line in markdown_text.split("\n"):
        definition = md._REFDEF.match(line)
        if definition:
            candidates.append((offset, definition.group(1)))
        offset += len(line) + 1
    found: dict[str, None] = {}
    for _, url in sorted(candidates):
        url = url.strip()
        if url.lower().startswith(("http://", "https://")) and not md._UNSAFE.search(url):
            found.setdefault(url, None)
    return list(found)


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(
        st.sampled_from([*PIECES, "]: ", "[r]", "[r]:", "http://b.example/"]), max_size=40
    ).map("".join)
)
def test_links_equal_those_of_every_line(markdown_text: str) -> None:
    assert links(markdown_text) == plain_links(markdown_text)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="*_ab \n\té'", max_size=30))
def test_the_emphasis_pattern_matches_as_the_rule_does(line: str) -> None:
    def found(pattern: re.Pattern[str]) -> list[tuple[int, int, str | None, str | None]]:
        return [(*m.span(), m.group(1), m.group(2)) for m in pattern.finditer(line)]

    assert found(md._EMPHASIS) == found(PLAIN_EMPHASIS)
