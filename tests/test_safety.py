"""Safe by default, over the wire: read-only, tokens, timeouts that really stop a query, row caps,
body limits, SERVICE and LOAD refused, and nothing in a request makes the server fetch anything.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from rdflib import Graph

from tests.conftest import Server, descendants, sample_store, start_server

TOKEN = "safety-test-token"
ROW_LIMIT = 5
BODY_LIMIT = 4096
TIMEOUT = 1.0
#: Five independent triple patterns over a few hundred triples: ~10^12 rows to count.
EXPLOSIVE = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
)
CHEAP = "ASK { ?s a <http://schema.org/NewsArticle> }"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sample_template: Path) -> Iterator[Server]:
    store = sample_store(tmp_path_factory.mktemp("safety") / "store", sample_template)
    running = start_server(
        store, "--query-timeout", str(TIMEOUT), "--row-limit", str(ROW_LIMIT),
        env={"NEWSGRAPH_MAX_REQUEST_BYTES": str(BODY_LIMIT)},
    )  # fmt: skip
    yield running
    running.stop()


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory, sample_template: Path) -> Iterator[Server]:
    store = sample_store(tmp_path_factory.mktemp("writable") / "store", sample_template)
    running = start_server(store, "--allow-update", "--allow-service",
                           env={"NEWSGRAPH_UPDATE_TOKEN": TOKEN})  # fmt: skip
    yield running
    running.stop()


def _count(server: Server, query: str = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") -> int:
    response = httpx.get(server.sparql, params={"query": query})
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


# -- read-only and tokens -----------------------------------------------------------------------


def test_read_only_by_default(server: Server) -> None:
    before = _count(server)
    for headers in ({}, {"Authorization": f"Bearer {TOKEN}"}):
        response = httpx.post(server.sparql, data={"update": "CLEAR ALL"}, headers=headers)
        assert response.status_code == 403
    assert _count(server) == before


def test_serve_refuses_to_start_updatable_without_a_token(tmp_path: Path) -> None:
    from tests.conftest import newsgraph

    env = {k: v for k, v in os.environ.items() if k != "NEWSGRAPH_UPDATE_TOKEN"}
    result = newsgraph("serve", "--store", str(tmp_path / "s"), "--allow-update", "--port", "1",
                       env=env, timeout=60)  # fmt: skip
    assert result.returncode == 2
    assert "NEWSGRAPH_UPDATE_TOKEN" in result.stderr.decode()


INSERT = 'INSERT DATA { GRAPH <http://example.org/mine> { <http://example.org/s> <http://example.org/p> "o" } }'


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer wrong"}, 403),
        ({"Authorization": f"Basic {TOKEN}"}, 401),
        ({"Authorization": f"Bearer {TOKEN}x"}, 403),
    ],
)
def test_updates_need_the_token(writable: Server, headers: dict[str, str], status: int) -> None:
    response = httpx.post(writable.sparql, data={"update": INSERT}, headers=headers)
    assert response.status_code == status
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")
    ask = "ASK { GRAPH <http://example.org/mine> { ?s ?p ?o } }"
    assert httpx.get(writable.sparql, params={"query": ask}).json()["boolean"] is False


def test_an_update_with_the_token_is_applied(writable: Server) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = httpx.post(writable.sparql, content=INSERT.replace("mine", "ours").encode(),
                          headers={**auth, "Content-Type": "application/sparql-update"})  # fmt: skip
    assert response.status_code == 204
    ask = "ASK { GRAPH <http://example.org/ours> { ?s ?p ?o } }"
    assert httpx.get(writable.sparql, params={"query": ask}).json()["boolean"] is True


# -- timeouts -----------------------------------------------------------------------------------


def _workers(server: Server) -> set[int]:
    """The query workers: processes forked by the server's fork server."""
    tree = descendants(server.process.pid)
    return {pid for pid, parent in tree.items() if parent != server.process.pid}


def test_a_runaway_query_is_killed_while_others_are_answered(server: Server) -> None:
    before = _workers(server)
    assert len(before) == 2
    cheap_statuses: list[int] = []
    stop = threading.Event()

    def cheap_queries() -> None:
        with httpx.Client(timeout=30) as client:
            while not stop.is_set():
                cheap_statuses.append(
                    client.get(server.sparql, params={"query": CHEAP}).status_code
                )

    poller = threading.Thread(target=cheap_queries)
    poller.start()
    started = time.monotonic()
    response = httpx.get(server.sparql, params={"query": EXPLOSIVE}, timeout=60)
    elapsed = time.monotonic() - started
    stop.set()
    poller.join()
    assert response.status_code == 503
    assert response.json()["error"] == "timeout"
    assert elapsed < TIMEOUT + 20  # an answer after the limit, not after the query's end
    assert cheap_statuses and set(cheap_statuses) == {200}
    # the worker that ran it is gone (killed, not abandoned) and a new one took its place
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(_workers(server) - before) < 1:
        time.sleep(0.1)
    after = _workers(server)
    gone = before - after
    assert len(gone) == 1
    assert not Path(f"/proc/{gone.pop()}").exists()
    assert len(after) == 2
    assert httpx.get(server.sparql, params={"query": CHEAP}).json()["boolean"] is True


def test_runaway_queries_on_every_worker_all_time_out(server: Server) -> None:
    with ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(
            lambda _: httpx.get(server.sparql, params={"query": EXPLOSIVE}, timeout=60), range(4)
        ))  # fmt: skip
    assert [r.status_code for r in responses] == [503] * 4
    assert httpx.get(server.sparql, params={"query": CHEAP}, timeout=60).json()["boolean"] is True


# -- row cap and body limit ---------------------------------------------------------------------


def test_select_is_capped_and_says_so(server: Server) -> None:
    response = httpx.get(server.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert len(response.json()["results"]["bindings"]) == ROW_LIMIT
    assert response.headers["newsgraph-truncated"] == "true"
    assert response.headers["newsgraph-row-limit"] == str(ROW_LIMIT)


def test_construct_is_capped_and_says_so(server: Server) -> None:
    response = httpx.get(server.sparql, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                         headers={"Accept": "application/n-triples"})  # fmt: skip
    assert len(Graph().parse(data=response.content, format="nt")) == ROW_LIMIT
    assert response.headers["newsgraph-truncated"] == "true"


def test_a_result_within_the_cap_is_not_flagged(server: Server) -> None:
    response = httpx.get(server.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"})
    assert len(response.json()["results"]["bindings"]) == 5
    assert "newsgraph-truncated" not in response.headers


@pytest.mark.parametrize(
    "content_type", ["application/sparql-query", "application/x-www-form-urlencoded"]
)
def test_a_body_over_the_limit_is_413(server: Server, content_type: str) -> None:
    padding = "#" + "x" * BODY_LIMIT + "\n"
    body = padding + "ASK {}"
    if content_type.endswith("urlencoded"):
        body = "query=" + body.replace("#", "%23").replace("\n", "%0A")
    response = httpx.post(
        server.sparql, content=body.encode(), headers={"Content-Type": content_type}
    )
    assert response.status_code == 413
    assert response.json()["error"] == "too-large"


def test_a_streamed_body_over_the_limit_is_413(server: Server) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"#"
        for _ in range(BODY_LIMIT // 1000 + 2):
            yield b"y" * 1000

    response = httpx.post(server.sparql, content=chunks(),
                          headers={"Content-Type": "application/sparql-query"})  # fmt: skip
    assert response.status_code == 413


# -- nothing is fetched -------------------------------------------------------------------------


class Listener:
    """A loopback port that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port: int = self.sock.getsockname()[1]
        self.connections: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.sock.accept()
            except TimeoutError:
                continue
            connection.settimeout(1)
            try:
                self.connections.append(connection.recv(4096))
            except OSError:
                self.connections.append(b"")
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.close()


def _loopback_aliases(url: str) -> list[str]:
    """Other spellings of the listener's address: a name, short and decimal IPv4 forms."""
    port = url.rsplit(":", 1)[1]
    return [f"http://{host}:{port}" for host in ("localhost", "127.1", "2130706433")]


def _refused_requests(url: str, data_file: Path) -> list[tuple[str, dict[str, str]]]:
    """Requests that would make a careless server connect to ``url`` or read ``data_file``,
    each of which must be refused (403), whatever the server allows."""
    file_iri = data_file.as_uri()
    service = [
        f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}/x> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"PREFIX e: <{url}/> SELECT * WHERE {{ SERVICE e:q {{ ?s ?p ?o }} }}",
        "SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",  # relative
        # concealed in longer names: the engine reads true SERVICE <…> and SERVICE e:q
        f"SELECT * WHERE {{ ?s ?p trueSERVICE<{url}/sparql> {{ }} }}",
        f"PREFIX e: <{url}/> SELECT * WHERE {{ SERVICEe:q {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o SERVICE<{url}/sparql>{{}} }}",
        *(f"SELECT * WHERE {{ SERVICE <{alias}/sparql> {{ ?s ?p ?o }} }}"
          for alias in _loopback_aliases(url)),
        f"SELECT * WHERE {{ SERVICE <{file_iri}> {{ ?s ?p ?o }} }}",
    ]  # fmt: skip
    update = [
        f"LOAD <{url}/data.ttl>",
        f"LOAD SILENT <{url}/data.ttl> INTO GRAPH <http://example.org/g>",
        f"LOADSILENT<{url}/data.ttl>",
        f"load<{url}/data.ttl>",
        f"LOAD <{file_iri}> INTO GRAPH <http://example.org/from-file>",
        "LOAD <file:///etc/passwd>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ ?s ?p trueSERVICE<{url}/sparql> {{ }} }}",
        *(f"LOAD <{alias}/data.ttl>" for alias in _loopback_aliases(url)),
    ]
    return [("query", {"query": text}) for text in service] + [
        ("update", {"update": text}) for text in update
    ]


def _answered_requests(url: str) -> list[dict[str, str]]:
    """Queries that name the listener as data only: answered, but nothing is fetched."""
    return [
        {"query": f"SELECT * FROM <{url}/g> WHERE {{ ?s ?p ?o }}"},
        {"query": f"SELECT * FROM NAMED <{url}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
        {"query": "ASK { ?s ?p ?o }", "default-graph-uri": f"{url}/g"},
        {"query": "ASK { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": f"{url}/g"},
        {"query": f"DESCRIBE <{url}/thing>"},
    ]


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    """A Turtle file that a LOAD from the file system would add to the store."""
    path = tmp_path / "secret.ttl"
    path.write_text('<http://example.org/secret> <http://example.org/p> "from the disk" .\n')
    return path


def _send_all(server: Server, url: str, data_file: Path) -> list[tuple[str, int]]:
    """Every request, with the status it got: refused ones first, then answered ones."""
    statuses = []
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for kind, params in _refused_requests(url, data_file):
        if kind == "update":
            response = httpx.post(server.sparql, data=params, headers=auth, timeout=30)
        else:
            response = httpx.get(server.sparql, params=params, timeout=30)
        statuses.append((params[kind], response.status_code))
    for params in _answered_requests(url):
        response = httpx.get(server.sparql, params=params, timeout=30)
        statuses.append((params["query"], response.status_code))
    return statuses


def _assert_nothing_arrived(server: Server, listener: Listener, data_file: Path) -> None:
    statuses = _send_all(server, listener.url, data_file)
    time.sleep(0.5)
    assert listener.connections == []
    refused = len(_refused_requests(listener.url, data_file))
    assert [status for _, status in statuses[:refused]] == [403] * refused, statuses
    assert [status for _, status in statuses[refused:]] == [200] * (len(statuses) - refused)
    secret = 'ASK { ?s ?p "from the disk" }'
    assert httpx.get(server.sparql, params={"query": secret}).json()["boolean"] is False


def test_nothing_in_a_request_makes_the_server_fetch(
    server: Server, listener: Listener, data_file: Path
) -> None:
    _assert_nothing_arrived(server, listener, data_file)


def test_with_service_and_update_enabled_loopback_stays_unreachable(
    writable: Server, listener: Listener, data_file: Path
) -> None:
    """Federation and updates on: loopback (in any spelling), variables and files are still
    refused (see graph/sparql/federation.py), and so is LOAD."""
    _assert_nothing_arrived(writable, listener, data_file)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE {{ ?s ?p trueSERVICE<{url}/sparql> {{ }} }}",
        "PREFIX e: <{url}/> SELECT * WHERE {{ SERVICEe:q {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE <{alias}/sparql> {{ ?s ?p ?o }} }}",
        "LOADSILENT<{url}/data.ttl>",
    ],
)
def test_the_concealed_spellings_do_reach_the_network_unguarded(
    listener: Listener, text: str
) -> None:
    """The control for the spellings above: pyoxigraph left to itself connects for each."""
    import pyoxigraph as ox

    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
                      ox.NamedNode("http://example.org/o")))  # fmt: skip
    filled = text.format(url=listener.url, alias=_loopback_aliases(listener.url)[0])
    try:
        if filled.startswith("LOAD"):
            store.update(filled)
        else:
            list(store.query(filled))
    except OSError:
        pass
    deadline = time.monotonic() + 5
    while not listener.connections and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(listener.connections) == 1


def test_the_listener_would_have_seen_a_fetch(listener: Listener) -> None:
    """The control: pyoxigraph left to itself does connect, so the test above means something."""
    import pyoxigraph as ox

    with pytest.raises(OSError):
        list(
            ox.Store().query(f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}")
        )
    deadline = time.monotonic() + 5
    while not listener.connections and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.connections and listener.connections[0].startswith(b"POST /sparql")


def test_oxigraph_follows_no_redirect_for_service() -> None:
    """A public endpoint cannot bounce a SERVICE call to loopback: redirects are not followed."""
    import pyoxigraph as ox

    target = Listener()
    bouncer = socket.socket()
    bouncer.bind(("127.0.0.1", 0))
    bouncer.listen(1)

    def bounce() -> None:
        connection, _ = bouncer.accept()
        connection.recv(4096)
        location = f"{target.url}/sparql"
        connection.sendall(f"HTTP/1.1 302 Found\r\nLocation: {location}\r\n"
                           "Content-Length: 0\r\n\r\n".encode())  # fmt: skip
        connection.close()

    thread = threading.Thread(target=bounce)
    thread.start()
    try:
        port = bouncer.getsockname()[1]
        with pytest.raises(OSError, match="redirect"):
            list(
                ox.Store().query(
                    f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}"
                )
            )
        thread.join()
        time.sleep(0.3)
        assert target.connections == []
    finally:
        bouncer.close()
        target.close()
