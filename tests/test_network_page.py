"""The network page (api/templates/network.html, api/static/network/network.js) in a real
headless Chromium against a real server: the site's header, names that never overlap, the
entity typeahead, and the way there from an entity page. The corpus (tests/list_records.py) has
130 entities mentioned together in many articles, so a drawn network of 60 and more entities
has far more names than room for them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import launch_chromium, require_vendor
from tests.conftest import Server, ingested, served
from tests.list_records import HUB, articles_per_entity, write_list_records

pytestmark = pytest.mark.slow

#: The label boxes of the nodes (in the graph's coordinates, as cytoscape draws them), and
#: whether each is shown.
LABEL_BOXES = """() => window.newsgraphNetwork.nodes().map(node => {
  const box = node.boundingBox({includeNodes: false, includeEdges: false, includeLabels: true});
  return {id: node.id(), label: node.data("label"), shown: !node.hasClass("label-hidden"),
          opacity: Number(node.style("text-opacity")), x1: box.x1, x2: box.x2, y1: box.y1,
          y2: box.y2};
})"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    directory = tmp_path_factory.mktemp("network-page")
    with served(ingested(directory / "store", write_list_records(directory))) as running:
        yield running


def overlapping(boxes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The pairs of boxes whose areas intersect."""
    pairs = []
    for index, one in enumerate(boxes):
        for other in boxes[index + 1 :]:
            if (one["x1"] < other["x2"] and other["x1"] < one["x2"]
                    and one["y1"] < other["y2"] and other["y1"] < one["y2"]):  # fmt: skip
                pairs.append((one["label"], other["label"]))
    return pairs


def drawn(page: Any) -> list[dict[str, Any]]:
    page.wait_for_function(
        "(n => n.dataset.labelsShown && !n.dataset.labelsPending)(document.getElementById('network'))"
    )
    boxes: list[dict[str, Any]] = page.evaluate(LABEL_BOXES)
    return boxes


def test_names_never_overlap_and_show_when_pointed_at(server: Server) -> None:
    require_vendor("cytoscape")
    errors: list[str] = []
    with launch_chromium() as browser:
        page = browser.new_page(viewport={"width": 1100, "height": 760})
        page.on("pageerror", lambda error: errors.append(str(error)))
        for query in ("network?top=120", f"network?entity={HUB}&top=80&weight=npmi"):
            page.goto(server.url + query)
            boxes = drawn(page)
            shown = [box for box in boxes if box["shown"]]
            assert len(boxes) >= 60 and len(shown) >= 5
            assert all(box["opacity"] == (1 if box["shown"] else 0) for box in boxes)
            assert overlapping(shown) == [], query
            assert overlapping(boxes), "control: the names drawn all at once overlap"
            assert page.is_visible("#label-hint")

        hidden = next(box for box in drawn(page) if not box["shown"])
        page.evaluate(f"window.newsgraphNetwork.$id({hidden['id']!r}).emit('mouseover')")
        boxes = drawn(page)
        assert next(box for box in boxes if box["id"] == hidden["id"])["shown"]
        assert overlapping([box for box in boxes if box["shown"]]) == []
    assert errors == []


def test_the_page_has_the_site_header(server: Server) -> None:
    with launch_chromium() as browser:
        for scripts in (True, False):
            page = browser.new_page(java_script_enabled=scripts)
            page.goto(server.url + "network")
            header = page.locator("body > header.site")
            assert header.is_visible()
            links = header.locator("nav a")
            site = ["Query", "Entities", "Topics", "Publishers", "Network"]
            assert [name for name in links.all_inner_texts() if name in site] == site
            page.click("header.site nav >> text=Entities")
            page.wait_for_url("**/entity/")
            assert page.locator("h1").inner_text() == "Entities"
            page.go_back()
            assert page.locator("#edges tbody tr").count() > 0  # the table without the library


def test_from_an_entity_page_to_its_network_and_the_typeahead_there(server: Server) -> None:
    counts = articles_per_entity()
    name = max(counts, key=lambda n: (counts[n], n))
    other = min((n for n in counts if n != name), key=lambda n: (-counts[n], n))
    errors: list[str] = []
    with launch_chromium() as browser:
        page = browser.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(server.url + "entity/?search=" + name)
        page.click(f"table.counted a >> text={name}")
        page.click("a.network-link")
        page.wait_for_url("**/network?entity=*")
        assert page.locator("h1").inner_text() == f"Mentioned with {name}"
        assert page.locator("body > header.site").is_visible()

        field = page.locator("input[name=entity]")
        field.fill("")
        field.press_sequentially(other[:5], delay=30)
        option = page.locator("input[name=entity] ~ [role=listbox] [role=option]", has_text=other)
        option.first.wait_for()
        option.first.click()
        assert field.input_value() == other
        page.click("form.controls button[type=submit]")
        page.wait_for_url("**entity=*")
        assert page.locator("h1").inner_text() == f"Mentioned with {other}"
    assert errors == []


def test_the_typeahead_widget_is_one_shared_file() -> None:
    """Both pages load the one widget; nothing else defines it."""
    root = Path(__file__).resolve().parent.parent / "api"
    defines = re.compile(r"window\.newsgraphTypeahead\s*=(?!=)")
    definers = [path.name for path in root.rglob("*.js") if "vendor" not in path.parts
                and defines.search(path.read_text())]  # fmt: skip
    assert definers == ["typeahead.js"]
    for template in ("index.html", "network.html"):
        assert "urls.static('typeahead.js')" in (root / "templates" / template).read_text()
