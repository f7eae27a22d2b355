"""Finding known entities in an article's text.

The text is cut into *name spans*: runs of capitalised words, joined by small words such as
"of" or "for" ("Parliamentary Assembly of the Council of Europe"), broken by punctuation, a
possessive or the end of a sentence. A span names an entity only when the whole span is one of
the entity's names — so "Council of Europe" inside "Parliamentary Assembly of the Council of
Europe" or "Georgia" in "Georgia Power" is not a mention of the smaller name. Lines with no
lower-case letter (wire-service headlines) are skipped, and a one-word span must have the case
of a known name ("PACE" is not "Pace").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from graph.linking.normalise import key_of

__all__ = ["name_spans", "scan"]

_UPPER = "A-ZÀ-ÖØ-Þ"
_CAPITALISED = rf"(?:[{_UPPER}][\w'’&.\-]*|\d+[{_UPPER}][\w\-]*)"
_CONNECTOR = r"(?:of|the|for|and|&|de|du|des|la|le|von|van|der|den|on|in|through|y|del|da|di)"
#: Capitalised words, one space apart, perhaps joined by small words.
_SPAN = re.compile(rf"(?<![\w'’]){_CAPITALISED}(?: (?:{_CONNECTOR} )*{_CAPITALISED})*")
_CONNECTORS = frozenset(_CONNECTOR[3:-1].split("|"))
_LEADING = frozenset(
    {"the", "a", "an", "in", "on", "at", "by", "for", "from", "with", "and", "but", "as", "this",
     "that", "these", "those", "its", "his", "her", "their", "our", "when", "while", "after",
     "before", "under", "over", "both", "former", "if", "since", "during", "to", "of", "it",
     "according", "meanwhile", "earlier", "later", "also", "however", "yesterday", "today"}
)  # fmt: skip
_ABBREVIATION = re.compile(r"^(?:[A-Za-z]\.){1,4}$|^(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Co|Corp|Inc|Ltd)\.$")
_POSSESSIVE = ("'s", "’s", "s'", "s’")
_LOWER = re.compile(r"[a-zß-öø-ÿ]")
_SENTENCE_END = frozenset('.!?:;"“”(')


def name_spans(text: str) -> Iterator[tuple[list[str], bool]]:
    """The name spans of a text: (words, whether the span starts a sentence).

    >>> [w for w, _ in name_spans("The Council of Europe and PACE’s statement, said Reuters.")]
    [['Council', 'of', 'Europe', 'and', 'PACE'], ['Reuters']]
    """
    for line in text.splitlines():
        if not _LOWER.search(line):
            continue
        for match in _SPAN.finditer(line):
            before = line[: match.start()].rstrip()
            starts_sentence = not before or before[-1] in _SENTENCE_END
            span: list[str] = []
            for word in match.group().split(" "):
                possessive = word.endswith(_POSSESSIVE)
                ends_sentence = word.endswith(".") and not _ABBREVIATION.match(word)
                clean = word.rstrip(".")
                if possessive:
                    clean = clean[:-2]
                if clean:
                    span.append(clean)
                if possessive or ends_sentence:
                    yield from _emit(span, starts_sentence)
                    span, starts_sentence = [], ends_sentence
            yield from _emit(span, starts_sentence)


def _emit(span: list[str], starts_sentence: bool) -> Iterator[tuple[list[str], bool]]:
    while span and span[-1].lower() in _CONNECTORS:
        span = span[:-1]
    while span and span[0].lower() in _CONNECTORS:
        span = span[1:]
    if span:
        yield span, starts_sentence


def _parts(words: list[str], starts_sentence: bool) -> list[list[str]]:
    """Where a span names nothing as a whole: each side of an "and", else the span without its
    sentence-initial first word."""
    for index, word in enumerate(words):
        if word.lower() in ("and", "&") and 0 < index < len(words) - 1:
            right = words[index + 1 :]
            return [words[:index], *(_parts(right, False) or [right])]
    if starts_sentence and len(words) > 1:
        return [words[1:]]
    return []


def _match(words: list[str], index: Mapping[str, tuple[str, frozenset[str]]]) -> str | None:
    tries = [words]
    if len(words) > 1 and words[0].lower() in _LEADING:
        tries.append(words[1:])
    for candidate in tries:
        hit = index.get(key_of(" ".join(candidate)))
        if hit is None:
            continue
        entity, shapes = hit
        if len(candidate) == 1:
            shape = "upper" if candidate[0].replace(".", "").isupper() else "title"
            if shape not in shapes:
                continue
        return entity
    return None


def scan(text: str, index: Mapping[str, tuple[str, frozenset[str]]]) -> list[str]:
    """The entities a text names, in order of first mention.

    ``index`` maps a name key to (entity, the case shapes its one-word names take:
    ``"upper"`` for acronyms, ``"title"`` otherwise).

    >>> index = {"council of europe": ("coe", frozenset({"title"})), "pace": ("pace", frozenset({"upper"}))}
    >>> scan("The Council of Europe and PACE met. Pace rose.", index)
    ['coe', 'pace']
    """
    found: dict[str, None] = {}
    for words, starts_sentence in name_spans(text):
        hit = _match(words, index)
        if hit is not None:
            found.setdefault(hit, None)
            continue
        for part in _parts(words, starts_sentence):
            hit = _match(part, index)
            if hit is not None:
                found.setdefault(hit, None)
    return list(found)
