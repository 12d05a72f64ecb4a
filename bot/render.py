"""Turn answers, sources, reports and reminders into chat text (Telegram HTML or Zalo plain text)."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date

from answers.export import FORMATS, KIND_NAMES, ExportResult
from answers.types import Answer, DueTask, IngestReport, PlanInfo, Source

TELEGRAM_LIMIT = 4096
ZALO_LIMIT = 2000
# Citations shown under an answer; the rest stay behind "Xem nguồn" / /nguon.
INLINE_CITATIONS = 3
# One "Xem nguồn" reply should stay readable on a phone.
SNIPPET_PREVIEW = 700

BOT_NAME = "Trợ lý Kế hoạch 57"
MSG_THANKS = "Cảm ơn bạn đã đánh giá! Góp ý giúp trợ lý trả lời tốt hơn."
MSG_NO_VOTE_TARGET = "Chưa có câu trả lời nào gần đây để đánh giá. Hãy đặt một câu hỏi trước."
MSG_DATA_DELETED = ("Đã xoá {count} câu hỏi của cuộc trò chuyện này khỏi nhật ký, cùng nguồn trích dẫn "
                    "của các câu trả lời. Cài đặt kế hoạch mặc định và nhắc hạn vẫn giữ "
                    "(/huy_nhac_han để huỷ nhắc hạn).")
MSG_EXPORT_USAGE = ("Cách dùng: /xuat <tên đơn vị> [xlsx|csv|ics], ví dụ: /xuat Phòng Văn hóa – Xã hội "
                    "hoặc /xuat Trung tâm PVHCC ics (lịch hạn để nhập vào Google Calendar, Outlook).")
MSG_DEFAULT_PLAN_SCOPE = " (Đang tra trong kế hoạch mặc định của cuộc trò chuyện; gõ /ke_hoach để đổi.)"
EXPORT_ROWS_IN_TEXT = 40
EXAMPLE_QUESTIONS = (
    "Ai chủ trì nhiệm vụ chuyển đổi số ở xã Nha Bích?",
    "Chỉ tiêu tỷ lệ hồ sơ trực tuyến của phường Hàng Gòn năm 2026 là bao nhiêu?",
    "Phòng Văn hóa – Xã hội có những nhiệm vụ nào, thời hạn khi nào?",
)


@dataclass(frozen=True)
class Style:
    """How one transport marks text up: Telegram HTML or Zalo plain text."""
    html: bool

    def esc(self, text: str) -> str:
        return html.escape(text, quote=False) if self.html else text

    def bold(self, text: str) -> str:
        return f"<b>{self.esc(text)}</b>" if self.html else text

    def italic(self, text: str) -> str:
        return f"<i>{self.esc(text)}</i>" if self.html else text


HTML = Style(html=True)
PLAIN = Style(html=False)


def welcome_text(style: Style, commands: bool = True) -> str:
    examples = "\n".join(f"• {style.esc(q)}" for q in EXAMPLE_QUESTIONS)
    lines = [
        f"Xin chào! Tôi là {style.bold(BOT_NAME)}.",
        "Tôi trả lời câu hỏi về các kế hoạch triển khai Nghị quyết 57-NQ/TW: "
        "đơn vị chủ trì, thời hạn, chỉ tiêu, nhiệm vụ của từng đơn vị — kèm trích dẫn "
        "(kế hoạch, mục, số dòng).",
        "",
        "Ví dụ câu hỏi:",
        examples,
    ]
    if commands:
        lines += ["", "Gõ /help để xem các lệnh."]
    return "\n".join(lines)


def render_answer(answer: Answer, style: Style) -> str:
    """The reply to a question: the answer text, then up to INLINE_CITATIONS citations."""
    parts = [style.esc(answer.text.strip())]
    cites = _unique_citations(answer.sources)
    # the answer service already ends each fact with its "Nguồn: ..." line; do not repeat it
    if cites and "Nguồn:" not in answer.text:
        shown = cites[:INLINE_CITATIONS]
        more = len(cites) - len(shown)
        label = "📄 Nguồn: " if style.html else "Nguồn: "
        lines = [label + style.italic(shown[0])] + [
            "   " + style.italic(c) for c in shown[1:]]
        if more:
            lines.append(f"   (và {more} nguồn khác — gõ /nguon)")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def render_sources(sources: tuple[Source, ...] | list[Source], style: Style,
                   preview: int | None = SNIPPET_PREVIEW) -> str:
    """The cited lines behind an answer; preview=None shows each snippet in full."""
    if not sources:
        return "Câu trả lời này không có trích dẫn."
    blocks = []
    for i, src in enumerate(sources, 1):
        snippet = src.snippet.strip()
        if preview is not None and len(snippet) > preview:
            snippet = snippet[:preview].rstrip() + " …"
        head = f"{i}. " + style.bold(src.citation())
        file_line = style.italic(f"Tệp: {src.file}")
        # Each line carries its own markup so a message can be split at any line.
        body = "\n".join("│ " + style.esc(line) for line in snippet.splitlines() if line.strip())
        blocks.append("\n".join(x for x in (head, file_line, body) if x))
    return "\n\n".join(blocks)


def render_plans(plans: list[PlanInfo], current: str | None, style: Style,
                 numbered: bool = False) -> str:
    if not plans:
        return "Chưa có kế hoạch nào được nạp."
    lines = ["Các kế hoạch đang có:"]
    for i, plan in enumerate(plans, 1):
        mark = " ✅" if plan.slug == current else ""
        prefix = f"{i}. " if numbered else "• "
        lines.append(prefix + style.esc(plan.name) + style.esc(f" ({plan.file})") + mark)
    if current is None:
        lines.append("\nHiện đang hỏi trên tất cả kế hoạch.")
    return "\n".join(lines)


def render_ingest_report(report: IngestReport, style: Style) -> str:
    if not report.ok:
        reason = report.message or "không rõ lý do"
        return (f"❌ Không thêm được kế hoạch từ tệp {style.bold(report.file)}.\n"
                f"Lý do: {style.esc(reason)}")
    name = report.plan or report.file
    lines = [
        f"✅ Đã thêm kế hoạch {style.bold(name)} (tệp {style.esc(report.file)}).",
        f"• Nhiệm vụ: {report.tasks}",
        f"• Chỉ tiêu: {report.targets}",
        f"• Nhiệm vụ của đơn vị: {report.duties}",
        f"• Đoạn văn bản: {report.passages}",
    ]
    if report.message:
        lines.append(style.esc(report.message))
    return "\n".join(lines)


def parse_export_args(text: str) -> tuple[str, str]:
    """'/xuat Phòng VH-XH ics' -> ('Phòng VH-XH', 'ics'); the format defaults to xlsx."""
    parts = text.split()
    if parts and parts[-1].lower().lstrip(".") in FORMATS:
        return " ".join(parts[:-1]), parts[-1].lower().lstrip(".")
    return " ".join(parts), "xlsx"


def _export_counts(result: ExportResult) -> str:
    counts = {kind: sum(1 for r in result.rows if r.kind == kind) for kind in KIND_NAMES}
    return ", ".join(f"{n} {KIND_NAMES[k].lower()}" for k, n in counts.items() if n)


def export_caption(result: ExportResult, fmt: str, plan_name: str | None, style: Style) -> str:
    """The line sent with an exported file."""
    where = f"trong {plan_name} (đổi bằng /ke_hoach)" if plan_name else "trong tất cả kế hoạch"
    dated = sum(1 for r in result.rows if r.deadline_end)
    extra = f"; {dated} hạn có ngày cụ thể thành sự kiện lịch" if fmt == "ics" else ""
    return (f"{style.bold(result.unit)} — {_export_counts(result)} {style.esc(where)}{extra}. "
            "Mỗi dòng ghi kế hoạch, mã, vai trò, thời hạn và số dòng nguồn.")


def render_export_summary(result: ExportResult, style: Style, note: str = "") -> str:
    """An export as text, for a transport that cannot send files."""
    lines = [f"{style.bold(result.unit)} — {_export_counts(result)}:"]
    for r in result.rows[:EXPORT_ROWS_IN_TEXT]:
        head = f"[{r.code}] " if r.code else ""
        due = f" — hạn: {r.deadline_text}" if r.deadline_text else ""
        lines.append("")
        lines.append(f"• {style.esc(head + r.content)}")
        lines.append(f"  {KIND_NAMES[r.kind]}, {r.role}{style.esc(due)}")
        lines.append("  Nguồn: " + style.italic(f"{r.plan}, {r.where}"))
    if len(result.rows) > EXPORT_ROWS_IN_TEXT:
        lines += ["", f"(và {len(result.rows) - EXPORT_ROWS_IN_TEXT} mục khác)"]
    if note:
        lines += ["", style.esc(note)]
    return "\n".join(lines)


def days_phrase(due: date, today: date) -> str:
    left = (due - today).days
    if left > 0:
        return f"còn {left} ngày"
    if left == 0:
        return "đến hạn hôm nay"
    return f"quá hạn {-left} ngày"


def render_reminder(unit: str, tasks: list[DueTask], today: date, style: Style) -> str:
    lines = [f"⏰ Nhắc hạn nhiệm vụ — {style.bold(unit)}"]
    for task in tasks:
        due = date.fromisoformat(task.due)
        lines.append("")
        lines.append("• " + style.esc(task.task))
        lines.append(f"  Hạn: {style.esc(task.deadline_text)} ({due:%d/%m/%Y}, "
                     f"{days_phrase(due, today)})")
        lines.append("  Nguồn: " + style.italic(task.source.citation()))
    return "\n".join(lines)


def _unique_citations(sources: tuple[Source, ...]) -> list[str]:
    seen: dict[str, None] = {}
    for src in sources:
        seen.setdefault(src.citation(), None)
    return list(seen)


_ENTITY = re.compile(r"&[#a-zA-Z0-9]{1,10};")


def split_message(text: str, limit: int) -> list[str]:
    """Split text into chunks of at most limit characters, at line boundaries when possible.

    A line longer than limit is cut at a space (or hard), never inside an HTML entity
    such as &amp;, so every chunk stays valid for Telegram's HTML parser.
    """
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        pieces = _cut_line(line, limit)
        for piece in pieces:
            candidate = piece if not current else current + "\n" + piece
            if len(candidate) <= limit:
                current = candidate
            else:
                if current.strip():
                    chunks.append(current.rstrip())
                current = piece
    if current.strip():
        chunks.append(current.rstrip())
    return chunks or [""]


def _cut_line(line: str, limit: int) -> list[str]:
    pieces = []
    while len(line) > limit:
        cut = line.rfind(" ", 0, limit)
        if cut <= limit // 2:
            cut = limit
        for m in _ENTITY.finditer(line, max(0, cut - 12), cut + 12):
            if m.start() < cut < m.end():
                cut = m.start()
        pieces.append(line[:cut])
        line = line[cut:].lstrip(" ")
    pieces.append(line)
    return pieces
