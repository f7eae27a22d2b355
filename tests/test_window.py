"""The window of an analysis (graph/cooccurrence/window.py): bounds, inclusion, bindings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from newsgraph.cooccurrence.window import Window, parse_bound
from newsgraph.errors import QueryError


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2025", False, datetime(2025, 1, 1, tzinfo=UTC)),
        ("2025-02", True, datetime(2025, 2, 28, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2024-02", True, datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2025-12", True, datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2025-03-31", True, datetime(2025, 3, 31, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2025-03-31 10:00:00", False, datetime(2025, 3, 31, 10, tzinfo=UTC)),
    ],
)
def test_bounds(text: str, end: bool, expected: datetime) -> None:
    assert parse_bound(text, end=end) == expected


@pytest.mark.parametrize("text", ["March", "2025-13", "2025-02-30", "", "31/03/2025"])
def test_bad_bounds_name_the_value(text: str) -> None:
    with pytest.raises(QueryError, match="is not a date"):
        parse_bound(text)


def test_since_after_until_is_refused() -> None:
    with pytest.raises(QueryError, match="after --until"):
        Window(since=parse_bound("2025-04"), until=parse_bound("2025-03", end=True))


def test_bindings_are_typed_terms() -> None:
    window = Window(since=parse_bound("2025-02-01"), topic="http://x.example/topic/a")
    bindings = window.bindings()
    assert str(bindings["since"]) == (
        '"2025-02-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>'
    )
    assert str(bindings["topic"]) == "<http://x.example/topic/a>"
    assert window.admits("2025-02-01T00:00:00Z") and not window.admits("2025-01-31T23:59:59Z")
