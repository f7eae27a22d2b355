"""``newsgraph export``: files per article, the manifest, incremental runs, workers, the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from newsgraph.errors import ExportError
from newsgraph.export.checks import html_problems
from newsgraph.export.document import store_documents
from newsgraph.export.exporter import ExportOptions, ExportSummary, export
from newsgraph.export.files import locked
from newsgraph.export.manifest import Manifest
from newsgraph.settings import Settings, load_settings
from newsgraph.store import EmbeddedStore, open_store

from tests.conftest import BASE, newsgraph
from tests.exportdata import build_store, varied_records


@pytest.fixture
def built(tmp_path: Path) -> Settings:
    settings = load_settings(store=str(tmp_path / "store"), base=BASE)
    build_store(tmp_path, settings, varied_records())
    return settings


def run(settings: Settings, out: Path, **options: object) -> ExportSummary:
    with EmbeddedStore(settings.store_path) as store:
        return export(store, settings, ExportOptions(out=out, **options))  # type: ignore[arg-type]


def rename_entity(settings: Settings, key: str, name: str) -> None:
    """Change an entity's name in the entities graph, as linking may without a new record."""
    iris = settings.minter
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as store:
        store.update(
            "PREFIX schema: <http://schema.org/> "
            "DELETE { GRAPH ?g { ?e schema:name ?old } } INSERT { GRAPH ?g { ?e schema:name ?new } } "
            "WHERE { GRAPH ?g { ?e schema:name ?old } "
            f"VALUES (?g ?e ?new) {{ ({ox.NamedNode(iris.entities_graph)} "
            f"{ox.NamedNode(iris.entity(key))} {ox.Literal(name)}) }} }}"
        )


def test_each_article_gets_its_document_and_script_element(built: Settings, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run(built, out)
    assert (summary.articles, summary.selected, summary.written) == (5, 5, 5)
    with EmbeddedStore(built.store_path) as store:
        documents = dict(store_documents(store, built.minter))
    for slug, document in documents.items():
        jsonld = out / "articles" / f"{slug}.jsonld"
        assert json.loads(jsonld.read_text("utf-8")) == document
        html = (out / "articles" / f"{slug}.html").read_text("utf-8")
        assert html_problems(html, document) == []
    manifest = Manifest.read(out)
    assert manifest.base == BASE and set(manifest.articles) == set(documents)
    assert manifest.articles["bare"].loc == f"{BASE}article/bare"
    assert manifest.articles["authors"].lastmod == "2026-01-03T10:00:00-05:00"
    assert summary.missing["bare"] == ["image", "dateModified", "author", "publisher"]
    assert (out / "sitemap.xml").exists() and (out / "news-sitemap.xml").exists()


def test_indent_makes_the_files_readable_and_means_the_same(
    built: Settings, tmp_path: Path
) -> None:
    run(built, tmp_path / "compact")
    run(built, tmp_path / "indented", indent=2)
    compact = (tmp_path / "compact" / "articles" / "markup.jsonld").read_text()
    indented = (tmp_path / "indented" / "articles" / "markup.jsonld").read_text()
    assert compact.count("\n") == 1 and indented.count("\n") > 10
    assert json.loads(compact) == json.loads(indented)


def test_changed_only_rewrites_what_linking_changed(built: Settings, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(built, out)
    files = {p.name: p.stat().st_mtime_ns for p in (out / "articles").iterdir()}
    again = run(built, out, changed_only=True)
    assert (again.written, again.unchanged) == (0, 5)
    assert {p.name: p.stat().st_mtime_ns for p in (out / "articles").iterdir()} == files
    rename_entity(built, "kazakhstan", "Republic of Kazakhstan")
    changed = run(built, out, changed_only=True)
    assert (changed.written, changed.unchanged) == (3, 2)  # markup, authors, alternates
    text = (out / "articles" / "authors.jsonld").read_text()
    assert "Republic of Kazakhstan" in text
    assert Manifest.read(out).articles["authors"].hash != Manifest.read(out).articles["bare"].hash
    (out / "articles" / "bare.html").unlink()
    repaired = run(built, out, changed_only=True)
    assert repaired.written == 1 and (out / "articles" / "bare.html").exists()


def test_a_full_export_writes_only_what_differs_from_the_files(
    built: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert run(built, out).written == 5
    files = {p.name: p.stat().st_mtime_ns for p in (out / "articles").iterdir()}
    again = run(built, out)
    assert (again.written, again.unchanged) == (0, 5)
    assert {p.name: p.stat().st_mtime_ns for p in (out / "articles").iterdir()} == files
    damaged = out / "articles" / "markup.jsonld"
    good = damaged.read_bytes()
    damaged.write_bytes(good.replace(b"Kazakhstan", b"Kasachstan"))
    assert run(built, out, changed_only=True).written == 0  # trusts the manifest
    repaired = run(built, out)
    assert repaired.written == 1 and damaged.read_bytes() == good
    assert (out / "articles" / "markup.html").stat().st_mtime_ns == files["markup.html"]


def test_since_selects_by_the_last_modification(built: Settings, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run(built, out, since=datetime(2026, 1, 3, tzinfo=UTC))
    assert summary.selected == 3  # modified 2026-01-03, 2026-01-05; published 2026-03-01
    written = sorted(p.stem for p in (out / "articles").glob("*.jsonld"))
    assert written == ["alternates", "authors", "unicode"]
    run(built, out)
    assert len(Manifest.read(out).articles) == 5
    later = run(built, out, since=datetime(2026, 1, 4, tzinfo=UTC))
    assert later.selected == 2 and len(Manifest.read(out).articles) == 5


def test_articles_gone_from_the_store_are_removed(built: Settings, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(built, out)
    with EmbeddedStore(built.store_path, write=True, base=BASE) as store:
        store.update(f"DROP GRAPH {ox.NamedNode(built.minter.article('bare'))}")
    summary = run(built, out, changed_only=True)
    assert summary.removed == 1 and summary.articles == 4
    assert not (out / "articles" / "bare.jsonld").exists()
    assert not (out / "articles" / "bare.html").exists()
    assert "bare" not in Manifest.read(out).articles


def test_one_export_at_a_time(built: Settings, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with locked(out), pytest.raises(ExportError, match="another export"):
        run(built, out)
    assert run(built, out).written == 5


def test_worker_processes_write_the_same_files(built: Settings, tmp_path: Path) -> None:
    run(built, tmp_path / "one")
    summary = run(built, tmp_path / "two", jobs=2, batch_size=2, min_per_worker=1)
    assert summary.written == 5
    for path in (tmp_path / "one" / "articles").iterdir():
        assert (tmp_path / "two" / "articles" / path.name).read_bytes() == path.read_bytes()
    one = Manifest.read(tmp_path / "one").articles
    assert Manifest.read(tmp_path / "two").articles == one


def test_the_command(built: Settings, tmp_path: Path) -> None:
    out = tmp_path / "out"
    store = str(built.store_path)
    result = newsgraph("export", "--store", store, "--out", str(out), "--report", "-j", "1")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert "bare: missing image, dateModified, author, publisher" in lines
    assert "authors: missing publisher" not in lines
    assert lines[-1].startswith("of 5 articles, 0 meet all of Google's Article recommendations")
    summary = result.stderr.decode().strip().splitlines()[-1]
    assert summary.startswith("exported 5 of 5 articles: written 5,") and "articles/s" in summary
    bad = newsgraph("export", "--store", store, "--out", str(out), "--since", "last week")
    assert bad.returncode == 2 and bad.stderr.decode().count("\n") == 1
    assert "--since 'last week'" in bad.stderr.decode()


def test_a_damaged_manifest_is_reported_not_overwritten(built: Settings, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text("{ half a manifest")
    with pytest.raises(ExportError, match="is not a newsgraph export manifest"):
        run(built, out)
    assert (out / "manifest.json").read_text() == "{ half a manifest"


def test_a_remote_store_exports_the_same_files(built: Settings, tmp_path: Path, serve) -> None:  # type: ignore[no-untyped-def]
    run(built, tmp_path / "embedded")
    server = serve(built.store_path)
    remote = load_settings(store=server.sparql, base=BASE)
    with open_store(remote) as store:
        summary = export(store, remote, ExportOptions(out=tmp_path / "remote"))
    assert summary.written == 5
    for path in (tmp_path / "embedded" / "articles").iterdir():
        assert (tmp_path / "remote" / "articles" / path.name).read_bytes() == path.read_bytes()
