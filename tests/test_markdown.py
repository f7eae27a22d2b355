from __future__ import annotations

import pytest

from graph.markdown import links, to_text


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
