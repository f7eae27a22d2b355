"""HTTP validators for cacheable GETs: ETag and Last-Modified tied to the store's snapshot.

Every write publishes a new snapshot generation (see ``graph/store/snapshots.py``), so a
response computed from one generation stays valid until the next: its ETag is a digest of the
generation and of everything else the answer depends on (the query, the dataset, the chosen
format, the limits). A client revalidating with If-None-Match or If-Modified-Since gets
``304 Not Modified`` without the query being run again. ETags are weak (``W/``): the same
answer may travel gzip-compressed or not.

>>> tag = etag("000042.17c", "ASK {}", "application/sparql-results+json")
>>> tag.startswith('W/"') and tag == etag("000042.17c", "ASK {}", "application/sparql-results+json")
True
>>> matches('"abc", W/"def"', 'W/"def"'), matches('"abc"', 'W/"def"'), matches("*", 'W/"x"')
(True, False, True)
"""

from __future__ import annotations

import hashlib
from email.utils import formatdate, parsedate_to_datetime
from functools import lru_cache

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


def not_modified(headers: Headers, tag: str, modified: float | None) -> bool:
    """Whether the client's copy is current (If-None-Match first, as RFC 9110 orders)."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        return matches(if_none_match, tag)
    since = headers.get("if-modified-since")
    if since and modified is not None:
        try:
            return int(modified) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


def validators(tag: str, modified: float | None) -> dict[str, str]:
    headers = {"ETag": tag, "Cache-Control": CACHE_CONTROL}
    if modified is not None:
        headers["Last-Modified"] = http_date(modified)
    return headers
