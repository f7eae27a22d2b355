"""Content negotiation: one pure function over the Accept header.

>>> choose_format("text/csv;q=0.5, application/sparql-results+json", ["application/sparql-results+xml", "application/sparql-results+json", "text/csv"])
'application/sparql-results+json'
>>> choose_format("text/*;q=0.9, */*;q=0.1", ["application/sparql-results+json", "text/csv"])
'text/csv'
>>> choose_format("image/png", ["text/turtle"]) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    params: tuple[tuple[str, str], ...]

    @property
    def specificity(self) -> int:
        if self.type == "*":
            return 0
        if self.subtype == "*":
            return 1
        return 2 + len(self.params)

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        return (self.type in ("*", kind)) and (self.subtype in ("*", sub))


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed parts are skipped."""
    ranges = []
    for part in header.split(","):
        pieces = [piece.strip() for piece in part.split(";")]
        kind, slash, sub = pieces[0].lower().partition("/")
        if not slash or not kind or not sub:
            if pieces[0] == "*":
                kind, sub = "*", "*"
            else:
                continue
        q = 1.0
        params = []
        for piece in pieces[1:]:
            name, _, value = piece.partition("=")
            name, value = name.strip().lower(), value.strip().strip('"')
            if name == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
            elif name:
                params.append((name, value))
        ranges.append(MediaRange(kind, sub, q, tuple(params)))
    return ranges


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The q-value the most specific matching range gives ``media_type`` (0 when none)."""
    best: MediaRange | None = None
    for media_range in ranges:
        if media_range.matches(media_type) and (
            best is None or media_range.specificity > best.specificity
        ):
            best = media_range
    return best.q if best else 0.0


def choose_format(accept: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the client prefers; ties go to the server's order.

    No Accept header (or an empty one) accepts the first offered type; None means 406.
    """
    if not offered:
        return None
    if accept is None or not accept.strip():
        return offered[0]
    ranges = parse_accept(accept)
    if not ranges:
        return offered[0]
    scored = [
        (quality(ranges, media_type), -index, media_type)
        for index, media_type in enumerate(offered)
    ]
    q, _, media_type = max(scored)
    return media_type if q > 0 else None
