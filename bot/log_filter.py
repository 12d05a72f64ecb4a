"""Keep bot tokens and chat payloads out of logs.

httpx and aiohttp log request URLs, which contain the token; python-telegram-bot's debug lines dump
whole updates and API parameters, which contain chat ids and message text.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable

# Telegram tokens look like 123456789:AAH...; Zalo Bot tokens share the "<digits>:<secret>" shape.
_TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{16,}")
MASK = "<TOKEN>"
# Loggers that print request URLs or errors carrying them.
NOISY_LOGGERS = ("httpx", "httpcore", "telegram", "telegram.ext", "aiohttp.access",
                 "aiohttp.client", "aiohttp.server", "aiohttp.web", "apscheduler", "bot")
_PAYLOAD_LOGGERS = {"telegram", "aiohttp", "bot"}


def _scalar(value: object) -> bool:
    return value is None or isinstance(value, (str, int, float))


class TokenMaskFilter(logging.Filter):
    """Rewrites a record's message (and traceback text) with every token replaced by <TOKEN>; on the
    transports' loggers, an argument that is a payload (an update, API parameters or results: dicts,
    lists, objects) is logged as its type alone."""

    def __init__(self, tokens: Iterable[str] = ()):
        super().__init__()
        self.tokens = tuple(t for t in tokens if isinstance(t, str) and t)

    def mask(self, text: str) -> str:
        for token in self.tokens:
            text = text.replace(token, MASK)
        return _TOKEN_SHAPE.sub(MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        if (record.name.split(".")[0] in _PAYLOAD_LOGGERS and isinstance(record.args, tuple)
                and not all(_scalar(a) for a in record.args)):
            record.args = tuple(a if _scalar(a) else f"<{type(a).__name__}>" for a in record.args)
        try:
            message = record.getMessage()
        except Exception:   # a broken format string is not ours to fix; leave the record alone
            return True
        masked = self.mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        return True


def install_token_filter(*tokens: str | Iterable[str]) -> TokenMaskFilter:
    """Attach one mask filter to the noisy loggers and to every root handler already configured.

    Accepts tokens as arguments or as one list: install_token_filter(a, b) or ([a, b]).

    Logger filters only see records created on that logger, handler filters see everything the
    handler prints; both are needed because run_bot.py may configure handlers before or after.
    """
    flat = [t for item in tokens for t in ([item] if isinstance(item, str) else item)]
    flt = TokenMaskFilter(flat)
    for name in NOISY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, TokenMaskFilter) and f.tokens == flt.tokens for f in logger.filters):
            logger.addFilter(flt)
    for handler in logging.getLogger().handlers:
        handler.addFilter(flt)
    return flt
