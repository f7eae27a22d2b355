"""Entity keys: one per cluster, whatever the clusters want.

An entity wants the key of its authority entry or preferred name (``Entity.key``). Of the
clusters that want one key, the first by precedence has it; each other takes the first
``key-2``, ``key-3``, … that no cluster wants as its own. So "Øresund" and "Resund" (both
``resund``) never take the key of "Resund 2" (``resund-2``), and the keys depend on the
clusters alone, never on the order stories came in (``tests/test_linking.py``).

The clusters that want one key are a *group*; a suffixed key is its group's key and a number,
and no cluster wants it, so no two groups can give one key. A group's keys depend on its
clusters, their precedence and which of its suffixed keys some cluster wants: :class:`Keys`
keeps every group's, and a batch tells out again only the groups whose clusters it drafted
anew, added or removed, and those whose suffixed keys it made (or ceased to make) wanted
(``tests/test_resolve_since.py`` holds them to keys told from scratch).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsgraph.linking.entities import Entity

__all__ = ["Keys"]

_SUFFIXED = re.compile(r"(.+)-(\d+)")


@dataclass
class Keys:
    """Each group's clusters in precedence order, each cluster's key, and the entities by key
    (an entity's copy with its key where the key is suffixed).

    >>> from newsgraph.linking.entities import Entity
    >>> made = {r: Entity(key=k, name=r, type="Thing") for r, k in
    ...         [("k:øresund", "resund"), ("k:resund", "resund"), ("k:resund 2", "resund-2")]}
    >>> keys = Keys()
    >>> keys.update(made, {r: (r,) for r in made}, made)
    >>> sorted(keys.of.items())
    [('k:resund', 'resund'), ('k:resund 2', 'resund-2'), ('k:øresund', 'resund-3')]
    """

    groups: dict[str, list[str]] = field(default_factory=dict)
    of: dict[str, str] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    #: root → the key its entity wanted when its group was last told out.
    wants: dict[str, str] = field(default_factory=dict)
    #: The roots whose key the last update may have changed (or taken away), and the keys
    #: whose entity it may have changed (or taken away).
    moved: set[str] = field(default_factory=set)
    touched: set[str] = field(default_factory=set)

    def update(
        self,
        made: Mapping[str, Entity],
        order: Mapping[str, tuple[object, ...]],
        changed: Collection[str],
    ) -> None:
        """Tell out again the groups that ``changed`` (the roots drafted anew, added or
        removed since the last update) affect; every other group's keys stay."""
        groups, wants = self.groups, self.wants
        told: dict[str, list[str]] = {}  # group → its roots before this update
        for root in changed:
            old, new = wants.get(root), made[root].key if root in made else None
            for key in (old, new):
                if key is not None and key not in told:
                    told[key] = list(groups.get(key, ()))
            if old is not None:
                groups[old].remove(root)
                if not groups[old]:
                    del groups[old]
                del wants[root]
            if new is not None:
                groups.setdefault(new, []).append(root)
                wants[root] = new
        # the groups made or ended: a group is one only the roots told out can make or end
        for key in [key for key, roots in told.items() if bool(roots) != (key in groups)]:
            suffixed = _SUFFIXED.fullmatch(key)
            if suffixed is not None and suffixed.group(1) in groups:
                base = suffixed.group(1)
                told.setdefault(base, list(groups[base]))
        touched = self.touched = set()
        for roots in told.values():  # every key of the groups told out is taken back first
            for root in roots:
                key = self.of.pop(root, None)
                if key is not None:
                    touched.add(key)
                    self.entities.pop(key, None)
        moved = self.moved = set(changed)
        for roots in told.values():
            moved.update(roots)
        for key in told.keys() & groups.keys():
            groups[key].sort(key=order.__getitem__)
            self._tell(key, groups[key], made)
            moved.update(groups[key])

    def _tell(self, wanted: str, roots: list[str], made: Mapping[str, Entity]) -> None:
        """Give a group's clusters (in precedence order) their keys."""
        number = 1
        for index, root in enumerate(roots):
            key = wanted
            if index:
                number += 1
                while f"{wanted}-{number}" in self.groups:
                    number += 1
                key = f"{wanted}-{number}"
            entity = made[root]
            self.of[root] = key
            self.touched.add(key)
            self.entities[key] = entity if entity.key == key else replace(entity, key=key)
