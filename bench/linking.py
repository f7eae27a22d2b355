"""Linking benchmark: B-cubed precision, recall and F1 on the N3 corpora (News-100, German;
RSS-500 and Reuters-128, English), order independence, and what linking adds to the ingest
time of the Reuters-21578 corpus.

Run from the repository root::

    .venv/bin/python -m bench.linking            # quality (three N3 corpora) and timing (Reuters)
    .venv/bin/python -m bench.linking --quality  # quality only
    .venv/bin/python -m bench.linking --quality --corpus News-100

Reuters-128 is read from ``corpus-n3-reuters128.jsonl`` (the stories with their Reuters
titles); News-100 and RSS-500 from the collection's NIF files (:mod:`bench.n3`). The gold
clustering takes each distinct (article, mention) of ``x_n3.entity_links`` to its
DBpedia IRI (the one mention with no IRI is left out; a mention linked twice in one article
keeps its first IRI). newsgraph's clustering takes it to the entity IRI that the store gives
that name in that article: one of the article's ``schema:mentions`` whose names include it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsgraph.ingest import Ingester  # noqa: E402
from newsgraph.linking import Linker, LinkSummary  # noqa: E402
from newsgraph.linking.normalise import normalise  # noqa: E402
from newsgraph.settings import load_settings  # noqa: E402
from newsgraph.store import EmbeddedStore, Store  # noqa: E402

from bench.n3 import CORPORA, read_nif  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
N3 = SHARED / "corpus-n3-reuters128.jsonl"
N3_COLLECTION = SHARED / "n3-collection"
REUTERS = SHARED / "corpus-reuters21578.jsonl"
BASE = "http://localhost:8000/"

Item = tuple[str, str]


def b_cubed(
    gold: Mapping[Item, Hashable], system: Mapping[Item, Hashable]
) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of ``system`` against ``gold`` over gold's items.

    >>> b_cubed({("a", "x"): 1, ("a", "y"): 1}, {("a", "x"): "e", ("a", "y"): "f"})
    (1.0, 0.5, 0.6666666666666666)
    """
    items = list(gold)
    by_gold: dict[Hashable, set[Item]] = defaultdict(set)
    by_system: dict[Hashable, set[Item]] = defaultdict(set)
    for item in items:
        by_gold[gold[item]].add(item)
        by_system[system[item]].add(item)
    precision = recall = 0.0
    for item in items:
        same_gold, same_system = by_gold[gold[item]], by_system[system[item]]
        shared = len(same_gold & same_system)
        precision += shared / len(same_system)
        recall += shared / len(same_gold)
    precision, recall = precision / len(items), recall / len(items)
    return precision, recall, 2 * precision * recall / (precision + recall)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def gold_clusters(records: list[dict[str, Any]]) -> dict[Item, str]:
    gold: dict[Item, str] = {}
    for record in records:
        article = BASE + "article/" + record["slug"]
        for link in record["x_n3"]["entity_links"]:
            item = (article, " ".join(link["mention"].split()))
            if link["uri"] and item not in gold:
                gold[item] = link["uri"]
    return gold


def stored_clusters(store: Store) -> dict[Item, str]:
    """(article, name as given) → entity IRI, read back from the store."""
    forms: dict[str, set[str]] = defaultdict(set)
    for row in store.select(
        "PREFIX schema: <http://schema.org/> SELECT ?e ?n WHERE { GRAPH ?g {"
        " { ?e schema:name ?n } UNION { ?e schema:alternateName ?n } } }"
    ):
        forms[row["e"].value].add(row["n"].value)  # type: ignore[union-attr]
    mentions: dict[str, list[str]] = defaultdict(list)
    names: dict[str, list[str]] = defaultdict(list)
    for row in store.select(
        "PREFIX schema: <http://schema.org/> PREFIX ng: <https://w3id.org/newsgraph/ns#>"
        " SELECT ?a ?e WHERE { GRAPH ?a { ?a schema:mentions ?e FILTER NOT EXISTS"
        " { ?a ng:foundInText ?e } } }"
    ):
        mentions[row["a"].value].append(row["e"].value)  # type: ignore[union-attr]
    for row in store.select(
        "PREFIX ng: <https://w3id.org/newsgraph/ns#> SELECT ?a ?n WHERE { GRAPH ?a { ?a ng:entityName ?n } }"
    ):
        names[row["a"].value].append(row["n"].value)  # type: ignore[union-attr]
    clusters = {}
    for article, given in names.items():
        for name in given:
            owners = sorted(e for e in mentions[article] if name in forms[e])
            clusters[(article, name)] = owners[0] if owners else f"unlinked:{name}"
    return clusters


def ingest_into(
    path: Path, records: list[dict[str, Any]], *, linker: Linker | None = None
) -> tuple[EmbeddedStore, Any]:
    source = path.parent / f"{path.name}.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    settings = load_settings(store=str(path), base=BASE)
    store = EmbeddedStore(path, write=True, base=BASE)
    ingester = Ingester(store, settings)
    if linker is not None:
        ingester.linker = linker
    summary = ingester.run([str(source)])
    return store, summary


class NoLinker(Linker):
    """The baseline for timing: no linking at all (no cache, no store-wide pass)."""

    def prepare(self, store: Store, *, verify: bool = False) -> None:
        return None

    def written(self, rows: object) -> None:
        return None

    def unchanged(self, rows: object) -> None:
        return None

    def finish(self, store: Store, **options: object) -> LinkSummary:
        return LinkSummary()

    def close(self) -> None:
        return None


def quality(records: list[dict[str, Any]], workdir: Path) -> dict[str, Any]:
    gold = gold_clusters(records)
    exact = {item: normalise(item[1]) for item in gold}
    forward, _ = ingest_into(workdir / "forward", records)
    backward, _ = ingest_into(workdir / "reverse", list(reversed(records)))
    with forward, backward:
        ours, reverse = stored_clusters(forward), stored_clusters(backward)
    p, r, f = b_cubed(gold, {item: ours[item] for item in gold})
    bp, br, bf = b_cubed(gold, exact)
    return {
        "items": len(gold),
        "precision": p, "recall": r, "f1": f,
        "baseline": {"precision": bp, "recall": br, "f1": bf},
        "same_clusters_in_reverse_order": ours == reverse,
    }  # fmt: skip


def timing(records_path: Path, workdir: Path) -> dict[str, float]:
    records = read_jsonl(records_path)
    started = time.perf_counter()
    store, summary = ingest_into(workdir / "timed-linked", records)
    linked = time.perf_counter() - started
    store.close()
    started = time.perf_counter()
    store, _ = ingest_into(
        workdir / "timed-unlinked", records, linker=NoLinker(load_settings(base=BASE).minter)
    )
    unlinked = time.perf_counter() - started
    store.close()
    return {
        "articles": len(records),
        "ingest_with_linking_s": linked,
        "of_which_store_wide_pass_s": summary.linking_seconds,
        "ingest_without_linking_s": unlinked,
        "linking_adds_s": linked - unlinked,
    }


def corpus_records(name: str) -> list[dict[str, Any]]:
    """The records of one N3 corpus (see the module docstring)."""
    if name == "Reuters-128":
        return read_jsonl(N3)
    filename, lang = CORPORA[name]
    return read_nif(N3_COLLECTION / filename, name, lang)


def summary_line(name: str, q: Mapping[str, Any]) -> str:
    base = q["baseline"]
    return (
        f"N3 {name} B-cubed over {q['items']} mentions: P {q['precision']:.3f} "
        f"R {q['recall']:.3f} F1 {q['f1']:.3f} (exact names: P {base['precision']:.3f} "
        f"R {base['recall']:.3f} F1 {base['f1']:.3f}); "
        f"reverse order gives the same clusters: {q['same_clusters_in_reverse_order']}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quality", action="store_true", help="skip the timing run")
    parser.add_argument(
        "--corpus",
        action="append",
        choices=sorted(CORPORA),
        help="only this N3 corpus (repeatable)",
    )
    args = parser.parse_args(argv)
    if not N3.exists() or not N3_COLLECTION.exists():
        print(
            f"{SHARED} lacks the N3 corpora: the benchmark reads the shared data", file=sys.stderr
        )
        return 2
    names = args.corpus or list(CORPORA)
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            workdir = Path(tmp) / name
            workdir.mkdir()
            result[name] = quality(corpus_records(name), workdir)
            print(summary_line(name, result[name]), flush=True)
        if not args.quality and REUTERS.exists():
            result["reuters21578"] = timing(REUTERS, Path(tmp))
    if "reuters21578" in result:
        t = result["reuters21578"]
        print(
            f"Reuters-21578 ({t['articles']} articles): ingest with linking "
            f"{t['ingest_with_linking_s']:.1f} s (store-wide pass {t['of_which_store_wide_pass_s']:.1f} s), "
            f"without linking {t['ingest_without_linking_s']:.1f} s: linking adds "
            f"{t['linking_adds_s']:.1f} s"
        )
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
