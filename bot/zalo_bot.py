"""Zalo Bot Platform transport (Telegram-like HTTP API): polling or webhook, plain-text replies."""
from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import aiohttp
from aiohttp import web

from answers.protocol import Assistant
from corpus.text import nfc
from bot.chat_lock import ChatLocks
from bot.commands import Turn, commands_of, help_text
from bot.feedback import DEFAULT_RETENTION_DAYS, LOG_NAME, QuestionLog, vote_of
from bot.log_filter import install_token_filter
from bot.privacy import ChatKey
from bot.reminders import seconds_until_next_run, send_due_reminders, today_in_vietnam
from bot.render import (MSG_DEFAULT_PLAN_SCOPE, MSG_EXPORT_USAGE, MSG_NO_VOTE_TARGET, MSG_THANKS, PLAIN,
                        ZALO_LIMIT, parse_export_args, render_answer, render_export_summary,
                        render_plans, split_message)
from bot.retry import api_retrying
from bot.state import BotState, open_stores

log = logging.getLogger(__name__)

ZALO_API = "https://bot-api.zaloplatforms.com"
PLATFORM = "zalo"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
POLL_TIMEOUT = 30          # seconds the server may hold a getUpdates call
MAX_RETRIES = 3
RETRY_BACKOFF = 0.5        # seconds before the first retry of a network error, doubled each time
MAX_CONCURRENT_UPDATES = 32
CONTEXT_SWEEP_SECONDS = 300
COMMANDS = commands_of(PLATFORM)

MSG_ERROR = "Xin lỗi, tôi gặp sự cố khi xử lý yêu cầu này. Vui lòng thử lại sau ít phút."
MSG_TEXT_ONLY = "Tôi chỉ đọc được câu hỏi dạng văn bản. Gõ /help để xem hướng dẫn."
MSG_UNKNOWN_COMMAND = "Tôi không biết lệnh này. Gõ /help để xem các lệnh."
# Zalo has no inline buttons: a bare 👍 / 👎 message right after an answer rates it.
MSG_VOTE_HINT = "Gửi 👍 hoặc 👎 để đánh giá câu trả lời này."
# The Zalo Bot API sends text, photos and stickers only: exports come as text.
MSG_EXPORT_NOTE = ("Zalo Bot chưa cho phép gửi tệp. Để có tệp Excel hoặc lịch hạn (.ics), dùng /xuat trên "
                   "Telegram hoặc nhờ quản trị viên chạy: run_bot.py export --unit \"<đơn vị>\".")


@dataclass(frozen=True)
class ZaloConfig:
    token: str
    api_url: str | None = None          # base URL of the Bot API; None -> Zalo's own
    webhook_url: str | None = None
    port: int = 8444
    secret: str | None = None
    state_path: Path = Path("data/bot_state.sqlite3")
    log_path: Path | None = None        # question log; None -> questions.sqlite3 next to state_path
    log_salt: str | None = None         # key of the chat hashes; None -> the key file beside state_path
    log_days: int = DEFAULT_RETENTION_DAYS


class ZaloApiError(Exception):
    def __init__(self, code: int | None, description: str, transient: bool = False,
                 retry_after: float | None = None):
        super().__init__(f"Zalo API error {code}: {description}")
        self.code = code
        self.description = description
        self.transient = transient          # a network error or flood control: worth another try
        self.retry_after = retry_after      # seconds the server asked to wait (429)


def _updates_of(result: Any) -> list[dict]:
    """getUpdates and webhooks deliver one update object (sometimes wrapped, sometimes a list)."""
    if result is None:
        return []
    if isinstance(result, list):
        return [u for r in result for u in _updates_of(r)]
    if isinstance(result, dict) and "event_name" not in result and isinstance(result.get("result"), (dict, list)):
        return _updates_of(result["result"])
    return [result] if isinstance(result, dict) else []


class ZaloBot:
    """One Zalo bot: API client, update dispatch, commands and reminders."""

    def __init__(self, assistant: Assistant, cfg: ZaloConfig, state: BotState | None = None,
                 questions: QuestionLog | None = None, clock: Callable[[], date] = today_in_vietnam):
        self.assistant = assistant
        self.cfg = cfg
        if state is None or questions is None:
            state, questions = open_zalo_stores(cfg)
        self.state = state
        self.questions = questions
        self.chat_key = questions.chat_hash      # for logs: never the raw chat id
        self.clock = clock
        self.locks = ChatLocks()
        # Zalo echoes this secret in every webhook call (8-256 characters).
        self.secret = cfg.secret or secrets.token_urlsafe(24)
        self.base = f"{(cfg.api_url or ZALO_API).rstrip('/')}/bot{cfg.token}"
        self.name: str | None = None
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task] = set()
        self._slots = asyncio.Semaphore(MAX_CONCURRENT_UPDATES)

    async def __aenter__(self) -> ZaloBot:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        me = await self.call("getMe") or {}
        self.name = me.get("account_name") or me.get("display_name") or me.get("name")
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.drain()
        if self._session:
            await self._session.close()

    # -- HTTP
    async def call(self, method: str, http_timeout: float | None = None, **params: Any) -> Any:
        """POST a method; waits out 429 retry_after and retries connection errors."""
        retrying = api_retrying(lambda exc: getattr(exc, "transient", False), MAX_RETRIES, RETRY_BACKOFF,
                                f"Zalo {method}")
        return await retrying(self._call_once, method, http_timeout, params)

    async def _call_once(self, method: str, http_timeout: float | None, params: dict) -> Any:
        assert self._session is not None, "use 'async with ZaloBot(...)'"
        extra = {"timeout": aiohttp.ClientTimeout(total=http_timeout)} if http_timeout else {}
        try:
            async with self._session.post(f"{self.base}/{method}", json=params, **extra) as resp:
                status = resp.status
                data = await resp.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            # from None: the aiohttp error's text holds the URL, and the URL the token
            raise ZaloApiError(None, f"network: {type(exc).__name__}", transient=True) from None
        if isinstance(data, dict) and data.get("ok"):
            return data.get("result")
        data = data if isinstance(data, dict) else {}
        code = data.get("error_code") or status
        retry_after = (data.get("parameters") or {}).get("retry_after", 1) if code == 429 else None
        raise ZaloApiError(code, str(data.get("description", "")), transient=code == 429,
                           retry_after=None if retry_after is None else float(retry_after))

    async def send_text(self, chat_id: str, text: str) -> None:
        for part in split_message(text, ZALO_LIMIT):
            await self.call("sendMessage", chat_id=chat_id, text=part)

    async def typing(self, chat_id: str) -> None:
        with contextlib.suppress(ZaloApiError):
            await self.call("sendChatAction", chat_id=chat_id, action="typing")

    # -- updates
    def dispatch(self, update: dict) -> asyncio.Task:
        """Handle an update in its own task so one slow question never holds up other chats."""
        task = asyncio.create_task(self._guarded(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def drain(self) -> None:
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _guarded(self, update: dict) -> None:
        """One update; those of one chat in arrival order (a follow-up reads the context its predecessor
        wrote), other chats alongside."""
        chat_id = ((update.get("message") or {}).get("chat") or {}).get("id")
        async with self._slots, self.locks.hold(chat_id):
            try:
                await self.handle_update(update)
            except Exception:
                log.exception("Error while handling a Zalo update of chat %s",
                              self.chat_key(PLATFORM, chat_id) if chat_id else "-")
                if chat_id:
                    with contextlib.suppress(Exception):
                        await self.send_text(chat_id, MSG_ERROR)

    async def handle_update(self, update: dict) -> None:
        message = update.get("message") or {}
        chat = message.get("chat") or {}
        chat_id = chat.get("id")
        if not chat_id:
            return
        group = str(chat.get("chat_type", "PRIVATE")).upper() == "GROUP"
        text = message.get("text")
        if update.get("event_name") != "message.text.received" or text is None:
            if not group:
                await self.send_text(chat_id, MSG_TEXT_ONLY)
            return
        text = nfc(text).strip()
        if group:
            mention = f"@{self.name}" if self.name else None
            if not text.startswith("/") and not (mention and mention.lower() in text.lower()):
                return
            if mention:
                text = re.sub(re.escape(mention), " ", text, flags=re.IGNORECASE).strip()
        vote = vote_of(text)
        if vote is not None:
            await self.rate_last_answer(chat_id, vote)
        elif text.startswith("/"):
            command, _, arg = text[1:].partition(" ")
            await self.command(chat_id, command.split("@")[0].lower(), arg.strip())
        elif text:
            await self.answer(chat_id, text)
        else:
            await self.send_text(chat_id, help_text(PLAIN, PLATFORM, files=False))

    async def command(self, chat_id: str, command: str, arg: str) -> None:
        """A command of the shared table: its shared behaviour, or this transport's cmd_<name>."""
        entry = COMMANDS.get(command)
        if entry is None:
            await self.send_text(chat_id, MSG_UNKNOWN_COMMAND)
            return

        async def reply(text: str) -> None:
            await self.send_text(chat_id, text)
        turn = Turn(PLATFORM, chat_id, arg, PLAIN, reply, admin=False, files=False)
        await (entry.run(self, turn) if entry.run else getattr(self, "cmd_" + command)(turn))

    async def answer(self, chat_id: str, question: str) -> None:
        plan = self.state.chat_plan(PLATFORM, chat_id)
        await self.typing(chat_id)
        started = time.perf_counter()
        answer = await asyncio.to_thread(functools.partial(
            self.assistant.ask, question, plan, context=self.state.chat_context(PLATFORM, chat_id)))
        self.state.set_chat_context(PLATFORM, chat_id, answer.context)
        self.questions.record(PLATFORM, chat_id, answer, (time.perf_counter() - started) * 1000)
        if answer.sources:
            self.state.save_answer_sources(PLATFORM, chat_id, answer.sources)
        await self.send_text(chat_id, render_answer(answer, PLAIN) + "\n\n" + MSG_VOTE_HINT)

    async def rate_last_answer(self, chat_id: str, vote: int) -> None:
        qid = self.questions.last_question(PLATFORM, chat_id)
        recorded = qid is not None and self.questions.vote(PLATFORM, chat_id, qid, vote)
        await self.send_text(chat_id, MSG_THANKS if recorded else MSG_NO_VOTE_TARGET)

    async def cmd_xuat(self, turn: Turn) -> None:
        chat_id = turn.chat_id
        unit, _ = parse_export_args(turn.arg)
        if not unit:
            await self.send_text(chat_id, MSG_EXPORT_USAGE)
            return
        await self.typing(chat_id)
        plan = self.state.chat_plan(PLATFORM, chat_id)
        result = await asyncio.to_thread(self.assistant.export_rows, unit, plan)
        await self.send_text(chat_id, render_export_summary(result, PLAIN, MSG_EXPORT_NOTE) if result.ok
                             else result.message + (MSG_DEFAULT_PLAN_SCOPE if plan else ""))

    async def cmd_ke_hoach(self, turn: Turn) -> None:
        """Zalo has no inline keyboards: '/ke_hoach' lists numbered plans, '/ke_hoach 2' picks one."""
        chat_id, arg = turn.chat_id, turn.arg
        plans = await asyncio.to_thread(self.assistant.plans)
        current = self.state.chat_plan(PLATFORM, chat_id)
        if not arg:
            text = render_plans(plans, current, PLAIN, numbered=True)
            if plans:
                text += "\n\nGõ /ke_hoach <số> để chọn kế hoạch mặc định, /ke_hoach 0 để tra tất cả."
            await self.send_text(chat_id, text)
            return
        if not arg.isdigit() or int(arg) > len(plans):
            await self.send_text(chat_id, f"Số kế hoạch không hợp lệ. Hãy chọn từ 0 đến {len(plans)}.")
            return
        if int(arg) == 0:
            self.state.set_chat_plan(PLATFORM, chat_id, None)
            await self.send_text(chat_id, "Từ nay câu hỏi được tra trên tất cả kế hoạch.")
            return
        plan = plans[int(arg) - 1]
        self.state.set_chat_plan(PLATFORM, chat_id, plan.slug)
        await self.send_text(chat_id, f"Đã chọn kế hoạch mặc định: {plan.name}.")

    async def send_reminders(self, today: date) -> int:
        """Send today's due-date reminders; today is a parameter so tests can fix the clock."""
        return await send_due_reminders(self.assistant, self.state, PLATFORM, today, PLAIN, self.send_text)

    async def reminder_loop(self) -> None:
        while True:
            await asyncio.sleep(seconds_until_next_run())
            try:
                await self.send_reminders(self.clock())
            except Exception:
                log.exception("Zalo reminder run failed")
            self.questions.prune()

    async def sweep_loop(self) -> None:
        """Chat contexts past the follow-up window, and answers past their time, are deleted."""
        while True:
            await asyncio.sleep(CONTEXT_SWEEP_SECONDS)
            self.state.prune(self.questions.retention_days)

    # -- receiving
    async def poll(self, stop: asyncio.Event | None = None) -> None:
        """Long polling until stop is set (Zalo refuses getUpdates while a webhook is set)."""
        with contextlib.suppress(ZaloApiError):
            await self.call("deleteWebhook")
        while stop is None or not stop.is_set():
            try:
                result = await self.call("getUpdates", http_timeout=POLL_TIMEOUT + 15,
                                         timeout=str(POLL_TIMEOUT))
            except ZaloApiError as exc:
                if exc.code != 408:          # 408: nothing arrived within the poll timeout
                    log.warning("getUpdates failed: %s", exc)
                    await asyncio.sleep(2)
                continue
            for update in _updates_of(result):
                self.dispatch(update)

    def webhook_app(self, path: str = "/") -> web.Application:
        """aiohttp app receiving webhook calls; wrong or missing secret -> 403, nothing processed."""
        async def receive(request: web.Request) -> web.Response:
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), self.secret.encode()):
                return web.json_response({"ok": False, "description": "forbidden"}, status=403)
            try:
                payload = await request.json()
            except ValueError:
                return web.json_response({"ok": False, "description": "bad json"}, status=400)
            for update in _updates_of(payload):
                self.dispatch(update)
            return web.json_response({"ok": True})

        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_post(path or "/", receive)
        return app


def open_zalo_stores(cfg: ZaloConfig) -> tuple[BotState, QuestionLog]:
    return open_stores(cfg.state_path, cfg.log_path or cfg.state_path.with_name(LOG_NAME),
                       ChatKey.load(cfg.state_path.parent, cfg.log_salt), cfg.log_days)


async def serve_zalo(assistant: Assistant, cfg: ZaloConfig, stop: asyncio.Event | None = None) -> None:
    """Run the Zalo bot until stop is set (or forever): webhook server if cfg.webhook_url, else polling."""
    install_token_filter(cfg.token)
    state, questions = open_zalo_stores(cfg)
    try:
        async with ZaloBot(assistant, cfg, state, questions) as bot:   # leaving it waits for updates in flight
            loops = [asyncio.create_task(bot.reminder_loop()), asyncio.create_task(bot.sweep_loop())]
            try:
                if cfg.webhook_url:
                    await _serve_webhook(bot, cfg, stop or asyncio.Event())
                else:
                    await bot.poll(stop)
            finally:
                for loop in loops:
                    loop.cancel()
    finally:
        state.close()
        questions.close()


async def _serve_webhook(bot: ZaloBot, cfg: ZaloConfig, stop: asyncio.Event) -> None:
    runner = web.AppRunner(bot.webhook_app(urlparse(cfg.webhook_url).path or "/"))
    await runner.setup()
    await web.TCPSite(runner, "0.0.0.0", cfg.port).start()
    try:
        await bot.call("setWebhook", url=cfg.webhook_url, secret_token=bot.secret)
        await stop.wait()
    finally:
        await runner.cleanup()


def run_zalo(assistant: Assistant, cfg: ZaloConfig) -> None:
    """Blocking entry point for run_bot.py; Ctrl+C stops it."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_zalo(assistant, cfg))
