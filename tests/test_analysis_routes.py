"""Co-occurrence over HTTP (api/routes/analysis.py), against a real server process; the network
page in a real headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from newsgraph.cooccurrence import count_ego, pair_months
from newsgraph.cooccurrence.network import NetworkOptions, build_network
from newsgraph.cooccurrence.timeseries import monthly_series
from newsgraph.cooccurrence.window import Window, parse_bound
from newsgraph.ingest import ingest
from newsgraph.settings import Settings
from newsgraph.store import EmbeddedStore

from tests.browser import launch_chromium, require_vendor
from tests.conftest import BASE, Server, record, start_server, write_jsonl
from tests.cooccur_corpus import build_store

KAZ = BASE + "entity/kazakhstan"
RUSSIA = BASE + "entity/russia"
HOSTILE = '<img src=x onerror="alert(1)"> & </script> Co'


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("analysis-routes")
    path = build_store(root)
    extra = write_jsonl(root / "hostile.jsonl", [
        record("hostile", published_at="2025-02-03T10:00:00Z", entities=[HOSTILE, "Kazakhstan"]),
    ])  # fmt: skip
    settings = Settings(store=str(path), base=BASE)
    with EmbeddedStore(path, write=True, base=BASE) as opened:
        ingest([str(extra)], opened, settings)
    return path


@pytest.fixture(scope="module")
def server(store_path: Path) -> Iterator[Server]:
    running = start_server(store_path)
    yield running
    running.stop()


def get(server: Server, path: str, **params: Any) -> httpx.Response:
    return httpx.get(server.url + path, params=params, timeout=60)


def test_neighbours_equal_the_ego_counts(server: Server, store_path: Path) -> None:
    body = get(server, "api/cooccurrence/neighbours", entity="Kazakhstan", since="2025-02",
               weight="npmi", top=4).json()  # fmt: skip
    window = Window(since=parse_bound("2025-02"))
    with EmbeddedStore(store_path) as opened:
        counts = count_ego(opened, KAZ, window)
    assert body["entity"] == KAZ and body["name"] == "Kazakhstan"
    assert body["articles"] == counts.articles and body["entity_articles"] == counts.entities[KAZ]
    assert len(body["neighbours"]) == 4
    for row in body["neighbours"]:
        pair = tuple(sorted((KAZ, row["entity"])))
        assert row["count"] == counts.pairs[pair]  # type: ignore[index]
        assert row["articles"] == counts.entities[row["entity"]]
    npmis = [row["npmi"] for row in body["neighbours"]]
    assert npmis == sorted(npmis, reverse=True)


def test_a_pairs_months(server: Server, store_path: Path) -> None:
    body = get(server, "api/cooccurrence/pair", source=KAZ, target="russia").json()
    with EmbeddedStore(store_path) as opened:
        expected = monthly_series(pair_months(opened, KAZ, RUSSIA, Window()))
    assert body["months"] == expected and body["total"] == sum(r["count"] for r in expected)
    assert (body["source_name"], body["target_name"]) == ("Kazakhstan", "Russia")


def test_the_network_json(server: Server, store_path: Path) -> None:
    body = get(server, "api/cooccurrence", entity=KAZ, top=5).json()
    with EmbeddedStore(store_path) as opened:
        network = build_network(opened, NetworkOptions(entity=KAZ, top=5))
    assert [(e["source"], e["target"], e["count"]) for e in body["edges"]] == [
        (e.source, e.target, e.count) for e in network.edges]  # fmt: skip
    assert {n["entity"] for n in body["nodes"]} == set(network.graph)
    assert all(isinstance(n["community"], int) for n in body["nodes"])


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("api/cooccurrence/neighbours", {"entity": "Atlantis"}, 404, "not-found"),
        ("api/cooccurrence/neighbours", {"entity": KAZ, "since": "soon"}, 400, "bad-query"),
        ("api/cooccurrence/neighbours", {"entity": KAZ, "weight": "pmi"}, 400, "bad-request"),
        ("api/cooccurrence/neighbours", {}, 400, "bad-request"),
        ("api/cooccurrence", {"top": 0}, 400, "bad-request"),
        ("api/cooccurrence/pair", {"source": KAZ, "target": KAZ}, 400, "bad-query"),
        ("network/assets/../../app.py", {}, 404, "not-found"),
    ],
)
def test_errors_have_the_one_shape(
    server: Server, path: str, params: dict[str, Any], status: int, code: str
) -> None:
    response = get(server, path, **params)
    assert response.status_code == status
    assert response.json()["error"] == code and response.json()["status"] == status


def test_the_page_escapes_everything_from_the_data(server: Server) -> None:
    response = get(server, "network", entity="Kazakhstan")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<img src=x" not in html and "</script> Co" not in html
    assert "&lt;img src=x" in html
    assert 'id="edges"' in html and "/network?entity=" in html
    assert 'href="/entity/kazakhstan"' in html
    assert get(server, "network/assets/network.js").status_code == 200
    whole = get(server, "network", since="2025-02", until="2025-03", weight="jaccard", top=7)
    assert whole.status_code == 200 and "Entities mentioned together" in whole.text
    assert whole.text.count("<tr>") == 1 + 7


def _hostile_iri(server: Server) -> str:
    nodes = get(server, "api/cooccurrence", entity="Kazakhstan", top=60).json()["nodes"]
    return next(node["entity"] for node in nodes if node["name"] == HOSTILE)


def test_the_page_centred_on_a_hostile_name_escapes_it(server: Server) -> None:
    """The name lands in <title>, <h1>, the edge table and the JSON the script reads."""
    html = get(server, "network", entity=_hostile_iri(server)).text
    assert "<img src=x" not in html and "</script> Co" not in html
    assert html.count("&lt;img src=x onerror=") >= 3
    assert "<title>&lt;img src=x" in html


@pytest.mark.slow
def test_the_network_page_in_chromium(server: Server) -> None:
    require_vendor("cytoscape")  # the page draws the network with it
    requested: list[str] = []
    errors: list[str] = []
    with launch_chromium() as browser:
        page = browser.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(server.url + "network?entity=Kazakhstan&weight=npmi")
        page.wait_for_function("window.newsgraphNetwork && window.newsgraphNetwork.nodes().length")
        data = get(server, "api/cooccurrence", entity="Kazakhstan", weight="npmi", top=60).json()
        assert page.evaluate("window.newsgraphNetwork.nodes().length") == len(data["nodes"])
        assert page.evaluate("window.newsgraphNetwork.edges().length") == len(data["edges"])
        page.evaluate(f"window.newsgraphNetwork.$id({RUSSIA!r}).emit('tap')")
        page.wait_for_selector("#months tr")
        assert "Russia" in page.inner_text("#details")
        months = get(server, "api/cooccurrence/pair", source=KAZ, target=RUSSIA).json()
        assert page.locator("#months tr").count() == len(months["months"])
        page.click("#recentre")
        page.wait_for_url("**entity=http*russia*")
        page.wait_for_function("window.newsgraphNetwork && window.newsgraphNetwork.nodes().length")
        assert "Mentioned with Russia" in page.inner_text("h1")

        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(server.url + "network?entity=Kazakhstan")
        page.wait_for_function("window.newsgraphNetwork && window.newsgraphNetwork.nodes().length")
        page.evaluate(f"window.newsgraphNetwork.$id({_hostile_iri(server)!r}).emit('tap')")
        page.wait_for_selector("#details h2")
        assert HOSTILE in page.inner_text("#details")
        assert page.locator("#details img, #edges img").count() == 0
        assert dialogs == []

        fallback = browser.new_page()
        fallback.route("**/cytoscape.min.js", lambda route: route.abort())
        fallback.goto(server.url + "network?entity=Kazakhstan")
        assert fallback.locator("#edges tbody tr").count() == len(get(
            server, "api/cooccurrence", entity="Kazakhstan", top=60).json()["edges"])  # fmt: skip
        assert fallback.is_hidden("#network")
    assert all(url.startswith(server.url) for url in requested), requested
    assert errors == []
