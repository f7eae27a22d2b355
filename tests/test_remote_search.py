"""Full-text search on remote stores (``graph/search/remote.py``): one meaning on every store.

On Virtuoso and on an Oxigraph server, after ``newsgraph ingest --store URL`` of a corpus,
``newsgraph search``, ``/api/search`` of a server over the remote store, ``kg.search`` and
``ng:matches`` queries (``newsgraph query``, ``kg.sparql``) give exactly the answers — articles,
order, scores, snippets — of the embedded store ingested from the same file (the independent
oracle). The index is fed by the ingest itself; an article replaced through newsgraph is found
by its new words only; an article's graph dropped by a SPARQL Update sent to the server
directly is noticed by the next search (the control: the index held it until then). On
Virtuoso, a query using ``bif:contains`` (its own text index, enabled here) passes through
untouched and is answered as the server answers it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from newsgraph import workbench
from newsgraph.ingest import ingest
from newsgraph.search import sync
from newsgraph.search.index import DIRECTORY, SearchIndex
from newsgraph.search.remote import default_home, version
from newsgraph.search.syntax import parse
from newsgraph.settings import load_settings
from newsgraph.store import RemoteStore

from tests.backends import Endpoint
from tests.conftest import BASE, REUTERS, newsgraph, record, shared_file, write_jsonl
from tests.test_remote_endpoint import start_remote_server

SERVERS = pytest.mark.parametrize("endpoint", ["oxigraph", "virtuoso"], indirect=True)
SEARCHES = ("crude oil", 'opec OR "oil price"', "refer*", "coffee NOT brazil", "prices")
JOINED = """PREFIX ng: <https://w3id.org/newsgraph/ns#>
PREFIX schema: <http://schema.org/>
SELECT ?article ?score ?headline WHERE {
  ?article ng:matches 'opec OR "crude oil"' ; ng:score ?score ; schema:headline ?headline ;
           schema:mentions <http://localhost:8000/entity/saudi-arabia> .
} ORDER BY DESC(?score) ?article"""


@dataclass
class Remote:
    """A remote store for one test: the server, the settings that name it, its index."""

    endpoint: Endpoint
    env: dict[str, str]
    index: Path

    def run(self, *args: str) -> str:
        done = newsgraph(*args, "--base", BASE, env=self.env)
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout.decode()

    def open(self) -> RemoteStore:
        return RemoteStore(
            self.endpoint.query_url,
            user=self.endpoint.user,
            password=self.endpoint.password,
            search_index=self.index,
        )

    def indexed(self, words: str) -> list[str]:
        """What the index on disk finds as it is, checked against nothing."""
        index = SearchIndex(self.index / DIRECTORY)
        return [iri for iri, _ in index.scores(index.compile(parse(words)))]

    def send_directly(self, update: str) -> None:
        """A SPARQL Update sent to the server itself, not through newsgraph."""
        if self.endpoint.name == "virtuoso":
            url = self.endpoint.query_url.removesuffix("/sparql") + "/sparql-auth"
            auth: httpx.Auth | None = httpx.DigestAuth(
                self.endpoint.user or "", self.endpoint.password or ""
            )
        else:
            url, auth = self.endpoint.update_url, None
        reply = httpx.post(url, data={"update": update}, auth=auth, timeout=60)
        assert reply.status_code < 300, reply.text


@pytest.fixture
def remote(endpoint: Endpoint, tmp_path: Path) -> Remote:
    env = {**endpoint.env, "NEWSGRAPH_SEARCH_INDEX": str(tmp_path / "index")}
    return Remote(endpoint, env, tmp_path / "index")


def embedded(store: Path, *args: str) -> str:
    done = newsgraph(*args, "--store", str(store), "--base", BASE)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


def searched(run: object, words: str, *extra: str) -> dict[str, object]:
    return json.loads(run("search", words, "--limit", "0", "--format", "json", *extra))  # type: ignore[operator]


def bindings(body: str) -> list[dict[str, object]]:
    return json.loads(body)["results"]["bindings"]  # type: ignore[no-any-return]


# -- the same answers as the embedded store ------------------------------------------------------


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded store ingested from the Reuters corpus."""
    store = tmp_path_factory.mktemp("oracle") / "store"
    embedded(store, "ingest", "--quiet", str(shared_file(REUTERS)))
    return store


@SERVERS
def test_search_answers_as_the_embedded_store(remote: Remote, oracle: Path, tmp_path: Path) -> None:
    remote.run("ingest", "--quiet", str(REUTERS))
    with remote.open() as store:  # the ingest fed the index: it is level, nothing to read back
        index = store.search_index()
        assert len(index.manifest()) == 4104
        if remote.endpoint.name == "virtuoso":
            assert index.generation() == version(store)
    for words in SEARCHES:
        expected = searched(lambda *a: embedded(oracle, *a), words)
        assert expected["total"], words
        assert searched(remote.run, words) == expected, words
    entity = ("--entity", "Saudi Arabia", "--since", "1987-03-01", "--until", "1987-06-30")
    assert searched(remote.run, "oil", *entity) == searched(
        lambda *a: embedded(oracle, *a), "oil", *entity
    )
    # ng:matches through `newsgraph query`: articles, order and scores (Virtuoso writes doubles
    # with six digits; newsgraph puts back the whole scores it bound)
    expected_rows = bindings(embedded(oracle, "query", "--format", "json", JOINED))
    assert len(expected_rows) > 5
    assert bindings(remote.run("query", "--format", "json", JOINED)) == expected_rows
    # the notebook API
    with (
        workbench.open(
            remote.endpoint.query_url,
            base=BASE,
            search_index=str(remote.index),
            store_user=remote.endpoint.user,
            store_password=remote.endpoint.password,
        ) as kg_remote,
        workbench.open(oracle, base=BASE) as kg_embedded,
    ):
        for words in ("crude oil", "refer*"):
            on_remote, on_embedded = (
                kg_remote.search(words, limit=0),
                kg_embedded.search(words, limit=0),
            )
            assert on_remote.terms == on_embedded.terms and on_remote.total == on_embedded.total
        assert kg_remote.sparql(JOINED).terms == kg_embedded.sparql(JOINED).terms
    # /api/search and /sparql of a server over the remote store
    server = start_remote_server(remote.endpoint.query_url, remote.env, tmp_path / "serve.log")
    try:
        for words in ("crude oil", "refer*"):
            reply = httpx.get(
                server.url + "api/search", params={"q": words, "limit": 50}, timeout=60
            )
            assert reply.status_code == 200, reply.text
            expected = searched(lambda *a: embedded(oracle, *a), words)
            assert reply.json()["matches"] == expected["matches"][:50]  # type: ignore[index]
            assert reply.json()["total"] == expected["total"]
        reply = httpx.post(
            server.url + "sparql",
            data={"query": JOINED},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        assert reply.status_code == 200, reply.text
        assert bindings(reply.text) == expected_rows
    finally:
        server.stop()


# -- kept in step with newsgraph's writes, and with the others ------------------------------------


def small_corpus(path: Path, replaced: bool = False) -> Path:
    records = [
        record(f"story-{n}", title=f"Story {n}", body_md=f"The harbour of town {n} reopened.",
               published_at=f"2026-01-{n + 1:02d} 10:00:00+00:00")
        for n in range(20)
    ]  # fmt: skip
    records[3] = record("story-3", title="Quokka census", body_md="Marsupial numbers fell.",
                        published_at="2026-01-04 10:00:00+00:00")  # fmt: skip
    if replaced:
        records = [record("story-3", title="Lighthouse repainted", body_md="Crews painted it red.",
                          published_at="2026-01-04 10:00:00+00:00",
                          updated_at="2026-02-01 10:00:00+00:00")]  # fmt: skip
    return write_jsonl(path, records)


def articles(found: dict[str, object]) -> list[str]:
    return [match["article"] for match in found["matches"]]  # type: ignore[attr-defined]


STORY_3 = f"{BASE}article/story-3"


@SERVERS
def test_a_newer_version_is_found_by_its_new_words_only(remote: Remote, tmp_path: Path) -> None:
    remote.run("ingest", "--quiet", str(small_corpus(tmp_path / "first.jsonl")))
    assert articles(searched(remote.run, "quokka")) == [STORY_3]
    assert articles(searched(remote.run, "lighthouse")) == []
    remote.run("ingest", "--quiet", str(small_corpus(tmp_path / "newer.jsonl", replaced=True)))
    assert remote.indexed("lighthouse") == [STORY_3]  # the ingest itself re-indexed it
    assert articles(searched(remote.run, "lighthouse")) == [STORY_3]
    assert articles(searched(remote.run, "quokka")) == []
    harbour = articles(searched(remote.run, "harbour"))
    assert len(harbour) == 19 and STORY_3 not in harbour


@SERVERS
def test_a_removal_made_around_newsgraph_is_noticed(remote: Remote, tmp_path: Path) -> None:
    remote.run("ingest", "--quiet", str(small_corpus(tmp_path / "first.jsonl")))
    assert articles(searched(remote.run, "quokka")) == [STORY_3]
    remote.send_directly(f"DROP SILENT GRAPH <{STORY_3}>")
    assert remote.indexed("quokka") == [STORY_3]  # control: until a search, the index holds it
    assert articles(searched(remote.run, "quokka")) == []
    assert remote.indexed("quokka") == []
    joined = 'PREFIX ng: <https://w3id.org/newsgraph/ns#> SELECT ?a { ?a ng:matches "harbour OR quokka" }'
    found = {row["a"]["value"] for row in bindings(remote.run("query", "--format", "json", joined))}  # type: ignore[index]
    assert len(found) == 19 and STORY_3 not in found


@SERVERS
def test_rebuild_reads_the_texts_back_from_the_server(remote: Remote, tmp_path: Path) -> None:
    remote.run("ingest", "--quiet", str(small_corpus(tmp_path / "first.jsonl")))
    fed = SearchIndex(remote.index / DIRECTORY).manifest()
    before = searched(remote.run, "harbour OR quokka")
    out = newsgraph("search", "--rebuild", "--base", BASE, env=remote.env)
    assert out.returncode == 0 and "indexed 20 articles" in out.stderr.decode(), out.stderr
    assert SearchIndex(remote.index / DIRECTORY).manifest() == fed
    assert searched(remote.run, "harbour OR quokka") == before


@pytest.mark.parametrize("endpoint", ["virtuoso"], indirect=True)
def test_a_first_load_reads_no_digest_back_and_a_later_one_checks_its_own(
    remote: Remote, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into a store without articles, the index takes the fed texts as the store's once the
    server holds as many articles as were fed (its version says so); the index then holds
    every article with the digest the server holds. The control: a later load, into a store
    that held articles, reads back the digests of the articles it wrote, and only theirs."""
    asked: list[list[str] | None] = []
    read = sync._digests

    def counted(store: object, articles: list[str] | None) -> dict[str, str]:
        asked.append(articles)
        return read(store, articles)  # type: ignore[arg-type]

    monkeypatch.setattr(sync, "_digests", counted)
    settings = load_settings(store=remote.endpoint.query_url, base=BASE)
    with remote.endpoint.store(search_index=remote.index) as store:
        ingest([str(small_corpus(tmp_path / "first.jsonl"))], store, settings)
        assert asked == []
        held = dict(sync._every_digest(store))
    assert len(held) == 20
    assert SearchIndex(remote.index / DIRECTORY).manifest() == held
    assert articles(searched(remote.run, "quokka")) == [STORY_3]
    with remote.endpoint.store(search_index=remote.index) as store:
        ingest([str(small_corpus(tmp_path / "newer.jsonl", replaced=True))], store, settings)
    assert asked and all(wanted is not None and STORY_3 in wanted for wanted in asked)
    assert articles(searched(remote.run, "lighthouse")) == [STORY_3]


# -- where the index lives -----------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["oxigraph"], indirect=True)
def test_the_index_lives_per_store_url_in_the_state_directory(
    endpoint: Endpoint, tmp_path: Path
) -> None:
    env = {**endpoint.env, "XDG_STATE_HOME": str(tmp_path / "state")}
    done = newsgraph("ingest", "--quiet", "--base", BASE, str(small_corpus(tmp_path / "c.jsonl")),
                     env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    home = default_home(endpoint.query_url, tmp_path / "state" / "newsgraph")
    assert json.loads((home / "store.json").read_text()) == {"store": endpoint.query_url}
    assert SearchIndex(home / DIRECTORY).manifest().keys() >= {STORY_3}
    # an index directory that is another store's is refused, one line
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "store.json").write_text('{"store": "http://elsewhere.example/sparql"}')
    refused = newsgraph("search", "quokka", "--search-index", str(tmp_path / "other"), env=env)
    assert refused.returncode == 2
    assert "is the index of http://elsewhere.example/sparql" in refused.stderr.decode()
    # none: no index kept, and a search says so
    off = newsgraph("search", "quokka", "--search-index", "none", env=env)
    assert off.returncode == 2 and "NEWSGRAPH_SEARCH_INDEX=none" in off.stderr.decode()
    off = newsgraph("search", "--rebuild", "--search-index", "none", env=env)
    assert off.returncode == 2 and "NEWSGRAPH_SEARCH_INDEX=none" in off.stderr.decode()


# -- Virtuoso's own text index, written by hand ---------------------------------------------------


@pytest.mark.parametrize("endpoint", ["virtuoso"], indirect=True)
def test_bif_contains_passes_through_untouched(remote: Remote, tmp_path: Path) -> None:
    remote.run("ingest", "--quiet", str(small_corpus(tmp_path / "first.jsonl")))

    def sql(procedure: str) -> None:
        with remote.open() as store:
            store.server.call(f'SELECT (<bif:exec>("{procedure}") AS ?done) WHERE {{ }}',
                              idempotent=True)  # fmt: skip

    sql("DB.DBA.RDF_OBJ_FT_RULE_ADD (null, null, 'index_local')")
    try:
        sql("DB.DBA.VT_INC_INDEX_DB_DBA_RDF_OBJ ()")
        passed_through(remote)
    finally:  # the server's later tests write without its text index, as before
        sql("DB.DBA.RDF_OBJ_FT_RULE_DEL (null, null, 'index_local')")


def passed_through(remote: Remote) -> None:
    text = ('PREFIX schema: <http://schema.org/> SELECT ?article WHERE { '
            '?article schema:headline ?h . ?h bif:contains "quokka" } ORDER BY ?article')  # fmt: skip
    with remote.open() as store:
        assert store._joined(text) == (text, [])  # no ng:matches: sent as written
    direct = httpx.post(remote.endpoint.query_url, data={"query": text},
                        headers={"Accept": "application/sparql-results+json"}, timeout=60)  # fmt: skip
    assert direct.status_code == 200, direct.text
    through = bindings(remote.run("query", "--format", "json", text))
    assert through == [{"article": {"type": "uri", "value": STORY_3}}]
    assert [row["article"]["value"] for row in bindings(direct.text)] == [STORY_3]  # type: ignore[index]


@pytest.fixture(autouse=True)
def _no_state_in_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """A remote store opened in this process keeps its index under tmp_path by default."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    yield
