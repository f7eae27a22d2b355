"""The store-wide linking pass streams its per-article stages: the chunks it reads, writes and
remembers in never change the store it leaves, and a pass cut short leaves a store that the
next run completes."""

from __future__ import annotations

import ast
import importlib
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from newsgraph.ingest import ingest
from newsgraph.linking import Linker, beliefs, cache_directory, relink, store_pass, writes
from newsgraph.linking import cache as linking_cache
from newsgraph.linking.cache import LinkingCache
from newsgraph.linking.evidence import Evidence
from newsgraph.linking.stamp import Records, evidence_fingerprint, stamp
from newsgraph.linking.store_pass import Pass
from newsgraph.settings import Settings, load_settings
from newsgraph.store import EmbeddedStore

from tests.conftest import BASE, write_jsonl
from tests.test_linking_invariance import _quads, _records

#: The module (the package's ``stamp`` is its function of that name).
stamps = importlib.import_module("newsgraph.linking.stamp")


class Interrupted(Exception):
    """Stands for a crash or ^C in the middle of the pass's link writes."""


def _ingest(tmp_path: Path, name: str, rows: list[dict[str, Any]], **options: Any) -> Settings:
    settings = load_settings(store=str(tmp_path / name), base=BASE, **options)
    path = write_jsonl(tmp_path / f"{name}.jsonl", rows)
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as store:
        ingest([str(path)], store, settings)
    return settings


def _beliefs(settings: Settings) -> dict[str, Any]:
    cache = LinkingCache(cache_directory(settings), evidence_fingerprint())
    try:
        return cache.links()
    finally:
        cache.close()


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> tuple[set[str], dict[str, Any]]:
    """The store and the cache's beliefs after one ingest with the pass's default chunks."""
    settings = _ingest(tmp_path_factory.mktemp("whole"), "whole", _records(60))
    return _quads(settings), _beliefs(settings)


def test_tiny_chunks_give_the_store_and_beliefs_of_one_chunk(
    tmp_path: Path, whole: tuple[set[str], dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writes, "CHUNK", 3)
    monkeypatch.setattr(beliefs, "_CHUNK", 2)
    monkeypatch.setattr(store_pass, "KEYS_CHUNK", 3)
    monkeypatch.setattr(linking_cache, "_BLOCK", 16)
    settings = _ingest(tmp_path, "tiny", _records(60), batch_size=4)
    assert (_quads(settings), _beliefs(settings)) == whole
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as store:
        again = relink(store, settings.minter, cache_dir=cache_directory(settings))
    assert again.rewritten == 0
    assert (_quads(settings), _beliefs(settings)) == whole


@pytest.mark.parametrize("streamed", [True, False])
def test_a_pass_cut_short_is_completed_by_the_next_run(
    tmp_path: Path,
    whole: tuple[set[str], dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    streamed: bool,
) -> None:
    rows = _records(60)
    settings = load_settings(store=str(tmp_path / "cut"), base=BASE)
    path = write_jsonl(tmp_path / "cut.jsonl", rows)
    flush = writes._flush
    calls = []

    def crash_on_the_third_write(*args: Any) -> int:
        calls.append(None)
        if len(calls) == 3:
            raise Interrupted
        return flush(*args)

    monkeypatch.setattr(writes, "CHUNK", 5)
    monkeypatch.setattr(writes, "_flush", crash_on_the_third_write)
    with (
        EmbeddedStore(settings.store_path, write=True, base=BASE) as store,
        pytest.raises(Interrupted),
    ):
        ingest([str(path)], store, settings, streamed=streamed)
    assert len(calls) == 3
    monkeypatch.undo()
    assert not (cache_directory(settings) / "links.bin.partial").exists()  # type: ignore[operator]
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as store:
        ingest([str(path)], store, settings, streamed=streamed)
    assert (_quads(settings), _beliefs(settings)) == whole


def test_the_stamp_kept_across_writes_is_the_stamp_of_the_records_whole() -> None:
    """A batch updates the records' digest for its own articles (no pass hashes every article
    of the store again): kept that way, the stamp is the one the records give whole, in any
    order; a changed digest, an added or a missing article changes it."""
    hashes = {f"{BASE}article/é{n}": f"{n * 7919:x}" for n in range(50, 0, -1)}
    kept = Records()
    for iri, digest in hashes.items():
        kept.replace(iri, None, "0")
        kept.replace(iri, "0", digest)
    whole = stamp(dict(sorted(hashes.items())), [], {})
    assert stamp(kept, [], {}) == whole == stamp(Records.parse(kept.hex()), [], {})  # type: ignore[arg-type]
    changed = {**hashes, f"{BASE}article/é1": "1"}
    assert stamp(changed, [], {}) != whole
    assert stamp({**hashes, f"{BASE}article/new": "0"}, [], {}) != whole
    assert stamp(dict(list(hashes.items())[1:]), [], {}) != whole
    assert stamp({}, [], {}) != stamp({f"{BASE}article/a": "0"}, [], {})


def test_an_ingest_into_an_empty_store_holds_each_article_once(tmp_path: Path) -> None:
    """Per-article tables share one IRI string and one digest table: a million articles' copies
    would take hundreds of megabytes. (What the pass finds is the same either way: the other
    tests here hold it to that.)"""
    settings = load_settings(store=str(tmp_path / "s"), base=BASE)
    linker = Linker(settings.minter, cache_directory(settings))
    evidence = Evidence.of(["PACE", "Council of Europe"], "PACE met the Council of Europe.")
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as store:
        linker.prepare(store)
        try:
            assert linker.fresh is linker.hashes  # every article of the store is fresh
            rows = [("".join([BASE, f"article/a{n}"]), f"{n:032x}", *evidence.encode())
                    for n in range(20)]  # fmt: skip
            linker.written(rows)
            linking = Pass(store, settings.minter, linker.cache, linker.hashes,
                           fresh=linker.fresh, trusted=False)  # fmt: skip
            inputs = linking._evidence()
            lists, places = inputs.lists, inputs.places
        finally:
            linker.close()
    held = list(linker.hashes)
    assert list(lists) == held and all(a is b for a, b in zip(lists, held, strict=True))
    assert all(a is b for a, b in zip(places, held, strict=True))


#: Libraries the linking package imports whose answers are no part of a pass's result: the
#: store's terms (pyoxigraph), the memo's key index (numpy, exact by construction) and the
#: reconciliation client (sparqlwrapper: what it finds is kept in the store, an input).
_STORAGE_ONLY = {"pyoxigraph", "numpy", "sparqlwrapper"}


def _imported_distributions() -> set[str]:
    """The distributions of the third-party modules graph/linking imports (read from its code)."""
    found: set[str] = set()
    for path in sorted(Path(stamps.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    third_party = found - set(sys.stdlib_module_names) - {"newsgraph", "__future__"}
    by_module = metadata.packages_distributions()
    return {name.lower() for module in third_party for name in by_module.get(module, [module])}


def test_the_rules_fingerprint_names_every_library_the_rules_ask(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Equal stamps mean equal results only if the stamp changes with the libraries whose
    answers the rules take: a stemmer's or a dictionary's new version can link names otherwise,
    and the stamp of the last pass must then differ (the pass is made again)."""
    imported = _imported_distributions()
    assert {"snowballstemmer", "pymorphy3", "anyascii", "pycountry"} <= imported  # the oracle reads
    assert imported - _STORAGE_ONLY <= set(stamps.LIBRARIES)
    assert "pymorphy3-dicts-ru" in stamps.LIBRARIES  # read by pymorphy3, imported by none
    version = metadata.version
    before = stamps.rules_fingerprint()
    for library, changed in (("pymorphy3-dicts-ru", True), ("snowballstemmer", True),
                             ("rich", False)):  # fmt: skip
        monkeypatch.setattr(
            stamps.metadata,
            "version",
            lambda name, lib=library: "0.0.0" if name == lib else version(name),
        )
        stamps.rules_fingerprint.cache_clear()
        try:
            assert (stamps.rules_fingerprint() != before) is changed, library  # rich: the control
        finally:
            monkeypatch.undo()
            stamps.rules_fingerprint.cache_clear()
    assert stamps.rules_fingerprint() == before
