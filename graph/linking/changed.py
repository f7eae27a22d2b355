"""What a batch may have changed of the entities: the forms and clusters to draft again.

An entity is drafted (:func:`graph.linking.entities.build`) from its cluster's members — each
form's *shares*: the mentions its name-level link gives the cluster, and those story-level
rules give it — the rule-made links, the cluster's anchor, the forms a text defines for it, and
each form's say (what the name level knows of the form). A :class:`Basis` keeps what the last
resolution read of these; :func:`changed_since` compares it with the new resolution's and names
the forms whose shares or says may differ (those of the batch's articles, those whose links or
name-level facts changed) and the clusters whose anchor or defined forms did. Every other form
and cluster is as it was, so its shares and its draft are kept.

The comparisons are of whole tables, each in one pass; what is drafted again grows with the
batch. ``tests/test_resolve_since.py`` holds the entities so made to those of a resolution from
scratch.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import Any

from newsgraph.linking.listing import Before
from newsgraph.linking.mentions import Assignment, Link
from newsgraph.linking.names import NameLevel, node
from newsgraph.linking.normalise import parse

__all__ = ["Basis", "basis_of", "changed_since"]

_MISSING = object()


@dataclass
class Basis:
    """What the last resolution's entities were drafted from (its own tables, never changed
    after: each resolution makes new ones)."""

    default: Mapping[str, Link]
    exceptions: Mapping[tuple[str, str], Link]
    joined_by: Mapping[str, tuple[str, frozenset[str]]]
    sources: Mapping[str, str]
    node_langs: Mapping[str, str]
    anchor: Mapping[str, str]
    #: (cluster root, form) for each acronym or short form a text defines for its cluster.
    defined: Set[tuple[str, str]]


def basis_of(names: NameLevel, assignment: Assignment, defined: Set[tuple[str, str]]) -> Basis:
    uf = names.uf
    return Basis(
        assignment.default, assignment.exceptions, uf.joined_by, names.sources,
        names.node_langs, uf.anchor, defined,
    )  # fmt: skip


def _moved(old: Mapping[Any, Any], new: Mapping[Any, Any]) -> set[Any]:
    """The keys whose values differ between two tables (present in one only included)."""
    found = {key for key, value in new.items() if old.get(key, _MISSING) != value}
    found.update(old.keys() - new.keys())
    return found


def changed_since(
    basis: Basis,
    names: NameLevel,
    assignment: Assignment,
    articles: Before,
    defined: Set[tuple[str, str]],
) -> tuple[set[str], set[str]]:
    """The forms whose shares or says may differ from ``basis``'s, and the cluster roots whose
    anchor or defined forms do. ``articles``: the articles the batch changed, with what they
    listed before: their forms' mentions are counted anew (and a form's languages, part of its
    say, change only with the lists of these articles)."""
    lists = names.corpus.lists
    forms: set[str] = set()
    for article, (listed, _lang) in articles.items():
        forms.update(listed or ())
        forms.update(lists.get(article, ()))
    forms.update(_moved(basis.default, assignment.default))
    forms.update(form for _article, form in _moved(basis.exceptions, assignment.exceptions))
    uf = names.uf
    nodes = _moved(basis.joined_by, uf.joined_by)
    nodes.update(_moved(basis.sources, names.sources))
    nodes.update(_moved(basis.node_langs, names.node_langs))
    roots = _moved(basis.anchor, uf.anchor)
    roots.update(root for root, _form in basis.defined ^ defined)
    if nodes:
        forms.update(form for form, key in names.effective.items() if node(key) in nodes)
        for root, form in defined:  # a form only a text gives: its cluster holds it uncounted
            if form not in names.effective and node(parse(form).key) in nodes:
                forms.add(form)
                roots.add(root)
    return forms, roots
