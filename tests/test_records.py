from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from newsgraph import records
from newsgraph.errors import RecordError
from newsgraph.records import MAX_ITEMS, parse_datetime, shown, unknown_fields, validate

from tests.conftest import record


def test_seed_layout_validates() -> None:
    parsed = validate(record(), "f.jsonl:1")
    assert parsed.slug == "s1"
    assert parsed.published_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert parsed.entities == ("Kazakhstan", "Council of Europe")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-06-27 13:02:00+00:00", datetime(2026, 6, 27, 13, 2, tzinfo=UTC)),
        ("2026-06-27T13:02:00Z", datetime(2026, 6, 27, 13, 2, tzinfo=UTC)),
        ("1987-02-26 15:01:01.790000", datetime(1987, 2, 26, 15, 1, 1, 790000, tzinfo=UTC)),
        ("2026-06-27 13:37:33.895782+02:00",
         datetime(2026, 6, 27, 13, 37, 33, 895782, tzinfo=timezone(timedelta(hours=2)))),
        ("2026-06-27", datetime(2026, 6, 27, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_dates_are_read_with_a_zone(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.tzinfo is not None


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"slug": None}, "slug", "must be a string"),
        ({"slug": "a/b"}, "slug", "safe path segment"),
        ({"slug": ".."}, "slug", "safe path segment"),
        ({"slug": "a..b"}, "slug", "safe path segment"),
        ({"title": ""}, "title", "must not be empty"),
        ({"title": 42}, "title", "must be a string"),
        ({"published_at": "yesterday"}, "published_at", "not an ISO 8601"),
        ({"published_at": "2026-13-45 10:00:00"}, "published_at", "not an ISO 8601"),
        ({"published_at": 1700000000}, "published_at", "date-time string"),
        ({"url": "javascript:alert(1)"}, "url", "absolute http(s) URL"),
        ({"url": "/relative/path"}, "url", "absolute http(s) URL"),
        ({"canonical_source": "ftp://x.example/a"}, "canonical_source", "absolute http(s)"),
        ({"entities": "Kazakhstan"}, "entities", "must be a list"),
        ({"entities": ["ok", 3]}, "entities", "item 1 must be a string"),
        ({"alternates": {"html": "notaurl"}}, "alternates", "'html'"),
        ({"lang": "english language"}, "lang", "language tag"),
    ],
)
def test_bad_fields_name_location_and_field(fields: dict, field: str, fragment: str) -> None:
    with pytest.raises(RecordError) as caught:
        validate(record(**fields), "batch.jsonl:7")
    assert caught.value.location == "batch.jsonl:7"
    assert caught.value.field == field
    assert fragment in caught.value.message
    assert str(caught.value).startswith(f"batch.jsonl:7: {field}: ")


def test_missing_required_field() -> None:
    raw = record()
    del raw["published_at"]
    with pytest.raises(RecordError) as caught:
        validate(raw, "x.json:0")
    assert caught.value.field == "published_at"
    assert caught.value.message == "is required"


def test_not_an_object() -> None:
    with pytest.raises(RecordError, match="must be a JSON object, not an array"):
        validate([1, 2], "x.json:3")


def test_normalisations() -> None:
    parsed = validate(
        record(
            title="  Two\u0000 words \n here ",
            summary="rtl \u05e9\u05dc\u05d5\u05dd and emoji \U0001f600",
            entities=["Kazakhstan", " Kazakhstan ", "", "Astana"],
            topics=None,
            alternates=None,
            x_source={"anything": 1},
        ),
        "x:1",
    )
    assert parsed.title == "Two words here"
    assert parsed.summary == "rtl \u05e9\u05dc\u05d5\u05dd and emoji \U0001f600"
    assert parsed.entities == ("Kazakhstan", "Astana")
    assert parsed.topics == ()
    assert parsed.alternates == {}


def test_unknown_fields_are_reported_but_x_fields_are_not() -> None:
    assert unknown_fields(record(x_reuters={}, section="world")) == ["section"]


def test_oversized_body_is_refused() -> None:
    with pytest.raises(RecordError, match="longer than the limit"):
        validate(record(body_md="x" * 10_000_000), "big.json:1")


def test_modified_prefers_updated_at() -> None:
    parsed = validate(record(updated_at="2026-02-01T00:00:00Z"), "x:1")
    assert parsed.modified == datetime(2026, 2, 1, tzinfo=UTC)
    assert validate(record(), "x:1").modified == parsed.published_at


@pytest.mark.parametrize(
    ("field", "one"),
    [
        ("entities", "E{}"),
        ("topics", "t{}"),
        ("author", "A{}"),
        ("image", "https://img.example/{}.jpg"),
    ],
)
def test_a_list_field_holds_at_most_max_items(field: str, one: str) -> None:
    at_limit = [one.format(i) for i in range(MAX_ITEMS)]
    assert len(getattr(validate(record(**{field: at_limit}), "x:1"), field)) == MAX_ITEMS
    with pytest.raises(RecordError) as caught:
        validate(record(**{field: [*at_limit, one.format("extra")]}), "many.jsonl:3")
    assert caught.value.field == field
    assert f"{MAX_ITEMS + 1:,} items; a record holds at most {MAX_ITEMS:,}" in caught.value.message


def test_too_many_alternates_are_refused() -> None:
    alternates = {f"f{i}": f"https://x.example/{i}" for i in range(MAX_ITEMS + 1)}
    with pytest.raises(RecordError, match="at most 500") as caught:
        validate(record(alternates=alternates), "x:1")
    assert caught.value.field == "alternates"


@pytest.mark.parametrize("field", ["published_at", "url", "lang", "slug"])
def test_a_huge_bad_value_is_quoted_shortly(field: str) -> None:
    with pytest.raises(RecordError) as caught:
        validate(record(**{field: "\x1b[2J" + "y" * 1_000_000}), "big.jsonl:1")
    message = str(caught.value)
    assert len(message) < 400
    assert "1,000,004 characters" in message
    assert "\x1b" not in message and "\\x1b[2J" in message


def test_a_bad_alternates_key_is_quoted_shortly() -> None:
    key = "\x07" * 5_000
    with pytest.raises(RecordError) as caught:
        validate(record(alternates={key: "notaurl"}), "x:1")
    assert len(str(caught.value)) < 600
    assert "5,000 characters" in str(caught.value)
    assert "\x07" not in str(caught.value)


def test_shown_quotes_and_cuts() -> None:
    assert shown("plain") == "'plain'"
    assert shown("\x00\x1b") == "'\\x00\\x1b'"
    assert shown(12) == "'12'"
    cut = shown("z" * 101)
    assert cut == repr("z" * 100) + "… (101 characters)"


def test_unknown_keys_with_markup_or_controls_are_quoted() -> None:
    names = unknown_fields(record(**{"\x1b]0;owned\x07": 1, "k" * 300: 2, "plain_key": 3}))
    assert "plain_key" in names
    assert all("\x1b" not in name and "\x07" not in name for name in names)
    assert all(len(name) < 150 for name in names)


def test_every_character_clean_text_removes_is_unprintable() -> None:
    # clean_text returns printable text unsearched: that is sound only while this holds.
    removed = [chr(c) for c in range(0x110000) if records._UNCARRIABLE.match(chr(c))]
    assert len(removed) == 2048 + 29 + 3
    assert not any(character.isprintable() for character in removed)


def plain_clean_text(value: str) -> str:
    value = records._SURROGATE.sub("\ufffd", value)
    return records._CONTROL.sub("", value)


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=st.characters(codec=None))
    | st.text("ab \t\n\r\x00\x1b\x7f\ufffe\ud800é\u00a0")
)
def test_clean_text_removes_what_the_patterns_remove(value: str) -> None:
    assert records.clean_text(value) == plain_clean_text(value)


def plain_optional_text(value: str, *, single_line: bool) -> str | None:
    value = records.clean_text(value)
    if single_line:
        value = " ".join(value.split())
    return value if value.strip() else None


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet=" ab\t\n\u00a0\x00\u2028é", max_size=12), st.booleans())
def test_optional_text_is_the_cleaned_and_joined_text(value: str, single_line: bool) -> None:
    expected = plain_optional_text(value, single_line=single_line)
    assert records._optional_text(value, single_line=single_line) == expected


def test_record_hash_changes_with_content_only() -> None:
    a = validate(record("s"), "x:1")
    b = validate(record("s"), "y:9")
    c = validate(record("s", title="Other"), "x:1")
    assert records.record_hash(a) == records.record_hash(b) != records.record_hash(c)


def test_a_prepared_record_carries_its_digest_text_location_and_ignored_keys() -> None:
    raw = record("s", body_md="# Head\n\nSee [the report](https://r.example/) **now**.", x_a=1,
                 extra=2)  # fmt: skip
    prepared = records.prepare(raw, "f.jsonl:7")
    assert prepared.record == validate(raw, "f.jsonl:7")
    assert prepared.location == "f.jsonl:7"
    assert prepared.digest == records.record_hash(prepared.record)
    assert prepared.text == "Head\n\nSee the report now."
    assert prepared.ignored == ("extra",)


def test_a_record_without_a_body_has_no_text() -> None:
    assert records.prepare(record("s", body_md=None), "f:1").text == ""


def test_prepare_refuses_what_validate_refuses() -> None:
    with pytest.raises(RecordError) as refused:
        records.prepare(record(url="javascript:alert(1)"), "f.jsonl:3")
    assert (refused.value.location, refused.value.field) == ("f.jsonl:3", "url")
