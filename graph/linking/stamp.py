"""Fingerprints: of the linking code and data, and of everything a pass's result depends on.

A pass's result is a pure function of the stored records (each article's record digest), the
overrides and reconciliations kept in the store, and the rules (this package's code, the
authority file, the given names, and the libraries the rules call). :func:`stamp` digests all
of them, so two equal stamps mean two equal results: a pass whose stamp equals the last clean
pass's has nothing to do, and a cache whose stamp differs from the store's is not trusted.

The records enter the stamp as a :class:`Records` digest: a sum of one hash per (article,
record digest), which a batch updates for its own articles instead of hashing every article of
the store again (``tests/test_linking_pass.py``: kept and computed whole, they agree).
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from newsgraph.linking.overrides import Override

__all__ = ["LIBRARIES", "Records", "evidence_fingerprint", "rules_fingerprint", "stamp"]

_PACKAGE = Path(__file__).resolve().parent
_DATA = ("authority.jsonl", "country-wikidata.csv", "given-names.txt")
#: The module outside this package whose code decides a pass's result: entity keys
#: (``keyify``), in the package of the data files.
_CODE = ("namespaces.py",)
#: The libraries whose answers the rules take: countries, stemming and dictionaries,
#: romanisation (``tests/test_linking_pass.py`` reads the rules' imports to check the list).
LIBRARIES = ("anyascii", "pycountry", "pymorphy3", "pymorphy3-dicts-ru", "snowballstemmer")
#: The modules that compute an article's evidence (its cached part).
_EVIDENCE = ("evidence.py", "textscan.py", "acronyms.py", "normalise.py", "cache.py")


def _digest(parts: Iterable[bytes]) -> str:
    """The digest of parts, each preceded by its length."""
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(len(part).to_bytes(8, "big"))
        hasher.update(part)
    return hasher.hexdigest()[:32]


@cache
def evidence_fingerprint() -> str:
    """Changes when the way evidence is computed or stored changes (cached evidence is void)."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}".encode()
    return _digest([version, *((_PACKAGE / name).read_bytes() for name in _EVIDENCE)])


@cache
def rules_fingerprint() -> str:
    """Changes when any linking rule or data changes (every pass result may change): this
    package's code and the code of :data:`_CODE`, the data files, the versions of
    :data:`LIBRARIES`, and Python's (its Unicode tables fold names)."""
    code = [path.read_bytes() for path in sorted(_PACKAGE.glob("*.py"))]
    vocab = resources.files("newsgraph.vocab")
    code += [vocab.joinpath(name).read_bytes() for name in _CODE]
    data = [vocab.joinpath(name).read_bytes() for name in _DATA]
    versions = [f"{name} {metadata.version(name)}".encode() for name in LIBRARIES]
    python = f"{sys.version_info.major}.{sys.version_info.minor}".encode()
    return _digest([*code, *data, *versions, python])


class Records:
    """An order-free digest of a store's articles (article IRI → record digest): the sum, modulo
    2**256, of a hash of each pair, so that replacing one article's digest costs one hash.

    >>> whole = Records.of({"a": "1", "b": "2"})
    >>> kept = Records.of({"a": "1"})
    >>> kept.replace("b", None, "2")
    >>> kept.hex() == whole.hex()
    True
    >>> kept.replace("a", "1", "3")
    >>> kept.hex() == Records.of({"a": "3", "b": "2"}).hex()
    True
    """

    _MODULUS = 1 << 256

    def __init__(self, value: int = 0) -> None:
        self.value = value

    @classmethod
    def of(cls, hashes: Mapping[str, str]) -> Records:
        records = cls()
        records.value = sum(map(_term, hashes.items())) % cls._MODULUS
        return records

    @classmethod
    def parse(cls, text: object) -> Records | None:
        """The digest :meth:`hex` wrote, or None for anything else."""
        if not isinstance(text, str) or len(text) != 64:
            return None
        try:
            return cls(int(text, 16))
        except ValueError:
            return None

    def replace(self, iri: str, old: str | None, new: str) -> None:
        """Article ``iri`` now has record digest ``new`` (it had ``old``, or was not there)."""
        value = self.value + _term((iri, new))
        if old is not None:
            value -= _term((iri, old))
        self.value = value % self._MODULUS

    def hex(self) -> str:
        return f"{self.value:064x}"


def _term(pair: tuple[str, str]) -> int:
    line = f"{pair[0]} {pair[1]}".encode()
    return int.from_bytes(hashlib.blake2b(line, digest_size=32).digest(), "big")


def stamp(
    records: Records | Mapping[str, str],
    overrides: Iterable[Override],
    reconciled: Mapping[str, tuple[str, str, str]],
) -> str:
    """The fingerprint of a pass's inputs: the articles (their :class:`Records` digest, or
    article → record digest), overrides, reconciliations."""
    digest = records if isinstance(records, Records) else Records.of(records)
    corrections = "\n".join(
        "\t".join((o.action, o.name, o.target, o.article, o.note)) for o in overrides
    )
    found = "\n".join("\t".join((form, *item)) for form, item in sorted(reconciled.items()))
    return _digest(
        [rules_fingerprint().encode(), digest.hex().encode(), corrections.encode(), found.encode()]
    )
