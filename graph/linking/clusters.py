"""Union–find over names, with anchors and cannot-links.

A node is a name key (``k:…``) or an authority entry (``a:…``). Two clusters anchored to
different authority entries never merge, nor do two clusters a split override keeps apart; a
refused union is simply not made. The result depends only on the order of :meth:`union` calls,
which callers make in a sorted order, so it never depends on ingest order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Clusters"]


@dataclass
class Clusters:
    parent: dict[str, str] = field(default_factory=dict)
    anchor: dict[str, str] = field(default_factory=dict)
    splits: list[tuple[str, str]] = field(default_factory=list)
    #: node → (rule, evidence articles) of the first union that joined it to another node.
    joined_by: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)

    def add(self, node: str) -> str:
        if node not in self.parent:
            self.parent[node] = node
            if node.startswith("a:"):
                self.anchor[node] = node[2:]
        return node

    def find(self, node: str) -> str:
        self.add(node)
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def anchor_of(self, node: str) -> str | None:
        return self.anchor.get(self.find(node))

    def can_union(self, a: str, b: str, *, force: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if not force:
            left, right = self.anchor.get(ra), self.anchor.get(rb)
            if left and right and left != right:
                return False
        for x, y in self.splits:
            fx, fy = self.find(x), self.find(y)
            if {fx, fy} == {ra, rb}:
                return False
        return True

    def union(
        self,
        a: str,
        b: str,
        rule: str,
        evidence: frozenset[str] = frozenset(),
        *,
        force: bool = False,
    ) -> bool:
        """Join ``b``'s cluster to ``a``'s unless an anchor or a split forbids it; ``b`` records
        the rule (and evidence) that joined it."""
        if not self.can_union(a, b, force=force):
            return False
        ra, rb = self.find(a), self.find(b)
        self.joined_by.setdefault(b, (rule, evidence))
        if ra == rb:
            return True
        keep, drop = (ra, rb) if (ra in self.anchor or rb not in self.anchor) else (rb, ra)
        if keep not in self.anchor and drop not in self.anchor:
            keep, drop = min(ra, rb), max(ra, rb)
        self.parent[drop] = keep
        if drop in self.anchor and keep not in self.anchor:
            self.anchor[keep] = self.anchor[drop]
        self.anchor.pop(drop, None)
        return True
