"""People: titled forms ("President Tokayev"), surnames, and whether a name reads as a person's.

The rules are conservative: a name reads as a person's only when it is two to four
capitalised words, with no word that names an organisation or a place, and its first word is a
known given name, an initial, or the name is also seen with a personal title.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from newsgraph.linking.normalise import CORPORATE_SUFFIXES, parse, tokens_of
from newsgraph.linking.remembered import remembered

__all__ = [
    "BREAKING", "PREPOSITIONS", "given_names", "looks_like_person", "person_shape",
    "person_with_surname", "split_title", "surname_keys",
]  # fmt: skip

#: Personal titles and offices that may precede a name (normalised, longest first when matched).
TITLES: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        (
            tuple(title.split())
            for title in (
                "president", "vice president", "prime minister", "deputy prime minister",
                "minister", "foreign minister", "finance minister", "chancellor", "premier",
                "secretary", "secretary general", "secretary of state", "treasury secretary",
                "senator", "sen", "rep", "representative", "congressman", "congresswoman",
                "governor", "gov", "mayor", "king", "queen", "sheikh", "emir", "ayatollah",
                "pope", "dr", "mr", "mrs", "ms", "miss", "sir", "dame", "lord", "lady", "gen",
                "general", "adm", "admiral", "col", "colonel", "judge", "justice", "chairman",
                "chairwoman", "chief executive", "ceo", "ambassador", "commissioner", "speaker",
                "prof", "professor", "rev", "father", "cardinal", "crown prince", "prince",
                "princess", "president-elect", "mme", "herr", "monsieur", "madame",
                # German, French, Spanish, Russian and Kazakh (folded: "prasident" is Präsident)
                "prinz", "prinzessin", "konig", "konigin", "prasident", "prasidentin", "kanzler",
                "kanzlerin", "bundeskanzler", "bundeskanzlerin", "ministerin", "frau", "papst",
                "ministre", "presidente", "ministro", "senor", "senora", "президент", "министр",
                "премьер министр", "премьер", "глава", "президенті",
            )
        ),
        key=lambda words: -len(words),
    )
)  # fmt: skip

_TITLES_BY_FIRST_WORD: dict[str, list[tuple[str, ...]]] = {}
for _title in TITLES:  # longest first, as in TITLES
    _TITLES_BY_FIRST_WORD.setdefault(_title[0], []).append(_title)

#: Words that make a name an organisation's, a place's or an event's rather than a person's.
NOT_PERSON_WORDS = frozenset(
    {
        "bank", "group", "holdings", "industries", "airlines", "airways", "association",
        "council", "commission", "committee", "assembly", "court", "parliament", "ministry",
        "department", "agency", "office", "party", "union", "federation", "institute",
        "university", "college", "school", "foundation", "fund", "program", "organization",
        "authority", "board", "tribunal", "conference", "forum", "senate", "house", "cabinet",
        "government", "army", "police", "service", "services", "exchange", "securities",
        "capital", "partners", "financial", "insurance", "trust", "energy", "power", "oil",
        "gas", "chemical", "chemicals", "motors", "motor", "electric", "steel", "mining",
        "resources", "systems", "technologies", "technology", "international", "national",
        "radio", "television", "tv", "news", "times", "post", "journal", "press", "city", "state", "province", "county", "region", "republic", "kingdom", "river",
        "island", "islands", "mountain", "lake", "sea", "ocean", "street", "square", "airport",
        "station", "plant", "summit", "war", "cup", "olympics", "games", "election", "referendum",
        "treaty", "convention", "accord", "agreement", "communications", "properties", "realty",
        "products", "foods", "brands", "stores", "markets", "investors", "investment", "hotel",
        "hotels", "church", "hospital", "center", "museum", "club", "team", "league", "network",
        "media", "labs", "pharmaceuticals", "corps", "reserve", "treasury", "budget",
        "org", "orgs", "organisation", "organisations", "organizations", "ngo", "society",
        "alliance", "coalition", "consortium", "initiative", "movement", "front", "corridor",
        "pipeline", "project", "programme", "fc", "ministries", "bridge", "channel", "online",
        "canal", "tunnel", "dam", "stadium", "arena", "palace", "avenue", "valley", "strait",
        "amt", "rat", "insel", "ministerium", "partei", "regierung", "verband", "stiftung",
        "and", "of", "for", "the", "de", "del", "la", "le",
    }
) | CORPORATE_SUFFIXES  # fmt: skip

#: Lower-case particles inside surnames ("Hans van Liemt", "Charles de Gaulle").
PARTICLES = frozenset(
    {"van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "la", "le", "bin", "ibn",
     "al", "el", "ter", "ten", "dos", "das", "st"}
)  # fmt: skip

_INITIAL = re.compile(r"^[A-Z]\.?$|^(?:[A-Z]\.){2,3}$")
_WORD_CHARACTERS = re.compile(r"^[^\W\d_]['’\-\w]*$")


def _name_word(word: str) -> bool:
    """A capitalised word with a lower-case letter, in any script ("McDowell", "Schäfer",
    "Токаев", "Krause-Dünow")."""
    return (
        word[:1].isupper()
        and bool(_WORD_CHARACTERS.match(word))
        and not any(ch.isdigit() or ch == "_" for ch in word)
        and any(ch.islower() for ch in word)
    )


@cache
def given_names() -> frozenset[str]:
    """The given names of ``vocab/given-names.txt`` (lower case)."""
    text = (
        resources.files("newsgraph.vocab").joinpath("given-names.txt").read_text(encoding="utf-8")
    )
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@remembered("split_title")
def split_title(text: str) -> tuple[str, str] | None:
    """``(title, rest)`` when a name starts with a personal title followed by a name.

    >>> split_title("President Tokayev")
    ('President', 'Tokayev')
    >>> split_title("Dr. Steven Rosenberg")
    ('Dr.', 'Steven Rosenberg')
    >>> split_title("General Electric") is None   # a title must be followed by a person shape
    True
    >>> split_title("MS Deutschland") is None     # an acronym is no title
    True
    """
    folded = tokens_of(text)
    if not folded or folded[0] not in _TITLES_BY_FIRST_WORD:
        return None
    words = text.split()
    if len(words[0]) > 1 and words[0].replace(".", "").isupper():
        return None  # an acronym, not a title: "MS Deutschland", "DR Congo"
    for title in _TITLES_BY_FIRST_WORD[folded[0]]:
        if len(folded) > len(title) and folded[: len(title)] == title:
            # titles are single raw words except multi-word ones; map back by word count
            if len(words) <= len(title):
                return None
            rest = " ".join(words[len(title) :])
            if person_shape(rest):
                return " ".join(words[: len(title)]), rest
            return None
    return None


@remembered("person_shape")
def person_shape(text: str) -> bool:
    """Whether a name is shaped like a person's: 1–4 capitalised words, initials or particles,
    none naming an organisation or place.

    >>> [person_shape(n) for n in ("Tokayev", "James Ottinger", "G H Shintoh", "Hans van Liemt")]
    [True, True, True, True]
    >>> [person_shape(n) for n in ("Georgia Power", "Council of Europe", "IBM", "tokayev")]
    [False, False, False, False]
    """
    words = text.replace(",", " ").split()
    if not 1 <= len(words) <= 4:
        return False
    if words[0].lower() in PARTICLES:
        return False
    for word in words:
        if word.lower() in PARTICLES and word.islower():
            continue
        if not (_name_word(word) or _INITIAL.match(word)):
            return False
        if word.lower().strip(".") in NOT_PERSON_WORDS:
            return False
    return True


@remembered("looks_like_person")
def looks_like_person(text: str) -> bool:
    """A person-shaped name of two or more words whose first word is a given name or initial.

    >>> looks_like_person("James Ottinger"), looks_like_person("J. Terence Murray")
    (True, True)
    >>> looks_like_person("Hoechst Celanese"), looks_like_person("Tokayev")
    (False, False)
    """
    words = text.split()
    if len(words) < 2 or not person_shape(text):
        return False
    first = words[0]
    return bool(_INITIAL.match(first)) or tokens_of(first)[0] in given_names()


def surname_keys(text: str) -> list[str]:
    """The normalised surname forms of a person-shaped full name: its last word, and the last
    words from a particle on ("van liemt").

    >>> surname_keys("Hans van Liemt")
    ['liemt', 'van liemt']
    >>> surname_keys("Kassym-Jomart Tokayev")
    ['tokayev']
    """
    tokens = list(tokens_of(text))
    if len(tokens) < 2:
        return []
    keys = [tokens[-1]]
    for index in range(1, len(tokens) - 1):
        if tokens[index] in PARTICLES:
            keys.append(" ".join(tokens[index:]))
            break
    return keys


#: Words after a short form that make the longer name something else ("European Commission
#: for Democracy through Law" is not the European Commission; "Golf von Mexiko" is not Golf),
#: in the languages newsgraph reads (folded as names are: "für" is "fur").
BREAKING = frozenset(
    {"of", "for", "on", "in", "at", "to", "and", "de", "du", "des", "against", "fur", "pour",
     "para", "для", "при"}
)  # fmt: skip
#: Words before a surname that make the longer name a place or a body, not a person ("Golf von
#: Mexiko"), unless the name starts with a given name ("Charles de Gaulle").
PREPOSITIONS = BREAKING - {"and"} | {
    "von", "vom", "der", "del", "della", "di", "da", "do", "dos", "la", "zur", "zum", "am", "im",
    "en", "по", "в", "на",
}  # fmt: skip


def person_with_surname(name: str) -> bool:
    """A person-shaped name whose last word is a surname: not "X von Y" unless X is a given
    name ("Golf von Mexiko" is a gulf, "Charles de Gaulle" a person).

    >>> person_with_surname("Golf von Mexiko"), person_with_surname("Charles de Gaulle")
    (False, True)
    """
    if not person_shape(name):
        return False
    tokens = parse(name).tokens
    if len(tokens) > 2 and tokens[-2] in PREPOSITIONS:
        return tokens[0] in given_names()
    return True
