"""Retrying calls to a chat platform's API (tenacity), shared by the Telegram and Zalo transports."""
from __future__ import annotations

import logging
from collections.abc import Callable

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

log = logging.getLogger(__name__)


def _wait(backoff: float) -> Callable[[RetryCallState], float]:
    """The server's retry_after when it gave one (flood control), else exponential backoff."""
    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        after = getattr(exc, "retry_after", None)
        if after is not None:
            return float(after) + 0.1
        return backoff * 2 ** (state.attempt_number - 1)
    return wait


def api_retrying(transient: Callable[[BaseException], bool], retries: int, backoff: float,
                 what: str) -> AsyncRetrying:
    """Retry a coroutine up to `retries` more times while it raises a transient error; the last error
    is raised as is. Usage: await api_retrying(...)(function, *args)."""
    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        # the exception's text may carry a URL (and so a token): its type is enough
        log.warning("%s: %s, retrying (attempt %d)", what, type(exc).__name__, state.attempt_number)

    return AsyncRetrying(retry=retry_if_exception(transient), stop=stop_after_attempt(retries + 1),
                         wait=_wait(backoff), reraise=True, before_sleep=before_sleep)
