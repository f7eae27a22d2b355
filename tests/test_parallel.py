"""The fast ingest path (workers, N-Quads, bulk loader) gives exactly the plain path's store."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from newsgraph import collector
from newsgraph.ingest import Ingester, Summary, ingest, parallel, sources
from newsgraph.settings import load_settings
from newsgraph.store import EmbeddedStore

from bench import corpus
from tests.backends import Endpoint
from tests.conftest import BASE, REUTERS, SAMPLE, SEED, record, shared_file, write_jsonl

ODD_TEXT = 'Quotes " and \\ backslashes,\ttabs,\r\nCRLF, \u2028 separators, émoji 🗞 and <tags>'


def _odd_records() -> list[dict[str, Any]]:
    """Records that exercise every branch: versions, rejects, unknown keys, odd strings."""
    return [
        record("plain"),
        record("odd", title=ODD_TEXT, summary=ODD_TEXT, body_md=f"# T\n\n{ODD_TEXT}\n\n* item"),
        record(
            "auth",
            author=[{"name": "A. Writer", "url": "https://w.example/a"}, "B"],
            image="https://img.example/i.png",
            topics=["Energy", "energy", "AI policy"],
            alternates={"html": "https://x.example/a", "pdf": "https://x.example/a.pdf"},
        ),
        record("dup", title="Older", updated_at="2026-03-01T00:00:00Z"),
        record("dup", title="Newer", updated_at="2026-03-02T00:00:00Z"),
        record("noentities", entities=[], topics=[], url=None, body_md=None, summary=None),
        record("bad-url", url="not a url"),
        {"slug": "../escape", "title": "x", "published_at": "2026-01-01"},
        record("extra", extra_key=1, x_ignored=2),
        record("dated", published_at="1987-02-26 15:01:01.790000", lang="pt-BR"),
    ]


def _ingest(
    paths: list[str], tmp_path: Path, name: str, workers: int, batch: int
) -> tuple[set[str], Summary]:
    settings = load_settings(
        store=str(tmp_path / name), base=BASE, ingest_workers=workers, batch_size=batch
    )
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as store:
        summary = ingest(paths, store, settings)
        quads = {str(q) for q in store.raw.quads_for_pattern(None, None, None, None)}
    return quads, summary


def _counts(summary: Summary) -> tuple[int, ...]:
    return (summary.loaded, summary.replaced, summary.unchanged, summary.skipped,
            summary.rejected, summary.triples, summary.entities)  # fmt: skip


def _assert_same(paths: list[str], tmp_path: Path, batch: int = 500) -> None:
    plain, plain_summary = _ingest(paths, tmp_path, "plain", workers=1, batch=batch)
    fast, fast_summary = _ingest(paths, tmp_path, "fast", workers=2, batch=batch)
    assert fast == plain
    assert _counts(fast_summary) == _counts(plain_summary)
    assert fast_summary.warnings == plain_summary.warnings


def test_odd_records_give_the_same_store(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "odd.jsonl", _odd_records())
    (tmp_path / "broken.jsonl").write_bytes(
        b'{"slug": \n\xff\xfe\n' + json.dumps(record("z")).encode()
    )
    _assert_same([str(path), str(tmp_path / "broken.jsonl")], tmp_path, batch=4)


def test_sample_and_seed_give_the_same_store(tmp_path: Path) -> None:
    _assert_same([str(SAMPLE)] + ([str(SEED)] if SEED.exists() else []), tmp_path)


def test_a_synthetic_corpus_through_the_pool_gives_the_same_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "POOL_THRESHOLD", parallel.CHUNK)
    path = corpus.write(tmp_path / "c.jsonl.gz", 3 * parallel.CHUNK, seed=5)
    _assert_same([str(path)], tmp_path)


def test_the_pool_and_the_process_map_alike(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "odd.jsonl", _odd_records() * 60)
    iris = load_settings(base=BASE).minter
    items = list(sources.read([str(path)], decode=False))
    pooled = parallel.Mapper(iris, workers=2, pool_threshold=parallel.CHUNK)
    local = parallel.Mapper(iris, workers=2)
    assert [o for chunk in pooled.map(items) for o in chunk] == [
        o for chunk in local.map(items) for o in chunk
    ]
    assert pooled.pooled and not local.pooled


@pytest.mark.slow
def test_reuters_gives_the_same_store(tmp_path: Path) -> None:
    _assert_same([str(shared_file(REUTERS))], tmp_path)


def test_reingesting_through_the_fast_path_changes_nothing(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", _odd_records())
    settings = load_settings(store=str(tmp_path / "s"), base=BASE, batch_size=3)
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as store:
        ingest([str(path)], store, settings)
        before = {str(q) for q in store.raw.quads_for_pattern(None, None, None, None)}
        again = ingest([str(path)], store, settings)
        after = {str(q) for q in store.raw.quads_for_pattern(None, None, None, None)}
    assert after == before
    assert (again.loaded, again.replaced, again.rejected) == (0, 0, 2)


def test_into_a_server_on_this_machine_records_are_mapped_in_process(
    oxigraph: Endpoint, tmp_path: Path
) -> None:
    """A store served from this machine shares its cores with the ingest: unless told
    otherwise, ingest maps every record in its own process. On disk, workers map them (the
    control: the same default gives a pool there)."""
    assert oxigraph.query_url.startswith("http://127.0.0.1:")
    here = load_settings(store=oxigraph.query_url, base=BASE)
    told = load_settings(store=oxigraph.query_url, base=BASE, ingest_workers=3)
    with oxigraph.store() as remote:
        assert Ingester(remote, here).workers == 1
        assert Ingester(remote, told).workers == 3
    on_disk = load_settings(store=str(tmp_path / "s"), base=BASE)
    with EmbeddedStore(on_disk.store_path, write=True, base=BASE) as store:
        assert Ingester(store, on_disk).workers >= 2


def test_ingest_maps_with_the_collector_slowed_and_restores_it(tmp_path: Path) -> None:
    """Mapping makes many short-lived objects: ingest runs the collector less often while it
    maps (``newsgraph.collector.relaxed``), in its own process and in workers, and leaves the
    threshold as it found it."""
    path = write_jsonl(tmp_path / "a.jsonl", [record(f"s{n}") for n in range(3)])
    seen: list[int] = []

    def items() -> Iterator[sources.Item]:
        for item in sources.read([str(path)], decode=False):
            seen.append(gc.get_threshold()[0])
            yield item

    before = gc.get_threshold()
    assert before[0] < collector.RELAXED_THRESHOLD  # the control: the default is lower
    settings = load_settings(store=str(tmp_path / "s"), base=BASE, ingest_workers=1)
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as store:
        summary = Ingester(store, settings).run_items(items())
    assert summary.loaded == 3
    assert seen == [collector.RELAXED_THRESHOLD] * 3
    assert gc.get_threshold() == before
    worker = subprocess.run(
        [sys.executable, "-c", "import gc; from newsgraph.ingest import parallel; "
         f"from newsgraph.vocab.namespaces import Minter; parallel._start_worker(Minter({BASE!r})); "
         "print(gc.get_threshold()[0])"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert int(worker.stdout) == collector.RELAXED_THRESHOLD
