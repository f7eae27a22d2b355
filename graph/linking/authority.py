"""Entities known before any story is read: ``vocab/authority.jsonl`` and the ISO 3166 countries.

Each authority row names one entity: ``id`` (its IRI key), ``name`` (the preferred label),
``type`` (a schema.org class), ``aliases``, and optionally ``country`` (an ISO 3166-1 alpha-2
code whose pycountry names it takes), ``sameAs`` with the ``source`` that verified it, and a
``note``. Countries come from pycountry (name, official name, common name, and "Korea, Republic
of" read as "Republic of Korea"); their Wikidata items come from ``vocab/country-wikidata.csv``,
each row naming where it was verified. A name two entries claim is nobody's alias.

Names in other languages are kept per language, each with its source: a row's ``names`` (a
list of ``{"lang", "name", "source"}``) and, for every country, the translations of its ISO
3166-1 names in the gettext catalogues pycountry ships (:data:`LANGUAGES`). A name in a
language links only the names of articles in that language ("Maurice" is Mauritius in French
texts only), and a name two entries claim in one language is neither's there.
"""

from __future__ import annotations

import csv
import gettext
import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata, resources

import pycountry
from newsgraph.linking.normalise import key_of
from newsgraph.vocab.namespaces import keyify

__all__ = ["LANGUAGES", "TYPES", "Authority", "Entry", "load_authority"]

#: The languages whose country names pycountry's catalogues give to linking.
LANGUAGES = ("de", "es", "fr", "it", "kk", "nl", "pl", "pt", "ru", "tr", "uk")

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
    #: language → its names in that language.
    names_in: dict[str, list[str]] = field(default_factory=dict)
    #: language → where those names come from.
    name_sources: dict[str, str] = field(default_factory=dict)

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
    #: (language, key) → entry id, for keys of names in a language that one entry claims.
    by_lang_key: dict[tuple[str, str], str] = field(default_factory=dict)

    def lookup(self, key: str) -> Entry | None:
        entry_id = self.by_key.get(key)
        return self.entries[entry_id] if entry_id else None

    def lookup_in(self, lang: str, key: str) -> Entry | None:
        """The entry one of whose names in ``lang`` has this key (if one entry's only)."""
        entry_id = self.by_lang_key.get((lang, key))
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


_ATTRIBUTES = ("common_name", "name", "official_name")


def _country_names(country: object) -> list[str]:
    return _country_names_of([getattr(country, attribute, None) or "" for attribute in _ATTRIBUTES])


def _country_names_of(values: list[str]) -> list[str]:
    names = []
    for value in values:
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


def _translations(entries: dict[str, Entry]) -> None:
    """Each country's names in :data:`LANGUAGES`, from pycountry's iso3166-1 catalogues."""
    version = metadata.version("pycountry")
    for lang in LANGUAGES:
        catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        for country in pycountry.countries:
            english = dict.fromkeys(
                getattr(country, attribute, None) or "" for attribute in _ATTRIBUTES
            )
            translated = [catalogue.gettext(text) for text in english if text]
            names = [n for n in dict.fromkeys(_country_names_of(translated)) if n not in english]
            if names:
                entry = entries["country-" + country.alpha_2.lower()]
                entry.names_in[lang] = names
                entry.name_sources[lang] = (
                    f"pycountry {version}, iso3166-1 catalogue ({lang}), {country.alpha_2}"
                )


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
    _translations(entries)
    rows = _rows()
    for row in rows:
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
    for row in rows:
        entry = entries["country-" + str(row["country"]).lower()] if row.get("country") else None
        _names_in_languages(entry or entries[str(row["id"])], row)
    claims: dict[str, set[str]] = defaultdict(set)
    lang_claims: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entry in entries.values():
        for name in entry.names:
            key = key_of(name)
            if key:
                claims[key].add(entry.id)
        for lang, names in entry.names_in.items():
            for name in names:
                if key_of(name):
                    lang_claims[(lang, key_of(name))].add(entry.id)
    by_key = {key: next(iter(ids)) for key, ids in claims.items() if len(ids) == 1}
    contested = {key: sorted(ids) for key, ids in claims.items() if len(ids) > 1}
    by_lang_key = {pair: next(iter(ids)) for pair, ids in lang_claims.items() if len(ids) == 1}
    return Authority(entries, by_key, contested, by_lang_key)


def _names_in_languages(entry: Entry, row: dict[str, object]) -> None:
    """A row's ``names``: each with its language and source (an error names the row)."""
    for item in row.get("names", []):  # type: ignore[attr-defined]
        lang, name, source = item.get("lang"), item.get("name"), item.get("source")
        if not (lang and name and source):
            raise ValueError(
                f"vocab/authority.jsonl: {row['id']} has a name without lang, name or source: {item}"
            )
        names = entry.names_in.setdefault(str(lang), [])
        if name not in names:
            names.append(str(name))
        known = entry.name_sources.get(str(lang))
        if known is None or (entry.origin == "pycountry" and source not in known):
            entry.name_sources[str(lang)] = f"{known}; {source}" if known else str(source)


def entry_key(entry: Entry) -> str:
    """The IRI key of an authority entity: its preferred name as a path segment."""
    return keyify(entry.name)
