"""Every per-period count equals the single-window count of that period, on Reuters-21578: every
month, ISO week and day, counted in one pass (graph/cooccurrence/periodcounts.py) against
``count_window`` of the period's own window (both counting paths), and the command's rows per
month against the single-window command."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from newsgraph.cli import main
from newsgraph.cooccurrence import count_window
from newsgraph.cooccurrence.periodcounts import count_periods
from newsgraph.cooccurrence.window import Window
from newsgraph.store import EmbeddedStore

from tests.conftest import BASE


@pytest.fixture(scope="module")
def store(reuters_store: Path) -> Path:
    return reuters_store


@pytest.mark.parametrize("kind", ["month", "week", "day"])
def test_every_period_equals_its_single_window(store: Path, kind: str) -> None:
    with EmbeddedStore(store) as opened:
        counted = count_periods(opened, Window(), kind)
        whole = count_window(opened, Window())
        assert int(counted.articles.sum()) == whole.articles == 4104
        checked = 0
        for index, period in enumerate(counted.periods):
            mine = counted.counts(index)
            methods = ("stream", "sparql") if kind == "month" else ("stream",)
            for method in methods:
                single = count_window(opened, period.window(), method=method)
                assert (mine.articles, mine.entities, dict(mine.pairs)) == (
                    single.articles, single.entities, dict(single.pairs)), period.label  # fmt: skip
            checked += mine.articles > 0
        assert checked > {"month": 4, "week": 12, "day": 50}[kind]
        # the periods' counts add up to the whole window's
        summed: dict[str, int] = {}
        for index in range(len(counted.periods)):
            for entity, count in counted.counts(index).entities.items():
                summed[entity] = summed.get(entity, 0) + count
        assert summed == whole.entities


def test_a_topic_and_a_type_restrict_each_period_as_they_restrict_a_window(store: Path) -> None:
    base = Window(topic=BASE + "topic/crude", entity_type="http://schema.org/Country")
    with EmbeddedStore(store) as opened:
        counted = count_periods(opened, base, "month")
        assert 0 < int(counted.articles.sum()) < 4104
        for index, period in enumerate(counted.periods):
            mine, single = counted.counts(index), count_window(opened, period.window(base))
            assert (mine.articles, mine.entities, dict(mine.pairs)) == (
                single.articles, single.entities, dict(single.pairs))  # fmt: skip


def test_the_commands_rows_per_month_are_the_single_window_commands(
    store: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    def rows(*args: str) -> list[dict[str, str]]:
        with pytest.raises(SystemExit) as exit_info:
            main(["cooccur", "--store", str(store), "--format", "csv", "--min-count", "2", *args])
        assert exit_info.value.code in (0, None)
        return list(csv.DictReader(io.StringIO(capsysbinary.readouterr().out.decode())))

    per_month = rows("--period", "month")
    months = sorted({row["period"] for row in per_month})
    assert months == ["1987-02", "1987-03", "1987-04", "1987-06", "1987-10"]
    from newsgraph.cooccurrence.periods import parse_period

    for label in months:
        bounds = parse_period(label).window().describe()
        single = rows("--since", bounds["since"], "--until", bounds["until"])
        assert [{k: v for k, v in r.items() if k != "period"} for r in per_month
                if r["period"] == label] == single  # fmt: skip
