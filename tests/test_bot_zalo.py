"""The Zalo transport driven through a fake Zalo Bot API on 127.0.0.1."""
from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import date, timedelta

import aiohttp
import pytest
from aiohttp import web

from bot.feedback import LOG_NAME, QuestionLog
from bot.zalo_bot import MSG_VOTE_HINT, SECRET_HEADER, ZaloApiError, ZaloBot, ZaloConfig, serve_zalo
from tests.fake_telegram_api import free_port, run_async
from tests.fake_zalo_api import FakeZaloAPI
from tests.fakes_assistant import FakeAssistant, due_task
from tests.test_bot_telegram import SlowOnCue, assert_answered_in_order

CITATION = "Kế hoạch xã Nha Bích, Phụ lục II, dòng 257–259"


@contextlib.asynccontextmanager
async def polling(assistant, tmp_path, api: FakeZaloAPI | None = None):
    """serve_zalo in polling mode against the fake; stopped (and drained) on exit."""
    own = api is None
    api = api or FakeZaloAPI()
    if own:
        await api.start()
    stop = asyncio.Event()
    cfg = ZaloConfig(token=api.token, api_url=api.url, state_path=tmp_path / "zalo.sqlite3")
    task = asyncio.create_task(serve_zalo(assistant, cfg, stop))
    try:
        await api.wait_for(lambda: api.calls_of("deleteWebhook"))
        yield api
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
        if own:
            await api.stop()


def test_start_question_sources_and_default_plan(tmp_path):
    async def scenario():
        assistant = FakeAssistant()
        async with polling(assistant, tmp_path) as api:
            api.push(api.text_update("c1", "/start"))
            [welcome] = await api.wait_for(lambda: api.texts("c1"))
            assert "Trợ lý Kế hoạch 57" in welcome and "<b>" not in welcome

            api.push(api.text_update("c1", "Ai chủ trì nhiệm vụ số hoá?"))
            await api.wait_for(lambda: len(api.texts("c1")) == 2)
            answer = api.texts("c1")[-1]
            # the question is normalized at the edge (NFC, one tone placement: hoá -> hóa)
            assert "Trả lời: Ai chủ trì nhiệm vụ số hóa?" in answer
            assert "Nguồn: " + CITATION in answer
            typing = api.calls_of("sendChatAction", "c1")
            assert typing and typing[0].params["action"] == "typing"

            api.push(api.text_update("c1", "/nguon"))
            await api.wait_for(lambda: len(api.texts("c1")) == 3)
            assert "Dòng thứ hai của nguồn." in api.texts("c1")[-1]

            api.push(api.text_update("c1", "/ke_hoach"))
            await api.wait_for(lambda: len(api.texts("c1")) == 4)
            assert "2. Kế hoạch phường Hàng Gòn" in api.texts("c1")[-1]
            api.push(api.text_update("c1", "/ke_hoach 2"))
            await api.wait_for(lambda: len(api.texts("c1")) == 5)
            api.push(api.text_update("c1", "Chỉ tiêu là gì?"))
            await api.wait_for(lambda: len(api.texts("c1")) == 6)
            assert assistant.asked[-1] == ("Chỉ tiêu là gì?", "phuong-hang-gon-2026")
    run_async(scenario())


def test_long_answer_split_and_429_retried(tmp_path):
    async def scenario():
        async with polling(FakeAssistant(long_answer=6000), tmp_path) as api:
            api.fail_next("sendMessage", retry_after=1)
            api.push(api.text_update("c2", "Liệt kê nhiệm vụ"))
            await api.wait_for(lambda: len(api.texts("c2")) >= 4, timeout=8)
            await asyncio.sleep(0.3)
            parts = api.texts("c2")
            assert len(parts) == 4 and all(len(p) <= 2000 for p in parts)
            assert parts[-1].rstrip().endswith(CITATION + "\n\n" + MSG_VOTE_HINT)
            [rejected] = [c for c in api.calls if c.method == "sendMessage:429"]
            assert api.calls_of("sendMessage", "c2")[0].at - rejected.at >= 1.0
    run_async(scenario())


def test_groups_other_events_errors_and_concurrency(tmp_path):
    async def scenario():
        assistant = FakeAssistant(delay=0.5, fail_on="nổ")
        async with polling(assistant, tmp_path) as api:
            api.push(api.text_update("g1", "Chuyện phiếm", chat_type="GROUP"))
            api.push(api.text_update("g1", "@kh57bot Ai chủ trì?", chat_type="GROUP"))
            api.push(api.text_update("c3", "", event="message.sticker.received"))
            api.push(api.text_update("c4", "câu hỏi làm nổ"))
            started = time.monotonic()
            chats = ("c5", "c6", "c7", "c8")
            for chat in chats:
                api.push(api.text_update(chat, f"Câu hỏi của {chat}"))
            await api.wait_for(lambda: all(api.texts(c) for c in chats), timeout=8)
            assert time.monotonic() - started < 1.5        # 4 x 0.5 s in a row would be 2.0 s
            await api.wait_for(lambda: api.texts("g1") and api.texts("c3") and api.texts("c4"))
            [group_reply] = api.texts("g1")
            assert "Trả lời: Ai chủ trì?" in group_reply
            assert "văn bản" in api.texts("c3")[0]
            assert api.texts("c4")[0].startswith("Xin lỗi")
            assert "Chuyện phiếm" not in [q for q, _ in assistant.asked]
    run_async(scenario())


def test_webhook_secret_is_checked(tmp_path):
    async def scenario():
        assistant = FakeAssistant()
        async with FakeZaloAPI() as api:
            cfg = ZaloConfig(token=api.token, api_url=api.url, secret="zalo-secret-123",
                             state_path=tmp_path / "z.sqlite3")
            async with ZaloBot(assistant, cfg) as bot:
                runner = web.AppRunner(bot.webhook_app("/zalo"))
                await runner.setup()
                port = free_port()
                await web.TCPSite(runner, "127.0.0.1", port).start()
                url = f"http://127.0.0.1:{port}/zalo"
                update = api.text_update("c8", "Câu hỏi qua webhook")
                async with aiohttp.ClientSession() as http:
                    for headers in ({SECRET_HEADER: "wrong"}, {}):
                        async with http.post(url, json=update, headers=headers) as resp:
                            assert resp.status == 403
                    await asyncio.sleep(0.2)
                    assert assistant.asked == [] and not api.texts("c8")
                    # Zalo wraps webhook updates as {"ok": true, "result": {...}}
                    async with http.post(url, json={"ok": True, "result": update},
                                         headers={SECRET_HEADER: "zalo-secret-123"}) as resp:
                        assert resp.status == 200
                [text] = await api.wait_for(lambda: api.texts("c8"))
                assert "Câu hỏi qua webhook" in text
                await runner.cleanup()
    run_async(scenario())


def test_serve_in_webhook_mode_registers_the_secret(tmp_path):
    async def scenario():
        async with FakeZaloAPI() as api:
            port = free_port()
            cfg = ZaloConfig(token=api.token, api_url=api.url, webhook_url="https://bot.example/zalo",
                             port=port, state_path=tmp_path / "z.sqlite3")
            stop = asyncio.Event()
            task = asyncio.create_task(serve_zalo(FakeAssistant(), cfg, stop))
            await api.wait_for(lambda: api.webhook)
            secret = api.webhook["secret_token"]
            assert api.webhook["url"] == "https://bot.example/zalo" and len(secret) >= 8
            async with aiohttp.ClientSession() as http:
                async with http.post(f"http://127.0.0.1:{port}/zalo", json={}) as resp:
                    assert resp.status == 403
            stop.set()
            await asyncio.wait_for(task, 5)
    run_async(scenario())


def test_reminders_with_fixed_clock_are_sent_once(tmp_path):
    today = date(2026, 5, 4)
    unit = "Trung tâm Phục vụ hành chính công"
    assistant = FakeAssistant(tasks=[
        due_task(unit, "Rà soát thủ tục trực tuyến", today + timedelta(days=7)),
        due_task(unit, "Việc còn xa", today + timedelta(days=30)),
    ])

    async def scenario():
        async with FakeZaloAPI() as api:
            cfg = ZaloConfig(token=api.token, api_url=api.url, state_path=tmp_path / "z.sqlite3")
            async with ZaloBot(assistant, cfg) as bot:
                await bot.handle_update(api.text_update("c9", "/nhac_han ai đó"))
                assert "Không tìm thấy đơn vị" in api.texts("c9")[-1]
                await bot.handle_update(api.text_update("c9", "/nhac_han Trung tâm PVHCC"))
                assert unit in api.texts("c9")[-1]
                assert await bot.send_reminders(today) == 1
                reminder = api.texts("c9")[-1]
                assert "Rà soát thủ tục trực tuyến" in reminder and "còn 7 ngày" in reminder
                assert "Việc còn xa" not in reminder
                assert await bot.send_reminders(today) == 0
                assert await bot.send_reminders(today + timedelta(days=4)) == 1   # 3 days left now
                assert "còn 3 ngày" in api.texts("c9")[-1]
    run_async(scenario())


def test_thumbs_after_an_answer_are_recorded(tmp_path):
    async def scenario():
        async with polling(FakeAssistant(), tmp_path) as api:
            api.push(api.text_update("f1", "👍"))                 # nothing to rate yet
            await api.wait_for(lambda: api.texts("f1"))
            assert "Chưa có câu trả lời" in api.texts("f1")[-1]
            api.push(api.text_update("f1", "Ai chủ trì số hóa? Gọi 0912.345.678"))
            await api.wait_for(lambda: len(api.texts("f1")) == 2)
            assert api.texts("f1")[-1].endswith(MSG_VOTE_HINT)
            api.push(api.text_update("f1", "👎🏻"))
            await api.wait_for(lambda: len(api.texts("f1")) == 3)
            assert "Cảm ơn" in api.texts("f1")[-1]
            api.push(api.text_update("f2", "Câu khác"))
            await api.wait_for(lambda: api.texts("f2"))
            api.push(api.text_update("f2", "/-strong"))          # Zalo's code for 👍
            await api.wait_for(lambda: len(api.texts("f2")) == 2)
        log = QuestionLog(tmp_path / LOG_NAME)
        rows = {r["question"]: r for r in log.rows()}
        assert rows["Ai chủ trì số hóa? Gọi [số]"]["feedback"] == -1
        assert rows["Câu khác"]["feedback"] == 1
        assert all(r["chat"] not in ("f1", "f2") for r in rows.values())
        assert log.report()[0].question == "Ai chủ trì số hóa? Gọi [số]"
        log.close()
    run_async(scenario())


def test_xuat_as_text_and_xoa_du_lieu(tmp_path):
    async def scenario():
        async with FakeZaloAPI() as api:
            cfg = ZaloConfig(token=api.token, api_url=api.url, state_path=tmp_path / "z.sqlite3")
            async with ZaloBot(FakeAssistant(), cfg) as bot:
                await bot.handle_update(api.text_update("x1", "/xuat Trung tâm PVHCC"))
                summary = api.texts("x1")[-1]
                assert summary.startswith("Trung tâm Phục vụ hành chính công — 2 nhiệm vụ:")
                assert "[I.1] Số hóa dữ liệu: Số hóa hồ sơ văn hóa, thể thao" in summary
                assert "Nhiệm vụ, phối hợp — hạn: Quý II/2026" in summary
                assert "Nguồn: Kế hoạch xã Nha Bích, dòng 240–241" in summary
                assert "chưa cho phép gửi tệp" in summary
                await bot.handle_update(api.text_update("x1", "/xuat Phòng Tư pháp"))
                assert "Không tìm thấy đơn vị «Phòng Tư pháp»" in api.texts("x1")[-1]

                await bot.handle_update(api.text_update("x1", "Câu một"))
                await bot.handle_update(api.text_update("x2", "Câu hai"))
                await bot.handle_update(api.text_update("x1", "/xoa_du_lieu"))
                assert api.texts("x1")[-1].startswith("Đã xoá 1 câu hỏi")
                assert [r["question"] for r in bot.questions.rows()] == ["Câu hai"]
                await bot.handle_update(api.text_update("x1", "👍"))
                assert "Chưa có câu trả lời" in api.texts("x1")[-1]
    run_async(scenario())


def test_two_quick_messages_of_one_chat_are_answered_in_order_against_the_right_context(tmp_path):
    async def scenario():
        assistant = SlowOnCue()
        async with FakeZaloAPI() as api:
            cfg = ZaloConfig(token=api.token, api_url=api.url, state_path=tmp_path / "z.sqlite3")
            async with ZaloBot(assistant, cfg) as bot:
                bot.dispatch(api.text_update("q1", "Câu hỏi chậm: ai chủ trì số hóa?"))
                bot.dispatch(api.text_update("q1", "Hạn khi nào?"))
                bot.dispatch(api.text_update("q2", "Câu của chat khác"))
                await api.wait_for(lambda: len(api.texts("q1")) == 2 and api.texts("q2"), timeout=8)
                assert_answered_in_order(api, assistant, "q1", "q2")
                assert len(bot.locks) == 0
    run_async(scenario())


def test_commands_come_from_the_shared_table(tmp_path):
    from bot.commands import commands_of
    offered = commands_of("zalo")
    assert "xoa_ke_hoach" not in offered and "bao_cao" not in offered      # Telegram-only (files, admins)
    for command in offered.values():
        assert command.run is not None or callable(getattr(ZaloBot, "cmd_" + command.name, None)), command

    async def scenario():
        async with FakeZaloAPI() as api:
            cfg = ZaloConfig(token=api.token, api_url=api.url, state_path=tmp_path / "z.sqlite3")
            async with ZaloBot(FakeAssistant(), cfg) as bot:
                for text in ("/help", "/huy_nhac_han", "/nguon", "/bao_cao", "/moi@kh57bot"):
                    await bot.handle_update(api.text_update("k1", text))
                help_, unsubscribed, sources, unknown, new_topic = api.texts("k1")
                assert "/ke_hoach" in help_ and "<b>" not in help_ and "Excel" not in help_
                assert "chưa đăng ký nhắc hạn" in unsubscribed
                assert "Chưa có câu trả lời" in sources
                assert "không biết lệnh này" in unknown
                assert "câu chuyện mới" in new_topic
    run_async(scenario())


def test_a_network_hiccup_is_retried(tmp_path, monkeypatch):
    monkeypatch.setattr("bot.zalo_bot.RETRY_BACKOFF", 0.02)

    async def scenario():
        async with FakeZaloAPI() as api:
            cfg = ZaloConfig(token=api.token, api_url=api.url, state_path=tmp_path / "z.sqlite3")
            async with ZaloBot(FakeAssistant(), cfg) as bot:
                api.break_next("sendMessage", times=2)
                await bot.handle_update(api.text_update("n1", "Câu hỏi qua mạng chập chờn"))
                assert "Câu hỏi qua mạng chập chờn" in api.texts("n1")[0]
                assert [c.method for c in api.calls if c.method.startswith("sendMessage")] == [
                    "sendMessage:502", "sendMessage:502", "sendMessage"]
                api.break_next("sendMessage", times=10)
                with pytest.raises(ZaloApiError) as failure:
                    await bot.send_text("n1", "không tới")
                assert failure.value.code is None and api.token not in str(failure.value)
                assert len([c for c in api.calls if c.method == "sendMessage:502"]) == 2 + 4
    run_async(scenario())
