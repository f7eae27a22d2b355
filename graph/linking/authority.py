"""Entities known before any story is read: ``vocab/authority.jsonl`` and the ISO 3166 countries.

Each authority row names one entity: ``id`` (its IRI key), ``name`` (the preferred label),
``type`` (a schema.org class), ``aliases``, and optionally ``country`` (an ISO 3166-1 alpha-2
code whose pycountry names it takes), ``sameAs`` with the ``source`` that verified it, and a
``note``. Countries come from pycountry (name, official name, common name, and "Korea, Republic
of" read as "Republic of Korea"); their Wikidata items come from ``vocab/country-wikidata.csv``,
each row naming where it was verified. A name two entries claim is nobody's alias.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import pycountry
from newsgraph.linking.normalise import key_of
from newsgraph.vocab.namespaces import keyify

__all__ = ["TYPES", "Authority", "Entry", "load_authority"]

#: The entity classes newsgraph assigns (schema.org local names), most specific first.
TYPES = (
    "Country", "City", "Place", "NewsMediaOrganization", "GovernmentOrganization",
    "Organization", "Person", "Event", "Thing",
)  # fmt: skip


@dataclass
class Entry:
    """One entity known in advance."""

    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    same_as: str | None = None
    source: str | None = None
    origin: str = "authority"

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


@dataclass(eq=False)
class Authority:
    entries: dict[str, Entry]
    #: key → entry id, for keys exactly one entry claims.
    by_key: dict[str, str]
    #: keys two or more entries claim (never resolved through the authority).
    contested: dict[str, list[str]]

    def lookup(self, key: str) -> Entry | None:
        entry_id = self.by_key.get(key)
        return self.entries[entry_id] if entry_id else None


def _rows() -> list[dict[str, object]]:
    text = (
        resources.files("newsgraph.vocab").joinpath("authority.jsonl").read_text(encoding="utf-8")
    )
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _country_qids() -> dict[str, tuple[str, str]]:
    text = (
        resources.files("newsgraph.vocab")
        .joinpath("country-wikidata.csv")
        .read_text(encoding="utf-8")
    )
    return {
        row["alpha2"]: (row["wikidata"], row["source"]) for row in csv.DictReader(text.splitlines())
    }


def _country_names(country: object) -> list[str]:
    names = []
    for attribute in ("common_name", "name", "official_name"):
        value = getattr(country, attribute, None)
        if not value:
            continue
        names.append(value)
        if ", " in value:  # "Korea, Republic of" → "Republic of Korea"
            head, tail = value.split(", ", 1)
            names.append(f"{tail} {head}")
            names.append(head)
        if " (" in value and value.endswith(")"):  # "Holy See (Vatican City State)"
            head, inner = value[:-1].split(" (", 1)
            names.extend([head, inner])
    return names


def _countries(qids: dict[str, tuple[str, str]]) -> dict[str, Entry]:
    entries = {}
    for country in pycountry.countries:
        code = country.alpha_2
        names = _country_names(country)
        display = getattr(country, "common_name", None) or country.name
        entry_id = "country-" + code.lower()
        same_as, source = qids.get(code, (None, None))
        entries[entry_id] = Entry(
            id=entry_id,
            name=display,
            type="Country",
            aliases=[n for n in dict.fromkeys(names) if n != display],
            same_as=same_as,
            source=f"pycountry (ISO 3166-1 {code})"
            + (f"; Wikidata item: {source}" if source else ""),
            origin="pycountry",
        )
    return entries


@cache
def load_authority() -> Authority:
    """The authority file merged with pycountry's countries (cached: read once per process)."""
    qids = _country_qids()
    entries = _countries(qids)
    for row in _rows():
        entry_id = str(row["id"])
        aliases = [str(a) for a in row.get("aliases", [])]  # type: ignore[attr-defined]
        code = row.get("country")
        if code:
            base = entries["country-" + str(code).lower()]
            if base.name != row["name"]:
                aliases = [base.name, *aliases]
            base.aliases = list(dict.fromkeys([*base.aliases, *aliases]))
            base.name = str(row["name"])
            base.aliases = [a for a in base.aliases if a != base.name]
            continue
        same_as = row.get("sameAs")
        if same_as and not row.get("source"):
            raise ValueError(f"vocab/authority.jsonl: {entry_id} has sameAs without a source")
        entries[entry_id] = Entry(
            id=entry_id,
            name=str(row["name"]),
            type=str(row["type"]),
            aliases=aliases,
            same_as=str(same_as) if same_as else None,
            source=str(row["source"]) if row.get("source") else None,
        )
    claims: dict[str, set[str]] = defaultdict(set)
    for entry in entries.values():
        for name in entry.names:
            key = key_of(name)
            if key:
                claims[key].add(entry.id)
    by_key = {key: next(iter(ids)) for key, ids in claims.items() if len(ids) == 1}
    contested = {key: sorted(ids) for key, ids in claims.items() if len(ids) > 1}
    return Authority(entries, by_key, contested)


def entry_key(entry: Entry) -> str:
    """The IRI key of an authority entity: its preferred name as a path segment."""
    return keyify(entry.name)
