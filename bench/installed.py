"""Measuring newsgraph as ``pip install`` leaves it, not as a development checkout may.

``pip install`` compiles every module to bytecode once. A checkout installed in editable mode
writes ``__pycache__`` the first time each module is imported, unless ``PYTHONDONTWRITEBYTECODE``
is set, as it is on some machines: then every ``newsgraph`` process compiles the whole package
again (about 0.2 s), and a figure that starts a process would count a cost no user pays.
:func:`compile_package` does what the install does before a run measures anything.
"""

from __future__ import annotations

import compileall
import importlib
from pathlib import Path

__all__ = ["compile_package"]

#: The package and the two it installs beside its own directory (see pyproject.toml).
PACKAGES = ("newsgraph", "newsgraph.api", "newsgraph.vocab")


def compile_package() -> list[Path]:
    """Compile each of :data:`PACKAGES`' modules to bytecode where it is stale or missing; the
    directories compiled."""
    directories = []
    for name in PACKAGES:
        module = importlib.import_module(name)
        directory = Path(module.__file__ or "").parent
        compileall.compile_dir(directory, quiet=1)
        directories.append(directory)
    return directories
