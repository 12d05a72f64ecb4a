"""The bot's commands, listed once for both transports: name, menu line, where offered, what it does.

A command with shared behaviour runs here on a Turn (chat, argument, markup style, a reply function);
one that needs a transport's own means (Telegram's inline keyboards and documents, Zalo's numbered
lists) names no behaviour, and each transport offering it has a method cmd_<name>.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from answers.protocol import Assistant
from bot.feedback import QuestionLog, report_text
from bot.render import EXAMPLE_QUESTIONS, MSG_DATA_DELETED, Style, render_sources, welcome_text
from bot.state import BotState

TELEGRAM, ZALO = "telegram", "zalo"
BOTH = frozenset({TELEGRAM, ZALO})
REPORT_LINES = 30

MSG_NO_LAST = "Chưa có câu trả lời nào để xem nguồn. Hãy đặt một câu hỏi trước."
MSG_NEW_TOPIC = "Đã bắt đầu câu chuyện mới: câu hỏi sau sẽ không dựa vào câu trước."
MSG_NOT_ADMIN = "Xin lỗi, chỉ quản trị viên mới dùng được lệnh này."
MSG_NOT_SUBSCRIBED = "Cuộc trò chuyện này chưa đăng ký nhắc hạn."
MSG_BAD_DATE = "Ngày không hợp lệ. Cách dùng: /bao_cao [YYYY-MM-DD], ví dụ: /bao_cao 2026-01-01"


@dataclass(frozen=True)
class Turn:
    """One command in one chat, as a transport hands it over."""
    platform: str
    chat_id: int | str
    arg: str                                   # the text after the command, NFC, stripped
    style: Style                               # Telegram HTML or Zalo plain text
    reply: Callable[[str], Awaitable[object]]  # sends text (already marked up) to the chat, split if long
    admin: bool = False
    files: bool = True                         # the transport can send documents
    # sends a document (content, file name, caption already marked up); None where documents cannot be sent
    send_file: Callable[[bytes, str, str], Awaitable[object]] | None = None


class Bot(Protocol):
    """What shared commands use of a transport."""
    assistant: Assistant
    state: BotState
    questions: QuestionLog


Run = Callable[[Bot, Turn], Awaitable[None]]


@dataclass(frozen=True)
class Command:
    name: str
    summary: str                  # the command menu's line (Telegram's setMyCommands)
    run: Run | None = None        # shared behaviour; None: each transport's cmd_<name>
    help: str = ""                # the /help line after "/name [usage] — "; empty: not in /help
    usage: str = ""               # the argument, e.g. "<đơn vị>"
    help_text_only: str = ""      # the /help line where the transport cannot send files, if different
    transports: frozenset[str] = BOTH
    admin: bool = False           # listed under "Quản trị" in /help, left out of the menu

    def help_line(self, style: Style, files: bool) -> str:
        usage = " " + style.esc(self.usage) if self.usage else ""
        return f"/{self.name}{usage} — " + (self.help if files or not self.help_text_only else self.help_text_only)


async def start(bot: Bot, turn: Turn) -> None:
    await turn.reply(welcome_text(turn.style))


async def show_help(bot: Bot, turn: Turn) -> None:
    await turn.reply(help_text(turn.style, turn.platform, admin=turn.admin, files=turn.files))


async def last_sources(bot: Bot, turn: Turn) -> None:
    sources = bot.state.last_answer_sources(turn.platform, turn.chat_id)
    await turn.reply(render_sources(sources, turn.style, preview=None) if sources else MSG_NO_LAST)


async def subscribe(bot: Bot, turn: Turn) -> None:
    style = turn.style
    if not turn.arg:
        await turn.reply("Cách dùng: /nhac_han " + style.esc("<tên đơn vị>")
                         + ", ví dụ: /nhac_han Phòng Văn hóa – Xã hội")
        return
    unit = await asyncio.to_thread(bot.assistant.resolve_unit, turn.arg)
    if unit is None:
        await turn.reply(f"Không tìm thấy đơn vị «{style.esc(turn.arg)}» trong các kế hoạch. "
                         "Bạn hãy kiểm tra lại tên, ví dụ: Phòng Văn hóa – Xã hội, Trung tâm PVHCC.")
        return
    bot.state.subscribe(turn.platform, turn.chat_id, unit)
    await turn.reply(f"Đã đăng ký nhắc hạn cho {style.bold(unit)}. Mỗi sáng 7:30 tôi sẽ gửi các nhiệm vụ "
                     "còn 7, 3, 1 ngày đến hạn và các nhiệm vụ quá hạn. Gõ /huy_nhac_han để ngừng.")


async def unsubscribe(bot: Bot, turn: Turn) -> None:
    units = bot.state.unsubscribe(turn.platform, turn.chat_id)
    await turn.reply("Đã huỷ nhắc hạn cho: " + ", ".join(turn.style.bold(u) for u in units) + "."
                     if units else MSG_NOT_SUBSCRIBED)


async def delete_data(bot: Bot, turn: Turn) -> None:
    count = bot.questions.delete_chat(turn.platform, turn.chat_id)
    bot.state.forget_answers(turn.platform, turn.chat_id)
    await turn.reply(MSG_DATA_DELETED.format(count=count))


async def new_topic(bot: Bot, turn: Turn) -> None:
    bot.state.set_chat_context(turn.platform, turn.chat_id, None)
    await turn.reply(MSG_NEW_TOPIC)


async def report(bot: Bot, turn: Turn) -> None:
    if not turn.admin:
        await turn.reply(MSG_NOT_ADMIN)
        return
    since = None
    if turn.arg:
        try:
            since = date.fromisoformat(turn.arg.split()[0])
        except ValueError:
            await turn.reply(MSG_BAD_DATE)
            return
    items = bot.questions.report(since, limit=REPORT_LINES)
    await turn.reply(report_text(items, since, turn.style.esc))


MSG_ALIGN_NO_FILE = ("Zalo Bot chưa cho phép gửi tệp. Để có bảng Excel đầy đủ (mỗi chỉ tiêu, nhiệm vụ kèm dòng của "
                     "hai kế hoạch), dùng /doi_chieu trên Telegram hoặc nhờ quản trị viên chạy: "
                     "run_bot.py align --plan <mã kế hoạch> --format xlsx")


async def align_report(bot: Bot, turn: Turn) -> None:
    """/doi_chieu [xã]: a commune's plan against its province's: a short summary and the xlsx (or, where no
    file can be sent, the rows that need action as text)."""
    from answers.align_render import chat_summary, file_name, render
    plan = bot.state.chat_plan(turn.platform, turn.chat_id)
    result = await asyncio.to_thread(bot.assistant.alignment, turn.arg, None if turn.arg else plan)
    if not result.ok:
        await turn.reply(turn.style.esc(result.message))
        return
    alignments = list(result.alignments)
    if turn.send_file is None:
        await turn.reply(chat_summary(alignments, turn.style, details=True) + "\n\n" + turn.style.esc(MSG_ALIGN_NO_FILE))
        return
    content = await asyncio.to_thread(render, alignments, "xlsx")
    await turn.reply(chat_summary(alignments, turn.style))
    await turn.send_file(content, file_name(alignments, "xlsx"),
                         turn.style.esc("Bảng đối chiếu: mỗi chỉ tiêu và nhiệm vụ được giao, kèm dòng của hai kế hoạch."))


COMMANDS: tuple[Command, ...] = (
    Command("start", "Giới thiệu trợ lý", start),
    Command("help", "Hướng dẫn sử dụng", show_help, "hướng dẫn này"),
    Command("ke_hoach", "Chọn kế hoạch mặc định", None, "chọn kế hoạch mặc định cho cuộc trò chuyện"),
    Command("nguon", "Xem đầy đủ nguồn của câu trả lời gần nhất", last_sources,
            "xem đầy đủ nguồn của câu trả lời gần nhất"),
    Command("nhac_han", "Đăng ký nhắc hạn cho một đơn vị", subscribe,
            "nhận nhắc hạn nhiệm vụ của đơn vị lúc 7:30 mỗi sáng", "<đơn vị>"),
    Command("huy_nhac_han", "Huỷ nhắc hạn", unsubscribe, "ngừng nhận nhắc hạn"),
    Command("xuat", "Xuất nhiệm vụ của một đơn vị ra tệp Excel", None,
            "nhiệm vụ, chỉ tiêu, trách nhiệm của đơn vị ra tệp Excel (thêm csv hoặc ics để lấy tệp CSV hoặc "
            "lịch hạn)", "<đơn vị>", help_text_only="danh sách nhiệm vụ, chỉ tiêu, trách nhiệm của đơn vị"),
    Command("doi_chieu", "Đối chiếu kế hoạch xã, phường với kế hoạch của tỉnh", align_report,
            "đối chiếu kế hoạch của xã, phường với kế hoạch cấp trên: chỉ tiêu thiếu, thấp hơn, bằng, cao hơn; "
            "nhiệm vụ tỉnh giao đã có hay chưa (tệp Excel)", "[xã]",
            help_text_only="đối chiếu kế hoạch của xã, phường với kế hoạch cấp trên: chỉ tiêu thiếu, thấp hơn; "
                           "nhiệm vụ tỉnh giao chưa thấy"),
    Command("xoa_du_lieu", "Xoá nhật ký câu hỏi của cuộc trò chuyện này", delete_data,
            "xoá nhật ký câu hỏi của cuộc trò chuyện này"),
    Command("moi", "Bắt đầu câu chuyện mới (câu sau không dựa vào câu trước)", new_topic,
            "bắt đầu câu chuyện mới (câu hỏi sau không dựa vào câu trước)"),
    Command("xoa_ke_hoach", "Xoá một kế hoạch", None, "xoá một kế hoạch",
            transports=frozenset({TELEGRAM}), admin=True),
    Command("bao_cao", "Câu hỏi chưa trả lời được hoặc bị chê", report,
            "câu hỏi chưa trả lời được hoặc bị chê, nhiều nhất trước", "[YYYY-MM-DD]",
            transports=frozenset({TELEGRAM}), admin=True),
)


def commands_of(platform: str) -> dict[str, Command]:
    """The commands one transport offers, by name, in the table's order."""
    return {c.name: c for c in COMMANDS if platform in c.transports}


def help_text(style: Style, platform: str, admin: bool = False, files: bool = True) -> str:
    """/help, from the table: the commands the transport offers; admins also see theirs.
    files: the transport can send documents (Telegram) or only text (Zalo)."""
    offered = [c for c in commands_of(platform).values() if c.help]
    lines = [style.bold("Cách dùng"), "Gửi câu hỏi bằng tiếng Việt, ví dụ: " + style.esc(EXAMPLE_QUESTIONS[0]), ""]
    lines += [c.help_line(style, files) for c in offered if not c.admin]
    lines += ["👍 / 👎 — đánh giá câu trả lời vừa nhận", "",
              style.italic("Câu hỏi được lưu ẩn danh (không tên, không số điện thoại) để cải thiện trợ lý, "
                           "tự xoá sau một thời hạn.")]
    if admin:
        lines += ["", style.bold("Quản trị"),
                  "Gửi tệp .txt, .md, .docx hoặc .pdf (tối đa 20 MB) để thêm kế hoạch mới."]
        lines += [c.help_line(style, files) for c in offered if c.admin]
    return "\n".join(lines)
