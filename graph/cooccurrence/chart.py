"""PNG charts for reports (matplotlib, no display needed): a pair's months, or the top edges."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

__all__ = ["edges_chart", "pair_chart"]

DPI = 120
#: No software version or date in the PNG, so the same data gives the same file.
METADATA: dict[str, Any] = {"Software": None}


def pair_chart(
    rows: Sequence[dict[str, Any]], source_name: str, target_name: str, out: IO[bytes]
) -> None:
    """Bars: articles mentioning both, per month; lines: articles mentioning each."""
    months = [row["month"] for row in rows]
    figure, axes = plt.subplots(figsize=(max(6.0, 0.35 * len(months) + 2), 4), dpi=DPI)
    positions = range(len(months))
    axes.bar(positions, [row["count"] for row in rows], color="#4C72B0", label="both")
    axes.plot(positions, [row["source"] for row in rows], color="#DD8452", marker=".",
              label=source_name)  # fmt: skip
    axes.plot(positions, [row["target"] for row in rows], color="#55A868", marker=".",
              label=target_name)  # fmt: skip
    step = max(1, len(months) // 12)
    axes.set_xticks(list(positions)[::step], months[::step], rotation=45, ha="right")
    axes.set_ylabel("articles")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(f"{source_name} and {target_name}: articles per month")
    axes.legend(frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    figure.savefig(out, format="png", metadata=METADATA)
    plt.close(figure)


def edges_chart(
    rows: Sequence[dict[str, Any]], measure: str, out: IO[bytes], top: int = 25
) -> None:
    """Horizontal bars of the first ``top`` edges (already ranked) by ``measure``."""
    shown = list(rows[:top])
    labels = [f"{row['source_name']} — {row['target_name']}" for row in shown]
    values = [float(row[measure]) for row in shown]
    figure, axes = plt.subplots(figsize=(8, max(2.5, 0.32 * len(shown) + 1.2)), dpi=DPI)
    axes.barh(range(len(shown)), values, color="#4C72B0")
    axes.set_yticks(range(len(shown)), labels)
    axes.invert_yaxis()
    axes.set_xlabel(measure)
    axes.set_title(f"Entities mentioned together: top {len(shown)} pairs by {measure}")
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    figure.savefig(out, format="png", metadata=METADATA)
    plt.close(figure)
