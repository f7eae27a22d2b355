"""Acronyms and short forms: whether one name abbreviates another, and definitions in text.

A text defines a short form when it writes ``Long Form (SHORT)`` or ``SHORT (Long Form)``, as
in "the Parliamentary Assembly of the Council of Europe (PACE)" or "Council of the European
Union (Council of the EU)". A definition counts only when the short form really abbreviates
the long one (:func:`abbreviates`), so "(Reuters)" or "(1987)" define nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsgraph.linking.normalise import (
    CORPORATE_SUFFIXES,
    INITIAL_SKIPS,
    initials,
    is_acronym,
    tokens_of,
)
from newsgraph.linking.remembered import remembered

__all__ = ["Definition", "abbreviates", "definitions", "in_entry"]

_PAREN = re.compile(r"\(([^()\n]{2,80})\)")
_ENTRY = re.compile(r"^(?P<long>[^()]*\w[^()]*?)\s*\((?P<short>[^()]+)\)$")
_WORD = re.compile(r"[\w][\w.'’&\-]*")
#: Longest long form looked for before a parenthesis, in words.
MAX_LONG_WORDS = 12


@dataclass(frozen=True)
class Definition:
    short: str
    long: str


@remembered("abbreviates")
def abbreviates(short: str, long: str) -> bool:
    """Whether ``short`` is an acronym or short form of ``long``.

    Acronyms are the initials of the long form's words (small words such as "of" may be
    skipped or kept); a short form keeps some words and writes others as an acronym.

    >>> abbreviates("PACE", "Parliamentary Assembly of the Council of Europe")
    True
    >>> abbreviates("Council of the EU", "Council of the European Union")
    True
    >>> abbreviates("IMF", "International Monetary Fund"), abbreviates("SEC", "Securities and Exchange Commission")
    (True, True)
    >>> abbreviates("EC", "Council of Europe"), abbreviates("UN", "UN Human Rights Council")
    (False, False)
    """
    short_tokens = tokens_of(short)
    variants = [tokens_of(long)]
    while len(variants[-1]) > 2 and variants[-1][-1] in CORPORATE_SUFFIXES:
        variants.append(variants[-1][:-1])  # "International Business Machines Corp" → IBM
    for long_tokens in variants:
        if not short_tokens or len(long_tokens) < 2 or len(short_tokens) >= len(long_tokens):
            continue
        if len(short_tokens) == 1 and is_acronym(short):
            if _acronym_of(short_tokens[0], long_tokens):
                return True
        elif _short_form_of(short_tokens, long_tokens):
            return True
    return False


def _acronym_of(letters: str, words: tuple[str, ...]) -> bool:
    """Each letter starts the next word; small words may be skipped; every other word counts."""
    if len(letters) < 2 or letters.isdigit():
        return False
    return _letters_from(letters, 0, words, 0)


# The matches below recur as module functions, not inner ones: an inner function that calls
# itself is a cycle, which a process that freezes what it keeps would hold on to
# (:mod:`graph.collector`).
def _letters_from(letters: str, i: int, words: tuple[str, ...], j: int) -> bool:
    """Whether ``letters[i:]`` are the initials of ``words[j:]`` (as :func:`_acronym_of`)."""
    if i == len(letters):
        return all(word in INITIAL_SKIPS for word in words[j:])
    if j == len(words):
        return False
    word = words[j]
    if word[0] == letters[i] and _letters_from(letters, i + 1, words, j + 1):
        return True
    # a word may give two letters ("GmbH"-style compounds are rare; "NASDAQ" style is not)
    return word in INITIAL_SKIPS and _letters_from(letters, i, words, j + 1)


def _short_form_of(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """Short-form words equal long-form words, or abbreviate a run of them; order kept."""
    kept = sum(1 for word in short if word in long)
    return kept >= 1 and any(word not in long for word in short) and _words_from(short, 0, long, 0)


def _words_from(short: tuple[str, ...], i: int, long: tuple[str, ...], j: int) -> bool:
    """Whether ``short[i:]`` is a short form of ``long[j:]`` (as :func:`_short_form_of`)."""
    if i == len(short):
        return j == len(long)
    if j == len(long):
        return False
    if short[i] == long[j] and _words_from(short, i + 1, long, j + 1):
        return True
    piece = short[i]
    for end in range(j + 2, len(long) + 1):
        run = long[j:end]
        if run[-1] in INITIAL_SKIPS:
            continue
        if initials(run) == piece and _words_from(short, i + 1, long, end):
            return True
    return False


def _definition_fields(found: Definition | None) -> tuple[str, str] | None:
    return None if found is None else (found.short, found.long)


def _definition_of(fields: tuple[str, str] | None, _args: tuple[str]) -> Definition | None:
    return None if fields is None else Definition(*fields)


@remembered("in_entry", encode=_definition_fields, decode=_definition_of)
def in_entry(form: str) -> Definition | None:
    """The acronym an entity-list entry defines in itself: ``Long Form (SHORT)``, in any
    language and script. The entry is the evidence, so the letters need not be the long form's
    initials (a German long form with its English acronym); the short form must be written as
    an acronym, or abbreviate the long form.

    >>> in_entry("Internationalen Olympischen Komitees (IOC)")
    Definition(short='IOC', long='Internationalen Olympischen Komitees')
    >>> in_entry("Парламентская ассамблея Совета Европы (ПАСЕ)")
    Definition(short='ПАСЕ', long='Парламентская ассамблея Совета Европы')
    >>> in_entry("Paxar Corp"), in_entry("Georgia (country)")
    (None, None)
    """
    match = _ENTRY.match(form.strip())
    if not match:
        return None
    long, short = match.group("long").strip(), match.group("short").strip()
    if is_acronym(short) or abbreviates(short, long):
        return Definition(short, long)
    return None


def definitions(text: str) -> list[Definition]:
    """The short forms that a text defines with a parenthesis.

    >>> definitions("the Parliamentary Assembly of the Council of Europe (PACE) said")
    [Definition(short='PACE', long='Parliamentary Assembly of the Council of Europe')]
    >>> definitions("WHO (World Health Organization) staff")
    [Definition(short='WHO', long='World Health Organization')]
    >>> definitions("profits rose (see table) in 1987 (estimated)")
    []
    """
    found: list[Definition] = []
    for match in _PAREN.finditer(text):
        inside = match.group(1).strip()
        before = _WORD.findall(text[max(0, match.start() - 400) : match.start()])
        if is_acronym(inside) or (len(inside.split()) <= 4 and any(c.isupper() for c in inside)):
            long = _long_form_before(inside, before)
            if long:
                found.append(Definition(inside, long))
                continue
        after = text[match.start() - 1 :: -1]
        previous = _WORD.findall(after[:40][::-1])
        if previous and is_acronym(previous[-1]) and abbreviates(previous[-1], inside):
            found.append(Definition(previous[-1], inside))
    return found


def _long_form_before(short: str, words: list[str]) -> str | None:
    """The shortest run of capitalised words just before the parenthesis that ``short``
    abbreviates (small words allowed inside, not first)."""
    words = words[-MAX_LONG_WORDS:]
    for start in range(len(words) - 2, -1, -1):
        run = words[start:]
        first = run[0]
        if not first[:1].isupper():
            continue
        if not all(w[:1].isupper() or w.lower() in INITIAL_SKIPS for w in run):
            break
        candidate = " ".join(run)
        if abbreviates(short, candidate):
            return candidate
    return None
