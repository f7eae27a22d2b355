"""The linking rules' answers about names are kept between runs (``graph/linking/remembered.py``):
a fresh process that links a store computes none of the answers the store's last run kept, and
links exactly as a process that computed them all. Answers kept under other rules, or in a torn
or damaged record, are never read.

Each probe is a fresh ``python`` process, as a one-off ``newsgraph ingest`` is: it loads the
store's answers (or not), resolves the store's entity lists, and reports what it computed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from newsgraph.store import EmbeddedStore

from bench import corpus
from tests.conftest import BASE, ROOT, ingested, record, write_jsonl

FIRST = list(corpus.generate(300, seed=5))
#: A batch with names the first records never gave.
LATER = [
    record("later-1", entities=["Zorana Quillfeather", "Quillfeather Dynamics (QDX)"]),
    record("later-2", entities=["President Quillfeather", "QDX"]),
]

PROBE = """
import json, sys
from pathlib import Path
from newsgraph.linking import remembered
from newsgraph.linking.authority import load_authority
from newsgraph.linking.resolve import Corpus, resolve
from newsgraph.linking.stamp import rules_fingerprint

cache, lists, load = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text()), sys.argv[3]
loaded = remembered.KeptAnswers(cache).load(rules_fingerprint()) if load == "load" else 0
corpus = Corpus({article: tuple(forms) for article, forms in lists.items()})
resolution = resolve(corpus, load_authority(), find_in_text=False)
print(json.dumps({
    "loaded": loaded,
    "computed": remembered.computed(),
    "mentions": resolution.mentions,
    "entities": {key: [e.name, e.type, sorted(e.forms)] for key, e in resolution.entities.items()},
}))
"""


def _probe(store: Path, rows: list[dict[str, Any]], load: bool) -> dict[str, Any]:
    lists = store.parent / "lists.json"
    lists.write_text(json.dumps({row["slug"]: row["entities"] for row in rows}))
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(store / "linking"), str(lists), "load" if load else "-"],
        capture_output=True, cwd=ROOT, timeout=120, check=True,
    )  # fmt: skip
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def _answer_files(store: Path) -> list[Path]:
    return sorted((store / "linking").glob("answers-*.bin"))


def _quads(store: Path) -> set[ox.Quad]:
    with EmbeddedStore(store, base=BASE) as opened:
        return set(opened.raw.quads_for_pattern(None, None, None, None))


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return ingested(tmp_path / "store", write_jsonl(tmp_path / "first.jsonl", FIRST))


def test_a_fresh_process_computes_no_answer_the_store_kept(store: Path) -> None:
    (kept,) = _answer_files(store)
    assert kept.stat().st_size > 0
    warm = _probe(store, FIRST, load=True)
    cold = _probe(store, FIRST, load=False)  # the control: the same work with nothing kept
    assert warm["loaded"] > 0 and warm["computed"] == 0
    assert cold["computed"] > 1000
    assert warm["mentions"] == cold["mentions"] and warm["entities"] == cold["entities"]


def test_a_batch_appends_what_it_computed_and_links_as_without_the_file(
    store: Path, tmp_path: Path
) -> None:
    (kept,) = _answer_files(store)
    size = kept.stat().st_size
    without = tmp_path / "without"
    ingested(without, write_jsonl(tmp_path / "first-again.jsonl", FIRST))
    for path in _answer_files(without):
        path.unlink()
    batch = write_jsonl(tmp_path / "later.jsonl", LATER)
    ingested(store, batch)
    ingested(without, batch)
    assert _quads(store) == _quads(without)  # the oracle: a run that computed every answer
    (grown,) = _answer_files(store)
    assert size < grown.stat().st_size < size + 4096  # the batch's answers only, appended
    both = _probe(store, FIRST + LATER, load=True)
    assert both["computed"] == 0


def test_answers_kept_under_other_rules_are_never_read(store: Path) -> None:
    (kept,) = _answer_files(store)
    other = kept.with_name("answers-0000000000000000.bin")
    kept.rename(other)
    probe = _probe(store, FIRST, load=True)
    assert probe["loaded"] == 0 and probe["computed"] > 1000
    other.rename(kept)  # the control: under its own name, the same file is read
    assert _probe(store, FIRST, load=True)["computed"] == 0


@pytest.mark.parametrize("damage", ["torn", "flipped"])
def test_a_torn_or_damaged_record_is_never_read(store: Path, tmp_path: Path, damage: str) -> None:
    (kept,) = _answer_files(store)
    whole = kept.read_bytes()
    ingested(store, write_jsonl(tmp_path / "later.jsonl", LATER))
    grown = kept.read_bytes()
    assert grown.startswith(whole) and len(grown) > len(whole)
    if damage == "torn":
        kept.write_bytes(grown[:-3])
    else:
        middle = len(whole) + (len(grown) - len(whole)) // 2
        kept.write_bytes(grown[:middle] + bytes([grown[middle] ^ 0xFF]) + grown[middle + 1 :])
    damaged = _probe(store, FIRST + LATER, load=True)
    kept.write_bytes(whole)
    first_only = _probe(store, FIRST + LATER, load=True)
    assert damaged["loaded"] == first_only["loaded"]  # the first record, and nothing after
    assert damaged["computed"] == first_only["computed"] > 0
    assert damaged["entities"] == first_only["entities"]


def test_a_file_of_mostly_forgotten_names_is_written_again(store: Path, tmp_path: Path) -> None:
    before = _probe(store, FIRST, load=True)["loaded"]
    # A process that asks about names the store does not have: three times as many as it asks.
    asking = f"""
from pathlib import Path
from newsgraph.linking import remembered
from newsgraph.linking.people import split_title
from newsgraph.linking.stamp import rules_fingerprint
kept = remembered.KeptAnswers(Path({str(store / "linking")!r}))
kept.load(rules_fingerprint())
for number in range({3 * before}):
    split_title(f"Nobody {{number}}")
assert kept.save(rules_fingerprint())
"""
    subprocess.run([sys.executable, "-c", asking], cwd=ROOT, timeout=120, check=True)
    assert _probe(store, FIRST, load=True)["loaded"] == 4 * before
    # A batch resolved from what the last run kept asks about its own names alone: it appends
    # them, and drops nothing (it cannot tell what the store no longer has).
    ingested(store, write_jsonl(tmp_path / "later.jsonl", LATER))
    kept = _probe(store, FIRST + LATER, load=True)
    assert kept["loaded"] > 4 * before and kept["computed"] == 0
    # A relink asks about every name: it writes the file again with those alone.
    subprocess.run(
        [sys.executable, "-m", "newsgraph", "link", "--store", str(store),
         "--base", BASE], cwd=ROOT, timeout=120, check=True, capture_output=True,
    )  # fmt: skip
    after = _probe(store, FIRST + LATER, load=True)
    assert after["loaded"] < 2 * before and after["computed"] == 0  # no stale answer left
    assert len(_answer_files(store)) == 1
