"""The reference site (mkdocs.yml over docs/) builds from the repository with the network off."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

# mkdocs run in a process whose sockets refuse to connect or resolve: a theme setting or plugin
# that fetches (web fonts, a social card, a privacy download) fails the build.
OFFLINE_BUILD = """
import socket, sys

def refuse(*args, **kwargs):
    raise OSError("the docs build tried to reach the network")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse

from mkdocs.__main__ import cli

cli(["build", "--strict", "--config-file", sys.argv[1], "--site-dir", sys.argv[2]])
"""


def test_the_site_builds_offline_and_warns_of_nothing_inside_docs(tmp_path: Path) -> None:
    site = tmp_path / "site"
    built = subprocess.run(
        [sys.executable, "-c", OFFLINE_BUILD, str(ROOT / "mkdocs.yml"), str(site)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"},
        timeout=240,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    warnings = [line for line in built.stderr.splitlines() if line.startswith(("WARNING", "ERROR"))]
    assert warnings == []
    pages = sorted(path.relative_to(ROOT / "docs") for path in (ROOT / "docs").rglob("*.md"))
    for page in pages:
        name = "index.html" if page.stem in ("index", "README") else f"{page.stem}/index.html"
        assert (site / page.parent / name).is_file(), page
    assert "fonts.googleapis.com" not in (site / "index.html").read_text()
