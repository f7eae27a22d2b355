"""What a block paused with ``keep`` leaves is out of the collector's walks, and cycles that die
among it are reclaimed once the frozen objects have grown by a quarter (``newsgraph.collector``).

A server that carries the linking tables from batch to batch (``graph.linking.carry``) pauses
with ``keep``: without it each later collection walks the tables again, with the interpreter
held (``bench/README.md``).
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from newsgraph import collector


@pytest.fixture(autouse=True)
def _thawed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    gc.unfreeze()
    monkeypatch.setattr(collector, "_frozen_after_reclaim", 0)
    monkeypatch.setattr(collector, "_frozen_since", 0)
    yield
    gc.unfreeze()


def _walked(thing: object) -> bool:
    """Whether a collection of any generation would walk ``thing``."""
    return any(o is thing for generation in range(3) for o in gc.get_objects(generation))


def test_a_kept_block_leaves_what_it_made_out_of_the_collectors_walks() -> None:
    with collector.paused():
        plain = [[1], [2]]
    assert _walked(plain)  # the control: a block without keep leaves it to the collector
    assert gc.isenabled()

    with collector.paused(keep=True):
        kept = [[1], [2]]
        assert not gc.isenabled()
    assert gc.isenabled()
    assert not _walked(kept) and not _walked(kept[0])
    assert gc.get_freeze_count() > 0


class _Node:
    pass


def _a_dead_cycle_among_the_frozen() -> list[bool]:
    """A cycle made in a kept block, dead once the block ends; the list it returns gets True
    when the cycle is reclaimed. A plain collection does not reclaim it (the control)."""
    reclaimed: list[bool] = []
    with collector.paused(keep=True):
        node = _Node()
        node.self = node  # type: ignore[attr-defined]
        weakref.finalize(node, reclaimed.append, True)
    del node
    gc.collect()
    assert not reclaimed
    return reclaimed


def test_cycles_dying_among_the_frozen_are_reclaimed_after_a_quarters_growth() -> None:
    reclaimed = _a_dead_cycle_among_the_frozen()
    frozen = gc.get_freeze_count()

    held = []
    with collector.paused(keep=True):  # a tenth more: still frozen
        held.append([[i] for i in range(frozen // 20)])
    gc.collect()
    assert not reclaimed

    with collector.paused(keep=True):  # past a quarter: handed back and collected, once
        held.append([[i] for i in range(frozen // 4)])
    assert reclaimed == [True]
    assert not _walked(held[-1])  # and what is held is frozen again


def test_collect_all_sees_the_frozen_and_freezes_them_again() -> None:
    """What must be gone once unreferenced (a database closing) is, frozen or not."""
    with collector.paused(keep=True):
        kept = [[1]]
    gone = _a_dead_cycle_among_the_frozen()
    collector.collect_all()
    assert gone == [True]
    assert not _walked(kept)


def test_a_freeze_counts_what_it_moves_not_everything_frozen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Counting the frozen objects walks them all (at a million articles, 0.16 s of each
    batch): after the first, a kept block counts the young objects it freezes instead. The
    control: the first kept block counts them all."""
    counted: list[int] = []
    count = gc.get_freeze_count

    def counting() -> int:
        counted.append(1)
        return count()

    monkeypatch.setattr(gc, "get_freeze_count", counting)
    with collector.paused(keep=True):
        held = [[[i] for i in range(1000)]]
    assert len(counted) == 1
    for _ in range(3):
        with collector.paused(keep=True):  # a few more: under a quarter's growth
            held.append([[1]])
    assert len(counted) == 1
    assert not _walked(held[-1])


def test_objects_a_block_replaces_are_no_growth() -> None:
    """Blocks that replace what they hold (a batch changing kept tables in place) move new
    objects in as old ones die: the frozen objects do not grow, so nothing is handed back,
    though the blocks together moved more than a quarter of them. The control: blocks that
    add as many do hand them back."""
    reclaimed = _a_dead_cycle_among_the_frozen()
    frozen = gc.get_freeze_count()
    held = [[[i] for i in range(frozen // 5)]]
    with collector.paused(keep=True):
        pass
    reclaimed_before = list(reclaimed)
    for _ in range(3):
        with collector.paused(keep=True):  # a fifth of them replaced, three times
            held[0] = [[i] for i in range(frozen // 5)]
    assert reclaimed == reclaimed_before == []
    for _ in range(2):
        with collector.paused(keep=True):  # a fifth added, twice
            held.append([[i] for i in range(frozen // 5)])
    assert reclaimed == [True]
