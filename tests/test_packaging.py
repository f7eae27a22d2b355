"""The package as a user installs it (pyproject.toml).

The wheel is built the way ``pip install .`` builds it, from a copy of the work tree, and must
hold every file of the repository's graph/, vocab/ and api/ — the list comes from git, not from
pyproject — under the one name ``newsgraph`` (graph/ as ``newsgraph/``, api/ as ``newsgraph/api/``,
vocab/ as ``newsgraph/vocab/``), plus the front-end files the set-up step copied into
api/static/vendor/; nothing named graph, api or vocab lands at the top of site-packages.
Then that wheel, installed into a fresh virtual environment with its dependencies from the
package index, ingests the bundled sample, serves it and answers queries, run from a directory
outside the repository. Both skip, saying so, only where pip cannot reach its package index.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from newsgraph.api import vendor

from tests.conftest import ROOT, SAMPLE, Server, free_port

#: Each directory of the repository → where the wheel installs it (pyproject.toml's package-dir).
PACKAGES = {"graph": "newsgraph", "api": "newsgraph/api", "vocab": "newsgraph/vocab"}
VENDOR = "newsgraph/api/static/vendor"
#: Where the set-up step copies the front-end files in the repository.
VENDOR_SOURCE = "api/static/vendor"
#: Dependencies from the index on a first run take minutes; pip's cache makes later ones quick.
PIP_TIMEOUT = 1200
COUNT_ARTICLES = """PREFIX schema: <http://schema.org/>
SELECT (COUNT(DISTINCT ?article) AS ?n) WHERE { ?article a schema:NewsArticle }"""
#: The entity that the most articles mention, with each of its names.
TOP_ENTITY = """PREFIX schema: <http://schema.org/>
SELECT ?entity ?name (COUNT(DISTINCT ?article) AS ?n) WHERE {
  ?article a schema:NewsArticle ; schema:mentions ?entity . ?entity schema:name ?name .
} GROUP BY ?entity ?name ORDER BY DESC(?n) ?name LIMIT 1"""


@dataclass(frozen=True)
class Wheel:
    path: Path
    #: Every file the wheel must hold: the packages' files as git lists them, plus the vendor files.
    expected: frozenset[str]

    def names(self) -> set[str]:
        with zipfile.ZipFile(self.path) as archive:
            return {name for name in archive.namelist() if ".dist-info/" not in name}


def work_tree_files() -> list[str]:
    """Files git tracks or would track (not ignored), as they are in the work tree."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode()  # fmt: skip
    return sorted(name for name in set(listed.split("\0")) if name and (ROOT / name).is_file())


def user_env() -> dict[str, str]:
    """The environment a user's shell has: none of the tests' settings or Python paths."""
    dropped = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")
    return {
        key: value
        for key, value in os.environ.items()
        if key not in dropped and not key.startswith("NEWSGRAPH_")
    }


def index_problem() -> str | None:
    """Why pip cannot reach its package index, or None where it can.

    Downloads pip itself from the index pip is configured with, bypassing pip's cache and any
    local find-links or extra indexes, which could answer where the index does not.
    """
    configured = subprocess.run(
        [sys.executable, "-m", "pip", "config", "get", "global.index-url"],
        capture_output=True, text=True,
    )  # fmt: skip
    index = os.environ.get("PIP_INDEX_URL") or (
        configured.stdout.strip() if configured.returncode == 0 else ""
    )
    env = {key: value for key, value in user_env().items() if not key.startswith("PIP_")}
    env.update({"PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    if "PIP_CERT" in os.environ:
        env["PIP_CERT"] = os.environ["PIP_CERT"]
    with tempfile.TemporaryDirectory() as scratch:
        probe = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-cache-dir",
             "--retries", "1", "--timeout", "30", "--dest", scratch,
             *(["--index-url", index] if index else []), "pip"],
            capture_output=True, text=True, env=env, timeout=300,
        )  # fmt: skip
    if probe.returncode == 0:
        return None
    lines = probe.stderr.strip().splitlines() or ["no output"]
    return f"{index or 'the default index'}: {lines[-1]}"


def pip(python: Path | str, *args: str, cwd: Path) -> None:
    """Run pip; where it fails, skip if the index is out of reach, else fail with its output."""
    result = subprocess.run(
        [str(python), "-m", "pip", *args],
        cwd=cwd, env=user_env(), capture_output=True, text=True, timeout=PIP_TIMEOUT,
    )  # fmt: skip
    if result.returncode != 0:
        problem = index_problem()
        if problem is not None:
            pytest.skip(f"pip cannot reach its package index ({problem}): `pip {args[0]}` failed")
        pytest.fail(f"pip {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Wheel:
    """The wheel ``pip install .`` would build from this work tree, built from a copy of it so
    that nothing is written into the repository and nothing git ignores (but the vendor files)
    gets in."""
    directory = tmp_path_factory.mktemp("wheel")
    source = directory / "source"
    for name in work_tree_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    if vendor.VENDOR_DIR.is_dir():
        shutil.copytree(vendor.VENDOR_DIR, source / VENDOR_SOURCE)
    else:  # no npm here: stand-ins, so that the wheel is still shown to carry vendor files
        for asset in vendor.ASSETS.values():
            for file in asset.files:
                stand_in = source / VENDOR_SOURCE / asset.name / Path(file).name
                stand_in.parent.mkdir(parents=True, exist_ok=True)
                stand_in.write_text(f"/* stands in for {asset.package}'s {file} */\n")
    expected = {
        f"{installed}/{path.relative_to(source / directory).as_posix()}"
        for directory, installed in PACKAGES.items()
        for path in (source / directory).rglob("*")
        if path.is_file()
    }
    dist = directory / "dist"
    pip(sys.executable, "wheel", "--no-deps", "--wheel-dir", str(dist), str(source), cwd=directory)
    (built,) = dist.glob("newsgraph-*.whl")
    return Wheel(built, frozenset(expected))


def test_pyproject_lists_every_package() -> None:
    """pyproject.toml names each package (setuptools maps them; it does not find them): every
    directory of graph/, api/ and vocab/ with an ``__init__.py``, by its installed name."""
    configured = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    on_disk = {
        ".".join([PACKAGES[directory], *init.parent.relative_to(ROOT / directory).parts]).replace(
            "/", "."
        )
        for directory in PACKAGES
        for init in (ROOT / directory).rglob("__init__.py")
        if "node_modules" not in init.parts
    }
    assert sorted(configured["packages"]) == sorted(on_disk)


def test_the_wheel_holds_every_file_of_the_packages(wheel: Wheel) -> None:
    names = wheel.names()
    assert sorted(wheel.expected - names) == [], "files the installed package would lack"
    assert sorted(names - wheel.expected) == [], "files that are not the packages'"
    data = {name for name in wheel.expected if not name.endswith(".py")}
    # The oracle itself holds what the code is known to read at run time (one of each kind).
    for needed in ("newsgraph/vocab/given-names.txt", "newsgraph/vocab/authority.jsonl",
                   "newsgraph/vocab/shapes.ttl", "newsgraph/queries/count-articles.rq",
                   "newsgraph/api/templates/base.html", "newsgraph/api/static/query.js",
                   f"{VENDOR}/cytoscape/cytoscape.min.js"):  # fmt: skip
        assert needed in data, needed
    assert {name.split("/", 1)[0] for name in names} == {"newsgraph"}


def run(command: Sequence[str | Path], cwd: Path, timeout: float = 300) -> tuple[str, str]:
    """Run a command as a user would: its standard output and error, or a failure showing them."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd, env=user_env(), capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    assert result.returncode == 0, f"{command} exited {result.returncode}:\n{result.stderr}"
    return result.stdout, result.stderr


def serve(newsgraph: Path, store: Path, cwd: Path) -> Server:
    port = free_port()
    log = cwd / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(newsgraph), "serve", "--store", str(store), "--host", "127.0.0.1",
             "--port", str(port)],
            cwd=cwd, env=user_env(), stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = Server(f"http://127.0.0.1:{port}/", process, store, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"serve exited {process.returncode}: {server.output()}"
        try:
            if httpx.get(server.sparql, params={"query": "ASK {}"}, timeout=2).is_success:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.stop()
    pytest.fail(f"serve did not answer within 60 s: {server.output()}")


def select(server: Server, query: str) -> list[dict[str, Any]]:
    response = httpx.get(
        server.sparql,
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["results"]["bindings"]
    return rows


@pytest.mark.slow
@pytest.mark.timeout(PIP_TIMEOUT + 300)
def test_the_installed_wheel_ingests_serves_and_answers(wheel: Wheel, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv], cwd=tmp_path)
    python, newsgraph = venv / "bin" / "python", venv / "bin" / "newsgraph"
    pip(python, "install", str(wheel.path), cwd=tmp_path)

    user = tmp_path / "user"  # a directory outside the repository
    user.mkdir()
    assert not user.resolve().is_relative_to(ROOT)
    site = Path(run([python, "-c", "import newsgraph; print(newsgraph.__file__)"], cwd=user)[0]
                .strip())  # fmt: skip
    assert site.is_relative_to(venv), f"newsgraph was imported from {site}, not the wheel"
    # Nothing of the wheel's at the top of site-packages but newsgraph and its metadata.
    top = {path.name for path in site.parent.parent.iterdir()}
    assert not top & {"graph", "api", "vocab", "graph.py", "api.py", "vocab.py"}, sorted(top)
    absent, _ = run(
        [
            python,
            "-c",
            "import importlib.util as u; "
            "print([n for n in ('graph', 'api', 'vocab') if u.find_spec(n)])",
        ],
        cwd=user,
    )
    assert absent.strip() == "[]"

    records_file = user / "articles.jsonl"
    shutil.copyfile(SAMPLE / "articles.jsonl", records_file)
    records = [json.loads(line) for line in records_file.read_text().splitlines() if line]
    slugs = {record["slug"] for record in records}

    _, summary = run([newsgraph, "ingest", "--store", "store", records_file.name], cwd=user)
    assert f"loaded {len(slugs)}, " in summary.strip().splitlines()[-1], summary
    counted, _ = run([newsgraph, "query", "--store", "store", "--format", "csv", COUNT_ARTICLES],
                     cwd=user)  # fmt: skip
    assert list(csv.DictReader(io.StringIO(counted))) == [{"n": str(len(slugs))}]
    checked = "".join(run([newsgraph, "validate", "--store", "store"], cwd=user))
    assert f"validated {len(slugs)} articles: 0 violations" in checked, checked

    server = serve(newsgraph, user / "store", user)
    try:
        assert select(server, COUNT_ARTICLES)[0]["n"]["value"] == str(len(slugs))
        (top,) = select(server, TOP_ENTITY)
        name, entity = top["name"]["value"], top["entity"]["value"]
        listing = {record["slug"] for record in records if name in record["entities"]}
        assert listing, f"{name!r}, the most mentioned entity, is in no record's entities"

        found = json.loads(run([newsgraph, "query", "--endpoint", server.sparql, "--format",
                                "json", "--name", "entities-by-name", "--param", f"name={name}"],
                               cwd=user)[0])  # fmt: skip
        assert [row["entity"]["value"] for row in found["results"]["bindings"]] == [entity]
        articles = json.loads(run([newsgraph, "query", "--endpoint", server.sparql, "--format",
                                   "json", "--name", "entity-articles", "--param",
                                   f"entity={entity}"], cwd=user)[0])  # fmt: skip
        mentioning = {row["article"]["value"] for row in articles["results"]["bindings"]}
        assert len(mentioning) == int(top["n"]["value"])
        # Every record that names the entity is among them (linking may find it in more text).
        assert {iri.rsplit("/", 1)[-1] for iri in mentioning} >= listing

        # The pages render from the packaged templates: the query page, the entity's page, the
        # network around it; then every packaged static file is served as it is in the wheel.
        home = httpx.get(server.url, headers={"Accept": "text/html"}, timeout=60)
        assert home.status_code == 200 and "<html" in home.text
        for path in (entity.split("/", 3)[3], f"network?entity={name}"):
            page = httpx.get(server.url + path, headers={"Accept": "text/html"}, timeout=60)
            assert page.status_code == 200, (path, page.text)
            assert page.headers["content-type"].startswith("text/html") and name in page.text
        with zipfile.ZipFile(wheel.path) as archive:
            for member in archive.namelist():
                if member.startswith("newsgraph/api/static/"):
                    served = httpx.get(server.url + member.removeprefix("newsgraph/api/"),
                                       timeout=60)  # fmt: skip
                    assert served.status_code == 200, member
                    assert served.content == archive.read(member), member
    finally:
        server.stop()
    assert "Traceback" not in server.output(), server.output()
