"""Chat state that must survive restarts: default plans, subscriptions, sent reminders, answer sources.

Every per-chat row is keyed by a keyed hash of the chat (bot.privacy.ChatKey); only reminder
subscriptions keep the raw chat id, because sending a reminder needs it.
"""
from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import time
from dataclasses import asdict
from pathlib import Path

from answers.types import CONTEXT_IDLE_SECONDS, ChatContext, Source
from bot.feedback import DEFAULT_RETENTION_DAYS, QuestionLog
from bot.privacy import ChatKey, scrub_context

# Sources behind old answers are only needed while the "Xem nguồn" button is likely pressed.
ANSWER_TTL_SECONDS = 30 * 24 * 3600
STATE_NAME = "bot_state.sqlite3"
SCHEMA_VERSION = 1       # 1: per-chat rows keyed by ChatKey (0: raw chat ids)

# chat: keyed hash of (platform, chat id); chat_id: the raw id, kept by subscriptions alone.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS chat_plan (
    platform TEXT NOT NULL, chat TEXT NOT NULL, slug TEXT NOT NULL,
    PRIMARY KEY (platform, chat));
CREATE TABLE IF NOT EXISTS subscriptions (
    platform TEXT NOT NULL, chat_id TEXT NOT NULL, unit TEXT NOT NULL, created REAL NOT NULL,
    PRIMARY KEY (platform, chat_id, unit));
CREATE TABLE IF NOT EXISTS sent_reminders (
    platform TEXT NOT NULL, chat TEXT NOT NULL, task_key TEXT NOT NULL, stage TEXT NOT NULL,
    day TEXT NOT NULL, PRIMARY KEY (platform, chat, task_key, stage));
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY, platform TEXT NOT NULL, chat TEXT NOT NULL, created REAL NOT NULL,
    sources TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS last_answer (
    platform TEXT NOT NULL, chat TEXT NOT NULL, key TEXT NOT NULL,
    PRIMARY KEY (platform, chat));
CREATE TABLE IF NOT EXISTS callback_values (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chat_context (
    platform TEXT NOT NULL, chat TEXT NOT NULL, context TEXT NOT NULL, updated REAL NOT NULL,
    PRIMARY KEY (platform, chat));
CREATE TABLE IF NOT EXISTS refused_chats (
    platform TEXT NOT NULL, chat TEXT NOT NULL, PRIMARY KEY (platform, chat));
"""
# Version-0 tables that held raw chat ids, and how their rows are re-keyed (chat_key() is the ChatKey).
_REKEY = {
    "chat_plan": "SELECT platform, chat_key(platform, chat_id), slug FROM legacy",
    "sent_reminders": "SELECT platform, chat_key(platform, chat_id), task_key, stage, day FROM legacy",
    "answers": "SELECT key, platform, chat_key(platform, chat_id), created, sources FROM legacy",
    "last_answer": "SELECT platform, chat_key(platform, chat_id), key FROM legacy",
    "refused_chats": "SELECT platform, chat_key(platform, chat_id) FROM legacy",
    "chat_context": None,       # re-keyed in Python: stale ones dropped, the rest scrubbed
}


class BotState:
    """A small SQLite store shared by the Telegram and Zalo transports (rows keyed by platform)."""

    def __init__(self, path: Path | str, key: ChatKey | None = None):
        """key: None -> the key file beside the state file."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._key = key or ChatKey.beside(path)
        # Handlers run on the event loop, the reminder job may run elsewhere: one lock, one connection.
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA secure_delete=ON")     # deleted rows are zeroed, not left in free pages
        self._db.create_function("chat_key", 2, self._key, deterministic=True)
        self._lock = threading.Lock()
        # (platform, raw chat id) of every chat a version-0 file knew; the question log re-keys with them
        self.upgraded_chats: tuple[tuple[str, str], ...] = ()
        with self._lock:
            if self._db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                self._upgrade()
            else:
                self._db.executescript(_SCHEMA)

    def _columns(self, table: str) -> set[str]:
        return {r[1] for r in self._db.execute(f"PRAGMA table_info({table})")}

    def _upgrade(self) -> None:
        """Version 0 -> 1: every raw chat id but the subscriptions' becomes its keyed hash; stale chat
        contexts go. The file is vacuumed so the raw ids do not linger in free pages."""
        legacy = [t for t in _REKEY if "chat_id" in self._columns(t)]
        chats: set[tuple[str, str]] = set()
        self._db.execute("BEGIN")
        for table in legacy + (["subscriptions"] if self._columns("subscriptions") else []):
            chats.update(self._db.execute(f"SELECT DISTINCT platform, chat_id FROM {table}").fetchall())
        for table in legacy:
            self._db.execute(f"ALTER TABLE {table} RENAME TO legacy_{table}")
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                self._db.execute(statement)
        fresh_after = time.time() - CONTEXT_IDLE_SECONDS
        for table in legacy:
            if _REKEY[table]:
                self._db.execute(f"INSERT OR IGNORE INTO {table} "
                                 + _REKEY[table].replace("FROM legacy", f"FROM legacy_{table}"))
                continue
            for platform, chat_id, text, updated in self._db.execute(
                    f"SELECT platform, chat_id, context, updated FROM legacy_{table} WHERE updated >= ?",
                    (fresh_after,)).fetchall():
                context = ChatContext.from_json(text)
                if context is not None:
                    self._db.execute("INSERT OR REPLACE INTO chat_context VALUES (?, ?, ?, ?)",
                                     (platform, self._key(platform, chat_id),
                                      scrub_context(context).to_json(), updated))
        for table in legacy:
            self._db.execute(f"DROP TABLE legacy_{table}")
        self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        self._db.execute("COMMIT")
        if legacy:
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.upgraded_chats = tuple(sorted((str(p), str(c)) for p, c in chats))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _exec(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def prune(self, retention_days: int = DEFAULT_RETENTION_DAYS, now: float | None = None) -> int:
        """Delete chat contexts past the follow-up window and answer sources past their time (never kept
        longer than the question log); returns how many rows went."""
        now = now if now is not None else time.time()
        keep_days = min(ANSWER_TTL_SECONDS, retention_days * 86400)
        with self._lock:
            gone = self._db.execute("DELETE FROM chat_context WHERE updated < ?",
                                    (now - CONTEXT_IDLE_SECONDS,)).rowcount
            gone += self._db.execute("DELETE FROM answers WHERE created < ?", (now - keep_days,)).rowcount
            self._db.execute("DELETE FROM last_answer WHERE key NOT IN (SELECT key FROM answers)")
            if gone:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return gone

    # -- what the chat's last answer was about (follow-up questions)
    def chat_context(self, platform: str, chat_id: int | str, now: float | None = None) -> ChatContext | None:
        """The chat's context if younger than the follow-up window; older ones are deleted, not kept."""
        now = now if now is not None else time.time()
        with self._lock:
            self._db.execute("DELETE FROM chat_context WHERE updated < ?", (now - CONTEXT_IDLE_SECONDS,))
            rows = self._db.execute("SELECT context FROM chat_context WHERE platform=? AND chat=?",
                                    (platform, self._key(platform, chat_id))).fetchall()
        return ChatContext.from_json(rows[0][0]) if rows else None

    def set_chat_context(self, platform: str, chat_id: int | str, context: ChatContext | None,
                         now: float | None = None) -> None:
        chat = self._key(platform, chat_id)
        if context is None:
            self._exec("DELETE FROM chat_context WHERE platform=? AND chat=?", (platform, chat))
        else:
            self._exec("INSERT OR REPLACE INTO chat_context VALUES (?, ?, ?, ?)",
                       (platform, chat, scrub_context(context).to_json(), now if now is not None else time.time()))

    # -- default plan per chat
    def chat_plan(self, platform: str, chat_id: int | str) -> str | None:
        rows = self._exec("SELECT slug FROM chat_plan WHERE platform=? AND chat=?",
                          (platform, self._key(platform, chat_id)))
        return rows[0][0] if rows else None

    def set_chat_plan(self, platform: str, chat_id: int | str, slug: str | None) -> None:
        chat = self._key(platform, chat_id)
        if slug is None:
            self._exec("DELETE FROM chat_plan WHERE platform=? AND chat=?", (platform, chat))
        else:
            self._exec("INSERT OR REPLACE INTO chat_plan VALUES (?, ?, ?)", (platform, chat, slug))

    def forget_plan(self, slug: str) -> None:
        """A removed plan is no longer any chat's default."""
        self._exec("DELETE FROM chat_plan WHERE slug=?", (slug,))

    # -- deadline reminder subscriptions: the one table with raw chat ids (a reminder must be sent)
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
                                   (platform, self._key(platform, chat_id), task_key, stage, day))
            return cur.rowcount == 1

    def unmark_reminder(self, platform: str, chat_id: int | str, task_key: str, stage: str) -> None:
        """Forget a reminder whose delivery failed, so the next run tries again."""
        self._exec("DELETE FROM sent_reminders WHERE platform=? AND chat=? AND task_key=? AND stage=?",
                   (platform, self._key(platform, chat_id), task_key, stage))

    # -- sources behind answers ("Xem nguồn", /nguon)
    def save_answer_sources(self, platform: str, chat_id: int | str, sources: tuple[Source, ...]) -> str:
        key = secrets.token_hex(6)
        chat = self._key(platform, chat_id)
        now = time.time()
        payload = json.dumps([asdict(s) for s in sources], ensure_ascii=False)
        with self._lock:
            self._db.execute("DELETE FROM answers WHERE created < ?", (now - ANSWER_TTL_SECONDS,))
            self._db.execute("INSERT INTO answers VALUES (?, ?, ?, ?, ?)", (key, platform, chat, now, payload))
            self._db.execute("INSERT OR REPLACE INTO last_answer VALUES (?, ?, ?)", (platform, chat, key))
        return key

    def answer_sources(self, key: str) -> tuple[Source, ...] | None:
        rows = self._exec("SELECT sources FROM answers WHERE key=?", (key,))
        if not rows:
            return None
        return tuple(Source(**{**d, "lines": tuple(d["lines"])}) for d in json.loads(rows[0][0]))

    def last_answer_sources(self, platform: str, chat_id: int | str) -> tuple[Source, ...] | None:
        rows = self._exec("SELECT key FROM last_answer WHERE platform=? AND chat=?",
                          (platform, self._key(platform, chat_id)))
        return self.answer_sources(rows[0][0]) if rows else None

    def forget_answers(self, platform: str, chat_id: int | str) -> None:
        """/xoa_du_lieu: the sources kept behind this chat's answers, and its context."""
        chat = self._key(platform, chat_id)
        with self._lock:
            for table in ("answers", "last_answer", "chat_context"):
                self._db.execute(f"DELETE FROM {table} WHERE platform=? AND chat=?", (platform, chat))
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

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
                                   (platform, self._key(platform, chat_id)))
            return cur.rowcount == 1


def open_stores(state_path: Path, log_path: Path, key: ChatKey, retention_days: int = DEFAULT_RETENTION_DAYS
                ) -> tuple[BotState, QuestionLog]:
    """The chat state and the question log of one data folder, upgraded and pruned.

    The state goes first: when it upgrades from raw chat ids, those ids re-key the log's old rows."""
    state = BotState(state_path, key)
    chats = set(state.upgraded_chats) | {("telegram", c) for c, _ in state.subscriptions("telegram")} \
        | {("zalo", c) for c, _ in state.subscriptions("zalo")}
    questions = QuestionLog(log_path, key, retention_days, chats)
    questions.prune()
    state.prune(retention_days)
    return state, questions
