"""Telegram transport: receive questions and commands, call the Assistant, render HTML, send."""
from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
import secrets
from collections.abc import AsyncIterator, Callable
import time
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as day_time
from pathlib import Path
from urllib.parse import urlparse

import telegram.ext
from telegram import (BotCommand, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions,
                      Message, MessageEntity, ReplyParameters, Update)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import (AIORateLimiter, ApplicationBuilder, ApplicationHandlerStop, BaseUpdateProcessor,
                          CallbackQueryHandler, CommandHandler, ContextTypes, Defaults,
                          MessageHandler, TypeHandler, filters)

from answers.export import file_name, render
from answers.protocol import Assistant
from answers.types import PlanInfo
from corpus.text import nfc
from bot.chat_lock import ChatLocks
from bot.commands import MSG_NOT_ADMIN, Command, Turn, commands_of, help_text
from bot.feedback import DEFAULT_RETENTION_DAYS, LOG_NAME, QuestionLog, vote_of
from bot.log_filter import install_token_filter
from bot.privacy import ChatKey
from bot.reminders import REMINDER_TIME, TZ, send_due_reminders, today_in_vietnam
from bot.render import (HTML, MSG_DEFAULT_PLAN_SCOPE, MSG_EXPORT_USAGE, MSG_NO_VOTE_TARGET, MSG_THANKS,
                        TELEGRAM_LIMIT, export_caption, parse_export_args, render_answer,
                        render_ingest_report, render_plans, render_sources, split_message)
from bot.retry import api_retrying
from bot.state import BotState, open_stores

log = logging.getLogger(__name__)

PLATFORM = "telegram"
STATE_KEY = "kh57_handlers"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024          # also the Bot API's getFile limit
UPLOAD_SUFFIXES = (".txt", ".md", ".docx", ".pdf")
TYPING_REFRESH_SECONDS = 4.5                 # Telegram shows "typing…" for ~5 s per action
TYPING_DELAY_SECONDS = 0.4                   # a quicker answer needs no "typing…"
PRUNE_TIME = day_time(3, 0, tzinfo=TZ)       # old question-log rows go at night
CONTEXT_SWEEP_SECONDS = 300                  # chat contexts past the follow-up window are deleted this often
MAX_CONCURRENT_UPDATES = 256

MSG_ERROR = "Xin lỗi, tôi gặp sự cố khi xử lý yêu cầu này. Vui lòng thử lại sau ít phút."
MSG_REFUSAL = ("Xin lỗi, trợ lý này chỉ phục vụ các nhóm và cán bộ đã được cho phép. "
               "Vui lòng liên hệ quản trị viên nếu bạn cần sử dụng.")
MSG_NOT_ADMIN_FILE = ("Xin lỗi, chỉ quản trị viên mới được gửi tệp kế hoạch. "
                      "Bạn có thể đặt câu hỏi bằng tin nhắn văn bản.")
MSG_EXPIRED = "Nguồn của câu trả lời này không còn lưu, bạn hãy hỏi lại."
MSG_TEXT_ONLY = "Tôi chỉ đọc được câu hỏi dạng văn bản. Gõ /help để xem hướng dẫn."
MSG_UNKNOWN_COMMAND = "Tôi không biết lệnh này. Gõ /help để xem các lệnh."
MSG_ALL_PLANS = "Tất cả kế hoạch"
MSG_EXPIRED_VOTE = "Câu trả lời này không còn trong nhật ký (đã xoá hoặc quá hạn lưu)."
COMMANDS = commands_of(PLATFORM)


@dataclass(frozen=True)
class TelegramConfig:
    token: str
    api_url: str | None = None          # base URL of the Bot API, e.g. "http://127.0.0.1:8081"; None -> Telegram
    webhook_url: str | None = None
    port: int = 8443
    secret: str | None = None
    allowed_chats: frozenset[int] = frozenset()
    admin_ids: frozenset[int] = frozenset()
    state_path: Path = Path("data/bot_state.sqlite3")
    upload_dir: Path = Path("data/uploads")
    log_path: Path | None = None        # question log; None -> questions.sqlite3 next to state_path
    log_salt: str | None = None         # key of the chat hashes; None -> the key file beside state_path
    log_days: int = DEFAULT_RETENTION_DAYS


def _transient(exc: BaseException) -> bool:
    # BadRequest is a subclass of NetworkError, but retrying cannot help it
    return isinstance(exc, NetworkError) and not isinstance(exc, BadRequest)


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter throttles and waits out 429 RetryAfter; this also retries transient network errors."""

    def __init__(self, network_retries: int = 2, backoff: float = 0.5, **kwargs):
        super().__init__(**kwargs)
        self._network_retries = network_retries
        self._backoff = backoff

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        retrying = api_retrying(_transient, self._network_retries, self._backoff, f"Telegram {endpoint}")
        return await retrying(super().process_request, callback, args, kwargs, endpoint, data, rate_limit_args)


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Updates of different chats run concurrently; those of one chat one after another, in order."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES):
        super().__init__(max_concurrent_updates)
        self.locks = ChatLocks()

    async def do_process_update(self, update: object, coroutine) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        async with self.locks.hold(chat.id):
            await coroutine

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def safe_filename(name: str) -> str:
    """A file name that cannot escape the upload folder; Vietnamese letters are kept."""
    name = Path(nfc(name).replace("\\", "/")).name
    name = re.sub(r"[^\w.\- ]", "_", name).strip(" .")
    return name[-120:] if name else ""


def _plan_keyboard(rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data)] for text, data in rows])


def _replied_question(message: Message) -> int | None:
    """The logged question behind the answer a message replies to (read from that answer's 👍 button)."""
    reply = message.reply_to_message
    markup = reply.reply_markup if reply else None
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            data = button.callback_data
            if isinstance(data, str) and data.startswith("fb:") and data.rsplit(":", 1)[-1].isdigit():
                return int(data.rsplit(":", 1)[-1])
    return None


class TelegramHandlers:
    """One small async handler per command; all share the assistant, config and state."""

    def __init__(self, assistant: Assistant, cfg: TelegramConfig, state: BotState, questions: QuestionLog,
                 clock: Callable[[], date] = today_in_vietnam):
        self.assistant = assistant
        self.cfg = cfg
        self.state = state
        self.questions = questions
        self.clock = clock
        self.chat_key = questions.chat_hash     # for logs and upload folders: never the raw chat id

    def register(self, app: telegram.ext.Application) -> None:
        app.bot_data[STATE_KEY] = self
        only_new = filters.UpdateType.MESSAGE
        if self.cfg.allowed_chats:
            app.add_handler(TypeHandler(Update, self.gate), group=-1)
        for command in COMMANDS.values():
            app.add_handler(CommandHandler(command.name, self._command_callback(command), filters=only_new))
        app.add_handler(CallbackQueryHandler(self.on_plan_chosen, pattern=r"^plan:"))
        app.add_handler(CallbackQueryHandler(self.on_sources_button, pattern=r"^src:"))
        app.add_handler(CallbackQueryHandler(self.on_remove_button, pattern=r"^rm"))
        app.add_handler(CallbackQueryHandler(self.on_vote_button, pattern=r"^fb:"))
        app.add_handler(MessageHandler(only_new & filters.Document.ALL, self.on_document))
        app.add_handler(MessageHandler(only_new & filters.TEXT & ~filters.COMMAND, self.on_text))
        app.add_handler(MessageHandler(only_new & filters.COMMAND & filters.ChatType.PRIVATE,
                                       self.unknown_command))
        app.add_handler(MessageHandler(only_new & filters.ChatType.PRIVATE & ~filters.TEXT,
                                       self.not_text))
        app.add_error_handler(self.on_error)
        if app.job_queue is not None:
            app.job_queue.run_daily(self.reminder_job, time=REMINDER_TIME, name="nhac_han")
            app.job_queue.run_daily(self.prune_job, time=PRUNE_TIME, name="xoa_nhat_ky_cu")
            app.job_queue.run_repeating(self.sweep_job, interval=CONTEXT_SWEEP_SECONDS, name="xoa_ngu_canh_cu")

    def _command_callback(self, command: Command):
        """The handler of one command of the shared table: its shared behaviour, or this transport's."""
        if command.run is None:
            return getattr(self, "cmd_" + command.name)

        async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            chat_id = update.effective_chat.id

            async def reply(text: str) -> None:
                await self.send(context.bot, chat_id, text)

            async def send_file(content: bytes, name: str, caption: str) -> None:
                await context.bot.send_document(chat_id, document=content, filename=name, caption=caption)
            turn = Turn(PLATFORM, chat_id, nfc(" ".join(context.args or [])).strip(), HTML, reply,
                        admin=self._is_admin(update), files=True, send_file=send_file)
            await command.run(self, turn)
        return callback

    # -- helpers
    def _is_admin(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and user.id in self.cfg.admin_ids

    async def send(self, bot: telegram.Bot, chat_id: int, html_text: str,
                   markup: InlineKeyboardMarkup | None = None, reply_to: int | None = None) -> list[Message]:
        """Send HTML text split at line boundaries; the keyboard goes on the last part."""
        parts = split_message(html_text, TELEGRAM_LIMIT)
        sent = []
        for i, part in enumerate(parts):
            sent.append(await bot.send_message(
                chat_id, part,
                reply_markup=markup if i == len(parts) - 1 else None,
                reply_parameters=(ReplyParameters(reply_to, allow_sending_without_reply=True)
                                  if reply_to and i == 0 else None)))
        return sent

    @contextlib.asynccontextmanager
    async def typing(self, bot: telegram.Bot, chat_id: int) -> AsyncIterator[None]:
        """Show "typing…" while the block runs, unless it ends within TYPING_DELAY_SECONDS: most answers take
        tens of milliseconds, and each action spends the bot's share of Telegram's 30 messages/s on nothing."""
        async def refresh() -> None:
            await asyncio.sleep(TYPING_DELAY_SECONDS)
            while True:
                with contextlib.suppress(TelegramError):
                    await bot.send_chat_action(chat_id, ChatAction.TYPING)
                await asyncio.sleep(TYPING_REFRESH_SECONDS)

        task = asyncio.create_task(refresh())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _plan_of_button(self, query: CallbackQuery, key: str) -> PlanInfo | None:
        """The plan a keyboard button stands for, or None (with an alert) if it was removed meanwhile."""
        slug = self.state.key_value(key)
        plan = next((p for p in await asyncio.to_thread(self.assistant.plans) if p.slug == slug), None)
        if plan is None:
            await query.answer("Kế hoạch này không còn, hãy gõ /ke_hoach để xem lại.", show_alert=True)
        return plan

    @staticmethod
    def _addressed_text(message: Message, bot: telegram.Bot) -> str | None:
        """In a group: the question if the bot was mentioned or replied to, else None."""
        text = message.text or ""
        reply = message.reply_to_message
        addressed = bool(reply and reply.from_user and reply.from_user.id == bot.id)
        mention = f"@{bot.username}".lower() if bot.username else None
        cuts = []
        for entity, value in message.parse_entities([MessageEntity.MENTION,
                                                     MessageEntity.TEXT_MENTION]).items():
            if (entity.type == MessageEntity.MENTION and mention and value.lower() == mention) or (
                    entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id):
                addressed = True
                cuts.append(value)
        if not addressed:
            return None
        for value in cuts:
            text = text.replace(value, " ")
        return text

    # -- gate
    async def gate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is not None and (chat.id in self.cfg.allowed_chats or self._is_admin(update)):
            return
        if chat is not None and self.state.first_refusal(PLATFORM, chat.id):
            await context.bot.send_message(chat.id, MSG_REFUSAL)
        if update.callback_query:
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer()
        raise ApplicationHandlerStop

    # -- commands
    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(MSG_UNKNOWN_COMMAND)

    async def not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(MSG_TEXT_ONLY)

    async def cmd_ke_hoach(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        plans = await asyncio.to_thread(self.assistant.plans)
        current = self.state.chat_plan(PLATFORM, update.effective_chat.id)
        text = render_plans(plans, current, HTML)
        if not plans:
            await update.effective_message.reply_text(text)
            return
        rows = [(("✅ " if p.slug == current else "") + p.name,
                 "plan:" + self.state.short_key(p.slug)) for p in plans]
        rows.append(((("✅ " if current is None else "") + MSG_ALL_PLANS), "plan:*"))
        await update.effective_message.reply_text(text + "\n\nChọn kế hoạch mặc định để hỏi:",
                                                  reply_markup=_plan_keyboard(rows))

    async def on_plan_chosen(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        key = query.data.split(":", 1)[1]
        chat_id = update.effective_chat.id
        if key == "*":
            self.state.set_chat_plan(PLATFORM, chat_id, None)
            await query.answer("Đã chọn tất cả kế hoạch")
            await query.edit_message_text("Từ nay câu hỏi được tra trên <b>tất cả kế hoạch</b>. "
                                          "Gõ /ke_hoach để đổi.")
            return
        plan = await self._plan_of_button(query, key)
        if plan is None:
            return
        self.state.set_chat_plan(PLATFORM, chat_id, plan.slug)
        await query.answer("Đã chọn kế hoạch")
        await query.edit_message_text(
            f"Đã chọn kế hoạch mặc định: <b>{HTML.esc(plan.name)}</b>.\n"
            "Câu hỏi không nêu rõ địa phương sẽ được tra trong kế hoạch này. Gõ /ke_hoach để đổi.")

    async def on_sources_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        sources = self.state.answer_sources(query.data.split(":", 1)[1])
        if sources is None:
            await query.answer(MSG_EXPIRED, show_alert=True)
            return
        await query.answer()
        await self.send(context.bot, update.effective_chat.id, render_sources(sources, HTML),
                        reply_to=query.message.message_id if query.message else None)

    # -- questions
    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        chat = update.effective_chat
        text = message.text
        if chat.type != ChatType.PRIVATE:
            text = self._addressed_text(message, context.bot)
            if text is None:
                return
        question = nfc(text).strip()
        if not question:
            await message.reply_text(help_text(HTML, PLATFORM))
            return
        vote = vote_of(question)
        if vote is not None:            # a bare 👍 / 👎 rates the answer replied to, else the chat's last one
            qid = _replied_question(message) or self.questions.last_question(PLATFORM, chat.id)
            recorded = qid is not None and self.questions.vote(PLATFORM, chat.id, qid, vote)
            await message.reply_text(MSG_THANKS if recorded else MSG_NO_VOTE_TARGET)
            return
        plan = self.state.chat_plan(PLATFORM, chat.id)
        async with self.typing(context.bot, chat.id):
            started = time.perf_counter()
            # ask() is blocking (retrieval, embeddings): off the loop so other chats keep flowing.
            answer = await asyncio.to_thread(functools.partial(
                self.assistant.ask, question, plan, context=self.state.chat_context(PLATFORM, chat.id)))
        self.state.set_chat_context(PLATFORM, chat.id, answer.context)
        latency_ms = (time.perf_counter() - started) * 1000
        qid = self.questions.record(PLATFORM, chat.id, answer, latency_ms)
        buttons = [InlineKeyboardButton("👍", callback_data=f"fb:+:{qid}"),
                   InlineKeyboardButton("👎", callback_data=f"fb:-:{qid}")]
        if answer.sources:
            key = self.state.save_answer_sources(PLATFORM, chat.id, answer.sources)
            buttons.insert(0, InlineKeyboardButton("Xem nguồn", callback_data=f"src:{key}"))
        await self.send(context.bot, chat.id, render_answer(answer, HTML), InlineKeyboardMarkup([buttons]),
                        reply_to=message.message_id if chat.type != ChatType.PRIVATE else None)

    async def on_vote_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        _, sign, qid = query.data.split(":", 2)
        recorded = qid.isdigit() and self.questions.vote(PLATFORM, update.effective_chat.id, int(qid),
                                                         1 if sign == "+" else -1)
        # the row may be gone (/xoa_du_lieu, retention): say so rather than pretend
        await query.answer(MSG_THANKS if recorded else MSG_EXPIRED_VOTE, show_alert=not recorded)

    # -- housekeeping
    async def prune_job(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        gone = self.questions.prune()
        if gone:
            log.info("Question log: %d rows older than %d days removed", gone, self.questions.retention_days)
        self.state.prune(self.questions.retention_days)

    async def sweep_job(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.state.prune(self.questions.retention_days)

    # -- exports
    async def cmd_xuat(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        unit, fmt = parse_export_args(nfc(" ".join(context.args or [])))
        if not unit:
            await message.reply_text(MSG_EXPORT_USAGE)
            return
        plan = self.state.chat_plan(PLATFORM, update.effective_chat.id)
        async with self.typing(context.bot, message.chat_id):
            result = await asyncio.to_thread(self.assistant.export_rows, unit, plan)
            if not result.ok:
                await message.reply_text(HTML.esc(result.message) + (MSG_DEFAULT_PLAN_SCOPE if plan else ""))
                return
            content = await asyncio.to_thread(render, result, fmt, datetime.now(TZ))
        plan_name = next((p.name for p in await asyncio.to_thread(self.assistant.plans) if p.slug == plan), None)
        await context.bot.send_document(message.chat_id, document=content, filename=file_name(result, fmt),
                                        caption=export_caption(result, fmt, plan_name, HTML))

    # -- reminders
    async def reminder_job(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.send_reminders(context.bot, self.clock())

    async def send_reminders(self, bot: telegram.Bot, today: date) -> int:
        """Send today's due-date reminders; today is a parameter so tests can fix the clock."""
        async def deliver(chat_id: str, text: str) -> None:
            await self.send(bot, int(chat_id), text)
        return await send_due_reminders(self.assistant, self.state, PLATFORM, today, HTML, deliver)

    # -- admin: add and remove plans
    async def on_document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        private = update.effective_chat.type == ChatType.PRIVATE
        if not self._is_admin(update):
            if private:
                await message.reply_text(MSG_NOT_ADMIN_FILE)
            return
        doc = message.document
        name = safe_filename(doc.file_name or "")
        if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
            await message.reply_text(
                f"Tệp <b>{HTML.esc(doc.file_name or 'không tên')}</b> không được hỗ trợ. "
                "Chỉ nhận tệp .txt, .md, .docx hoặc .pdf.")
            return
        if doc.file_size and doc.file_size > MAX_UPLOAD_BYTES:
            await message.reply_text(
                f"Tệp quá lớn ({doc.file_size / 1024 / 1024:.1f} MB). Giới hạn là 20 MB.")
            return
        dest = self.cfg.upload_dir / f"{self.chat_key(PLATFORM, message.chat_id)[:12]}-{message.message_id}" / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        tg_file = await doc.get_file()
        await tg_file.download_to_drive(dest)
        if dest.stat().st_size > MAX_UPLOAD_BYTES:
            dest.unlink()
            await message.reply_text("Tệp quá lớn. Giới hạn là 20 MB.")
            return
        await message.reply_text(f"Đang nạp kế hoạch từ tệp <b>{HTML.esc(name)}</b>, vui lòng đợi…")
        async with self.typing(context.bot, message.chat_id):
            report = await asyncio.to_thread(self.assistant.add_plan_file, dest)
        await self.send(context.bot, message.chat_id, render_ingest_report(report, HTML))

    async def cmd_xoa_ke_hoach(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not self._is_admin(update):
            await update.effective_message.reply_text(MSG_NOT_ADMIN)
            return
        plans = await asyncio.to_thread(self.assistant.plans)
        if not plans:
            await update.effective_message.reply_text(render_plans(plans, None, HTML))
            return
        rows = [(p.name, "rm:" + self.state.short_key(p.slug)) for p in plans]
        await update.effective_message.reply_text("Chọn kế hoạch cần xoá:", reply_markup=_plan_keyboard(rows))

    async def on_remove_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if not self._is_admin(update):
            await query.answer(MSG_NOT_ADMIN, show_alert=True)
            return
        action, _, key = query.data.partition(":")
        if action == "rmno":
            await query.answer()
            await query.edit_message_text("Đã huỷ, không xoá kế hoạch nào.")
            return
        plan = await self._plan_of_button(query, key)
        if plan is None:
            return
        name = HTML.esc(plan.name)
        await query.answer()
        if action == "rm":
            await query.edit_message_text(
                f"Xoá kế hoạch <b>{name}</b>? Thao tác này không hoàn tác được.",
                reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Xoá", callback_data=f"rmok:{key}"),
                                                    InlineKeyboardButton("Huỷ", callback_data="rmno")]]))
            return
        removed = await asyncio.to_thread(self.assistant.remove_plan, plan.slug)
        if removed:
            self.state.forget_plan(plan.slug)
            await query.edit_message_text(f"Đã xoá kế hoạch <b>{name}</b>.")
        else:
            await query.edit_message_text(f"Không xoá được kế hoạch <b>{name}</b>. Vui lòng thử lại.")

    # -- the one error handler
    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        log.error("Error while handling an update of chat %s",
                  self.chat_key(PLATFORM, chat.id) if chat else "-", exc_info=context.error)
        if not isinstance(update, Update):
            return
        if update.callback_query:
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer()
        if update.effective_chat:
            with contextlib.suppress(TelegramError):
                await context.bot.send_message(update.effective_chat.id, MSG_ERROR)


async def _post_init(app: telegram.ext.Application) -> None:
    with contextlib.suppress(TelegramError):
        await app.bot.set_my_commands([BotCommand(c.name, c.summary) for c in COMMANDS.values() if not c.admin])


def build_application(assistant: Assistant, cfg: TelegramConfig) -> telegram.ext.Application:
    """The whole Telegram bot wired in one place; run it with run_telegram or drive it in tests."""
    install_token_filter(cfg.token)
    state, questions = open_stores(cfg.state_path, cfg.log_path or cfg.state_path.with_name(LOG_NAME),
                                   ChatKey.load(cfg.state_path.parent, cfg.log_salt), cfg.log_days)

    async def post_shutdown(_app: telegram.ext.Application) -> None:
        state.close()
        questions.close()

    builder = (ApplicationBuilder()
               .token(cfg.token)
               .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=TZ,
                                  link_preview_options=LinkPreviewOptions(is_disabled=True)))
               .rate_limiter(RetryingRateLimiter(max_retries=3))
               .concurrent_updates(PerChatUpdateProcessor())
               .post_init(_post_init)
               .post_shutdown(post_shutdown))
    if cfg.api_url:
        base = cfg.api_url.rstrip("/")
        builder = builder.base_url(base + "/bot").base_file_url(base + "/file/bot")
    app = builder.build()
    TelegramHandlers(assistant, cfg, state, questions).register(app)
    return app


def handlers_of(app: telegram.ext.Application) -> TelegramHandlers:
    return app.bot_data[STATE_KEY]


def run_telegram(assistant: Assistant, cfg: TelegramConfig) -> None:
    """Run until interrupted: long polling, or a webhook server when cfg.webhook_url is set."""
    app = build_application(assistant, cfg)
    if not cfg.webhook_url:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
        return
    # Telegram echoes the secret in every webhook call; without one anybody could post updates.
    secret = cfg.secret or secrets.token_urlsafe(32)
    app.run_webhook(listen="0.0.0.0", port=cfg.port,
                    url_path=urlparse(cfg.webhook_url).path.strip("/"),
                    webhook_url=cfg.webhook_url, secret_token=secret,
                    allowed_updates=Update.ALL_TYPES)
