"""The OpenAPI description of the HTTP API, exercised by schemathesis against a real server.

A ``newsgraph serve`` process on the sample store (updates enabled, so that the update paths
run too) answers requests that schemathesis generates from the description, valid and invalid:
no operation may answer 5xx, and every answer must conform to the description (its status
codes, media types, headers and JSON schemas). The number of examples is bounded so that the
whole run stays within about a minute.

The tests are generated when the module is collected, before any server runs, so the
description comes from the app itself; the first test checks that the server serves the very
same document at ``/openapi.json``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from newsgraph.api.app import create_app
from newsgraph.settings import load_settings
from schemathesis.checks import CheckFunction
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import BASE, Server, sample_store, start_server

TOKEN = "schemathesis-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EXAMPLES = 60

#: A 400 for a well-formed value whose meaning is wrong (not a date, bad SPARQL, an ambiguous
#: name) is right, and no schema can tell such values apart: "schema-valid data is accepted"
#: is the one check left out.
EXCLUDED: list[CheckFunction] = [positive_data_acceptance]


@schemathesis.serializer("application/sparql-query", "application/sparql-update")
def sparql_text(context: Any, value: Any) -> dict[str, Any]:
    """SPARQL request bodies go on the wire as UTF-8 text."""
    text = value if isinstance(value, str) else str(value)
    return {"data": text.encode("utf-8")}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sample_template: Path) -> Iterator[Server]:
    store = sample_store(tmp_path_factory.mktemp("schemathesis") / "store", sample_template)
    running = start_server(
        store, "--allow-update", "--query-timeout", "5", env={"NEWSGRAPH_UPDATE_TOKEN": TOKEN}
    )
    yield running
    running.stop()


def description() -> dict[str, Any]:
    """The app's OpenAPI document (building the app opens no store)."""
    return create_app(load_settings(store="unused-store", base=BASE)).openapi()


schema = schemathesis.openapi.from_dict(description())
schema.config.generation.update(modes=["positive", "negative"], max_examples=EXAMPLES)


def test_the_server_serves_this_description(server: Server) -> None:
    served = httpx.get(server.url + "openapi.json")
    assert served.status_code == 200
    assert served.json() == description()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_operation_fails_or_strays_from_its_description(case: Any, server: Server) -> None:
    case.call_and_validate(
        base_url=server.url.rstrip("/"), headers=AUTH, excluded_checks=EXCLUDED, timeout=30
    )
