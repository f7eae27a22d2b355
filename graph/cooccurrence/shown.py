"""What ``--top N`` shows of an analysed network: its first rows, every number untouched.

``newsgraph cooccur`` counts and analyses one network for a store, a window and the options that
shape it (``--entity``, ``--type``, ``--min-count``, ``--weight``, ``--backbone``). ``--top``
only chooses the part of it that is written out, so a pair's counts and measures, a node's
degree, strength, PageRank, betweenness and community, and the backbone's entities are the same
in every format and for every N. :func:`shown` is that choice:

* the N strongest edges, in the network's ranking, and their ends;
* of an ego network, the ego's N strongest edges and the edges among those neighbours (the ego
  network of its N strongest neighbours);
* with ``nodes``, the N entities of highest PageRank (ties by IRI) and the edges among them.

The part keeps the attributes of the whole — a node's ``degree`` counts edges the part leaves
out — and its graph attributes say what it is part of: ``top`` (N), ``network_entities`` and
``network_edges``. tests/test_cooccur_shown.py checks the cut; tests/test_cooccur_top.py checks
the command against an independent count in every format.

>>> from graph.cooccurrence.edges import Edge
>>> from graph.cooccurrence.network import Network, NetworkOptions, analyse, to_graph
>>> edges = [Edge("a", "b", 3, 0.5, 0.6, 4, 4), Edge("a", "c", 2, 0.2, 0.4, 4, 3),
...          Edge("b", "c", 1, 0.1, 0.2, 4, 3)]
>>> names = {node: (node.upper(), "Thing") for node in "abc"}
>>> G = analyse(to_graph(edges, {"a": 4, "b": 4, "c": 3}, names))
>>> whole = Network(G, edges, 6, NetworkOptions())
>>> part = shown(whole, 1)
>>> list(part.graph.edges), part.graph.nodes["a"]["degree"], part.graph.graph["network_edges"]
([('a', 'b')], 2, 3)
>>> shown(whole, 0) is whole
True
"""

from __future__ import annotations

import dataclasses

import networkx as nx
from newsgraph.cooccurrence.network import Network
from newsgraph.errors import QueryError

__all__ = ["check_top", "most_central", "shown"]


def check_top(top: int) -> int:
    """``top`` if it is 0 (all) or more, else the user's mistake as a :class:`QueryError`."""
    if top < 0:
        raise QueryError(f"--top {top}: must be 0 (all) or more")
    return top


def most_central(G: nx.Graph, top: int) -> list[str]:
    """The ``top`` nodes of highest ``pagerank`` (ties by IRI), most central first; all for 0.

    >>> G = nx.Graph()
    >>> G.add_nodes_from([("x", {"pagerank": 0.2}), ("y", {"pagerank": 0.5}),
    ...                   ("w", {"pagerank": 0.2})])
    >>> most_central(G, 2)
    ['y', 'w']
    """
    if G.number_of_nodes() and "pagerank" not in next(iter(G.nodes.values())):
        raise ValueError("the network is not analysed: its nodes have no PageRank")
    ranked = sorted(G.nodes, key=lambda node: (-G.nodes[node]["pagerank"], node))
    return ranked[:top] if top > 0 else ranked


def shown(network: Network, top: int, *, nodes: bool = False) -> Network:
    """The part of ``network`` that ``--top top`` shows (see the module); ``network`` for 0.

    Parameters
    ----------
    network : Network
        The analysed network (built with ``top=0``); with ``nodes`` its nodes need ``pagerank``.
    top : int
        How many rows: edges, or with ``nodes`` entities; 0 for all.
    nodes : bool
        Choose the entities of highest PageRank instead of the strongest edges.

    Returns
    -------
    Network
        A new network over a copy of the chosen subgraph of ``network.graph``, its edges in the
        same ranking and ``options.top`` set to ``top``; the nodes and edges keep the whole
        network's attributes and order.
    """
    check_top(top)
    if top == 0:
        return network
    G = network.graph
    ego = network.options.entity
    if nodes:
        part = _part(G, set(most_central(G, top)))
    elif ego is not None:
        ego_edges = [e for e in network.edges if ego in (e.source, e.target)][:top]
        neighbours = {e.target if e.source == ego else e.source for e in ego_edges}
        part = _part(G, neighbours | ({ego} & set(G)))
    else:
        chosen = network.edges[:top]
        ends = {end for e in chosen for end in (e.source, e.target)}
        part = _part(G, ends, {frozenset((e.source, e.target)) for e in chosen})
    part.graph.update(
        top=top, network_entities=G.number_of_nodes(), network_edges=G.number_of_edges()
    )
    edges = [e for e in network.edges if part.has_edge(e.source, e.target)]
    options = dataclasses.replace(network.options, top=top)
    return Network(part, edges, network.articles, options, network.seconds, network.analysed)


def _part(G: nx.Graph, keep: set[str], pairs: set[frozenset[str]] | None = None) -> nx.Graph:
    """A copy of ``G`` on the nodes ``keep`` with the edges among them (only ``pairs``, if
    given), nodes and edges in ``G``'s order and their attribute dicts copied.

    Not ``G.subgraph(keep).copy()``: networkx lists a small subgraph's nodes in the order of
    the set it was given, which changes from one process to the next (strings hash with a random
    seed), and every format writes the nodes in that order. tests/test_analysis_api_top.py runs
    the command under several hash seeds.
    """
    order = [node for node in G if node in keep]
    part = G.__class__()
    part.graph.update(G.graph)
    part.add_nodes_from((node, G.nodes[node]) for node in order)
    part.add_edges_from(
        (u, v, data)
        for u, v, data in G.edges(order, data=True)
        if u in keep and v in keep and (pairs is None or frozenset((u, v)) in pairs)
    )
    return part
