"""A batch into a linked store reads from the evidence log only its own articles: the rest of
what the pass resolves is the last pass's inputs (``graph/linking/inputs.py``), used only while
the store's records are the ones that pass linked. Either way the store is the one a single
ingest of the same records makes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from newsgraph.ingest import ingest
from newsgraph.linking import cache as linking_cache
from newsgraph.linking import readback as linking_readback
from newsgraph.linking.cache import LinkingCache
from newsgraph.settings import load_settings
from newsgraph.store import EmbeddedStore

from bench import corpus
from tests.conftest import BASE, record, write_jsonl
from tests.test_linking_invariance import STORIES

FIRST = STORIES + list(corpus.generate(16, seed=3))
#: A newer version of an earlier article, with another entity list.
NEWER_D = record("d", entities=["Paxar Corp", "Leonardo Brito"], updated_at="2026-03-01T00:00:00Z")
#: A later batch: a new article that changes an earlier one's links (a second Brito), one that
#: defines an acronym, and a newer version of an earlier article.
LATER = [
    record("later-1", entities=["Maria Brito", "Astana"]),
    record("later-2", entities=["Zeta Holdings"], body_md="# N\n\nZeta Holdings (ZH) grew."),
    NEWER_D,
]
THIRD = [record("third", entities=["ZH", "Paxar"])]


def _ingest(store: Path, rows: list[dict[str, Any]], name: str) -> None:
    settings = load_settings(store=str(store), base=BASE)
    path = write_jsonl(store.parent / f"{store.name}-{name}.jsonl", rows)
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as opened:
        ingest([str(path)], opened, settings)


def _quads(store: Path) -> set[ox.Quad]:
    with EmbeddedStore(store, base=BASE) as opened:
        return set(opened.raw.quads_for_pattern(None, None, None, None))


class _LogReads:
    """Counts the records the evidence log yields (the real reader runs)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        read = LinkingCache.evidence

        def counted(cache: LinkingCache, hashes: Any) -> Iterator[tuple[str, bytes, int]]:
            for row in read(cache, hashes):
                self.count += 1
                yield row

        monkeypatch.setattr(linking_cache.LinkingCache, "evidence", counted)


@pytest.fixture
def scratch(tmp_path: Path) -> set[ox.Quad]:
    store = tmp_path / "scratch"
    _ingest(store, FIRST + LATER + THIRD, "all")
    return _quads(store)


def test_a_batch_reads_no_other_articles_evidence(
    tmp_path: Path, scratch: set[ox.Quad], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "trickled"
    _ingest(store, FIRST, "first")
    assert (store / "linking" / "inputs.bin").exists()
    reads = _LogReads(monkeypatch)
    _ingest(store, LATER, "later")
    _ingest(store, THIRD, "third")
    assert reads.count == 0
    assert _quads(store) == scratch


def test_control_without_kept_inputs_the_whole_log_is_read(
    tmp_path: Path, scratch: set[ox.Quad], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "trickled"
    _ingest(store, FIRST, "first")
    (store / "linking" / "inputs.bin").unlink()
    reads = _LogReads(monkeypatch)
    _ingest(store, LATER + THIRD, "later")
    assert reads.count >= len(FIRST)
    assert _quads(store) == scratch


def test_inputs_of_another_pass_are_not_used(
    tmp_path: Path, scratch: set[ox.Quad], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inputs kept by an earlier pass (they hold the older version of an article the next batch
    replaced) are refused by their stamp: the pass reads the log, and the store is the one a
    single ingest makes."""
    store = tmp_path / "trickled"
    kept = tmp_path / "inputs-after-first.bin"
    _ingest(store, FIRST + LATER[:2], "first")
    shutil.copy(store / "linking" / "inputs.bin", kept)
    _ingest(store, [NEWER_D], "later")
    shutil.copy(kept, store / "linking" / "inputs.bin")
    reads = _LogReads(monkeypatch)
    _ingest(store, THIRD, "third")
    assert reads.count >= len(FIRST)
    assert _quads(store) == scratch


def test_a_batch_appends_to_the_kept_tables_and_the_next_reads_them(
    tmp_path: Path, scratch: set[ox.Quad], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``inputs.bin`` and ``hashes.bin`` keep a small batch as appended changes (each file
    after the batch begins with its bytes before), and the next batch starts from them: it
    reads no other article's evidence, nor the store's articles back."""
    store = tmp_path / "trickled"
    _ingest(store, FIRST, "first")
    files = [store / "linking" / name for name in ("inputs.bin", "hashes.bin")]
    read_back = []
    monkeypatch.setattr(
        linking_readback, "article_hashes", lambda opened: read_back.append(1) or {}
    )
    reads = _LogReads(monkeypatch)
    for name, rows in (("later", LATER[:1]), ("third", THIRD), ("newer", [NEWER_D])):
        before = [path.read_bytes() for path in files]
        _ingest(store, rows, name)
        for path, held in zip(files, before, strict=True):
            after = path.read_bytes()
            assert after.startswith(held) and len(after) > len(held), (name, path.name)
    assert reads.count == 0 and not read_back
    monkeypatch.undo()
    _ingest(store, LATER[1:2], "rest")
    assert _quads(store) == scratch


class _Places(dict[str, int]):
    """Live places that count how often they are weighed (read whole)."""

    weighed = 0

    def values(self) -> Any:
        self.weighed += 1
        return super().values()


def test_the_logs_are_weighed_as_they_grow_and_compacted_once_mostly_dead(tmp_path: Path) -> None:
    """A batch that grows the spans log by less than ``REWEIGH_GROWTH`` since its live records
    were weighed does not read every article's place again (at a million articles, 0.14 s of
    each batch); once rewrites leave the log mostly dead, it is compacted, and every live
    article's spans read back as written. The control: the first call, with nothing weighed
    yet, weighs."""
    cache = LinkingCache(tmp_path / "cache", "fingerprint")
    articles = [f"http://n.example/article/{n}" for n in range(60)]

    def write(version: int, which: list[str]) -> dict[str, bytes]:
        texts = {iri: f"{iri} v{version} ".encode() * 40 for iri in which}
        rows = [(iri, f"d{version}", b"names", texts[iri]) for iri in which]
        for iri, place in zip(which, cache.put(rows), strict=True):
            live[iri], hashes[iri] = place, f"d{version}"
        return texts

    live, hashes = _Places(), {}
    latest = write(1, articles)
    assert cache.compact(live, hashes) == {} and live.weighed == 1
    latest.update(write(2, articles[:1]))  # one article rewritten: under 2% of the log
    assert cache.compact(live, hashes) == {} and live.weighed == 1, "not weighed again"
    for version in (3, 4):
        latest.update(write(version, articles))
    moved = cache.compact(live, hashes)
    assert live.weighed == 2 and set(moved) == set(articles), "weighed, and compacted"
    live.update(moved)
    log = (cache.directory / "spans.log").stat().st_size
    assert log == sum(len(text) for text in latest.values())
    assert dict(cache.spans(list(live.items()))) == latest
    cache.close()
