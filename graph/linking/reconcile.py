"""Reconciliation with a Wikidata-style SPARQL endpoint, for entities with no Wikidata item yet.

For each such entity, the endpoint is asked (through SPARQLWrapper, in batches) for items
whose English label or alias is exactly one of the entity's names, with their ``wdt:P31``
classes. An entity is reconciled only when exactly one item answers and that item's classes
do not contradict the entity's type (a Person must be a human, Q5; a Country a country or
sovereign state). Ambiguous or contradicting answers are reported, never linked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.errors import StoreError
from newsgraph.linking.resolve import Entity
from newsgraph.vocab.namespaces import WIKIDATA
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

__all__ = ["Candidate", "ReconcileReport", "candidates", "reconcile"]

BATCH = 50
HUMAN = WIKIDATA + "Q5"
#: Classes an item of a given type must have one of (others are not checked).
REQUIRED_CLASSES: dict[str, frozenset[str]] = {
    "Person": frozenset({HUMAN}),
    "Country": frozenset({WIKIDATA + "Q6256", WIKIDATA + "Q3624078", WIKIDATA + "Q3024240"}),
}


@dataclass
class Candidate:
    item: str
    label: str = ""
    classes: set[str] = field(default_factory=set)


@dataclass
class ReconcileReport:
    #: surface form → (item, endpoint, label) for the entities reconciled.
    linked: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)


def candidates(
    endpoint: str, names: Iterable[str], timeout: float = 30
) -> dict[str, dict[str, Candidate]]:
    """Items whose English label or alias is exactly each name: name → item → candidate."""
    found: dict[str, dict[str, Candidate]] = defaultdict(dict)
    unique = sorted(set(names))
    for start in range(0, len(unique), BATCH):
        batch = unique[start : start + BATCH]
        client = SPARQLWrapper(endpoint)
        client.setMethod(POST)
        client.setReturnFormat(JSON)
        client.setTimeout(int(timeout))
        names_en = [ox.Literal(name, language="en") for name in batch]
        client.setQuery(queries.bind("reconcile-candidates", {"found": names_en}))
        try:
            answer = client.queryAndConvert()
        except (SPARQLWrapperException, OSError, ValueError) as error:
            raise StoreError(f"reconciliation endpoint {endpoint} failed: {error}") from None
        assert isinstance(answer, dict)
        for row in answer["results"]["bindings"]:
            name, item = row["found"]["value"], row["item"]["value"]
            candidate = found[name].setdefault(item, Candidate(item))
            if "label" in row:
                candidate.label = row["label"]["value"]
            if "class" in row:
                candidate.classes.add(row["class"]["value"])
    return found


def reconcile(
    endpoint: str, entities: Mapping[str, Entity], timeout: float = 30
) -> ReconcileReport:
    """Find Wikidata items for the entities that have none."""
    unlinked = {key: e for key, e in entities.items() if not e.same_as}
    names = {name for e in unlinked.values() for name in (e.name, *e.forms) if not name.islower()}
    answers = candidates(endpoint, names, timeout)
    report = ReconcileReport()
    for key in sorted(unlinked):
        entity = unlinked[key]
        items: dict[str, Candidate] = {}
        for name in (entity.name, *sorted(entity.forms)):
            items.update(answers.get(name, {}))
        required = REQUIRED_CLASSES.get(entity.type)
        fitting = [c for c in items.values() if not required or c.classes & required]
        if len(fitting) == 1:
            report.linked[entity.name] = (fitting[0].item, endpoint, fitting[0].label)
        elif fitting:
            report.ambiguous[entity.name] = sorted(c.item for c in fitting)
        else:
            report.unmatched.append(entity.name)
    return report
