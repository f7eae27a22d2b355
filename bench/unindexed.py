"""``python -m bench.unindexed ingest …``: ``newsgraph`` with the full-text index left out —
the baseline the search part measures the index's share of an ingest against.

Only the store's side is left out (the texts handed to the unit are dropped, and no index is
followed, caught up or committed); the mapping workers still make each article's text and hand
it over, so the share measured is a little under the index's whole cost. Never used outside
the benchmark: a store ingested so has no index (``newsgraph search --rebuild`` makes one).
"""

from __future__ import annotations

from newsgraph.store.embedded import EmbeddedStore


def _left_out(*_: object, **__: object) -> None:
    return None


def main() -> None:
    EmbeddedStore.wrote_texts = _left_out  # type: ignore[method-assign]
    EmbeddedStore._follow_search = _left_out  # type: ignore[method-assign]
    EmbeddedStore._catch_up_search = _left_out  # type: ignore[method-assign]
    from newsgraph.cli import main as newsgraph

    newsgraph()


if __name__ == "__main__":
    main()
