"""The linking cache reads back each article's spans, whatever order it is asked in."""

from __future__ import annotations

from pathlib import Path

from newsgraph.linking.cache import LinkingCache


def _filled(directory: Path, count: int) -> tuple[LinkingCache, dict[str, bytes], list[tuple]]:
    cache = LinkingCache(directory, "test")
    texts = {f"a{n:04d}": bytes([n % 251]) * (n % 7 + 1) for n in range(count)}
    rows = [(iri, "digest", b"names", text) for iri, text in texts.items()]
    places = list(
        zip(texts, cache.put(rows[: count // 2]) + cache.put(rows[count // 2 :]), strict=True)
    )
    return cache, texts, places


def test_spans_asked_in_log_order_are_read_in_that_order(tmp_path: Path) -> None:
    cache, texts, places = _filled(tmp_path, 500)
    try:
        assert list(cache.spans(dict(places).items())) == list(texts.items())
    finally:
        cache.close()


def test_spans_asked_out_of_order_are_read_in_log_order(tmp_path: Path) -> None:
    cache, texts, places = _filled(tmp_path, 500)
    try:
        shuffled = places[250:] + places[:250]
        assert list(cache.spans(shuffled)) == list(texts.items())
        assert list(cache.spans(places[::-1])) == list(texts.items())
    finally:
        cache.close()


def test_no_spans_asked_reads_nothing(tmp_path: Path) -> None:
    cache = LinkingCache(tmp_path, "test")
    try:
        assert list(cache.spans([])) == []
    finally:
        cache.close()
