"""What a batch may have changed of the entities: the forms and clusters to draft again.

An entity is drafted (:func:`graph.linking.entities.build`) from its cluster's members — each
form's *shares*: the mentions its name-level link gives the cluster, and those story-level
rules give it — the rule-made links, the cluster's anchor, the forms a text defines for it
(:mod:`graph.linking.defined`, kept up to date there), and each form's say (what the name level
knows of the form). A :class:`Basis` keeps what the last resolution read of these;
:func:`changed_since` compares it with the new resolution's and names the forms whose shares or
says may differ (those of the batch's articles, those whose links or name-level facts changed)
and the clusters whose anchor or defined forms did. Every other form
and cluster is as it was, so its shares and its draft are kept.

What is compared grows with the batch, not with the store, where the resolution follows the
last one: the default links' table and the story-level exceptions, changed in place, name the
entries they changed (:attr:`graph.linking.mentions.Assignment.moved`,
:attr:`~graph.linking.mentions.Assignment.exceptions_moved`), and a name level linked again by
components (:class:`graph.linking.components.Moved`) changed the tables of its nodes only at
the nodes of those components. Otherwise the tables are compared whole, each in one pass.
``tests/test_resolve_since.py`` holds the entities so made to those of a resolution from
scratch.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import Any

from newsgraph.linking.defined import DefinedForms
from newsgraph.linking.listing import Before
from newsgraph.linking.mentions import Assignment, Link
from newsgraph.linking.names import NameLevel, node

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


def basis_of(names: NameLevel, assignment: Assignment) -> Basis:
    uf = names.uf
    return Basis(
        assignment.default, assignment.exceptions, uf.joined_by, names.sources,
        names.node_langs, uf.anchor,
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
    defined: DefinedForms,
    redefined: Set[str],
) -> tuple[set[str], set[str]]:
    """The forms whose shares or says may differ from ``basis``'s, and the cluster roots whose
    anchor or defined forms do. ``articles``: the articles the batch changed, with what they
    listed before: their forms' mentions are counted anew (and a form's languages, part of its
    say, change only with the lists of these articles). ``defined``: the forms texts define,
    up to date; ``redefined``: the roots whose defined forms changed."""
    lists = names.corpus.lists
    forms: set[str] = set()
    for article, (listed, _lang) in articles.items():
        forms.update(listed or ())
        forms.update(lists.get(article, ()))
    if assignment.moved is not None and assignment.default is basis.default:
        forms.update(assignment.moved)  # the table was changed in place: where, it says
    else:
        forms.update(_moved(basis.default, assignment.default))
    if assignment.exceptions_moved is not None and assignment.exceptions is basis.exceptions:
        forms.update(form for _article, form in assignment.exceptions_moved)
    else:
        forms.update(form for _article, form in _moved(basis.exceptions, assignment.exceptions))
    uf, moved = names.uf, names.moved
    tables = (
        (basis.joined_by, uf.joined_by), (basis.sources, names.sources),
        (basis.node_langs, names.node_langs),
    )  # fmt: skip
    if moved is None:
        nodes = set().union(*(_moved(old, new) for old, new in tables))
        roots = _moved(basis.anchor, uf.anchor)
    else:  # the name level was linked again by components: only their nodes may have moved
        nodes = {n for n in moved.nodes if any(_differs(old, new, n) for old, new in tables)}
        roots = {n for n in moved.nodes if _differs(basis.anchor, uf.anchor, n)}
    roots.update(redefined)
    if nodes:
        effective = names.effective
        # a form's node is its component's: the forms of the components linked again hold
        # every node that moved (and a form a story rule parsed late may share one)
        near = effective if moved is None else [*moved.forms, *names.late]
        for form in near:
            key = effective.get(form)
            if key is not None and node(key) in nodes:
                forms.add(form)
        for root, form in defined.given_at(nodes):  # a form only a text gives: its cluster
            if form not in effective:  # holds it uncounted
                forms.add(form)
                roots.add(root)
    return forms, roots


def _differs(old: Mapping[Any, Any], new: Mapping[Any, Any], key: Any) -> bool:
    return old.get(key, _MISSING) != new.get(key, _MISSING)
