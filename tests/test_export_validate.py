"""``newsgraph validate``: the shapes pass what we publish and name the article of each fault."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from newsgraph.errors import ExportError
from newsgraph.export.document import store_documents
from newsgraph.export.dump import dump
from newsgraph.export.exporter import ExportOptions, export
from newsgraph.export.validate import (
    shacl_violations,
    shapes_graph,
    validate_directory,
    validate_store,
)
from newsgraph.settings import Settings, load_settings
from newsgraph.store import EmbeddedStore
from pyld import jsonld as pyld
from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef

from tests.conftest import BASE, newsgraph
from tests.exportdata import build_store, real_context, varied_records


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Path]:
    tmp_path = tmp_path_factory.mktemp("validate")
    settings = load_settings(store=str(tmp_path / "store"), base=BASE)
    build_store(tmp_path, settings, varied_records())
    out = tmp_path / "out"
    with EmbeddedStore(settings.store_path) as store:
        export(store, settings, ExportOptions(out=out))
    return settings, out


@pytest.fixture(scope="module")
def documents(built: tuple[Settings, Path]) -> dict[str, dict[str, Any]]:
    settings, _ = built
    with EmbeddedStore(settings.store_path) as store:
        return dict(store_documents(store, settings.minter))


def test_what_we_publish_conforms(built: tuple[Settings, Path]) -> None:
    settings, out = built
    with EmbeddedStore(settings.store_path) as store:
        from_store = validate_store(store, settings.minter)
    assert from_store.articles == 5 and from_store.violations == []
    from_files = validate_directory(out)
    assert from_files.articles == 5 and from_files.violations == []


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"headline": None}, "schema:headline", "exactly one headline"),
        ({"datePublished": "2026-01-02T03:04:05"}, "schema:datePublished", "with a time zone"),
        ({"dateModified": ["2026-01-02T03:04:05Z", "2026-01-03T03:04:05Z"]},
         "schema:dateModified", "at most one"),
        ({"headlin": "a misspelt term"}, "schema:headlin",
         "only the schema.org terms newsgraph publishes"),
        ({"datePublished": {"@value": "2026-01-02", "@type": "http://www.w3.org/2001/XMLSchema#date"}},
         "schema:datePublished", "date-time with a time zone"),
        ({"inLanguage": "not a language"}, "schema:inLanguage", "BCP 47"),
        ({"mentions": {"@id": "http://localhost:8000/entity/nameless", "@type": "Thing"}},
         "schema:name", "a mentioned entity has a name"),
        ({"author": {"@type": "Person", "url": "https://people.example/x"}},
         "schema:name", "an author has exactly one name"),
        ({"publisher": [{"@id": "http://localhost:8000/publisher/a", "@type": "Organization",
                         "name": "A"},
                        {"@id": "http://localhost:8000/publisher/b", "@type": "Organization",
                         "name": "B"}]},
         "schema:publisher", "at most one"),
    ],
)  # fmt: skip
def test_each_fault_is_named_with_its_article(
    documents: dict[str, dict[str, Any]], change: dict[str, Any], path: str, message: str
) -> None:
    document = copy.deepcopy(documents["authors"])
    for key, value in change.items():
        if value is None:
            del document[key]
        else:
            document[key] = value
    found = list(shacl_violations([("authors", document), ("markup", documents["markup"])]))
    assert found, f"no violation for {change}"
    assert {v.article for v in found} == {"authors"}
    assert any(v.path == path and message in v.message for v in found), [v.line() for v in found]


def test_a_shared_entity_at_fault_names_every_article_that_mentions_it(
    documents: dict[str, dict[str, Any]],
) -> None:
    nameless = {"@id": "http://localhost:8000/entity/nameless", "@type": "Thing"}
    pairs = [(slug, {**documents[slug], "mentions": nameless}) for slug in ("markup", "authors")]
    found = list(shacl_violations(pairs))
    assert len(found) == 1 and found[0].others == 1
    assert found[0].line().startswith("markup (and 1 other articles): schema:name:")


def test_a_tampered_directory_is_caught(built: tuple[Settings, Path], tmp_path: Path) -> None:
    _, out = built
    copy_dir = tmp_path / "copy"
    (copy_dir / "articles").mkdir(parents=True)
    for path in (out / "articles").iterdir():
        (copy_dir / "articles" / path.name).write_bytes(path.read_bytes())
    articles = copy_dir / "articles"
    markup = json.loads((articles / "markup.jsonld").read_text())
    (articles / "markup.html").write_text(
        f'<script type="application/ld+json">{json.dumps(markup)}</script>'
    )
    (articles / "bare.jsonld").write_text(json.dumps({**markup, "@context": "http://schema.org/"}))
    (articles / "unicode.html").unlink()
    (articles / "authors.jsonld").write_text("{not json")
    alternates = json.loads((articles / "alternates.jsonld").read_text())
    alternates["https://w3id.org/newsgraph/ns#recordHash"] = "abc"
    (articles / "alternates.jsonld").write_text(json.dumps(alternates))
    summary = validate_directory(copy_dir)
    lines = [v.line() for v in summary.violations]
    assert summary.articles == 5
    assert any(line.startswith("markup: the script element ends early") for line in lines)
    assert any(line.startswith("bare: @context is 'http://schema.org/'") for line in lines)
    assert "unicode: unicode.html is missing" in lines
    assert any(line.startswith("authors: authors.jsonld is not JSON") for line in lines)
    assert (
        "alternates: keys that are not schema.org terms: https://w3id.org/newsgraph/ns#recordHash"
        in lines
    )
    assert {v.article for v in summary.violations} == {
        "markup",
        "bare",
        "unicode",
        "authors",
        "alternates",
    }


def test_the_command(built: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, out = built
    good = newsgraph("validate", str(out))
    assert good.returncode == 0, good.stdout
    assert good.stderr.decode().startswith("validated 5 articles: 0 violations")
    store = newsgraph("validate", "--store", str(settings.store_path))
    assert store.returncode == 0 and "validated 5 articles" in store.stderr.decode()
    bad_dir = tmp_path / "bad"
    (bad_dir / "articles").mkdir(parents=True)
    (bad_dir / "articles" / "x.jsonld").write_text(json.dumps({"@context": "https://schema.org"}))
    bad = newsgraph("validate", str(bad_dir))
    assert bad.returncode == 1
    assert bad.stdout.decode().startswith("x: the root's @type is None")
    missing = newsgraph("validate", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "is not an export directory" in missing.stderr.decode()


def test_not_an_export_directory(tmp_path: Path) -> None:
    with pytest.raises(ExportError):
        validate_directory(tmp_path)


@pytest.mark.slow
def test_the_reuters_corpus_exports_with_no_violations(tmp_path: Path, reuters_store: Path) -> None:
    settings = load_settings(store=str(reuters_store), base=BASE)
    out = tmp_path / "out"
    with EmbeddedStore(settings.store_path) as store:
        summary = export(store, settings, ExportOptions(out=out, jobs=2))
    assert summary.written == summary.articles == 4104
    result = validate_directory(out)
    assert result.articles == 4104
    assert result.violations == [], [v.line() for v in result.violations[:20]]


def test_the_shapes_hold_for_the_stores_graphs_and_any_json_ld_reading(
    built: tuple[Settings, Path], documents: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    settings, _ = built
    union = tmp_path / "union.ttl"
    with EmbeddedStore(settings.store_path) as store:
        dump(store, "ttl", str(union))
    stored = Graph().parse(union, format="turtle")
    conforms, _, text = shacl_validate(stored, shacl_graph=shapes_graph())
    assert conforms, text
    read_elsewhere = Graph()
    for document in documents.values():
        standard = {**document, "@context": real_context()}
        read_elsewhere.parse(data=pyld.to_rdf(standard, {"format": "application/n-quads"}),
                             format="nquads")  # fmt: skip
    dated = {o.datatype for o in read_elsewhere.objects() if getattr(o, "datatype", None)}
    assert URIRef("http://schema.org/Date") in dated
    conforms, _, text = shacl_validate(read_elsewhere, shacl_graph=shapes_graph())
    assert conforms, text
