"""Periods in UTC (graph/cooccurrence/periods.py): each kind's rule, checked against the stdlib's
calendar (``datetime.isocalendar`` for ISO weeks) over many instants and time zones."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from newsgraph.cooccurrence.periods import (
    KINDS,
    Period,
    PeriodCoder,
    parse_period,
    period_of,
    period_range,
)
from newsgraph.cooccurrence.window import parse_date
from newsgraph.errors import QueryError


def expected_label(instant: datetime, kind: str) -> str:
    """The rule written out again with the stdlib: the UTC calendar date, then its day, ISO
    week or month."""
    day = instant.astimezone(UTC).date()
    if kind == "day":
        return day.isoformat()
    if kind == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


def instants(count: int = 3000) -> list[str]:
    """Lexical forms over 1985–2030 in UTC, in other zones and without a zone."""
    pick = random.Random(7)
    zones = ["Z", "+00:00", "-00:00", "+05:30", "-02:00", "+14:00", "-11:00", ""]
    found = []
    for _ in range(count):
        moment = datetime(1985, 1, 1) + timedelta(seconds=pick.randrange(46 * 365 * 86400))
        fraction = pick.choice(["", ".5", ".790000"])
        found.append(moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + pick.choice(zones))
    # the edges of years and days in the zones that move them
    found += ["2019-12-29T23:30:00-02:00", "2020-12-31T23:59:59-00:30", "1987-03-31T23:30:00-02:00",
              "2021-01-01T00:30:00+01:00", "2026-01-04T23:00:00-01:00"]  # fmt: skip
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_every_instant_is_in_the_period_its_utc_date_names(kind: str) -> None:
    coder = PeriodCoder(kind)
    texts = instants()
    codes = coder.codes(texts).tolist()
    for text, code in zip(texts, codes, strict=True):
        instant = parse_date(text)
        period = Period(kind, code)
        assert period.label == expected_label(instant, kind) == period_of(instant, kind).label
        assert period.start <= instant < period.end  # half-open, instants compared
        assert period.window().admits(instant)
        assert not period.next().window().admits(instant)


def test_a_wrong_rule_would_be_caught() -> None:
    """Control: taking the local date instead of the UTC one gives another week here."""
    text = "2019-12-29T23:30:00-02:00"  # Monday 30 December in UTC: ISO week 2020-W01
    local = datetime.fromisoformat(text).date().isocalendar()
    assert f"{local[0]}-W{local[1]:02d}" == "2019-W52"
    assert PeriodCoder("week").codes([text]).tolist() == [parse_period("2020-W01").code]


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("1987-03", "1987-03-01", "1987-04-01"),
        ("1988-02", "1988-02-01", "1988-03-01"),
        ("1987-12", "1987-12-01", "1988-01-01"),
        ("1987-W11", "1987-03-09", "1987-03-16"),
        ("2020-W53", "2020-12-28", "2021-01-04"),
        ("2020-W01", "2019-12-30", "2020-01-06"),
        ("1987-03-15", "1987-03-15", "1987-03-16"),
    ],
)
def test_each_kind_has_its_documented_boundaries(label: str, start: str, end: str) -> None:
    period = parse_period(label)
    assert period.label == label
    assert period.start == datetime.combine(date.fromisoformat(start), datetime.min.time(), UTC)
    assert period.end == datetime.combine(date.fromisoformat(end), datetime.min.time(), UTC)
    assert period.last_day == date.fromisoformat(end) - timedelta(days=1)
    bounds = period.window().describe()
    assert bounds["since"] == f"{start}T00:00:00Z"
    assert bounds["until"] == f"{period.last_day.isoformat()}T23:59:59.999999Z"


@pytest.mark.parametrize("kind", KINDS)
def test_consecutive_periods_tile_time(kind: str) -> None:
    first = period_of(datetime(2019, 11, 20, tzinfo=UTC), kind)
    periods = period_range(first, first.next(80))
    assert len(periods) == 81
    for before, after in itertools.pairwise(periods):
        assert before.end == after.start and after.code == before.code + 1
        assert parse_period(after.label) == after


def test_an_instant_in_another_zone_counts_by_utc() -> None:
    minus_two = timezone(timedelta(hours=-2))
    late = datetime(1987, 3, 31, 23, 30, tzinfo=minus_two)
    assert period_of(late, "month").label == "1987-04"
    assert period_of(late.replace(tzinfo=None), "month").label == "1987-03"  # naive: UTC


@pytest.mark.parametrize("label", ["1987-13", "1987-W54", "1987-02-30", "March", "1987-3"])
def test_a_label_that_names_no_period_is_refused(label: str) -> None:
    with pytest.raises(QueryError, match="is not a period"):
        parse_period(label)


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(QueryError, match="choose one of day, week, month"):
        PeriodCoder("fortnight")
