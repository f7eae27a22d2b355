"""Every module's docstring examples run, imported by the name it is installed under.

The benchmarks' modules (bench/) run theirs too. The repository keeps the packages as graph/, api/ and vocab/; installed they are ``newsgraph``,
``newsgraph.api`` and ``newsgraph.vocab`` (pyproject.toml). pytest's --doctest-modules would import
the files as ``graph.…``, a second copy beside the installed one, so the examples are collected
here by walking the installed packages instead. The control: a module whose example is wrong fails.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import types

import newsgraph
import newsgraph.api
import newsgraph.vocab
import pytest

import bench

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def module_names() -> list[str]:
    names = []
    for package in (newsgraph, newsgraph.api, newsgraph.vocab, bench):
        names.append(package.__name__)
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if info.name.startswith(("newsgraph.api.", "newsgraph.vocab.")) and (
                package is newsgraph
            ):
                continue
            names.append(info.name)
    return sorted(set(names))


def run_examples(module: types.ModuleType) -> tuple[int, str]:
    """Run ``module``'s examples; answer (failures, report)."""
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    for test in doctest.DocTestFinder().find(module, module.__name__):
        runner.run(test, out=report.append)
    return runner.failures, "".join(report)


MODULES = module_names()


def test_every_package_is_walked() -> None:
    assert "newsgraph.store.embedded" in MODULES
    assert "newsgraph.api.routes.sparql" in MODULES
    assert "newsgraph.vocab.namespaces" in MODULES
    assert "bench.corpus" in MODULES
    assert not any(name.startswith(("graph.", "api.", "vocab.")) for name in MODULES)


@pytest.mark.parametrize("name", [n for n in MODULES if not n.endswith("__main__")])
def test_examples(name: str) -> None:
    failures, report = run_examples(importlib.import_module(name))
    assert failures == 0, report


def test_a_wrong_example_fails() -> None:
    """The control: the runner reports a failing example."""
    module = types.ModuleType("wrong")
    module.__doc__ = ">>> 1 + 1\n3\n"
    failures, report = run_examples(module)
    assert failures == 1 and "Expected" in report
