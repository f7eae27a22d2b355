"""The index follows the store in the same unit of writes: kill -9 anywhere in an ingest, then
the ingest again, and the index equals one rebuilt from the store; a removal by SPARQL Update
leaves the index too.

"Equal" is what a search can see: the same articles with the same record digests, the same
snapshot named, and the same articles found for each search. An index fed by ingest's own
records (no text read back from the store) holds the same documents, field for field, as one
rebuilt from the store, also when another write of the same unit removed or changed an article.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import tantivy
from newsgraph.ingest import ingest
from newsgraph.search.index import SearchIndex
from newsgraph.search.sync import Followed
from newsgraph.search.syntax import parse
from newsgraph.search.texts import ArticleText
from newsgraph.settings import load_settings
from newsgraph.store import EmbeddedStore, loading
from newsgraph.store.changes import NOTHING

from tests.conftest import BASE, newsgraph, record, start_server, write_jsonl
from tests.test_crash_safety import _kill_when, _start_ingest, _writing

pytestmark = pytest.mark.slow

SEARCHES = ("word", "alpha", "beta OR gamma", "Title NOT beta")


def _ingest(store: Path, *paths: Path) -> None:
    done = newsgraph("ingest", "-q", "--store", str(store), "--base", BASE, *map(str, paths))
    assert done.returncode == 0, done.stderr.decode()


def _corpus(tmp_path: Path) -> Path:
    words = ("alpha", "beta", "gamma")
    rows = [
        record(f"k{i:05d}", entities=[f"Entity {i % 97}"],
               body_md=f"# T\n\n{words[i % 3]} " + "word " * 200)
        for i in range(6000)
    ]  # fmt: skip
    return write_jsonl(tmp_path / "corpus.jsonl", rows)


def _seen(store: Path) -> tuple[str | None, dict[str, str], dict[str, set[str]]]:
    index = SearchIndex.of_store(store)
    found = {
        words: {iri for iri, _ in index.scores(index.compile(parse(words)))} for words in SEARCHES
    }
    return index.generation(), index.manifest(), found


def _rebuilt(store: Path, tmp_path: Path) -> tuple[str | None, dict[str, str], dict[str, set[str]]]:
    copy = tmp_path / "rebuilt"
    shutil.copytree(store, copy)
    done = newsgraph("search", "--rebuild", "--store", str(copy))
    assert done.returncode == 0, done.stderr.decode()
    return _seen(copy)


def _current(store: Path) -> str:
    return (store / "snapshots" / "CURRENT").read_text().strip()


def _following(store: Path) -> Callable[[], bool]:
    """True once the unit published its snapshot and the index is following it (the journal
    still there)."""
    before = _current(store)
    return lambda: (store / "journal.json").exists() and _current(store) != before


@pytest.mark.parametrize("phase", ["batches", "index"])
def test_kill_during_an_ingest_then_again_leaves_the_index_as_a_rebuild(
    tmp_path: Path, phase: str
) -> None:
    corpus = _corpus(tmp_path)
    store = tmp_path / "store"
    _ingest(store, write_jsonl(tmp_path / "first.jsonl", [record("first")]))
    before = _seen(store)
    process: subprocess.Popen[bytes] = _start_ingest(store, corpus)
    _kill_when(process, _writing(store) if phase == "batches" else _following(store))
    if phase == "batches":
        assert _seen(store) == before  # nothing of the cut unit reached the index
    _ingest(store, corpus)
    seen = _seen(store)
    assert seen[0] == _current(store)
    assert len(seen[1]) == 6001
    assert seen == _rebuilt(store, tmp_path)
    assert all(seen[2].values())  # control: every search finds something


def test_an_update_that_removes_an_article_removes_it_from_the_index(tmp_path: Path) -> None:
    store = tmp_path / "store"
    rows = [record("keep", body_md="# K\n\nzebra"), record("drop", body_md="# D\n\nzebra")]
    _ingest(store, write_jsonl(tmp_path / "two.jsonl", rows))
    assert {iri for iri, _ in _scores(store, "zebra")} == {
        BASE + "article/keep",
        BASE + "article/drop",
    }
    server = start_server(
        store, "--allow-update", env={"NEWSGRAPH_UPDATE_TOKEN": "secret", "NEWSGRAPH_BASE": BASE}
    )
    try:
        reply = httpx.post(
            server.sparql,
            data={"update": f"DROP GRAPH <{BASE}article/drop>"},
            headers={"Authorization": "Bearer secret"},
            timeout=60,
        )
        assert reply.status_code in (200, 204), reply.text
        found = httpx.get(server.url + "api/search", params={"q": "zebra"}, timeout=60).json()
        assert [m["article"] for m in found["matches"]] == [BASE + "article/keep"]
    finally:
        server.stop()
    assert {iri for iri, _ in _scores(store, "zebra")} == {BASE + "article/keep"}
    assert _seen(store) == _rebuilt(store, tmp_path)


def _scores(store: Path, words: str) -> list[tuple[str, float]]:
    index = SearchIndex.of_store(store)
    return index.scores(index.compile(parse(words)))


# -- the index fed by ingest's own records ------------------------------------------------------


def _varied(version: str = "first") -> list[dict[str, object]]:
    """Records in several languages, with and without summary and body, dates with and without
    a zone: every way a record's text can reach the index."""
    langs = ("en", "de", "ru", "fr", None, "kk")
    bodies = ("# Öl\n\nDer *Ölpreis* stieg.", "Нефть подорожала.", None, "Crude **oil** rose.")
    return [
        record(f"v{i:03d}", lang=langs[i % len(langs)], summary=None if i % 4 else f"Sum {i}",
               body_md=bodies[i % len(bodies)] and f"{bodies[i % len(bodies)]} {version} {i}",
               published_at="1987-02-26T10:00:00" if i % 2 else "1987-02-26T10:00:00+02:00",
               updated_at=None if version == "first" else "1988-01-01T00:00:00Z")
        for i in range(60)
    ]  # fmt: skip


def _documents(store: Path) -> dict[str, dict[str, object]]:
    """Every article document the index holds, whole (its stored fields, text included)."""
    index = SearchIndex.of_store(store)
    searcher = index.searcher()
    query = tantivy.Query.term_query(index.schema, "kind", "article")
    found = searcher.search(query, max(1, searcher.num_docs)).hits
    documents = {}
    for _, address in found:
        document = searcher.doc(address).to_dict()
        documents[document["iri"][0]] = document
    return documents


def _rebuilt_documents(store: Path, tmp_path: Path) -> dict[str, dict[str, object]]:
    copy = tmp_path / "rebuilt"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(store, copy)
    done = newsgraph("search", "--rebuild", "--store", str(copy))
    assert done.returncode == 0, done.stderr.decode()
    return _documents(copy)


def _in_process(store: Path, *paths: Path) -> Followed:
    settings = load_settings(store=str(store), base=BASE)
    with EmbeddedStore(store, write=True, base=BASE) as opened:
        ingest([str(path) for path in paths], opened, settings)
        assert opened.search_followed is not None
        return opened.search_followed  # type: ignore[no-any-return]


@pytest.mark.parametrize("streamed", [True, False], ids=["into-empty-store", "into-a-store"])
def test_an_ingest_indexes_its_own_texts_equal_to_a_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: bool
) -> None:
    store = tmp_path / "store"
    if streamed:  # the streamed bulk loads of an empty store, from the first byte
        monkeypatch.setattr(loading, "STREAM_THRESHOLD", 0)
    else:
        _ingest(store, write_jsonl(tmp_path / "one.jsonl", [record("held")]))
    followed = _in_process(store, write_jsonl(tmp_path / "v1.jsonl", _varied()))
    assert (followed.read, followed.indexed) == (0, 60)  # no text read back from the store
    fed = _documents(store)
    assert fed == _rebuilt_documents(store, tmp_path)
    assert len(fed) == 60 + (not streamed)
    newer = _in_process(store, write_jsonl(tmp_path / "v2.jsonl", _varied("second")[:10]))
    assert (newer.read, newer.indexed) == (0, 10)
    assert _documents(store) == _rebuilt_documents(store, tmp_path)
    assert _documents(store) != fed  # control: the comparison sees a text that changed


def test_a_fed_text_that_another_write_of_the_unit_changed_is_read_from_the_store(
    tmp_path: Path,
) -> None:
    store = tmp_path / "store"
    _ingest(store, write_jsonl(tmp_path / "one.jsonl", [record("held")]))
    first = write_jsonl(tmp_path / "v1.jsonl", _varied())
    second = write_jsonl(tmp_path / "v2.jsonl", _varied("second")[:5])
    settings = load_settings(store=str(store), base=BASE)
    with EmbeddedStore(store, write=True, base=BASE) as opened:
        with opened.transaction():  # one unit: two ingests (v000 fed twice) and two updates
            ingest([str(first)], opened, settings)
            ingest([str(second)], opened, settings)
            opened.update(f"DROP GRAPH <{BASE}article/v001>")
            opened.update(
                "PREFIX schema: <http://schema.org/> PREFIX ng: <https://w3id.org/newsgraph/ns#>\n"
                f"DELETE {{ GRAPH ?a {{ ?a schema:headline ?h ; ng:recordHash ?d }} }}\n"
                f'INSERT {{ GRAPH ?a {{ ?a schema:headline "Rewritten zebra" ; ng:recordHash "x" }} }}\n'
                f"WHERE {{ BIND(<{BASE}article/v007> AS ?a) GRAPH ?a {{ ?a schema:headline ?h ; "
                "ng:recordHash ?d } }"
            )
        followed = opened.search_followed
    assert followed is not None and followed.compared and followed.read == 1
    documents = _documents(store)
    assert documents == _rebuilt_documents(store, tmp_path)
    assert BASE + "article/v001" not in documents
    assert "second" in str(documents[BASE + "article/v000"])
    assert [iri for iri, _ in _scores(store, "zebra")] == [BASE + "article/v007"]


def _text(slug: str, digest: str, body: str) -> ArticleText:
    return ArticleText(f"{BASE}article/{slug}", digest, slug, slug.title(), "", body, "en", None)


def test_a_first_load_replaces_an_article_fed_twice_and_a_later_one_replaces_any(
    tmp_path: Path,
) -> None:
    """Into an empty index the writes skip the delete an article never put needs; one put twice
    in the same writes, or put again later, is still replaced, never doubled."""
    index = SearchIndex(tmp_path / "index", create=True)
    with index.writing("g1") as writing:
        writing.put([_text("a", "1", "alpha"), _text("b", "1", "beta")])
        writing.put([_text("a", "2", "gamma")])  # a newer version in the same unit
    assert index.manifest() == {f"{BASE}article/a": "2", f"{BASE}article/b": "1"}
    assert [hit for hit in index.scores(index.compile(parse("alpha")))] == []
    with index.writing("g2") as writing:  # the index holds documents now
        writing.put([_text("b", "3", "delta")])
    assert index.manifest() == {f"{BASE}article/a": "2", f"{BASE}article/b": "3"}
    assert index.searcher().num_docs == 3  # two articles and the index's own note


def test_after_a_compaction_the_index_catches_up_without_comparing(tmp_path: Path) -> None:
    """A compaction publishes a snapshot that changed nothing (its note says so): the next
    unit, in the same process or after the store is opened again, follows it by the articles
    it wrote alone, and the index still equals a rebuild."""
    store = tmp_path / "store"
    _ingest(store, write_jsonl(tmp_path / "v1.jsonl", _varied()))
    settings = load_settings(store=str(store), base=BASE)
    newer = write_jsonl(tmp_path / "v2.jsonl", _varied("second")[:10])
    with EmbeddedStore(store, write=True, base=BASE) as opened:
        assert opened.search_followed is None  # the index names the newest snapshot
        opened.merge_files()
        assert opened.publish_merged()  # a new snapshot, the same content
        ingest([str(newer)], opened, settings)
        followed = opened.search_followed
        assert followed is not None and not followed.compared, followed
        assert (followed.read, followed.indexed) == (0, 10)
    assert _documents(store) == _rebuilt_documents(store, tmp_path)
    compacted = _compacted_after_the_index(store)
    with EmbeddedStore(store, write=True, base=BASE) as opened:  # the catch-up as it opens
        caught = opened.search_followed
        assert caught is not None and not caught.compared and caught.indexed == 0, caught
    assert SearchIndex.of_store(store).generation() == compacted
    assert _documents(store) == _rebuilt_documents(store, tmp_path)
    # control: where a note is missing, what changed is not known and every digest compared
    _compacted_after_the_index(store, lose_the_note=True)
    with EmbeddedStore(store, write=True, base=BASE) as opened:
        assert opened.search_followed is not None and opened.search_followed.compared


def _compacted_after_the_index(store: Path, *, lose_the_note: bool = False) -> str:
    """Publish a compaction's snapshot with the index left naming the one before (as a
    server's compaction leaves it for the next writer); the new snapshot's name."""
    index = SearchIndex.of_store(store)
    held = index.generation()
    with EmbeddedStore(store, write=True, base=BASE) as opened:
        assert opened.search_followed is None
        published = opened.snapshots.publish(opened.raw, noted=(opened.generation, NOTHING))
    if lose_the_note:
        (store / "snapshots" / f"{published}.changes").unlink()
    assert SearchIndex.of_store(store).generation() == held
    return published


def test_articles_whose_links_alone_changed_are_not_read_again(tmp_path: Path) -> None:
    """A batch's linking rewrites the links of older articles (here a bare surname that the
    batch's person now owns): the unit touched them, but their texts are those the index
    holds, so none is read back from the store — nor, as before, every text of the store
    because they outnumbered the batch."""
    store = tmp_path / "store"
    older = [record(f"o{i:02d}", entities=["Ottinger", f"Firm {i}"]) for i in range(6)]
    _ingest(store, write_jsonl(tmp_path / "older.jsonl", older))
    assert _ottinger_of(store) == f"{BASE}entity/ottinger"
    newer = [record(f"n{i:02d}", entities=["James Ottinger"]) for i in range(8)]
    followed = _in_process(store, write_jsonl(tmp_path / "newer.jsonl", newer))
    assert _ottinger_of(store) == f"{BASE}entity/james-ottinger"  # control: older links changed
    assert (followed.read, followed.indexed, followed.compared) == (0, 8, False), followed
    assert _documents(store) == _rebuilt_documents(store, tmp_path)


def _ottinger_of(store: Path) -> str:
    """The entity the older article o00 mentions beside Firm 0."""
    query = "SELECT ?e WHERE { ?a <http://schema.org/mentions> ?e FILTER(?e != ?firm) }"
    bound = {"a": ox.NamedNode(f"{BASE}article/o00"), "firm": ox.NamedNode(f"{BASE}entity/firm-0")}
    with EmbeddedStore(store, base=BASE) as opened:
        (row,) = opened.select(query, bound)
        return row["e"].value  # type: ignore[union-attr]


def _texts(digest: str, count: int) -> list[ArticleText]:
    return [
        ArticleText(f"{BASE}article/a{i}", digest, f"a{i}", "Headline", "", f"body {digest}", "en",
                    None)
        for i in range(count)
    ]  # fmt: skip


def _commit_cut_before_its_meta(path: Path) -> None:
    """What a writer killed inside its commit leaves: the commit's new files written, while the
    index's ``meta.json`` (a commit's last step) and every file it names are the ones before."""
    index = SearchIndex(path, create=True)
    with index.writing("one") as writing:
        writing.put(_texts("1", 20))
    before = {file.name: file.read_bytes() for file in path.iterdir() if file.is_file()}
    with index.writing("two") as writing:
        writing.put(_texts("2", 10))  # replaces half the articles: a deletes file for the segment
    for name, data in before.items():
        if name == "meta.json" or not (path / name).exists():
            (path / name).write_bytes(data)


def test_a_writer_killed_inside_its_commit_does_not_stop_the_next(tmp_path: Path) -> None:
    """The next writer, doing the same writes, names its files as the killed one did: the files
    no commit names are removed first, so its commit goes through (``watch`` and ingest after
    ``kill -9`` used to fail here with FileAlreadyExists)."""
    path = tmp_path / "search"
    _commit_cut_before_its_meta(path)
    index = SearchIndex(path)
    assert index.generation() == "one"
    with index.writing("two") as writing:
        writing.put(_texts("2", 10))
    assert index.generation() == "two"
    assert sorted(index.manifest().values()) == ["1"] * 10 + ["2"] * 10


def test_control_without_the_sweep_the_killed_writers_files_stop_the_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsgraph.search import index as index_module

    """Without the sweep, the next writer fails on the killed one's files. The two name a
    deletes file by the operation count of their commits, which tantivy's threads almost always
    make equal; under load they can be one apart (and then nothing collides, as seen in CI), so
    the cut is tried a few times and one failure is enough."""
    monkeypatch.setattr(index_module, "_sweep", lambda writer: None)
    stopped = []
    for attempt in range(5):
        path = tmp_path / f"search{attempt}"
        _commit_cut_before_its_meta(path)
        index = SearchIndex(path)
        try:
            with index.writing("two") as writing:
                writing.put(_texts("2", 10))
        except ValueError as error:
            stopped.append((str(error), index.generation()))
            break
    assert stopped, "no replay of the killed commit collided with its files"
    ((error, generation),) = stopped
    assert "FileAlreadyExists" in error
    assert generation == "one"
