"""A pair's time series: co-mentions per month, with every month in the range present.

Months are ``YYYY-MM`` as each article's ``datePublished`` states it (its own time zone).

>>> monthly_series({"1987-02": {"count": 1, "source": 2, "target": 1},
...                 "1987-04": {"count": 2, "source": 2, "target": 3}})[1]
{'month': '1987-03', 'count': 0, 'source': 0, 'target': 0}
>>> month_range("1987-11", "1988-02")
['1987-11', '1987-12', '1988-01', '1988-02']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newsgraph.cooccurrence.window import Window, format_bound

__all__ = ["month_range", "monthly_series", "window_months"]


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (``YYYY-MM``), both included.

    Parameters
    ----------
    first, last : str
        Months as ``YYYY-MM``.

    Returns
    -------
    list of str
        Empty when ``last`` comes before ``first``.

    Examples
    --------
    >>> month_range("2025-12", "2026-01")
    ['2025-12', '2026-01']
    """
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def window_months(window: Window) -> tuple[str | None, str | None]:
    """The first and last month a window's bounds name (None where unbounded)."""
    first = format_bound(window.since)[:7] if window.since else None
    last = format_bound(window.until)[:7] if window.until else None
    return first, last


def monthly_series(
    months: Mapping[str, Mapping[str, int]],
    *,
    first: str | None = None,
    last: str | None = None,
) -> list[dict[str, Any]]:
    """A pair's months as rows, with the months that have no articles given as zeros.

    Parameters
    ----------
    months : mapping
        ``YYYY-MM`` → ``{"count", "source", "target"}`` (as
        :func:`graph.cooccurrence.pair_months` returns).
    first, last : str, optional
        The range to cover (default: the first and the last month with data).

    Returns
    -------
    list of dict
        ``{"month", "count", "source", "target"}`` for every month of the range.

    Examples
    --------
    >>> monthly_series({"2025-03": {"count": 1, "source": 2, "target": 1}}, first="2025-02")
    [{'month': '2025-02', 'count': 0, 'source': 0, 'target': 0}, \
{'month': '2025-03', 'count': 1, 'source': 2, 'target': 1}]
    """
    known = sorted(months)
    start = first or (known[0] if known else None)
    end = last or (known[-1] if known else None)
    if start is None or end is None:
        return []
    rows = []
    for month in month_range(start, end):
        values = months.get(month, {})
        rows.append(
            {
                "month": month,
                "count": int(values.get("count", 0)),
                "source": int(values.get("source", 0)),
                "target": int(values.get("target", 0)),
            }
        )
    return rows
