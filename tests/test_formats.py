"""Writing networks (graph/cooccurrence/formats.py): exact numbers, no dates, readable back."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import networkx as nx
import pytest
from newsgraph.cooccurrence import formats
from newsgraph.cooccurrence.network import Network, NetworkOptions, build_network
from newsgraph.store import EmbeddedStore

from tests.cooccur_corpus import build_store


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    with EmbeddedStore(build_store(tmp_path_factory.mktemp("formats"))) as opened:
        yield build_network(opened, NetworkOptions(weight="npmi"))


def written(network: Network, fmt: str, nodes: bool = False) -> bytes:
    buffer = io.BytesIO()
    formats.write(network, fmt, buffer, nodes=nodes)
    return buffer.getvalue()


def test_csv_floats_round_trip_exactly(network: Network) -> None:
    rows = list(csv.DictReader(io.StringIO(written(network, "csv").decode())))
    assert [float(r["npmi"]) for r in rows] == [e.npmi for e in network.edges]
    assert tuple(rows[0]) == formats.EDGE_COLUMNS


def test_gexf_has_no_date_and_the_window_in_its_description(network: Network) -> None:
    text = written(network, "gexf").decode()
    assert "lastmodifieddate" not in text and "<creator>newsgraph</creator>" in text
    assert "articles=" in text and "weight=npmi" in text
    G = nx.read_gexf(io.BytesIO(text.encode()))
    assert G.number_of_edges() == network.graph.number_of_edges()


def test_json_and_graphml(network: Network) -> None:
    data = json.loads(written(network, "json"))
    assert data["articles"] == network.articles and len(data["edges"]) == len(network.edges)
    assert data["nodes"][0]["entity"] < data["nodes"][-1]["entity"]
    G = nx.read_graphml(io.BytesIO(written(network, "graphml")))
    assert G.graph["weight"] == "npmi"
    with pytest.raises(ValueError, match="cannot write"):
        written(network, "table")
