"""A store fed in trickles equals a store made from scratch: after every batch of any size, in
any order, with newer and older versions of articles among them, the store holds quad for quad
what one ingest of the same records into an empty store gives (``graph/linking/memo.py``,
the incremental linking pass).

The records include what makes a later batch change earlier articles: a surname that a new
person makes ambiguous, an acronym that a new text defines, an entity named in the texts of
articles written before it was known, and newer versions with other entity lists.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newsgraph.ingest import Summary, ingest
from newsgraph.linking import carry, memo, store_pass
from newsgraph.settings import Settings, load_settings
from newsgraph.store import EmbeddedStore

from bench import corpus
from tests.conftest import BASE, ROOT, record, write_jsonl
from tests.test_linking_invariance import STORIES

#: Records that change what earlier ones link to when they arrive later.
LATE = [
    record("m", entities=["Maria Brito", "Astana"]),  # "Brito" is no longer one person's
    record("n", entities=["Zeta Holdings"], body_md="# N\n\nZeta Holdings (ZH) bought Paxar."),
    record("o", entities=["Kazakhstan"], body_md="# O\n\nAnalysts at Zeta Holdings said so."),
    record("d", entities=["Paxar Corp", "Leonardo Brito"], updated_at="2026-03-01T00:00:00Z"),
    record("e", entities=["Kassym-Jomart Tokayev"], updated_at="2026-01-01T00:00:00Z"),  # older
    record("p", entities=["ZH", "Council of Europe"], body_md="# P\n\nZH and PACE met."),
]
POOL = STORIES + LATE + list(corpus.generate(24, seed=5))


def _store_quads(path: Path) -> set[str]:
    with EmbeddedStore(path, base=BASE) as store:
        return {str(q) for q in store.raw.quads_for_pattern(None, None, None, None)}


def _ingest(store: Path, rows: list[dict[str, Any]], name: str, **options: Any) -> Summary:
    config: Settings = load_settings(store=str(store), base=BASE, **options)
    path = write_jsonl(store.parent / f"{store.name}-{name}.jsonl", rows)
    with EmbeddedStore(config.store_path, write=True, base=BASE) as opened:
        return ingest([str(path)], opened, config)


class References:
    """From-scratch stores of sets of pool records, each made once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.made: dict[frozenset[int], set[str]] = {}

    def of(self, chosen: frozenset[int]) -> set[str]:
        if chosen not in self.made:
            store = self.root / f"reference-{len(self.made)}"
            _ingest(store, [POOL[i] for i in sorted(chosen)], "all")
            self.made[chosen] = _store_quads(store)
        return self.made[chosen]


@pytest.fixture(scope="module")
def references(tmp_path_factory: pytest.TempPathFactory) -> References:
    return References(tmp_path_factory.mktemp("references"))


@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    order=st.permutations(range(len(POOL))),
    sizes=st.lists(st.integers(min_value=1, max_value=15), min_size=1, max_size=8),
)
@pytest.mark.parametrize("carried", [False, True], ids=["runs", "one-stream"])
def test_every_trickle_equals_a_store_made_from_scratch(
    tmp_path_factory: pytest.TempPathFactory,
    references: References,
    order: list[int],
    sizes: list[int],
    carried: bool,
) -> None:
    """Batches as separate runs, or as one stream's batches handing each other the linking
    tables (:mod:`graph.linking.carry`)."""
    store = tmp_path_factory.mktemp("trickle") / "store"
    batches, start = [], 0
    for size in [*sizes, len(order)]:
        if start < len(order):
            batches.append(order[start : start + size])
            start += size
    seen: set[int] = set()
    with carry.carrying() if carried else contextlib.nullcontext():
        for number, batch in enumerate(batches):
            rows = [POOL[i] for i in batch]
            _ingest(store, rows, str(number), batch_size=max(1, len(batch) // 2))
            seen.update(batch)
            assert _store_quads(store) == references.of(frozenset(seen)), f"after batch {number}"


def test_a_batch_looks_at_the_articles_it_can_change_only(
    tmp_path: Path, references: References
) -> None:
    """The later batch is linked incrementally (it examines far fewer articles than the store
    holds) and still changes an earlier article's links ("Brito" in f)."""
    store = tmp_path / "store"
    first = [i for i, row in enumerate(POOL) if row not in LATE]
    _ingest(store, [POOL[i] for i in first], "first")
    brito = f"<{BASE}article/f> <http://schema.org/mentions> <{BASE}entity/leonardo-brito>"
    assert any(q.startswith(brito) for q in _store_quads(store))
    summary = _ingest(store, [LATE[0]], "late")
    assert 0 < summary.examined < summary.articles // 3
    assert not any(q.startswith(brito) for q in _store_quads(store))
    assert _store_quads(store) == references.of(frozenset([*first, POOL.index(LATE[0])]))


def test_control_a_pass_that_looks_at_the_new_articles_only_differs(
    tmp_path: Path, references: References, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparison catches an incremental pass that misses the articles a batch changes."""
    monkeypatch.setattr(store_pass, "affected", lambda *args: set())
    store = tmp_path / "store"
    first = [i for i, row in enumerate(POOL) if row not in LATE]
    _ingest(store, [POOL[i] for i in first], "first")
    _ingest(store, [LATE[0]], "late")
    assert _store_quads(store) != references.of(frozenset([*first, POOL.index(LATE[0])]))
    assert memo.affected is not store_pass.affected


def _dump(store: Path) -> set[ox.Quad]:
    result = subprocess.run(
        [sys.executable, "-m", "newsgraph", "dump", "--store", str(store), "--format", "nq", "--quiet"],
        cwd=ROOT, capture_output=True, check=True,
    )  # fmt: skip
    return set(ox.parse(result.stdout, format=ox.RdfFormat.N_QUADS))


def test_trickles_through_the_command_dump_as_one_ingest(tmp_path: Path) -> None:
    """Real processes: `newsgraph ingest` in five batches, then `newsgraph dump`, against the
    dump of one ingest of the same records."""
    rows = POOL[::-1]
    trickled, whole = tmp_path / "trickled", tmp_path / "whole"
    for number in range(5):
        path = write_jsonl(tmp_path / f"batch-{number}.jsonl", rows[number::5])
        subprocess.run(
            [sys.executable, "-m", "newsgraph", "ingest", "--quiet", "--store", str(trickled),
             "--base", BASE, str(path)], cwd=ROOT, capture_output=True, check=False,
        )  # fmt: skip
    path = write_jsonl(tmp_path / "all.jsonl", rows)
    subprocess.run(
        [sys.executable, "-m", "newsgraph", "ingest", "--quiet", "--store", str(whole),
         "--base", BASE, str(path)], cwd=ROOT, capture_output=True, check=False,
    )  # fmt: skip
    assert _dump(trickled) == _dump(whole)
