"""The files of an export directory: safe writes, the per-article files, the directory lock.

A file that exists is replaced atomically, so that a server reading the directory sees the old
content or the new, never half. A file that does not exist yet is created in place (a rename
more per file costs a fresh export a quarter of its time here); nothing refers to it until the
manifest and the sitemaps, written after every article file, list it, and a file an interrupted
export left incomplete differs from its document, so the next run replaces it.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsgraph.errors import ExportError
from newsgraph.export.html import wrap

ARTICLES = "articles"
EXTENSIONS = ("jsonld", "html")
LOCK = ".lock"


def _write_all(descriptor: int, content: bytes) -> None:
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)


def write_atomically(path: Path | str, content: bytes) -> None:
    """Write ``content`` to ``path`` so that readers see the old file or the new, never half.

    The content goes to a temporary file beside it, which then replaces ``path`` in one rename.
    """
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    _write_all(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), content)
    os.replace(temporary, path)


def write_if_changed(path: str, content: bytes) -> bool:
    """Create ``path``, or replace it atomically unless it holds ``content``; whether it wrote."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        if read_or_none(path) == content:
            return False
        write_atomically(path, content)
        return True
    _write_all(descriptor, content)
    return True


def read_or_none(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, IsADirectoryError):
        return None


@contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold the directory's lock for one export; a second one at the same time is refused."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / LOCK, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ExportError(f"another export is writing {directory}") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class ArticleFiles:
    """``DIR/articles/<slug>.jsonld`` and ``DIR/articles/<slug>.html``."""

    directory: Path
    #: JSON indentation; None writes compact JSON (the fastest).
    indent: int | None = None

    def text(self, document: dict[str, Any]) -> str:
        return json.dumps(document, ensure_ascii=False, indent=self.indent)

    def path(self, slug: str, extension: str) -> str:
        return os.path.join(self.directory, f"{slug}.{extension}")

    def exist(self, slug: str) -> bool:
        return all(os.path.exists(self.path(slug, extension)) for extension in EXTENSIONS)

    def write(self, slug: str, text: str, content: bytes) -> bool:
        """Write the document's two files where they differ from what is there; whether any did.

        ``content`` is ``text`` as the .jsonld file's bytes. A file already holding exactly the
        new bytes is left alone, so that its modification time (and the caches and crawlers
        that go by it) stay as they are.
        """
        written = False
        for extension, data in (("jsonld", content), ("html", wrap(text).encode("utf-8"))):
            written = write_if_changed(self.path(slug, extension), data) or written
        return written

    def remove(self, slug: str) -> None:
        for extension in EXTENSIONS:
            Path(self.path(slug, extension)).unlink(missing_ok=True)
