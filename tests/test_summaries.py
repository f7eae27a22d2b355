"""The summaries answer exactly as the engine does (rows, order, duplicates, datatypes, LIMIT), or
decline; they are never read for a snapshot other than their own; the endpoint answers the same
JSON with them and without them, before and after a write."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from newsgraph import queries
from newsgraph.sparql import QueryRequest, execute, results
from newsgraph.store.embedded import EmbeddedStore
from newsgraph.store.summaries import SummaryKeeper, build
from newsgraph.store.summaries.keeper import snapshot_tag
from newsgraph.store.summaries.shapes import SHAPES

from tests.conftest import BASE, REUTERS, Server, newsgraph, sample_store, shared_file

S = "http://schema.org/"
E = BASE + "entity/"
A = BASE + "article/"
DT = "^^<http://www.w3.org/2001/XMLSchema#dateTime>"
FORMATS = (results.JSON, results.XML, results.CSV, results.TSV)


def article(slug: str, date: str, *entities: str, graph: bool = True) -> str:
    """N-Quads of one article graph (or of the article in the default graph)."""
    iri = f"<{A}{slug}>"
    where = iri if graph else ""
    lines = [f'{iri} <{S}headline> "{slug.title()}" {where} .',
             f'{iri} <{S}datePublished> "{date}"{DT} {where} .']  # fmt: skip
    lines += [f"{iri} <{S}mentions> <{E}{entity}> {where} ." for entity in entities]
    return "\n".join(lines) + "\n"


def names(**given: str) -> str:
    graph = f"<{BASE}graph/entities>"
    return "".join(f'<{E}{key}> <{S}name> "{value}" {graph} .\n' for key, value in given.items())


#: Regular articles, ties in date (then ordered by IRI), and an entity without a name.
REGULAR = (
    article("a1", "2026-01-02T03:04:05Z", "kz", "coe", "un")
    + article("a2", "2026-01-02T03:04:05Z", "kz", "un")
    + article("a3", "2025-12-31T23:00:00-02:00", "kz", "coe", "nameless")
    + article("a4", "2024-02-29T12:00:00.5+05:30", "coe", "un", "nameless")
    + article("a5", "2025-06-01T00:00:00Z", "kz", "un", graph=False)  # the default graph
    + names(kz="Kazakhstan", coe="Council of Europe", un="United Nations")
)
#: What the engine orders in ways the query does not fix, or that the summaries do not read.
AWKWARD = (
    article("b1", "2026-03-01T00:00:00Z", "two-headlines")
    + f'<{A}b1> <{S}headline> "Another headline" <{A}b1> .\n'
    + article("b2", "2026-03-01T00:00:00", "local-time")  # no time zone
    + article("b3", "2026-03-01T01:00:00+01:00", "spelled-twice")  # = b8's instant
    + article("b8", "2026-03-01T00:00:00Z", "spelled-twice-too")
    + article("b4", "2026-03-02T00:00:00Z", "named-twice-friend", "named-twice")
    + names(**{"named-twice": "One"})
    + f'<{E}named-twice> <{S}name> "Two" <{BASE}graph/terms> .\n'
    + f"_:x <{S}mentions> <{E}blank-friend> <{A}b5> .\n"
    + f'<{A}b6> <{S}mentions> "a literal" <{A}b6> .\n'
    + article("b6", "2026-03-03T00:00:00Z", "literal-friend")
    # the same mention stated in two graphs: the union yields its rows twice
    + article("b7", "2026-03-04T00:00:00Z", "twice", "kz")
    + f"<{A}b7> <{S}mentions> <{E}twice> <{BASE}graph/other> .\n"
)


def loaded(path: Path, nquads: str) -> EmbeddedStore:
    store = EmbeddedStore(path, write=True, base=BASE)
    store.load(nquads.encode(), ox.RdfFormat.N_QUADS)
    return store


def compare(store: EmbeddedStore, keeper: SummaryKeeper, entities: list[str]) -> set[str]:
    """Check every answer the summaries give against the engine's; the (query, entity) pairs
    they declined."""
    declined = set()
    for name in SHAPES:
        for entity in entities:
            for media_type in FORMATS:
                request = QueryRequest(
                    queries.bind(name, {"entity": entity}),
                    media_types={"solutions": media_type, "boolean": None, "graph": None},
                )
                fast = keeper.answer(request, snapshot_tag(store))
                if fast is None:
                    declined.add(f"{name} {entity.removeprefix(E)}")
                    continue
                plain = execute(store.raw, request)
                assert (fast.body, fast.rows, fast.truncated) == (
                    plain.body,
                    plain.rows,
                    plain.truncated,
                ), (name, entity, media_type)
    return declined


def keeper_of(store: EmbeddedStore) -> SummaryKeeper:
    keeper = SummaryKeeper(store.path)
    keeper.build_now()
    return keeper


def test_regular_answers_are_the_engines(tmp_path: Path) -> None:
    with loaded(tmp_path / "store", REGULAR) as store:
        keeper = keeper_of(store)
        entities = [E + e for e in ("kz", "coe", "un", "nameless", "never-mentioned")]
        assert compare(store, keeper, entities) == set()


def test_awkward_entities_are_left_to_the_engine(tmp_path: Path) -> None:
    with loaded(tmp_path / "store", REGULAR + AWKWARD) as store:
        keeper = keeper_of(store)
        summaries = keeper.current
        assert summaries is not None
        declined = compare(store, keeper, list(summaries.entity_ids))
    assert declined == {
        "entity-articles two-headlines",
        "entity-articles local-time",
        "entity-articles spelled-twice",
        "entity-articles spelled-twice-too",
        "entity-articles blank-friend",
        "entity-comentions blank-friend",
        "entity-comentions literal-friend",
        "entity-comentions named-twice-friend",
        "entity-mentions-per-month blank-friend",
    }


def test_an_iri_pyoxigraph_will_not_make_leaves_the_answer_to_the_engine(tmp_path: Path) -> None:
    """A leniently parsed write (``replace_graphs_nquads``, as ingest writes) may store an IRI
    that pyoxigraph refuses to make again: the summaries cannot write a row holding it, so they
    decline, and the engine gives the answer it has."""
    odd = f"<{A}o1> <{S}mentions> <http://x.example/%zz> <{A}o1> .\n"
    with loaded(tmp_path / "store", REGULAR) as store:
        written = article("o1", "2027-01-01T00:00:00Z", "kz") + odd
        store.replace_graphs_nquads([A + "o1"], written.encode())
        keeper = keeper_of(store)
        request = QueryRequest(queries.bind("entity-comentions", {"entity": E + "kz"}))
        assert b"%zz" in execute(store.raw, request).body  # the control: the engine has it
        declined = compare(store, keeper, [E + e for e in ("kz", "coe", "un")])
    assert declined == {"entity-comentions kz"}


def dated(slug: str, literal: str, *entities: str) -> str:
    """An article whose date is written as given (any N-Quads literal)."""
    iri = f"<{A}{slug}>"
    lines = [f'{iri} <{S}headline> "{slug}" {iri} .', f"{iri} <{S}datePublished> {literal} {iri} ."]
    lines += [f"{iri} <{S}mentions> <{E}{entity}> {iri} ." for entity in entities]
    return "\n".join(lines) + "\n"


XD = "^^<http://www.w3.org/2001/XMLSchema#date>"
#: Dates as the month query reads them: zones that cross a month, dates without a time, early
#: years, and forms the summaries leave to the engine (ill-formed, or not a date at all).
MONTHS = (
    dated("c1", f'"2025-12-31T23:00:00-02:00"{DT}', "zoned", "busy")
    + dated("c2", f'"2026-01-01T00:30:00+14:00"{DT}', "zoned", "busy")
    + dated("c3", f'"2026-01-15"{XD}', "date-only", "busy")
    + dated("c4", f'"0987-03-01T00:00:00Z"{DT}', "early", "busy")
    + dated("c5", f'"2026-01-02T00:00:00.123456Z"{DT}', "busy")
    + dated("c6", f'"2026-02-30T00:00:00Z"{DT}', "ill-formed", "busy")
    + dated("c7", '"2026-01-03"', "plain-string")
    + dated("c8", f'"2026-01-04T24:00:00Z"{DT}', "midnight")  # the store reads 01-05T00:00
    + dated("c9", f'"2026-01-05T00:00:00.1234567Z"{DT}', "long-fraction")
    + dated("c10", f'"2026-01-06T00:00:00Z"{DT}', "two-dates")
    + f'<{A}c10> <{S}datePublished> "2026-02-06T00:00:00Z"{DT} <{A}c10> .\n'
    + f"<{A}c11> <{S}mentions> <{E}undated> <{A}c11> .\n"
)


def test_months_are_the_engines_or_left_to_it(tmp_path: Path) -> None:
    with loaded(tmp_path / "store", MONTHS) as store:
        keeper = keeper_of(store)
        summaries = keeper.current
        assert summaries is not None
        declined = compare(store, keeper, list(summaries.entity_ids))
        answered = summaries.entity_months(E + "zoned", None)
    assert {d for d in declined if d.startswith("entity-mentions-per-month")} == {
        "entity-mentions-per-month busy",
        "entity-mentions-per-month ill-formed",
        "entity-mentions-per-month plain-string",
        "entity-mentions-per-month long-fraction",
        "entity-mentions-per-month two-dates",
    }
    assert answered is not None
    assert [(month.value, count.value) for month, count in answered] == [  # type: ignore[union-attr]
        ("2025-12", "1"),
        ("2026-01", "1"),
    ]


def test_limits_and_the_row_limit(tmp_path: Path) -> None:
    many = "".join(
        article(f"m{i:03d}", f"2026-01-{1 + i % 28:02d}T00:00:00Z", "busy", f"e{i:03d}")
        for i in range(130)
    )
    with loaded(tmp_path / "store", many) as store:
        keeper = keeper_of(store)
        assert compare(store, keeper, [E + "busy", E + "e007"]) == set()
        request = QueryRequest(queries.bind("entity-articles", {"entity": E + "busy"}), row_limit=7)
        fast = keeper.answer(request, snapshot_tag(store))
        assert fast is not None and (fast.rows, fast.truncated) == (7, True)
        assert fast.body == execute(store.raw, request).body


def test_summaries_of_another_snapshot_are_never_used(tmp_path: Path) -> None:
    with loaded(tmp_path / "store", REGULAR) as store:
        keeper = keeper_of(store)
        before = store.generation
        request = QueryRequest(queries.bind("entity-articles", {"entity": E + "kz"}))
        store.load(article("a9", "2027-01-01T00:00:00Z", "kz").encode(), ox.RdfFormat.N_QUADS)
        assert store.generation != before
        assert keeper.answer(request, snapshot_tag(store)) is None  # stale: the engine answers
        keeper.build_now()
        fast = keeper.answer(request, snapshot_tag(store))
        assert fast is not None and fast.body == execute(store.raw, request).body
        assert f"{A}a9".encode() in fast.body


def test_build_reads_a_snapshot(tmp_path: Path) -> None:
    with loaded(tmp_path / "store", REGULAR) as store:
        generation = store.generation
    with EmbeddedStore(tmp_path / "store") as reader:
        summaries = build(reader.raw, snapshot_tag(reader))
    assert summaries.generation is not None and summaries.generation.startswith(f"{generation}.")
    assert sorted(summaries.entity_ids) == sorted(E + e for e in ("kz", "coe", "un", "nameless"))


# -- a real corpus ----------------------------------------------------------------------------


@pytest.mark.slow
def test_every_entity_of_a_corpus_after_a_reingest(tmp_path: Path) -> None:
    """Reuters-21578 (a part): every entity, both queries, four formats; then a re-ingest that
    changes dates and mentions, and every entity again."""
    lines = shared_file(REUTERS).read_text().splitlines()[:1500]
    first = tmp_path / "first.jsonl"
    first.write_text("\n".join(lines) + "\n")
    store_path = tmp_path / "store"
    done = newsgraph("ingest", "--quiet", "--store", str(store_path), "--base", BASE, str(first))
    assert done.returncode == 0, done.stderr.decode()
    with EmbeddedStore(store_path) as store:
        keeper = keeper_of(store)
        assert keeper.current is not None and len(keeper.current.entity_ids) > 50
        assert compare(store, keeper, list(keeper.current.entity_ids)) == set()
    changed = []
    for line in lines[:300]:
        record = json.loads(line)
        record["published_at"] = "2030-06-01 00:00:00+00:00"
        record["updated_at"] = "2030-06-02 00:00:00+00:00"
        record["entities"] = [*record.get("entities", []), "Atlantis"]
        changed.append(json.dumps(record))
    second = tmp_path / "second.jsonl"
    second.write_text("\n".join(changed) + "\n")
    done = newsgraph("ingest", "--quiet", "--store", str(store_path), "--base", BASE, str(second))
    assert done.returncode == 0, done.stderr.decode()
    with EmbeddedStore(store_path) as store:
        assert keeper.answer(QueryRequest(queries.bind("entity-articles", {"entity": E})),
                             snapshot_tag(store)) is None  # fmt: skip
        keeper.build_now()
        assert keeper.current is not None
        assert any("atlantis" in iri for iri in keeper.current.entity_ids)
        assert compare(store, keeper, list(keeper.current.entity_ids)) == set()


# -- through the endpoint ---------------------------------------------------------------------


_REQUESTS = itertools.count()


def answers(server_url: str, name: str, entity: str) -> tuple[dict[str, object], str]:
    response = httpx.get(
        server_url + "sparql",
        # a distinct comment each time, so that no answer comes from the server's result cache
        params={"query": queries.bind(name, {"entity": entity}) + f"\n# {next(_REQUESTS)}"},
        headers={"Accept": results.JSON},
        timeout=60,
    )
    response.raise_for_status()
    return response.json(), response.headers.get("server-timing", "")


def summarised(server_url: str, name: str, entity: str) -> dict[str, object]:
    """The answer once the server gives it from its summaries (they build in the background)."""
    deadline = time.monotonic() + 60
    while True:
        body, timing = answers(server_url, name, entity)
        if timing.startswith("summaries"):
            return body
        assert time.monotonic() < deadline, "the summaries never answered"
        time.sleep(0.2)


MENTIONED = f"SELECT DISTINCT ?e WHERE {{ ?a <{S}mentions> ?e }} ORDER BY ?e"
TOKEN = "summaries-test-token"


def test_the_endpoint_answers_the_same_with_and_without_summaries(
    tmp_path: Path, serve: Callable[..., Server], sample_template: Path
) -> None:
    # one server per store: two copies of the sample, written alike
    writable = {"NEWSGRAPH_UPDATE_TOKEN": TOKEN}
    fast = serve(sample_store(tmp_path / "fast", sample_template), "--allow-update", env=writable)
    plain = serve(
        sample_store(tmp_path / "plain", sample_template),
        "--allow-update",
        env={**writable, "NEWSGRAPH_QUERY_SUMMARIES": "false"},
    )
    listed = httpx.get(fast.sparql, params={"query": MENTIONED}, timeout=30).json()
    entities = [row["e"]["value"] for row in listed["results"]["bindings"]]
    assert len(entities) >= 3

    def same_everywhere() -> None:
        for name in SHAPES:
            for entity in entities:
                expected, timing = answers(plain.url, name, entity)
                assert not timing.startswith("summaries")
                assert summarised(fast.url, name, entity) == expected, (name, entity)

    same_everywhere()
    kz = entities[0]
    insert = (
        f'INSERT DATA {{ GRAPH <{A}new> {{ <{A}new> <{S}headline> "New" ; '
        f'<{S}datePublished> "2031-01-01T00:00:00Z"{DT} ; <{S}mentions> <{kz}> , <{E}brand-new> }} }}'
    )
    for server in (fast, plain):
        written = httpx.post(server.sparql, data={"update": insert}, timeout=30,
                             headers={"Authorization": f"Bearer {TOKEN}"})  # fmt: skip
        assert written.status_code == 204, written.text
    entities.append(E + "brand-new")
    same_everywhere()
    newest = summarised(fast.url, "entity-articles", kz)["results"]["bindings"]  # type: ignore[index]
    assert newest[0]["article"]["value"] == A + "new"
