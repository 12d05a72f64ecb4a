"""Privacy that holds up to someone holding the files: what the bots' data folder keeps about a chat."""
from __future__ import annotations

import asyncio
import json
import logging
import shutil
import sqlite3
import stat
import time
from pathlib import Path

import pytest

import run_bot
from answers.service import build_assistant
from answers.types import CONTEXT_IDLE_SECONDS, Answer, ChatContext
from bot.feedback import LOG_NAME, QuestionLog
from bot.privacy import KEY_NAME, ChatKey, legacy_hash
from bot.state import STATE_NAME, BotState, open_stores
from tests.fake_telegram_api import run_async
from tests.test_bot_telegram import running

ROOT = Path(__file__).resolve().parent.parent
RAW_ID = 7403918265                      # ten digits, like a Telegram user's private chat
PHONE = "0912 345 678"


def id_forms(chat_id: int) -> list[bytes]:
    """How a chat id could sit in a file: as text, or as a SQLite integer (big-endian, 6 or 8 bytes)."""
    return [str(chat_id).encode(), chat_id.to_bytes(6, "big"), chat_id.to_bytes(8, "big")]


PHONE_FORMS = [PHONE.encode(), PHONE.replace(" ", "").encode(), b"912345678", b"345 678"]


def files_holding(folder: Path, needles: list[bytes]) -> list[str]:
    """Every file under folder (any name, any depth: SQLite files, their -wal and -shm, indexes, the key)
    that holds one of needles."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and any(n in p.read_bytes() for n in needles))


def cells_holding(path: Path, text: str) -> set[tuple[str, str]]:
    """(table, column) of every cell of a SQLite file whose value is or contains text."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    found = set()
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
        cur = db.execute(f'SELECT * FROM "{table}"')
        names = [d[0] for d in cur.description]
        for row in cur:
            for name, value in zip(names, row):
                if value is not None and text in str(value):
                    found.add((table, name))
    db.close()
    return found


@pytest.fixture(autouse=True)
def keep_logging_as_is(monkeypatch):
    """run_bot.main configures logging for the process (levels of httpx & co.): not for the tests after."""
    monkeypatch.setattr(run_bot, "_configure_logging", lambda verbose: None)


@pytest.fixture
def plans_dir(tmp_path) -> Path:
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(ROOT / "corpus" / "plans" / "xa-phuoc-an-2026.txt", plans)
    return plans


def test_a_three_message_chat_leaves_no_chat_id_and_no_phone_in_the_data_folder(tmp_path, plans_dir, caplog):
    data = tmp_path / "data"
    assistant = build_assistant(plans_dir, data, embedder=None)       # the bot's data folder, as run_bot does

    async def scenario():
        async with running(assistant, data) as (api, app):
            state = app.bot_data["kh57_handlers"].state
            api.user_message(RAW_ID, f"Công an xã Phước An làm những việc gì? Gọi tôi {PHONE}")
            await api.wait_for(lambda: api.texts(RAW_ID), timeout=15)
            assert state.chat_context("telegram", RAW_ID) is not None        # a context was stored...
            api.user_message(RAW_ID, "Hạn khi nào?")
            await api.wait_for(lambda: len(api.texts(RAW_ID)) == 2, timeout=15)
            assert "Hiểu theo câu trước" in api.texts(RAW_ID)[-1]              # ...and read by the follow-up
            api.user_message(RAW_ID, "👍")
            await api.wait_for(lambda: len(api.texts(RAW_ID)) == 3)
            assert "Cảm ơn" in api.texts(RAW_ID)[-1]

    with caplog.at_level(logging.DEBUG):     # python-telegram-bot's debug lines dump updates: masked
        run_async(scenario(), timeout=60)
    assert (data / STATE_NAME).exists() and (data / LOG_NAME).exists()
    assert files_holding(data, id_forms(RAW_ID)) == []
    assert files_holding(data, PHONE_FORMS) == []
    assert str(RAW_ID) not in caplog.text and PHONE not in caplog.text
    log = QuestionLog(data / LOG_NAME)
    assert [(r["question"], r["feedback"]) for r in log.rows()] == [
        ("Công an xã Phước An làm những việc gì? Gọi tôi [số]", None), ("Hạn khi nào?", 1)]
    log.close()

    # a subscription is the one place a raw chat id is kept: a reminder must be sent to it
    async def subscribe():
        async with running(assistant, data) as (api, app):
            api.user_message(RAW_ID, "/nhac_han Công an xã")
            await api.wait_for(lambda: any("Đã đăng ký" in t for t in api.texts(RAW_ID)), timeout=15)

    run_async(subscribe(), timeout=60)
    sqlite_files = [p for p in data.rglob("*") if p.is_file() and p.read_bytes()[:16] == b"SQLite format 3\x00"]
    assert {p.name for p in sqlite_files} >= {STATE_NAME, LOG_NAME}
    where = {(p.name, table, column) for p in sqlite_files for table, column in cells_holding(p, str(RAW_ID))}
    assert where == {(STATE_NAME, "subscriptions", "chat_id")}
    assert files_holding(data, PHONE_FORMS) == []


def test_the_key_lives_in_its_own_owner_only_file_or_comes_from_the_environment(tmp_path):
    key = ChatKey.load(tmp_path)
    path = tmp_path / KEY_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ChatKey.load(tmp_path) == key                           # made once, then read
    path.chmod(0o644)                                              # a careless copy is tightened
    assert ChatKey.load(tmp_path) == key and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "secret" not in repr(key) and key.secret.decode() not in repr(key)
    from_env = ChatKey.load(tmp_path / "elsewhere", "một khoá trong biến môi trường")
    assert from_env("telegram", RAW_ID) != key("telegram", RAW_ID)
    assert not (tmp_path / "elsewhere").exists()                   # with K57_LOG_SALT no key file is made
    # chat hashes differ by platform and cannot be recomputed without the key
    assert key("telegram", 42) != key("zalo", 42) and len(key("zalo", 42)) == 32
    path.write_text("ngắn\n", encoding="utf-8")
    with pytest.raises(ValueError, match="hỏng"):
        ChatKey.load(tmp_path)


def _legacy_folder(folder: Path, salt: str, subscribed: str, other: str) -> None:
    """A data folder as the bots wrote it before keyed hashes: raw chat ids everywhere, the log's salt in
    its own meta table."""
    folder.mkdir()
    state = sqlite3.connect(folder / STATE_NAME)
    state.executescript("""
        CREATE TABLE chat_plan (platform TEXT NOT NULL, chat_id TEXT NOT NULL, slug TEXT NOT NULL,
            PRIMARY KEY (platform, chat_id));
        CREATE TABLE subscriptions (platform TEXT NOT NULL, chat_id TEXT NOT NULL, unit TEXT NOT NULL,
            created REAL NOT NULL, PRIMARY KEY (platform, chat_id, unit));
        CREATE TABLE sent_reminders (platform TEXT NOT NULL, chat_id TEXT NOT NULL, task_key TEXT NOT NULL,
            stage TEXT NOT NULL, day TEXT NOT NULL, PRIMARY KEY (platform, chat_id, task_key, stage));
        CREATE TABLE answers (key TEXT PRIMARY KEY, platform TEXT NOT NULL, chat_id TEXT NOT NULL,
            created REAL NOT NULL, sources TEXT NOT NULL);
        CREATE TABLE last_answer (platform TEXT NOT NULL, chat_id TEXT NOT NULL, key TEXT NOT NULL,
            PRIMARY KEY (platform, chat_id));
        CREATE TABLE callback_values (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE chat_context (platform TEXT NOT NULL, chat_id TEXT NOT NULL, context TEXT NOT NULL,
            updated REAL NOT NULL, PRIMARY KEY (platform, chat_id));
        CREATE TABLE refused_chats (platform TEXT NOT NULL, chat_id TEXT NOT NULL, PRIMARY KEY (platform, chat_id));
    """)
    now = time.time()
    fresh = ChatContext(f"Ai chủ trì? Gọi {PHONE}", ("xa-phuoc-an-2026",), at=now - 60).to_json()
    stale = ChatContext("Câu hỏi từ hôm qua", at=now - 86400).to_json()
    state.executemany("INSERT INTO chat_plan VALUES (?, ?, ?)", [("telegram", other, "xa-phuoc-an-2026")])
    state.execute("INSERT INTO subscriptions VALUES ('telegram', ?, 'Công an xã', ?)", (subscribed, now))
    state.execute("INSERT INTO sent_reminders VALUES ('telegram', ?, 'k1', 'd7', '2026-05-01')", (subscribed,))
    state.execute("INSERT INTO answers VALUES ('a1', 'telegram', ?, ?, '[]')", (other, now))
    state.execute("INSERT INTO last_answer VALUES ('telegram', ?, 'a1')", (other,))
    state.execute("INSERT INTO chat_context VALUES ('telegram', ?, ?, ?)", (other, fresh, now - 60))
    state.execute("INSERT INTO chat_context VALUES ('zalo', 'z-old', ?, ?)", (stale, now - 86400))
    state.execute("INSERT INTO refused_chats VALUES ('telegram', '-100777')")
    state.commit()
    state.close()
    log = sqlite3.connect(folder / LOG_NAME)
    log.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE questions (id INTEGER PRIMARY KEY AUTOINCREMENT, ts REAL NOT NULL, chat TEXT NOT NULL,
            question TEXT NOT NULL, kind TEXT NOT NULL, plans TEXT NOT NULL, lines TEXT NOT NULL,
            latency_ms REAL, feedback INTEGER);
    """)
    log.execute("INSERT INTO meta VALUES ('salt', ?)", (salt,))
    rows = [(now - 50, legacy_hash(salt.encode(), "telegram", other), "Câu của chat có kế hoạch"),
            (now - 40, legacy_hash(salt.encode(), "telegram", subscribed), "Câu của chat nhắc hạn"),
            (now - 30, legacy_hash(salt.encode(), "zalo", "chat-da-xoa"), "Câu của chat không còn dấu vết")]
    log.executemany("INSERT INTO questions (ts, chat, question, kind, plans, lines) VALUES (?, ?, ?, 'none', "
                    "'[]', '[]')", rows)
    log.commit()
    log.close()


def test_old_data_files_are_rekeyed_and_the_salt_leaves_the_log(tmp_path):
    salt = "9f86d081884c7d659a2feb0c3c2a7e1b"
    subscribed, other = "5151515151", "6262626262"
    data = tmp_path / "data"
    _legacy_folder(data, salt, subscribed, other)
    key = ChatKey.load(data)
    state, log = open_stores(data / STATE_NAME, data / LOG_NAME, key)
    # per-chat rows kept their meaning under the new keys
    assert state.chat_plan("telegram", other) == "xa-phuoc-an-2026"
    assert state.last_answer_sources("telegram", other) == ()
    assert state.chat_context("telegram", other).question == "Ai chủ trì? Gọi …"
    assert state.chat_context("zalo", "z-old") is None
    assert not state.first_refusal("telegram", -100777)                 # the refusal is remembered
    assert not state.mark_reminder("telegram", subscribed, "k1", "d7", "2026-05-02")   # not sent twice
    assert state.subscriptions("telegram") == [(subscribed, "Công an xã")]
    # log rows of known chats follow them (a bare 👍 still finds the chat's last answer)...
    assert log.last_question("telegram", other) is not None
    assert log.last_question("telegram", subscribed) is not None
    # ...a chat nobody knows any more keeps its question under a pseudonym the key alone gives
    rows = {r["question"]: r["chat"] for r in log.rows()}
    assert rows["Câu của chat không còn dấu vết"] == key("legacy", legacy_hash(salt.encode(), "zalo", "chat-da-xoa"))
    assert rows["Câu của chat có kế hoạch"] == key("telegram", other)
    state.close()
    log.close()
    for name in (STATE_NAME, LOG_NAME):
        db = sqlite3.connect(data / name)
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
        db.close()
    assert files_holding(data, [salt.encode()]) == []
    assert files_holding(data, [other.encode(), b"-100777", b"z-old"] + PHONE_FORMS) == []
    assert files_holding(data, [subscribed.encode()]) == [STATE_NAME]
    assert cells_holding(data / STATE_NAME, subscribed) == {("subscriptions", "chat_id")}
    # a second start finds nothing left to upgrade
    state, log = open_stores(data / STATE_NAME, data / LOG_NAME, key)
    assert state.upgraded_chats == () and log.last_question("telegram", other) is not None
    state.close()
    log.close()


def test_run_bot_report_upgrades_an_old_log_with_its_state(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("K57_LOG_SALT", raising=False)
    data = tmp_path / "data"
    _legacy_folder(data, "0123456789abcdef0123456789abcdef", "5151515151", "6262626262")
    assert run_bot.main(["report", "--data", str(data)]) == 0
    assert "Câu của chat có kế hoạch" in capsys.readouterr().out
    assert files_holding(data, [b"0123456789abcdef0123456789abcdef", b"6262626262"]) == []
    assert stat.S_IMODE((data / KEY_NAME).stat().st_mode) == 0o600


def test_stale_chat_contexts_are_deleted_not_just_ignored(tmp_path):
    state = BotState(tmp_path / STATE_NAME)
    now = time.time()
    state.set_chat_context("telegram", 1, ChatContext("Câu cũ", at=now), now=now - CONTEXT_IDLE_SECONDS - 5)
    state.set_chat_context("telegram", 2, ChatContext("Câu mới", at=now), now=now - 60)
    count = lambda: state._exec("SELECT COUNT(*) FROM chat_context")[0][0]
    assert count() == 2
    assert state.prune(now=now) == 1 and count() == 1
    assert state.chat_context("telegram", 2, now=now).question == "Câu mới"
    # past the window, reading a context deletes it
    assert state.chat_context("telegram", 2, now=now + CONTEXT_IDLE_SECONDS) is None and count() == 0
    state.close()


def test_answer_sources_are_kept_no_longer_than_the_question_log(tmp_path):
    state = BotState(tmp_path / STATE_NAME)
    state.save_answer_sources("zalo", "c1", ())
    assert state.last_answer_sources("zalo", "c1") == ()
    assert state.prune(retention_days=1, now=time.time() + 2 * 86400) == 1
    assert state.last_answer_sources("zalo", "c1") is None
    state.close()


def test_the_question_log_and_chat_context_follow_k57_log_days(tmp_path, monkeypatch):
    log = QuestionLog(tmp_path / LOG_NAME, retention_days=2)
    log.record("zalo", "c1", Answer("Câu ba ngày trước", "none", "…"), 1, now=time.time() - 3 * 86400)
    log.record("zalo", "c1", Answer("Câu hôm nay", "none", "…"), 1)
    assert log.prune() == 1 and [r["question"] for r in log.rows()] == ["Câu hôm nay"]
    log.close()
    monkeypatch.setenv("K57_LOG_DAYS", "2")
    assert run_bot._log_settings()["log_days"] == 2
    monkeypatch.setenv("K57_LOG_DAYS", "hai")
    with pytest.raises(SystemExit, match="K57_LOG_DAYS"):
        run_bot._log_settings()


def test_stored_context_carries_no_phone_number(tmp_path):
    state = BotState(tmp_path / STATE_NAME)
    state.set_chat_context("zalo", "c9", ChatContext(f"Hỏi giúp, số tôi {PHONE}", label=f"gọi {PHONE}",
                                                     at=time.time()))
    stored = json.loads(state._exec("SELECT context FROM chat_context")[0][0])
    assert stored["question"] == "Hỏi giúp, số tôi …" and stored["label"] == "gọi …"
    state.close()
    assert files_holding(tmp_path, PHONE_FORMS) == []


def test_per_chat_lock_keeps_order_and_frees_itself():
    from bot.chat_lock import ChatLocks

    async def scenario():
        locks, seen = ChatLocks(), []

        async def job(chat, n, pause):
            async with locks.hold(chat):
                await asyncio.sleep(pause)
                seen.append((chat, n))
        await asyncio.gather(job("a", 1, 0.2), job("a", 2, 0), job("b", 1, 0.05), job("a", 3, 0))
        return seen, len(locks)

    seen, left = asyncio.run(scenario())
    assert [n for c, n in seen if c == "a"] == [1, 2, 3]
    assert seen[0] == ("b", 1)                  # another chat does not wait for chat "a"
    assert left == 0


def test_run_bot_stops_politely_on_a_broken_key_file(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("K57_LOG_SALT", raising=False)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:AAFakeTokenForTests_abcdefghijklmnop")
    data = tmp_path / "data"
    data.mkdir()
    (data / KEY_NAME).write_text("hỏng\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stop:
        run_bot.main(["telegram", "--data", str(data), "--no-model"])
    assert "khoá băm" in str(stop.value) and "bị hỏng" in str(stop.value)
