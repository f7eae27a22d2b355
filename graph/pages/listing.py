"""The list pages ``/entity/``, ``/topic/`` and ``/publisher/``: the resources articles link to,
searched by name, sorted by name or by number of articles, a page at a time.

A page is two named queries bound with the one binder: ``listed-resources`` with ``offset`` and
``limit`` (so the store never hands over more than a page), and ``listed-resources-count`` for
the total. The request comes from the query string and is checked here: a bad ``sort`` or
``page`` is a :class:`~graph.errors.QueryError` naming it.

>>> request = ListRequest.parse("entity", search=" kaz ", sort="name", page="2")
>>> request
ListRequest(kind='entity', search='kaz', sort='name', page=2)
>>> request.offset(PER_PAGE), request.params(page=3)
(100, {'search': 'kaz', 'sort': 'name', 'page': '3'})
>>> ListRequest.parse("topic", sort="date")
Traceback (most recent call last):
...
newsgraph.errors.QueryError: sort='date': sort by one of articles, name

Tested in tests/test_list_pages.py (the paging, search and sort against an oracle computed from
the records, over HTTP, with a browser) and the examples above.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.errors import QueryError
from newsgraph.pages import KINDS, Counted, counted
from newsgraph.store.base import Store, Term

__all__ = ["DEFAULT_SORT", "PER_PAGE", "SORTS", "ListPage", "ListRequest", "list_page"]

#: The orders a list page offers: most articles first, or by name.
SORTS = ("articles", "name")
DEFAULT_SORT = "articles"
PER_PAGE = 100
#: The longest search text taken (a name is shorter; a longer text would only cost).
MAX_SEARCH = 200


@dataclass(frozen=True)
class ListRequest:
    """Which page of which list: ``kind`` (entity, topic, publisher), the search text (``""``
    for all), the order and the page number (from 1)."""

    kind: str
    search: str = ""
    sort: str = DEFAULT_SORT
    page: int = 1

    @classmethod
    def parse(
        cls, kind: str, search: str | None = None, sort: str | None = None, page: str | None = None
    ) -> ListRequest:
        """The request of a query string's values (each may be missing or empty)."""
        if kind not in KINDS:
            raise QueryError(f"there is no list of {kind!r}; lists: {', '.join(KINDS)}")
        sort = sort or DEFAULT_SORT
        if sort not in SORTS:
            raise QueryError(f"sort={sort!r}: sort by one of {', '.join(SORTS)}")
        number = 1
        if page:
            if not page.isdigit() or int(page) < 1:
                raise QueryError(f"page={page!r}: a page is a whole number from 1")
            number = int(page)
        text = " ".join((search or "").split())
        if len(text) > MAX_SEARCH:
            raise QueryError(f"search: at most {MAX_SEARCH} characters, not {len(text)}")
        return cls(kind, text, sort, number)

    def offset(self, per_page: int) -> int:
        return (self.page - 1) * per_page

    def params(self, **changes: object) -> dict[str, str]:
        """The query-string values of this request with ``changes`` (defaults left out)."""
        values = {"search": self.search, "sort": self.sort, "page": str(self.page)} | {
            key: str(value) for key, value in changes.items()
        }
        if values["sort"] == DEFAULT_SORT:
            del values["sort"]
        if values["page"] == "1":
            del values["page"]
        return {key: value for key, value in values.items() if value}


@dataclass(frozen=True)
class ListPage:
    """One page of a list: its rows, how many match in all, and the pages around it."""

    request: ListRequest
    rows: list[Counted]
    total: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first(self) -> int:
        """The position (from 1) of the first row shown, 0 when there is none."""
        return self.request.offset(self.per_page) + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.request.offset(self.per_page) + len(self.rows)

    @property
    def previous(self) -> int | None:
        return min(self.request.page - 1, self.pages) if self.request.page > 1 else None

    @property
    def next(self) -> int | None:
        return self.request.page + 1 if self.request.page < self.pages else None


def _bindings(request: ListRequest) -> dict[str, Term]:
    bindings: dict[str, Term] = {"property": ox.NamedNode(KINDS[request.kind])}
    if request.search:
        bindings["search"] = ox.Literal(request.search)
    return bindings


def list_page(store: Store, request: ListRequest, per_page: int = PER_PAGE) -> ListPage:
    """The page ``request`` asks for (an empty one past the end, with the total)."""
    bindings = _bindings(request)
    total = store.count(queries.bind("listed-resources-count", bindings))
    rows: list[Counted] = []
    if request.offset(per_page) < total:
        ordered: dict[str, Term] = (
            {"byArticles": ox.Literal("yes")} if request.sort == "articles" else {}
        )
        text = queries.bind(
            "listed-resources",
            {**bindings, **ordered},
            offset=request.offset(per_page),
            limit=per_page,
        )
        rows = counted(list(store.select(text)), "resource")
    return ListPage(request, rows, total, per_page)
