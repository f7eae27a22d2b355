"""The comparison forms of a name: normalised text, tokens, and the key linking compares.

Two names with the same *key* are the same name. The key ignores case, punctuation,
diacritics, British/American spellings, a leading "The" and, where that is safe, a trailing
corporate suffix ("Paxar Corp" and "Paxar" share the key ``paxar``). The display form of a name
is never changed: only comparisons use these forms.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from newsgraph.linking.remembered import remembered

__all__ = [
    "CORPORATE_SUFFIXES",
    "Name",
    "initials",
    "is_acronym",
    "key_of",
    "normalise",
    "parse",
    "tokens_of",
]

_APOSTROPHES = re.compile(r"['’`´]")
_DOTS = re.compile(r"(?<=\w)\.(?=\w|\s|$)")
_NON_WORD = re.compile(r"[^\w]+")

#: British spellings compared as their American forms (whole tokens only).
SPELLINGS: dict[str, str] = {
    "organisation": "organization",
    "organisations": "organizations",
    "programme": "program",
    "programmes": "programs",
    "centre": "center",
    "centres": "centers",
    "defence": "defense",
    "theatre": "theater",
    "harbour": "harbor",
    "colour": "color",
    "favour": "favor",
    "honour": "honor",
    "catalogue": "catalog",
    "licence": "license",
    "cheque": "check",
    "jewellery": "jewelry",
    "aluminium": "aluminum",
}
_ISATION = re.compile(r"^(\w{3,})isation(s?)$")

#: Legal-form words dropped from the end of a name when comparing (and "and Co", "& Co").
CORPORATE_SUFFIXES = frozenset(
    {
        "inc", "incorporated", "corp", "corporation", "co", "company", "cos", "ltd", "limited",
        "llc", "plc", "gmbh", "ag", "sa", "nv", "bv", "spa", "ab", "asa", "oyj", "kk", "pty",
        "pte", "lp", "llp", "sarl", "srl", "se", "bhd", "tbk",
    }
)  # fmt: skip
#: Legal forms that may also lead a name ("NV Philips").
_LEADING_LEGAL = frozenset({"nv"})

#: Words that, left alone after a suffix is dropped, name no one in particular
#: ("Union Corp" must not become the same name as "Union").
GENERIC_WORDS = frozenset(
    {
        "american", "national", "general", "united", "federal", "first", "continental",
        "international", "republic", "union", "standard", "universal", "global", "pacific",
        "atlantic", "western", "eastern", "northern", "southern", "central", "allied",
        "consolidated", "interstate", "advanced", "royal", "imperial", "capital", "security",
        "guardian", "liberty", "pioneer", "empire", "commonwealth", "public", "mutual", "new",
        "great", "city", "home", "life", "trust", "bank", "investment", "investments",
        "financial", "industries", "holding", "holdings", "group", "the", "and", "of", "energy",
        "oil", "gas", "power", "media", "news", "press", "world", "state", "states", "service",
        "services", "systems", "technologies", "technology", "resources", "partners", "products", "enterprises", "associates", "development", "trading",
    }
)  # fmt: skip


def _fold(text: str) -> str:
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=200_000)
def normalise(name: str) -> str:
    """The comparison text of a name: no case, accents, dots in abbreviations or punctuation.

    >>> normalise("  Société Générale ")
    'societe generale'
    >>> normalise("U.S.")
    'us'
    >>> normalise("Moody's Investors Service") == normalise("Moodys Investors Service")
    True
    >>> normalise("AT&T")
    'at and t'
    """
    text = _fold(name).replace("&", " and ")
    text = _APOSTROPHES.sub("", text)
    text = _DOTS.sub("", text)
    words = []
    for word in _NON_WORD.sub(" ", text).split():
        word = SPELLINGS.get(word, word)
        match = _ISATION.match(word)
        if match:
            word = f"{match.group(1)}ization{match.group(2)}"
        words.append(word)
    return " ".join(words)


def tokens_of(name: str) -> tuple[str, ...]:
    """The normalised tokens of a name.

    >>> tokens_of("Bristol-Myers Co")
    ('bristol', 'myers', 'co')
    """
    return tuple(normalise(name).split())


def strip_legal_forms(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Drop a leading "the", leading legal forms and trailing corporate suffixes.

    >>> strip_legal_forms(("the", "boeing", "company"))
    ('boeing',)
    >>> strip_legal_forms(("morgan", "stanley", "and", "co", "inc"))
    ('morgan', 'stanley')
    >>> strip_legal_forms(("union", "corp"))
    ('union', 'corp')
    >>> strip_legal_forms(("public", "service", "co", "of", "colorado"))
    ('public', 'service', 'co', 'of', 'colorado')
    """
    words = list(tokens)
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[0] in _LEADING_LEGAL:
        words = words[1:]
    stripped = list(words)
    while len(stripped) > 1 and stripped[-1] in CORPORATE_SUFFIXES:
        stripped.pop()
        if len(stripped) > 1 and stripped[-1] == "and":
            stripped.pop()
    if stripped == words:
        return tuple(words)
    if len(stripped) == 1 and (stripped[0] in GENERIC_WORDS or len(stripped[0]) < 3):
        return tuple(words)
    return tuple(stripped)


@lru_cache(maxsize=200_000)
def key_of(name: str) -> str:
    """The key two names must share to be the same name.

    >>> key_of("Paxar Corp") == key_of("PAXAR")
    True
    >>> key_of("World Health Organisation") == key_of("World Health Organization")
    True
    >>> key_of("Council of Europe") == key_of("European Council")
    False
    """
    return " ".join(strip_legal_forms(tokens_of(name)))


def is_acronym(name: str) -> bool:
    """Whether a name is written as an acronym: 2–8 capitals, perhaps with dots or digits.

    >>> [is_acronym(n) for n in ("PACE", "U.S.", "G7", "Pace", "I", "UNESCO")]
    [True, True, True, False, False, True]
    """
    compact = name.replace(".", "").replace("&", "").replace(" ", "")
    if not 2 <= len(compact) <= 8 or not compact.isalnum():
        return False
    letters = [ch for ch in compact if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


#: Words skipped when reading initials ("Council of the European Union" → CEU or COTEU).
INITIAL_SKIPS = frozenset({"of", "the", "and", "for", "on", "in", "de", "du", "des", "la", "le"})


def initials(tokens: tuple[str, ...], *, keep_small_words: bool = False) -> str:
    """The first letters of the tokens (skipping small words unless asked to keep them).

    >>> initials(("parliamentary", "assembly", "of", "the", "council", "of", "europe"))
    'pace'
    """
    return "".join(
        token[0] for token in tokens if token and (keep_small_words or token not in INITIAL_SKIPS)
    )


@dataclass(frozen=True)
class Name:
    """A surface form with its comparison forms."""

    text: str
    norm: str
    key: str
    tokens: tuple[str, ...]
    acronym: bool

    @property
    def key_tokens(self) -> tuple[str, ...]:
        return tuple(self.key.split())


def _name_fields(name: Name) -> tuple[str, str, tuple[str, ...], bool]:
    return name.norm, name.key, name.tokens, name.acronym


def _name_of(fields: tuple[str, str, tuple[str, ...], bool], args: tuple[str]) -> Name:
    return Name(args[0], *fields)


@remembered("parse", encode=_name_fields, decode=_name_of)
def parse(text: str) -> Name:
    norm = normalise(text)
    return Name(text, norm, key_of(text), tuple(norm.split()), is_acronym(text))
