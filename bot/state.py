"""Chat state that must survive restarts: default plans, subscriptions, sent reminders, answer sources."""
from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import time
from dataclasses import asdict
from pathlib import Path

from answers.types import ChatContext, Source

# Sources behind old answers are only needed while the "Xem nguồn" button is likely pressed.
ANSWER_TTL_SECONDS = 30 * 24 * 3600

_SCHEMA = """
CREATE TABLE IF NOT EXISTS chat_plan (
    platform TEXT NOT NULL, chat_id TEXT NOT NULL, slug TEXT NOT NULL,
    PRIMARY KEY (platform, chat_id));
CREATE TABLE IF NOT EXISTS subscriptions (
    platform TEXT NOT NULL, chat_id TEXT NOT NULL, unit TEXT NOT NULL, created REAL NOT NULL,
    PRIMARY KEY (platform, chat_id, unit));
CREATE TABLE IF NOT EXISTS sent_reminders (
    platform TEXT NOT NULL, chat_id TEXT NOT NULL, task_key TEXT NOT NULL, stage TEXT NOT NULL,
    day TEXT NOT NULL, PRIMARY KEY (platform, chat_id, task_key, stage));
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY, platform TEXT NOT NULL, chat_id TEXT NOT NULL, created REAL NOT NULL,
    sources TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS last_answer (
    platform TEXT NOT NULL, chat_id TEXT NOT NULL, key TEXT NOT NULL,
    PRIMARY KEY (platform, chat_id));
CREATE TABLE IF NOT EXISTS callback_values (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chat_context (
    platform TEXT NOT NULL, chat_id TEXT NOT NULL, context TEXT NOT NULL, updated REAL NOT NULL,
    PRIMARY KEY (platform, chat_id));
CREATE TABLE IF NOT EXISTS refused_chats (
    platform TEXT NOT NULL, chat_id TEXT NOT NULL, PRIMARY KEY (platform, chat_id));
"""


class BotState:
    """A small SQLite store shared by the Telegram and Zalo transports (rows keyed by platform)."""

    def __init__(self, path: Path | str):
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Handlers run on the event loop, the reminder job may run elsewhere: one lock, one connection.
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._lock = threading.Lock()
        with self._lock:
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _exec(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    # -- default plan per chat
    def chat_context(self, platform: str, chat_id: int | str) -> ChatContext | None:
        """What the chat's last answer was about (kept across restarts; the answerer ignores it when stale)."""
        rows = self._exec("SELECT context FROM chat_context WHERE platform=? AND chat_id=?", (platform, str(chat_id)))
        return ChatContext.from_json(rows[0][0]) if rows else None

    def set_chat_context(self, platform: str, chat_id: int | str, context: ChatContext | None) -> None:
        if context is None:
            self._exec("DELETE FROM chat_context WHERE platform=? AND chat_id=?", (platform, str(chat_id)))
        else:
            self._exec("INSERT OR REPLACE INTO chat_context VALUES (?, ?, ?, ?)",
                       (platform, str(chat_id), context.to_json(), time.time()))

    def chat_plan(self, platform: str, chat_id: int | str) -> str | None:
        rows = self._exec("SELECT slug FROM chat_plan WHERE platform=? AND chat_id=?",
                          (platform, str(chat_id)))
        return rows[0][0] if rows else None

    def set_chat_plan(self, platform: str, chat_id: int | str, slug: str | None) -> None:
        if slug is None:
            self._exec("DELETE FROM chat_plan WHERE platform=? AND chat_id=?", (platform, str(chat_id)))
        else:
            self._exec("INSERT OR REPLACE INTO chat_plan VALUES (?, ?, ?)", (platform, str(chat_id), slug))

    def forget_plan(self, slug: str) -> None:
        """A removed plan is no longer any chat's default."""
        self._exec("DELETE FROM chat_plan WHERE slug=?", (slug,))

    # -- deadline reminder subscriptions
    def subscribe(self, platform: str, chat_id: int | str, unit: str) -> None:
        self._exec("INSERT OR IGNORE INTO subscriptions VALUES (?, ?, ?, ?)",
                   (platform, str(chat_id), unit, time.time()))

    def unsubscribe(self, platform: str, chat_id: int | str) -> list[str]:
        units = self.units_of(platform, chat_id)
        self._exec("DELETE FROM subscriptions WHERE platform=? AND chat_id=?", (platform, str(chat_id)))
        return units

    def units_of(self, platform: str, chat_id: int | str) -> list[str]:
        rows = self._exec("SELECT unit FROM subscriptions WHERE platform=? AND chat_id=? ORDER BY created",
                          (platform, str(chat_id)))
        return [r[0] for r in rows]

    def subscriptions(self, platform: str) -> list[tuple[str, str]]:
        """(chat_id, unit) pairs, chat ids as stored strings."""
        rows = self._exec("SELECT chat_id, unit FROM subscriptions WHERE platform=? ORDER BY created",
                          (platform,))
        return [(r[0], r[1]) for r in rows]

    def mark_reminder(self, platform: str, chat_id: int | str, task_key: str, stage: str,
                      day: str) -> bool:
        """Record a reminder; False when this (chat, task, stage) was already sent."""
        with self._lock:
            cur = self._db.execute("INSERT OR IGNORE INTO sent_reminders VALUES (?, ?, ?, ?, ?)",
                                   (platform, str(chat_id), task_key, stage, day))
            return cur.rowcount == 1

    def unmark_reminder(self, platform: str, chat_id: int | str, task_key: str, stage: str) -> None:
        """Forget a reminder whose delivery failed, so the next run tries again."""
        self._exec("DELETE FROM sent_reminders WHERE platform=? AND chat_id=? AND task_key=? AND stage=?",
                   (platform, str(chat_id), task_key, stage))

    # -- sources behind answers ("Xem nguồn", /nguon)
    def save_answer_sources(self, platform: str, chat_id: int | str, sources: tuple[Source, ...]) -> str:
        key = secrets.token_hex(6)
        now = time.time()
        payload = json.dumps([asdict(s) for s in sources], ensure_ascii=False)
        with self._lock:
            self._db.execute("DELETE FROM answers WHERE created < ?", (now - ANSWER_TTL_SECONDS,))
            self._db.execute("INSERT INTO answers VALUES (?, ?, ?, ?, ?)",
                             (key, platform, str(chat_id), now, payload))
            self._db.execute("INSERT OR REPLACE INTO last_answer VALUES (?, ?, ?)",
                             (platform, str(chat_id), key))
        return key

    def answer_sources(self, key: str) -> tuple[Source, ...] | None:
        rows = self._exec("SELECT sources FROM answers WHERE key=?", (key,))
        if not rows:
            return None
        return tuple(Source(**{**d, "lines": tuple(d["lines"])}) for d in json.loads(rows[0][0]))

    def last_answer_sources(self, platform: str, chat_id: int | str) -> tuple[Source, ...] | None:
        rows = self._exec("SELECT key FROM last_answer WHERE platform=? AND chat_id=?",
                          (platform, str(chat_id)))
        return self.answer_sources(rows[0][0]) if rows else None

    def forget_answers(self, platform: str, chat_id: int | str) -> None:
        """/xoa_du_lieu: the sources kept behind this chat's answers."""
        with self._lock:
            self._db.execute("DELETE FROM answers WHERE platform=? AND chat_id=?", (platform, str(chat_id)))
            self._db.execute("DELETE FROM last_answer WHERE platform=? AND chat_id=?", (platform, str(chat_id)))
            self._db.execute("DELETE FROM chat_context WHERE platform=? AND chat_id=?", (platform, str(chat_id)))

    # -- short keys for inline-keyboard callback data (Telegram allows 64 bytes)
    def short_key(self, value: str) -> str:
        key = hashlib.sha1(value.encode("utf-8")).hexdigest()[:16]
        self._exec("INSERT OR IGNORE INTO callback_values VALUES (?, ?)", (key, value))
        return key

    def key_value(self, key: str) -> str | None:
        rows = self._exec("SELECT value FROM callback_values WHERE key=?", (key,))
        return rows[0][0] if rows else None

    # -- allowlist refusals, said once per chat
    def first_refusal(self, platform: str, chat_id: int | str) -> bool:
        with self._lock:
            cur = self._db.execute("INSERT OR IGNORE INTO refused_chats VALUES (?, ?)",
                                   (platform, str(chat_id)))
            return cur.rowcount == 1
