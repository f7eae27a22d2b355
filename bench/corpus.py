"""A deterministic synthetic news corpus in the records' layout (``../shared/seed``).

Sizes follow the real corpora: bodies are log-normal around Reuters-21578's median (about
1,000 characters, mean about 1,300); entities per article average about three, drawn from a
Zipf distribution over a pool of named entities (so a few are in most stories and most are
rare); surface forms vary (aliases, acronyms, titled surnames) as they do between writers.
About one record in seven are web articles with the seed's fields (url, summary, updated_at,
canonical_source, alternates); the rest are wire stories with the Reuters fields.

Generation streams: records are made one at a time from a seeded :class:`random.Random`, so
one million articles never sit in memory, and the same seed and size give byte-identical files
(gzip output carries no time stamp or file name).

>>> records = list(generate(3, seed=7))
>>> [sorted(r) == sorted(records[0]) for r in records]
[True, True, True]
>>> records == list(generate(3, seed=7))
True
"""

from __future__ import annotations

import bisect
import gzip
import io
import json
import math
import random
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from bench.names import CITIES, TOPICS, Entity, entity_pool, publisher_hosts

__all__ = ["SIZES", "CorpusSpec", "generate", "parse_size", "pool_size", "write"]

#: Named sizes accepted by ``--size``.
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
#: Bump when the output for a given seed changes (cached corpora are keyed by it).
VERSION = 1
ZIPF_EXPONENT = 1.05
START = datetime(2019, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=7 * 365 + 180)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


WORDS = _words(
    "the government said on monday that it would review the proposal after talks with "
    "officials in the capital where ministers met to discuss energy prices trade and the "
    "budget for next year analysts expect growth to slow as demand weakens while exports "
    "rose by percent in the third quarter according to figures released by the statistics "
    "office the agreement covers investment in infrastructure ports and railways and sets "
    "targets for emissions a spokesman declined to comment on the report but added that "
    "negotiations would continue through the summer the committee will publish its findings "
    "before the vote the company reported higher profit despite rising costs and said it "
    "plans to expand production shares closed higher on the news the delegation welcomed "
    "reforms to strengthen accountability and the rule of law observers noted a record "
    "turnout in several regions"
)
VERBS = (
    "said", "announced", "warned", "confirmed", "welcomed", "criticised", "signed", "rejected",
    "proposed", "approved", "reported", "denied", "urged", "praised", "questioned",
)  # fmt: skip
OBJECTS = (
    "a new agreement on trade", "the draft budget", "plans for a pipeline", "the election results",
    "talks on security", "a review of the sanctions", "a package of reforms", "the merger",
    "the quarterly figures", "new rules for banks", "a ceasefire proposal", "the climate targets",
)  # fmt: skip
NUMBERS = ("1.2", "3.5", "4.8", "12", "27", "150", "2,300", "0.75", "9.1", "64")


def parse_size(text: str) -> int:
    """``10k``, ``100k``, ``1m`` or a plain count.

    >>> parse_size("100k"), parse_size("2500")
    (100000, 2500)
    """
    lowered = text.strip().lower()
    if lowered in SIZES:
        return SIZES[lowered]
    match = re.fullmatch(r"(\d+)([km]?)", lowered)
    if not match:
        raise ValueError(f"size {text!r}: expected a count such as 2500, 10k, 100k or 1m")
    count = int(match.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2)]
    if count <= 0:
        raise ValueError(f"size {text!r}: must be at least 1")
    return count


def pool_size(articles: int) -> int:
    """Distinct entities for a corpus: grows like the square root of its size (≥ 300)."""
    return max(300, int(50 * math.sqrt(articles)))


class CorpusSpec:
    """What a corpus of ``size`` articles from ``seed`` draws from: entities, topics, hosts."""

    def __init__(self, size: int, seed: int) -> None:
        self.size = size
        self.seed = seed
        rng = random.Random(f"newsgraph-bench-pool-{seed}-{size}")
        self.entities: list[Entity] = entity_pool(rng, pool_size(size))
        self.hosts = publisher_hosts(rng)
        self._entity_cdf = _zipf_cdf(len(self.entities))
        self._topic_cdf = _zipf_cdf(len(TOPICS))

    def entity(self, rng: random.Random) -> Entity:
        return self.entities[bisect.bisect_left(self._entity_cdf, rng.random())]

    def topic(self, rng: random.Random) -> str:
        return TOPICS[bisect.bisect_left(self._topic_cdf, rng.random())]


def _zipf_cdf(count: int) -> list[float]:
    weights = [1.0 / (rank**ZIPF_EXPONENT) for rank in range(1, count + 1)]
    total = sum(weights)
    cumulative, running = [], 0.0
    for weight in weights:
        running += weight / total
        cumulative.append(running)
    cumulative[-1] = 1.0
    return cumulative


def _pick(rng: random.Random, items: tuple[str, ...] | list[str]) -> str:
    return items[int(rng.random() * len(items))]


def _count(rng: random.Random, mean: float, low: int, high: int) -> int:
    """A geometric-like count with the given mean, clamped to [low, high]."""
    value = low + int(-math.log(1.0 - rng.random()) * (mean - low))
    return min(high, value)


def _surface(rng: random.Random, entity: Entity) -> str:
    if entity.aliases and rng.random() < 0.2:
        return _pick(rng, entity.aliases)
    return entity.name


def _sentence(rng: random.Random, subject: str | None) -> str:
    words = [_pick(rng, WORDS) for _ in range(6 + int(rng.random() * 14))]
    if rng.random() < 0.3:
        words.insert(int(rng.random() * len(words)), _pick(rng, NUMBERS))
    filler = " ".join(words)
    if subject:
        return f"{subject} {_pick(rng, VERBS)} {_pick(rng, OBJECTS)}, and {filler}."
    return f"{filler[0].upper()}{filler[1:]}."


def _body(
    rng: random.Random, title: str, names: list[str], hosts: list[str], moment: datetime
) -> str:
    target = min(12_000, max(200, int(math.exp(6.7 + 0.6 * _normal(rng)))))
    paragraphs = [f"# {title}"]
    dateline = f"{_pick(rng, CITIES).upper()}, {moment.strftime('%b')} {moment.day} - "
    length = 0
    while length < target:
        sentences = []
        for _ in range(1 + int(rng.random() * 4)):
            subject = _pick(rng, names) if names and rng.random() < 0.4 else None
            sentences.append(_sentence(rng, subject))
        paragraph = " ".join(sentences)
        if rng.random() < 0.08 and names:
            name = _pick(rng, names)
            link = f"https://{_pick(rng, hosts)}/{name.lower().replace(' ', '-')}"
            paragraph += f" See [{name}]({link})."
        if rng.random() < 0.04:
            paragraph = f"**{_pick(rng, OBJECTS).capitalize()}.** {paragraph}"
        paragraphs.append(paragraph)
        length += len(paragraph)
    paragraphs[1] = dateline + paragraphs[1]
    return "\n\n".join(paragraphs)


def _normal(rng: random.Random) -> float:
    """A standard normal variate from two uniforms (Box–Muller), stable across Python versions."""
    u1 = 1.0 - rng.random()
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * rng.random())


def _title(rng: random.Random, names: list[str]) -> str:
    subject = names[0] if names else _pick(rng, CITIES)
    title = f"{subject} {_pick(rng, VERBS)} {_pick(rng, OBJECTS)} in {_pick(rng, CITIES)}"
    if rng.random() < 0.4:
        title += f" after {_pick(rng, OBJECTS)}"
    return title


def _stamp(moment: datetime, micro: bool) -> str:
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    if micro:
        text += f".{moment.microsecond:06d}"
    return text + "+00:00"


def _slug(title: str, index: int) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].rstrip("-")
    return f"{words}-{index:07d}"


def record(spec: CorpusSpec, index: int) -> dict[str, Any]:
    """Article number ``index`` of the corpus (a pure function of spec, seed and index)."""
    rng = random.Random(spec.seed * 1_000_003 + index)
    chosen: dict[str, Entity] = {}
    for _ in range(_count(rng, 3.2, 1, 12)):
        entity = spec.entity(rng)
        chosen.setdefault(entity.name, entity)
    names = [_surface(rng, entity) for entity in chosen.values()]
    topics: list[str] = []
    if rng.random() < 0.6:
        topics = list(dict.fromkeys(spec.topic(rng) for _ in range(1 + int(rng.random() * 3))))
    title = _title(rng, names)
    slug = _slug(title, index)
    moment = START + SPAN * ((index + rng.random()) / max(1, spec.size))
    moment = moment.replace(microsecond=int(rng.random() * 1_000_000))
    web = rng.random() < 0.15
    host = _pick(rng, spec.hosts)
    url = f"https://{host}/news/{slug}" if web else None
    summary = " ".join(_sentence(rng, None) for _ in range(2)) if web else None
    updated = (
        moment + timedelta(minutes=1 + int(rng.random() * 600))
        if web and rng.random() < 0.6
        else None
    )
    canonical = (
        f"https://{_pick(rng, spec.hosts)}/{slug}-{int(rng.random() * 16**6):06x}"
        if web and rng.random() < 0.5
        else None
    )
    alternates = {}
    if web and rng.random() < 0.3:
        alternates = {
            "html": url,
            "markdown": f"{url}.md",
            "text": f"{url}.txt",
            "jsonld": f"{url}.jsonld",
        }
    return {
        "slug": slug,
        "title": title,
        "summary": summary,
        "body_md": _body(rng, title, names, spec.hosts, moment),
        "url": url,
        "canonical_source": canonical,
        "published_at": _stamp(moment, micro=False),
        "updated_at": _stamp(updated, micro=True) if updated else None,
        "lang": "en",
        "topics": topics,
        "entities": names,
        "alternates": alternates,
    }


def generate(size: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    """The ``size`` records of the corpus, one at a time."""
    spec = CorpusSpec(size, seed)
    for index in range(size):
        yield record(spec, index)


def write(path: Path | str, size: int, seed: int = 1) -> Path:
    """Write the corpus as JSON Lines (gzip-compressed when the name ends in ``.gz``)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with open(partial, "wb") as raw:
        stream: IO[bytes] = raw
        if target.name.endswith(".gz"):
            stream = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6)
        with io.TextIOWrapper(stream, encoding="utf-8", newline="\n") as text:
            for item in generate(size, seed):
                text.write(json.dumps(item, ensure_ascii=False))
                text.write("\n")
    partial.replace(target)
    return target
