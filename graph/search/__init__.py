"""Full-text search over the articles, joined with the graph.

* :mod:`.analysis` — words, stop words and stems per language (one tantivy analyzer and field
  each);
* :mod:`.syntax` — the search syntax (AND, ``OR``, ``NOT``, ``"phrases"``, ``prefix*``);
* :mod:`.index` — the tantivy index in ``STORE/search/``: BM25 ranking, snippets;
* :mod:`.sync` — the index kept in step with the store by every unit of writes;
* :mod:`.finding` — a search with the graph's filters (entity, topic), as the command and
  ``/api/search`` answer it;
* :mod:`.join` — ``?article ng:matches "words"`` in SPARQL: the index first, the engine after.

See ``docs/search.md``.
"""
