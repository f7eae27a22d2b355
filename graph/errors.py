"""One error hierarchy for newsgraph. The API maps these to one JSON body; the CLI to one line."""

from __future__ import annotations


class NewsgraphError(Exception):
    """Base class: a problem the user can act on; its message is shown as is."""

    #: The HTTP status the API answers with.
    status = 500
    #: A short stable code for the JSON error body.
    code = "internal"


class ConfigError(NewsgraphError):
    """A setting has a bad value; the message names the key and the value."""

    status = 500
    code = "config"


class RecordError(NewsgraphError):
    """One input record is invalid. ``location`` is ``FILE:LINE`` or ``FILE[index]``."""

    status = 400
    code = "bad-record"

    def __init__(self, location: str, field: str | None, message: str) -> None:
        self.location = location
        self.field = field
        self.message = message
        where = f"{location}: {field}: " if field else f"{location}: "
        super().__init__(where + message)


class StoreError(NewsgraphError):
    status = 503
    code = "store"


class StoreLocked(StoreError):
    """Another process holds the store for writing (or serves it)."""

    code = "store-locked"


class StoreNotFound(StoreError):
    """The path given as the store holds no store (only ingest and load make one)."""

    status = 404
    code = "store-not-found"


class QueryError(NewsgraphError):
    """A malformed or refused SPARQL request."""

    status = 400
    code = "bad-query"


class QueryRefused(QueryError):
    """A query or update asks for something this endpoint does not allow."""

    status = 403
    code = "refused"


class QueryTimeout(NewsgraphError):
    status = 503
    code = "timeout"


class NotFound(NewsgraphError):
    status = 404
    code = "not-found"


class NotAcceptable(NewsgraphError):
    status = 406
    code = "not-acceptable"


class UnsupportedMediaType(NewsgraphError):
    status = 415
    code = "unsupported-media-type"


class ExportError(NewsgraphError):
    """An export, dump or validation cannot proceed (bad directory, unreadable document)."""

    status = 400
    code = "export"
