"""What the last pass resolved, kept whole: so that a batch reads only its own evidence.

A pass resolves every article's entity list, with the acronyms its text defines and its
language, and finds each article's spans in the spans log. Reading those from the evidence log
means decoding every record of it; a batch into a linked store would pay that for the whole
store. So each pass keeps what it read in ``inputs.bin`` (one marshalled tuple, its strings
shared), tagged with the pass's stamp (:mod:`graph.linking.stamp`): the next pass starts from it
when the store's records are still the ones that stamp names, and reads from the log only the
articles written since — the batch's own (``tests/test_linking_inputs.py``).
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass
from pathlib import Path

from newsgraph.linking.acronyms import Definition
from newsgraph.linking.memo import write_atomically

__all__ = ["Inputs", "KeptInputs"]


@dataclass
class Inputs:
    """Every article's entity list, the definitions its text gives (where it gives any), where
    its spans are in the cache, and its language (where the record gives one)."""

    lists: dict[str, tuple[str, ...]]
    definitions: dict[str, tuple[Definition, ...]]
    #: article → where its spans are (:data:`graph.linking.cache.Span`).
    places: dict[str, int]
    langs: dict[str, str]


class KeptInputs:
    """``inputs.bin`` of one cache directory."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "inputs.bin"

    def load(self, stamp: str) -> Inputs | None:
        """What the pass of ``stamp`` read, or None when the file holds another pass's."""
        try:
            kept, lists, definitions, places, langs = marshal.loads(self.path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if kept != stamp:
            return None
        found = {
            iri: tuple(Definition(short, long) for short, long in pairs)
            for iri, pairs in definitions.items()
        }
        return Inputs(lists, found, places, langs)

    def save(self, stamp: str, inputs: Inputs) -> None:
        definitions = {
            iri: tuple((d.short, d.long) for d in found)
            for iri, found in inputs.definitions.items()
        }
        data = (stamp, inputs.lists, definitions, inputs.places, inputs.langs)
        write_atomically(self.path, marshal.dumps(data))

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)
