"""The Python API for notebooks: ``kg = newsgraph.open(".newsgraph")`` and a handful of methods.

:func:`open` takes what ``--store`` takes (a store directory, or the URL of a SPARQL endpoint)
and gives a :class:`KnowledgeGraph`, a context manager that closes the store. Its methods take
the command line's code paths, so they give the commands' numbers:

* :meth:`KnowledgeGraph.sparql` — any query, values bound by :func:`newsgraph.queries.bind`;
* :meth:`KnowledgeGraph.query` — a named query (``newsgraph query --name``), its parameters
  given as IRIs or as names (``entity="Kazakhstan"``);
* :meth:`KnowledgeGraph.entity` — one entity by name, other name or IRI: its names, type,
  articles and mentions per month;
* :meth:`KnowledgeGraph.cooccurrence` — the network of ``newsgraph cooccur`` as a
  :class:`networkx.Graph` (with ``period=``, one graph of the periods' networks, as
  ``newsgraph cooccur --period`` writes it to GEXF);
* :meth:`KnowledgeGraph.trends` — ``newsgraph trends``: the rising entities per period;
* :meth:`KnowledgeGraph.search` — ``newsgraph search``: full-text search, best first, with the
  graph's filters (an entity, a topic);
* :meth:`KnowledgeGraph.ingest`, :meth:`KnowledgeGraph.export` — ``newsgraph ingest`` (of files
  or of records in memory) and ``newsgraph export``.

Queries answer a :class:`Result`: rows to iterate (dicts of Python values), and
:meth:`Result.to_pandas` for a DataFrame with typed columns. pandas is the optional extra
``newsgraph[pandas]``; without it everything but :meth:`Result.to_pandas` works.

The store is opened as the commands open it (:func:`newsgraph.store.open_store`): reads go to
the newest snapshot (so a store that ``newsgraph serve`` owns is read alongside it), and
:meth:`KnowledgeGraph.ingest` writes as ``newsgraph ingest`` does (borrowing the primary from a
server that owns the store). Tested in tests/test_workbench.py and, on the Reuters corpus, by
the notebook docs/notebooks/reuters.ipynb (tests/test_notebook.py).

>>> import tempfile, newsgraph
>>> from newsgraph.vocab import DIR
>>> folder = tempfile.mkdtemp()
>>> with newsgraph.open(folder + "/store", create=True, ingest_workers=1) as kg:
...     summary = kg.ingest([DIR / "sample"])
...     kazakhstan = kg.entity("Republic of Kazakhstan")
...     rows = kg.query("entity-mentions-per-month", entity="Kazakhstan")
...     G = kg.cooccurrence(entity="Kazakhstan")
>>> summary.rejected, summary.loaded == summary.articles
(0, True)
>>> kazakhstan.name, kazakhstan.type, kazakhstan.names
('Kazakhstan', 'Country', ('Kazakhstan', 'Republic of Kazakhstan'))
>>> kazakhstan.article_count == len(kazakhstan.articles) == sum(row["articles"] for row in rows)
True
>>> G.degree(kazakhstan.iri) == G.number_of_nodes() - 1
True
"""

from __future__ import annotations

import builtins
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import pyoxigraph as ox
from newsgraph import queries, resolve
from newsgraph.errors import QueryError
from newsgraph.settings import Settings, load_settings
from newsgraph.sparql import QueryRequest, results
from newsgraph.vocab.namespaces import SCHEMA, XSD

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd
    from newsgraph.export.exporter import ExportSummary
    from newsgraph.ingest import Summary
    from newsgraph.store.base import Store

__all__ = ["Article", "Entity", "KnowledgeGraph", "Result", "open"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
#: What ``open`` and ``ingest`` call themselves when a store names its writer.
WHO = "newsgraph.open"
#: The media types asked of the store per result kind (rows are read back into terms).
_MEDIA = {"solutions": results.JSON, "boolean": results.JSON, "graph": "application/n-triples"}
_INTEGERS = frozenset(
    XSD + name
    for name in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                 "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedLong",
                 "unsignedInt", "unsignedShort", "unsignedByte")
)  # fmt: skip
#: The columns of :meth:`KnowledgeGraph.search`.
_SEARCH_COLUMNS = ("rank", "article", "headline", "date", "lang", "score", "snippet")
_FLOATS = frozenset({XSD + "double", XSD + "float"})
_MOMENTS = frozenset({XSD + "dateTime", XSD + "dateTimeStamp", XSD + "date"})
_PANDAS_MISSING = (
    "Result.to_pandas needs pandas, which newsgraph installs as an extra: "
    "pip install 'newsgraph[pandas]'"
)


def open(store: str | os.PathLike[str] | None = None, *, create: bool = False,
         **settings: Any) -> KnowledgeGraph:  # fmt: skip
    """The knowledge graph in ``store``: a store directory or a SPARQL endpoint URL, as
    ``--store`` takes (default: ``NEWSGRAPH_STORE``, else ``.newsgraph``).

    ``settings`` are any other settings by name (``base=``, ``ingest_workers=``, ``store_user=``
    …, as in docs/settings.md), over the ``NEWSGRAPH_*`` environment. A directory that holds no
    store is :class:`~newsgraph.errors.StoreNotFound`, unless ``create`` (then
    :meth:`KnowledgeGraph.ingest` makes it, as ``newsgraph ingest`` does).
    """
    given = load_settings(store=None if store is None else os.fspath(store), **settings)
    return KnowledgeGraph(given, create=create)


# -- results -------------------------------------------------------------------------------------


def python_value(term: Term | None) -> Any:
    """A term as a Python value: an IRI as its text, a number as ``int``, ``Decimal`` or
    ``float``, an ``xsd:dateTime`` as an aware ``datetime`` (no zone: UTC), an ``xsd:date`` as a
    ``date``, a boolean as ``bool``, any other literal as its text; a lexical form its datatype
    does not allow stays text.

    >>> python_value(ox.Literal("42", datatype=ox.NamedNode(XSD + "integer")))
    42
    >>> python_value(ox.Literal("1987-03-02T10:00:00", datatype=ox.NamedNode(XSD + "dateTime")))
    datetime.datetime(1987, 3, 2, 10, 0, tzinfo=datetime.timezone.utc)
    >>> python_value(ox.NamedNode("http://x.example/a")), python_value(ox.Literal("oui", language="fr"))
    ('http://x.example/a', 'oui')
    >>> python_value(ox.Literal("many", datatype=ox.NamedNode(XSD + "integer")))
    'many'
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if not isinstance(term, ox.Literal):
        return str(term)
    kind, text = term.datatype.value, term.value
    try:
        if kind in _INTEGERS:
            return int(text)
        if kind == XSD + "decimal":
            return Decimal(text)
        if kind in _FLOATS:
            return float(text)
        if kind == XSD + "boolean":
            return {"true": True, "1": True, "false": False, "0": False}[text.strip()]
        if kind == XSD + "date":
            return date.fromisoformat(text)
        if kind in _MOMENTS:
            moment = datetime.fromisoformat(text)
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (ValueError, KeyError, InvalidOperation):
        return text
    return text


@dataclass(frozen=True)
class Result:
    """The answer to one query: ``variables`` and ``terms`` (one tuple of terms or None per
    row), ``kind`` (``solutions``, ``boolean`` or ``graph``: a graph's rows are its triples as
    subject, predicate, object) and, for ASK, ``boolean``.

    Iterating gives each row as a dict from variable to :func:`python_value` (unbound variables
    absent); :meth:`to_pandas` gives a DataFrame.

    >>> r = Result(("a", "n"), [(ox.NamedNode("http://x/a"), ox.Literal("1", datatype=ox.NamedNode(XSD + "integer")))])
    >>> list(r), len(r), r.column("n")
    ([{'a': 'http://x/a', 'n': 1}], 1, [1])
    """

    variables: tuple[str, ...]
    terms: list[tuple[Term | None, ...]]
    kind: str = "solutions"
    boolean: bool | None = None
    #: The rows there are in all, where they are a page of them (:meth:`KnowledgeGraph.search`).
    total: int | None = None

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for row in self.terms:
            yield {
                name: python_value(term)
                for name, term in zip(self.variables, row, strict=True)
                if term is not None
            }

    def __len__(self) -> int:
        return len(self.terms)

    def __bool__(self) -> bool:
        """An ASK's answer; otherwise whether there is a row."""
        return self.boolean if self.boolean is not None else bool(self.terms)

    def __repr__(self) -> str:
        if self.boolean is not None:
            return f"<Result ASK: {str(self.boolean).lower()}>"
        return f"<Result: {len(self)} rows of {', '.join(self.variables)}>"

    def column(self, name: str) -> list[Any]:
        """The Python values of one variable, row by row (None where unbound)."""
        index = self._index(name)
        return [python_value(row[index]) for row in self.terms]

    def _index(self, name: str) -> int:
        if name not in self.variables:
            raise QueryError(f"no variable {name!r} in the result; it has {list(self.variables)}")
        return self.variables.index(name)

    def to_pandas(self, *, languages: bool | Iterable[str] = False) -> pd.DataFrame:
        """A DataFrame with one typed column per variable:

        * ``xsd:dateTime`` and ``xsd:date`` → ``datetime64[ns, UTC]`` (a value without a zone
          is read as UTC);
        * integers → ``int64`` (``Int64`` where some rows are unbound); other numbers →
          ``float64``; booleans → ``bool`` (``boolean`` with unbound rows);
        * IRIs, blank nodes and every other literal → ``str``;
        * a column that mixes these kinds → ``object``, holding :func:`python_value`'s values.

        ``languages`` (True, or the variables to do it for) adds after each such column a column
        ``VAR_lang`` with each literal's language tag. Without pandas (the extra
        ``newsgraph[pandas]``) this raises ImportError naming the extra.
        """
        try:
            import pandas
        except ImportError:
            raise ImportError(_PANDAS_MISSING) from None
        tagged = set(self.variables) if languages is True else set(languages or ())
        for name in tagged:
            self._index(name)
        columns: dict[str, Any] = {}
        for index, name in enumerate(self.variables):
            terms = [row[index] for row in self.terms]
            columns[name] = _series(pandas, terms)
            if name in tagged:
                tags = [t.language if isinstance(t, ox.Literal) else None for t in terms]
                columns[f"{name}_lang"] = pandas.Series(tags, dtype="str")
        return pandas.DataFrame(columns, index=pandas.RangeIndex(len(self.terms)))


def _kind(term: Term) -> str:
    if isinstance(term, ox.Literal) and not term.language:
        datatype = term.datatype.value
        if datatype in _INTEGERS:
            return "integer"
        if datatype in _FLOATS or datatype == XSD + "decimal":
            return "number"
        if datatype in _MOMENTS:
            return "moment"
        if datatype == XSD + "boolean":
            return "boolean"
    return "text"


def _series(pandas: Any, terms: list[Term | None]) -> Any:
    """One column of typed values (see :meth:`Result.to_pandas`)."""
    present = [term for term in terms if term is not None]
    kinds = {_kind(term) for term in present}
    values = [python_value(term) for term in terms]
    if kinds == {"text"} or not kinds:
        return pandas.Series([None if v is None else str(v) for v in values], dtype="str")
    if any(isinstance(v, str) for v, t in zip(values, terms, strict=True) if t is not None):
        kinds.add("text")  # a lexical form its datatype does not allow
    missing = len(present) < len(terms)
    if kinds == {"integer"}:
        return pandas.Series(values, dtype="Int64" if missing else "int64")
    if kinds <= {"integer", "number"}:
        return pandas.Series([None if v is None else float(v) for v in values], dtype="float64")
    if kinds == {"boolean"}:
        return pandas.Series(values, dtype="boolean" if missing else "bool")
    if kinds == {"moment"}:
        moments = [_moment(v) for v in values]
        return pandas.to_datetime(pandas.Series(moments, dtype="object"), utc=True)
    return pandas.Series(values, dtype="object")


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime) or value is None:
        return value
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _result(response_body: bytes, kind: str) -> Result:
    """Read back what the store wrote in :data:`_MEDIA`'s formats."""
    if kind == "graph":
        triples = ox.parse(response_body, format=ox.RdfFormat.N_TRIPLES)
        rows = [(t.subject, t.predicate, t.object) for t in triples]
        return Result(("subject", "predicate", "object"), rows, "graph")  # type: ignore[arg-type]
    parsed = ox.parse_query_results(response_body, format=ox.QueryResultsFormat.JSON)
    if isinstance(parsed, ox.QueryBoolean):
        return Result((), [], "boolean", bool(parsed))
    names = tuple(variable.value for variable in parsed.variables)
    rows = [tuple(solution[i] for i in range(len(names))) for solution in parsed]
    return Result(names, rows)  # type: ignore[arg-type]


# -- entities ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    """An article that mentions an entity."""

    iri: str
    headline: str
    date: datetime


@dataclass(frozen=True)
class Entity:
    """One entity: ``name`` (its preferred name), every name (``names``: the preferred name
    first, then the other names, sorted), its ``types`` (IRIs) and ``type`` (the first, by its
    schema.org local name), ``articles`` (the newest 100 that mention it: the named query
    ``entity-articles``, as its page shows them), ``article_count`` (all of them) and ``months``
    (``YYYY-MM`` → the articles of that month: ``entity-mentions-per-month``)."""

    iri: str
    name: str
    names: tuple[str, ...]
    types: tuple[str, ...]
    articles: tuple[Article, ...] = ()
    months: dict[str, int] = field(default_factory=dict)

    @property
    def type(self) -> str | None:
        if not self.types:
            return None
        return self.types[0].removeprefix(SCHEMA)

    @property
    def article_count(self) -> int:
        return sum(self.months.values())


# -- the knowledge graph ---------------------------------------------------------------------------


class KnowledgeGraph:
    """A store opened for a notebook (see the module's docstring); make one with :func:`open`."""

    def __init__(self, settings: Settings, *, create: bool = False) -> None:
        self.settings = settings
        self._store: Store | None = None
        if not create:
            self._reading()  # a path that holds no store is an error now, as for the commands

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {self.settings.store}>"

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:  # fmt: skip
        self.close()

    def close(self) -> None:
        """Close the store (a later call opens it again)."""
        store, self._store = self._store, None
        if store is not None:
            store.close()

    def refresh(self) -> None:
        """Read what was written since the store was opened (by another process too)."""
        self.close()

    def _reading(self) -> Store:
        """The store opened for reading, as the commands open it."""
        if self._store is None:
            from newsgraph.store import open_store

            self._store = open_store(self.settings, what=WHO)
        return self._store

    # -- queries ---------------------------------------------------------------------------------

    def sparql(self, text: str, **bindings: queries.Value | int | float | bool | date) -> Result:
        """Run a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE) with ``bindings`` bound by
        :func:`newsgraph.queries.bind`: a term, text (an IRI when written as one), a number, a
        boolean, a date or date-time, or a list of them (the values a variable may take)."""
        if bindings:
            text = queries.bind(text, {key: _bindable(value) for key, value in bindings.items()})
        response = self._reading().execute(QueryRequest(text, media_types=dict(_MEDIA)))
        return _result(response.body, response.kind)

    def query(self, name: str, **params: str) -> Result:
        """Run the named query ``name`` (``newsgraph query --list``) with its parameters, each
        given as ``newsgraph query --param`` takes it: an entity or a topic by IRI or by name,
        as :func:`newsgraph.resolve.resolve_params` reads the kind the query declares."""
        store = self._reading()
        bound = resolve.resolve_params(store, name, params, self.settings.minter)
        return self.sparql(queries.bind(name, bound))

    def entity(self, text: str) -> Entity:
        """The entity ``text`` names: its IRI, a name or another name (exactly, else ignoring
        case), as :func:`newsgraph.resolve.entity_iri` finds it. A name of several entities is
        :class:`~newsgraph.resolve.AmbiguousName`, of none
        :class:`~newsgraph.resolve.UnknownName`: each lists its ``candidates``."""
        store = self._reading()
        iri = resolve.entity_iri(store, text)
        node = ox.NamedNode(iri)
        preferred: set[str] = set()
        other: set[str] = set()
        types: set[str] = set()
        for row in store.select(queries.load("entity-names"), {"entity": node}):
            for key, found in (("name", preferred), ("alternateName", other), ("type", types)):
                if key in row:
                    found.add(str(python_value(row[key])))
        name = min(preferred) if preferred else iri
        articles = tuple(
            Article(*(python_value(row[key]) for key in ("article", "headline", "date")))
            for row in store.select(queries.load("entity-articles"), {"entity": node})
        )
        months = {
            str(python_value(row["month"])): int(python_value(row["articles"]))
            for row in store.select(queries.load("entity-mentions-per-month"), {"entity": node})
        }
        names = (name, *sorted((preferred | other) - {name}))
        return Entity(iri, name, names, tuple(sorted(types)), articles, months)

    # -- analysis --------------------------------------------------------------------------------

    def cooccurrence(
        self,
        *,
        since: str | date | None = None,
        until: str | date | None = None,
        entity: str | None = None,
        topic: str | None = None,
        type: str | None = None,
        min_count: int = 1,
        weight: str = "count",
        backbone: float | None = None,
        analysed: bool = True,
        seed: int = 42,
        period: str | None = None,
    ) -> nx.Graph:
        """The co-occurrence network of ``newsgraph cooccur`` with the same options, every node
        and edge of it (``--top`` only cuts what the command shows).

        ``since``/``until`` are a year, month, date or date-time as text (``"1987-03"``; an
        ``until`` date takes in all of it) or a ``date``/``datetime``; ``entity`` (an ego
        network), ``topic`` and ``type`` are IRIs or names. Nodes are entity IRIs with
        ``label``, ``type`` and ``articles``; edges carry ``count``, ``npmi``, ``jaccard`` and
        ``weight`` (the measure ``weight`` names); ``analysed`` adds the node metrics
        (``strength``, ``pagerank``, ``betweenness``, ``community``). ``G.graph`` says what was
        counted (``articles``: N).

        With ``period`` (``"day"``, ``"week"`` or ``"month"``, in UTC) the graph holds the network
        of every period, as ``newsgraph cooccur --period`` writes it to GEXF
        (:func:`newsgraph.cooccurrence.dynamic.dynamic_graph`): each node and edge has
        ``spells`` (its periods, first and last day) and per-period values as lists of
        (value, first day, last day) — a node's ``articles``, an edge's ``count``, ``npmi``,
        ``jaccard`` and ``disparity``; no node metrics (``analysed`` is ignored).
        """
        from newsgraph.cooccurrence.network import NetworkOptions, build_network
        from newsgraph.cooccurrence.window import Window

        store = self._reading()
        window = Window(
            since=_bound(since, end=False),
            until=_bound(until, end=True),
            topic=resolve.topic_iri(store, topic, self.settings.minter) if topic else None,
            entity_type=resolve.type_iri(store, type) if type else None,
        )
        options = NetworkOptions(
            entity=resolve.entity_iri(store, entity) if entity else None, window=window,
            min_count=min_count, weight=weight, backbone=backbone, seed=seed,
        )  # fmt: skip
        if period is not None:
            from newsgraph.cooccurrence.dynamic import build_dynamic, dynamic_graph

            return dynamic_graph(build_dynamic(store, options, period))
        return build_network(store, options, analysed=analysed).graph

    def trends(
        self,
        *,
        period: str = "month",
        since: str | date | None = None,
        until: str | date | None = None,
        topic: str | None = None,
        type: str | None = None,
        top: int = 10,
        min_count: int = 3,
        history: int | None = None,
        entity: str | None = None,
    ) -> list[dict[str, Any]]:
        """The rows of ``newsgraph trends`` with the same options: per period, the entities
        whose share of articles rose most (``period``, ``entity``, ``name``, ``type``,
        ``articles``, ``period_articles``, ``share``, ``baseline``, ``score``); with ``entity``,
        that entity's timeline (``period``, ``articles``, ``period_articles``, ``share``,
        ``baseline``, ``score``, ``burst``). The statistic: docs/cooccurrence.md."""
        from newsgraph.cooccurrence import trends as rising
        from newsgraph.cooccurrence.window import Window

        store = self._reading()
        window = Window(
            since=_bound(since, end=False),
            until=_bound(until, end=True),
            topic=resolve.topic_iri(store, topic, self.settings.minter) if topic else None,
            entity_type=resolve.type_iri(store, type) if type else None,
        )
        options = rising.TrendOptions(kind=period, history=history, min_count=min_count, top=top)
        if entity is not None:
            return rising.timeline(store, resolve.entity_iri(store, entity), window, options)
        return rising.trends(store, window, options).rows

    def search(
        self,
        words: str,
        *,
        entity: str | None = None,
        topic: str | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
        lang: str | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> Result:
        """The articles holding ``words`` (the syntax of ``newsgraph search``: words ANDed,
        ``OR``, ``NOT word``, ``"a phrase"``, ``prefix*``), best first (BM25), as the command
        finds them: one row per article (``rank``, ``article``, ``headline``, ``date``,
        ``lang``, ``score``, ``snippet``, the matched words in ``[…]``). ``entity`` and
        ``topic`` (IRIs or names) keep the articles that mention the entity or are about the
        topic; ``since``/``until`` as :meth:`cooccurrence` takes them; ``limit`` 0 for all.
        ``Result.total`` is how many articles match in all. Needs a store on disk (its index:
        docs/search.md)."""
        from newsgraph.search import finding

        store = self._reading()
        wanted = finding.Search(
            text=words,
            since=_bound(since, end=False),
            until=_bound(until, end=True),
            entity=resolve.entity_iri(store, entity) if entity else None,
            topic=resolve.topic_iri(store, topic, self.settings.minter) if topic else None,
            lang=lang,
            limit=limit,
            offset=offset,
        )
        found = finding.find(store, finding.index_of(store), wanted)
        rows: list[tuple[Term | None, ...]] = [
            (
                ox.Literal(str(rank), datatype=ox.NamedNode(XSD + "integer")),
                ox.NamedNode(hit.iri),
                ox.Literal(hit.headline),
                ox.Literal(hit.date.isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))
                if hit.date
                else None,
                ox.Literal(hit.lang) if hit.lang else None,
                ox.Literal(repr(hit.score), datatype=ox.NamedNode(XSD + "double")),
                ox.Literal(finding.plain(hit.snippet)),
            )
            for rank, hit in enumerate(found.hits, start=offset + 1)
        ]
        return Result(_SEARCH_COLUMNS, rows, total=found.total)

    # -- writing ---------------------------------------------------------------------------------

    def ingest(
        self, source: str | os.PathLike[str] | Iterable[str | os.PathLike[str] | Mapping[str, Any]]
    ) -> Summary:
        """Ingest records as ``newsgraph ingest`` does: files and directories by path, or
        records (dicts with the fields of docs/records.md). A rejected record is counted in the
        summary's ``rejected`` and appended to the rejects file; records given in memory are
        located as ``records.jsonl:N``, N counting from 1. Reads then see what was written."""
        from newsgraph.ingest import handed, ingest
        from newsgraph.store import open_store

        items = [source] if isinstance(source, str | os.PathLike) else list(source)
        self.close()
        with tempfile.TemporaryDirectory(prefix="newsgraph-records-") as folder:
            paths = _paths(items, Path(folder) / "records.jsonl")
            ran = handed.to_server(paths, self.settings)
            if ran is not None:
                return ran[0]
            with open_store(self.settings, write=True, create=True, what=WHO) as store:
                return ingest(paths, store, self.settings)

    def export(
        self,
        out: str | os.PathLike[str] = "exports",
        *,
        since: str | None = None,
        changed_only: bool = False,
        site_url: str | None = None,
        jobs: int = 1,
        indent: int | None = None,
    ) -> ExportSummary:
        """``newsgraph export`` into ``out``: schema.org JSON-LD and HTML per article, the
        manifest and the sitemaps; the options are its flags (``jobs``: worker processes)."""
        import argparse

        from newsgraph.cli.export import options_from
        from newsgraph.export.exporter import export

        flags = argparse.Namespace(out=os.fspath(out), since=since, changed_only=changed_only,
                                   site_url=site_url, jobs=jobs, indent=indent)  # fmt: skip
        return export(self._reading(), self.settings, options_from(flags))


def _bindable(value: Any) -> Any:
    """A binding for :func:`newsgraph.queries.bind`: Python numbers, booleans and dates as
    typed literals; terms, text and lists of them as they are."""
    if isinstance(value, bool):
        return ox.Literal(str(value).lower(), datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(XSD + "double"))
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return ox.Literal(moment.isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))
    if isinstance(value, date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    if isinstance(value, list | tuple | set | frozenset):
        return [_bindable(item) for item in value]
    return value


def _bound(value: str | date | None, *, end: bool) -> datetime | None:
    """A ``since``/``until`` as ``--since``/``--until`` read it."""
    from newsgraph.cooccurrence.window import parse_bound

    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return parse_bound(value.isoformat(), end=end)
    return parse_bound(value, end=end)


def _paths(items: Sequence[Any], records_file: Path) -> list[str]:
    """The paths to ingest: those given, then one JSON Lines file of the records given."""
    paths = [os.fspath(item) for item in items if isinstance(item, str | os.PathLike)]
    records = [item for item in items if isinstance(item, Mapping)]
    other = [item for item in items if not isinstance(item, str | os.PathLike | Mapping)]
    if other:
        raise QueryError(
            f"ingest takes paths and records (dicts); not {builtins.type(other[0]).__name__}"
        )
    if records:
        with builtins.open(records_file, "w", encoding="utf-8") as handle:
            for item in records:
                handle.write(json.dumps(item, ensure_ascii=False, default=str) + "\n")
        paths.append(str(records_file))
    return paths
