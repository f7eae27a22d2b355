"""One settings object. Every setting is an environment variable ``NEWSGRAPH_<NAME>`` and, where it
makes sense, a command-line flag ``--<name>``; flags win over the environment.

Each field's description is the documentation: ``newsgraph settings`` prints them and
``tests/test_settings.py`` fails when the table in docs/settings.md misses one.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from newsgraph.errors import ConfigError
from newsgraph.vocab.namespaces import DEFAULT_BASE, Minter
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSGRAPH_", extra="forbid", frozen=True)

    store: str = Field(
        ".newsgraph",
        description="Store: a directory for the embedded store, or the http(s) URL of a SPARQL "
        "query endpoint for a remote one.",
    )
    base: str = Field(
        DEFAULT_BASE,
        description="Base IRI under which article, entity and topic IRIs are minted; the "
        "server dereferences the paths under it.",
    )
    host: str = Field("127.0.0.1", description="Address `newsgraph serve` listens on.")
    port: int = Field(8000, ge=0, le=65535, description="Port `newsgraph serve` listens on.")
    query_timeout: float = Field(
        30.0, gt=0, description="Seconds after which a query is stopped (its worker is killed)."
    )
    row_limit: int = Field(
        10_000,
        ge=0,
        description="Most result rows (or triples) one response carries; 0 for no limit. A "
        "truncated response says so in the `NewsGraph-Truncated` header.",
    )
    max_request_bytes: int = Field(
        1_000_000, gt=0, description="Largest request body the server accepts (else 413)."
    )
    query_workers: int = Field(
        0,
        ge=0,
        description="Query worker processes of the server; 0 means one per CPU core.",
    )
    allow_update: bool = Field(
        False, description="Accept SPARQL Update on /sparql (needs NEWSGRAPH_UPDATE_TOKEN)."
    )
    update_token: SecretStr | None = Field(
        None, description="Bearer token that SPARQL Update requests must present."
    )
    allow_service: bool = Field(
        False,
        description="Allow SERVICE (federated queries); loopback and private addresses stay "
        "refused.",
    )
    request_timeout: float = Field(
        20.0,
        gt=0,
        description="Seconds a client has to send the head of a request (request line and "
        "headers; else 408 and the connection is closed), and again its body (else 408).",
    )
    batch_size: int = Field(
        10_000,
        gt=0,
        description="Records mapped and written per batch (an ingest is one unit of writes whatever its batches).",
    )
    ingest_workers: int = Field(
        0,
        ge=0,
        description="Processes that validate and map records during ingest; 0 means one per "
        "CPU core, or, into a remote store served from this machine (a loopback URL), 1: the "
        "server needs those cores. 1 maps every record in the ingesting process (the same store "
        "either way).",
    )
    handed_ingest_bytes: int = Field(
        32 * 1024 * 1024,
        ge=0,
        description="An ingest of files of at most this many bytes into a store that "
        "`newsgraph serve` owns is run by the server, which holds the linking tables at hand; "
        "larger ones borrow its store (the same store either way). 0 always borrows.",
    )
    rejects: str | None = Field(
        None,
        description="File that rejected records are appended to (default: rejects.jsonl in "
        "the store directory, or ./newsgraph-rejects.jsonl for a remote store).",
    )
    update_url: str | None = Field(
        None, description="Remote store: SPARQL Update endpoint (default: the store URL)."
    )
    store_user: str | None = Field(None, description="Remote store: user name (Basic/Digest).")
    store_password: SecretStr | None = Field(None, description="Remote store: password.")
    store_token: SecretStr | None = Field(None, description="Remote store: bearer token.")
    graph_store_url: str | None = Field(
        None,
        description="Remote store: Graph Store Protocol endpoint for bulk writes and dumps "
        "(default: found by probing the server; `none` never to use one).",
    )
    store_dialect: Literal["auto", "generic", "oxigraph", "virtuoso"] = Field(
        "auto",
        description="Remote store: which server it is (default: read from its Server header).",
    )
    store_staging: str | None = Field(
        None,
        description="Remote store: a directory newsgraph writes N-Quads files to and the server "
        "reads them from, at the same path (Virtuoso: listed in DirsAllowed); new graphs are "
        "then bulk-loaded from it (default: none, sent over HTTP).",
    )
    store_timeout: float = Field(
        300.0, gt=0, description="Remote store: seconds to wait for one request to the server."
    )
    store_retries: int = Field(
        3,
        ge=0,
        description="Remote store: attempts after the first for a request that failed on the "
        "way (idempotent requests only, with exponential backoff).",
    )
    search_index: str | None = Field(
        None,
        description="Remote store: the directory of newsgraph's full-text index of it, fed by "
        "newsgraph's writes and checked against the server's before each search (default: one "
        "per store URL under $XDG_STATE_HOME/newsgraph/search, ~/.local/state/newsgraph/search "
        "when unset; `none` keeps no index, and searches are refused). An embedded store keeps "
        "its index in STORE/search/.",
    )

    result_cache_bytes: int = Field(
        64 * 1024 * 1024,
        ge=0,
        description="Memory for the answers of recent queries, reused until the store changes; "
        "0 turns the cache off.",
    )
    compact_after: float = Field(
        10.0,
        ge=0,
        description="Seconds without writes after which the server compacts a store that bulk "
        "loads (an ingest) wrote, and publishes the merged files: scans then read 1.5–2 times "
        "faster. 0 leaves compaction to `newsgraph compact`.",
    )
    query_summaries: bool = Field(
        True,
        description="Answer the named entity queries (entity-articles, entity-comentions, "
        "entity-mentions-per-month) from "
        "per-entity summaries of the store, built in the background after each write; false "
        "leaves every query to the SPARQL engine.",
    )

    @model_validator(mode="before")
    @classmethod
    def _credentials_out_of_urls(cls, data: Any) -> Any:
        """``http://user:password@host/…`` → the URL alone, and the store user and password
        (unless set on their own), so that no URL setting ever holds a secret."""
        if not isinstance(data, dict):
            return data
        for key in ("store", "update_url", "graph_store_url"):
            url = data.get(key)
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                continue
            clean, user, password = split_userinfo(url)
            if clean != url:
                data = {**data, key: clean}
                data.setdefault("store_user", user)
                if password is not None:
                    data.setdefault("store_password", password)
        return data

    @field_validator("store")
    @classmethod
    def _store(cls, value: str) -> str:
        # Path("") is the working directory: an unset shell variable would fill it with a store.
        if not value.strip():
            raise ValueError(
                "is empty: name a directory or a SPARQL endpoint URL (unset it for .newsgraph)"
            )
        return value

    @field_validator("base")
    @classmethod
    def _base(cls, value: str) -> str:
        Minter(value)  # raises ValueError naming the value
        return value

    @property
    def is_remote(self) -> bool:
        return self.store.startswith(("http://", "https://"))

    @property
    def served_here(self) -> bool:
        """Whether the store is a server on this machine: a remote store whose URL names a
        loopback host (``localhost`` or a loopback address; no name is looked up).

        >>> Settings(store="http://127.0.0.1:8890/sparql").served_here
        True
        >>> Settings(store="http://[::1]:8890/sparql").served_here
        True
        >>> Settings(store="https://db.example/sparql").served_here
        False
        >>> Settings(store="/data/store").served_here
        False
        """
        if not self.is_remote:
            return False
        host = (urlsplit(self.store).hostname or "").rstrip(".").lower()
        if host == "localhost" or host.endswith(".localhost"):
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    @property
    def store_path(self) -> Path:
        return Path(self.store)

    @property
    def minter(self) -> Minter:
        return Minter(self.base)

    @property
    def rejects_path(self) -> Path:
        if self.rejects:
            return Path(self.rejects)
        if self.is_remote:
            return Path("newsgraph-rejects.jsonl")
        return self.store_path / "rejects.jsonl"

    @property
    def worker_count(self) -> int:
        return self.query_workers or max(2, os.cpu_count() or 2)


def state_directory(environ: Mapping[str, str] = os.environ) -> Path:
    """The user's state directory for newsgraph: ``$XDG_STATE_HOME/newsgraph``, or
    ``~/.local/state/newsgraph`` when that is unset (what platformdirs' ``user_state_dir``
    gives on Linux).

    >>> state_directory({"XDG_STATE_HOME": "/var/x"}).as_posix()
    '/var/x/newsgraph'
    """
    root = environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(root) / "newsgraph"


def kept_for(url: str, kind: str, state: Path | None = None) -> Path:
    """Where newsgraph keeps its ``kind`` of state for the store at ``url`` (its full-text
    index, its linking cache): a directory named from the URL (readable, and with a digest of
    the whole URL, so that two URLs never share one).

    >>> kept_for("http://127.0.0.1:8890/sparql", "search", Path("/s")).as_posix()
    '/s/search/127.0.0.1-8890-sparql-b94c9de5a57b4d79'
    """
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    readable = re.sub(r"[^A-Za-z0-9.]+", "-", url.split("://", 1)[-1]).strip("-.")[:60]
    return (state or state_directory()) / kind / f"{readable}-{digest}"


def split_userinfo(url: str) -> tuple[str, str | None, str | None]:
    """The URL without ``user:password@``, and the user and password it held.

    >>> split_userinfo("https://ann:s%40cret@db.example/sparql")
    ('https://db.example/sparql', 'ann', 's@cret')
    """
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, has_password, password = userinfo.partition(":")
    clean = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return clean, unquote(user) or None, unquote(password) if has_password else None


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with non-None ``overrides`` (from flags) on top."""
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(**given)
    except ValidationError as error:
        first = error.errors()[0]
        key = str(first["loc"][0]) if first["loc"] else "?"
        env = f"NEWSGRAPH_{key.upper()}"
        value = given.get(key, os.environ.get(env))
        message = first["msg"].removeprefix("Value error, ")
        raise ConfigError(
            f"setting {env} (--{key.replace('_', '-')}) = {value!r}: {message}"
        ) from None
