"""Per-entity summaries of one read snapshot: the answers of the entity queries without a join.

Built from three predicates of the union of all graphs (``schema:mentions``, ``schema:headline``,
``schema:datePublished``) and the entities' ``schema:name``, it holds per entity the articles
that mention it in the order of ``entity-articles`` (newest first, then by IRI), per article
the entities it mentions, so that ``entity-comentions`` is one count over an entity's articles,
and per article the month of its date, so that ``entity-mentions-per-month`` is one count too.

The answers are the engine's answers, row for row: the union keeps duplicates, so a triple
stated in two graphs yields its row twice here too. Where the engine's order would not be fixed
by the query's ORDER BY (an article with two headlines or two dates; dates the summaries do not
read as instants; a co-mentioned entity with two names; blank nodes or literals in mentions;
for the months, an article with two dates or a date the summaries do not read exactly as the
engine's ``YEAR``/``MONTH`` would), the summaries decline to answer that entity and the engine
answers it instead. Which dates they read, and why that reading is the engine's, is
:mod:`graph.store.summaries.dates`; an IRI they cannot write again (a leniently loaded store may hold
one pyoxigraph refuses to make) also leaves the answer to the engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyoxigraph as ox
from newsgraph import queries
from newsgraph.cooccurrence.arrays import distinct
from newsgraph.store.summaries.dates import instant, month
from newsgraph.vocab.namespaces import SCHEMA, XSD

__all__ = ["Row", "Summaries", "build"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = tuple[Term | None, ...]
#: A term as the summaries keep it: a plain string literal as its text (see :func:`compact`).
Value = Term | str | None
Ints = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]

MENTIONS = ox.NamedNode(SCHEMA + "mentions")
HEADLINE = ox.NamedNode(SCHEMA + "headline")
DATE_PUBLISHED = ox.NamedNode(SCHEMA + "datePublished")
NAME = ox.NamedNode(SCHEMA + "name")
DATE_TIME = ox.NamedNode(XSD + "dateTime")
_STRING = XSD + "string"
_INTEGER = ox.NamedNode(XSD + "integer")


def compact(term: Term) -> Value:
    """A plain string literal as its text (smaller, and quick to hand between processes)."""
    if isinstance(term, ox.Literal) and term.language is None and term.datatype.value == _STRING:
        return term.value
    return term


def expand(value: Value) -> Term | None:
    """The term :func:`compact` made ``value`` from."""
    return ox.Literal(value) if isinstance(value, str) else value


@dataclass
class Summaries:
    """The summaries of the snapshot ``generation`` (a version's tag; ``name``: the snapshot's
    name)."""

    generation: str | None
    entity_ids: dict[str, int]
    entity_iris: list[str]
    #: Each entity's position in IRI order (the queries' tie-break).
    entity_rank: Ints
    #: The entity's one ``schema:name`` (None: none), and whether it has several.
    names: list[Value]
    many_names: Flags
    article_iris: list[str]
    headlines: list[Value]
    #: The lexical form of each listed article's ``xsd:dateTime``.
    dates: list[str | None]
    #: entity → its mentions (one per quad) by articles with one headline and one date, in the
    #: order of ``entity-articles``: ``listed[listed_start[e]:listed_start[e + 1]]``.
    listed_start: Ints
    listed: Ints
    #: entity → the distinct articles that mention it; article → the distinct entities it names.
    articles_start: Ints
    articles_of: Ints
    entities_start: Ints
    entities_of: Ints
    #: Each article's month as an index into ``months`` (sorted as the query orders them);
    #: -1 for an article without a date.
    month_of: Ints
    months: list[str]
    #: Entities whose answers the engine must give (see the module's docstring).
    articles_declined: Flags
    comentions_declined: Flags
    months_declined: Flags
    #: Each listed article's instant (microseconds since the epoch; 0 for the others).
    moments: Ints
    name: str | None = None
    #: Made when first needed by :mod:`graph.store.summaries.overlay` (never sent between
    #: processes): article IRI → number, and the articles in the order of their instants.
    article_ids: dict[str, int] | None = None
    moment_order: tuple[Ints, Ints] | None = None

    def entity_articles(self, entity: str, limit: int | None) -> list[Row] | None:
        """``entity-articles`` for ``entity``: (article, headline, date) rows, or None to decline."""
        e = self.entity_ids.get(entity)
        if e is None:
            return []
        if self.articles_declined[e]:
            return None
        chosen = self.listed[self.listed_start[e] : self.listed_start[e + 1]][:limit]
        return [
            (
                ox.NamedNode(self.article_iris[a]),
                expand(self.headlines[a]),
                ox.Literal(self.dates[a] or "", datatype=DATE_TIME),
            )
            for a in chosen.tolist()
        ]

    def entity_comentions(self, entity: str, limit: int | None) -> list[Row] | None:
        """``entity-comentions`` for ``entity``: (other, name, count) rows, or None to decline."""
        e = self.entity_ids.get(entity)
        if e is None:
            return []
        if self.comentions_declined[e]:
            return None
        articles = self.articles_of[self.articles_start[e] : self.articles_start[e + 1]]
        starts = self.entities_start[articles]
        lengths = self.entities_start[articles + 1] - starts
        offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        named = self.entities_of[np.arange(int(lengths.sum())) + offsets]
        counts = np.bincount(named, minlength=len(self.entity_iris))
        counts[e] = 0
        others = np.flatnonzero(counts)
        ordered = others[np.lexsort((self.entity_rank[others], -counts[others]))]
        rows: list[Row] = []
        for other in ordered[:limit].tolist():
            if self.many_names[other]:
                return None
            count = ox.Literal(str(int(counts[other])), datatype=_INTEGER)
            rows.append((ox.NamedNode(self.entity_iris[other]), expand(self.names[other]), count))
        return rows

    def entity_months(self, entity: str, limit: int | None) -> list[Row] | None:
        """``entity-mentions-per-month`` for ``entity``: (month, count) rows, or None to decline."""
        e = self.entity_ids.get(entity)
        if e is None:
            return []
        if self.months_declined[e]:
            return None
        placed = self.month_of[
            self.articles_of[self.articles_start[e] : self.articles_start[e + 1]]
        ]
        counts = np.bincount(placed[placed >= 0], minlength=len(self.months))
        return [
            (ox.Literal(self.months[m]), ox.Literal(str(int(counts[m])), datatype=_INTEGER))
            for m in np.flatnonzero(counts)[:limit].tolist()
        ]


class _Builder:
    """Reads the snapshot once and assembles :class:`Summaries`."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.entity_ids: dict[str, int] = {}
        self.article_ids: dict[str, int] = {}
        self.pairs: list[int] = []  # article, entity, article, entity, ...
        self.odd_articles: set[int] = set()  # a mention that is not an IRI
        self.odd_entities: set[int] = set()  # mentioned by a blank node

    def statements(self, predicate: ox.NamedNode) -> Iterator[tuple[Term, Term]]:
        """Every (subject, object) of ``predicate`` in the union, once per graph stating it."""
        text = queries.bind("summary-statements", {"predicate": predicate})
        solutions = self.store.query(text, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        for solution in solutions:
            yield solution[0], solution[1]  # type: ignore[misc]

    def read_mentions(self) -> None:
        entity_ids, article_ids, pairs = self.entity_ids, self.article_ids, self.pairs
        blank_subject: list[ox.NamedNode] = []
        for subject, entity in self.statements(MENTIONS):
            if not isinstance(subject, ox.NamedNode):
                if isinstance(entity, ox.NamedNode):
                    blank_subject.append(entity)
                continue
            article = article_ids.setdefault(subject.value, len(article_ids))
            if isinstance(entity, ox.NamedNode):
                pairs += (article, entity_ids.setdefault(entity.value, len(entity_ids)))
            else:
                self.odd_articles.add(article)
        self.odd_entities = {
            entity_ids.setdefault(node.value, len(entity_ids)) for node in blank_subject
        }

    def read_values(
        self, predicate: ox.NamedNode, ids: dict[str, int]
    ) -> tuple[list[Value], Flags]:
        """Each subject's one value of ``predicate`` (None: none) for the subjects in ``ids``,
        and which have several distinct values or one stated in several graphs."""
        values: list[Value] = [None] * len(ids)
        several = np.zeros(len(ids), dtype=np.bool_)
        for subject, term in self.statements(predicate):
            index = ids.get(subject.value) if isinstance(subject, ox.NamedNode) else None
            if index is None:
                continue
            if values[index] is not None:
                several[index] = True
            values[index] = compact(term)
        return values, several

    def date_order(self, dates: list[Value], listable: Flags) -> tuple[Ints, Flags, Ints]:
        """Each listable article's place in ``ORDER BY DESC(?date) ?article`` (else -1),
        which listable articles have a date the summaries cannot place: not an instant, or an
        instant spelled two ways in the store (the engine then decides their order), and each
        placed article's instant."""
        article_iris = list(self.article_ids)
        moments: dict[int, int] = {}
        spellings: dict[int, set[str]] = {}
        for article, date in enumerate(dates):
            if date is None or not listable[article]:
                continue
            moment = instant(date)
            if moment is not None:
                moments[article] = moment
                spellings.setdefault(moment, set()).add(str(date))
        unplaceable = listable.copy()
        keyed: list[tuple[int, str, int]] = []
        for article, moment in moments.items():
            if len(spellings[moment]) == 1:
                unplaceable[article] = False
                keyed.append((-moment, article_iris[article], article))
        keyed.sort()
        place = np.full(len(article_iris), -1, dtype=np.int64)
        instants = np.zeros(len(article_iris), dtype=np.int64)
        for position, (moment, _, article) in enumerate(keyed):
            place[article] = position
            instants[article] = -moment
        return place, unplaceable, instants

    def finish(self, generation: str | None, name: str | None = None) -> Summaries:
        entity_count, article_count = len(self.entity_ids), len(self.article_ids)
        pairs = np.array(self.pairs, dtype=np.int64).reshape(-1, 2)
        article, entity = pairs[:, 0], pairs[:, 1]
        headlines, many_headlines = self.read_values(HEADLINE, self.article_ids)
        dates, many_dates = self.read_values(DATE_PUBLISHED, self.article_ids)
        names, many_names = self.read_values(NAME, self.entity_ids)
        has_both = np.array(
            [h is not None and d is not None for h, d in zip(headlines, dates, strict=True)],
            dtype=np.bool_,
        )
        place, unplaceable, instants = self.date_order(
            dates, has_both & ~many_headlines & ~many_dates
        )
        awkward = (has_both & (many_headlines | many_dates)) | unplaceable
        articles_declined = np.zeros(entity_count, dtype=np.bool_)
        articles_declined[entity[awkward[article]]] = True
        articles_declined[list(self.odd_entities)] = True
        comentions_declined = np.zeros(entity_count, dtype=np.bool_)
        odd = np.zeros(article_count, dtype=np.bool_)
        odd[list(self.odd_articles)] = True
        comentions_declined[entity[odd[article]]] = True
        comentions_declined[list(self.odd_entities)] = True
        month_of, months, unreadable = _months(dates, many_dates)
        months_declined = np.zeros(entity_count, dtype=np.bool_)
        months_declined[entity[unreadable[article]]] = True
        months_declined[list(self.odd_entities)] = True

        listable = place[article] >= 0
        order = np.lexsort((place[article[listable]], entity[listable]))
        listed = article[listable][order]
        listed_start = _starts(entity[listable][order], entity_count)

        mentioned = distinct(article * max(entity_count, 1) + entity)
        by_article = mentioned // max(entity_count, 1), mentioned % max(entity_count, 1)
        entities_start = _starts(by_article[0], article_count)
        by_entity = np.lexsort((by_article[0], by_article[1]))
        articles_start = _starts(by_article[1][by_entity], entity_count)

        entity_iris = list(self.entity_ids)
        entity_rank = np.empty(entity_count, dtype=np.int64)
        entity_rank[sorted(range(entity_count), key=entity_iris.__getitem__)] = np.arange(
            entity_count
        )
        return Summaries(
            generation=generation,
            entity_ids=self.entity_ids,
            entity_iris=entity_iris,
            entity_rank=entity_rank,
            names=names,
            many_names=many_names,
            article_iris=list(self.article_ids),
            headlines=headlines,
            dates=[
                date.value if isinstance(date, ox.Literal) and place[index] >= 0 else None
                for index, date in enumerate(dates)
            ],
            listed_start=listed_start,
            listed=listed,
            articles_start=articles_start,
            articles_of=by_article[0][by_entity],
            entities_start=entities_start,
            entities_of=by_article[1],
            month_of=month_of,
            months=months,
            articles_declined=articles_declined,
            comentions_declined=comentions_declined,
            months_declined=months_declined,
            moments=instants,
            name=name,
        )


def _months(dates: list[Value], many_dates: Flags) -> tuple[Ints, list[str], Flags]:
    """Each article's month (an index into the sorted months; -1: no date), the months, and
    which articles have a date the summaries cannot place in a month, or several dates."""
    labels = [None if date is None else month(date) for date in dates]
    months = sorted({label for label in labels if label is not None})
    index = {label: position for position, label in enumerate(months)}
    month_of = np.array([-1 if label is None else index[label] for label in labels], dtype=np.int64)
    unreadable = np.array(
        [date is not None and label is None for date, label in zip(dates, labels, strict=True)],
        dtype=np.bool_,
    )
    return month_of, months, unreadable | many_dates


def _starts(sorted_keys: Ints, count: int) -> Ints:
    """Where each key's run begins in ``sorted_keys`` (and, last, where the array ends)."""
    return np.searchsorted(sorted_keys, np.arange(count + 1)).astype(np.int64)


def build(store: ox.Store, generation: str | None = None, name: str | None = None) -> Summaries:
    """The summaries of ``store`` (a snapshot opened read-only, or any pyoxigraph store)."""
    builder = _Builder(store)
    builder.read_mentions()
    return builder.finish(generation, name)
