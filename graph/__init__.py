"""newsgraph: a linked-data knowledge graph of news — records → schema.org JSON-LD → RDF → SPARQL.

In a notebook, ``kg = newsgraph.open(".newsgraph")`` (:mod:`newsgraph.workbench`, docs/python.md).
The names below are imported when first used, so that ``import newsgraph`` stays cheap: it
loads neither the store, nor pyoxigraph, nor FastAPI, nor pandas (tests/test_workbench.py).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsgraph.workbench import Entity, KnowledgeGraph, Result, open

__all__ = ["Entity", "KnowledgeGraph", "Result", "open"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("newsgraph.workbench"), name)
    raise AttributeError(f"module 'newsgraph' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
