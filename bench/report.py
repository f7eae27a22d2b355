"""Figures and the Markdown table they are reported in.

Every figure carries newsgraph's value and, where measured, the same quantity for the two
baselines of the same run on the same data: the **floor** (raw pyoxigraph, no newsgraph code)
and the **peer** (rdflib's in-memory graph and SPARQL engine, served by rdflib-endpoint).
Ratios are speeds relative to the baseline, so that above 1 always means newsgraph is better:
``newsgraph / baseline`` for rates, ``baseline / newsgraph`` for times and memory.

>>> f = Figure("ingest", "articles/s", 5000.0, "articles/s", higher_is_better=True, floor=8000.0)
>>> f.ratio(f.floor)
0.625
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["Figure", "format_value", "table"]


@dataclass
class Figure:
    part: str
    metric: str
    value: float | None
    unit: str
    higher_is_better: bool
    spread: tuple[float, float] | None = None
    floor: float | None = None
    peer: float | None = None
    #: Why a value is missing, or how to read it (time limits, runs, …).
    notes: list[str] = field(default_factory=list)
    #: × floor as the median of per-run ratios, when each run was paired with a floor run
    #: under the same machine load (more robust than the ratio of the medians).
    paired_floor: float | None = None

    def floor_ratio(self) -> float | None:
        return self.paired_floor if self.paired_floor is not None else self.ratio(self.floor)

    def ratio(self, baseline: float | None) -> float | None:
        if baseline is None or self.value is None or math.isnan(baseline) or math.isnan(self.value):
            return None
        if self.higher_is_better:
            return self.value / baseline if baseline else None
        return baseline / self.value if self.value else None


def format_value(value: float | None, unit: str = "") -> str:
    """Numbers as people read them: thousands separators, three significant digits below 100;
    seconds and bytes with their unit (other units are in the metric's name).

    >>> format_value(135021.7), format_value(0.01234, "s"), format_value(None)
    ('135,022', '12.3 ms', '–')
    """
    if value is None or math.isnan(value):
        return "–"
    if unit == "s":
        return f"{value * 1000:.3g} ms" if value < 1 else f"{value:,.3g} s"
    if unit == "bytes":
        return f"{value / 2**20:,.0f} MiB"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def _spread(figure: Figure) -> str:
    if figure.spread is None:
        return ""
    low, high = figure.spread
    if math.isnan(low):
        return ""
    unit = figure.unit if figure.unit in ("s", "bytes") else ""
    return f"{format_value(low, unit)} – {format_value(high, unit)}"


def table(figures: list[Figure]) -> str:
    """The figures as one Markdown table."""
    lines = [
        "| part | metric | newsgraph | spread | floor | peer | × floor | × peer | notes |",
        "|---|---|---:|---|---:|---:|---:|---:|---|",
    ]
    for f in figures:
        unit = f.unit
        cells = [
            f.part,
            f.metric,
            format_value(f.value, unit),
            _spread(f),
            format_value(f.floor, unit),
            format_value(f.peer, unit),
            _ratio(f.floor_ratio()),
            _ratio(f.ratio(f.peer)),
            "; ".join(f.notes),
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"
