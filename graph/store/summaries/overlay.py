"""Summaries kept current by what each write changed, without reading the store again.

A full build (:func:`graph.store.summaries.index.build`) reads every article; after a write,
the keeper instead reads again only the articles and subjects the write's unit noted
(:mod:`graph.store.changes`) from the newest snapshot, and lays them over the last full build:
an :class:`Overlaid` answers from the build for every article the writes since did not touch
and from the statements read again for those they did. Its answers are those a full build of
the newest snapshot gives — the same rows, in the same order — or it declines (the engine
answers): when the build declined the entity, when an article read again has two headlines or
dates or a date the summaries do not read, or when a date read again is an instant another
article spells otherwise (then every entity is left to the engine until the next full build).

Enforced by ``tests/test_summaries_incremental.py``: after every batch of a trickle, the
overlaid summaries answer every entity as a full build of the same snapshot does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pyoxigraph as ox
from newsgraph import queries
from newsgraph.store.summaries.dates import instant, month
from newsgraph.store.summaries.index import (
    DATE_PUBLISHED,
    DATE_TIME,
    HEADLINE,
    MENTIONS,
    NAME,
    Row,
    Summaries,
    Term,
    Value,
    compact,
    expand,
)

__all__ = ["Overlaid", "Statements", "read_statements"]

_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
#: Subjects bound per query.
_CHUNK = 500


@dataclass
class Statements:
    """What a snapshot states about one subject, once per graph stating it."""

    mentions: list[Term] = field(default_factory=list)
    headlines: list[Term] = field(default_factory=list)
    dates: list[Term] = field(default_factory=list)
    names: list[Term] = field(default_factory=list)


def read_statements(store: ox.Store, subjects: Iterable[str]) -> dict[str, Statements]:
    """The summarised statements about ``subjects`` (every one gets an entry, perhaps empty)."""
    found = {subject: Statements() for subject in subjects}
    ordered = sorted(found)
    slots = {MENTIONS.value: "mentions", HEADLINE.value: "headlines",
             DATE_PUBLISHED.value: "dates", NAME.value: "names"}  # fmt: skip
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        text = queries.bind(
            "summary-subject-statements", {"subject": [ox.NamedNode(iri) for iri in chunk]}
        )
        solutions = store.query(text, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        for subject, predicate, value in solutions:
            slot = slots.get(predicate.value)  # type: ignore[union-attr]
            if slot is not None:
                getattr(found[subject.value], slot).append(value)  # type: ignore[union-attr]
    return found


@dataclass
class _Article:
    """An article read again: its rows as :class:`Summaries` would hold them."""

    iri: str
    #: Entity IRIs, once per mention statement; ``odd``: a mention that is not an IRI.
    mentioned: list[str]
    odd: bool
    #: Its one headline and date when it has exactly one of each (else None).
    headline: Value
    date: str | None
    moment: int | None
    #: Listed by entity-articles, or makes its entities' answer the engine's.
    listable: bool
    awkward: bool
    #: Its month, and whether its dates make entity-mentions-per-month the engine's.
    month: str | None
    months_awkward: bool


def _article(iri: str, said: Statements) -> _Article:
    mentioned = [term.value for term in said.mentions if isinstance(term, ox.NamedNode)]
    odd = len(mentioned) != len(said.mentions)
    one_headline = len(said.headlines) == 1
    one_date = len(said.dates) == 1
    has_both = bool(said.headlines) and bool(said.dates)
    date = said.dates[0] if one_date else None
    moment = instant(date) if date is not None else None
    listable = has_both and one_headline and one_date and moment is not None
    label = month(date) if date is not None else None
    return _Article(
        iri=iri,
        mentioned=mentioned,
        odd=odd,
        headline=compact(said.headlines[0]) if one_headline else None,
        date=date.value if isinstance(date, ox.Literal) else None,
        moment=moment,
        listable=listable,
        awkward=has_both and not listable,
        month=label,
        months_awkward=bool(said.dates) and (not one_date or label is None),
    )


def _article_ids(base: Summaries) -> dict[str, int]:
    """The build's article IRI → its number (made once per build)."""
    if base.article_ids is None:
        base.article_ids = {iri: index for index, iri in enumerate(base.article_iris)}
    return base.article_ids


def _moment_order(base: Summaries) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[type-arg]
    """The build's articles in the order of their instants, and those instants (made once)."""
    if base.moment_order is None:
        order = np.argsort(base.moments, kind="stable")
        base.moment_order = (order, base.moments[order])
    return base.moment_order


class Overlaid:
    """A full build, with the articles and entity names read again since laid over it."""

    def __init__(
        self,
        base: Summaries,
        generation: str | None,
        name: str | None,
        articles: dict[str, _Article],
        names: dict[str, tuple[Value, bool]],
    ) -> None:
        self.base = base
        self.generation = generation
        self.name = name
        self.articles = articles
        self.names = names
        known = _article_ids(base)
        ids = [known.get(iri) for iri in articles]
        self._masked = np.array(sorted(i for i in ids if i is not None), dtype=np.int64)
        self._by_entity: dict[str, list[_Article]] = {}
        for article in articles.values():
            for entity in article.mentioned:
                self._by_entity.setdefault(entity, []).append(article)
        self.poisoned = self._spelled_twice()

    @classmethod
    def over(
        cls, base: Summaries | Overlaid, generation: str | None, name: str | None,
        statements: dict[str, Statements],
    ) -> Overlaid:  # fmt: skip
        """``base`` with the subjects of ``statements`` read again (articles and entities)."""
        articles = dict(base.articles) if isinstance(base, Overlaid) else {}
        names = dict(base.names) if isinstance(base, Overlaid) else {}
        full = base.base if isinstance(base, Overlaid) else base
        for subject, said in statements.items():
            articles[subject] = _article(subject, said)
            values = [compact(term) for term in said.names]
            names[subject] = (values[-1] if values else None, len(values) > 1)
        return cls(full, generation, name, articles, names)

    def unnamed(self) -> set[str]:
        """Entities mentioned by articles read again whose names neither the build nor a
        reading knows (their names are read before the overlay is used)."""
        known = self.base.entity_ids
        return {e for e in self._by_entity if e not in known and e not in self.names}

    @property
    def size(self) -> int:
        return len(self.articles)

    def _spelled_twice(self) -> bool:
        """Whether an instant of a listable article read again is spelled otherwise by
        another listable article (the build's, unless read again, or one read again)."""
        base = self.base
        seen: dict[int, str] = {}
        for article in self.articles.values():
            moment, date = article.moment, article.date
            if (
                article.listable
                and moment is not None
                and date is not None
                and (seen.setdefault(moment, date) != date)
            ):
                return True
        if not seen:
            return False
        order, ordered = _moment_order(base)
        moments = np.fromiter(seen, dtype=np.int64)
        starts = np.searchsorted(ordered, moments, side="left")
        ends = np.searchsorted(ordered, moments, side="right")
        masked = set(self._masked.tolist())
        for moment, start, end in zip(
            moments.tolist(), starts.tolist(), ends.tolist(), strict=True
        ):
            for other in order[start:end].tolist():
                if other not in masked and base.dates[other] not in (None, seen[moment]):
                    return True
        return False

    # -- answers ---------------------------------------------------------------------------------

    def _base_id(self, entity: str) -> int | None:
        return self.base.entity_ids.get(entity)

    def _kept(self, articles: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
        return articles[~np.isin(articles, self._masked)] if len(self._masked) else articles

    def entity_articles(self, entity: str, limit: int | None) -> list[Row] | None:
        if self.poisoned:
            return None
        base, e = self.base, self._base_id(entity)
        keyed: list[tuple[int, str, Row]] = []
        if e is not None:
            if base.articles_declined[e]:
                return None
            chosen = self._kept(base.listed[base.listed_start[e] : base.listed_start[e + 1]])
            for a in chosen[:limit].tolist():
                iri = base.article_iris[a]
                row = (ox.NamedNode(iri), expand(base.headlines[a]),
                       ox.Literal(base.dates[a] or "", datatype=DATE_TIME))  # fmt: skip
                keyed.append((-int(base.moments[a]), iri, row))
        for article in self._by_entity.get(entity, ()):
            if article.awkward:
                return None
            if article.listable and article.moment is not None:
                row = (ox.NamedNode(article.iri), expand(article.headline),
                       ox.Literal(article.date or "", datatype=DATE_TIME))  # fmt: skip
                keyed.append((-article.moment, article.iri, row))
        keyed.sort(key=lambda item: (item[0], item[1]))
        return [row for _m, _i, row in keyed[:limit]]

    def _articles_of(self, entity: str) -> tuple[np.ndarray, list[_Article]] | None:  # type: ignore[type-arg]
        """The build's distinct articles of ``entity`` not read again, and those read again
        (None: the build declined it)."""
        base, e = self.base, self._base_id(entity)
        articles = np.zeros(0, dtype=np.int64)
        if e is not None:
            articles = self._kept(
                base.articles_of[base.articles_start[e] : base.articles_start[e + 1]]
            )
        again = list({id(a): a for a in self._by_entity.get(entity, ())}.values())
        return articles, again

    def entity_comentions(self, entity: str, limit: int | None) -> list[Row] | None:
        if self.poisoned:
            return None
        base, e = self.base, self._base_id(entity)
        if e is not None and base.comentions_declined[e]:
            return None
        found = self._articles_of(entity)
        assert found is not None
        articles, again = found
        starts = base.entities_start[articles]
        lengths = base.entities_start[articles + 1] - starts
        offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        named = base.entities_of[np.arange(int(lengths.sum())) + offsets]
        counts = np.bincount(named, minlength=len(base.entity_iris))
        extra: Counter[str] = Counter()
        for article in again:
            if article.odd:
                return None
            extra.update(set(article.mentioned))
        for other, count in extra.items():
            index = base.entity_ids.get(other)
            if index is not None:
                counts[index] += count
                extra[other] = 0
        if e is not None:
            counts[e] = 0
        extra[entity] = 0
        others = np.flatnonzero(counts)
        ordered = others[np.lexsort((base.entity_rank[others], -counts[others]))][:limit]
        keyed = [(-int(counts[o]), base.entity_iris[o]) for o in ordered.tolist()]
        keyed += [(-count, iri) for iri, count in extra.items() if count]
        keyed.sort()
        rows: list[Row] = []
        for negative, iri in keyed[:limit]:
            name = self._name(iri)
            if name is None:
                return None
            number = ox.Literal(str(-negative), datatype=_INTEGER)
            rows.append((ox.NamedNode(iri), expand(name[0]), number))
        return rows

    def _name(self, iri: str) -> tuple[Value, bool] | None:
        """An entity's one name (None when it has several: the engine orders those)."""
        named = self.names.get(iri)
        if named is None:
            index = self.base.entity_ids.get(iri)
            if index is None:
                return None
            named = (self.base.names[index], bool(self.base.many_names[index]))
        return None if named[1] else named

    def entity_months(self, entity: str, limit: int | None) -> list[Row] | None:
        if self.poisoned:
            return None
        base, e = self.base, self._base_id(entity)
        if e is not None and base.months_declined[e]:
            return None
        found = self._articles_of(entity)
        assert found is not None
        articles, again = found
        placed = base.month_of[articles]
        counts: Counter[str] = Counter()
        for index, count in enumerate(
            np.bincount(placed[placed >= 0], minlength=len(base.months)).tolist()
        ):
            if count:
                counts[base.months[index]] += count
        for article in again:
            if article.months_awkward:
                return None
            if article.month is not None:
                counts[article.month] += 1
        return [
            (ox.Literal(label), ox.Literal(str(counts[label]), datatype=_INTEGER))
            for label in sorted(counts)[:limit]
        ]
