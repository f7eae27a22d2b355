"""JSON-LD for search engines, and dataset dumps.

* :mod:`graph.export.context`: schema.org's context as a faithful subset, served offline;
* :mod:`graph.export.source`: what an export reads from the store;
* :mod:`graph.export.document`: an article graph → one NewsArticle document;
* :mod:`graph.export.html`: the document as a safe script element;
* :mod:`graph.export.rdf`: a document → RDF again (the round trip, dates included);
* :mod:`graph.export.report`: Google's Article recommendations a document misses;
* :mod:`graph.export.files`, :mod:`graph.export.manifest`, :mod:`graph.export.sitemap`: the
  export directory;
* :mod:`graph.export.exporter`: ``newsgraph export``;
* :mod:`graph.export.dump`: ``newsgraph dump``;
* :mod:`graph.export.checks`, :mod:`graph.export.validate`: ``newsgraph validate`` (SHACL with
  ``vocab/shapes.ttl``, and the checks SHACL cannot make).
"""
