"""The remote store beyond the common store tests: authentication, retries, secrets kept out of
messages, batching under body limits, the Graph Store Protocol, and server quirks.

Real servers throughout: an Oxigraph server (started by the tests), Virtuoso (started by
.ci/run), and a real HTTP gateway in front of Oxigraph (tests/gate.py) for authentication and
network failures.
"""

from __future__ import annotations

import io
import logging
import socket
import threading
import time
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import pytest
from newsgraph.errors import QueryError, QueryTimeout, StoreError
from newsgraph.settings import load_settings
from newsgraph.sparql import QueryRequest
from newsgraph.store import RemoteStore
from newsgraph.store.remote import writes
from newsgraph.store.remote.auth import Credentials, challenge_scheme, split_userinfo
from newsgraph.store.remote.dialects import Virtuoso
from newsgraph.store.remote.retry import RetryPolicy

from tests.backends import Endpoint, empty, start_oxigraph
from tests.conftest import free_port, newsgraph
from tests.gate import gate

G = "http://g.example/"
P = ox.NamedNode("http://p.example/p")
PASSWORD = "pa:ss/w@rd s3cr3t"


def quads(graph: str, count: int, text: str = "value") -> list[ox.Quad]:
    return [
        ox.Quad(
            ox.NamedNode(f"http://s.example/{n}"), P, ox.Literal(f"{text} {n}"), ox.NamedNode(graph)
        )
        for n in range(count)
    ]


def count_in(store: RemoteStore, graph: str) -> int:
    return store.count(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": ox.NamedNode(graph)}
    )


@pytest.fixture
def oxigraph_empty(oxigraph: Endpoint) -> Endpoint:
    with oxigraph.store() as store:
        empty(store)
    return oxigraph


# -- credentials -------------------------------------------------------------------------------


def test_credentials_come_out_of_urls_and_never_show() -> None:
    url, user, password = split_userinfo("http://ann:pa%3Ass%2Fw%40rd@db.example:8890/sparql")
    assert (url, user, password) == ("http://db.example:8890/sparql", "ann", "pa:ss/w@rd")
    credentials = Credentials(user="ann", password=PASSWORD, token="tok-123")
    assert PASSWORD not in repr(credentials) and "tok-123" not in repr(credentials)
    leaked = f"GET http://ann:{PASSWORD}@h/ Authorization: Bearer tok-123"
    assert credentials.redact(leaked) == "GET http://***@h/ Authorization: Bearer ***"
    assert challenge_scheme(['Digest realm="SPARQL", nonce="1", qop="auth"']) == "digest"
    assert challenge_scheme(['Basic realm="x"']) == "basic"


def test_basic_auth_is_sent_only_when_the_server_asks(oxigraph_empty: Endpoint) -> None:
    with gate(oxigraph_empty.query_url, basic=("ann", PASSWORD)) as front:
        with RemoteStore(front.url, user="ann", password=PASSWORD) as store:
            store.replace_graphs([G + "1"], quads(G + "1", 3))
            assert count_in(store, G + "1") == 3  # a query, answered too
        assert front.seen[0].authorization is None  # nothing sent before the challenge
        writes_sent = [
            seen for seen in front.seen if seen.method == "POST" and "update" in seen.path
        ]
        assert writes_sent and all(seen.authorization for seen in writes_sent[1:])
        wrong = RemoteStore(front.url, user="ann", password="wrong")
        with wrong, pytest.raises(StoreError, match="refused the credentials") as refused:
            wrong.count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert "wrong" not in str(refused.value)


def test_a_bearer_token_goes_with_every_request(oxigraph_empty: Endpoint) -> None:
    with gate(oxigraph_empty.query_url, token="tok-123") as front:
        with RemoteStore(front.url, token="tok-123") as store:
            store.replace_graphs([G + "1"], quads(G + "1", 2))
            assert count_in(store, G + "1") == 2
        assert all(seen.authorization == "Bearer tok-123" for seen in front.seen)
        with (
            RemoteStore(front.url) as store,
            pytest.raises(StoreError, match="NEWSGRAPH_STORE_TOKEN"),
        ):
            store.ask("ASK {}")


def test_digest_auth_on_virtuoso(virtuoso: Endpoint) -> None:
    """Virtuoso's /sparql-auth asks for Digest: queries and writes answer it."""
    authed = virtuoso.query_url + "-auth"
    with RemoteStore(authed, user=virtuoso.user, password=virtuoso.password) as store:
        empty(store)
        store.update(f"INSERT DATA {{ GRAPH <{G}d> {{ <http://s> {P} 'x' }} }}")
        assert count_in(store, G + "d") == 1
    wrong = RemoteStore(authed, user="dba", password=PASSWORD)
    with wrong, pytest.raises(StoreError) as refused:
        wrong.ask("ASK {}")
    assert PASSWORD not in str(refused.value)


def test_secrets_stay_out_of_errors_and_logs(
    oxigraph_empty: Endpoint, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    closed = free_port()
    url = f"http://ann:{quote(PASSWORD, safe='')}@127.0.0.1:{closed}/query"
    with RemoteStore(url, retries=1) as store, pytest.raises(StoreError) as unreachable:
        store.ask("ASK {}")
    with (
        gate(oxigraph_empty.query_url, basic=("ann", PASSWORD)) as front,
        RemoteStore(front.url, user="ann", password=PASSWORD, retries=0) as store,
    ):
        store.ask("ASK {}")  # the probe meets the challenge: Basic is sent up front from now
        front.faults[:] = ["echo"]  # a server that shows the request's headers in its error
        with pytest.raises(StoreError) as echoed:
            store.update("CLEAR SILENT GRAPH <http://g.example/x>")
    messages = [str(unreachable.value), str(echoed.value), caplog.text]
    assert "127.0.0.1" in messages[0] and "Authorization: Basic ***" in messages[1]
    for text in messages:
        assert PASSWORD not in text and "pa:ss" not in text and "pa%3Ass" not in text
        assert "YW5uOnBh" not in text  # base64 of "ann:pa…"


# -- retries and timeouts ------------------------------------------------------------------------


def test_idempotent_requests_are_retried(oxigraph_empty: Endpoint) -> None:
    with gate(oxigraph_empty.query_url) as front, RemoteStore(front.url) as store:
        store.connection.policy = RetryPolicy(attempts=4, backoff=0.05)
        store.ask("ASK {}")  # probes done
        front.faults[:] = ["503", "drop", "drop-after"]
        store.replace_graphs([G + "1"], quads(G + "1", 4))  # applied, then its answer lost
        store.flush()
        assert count_in(store, G + "1") == 4
        front.faults[:] = ["drop", "503"]
        assert count_in(store, G + "1") == 4


def test_a_busy_server_is_given_the_time_it_asks_for(oxigraph_empty: Endpoint) -> None:
    with gate(oxigraph_empty.query_url) as front, RemoteStore(front.url) as store:
        store.connection.policy = RetryPolicy(attempts=2, backoff=0.01)
        store.ask("ASK {}")
        front.faults[:] = ["503:1"]
        started = time.monotonic()
        assert store.ask("ASK {}") is True
        assert time.monotonic() - started >= 1.0  # Retry-After, not the 0.01 s backoff
        front.faults[:] = ["503:1", "503:1"]
        with pytest.raises(StoreError, match="HTTP 503 busy"):
            store.ask("ASK {}")  # two attempts in all, then the server's words


def test_a_user_update_is_not_sent_again_once_it_may_have_applied(oxigraph_empty: Endpoint) -> None:
    with gate(oxigraph_empty.query_url) as front, RemoteStore(front.url) as store:
        store.ask("ASK {}")
        front.faults[:] = ["drop-after"]
        with pytest.raises(StoreError):
            store.update(f"INSERT {{ GRAPH <{G}u> {{ [] {P} 'once' }} }} WHERE {{}}")
        assert count_in(store, G + "u") == 1  # a second attempt would have made two blank nodes


def test_an_update_is_sent_again_when_it_never_reached_the_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    port = free_port()
    started: list[object] = []

    def start_later() -> None:
        time.sleep(0.3)
        started.append(start_oxigraph(tmp_path_factory.mktemp("late"), port=port)[0])

    thread = threading.Thread(target=start_later)
    thread.start()
    try:
        url = f"http://127.0.0.1:{port}/query"
        with RemoteStore(url, retries=8, dialect="oxigraph", graph_store_url="none") as store:
            store.update(f"INSERT {{ GRAPH <{G}u> {{ [] {P} 'once' }} }} WHERE {{}}")
            assert count_in(store, G + "u") == 1
    finally:
        thread.join()
        for process in started:
            process.terminate()  # type: ignore[attr-defined]
            process.wait(15)  # type: ignore[attr-defined]


def test_a_slow_query_times_out_without_retries(oxigraph_empty: Endpoint) -> None:
    with (
        gate(oxigraph_empty.query_url) as front,
        RemoteStore(front.url, query_timeout=0.5) as store,
    ):
        store.ask("ASK {}")
        front.faults[:] = ["slow", "slow"]
        with pytest.raises(QueryTimeout):
            store.execute(QueryRequest("SELECT * WHERE { ?s ?p ?o }"))
        assert front.faults == ["slow"]  # one attempt only


# -- batching and the Graph Store Protocol ------------------------------------------------------


def test_batches_fit_the_servers_body_limit(oxigraph_empty: Endpoint) -> None:
    graphs = [f"{G}{n}" for n in range(40)]
    with gate(oxigraph_empty.query_url, max_body=6_000) as front, RemoteStore(front.url) as store:
        store.ask("ASK {}")
        before = len(front.seen)
        store.replace_graphs(graphs, [q for g in graphs for q in quads(g, 5)])
        store.flush()
        posts = [s for s in front.seen[before:] if s.method == "POST" and s.length]
        assert 2 < len(posts) < 40  # many graphs per request, as many requests as needed
        assert store.server.dialect.max_update_bytes < 6_000  # learnt from the refusals
        assert all(count_in(store, g) == 5 for g in graphs[::7])


def test_a_graph_too_big_for_one_update(oxigraph_empty: Endpoint) -> None:
    big = quads(G + "big", 400, "a longer value to make the graph large")
    with gate(oxigraph_empty.query_url) as front, RemoteStore(front.url) as store:
        store.server.dialect.max_update_bytes = 5_000
        store.replace_graphs([G + "big"], big)
        store.flush()
        assert any(s.method == "PUT" and "/store" in s.path for s in front.seen)
        assert count_in(store, G + "big") == 400
    with RemoteStore(oxigraph_empty.query_url, graph_store_url="none") as store:
        store.server.dialect.max_update_bytes = 5_000
        store.replace_graphs([G + "big"], big[:300])
        assert count_in(store, G + "big") == 300


def test_writes_are_planned_per_graph() -> None:
    blank = ox.Quad(ox.BlankNode("b"), P, ox.Literal("x"), ox.NamedNode(G + "2"))
    planned = writes.group([G + "1"], [*quads(G + "1", 2), blank])
    assert [(w.graph, w.replace, len(w.triples)) for w in planned] == [
        (G + "1", True, 2),
        (G + "2", False, 1),
    ]
    assert not writes.idempotent(planned) and writes.idempotent(planned[:1])
    text = writes.update_text(planned, bnodes_in_insert_data=False)
    assert text.startswith(f"DROP SILENT GRAPH <{G}1> ;") and text.endswith("WHERE {}")
    assert [len(batch) for batch in writes.pack(planned * 3, planned[0].size + 1)] == [1] * 6


def test_the_union_default_graph_without_the_server_flag(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    process, url = start_oxigraph(tmp_path_factory.mktemp("plain"))
    try:
        with RemoteStore(url) as store:
            store.replace_graphs([G + "1", G + "2"], [*quads(G + "1", 2), *quads(G + "2", 3)])
            assert store.count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == 5
            assert store.server.update_url == url.removesuffix("/query") + "/update"
            out = io.BytesIO()
            store.dump(out, ox.RdfFormat.N_QUADS)
            assert len(list(ox.parse(out.getvalue(), format=ox.RdfFormat.N_QUADS))) == 5
    finally:
        process.terminate()
        process.wait(15)


# -- Virtuoso ------------------------------------------------------------------------------------


def test_virtuoso_keeps_its_system_graphs_to_itself(virtuoso: Endpoint) -> None:
    with virtuoso.store() as store:
        empty(store)
        assert store.count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == 0
        assert store.select_all("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1") == []
        system = "http://www.openlinksw.com/schemas/virtrdf#"
        own = f"SELECT (COUNT(*) AS ?n) FROM <{system}> WHERE {{ ?s ?p ?o }}"
        assert store.count(own) > 0  # they are there, for a query that asks for them
        assert isinstance(store.server.dialect, Virtuoso)
        assert store.server.graph_store is not None and store.server.graph_store.endswith(
            "/sparql-graph-crud-auth"
        )


def test_virtuoso_keeps_the_connection_open_between_queries(virtuoso: Endpoint) -> None:
    """Virtuoso closes the connection after every gzipped answer; the store asks for answers as
    they are, so its queries share one connection."""
    text = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"
    accept = {"Accept": "application/sparql-results+json"}
    with virtuoso.store() as store:
        replies = [store.server.query(text, accept=accept["Accept"]) for _ in range(3)]
        assert [reply.headers.get("connection", "").lower() for reply in replies] == [
            "keep-alive"
        ] * 3
        assert all("content-encoding" not in reply.headers for reply in replies)
    # The control: asked as httpx asks by default (gzip), Virtuoso closes the connection.
    with httpx.Client() as client:
        reply = client.post(virtuoso.query_url, data={"query": text}, headers=accept)
        assert reply.headers["content-encoding"] == "gzip"
        assert reply.headers["connection"].lower() == "close"


def test_virtuoso_answers_cut_at_its_row_limit_are_flagged(virtuoso: Endpoint) -> None:
    with virtuoso.store() as store:
        empty(store)
        store.replace_graphs([G + "x"], quads(G + "x", 110))
        cross = "SELECT ?a ?b WHERE { ?a ?p ?x . ?b ?q ?y }"  # 12,100 rows
        with pytest.raises(StoreError, match="ResultSetMaxRows"):
            store.select_all(cross)
        answer = store.execute(QueryRequest(cross, row_limit=0))
        assert answer.truncated


def test_virtuoso_refuses_what_oxigraph_takes_and_says_so(virtuoso: Endpoint) -> None:
    with virtuoso.store() as store, pytest.raises(QueryError, match="Virtuoso"):
        store.update(f"INSERT DATA {{ <http://s> {P} 'no graph' }}")


def test_a_refused_query_is_quoted_without_newsgraphs_prelude(virtuoso: Endpoint) -> None:
    # Virtuoso quotes the query it refused, DEFINEs for the system graphs first; newsgraph's
    # message keeps the user's text in view, its end included
    query = "SELECT ?x WHERE { ?x <http://schema.org/name> ?n . FILTER(bif:nosuch_fn(?n)) }"
    with virtuoso.store() as store, pytest.raises(QueryError) as refused:
        store.select_all(query)
    message = str(refused.value)
    assert "bif:nosuch_fn" in message and "FILTER(bif:nosuch_fn(?n)) }" in message
    assert "graph-exclude" not in message
    # control: the server's own reply does quote the DEFINEs (what the message leaves out)
    direct = httpx.post(virtuoso.query_url, data={"query": "DEFINE input:default-graph-exclude "
                        "<http://example.org/g> " + query})  # fmt: skip
    assert direct.status_code >= 400 and "graph-exclude" in direct.text


def test_an_endpoint_that_is_not_there(tmp_path_factory: pytest.TempPathFactory) -> None:
    with socket.socket() as listener:  # bound, never answering: connections are refused
        listener.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        with RemoteStore(url, retries=0) as store, pytest.raises(StoreError, match=url):
            store.select_all("SELECT * WHERE { ?s ?p ?o }")


def test_url_settings_never_hold_a_secret() -> None:
    url = f"http://ann:{quote(PASSWORD, safe='')}@127.0.0.1:9/sparql"
    settings = load_settings(store=url, update_url=url + "-auth")
    assert (settings.store, settings.update_url) == (
        "http://127.0.0.1:9/sparql",
        "http://127.0.0.1:9/sparql-auth",
    )
    assert settings.store_user == "ann" and settings.store_password is not None
    assert settings.store_password.get_secret_value() == PASSWORD
    shown = newsgraph("settings", env={"NEWSGRAPH_STORE": url, "COLUMNS": "400"})
    assert shown.returncode == 0 and b"127.0.0.1:9/sparql" in shown.stdout
    assert PASSWORD.encode() not in shown.stdout and b"pa%3Ass" not in shown.stdout


def test_no_system_graph_triple_reaches_a_user_query(virtuoso: Endpoint, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Through newsgraph's /sparql, Virtuoso's own graphs (its RDF views, bundled ontologies,
    WebDAV metadata, service description) are in no answer, whatever the query asks; sent to
    Virtuoso directly, the same texts find them (the control)."""
    import httpx

    from tests.test_remote_endpoint import start_remote_server

    with virtuoso.store() as store:
        empty(store)
        store.replace_graphs([G + "user"], quads(G + "user", 3))
        system = store.server.dialect.system_graphs  # type: ignore[attr-defined]
    texts = {
        "every triple": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
        "every graph": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        "a service": "SELECT ?s WHERE { ?s a <http://www.w3.org/ns/sparql-service-description#Service> }",
        "an ontology": "SELECT ?c WHERE { ?c a <http://www.w3.org/2002/07/owl#Class> }",
        **{f"graph {g}": f"SELECT * WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}" for g in system},
    }
    served = start_remote_server(virtuoso.query_url, virtuoso.env, tmp_path / "serve.log")
    try:
        for label, text in texts.items():
            found = []
            for url in (served.sparql, virtuoso.query_url):
                reply = httpx.post(url, data={"query": text}, timeout=60,
                                   headers={"Accept": "application/sparql-results+json"})  # fmt: skip
                assert reply.status_code == 200, reply.text
                found.append(reply.json()["results"]["bindings"])
            through, direct = found
            terms = {v["value"] for row in through for v in row.values()}
            assert not terms & set(system), label
            assert not any(v.startswith("http://www.openlinksw.com/") for v in terms), label
            if label == "every triple":
                assert len(through) == 3  # the user's triples, and nothing else
            if label.startswith("graph "):
                assert through == [], label  # some of them are empty on a fresh install
            else:
                assert len(direct) > len(through), f"{label}: the control finds them"
    finally:
        served.stop()
