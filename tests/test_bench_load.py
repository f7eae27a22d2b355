"""The loopback load test: it counts what it sends and reads the server's memory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench import load
from bench.context import serve
from tests.conftest import ROOT, sample_store


def test_a_small_bounded_run(tmp_path: Path, sample_template: Path) -> None:
    store = sample_store(tmp_path / "store", sample_template)
    with serve(store, ["--query-workers", "2"], log=tmp_path / "serve.log") as server:
        named = load.named_query(server.url)
        assert "VALUES (?entity)" in named
        assert load.named_query(server.url, entity="frequent") != named
        results = load.run(server.url, pid=server.pid, requests=150, concurrencies=[4],
                           queries={"cheap": load.CHEAP_QUERY, "named": named})  # fmt: skip
        unique = load.measure(server.url, "ASK {}", concurrency=3, requests=50, unique=True,
                              warmup=0)  # fmt: skip
        broken = load.measure(server.url, "ASK {", concurrency=2, requests=20, warmup=0)
    for result in results:
        assert result.requests == 150 and result.errors == 0
        assert result.statuses == {200: 150} and len(result.latencies_ms) == 150
        assert 0 < result.percentile(50) <= result.percentile(95) <= result.percentile(99)
        assert result.requests_per_second > 0
        assert result.server_peak_rss_mib and result.tree_peak_rss_mib
        assert result.tree_peak_rss_mib > result.server_peak_rss_mib
        assert result.row().startswith(f"| {result.name} | 4 | 150 |")
    assert unique.statuses == {200: 50}
    assert broken.errors == 20 and broken.statuses == {400: 20}
    assert set(results[0].summary()) >= {"requests_per_second", "p50_ms", "p95_ms", "p99_ms"}


def test_the_command(tmp_path: Path, sample_template: Path) -> None:
    store = sample_store(tmp_path / "store", sample_template)
    result = subprocess.run(
        [sys.executable, "-m", "bench.load", "--store", str(store), "--requests", "40",
         "--concurrency", "2", "--unique", "--json", str(tmp_path / "out.json")],
        capture_output=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    lines = result.stdout.decode().splitlines()
    assert (
        lines[0].startswith("| scenario |") and len([x for x in lines if x.startswith("| ")]) == 3
    )
    assert [row["requests"] for row in json.loads((tmp_path / "out.json").read_text())] == [40, 40]
