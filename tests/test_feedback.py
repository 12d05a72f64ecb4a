"""The question log (privacy, votes, retention) and the curators' report, as a library and as `run_bot.py report`."""
from __future__ import annotations

import csv
import io
import stat
import time
from datetime import date, datetime, timezone

import run_bot
from answers.types import Answer
from bot.feedback import LOG_NAME, QuestionLog, report_csv, vote_of
from bot.privacy import KEY_NAME, ChatKey, scrub
from tests.fakes_assistant import source_for

DAY = 86400
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc).timestamp()


def answer(question: str, kind: str = "owner") -> Answer:
    return Answer(question, kind, "…", () if kind == "none" else (source_for(question),))


def test_phone_numbers_are_cut_and_dates_kept():
    assert scrub("Gọi 0912 345 678 hoặc +84.912.345.678 để hỏi") == "Gọi [số] hoặc [số] để hỏi"
    assert scrub("số 0912345678?") == "số [số]?"
    kept = "Hạn 30/6/2026 theo Nghị quyết 57-NQ/TW, Đề án 06, năm 2025-2030, mã 1.002345"
    assert scrub(kept) == kept


def test_votes_from_messages():
    assert vote_of("👍") == 1 and vote_of("👎") == -1
    assert vote_of("👍🏻") == 1 and vote_of(" 👍👍 ") == 1 and vote_of("👎\ufe0f") == -1
    assert vote_of("/-strong") == 1 and vote_of("/-weak") == -1          # Zalo's emoticon codes
    assert vote_of("👍👎") is None and vote_of("👍 cảm ơn") is None and vote_of("") is None


def test_log_stores_no_chat_id_no_phone_and_cited_lines(tmp_path):
    log = QuestionLog(tmp_path / LOG_NAME)
    qid = log.record("telegram", 123456789, answer("Số của tôi là 0987 654 321, ai chủ trì?"), 12.34, now=NOW)
    [row] = log.rows()
    assert row["id"] == qid and row["question"] == "Số của tôi là [số], ai chủ trì?"
    assert "123456789" not in row["chat"] and len(row["chat"]) == 32
    assert row["kind"] == "owner" and row["latency_ms"] == 12.3 and row["feedback"] is None
    assert row["plans"] == '["Kế hoạch xã Nha Bích"]' and row["lines"] == '["xa-nha-bich-2026.txt:257-259"]'
    raw = (tmp_path / LOG_NAME).read_bytes()
    assert b"0987" not in raw
    hashed = row["chat"]
    log.close()
    # the key is made once, in its own file beside the log (owner-only), never inside the log...
    key_file = tmp_path / KEY_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_bytes().strip() not in raw and b"salt" not in raw
    # ...so the same chat hashes the same after a restart...
    again = QuestionLog(tmp_path / LOG_NAME)
    assert again.chat_hash("telegram", 123456789) == hashed
    again.close()
    # ...and a key from the environment (K57_LOG_SALT) changes every hash
    other = QuestionLog(tmp_path / "other.sqlite3", ChatKey.load(tmp_path, "s3cret"))
    assert other.chat_hash("telegram", 123456789) != hashed
    other.close()


def test_votes_belong_to_the_chat_and_the_last_answer(tmp_path):
    log = QuestionLog(tmp_path / LOG_NAME)
    first = log.record("zalo", "c1", answer("Câu một"), 5, now=NOW - 60)
    second = log.record("zalo", "c1", answer("Câu hai"), 5, now=NOW - 30)
    log.record("zalo", "c2", answer("Câu khác"), 5, now=NOW - 10)
    assert log.last_question("zalo", "c1", now=NOW) == second
    assert log.last_question("zalo", "c1", now=NOW + 2 * DAY) is None        # too late for a bare 👍
    assert not log.vote("zalo", "c2", first, -1)                               # not that chat's answer
    assert not log.vote("telegram", "c1", first, -1)                           # nor that platform's
    assert log.vote("zalo", "c1", first, -1) and log.vote("zalo", "c1", second, 1)
    assert log.vote("zalo", "c1", second, -1)                                  # a later vote replaces
    assert [r["feedback"] for r in log.rows()] == [-1, -1, None]


def test_retention_and_deleting_a_chat(tmp_path):
    log = QuestionLog(tmp_path / LOG_NAME, retention_days=30)
    log.record("telegram", 1, answer("Cũ"), 1, now=NOW - 31 * DAY)
    log.record("telegram", 1, answer("Mới"), 1, now=NOW - 29 * DAY)
    log.record("telegram", 2, answer("Của chat khác"), 1, now=NOW)
    assert log.prune(now=NOW) == 1
    assert [r["question"] for r in log.rows()] == ["Mới", "Của chat khác"]
    assert log.delete_chat("telegram", 1) == 1
    assert [r["question"] for r in log.rows()] == ["Của chat khác"]
    assert log.delete_chat("telegram", 1) == 0


def test_report_groups_unanswered_and_voted_down_by_folded_text(tmp_path):
    log = QuestionLog(tmp_path / LOG_NAME)
    for i, (q, kind) in enumerate([("Ai lo vụ số hóa?", "none"), ("ai lo vu so hoa", "none"),
                                   ("AI LO VỤ SỐ HÓA ??", "none"), ("Hạn nộp báo cáo?", "owner"),
                                   ("Hạn nộp báo cáo?", "owner"), ("Thời tiết mai?", "none"),
                                   ("Câu được khen", "owner")]):
        qid = log.record("telegram", i, answer(q, kind), 3, now=NOW - (10 - i) * DAY)
        if q.startswith("Hạn"):
            log.vote("telegram", i, qid, -1)
        if q.startswith("Câu được"):
            log.vote("telegram", i, qid, 1)
    items = log.report()
    assert [(i.key, i.count, i.unanswered, i.down) for i in items] == [
        ("ai lo vu so hoa", 3, 3, 0), ("han nop bao cao", 2, 0, 2), ("thoi tiet mai", 1, 1, 0)]
    assert items[0].question == "AI LO VỤ SỐ HÓA ??"          # the latest wording represents the group
    since = date(2026, 5, 26)                                 # from the second "Hạn nộp" on
    assert [(i.key, i.count) for i in log.report(since)] == [("han nop bao cao", 1), ("thoi tiet mai", 1)]
    rows = list(csv.reader(io.StringIO(report_csv(items).decode("utf-8-sig"))))
    assert rows[1][:5] == ["3", "3", "0", "AI LO VỤ SỐ HÓA ??", "ai lo vu so hoa"]


def test_run_bot_report_prints_and_writes_csv(tmp_path, capsys):
    log = QuestionLog(tmp_path / LOG_NAME)
    log.record("telegram", 7, answer("Ai phụ trách camera AI?", "none"), 4, now=time.time())
    log.record("telegram", 7, answer("ai phu trach camera ai", "none"), 4, now=time.time())
    log.close()
    assert run_bot.main(["report", "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "1. (2 lần: 2 không có câu trả lời) ai phu trach camera ai" in out
    target = tmp_path / "bao-cao.csv"
    assert run_bot.main(["report", "--data", str(tmp_path), "--csv", str(target), "--since", "2020-01-01"]) == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbf") and "camera" in target.read_text("utf-8-sig")
    assert run_bot.main(["report", "--data", str(tmp_path), "--since", "31/12/2026"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert run_bot.main(["report", "--data", str(tmp_path / "trong")]) == 1
    assert "Chưa có nhật ký" in capsys.readouterr().err
