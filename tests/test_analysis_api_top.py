"""``/api/cooccurrence`` and the network page: ``top`` limits what is shown, never what is counted
or analysed (api/routes/analysis.py, graph/cooccurrence/shown.py).

A real server answers on the corpus of tests/test_cooccur_top.py (57 edges among 27 entities, more
than most tops asked here). Each answer is held to two references that share none of its path:

* the oracle — the whole network computed from the store's quads with networkx alone
  (:func:`tests.test_cooccur_top.whole_network`): each entity's degree, strength, articles,
  PageRank and betweenness, each edge's rank (count, then IRI) and disparity from its definition,
  and the modularity of the communities on the whole network;
* ``newsgraph cooccur --top 0 --format json`` run as a process: the rows the API returns are rows
  of that whole network, unchanged, and ``--top N --format json`` is the API's JSON itself.

The control shows that the comparison catches what the API used to answer: the network of its
``top`` edges analysed alone.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import networkx as nx
import pytest
from newsgraph.cooccurrence import formats
from newsgraph.cooccurrence.network import NetworkOptions, build_network
from newsgraph.cooccurrence.shown import shown
from newsgraph.store import EmbeddedStore

from tests.conftest import Server, newsgraph, start_server, write_jsonl
from tests.test_cooccur_top import (
    ALDOR,
    assert_whole_numbers,
    hubs,
    ingested,
    whole_network,
    with_metrics,
)

Body = dict[str, Any]
#: Fewer rows than the network has, all of them (57), and more than it has.
TOPS = (1, 5, 25, 56, 57, 5_000)
#: The modularity's last bits differ from one process to another (graph/cooccurrence/communities.py
#: sums over sets, whose order follows the strings' random hash seed): compared to 1e-12.
MODULARITY = 1e-12


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("analysis-api-top")
    return ingested(root, write_jsonl(root / "hubs.jsonl", hubs()))


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[Server]:
    running = start_server(store)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def oracle(store: Path) -> nx.Graph:
    return whole_network(store)


def api(server: Server, path: str = "api/cooccurrence", **params: Any) -> httpx.Response:
    response = httpx.get(server.url + path, params=params, timeout=120)
    assert response.status_code == 200, response.text
    return response


def cli(store: Path, *args: str) -> Body:
    """``newsgraph cooccur --format json ARGS…`` as a process, while the server runs."""
    done = newsgraph("cooccur", "--store", str(store), "--format", "json", *args)
    assert done.returncode == 0, done.stderr.decode()
    parsed: Body = json.loads(done.stdout)
    return parsed


def page_data(server: Server, **params: Any) -> Body:
    """The network the page draws: the JSON in its ``network-data`` script element."""
    text = api(server, "network", **params).text
    found = re.search(r'<script type="application/json" id="network-data">(.*?)</script>', text)
    assert found, "the page carries no network data"
    data: Body = json.loads(found.group(1))
    rows = re.findall(r"<tr>\s*<td><a [^>]*>(.*?)</a></td>", text)
    assert [html.unescape(r) for r in rows] == [e["source_name"] for e in data["edges"]]
    return data


def by_entity(body: Body) -> dict[str, Body]:
    return {node["entity"]: node for node in body["nodes"]}


def assert_cut_of(body: Body, whole: Body, top: int) -> None:
    """``body`` is the first ``top`` edges of ``whole`` and their ends, every row unchanged, and
    the network's own figures (articles, communities, modularity) are the whole's."""
    assert body["edges"] == whole["edges"][:top]
    ends = {e[side] for e in body["edges"] for side in ("source", "target")}
    assert set(by_entity(body)) == ends
    everything = by_entity(whole)
    for entity, row in by_entity(body).items():
        assert row == everything[entity], entity
    for key in ("articles", "window", "entity", "weight", "min_count", "communities"):
        assert body[key] == whole[key], key
    assert body["modularity"] == pytest.approx(whole["modularity"], rel=MODULARITY)
    assert body["top"] == top


def assert_same_json(body: Body, written: Body) -> None:
    """The same JSON, the modularity to its last bits aside (see :data:`MODULARITY`)."""
    assert {**body, "modularity": None} == {**written, "modularity": None}
    assert body["modularity"] == pytest.approx(written["modularity"], rel=MODULARITY)


def assert_oracles_edges(body: Body, oracle: nx.Graph) -> None:
    """The edges are the oracle's strongest (count, then IRI), with their disparity."""
    ranked = sorted(oracle.edges(data="weight"), key=lambda e: (-e[2], *sorted(e[:2])))
    expected = [(*sorted((u, v)), w) for u, v, w in ranked[: len(body["edges"])]]
    assert [(e["source"], e["target"], e["count"]) for e in body["edges"]] == expected
    for edge in body["edges"]:
        u, v, w = edge["source"], edge["target"], edge["count"]
        alpha = min(
            (1 - w / oracle.nodes[x]["strength"]) ** (oracle.nodes[x]["degree"] - 1) for x in (u, v)
        )
        assert edge["disparity"] == pytest.approx(alpha, abs=1e-9), (u, v)


def assert_whole_communities(body: Body, whole: Body, oracle: nx.Graph) -> None:
    """The modularity reported is that of the whole network's communities on the whole oracle."""
    groups: dict[int, set[str]] = {}
    for node in whole["nodes"]:
        groups.setdefault(node["community"], set()).add(node["entity"])
    expected = nx.community.modularity(oracle, groups.values(), weight="weight")
    assert body["modularity"] == pytest.approx(expected, abs=1e-9)
    assert body["communities"] == len(groups)


@pytest.mark.parametrize("top", TOPS)
def test_every_top_shows_the_whole_networks_numbers(
    server: Server, store: Path, oracle: nx.Graph, top: int
) -> None:
    whole = cli(store, "--top", "0")
    assert len(whole["edges"]) == oracle.number_of_edges() == 57
    body = api(server, top=top).json()
    assert len(body["edges"]) == min(top, 57)
    assert_cut_of(body, whole, top)
    assert_whole_numbers(by_entity(body), oracle)
    assert_oracles_edges(body, oracle)
    assert_whole_communities(body, whole, oracle)


def test_the_api_answers_what_the_command_writes_for_the_same_top(
    server: Server, store: Path
) -> None:
    for args, params in [
        (["--top", "5"], {"top": 5}),
        (["--top", "10", "--weight", "npmi"], {"top": 10, "weight": "npmi"}),
        (["--top", "4", "--since", "2024-07", "--weight", "jaccard", "--min-count", "2"],
         {"top": 4, "since": "2024-07", "weight": "jaccard", "min_count": 2}),
    ]:  # fmt: skip
        assert_same_json(api(server, **params).json(), cli(store, *args))


def test_other_weights_and_windows_are_cut_from_their_whole_network(
    server: Server, store: Path
) -> None:
    shape = ["--since", "2024-07", "--weight", "npmi", "--min-count", "2"]
    whole = cli(store, "--top", "0", *shape)
    assert 10 < len(whole["edges"]) < 57  # the window and min-count shape a smaller network
    for top in (3, 10):
        body = api(server, top=top, since="2024-07", weight="npmi", min_count=2).json()
        assert_cut_of(body, whole, top)


def test_the_network_pages_data_is_the_apis(server: Server, store: Path, oracle: nx.Graph) -> None:
    whole = cli(store, "--top", "0")
    for params in ({"top": 7}, {}):  # the page's own default is 60 rows: here all 57
        data = page_data(server, **params)
        top = params.get("top", 60)
        assert data == api(server, top=top).json()
        assert_cut_of(data, whole, top)
        assert_whole_numbers(by_entity(data), oracle)


def test_an_ego_network_is_analysed_whole_and_cut_to_the_strongest_neighbours(
    server: Server, store: Path, oracle: nx.Graph
) -> None:
    ego = nx.ego_graph(oracle, ALDOR)
    expected = with_metrics(ego.copy(), {x: oracle.nodes[x]["articles"] for x in ego})
    whole = by_entity(cli(store, "--entity", "Aldor", "--top", "0"))
    strongest = sorted(ego[ALDOR], key=lambda x: (-ego[ALDOR][x]["weight"], x))
    for top in (1, 3, 8):
        body = api(server, entity="Aldor", top=top).json()
        assert_same_json(body, cli(store, "--entity", "Aldor", "--top", str(top)))
        assert set(by_entity(body)) == {ALDOR, *strongest[:top]}
        shown = ego.subgraph({ALDOR, *strongest[:top]})
        assert {(e["source"], e["target"]) for e in body["edges"]} == {
            tuple(sorted(edge)) for edge in shown.edges}  # fmt: skip
        assert all(row == whole[entity] for entity, row in by_entity(body).items())
        assert_whole_numbers(by_entity(body), expected)
    page = page_data(server, entity=ALDOR, top=3)
    assert page == api(server, entity=ALDOR, top=3).json()


def test_neighbours_are_the_first_rows_of_all_of_them(server: Server, store: Path) -> None:
    every = api(server, "api/cooccurrence/neighbours", entity="Aldor", top=5_000).json()
    whole = cli(store, "--entity", "Aldor", "--top", "0")
    own = {e["target"] if e["source"] == ALDOR else e["source"]: e for e in whole["edges"]
           if ALDOR in (e["source"], e["target"])}  # fmt: skip
    assert {row["entity"] for row in every["neighbours"]} == set(own)
    for row in every["neighbours"]:
        assert row["count"] == own[row["entity"]]["count"]
        assert row["npmi"] == own[row["entity"]]["npmi"]
    for top in (1, 3):
        first = api(server, "api/cooccurrence/neighbours", entity="Aldor", top=top).json()
        assert first["neighbours"] == every["neighbours"][:top]


def test_what_is_shown_comes_out_in_one_order_whatever_the_hash_seed(
    server: Server, store: Path
) -> None:
    """A part lists its nodes in IRI order, as the whole network does, so the command writes the
    same bytes in every process and the API the same JSON (graph/cooccurrence/shown.py's ``_part``)."""
    names = {f"entity/{letter}" for letter in "abcdefgh"}
    orders = {printed_by_python(f"print(list({names!r}))", seed) for seed in ("1", "2")}
    assert len(orders) == 2  # the control: these seeds order a set differently
    for args in (["-f", "json", "--top", "5"], ["-f", "gexf", "--nodes", "--top", "5"],
                 ["-f", "graphml", "--entity", "Aldor", "--top", "3"]):  # fmt: skip
        outputs = set()
        for seed in ("1", "2"):
            done = newsgraph("cooccur", "--store", str(store), *args,
                             env={"PYTHONHASHSEED": seed})  # fmt: skip
            assert done.returncode == 0, done.stderr.decode()
            outputs.add(done.stdout)
        assert len(outputs) == 1, args
    for params in ({"top": 5}, {"entity": "Aldor", "top": 3}):
        entities = [node["entity"] for node in api(server, **params).json()["nodes"]]
        assert entities == sorted(entities)


def printed_by_python(code: str, seed: str) -> str:
    """What ``code`` prints in a new Python process with PYTHONHASHSEED ``seed``."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True,
                          env={**os.environ, "PYTHONHASHSEED": seed})  # fmt: skip
    return done.stdout.decode()


def test_control_the_comparison_catches_the_network_of_the_top_edges(
    store: Path, oracle: nx.Graph
) -> None:
    """What the API used to answer — the network of its ``top`` edges analysed alone — fails the
    checks above for every top below 57; the whole network cut to ``top`` passes them."""
    whole = cli(store, "--top", "0")
    with EmbeddedStore(store) as opened:
        for top in (5, 25):
            old = formats.network_json(build_network(opened, NetworkOptions(top=top)))
            with pytest.raises(AssertionError):
                assert_cut_of(old, whole, top)
            with pytest.raises(AssertionError):
                assert_whole_numbers(by_entity(old), oracle)
            with pytest.raises(AssertionError):
                assert_whole_communities(old, whole, oracle)
            pairs = [(e["source"], e["target"], e["count"]) for e in old["edges"]]
            assert pairs == [(e["source"], e["target"], e["count"]) for e in whole["edges"][:top]]
        cut = formats.network_json(shown(build_network(opened, NetworkOptions()), 25))
    assert_cut_of(cut, whole, 25)
    assert_whole_numbers(by_entity(cut), oracle)
