"""The question log: what was asked, how it was answered, 👍/👎 — and the curators' report built from it.

Privacy: chats are stored as keyed hashes (bot.privacy.ChatKey, key kept outside this file), digit runs
that look like phone numbers are cut from the question, no user names are kept, rows older than the
retention period are deleted (and zeroed in the file: secure_delete).
"""
from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from answers.types import Answer
from bot.privacy import ChatKey, legacy_hash, scrub
from corpus.text import words

LOG_NAME = "questions.sqlite3"
DEFAULT_RETENTION_DAYS = 90
# A 👍/👎 sent as a message counts for the chat's last answer if it comes within this time.
VOTE_WINDOW_SECONDS = 24 * 3600
_UP, _DOWN = "\U0001F44D", "\U0001F44E"
# Skin tones, variation selectors, joiners that may follow the emoji.
_EMOJI_EXTRAS = re.compile(r"[\U0001F3FB-\U0001F3FF\uFE0E\uFE0F\u200D\s]")
# Zalo's own emoticon codes for 👍 and 👎.
_ZALO_CODES = {"/-strong": 1, "/-weak": -1}

SCHEMA_VERSION = 1       # 1: chats keyed with bot.privacy.ChatKey, no salt in the file
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts REAL NOT NULL,                 -- unix time
    chat TEXT NOT NULL,               -- keyed hash of platform and chat id (bot.privacy.ChatKey)
    question TEXT NOT NULL,           -- phone-number-like digit runs removed
    kind TEXT NOT NULL,               -- answer kind; 'none' = not in the plans
    plans TEXT NOT NULL,              -- JSON list of cited plan names
    lines TEXT NOT NULL,              -- JSON list of cited 'file:first-last' or 'file:p.N'
    latency_ms REAL,
    feedback INTEGER                  -- +1, -1 or NULL
);
CREATE INDEX IF NOT EXISTS questions_chat ON questions (chat, id);
CREATE INDEX IF NOT EXISTS questions_ts ON questions (ts);
"""


def vote_of(text: str) -> int | None:
    """+1 / -1 when a message is only 👍 or only 👎 (repeated, any skin tone), else None."""
    text = text.strip()
    if text.lower() in _ZALO_CODES:
        return _ZALO_CODES[text.lower()]
    core = _EMOJI_EXTRAS.sub("", text)
    if core and set(core) == {_UP}:
        return 1
    if core and set(core) == {_DOWN}:
        return -1
    return None


def group_key(question: str) -> str:
    """Questions that differ only in case, tone marks, spacing or punctuation fall into one group."""
    return " ".join(words(question))


@dataclass(frozen=True)
class ReportItem:
    question: str          # the most recent wording of the group
    key: str               # folded text shared by the group
    count: int             # questions in the group that were unanswered or voted down
    unanswered: int
    down: int
    last: str              # ISO date of the latest one


class QuestionLog:
    """One SQLite file; safe to share between the event loop and worker threads."""

    def __init__(self, path: Path | str, key: ChatKey | None = None,
                 retention_days: int = DEFAULT_RETENTION_DAYS, legacy_chats: Iterable[tuple[str, str]] = ()):
        """key: None -> the key file beside the log. legacy_chats: (platform, raw chat id) pairs known from
        an old bot state, so that rows of a log written before keyed hashes keep their chat."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.retention_days = retention_days
        self.chat_hash = key or ChatKey.beside(path)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA secure_delete=ON")
        self._lock = threading.Lock()
        with self._lock:
            self._db.executescript(_SCHEMA)
            if self._db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                self._upgrade(legacy_chats)

    def _upgrade(self, legacy_chats: Iterable[tuple[str, str]]) -> None:
        """Re-key rows hashed with the salt the log used to keep in its own meta table, then drop the salt.

        A row whose chat is not among legacy_chats keeps its questions under a pseudonym of its old hash
        (still one per old chat, no longer reversible without the key)."""
        row = self._db.execute("SELECT value FROM meta WHERE key='salt'").fetchone()
        has_rows = self._db.execute("SELECT 1 FROM questions LIMIT 1").fetchone() is not None
        if row or has_rows:
            # before the key, K57_LOG_SALT (now the key itself) or the meta salt made the hashes
            salts = {self.chat_hash.secret} | ({row[0].encode("utf-8")} if row else set())
            known = {legacy_hash(salt, p, c): self.chat_hash(p, c) for salt in salts for p, c in legacy_chats}
            old = [r[0] for r in self._db.execute("SELECT DISTINCT chat FROM questions")]
            self._db.execute("BEGIN")
            for chat in old:
                self._db.execute("UPDATE questions SET chat=? WHERE chat=?",
                                 (known.get(chat) or self.chat_hash("legacy", chat), chat))
            self._db.execute("DELETE FROM meta WHERE key='salt'")
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            self._db.execute("COMMIT")
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _exec(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._db.execute(sql, params)

    # -- writing
    def record(self, platform: str, chat_id: int | str, answer: Answer, latency_ms: float | None,
               now: float | None = None) -> int:
        """Log one answered question; returns its id (the key of its 👍/👎 buttons)."""
        plans = list(dict.fromkeys(s.plan for s in answer.sources))
        lines = list(dict.fromkeys(f"{s.file}:p.{s.page}" if s.page else f"{s.file}:{s.lines[0]}-{s.lines[1]}"
                                   for s in answer.sources))
        cur = self._exec(
            "INSERT INTO questions (ts, chat, question, kind, plans, lines, latency_ms) VALUES (?,?,?,?,?,?,?)",
            (now if now is not None else time.time(), self.chat_hash(platform, chat_id),
             scrub(answer.question), answer.kind, json.dumps(plans, ensure_ascii=False),
             json.dumps(lines, ensure_ascii=False), None if latency_ms is None else round(latency_ms, 1)))
        return int(cur.lastrowid)

    def vote(self, platform: str, chat_id: int | str, question_id: int, value: int) -> bool:
        """Store 👍 (+1) or 👎 (-1) on a logged answer of this chat; a later vote replaces an earlier one."""
        cur = self._exec("UPDATE questions SET feedback=? WHERE id=? AND chat=?",
                         (1 if value > 0 else -1, question_id, self.chat_hash(platform, chat_id)))
        return cur.rowcount == 1

    def last_question(self, platform: str, chat_id: int | str, now: float | None = None) -> int | None:
        """The chat's most recent logged answer, if recent enough for a 👍/👎 message to mean it."""
        now = now if now is not None else time.time()
        row = self._exec("SELECT id FROM questions WHERE chat=? AND ts>=? ORDER BY id DESC LIMIT 1",
                         (self.chat_hash(platform, chat_id), now - VOTE_WINDOW_SECONDS)).fetchone()
        return row[0] if row else None

    def delete_chat(self, platform: str, chat_id: int | str) -> int:
        """/xoa_du_lieu: every logged question of this chat; returns how many rows went."""
        gone = self._exec("DELETE FROM questions WHERE chat=?", (self.chat_hash(platform, chat_id),)).rowcount
        self._exec("PRAGMA wal_checkpoint(TRUNCATE)")     # old page images leave the WAL file too
        return gone

    def prune(self, now: float | None = None) -> int:
        """Drop rows older than the retention period; returns how many went."""
        now = now if now is not None else time.time()
        gone = self._exec("DELETE FROM questions WHERE ts < ?", (now - self.retention_days * 86400,)).rowcount
        if gone:
            self._exec("PRAGMA wal_checkpoint(TRUNCATE)")
        return gone

    # -- reading
    def rows(self) -> list[dict]:
        cur = self._exec("SELECT id, ts, chat, question, kind, plans, lines, latency_ms, feedback "
                         "FROM questions ORDER BY id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def report(self, since: date | None = None, limit: int | None = None) -> list[ReportItem]:
        """Unanswered (kind 'none') and voted-down questions grouped by folded text, most frequent first."""
        start = datetime(since.year, since.month, since.day, tzinfo=timezone.utc).timestamp() if since else 0
        cur = self._exec("SELECT ts, question, kind, feedback FROM questions "
                         "WHERE ts >= ? AND (kind='none' OR feedback=-1) ORDER BY ts", (start,))
        groups: dict[str, dict] = {}
        for ts, question, kind, feedback in cur.fetchall():
            key = group_key(question)
            if not key:
                continue
            g = groups.setdefault(key, {"question": question, "count": 0, "none": 0, "down": 0, "ts": ts})
            g["count"] += 1
            g["none"] += kind == "none"
            g["down"] += feedback == -1
            g["question"], g["ts"] = question, ts
        items = [ReportItem(g["question"], key, g["count"], g["none"], g["down"],
                            datetime.fromtimestamp(g["ts"], timezone.utc).date().isoformat())
                 for key, g in groups.items()]
        items.sort(key=lambda i: (-i.count, -i.down, i.key))
        return items[:limit] if limit else items


REPORT_HEADERS = ("Số lần", "Không có câu trả lời", "Bị chê (👎)", "Câu hỏi", "Dạng gộp (không dấu)", "Gần nhất")


def report_csv(items: list[ReportItem]) -> bytes:
    """The report as CSV, UTF-8 with a byte-order mark for Excel."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(REPORT_HEADERS)
    for i in items:
        writer.writerow([i.count, i.unanswered, i.down, i.question, i.key, i.last])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def report_text(items: list[ReportItem], since: date | None = None, esc=lambda s: s) -> str:
    """The report for a chat or a terminal; esc escapes text for the transport's markup."""
    period = f" từ {since:%d/%m/%Y}" if since else ""
    if not items:
        return f"Chưa có câu hỏi nào chưa được trả lời hoặc bị chê{period}."
    lines = [f"Câu hỏi chưa trả lời được hoặc bị chê{period} (gộp theo chữ không dấu), nhiều nhất trước:"]
    for n, i in enumerate(items, 1):
        detail = ", ".join(x for x in (f"{i.unanswered} không có câu trả lời" if i.unanswered else "",
                                       f"{i.down} 👎" if i.down else "") if x)
        lines.append(f"{n}. ({i.count} lần: {detail}) {esc(i.question)}")
    lines.append("")
    lines.append("Dùng danh sách này để bổ sung từ đồng nghĩa (answers/data/synonyms.tsv) "
                 "và chữ viết tắt (index/data/abbreviations*.tsv).")
    return "\n".join(lines)
