"""The argument parser of ``newsgraph`` and its subcommands: whole option names, helpful errors.

An option is spelled out in full (no prefixes: ``--stor`` is not ``--store``, so that adding an
option never changes what an old command line means). A mistyped option or command is a usage
error of the subcommand it was given to — that subcommand's usage, one ``error:`` line with a
"did you mean" hint where one is close, exit 2. Tested in tests/test_cli_usage.py.

>>> parser = Parser(prog="demo")
>>> _ = parser.add_argument("--store")
>>> parser.hint("unrecognized arguments: --stor x")
' (did you mean --store?)'
>>> parser.hint("unrecognized arguments: --nothing-like-it")
''
"""

from __future__ import annotations

import argparse
import difflib
import re
from collections.abc import Sequence
from typing import Any, NoReturn

__all__ = ["Parser", "parse"]

_UNRECOGNIZED = "unrecognized arguments: "
_INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)")


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` without abbreviations whose errors suggest the nearest option."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def hint(self, message: str) -> str:
        """`` (did you mean X?)`` for the first unknown option or choice in ``message`` that is
        close to a known one; else nothing."""
        if message.startswith(_UNRECOGNIZED):
            known = [name for name in self._option_string_actions if name.startswith("--")]
            for given in message.removeprefix(_UNRECOGNIZED).split():
                if given.startswith("-"):
                    close = difflib.get_close_matches(given.split("=", 1)[0], known, n=1)
                    if close:
                        return f" (did you mean {close[0]}?)"
            return ""
        found = _INVALID_CHOICE.search(message)
        if found:
            choices = re.findall(r"'([^']*)'", found.group(2))
            close = difflib.get_close_matches(found.group(1), choices, n=1)
            if close:
                return f" (did you mean {close[0]}?)"
        return ""

    def error(self, message: str) -> NoReturn:
        super().error(message + self.hint(message))


def parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse ``argv``; what no parser recognised is an error of the subcommand it came with."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        subparsers = next(
            action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
        )
        target = subparsers.choices.get(getattr(args, "command", None) or "", parser)
        target.error(_UNRECOGNIZED + " ".join(extra))
    return args
