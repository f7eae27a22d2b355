"""The bulk path for new graphs (``graph/store/remote/bulk.py``): the same store as graph by graph.

`newsgraph ingest` of the same records into an empty server, once through the bulk path
(Virtuoso: N-Quads staged where it reads them and loaded by its own loader; Oxigraph: N-Quads
POSTed to ``/store``) and once graph by graph (Virtuoso: a ``PUT`` per graph; Oxigraph spoken
to as a generic server: SPARQL Updates), must leave stores whose `newsgraph dump`s hold the
same quads. The controls show the bulk path was taken: a staging directory newsgraph cannot
write makes the ingest fail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from newsgraph.ingest import Ingester
from newsgraph.settings import load_settings
from newsgraph.store import RemoteStore

from bench import corpus
from tests.backends import VIRTUOSO_ENV, Endpoint, absent, empty
from tests.conftest import BASE, ROOT, newsgraph

RECORDS = 300
SCHEMA_MENTIONS = "http://schema.org/mentions"


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus.write(tmp_path_factory.mktemp("bulk") / "records.jsonl", RECORDS, seed=3)


def ingested_dump(endpoint: Endpoint, records: Path, where: Path, **env: str) -> set[ox.Quad]:
    """Ingest ``records`` into the emptied server; return its dump's quads."""
    with endpoint.store() as store:
        empty(store)
    settings = {**endpoint.env, **env}
    settings = {name: value for name, value in settings.items() if value}
    where.mkdir()
    done = newsgraph(
        "ingest", "-q", "--rejects", str(where / "r.jsonl"), str(records), env=settings
    )
    assert done.returncode == 0, done.stderr.decode()
    assert f"loaded {RECORDS}," in done.stderr.decode() + done.stdout.decode()
    return dumped(settings, where / "dump.nq")


def test_virtuoso_bulk_load_equals_graph_by_graph(
    virtuoso: Endpoint, records: Path, tmp_path: Path
) -> None:
    if not virtuoso.staging:
        pytest.fail("NEWSGRAPH_TEST_VIRTUOSO_STAGING is unset (.ci/virtuoso.sh prints it)")
    bulk = ingested_dump(virtuoso, records, tmp_path / "bulk")
    by_graph = ingested_dump(virtuoso, records, tmp_path / "put", NEWSGRAPH_STORE_STAGING="")
    assert len(bulk) > RECORDS * 10 and bulk == by_graph
    assert not list(Path(virtuoso.staging).iterdir())  # every staged file removed once loaded


def test_virtuoso_bulk_path_is_taken(virtuoso: Endpoint, records: Path, tmp_path: Path) -> None:
    """A staging directory that is not there fails the ingest, naming the setting: the new
    graphs go through the staged loader, not around it."""
    with virtuoso.store() as store:
        empty(store)
    missing = tmp_path / "missing"
    env = {**virtuoso.env, "NEWSGRAPH_STORE_STAGING": str(missing)}
    done = newsgraph("ingest", "-q", "--rejects", str(tmp_path / "r.jsonl"), str(records), env=env)
    assert done.returncode == 2
    assert f"NEWSGRAPH_STORE_STAGING={missing}: cannot write".encode() in done.stderr


def test_oxigraph_bulk_post_equals_sparql_updates(
    oxigraph: Endpoint, records: Path, tmp_path: Path
) -> None:
    bulk = ingested_dump(oxigraph, records, tmp_path / "bulk")
    generic = {"NEWSGRAPH_STORE_DIALECT": "generic", "NEWSGRAPH_GRAPH_STORE_URL": "none",
               "NEWSGRAPH_UPDATE_URL": oxigraph.update_url}  # fmt: skip
    by_update = ingested_dump(oxigraph, records, tmp_path / "update", **generic)
    assert len(bulk) > RECORDS * 10 and bulk == by_update


def test_virtuoso_bulk_load_in_many_batches_equals_graph_by_graph(
    virtuoso: Endpoint, records: Path, tmp_path: Path
) -> None:
    """Batches of 40: each is loaded while the next is mapped (written behind)."""
    batched = ingested_dump(virtuoso, records, tmp_path / "bulk", NEWSGRAPH_BATCH_SIZE="40")
    by_graph = ingested_dump(virtuoso, records, tmp_path / "put", NEWSGRAPH_STORE_STAGING="")
    assert batched == by_graph


def _private_virtuoso(directory: Path) -> Endpoint:
    """A Virtuoso of this test's own (it is killed): started by ``.ci/virtuoso.sh``."""
    if shutil.which("virtuoso-t") is None:
        absent("virtuoso-t is not installed (Debian: virtuoso-opensource)")
    started = subprocess.run([str(ROOT / ".ci" / "virtuoso.sh"), "start", str(directory)],
                             capture_output=True, text=True, check=True)  # fmt: skip
    found = dict(line.split("=", 1) for line in started.stdout.split())
    return Endpoint("virtuoso", found[VIRTUOSO_ENV], "dba", found[f"{VIRTUOSO_ENV}_PASSWORD"],
                    found[f"{VIRTUOSO_ENV}_STAGING"])  # fmt: skip


def _restart_after_kill(directory: Path, endpoint: Endpoint) -> subprocess.Popen[bytes]:
    """``kill -9`` the server, then start it again on its database and ports."""
    os.kill(int((directory / "pid").read_text()), signal.SIGKILL)
    time.sleep(0.5)
    server = subprocess.Popen(
        ["virtuoso-t", "+foreground", "+configfile", str(directory / "virtuoso.ini")],
        cwd=directory / "db", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    (directory / "pid").write_text(str(server.pid))
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(endpoint.query_url, params={"query": "ASK {}"}).status_code == 200:
                return server
        time.sleep(0.3)
    raise AssertionError("Virtuoso did not come back after kill -9")


def test_a_virtuoso_killed_after_an_ingest_keeps_what_the_ingest_said_it_wrote(
    records: Path, tmp_path: Path
) -> None:
    """The bulk path loads without Virtuoso's transaction log; the write stamp goes through
    it. An ingest's unit of writes that ended before the server died must survive it whole, or
    the next ingest trusts a stamp whose writes are gone. Here the unit ends, the store is not
    closed yet, the server is killed (-9) and started again: the store dumps as before, and
    ingesting the same records again leaves it so (its linking cache trusts the stamp).
    Without the checkpoint before the stamp, the articles were gone, and after the second
    ingest they were back without a single link."""
    directory = tmp_path / "virtuoso"
    endpoint = _private_virtuoso(directory)
    restarted = None
    try:
        settings = load_settings(store=endpoint.query_url, base=BASE, store_user="dba",
                                 store_password=endpoint.password, store_staging=endpoint.staging,
                                 rejects=str(tmp_path / "rejects.jsonl"))  # fmt: skip
        store = RemoteStore.from_settings(settings)
        summary = Ingester(store, settings).run([str(records)])
        assert summary.loaded == RECORDS
        before = dumped(endpoint.env, tmp_path / "before.nq")
        assert sum(1 for quad in before if quad.predicate.value == SCHEMA_MENTIONS) > RECORDS
        # The store never closed: no checkpoint there.
        restarted = _restart_after_kill(directory, endpoint)
        store.close()  # its connection (the unit had nothing left to write)
        assert dumped(endpoint.env, tmp_path / "after-kill.nq") == before
        again = newsgraph("ingest", "-q", "--rejects", str(tmp_path / "r.jsonl"), str(records),
                          env={**endpoint.env, "NEWSGRAPH_BASE": BASE})  # fmt: skip
        assert again.returncode == 0, again.stderr.decode()
        assert f"unchanged {RECORDS}," in again.stdout.decode() + again.stderr.decode()
        assert dumped(endpoint.env, tmp_path / "again.nq") == before
    finally:
        subprocess.run([str(ROOT / ".ci" / "virtuoso.sh"), "stop", str(directory)],
                       capture_output=True)  # fmt: skip
        if restarted is not None:
            restarted.wait(60)


def dumped(env: dict[str, str], out: Path) -> set[ox.Quad]:
    """The quads of `newsgraph dump` of the store ``env`` points at."""
    done = newsgraph("dump", "-q", "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr.decode()
    return set(ox.parse(out.read_bytes(), format=ox.RdfFormat.N_QUADS))
