"""A pair's months (graph/cooccurrence/timeseries.py)."""

from __future__ import annotations

from newsgraph.cooccurrence.timeseries import monthly_series, window_months
from newsgraph.cooccurrence.window import Window, parse_bound


def test_the_window_sets_the_range_and_empty_months_are_zero() -> None:
    window = Window(since=parse_bound("2024-11"), until=parse_bound("2025-02", end=True))
    first, last = window_months(window)
    rows = monthly_series({"2025-01": {"count": 2, "source": 3, "target": 2}}, first=first,
                          last=last)  # fmt: skip
    assert [r["month"] for r in rows] == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert [r["count"] for r in rows] == [0, 0, 2, 0]
    assert monthly_series({}) == []
