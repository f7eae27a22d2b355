"""The real corpora in ../shared/data load completely."""

from __future__ import annotations

from pathlib import Path

import pytest
from newsgraph.ingest import ingest
from newsgraph.settings import Settings
from newsgraph.store import EmbeddedStore

from tests.conftest import N3, REUTERS, shared_file


@pytest.mark.slow
@pytest.mark.parametrize(("corpus", "count"), [(REUTERS, 4104), (N3, 128)])
def test_corpus_loads_with_zero_rejects(corpus: Path, count: int, settings: Settings) -> None:
    path = shared_file(corpus)
    with EmbeddedStore(settings.store_path, write=True, base=settings.base) as store:
        summary = ingest([str(path)], store, settings)
        articles = store.count(
            "SELECT (COUNT(*) AS ?n) WHERE { ?a a <http://schema.org/NewsArticle> }"
        )
    assert summary.rejected == 0
    assert summary.loaded == count == articles
