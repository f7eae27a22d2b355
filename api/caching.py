"""HTTP validators for cacheable GETs: ETag and Last-Modified tied to the store's snapshot.

Every write publishes a new snapshot generation (see ``graph/store/snapshots.py``), so a
response computed from one generation stays valid until the next: its ETag is a digest of the
generation and of everything else the answer depends on (the query, the dataset, the chosen
format, the limits). A client revalidating with If-None-Match gets ``304 Not Modified`` without
the query being run again. ETags are weak (``W/``): the same answer may travel gzip-compressed
or not.

Dates are another matter. Last-Modified has whole seconds, and two writes in one second publish
two generations with the same Last-Modified, so a date alone may not tell the client's copy from
the current answer (RFC 9110 §8.8.2.2: a date is a strong validator only when the origin "has
reliable knowledge that the representation did not change twice during the second covered by
the presented validator"). The rule here, enforced by ``tests/test_conditional_dates.py``:

    If-Modified-Since answers 304 only when its date is *exactly* the Last-Modified of the
    generation the answer comes from, and that generation is known to be the only one published
    in its second — the generation before it (names are sequential) was published in an earlier
    second, or there is none (each snapshot's lock file notes when the one before it was
    published: :attr:`graph.store.snapshots.Version.alone`). Where that is not known (a store
    of an earlier layout), the date is not trusted: 200, and the ETag still revalidates.

Why it is safe: a date this server sends names the second of one generation's publication. If
the client's copy came from generation *g* with that second *D*, and the current one *c* has
second *D* too, then *g* is *c* or was published before *c* within *D*; publication times rise
with the names, so the generation just before *c* would then also lie in *D* — which the rule
excludes. So the client's copy is *c*'s. Exact equality (which RFC 9110 §13.1.3 lets a server
choose) keeps dates the server never sent — a later date, a client's clock — from answering 304.
It assumes that publication times do not go backwards (a clock set back can make any
Last-Modified lie); and a client that revalidates with the Date of a response rather than its
Last-Modified (RFC 9110 §13.1.3 mentions caches that do, for responses without one) is not
covered: every response here carries Last-Modified.

>>> tag = etag("000042.17c", "ASK {}", "application/sparql-results+json")
>>> tag.startswith('W/"') and tag == etag("000042.17c", "ASK {}", "application/sparql-results+json")
True
>>> matches('"abc", W/"def"', 'W/"def"'), matches('"abc"', 'W/"def"'), matches("*", 'W/"x"')
(True, False, True)
"""

from __future__ import annotations

import hashlib
import math
from datetime import UTC
from email.utils import formatdate, parsedate_to_datetime
from functools import lru_cache

from newsgraph.store.snapshots import Version
from starlette.datastructures import Headers

#: Revalidate before every reuse: answers change whenever the store does.
CACHE_CONTROL = "public, no-cache"


def digest(*parts: object) -> str:
    """A short digest of everything an answer depends on besides the data."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=12).hexdigest()


def etag(generation: str, *parts: object) -> str:
    return f'W/"{digest(generation, *parts)}"'


@lru_cache(maxsize=64)
def http_date(timestamp: float) -> str:
    return formatdate(timestamp, usegmt=True)


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def matches(if_none_match: str, tag: str) -> bool:
    """Weak comparison of an If-None-Match header with ``tag``."""
    wanted = _opaque(tag)
    candidates = [c for c in if_none_match.split(",") if c.strip()]
    return any(c.strip() == "*" or _opaque(c) == wanted for c in candidates)


def names_tag(headers: Headers, tag: str) -> bool:
    """Whether If-None-Match lists ``tag`` itself (not ``*``): the client holds an answer this
    server gave, so the request is one that succeeded before.

    >>> names_tag(Headers({"if-none-match": '"a", W/"b"'}), 'W/"b"'), names_tag(Headers({"if-none-match": "*"}), 'W/"b"')
    (True, False)
    """
    if_none_match = headers.get("if-none-match")
    if if_none_match is None:
        return False
    wanted = _opaque(tag)
    return any(_opaque(c) == wanted for c in if_none_match.split(",") if c.strip())


def not_modified(headers: Headers, tag: str, version: Version | None) -> bool:
    """Whether the client's copy is current (If-None-Match first, as RFC 9110 orders).

    If-Modified-Since counts only when its date is exactly the second ``version`` was published
    in and no other version was published in that second (:attr:`Version.alone`: see the
    module's rule); without a version, a date never answers 304.

    >>> since = Headers({"if-modified-since": http_date(1_700_000_000.5)})
    >>> not_modified(since, 'W/"t"', Version("000002", "t", 1_700_000_000.9, alone=True))
    True
    >>> not_modified(since, 'W/"t"', None)  # nothing says the date names one version
    False
    >>> not_modified(since, 'W/"t"', Version("000002", "t", 1_700_000_000.9, alone=False))
    False
    """
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        return matches(if_none_match, tag)
    since = headers.get("if-modified-since")
    if not since or version is None or not version.alone:
        return False
    try:
        date = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if date.tzinfo is None:  # an HTTP-date is in GMT (asctime's form carries no zone)
        date = date.replace(tzinfo=UTC)
    return date.timestamp() == math.floor(version.modified)


def validators(tag: str, modified: float | None) -> dict[str, str]:
    headers = {"ETag": tag, "Cache-Control": CACHE_CONTROL}
    if modified is not None:
        headers["Last-Modified"] = http_date(modified)
    return headers
