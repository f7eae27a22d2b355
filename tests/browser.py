"""The one rule for tests that need a real browser or the front-end packages from npm.

Chromium is Debian's (``apt-get install chromium``; ``.ci/run`` installs it). The front-end
packages are copied into ``api/static/vendor/`` by ``make setup`` when npm is present
(``api/vendor.py``). Where either is missing, the tests that need it skip and say what to install,
so ``make test`` passes on a machine with only what README asks for. Where ``.ci/run`` has them
installed it sets ``NEWSGRAPH_TEST_REQUIRE_CHROMIUM`` / ``NEWSGRAPH_TEST_REQUIRE_VENDOR``, and a
missing one fails instead: there a skip would hide a broken set-up.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest
from newsgraph.api import vendor

if TYPE_CHECKING:
    from playwright.sync_api import Browser

__all__ = ["FLAGS", "chromium_path", "launch_chromium", "require_vendor"]

REQUIRE_CHROMIUM = "NEWSGRAPH_TEST_REQUIRE_CHROMIUM"
REQUIRE_VENDOR = "NEWSGRAPH_TEST_REQUIRE_VENDOR"
#: The names Debian and other distributions give the browser's command.
COMMANDS = ("chromium", "chromium-browser")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run")  # fmt: skip


def _missing(message: str, require: str) -> NoReturn:
    if os.environ.get(require):
        pytest.fail(f"{message} ({require} is set: .ci/run installed it, so it must be found)")
    pytest.skip(message)


def chromium_path() -> Path:
    """Chromium's executable, or a skip (a failure where CI requires it) saying how to get it."""
    for command in COMMANDS:
        found = shutil.which(command)
        if found:
            return Path(found)
    _missing(
        "Chromium is not installed (no `chromium` on PATH): `apt-get install chromium` "
        "for the browser tests (.ci/run installs it)",
        REQUIRE_CHROMIUM,
    )


@contextmanager
def launch_chromium() -> Iterator[Browser]:
    """A headless Chromium driven by Playwright, closed afterwards (or the skip above)."""
    path = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(path), args=list(FLAGS))
        try:
            yield browser
        finally:
            browser.close()


def require_vendor(name: str) -> None:
    """Skip (fail where CI requires it) unless the front-end package ``name`` is installed."""
    if not vendor.available(name):
        package = vendor.ASSETS[name].package
        _missing(
            f"the front-end package {package} is not in {vendor.VENDOR_DIR}: run `make setup` "
            "with npm present",
            REQUIRE_VENDOR,
        )
