"""The OpenAPI description tells the truth about the app: every public route and method, the
protocol's parameters and media types on ``/sparql``, errors in the one shape, unique ids."""

from __future__ import annotations

import re
from typing import Any

import pytest
from newsgraph.api import openapi, protocol
from newsgraph.api.app import create_app
from newsgraph.api.routes import analysis, entities, resources, search, sparql, trends, ui, void
from newsgraph.settings import load_settings
from starlette.routing import Route

from tests.conftest import BASE

METHODS = {"get", "head", "post", "put", "patch", "delete", "options"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(load_settings(store="unused-store", base=BASE)).openapi()


def operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (path, method): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def routed() -> set[tuple[str, str]]:
    """(path, method) of every public route the routers register."""
    found = set()
    for module in (sparql, void, ui, resources, analysis, entities, search, trends):
        for route in module.router.routes:
            assert isinstance(route, Route)
            if not route.include_in_schema:
                continue
            path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
            found |= {(path, method.lower()) for method in route.methods or ()}
    return found


def test_every_public_route_and_method_is_described(document: dict[str, Any]) -> None:
    described = set(operations(document))
    assert described == routed()
    for path in ("/sparql", "/.well-known/void", "/article/{name}", "/entity/{name}",
                 "/queries", "/api/cooccurrence", "/network"):  # fmt: skip
        assert path in document["paths"]


def test_sparql_parameters_and_media_types(document: dict[str, Any]) -> None:
    get = document["paths"]["/sparql"]["get"]
    post = document["paths"]["/sparql"]["post"]
    names = {p["name"] for p in get["parameters"] if p["in"] == "query"}
    assert names == {"query", "default-graph-uri", "named-graph-uri"}
    assert {p["name"] for p in post["parameters"]} == {
        "default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri"
    }  # fmt: skip
    assert set(post["requestBody"]["content"]) == {protocol.FORM, protocol.QUERY, protocol.UPDATE}
    form = post["requestBody"]["content"][protocol.FORM]["schema"]["properties"]
    assert set(form) == {"query", "update", "default-graph-uri", "named-graph-uri",
                         "using-graph-uri", "using-named-graph-uri"}  # fmt: skip
    offered = set(sparql.SOLUTION_OFFERS + sparql.BOOLEAN_OFFERS + sparql.GRAPH_OFFERS)
    assert set(get["responses"]["200"]["content"]) == offered
    assert "204" in post["responses"] and "401" in post["responses"]
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_errors_have_the_one_shape_and_validation_is_400(document: dict[str, Any]) -> None:
    error = document["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error", "message", "status"}
    for (path, method), operation in operations(document).items():
        assert "422" not in operation["responses"], (path, method)
        for status, answer in operation["responses"].items():
            if int(status) >= 400:
                schema = answer["content"]["application/json"]["schema"]
                assert schema == {"$ref": openapi.ERROR_REF}, (path, method, status)


def test_pages_say_what_they_answer_with(document: dict[str, Any]) -> None:
    article = document["paths"]["/article/{name}"]["get"]["responses"]
    assert {"text/html", "text/turtle", "application/ld+json"} <= set(article["200"]["content"])
    assert {"404", "406"} <= set(article)
    assert set(document["paths"]["/"]["get"]["responses"]["200"]["content"]) == {"text/html"}
    assert (
        "text/turtle"
        in document["paths"]["/.well-known/void"]["get"]["responses"]["200"]["content"]
    )
    entity = document["paths"]["/entity/{name}"]["get"]["parameters"]
    assert {"before", "after"} <= {p["name"] for p in entity}


def test_operation_ids_are_unique(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for operation in operations(document).values()]
    assert len(ids) == len(set(ids))


def test_no_documentation_page_loads_scripts_from_a_cdn() -> None:
    app = create_app(load_settings(store="unused-store", base=BASE))
    assert app.docs_url is None and app.redoc_url is None
