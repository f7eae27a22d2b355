"""Credentials for a remote store, and keeping them out of every message.

A server asks for credentials with a ``401`` and a ``WWW-Authenticate`` challenge; newsgraph
answers with HTTP Basic or Digest, whichever it asks for (Digest when it offers both), and
never sends a password before it is asked. A bearer token, when configured, goes with every
request. Credentials may also come from the URL (``http://user:pass@host/sparql``): they are
taken out of it at once, and the URL is only ever shown without them.

>>> split_userinfo("https://ann:s%40cret@db.example/sparql")
('https://db.example/sparql', 'ann', 's@cret')
>>> Credentials(user="ann", password="s@cret").redact("auth failed for ann:s@cret")
'auth failed for ann:***'
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Generator
from dataclasses import dataclass, field
from urllib.parse import quote

import httpx
from newsgraph.settings import split_userinfo

MASK = "***"
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s]*@")


@dataclass(frozen=True)
class Credentials:
    """What to authenticate with; ``repr`` and :meth:`redact` never show the secrets."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)

    @property
    def any(self) -> bool:
        return bool(self.token or self.user)

    def secrets(self) -> list[str]:
        """Every form in which a secret could show up in a message."""
        found: list[str] = []
        for secret in (self.password, self.token):
            if secret:
                found += [secret, quote(secret, safe=""), quote(secret)]
        if self.user and self.password:
            pair = f"{self.user}:{self.password}".encode()
            found.append(base64.b64encode(pair).decode("ascii"))
        return sorted({s for s in found if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """``text`` with every secret and every URL's userinfo masked."""
        for secret in self.secrets():
            text = text.replace(secret, MASK)
        return _USERINFO.sub(lambda match: match.group(1) + MASK + "@", text)


def challenge_scheme(challenges: list[str]) -> str | None:
    """``digest`` or ``basic`` from ``WWW-Authenticate`` headers (Digest preferred), else None.

    >>> challenge_scheme(['Basic realm="x"', 'Digest realm="x", nonce="n"'])
    'digest'
    >>> challenge_scheme(['Negotiate']) is None
    True
    """
    schemes = {
        match.group(1).lower()
        for header in challenges
        for match in re.finditer(r"(?:^|,)\s*([A-Za-z][\w-]*)(?=\s+[\w-]+=|\s*$|\s*,)", header)
    }
    for scheme in ("digest", "basic"):
        if scheme in schemes:
            return scheme
    return None


class ChallengeAuth(httpx.Auth):
    """httpx authentication that answers the server's challenge with Basic or Digest.

    The scheme the server asked for is remembered: Basic is then sent up front, Digest reuses
    its last challenge (one round trip per request after the first).
    """

    requires_request_body = True

    def __init__(self, credentials: Credentials) -> None:
        user, password = credentials.user or "", credentials.password or ""
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self._scheme: str | None = None
        self._lock = threading.Lock()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        with self._lock:
            scheme = self._scheme
        if scheme == "digest":
            yield from self._digest.auth_flow(request)
            return
        if scheme == "basic":
            yield from self._basic.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        scheme = challenge_scheme(response.headers.get_list("www-authenticate"))
        if scheme is None:
            return
        with self._lock:
            self._scheme = scheme
        flow = self._digest if scheme == "digest" else self._basic
        yield from flow.auth_flow(request)


def httpx_auth(credentials: Credentials) -> httpx.Auth | None:
    """The httpx auth for user/password credentials (a token is a plain header)."""
    if credentials.user and not credentials.token:
        return ChallengeAuth(credentials)
    return None


def headers(credentials: Credentials) -> dict[str, str]:
    """Headers every request carries: the bearer token, if any."""
    return {"Authorization": f"Bearer {credentials.token}"} if credentials.token else {}


__all__ = [
    "MASK",
    "ChallengeAuth",
    "Credentials",
    "challenge_scheme",
    "headers",
    "httpx_auth",
    "split_userinfo",
]
