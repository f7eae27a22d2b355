"""The benchmark instrument: a deterministic corpus, pluggable parts, and a run end to end.

No timing is asserted here: figures come from ``make bench``.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from newsgraph.records import validate

from bench import corpus, resolve_batch, runner
from bench.measure import Sample, percentile
from bench.report import Figure, table
from tests.conftest import ROOT

LAYOUT = {"slug", "title", "summary", "body_md", "url", "canonical_source", "published_at",
          "updated_at", "lang", "topics", "entities", "alternates"}  # fmt: skip


def test_the_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = corpus.write(tmp_path / "a.jsonl.gz", 400, seed=11).read_bytes()
    second = corpus.write(tmp_path / "b.jsonl.gz", 400, seed=11).read_bytes()
    other = corpus.write(tmp_path / "c.jsonl.gz", 400, seed=12).read_bytes()
    plain = corpus.write(tmp_path / "d.jsonl", 400, seed=11).read_bytes()
    assert first == second
    assert first != other
    assert gzip.decompress(first) == plain


def test_records_have_the_layout_and_are_valid() -> None:
    records = list(corpus.generate(500, seed=2))
    assert len({r["slug"] for r in records}) == 500
    for index, raw in enumerate(records):
        assert set(raw) == LAYOUT
        validate(raw, f"synthetic:{index + 1}")
    dates = [r["published_at"] for r in records]
    assert dates == sorted(dates)  # an archive in publication order


def test_sizes_and_entities_are_realistic() -> None:
    records = list(corpus.generate(2000, seed=3))
    bodies = sorted(len(r["body_md"]) for r in records)
    assert 700 < bodies[len(bodies) // 2] < 1600  # Reuters-21578's median body is ~1,000
    mentions = Counter(name for r in records for name in r["entities"])
    counts = sorted(mentions.values(), reverse=True)
    assert counts[0] > 20 * counts[len(counts) // 2]  # Zipf: a few are everywhere
    assert sum(1 for c in counts if c == 1) > len(counts) / 4  # and many are rare
    assert 2 <= sum(len(r["entities"]) for r in records) / len(records) <= 4
    web = [r for r in records if r["url"]]
    assert 0.05 < len(web) / len(records) < 0.3
    assert any(r["alternates"] for r in web) and any(r["updated_at"] for r in web)


def test_aliases_name_the_same_entity_differently() -> None:
    spec = corpus.CorpusSpec(1000, seed=1)
    with_aliases = [e for e in spec.entities if e.aliases]
    assert len(with_aliases) > len(spec.entities) / 4
    names = [name for r in corpus.generate(1000, seed=1) for name in r["entities"]]
    aliases = {alias for e in with_aliases for alias in e.aliases}
    assert any(name in aliases for name in names)


def test_every_named_size_has_a_pool_of_distinct_names() -> None:
    """Up to a million articles (the largest named size), the pool is that many distinct
    entities, and pools that the plain names could fill are drawn from them alone."""
    for articles in (10_000, 100_000, 300_000, 1_000_000):
        spec = corpus.CorpusSpec(articles, seed=1)
        assert len({e.name for e in spec.entities}) == corpus.pool_size(articles)
    plain = corpus.CorpusSpec(300_000, seed=1).entities
    assert not any(". " in e.name for e in plain if e.kind == "Person")
    large = corpus.CorpusSpec(1_000_000, seed=1).entities
    told_apart = [e for e in large if e.kind == "Person" and ". " in e.name]
    assert told_apart and all(e.aliases for e in told_apart)


def test_parse_size_names_the_bad_value() -> None:
    assert corpus.parse_size("1m") == 1_000_000
    with pytest.raises(ValueError, match="'lots'"):
        corpus.parse_size("lots")


def test_missing_parts_are_reported_not_faked() -> None:
    runner.PARTS["imaginary"] = "bench.no_such_module:bench_part"
    runner.PARTS["functionless"] = "bench.corpus:bench_part"
    try:
        assert "not yet available" in str(runner.resolve("imaginary"))
        assert "has no bench_part" in str(runner.resolve("functionless"))
        assert callable(runner.resolve("ingest"))
    finally:
        del runner.PARTS["imaginary"], runner.PARTS["functionless"]


def test_statistics_and_table() -> None:
    sample = Sample([5.0, 1.0, 3.0])
    assert (sample.median, sample.spread) == (3.0, (1.0, 5.0))
    assert percentile([0.0, 10.0], 50) == 5.0
    rate = Figure("ingest", "articles/s", 3000.0, "articles/s", True, floor=6000.0, peer=300.0)
    latency = Figure("queries", "p50", 0.002, "s", False, floor=0.001, peer=0.2)
    assert rate.ratio(rate.floor) == 0.5 and rate.ratio(rate.peer) == 10.0
    assert latency.ratio(latency.floor) == 0.5 and latency.ratio(latency.peer) == 100.0
    text = table(
        [rate, latency, Figure("export", "–", None, "", True, notes=["not yet available"])]
    )
    assert "| ingest | articles/s | 3,000 |" in text
    assert "100.00×" in text and "not yet available" in text


@pytest.mark.slow
def test_quick_run_measures_every_part_end_to_end(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--quick",
            "--out",
            str(tmp_path / "results"),
            "--workdir",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    written = list((tmp_path / "results").glob("*-quick.md"))
    assert len(written) == 1
    text = written[0].read_text()
    rows = [line.split(" | ") for line in text.splitlines() if line.startswith("| ")][1:]
    by_part = Counter(row[0].lstrip("| ") for row in rows)
    assert by_part["ingest"] == 4 and by_part["queries"] == 12 and by_part["throughput"] == 2
    assert by_part["memory"] == 1 and by_part["cooccur"] == 2 and by_part["export"] == 2
    assert by_part["search"] == 5
    for row in rows:
        part, value, floor = row[0].lstrip("| "), row[2], row[4]
        assert "failed" not in row[-1], row
        assert value not in ("–", ""), row  # every newsgraph figure was measured
        if row[1].startswith("compaction"):
            continue  # newsgraph's own step after an ingest: no floor
        if part in ("ingest", "queries", "throughput") or row[1].startswith("whole network"):
            assert floor != "–", row  # and so was its floor
    notes = {row[1]: row[-1] for row in rows if row[0].lstrip("| ") == "queries"}
    # measured once the server's entity summaries are built, and labelled so
    assert "from the entity summaries" in notes["articles mentioning a rare entity, p50"]
    assert "from the entity summaries" not in notes["an article's description, p50"]
    assert json.dumps(text)  # the table is plain text


def test_the_batch_resolution_bench_resolves_as_from_scratch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m bench.resolve_batch`` on a small corpus: every batch resolved from what the
    last kept, and the last equal to a resolution from scratch (its exit status says so)."""
    arguments = ["--size", "1000", "--batches", "3", "--batch-size", "40", "--cache", str(tmp_path)]
    assert resolve_batch.main(arguments) == 0
    row = capsys.readouterr().out.strip().splitlines()[-1]
    assert row.startswith("| 1000 | 1,120 |") and row.endswith("| yes |")
