"""The linking rules' answers about single names, remembered from one run to the next.

Every pass asks the same questions of every distinct form of the store: how it parses, whether
it starts with a personal title, whether it is shaped like a person's name, what type it
suggests, which acronym an entity-list entry defines, whether one form abbreviates another.
Each is a pure function of its arguments and of the rules, so a process asks each question
once (an :func:`functools.lru_cache` in front of each); but a fresh process, such as one
``newsgraph ingest`` of a few articles into a large store, would ask them all again, and for
100,000 articles that is a quarter of a second before anything is linked.

A function decorated with :func:`remembered` has its answers kept, in the store's linking
cache, by :class:`KeptAnswers`. The file is named by the rules' fingerprint
(:func:`graph.linking.stamp.rules_fingerprint`), so answers given under other code or data are
never read. A run appends only what it had to compute (a batch's new forms), and the file is
rewritten with what a run asked when it holds mostly names the store no longer has (only by a
run that asked about every name: a resolution from scratch). An answer is the function's own,
computed once; the file only saves computing it again (``tests/test_remembered.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, update_wrapper
from pathlib import Path
from typing import Any, Generic, ParamSpec, TypeVar

from newsgraph.linking.journal import record, records, write_atomically

__all__ = ["KeptAnswers", "computed", "remembered"]

P = ParamSpec("P")
R = TypeVar("R")

#: Answers a function keeps in memory (its :func:`functools.lru_cache` size).
MAXSIZE = 200_000


@dataclass
class _Answers(Generic[R]):
    """One function's answers: those read from the file (encoded), and those asked here."""

    function: Callable[..., R]
    encode: Callable[[R], Any]
    decode: Callable[[Any, tuple[Any, ...]], R]
    kept: dict[Any, Any] = field(default_factory=dict)
    #: What this process asked (encoded), whether the file had it or not.
    asked: dict[Any, Any] = field(default_factory=dict)
    #: What this process had to compute since its answers were last saved (encoded).
    fresh: dict[Any, Any] = field(default_factory=dict)

    def answer(self, args: tuple[Any, ...]) -> R:
        key = args[0] if len(args) == 1 else args
        encoded = self.kept.get(key, _MISSING)
        if encoded is _MISSING:
            value = self.function(*args)
            self.asked[key] = self.fresh[key] = self.encode(value)
            return value
        self.asked[key] = encoded
        return self.decode(encoded, args)


_MISSING = object()
_FUNCTIONS: dict[str, _Answers[Any]] = {}
#: The answer files this process has read (a process reads each once).
_READ: set[Path] = set()


def _same(value: Any) -> Any:
    return value


def _same_decoded(value: Any, _args: tuple[Any, ...]) -> Any:
    return value


def remembered(
    name: str,
    *,
    encode: Callable[[Any], Any] = _same,
    decode: Callable[[Any, tuple[Any, ...]], Any] = _same_decoded,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Memoise a pure function of names, and keep its answers between runs under ``name``.
    ``encode`` turns an answer into what :mod:`marshal` writes (tuples, strings, numbers,
    None); ``decode`` turns it back, given the call's arguments."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        answers = _FUNCTIONS[name] = _Answers(function, encode, decode)  # a reload: the last

        def ask(*args: Any) -> R:
            return answers.answer(args)

        cached = lru_cache(maxsize=MAXSIZE)(ask)
        return update_wrapper(cached, function)  # type: ignore[return-value]

    return decorate


def computed() -> int:
    """How many answers this process had to compute since its answers were last saved."""
    return sum(len(answers.fresh) for answers in _FUNCTIONS.values())


class KeptAnswers:
    """The answers file of one linking cache directory: ``answers-FINGERPRINT.bin``, records
    of what some run computed, each after its length and checksum. A run appends what it had
    to compute; the file is written whole again when most of what it holds is no longer asked
    (a torn last record, from a run that died, is ignored)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        #: Answers the file held when loaded (None: this process did not read it).
        self.held: int | None = None

    def _path(self, fingerprint: str) -> Path:
        return self.directory / f"answers-{fingerprint[:16]}.bin"

    def load(self, fingerprint: str) -> int:
        """Give every remembered function the answers kept under ``fingerprint``; return how
        many. A process reads a file once: after that, its memory holds all the file does."""
        path = self._path(fingerprint)
        if path in _READ:
            return 0
        try:
            data = path.read_bytes()
        except OSError:
            return 0
        _READ.add(path)
        self.held = 0
        for value, _end in records(data):
            for name, found in value.items() if isinstance(value, dict) else ():
                if name in _FUNCTIONS and isinstance(found, dict):
                    _FUNCTIONS[name].kept.update(found)
                    self.held += len(found)
        return self.held

    def save(self, fingerprint: str, *, asked_all: bool = True) -> bool:
        """Keep the answers this process computed since it last saved (appended); return
        whether it wrote. ``asked_all``: this process asked about every name of the store (a
        resolution from scratch; one that started from what the last kept,
        :class:`graph.linking.resolve.Since`, asks about few), so what it did not ask about is
        no longer wanted: where that is most of the file, the file is written again with what
        it asked alone."""
        functions = _FUNCTIONS.items()
        path = self._path(fingerprint)
        asked = sum(len(answers.asked) for _name, answers in functions)
        if asked_all and self.held is not None and self.held > 2 * asked:
            write_atomically(path, record({name: answers.asked for name, answers in functions}))
            self.held = asked
        elif not computed():
            return False
        else:
            with open(path, "ab") as handle:
                handle.write(record({name: answers.fresh for name, answers in functions}))
        for stale in self.directory.glob("answers-*.bin"):
            if stale != path:
                stale.unlink(missing_ok=True)
        for _name, answers in functions:
            answers.fresh = {}
        return True
