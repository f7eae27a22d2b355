"""What the last pass resolved, kept whole: so that a batch reads only its own evidence.

A pass resolves every article's entity list, with the acronyms its text defines and its
language, and finds each article's spans in the spans log. Reading those from the evidence log
means decoding every record of it; a batch into a linked store would pay that for the whole
store. So each pass keeps what it read in ``inputs.bin`` (a journal, :mod:`graph.linking.journal`:
a batch appends its own articles' entries), tagged with the pass's stamp
(:mod:`graph.linking.stamp`): the next pass starts from it when the store's records are still
the ones that stamp names, and reads from the log only the articles written since — the
batch's own (``tests/test_linking_inputs.py``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from newsgraph.linking import carry, kept_resolution
from newsgraph.linking.acronyms import Definition
from newsgraph.linking.journal import Journal
from newsgraph.linking.resolve import Kept

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
    """``inputs.bin`` of one cache directory: a :class:`~graph.linking.journal.Journal` of the
    four tables, so that a batch appends its own articles' entries."""

    def __init__(self, directory: Path) -> None:
        self.journal = Journal(directory / "inputs.bin", tables=4)
        self.resolution_path = directory / "kept-resolution.bin"

    def load(self, stamp: str) -> Inputs | None:
        """What the pass of ``stamp`` read, or None when the file holds another pass's."""
        kept = self.journal.load()
        if kept is None or kept[0] != stamp:
            return None
        lists, definitions, places, langs = kept[1]
        found = {
            iri: tuple(Definition(short, long) for short, long in pairs)
            for iri, pairs in definitions.items()
        }
        return Inputs(lists, found, places, langs)

    def save(self, stamp: str, inputs: Inputs, changed: Collection[str] | None = None) -> None:
        """Keep ``inputs`` as the pass of ``stamp`` read them; ``changed``: the only articles
        whose entries may differ from those :meth:`load` gave (None: any may)."""
        definitions = {
            iri: tuple((d.short, d.long) for d in found)
            for iri, found in inputs.definitions.items()
        }
        tables = (inputs.lists, definitions, inputs.places, inputs.langs)
        self.journal.save(stamp, tables, changed)

    def keep_resolution(self, tag: str, kept: Kept | None) -> None:
        """Hand what the resolution of the inputs just saved under ``tag`` kept to the next
        pass: of this process (inside :func:`graph.linking.carry.carrying`, for as long as the
        file is the one just saved), and of the next, written to ``kept-resolution.bin``
        (:mod:`graph.linking.kept_resolution`; by a stream once, when it ends)."""
        if kept is None:
            return
        carry.remember(self.journal.path, (tag, kept), "resolution",
                       keep=lambda held: kept_resolution.write(self.resolution_path, *held))  # fmt: skip

    def kept_resolution(self, tag: str) -> Kept | None:
        """What the resolution of the inputs :meth:`load` gives (saved under ``tag``) kept:
        carried in this process, else written down by the last (taken: the caller changes
        it)."""
        found = carry.recall(self.journal.path, "resolution")
        if isinstance(found, tuple) and found[0] == tag and isinstance(found[1], Kept):
            return found[1]
        return kept_resolution.read(self.resolution_path, tag)

    def forget(self) -> None:
        kept_resolution.forget(self.resolution_path)
        self.journal.forget()
