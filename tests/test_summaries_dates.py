"""The dates the summaries read themselves (graph/store/summaries/dates.py): for every form, either
None, or exactly what the engine computes — its month label (the ``BIND`` of
``entity-mentions-per-month``) and its order of instants. The engine, asked through pyoxigraph
with the literals bound as substitutions, is the oracle; the controls show that the forms the
summaries refuse are ones the engine reads otherwise (or not at all)."""

from __future__ import annotations

import itertools

import pyoxigraph as ox
import pytest
from newsgraph.store.summaries.dates import instant, month

from tests.test_summaries_differential import BEFORE_THE_FIX, as_of

XSD = "http://www.w3.org/2001/XMLSchema#"
D, DT = ox.NamedNode(XSD + "date"), ox.NamedNode(XSD + "dateTime")
D_VAR, OTHER = ox.Variable("d"), ox.Variable("e")
#: The month label as entity-mentions-per-month computes it, and the engine's order of two dates
#: (``substitutions`` bind only projected variables, hence ``?d`` and ``?e`` in the heads).
MONTH = (
    'SELECT ?d (CONCAT(STR(YEAR(?d)), "-", IF(MONTH(?d) < 10, "0", ""), STR(MONTH(?d))) AS ?m) {}'
)
ORDER = "SELECT ?d ?e (?d < ?e AS ?less) (?d = ?e AS ?same) {}"

READ = [  # forms the summaries read
    ("2025-12-31T23:00:00-02:00", DT), ("2026-01-01T00:30:00+14:00", DT),
    ("2026-01-01T00:30:00-14:00", DT), ("2026-01-01T00:30:00+13:59", DT),
    ("2026-01-01T00:30:00.5Z", DT), ("2026-01-01T00:30:00.123456Z", DT),
    ("2024-02-29T12:00:00Z", DT), ("0987-03-01T00:00:00Z", DT), ("0001-01-01T00:00:00+14:00", DT),
    ("9999-12-31T23:59:59-14:00", DT), ("2026-01-15", D), ("2026-01-15-14:00", D),
    ("2026-01-15T10:00:00", DT),  # no zone: a month, not an instant
]  # fmt: skip
#: Forms they leave to the engine, which reads no date in them ...
NO_DATE = [
    ("2026-01-01T00:30:00+15:00", DT), ("2026-01-01T00:30:00+14:01", DT),
    ("2026-01-01T00:30:00-23:59", DT), ("2026-01-01T00:30:00+00:60", DT),
    ("２０２６-01-01T00:00:00Z", DT), ("2026-0١-01T00:00:00Z", DT), ("2026-01-0߁", D),
    ("2016-12-31T23:59:60Z", DT), ("2026-02-29T00:00:00Z", DT), (" 2026-01-01T00:00:00Z", DT),
    ("2026-01-01T00:00:00Z", ox.NamedNode(XSD + "string")),
]  # fmt: skip
#: ... or a date that Python's datetime does not hold as the engine does (a year it lacks,
#: seven decimals, the 24:00 of the next day).
BEYOND_PYTHON = [
    ("0000-01-01T00:00:00Z", DT), ("12345-01-01T00:00:00Z", DT), ("-0001-01-01T00:00:00Z", DT),
    ("2026-01-01T00:00:00.1234567Z", DT), ("2026-01-31T24:00:00Z", DT),
]  # fmt: skip
REFUSED = NO_DATE + BEYOND_PYTHON


def literal(form: tuple[str, ox.NamedNode]) -> ox.Literal:
    return ox.Literal(form[0], datatype=form[1])


def engine_month(date: ox.Literal) -> str | None:
    (row,) = ox.Store().query(MONTH, substitutions={D_VAR: date})  # type: ignore[misc]
    value = row[1]
    return None if value is None else value.value


def engine_order(first: ox.Literal, second: ox.Literal) -> tuple[str | None, str | None]:
    (row,) = ox.Store().query(ORDER, substitutions={D_VAR: first, OTHER: second})  # type: ignore[misc]
    less, same = row[2], row[3]
    return (None if less is None else less.value, None if same is None else same.value)


@pytest.mark.parametrize("form", READ + REFUSED)
def test_a_month_is_the_engines_or_none(form: tuple[str, ox.NamedNode]) -> None:
    date = literal(form)
    assert month(date) in (None, engine_month(date))
    assert (month(date) is None) is (form in REFUSED)


def test_instants_order_as_the_engine_orders_them() -> None:
    dates = [literal(form) for form in READ if instant(literal(form)) is not None]
    assert len(dates) >= 10
    for first, second in itertools.product(dates, repeat=2):
        a, b = instant(first), instant(second)
        assert a is not None and b is not None
        assert engine_order(first, second) == (str(a < b).lower(), str(a == b).lower())


@pytest.mark.parametrize("form", REFUSED)
def test_control_the_refused_forms_are_read_otherwise_by_the_engine(
    form: tuple[str, ox.NamedNode],
) -> None:
    """Why each refused form is refused: the engine reads no date in it (no month, no order
    against a date it reads), or one beyond what Python's datetime holds alike."""
    date = literal(form)
    assert instant(date) is None and month(date) is None
    valid = ox.Literal("2026-01-01T00:00:00Z", datatype=DT)
    if form in NO_DATE:
        assert engine_month(date) is None
        assert engine_order(date, valid)[0] is None  # `<` is an error: no order
    else:
        assert engine_month(date) is not None


def test_control_the_reading_before_the_fix_fails_these_tables() -> None:
    """The summaries' reading before the fix gave a month to digits of other scripts, and an
    instant to zones beyond ±14:00: the tables above catch both."""
    before = as_of(BEFORE_THE_FIX, "graph/summaries/index.py")
    wrong_months = [
        f for f in NO_DATE if before.month(literal(f)) not in (None, engine_month(literal(f)))
    ]
    assert ("２０２６-01-01T00:00:00Z", DT) in wrong_months
    assert ("2026-01-0߁", D) in wrong_months
    ordered = [f for f in NO_DATE if before.instant(literal(f)) is not None]
    assert ("2026-01-01T00:30:00+15:00", DT) in ordered  # an instant where the engine has none
