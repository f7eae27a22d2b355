"""Writing what a linking pass changed (graph/linking/writes.py)."""

from __future__ import annotations

from dataclasses import replace

import pyoxigraph as ox
import pytest
from newsgraph.linking import writes
from newsgraph.linking.entities import Entity
from newsgraph.linking.writes import _delete_data
from newsgraph.vocab.namespaces import Minter


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


def test_an_entity_is_fingerprinted_once_per_key_and_a_changed_copy_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fingerprint an entity keeps (``Entity.printed``) is its own: asked again under the
    same key it is not worked out again; under another key, or for a copy with another value,
    it is; and equal to the one worked out from scratch."""
    iris = Minter("http://n.example/")
    entity = Entity(key="pace", name="PACE", type="GovernmentOrganization")
    asked: list[str] = []
    real = writes.fingerprint

    def counted(key: str, of: Entity) -> str:
        asked.append(key)
        return real(key, of)

    monkeypatch.setattr(writes, "fingerprint", counted)
    first = writes._printed(iris, "pace", entity)
    assert writes._printed(iris, "pace", entity) == first and asked == ["pace"]
    assert writes._printed(iris, "pace-2", entity)[0].endswith("/pace-2")
    assert asked == ["pace", "pace-2"], "the control: another key is fingerprinted again"
    linked = replace(entity, same_as="http://www.wikidata.org/entity/Q1")
    assert linked.printed is None
    assert writes._printed(iris, "pace", linked)[1] == real("pace", linked) != first[1]
