"""The HTTP side of a remote store: queries through SPARQLWrapper, everything else through httpx.

Both paths share the credentials (:mod:`auth`), the timeouts and the retry policy
(:mod:`retry`), and turn every failure into a :class:`~graph.errors.NewsgraphError` whose
message names the URL (never with credentials) and the server's own words, redacted.
"""

from __future__ import annotations

import http.client
import math
import re
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from typing import IO

import httpx
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from graph.errors import NewsgraphError, QueryError, QueryTimeout, StoreError
from graph.store.remote import auth
from graph.store.remote.auth import Credentials
from graph.store.remote.retry import (
    RETRY_STATUSES,
    RetryPolicy,
    TransientFailure,
    retry_after_seconds,
    with_retries,
)

USER_AGENT = "newsgraph"
CONNECT_TIMEOUT = 10.0
Params = Sequence[tuple[str, str]]


class TooLarge(StoreError):
    """The server refused a request body as too large (HTTP 413 or its own words)."""


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def text(self, limit: int = 500) -> str:
        """The server's message: plain text, JSON ``message``, or the text of an HTML page."""
        text = self.body[:20_000].decode("utf-8", errors="replace")
        if "html" in self.media_type or text.lstrip().startswith("<"):
            text = re.sub(r"(?s)<(script|style|title|head)\b.*?</\1>", " ", text)
            text = re.sub(r"<[^>]+>", " ", text)
        text = " ".join(text.split())
        return text[:limit]


class Connection:
    """Sends requests to one remote store with its credentials, timeout and retry policy."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        timeout: float = 300.0,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.credentials = credentials
        self.timeout = timeout
        self.policy = policy or RetryPolicy()
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout)),
            headers={"User-Agent": USER_AGENT, **auth.headers(credentials)},
            auth=auth.httpx_auth(credentials),
        )

    def close(self) -> None:
        self._client.close()

    def redact(self, text: str) -> str:
        return self.credentials.redact(text)

    # -- httpx: updates, Graph Store Protocol, probes ----------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        idempotent: bool,
        params: Params = (),
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Reply:
        """One request, retried per the policy; any final status is returned as a :class:`Reply`."""

        def send() -> Reply:
            try:
                response = self._client.request(
                    method,
                    url,
                    params=list(params),
                    content=content,
                    headers=dict(headers or {}),
                    timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
                )
            except httpx.HTTPError as error:
                raise self._transient(error) from None
            reply = Reply(response.status_code, response.headers, response.content)
            self._raise_if_busy(reply)
            return reply

        try:
            return with_retries(send, what=what, idempotent=idempotent, policy=self.policy)
        except TransientFailure as failure:
            raise self._gave_up(what, failure) from None

    @contextmanager
    def stream(
        self, url: str, *, what: str, params: Params = (), accept: str
    ) -> Iterator[tuple[Reply, Iterator[bytes]]]:
        """A GET whose body is read in chunks (retried only until the response starts)."""

        def open_stream() -> httpx.Response:
            try:
                request = self._client.build_request(
                    "GET", url, params=list(params), headers={"Accept": accept}
                )
                response = self._client.send(request, stream=True)
            except httpx.HTTPError as error:
                raise self._transient(error) from None
            if response.status_code in RETRY_STATUSES:
                response.close()
                raise TransientFailure(
                    f"HTTP {response.status_code}",
                    sent=True,
                    retry_after=retry_after_seconds(response.headers.get("retry-after")),
                )
            return response

        try:
            response = with_retries(open_stream, what=what, idempotent=True, policy=self.policy)
        except TransientFailure as failure:
            raise self._gave_up(what, failure) from None
        try:
            head = Reply(response.status_code, response.headers, b"")
            if not head.ok:
                response.read()
                yield Reply(response.status_code, response.headers, response.content), iter(())
            else:
                yield head, self._chunks(response, what)
        finally:
            response.close()

    def _chunks(self, response: httpx.Response, what: str) -> Iterator[bytes]:
        try:
            yield from response.iter_bytes()
        except httpx.HTTPError as error:
            raise StoreError(f"{what} broke off: {self.redact(_describe(error))}") from None

    # -- SPARQLWrapper: queries ------------------------------------------------------------------

    def query(
        self,
        url: str,
        text: str,
        *,
        form: str,
        accept: str,
        what: str,
        params: Params = (),
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        timeout: float | None = None,
        retry_timeouts: bool = False,
    ) -> Reply:
        """A SPARQL query sent with SPARQLWrapper (POST, form-encoded), retried per the policy."""
        wrapper = SPARQLWrapper(url, agent=USER_AGENT)
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)
        wrapper.setReturnFormat(JSON)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # its own query-type sniffing warns on DEFINE etc.
            wrapper.setQuery(text)
        wrapper.queryType = form  # decided by newsgraph's tokenizer: never sent as an update
        wrapper.setTimeout(math.ceil(timeout or self.timeout))
        for name, value in params:
            wrapper.addParameter(name, value)
        for graph in default_graphs:
            wrapper.addDefaultGraph(graph)
        for graph in named_graphs:
            wrapper.addNamedGraph(graph)
        for name, value in auth.headers(self.credentials).items():
            wrapper.addCustomHttpHeader(name, value)
        wrapper.addCustomHttpHeader("Accept", accept)
        seconds = timeout or self.timeout

        def send() -> Reply:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # it warns on Accept headers we replace anyway
                request = wrapper._createRequest()  # SPARQLWrapper builds it; we open it
            opener = auth.urllib_opener(self.credentials, [url])
            try:
                with opener.open(request, timeout=seconds) as response:
                    reply = Reply(response.status, _lower(response.headers), response.read())
            except urllib.error.HTTPError as error:
                reply = Reply(error.code, _lower(error.headers), _read(error))
            except urllib.error.URLError as error:
                raise TransientFailure(
                    self.redact(_describe(error.reason)),
                    sent=False,
                    timeout=isinstance(error.reason, TimeoutError),
                ) from None
            except (TimeoutError, http.client.HTTPException, ConnectionError) as error:
                raise TransientFailure(
                    self.redact(_describe(error)),
                    sent=True,
                    timeout=isinstance(error, TimeoutError),
                ) from None
            except ValueError as error:  # urllib's digest handler on a scheme it cannot answer
                raise StoreError(f"{what}: {self.redact(str(error))}") from None
            self._raise_if_busy(reply)
            return reply

        try:
            return with_retries(
                send,
                what=what,
                idempotent=True,
                policy=self.policy,
                retry_timeouts=retry_timeouts,
            )
        except TransientFailure as failure:
            raise self._gave_up(what, failure) from None

    # -- failures --------------------------------------------------------------------------------

    @staticmethod
    def _raise_if_busy(reply: Reply) -> None:
        if reply.status in RETRY_STATUSES:
            raise TransientFailure(
                f"HTTP {reply.status} {reply.text(200)}".strip(),
                sent=True,
                retry_after=retry_after_seconds(reply.headers.get("retry-after")),
            )

    def _transient(self, error: httpx.HTTPError) -> TransientFailure:
        not_sent = isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
        return TransientFailure(
            self.redact(_describe(error)),
            sent=not not_sent,
            timeout=isinstance(error, httpx.TimeoutException),
        )

    def _gave_up(self, what: str, failure: TransientFailure) -> NewsgraphError:
        message = f"{what} failed: {failure.reason}"
        if failure.timeout:
            return QueryTimeout(self.redact(message))
        return StoreError(self.redact(message))

    def error(self, reply: Reply, what: str) -> NewsgraphError:
        """The error for a final non-2xx reply, in the user's terms."""
        said = self.redact(reply.text())
        if reply.status == 400:
            return QueryError(self.redact(f"{what}: the server refused it: {said}"))
        if reply.status == 401:
            hint = (
                "it refused the credentials"
                if self.credentials.any
                else "set NEWSGRAPH_STORE_USER and NEWSGRAPH_STORE_PASSWORD, or NEWSGRAPH_STORE_TOKEN"
            )
            return StoreError(self.redact(f"{what}: the server asks for credentials; {hint}"))
        if reply.status == 403:
            return StoreError(self.redact(f"{what}: forbidden (HTTP 403): {said}"))
        if reply.status == 413:
            return TooLarge(self.redact(f"{what}: request too large (HTTP 413): {said}"))
        return StoreError(self.redact(f"{what}: HTTP {reply.status}: {said}"))


def _describe(error: BaseException | str) -> str:
    if isinstance(error, str):
        return error
    text = str(error).split("\n")[0][:300]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _lower(headers: Mapping[str, str] | Message | None) -> dict[str, str]:
    return {key.lower(): value for key, value in (headers or {}).items()}


def _read(error: urllib.error.HTTPError) -> bytes:
    try:
        return error.read()
    except OSError:
        return b""


def copy_stream(chunks: Iterator[bytes], output: IO[bytes]) -> int:
    """Write every chunk to ``output``; return the bytes written."""
    written = 0
    for chunk in chunks:
        output.write(chunk)
        written += len(chunk)
    return written


__all__ = ["USER_AGENT", "Connection", "Reply", "TooLarge", "copy_stream"]
