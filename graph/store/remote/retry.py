"""Which failed requests are sent again, and when: the remote store's retry policy on tenacity.

A request that never reached the server (refused connection, connect timeout) is always sent
again. One that may have reached it (read timeout, dropped connection, 502/503/504/429) is
sent again only when it is idempotent: queries, graph replacements, Graph Store PUT and
DELETE, and additions without blank nodes — running those twice leaves the store as running
them once. A user's own SPARQL Update is not retried after it may have reached the server, and
a query that timed out is not sent again (it would most likely time out again, at the
server's expense). The wait doubles from ``backoff`` up to ``max_backoff``, jittered to between
half and all of it, and is at least what the server asked for in ``Retry-After`` (up to
``max_backoff``).

Tested against real network failures in ``tests/test_remote.py`` (``test_idempotent_requests_…``,
``test_a_user_update_is_not_sent_again…``, ``test_a_slow_query_times_out_without_retries``).

>>> policy = RetryPolicy(attempts=3, backoff=0.0)
>>> sent = []
>>> def busy() -> None:
...     sent.append(1)
...     raise TransientFailure("HTTP 503 busy", sent=True)
>>> def attempts(idempotent: bool) -> int:
...     sent.clear()
...     try:
...         with_retries(busy, what="a request", idempotent=idempotent, policy=policy)
...     except TransientFailure:
...         return len(sent)
>>> attempts(idempotent=True), attempts(idempotent=False)  # the second may have applied
(3, 1)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import tenacity

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

    def wait(self) -> Callable[[tenacity.RetryCallState], float]:
        """tenacity's wait for this policy: ``backoff · 2ⁿ⁻¹`` capped at ``max_backoff``, times a
        random factor in [½, 1] (a fixed half plus a "full jitter" half), or ``Retry-After``
        when that is longer."""
        half, cap = self.backoff / 2, self.max_backoff / 2
        backoff = tenacity.wait_exponential(multiplier=half, max=cap) + (
            tenacity.wait_random_exponential(multiplier=half, max=cap)
        )
        asked = tenacity.wait_exception(self._asked)

        def wait(state: tenacity.RetryCallState) -> float:
            return max(backoff(state), asked(state))

        return wait

    def _asked(self, error: BaseException) -> float:
        retry_after = getattr(error, "retry_after", None)
        return 0.0 if retry_after is None else min(retry_after, self.max_backoff)


def retry_after_seconds(value: str | None) -> float | None:
    """The ``Retry-After`` header in seconds, when given as a number.

    >>> retry_after_seconds("2"), retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT")
    (2.0, None)
    """
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

    Raises the last :class:`TransientFailure` when giving up; any other error at once.
    """

    def may_retry(error: BaseException) -> bool:
        if not isinstance(error, TransientFailure):
            return False
        return not error.sent or (idempotent and (retry_timeouts or not error.timeout))

    def before_sleep(state: tenacity.RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        log.warning(
            "%s failed (%s); attempt %d of %d in %.1f s",
            what,
            getattr(error, "reason", error),
            state.attempt_number + 1,
            policy.attempts,
            state.upcoming_sleep,
        )

    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(policy.attempts),
        wait=policy.wait(),
        retry=tenacity.retry_if_exception(may_retry),
        before_sleep=before_sleep,
        reraise=True,
    )
    return retrying(send)


__all__ = [
    "RETRY_STATUSES",
    "RetryPolicy",
    "TransientFailure",
    "retry_after_seconds",
    "with_retries",
]
