"""The text scan reads a whole text at once where it can: the spans are exactly those of
reading it line by line, as the rules define them (lines without lower case skipped, a line
start starts a sentence)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st
from newsgraph.linking import textscan

from tests.conftest import REUTERS, shared_file

_LOWER = re.compile(r"[a-zß-öø-ÿ]")


def by_lines(text: str) -> Iterator[tuple[str, bool]]:
    """The rules, plainly: each line with a lower-case letter, each run and what precedes it."""
    for line in text.splitlines():
        if not _LOWER.search(line):
            continue
        for match in textscan._SPAN.finditer(line):
            start = match.start()
            while start and line[start - 1].isspace():
                start -= 1
            yield match.group(), not start or line[start - 1] in '.!?:;"“”('


WORDS = ["PACE", "Council", "of", "Europe", "the", "and", "Mr.", "U.S.", "said", "3M", "Kazakhstan's",
         "WHO", "é", "Éire", "x", ".", ",", "(", ")", '"', "’s", "A", "the Bank"]  # fmt: skip
SEPARATORS = [" ", "  ", "\n", "\r\n", "\r", "\t", "\u00a0", "\u2028", "\x0c", "\n\n", ". ", "\n# "]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=40))
def test_whole_text_reading_equals_line_by_line(parts: list[tuple[str, str]]) -> None:
    text = "".join(word + separator for word, separator in parts)
    assert list(textscan._matches(text)) == list(by_lines(text))


def test_a_shouted_headline_is_skipped_and_the_rest_read() -> None:
    text = "PACE MEETS IN STRASBOURG\nThe Council of Europe met.\nKazakhstan said"
    assert list(textscan._matches(text)) == [
        ("The Council of Europe", True),
        ("Kazakhstan", True),
    ]


def test_reuters_texts_scan_alike() -> None:
    with open(shared_file(REUTERS), encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number >= 1500:
                break
            article = json.loads(line)
            text = "\n".join(filter(None, [article.get("title"), article.get("summary"),
                                           article.get("body_md")]))  # fmt: skip
            assert list(textscan._matches(text)) == list(by_lines(text)), article["slug"]


# The rule for a run, spelled plainly (the module's pattern is an equivalent that re scans faster).
_U = "A-ZÀ-ÖØ-Þ"
_WORD = rf"(?:[{_U}][\w'’&.\-]*|\d+[{_U}][\w\-]*)"
PLAIN_SPAN = re.compile(rf"(?=[{_U}\d])(?<![\w'’]){_WORD}(?: (?:{textscan._CONNECTOR} )*{_WORD})*")
PLAIN_SHOUTED_LINE = re.compile(r"^[^a-zß-öø-ÿ\n]*[A-ZÀ-ÖØ-Þ][^a-zß-öø-ÿ\n]*$", re.MULTILINE)
#: Characters at the edges of the classes: capitals and lower case in and past Latin-1, digits
#: of other scripts (Arabic-Indic, fullwidth), superscripts, apostrophes, breaks and spaces.
CHARACTERS = "AZaz09ÀÖØÞßöøÿ×÷ĀΣσДд٣０²'’&.-_ \n\t\r\u00a0\u2028\x0c,;:!?(\"“”#"
TEXTS = st.text(alphabet=CHARACTERS, max_size=60) | st.lists(
    st.sampled_from([*WORDS, "of", "the", "ΣΑΣ", "٣M", "３M", "x3M", "’Ab", "_Ab"]), max_size=12
).map(" ".join)


@settings(max_examples=600, deadline=None)
@given(TEXTS)
def test_the_span_pattern_finds_what_the_plain_rule_finds(text: str) -> None:
    found = [(m.start(), m.group()) for m in textscan._SPAN.finditer(text)]
    assert found == [(m.start(), m.group()) for m in PLAIN_SPAN.finditer(text)]


@settings(max_examples=600, deadline=None)
@given(TEXTS)
def test_the_shouted_line_check_agrees_with_the_plain_rule(text: str) -> None:
    assert textscan._has_shouted_line(text) == bool(PLAIN_SHOUTED_LINE.search(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=40))
def test_signatures_are_those_of_every_run_in_order(parts: list[tuple[str, str]]) -> None:
    text = "".join(word + separator for word, separator in parts)
    every = [
        signature
        for group, starts_sentence in by_lines(text)
        for signature in textscan._signatures_of(group, starts_sentence)
    ]
    assert textscan.signatures(text) == tuple(dict.fromkeys(every))


@settings(max_examples=600, deadline=None)
@given(TEXTS)
def test_runs_read_in_context_are_those_read_line_by_line(text: str) -> None:
    assert list(textscan._matches(text)) == list(by_lines(text))
