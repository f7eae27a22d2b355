"""The HTTP side of a remote store: one httpx client for every request, one auth path.

Queries (the SPARQL 1.1 Protocol's form-encoded POST), updates, Graph Store Protocol requests
and probes all go through :class:`Connection`: one pooled :class:`httpx.Client` with the
credentials (:mod:`auth`), the timeouts and the retry policy (:mod:`retry`). Every failure
becomes a :class:`~graph.errors.NewsgraphError` whose message names the URL (never with
credentials) and the server's own words, redacted.

Why queries do not go through SPARQLWrapper here, although it is newsgraph's SPARQL client
(``newsgraph query --endpoint``, :mod:`graph.sparql.client`): its public API sends through urllib
with an opener of its own — for Digest it installs one process-wide — sends Basic credentials
before the server asks, raises error statuses as exceptions without their headers (so no
``Retry-After``, no ``Server``), and neither retries nor streams. The store needs each of
those, and one auth path for queries and writes alike (``tests/test_remote.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from newsgraph.errors import NewsgraphError, QueryError, QueryTimeout, StoreError
from newsgraph.store.remote import auth
from newsgraph.store.remote.auth import Credentials
from newsgraph.store.remote.retry import (
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
        """The server's message: plain text, JSON ``message``, or the text of an HTML page;
        where it quotes the query, without the ``DEFINE`` clauses newsgraph put before the
        user's text (:mod:`.dialects`), which would fill the ``limit`` and hide the query
        (``tests/test_remote.py::test_a_refused_query_is_quoted_without_newsgraphs_prelude``).

        >>> Reply(400, {}, b"Error SP031: no bif:x SPARQL query: DEFINE input:default-graph-"
        ...       b"exclude <http://g/1> define input:named-graph-exclude <http://g/1> "
        ...       b"SELECT * {}").text()
        'Error SP031: no bif:x SPARQL query: SELECT * {}'
        """
        text = self.body[:20_000].decode("utf-8", errors="replace")
        if "html" in self.media_type or text.lstrip().startswith("<"):
            text = re.sub(r"(?s)<(script|style|title|head)\b.*?</\1>", " ", text)
            text = re.sub(r"<[^>]+>", " ", text)
        text = _PRELUDE.sub("", text)
        text = " ".join(text.split())
        return text[:limit]


#: The ``DEFINE`` clauses a dialect puts before a query (:mod:`.dialects`), as a server that
#: quotes the query it refused writes them.
_PRELUDE = re.compile(
    r'(?i)\bdefine\s+(?:input:(?:default|named)-graph-exclude\s+<[^>\s]*>|sql:describe-mode\s+"CBD")\s*'
)


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
            timeout=self._timeout(),
            headers={"User-Agent": USER_AGENT, **auth.headers(credentials)},
            auth=auth.httpx_auth(credentials),
        )

    def close(self) -> None:
        self._client.close()

    def refuse_compression(self) -> None:
        """Ask for every answer as it is (``Accept-Encoding: identity``) from now on."""
        self._client.headers["Accept-Encoding"] = "identity"

    def redact(self, text: str) -> str:
        return self.credentials.redact(text)

    # -- requests --------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        idempotent: bool,
        params: Params = (),
        form: Params = (),
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        retry_timeouts: bool = True,
    ) -> Reply:
        """One request, retried per the policy; any final status is returned as a :class:`Reply`.

        ``form`` is sent as an ``application/x-www-form-urlencoded`` body (repeated names
        kept); ``timeout`` replaces the connection's for reading (connecting keeps its own);
        ``retry_timeouts=False`` gives up on a read that timed out (see :mod:`retry`).
        """
        data: dict[str, list[str]] = {}
        for name, value in form:
            data.setdefault(name, []).append(value)

        def send() -> Reply:
            try:
                response = self._client.request(
                    method,
                    url,
                    params=list(params),
                    data=data or None,
                    content=content,
                    headers=dict(headers or {}),
                    timeout=self._timeout(timeout),
                )
            except httpx.HTTPError as error:
                raise self._transient(error) from None
            reply = Reply(response.status_code, response.headers, response.content)
            self._raise_if_busy(reply)
            return reply

        try:
            return with_retries(
                send,
                what=what,
                idempotent=idempotent,
                policy=self.policy,
                retry_timeouts=retry_timeouts,
            )
        except TransientFailure as failure:
            raise self._gave_up(what, failure) from None

    def _timeout(self, seconds: float | None = None) -> httpx.Timeout:
        """``seconds`` (else the connection's timeout) for each read; at most 10 s to connect."""
        seconds = seconds or self.timeout
        return httpx.Timeout(seconds, connect=min(CONNECT_TIMEOUT, seconds))

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
                if response.status_code in RETRY_STATUSES:
                    response.read()  # the server's words, for the message; it closes the stream
            except httpx.HTTPError as error:
                raise self._transient(error) from None
            if response.status_code in RETRY_STATUSES:
                self._raise_if_busy(Reply(response.status_code, response.headers, response.content))
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


def _describe(error: BaseException) -> str:
    text = str(error).split("\n")[0][:300]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


__all__ = ["USER_AGENT", "Connection", "Reply", "TooLarge"]
