"""Writing a store while ``newsgraph serve`` owns it (graph/store/handover.py), as real processes.

The oracle is a fresh ingest of the same records with no server anywhere: an ingest or a relink
through a running server must leave exactly the store it leaves, quad for quad. The server runs
with a row limit far below the store's size, so that a read cut at the limit would show (the
cause of the trust issue's defects 1 and 2), and readers poll it meanwhile: they must only ever
see the store before or after a command, never a part of one (defect 4).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from bench import corpus
from tests.conftest import BASE, newsgraph

SCHEMA = "http://schema.org/"
ARTICLES = 2_400  # over twice the server's row limit below: whole-store reads would be cut
ROW_LIMIT = "1000"
NAMELESS = f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{
  ?a <{SCHEMA}mentions> ?e FILTER NOT EXISTS {{ ?e <{SCHEMA}name> ?name }} }}"""
MENTIONED = f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?a <{SCHEMA}mentions> ?e }}"
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a a <{SCHEMA}NewsArticle> }}"


def _records(size: int, seed: int = 5) -> list[dict[str, object]]:
    return list(corpus.generate(size, seed=seed))


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _run(*args: str) -> str:
    done = newsgraph(*args, "--base", BASE)
    assert done.returncode == 0, done.stderr.decode()
    return done.stderr.decode()


def _dump(store: Path) -> set[bytes]:
    done = newsgraph("dump", "--store", str(store))
    assert done.returncode == 0, done.stderr.decode()
    return set(done.stdout.splitlines())


def _number(url: str, query: str) -> int:
    reply = httpx.get(url, params={"query": query}, timeout=60)
    reply.raise_for_status()
    return int(reply.json()["results"]["bindings"][0]["n"]["value"])


class Poller:
    """Asks the server ``query`` again and again in a thread; what it saw, and any error."""

    def __init__(self, url: str, *queries: str) -> None:
        self.url, self.queries = url, queries
        self.seen: list[tuple[int, ...]] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll)

    def __enter__(self) -> Poller:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        while not self._stop.is_set():
            try:
                self.seen.append(tuple(_number(self.url, q) for q in self.queries))
            except httpx.HTTPError as error:
                self.errors.append(repr(error))


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The corpus, ten more records, their newer versions, and a store of the corpus alone."""
    root = tmp_path_factory.mktemp("handover")
    rows = _records(ARTICLES + 10)
    newer = [dict(row, updated_at="2027-01-01T00:00:00Z", title=f"{row['title']} (updated)")
             for row in rows[:ARTICLES]]  # fmt: skip
    paths = {
        "corpus": _jsonl(root / "corpus.jsonl", rows[:ARTICLES]),
        "more": _jsonl(root / "more.jsonl", rows[ARTICLES:]),
        "newer": _jsonl(root / "newer.jsonl", newer),
        "base": root / "base",
    }
    _run("ingest", "-q", "--store", str(paths["base"]), str(paths["corpus"]))
    return paths


def _copy(stores: dict[str, Path], target: Path) -> Path:
    import shutil

    shutil.copytree(stores["base"], target)
    return target


def _fresh(stores: dict[str, Path], target: Path, *names: str) -> set[bytes]:
    """The oracle: the store a fresh ingest of these files leaves, with no server."""
    _run("ingest", "-q", "--store", str(target), *(str(stores[name]) for name in names))
    return _dump(target)


def test_ingest_through_a_server_leaves_the_store_a_fresh_ingest_leaves(
    stores: dict[str, Path], tmp_path: Path, serve: Callable[..., object]
) -> None:
    expected = _fresh(stores, tmp_path / "fresh", "corpus", "more")
    store = _copy(stores, tmp_path / "served")
    server = serve(store, "--row-limit", ROW_LIMIT)
    with Poller(server.sparql, NAMELESS, COUNT) as poller:  # type: ignore[attr-defined]
        output = _run("ingest", "--store", str(store), str(stores["more"]))
    assert "too big" not in output and "warning" not in output
    assert poller.errors == []
    assert {nameless for nameless, _ in poller.seen} == {0}, "an entity without its name"
    assert {count for _, count in poller.seen} <= {ARTICLES, ARTICLES + 10}
    assert _number(server.sparql, COUNT) == ARTICLES + 10  # type: ignore[attr-defined]
    server.stop()  # type: ignore[attr-defined]
    assert _dump(store) == expected


def test_relinking_through_a_server_changes_nothing_and_a_failed_relink_nothing_either(
    stores: dict[str, Path], tmp_path: Path, serve: Callable[..., object]
) -> None:
    store = _copy(stores, tmp_path / "served")
    before = _dump(store)
    entities = json.loads(newsgraph("stats", "--json", "--store", str(store)).stdout)["entities"]
    server = serve(store, "--row-limit", ROW_LIMIT)
    with Poller(server.sparql, MENTIONED) as poller:  # type: ignore[attr-defined]
        first = _run("link", "--store", str(store))
        failed = newsgraph(
            "link", "--store", str(store), "--reconcile", "http://127.0.0.1:9/sparql"
        )
        second = _run("link", "--store", str(store))
    assert f"{entities} entities, 0 articles' links changed" in first
    assert failed.returncode != 0 and failed.stderr.decode().count("\n") == 1
    assert f"{entities} entities, 0 articles' links changed" in second
    assert poller.errors == [] and {seen for (seen,) in poller.seen} <= {entities}
    server.stop()  # type: ignore[attr-defined]
    assert _dump(store) == before
    assert f"{entities} entities, 0 articles' links changed" in _run("link", "--store", str(store))


def test_readers_see_a_replacing_ingest_whole(
    stores: dict[str, Path], tmp_path: Path, serve: Callable[..., object]
) -> None:
    expected = _fresh(stores, tmp_path / "fresh", "corpus", "newer")
    store = _copy(stores, tmp_path / "served")
    server = serve(store)
    top = f"""SELECT ?e (COUNT(?a) AS ?n) WHERE {{ ?a <{SCHEMA}mentions> ?e }}
              GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 1"""
    reply = httpx.get(server.sparql, params={"query": top}, timeout=60)  # type: ignore[attr-defined]
    entity = reply.json()["results"]["bindings"][0]["e"]["value"]
    mentions = f"SELECT (COUNT(?a) AS ?n) WHERE {{ ?a <{SCHEMA}mentions> <{entity}> }}"
    headline = f"""SELECT (COUNT(?a) AS ?n) WHERE {{
        ?a <{SCHEMA}headline> ?h FILTER(STRENDS(?h, "(updated)")) }}"""
    queries = (mentions, headline, NAMELESS)
    before = tuple(_number(server.sparql, q) for q in queries)  # type: ignore[attr-defined]
    with Poller(server.sparql, *queries) as poller:  # type: ignore[attr-defined]
        _run("ingest", "--store", str(store), str(stores["newer"]))
    after = tuple(_number(server.sparql, q) for q in queries)  # type: ignore[attr-defined]
    assert before[1:] == (0, 0) and after[1:] == (ARTICLES, 0)
    assert poller.errors == [] and len(poller.seen) > 3
    assert set(poller.seen) <= {before, after}, "readers saw a part of the ingest"
    server.stop()  # type: ignore[attr-defined]
    assert _dump(store) == expected


def test_a_remote_store_never_takes_a_cut_answer_for_a_whole_one(
    stores: dict[str, Path], tmp_path: Path, serve: Callable[..., object]
) -> None:
    """Pointed at a newsgraph server as a plain SPARQL endpoint (the generic dialect), the
    remote store refuses an answer the server cut at its row limit; the control: an answer
    under the limit is read whole."""
    from newsgraph.errors import StoreError
    from newsgraph.store import RemoteStore

    store = _copy(stores, tmp_path / "served")
    server = serve(store, "--row-limit", ROW_LIMIT)
    everything = f"SELECT ?a WHERE {{ ?a a <{SCHEMA}NewsArticle> }}"
    with RemoteStore(server.sparql, dialect="generic") as remote:  # type: ignore[attr-defined]
        with pytest.raises(StoreError, match=f"cut the answer at {int(ROW_LIMIT):,} rows"):
            remote.select_all(everything)
        assert len(remote.select_all(everything + " LIMIT 999")) == 999
        assert remote.count(COUNT) == ARTICLES
