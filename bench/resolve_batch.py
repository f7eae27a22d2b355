"""A batch's name resolution as the store grows: what one batch of new articles costs the
linking pass's resolution, started from what the last resolution kept, beside a resolution of
the same corpus from scratch in the same run (the baseline), and whether the two agree.

The corpus is the synthetic one (its entity lists and languages; its texts define no acronyms,
so none are read). ``--define SHARE`` gives that share of articles a text that defines the
initials of the first name of several words it lists ("Solomon Islands (SI)"), as
Reuters-21578's texts define acronyms in 693 of 4,104 articles (``--define 0.17``). Each batch
is the corpus's next records (:func:`bench.parts.trickle.new_records`: the same entity pool,
new slugs), resolved in-process as a served store's handed batches are
(:class:`graph.linking.resolve.Since`, the kept parts carried in memory).

Run from the repository root::

    .venv/bin/python -m bench.resolve_batch --size 100k --batches 12
    .venv/bin/python -m bench.resolve_batch --size 1m --batches 8
    .venv/bin/python -m bench.resolve_batch --size 1m --batches 8 --define 0.17
"""

from __future__ import annotations

import argparse
import gc
import gzip
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsgraph import collector  # noqa: E402
from newsgraph.linking import acronyms  # noqa: E402
from newsgraph.linking.authority import Authority, load_authority  # noqa: E402
from newsgraph.linking.evidence import language  # noqa: E402
from newsgraph.linking.resolve import Corpus, Resolution, Since, resolve  # noqa: E402

from bench import corpus  # noqa: E402
from bench.context import CACHE  # noqa: E402
from bench.parts.trickle import new_records  # noqa: E402

ARTICLE = "http://localhost:8000/article/"


def _lists(size: int, seed: int, cache: Path) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """Each article's entity list and language, from the cached corpus (written if missing)."""
    path = cache / f"corpus-{size}-seed{seed}-v{corpus.VERSION}.jsonl.gz"
    if not path.exists():
        corpus.write(path, size, seed)
    lists: dict[str, tuple[str, ...]] = {}
    langs: dict[str, str] = {}
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            article = ARTICLE + record["slug"]
            lists[article] = tuple(dict.fromkeys(record.get("entities") or ()))
            langs[article] = language(record.get("lang"))
    return lists, langs


def _defines(article: str, names: tuple[str, ...], share: float) -> tuple[acronyms.Definition, ...]:
    """What the text of ``article`` defines: the initials of its first name of several
    capitalised words, for ``share`` of articles (picked by a digest of the IRI)."""
    digest = hashlib.blake2b(article.encode(), digest_size=4).digest()
    if int.from_bytes(digest) >= share * 2**32:
        return ()
    for name in names:
        initials = "".join(word[0] for word in name.split() if word[:1].isupper())
        if len(initials) >= 2:
            return tuple(acronyms.definitions(f"said the {name} ({initials}) on"))
    return ()


def _agree(made: Resolution, scratch: Resolution) -> bool:
    return (
        made.entities == scratch.entities
        and made.tables == scratch.tables
        and made.mentions == scratch.mentions
    )


def _run(
    lists: dict[str, tuple[str, ...]],
    langs: dict[str, str],
    authority: Authority,
    options: argparse.Namespace,
    size: int,
) -> tuple[list[float], float, Resolution, Resolution]:
    """The batches' seconds, the median seconds from scratch, the last batch's resolution and
    the one from scratch of the same corpus."""
    definitions = {}
    for article, names in lists.items():
        if found := _defines(article, names, options.define):
            definitions[article] = found
    started = time.perf_counter()
    last = resolve(
        Corpus(lists, definitions=definitions, langs=langs), authority, find_in_text=False
    )
    scratch_seconds = time.perf_counter() - started
    seconds, relinked = [], []
    for number in range(options.batches):
        start = number * options.batch_size
        before = {}
        for record in new_records(size, options.seed, start, options.batch_size):
            article = ARTICLE + record["slug"]
            before[article] = (lists.get(article), langs.get(article, ""))
            lists[article] = tuple(dict.fromkeys(record.get("entities") or ()))
            langs[article] = language(record.get("lang"))
            if found := _defines(article, lists[article], options.define):
                definitions[article] = found
        assert last.kept is not None
        since = Since(last.kept, before)
        started = time.perf_counter()
        last = resolve(
            Corpus(lists, definitions=definitions, langs=langs),
            authority,
            find_in_text=False,
            since=since,
        )
        seconds.append(time.perf_counter() - started)
        assert last.kept is not None and last.kept.components is not None
        relinked.append(last.kept.components.relinked)
        gc.collect()  # between batches, untimed
    started = time.perf_counter()
    scratch = resolve(
        Corpus(lists, definitions=definitions, langs=langs), authority, find_in_text=False
    )
    scratch_again = time.perf_counter() - started
    options.relinked, options.defining = statistics.median(relinked), len(definitions)
    return seconds, statistics.median([scratch_seconds, scratch_again]), last, scratch


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100k", help="10k, 100k, 1m or a number")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batches", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument(
        "--define", type=float, default=0.0, metavar="SHARE",
        help="the share of articles whose text defines an acronym (Reuters-21578: 0.17)",
    )  # fmt: skip
    parser.add_argument("--cache", type=Path, default=CACHE, help="where corpora are kept")
    options = parser.parse_args(argv)
    size = corpus.parse_size(options.size)
    lists, langs = _lists(size, options.seed, options.cache)
    authority = load_authority()
    with collector.paused():  # as the linking pass runs
        seconds, baseline, last, scratch = _run(lists, langs, authority, options, size)
    median = statistics.median(seconds)
    assert last.kept is not None and last.kept.components is not None
    components = last.kept.components.forms_by_component()
    if options.define:
        print(f"{options.defining:,} articles define an acronym in their text")
    print(f"| size | articles | distinct names | components (the largest's names) "
          f"| names linked again a batch (median) | batch of {options.batch_size}, median (spread) "
          "| from scratch | × from scratch | the last batch equals scratch |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    print(
        f"| {options.size} | {len(lists):,} | {len(last.listing):,} | {len(components):,} "
        f"({components[0]}) | {options.relinked:g} | {median:.3f} s "
        f"({min(seconds):.3f}–{max(seconds):.3f}) | {baseline:.2f} s | {baseline / median:.1f} "
        f"| {'yes' if _agree(last, scratch) else 'NO'} |"
    )
    return 0 if _agree(last, scratch) else 1


if __name__ == "__main__":
    raise SystemExit(main())
