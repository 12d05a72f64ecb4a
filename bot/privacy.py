"""Chat pseudonyms: a keyed hash of (platform, chat id) whose key never sits in the files it keys.

Telegram chat ids have at most 10 digits: a plain or salted hash stored next to its salt is reversed by
trying them all. The key lives in its own file (mode 0600) beside the data, or comes from K57_LOG_SALT.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path

from answers.types import ChatContext

KEY_NAME = "chat_key"
# 9 or more digits, possibly split by spaces, dots or dashes: phone numbers, ID card numbers.
# Dates ("30/6/2026"), years and document numbers ("57-NQ/TW") have fewer digits in a run.
_PHONE = re.compile(r"(?<![\w/])\+?\d(?:[ .\-]?\d){8,}(?![\w/])")


def scrub(text: str, mark: str = "[số]") -> str:
    """The text with phone-number-like digit runs replaced by mark."""
    return _PHONE.sub(mark, text)


def scrub_context(context: ChatContext) -> ChatContext:
    """A chat context fit to store: the user's wording without phone numbers.

    The mark holds no word: the next question is read against this one, and "[số]" ("number") in it
    would read as a question about a count."""
    return replace(context, question=scrub(context.question, "…"), label=scrub(context.label, "…"))


class KeyFileError(ValueError):
    """The key file exists but cannot be a key (the message says what to do, in Vietnamese)."""


@dataclass(frozen=True)
class ChatKey:
    """chat_key(platform, chat_id) -> a 32-hex-digit pseudonym, stable for one key."""
    secret: bytes = field(repr=False)

    def __call__(self, platform: str, chat_id: int | str) -> str:
        return hmac.new(self.secret, f"{platform}\x1f{chat_id}".encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    @classmethod
    def beside(cls, path: Path | str) -> ChatKey:
        """The key for a SQLite file opened without one: the key file in its folder (a fresh random key
        for an in-memory database)."""
        if str(path) == ":memory:":
            return cls(secrets.token_hex(32).encode("ascii"))
        return cls.load(Path(path).parent)

    @classmethod
    def load(cls, folder: Path | str, secret: str | None = None) -> ChatKey:
        """The key from secret (K57_LOG_SALT) when given, else from folder/chat_key, created once."""
        if secret:
            return cls(secret.encode("utf-8"))
        path = Path(folder) / KEY_NAME
        if not path.exists():
            _create_key_file(path)
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, 0o600)       # a copy made with a loose umask: tighten rather than refuse
        secret = path.read_bytes().strip()
        if len(secret) < 32:
            raise KeyFileError(f"tệp khoá '{path}' bị hỏng (quá ngắn). Hãy chép lại bản sao lưu của nó; chỉ xoá "
                               "nó khi chấp nhận dữ liệu cũ không còn gắn với cuộc trò chuyện nào")
        return cls(secret)


def legacy_hash(salt: bytes, platform: str, chat_id: int | str) -> str:
    """The question log's hash before keyed hashes (salt kept in the log itself); used once, to migrate."""
    return hashlib.sha256(salt + f"\x1f{platform}\x1f{chat_id}".encode("utf-8")).hexdigest()[:32]


def _create_key_file(path: Path) -> None:
    """Write a fresh key atomically with mode 0600; if another process won the race, keep its key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)
