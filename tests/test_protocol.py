"""Reading protocol requests: which operation, with which dataset, and what is refused."""

from __future__ import annotations

import pytest
from newsgraph.api.protocol import ProtocolParams, content_type
from newsgraph.errors import QueryError


def _params(*pairs: tuple[str, str]) -> ProtocolParams:
    params = ProtocolParams()
    params.add(list(pairs))
    return params


def test_a_query_with_its_dataset() -> None:
    params = _params(("query", "ASK {}"), ("default-graph-uri", "http://a"),
                     ("named-graph-uri", "http://b"), ("named-graph-uri", "http://c"),
                     ("format", "json"))  # fmt: skip
    assert params.operation("GET") == ("query", "ASK {}")
    assert params.default_graphs == ["http://a"]
    assert params.named_graphs == ["http://b", "http://c"]


def test_an_update_with_its_dataset() -> None:
    params = _params(("update", "CLEAR ALL"), ("using-graph-uri", "http://a"),
                     ("using-named-graph-uri", "http://b"))  # fmt: skip
    assert params.operation("POST") == ("update", "CLEAR ALL")
    assert params.using_graphs == ["http://a"] and params.using_named_graphs == ["http://b"]


@pytest.mark.parametrize(
    ("pairs", "method", "message"),
    [
        ([("query", "ASK {}"), ("update", "CLEAR ALL")], "POST", "not both"),
        ([("query", "ASK {}"), ("query", "ASK {}")], "GET", "not several"),
        ([("update", "CLEAR ALL"), ("update", "CLEAR ALL")], "POST", "not several"),
        ([("update", "CLEAR ALL")], "GET", "POST"),
        ([("update", "CLEAR ALL"), ("default-graph-uri", "http://a")], "POST", "for queries"),
        ([("query", "ASK {}"), ("using-graph-uri", "http://a")], "GET", "for updates"),
        ([("format", "json")], "POST", "missing"),
    ],
)
def test_refused(pairs: list[tuple[str, str]], method: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        _params(*pairs).operation(method)


def test_no_operation_is_empty() -> None:
    assert _params(("format", "json")).is_empty and not _params(("query", "")).is_empty


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("application/sparql-query", ("application/sparql-query", None)),
        ("Application/SPARQL-Query; Charset=UTF-8", ("application/sparql-query", "utf-8")),
        ("application/x-www-form-urlencoded;charset=\"utf-16\"",
         ("application/x-www-form-urlencoded", "utf-16")),
        ("", ("", None)),
    ],
)  # fmt: skip
def test_content_type(header: str, expected: tuple[str, str | None]) -> None:
    assert content_type(header) == expected
