"""Analysis of the co-occurrence network: pure functions over a networkx graph ``G``.

* :mod:`graph.analysis.window` — which articles an analysis counts;
* :mod:`graph.analysis.edges` — ranking and filtering the counted pairs into weighted edges;
* :mod:`graph.analysis.centrality` — weighted degree, PageRank, betweenness;
* :mod:`graph.analysis.communities` — Louvain communities, seeded so that results repeat;
* :mod:`graph.analysis.backbone` — the disparity filter;
* :mod:`graph.analysis.timeseries` — a pair's co-mentions month by month;
* :mod:`graph.analysis.network` — counts from the store → an analysed graph;
* :mod:`graph.analysis.shown` — what ``--top`` shows of it: a cut, the numbers untouched;
* :mod:`graph.analysis.resolve` — entity names, topics and types typed by users → IRIs;
* :mod:`graph.analysis.cache` — whole-window counts kept per store snapshot (the server's);
* :mod:`graph.analysis.formats`, :mod:`graph.analysis.chart`, :mod:`graph.analysis.materialize`
  — writing it out as files, PNG charts and RDF.

Counting itself is :mod:`graph.cooccurrence`.
"""
