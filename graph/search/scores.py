"""``ng:score`` values put back as newsgraph bound them, where a server wrote them shorter.

A query using ``ng:matches`` reaches the engine with each match's BM25 score bound as an
``xsd:double`` (:mod:`.join`); the embedded store and an Oxigraph server answer it as bound,
character for character, but Virtuoso writes every double of an answer with six significant
digits (``14.627290725708008`` comes back as ``14.6273``). Its ordering and filters use the
whole value; only the answer's text is short. So newsgraph, which knows what it bound, puts the
whole value back (:func:`restore`).

In a row where the search's subject variable and its score variable are both bound, the score
is the one bound for that article (a match is one ``VALUES`` row: the server cannot have paired
them otherwise). Nothing else is touched: a double without its article beside it (an aggregate
of scores, a number the data holds) is the server's answer as written, even where it reads like
a bound score written short, since newsgraph cannot know it is one.

Enforced by ``tests/test_remote_search.py`` (Virtuoso's answers to joined queries, scores
included, equal the embedded store's).

>>> import pyoxigraph as ox
>>> row = {"a": ox.NamedNode("http://n/a/1"), "s": short(14.627290725708008)}
>>> restore([row], [("?a", "?s", [("http://n/a/1", 14.627290725708008)])])[0]["s"].value
'14.627290725708008'
>>> alone = {"best": short(14.627290725708008)}
>>> restore([alone], [("?a", "?s", [("http://n/a/1", 14.627290725708008)])])[0]["best"].value
'14.6273'
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox
from newsgraph.search.join import Bound
from newsgraph.store.base import Row

__all__ = ["restore", "short"]

_XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
#: The significant digits a server may write a double with (Virtuoso's).
_DIGITS = 6


def short(value: float) -> ox.Literal:
    """``value`` as Virtuoso writes a double: six significant digits.

    >>> short(14.627290725708008).value, short(2.5).value
    ('14.6273', '2.5')
    """
    return ox.Literal(f"{value:.{_DIGITS}g}", datatype=ox.NamedNode(_XSD_DOUBLE))


def _exact(value: float) -> ox.Literal:
    """The double as the embedded store writes the one :mod:`.join` bound (pyoxigraph's own
    form: at a tie of the last digit it may differ from Python's ``repr``)."""
    return ox.Literal(float(value))


def _written(term: object, value: float) -> bool:
    """Whether the double ``term`` is ``value``, whole or written short."""
    try:
        shown = float(term.value)  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return False
    return shown == value or shown == float(f"{value:.{_DIGITS}g}")


def _double(term: object) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value == _XSD_DOUBLE


def restore(rows: list[Row], bound: Sequence[Bound]) -> list[Row]:
    """The rows with the scores ``bound`` put back whole (see the module); changed in place."""
    pairs: dict[tuple[str, str], dict[str, list[float]]] = {}
    for subject, score, matches in bound:
        if score is None:
            continue
        held = pairs.setdefault((subject[1:], score[1:]), {})
        for iri, value in matches:
            held.setdefault(iri, []).append(value)
    if not pairs:
        return rows
    for row in rows:
        for (subject, score), held in pairs.items():
            term, article = row.get(score), row.get(subject)
            if not (_double(term) and isinstance(article, ox.NamedNode)):
                continue
            fitting = {value for value in held.get(article.value, ()) if _written(term, value)}
            if len(fitting) == 1:
                row[score] = _exact(fitting.pop())
    return rows
