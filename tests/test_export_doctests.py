"""Every docstring example in graph/export runs (they double as documentation)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "graph.export.checks",
    "graph.export.context",
    "graph.export.document",
    "graph.export.dump",
    "graph.export.html",
    "graph.export.rdf",
    "graph.export.report",
    "graph.export.sitemap",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
