"""Time over HTTP against a real server on the small corpus of tests/cooccur_corpus.py:
``/api/trends`` gives the rows of ``newsgraph trends --format json``; the ``/trends`` page lists
them with sparklines linking to entity pages; ``/api/cooccurrence?period=`` carries each period's
counts of what it shows; the network page's period slider shows one month's edges (Chromium);
entity pages mark their bursts."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from newsgraph.cooccurrence.periods import parse_period

from tests.browser import launch_chromium, require_vendor
from tests.conftest import BASE, Server, newsgraph, start_server
from tests.cooccur_corpus import build_store, dataset, independent_counts


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("trends-http"))


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[Server]:
    running = start_server(store)
    yield running
    running.stop()


def cli_json(store: Path, *args: str) -> list[dict[str, object]]:
    result = newsgraph("trends", "--store", str(store), "--format", "json", *args)
    assert result.returncode == 0, result.stderr.decode()
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


@pytest.mark.parametrize("args", [{"top": "3", "min_count": "1"},
                                  {"period": "week", "top": "2", "min_count": "1", "history": "4"}])  # fmt: skip
def test_the_api_gives_the_commands_rows(server: Server, store: Path, args: dict[str, str]) -> None:
    answer = httpx.get(server.url + "api/trends", params=args, timeout=60)
    assert answer.status_code == 200
    document = answer.json()
    flags = [item for key, value in args.items()
             for item in (f"--{key.replace('_', '-')}", value)]  # fmt: skip
    expected = cli_json(store, *flags)
    assert expected, "the corpus has risers"
    assert [{k: v for k, v in row.items() if k != "series"} for row in document["rows"]] == expected
    labels = document["series_periods"]
    for row in document["rows"]:  # the series is the entity's articles in every period counted
        assert len(row["series"]) == len(labels)
        assert row["series"][labels.index(row["period"])] == row["articles"]


def test_the_page_lists_risers_with_sparklines_linking_to_entity_pages(server: Server,
                                                                       store: Path) -> None:  # fmt: skip
    page = httpx.get(server.url + "trends", params={"top": "3", "min_count": "1"}, timeout=60)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    html = page.text
    rows = cli_json(store, "--top", "3", "--min-count", "1")
    items = re.findall(r'<li data-entity="([^"]+)"><a href="([^"]+)">', html)
    assert sorted(items) == sorted(
        (str(r["entity"]), str(r["entity"])[len(BASE) - 1 :]) for r in rows
    )
    assert html.count('<svg class="sparkline"') == len(rows) > 0
    assert re.search(r'<polyline points="(\d+\.\d,\d+\.\d ?)+"/>', html)
    assert '<a href="/trends">Trends</a>' in html  # the site's nav
    first_link = items[0][1]
    assert httpx.get(server.url + first_link.lstrip("/"), timeout=30).status_code == 200


def test_an_entitys_timeline_and_its_page_mark_the_same_bursts(server: Server) -> None:
    answer = httpx.get(server.url + "api/trends", params={"entity": "Tokayev", "min_count": "1",
                                                          "history": "1"}, timeout=60)  # fmt: skip
    assert answer.status_code == 200
    periods = answer.json()["periods"]
    assert [p["period"] for p in periods] == [f"2025-0{m}" for m in range(1, 7)]
    page = httpx.get(server.url + "entity/tokayev", timeout=60).text
    bursts = re.findall(r'<span class="burst" data-period="([^"]+)"', page)
    default = httpx.get(server.url + "api/trends", params={"entity": "Tokayev"}, timeout=60).json()
    assert bursts == [p["period"] for p in default["periods"] if p["burst"]]


@pytest.mark.parametrize(
    ("params", "status"),
    [({"period": "fortnight"}, 400), ({"top": "-1"}, 400), ({"since": "2025-99"}, 400),
     ({"entity": "Nobody"}, 404)],
)  # fmt: skip
def test_mistakes_answer_in_the_one_error_shape(server: Server, params: dict[str, str],
                                                status: int) -> None:  # fmt: skip
    answer = httpx.get(server.url + "api/trends", params=params, timeout=30)
    assert answer.status_code == status
    body = answer.json()
    assert body["status"] == status and body["error"] and body["message"]


def test_the_network_api_carries_each_periods_counts(server: Server, store: Path) -> None:
    answer = httpx.get(server.url + "api/cooccurrence", params={"top": "5", "period": "month"},
                       timeout=60).json()  # fmt: skip
    from newsgraph.store import EmbeddedStore

    with EmbeddedStore(store) as opened:
        quads = dataset(opened)
    shown = {(e["source"], e["target"]) for e in answer["edges"]}
    assert [p["period"] for p in answer["periods"]] == [f"2025-0{m}" for m in range(1, 7)]
    for period in answer["periods"]:
        window = parse_period(period["period"])
        n, singles, pairs = independent_counts(quads, window.start, window.window().until)
        assert period["articles"] == n
        assert {(x, y): c for x, y, c in period["edges"]} == {
            pair: pairs[pair] for pair in shown if pairs[pair]}  # fmt: skip
        assert period["nodes"] == {e: singles[e] for e in period["nodes"]}


def slide(page: object, position: int) -> None:
    """Move the slider as a user does: its value, then its input event."""
    script = "(el, value) => { el.value = String(value); el.dispatchEvent(new Event('input')); }"
    page.eval_on_selector("#period-slider", script, position)  # type: ignore[attr-defined]


def test_the_network_pages_slider_shows_one_periods_edges(server: Server) -> None:
    require_vendor("cytoscape")
    data = httpx.get(server.url + "api/cooccurrence", params={"top": "30", "period": "month"},
                     timeout=60).json()  # fmt: skip
    errors: list[str] = []
    with launch_chromium() as browser:
        page = browser.new_page(viewport={"width": 1100, "height": 760})
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(server.url + "network?top=30&period=month")
        page.wait_for_function("window.newsgraphNetwork !== undefined")
        visible = (
            "window.newsgraphNetwork.edges().filter(e => e.style('display') !== 'none').length"
        )
        assert page.evaluate(visible) == len(data["edges"])
        for position, period in enumerate(data["periods"], start=1):
            slide(page, position)
            assert page.evaluate(visible) == len(period["edges"]), period["period"]
            assert period["period"] in page.inner_text("#period-label")
        assert any(len(p["edges"]) < len(data["edges"]) for p in data["periods"]), "control"
        slide(page, 0)
        assert page.evaluate(visible) == len(data["edges"])
    assert errors == []


def test_the_network_forms_empty_period_is_the_whole_window(server: Server) -> None:
    """The page's form sends ``period=`` when no period is chosen: the whole window, no slider."""
    page = httpx.get(server.url + "network", params={"top": "5", "period": ""}, timeout=60)
    assert page.status_code == 200 and 'id="period-slider"' not in page.text
    assert httpx.get(server.url + "api/cooccurrence", params={"period": "year"},
                     timeout=30).status_code == 400  # fmt: skip
