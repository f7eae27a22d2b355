"""The key index answers which articles try which name keys from its two files: merged or not,
after a crash between a merge's two steps, for a store written in one pass or in many
(:class:`graph.linking.memo.KeyIndex`). The oracle is the same question asked of the rows
themselves."""

from __future__ import annotations

import marshal
import random
import shutil
from pathlib import Path

import pytest
from newsgraph.linking.memo import KeyIndex, span_keys

WORDS = [f"name {number}" for number in range(400)]


def _spans(keys: list[str]) -> bytes:
    """Encoded spans that try exactly ``keys`` (one whole span per key, no parts)."""
    return marshal.dumps(tuple(((((key, "upper"),), ())) for key in keys))


def _rows(count: int, seed: int, start: int = 0) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    return [
        (f"http://example.org/article/{start + n}", _spans(rng.sample(WORDS, rng.randint(0, 12))))
        for n in range(count)
    ]


def _oracle(rows: list[tuple[str, bytes]], keys: list[str]) -> set[str]:
    wanted = set(keys)
    return {iri for iri, spans in rows if span_keys(spans) & wanted}


def _fill(index: KeyIndex, rows: list[tuple[str, bytes]], chunk: int) -> None:
    numbered = 0
    for at in range(0, len(rows), chunk):
        numbered = index.add(rows[at : at + chunk], numbered)


@pytest.mark.parametrize("merge_at", [50, 1 << 18], ids=["merging", "never merging"])
@pytest.mark.parametrize("chunk", [1, 37, 5000])
def test_the_index_finds_what_the_rows_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, merge_at: int, chunk: int
) -> None:
    monkeypatch.setattr(KeyIndex, "MERGE_AT", merge_at)
    rows = _rows(1500, seed=chunk)
    index = KeyIndex(tmp_path)
    _fill(index, rows, chunk)
    merged = index.sorted.exists() and index.sorted.stat().st_size > 0
    assert merged == (merge_at == 50)  # control: both layouts are exercised
    rng = random.Random(merge_at + chunk)
    for size in (1, 3, 40, 400):
        keys = rng.sample(WORDS, size)
        assert index.trying(keys) == _oracle(rows, keys)
    assert index.trying(["a name no article tries"]) == set()
    assert index.trying([]) == set()


def test_a_lookup_reads_the_sorted_file_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a merge the unsorted file is empty: every answer comes from the binary search."""
    monkeypatch.setattr(KeyIndex, "MERGE_AT", 10)
    rows = _rows(800, seed=7)
    index = KeyIndex(tmp_path)
    index.add(rows, 0)
    assert index.pairs.stat().st_size == 0
    assert index.sorted.stat().st_size > 0
    for key in WORDS[:50]:
        assert index.trying([key]) == _oracle(rows, [key])


def test_a_crash_between_the_merges_steps_only_repeats_pairs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(KeyIndex, "MERGE_AT", 1 << 30)
    rows = _rows(600, seed=3)
    index = KeyIndex(tmp_path)
    index.add(rows, 0)
    unsorted = index.pairs.read_bytes()
    monkeypatch.setattr(KeyIndex, "MERGE_AT", 10)
    numbered = index.add(_rows(1, seed=4, start=600), 600)  # merges
    rows += _rows(1, seed=4, start=600)
    assert numbered == 601
    index.pairs.write_bytes(unsorted)  # the unsorted file as if it had not been emptied
    for key in WORDS[:60]:
        assert index.trying([key]) == _oracle(rows, [key])


def test_an_index_written_before_the_sorted_file_existed_is_read_and_merged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache of an earlier version holds every pair in ``keys.bin``."""
    monkeypatch.setattr(KeyIndex, "MERGE_AT", 1 << 30)
    rows = _rows(900, seed=5)
    index = KeyIndex(tmp_path)
    index.add(rows, 0)
    assert not index.sorted.exists()
    keys = WORDS[100:130]
    assert index.trying(keys) == _oracle(rows, keys)
    monkeypatch.setattr(KeyIndex, "MERGE_AT", 10)
    more = _rows(5, seed=6, start=900)
    index.add(more, 900)
    assert index.pairs.stat().st_size == 0
    assert index.trying(keys) == _oracle(rows + more, keys)


def test_forget_removes_every_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(KeyIndex, "MERGE_AT", 10)
    index = KeyIndex(tmp_path)
    index.add(_rows(100, seed=8), 0)
    index.add(_rows(2, seed=9, start=100), 100)
    index.forget()
    assert not list(tmp_path.iterdir())
    shutil.rmtree(tmp_path)
    tmp_path.mkdir()
    assert KeyIndex(tmp_path).trying(WORDS) == set()


def _unread(index: KeyIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make reading the articles' file whole fail (a lookup must not need it)."""

    def whole() -> list[str]:
        raise AssertionError("the articles' file was read whole")

    monkeypatch.setattr(index, "articles", whole)


def test_a_lookup_reads_only_the_lines_of_the_articles_it_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = _rows(700, seed=12)
    rows[5] = ("http://example.org/article/ünïcode-5", rows[5][1])
    index = KeyIndex(tmp_path)
    _fill(index, rows, 90)
    _unread(index, monkeypatch)
    for key in WORDS[:40]:
        assert index.trying([key]) == _oracle(rows, [key])
    assert index.named([5, 699, 700, 10_000]) == [rows[5][0], rows[699][0]]


def test_an_index_without_the_offsets_is_read_whole_then_given_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache written before the offsets were kept, or whose offsets a crash cut short,
    answers the same (reading the file whole) until the next append writes them again."""
    rows = _rows(300, seed=13)
    index = KeyIndex(tmp_path)
    index.add(rows, 0)
    with open(index.starts, "r+b") as handle:
        handle.truncate(index.starts.stat().st_size - 8)  # cut short
    keys = WORDS[:30]
    assert index.trying(keys) == _oracle(rows, keys)
    index.starts.unlink()  # never written
    assert index.trying(keys) == _oracle(rows, keys)
    more = _rows(4, seed=14, start=300)
    index.add(more, 300)
    _unread(index, monkeypatch)
    assert index.trying(keys) == _oracle(rows + more, keys)
    with pytest.raises(AssertionError, match="read whole"):  # the control
        index.starts.unlink()
        index.trying(keys)
