"""A journal gives back what was last saved in it: after whole saves and appended changes,
across a record torn by a crash or damaged on disk, and from a file another version wrote
(``graph/linking/journal.py``). The oracle is the tables as the test changed them in memory."""

from __future__ import annotations

import itertools
import marshal
import random
from pathlib import Path

from newsgraph.linking.journal import Journal, record


def _tables(count: int, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    names = {
        f"http://example.org/article/{n}": (f"form {rng.randint(0, 50)}",) for n in range(count)
    }
    places = {iri: rng.randint(0, 1 << 40) for iri in names}
    return [names, places]


def _change(tables: list[dict[str, object]], rng: random.Random, start: int) -> set[str]:
    """Replace a few entries, add a few, remove one from the second table; the keys touched."""
    names, places = tables
    touched = set(rng.sample(sorted(names), 3))
    touched |= {f"http://example.org/article/new-{start + n}" for n in range(2)}
    for key in touched:
        names[key] = (f"form {rng.randint(0, 50)}", "another")
        places[key] = rng.randint(0, 1 << 40)
    gone = min(touched)
    del places[gone]
    return touched


def test_changes_are_appended_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "inputs.bin"
    tables = _tables(500, seed=1)
    Journal(path, 2).save("stamp-0", tables)
    rng = random.Random(2)
    for number in range(1, 6):
        journal = Journal(path, 2)
        loaded = journal.load()
        assert loaded == (f"stamp-{number - 1}", tables)
        before = path.read_bytes()
        touched = _change(loaded[1], rng, number * 10)
        tables = [dict(table) for table in loaded[1]]
        journal.save(f"stamp-{number}", loaded[1], touched)
        after = path.read_bytes()
        assert after.startswith(before) and len(after) - len(before) < len(before) // 10
    assert Journal(path, 2).load() == ("stamp-5", tables)


def test_control_without_the_changed_keys_the_file_is_written_whole(tmp_path: Path) -> None:
    path = tmp_path / "inputs.bin"
    Journal(path, 2).save("a", _tables(500, seed=1))
    journal = Journal(path, 2)
    _tag, tables = journal.load()  # type: ignore[misc]
    before = path.read_bytes()
    _change(tables, random.Random(3), 0)
    journal.save("b", tables)
    assert not path.read_bytes().startswith(before)
    assert Journal(path, 2).load() == ("b", tables)


def test_a_journal_outweighing_half_its_whole_record_is_written_whole(tmp_path: Path) -> None:
    path = tmp_path / "hashes.bin"
    tables = _tables(30, seed=4)
    Journal(path, 2).save("0", tables)
    whole = path.stat().st_size
    sizes = []
    rng = random.Random(5)
    for number in range(1, 20):
        journal = Journal(path, 2)
        _tag, loaded = journal.load()  # type: ignore[misc]
        touched = _change(loaded, rng, number * 10)
        journal.save(str(number), loaded, touched)
        tables = loaded
        sizes.append(path.stat().st_size)
        # never more than half a whole record of changes after the whole record it follows
        assert sizes[-1] <= 1.5 * len(record(("whole", str(number), tables))) + 100
    assert any(later < earlier for earlier, later in itertools.pairwise(sizes))
    assert max(sizes) > 1.2 * whole  # control: changes were appended in between
    assert Journal(path, 2).load() == ("19", tables)


def test_a_torn_or_damaged_change_is_not_read_and_the_next_save_writes_whole(
    tmp_path: Path,
) -> None:
    path = tmp_path / "inputs.bin"
    first = _tables(400, seed=6)
    Journal(path, 2).save("one", first)
    kept = [dict(table) for table in first]
    journal = Journal(path, 2)
    _tag, tables = journal.load()  # type: ignore[misc]
    journal.save("two", tables, _change(tables, random.Random(7), 0))
    good = path.read_bytes()
    for damaged in (good[:-3], good[:-20] + bytes([good[-20] ^ 0xFF]) + good[-19:]):
        path.write_bytes(damaged)
        journal = Journal(path, 2)
        assert journal.load() == ("one", kept)
        _tag, tables = journal.load()  # type: ignore[misc]
        touched = _change(tables, random.Random(8), 100)
        journal.save("three", tables, touched)  # the file is not what was read: written whole
        assert Journal(path, 2).load() == ("three", tables)


def test_a_file_of_another_format_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "hashes.bin"
    path.write_bytes(marshal.dumps({"http://example.org/article/1": "digest"}))
    assert Journal(path, 1).load() is None
    path.write_bytes(b"")
    assert Journal(path, 1).load() is None
    assert Journal(tmp_path / "absent.bin", 1).load() is None
