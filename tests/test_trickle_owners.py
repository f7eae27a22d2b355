"""A batch that changes which entity a name of earlier articles belongs to: the incremental
pass (``graph/linking/memo.py``: only the articles a batch can change are looked at; the names
read from the last pass's inputs, ``graph/linking/inputs.py``) rewrites those earlier articles,
and the store is quad for quad the one a single ingest of the same records makes.

Each case checks first that the earlier article's links do change (else it would prove
nothing), then the store against the from-scratch one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from newsgraph.ingest import Summary, ingest
from newsgraph.settings import load_settings
from newsgraph.store import EmbeddedStore

from bench import corpus
from tests.conftest import BASE, record, write_jsonl

MENTIONS = "<http://schema.org/mentions>"
#: Articles that never change: the batch must look at the old articles it changes, not all.
BACKGROUND = list(corpus.generate(30, seed=9))

CASES: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]], str, str]] = {
    # A bare surname used alone by old articles; the batch brings the one person bearing it.
    "a longer name takes over a short form": (
        [record("old-surname", entities=["Ottweiler", "Astana"])],
        [record("new-person", entities=["Hanna Ottweiler"])],
        "old-surname",
        "hanna-ottweiler",
    ),
    # An acronym old articles used alone; the batch's text defines it.
    "an acronym defined in the batch": (
        [record("old-acronym", entities=["QZW", "Astana"])],
        [
            record(
                "new-definition",
                entities=["Quell Zinc Works"],
                body_md="# D\n\nThe Quell Zinc Works (QZW) reopened.",
            )
        ],
        "old-acronym",
        "quell-zinc-works",
    ),
    # An entity the old article's text names in full before any list named it.
    "a name found in an old text once it is known": (
        [record("old-text", entities=["Astana"], body_md="# T\n\nBrannock Mills hired staff.")],
        [record("new-entity", entities=["Brannock Mills"])],
        "old-text",
        "brannock-mills",
    ),
}


def _ingest(store: Path, rows: list[dict[str, Any]], name: str) -> Summary:
    settings = load_settings(store=str(store), base=BASE)
    path = write_jsonl(store.parent / f"{store.name}-{name}.jsonl", rows)
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as opened:
        return ingest([str(path)], opened, settings)


def _quads(store: Path) -> set[str]:
    with EmbeddedStore(store, base=BASE) as opened:
        return {str(q) for q in opened.raw.quads_for_pattern(None, None, None, None)}


def _links(quads: set[str], slug: str) -> set[str]:
    subject = f"<{BASE}article/{slug}> {MENTIONS} "
    return {q.split(" ")[2] for q in quads if q.startswith(subject)}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_batch_that_changes_an_old_articles_owner_relinks_it(tmp_path: Path, case: str) -> None:
    old, batch, article, owner = CASES[case]
    trickled, scratch = tmp_path / "trickled", tmp_path / "scratch"
    _ingest(trickled, BACKGROUND + old, "old")
    before = _links(_quads(trickled), article)
    summary = _ingest(trickled, batch, "batch")
    _ingest(scratch, BACKGROUND + old + batch, "all")
    expected = _quads(scratch)
    assert f"<{BASE}entity/{owner}>" in _links(expected, article) - before
    assert 0 < summary.examined < summary.articles  # the pass was incremental
    assert _quads(trickled) == expected
