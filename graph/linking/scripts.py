"""Names across scripts: a transliteration skeleton that Cyrillic and Latin spellings share.

"Касым-Жомарт Токаев" (Russian), "Kassym-Jomart Tokayev" (English) and "Kassym-Schomart
Tokajew" (German) are one name written three ways. Cyrillic is romanised by anyascii; then
every spelling is reduced to its consonants, with the ones romanisations disagree on merged:
the hushing sounds (ж, ш: zh, sh, sch, English j) are one, English y, German j and the vowels
are dropped, w is v, z is s, q is k, and doubled letters count once. The skeleton is evidence
only: linking joins a Cyrillic name to a Latin one by it only where one person or organisation
has that skeleton (:mod:`graph.linking.crosslingual`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

__all__ = ["is_cyrillic", "skeleton"]

_CYRILLIC = re.compile("[\u0400-\u04ff]")
_DIGRAPHS = (
    ("dzh", "J"), ("dsch", "J"), ("tsch", "C"), ("sch", "J"), ("zh", "J"), ("sh", "J"),
    ("ch", "C"), ("kh", "H"), ("ts", "C"), ("tz", "C"), ("ck", "k"), ("ph", "f"), ("th", "t"),
)  # fmt: skip
_SINGLE = str.maketrans({"w": "v", "z": "s", "q": "k", "x": "ks", "c": "C", "g": "g"})
_DROPPED = re.compile("[aeiouyjh]")
_DOUBLE = re.compile(r"(.)\1+")


def is_cyrillic(text: str) -> bool:
    """Whether a name is written (at least partly) in Cyrillic.

    >>> is_cyrillic("Токаев"), is_cyrillic("Tokayev")
    (True, False)
    """
    return bool(_CYRILLIC.search(text))


@lru_cache(maxsize=100_000)
def skeleton(name: str, lang: str = "") -> str:
    """The transliteration skeleton of a name written in ``lang`` ("de" reads j as a glide,
    as German romanisations write й; elsewhere j is the hushing sound of English).

    >>> skeleton("Касым-Жомарт Токаев", "ru") == skeleton("Kassym-Jomart Tokayev", "en")
    True
    >>> skeleton("Kassym-Schomart Tokajew", "de") == skeleton("Kassym-Jomart Tokayev", "en")
    True
    >>> skeleton("Нурсултан Назарбаев", "ru") == skeleton("Nursultan Nasarbajew", "de")
    True
    >>> skeleton("Kassym-Jomart Tokayev") == skeleton("Nursultan Nazarbayev")
    False
    """
    text = anyascii(name).lower()
    if lang != "de":
        text = re.sub(r"(?<![a-z])j|(?<=[^aeiouy])j", "J", text)  # English j: not a glide
    words = []
    for word in re.findall(r"[a-zA-Z]+", text):
        for digraph, sound in _DIGRAPHS:
            word = word.replace(digraph, sound)
        word = _DROPPED.sub("", word.translate(_SINGLE))
        word = _DOUBLE.sub(r"\1", word)
        if word:
            words.append(word.lower())
    return " ".join(words)
