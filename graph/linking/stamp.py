"""Fingerprints: of the linking code and data, and of everything a pass's result depends on.

A pass's result is a pure function of the stored records (each article's record digest), the
overrides and reconciliations kept in the store, and the rules (this package's code, the
authority file, pycountry's countries, the given names). :func:`stamp` digests all of them, so
two equal stamps mean two equal results: a pass whose stamp equals the last clean pass's has
nothing to do, and a cache whose stamp differs from the store's is not trusted.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from newsgraph.linking.overrides import Override

__all__ = ["evidence_fingerprint", "rules_fingerprint", "stamp"]

_PACKAGE = Path(__file__).resolve().parent
_DATA = ("authority.jsonl", "country-wikidata.csv", "given-names.txt")
#: The modules that compute an article's evidence (its cached part).
_EVIDENCE = ("evidence.py", "textscan.py", "acronyms.py", "normalise.py", "cache.py")


def _digest(parts: Iterable[bytes | Callable[[], Iterable[bytes]]]) -> str:
    """The digest of parts, each given whole or as a function that yields its pieces (read
    twice, for its length and to hash it, so a large part is never held whole)."""
    hasher = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            hasher.update(len(part).to_bytes(8, "big"))
            hasher.update(part)
            continue
        hasher.update(sum(map(len, part())).to_bytes(8, "big"))
        for piece in part():
            hasher.update(piece)
    return hasher.hexdigest()[:32]


@cache
def evidence_fingerprint() -> str:
    """Changes when the way evidence is computed or stored changes (cached evidence is void)."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}".encode()
    return _digest([version, *((_PACKAGE / name).read_bytes() for name in _EVIDENCE)])


@cache
def rules_fingerprint() -> str:
    """Changes when any linking rule or data changes (every pass result may change)."""
    code = [path.read_bytes() for path in sorted(_PACKAGE.glob("*.py"))]
    data = [resources.files("newsgraph.vocab").joinpath(name).read_bytes() for name in _DATA]
    return _digest([*code, *data, metadata.version("pycountry").encode()])


def stamp(
    hashes: Mapping[str, str],
    overrides: Iterable[Override],
    reconciled: Mapping[str, tuple[str, str, str]],
) -> str:
    """The fingerprint of a pass's inputs: article → record digest, overrides, reconciliations."""
    order = sorted(hashes)

    def records() -> Iterator[bytes]:  # the lines "{iri} {digest}", joined by newlines
        for number, iri in enumerate(order):
            line = f"{iri} {hashes[iri]}".encode()
            yield b"\n" + line if number else line

    corrections = "\n".join(
        "\t".join((o.action, o.name, o.target, o.article, o.note)) for o in overrides
    )
    found = "\n".join("\t".join((form, *item)) for form, item in sorted(reconciled.items()))
    return _digest([rules_fingerprint().encode(), records, corrections.encode(), found.encode()])
