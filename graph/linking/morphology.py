"""Inflected forms of names, by the rules of their language.

A name written in an inflected form ("Deutschlands", "des Europarates", "Internationalen
Olympischen Komitees"; "Совета Европы", "Токаева"; "Қазақстанның") is the same name as its base
form, when both are in the store and the language's rules relate them word by word:

- **German** (``de``): the last word differs only by a genitive or plural ending: ``-s`` (not
  after s, x, z or ß), ``-es`` (after a consonant), ``-n`` (after e) or ``-en`` (after a
  consonant); the words before it share a Snowball stem (snowballstemmer's German stemmer) and
  differ only by an adjective ending (``-e``, ``-en``, ``-er``, ``-es``, ``-em``, ``-n``,
  ``-s``). A one-word name in ``-er`` is the place it is the adjective of ("Hamburger",
  "Washingtoner"), after a consonant. So "Bayern" is not "Bayer".
- **Russian** (``ru``, and Cyrillic words in ``kk`` texts): every word has a reading whose
  dictionary form (pymorphy3 with the OpenCorpora dictionary) is the other word's, in order.
- **Kazakh** (``kk``): the last word is the other's with one case ending of the grammar
  (genitive ‑ның/‑нің/‑дың/‑дің/‑тың/‑тің, dative ‑ға/‑ге/‑қа/‑ке/‑на/‑не, accusative
  ‑ны/‑ні/‑ды/‑ді/‑ты/‑ті, locative ‑да/‑де/‑та/‑те/‑нда/‑нде, ablative ‑дан/‑ден/‑тан/‑тен/‑нан/‑нен,
  instrumental ‑мен/‑бен/‑пен): no maintained Kazakh morphology library exists on PyPI, so
  this is the one table of endings, and only endings of two letters or more are read.

English and the other languages have no inflection rule: "Williams" stays apart from "William".
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

import snowballstemmer

__all__ = [
    "INFLECTING", "base_of", "blocking_key", "content_words", "possible_bases", "related", "words_of",
]  # fmt: skip

#: Languages whose inflected forms join their base.
INFLECTING = frozenset({"de", "ru", "kk"})

_GERMAN_ADJECTIVE = frozenset({"", "e", "en", "er", "es", "em", "n", "s"})
_VOWELS = frozenset("aeiouyäöü")
_KAZAKH_CASES = (
    "ның", "нің", "дың", "дің", "тың", "тің", "ға", "ге", "қа", "ке", "на", "не", "ны", "ні",
    "ды", "ді", "ты", "ті", "нда", "нде", "да", "де", "та", "те", "дан", "ден", "тан", "тен",
    "нан", "нен", "мен", "бен", "пен",
)  # fmt: skip


@cache
def _german() -> Any:
    return snowballstemmer.stemmer("german")


@cache
def _morph() -> Any:
    import pymorphy3  # loaded only when a Russian or Kazakh name is read: it takes a moment

    return pymorphy3.MorphAnalyzer(lang="ru")


_WORDS = re.compile(r"[^\W_]+")


@lru_cache(maxsize=200_000)
def words_of(name: str) -> tuple[str, ...]:
    """A name's words in lower case, letters kept as written (morphology reads "й" and "ё").

    >>> words_of("Совета Европы"), words_of("Auswärtigen Amtes (AA)")
    (('совета', 'европы'), ('auswärtigen', 'amtes', 'aa'))
    """
    return tuple(_WORDS.findall(name.casefold()))


#: Leading articles that a name may carry in one text and not in another ("Der Spiegel").
_ARTICLES = {"de": frozenset({"der", "die", "das", "des", "dem", "den"})}


def content_words(words: tuple[str, ...], lang: str) -> tuple[str, ...]:
    """A name's words without a leading article of its language.

    >>> content_words(("des", "europarates"), "de"), content_words(("der", "spiegel"), "en")
    (('europarates',), ('der', 'spiegel'))
    """
    if len(words) > 1 and words[0] in _ARTICLES.get(lang, ()):
        return words[1:]
    return words


def _cyrillic(word: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in word)


@lru_cache(maxsize=100_000)
def _lemmas(word: str) -> frozenset[str]:
    """The dictionary forms of a Russian word's readings (the word itself among them)."""
    return frozenset({word, *(parse.normal_form for parse in _morph().parse(word))})


def blocking_key(tokens: tuple[str, ...], lang: str) -> tuple[str, ...] | None:
    """What two related names share (so only those are compared), or None when the
    language has no inflection rule.

    >>> blocking_key(("internationalen", "olympischen", "komitees"), "de")
    ('3', 'int', 'oly', 'kom')
    >>> blocking_key(("williams",), "en") is None
    True
    """
    if lang not in INFLECTING or not tokens:
        return None
    return (str(len(tokens)), *(token[:3] for token in tokens))


def _german_ending(base: str, ending: str, last: bool) -> bool:
    if not last:
        return ending in _GERMAN_ADJECTIVE
    if ending == "s":
        return base[-1:] not in ("s", "x", "z", "ß")
    if ending in ("es", "en"):
        return bool(base) and base[-1] not in _VOWELS
    if ending == "n":
        return base.endswith("e")
    return False


def _german_place_adjective(a: str, b: str) -> bool:
    """A one-word name and its place adjective in ``-er`` ("Hamburger" of "Hamburg")."""
    short, long = sorted((a, b), key=len)
    return long == short + "er" and len(short) >= 4 and short[-1] not in _VOWELS


def _german_words(a: str, b: str, last: bool) -> bool:
    if a == b:
        return True
    common = 0
    while common < min(len(a), len(b)) and a[common] == b[common]:
        common += 1
    rest_a, rest_b = a[common:], b[common:]
    if last:  # one word is the base, the other the base and an ending
        if rest_a and rest_b:
            return False
        base, ending = (a, rest_b) if not rest_a else (b, rest_a)
        return _german_ending(base, ending, True)
    if rest_a not in _GERMAN_ADJECTIVE or rest_b not in _GERMAN_ADJECTIVE:
        return False
    return bool(_german().stemWord(a) == _german().stemWord(b))


def _kazakh_words(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and long[len(short) :] in _KAZAKH_CASES and len(short) >= 3


def related(a: tuple[str, ...], b: tuple[str, ...], lang: str) -> bool:
    """Whether two names' tokens are inflected forms of one name in ``lang``.

    >>> related(("deutschlands",), ("deutschland",), "de")
    True
    >>> related(("auswartigen", "amtes"), ("auswartige", "amt"), "de")
    True
    >>> related(("bayern",), ("bayer",), "de"), related(("hamburger",), ("hamburg",), "de")
    (False, True)
    >>> related(("совета", "европы"), ("совет", "европы"), "ru")
    True
    >>> related(("совет", "европы"), ("европейский", "совет"), "ru")
    False
    >>> related(("қазақстанның",), ("қазақстан",), "kk"), related(("токаева",), ("токаев",), "ru")
    (True, True)
    """
    if len(a) != len(b) or a == b or lang not in INFLECTING:
        return False
    if lang == "de":
        if len(a) == 1 and _german_place_adjective(a[0], b[0]):
            return True
        return all(
            _german_words(x, y, i == len(a) - 1) for i, (x, y) in enumerate(zip(a, b, strict=True))
        )
    for x, y in zip(a, b, strict=True):
        if x == y:
            continue
        if lang == "kk" and _kazakh_words(x, y):
            continue
        if not (_cyrillic(x) and _cyrillic(y)):
            return False
        if not (_lemmas(x) & _lemmas(y)):
            return False
    return True


def base_of(tokens: tuple[str, ...], candidates: frozenset[str], lang: str) -> str | None:
    """The one key in ``candidates`` that ``tokens`` inflect (a surname, say), if exactly one.

    >>> base_of(("nordegrens",), frozenset({"nordegren", "woods"}), "de")
    'nordegren'
    """
    cut, lemmas = _bases(tokens, lang)
    found = {key for key in cut if key in candidates and related((tokens[0],), (key,), lang)}
    found |= lemmas & candidates
    return next(iter(found)) if len(found) == 1 else None


def possible_bases(tokens: tuple[str, ...], lang: str) -> frozenset[str]:
    """Every key :func:`base_of` may answer for ``tokens``, whatever the candidates.

    >>> sorted(possible_bases(("nordegrens",), "de"))
    ['nordegr', 'nordegre', 'nordegren']
    """
    cut, lemmas = _bases(tokens, lang)
    return cut | lemmas


def _bases(tokens: tuple[str, ...], lang: str) -> tuple[frozenset[str], frozenset[str]]:
    """The word without an ending of one to three letters, and its other dictionary forms
    (Russian and Kazakh in Cyrillic), for a one-word name in an inflecting language."""
    if lang not in INFLECTING or len(tokens) != 1:
        return frozenset(), frozenset()
    word = tokens[0]
    cut = frozenset(word[:-n] for n in range(1, min(4, len(word) - 2)))
    if lang in ("ru", "kk") and _cyrillic(word):
        return cut, _lemmas(word) - {word}
    return cut, frozenset()
