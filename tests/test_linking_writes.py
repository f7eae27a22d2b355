"""Writing what a linking pass changed (graph/linking/writes.py)."""

from __future__ import annotations

import pyoxigraph as ox
from newsgraph.linking.writes import _delete_data


def test_a_description_with_other_line_breaks_is_deleted_whole() -> None:
    """N-Quads lines end at "\\n" only; U+0085 and U+2028 inside a literal are no line breaks
    (``str.splitlines`` would cut there). The oracle: the engine deletes exactly the quads."""
    graph = "http://g.example/entities"
    quads = [
        ox.Quad(ox.NamedNode("http://e.example/1"), ox.NamedNode("http://schema.org/name"),
                ox.Literal(f"a{sep}b"), ox.NamedNode(graph))
        for sep in ("\x85", "\u2028", "\u2029", "\x0b", "")
    ]  # fmt: skip
    store = ox.Store()
    store.extend(quads)
    text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert text is not None
    store.update(_delete_data(text.decode("utf-8"), graph))
    assert len(store) == 0
