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
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache

from newsgraph.linking.normalise import key_of

__all__ = ["Signature", "Try", "match", "name_spans", "scan", "signatures"]

_UPPER = "A-ZÀ-ÖØ-Þ"
_CAPITALISED = rf"(?:[{_UPPER}][\w'’&.\-]*|\d+[{_UPPER}][\w\-]*)"
_CONNECTOR = r"(?:of|the|for|and|&|de|du|des|la|le|von|van|der|den|on|in|through|y|del|da|di)"
#: Capitalised words, one space apart, perhaps joined by small words, not inside a word:
#: ``(?<![\w'’])`` then ``_CAPITALISED`` then ``(?: (?:{_CONNECTOR} )*{_CAPITALISED})*``,
#: written so that it opens with a character class, which lets ``re`` skip from candidate to
#: candidate in C. The class lists the Latin-1 capitals and digits, and every character past
#: Latin-1 (the only digits past Latin-1 are there), which a lookbehind then narrows down.
_SPAN = re.compile(
    rf"[0-9{_UPPER}\u0100-\U0010ffff](?<=[{_UPPER}\d])(?<![\w'’][{_UPPER}\d])"
    rf"(?:(?<=[{_UPPER}])[\w'’&.\-]*|(?<=\d)\d*[{_UPPER}][\w\-]*)"
    rf"(?: (?:{_CONNECTOR} )*{_CAPITALISED})*"
)
#: The same runs, each with what shows whether it starts a sentence, for ``findall``: the
#: sentence end before it (at most one space between), the first character where it opens the
#: text (perhaps after one space), or two spaces before it (the run is then read again by
#: :func:`_line_matches`, which skips back over any number of them).
_END = r'[.!?:;"“”(\n]'
_SPACE = r"[^\S\n]"
_SPAN_IN_CONTEXT = re.compile(
    rf"([0-9{_UPPER}\u0100-\U0010ffff](?<=[{_UPPER}\d])(?<![\w'’][{_UPPER}\d])"
    rf"(?:(?<=({_END})[{_UPPER}\d])|(?<=({_END}){_SPACE}[{_UPPER}\d])|(?<=\A([{_UPPER}\d]))"
    rf"|(?<=\A({_SPACE})[{_UPPER}\d])|(?<=({_SPACE}{_SPACE})[{_UPPER}\d]))?"
    rf"(?:(?<=[{_UPPER}])[\w'’&.\-]*|(?<=\d)\d*[{_UPPER}][\w\-]*)"
    rf"(?: (?:{_CONNECTOR} )*{_CAPITALISED})*)"
)
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
_SENTENCE_END = frozenset('.!?:;"“”(\n')
#: A line with letters but none in lower case (a wire-service headline): its spans are skipped.
#: The first line, and any later one found from its "\n" (a literal ``re`` scans for fast).
_SHOUTED_FIRST_LINE = re.compile(r"[^a-zß-öø-ÿ\n]*[A-ZÀ-ÖØ-Þ][^a-zß-öø-ÿ\n]*(?:\n|\Z)")
_SHOUTED_LATER_LINE = re.compile(r"\n[^a-zß-öø-ÿ\n]*[A-ZÀ-ÖØ-Þ][^a-zß-öø-ÿ\n]*(?:\n|\Z)")
#: Line breaks other than "\n" (as ``str.splitlines`` reads them).
_OTHER_BREAK = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def name_spans(text: str) -> Iterator[tuple[list[str], bool]]:
    """The name spans of a text: (words, whether the span starts a sentence).

    >>> [w for w, _ in name_spans("The Council of Europe and PACE’s statement, said Reuters.")]
    [['Council', 'of', 'Europe', 'and', 'PACE'], ['Reuters']]
    """
    for group, starts_sentence in _matches(text):
        yield from _split(group, starts_sentence)


def _matches(text: str) -> list[tuple[str, bool]]:
    """Each run of capitalised words, and whether it starts a sentence."""
    if _has_shouted_line(text) or _OTHER_BREAK.search(text):
        return [
            run for line in text.splitlines() if _LOWER.search(line) for run in _line_matches(line)
        ]
    # Spans never cross a line: read the text at once, in C where no run follows two spaces.
    found = _SPAN_IN_CONTEXT.findall(text)
    runs = [(run, bool(end or end_space or first or first_space))
            for run, end, end_space, first, first_space, spaces in found if not spaces]  # fmt: skip
    return runs if len(runs) == len(found) else list(_line_matches(text))


def _has_shouted_line(text: str) -> bool:
    """Whether a line of ``text`` has letters but none in lower case."""
    return bool(_SHOUTED_FIRST_LINE.match(text) or _SHOUTED_LATER_LINE.search(text))


def _line_matches(text: str) -> Iterator[tuple[str, bool]]:
    """The runs of a text whose only line break is ``\\n`` (a line start starts a sentence)."""
    for match in _SPAN.finditer(text):
        start = match.start()
        before = text[start - 1] if start else "\n"
        while before != "\n" and before.isspace():
            start -= 1
            before = text[start - 1] if start else "\n"
        yield match.group(), before in _SENTENCE_END


def _split(group: str, starts_sentence: bool) -> Iterator[tuple[list[str], bool]]:
    """A run of capitalised words cut at possessives and sentence ends."""
    span: list[str] = []
    for word in group.split(" "):
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


#: One way a span may name an entity: a name key and, for a one-word span, the case it is
#: written in (``"upper"`` or ``"title"``; ``""`` for longer spans, whatever their case).
Try = tuple[str, str]
#: What the scan needs of one span, whatever the index: the tries of the whole span, in order,
#: and the tries of each of its parts (read only when the whole span names nothing).
Signature = tuple[tuple[Try, ...], tuple[tuple[Try, ...], ...]]


def _tries(words: list[str]) -> tuple[Try, ...]:
    candidates = [words]
    if len(words) > 1 and words[0].lower() in _LEADING:
        candidates.append(words[1:])
    tries = []
    for candidate in candidates:
        key = key_of(" ".join(candidate))
        if len(key) < 2:
            continue  # no entity is known by a one-letter key
        shape = ""
        if len(candidate) == 1:
            shape = "upper" if candidate[0].replace(".", "").isupper() else "title"
        tries.append((key, shape))
    return tuple(tries)


def signatures(text: str) -> tuple[Signature, ...]:
    """The distinct spans of a text as the scan reads them, in order of first appearance.

    They depend on the text only, so they are computed once per article; :func:`match`
    reads them against whatever the index holds at the time.

    >>> for signature in signatures("PACE met. The Council of Europe and Georgia Power"):
    ...     print(signature)
    ((('pace', 'upper'),), ())
    ((('council of europe and georgia power', ''),), ((('council of europe', ''),), (('georgia power', ''),)))
    """
    found: dict[Signature, None] = {}
    # A run that repeats gives the cached signatures it gave before, all found already.
    read: dict[int, tuple[Signature, ...]] = {}
    for group, starts_sentence in _matches(text):
        of_group = _signatures_of(group, starts_sentence)
        if id(of_group) not in read:
            read[id(of_group)] = of_group  # held, so that its id is not reused meanwhile
            for signature in of_group:
                found[signature] = None
    return tuple(found)


@lru_cache(maxsize=100_000)
def _signatures_of(group: str, starts_sentence: bool) -> tuple[Signature, ...]:
    """The signatures of one run of capitalised words (runs repeat across stories)."""
    found = []
    for words, starts in _split(group, starts_sentence):
        whole = _tries(words)
        parts = tuple(tries for part in _parts(words, starts) if (tries := _tries(part)))
        if whole or parts:
            found.append((whole, parts))
    return tuple(found)


def match(spans: Iterable[Signature], index: Mapping[str, tuple[str, frozenset[str]]]) -> list[str]:
    """The entities that spans name, in order of first mention (see :func:`scan`)."""
    found: dict[str, None] = {}
    get = index.get
    for whole, parts in spans:
        for key, shape in whole:
            hit = get(key)
            if hit is not None and (not shape or shape in hit[1]):
                found[hit[0]] = None
                break
        else:
            for part in parts:
                for key, shape in part:
                    hit = get(key)
                    if hit is not None and (not shape or shape in hit[1]):
                        found[hit[0]] = None
                        break
    return list(found)


def scan(text: str, index: Mapping[str, tuple[str, frozenset[str]]]) -> list[str]:
    """The entities a text names, in order of first mention.

    ``index`` maps a name key to (entity, the case shapes its one-word names take:
    ``"upper"`` for acronyms, ``"title"`` otherwise).

    >>> index = {"council of europe": ("coe", frozenset({"title"})), "pace": ("pace", frozenset({"upper"}))}
    >>> scan("The Council of Europe and PACE met. Pace rose.", index)
    ['coe', 'pace']
    """
    return match(signatures(text), index)
