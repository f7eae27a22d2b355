"""The bulk path for new graphs (``graph/store/remote/bulk.py``): the same store as graph by graph.

`newsgraph ingest` of the same records into an empty server, once through the bulk path
(Virtuoso: N-Quads staged where it reads them and loaded by its own loader; Oxigraph: N-Quads
POSTed to ``/store``) and once graph by graph (Virtuoso: a ``PUT`` per graph; Oxigraph spoken
to as a generic server: SPARQL Updates), must leave stores whose `newsgraph dump`s hold the
same quads. The controls show the bulk path was taken: a staging directory newsgraph cannot
write makes the ingest fail.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from bench import corpus
from tests.backends import Endpoint, empty
from tests.conftest import newsgraph

RECORDS = 300


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
    out = where / "dump.nq"
    dumped = newsgraph("dump", "-q", "--out", str(out), env=settings)
    assert dumped.returncode == 0, dumped.stderr.decode()
    return set(ox.parse(out.read_bytes(), format=ox.RdfFormat.N_QUADS))


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
