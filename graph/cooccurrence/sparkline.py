"""A sparkline: a series of counts as the points of an SVG polyline in a small box.

The trends page (api/templates/trends.html) draws each riser's articles per period with it,
inline, so the page needs no script. x runs over the periods from 0 to ``width``; y from
``height`` (no articles) to 0 (the series' largest count), with ``pad`` kept free at the top and
bottom.

>>> points([0, 2, 4], width=20, height=10, pad=1)
'0.0,9.0 10.0,5.0 20.0,1.0'
>>> points([3], width=20, height=10, pad=1)
'0.0,1.0 20.0,1.0'
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["points"]


def points(series: Sequence[int], *, width: float = 120, height: float = 24, pad: float = 2) -> str:
    """The polyline's ``points`` attribute for ``series`` (see the module)."""
    if not series:
        return ""
    values = list(series) if len(series) > 1 else [series[0], series[0]]
    top = max(max(values), 1)
    step = width / (len(values) - 1)
    span = height - 2 * pad
    return " ".join(
        f"{index * step:.1f},{pad + span * (1 - value / top):.1f}"
        for index, value in enumerate(values)
    )
