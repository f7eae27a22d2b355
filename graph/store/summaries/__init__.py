"""Summaries kept beside the store's read snapshot, so that the endpoint answers the entity
queries (``entity-articles``, ``entity-comentions``, ``entity-mentions-per-month``) without the
engine's join over every article
graph — with the engine's answers exactly, and the engine answering whatever they do not cover.

:mod:`~graph.store.summaries.shapes` recognises the query texts (as the engine reads them),
:mod:`~graph.store.summaries.index` builds and reads the summaries of one snapshot,
:mod:`~graph.store.summaries.dates` reads the dates whose reading is the engine's, and
:mod:`~graph.store.summaries.keeper` keeps them current for the server (``NEWSGRAPH_QUERY_SUMMARIES``).
For every text they accept they give the engine's answer, errors included, or decline
(``tests/test_summaries_differential.py``).
"""

from newsgraph.store.summaries.index import Summaries, build
from newsgraph.store.summaries.keeper import SummaryKeeper
from newsgraph.store.summaries.shapes import Shape, recognise

__all__ = ["Shape", "Summaries", "SummaryKeeper", "build", "recognise"]
