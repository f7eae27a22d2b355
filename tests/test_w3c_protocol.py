"""The W3C SPARQL 1.1 Protocol test suite, replayed over HTTP against a real server.

The runner reads ``protocol/manifest.ttl`` with rdflib: each ``mf:ProtocolTest`` is a sequence
of ``ht:Request``s (method, path, headers, body in a given encoding), each with the response it
expects (``mf:expectedStatus`` classes, ``mf:expectedFormat`` boolean/tabular/RDF and
``mf:expectedBoolean``). Before each test the store is emptied and the test's ``ut:graphData``
files are loaded into the named graphs their labels give. The server runs with updates enabled
and every request carries the update token, as the suite's update tests need.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from newsgraph.store import EmbeddedStore
from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.collection import Collection

from tests.conftest import SHARED, Server, start_server

SUITE = SHARED / "data" / "w3c-sparql11" / "sparql" / "sparql11" / "protocol"
MANIFEST = SUITE / "manifest.ttl"
TOKEN = "w3c-protocol-suite-token"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

STATUS_CLASSES = {HTS.StatusCode2xx: 2, HTS.StatusCode3xx: 3, HTS.StatusCode4xx: 4,
                  HTS.StatusCode5xx: 5}  # fmt: skip
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {"application/rdf+xml": "xml", "text/turtle": "turtle",
             "application/n-triples": "nt", "text/plain": "nt"}  # fmt: skip
RESULTS_XML = "{http://www.w3.org/2005/sparql-results#}"


@dataclass(frozen=True)
class Expected:
    statuses: frozenset[int]
    format: str | None
    boolean: bool | None


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expected: Expected


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    title: str
    graph_data: tuple[tuple[Path, str], ...]
    requests: tuple[HttpRequest, ...]


def _requests(manifest: Graph, action: Any) -> Iterator[HttpRequest]:
    for request in Collection(manifest, manifest.value(action, HT.requests)):
        headers = []
        header_list = manifest.value(request, HT.headers)
        if header_list is not None:
            for header in Collection(manifest, header_list):
                headers.append((str(manifest.value(header, HT.fieldName)),
                                str(manifest.value(header, HT.fieldValue))))  # fmt: skip
        body = None
        content = manifest.value(request, HT.body)
        if content is not None:
            encoding = str(manifest.value(content, CNT.characterEncoding) or "UTF-8")
            body = str(manifest.value(content, CNT.chars)).encode(encoding)
        response = manifest.value(request, HT.resp)
        expected = Expected(
            statuses=frozenset(STATUS_CLASSES[s] for s in manifest.objects(response, MF.expectedStatus)),
            format=_optional_str(manifest.value(response, MF.expectedFormat)),
            boolean=_optional_bool(manifest.value(response, MF.expectedBoolean)),
        )  # fmt: skip
        yield HttpRequest(
            method=str(manifest.value(request, HT.methodName)),
            path=str(manifest.value(request, HT.absolutePath)),
            headers=tuple(headers),
            body=body,
            expected=expected,
        )


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _optional_bool(value: Any) -> bool | None:
    return None if value is None else bool(value.toPython())


def load_manifest(path: Path) -> list[ProtocolTest]:
    manifest = Graph().parse(path, format="turtle")
    root = next(manifest.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(manifest, manifest.value(root, MF.entries)):
        assert (entry, RDF.type, MF.ProtocolTest) in manifest, entry
        graph_data = tuple(
            (Path(str(manifest.value(data, UT.graph)).removeprefix("file://")),
             str(manifest.value(data, RDFS.label)))
            for data in manifest.objects(entry, UT.graphData)
        )  # fmt: skip
        tests.append(
            ProtocolTest(
                name=str(entry).rpartition("#")[2],
                title=str(manifest.value(entry, MF.name)),
                graph_data=graph_data,
                requests=tuple(_requests(manifest, manifest.value(entry, MF.action))),
            )
        )
    return tests


def _manifest_tests() -> list[ProtocolTest]:
    return load_manifest(MANIFEST) if MANIFEST.exists() else []


TESTS = _manifest_tests()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    store = tmp_path_factory.mktemp("w3c") / "store"
    EmbeddedStore(store, write=True).close()  # an empty store: serve makes none
    running = start_server(store, "--allow-update", env={"NEWSGRAPH_UPDATE_TOKEN": TOKEN})
    yield running
    running.stop()


def _reset(server: Server, test: ProtocolTest) -> None:
    """Empty the store, then load the test's graph data into the graphs it names."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    parts = ["DROP ALL"]
    for path, graph in test.graph_data:
        triples = Graph().parse(path, format="nt").serialize(format="nt")
        parts.append(f"INSERT DATA {{ GRAPH <{graph}> {{ {triples} }} }}")
    response = httpx.post(server.sparql, data={"update": " ;\n".join(parts)}, headers=auth)
    assert response.status_code == 204, response.text


def check_response(response: httpx.Response, expected: Expected) -> None:
    """Fail unless the response is what the manifest expects."""
    assert response.status_code // 100 in expected.statuses, (
        f"status {response.status_code}, expected {sorted(expected.statuses)}xx: {response.text}"
    )
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    if expected.format == "boolean":
        assert media_type in BOOLEAN_TYPES, media_type
    elif expected.format == "tabular":
        assert media_type in TABULAR_TYPES, media_type
        _solutions(response.content, media_type)
    elif expected.format == "RDF":
        assert media_type in RDF_TYPES, media_type
        Graph().parse(data=response.content, format=RDF_TYPES[media_type])
    if expected.boolean is not None:
        assert _boolean(response.content, media_type) is expected.boolean


def _boolean(body: bytes, media_type: str) -> bool:
    if media_type == "application/sparql-results+json":
        value = json.loads(body)["boolean"]
        assert isinstance(value, bool)
        return value
    element = ElementTree.fromstring(body).find(f"{RESULTS_XML}boolean")
    assert element is not None and element.text in ("true", "false")
    return element.text == "true"


def _solutions(body: bytes, media_type: str) -> int:
    """The number of solutions, parsing the body in its format."""
    if media_type == "application/sparql-results+json":
        return len(json.loads(body)["results"]["bindings"])
    if media_type == "application/sparql-results+xml":
        return len(
            ElementTree.fromstring(body).findall(f"{RESULTS_XML}results/{RESULTS_XML}result")
        )
    delimiter = "," if media_type == "text/csv" else "\t"
    return len(list(csv.reader(io.StringIO(body.decode("utf-8")), delimiter=delimiter))) - 1


def test_the_manifest_has_the_34_tests() -> None:
    if not MANIFEST.exists():
        pytest.skip(f"{MANIFEST} is absent: this test reads the W3C suite in ../shared")
    assert len(TESTS) == 34
    assert len({test.name for test in TESTS}) == 34


@pytest.mark.parametrize("test", TESTS, ids=[test.name for test in TESTS])
def test_protocol(server: Server, test: ProtocolTest) -> None:
    _reset(server, test)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for request in test.requests:
            headers = [("Authorization", f"Bearer {TOKEN}"), *request.headers]
            path = request.path  # "/sparql/…": the endpoint answers with the slash too
            response = client.request(request.method, path, headers=headers, content=request.body)
            check_response(response, request.expected)
