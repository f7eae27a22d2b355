"""The entity summaries follow writes by reading only what each unit noted it changed
(``graph/store/changes.py``, ``graph/store/summaries/overlay.py``): after every batch of a
trickle — new articles, newer versions, entities merged and renamed — they answer every entity
of the store exactly as summaries built from scratch on the same snapshot do, and they decline
only rarely. A write that does not say what it changed (a SPARQL update) makes them build whole.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from newsgraph.ingest import ingest
from newsgraph.settings import load_settings
from newsgraph.store import EmbeddedStore, changes
from newsgraph.store.summaries import SummaryKeeper
from newsgraph.store.summaries.keeper import summaries_of
from newsgraph.store.summaries.overlay import Overlaid

from bench import corpus
from tests.conftest import BASE, write_jsonl
from tests.test_trickle_invariance import LATE, STORIES

QUERIES = ("entity_articles", "entity_comentions", "entity_months")


def _ingest(store: Path, rows: list[dict[str, Any]], name: str) -> None:
    settings = load_settings(store=str(store), base=BASE)
    path = write_jsonl(store.parent / f"{name}.jsonl", rows)
    with EmbeddedStore(store, write=True, base=BASE) as opened:
        ingest([str(path)], opened, settings)


def _compare(keeper: SummaryKeeper, store: Path) -> tuple[int, int]:
    """(answers compared, answers the overlay declined) over every entity of the store."""
    full = summaries_of(store)
    overlaid = keeper.current
    assert isinstance(overlaid, Overlaid)
    assert overlaid.generation == full.generation
    compared = declined = 0
    for entity in full.entity_iris:
        for query in QUERIES:
            ours = getattr(overlaid, query)(entity, 100)
            theirs = getattr(full, query)(entity, 100)
            if ours is None:
                declined += 1
                continue
            compared += 1
            assert ours == theirs, (query, entity)
    return compared, declined


@pytest.fixture
def rows() -> list[dict[str, Any]]:
    generated = list(corpus.generate(160, seed=3))
    random.Random(2).shuffle(generated)
    return generated


def test_the_summaries_follow_every_batch_as_a_full_build_answers(
    tmp_path: Path, rows: list[dict[str, Any]], request: pytest.FixtureRequest
) -> None:
    store = tmp_path / "store"
    _ingest(store, [*STORIES, *rows[:100]], "first")
    keeper = SummaryKeeper(store)
    request.addfinalizer(keeper.close)
    keeper.build_now()
    later = [*LATE, *rows[100:]]
    for number, start in enumerate(range(0, len(later), 13)):
        batch = later[start : start + 13]
        if number == 2:  # newer versions of earlier articles, with other entity lists
            batch = [{**row, "updated_at": "2031-01-01T00:00:00Z", "entities": row["entities"][:1]}
                     for row in rows[:5]] + batch  # fmt: skip
        _ingest(store, batch, f"batch-{number}")
        assert keeper._follow_changes(), f"batch {number} was not followed"
        compared, declined = _compare(keeper, store)
        assert compared > 10 * declined, (compared, declined)
    assert keeper.builds == 1 and keeper.followed >= 5


def test_control_an_overlay_that_reads_nothing_again_differs(
    tmp_path: Path, rows: list[dict[str, Any]], request: pytest.FixtureRequest
) -> None:
    """The comparison catches summaries that miss what a write changed."""
    store = tmp_path / "store"
    _ingest(store, [*STORIES, *rows[:100]], "first")
    keeper = SummaryKeeper(store)
    request.addfinalizer(keeper.close)
    base = keeper.build_now()
    _ingest(store, rows[100:], "second")
    full = summaries_of(store)
    keeper.current = Overlaid.over(base, full.generation, full.name, {})
    with pytest.raises(AssertionError):
        _compare(keeper, store)


def test_a_write_that_does_not_say_what_it_changed_is_built_whole(
    tmp_path: Path, rows: list[dict[str, Any]], request: pytest.FixtureRequest
) -> None:
    store = tmp_path / "store"
    _ingest(store, rows[:40], "first")
    keeper = SummaryKeeper(store)
    request.addfinalizer(keeper.close)
    keeper.build_now()
    with EmbeddedStore(store, write=True, base=BASE) as opened:
        before = opened.generation
        opened.update(
            "INSERT DATA { GRAPH <http://localhost:8000/g> { <http://x/a> "
            "<http://schema.org/mentions> <http://x/e> } }"
        )
        after = opened.generation
    assert changes.since(store / "snapshots", before, after) is None
    assert not keeper._follow_changes()
