"""The user override file: corrections a researcher makes to the linking, applied on every re-link.

It is CSV with a header row ``action,name,target,article,note`` (``article`` and ``note`` may be
left empty; lines starting with ``#`` are comments). Actions:

``merge``   the entity named ``name`` is the one named ``target`` (with ``article``: only the
            mention of ``name`` in that article, given by slug or IRI);
``split``   ``name`` and ``target`` are different entities, whatever the rules say;
``type``    the entity named ``name`` has the schema.org type ``target`` (e.g. ``Person``);
``sameas``  the entity named ``name`` is the Wikidata item ``target`` (``Q…`` or its IRI).

``newsgraph link --overrides FILE`` stores the file's rows in the store, so later ingests keep
applying them. Example::

    action,name,target,article,note
    merge,PACE,Parliamentary Assembly of the Council of Europe,,
    split,Georgia,Georgia Power,,the state is not the utility
    type,Tehran Radio,NewsMediaOrganization,,
    sameas,Douglas Adams,Q42,,checked on wikidata.org
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from newsgraph.errors import ConfigError
from newsgraph.linking.authority import TYPES
from newsgraph.vocab.namespaces import WIKIDATA

__all__ = ["ACTIONS", "Override", "parse_overrides", "read_overrides"]

ACTIONS = ("merge", "split", "type", "sameas")
COLUMNS = ("action", "name", "target", "article", "note")
_QID = re.compile(
    r"^(?:http://www\.wikidata\.org/entity/|https://www\.wikidata\.org/wiki/)?(Q[1-9]\d*)$"
)


@dataclass(frozen=True, order=True)
class Override:
    action: str
    name: str
    target: str
    article: str = ""
    note: str = ""


def parse_overrides(text: str, origin: str = "overrides") -> list[Override]:
    """Parse and check override rows; a bad row raises :class:`ConfigError` naming its line.

    >>> parse_overrides("action,name,target\\nsplit,Georgia,Georgia Power\\n")
    [Override(action='split', name='Georgia', target='Georgia Power', article='', note='')]
    """
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    missing = [c for c in ("action", "name", "target") if c not in (reader.fieldnames or [])]
    if missing:
        raise ConfigError(f"{origin}: the header must name the columns {', '.join(COLUMNS)}")
    rows = []
    for number, row in enumerate(reader, start=2):
        action = (row.get("action") or "").strip().lower()
        name = " ".join((row.get("name") or "").split())
        target = " ".join((row.get("target") or "").split())
        where = f"{origin}:{number}"
        if action not in ACTIONS:
            raise ConfigError(f"{where}: action {action!r} is not one of {', '.join(ACTIONS)}")
        if not name or not target:
            raise ConfigError(f"{where}: {action} needs both a name and a target")
        if action == "type" and target not in TYPES:
            raise ConfigError(f"{where}: type {target!r} is not one of {', '.join(TYPES)}")
        if action == "sameas":
            match = _QID.match(target)
            if not match:
                raise ConfigError(f"{where}: {target!r} is not a Wikidata item such as Q42")
            target = WIKIDATA + match.group(1)
        article = (row.get("article") or "").strip()
        if article and action != "merge":
            raise ConfigError(f"{where}: only merge may be limited to one article")
        rows.append(Override(action, name, target, article, (row.get("note") or "").strip()))
    return rows


def read_overrides(path: str | Path) -> list[Override]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read the override file {path}: {error.strerror}") from None
    return parse_overrides(text, str(path))
