"""A replacing ingest cut short — by ``kill -9`` or by a full disk — leaves the old versions:
readers, and every writing command after it, see the store as it was before the ingest
(graph/store/recovery.py). The oracle is the store before the ingest (its dump), and a fresh
ingest of the final records once the ingest is run again."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import BASE, ROOT, newsgraph, record, start_server, write_jsonl
from tests.test_crash_safety import _kill_when
from tests.test_handover import _dump, _run

ARTICLES = 1_200


def _articles(store: Path) -> int:
    import json

    return int(json.loads(newsgraph("stats", "--json", "--store", str(store)).stdout)["articles"])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("recovery")
    body = "# T\n\n" + "Words about Kazakhstan and the Council of Europe. " * 40
    old = [record(f"r{i:05d}", body_md=body, entities=[f"Entity {i % 41}", "Kazakhstan"],
                  updated_at="2026-01-01T00:00:00Z") for i in range(ARTICLES)]  # fmt: skip
    new = [dict(row, title=f"{row['title']} (new)", updated_at="2026-02-01T00:00:00Z",
                entities=[f"Entity {i % 37}"]) for i, row in enumerate(old)]  # fmt: skip
    paths = {
        "old": write_jsonl(root / "old.jsonl", old),
        "new": write_jsonl(root / "new.jsonl", new),
        "base": root / "base",
        "final": root / "final",
    }
    _run("ingest", "-q", "--store", str(paths["base"]), str(paths["old"]))
    _run("ingest", "-q", "--store", str(paths["final"]), str(paths["new"]))
    return paths


def _replacing(store: Path, new: Path, **options: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "newsgraph", "ingest", "-q", "--store", str(store), "--base", BASE,
         "--batch-size", "300", str(new)],
        cwd=ROOT, stdout=subprocess.DEVNULL, **{"stderr": subprocess.DEVNULL, **options},  # type: ignore[arg-type]
    )  # fmt: skip


def _next_writer(kind: str, store: Path, tmp_path: Path) -> set[bytes]:
    """Run a writing command of another kind than the one cut short; the quads it added."""
    if kind == "link":
        _run("link", "--store", str(store))
        return set()
    if kind == "load":
        graph = tmp_path / "g.nt"
        graph.write_text('<http://s.example/x> <http://p.example/y> "z" .\n')
        _run("load", "--store", str(store), "--graph", "http://g.example/extra", str(graph))
        return {b'<http://s.example/x> <http://p.example/y> "z" <http://g.example/extra> .'}
    start_server(store).stop()
    return set()


@pytest.mark.parametrize("next_writer", ["link", "load", "serve"])
def test_a_killed_replacing_ingest_leaves_every_old_version(
    corpus: dict[str, Path], tmp_path: Path, next_writer: str
) -> None:
    import shutil

    store = tmp_path / "store"
    shutil.copytree(corpus["base"], store)
    before = _dump(store)
    process = _replacing(store, corpus["new"])
    primary = store / "data"
    sizes: list[int] = []

    def part_way() -> bool:
        if not (store / "journal.json").exists():
            return False
        size = sum(p.stat().st_size for p in primary.iterdir() if p.is_file())
        sizes.append(size)
        return size > sizes[0] + 300_000

    _kill_when(process, part_way)
    assert (store / "journal.json").exists()
    assert _articles(store) == ARTICLES and _dump(store) == before  # readers: the old versions

    added = _next_writer(next_writer, store, tmp_path)
    assert _articles(store) == ARTICLES
    assert _dump(store) == before | added, "the next writer restored the old versions, every one"
    if added:
        _run("load", "--store", str(store), "--graph", "http://g.example/extra",
             str(write_jsonl(tmp_path / "empty.nq", [])), "--format", "nquads")  # fmt: skip

    _run("ingest", "-q", "--store", str(store), str(corpus["new"]))
    assert _dump(store) == _dump(corpus["final"])


def _full_disk(limit: int) -> None:
    """In the child: files cannot grow past ``limit`` bytes (as on a full disk, writes fail)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_full_disk_in_a_replacing_ingest_is_one_line_and_changes_nothing(
    corpus: dict[str, Path], tmp_path: Path
) -> None:
    import shutil

    store = tmp_path / "store"
    shutil.copytree(corpus["base"], store)
    before = _dump(store)
    process = _replacing(
        store, corpus["new"], stderr=subprocess.PIPE, preexec_fn=lambda: _full_disk(256 * 1024)
    )
    _, error = process.communicate(timeout=300)
    message = error.decode()
    assert process.returncode not in (0, None)
    assert message.count("\n") == 1 and "Traceback" not in message, message
    assert message.startswith("newsgraph ingest: ")
    assert _dump(store) == before
    assert not (store / "journal.json").exists() or _articles(store) == ARTICLES
    _run("link", "--store", str(store))  # the next writer, with room again
    assert _dump(store) == before

    started = time.monotonic()
    _run("ingest", "-q", "--store", str(store), str(corpus["new"]))
    assert time.monotonic() - started < 120
    assert _dump(store) == _dump(corpus["final"])
