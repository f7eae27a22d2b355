"""Writing a network out: CSV, JSON, GEXF and GraphML, byte for byte the same every run.

Rows come in the network's ranking (see :mod:`graph.cooccurrence.edges`); nodes in IRI order.
Numbers are written exactly: integers as integers, floats in Python's shortest round-trip form.
GEXF carries no date of its own (networkx would stamp today's), so the same store and options
give the same file.
"""

from __future__ import annotations

import csv
import io
import json
from typing import IO, Any
from xml.etree.ElementTree import SubElement

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter
from newsgraph.cooccurrence.network import Network

__all__ = [
    "EDGE_COLUMNS",
    "FORMATS",
    "NODE_COLUMNS",
    "edge_rows",
    "network_json",
    "node_rows",
    "write",
    "write_csv",
    "write_gexf",
    "write_graphml",
]

FORMATS = ("table", "csv", "json", "gexf", "graphml")
EDGE_COLUMNS = ("source", "target", "source_name", "target_name", "count", "npmi", "jaccard",
                "source_count", "target_count", "disparity")  # fmt: skip
NODE_COLUMNS = ("entity", "name", "type", "articles", "degree", "strength", "pagerank",
                "betweenness", "community")  # fmt: skip


def edge_rows(network: Network) -> list[dict[str, Any]]:
    """One dict per edge, in ranking order, with the columns of :data:`EDGE_COLUMNS`."""
    G = network.graph
    rows = []
    for edge in network.edges:
        rows.append(
            {
                "source": edge.source,
                "target": edge.target,
                "source_name": G.nodes[edge.source]["label"],
                "target_name": G.nodes[edge.target]["label"],
                "count": edge.count,
                "npmi": edge.npmi,
                "jaccard": edge.jaccard,
                "source_count": edge.source_count,
                "target_count": edge.target_count,
                "disparity": G.edges[edge.source, edge.target].get("disparity"),
            }
        )
    return rows


def node_rows(network: Network) -> list[dict[str, Any]]:
    """One dict per node (IRI order) with the columns of :data:`NODE_COLUMNS`."""
    rows = []
    for node, data in network.graph.nodes(data=True):
        row = {"entity": node, "name": data["label"], "type": data["type"]}
        row.update({column: data.get(column) for column in NODE_COLUMNS[3:]})
        rows.append(row)
    return rows


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write_csv(rows: list[dict[str, Any]], columns: tuple[str, ...], out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])


def network_json(network: Network) -> dict[str, Any]:
    """The whole network as one JSON-ready dict (what the HTTP API serves too)."""
    G = network.graph
    return {
        "articles": network.articles,
        "window": network.options.window.describe(),
        "entity": network.options.entity,
        "weight": network.options.weight,
        "min_count": network.options.min_count,
        "top": network.options.top,
        "backbone": network.options.backbone,
        "communities": G.graph.get("communities"),
        "modularity": G.graph.get("modularity"),
        "nodes": node_rows(network),
        "edges": edge_rows(network),
    }


def write_gexf(G: nx.Graph, out: IO[bytes]) -> None:
    """GEXF 1.2 without a modification date; the graph's attributes go in the description."""
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    assert meta is not None
    meta.attrib.pop("lastmodifieddate", None)
    creator = meta.find("creator")
    if creator is not None:
        creator.text = "newsgraph"
    SubElement(meta, "description").text = "newsgraph co-occurrence network; " + "; ".join(
        f"{key}={value}" for key, value in sorted(G.graph.items())
    )
    plain = nx.Graph()
    plain.add_nodes_from(G.nodes(data=True))
    plain.add_edges_from(G.edges(data=True))
    writer.add_graph(plain)
    writer.write(out)


def write_graphml(G: nx.Graph, out: IO[bytes]) -> None:
    nx.write_graphml(G, out, encoding="utf-8", prettyprint=True)


def write(network: Network, fmt: str, out: IO[bytes], *, nodes: bool = False) -> None:
    """Write ``network`` as ``fmt`` (csv, json, gexf or graphml) to a binary stream."""
    if fmt == "gexf":
        write_gexf(network.graph, out)
    elif fmt == "graphml":
        write_graphml(network.graph, out)
    elif fmt == "json":
        text = json.dumps(network_json(network), indent=2, ensure_ascii=False) + "\n"
        out.write(text.encode("utf-8"))
    elif fmt == "csv":
        buffer = io.StringIO(newline="")
        if nodes:
            write_csv(node_rows(network), NODE_COLUMNS, buffer)
        else:
            write_csv(edge_rows(network), EDGE_COLUMNS, buffer)
        out.write(buffer.getvalue().encode("utf-8"))
    else:
        raise ValueError(f"cannot write {fmt!r}")
