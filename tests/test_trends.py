"""Rising entities (graph/cooccurrence/trends.py, ``newsgraph trends``) on the Reuters-21578 corpus,
checked against the test's own count by SPARQL and the documented formula written out again in
plain Python (docs/cooccurrence.md#rising-entities)."""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from pathlib import Path

import pytest
from newsgraph.store import EmbeddedStore

from tests.conftest import newsgraph

MONTHS = ["1987-02", "1987-03", "1987-04", "1987-05", "1987-06", "1987-07", "1987-08", "1987-09",
          "1987-10"]  # fmt: skip
#: The test's own count: articles per entity and month, and articles with an entity per month.
ENTITY_MONTHS = """PREFIX schema: <http://schema.org/>
SELECT ?entity ?month (COUNT(DISTINCT ?article) AS ?n) WHERE {
  ?article schema:mentions ?entity ; schema:datePublished ?date .
  BIND(SUBSTR(STR(?date), 1, 7) AS ?month)
} GROUP BY ?entity ?month"""
MONTH_TOTALS = """PREFIX schema: <http://schema.org/>
SELECT ?month (COUNT(DISTINCT ?article) AS ?n) WHERE {
  ?article schema:mentions ?entity ; schema:datePublished ?date .
  BIND(SUBSTR(STR(?date), 1, 7) AS ?month)
} GROUP BY ?month"""
NOT_IN_UTC = """PREFIX schema: <http://schema.org/>
SELECT (COUNT(*) AS ?n) WHERE { ?article schema:datePublished ?date .
  FILTER(!STRENDS(STR(?date), "Z") && !STRENDS(STR(?date), "+00:00")) }"""


@pytest.fixture(scope="module")
def store(reuters_store: Path) -> Path:
    return reuters_store


@pytest.fixture(scope="module")
def counted(store: Path) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """n_x,t and N_t by SPARQL (the months as written are the UTC months: every date is in Z)."""
    with EmbeddedStore(store) as opened:
        assert opened.count(NOT_IN_UTC) == 0
        per_entity: dict[str, dict[str, int]] = defaultdict(dict)
        for row in opened.select(ENTITY_MONTHS):
            per_entity[row["entity"].value][row["month"].value] = int(row["n"].value)
        totals = {row["month"].value: int(row["n"].value) for row in opened.select(MONTH_TOTALS)}
    return dict(per_entity), totals


def oracle(per_entity: dict[str, dict[str, int]], totals: dict[str, int], *, history: int,
           min_count: int, top: int) -> dict[str, list[tuple[str, int, float]]]:  # fmt: skip
    """The documented statistic, written out again: per month, (entity, articles, score)."""
    risers: dict[str, list[tuple[str, int, float]]] = {}
    for t, month in enumerate(MONTHS):
        n_t = totals.get(month, 0)
        past = [m for m in MONTHS[max(0, t - history) : t] if totals.get(m, 0) > 0]
        if not n_t or not past:
            continue
        found = []
        for entity, months in per_entity.items():
            count = months.get(month, 0)
            if count < min_count:
                continue
            shares = [months.get(m, 0) / totals[m] for m in past]
            mean = sum(shares) / len(shares)
            variance = sum((s - mean) ** 2 for s in shares) / len(shares)
            rate = (sum(months.get(m, 0) for m in past) + 1) / (sum(totals[m] for m in past) + 2)
            score = (count / n_t - mean) / math.sqrt(variance + rate * (1 - rate) / n_t)
            if score > 0:
                found.append((entity, count, score))
        found.sort(key=lambda item: (-item[2], -item[1], item[0]))
        risers[month] = found[:top]
    return risers


def trends_csv(store: Path, *args: str) -> list[dict[str, str]]:
    result = newsgraph("trends", "--store", str(store), "--format", "csv", *args)
    assert result.returncode == 0, result.stderr.decode()
    return list(csv.DictReader(io.StringIO(result.stdout.decode())))


def by_month(rows: list[dict[str, str]]) -> dict[str, list[tuple[str, int, float]]]:
    found: dict[str, list[tuple[str, int, float]]] = defaultdict(list)
    for row in rows:
        found[row["period"]].append((row["entity"], int(row["articles"]), float(row["score"])))
    return dict(found)


@pytest.mark.parametrize(("history", "min_count", "top"), [(None, 3, 5), (2, 10, 3)])
def test_the_risers_are_those_of_the_formula_over_a_sparql_count(
    store: Path, counted: tuple[dict[str, dict[str, int]], dict[str, int]], history: int | None,
    min_count: int, top: int,
) -> None:  # fmt: skip
    per_entity, totals = counted
    args = ["--min-count", str(min_count), "--top", str(top)]
    args += ["--history", str(history)] if history else []
    rows = trends_csv(store, *args)
    assert list(rows[0])[:5] == ["period", "entity", "name", "type", "articles"]
    mine = by_month(rows)
    expected = oracle(per_entity, totals, history=history or 6, min_count=min_count, top=top)
    assert sorted(mine) == sorted(m for m, v in expected.items() if v)
    for month, risers in expected.items():
        got = mine.get(month, [])
        assert [(e, n) for e, n, _ in got] == [(e, n) for e, n, _ in risers], month
        assert all(math.isclose(a[2], b[2], rel_tol=1e-9) for a, b in zip(got, risers, strict=True))
    for row in rows:
        assert int(row["period_articles"]) == totals[row["period"]]


def test_each_months_first_riser_is_mentioned_more_than_before(
    store: Path, counted: tuple[dict[str, dict[str, int]], dict[str, int]]
) -> None:
    """The first riser of a month is in more articles than in the month with articles before
    it, and in a larger share of them than in any month before (the Reuters risers: the EC in
    March, Greenspan in June, Iran in October — in fewer articles than in March, when the month
    had eight times as many)."""
    per_entity, totals = counted
    rows = trends_csv(store, "--top", "1")
    firsts = {row["period"]: row for row in rows}
    assert firsts["1987-06"]["name"] == "Alan Greenspan" and firsts["1987-10"]["name"] == "Iran"
    for month, row in firsts.items():
        months = per_entity[row["entity"]]
        earlier = [m for m in MONTHS[: MONTHS.index(month)] if totals.get(m, 0)]
        assert months[month] > months.get(earlier[-1], 0), row["name"]
        assert all(months[month] / totals[month] > months.get(m, 0) / totals[m] for m in earlier)


def test_a_control_with_another_history_ranks_otherwise(
    counted: tuple[dict[str, dict[str, int]], dict[str, int]],
) -> None:
    """Control: the comparison above can fail — one period of history ranks other entities."""
    per_entity, totals = counted
    six = oracle(per_entity, totals, history=6, min_count=3, top=5)
    one = oracle(per_entity, totals, history=1, min_count=3, top=5)
    assert six != one


def test_since_reports_later_periods_with_the_same_scores(store: Path) -> None:
    """The past of the first reported period is read from before --since."""
    whole = by_month(trends_csv(store, "--top", "3"))
    later = by_month(trends_csv(store, "--top", "3", "--since", "1987-06", "--until", "1987-10"))
    assert sorted(later) == ["1987-06", "1987-10"]
    assert later == {month: whole[month] for month in later}


def test_a_type_keeps_its_entities_and_the_shares_of_every_article(store: Path) -> None:
    rows = trends_csv(store, "--type", "Country", "--top", "3")
    assert rows and {row["type"] for row in rows} == {"Country"}
    every = {(r["period"], r["entity"]): r for r in trends_csv(store, "--top", "0")}
    for row in rows:  # N_t is every article's, so a country scores the same with and without
        assert every[(row["period"], row["entity"])]["score"] == row["score"]


def test_an_entitys_timeline_marks_its_bursts(
    store: Path, counted: tuple[dict[str, dict[str, int]], dict[str, int]]
) -> None:
    per_entity, totals = counted
    rows = trends_csv(store, "--entity", "Iran")
    assert [row["period"] for row in rows] == MONTHS
    iran = next(e for e in per_entity if e.endswith("/iran"))
    assert [int(r["articles"]) for r in rows] == [per_entity[iran].get(m, 0) for m in MONTHS]
    assert [int(r["period_articles"]) for r in rows] == [totals.get(m, 0) for m in MONTHS]
    assert [r["period"] for r in rows if r["burst"] == "true"] == ["1987-10"]
    risers = {(r["period"], r["entity"]): r["score"] for r in trends_csv(store, "--top", "0")}
    assert risers[("1987-10", iran)] == rows[-1]["score"]  # one statistic, two views
