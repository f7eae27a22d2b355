"""A small ingest handed to the server that owns the store, which runs it on its primary.

``newsgraph ingest FILE`` into a store that ``newsgraph serve`` owns used to borrow the primary
(:mod:`graph.store.handover`) and link in a process of its own, which reads every table of the
linking cache again: at 100,000 articles a batch of 100 spent as long starting and reading as
linking, and the cost grew with the store. The server is already warm: it has the mapping's
tables built and, batch after batch, it keeps the linking tables it wrote
(:mod:`graph.linking.carry`, held for as long as it serves). So an ingest of files of at
most ``NEWSGRAPH_HANDED_INGEST_BYTES`` (32 MiB) is sent to it whole — the files as they are on
disk, named as given — and the server runs the same :class:`~graph.ingest.Ingester` on its own
primary, in one unit of writes, while it goes on answering from the snapshots. It streams back
what the run reports, each rejected record (the command appends them to its own rejects file)
and the summary, or the error, which the command shows as if it had met it itself.

Nothing about the result depends on where the run happened: the same records through the same
code give the same store (``tests/test_handed_ingest.py`` checks it against a fresh ingest).
The server declines, and the command borrows the primary as before, where it cannot run the
ingest as the command would: another base, or the primary lent to another process. A larger
ingest borrows too (its own start costs little beside it, and its mapping may use worker
processes), as does standard input.

A command that ends before the run commits — Ctrl-C, ``kill -9`` — leaves the store as it was,
as a borrower killed part-way does: just before committing the server checks that the command
still waits for the answer (its connection open, its process alive), and rolls back if not.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import queue
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsgraph.errors import NewsgraphError, StoreError, StoreLocked
from newsgraph.ingest import sources
from newsgraph.settings import Settings
from newsgraph.store.locks import process_alive
from newsgraph.store.server_info import ServerInfo, running_server

if TYPE_CHECKING:
    from newsgraph.ingest import Summary
    from newsgraph.store.base import Store
    from newsgraph.store.served import ServedStore

log = logging.getLogger("newsgraph.handed")

__all__ = ["INGEST_PATH", "LIMIT", "Feed", "Handed", "hand", "read_request", "run", "to_server"]

#: The server's internal route for a handed ingest.
INGEST_PATH = "/_newsgraph/ingest"
#: The largest body the server takes: files of at most ``NEWSGRAPH_HANDED_INGEST_BYTES`` are
#: handed (the command's setting), and no more than this whatever it says.
LIMIT = 256 * 1024 * 1024
#: The request's first line (the header) is at most this long.
HEADER_LIMIT = 1024 * 1024
#: Seconds the command waits for the server's answer (a write under way goes first).
_TIMEOUT = 900.0


@dataclasses.dataclass
class Handed:
    """What the command sends: its process, the base and batching it ingests with, and the
    files (name as given, bytes)."""

    pid: int
    base: str
    batch_size: int
    ingest_workers: int
    files: list[tuple[str, bytes]]

    def body(self) -> bytes:
        header = {
            "pid": self.pid, "base": self.base, "batch_size": self.batch_size,
            "ingest_workers": self.ingest_workers,
            "files": [[name, len(data)] for name, data in self.files],
        }  # fmt: skip
        return json.dumps(header).encode() + b"\n" + b"".join(data for _, data in self.files)


def read_request(body: bytes) -> Handed:
    """The handed ingest a request body holds; ValueError if it holds none."""
    end = body.find(b"\n", 0, HEADER_LIMIT)
    if end < 0:
        raise ValueError("no header line")
    header = json.loads(body[:end])
    offset, files = end + 1, []
    for name, size in header["files"]:
        if not isinstance(name, str) or not isinstance(size, int) or size < 0:
            raise ValueError("a file is named by a string and sized by a count")
        files.append((name, body[offset : offset + size]))
        offset += size
    if offset != len(body):
        raise ValueError("the files' sizes do not add up to the body")
    return Handed(
        int(header["pid"]), str(header["base"]), int(header["batch_size"]),
        int(header["ingest_workers"]), files,
    )  # fmt: skip


# -- the command's side ---------------------------------------------------------------------


def to_server(
    paths: Iterable[str], settings: Settings, report: Callable[[str], None] = lambda line: None
) -> tuple[Summary, ServerInfo] | None:
    """Hand ``paths`` to the server that owns the settings' on-disk store, if one runs; the
    run's summary and the server, or None (no server, or not handed: borrow the primary)."""
    if settings.is_remote:
        return None
    server = running_server(settings.store_path)
    if server is None:
        return None
    summary = hand(server, paths, settings, report)
    return None if summary is None else (summary, server)


def hand(
    server: ServerInfo, paths: Iterable[str], settings: Settings, report: Callable[[str], None]
) -> Summary | None:
    """Have ``server`` ingest ``paths``; the run's summary, or None where the files are too
    large or the server declines (then nothing was written: borrow the primary)."""
    import httpx
    from newsgraph.ingest import Rejects, Summary
    from newsgraph.store.handover import refusal

    files = _files(paths, min(settings.handed_ingest_bytes, LIMIT))
    if files is None:
        return None
    handed = Handed(os.getpid(), settings.base, settings.batch_size, settings.ingest_workers, files)
    rejects = Rejects(settings.rejects_path)
    try:
        with httpx.stream(
            "POST", server.at(INGEST_PATH), content=handed.body(),
            headers={**server.authorization, "Content-Type": "application/octet-stream"},
            timeout=_TIMEOUT,
        ) as reply:  # fmt: skip
            if reply.status_code == 404:
                return None  # a server from before handed ingests
            if reply.status_code >= 400:
                reply.read()
                raise StoreError(f"the server at {server.url} refused the ingest: {refusal(reply)}")
            for line in reply.iter_lines():
                said = json.loads(line)
                if "report" in said:
                    report(said["report"])
                elif "reject" in said:
                    rejects.append(said["reject"])
                elif "declined" in said:
                    return None
                elif "error" in said:
                    raise _error(said["error"])
                elif "summary" in said:
                    return Summary(**said["summary"])
    except httpx.HTTPError as error:
        raise StoreError(
            f"the server at {server.url} (pid {server.pid}) owns the store but did not answer the "
            f"ingest to its end ({error}); whether it wrote it, `newsgraph stats` tells, and the "
            "same ingest again writes what is missing (an unchanged record writes nothing)"
        ) from None
    finally:
        rejects.close()
    raise StoreError(f"the server at {server.url} ended the ingest without its summary")


def _files(paths: Iterable[str], limit: int) -> list[tuple[str, bytes]] | None:
    """Each input file (as :func:`graph.ingest.sources.expand` lists them) and its bytes; None
    if they are more than ``limit`` bytes, or one cannot be read here."""
    if limit <= 0:
        return None
    files, total = [], 0
    for path in sources.expand(paths):
        if path == "-":
            return None
        try:
            total += os.stat(path).st_size
            if total > limit:
                return None
            files.append((path, Path(path).read_bytes()))
        except OSError:
            return None  # the borrowing ingest names it as a rejected input
    return files


class _Raised(NewsgraphError):
    """An error the server's run met, shown as the command would have shown it."""


def _error(said: dict[str, Any]) -> Exception:
    if said.get("kind") == "os":
        return OSError(said["message"])
    raised = _Raised(said["message"])
    raised.code = str(said.get("code", raised.code))
    return raised


# -- the server's side ----------------------------------------------------------------------


class Feed:
    """The lines of a handed run's answer, from the thread that runs it to the response."""

    def __init__(self) -> None:
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        #: Set when the response stops being read: the command is gone.
        self.abandoned = threading.Event()

    def say(self, **what: Any) -> None:
        self._lines.put(json.dumps(what, ensure_ascii=False, default=str).encode() + b"\n")

    def end(self) -> None:
        self._lines.put(None)

    def next(self, wait: float) -> bytes | None:
        """The next line; None at the end; ``b""`` if none came within ``wait`` seconds."""
        try:
            return self._lines.get(timeout=wait)
        except queue.Empty:
            return b""


def run(store: ServedStore, settings: Settings, handed: Handed, feed: Feed) -> None:
    """Run ``handed`` on ``store``'s primary (with the server's ``settings`` but the command's
    batching), saying on ``feed`` what the command would print; always ends the feed."""
    from newsgraph.ingest import Ingester, Rejects

    class Sent(Rejects):
        def append(self, entry: dict[str, Any]) -> None:
            feed.say(reject=entry)

    try:
        if handed.base != settings.base:
            feed.say(declined=f"the command's base is {handed.base}, the server's {settings.base}")
            return
        ran = settings.model_copy(
            update={"batch_size": handed.batch_size, "ingest_workers": handed.ingest_workers}
        )

        # A command whose process this server cannot see (another pid namespace) is followed
        # by its connection alone.
        seen = process_alive(handed.pid)

        def still_wanted(primary: Store) -> None:
            if feed.abandoned.is_set() or (seen and not process_alive(handed.pid)):
                raise StoreError("the command that handed this ingest ended before its commit")

        items = _items(handed.files)
        try:
            with store.writing() as primary, _sharing_the_interpreter():
                ingester = Ingester(
                    primary, ran, report=lambda line: feed.say(report=line), rejects=Sent(Path())
                )
                summary = ingester.run_items(items, before_commit=still_wanted)
        except StoreLocked as error:
            feed.say(declined=str(error))
            return
        feed.say(summary=dataclasses.asdict(summary))
    except NewsgraphError as error:
        feed.say(error={"kind": "newsgraph", "code": error.code, "message": str(error)})
    except OSError as error:
        feed.say(error={"kind": "os", "message": str(error)})
    except Exception as error:  # a fault of the server's: logged there, one line for the command
        log.exception("newsgraph: a handed ingest failed")
        feed.say(error={"kind": "newsgraph", "code": "internal",
                        "message": f"the server's ingest failed: {error!r}"})  # fmt: skip
    finally:
        feed.end()


#: Seconds a thread holds the interpreter while another waits for it, during a handed run.
SWITCH_INTERVAL = 0.0005


@contextlib.contextmanager
def _sharing_the_interpreter() -> Iterator[None]:
    """The interpreter handed between threads ten times as often as by default (5 ms), for the
    run: the server answers the summaries' queries in its own threads, and each waits for the
    run's thread to let go of the interpreter, once per step of its answer. Runs are one at a
    time (the store's write lock), so the interval they set is theirs alone."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, SWITCH_INTERVAL))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _items(files: list[tuple[str, bytes]]) -> Iterator[sources.Item]:
    for name, data in files:
        yield from sources.read_data(name, data, decode=False)
