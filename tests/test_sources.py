from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from newsgraph.ingest import sources
from newsgraph.ingest.sources import InputError, read

from tests.conftest import record


def _locations(paths: list[str]) -> list[tuple[str, bool]]:
    return [(item.location, item.error is None) for item in read(paths)]


def test_jsonl_lines_are_numbered_from_one(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(record("a")) + "\n\n{broken\n" + json.dumps(record("b")) + "\n")
    assert _locations([str(path)]) == [
        (f"{path}:1", True),
        (f"{path}:3", False),
        (f"{path}:4", True),
    ]


def test_json_array_items_are_named_by_index(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps([record("a"), record("b")], indent=2))
    assert _locations([str(path)]) == [(f"{path}:0", True), (f"{path}:1", True)]


def test_broken_array_keeps_the_items_before_the_break(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text("[" + json.dumps(record("a")) + ", {oops]")
    items = list(read([str(path)]))
    assert items[0].error is None
    assert items[1].error is not None and "invalid JSON in array item 1" in str(items[1].error)


def test_single_object_file(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(record("a"), indent=2))
    assert _locations([str(path)]) == [(f"{path}:1", True)]


def test_gzip_and_directories_recursively(tmp_path: Path) -> None:
    (tmp_path / "d" / "e").mkdir(parents=True)
    with gzip.open(tmp_path / "d" / "e" / "x.jsonl.gz", "wt") as handle:
        handle.write(json.dumps(record("g")) + "\n")
    (tmp_path / "d" / "y.ndjson").write_text(json.dumps(record("n")) + "\n")
    (tmp_path / "d" / "notes.txt").write_text("not input")
    slugs = sorted(item.raw["slug"] for item in read([str(tmp_path / "d")]))
    assert slugs == ["g", "n"]


def test_invalid_utf8_is_named_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(
        json.dumps(record("a")).encode()
        + b'\n{"slug": "\xff"}\n'
        + json.dumps(record("b")).encode()
        + b"\n"
    )
    items = list(read([str(path)]))
    assert [i.error is None for i in items] == [True, False, True]
    assert "invalid UTF-8" in str(items[1].error)
    assert items[1].location == f"{path}:2"


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        list(read([str(tmp_path / "nope.json")]))


def test_lines_read_undecoded_decode_to_the_same_items(tmp_path: Path) -> None:
    from newsgraph.ingest.sources import decode

    path = tmp_path / "a.jsonl.gz"
    lines = [json.dumps(record("a")).encode(), b"", b"{broken", b"\xff\xfe", b'{"slug": "b"}\r']
    path.write_bytes(gzip.compress(b"\n".join(lines) + b"\n"))
    decoded = list(read([str(path)]))
    deferred = list(read([str(path)], decode=False))
    assert all(item.line is not None and item.raw is None for item in deferred)
    again = [decode(item) for item in deferred]
    assert [(i.location, i.raw, i.text, str(i.error)) for i in again] == [
        (i.location, i.raw, i.text, str(i.error)) for i in decoded
    ]
    assert [i.location.rsplit(":", 1)[1] for i in decoded] == ["1", "3", "4", "5"]


def test_jsonl_is_read_as_a_stream(tmp_path: Path) -> None:
    """The first record comes out before the rest of the file has been written."""
    import os
    import threading

    fifo = tmp_path / "stream.jsonl"
    os.mkfifo(fifo)
    first_read = threading.Event()
    waited: list[bool] = []

    def write() -> None:
        with open(fifo, "w") as handle:
            handle.write(json.dumps(record("r0")) + "\n")
            handle.flush()
            waited.append(first_read.wait(10))
            handle.write(json.dumps(record("r1")) + "\n")

    writer = threading.Thread(target=write)
    writer.start()
    items = read([str(fifo)])
    assert next(items).raw["slug"] == "r0"
    first_read.set()
    assert [item.raw["slug"] for item in items] == ["r1"]
    writer.join()
    assert waited == [True]


DEEP = "[" * 100_000 + "]" * 100_000


def test_a_deeply_nested_line_is_invalid_json_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    lines = [json.dumps(record("a")), '{"x_deep": ' + DEEP + "}", json.dumps(record("b"))]
    path.write_text("\n".join(lines) + "\n")
    items = list(read([str(path)]))
    assert [i.error is None for i in items] == [True, False, True]
    assert items[1].location == f"{path}:2"
    assert "invalid JSON: values nested too deeply" in str(items[1].error)


def test_a_deeply_nested_document_is_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"x_deep": ' + DEEP + "}")
    items = list(read([str(path)]))
    assert len(items) == 1
    assert items[0].error is not None and "nested too deeply" in str(items[0].error)


def test_a_deeply_nested_array_item_keeps_the_items_before_it(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" + json.dumps(record("a")) + ", " + DEEP + "]")
    items = list(read([str(path)]))
    assert items[0].error is None
    assert items[1].error is not None
    assert "invalid JSON in array item 1: values nested too deeply" in str(items[1].error)


def _outcome(item: sources.Item) -> tuple[str, str | None, str | None]:
    """What a reader sees of an item: its value as written by repr (types, key order, -0.0
    and all), its error message, its undecoded text."""
    message = None if item.error is None else f"{item.error.location} {item.error}"
    return repr(item.raw), message, item.text


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**62, max_value=2**70).map(lambda n: n * random_sign(n))
    | st.floats()
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=12,
)


def random_sign(number: int) -> int:
    return -1 if number % 2 else 1


TOKENS = ['{', '}', '[', ']', ',', ':', '"a"', '"\\ud800"', '"\\udc00\\ud800"', '"é"', "1", "-0",
          "1e400", "1.5", "18446744073709551616", "-9223372036854775809", "NaN", "Infinity", " ",
          "\t", "true", "null", '"\\u0000"', "\x00", "\xff", "0.1000000000000000055511151231257827"]  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(
    json_values.map(lambda v: json.dumps(v).encode())
    | json_values.map(lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    | st.lists(st.sampled_from(TOKENS), max_size=12).map(lambda t: "".join(t).encode("latin-1"))
    | st.binary(max_size=20)
)
def test_a_line_decodes_as_json_decodes_it(line: bytes) -> None:
    decoded = sources.decode_line("f.jsonl:1", line)
    assert _outcome(decoded) == _outcome(sources._decode_line_with_json("f.jsonl:1", line))


@pytest.mark.parametrize("name", ["a.jsonl", "a.jsonl.gz", "a.json", "a.json.gz", "cut.json.gz"])
def test_bytes_handed_over_read_as_the_file_reads(tmp_path: Path, name: str) -> None:
    """What a server reads from the bytes a command handed it (graph/ingest/handed.py) is what
    the command would read from the file: the same items, named alike, errors included."""
    rows = [record("one"), record("two")]
    text = "\n".join(json.dumps(row) for row in rows) + "\n{broken\n"
    if name.startswith("a.json") and not name.startswith("a.jsonl"):
        text = json.dumps(rows)
    data = text.encode()
    if name.endswith(".gz"):
        data = gzip.compress(data)
    if name.startswith("cut"):
        data = data[: len(data) // 2]  # a gzip stream cut short
    path = tmp_path / name
    path.write_bytes(data)
    from_file = list(sources.read_one(str(path)))
    handed = list(sources.read_data(str(path), data))
    assert [(i.location, i.raw, str(i.error)) for i in handed] == [
        (i.location, i.raw, str(i.error)) for i in from_file
    ]
    assert from_file  # the control: there is something to compare
