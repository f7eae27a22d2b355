"""The disparity filter (graph/cooccurrence/backbone.py)."""

from __future__ import annotations

import networkx as nx
import pytest
from newsgraph.cooccurrence import backbone
from newsgraph.cooccurrence.backbone import disparity


def test_alpha_follows_the_formula_at_both_ends() -> None:
    G = nx.Graph()
    G.add_weighted_edges_from([("a", "b", 6), ("a", "c", 2), ("a", "d", 2), ("b", "c", 1)])
    scores = disparity(G)
    # at a: k = 3, s = 10, p = 0.6 → (0.4)^2; at b: k = 2, s = 7, p = 6/7 → (1/7)^1
    assert scores[("a", "b")] == pytest.approx(min(0.4**2, 1 / 7))
    # c–b at c: k = 2, s = 3, p = 1/3 → 2/3; at b: p = 1/7 → 6/7
    assert scores[("b", "c")] == pytest.approx(2 / 3)


def test_uniform_weights_keep_nothing_and_bad_alpha_is_refused() -> None:
    G = nx.complete_graph(6)
    nx.set_edge_attributes(G, 1, "weight")
    assert backbone.backbone(G, alpha=0.05).number_of_edges() == 0
    with pytest.raises(ValueError, match="alpha"):
        backbone.backbone(G, alpha=0)
