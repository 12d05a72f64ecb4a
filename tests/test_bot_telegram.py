"""The real python-telegram-bot Application driven through a fake Bot API on 127.0.0.1."""
from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp
import openpyxl

import run_bot
from answers.export import HEADERS
from answers.types import Answer
from bot.feedback import LOG_NAME, QuestionLog
from bot.state import STATE_NAME

from bot.telegram_bot import TelegramConfig, build_application, handlers_of
from tests.fake_telegram_api import FakeTelegramAPI, free_port, run_async
from tests.fakes_assistant import FakeAssistant, due_task
from tests.test_export import parse_ics

ADMIN = 500
CITATION = "Kế hoạch xã Nha Bích, Phụ lục II, dòng 257–259"


@contextlib.asynccontextmanager
async def running(assistant, tmp_path, api: FakeTelegramAPI | None = None, **cfg):
    """Start the fake API and the real Application in polling mode; stop both afterwards."""
    own = api is None
    api = api or FakeTelegramAPI()
    if own:
        await api.start()
    config = TelegramConfig(token=api.token, api_url=api.url, state_path=tmp_path / STATE_NAME,
                            upload_dir=tmp_path / "uploads", **cfg)
    app = build_application(assistant, config)
    try:
        async with app:
            await app.updater.start_polling(poll_interval=0, timeout=timedelta(seconds=0.25))
            await app.start()
            try:
                yield api, app
            finally:
                await app.updater.stop()
                await app.stop()
    finally:
        if own:
            await api.stop()


def reply_markup_buttons(call) -> list[dict]:
    markup = call.params.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def test_start_then_question_with_citation_and_typing(tmp_path):
    async def scenario():
        assistant = FakeAssistant(delay=0.6)       # slower than TYPING_DELAY_SECONDS: "typing…" is shown
        async with running(assistant, tmp_path) as (api, app):
            api.user_message(11, "/start")
            welcome = await api.wait_for(lambda: api.texts(11))
            assert "Trợ lý Kế hoạch 57" in welcome[0]
            assert welcome[0].count("• ") == 3          # three example questions

            api.user_message(11, "Ai chủ trì nhiệm vụ chuyển đổi số?")
            await api.wait_for(lambda: len(api.texts(11)) == 2)
            reply = api.calls_of("sendMessage", 11)[-1]
            assert "Trả lời: Ai chủ trì nhiệm vụ chuyển đổi số?" in reply.params["text"]
            assert CITATION in reply.params["text"]
            assert reply.params["parse_mode"] == "HTML"
            buttons = reply_markup_buttons(reply)
            assert [b["text"] for b in buttons] == ["Xem nguồn", "👍", "👎"]
            assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)
            typing = api.calls_of("sendChatAction", 11)
            assert typing and typing[0].params["action"] == "typing" and typing[0].at <= reply.at
            assert assistant.asked == [("Ai chủ trì nhiệm vụ chuyển đổi số?", None)]
            # the question ran in a worker thread, not on the event loop
            assert all(name != "MainThread" for name in assistant.threads)
            # getUpdates offsets move forward as updates are confirmed
            assert max(api.offsets) >= 2
    run_async(scenario())


def test_sources_button_and_nguon_command(tmp_path):
    async def scenario():
        async with running(FakeAssistant(), tmp_path) as (api, app):
            api.user_message(12, "Chỉ tiêu năm 2026?")
            await api.wait_for(lambda: api.texts(12))
            answer = api.calls_of("sendMessage", 12)[-1]
            data = reply_markup_buttons(answer)[0]["callback_data"]
            message_id = max(api.messages)
            api.callback(12, data, message_id)
            await api.wait_for(lambda: len(api.texts(12)) == 2)
            assert api.calls_of("answerCallbackQuery")
            shown = api.texts(12)[-1]
            assert CITATION in shown and "Dòng trích dẫn cho: Chỉ tiêu năm 2026?" in shown
            assert "xa-nha-bich-2026.txt" in shown

            api.user_message(12, "/nguon")
            await api.wait_for(lambda: len(api.texts(12)) == 3)
            assert "Dòng thứ hai của nguồn." in api.texts(12)[-1]

            api.callback(12, "src:doesnotexist", message_id)   # an expired key gets an alert, no crash
            await api.wait_for(lambda: any(c.params.get("show_alert") in (True, "true", "True")
                                           for c in api.calls_of("answerCallbackQuery")))
    run_async(scenario())


def test_long_answer_is_split_at_line_boundaries(tmp_path):
    async def scenario():
        async with running(FakeAssistant(long_answer=6000), tmp_path) as (api, app):
            api.user_message(13, "Liệt kê tất cả nhiệm vụ")
            await api.wait_for(lambda: len(api.texts(13)) == 2)
            await asyncio.sleep(0.2)
            calls = api.calls_of("sendMessage", 13)
            assert len(calls) == 2
            assert all(len(c.params["text"]) <= 4096 for c in calls)
            first, second = (c.params["text"] for c in calls)
            assert first.endswith("hạn Quý I/2026.")            # cut between lines, not inside one
            assert "0000" in first and "Nhiệm vụ chuyển đổi số số" in second
            assert not reply_markup_buttons(calls[0]) and reply_markup_buttons(calls[1])
    run_async(scenario())


def test_html_from_the_user_is_escaped(tmp_path):
    async def scenario():
        async with running(FakeAssistant(), tmp_path) as (api, app):
            api.user_message(14, "<script>alert('x')</script> & Phòng VH-XH?")
            [text] = await api.wait_for(lambda: api.texts(14))
            assert "<script>" not in text
            assert "&lt;script&gt;alert('x')&lt;/script&gt; &amp; Phòng VH-XH?" in text
    run_async(scenario())


def test_429_retry_after_is_waited_out(tmp_path):
    async def scenario():
        async with running(FakeAssistant(), tmp_path) as (api, app):
            api.fail_next("sendMessage", retry_after=1)
            api.user_message(15, "Thời hạn nộp báo cáo?")
            [text] = await api.wait_for(lambda: api.texts(15), timeout=8)
            assert "Thời hạn nộp báo cáo?" in text
            [rejected] = [c for c in api.calls if c.method == "sendMessage:429"]
            accepted = api.calls_of("sendMessage", 15)[0]
            assert accepted.at - rejected.at >= 1.0
    run_async(scenario())


def test_webhook_rejects_wrong_or_missing_secret(tmp_path):
    async def scenario():
        assistant = FakeAssistant()
        async with FakeTelegramAPI() as api:
            cfg = TelegramConfig(token=api.token, api_url=api.url, state_path=tmp_path / "s.sqlite3",
                                 upload_dir=tmp_path / "up")
            app = build_application(assistant, cfg)
            port = free_port()
            async with app:
                await app.updater.start_webhook(listen="127.0.0.1", port=port, url_path="tg",
                                                webhook_url="https://bot.example/tg", secret_token="s3cret-ok")
                await app.start()
                assert api.webhook == {"url": "https://bot.example/tg", "secret_token": "s3cret-ok"}
                update = {"update_id": 1, "message": {
                    "message_id": 5, "date": int(time.time()), "chat": {"id": 16, "type": "private"},
                    "from": {"id": 16, "is_bot": False, "first_name": "A"}, "text": "Câu hỏi qua webhook"}}
                url = f"http://127.0.0.1:{port}/tg"
                async with aiohttp.ClientSession() as http:
                    for headers in ({"X-Telegram-Bot-Api-Secret-Token": "wrong"}, {}):
                        async with http.post(url, json=update, headers=headers) as resp:
                            assert resp.status == 403
                    await asyncio.sleep(0.3)
                    assert assistant.asked == [] and not api.texts(16)
                    async with http.post(url, json=update,
                                         headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-ok"}) as resp:
                        assert resp.status == 200
                [text] = await api.wait_for(lambda: api.texts(16))
                assert "Câu hỏi qua webhook" in text
                await app.updater.stop()
                await app.stop()
    run_async(scenario())


def test_allowlist_refuses_strangers_once(tmp_path):
    async def scenario():
        assistant = FakeAssistant()
        async with running(assistant, tmp_path, allowed_chats=frozenset({42})) as (api, app):
            api.user_message(7, "Câu hỏi thứ nhất")
            api.user_message(7, "Câu hỏi thứ hai")
            api.user_message(42, "Câu hỏi được phép")
            await api.wait_for(lambda: api.texts(42) and api.texts(7))
            await asyncio.sleep(0.5)
            [refusal] = api.texts(7)
            assert "chỉ phục vụ" in refusal
            assert [q for q, _ in assistant.asked] == ["Câu hỏi được phép"]
    run_async(scenario())


def test_groups_answer_only_mentions_and_replies(tmp_path):
    async def scenario():
        assistant = FakeAssistant()
        async with running(assistant, tmp_path) as (api, app):
            api.user_message(-100, "Chuyện phiếm trong nhóm")
            api.user_message(-100, "@kh57_bot Ai chủ trì?")
            api.user_message(-100, "Còn thời hạn thì sao?", reply_to_bot=True)
            await api.wait_for(lambda: len(api.texts(-100)) == 2)
            await asyncio.sleep(0.3)
            assert sorted(q for q, _ in assistant.asked) == ["Ai chủ trì?", "Còn thời hạn thì sao?"]
            assert all(c.params.get("reply_parameters") for c in api.calls_of("sendMessage", -100))
    run_async(scenario())


def test_default_plan_is_chosen_and_survives_restart(tmp_path):
    async def scenario():
        assistant = FakeAssistant()
        async with FakeTelegramAPI() as api:
            async with running(assistant, tmp_path, api=api):
                api.user_message(17, "/ke_hoach")
                await api.wait_for(lambda: api.texts(17))
                menu = api.calls_of("sendMessage", 17)[-1]
                buttons = reply_markup_buttons(menu)
                assert [b["text"] for b in buttons][:2] == ["Kế hoạch xã Nha Bích", "Kế hoạch phường Hàng Gòn"]
                api.callback(17, buttons[1]["callback_data"], max(api.messages))
                await api.wait_for(lambda: api.calls_of("editMessageText"))
                assert "Kế hoạch phường Hàng Gòn" in api.calls_of("editMessageText")[-1].params["text"]
            async with running(assistant, tmp_path, api=api):   # a restart reads the same SQLite file
                api.user_message(17, "Chỉ tiêu là gì?")
                await api.wait_for(lambda: len(api.texts(17)) == 2)
                assert assistant.asked[-1] == ("Chỉ tiêu là gì?", "phuong-hang-gon-2026")
    run_async(scenario())


def test_reminders_with_fixed_clock_are_sent_once(tmp_path):
    today = date(2026, 3, 10)
    unit = "Phòng Văn hóa – Xã hội"
    assistant = FakeAssistant(tasks=[
        due_task(unit, "Số hoá hồ sơ văn hoá", today + timedelta(days=3)),
        due_task(unit, "Báo cáo quý", today - timedelta(days=2)),
        due_task(unit, "Việc còn xa", today + timedelta(days=20)),
        due_task("Trung tâm Phục vụ hành chính công", "Việc của đơn vị khác", today + timedelta(days=1)),
    ])

    async def scenario():
        async with FakeTelegramAPI() as api:
            async with running(assistant, tmp_path, api=api) as (_, app):
                [job] = app.job_queue.get_jobs_by_name("nhac_han")
                first = job.next_t.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
                assert (first.hour, first.minute) == (7, 30)

                api.user_message(18, "/nhac_han Không có đơn vị này")
                await api.wait_for(lambda: api.texts(18))
                assert "Không tìm thấy đơn vị" in api.texts(18)[-1]
                api.user_message(18, "/nhac_han phòng VH-XH")
                await api.wait_for(lambda: len(api.texts(18)) == 2)
                assert unit in api.texts(18)[-1]

                handlers = handlers_of(app)
                assert await handlers.send_reminders(app.bot, today) == 1
                reminder = api.texts(18)[-1]
                assert "Số hoá hồ sơ văn hoá" in reminder and "còn 3 ngày" in reminder
                assert "Báo cáo quý" in reminder and "quá hạn 2 ngày" in reminder
                assert "Việc còn xa" not in reminder and "đơn vị khác" not in reminder
                assert await handlers.send_reminders(app.bot, today) == 0        # same day again
                assert await handlers.send_reminders(app.bot, today + timedelta(days=1)) == 0
                count = len(api.texts(18))
            async with running(assistant, tmp_path, api=api) as (_, app):     # subscription persisted
                assert await handlers_of(app).send_reminders(app.bot, today + timedelta(days=2)) == 1
                assert "còn 1 ngày" in api.texts(18)[-1] and len(api.texts(18)) == count + 1
                api.user_message(18, "/huy_nhac_han")
                await api.wait_for(lambda: "Đã huỷ" in api.texts(18)[-1])
                assert await handlers_of(app).send_reminders(app.bot, today + timedelta(days=3)) == 0
    run_async(scenario())


def test_admin_uploads_plan_and_others_are_refused(tmp_path):
    content = ("KẾ HOẠCH xã Thử Nghiệm\n\nI. MỤC TIÊU\nChỉ tiêu 1: 100% hồ sơ trực tuyến.\n\n"
               "II. NHIỆM VỤ\n- Nhiệm vụ một\n- Nhiệm vụ hai\n").encode()

    async def scenario():
        assistant = FakeAssistant()
        async with running(assistant, tmp_path, admin_ids=frozenset({ADMIN})) as (api, app):
            api.user_message(ADMIN, document=api.add_file("xa-thu-nghiem-2026.txt", content))
            await api.wait_for(lambda: any("Đã thêm" in t for t in api.texts(ADMIN)), timeout=8)
            [(path, data)] = assistant.added
            assert data == content and path.name == "xa-thu-nghiem-2026.txt"
            assert (tmp_path / "uploads") in path.parents
            report = api.texts(ADMIN)[-1]
            assert "Nhiệm vụ: 2" in report and "Chỉ tiêu: 1" in report

            api.user_message(ADMIN, document=api.add_file("virus.exe", b"MZ"))
            api.user_message(ADMIN, document=api.add_file("to.pdf", b"%PDF", size=21 * 1024 * 1024))
            api.user_message(31, document=api.add_file("xa-khac.txt", b"abc"))
            await api.wait_for(lambda: len(api.texts(ADMIN)) == 4 and api.texts(31))
            await asyncio.sleep(0.3)
            assert any("không được hỗ trợ" in t for t in api.texts(ADMIN))
            assert any("quá lớn" in t for t in api.texts(ADMIN))
            assert "chỉ quản trị viên" in api.texts(31)[0]
            assert len(assistant.added) == 1 and len(api.calls_of("getFile")) == 1
    run_async(scenario())


def test_admin_removes_plan_with_confirmation(tmp_path):
    async def scenario():
        assistant = FakeAssistant()
        async with running(assistant, tmp_path, admin_ids=frozenset({ADMIN})) as (api, app):
            api.user_message(32, "/xoa_ke_hoach")
            await api.wait_for(lambda: api.texts(32))
            assert "chỉ quản trị viên" in api.texts(32)[0]

            api.user_message(ADMIN, "/xoa_ke_hoach")
            await api.wait_for(lambda: api.texts(ADMIN))
            buttons = reply_markup_buttons(api.calls_of("sendMessage", ADMIN)[-1])
            menu_id = max(api.messages)
            api.callback(32, buttons[0]["callback_data"], menu_id)       # a non-admin presses it
            api.callback(ADMIN, buttons[0]["callback_data"], menu_id)
            await api.wait_for(lambda: api.calls_of("editMessageText"))
            confirm = api.calls_of("editMessageText")[-1]
            assert "Xoá kế hoạch" in confirm.params["text"]
            ok = [b for b in reply_markup_buttons(confirm) if b["text"] == "Xoá"][0]
            api.callback(ADMIN, ok["callback_data"], menu_id)
            await api.wait_for(lambda: len(api.calls_of("editMessageText")) == 2)
            assert assistant.removed == ["xa-nha-bich-2026"]
            assert "Đã xoá" in api.calls_of("editMessageText")[-1].params["text"]
    run_async(scenario())


def test_errors_get_a_polite_reply_and_slow_questions_do_not_block(tmp_path):
    async def scenario():
        assistant = FakeAssistant(delay=0.5, fail_on="nổ")
        async with running(assistant, tmp_path) as (api, app):
            api.user_message(40, "câu hỏi làm nổ")
            started = time.monotonic()
            for chat in (41, 42, 43, 44):
                api.user_message(chat, f"Câu hỏi của {chat}")
            await api.wait_for(lambda: all(api.texts(c) for c in (41, 42, 43, 44)), timeout=8)
            elapsed = time.monotonic() - started
            assert elapsed < 1.5, elapsed            # 4 x 0.5 s would be 2.0 s one after another
            for chat in (41, 42, 43, 44):
                assert f"Câu hỏi của {chat}" in api.texts(chat)[0]
            [error] = await api.wait_for(lambda: api.texts(40))
            assert error.startswith("Xin lỗi")
    run_async(scenario())


def test_token_never_reaches_the_logs(tmp_path, caplog):
    async def scenario():
        async with running(FakeAssistant(), tmp_path) as (api, app):
            api.user_message(50, "Hỏi để có log")
            await api.wait_for(lambda: api.texts(50))
            return api.token

    with caplog.at_level(logging.DEBUG):
        token = run_async(scenario())
    assert "/bot<TOKEN>/sendMessage" in caplog.text       # httpx did log the URL...
    assert token not in caplog.text                        # ...without the token


def _answer_buttons(api, chat_id) -> dict[str, str]:
    return {b["text"]: b["callback_data"] for b in reply_markup_buttons(api.calls_of("sendMessage", chat_id)[-1])}


def test_thumbs_down_is_stored_and_reported(tmp_path, capsys):
    async def scenario():
        async with running(FakeAssistant(), tmp_path, admin_ids=frozenset({ADMIN})) as (api, app):
            log = handlers_of(app).questions
            api.user_message(60, "Ai lo vụ camera AI, gọi tôi 0912 345 678?")
            await api.wait_for(lambda: api.texts(60))
            buttons = _answer_buttons(api, 60)
            answer_id = max(api.messages)
            api.user_message(61, "Câu của chat khác")
            await api.wait_for(lambda: api.texts(61))
            # a client forging chat 60's button data under a message of chat 61 cannot vote for chat 60
            api.callback(61, buttons["👎"], max(api.messages))
            await api.wait_for(lambda: api.calls_of("answerCallbackQuery"))
            assert [r["feedback"] for r in log.rows()] == [None, None]
            log.delete_chat("telegram", 61)
            api.callback(60, buttons["👎"], answer_id)
            await api.wait_for(lambda: len(api.calls_of("answerCallbackQuery")) == 2)
            assert "Cảm ơn" in api.calls_of("answerCallbackQuery")[-1].params["text"]
            [row] = log.rows()
            assert row["feedback"] == -1 and row["question"] == "Ai lo vụ camera AI, gọi tôi [số]?"
            assert row["lines"] == '["xa-nha-bich-2026.txt:257-259"]' and row["latency_ms"] >= 0

            api.user_message(60, "👍")                       # a bare thumb rates the last answer
            await api.wait_for(lambda: len(api.texts(60)) == 2)
            assert "Cảm ơn" in api.texts(60)[-1] and log.rows()[0]["feedback"] == 1
            api.callback(60, buttons["👎"], max(api.messages))
            await api.wait_for(lambda: len(api.calls_of("answerCallbackQuery")) == 3)

            api.user_message(60, "/bao_cao")
            await api.wait_for(lambda: len(api.texts(60)) == 3)
            assert "chỉ quản trị viên" in api.texts(60)[-1]
            api.user_message(ADMIN, "/bao_cao")
            [report] = await api.wait_for(lambda: api.texts(ADMIN))
            assert "1. (1 lần: 1 👎) Ai lo vụ camera AI, gọi tôi [số]?" in report
    run_async(scenario())
    assert run_bot.main(["report", "--data", str(tmp_path)]) == 0
    assert "Ai lo vụ camera AI, gọi tôi [số]?" in capsys.readouterr().out


def test_xuat_sends_xlsx_and_ics_documents(tmp_path):
    async def scenario():
        async with running(FakeAssistant(), tmp_path) as (api, app):
            api.user_message(70, "/xuat phòng VH-XH")
            [(name, content, caption)] = await api.wait_for(lambda: api.documents(70))
            assert name == "nhiem-vu-phong-van-hoa-xa-hoi.xlsx"
            assert "Phòng Văn hóa - Xã hội" in caption and "2 nhiệm vụ, 1 chỉ tiêu, 1 trách nhiệm" in caption
            rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
            assert rows[0] == HEADERS
            assert [(r[1], r[4], r[6], r[9]) for r in rows[1:]] == [
                ("I.1", "chủ trì", datetime(2026, 6, 30), "dòng 240–241"),
                ("I.2", "phối hợp", None, "dòng 242–243"),
                ("5", "theo dõi", datetime(2026, 12, 31), "dòng 257–259"),
                (None, "thực hiện", None, "dòng 131–133")]

            api.user_message(70, "/xuat Công an xã ics")
            await api.wait_for(lambda: len(api.documents(70)) == 2)
            name, content, _ = api.documents(70)[-1]
            assert name == "nhiem-vu-cong-an-xa.ics"
            [event] = parse_ics(content)
            assert event["DTSTART;VALUE=DATE"] == "20260315" and "dòng 244–245" in event["DESCRIPTION"]

            api.user_message(70, "/xuat Phòng Tư pháp")
            api.user_message(70, "/xuat")
            await api.wait_for(lambda: len(api.texts(70)) == 2)
            unknown, usage = sorted(api.texts(70), key=lambda t: t.startswith("Cách dùng"))
            assert "Không tìm thấy đơn vị «Phòng Tư pháp»" in unknown and "Có phải bạn muốn" in unknown
            assert usage.startswith("Cách dùng: /xuat")
            assert len(api.documents(70)) == 2
    run_async(scenario())


def test_xoa_du_lieu_deletes_the_chats_rows(tmp_path):
    async def scenario():
        async with running(FakeAssistant(), tmp_path) as (api, app):
            log = handlers_of(app).questions
            for chat, question in ((80, "Câu một"), (80, "Câu hai"), (81, "Câu của chat khác")):
                api.user_message(chat, question)
                await api.wait_for(lambda: any(question in t for t in api.texts(chat)))
            buttons = _answer_buttons(api, 80)
            api.user_message(80, "/xoa_du_lieu")
            await api.wait_for(lambda: len(api.texts(80)) == 3)
            assert api.texts(80)[-1].startswith("Đã xoá 2 câu hỏi")
            assert [r["question"] for r in log.rows()] == ["Câu của chat khác"]
            api.user_message(80, "/nguon")                 # the answers' sources went too
            await api.wait_for(lambda: len(api.texts(80)) == 4)
            assert "Chưa có câu trả lời" in api.texts(80)[-1]
            api.callback(80, buttons["👎"], max(api.messages))   # a vote on a deleted answer is refused
            await api.wait_for(lambda: api.calls_of("answerCallbackQuery"))
            assert "không còn" in api.calls_of("answerCallbackQuery")[-1].params["text"]
            assert [r["feedback"] for r in log.rows()] == [None]
    run_async(scenario())


def test_in_a_group_a_thumb_replying_to_an_answer_rates_that_answer(tmp_path):
    async def scenario():
        async with running(FakeAssistant(), tmp_path) as (api, app):
            api.user_message(-300, "@kh57_bot Câu thứ nhất")
            await api.wait_for(lambda: api.texts(-300))
            first_answer = max(api.messages)
            api.user_message(-300, "@kh57_bot Câu thứ hai")
            await api.wait_for(lambda: len(api.texts(-300)) == 2)
            api.user_message(-300, "👎", reply_to=first_answer)
            await api.wait_for(lambda: len(api.texts(-300)) == 3)
            rows = handlers_of(app).questions.rows()
            assert [(r["question"], r["feedback"]) for r in rows] == [("Câu thứ nhất", -1), ("Câu thứ hai", None)]
    run_async(scenario())


def test_question_log_is_pruned_at_start_and_nightly(tmp_path):
    log = QuestionLog(tmp_path / LOG_NAME)
    log.record("telegram", 90, Answer("Câu cũ", "none", "…"), 1, now=time.time() - 40 * 86400)
    log.record("telegram", 90, Answer("Câu mới", "none", "…"), 1, now=time.time() - 10 * 86400)
    log.close()

    async def scenario():
        async with running(FakeAssistant(), tmp_path, log_days=30) as (api, app):
            assert [r["question"] for r in handlers_of(app).questions.rows()] == ["Câu mới"]
            [job] = app.job_queue.get_jobs_by_name("xoa_nhat_ky_cu")
            at = job.next_t.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
            assert (at.hour, at.minute) == (3, 0)
    run_async(scenario())


def test_follow_up_context_survives_restart_and_moi_clears_it(tmp_path):
    async def scenario():
        assistant = FakeAssistant()
        async with FakeTelegramAPI() as api:
            async with running(assistant, tmp_path, api=api):
                api.user_message(23, "Ai chủ trì số hóa hồ sơ ở Nha Bích?")
                await api.wait_for(lambda: len(api.texts(23)) == 1)
                assert assistant.contexts[-1] is None          # a chat starts with no context
            async with running(assistant, tmp_path, api=api):   # a restart reads the same SQLite file
                api.user_message(23, "Hạn khi nào?")
                await api.wait_for(lambda: len(api.texts(23)) == 2)
                assert assistant.contexts[-1].question == "Ai chủ trì số hóa hồ sơ ở Nha Bích?"
                api.user_message(23, "/moi")
                await api.wait_for(lambda: len(api.texts(23)) == 3)
                assert "câu chuyện mới" in api.texts(23)[-1]
                api.user_message(23, "Còn Phước An thì sao?")
                await api.wait_for(lambda: len(api.texts(23)) == 4)
                assert assistant.contexts[-1] is None          # /moi cleared it
                api.user_message(99, "Câu khác")                # other chats have their own context
                await api.wait_for(lambda: len(api.texts(99)) == 1)
                assert assistant.contexts[-1] is None
    run_async(scenario())


def test_a_quick_answer_spends_no_chat_action(tmp_path):
    """Telegram allows ~30 messages/s per bot: an answer ready within the typing delay sends no "typing…"."""
    async def scenario():
        async with running(FakeAssistant(), tmp_path) as (api, app):
            api.user_message(12, "Ai chủ trì nhiệm vụ chuyển đổi số?")
            await api.wait_for(lambda: api.texts(12))
            assert api.calls_of("sendChatAction", 12) == []
    run_async(scenario())


class SlowOnCue(FakeAssistant):
    """Takes its time over a question holding "chậm", so a quick follow-up arrives while it works."""

    def ask(self, question, default_plan=None, today=None, context=None):
        if "chậm" in question:
            time.sleep(0.6)
        return super().ask(question, default_plan, today=today, context=context)


def assert_answered_in_order(api, assistant: SlowOnCue, chat, other) -> None:
    """The slow question and its quick follow-up: answered in order, the follow-up read against the slow
    one; the other chat answered meanwhile."""
    first, second = api.texts(chat)
    assert "Câu hỏi chậm" in first and "Hạn khi nào?" in second
    asked = [q for q, _ in assistant.asked]
    follow_up = assistant.contexts[asked.index("Hạn khi nào?")]
    assert follow_up is not None and follow_up.question == "Câu hỏi chậm: ai chủ trì số hóa?"
    assert api.calls_of("sendMessage", other)[0].at < api.calls_of("sendMessage", chat)[0].at


def test_two_quick_messages_of_one_chat_are_answered_in_order_against_the_right_context(tmp_path):
    async def scenario():
        assistant = SlowOnCue()
        async with running(assistant, tmp_path) as (api, app):
            api.user_message(26, "Câu hỏi chậm: ai chủ trì số hóa?")
            api.user_message(26, "Hạn khi nào?")                    # same getUpdates batch as the first
            api.user_message(27, "Câu của chat khác")                # another chat is not held up
            await api.wait_for(lambda: len(api.texts(26)) == 2 and api.texts(27), timeout=8)
            assert_answered_in_order(api, assistant, 26, 27)
    run_async(scenario())


def test_every_command_of_the_shared_table_has_a_telegram_handler():
    from bot.commands import commands_of
    from bot.telegram_bot import TelegramHandlers
    for command in commands_of("telegram").values():
        assert command.run is not None or callable(getattr(TelegramHandlers, "cmd_" + command.name, None)), command


def test_a_network_hiccup_is_retried_and_a_lasting_one_gives_up(tmp_path):
    async def scenario():
        async with running(FakeAssistant(), tmp_path) as (api, app):
            api.break_next("sendMessage")
            api.user_message(28, "Câu hỏi qua mạng chập chờn")
            [text] = await api.wait_for(lambda: api.texts(28), timeout=8)
            assert "Câu hỏi qua mạng chập chờn" in text
            assert [c.method for c in api.calls if c.method.startswith("sendMessage")][:2] == [
                "sendMessage:502", "sendMessage"]
            api.break_next("sendMessage", times=10)
            api.user_message(29, "Câu thứ hai")
            broken = lambda: len([c for c in api.calls if c.method == "sendMessage:502"])
            # the answer: 1 try + 2 retries; then the error handler's apology, as many
            await api.wait_for(lambda: broken() == 1 + 3 + 3, timeout=10)
            await asyncio.sleep(0.3)
            assert api.texts(29) == [] and broken() == 7
    run_async(scenario())
