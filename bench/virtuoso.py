"""A private Virtuoso for the remote benchmark: on loopback, in a directory of its own, set up
for the size measured (``docs/REMOTE.md``, "Virtuoso at a million articles").

Needs ``virtuoso-t`` and ``isql-vt`` (Debian ``virtuoso-opensource``). The configuration is the
packaged one with the database moved, the ports on loopback, the page buffers sized for the
store, answers uncapped (``ResultSetMaxRows``) and a staging directory for newsgraph's bulk path
and the bulk loader in ``DirsAllowed``.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.measure import free_port

__all__ = ["Virtuoso", "buffers_for", "running"]

INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
PASSWORD = "bench-only"


def buffers_for(articles: int) -> tuple[int, int]:
    """``NumberOfBuffers`` and ``MaxDirtyBuffers`` (8 KiB pages) for a store of ``articles``:
    about 20 KiB of pages per article, as Virtuoso's table of sizes advises (two thirds of the
    memory given to it), within 2–8 GiB."""
    pages = min(max(articles * 3, 250_000), 1_000_000)
    return pages, pages * 3 // 4


@dataclass
class Virtuoso:
    directory: Path
    http_port: int
    sql_port: int
    process: subprocess.Popen[bytes]

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def staging(self) -> Path:
        return self.directory / "stage"

    @property
    def env(self) -> dict[str, str]:
        return {"NEWSGRAPH_STORE": self.query_url, "NEWSGRAPH_STORE_USER": "dba",
                "NEWSGRAPH_STORE_PASSWORD": PASSWORD,
                "NEWSGRAPH_STORE_STAGING": str(self.staging)}  # fmt: skip

    def isql(self, statements: str, password: str = PASSWORD) -> str:
        """Run SQL statements through ``isql-vt`` (on stdin: no password in the process list)."""
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", password],
            input=statements.encode(), capture_output=True, check=False,
        )  # fmt: skip
        out = done.stdout.decode(errors="replace")
        if done.returncode or "*** Error" in out:
            raise RuntimeError(f"isql: {out[-500:]}")
        return out

    def peak_memory(self) -> int:
        """The server's peak resident memory so far, in bytes (Linux)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        return int(found.group(1)) * 1024 if found else 0


@contextmanager
def running(
    directory: Path, articles: int, cores: Collection[int] | None = None
) -> Iterator[Virtuoso]:
    """A new Virtuoso whose database lives in ``directory``, stopped on leaving; on ``cores``
    only, where given (every thread it starts)."""
    if not shutil.which("virtuoso-t") or not shutil.which("isql-vt"):
        raise SystemExit("Virtuoso is not installed (Debian: virtuoso-opensource)")
    (directory / "db").mkdir(parents=True)
    (directory / "stage").mkdir()
    sql_port, http_port = free_port(), free_port()
    buffers, dirty = buffers_for(articles)
    text = INI.read_text().replace("/var/lib/virtuoso-opensource-7/db", str(directory / "db"))
    text = re.sub(r"(?m)^ServerPort\s*=.*$", f"ServerPort = 127.0.0.1:{sql_port}", text, count=1)
    head, _, tail = text.partition("[HTTPServer]")
    tail = re.sub(r"(?m)^ServerPort\s*=.*$", f"ServerPort = 127.0.0.1:{http_port}", tail, count=1)
    text = head + "[HTTPServer]" + tail
    for key, value in (("NumberOfBuffers", buffers), ("MaxDirtyBuffers", dirty),
                       ("ResultSetMaxRows", 100_000_000), ("MaxQueryExecutionTime", 0),
                       ("MaxQueryCostEstimationTime", 0)):  # fmt: skip
        text = re.sub(rf"(?m)^{key}\s*=.*$", f"{key} = {value}", text)
    text = re.sub(r"(?m)^DirsAllowed\s*=.*$", f"\\g<0>, {directory / 'stage'}", text)
    (directory / "virtuoso.ini").write_text(text)
    log = (directory / "virtuoso.out").open("wb")
    process = subprocess.Popen(
        ["virtuoso-t", "+foreground", "+configfile", str(directory / "virtuoso.ini")],
        cwd=directory / "db", stdout=log, stderr=subprocess.STDOUT,
        preexec_fn=functools.partial(os.sched_setaffinity, 0, set(cores)) if cores else None,
    )  # fmt: skip
    server = Virtuoso(directory, http_port, sql_port, process)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                reply = httpx.get(server.query_url, params={"query": "ASK {}"}, timeout=2)
                if reply.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"Virtuoso did not start (log: {directory / 'virtuoso.out'})")
            time.sleep(0.5)
        for _ in range(20):  # the dba account is ready a little after HTTP
            try:
                server.isql(f"USER_SET_PASSWORD('dba', '{PASSWORD}');", password="dba")
                break
            except RuntimeError:
                time.sleep(1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(120)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
