"""The entity pool of the synthetic corpus: realistic names, each with the aliases news uses.

Countries come from pycountry (name, official and common names); people, organisations, places
and events are composed from the word lists below. The pool is built from a seeded
:class:`random.Random` only, so the same seed and size give the same pool.

>>> import random
>>> pool = entity_pool(random.Random(1), 300)
>>> len(pool), len({entity.name for entity in pool})
(300, 300)
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pycountry

__all__ = ["CITIES", "TOPICS", "Entity", "entity_pool", "publisher_hosts"]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words(
    "Anna Amir Bjorn Carlos Chen Daria Elena Fatima Farid Gabriel Hana Hiroshi Ines Ivan Jamal "
    "Jana Kemal Kofi Laila Lars Lucia Mariam Mateo Mei Nadia Nikolai Olga Omar Pablo Priya Rafael "
    "Rosa Samir Sofia Tomas Ulrike Valentina Viktor Wei Yara Yusuf Zainab Aigerim Nurlan Dmitri "
    "Helga Kwame Thandiwe Akira Ngozi Raul Sven Leila Arjun Beatriz Chiara Emeka Freya"
)
LAST = _words(
    "Abenov Alvarez Andersen Baker Bianchi Castillo Chowdhury Dubois Eriksen Fischer Garcia "
    "Haddad Hoffmann Ibrahim Ito Jensen Kaplan Kowalski Kuznetsov Larsen Lindqvist Martins "
    "Mensah Moreau Nakamura Novak Okafor Olsen Petrov Popescu Quispe Rahman Rossi Sato Schmidt "
    "Silva Tanaka Tokayev Usmanov Vargas Weber Yilmaz Zhang Zhou Nazarbayev Mbeki Oyelaran "
    "Santos Horvath Kovacs Lehmann Marchetti Nyberg Ortega Pereira Ramos Szabo Tiwari Varga"
)
TITLES = ("President", "Minister", "Senator", "Governor", "Dr", "Chancellor", "Mayor", "General")
CITIES = _words(
    "Astana Almaty Berlin Brussels Strasbourg Geneva Vienna Paris Lyon Madrid Lisbon Rome Milan "
    "Warsaw Prague Budapest Oslo Stockholm Helsinki Copenhagen Dublin London Manchester Toronto "
    "Chicago Houston Denver Boston Lagos Nairobi Accra Cairo Tunis Ankara Tbilisi Baku Tashkent "
    "Delhi Mumbai Dhaka Jakarta Manila Seoul Osaka Tokyo Sydney Auckland Lima Bogota Santiago "
    "Quito Montevideo Salvador Recife Porto Rotterdam Antwerp Zurich Basel Kyiv Vilnius Riga"
)
DOMAINS = _words(
    "Energy Finance Health Education Transport Agriculture Defence Justice Trade Labour "
    "Environment Culture Digital Development Water Mining Tourism Foreign Affairs Science"
)
ORG_NOUNS = _words(
    "Council Commission Assembly Authority Agency Institute Federation Union Bureau Fund "
    "Foundation Forum Board Alliance Association Centre Court Office Service Network"
)
ORG_ADJECTIVES = _words(
    "National International European Regional Federal Central Atlantic Asian African "
    "Pacific Nordic Baltic Eurasian Arab Caspian Global Independent Public Joint Supreme"
)
INDUSTRIES = _words(
    "Energy Mining Holdings Motors Airlines Telecom Pharma Shipping Steel Foods Capital "
    "Logistics Chemicals Semiconductor Media Insurance Bank Rail Power Software"
)
SUFFIXES = ("Corp", "Inc", "Ltd", "Group", "AG", "SA", "PLC", "GmbH", "Co")
EVENTS = ("Summit", "Forum", "Conference", "Games", "Festival", "Talks", "Expo")
TOPICS = _words(
    "ai-policy elections economy energy climate health trade diplomacy security defence "
    "technology markets oil-prices agriculture transport space education justice migration "
    "human-rights culture sport science finance banking inflation employment housing tourism "
    "cybersecurity telecoms mining water biodiversity aviation shipping pharma startups crypto "
    "media religion infrastructure sanctions corruption weather disasters nuclear labour "
    "automotive retail real-estate fisheries forestry urban-planning public-health vaccines"
)
LEADING_COUNTRIES = 12
#: Pools up to this size are drawn from the plain names alone (about 38,000 of them), exactly as
#: the first corpora were; a larger pool (from about 360,000 articles on) also tells a name it
#: drew twice apart by a middle initial or a city.
PLAIN_POOL = 30_000
TLDS = ("com", "org", "net", "news", "info", "kz", "de", "fr", "co.uk", "com.au", "pro")


@dataclass(frozen=True, slots=True)
class Entity:
    """One real-world entity: its preferred name, the other names stories use, and its kind."""

    name: str
    aliases: tuple[str, ...]
    kind: str


def _pick(rng: random.Random, items: tuple[str, ...] | list[str]) -> str:
    return items[int(rng.random() * len(items))]


def _acronym(words: str) -> str:
    return "".join(word[0] for word in words.split() if word[0].isupper() and word != "of")


def _countries() -> list[Entity]:
    found = []
    for country in pycountry.countries:
        aliases = [
            alias
            for alias in (
                getattr(country, "official_name", None),
                getattr(country, "common_name", None),
            )
            if alias and alias != country.name
        ]
        found.append(Entity(country.name, tuple(aliases), "Country"))
    return found


def _person(rng: random.Random) -> Entity:
    first, last = _pick(rng, FIRST), _pick(rng, LAST)
    name = f"{first} {last}"
    return Entity(name, (last, f"{_pick(rng, TITLES)} {last}"), "Person")


def _organisation(rng: random.Random) -> Entity:
    shape = rng.random()
    if shape < 0.3:
        name = f"{_pick(rng, ORG_ADJECTIVES)} {_pick(rng, DOMAINS)} {_pick(rng, ORG_NOUNS)}"
        return Entity(name, (_acronym(name),), "Organization")
    if shape < 0.5:
        name = f"Ministry of {_pick(rng, DOMAINS)} of {_pick(rng, CITIES)}"
        return Entity(name, (), "GovernmentOrganization")
    if shape < 0.85:
        stem = f"{_pick(rng, LAST)} {_pick(rng, INDUSTRIES)}"
        return Entity(f"{stem} {_pick(rng, SUFFIXES)}", (stem,), "Organization")
    name = f"University of {_pick(rng, CITIES)} {_pick(rng, DOMAINS)} School"
    return Entity(name, (), "Organization")


def _other(rng: random.Random) -> Entity:
    if rng.random() < 0.5:
        year = 2000 + int(rng.random() * 27)
        return Entity(f"{_pick(rng, CITIES)} {_pick(rng, EVENTS)} {year}", (), "Event")
    return Entity(f"Port of {_pick(rng, CITIES)} {_pick(rng, DOMAINS)}", (), "Place")


def _told_apart(rng: random.Random, entity: Entity) -> Entity:
    """Another entity of the same kind and aliases, whose name differs from ``entity``'s: a
    person gets a middle initial ("Anna K. Abenov"), anything else a city ("Astana ...")."""
    if entity.kind == "Person":
        first, last = entity.name.split(" ", 1)
        initial = chr(ord("A") + int(rng.random() * 26))
        return Entity(f"{first} {initial}. {last}", entity.aliases, entity.kind)
    city = _pick(rng, CITIES)
    while city in entity.name:
        city = _pick(rng, CITIES)
    return Entity(f"{city} {entity.name}", entity.aliases, entity.kind)


def entity_pool(rng: random.Random, size: int) -> list[Entity]:
    """``size`` distinct entities in rank order (rank 1 is the most mentioned)."""
    countries = _countries()
    rng.shuffle(countries)
    pool: dict[str, Entity] = {}
    for entity in countries + [Entity(city, (), "City") for city in CITIES]:
        if len(pool) < size:
            pool[entity.name] = entity
    makers = (_person, _person, _organisation, _organisation, _other)
    attempts = 0
    while len(pool) < size:
        attempts += 1
        entity = makers[int(rng.random() * len(makers))](rng)
        if entity.name in pool and size > PLAIN_POOL:
            entity = _told_apart(rng, entity)
        if entity.name in pool:
            if attempts > size * 50:
                raise ValueError(f"cannot make {size:,} distinct entity names")
            continue
        pool[entity.name] = entity
    # As in real news, countries lead the ranking; the rest follow in a seeded order.
    ordered = list(pool.values())
    head, tail = ordered[:LEADING_COUNTRIES], ordered[LEADING_COUNTRIES:]
    rng.shuffle(tail)
    return head + tail


def publisher_hosts(rng: random.Random, count: int = 60) -> list[str]:
    """News site host names, e.g. ``astana-daily.news``."""
    hosts: dict[str, None] = {}
    words = ("daily", "times", "herald", "post", "wire", "journal", "tribune", "gazette", "report")
    while len(hosts) < count:
        host = f"{_pick(rng, CITIES).lower()}-{_pick(rng, words)}.{_pick(rng, TLDS)}"
        hosts[host] = None
    return list(hosts)
