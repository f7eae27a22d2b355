"""Conservative name rules for an entity's type, when neither the authority file nor pycountry
knows it: a personal title or a given name makes a Person; a legal suffix or an organisation
word at the head of the name an Organization; and so on. Otherwise a Thing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from newsgraph.linking.authority import TYPES
from newsgraph.linking.normalise import CORPORATE_SUFFIXES, tokens_of
from newsgraph.linking.people import looks_like_person, split_title
from newsgraph.linking.remembered import remembered

__all__ = ["choose_type", "type_of_name"]

NEWS_WORDS = frozenset(
    {"news", "radio", "television", "tv", "broadcasting", "broadcaster", "times", "post",
     "journal", "gazette", "herald", "tribune", "telegraph", "newspaper", "magazine", "press",
     "wire", "daily", "newswire"}
)  # fmt: skip
GOVERNMENT_WORDS = frozenset(
    {"ministry", "department", "government", "parliament", "senate", "congress", "assembly",
     "council", "commission", "committee", "court", "tribunal", "bureau", "cabinet",
     "administration", "police", "army", "navy", "treasury", "embassy", "consulate",
     "municipality", "legislature", "duma", "bundestag", "knesset", "presidency"}
)  # fmt: skip
ORGANIZATION_WORDS = frozenset(
    {"bank", "group", "holdings", "industries", "airlines", "airways", "association",
     "federation", "institute", "university", "college", "foundation", "fund", "partners",
     "securities", "insurance", "exchange", "party", "club", "league", "network", "systems",
     "technologies", "motors", "chemical", "chemicals", "electric", "energy", "resources",
     "pharmaceuticals", "communications", "properties", "investors", "services", "products",
     "foods", "stores", "laboratories", "labs", "trust", "bancorp", "financial", "petroleum",
     "mining", "steel", "airline", "brewery", "mills", "textile", "textiles", "enterprises"}
)  # fmt: skip
EVENT_WORDS = frozenset(
    {"summit", "olympics", "games", "cup", "championship", "championships", "election",
     "elections", "referendum", "festival", "war", "expo", "marathon"}
)  # fmt: skip
PLACE_WORDS = frozenset(
    {"river", "lake", "mountain", "mountains", "island", "islands", "sea", "ocean", "bay", "gulf",
     "valley", "province", "region", "county", "district", "peninsula", "desert", "strait",
     "canal", "coast", "street", "square", "avenue", "airport", "park"}
)  # fmt: skip


def _head(tokens: tuple[str, ...]) -> str:
    """The word that says what a name is: the last one before "of" ("Bank of France" → bank)."""
    if "of" in tokens[1:]:
        return tokens[: tokens.index("of", 1)][-1]
    return tokens[-1]


@remembered("type_of_name")
def type_of_name(name: str) -> str:
    """The type one surface form suggests (``Thing`` when it suggests none).

    >>> [type_of_name(n) for n in ("President Tokayev", "Paxar Corp", "Ministry of Finance")]
    ['Person', 'Organization', 'GovernmentOrganization']
    >>> [type_of_name(n) for n in ("Qazinform News Agency", "Tehran Radio", "Mexico City", "Paxar")]
    ['NewsMediaOrganization', 'NewsMediaOrganization', 'City', 'Thing']
    """
    if split_title(name) or looks_like_person(name):
        return "Person"
    tokens = tokens_of(name)
    if not tokens:
        return "Thing"
    if "news" in tokens or "newspaper" in tokens:
        return "NewsMediaOrganization"
    if len(tokens) > 1 and tokens[-1] in CORPORATE_SUFFIXES:
        return "Organization"
    head = _head(tokens)
    if len(tokens) > 1 and head == "city":
        return "City"
    if len(tokens) > 1 and head in NEWS_WORDS:
        return "NewsMediaOrganization"
    if head in GOVERNMENT_WORDS or (len(tokens) > 1 and tokens[0] in {"ministry", "department"}):
        return "GovernmentOrganization"
    if len(tokens) > 1 and head in ORGANIZATION_WORDS:
        return "Organization"
    if len(tokens) > 1 and head in EVENT_WORDS:
        return "Event"
    if len(tokens) > 1 and head in PLACE_WORDS:
        return "Place"
    return "Thing"


def choose_type(names: Iterable[str]) -> str:
    """The type most of an entity's names suggest; ties go to the more specific type.

    >>> choose_type(["Paxar", "Paxar Corp"])
    'Organization'
    """
    votes = Counter(kind for kind in map(type_of_name, names) if kind != "Thing")
    if not votes:
        return "Thing"
    return min(votes, key=lambda kind: (-votes[kind], TYPES.index(kind)))
