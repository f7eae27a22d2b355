"""The final store depends only on the set of records it holds: not on their order, the batch
size, the number of workers, how many ingest runs brought them, or the linking cache."""

from __future__ import annotations

import marshal
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
from newsgraph.ingest import ingest, parallel
from newsgraph.linking import cache_directory, relink
from newsgraph.linking.cache import LinkingCache
from newsgraph.linking.evidence import Evidence
from newsgraph.linking.readback import article_hashes
from newsgraph.linking.stamp import evidence_fingerprint
from newsgraph.records import prepare
from newsgraph.settings import Settings, load_settings
from newsgraph.store import EmbeddedStore

from bench import corpus
from tests.conftest import BASE, record, write_jsonl

#: Stories that exercise every rule: acronyms defined in one text and used in others, short
#: forms, titled forms, surnames, names found in text, versions of one slug.
STORIES = [
    record("a", entities=["ZPQ", "Kazakhstan"], body_md="# A\n\nZPQ inspectors visited Astana."),
    record(
        "b",
        entities=["Zentral Pharma Quality", "Republic of Kazakhstan"],
        body_md="# B\n\nThe Zentral Pharma Quality (ZPQ) audit praised the Council of Europe.",
    ),
    record("c", entities=["Council of Europe", "PACE"], body_md="# C\n\nNo news from Astana."),
    record("d", entities=["Paxar Corp", "Paxar", "James Ottinger", "Ottinger"]),
    record("e", entities=["Leonardo Brito", "Kassym-Jomart Tokayev"]),
    record("f", entities=["Brito", "President Tokayev"], body_md="# F\n\nBrito met Paxar Corp."),
    record("g", entities=["Astana"], updated_at="2026-02-01T00:00:00Z"),
    record("g", entities=["Astana", "ZPQ"], updated_at="2026-02-02T00:00:00Z"),
    record(
        "h",
        entities=["Alpha Beta Corporation", "ABC"],
        body_md="# H\n\nAlpha Beta Corporation (ABC).",
    ),
    record(
        "i", entities=["ABC", "Arab Banking Council"], body_md="# I\n\nArab Banking Council (ABC)."
    ),
    record("j", entities=["ABC"], body_md="# J\n\nThe Council of Europe and ZPQ met."),
]


def _records(count: int = 0) -> list[dict[str, Any]]:
    return STORIES + list(corpus.generate(count, seed=11))


def _quads(settings: Settings) -> set[str]:
    with EmbeddedStore(settings.store_path, base=BASE) as store:
        return {str(q) for q in store.raw.quads_for_pattern(None, None, None, None)}


def _ingest_runs(
    tmp_path: Path, name: str, runs: list[list[dict[str, Any]]], *, wipe_cache: bool = False,
    **options: Any,
) -> set[str]:  # fmt: skip
    settings = load_settings(store=str(tmp_path / name), base=BASE, **options)
    for number, rows in enumerate(runs):
        path = write_jsonl(tmp_path / f"{name}-{number}.jsonl", rows)
        with EmbeddedStore(settings.store_path, write=True, base=BASE) as store:
            ingest([str(path)], store, settings)
        if wipe_cache:
            shutil.rmtree(cache_directory(settings) or "", ignore_errors=True)
    return _quads(settings)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    return _ingest_runs(tmp_path_factory.mktemp("reference"), "one", [_records(120)])


def test_the_reference_links_what_the_rules_say(reference: set[str]) -> None:
    mentions = {q for q in reference if "<http://schema.org/mentions>" in q}
    zpq_in_a = (
        f"<{BASE}article/a> <http://schema.org/mentions> <{BASE}entity/zentral-pharma-quality>"
    )
    assert any(q.startswith(zpq_in_a) for q in mentions)
    found = [q for q in reference if "foundInText" in q and f"<{BASE}article/j>" in q.split()[0]]
    assert any("council-of-europe" in q for q in found)


def test_reverse_order_and_small_batches(tmp_path: Path, reference: set[str]) -> None:
    assert _ingest_runs(tmp_path, "reverse", [_records(120)[::-1]], batch_size=3) == reference


def test_one_run_per_slice_in_a_shuffled_order(tmp_path: Path, reference: set[str]) -> None:
    rows = _records(120)
    random.Random(4).shuffle(rows)
    runs = [rows[start : start + 29] for start in range(0, len(rows), 29)]
    assert _ingest_runs(tmp_path, "runs", runs, batch_size=7) == reference


def test_runs_without_the_cache(tmp_path: Path, reference: set[str]) -> None:
    rows = _records(120)
    runs = [rows[1::2], rows[::2], rows[:10]]
    assert _ingest_runs(tmp_path, "uncached", runs, wipe_cache=True) == reference


def test_the_worker_pool(
    tmp_path: Path, reference: set[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "POOL_THRESHOLD", 50)
    rows = _records(120)
    assert _ingest_runs(tmp_path, "pool", [rows], ingest_workers=2, batch_size=40) == reference


def test_relink_of_a_linked_store_changes_nothing(tmp_path: Path, reference: set[str]) -> None:
    settings = load_settings(store=str(tmp_path / "again"), base=BASE)
    _ingest_runs(tmp_path, "again", [_records(120)])
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as store:
        summary = relink(store, settings.minter, cache_dir=cache_directory(settings))
    assert summary.rewritten == 0
    assert _quads(settings) == reference


def test_a_run_that_never_ended(tmp_path: Path) -> None:
    """A run cut short may leave an article's evidence in the log while the spans it points
    at never reached the disk; the next run must not read another article's spans there."""
    rows = _records(40)
    late = record("k", entities=["Astana"], body_md="# K\n\nThe Council of Europe met Paxar Corp.")
    expected = _ingest_runs(tmp_path, "whole", [[*rows, late]])
    _ingest_runs(tmp_path, "torn", [rows])
    settings = load_settings(store=str(tmp_path / "torn"), base=BASE)
    with EmbeddedStore(settings.store_path, base=BASE) as store:
        hashes = article_hashes(store)
    article = settings.minter.article("j")
    names, _spans = Evidence.of_prepared(prepare(STORIES[-1], "j")).encode()
    _names, late_spans = Evidence.of_prepared(prepare(late, "k")).encode()
    cache = LinkingCache(cache_directory(settings), evidence_fingerprint())
    cache.begin()
    end = (cache.directory / "spans.log").stat().st_size
    with open(cache.directory / "evidence.log", "ab") as log:  # the torn run's last record
        torn = marshal.dumps([(article, hashes[article], names, (end, len(late_spans)))])
        log.write(len(torn).to_bytes(8, "big") + torn)
    cache.close()
    assert _ingest_runs(tmp_path, "torn", [[late]]) == expected
