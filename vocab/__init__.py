"""The vocabulary's data: contexts, ontology, shapes and authority data, read from ``DIR``.

Installed, this package is ``newsgraph.vocab`` (the repository keeps it as ``vocab/``); its files
are found beside this module, wherever pip put it (tests/test_packaging.py).
"""

from pathlib import Path

#: The directory of the vocabulary's files.
DIR = Path(__file__).resolve().parent
