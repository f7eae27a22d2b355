"""``newsgraph dump``: every format reads back as the store's data; gzip; files; the command."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
import pytest
from newsgraph.errors import ExportError
from newsgraph.export.dump import FORMATS, dump, format_for
from newsgraph.settings import Settings, load_settings
from newsgraph.store import EmbeddedStore

from tests.conftest import BASE, newsgraph
from tests.exportdata import build_store, varied_records


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    tmp_path = tmp_path_factory.mktemp("dump")
    settings = load_settings(store=str(tmp_path / "store"), base=BASE)
    build_store(tmp_path, settings, varied_records())
    return settings


def store_quads(settings: Settings) -> set[ox.Quad]:
    with EmbeddedStore(settings.store_path) as store:
        return set(store.raw.quads_for_pattern(None, None, None, None))


@pytest.mark.parametrize("name", list(FORMATS))
def test_each_format_reads_back_as_the_store(built: Settings, tmp_path: Path, name: str) -> None:
    out = tmp_path / f"dump.{name}.gz"
    with EmbeddedStore(built.store_path) as store:
        summary = dump(store, name, str(out), compress=True)
    data = gzip.decompress(out.read_bytes())
    assert summary.bytes == len(data) and summary.compressed
    parsed = list(ox.parse(data, format=FORMATS[name]))
    held = store_quads(built)
    assert len(held) > 100
    if name == "ttl":
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in held}
        assert {ox.Triple(q.subject, q.predicate, q.object) for q in parsed} == triples
    else:
        assert set(parsed) == held
        graphs = {q.graph_name for q in parsed}
        assert ox.NamedNode(built.minter.article("markup")) in graphs
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_format_follows_the_file_name_unless_given() -> None:
    assert format_for(None, "all.ttl") == "ttl"
    assert format_for(None, "all.jsonld.gz") == "jsonld"
    assert format_for(None, "all.unknown") == "nq"
    with pytest.raises(ExportError, match="unknown dump format 'xml'"):
        format_for("xml", None)


def test_the_command_to_a_file_and_to_a_pipe(built: Settings, tmp_path: Path) -> None:
    store = str(built.store_path)
    out = tmp_path / "all.trig.gz"
    result = newsgraph("dump", "--store", store, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "dumped the store as trig" in result.stderr.decode()
    assert set(ox.parse(gzip.decompress(out.read_bytes()), format=ox.RdfFormat.TRIG)) == (
        store_quads(built)
    )
    piped = newsgraph("dump", "--store", store, "--format", "nq", "--quiet")
    assert piped.returncode == 0 and piped.stderr == b""
    assert set(ox.parse(piped.stdout, format=ox.RdfFormat.N_QUADS)) == store_quads(built)
    into_dir = newsgraph("dump", "--store", store, "--out", str(tmp_path))
    assert into_dir.returncode == 2 and "is a directory" in into_dir.stderr.decode()
