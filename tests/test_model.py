"""A model-based test of the whole system: sequences of real commands and processes, checked
after every step against a store built from scratch.

The steps are what users do, run as they run them: ``newsgraph serve`` started, stopped and
killed (``kill -9``); ``newsgraph ingest`` of parts of a corpus (new articles, newer versions
with other entity lists), sometimes killed part-way and run again later — or not; ``newsgraph
link``, with override files and with a reconciliation endpoint that fails; ``newsgraph load``
of a graph; ``newsgraph compact``. The invariant after every step:

* the store (its dump, quad for quad) equals the reference: a fresh store into which the inputs
  that were ingested to the end are ingested at once, relinked with the overrides last given,
  with the graphs last loaded — the model's state, built by the same commands with no server,
  no kill and no history;
* while a server runs, its endpoint gives the engine's answer on the same store for the queries
  researchers send most (the entity summaries and the result cache answer some of them).

Hypothesis draws the sequences (seeded: the same ones on every run) and, when one fails,
shrinks it to the shortest sequence of commands that shows the failure, printed as the calls
of :class:`StoreSystem`'s rules. Every sequence it ever found is kept below as a regression
case (``test_a_found_sequence``). ``NEWSGRAPH_MODEL_EXAMPLES`` runs more sequences;
``NEWSGRAPH_MODEL_LONG=1`` runs them on a store past the limits that split work (over 10,000
articles, a few thousand entities) instead of the quick one.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from newsgraph import queries
from newsgraph.ingest import ingest
from newsgraph.ingest.loader import load_file
from newsgraph.linking import relink
from newsgraph.linking.overrides import read_overrides
from newsgraph.settings import load_settings
from newsgraph.sparql import QueryRequest
from newsgraph.store import EmbeddedStore

from bench import corpus
from tests.conftest import BASE, ROOT, Server, newsgraph, start_server
from tests.test_crash_safety import _alive, _descendants

LONG = os.environ.get("NEWSGRAPH_MODEL_LONG") == "1"
#: Articles in the store the sequences start from, and in each part they ingest.
BASE_ARTICLES, PART = (12_000, 600) if LONG else (800, 80)
EXAMPLES = int(os.environ.get("NEWSGRAPH_MODEL_EXAMPLES", "12" if LONG else "6"))
STEPS = 7
PARTS = ("new-a", "new-b", "newer-base", "newer-a")
SCHEMA = "http://schema.org/"
GRAPH = "http://graphs.example/notes"
JSON = "application/sparql-results+json"


# -- the inputs ---------------------------------------------------------------------------------


@dataclass
class Inputs:
    """The files a sequence draws from, and the store every sequence starts from."""

    root: Path
    files: dict[str, Path] = field(default_factory=dict)
    overrides: dict[str, Path] = field(default_factory=dict)
    graphs: dict[str, Path] = field(default_factory=dict)
    start: Path | None = None
    references: dict[tuple[object, ...], set[str]] = field(default_factory=dict)


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _newer(rows: list[dict[str, Any]], day: str, shift: int) -> list[dict[str, Any]]:
    """Newer versions: a later ``updated_at``, another title, the entity list rotated."""
    out = []
    for row in rows:
        entities = list(row["entities"])
        entities = (
            entities[shift % max(1, len(entities)) :] + entities[: shift % max(1, len(entities))]
        )
        out.append(
            dict(row, updated_at=day, title=f"{row['title']} ({day})", entities=entities[:-1])
        )
    return out


def _make_inputs(root: Path) -> Inputs:
    inputs = Inputs(root)
    rows = list(corpus.generate(BASE_ARTICLES + 2 * PART, seed=17))
    base, new_a, new_b = rows[:BASE_ARTICLES], rows[BASE_ARTICLES:-PART], rows[-PART:]
    inputs.files = {
        "base": _jsonl(root / "base.jsonl", base),
        "new-a": _jsonl(root / "new-a.jsonl", new_a),
        "new-b": _jsonl(root / "new-b.jsonl", new_b),
        "newer-base": _jsonl(root / "newer-base.jsonl",
                             _newer(base[::7][:PART], "2027-01-02T00:00:00Z", 1)),
        "newer-a": _jsonl(root / "newer-a.jsonl", _newer(new_a[::2], "2027-02-03T00:00:00Z", 2)),
    }  # fmt: skip
    names = Counter(name for row in base for name in row["entities"]).most_common(3)
    (first, _), (second, _), (third, _) = names
    inputs.overrides = {
        "merge": _csv(root / "merge.csv", [("merge", second, first)]),
        "split-type": _csv(
            root / "split-type.csv", [("split", first, second), ("type", third, "Organization")]
        ),
    }
    inputs.graphs = {
        "one": _write(root / "one.nt", '<http://notes.example/a> <http://notes.example/p> "1" .\n'),
        "two": _write(root / "two.nt", "".join(
            f'<http://notes.example/b{i}> <http://notes.example/p> "{i}" .\n' for i in range(40))),
    }  # fmt: skip
    inputs.start = root / "start"
    _ok("ingest", "-q", "--store", str(inputs.start), str(inputs.files["base"]))
    return inputs


def _csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["action", "name", "target"])
        writer.writerows(rows)
    return path


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _ok(*args: str, timeout: float = 600) -> str:
    done = newsgraph(*args, "--base", BASE, timeout=timeout)
    assert done.returncode == 0, f"newsgraph {' '.join(args)}: {done.stderr.decode()}"
    return done.stderr.decode()


def dump(store: Path) -> set[str]:
    """What readers see of the store: every quad of its newest snapshot."""
    with EmbeddedStore(store) as reader:
        return {str(quad) for quad in reader.raw}


# -- the model's state and its reference ---------------------------------------------------------


@dataclass(frozen=True)
class Model:
    """What the store should hold: which parts were ingested to the end, the overrides last
    given, and the graph last loaded (None: none)."""

    parts: frozenset[str] = frozenset()
    overrides: str | None = None
    graph: str | None = None


def reference(inputs: Inputs, model: Model) -> set[str]:
    """The store built from scratch for ``model``, with no server (by the functions the
    commands call, in this process: the reference is built often)."""
    key = (tuple(sorted(model.parts)), model.overrides, model.graph)
    if key not in inputs.references:
        path = inputs.root / f"reference-{len(inputs.references)}"
        files = [inputs.files["base"], *(inputs.files[p] for p in PARTS if p in model.parts)]
        config = load_settings(store=str(path), base=BASE)
        with EmbeddedStore(path, write=True, base=BASE) as store:
            ingest([str(f) for f in files], store, config)
            if model.overrides:
                overrides = read_overrides(str(inputs.overrides[model.overrides]))
                relink(store, config.minter, overrides=overrides, cache_dir=path / "linking")
            if model.graph:
                load_file(store, str(inputs.graphs[model.graph]), graph=GRAPH,
                          iris=config.minter, rdf_format=ox.RdfFormat.N_TRIPLES)  # fmt: skip
        inputs.references[key] = dump(path)
        shutil.rmtree(path)
    return inputs.references[key]


# -- what researchers ask the endpoint, and the engine's own answer -------------------------------


def _questions(store: Path) -> list[str]:
    with EmbeddedStore(store) as reader:
        rows = reader.select_all(queries.load("most-mentioned-entities"))
    entities = [row["entity"].value for row in rows[:2] if "entity" in row]
    asked = [
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a a <{SCHEMA}NewsArticle> }}",
        f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?a <{SCHEMA}mentions> ?e
            FILTER NOT EXISTS {{ ?e <{SCHEMA}name> ?name }} }}""",
    ]
    for entity in entities:
        for name in ("entity-articles", "entity-mentions-per-month", "entity-comentions"):
            asked.append(queries.bind(name, {"entity": entity}))
    return asked


def _solutions(body: bytes) -> Counter[str]:
    answer = json.loads(body)
    return Counter(json.dumps(row, sort_keys=True) for row in answer["results"]["bindings"])


def engine_answer(store: Path, query: str, row_limit: int) -> Counter[str]:
    request = QueryRequest(query=query, media_types={"solutions": JSON}, row_limit=row_limit)
    with EmbeddedStore(store) as reader:
        return _solutions(reader.execute(request).body)


# -- the system under test ------------------------------------------------------------------------


class StoreSystem(RuleBasedStateMachine):
    """One store, driven by real commands; see the module's docstring."""

    inputs: Inputs

    def __init__(self) -> None:
        super().__init__()
        self.store = self.inputs.root / f"store-{time.monotonic_ns()}"
        assert self.inputs.start is not None
        shutil.copytree(self.inputs.start, self.store)
        self.model = Model()
        self.server: Server | None = None
        self.row_limit = 0
        #: Parts whose ingest was killed before it ended (they may be run again, or not).
        self.pending: set[str] = set()

    def teardown(self) -> None:
        if self.server is not None:
            self.server.stop()
        shutil.rmtree(self.store, ignore_errors=True)

    # servers
    @precondition(lambda self: self.server is None)
    @rule(row_limit=st.sampled_from([None, 200]))
    def serve(self, row_limit: int | None = None) -> None:
        """The default settings, or a row limit far below the store's size (the quick run's
        store is under the default limit of 10,000 rows; the long run's is over it)."""
        limit = () if row_limit is None else ("--row-limit", str(row_limit))
        self.server = start_server(self.store, *limit)
        self.row_limit = row_limit or load_settings().row_limit

    @precondition(lambda self: self.server is not None)
    @rule()
    def stop_server(self) -> None:
        assert self.server is not None
        self.server.stop()
        assert self.server.process.returncode in (0, -signal.SIGTERM), self.server.output()
        self.server = None

    @precondition(lambda self: self.server is not None)
    @rule()
    def kill_server(self) -> None:
        assert self.server is not None
        _kill_tree(self.server.process)
        self.server = None

    # ingests
    @rule(part=st.sampled_from(PARTS))
    def ingest(self, part: str) -> None:
        _ok("ingest", "-q", "--store", str(self.store), str(self.inputs.files[part]))
        self._ingested(part)

    @rule(part=st.sampled_from(PARTS), delay=st.sampled_from([0.0, 0.2, 0.6]))
    def ingest_killed(self, part: str, delay: float) -> None:
        process = subprocess.Popen(
            [sys.executable, "-m", "newsgraph", "ingest", "-q", "--store", str(self.store),
             "--base", BASE, "--batch-size", "50", str(self.inputs.files[part])],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if (self.store / "journal.json").exists():
                break
            time.sleep(0.005)
        time.sleep(delay)
        _kill_tree(process)
        if self.server is not None:
            # A server settles what the command left: it commits a handed run it had checked
            # the command still waited for, or rolls back; it takes a lent primary back and
            # undoes the cut unit. The journal is there until it has.
            journal = self.store / "journal.json"
            deadline = time.monotonic() + 30
            while journal.exists() and time.monotonic() < deadline:
                time.sleep(0.02)
        if process.returncode == 0:
            self._ingested(part)  # it ended before the kill
            return
        # Killed: the store is as before it, or — killed once its unit was published — after.
        held = dump(self.store)
        after = Model(self.model.parts | {part}, self.model.overrides, self.model.graph)
        if held == reference(self.inputs, after):
            self._ingested(part)
        else:
            assert held == reference(self.inputs, self.model), "neither before nor after"
            self.pending.add(part)

    @rule(part=st.sampled_from(PARTS))
    def ingest_again(self, part: str) -> None:
        """Run a killed ingest again (when ``part``'s was killed: the draw does not depend on
        what a kill left, which timing decides, so that a sequence replays alike)."""
        if part in self.pending:
            self.ingest(part)

    def _ingested(self, part: str) -> None:
        self.pending.discard(part)
        self.model = Model(self.model.parts | {part}, self.model.overrides, self.model.graph)

    # linking
    @rule()
    def link(self) -> None:
        _ok("link", "--store", str(self.store))

    @rule(which=st.sampled_from(["merge", "split-type"]))
    def link_with_overrides(self, which: str) -> None:
        path = self.inputs.overrides[which]
        _ok("link", "--store", str(self.store), "--overrides", str(path))
        self.model = Model(self.model.parts, which, self.model.graph)

    @rule()
    def link_with_a_reconciliation_that_fails(self) -> None:
        done = newsgraph("link", "--store", str(self.store), "--base", BASE,
                         "--reconcile", "http://127.0.0.1:9/sparql")  # fmt: skip
        assert done.returncode != 0
        assert done.stderr.decode().count("\n") == 1, done.stderr.decode()

    # other writes
    @rule(which=st.sampled_from(["one", "two"]))
    def load_a_graph(self, which: str) -> None:
        _ok("load", "--store", str(self.store), "--graph", GRAPH, str(self.inputs.graphs[which]))
        self.model = Model(self.model.parts, self.model.overrides, which)

    @rule()
    def compact(self) -> None:
        done = newsgraph("compact", "--store", str(self.store), "--base", BASE)
        if self.server is None:
            assert done.returncode == 0, done.stderr.decode()
        else:  # a running server compacts its own store; the command says so
            assert done.returncode == 2 and "served at" in done.stderr.decode()

    # the invariant
    @invariant()
    def the_store_is_the_reference(self) -> None:
        if self.store is None or not hasattr(self, "model"):
            return
        assert dump(self.store) == reference(self.inputs, self.model)

    @invariant()
    def the_endpoint_answers_as_the_engine(self) -> None:
        if getattr(self, "server", None) is None:
            return
        assert self.server is not None
        for query in _questions(self.store):
            reply = httpx.post(self.server.sparql, data={"query": query},
                               headers={"Accept": JSON}, timeout=120)  # fmt: skip
            assert reply.status_code == 200, reply.text
            expected = engine_answer(self.store, query, self.row_limit)
            assert _solutions(reply.content) == expected, query


def _kill_tree(process: subprocess.Popen[bytes]) -> None:
    """kill -9 a process and everything it started; wait until none of them runs."""
    started = _descendants(process.pid)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait()
    for pid in started:
        if _alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while any(_alive(pid) for pid in started) and time.monotonic() < deadline:
        time.sleep(0.05)


# -- running it ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    return _make_inputs(tmp_path_factory.mktemp("model"))


@pytest.mark.timeout(120 + 60 * EXAMPLES)
def test_sequences_of_commands_keep_the_store_right(inputs: Inputs) -> None:
    StoreSystem.inputs = inputs
    run = StoreSystem.TestCase
    run.settings = settings(
        max_examples=EXAMPLES,
        stateful_step_count=STEPS,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    run().runTest()


#: Sequences the model found, each a regression case: (rule, arguments) in order.
FOUND: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "ingest-through-a-server": [("serve", {"row_limit": 200}), ("ingest", {"part": "new-a"})],
    "relink-through-a-server-then-a-failed-reconcile": [
        ("serve", {"row_limit": 200}), ("link", {}), ("link_with_a_reconciliation_that_fails", {}), ("link", {}),
        ("stop_server", {}), ("link", {}),
    ],
    "a-replacing-ingest-killed-then-another-writer": [
        ("ingest_killed", {"part": "newer-base", "delay": 0.2}), ("link", {}),
        ("load_a_graph", {"which": "one"}),
    ],
    "a-killed-borrower-under-a-server": [
        ("serve", {}), ("ingest_killed", {"part": "newer-base", "delay": 0.2}),
        ("ingest", {"part": "new-b"}), ("ingest_again", {"part": "newer-base"}),
    ],
    "a-killed-server-then-overrides": [
        ("serve", {}), ("kill_server", {}), ("link_with_overrides", {"which": "merge"}),
        ("ingest", {"part": "newer-a"}), ("serve", {}), ("compact", {}),
    ],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(FOUND))
def test_a_found_sequence(inputs: Inputs, name: str) -> None:
    StoreSystem.inputs = inputs
    system = StoreSystem()
    try:
        for rule_name, arguments in [("check", {}), *FOUND[name]]:
            if rule_name != "check":
                getattr(system, rule_name)(**arguments)
            system.the_store_is_the_reference()
            system.the_endpoint_answers_as_the_engine()
    finally:
        system.teardown()
