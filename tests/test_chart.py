"""PNG charts (graph/cooccurrence/chart.py)."""

from __future__ import annotations

import io

from newsgraph.cooccurrence.chart import edges_chart, pair_chart


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_pair_and_edges_charts_are_pngs() -> None:
    months = [
        {"month": f"2025-{m:02d}", "count": m % 3, "source": m, "target": 2} for m in range(1, 13)
    ]
    buffer = io.BytesIO()
    pair_chart(months, "Kazakhstan", "Russia", buffer)
    width, height = png_size(buffer.getvalue())
    assert width > 500 and height > 300
    rows = [{"source_name": f"A{i}", "target_name": f"B{i}", "count": 10 - i} for i in range(8)]
    buffer = io.BytesIO()
    edges_chart(rows, "count", buffer)
    assert png_size(buffer.getvalue())[1] > 200
