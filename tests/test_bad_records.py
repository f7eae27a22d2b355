"""The corpus of bad records in tests/data/bad: each is named FILE:LINE and field, or normalised
as the README documents; the records around it always load; no traceback reaches the user."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from newsgraph.ingest import ingest
from newsgraph.settings import Settings
from newsgraph.store import EmbeddedStore

from tests.conftest import BASE, newsgraph, record, write_jsonl

BAD = Path(__file__).parent / "data" / "bad"
S = "http://schema.org/"

#: file → (line, field, words of the message): the middle record is rejected.
REJECTED = {
    "missing-title.jsonl": (2, "title", "is required"),
    "missing-slug.jsonl": (2, "slug", "is required"),
    "missing-published-at.jsonl": (2, "published_at", "is required"),
    "wrong-type-title.jsonl": (2, "title", "must be a string, not int"),
    "wrong-type-entities.jsonl": (2, "entities", "must be a list of strings, not str"),
    "wrong-type-topics-item.jsonl": (2, "topics", "item 1 must be a string, not dict"),
    "wrong-type-alternates.jsonl": (2, "alternates", "'html' must be a URL string"),
    "invalid-date.jsonl": (2, "published_at", "not an ISO 8601 date-time: '2026-02-30 10:00:00'"),
    "invalid-date-format.jsonl": (2, "published_at", "not an ISO 8601 date-time: '27/06/2026'"),
    "invalid-date-zone.jsonl": (2, "updated_at", "not an ISO 8601 date-time"),
    "broken-json.jsonl": (2, None, "invalid JSON"),
    "not-an-object.jsonl": (2, None, "must be a JSON object, not an array"),
    "invalid-utf8.jsonl": (2, None, "invalid UTF-8 at byte"),
    "javascript-url.jsonl": (2, "url", "not an absolute http(s) URL: 'javascript:"),
    "relative-url.jsonl": (2, "canonical_source", "not an absolute http(s) URL: '/news/relative'"),
    "path-traversal-slug.jsonl": (2, "slug", "is not a safe path segment"),
    "slash-slug.jsonl": (2, "slug", "is not a safe path segment"),
    "dot-dot-slug.jsonl": (2, "slug", "is not a safe path segment"),
    "long-slug.jsonl": (2, "slug", "at most 200 characters"),
    "bad-lang.jsonl": (2, "lang", "not a language tag"),
}


def _ingest(path: Path, settings: Settings) -> tuple[list[str], EmbeddedStore]:
    lines: list[str] = []
    store = EmbeddedStore(settings.store_path, write=True, base=settings.base)
    ingest([str(path)], store, settings, report=lines.append)
    return lines, store


def _headlines(store: EmbeddedStore) -> dict[str, str]:
    rows = store.select(f"SELECT ?id ?h WHERE {{ ?a <{S}identifier> ?id ; <{S}headline> ?h }}")
    return {row["id"].value: row["h"].value for row in rows}  # type: ignore[union-attr]


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_bad_record_is_named_and_the_rest_loads(name: str, settings: Settings) -> None:
    line, field, words = REJECTED[name]
    path = BAD / name
    lines, store = _ingest(path, settings)
    with store:
        loaded = set(_headlines(store))
    stem = name.removesuffix(".jsonl")
    assert loaded == {f"{stem}-before", f"{stem}-after"}
    where = f"{path}:{line}: " + (f"{field}: " if field else "")
    rejected = [entry for entry in lines if entry.startswith("rejected ")]
    assert len(rejected) == 1, lines
    assert rejected[0].startswith(f"rejected {where}"), rejected[0]
    assert words in rejected[0]
    logged = [json.loads(x) for x in settings.rejects_path.read_text().splitlines()]
    assert [(e["location"], e["field"]) for e in logged] == [(f"{path}:{line}", field)]


def test_broken_array_loads_the_items_before_the_break(settings: Settings) -> None:
    path = BAD / "broken-array.json"
    lines, store = _ingest(path, settings)
    with store:
        assert set(_headlines(store)) == {"arr-0", "arr-1"}
    assert any(
        line.startswith(f"rejected {path}:2: invalid JSON in array item 2") for line in lines
    )


def test_control_characters_are_removed(settings: Settings) -> None:
    _, store = _ingest(BAD / "control-characters.jsonl", settings)
    with store:
        assert _headlines(store)["control"] == "Bell and null"
        names = {r["n"].value for r in store.select(f"SELECT ?n WHERE {{ ?e <{S}name> ?n }}")}  # type: ignore[union-attr]
    assert "Org" in names and not any("\x08" in n for n in names)


def test_right_to_left_text_and_emoji_are_kept_exactly(settings: Settings) -> None:
    _, store = _ingest(BAD / "rtl-and-emoji.jsonl", settings)
    with store:
        assert _headlines(store)["rtl"] == "שלום مرحبا 🌍 news"
        names = {r["n"].value for r in store.select(f"SELECT ?n WHERE {{ ?e <{S}name> ?n }}")}  # type: ignore[union-attr]
    assert {"الأمم المتحدة", "Café 😀"} <= names


def test_unpaired_surrogates_become_replacement_characters(settings: Settings) -> None:
    _, store = _ingest(BAD / "lone-surrogate.jsonl", settings)
    with store:
        assert _headlines(store)["surrogate"] == "half \ufffd pair"


def test_duplicate_slugs_keep_the_newest_version(settings: Settings) -> None:
    path = BAD / "duplicate-slugs.jsonl"
    lines, store = _ingest(path, settings)
    with store:
        assert _headlines(store) == {"dup": "Third edit"}
    skipped = [line for line in lines if line.startswith("skipped ")]
    assert len(skipped) == 2 and all("superseded by the newer version" in s for s in skipped)


def test_a_ten_megabyte_body_is_refused_and_the_rest_loads(
    tmp_path: Path, settings: Settings
) -> None:
    path = write_jsonl(
        tmp_path / "big.jsonl",
        [record("small-1"), record("huge", body_md="word " * 2_100_000), record("small-2")],
    )
    lines, store = _ingest(path, settings)
    with store:
        assert set(_headlines(store)) == {"small-1", "small-2"}
    assert any(f"{path}:2: body_md: longer than the limit" in line for line in lines)
    logged = json.loads(settings.rejects_path.read_text())
    assert logged["record"]["slug"] == "huge"


def test_the_whole_corpus_through_the_command_line(tmp_path: Path) -> None:
    result = newsgraph("ingest", "--store", str(tmp_path / "store"), "--base", BASE, str(BAD))
    err = result.stderr.decode()
    assert result.returncode == 1
    assert "Traceback" not in err
    for name, (line, _, _) in REJECTED.items():
        assert f"{BAD / name}:{line}: " in err, name
    summary = err.strip().splitlines()[-2]
    assert f"rejected {len(REJECTED) + 1};" in summary


def test_a_rejected_record_with_unpaired_surrogates_is_kept_losslessly(
    tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text('{"slug": "x", "title": "half \\ud800", "published_at": "never"}\n')
    lines, store = _ingest(path, settings)
    store.close()
    assert any(f"{path}:1: published_at:" in line for line in lines)
    logged = json.loads(settings.rejects_path.read_text())
    assert logged["record"]["title"] == "half \ud800"
