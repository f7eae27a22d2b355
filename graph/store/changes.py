"""What each published snapshot changed, so that readers update what they keep instead of
reading the whole store again.

A unit of writes (:meth:`graph.store.embedded.EmbeddedStore.transaction`) notes, beside the
snapshot it publishes (``snapshots/NAME.changes``), the snapshot it started from and what it
changed: the **articles** whose graphs it wrote (an article's graph is named by its IRI) and the
**subjects** whose statements it wrote in other graphs (entities in the entities graph, topics
and publishers in the terms graph). A write says what it changes by running inside
:meth:`~graph.store.base.Store.described`; a unit with any write that did not (a SPARQL update,
a bulk load, ``newsgraph load``) is noted as *unknown*, and readers then read everything again.
A compaction publishes the same content: its note is empty.

:func:`since` follows the notes from one snapshot to a later one and gives everything changed
in between (None when a note is unknown or missing). The entity summaries
(:mod:`graph.store.summaries`) and the linking cache (:mod:`graph.linking`) use it; it is
enforced by ``tests/test_summaries_incremental.py``.

>>> Changes(frozenset({"a"}), frozenset()) | Changes(frozenset(), frozenset({"e"}))
Changes(articles=frozenset({'a'}), subjects=frozenset({'e'}))
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["KEEP", "Changes", "note", "read", "since"]

#: Notes are kept for this many generations (a reader further behind reads everything again).
KEEP = 256
SUFFIX = ".changes"


@dataclass(frozen=True)
class Changes:
    articles: frozenset[str]
    subjects: frozenset[str]

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.articles | other.articles, self.subjects | other.subjects)

    @property
    def empty(self) -> bool:
        return not self.articles and not self.subjects


NOTHING = Changes(frozenset(), frozenset())


def note(root: Path, name: str, since: str | None, changes: Changes | None) -> None:
    """Write the note of snapshot ``name``, published by a unit that started from ``since``
    (``changes`` None: not known); prune notes older than :data:`KEEP` generations."""
    body: dict[str, object] = {"since": since}
    if changes is None:
        body["unknown"] = True
    else:
        body["articles"] = sorted(changes.articles)
        body["subjects"] = sorted(changes.subjects)
    partial = root / f"{name}{SUFFIX}.partial"
    partial.write_text(json.dumps(body))
    os.replace(partial, root / f"{name}{SUFFIX}")
    if name.isdigit():
        oldest = int(name) - KEEP
        for path in root.glob(f"*{SUFFIX}"):
            stem = path.name[: -len(SUFFIX)]
            if stem.isdigit() and int(stem) < oldest:
                path.unlink(missing_ok=True)


def read(root: Path, name: str) -> tuple[str | None, Changes | None] | None:
    """(the snapshot the unit started from, its changes or None when unknown) of snapshot
    ``name``; None when it has no note."""
    try:
        body = json.loads((root / f"{name}{SUFFIX}").read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(body, dict):
        return None
    started = body.get("since")
    if body.get("unknown"):
        return started, None
    return started, Changes(
        frozenset(body.get("articles", ())), frozenset(body.get("subjects", ()))
    )


def since(root: Path, old: str | None, new: str | None) -> Changes | None:
    """Everything changed from snapshot ``old`` to snapshot ``new``; None when that is not
    known (a unit noted as unknown, a note missing, ``new`` not after ``old``)."""
    if old is None or new is None:
        return None
    found = NOTHING
    current = new
    for _ in range(KEEP):
        if current == old:
            return found
        noted = read(root, current)
        if noted is None or noted[1] is None or noted[0] is None:
            return None
        found = found | noted[1]
        current = noted[0]
    return None
