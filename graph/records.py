"""The input record model, its validation, and a valid record prepared for the later stages.

:func:`prepare` is ingest's validate stage: one decoded value in, one :class:`Prepared` out (or a
:class:`RecordError`). A prepared record carries what every later stage reads of it, each made
once: its digest (``ng:recordHash``) and its body's plain text (the mapping's ``articleBody``
and the text linking reads).

A record has the layout of ``../shared/seed/``. Validation is strict where data would be lost or
unsafe and lenient where the real corpora differ (nulls, extra ``x_`` keys). Normalisations,
documented in the README:

* a date without a time zone is read as UTC; a date alone (``2026-06-27``) as midnight UTC;
* control characters other than tab, newline and carriage return are removed from text, and
  unpaired surrogates become U+FFFD, so that every serialisation (XML included) can carry it;
* surrounding whitespace is trimmed from single-line fields; blank strings count as absent;
* ``topics`` and ``entities`` drop blanks and repeats, keeping the first spelling.

Limits, so that one hostile record cannot stall an ingest or flood a terminal: a text field
holds at most :data:`MAX_TEXT_BYTES`; ``topics``, ``entities``, ``alternates``, ``image`` and
``author`` at most :data:`MAX_ITEMS` items each; messages quote at most 100 characters of a bad
value, with control characters escaped.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from newsgraph import markdown
from newsgraph.errors import RecordError
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

KNOWN_FIELDS = frozenset(
    {
        "slug", "title", "summary", "body_md", "url", "canonical_source", "published_at",
        "updated_at", "lang", "topics", "entities", "alternates", "image", "author",
    }
)  # fmt: skip

SLUG_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{1,200}$")
LANG_PATTERN = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_UNCARRIABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_URL_UNSAFE = re.compile(r'[\s<>"{}|\\^`]')
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_\-]{1,100}")
MAX_TEXT_BYTES = 2_000_000
#: Most items in one list field (the largest real record names 35 entities).
MAX_ITEMS = 500
_SHOWN = 100


def shown(value: object) -> str:
    r"""A value quoted for a message: control characters escaped, at most 100 characters.

    >>> print(shown("ok"), shown("\x1b[2J"), shown("x" * 150)[-19:])
    'ok' '\x1b[2J' '… (150 characters)
    """
    text = value if isinstance(value, str) else str(value)
    if len(text) <= _SHOWN:
        return repr(text)
    return f"{text[:_SHOWN]!r}… ({len(text):,} characters)"


def _check_count(items: list[Any] | dict[Any, Any]) -> None:
    if len(items) > MAX_ITEMS:
        raise ValueError(f"{len(items):,} items; a record holds at most {MAX_ITEMS:,}")


def clean_text(value: str) -> str:
    """Remove characters no RDF serialisation can carry.

    >>> clean_text("a\\x00b\\x1bc\\td")
    'abc\\td'
    """
    # Every character the patterns remove is unprintable: a printable text (line breaks aside)
    # is returned without searching it.
    if value.isprintable() or (
        "\t" not in value and "\r" not in value and value.replace("\n", " ").isprintable()
    ):
        return value
    if not _UNCARRIABLE.search(value):
        return value
    if _SURROGATE.search(value):
        value = _SURROGATE.sub("\ufffd", value)
    return _CONTROL.sub("", value)


def parse_datetime(value: str) -> datetime:
    """ISO 8601 or ``YYYY-MM-DD HH:MM:SS[.ffffff][±HH:MM]``; no zone means UTC.

    >>> parse_datetime("2026-06-27 13:02:00+00:00").isoformat()
    '2026-06-27T13:02:00+00:00'
    >>> parse_datetime("1987-02-26 15:01:01.790000").isoformat()
    '1987-02-26T15:01:01.790000+00:00'
    """
    text = value.strip()
    if _DATE_ONLY.match(text):
        text += "T00:00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not an ISO 8601 date-time: {shown(value)}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def check_http_url(value: str) -> str:
    text = value.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an absolute http(s) URL: {shown(value)}")
    if _URL_UNSAFE.search(text):
        raise ValueError(f"URL contains characters not allowed in an IRI: {shown(value)}")
    return text


def _optional_text(value: Any, *, single_line: bool) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"must be a string, not {type(value).__name__}")
    # A character takes at most four bytes: short texts need no encoding to be measured.
    if (
        len(value) * 4 > MAX_TEXT_BYTES
        and len(value.encode("utf-8", "surrogatepass")) > MAX_TEXT_BYTES
    ):
        raise ValueError(f"longer than the limit of {MAX_TEXT_BYTES:,} bytes")
    if single_line and value.isprintable() and _spaced_once(value):
        return value or None  # nothing to remove or to join (a name, a headline)
    value = clean_text(value)
    if single_line:
        value = " ".join(value.split())
    return value if value.strip() else None


def _spaced_once(text: str) -> bool:
    """Whether the spaces of a printable text (its only whitespace) are single and inside it."""
    return not text.startswith(" ") and not text.endswith(" ") and "  " not in text


class Author(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    url: str | None = None

    @field_validator("url", mode="before")
    @classmethod
    def _url(cls, value: Any) -> str | None:
        return None if value is None else check_http_url(str(value))


class Record(BaseModel):
    """A validated news record."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    slug: str
    title: str
    published_at: datetime
    summary: str | None = None
    body_md: str | None = None
    url: str | None = None
    canonical_source: str | None = None
    updated_at: datetime | None = None
    lang: str | None = None
    topics: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    alternates: dict[str, str] = {}
    image: tuple[str, ...] = ()
    author: tuple[Author, ...] = ()

    @field_validator("slug", mode="before")
    @classmethod
    def _slug(cls, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"must be a string, not {type(value).__name__}")
        if not SLUG_PATTERN.match(value) or ".." in value or value.startswith("."):
            raise ValueError(
                f"{shown(value)} is not a safe path segment "
                "(letters, digits, '-', '_', '.'; no '/' or '..'; at most 200 characters)"
            )
        return value

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, value: Any) -> str:
        text = _optional_text(value, single_line=True)
        if text is None:
            raise ValueError("must not be empty")
        return text

    @field_validator("summary", mode="before")
    @classmethod
    def _summary(cls, value: Any) -> str | None:
        return _optional_text(value, single_line=False)

    @field_validator("body_md", mode="before")
    @classmethod
    def _body(cls, value: Any) -> str | None:
        return _optional_text(value, single_line=False)

    @field_validator("published_at", "updated_at", mode="before")
    @classmethod
    def _date(cls, value: Any) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError(f"must be a date-time string, not {type(value).__name__}")
        return parse_datetime(value)

    @field_validator("url", "canonical_source", mode="before")
    @classmethod
    def _url(cls, value: Any) -> str | None:
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise ValueError(f"must be a string, not {type(value).__name__}")
        return check_http_url(value)

    @field_validator("lang", mode="before")
    @classmethod
    def _lang(cls, value: Any) -> str | None:
        if value is None or value == "":
            return None
        if not isinstance(value, str) or not LANG_PATTERN.match(value):
            raise ValueError(f"not a language tag such as 'en' or 'pt-BR': {shown(value)}")
        return value

    @field_validator("topics", "entities", mode="before")
    @classmethod
    def _names(cls, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise ValueError(f"must be a list of strings, not {type(value).__name__}")
        _check_count(value)
        seen: dict[str, None] = {}
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise ValueError(f"item {index} must be a string, not {type(item).__name__}")
            name = _optional_text(item, single_line=True)
            if name and name not in seen:
                seen[name] = None
        return tuple(seen)

    @field_validator("alternates", mode="before")
    @classmethod
    def _alternates(cls, value: Any) -> dict[str, str]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ValueError(f"must be an object of format → URL, not {type(value).__name__}")
        _check_count(value)
        checked = {}
        for key, url in value.items():
            if not isinstance(url, str):
                raise ValueError(f"{shown(key)} must be a URL string, not {type(url).__name__}")
            try:
                checked[str(key)] = check_http_url(url)
            except ValueError as error:
                raise ValueError(f"{shown(key)}: {error}") from None
        return checked

    @field_validator("image", mode="before")
    @classmethod
    def _image(cls, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        items = value if isinstance(value, list) else [value]
        _check_count(items)
        urls = []
        for item in items:
            url = item.get("url") if isinstance(item, dict) else item
            if not isinstance(url, str):
                raise ValueError("must be a URL, an object with 'url', or a list of them")
            urls.append(check_http_url(url))
        return tuple(urls)

    @field_validator("author", mode="before")
    @classmethod
    def _author(cls, value: Any) -> tuple[Author, ...]:
        if value is None:
            return ()
        items = value if isinstance(value, list) else [value]
        _check_count(items)
        authors = []
        for item in items:
            if isinstance(item, str):
                name = _optional_text(item, single_line=True)
                if name:
                    authors.append(Author(name=name))
            elif isinstance(item, dict) and isinstance(item.get("name"), str):
                name = _optional_text(item["name"], single_line=True)
                if name:
                    authors.append(Author(name=name, url=item.get("url")))
            else:
                raise ValueError("must be a name, an object with 'name' (and 'url'), or a list")
        return tuple(authors)

    @property
    def modified(self) -> datetime:
        """The version of this record: updated_at, else published_at."""
        return self.updated_at or self.published_at


def unknown_fields(raw: dict[str, Any]) -> list[str]:
    r"""Keys that are neither part of the layout nor ``x_`` extensions (they are ignored), as
    they may be shown: quoted when they hold anything but letters, digits, ``-`` and ``_``, and
    cut after 100 characters.

    >>> print(*unknown_fields({"slug": "s", "x_note": 1, "extra": 2, "\x1b[2J": 3}))
    '\x1b[2J' extra
    """
    if KNOWN_FIELDS.issuperset(raw):
        return []  # the common case
    names = sorted(str(k) for k in raw if k not in KNOWN_FIELDS and not str(k).startswith("x_"))
    return [name if _PLAIN_KEY.fullmatch(name) else shown(name) for name in names]


def validate(raw: Any, location: str) -> Record:
    """Validate one decoded JSON value; raise :class:`RecordError` naming the first bad field."""
    if not isinstance(raw, dict):
        raise RecordError(location, None, f"a record must be a JSON object, not {_kind(raw)}")
    try:
        return Record.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "missing":
            message = "is required"
        raise RecordError(location, field, message) from None


def _kind(value: Any) -> str:
    return {list: "an array", str: "a string", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def record_hash(record: Record) -> str:
    """A digest of the validated record: equal records, equal digests
    (``tests/test_records.py``)."""
    canonical = record.model_dump_json(exclude_none=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Prepared:
    """A valid record with what the later stages read of it, each made once.

    >>> prepared = prepare({"slug": "s", "title": "T", "published_at": "2026-01-02",
    ...                     "body_md": "# Head\\n\\nSee [x](https://x.example/)."}, "f.jsonl:1")
    >>> prepared.text, prepared.digest == record_hash(prepared.record)
    ('Head\\n\\nSee x.', True)
    """

    record: Record
    #: Where the record came from (``FILE:LINE`` or ``FILE:INDEX``).
    location: str
    #: :func:`record_hash` of the record: its version's identity.
    digest: str
    #: The body as plain text (:func:`graph.markdown.to_text`); empty for a record without one.
    text: str
    #: Unknown keys the record carried (ignored, with a warning): :func:`unknown_fields`.
    ignored: tuple[str, ...]


def prepare(raw: Any, location: str) -> Prepared:
    """Validate one decoded JSON value and prepare it; raise :class:`RecordError` naming the
    first bad field (``tests/test_records.py``)."""
    record = validate(raw, location)
    text = markdown.to_text(record.body_md) if record.body_md else ""
    return Prepared(record, location, record_hash(record), text, tuple(unknown_fields(raw)))
