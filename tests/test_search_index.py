"""The full-text index holds every date a record may give, and an index of another layout is
made afresh by the store's writer, never read wrong.

tantivy's own date type holds 1677–2262 only; an archive reaches further back (a gazette of
1666) and a typing slip further on. Each such record is ingested, found, shown with its date and
kept or left out by ``--since``/``--until`` exactly as the oracle (Python's comparison of the
records' instants) says.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import tantivy
from newsgraph.search.index import SearchIndex

from tests.conftest import newsgraph, record, write_jsonl

#: slug → published_at: years before 1000, around tantivy's limits and 1970, and to 9999.
DATES = {
    "y0987": "0987-03-01T00:00:00Z",
    "y1666": "1666-09-02T01:00:00Z",
    "y1677": "1677-09-21T00:12:43Z",
    "y1969": "1969-12-31T23:59:59.999999Z",
    "y1970": "1970-01-01T00:00:00Z",
    "y2262": "2262-04-12T00:00:00+02:00",
    "y2400": "2400-02-29T12:00:00-05:00",
    "y9999": "9999-12-31T23:59:59Z",
}
#: (since, until) as ``--since``/``--until`` take them.
WINDOWS = [
    ("", "1600-01-01"),
    ("1000-01-01", "1700-01-01"),
    ("1969-12-31T23:59:59.999999Z", "1970-01-01"),
    ("2262-04-11", "2262-04-11"),
    ("2262-04-11T22:00:00Z", ""),
    ("2400-02-29T17:00:00Z", "2400-02-29T17:00:00Z"),
    ("2500-01-01", ""),
    ("", ""),
]


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _bound(text: str, *, end: bool) -> datetime | None:
    if not text:
        return None
    moment = _instant(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if end and len(text) == 10:
        moment = moment.replace(hour=23, minute=59, second=59, microsecond=999_999)
    return moment


def _search(store: Path, *flags: str) -> list[dict[str, object]]:
    done = newsgraph("search", "referendum", "--store", str(store), "--limit", "0",
                     "--format", "json", *flags)  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)["matches"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dated")
    records = [
        record(slug, published_at=published, body_md=f"The referendum of {slug}.")
        for slug, published in DATES.items()
    ]
    store = folder / "store"
    done = newsgraph("ingest", "-q", "--store", str(store),
                     str(write_jsonl(folder / "dated.jsonl", records)))  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    return store


def test_control_tantivys_own_date_type_cannot_hold_these_dates() -> None:
    """What the index would meet with tantivy's date type: the test's dates are out of it."""
    builder = tantivy.SchemaBuilder()
    builder.add_date_field("date", stored=True, indexed=True, fast=True)
    document = tantivy.Document()
    with pytest.raises(ValueError, match="out of range"):
        document.add_date("date", _instant(DATES["y1666"]))


def test_every_date_is_indexed_and_shown_as_the_record_gives_it(dated: Path) -> None:
    found = {str(hit["slug"]): _instant(str(hit["date"])) for hit in _search(dated)}
    assert found == {slug: _instant(published) for slug, published in DATES.items()}


@pytest.mark.parametrize(("since", "until"), WINDOWS)
def test_since_and_until_keep_exactly_the_articles_within(
    dated: Path, since: str, until: str
) -> None:
    low, high = _bound(since, end=False), _bound(until, end=True)
    oracle = {
        slug
        for slug, published in DATES.items()
        if (low is None or low <= _instant(published))
        and (high is None or _instant(published) <= high)
    }
    flags = [*(["--since", since] if since else []), *(["--until", until] if until else [])]
    assert {str(hit["slug"]) for hit in _search(dated, *flags)} == oracle


def _old_layout_index(path: Path) -> None:
    """An index as newsgraph laid it out before dates were held as microseconds: the same
    fields, ``date`` of tantivy's date type; one document in it."""
    builder = tantivy.SchemaBuilder()
    for name in ("kind", "iri", "digest", "slug", "lang", "field", "generation", "headline"):
        builder.add_text_field(name, stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_date_field("date", stored=True, indexed=True, fast=True)
    builder.add_text_field("text_en", stored=True)
    index = tantivy.Index(builder.build(), path=str(path), reuse=True)
    writer = index.writer(15_000_000, 1)
    writer.add_document(tantivy.Document(kind="article", iri="http://x/old", text_en="referendum"))
    writer.commit()


def _files(path: Path) -> dict[str, int]:
    return {name: os.stat(path / name).st_mtime_ns for name in sorted(os.listdir(path))}


def test_an_index_of_another_layout_is_refused_to_readers_and_made_afresh_by_the_writer(
    tmp_path: Path,
) -> None:
    store = tmp_path / "store"
    first = write_jsonl(tmp_path / "first.jsonl", [record("a", body_md="A referendum.")])
    assert newsgraph("ingest", "-q", "--store", str(store), str(first)).returncode == 0
    search = store / "search"

    # the control: the writer leaves an index of this layout as it is
    before = _files(search)
    assert newsgraph("ingest", "-q", "--store", str(store), str(first)).returncode == 0
    assert _files(search) == before

    for name in os.listdir(search):
        (search / name).unlink()
    _old_layout_index(search)
    refused = newsgraph("search", "referendum", "--store", str(store))
    assert refused.returncode != 0
    message = refused.stderr.decode()
    assert "made by another version of newsgraph" in message and "--rebuild" in message
    assert "Traceback" not in message

    second = write_jsonl(tmp_path / "second.jsonl", [record("b", body_md="B referendum.")])
    done = newsgraph("ingest", "-q", "--store", str(store), str(second))
    assert done.returncode == 0, done.stderr.decode()
    assert {hit["slug"] for hit in _search(store)} == {"a", "b"}  # the old document is gone
    assert SearchIndex.of_store(store).generation() is not None


def test_an_index_still_being_made_answers_with_an_error_not_with_nothing_found(
    tmp_path: Path,
) -> None:
    """Between the writer's remaking an index and its catch-up's commit, a search (by the
    command or in SPARQL) says the index is being made; it does not find nothing."""
    store = tmp_path / "store"
    first = write_jsonl(tmp_path / "first.jsonl", [record("a", body_md="A referendum.")])
    assert newsgraph("ingest", "-q", "--store", str(store), str(first)).returncode == 0
    assert [hit["slug"] for hit in _search(store)] == ["a"]  # the control: a filled index

    shutil.rmtree(store / "search")
    SearchIndex.of_store(store, create=True)  # made, as the writer makes it, not yet filled
    matched = (
        'PREFIX ng: <https://w3id.org/newsgraph/ns#> SELECT ?a WHERE { ?a ng:matches "referendum" }'
    )
    for done in (
        newsgraph("search", "referendum", "--store", str(store)),
        newsgraph("query", "--store", str(store), matched),
    ):
        assert done.returncode != 0, done.stdout.decode()
        message = done.stderr.decode()
        assert "is being made afresh" in message and "Traceback" not in message

    again = newsgraph("ingest", "-q", "--store", str(store), str(first))  # the writer catches up
    assert again.returncode == 0, again.stderr.decode()
    assert [hit["slug"] for hit in _search(store)] == ["a"]
