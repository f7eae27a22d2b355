"""Retries with exponential backoff, for requests that are safe to send again.

A request that never reached the server (refused connection, connect timeout) is always sent
again. One that may have reached it (read timeout, dropped connection, 502/503/504/429) is
sent again only when it is idempotent: queries, graph replacements, Graph Store PUT and
DELETE, and additions without blank nodes — running those twice leaves the store as running
them once. A user's own SPARQL Update is not retried after it may have reached the server, and
a query that timed out is not sent again (it would most likely time out again, at the
server's expense).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

log = logging.getLogger("newsgraph.store")

T = TypeVar("T")

#: Statuses that say "try again later" (the request may or may not have been applied).
RETRY_STATUSES = frozenset({429, 502, 503, 504})


class TransientFailure(Exception):
    """A failure that another attempt may not meet; the message is already redacted."""

    def __init__(
        self,
        reason: str,
        *,
        sent: bool,
        timeout: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        #: Whether the request may have reached the server.
        self.sent = sent
        self.timeout = timeout
        self.retry_after = retry_after


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts in all, and the backoff between them (doubling, with jitter)."""

    attempts: int = 4
    backoff: float = 0.5
    max_backoff: float = 10.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 1)."""
        base = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        wait = base * (0.5 + random.random() / 2)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_backoff))
        return wait


def retry_after_seconds(value: str | None) -> float | None:
    """The ``Retry-After`` header in seconds, when given as a number."""
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def with_retries(
    send: Callable[[], T],
    *,
    what: str,
    idempotent: bool,
    policy: RetryPolicy,
    retry_timeouts: bool = True,
) -> T:
    """``send()``, again after a :class:`TransientFailure` while the policy allows.

    Raises the last :class:`TransientFailure` when giving up.
    """
    attempt = 1
    while True:
        try:
            return send()
        except TransientFailure as failure:
            may_retry = not failure.sent or (idempotent and (retry_timeouts or not failure.timeout))
            if not may_retry or attempt >= policy.attempts:
                raise
            wait = policy.delay(attempt, failure.retry_after)
            log.warning(
                "%s failed (%s); attempt %d of %d in %.1f s",
                what,
                failure.reason,
                attempt + 1,
                policy.attempts,
                wait,
            )
            time.sleep(wait)
            attempt += 1


__all__ = [
    "RETRY_STATUSES",
    "RetryPolicy",
    "TransientFailure",
    "retry_after_seconds",
    "with_retries",
]
