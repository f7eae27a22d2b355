"""Planning writes to a remote store: quads → per-graph writes → SPARQL Update texts that fit.

Each graph is written whole in one request whenever it fits, so a reader (or a crash) sees an
article either as it was or as it is now, never half-replaced. Requests pack as many graphs
as fit under the server's body limit; each request is one SPARQL Update, which SPARQL servers
apply atomically.

>>> g = "http://g.example/1"
>>> q = ox.Quad(ox.NamedNode("http://s"), ox.NamedNode("http://p"), ox.Literal("o"), ox.NamedNode(g))
>>> print(update_text(group([g], [q]), bnodes_in_insert_data=True))
DROP SILENT GRAPH <http://g.example/1> ;
INSERT DATA {
GRAPH <http://g.example/1> {
<http://s> <http://p> "o" .
}
}
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox
from newsgraph.errors import StoreError

#: Bytes a graph's block adds to an update besides its triples (GRAPH <…> { }, DROP …).
OVERHEAD = 64


@dataclass
class GraphWrite:
    """What to write into one graph (``None``: the default graph)."""

    graph: str | None
    replace: bool
    triples: list[ox.Triple] = field(default_factory=list)
    _text: str | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        """The triples as N-Triples (written once)."""
        if self._text is None:
            self._text = (
                (ox.serialize(self.triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
                if self.triples
                else ""
            )
        return self._text

    @property
    def size(self) -> int:
        return len(self.text.encode("utf-8")) + OVERHEAD + 2 * len(self.graph or "")

    @property
    def has_blank_nodes(self) -> bool:
        return any(
            isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
            for t in self.triples
        )

    @property
    def node(self) -> ox.NamedNode | None:
        return ox.NamedNode(self.graph) if self.graph else None


def group(
    graphs: Sequence[str], quads: Iterable[ox.Quad], *, allow_default: bool = False
) -> list[GraphWrite]:
    """One write per graph: the listed graphs (replaced, in order), then graphs added to."""
    writes: dict[str | None, GraphWrite] = {g: GraphWrite(g, replace=True) for g in graphs}
    for quad in quads:
        name = quad.graph_name
        if isinstance(name, ox.NamedNode):
            key: str | None = name.value
        elif isinstance(name, ox.DefaultGraph) and allow_default:
            key = None
        else:
            raise StoreError("replace_graphs takes quads in named graphs only")
        write = writes.get(key)
        if write is None:
            write = writes[key] = GraphWrite(key, replace=False)
        write.triples.append(quad.triple)
    return list(writes.values())


def idempotent(writes: Iterable[GraphWrite]) -> bool:
    """Whether sending these writes twice leaves the store as sending them once.

    Replacements always do; additions do unless they create blank nodes (fresh each time).
    """
    return not any(not w.replace and w.has_blank_nodes for w in writes)


def update_text(writes: Sequence[GraphWrite], *, bnodes_in_insert_data: bool) -> str:
    """One SPARQL Update that drops the replaced graphs and inserts every write's triples."""
    parts = [f"DROP SILENT GRAPH {w.node}" for w in writes if w.replace and w.node]
    blocks = [f"GRAPH {w.node} {{\n{w.text}}}" if w.node else w.text for w in writes if w.triples]
    if blocks:
        body = "\n".join(blocks)
        if bnodes_in_insert_data or not any(w.has_blank_nodes for w in writes):
            parts.append(f"INSERT DATA {{\n{body}\n}}")
        else:
            parts.append(f"INSERT {{\n{body}\n}} WHERE {{}}")
    return " ;\n".join(parts)


def pack(writes: Sequence[GraphWrite], limit: int) -> Iterator[list[GraphWrite]]:
    """Consecutive groups of writes whose update fits in ``limit`` bytes (one if it alone does not)."""
    batch: list[GraphWrite] = []
    size = 0
    for write in writes:
        if batch and size + write.size > limit:
            yield batch
            batch, size = [], 0
        batch.append(write)
        size += write.size
    if batch:
        yield batch


def split(write: GraphWrite, limit: int) -> list[GraphWrite]:
    """A graph too big for one request as several writes: the first replaces, the rest add."""
    pieces: list[GraphWrite] = []
    current = GraphWrite(write.graph, replace=write.replace)
    size = OVERHEAD
    for triple in write.triples:
        triple_size = len(str(triple).encode("utf-8")) + 3
        if current.triples and size + triple_size > limit:
            pieces.append(current)
            current = GraphWrite(write.graph, replace=False)
            size = OVERHEAD
        current.triples.append(triple)
        size += triple_size
    pieces.append(current)
    return pieces


__all__ = ["GraphWrite", "group", "idempotent", "pack", "split", "update_text"]
