"""One unit's tasks, targets and duties across the plans, as rows and as xlsx / csv / ics files."""
from __future__ import annotations

import csv
import difflib
import hashlib
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from corpus.records import Deadline, ParsedPlan
from corpus.text import fold, squash, words
from corpus.units import registry_for, same_unit

FORMATS = ("xlsx", "csv", "ics")
ROLE_LEAD, ROLE_COOPERATING, ROLE_MONITOR, ROLE_DUTY = "chủ trì", "phối hợp", "theo dõi", "thực hiện"
KIND_NAMES = {"task": "Nhiệm vụ", "target": "Chỉ tiêu", "duty": "Trách nhiệm"}
HEADERS = ("Kế hoạch", "Mã", "Loại", "Nội dung", "Vai trò", "Thời hạn (văn bản)", "Hạn (ngày)",
           "Sản phẩm / Chỉ tiêu", "Tệp", "Dòng / trang")
WIDTHS = (26, 9, 12, 70, 11, 28, 12, 40, 26, 13)
MAX_SUGGESTIONS = 5


@dataclass(frozen=True)
class ExportRow:
    plan: str                 # plan name, "Kế hoạch xã Nha Bích"
    plan_slug: str
    code: str
    kind: str                 # task | target | duty
    content: str
    role: str                 # chủ trì | phối hợp | theo dõi | thực hiện
    deadline_text: str
    deadline_kind: str
    deadline_end: date | None
    product: str              # product / KPI of a task, expected value of a target
    file: str
    first_line: int
    last_line: int
    page: int | None = None

    @property
    def where(self) -> str:
        """'dòng 12–14' or 'trang 3', as citations read everywhere else."""
        if self.page:
            return f"trang {self.page}"
        if self.first_line == self.last_line:
            return f"dòng {self.first_line}"
        return f"dòng {self.first_line}–{self.last_line}"


@dataclass(frozen=True)
class ExportResult:
    unit: str                         # canonical name of the unit (or what was typed when not found)
    rows: tuple[ExportRow, ...] = ()
    message: str = ""                 # Vietnamese, set when nothing can be exported
    suggestions: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return bool(self.rows)


def _pick_plans(plans: list[ParsedPlan], plan: str | None) -> list[ParsedPlan]:
    if not plan:
        return plans
    key = " ".join(words(plan))
    return [p for p in plans if plan == p.plan.slug or key in (" ".join(words(p.plan.name)),
                                                              " ".join(words(p.plan.locality)))]


def _unit_matcher(parsed: ParsedPlan, unit: str):
    """A predicate 'does this cell name the unit' within one plan, and the plan's name for the unit."""
    registry = registry_for(parsed)
    canonical = registry.canonical(unit)
    known = any(canonical == g.canonical for g in registry.groups)

    def matches(name: str) -> bool:
        return same_unit(unit, name) or (known and registry.canonical(name) == canonical)
    return matches, (canonical if known else None)


def _date(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def _task_content(task: str, subtask: str) -> str:
    """'general task: subtask', or just one of them when one repeats the other."""
    a, b = " ".join(words(task)), " ".join(words(subtask))
    if not b or b in a:
        return task
    if not a or a in b:
        return subtask
    return f"{task}: {subtask}"


def export_rows(plans: list[ParsedPlan], unit: str, plan: str | None = None) -> ExportResult:
    """Every task the unit leads or cooperates on, every target it monitors, every duty it holds."""
    unit = squash(unit)
    if not unit:
        return ExportResult(unit, message="Hãy nêu tên đơn vị, ví dụ: Phòng Văn hóa – Xã hội.")
    scope = _pick_plans(plans, plan)
    if not scope:
        known = ", ".join(f"{p.plan.name} ({p.plan.slug})" for p in plans)
        return ExportResult(unit, message=f"Không có kế hoạch «{plan}». Các kế hoạch đang có: {known}.")
    rows: list[ExportRow] = []
    names: list[str] = []
    for parsed in scope:
        matches, canonical = _unit_matcher(parsed, unit)
        if canonical:
            names.append(canonical)
        p = parsed.plan

        def row(kind, obj, role, content, deadline, product, code=""):
            return ExportRow(p.name, p.slug, code, kind, content, role,
                             deadline.text if deadline else "", deadline.kind if deadline else "",
                             _date(deadline.end) if deadline else None, product, p.file,
                             obj.first_line, obj.last_line, obj.page)

        for t in parsed.tasks:
            role = (ROLE_LEAD if any(map(matches, t.lead)) else
                    ROLE_COOPERATING if any(map(matches, t.cooperating)) else None)
            if role:
                rows.append(row("task", t, role, _task_content(t.task, t.subtask),
                                t.deadline, " — ".join(x for x in (t.product, t.kpi) if x), t.code))
        for t in parsed.targets:
            if any(map(matches, t.lead)):
                # a target is for a year ("đến cuối năm 2026"): its deadline is that year's last day
                deadline = (Deadline(f"năm {t.year}", "year", f"{t.year}-01-01", f"{t.year}-12-31")
                            if t.year else None)
                value = t.value_text
                if t.unit_of_measure and t.unit_of_measure not in value:
                    value = f"{value} ({t.unit_of_measure})" if value else t.unit_of_measure
                rows.append(row("target", t, ROLE_MONITOR, t.text, deadline, value, t.code))
        for d in parsed.duties:
            if matches(d.unit):
                rows.append(row("duty", d, ROLE_DUTY, d.text, d.deadline, ""))
    if rows:
        # the spelling most plans use (ties: the first plan's)
        return ExportResult(Counter(names).most_common(1)[0][0] if names else unit, tuple(rows))
    if names:
        where = scope[0].plan.name if len(scope) == 1 else "các kế hoạch"
        return ExportResult(names[0], message=f"{names[0]} không có nhiệm vụ, chỉ tiêu hay trách nhiệm nào "
                                              f"trong {where}.")
    suggestions = close_units(scope, unit)
    containing = [s for s in suggestions if " ".join(words(unit)) in " ".join(words(s))]
    if len(containing) == 1 and fold(containing[0]) != fold(unit):
        # a fragment naming exactly one unit ("phòng văn hóa") stands for that unit
        return export_rows(plans, containing[0], plan)
    message = f"Không tìm thấy đơn vị «{unit}» trong {'các kế hoạch' if len(scope) > 1 else scope[0].plan.name}."
    if suggestions:
        message += " Có phải bạn muốn: " + "; ".join(suggestions) + "?"
    return ExportResult(unit, message=message, suggestions=tuple(suggestions))


def close_units(plans: list[ParsedPlan], unit: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Unit names of the plans closest to what was typed (compared without tone marks)."""
    by_key: dict[str, str] = {}
    for parsed in plans:
        for group in registry_for(parsed).groups:
            for alias in group.aliases:
                by_key.setdefault(" ".join(words(alias)), group.canonical)
    key = " ".join(words(unit))
    # a typed fragment ("van hoa") is closest to the names that contain it
    close = [k for k in by_key if key and f" {key} " in f" {k} "]
    close += [k for k in difflib.get_close_matches(key, list(by_key), n=limit * 3, cutoff=0.5) if k not in close]
    out: dict[str, str] = {}
    for k in close:
        out.setdefault(" ".join(words(by_key[k])), by_key[k])
    return list(out.values())[:limit]


# ---------------------------------------------------------------- writers
def _cells(r: ExportRow) -> list:
    return [r.plan, r.code, KIND_NAMES[r.kind], r.content, r.role, r.deadline_text, r.deadline_end,
            r.product, r.file, r.where]


def write_sheet(ws, headers, widths, rows, wrap_cols=(), date_cols=()) -> None:
    """Fill a worksheet: a bold shaded header row frozen in place, column widths, wrapped text in wrap_cols,
    DD/MM/YYYY in date_cols (1-based), and an autofilter over the whole table."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for cells in rows:
        ws.append(list(cells))
        for col in date_cols:
            ws.cell(ws.max_row, col).number_format = "DD/MM/YYYY"
        for col in wrap_cols:
            ws.cell(ws.max_row, col).alignment = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, ws.max_row)}"


def workbook_bytes(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_xlsx(result: ExportResult) -> bytes:
    """A workbook with a frozen header, column widths, an autofilter and real dates."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Nhiệm vụ"
    write_sheet(ws, HEADERS, WIDTHS, (_cells(r) for r in result.rows), wrap_cols=(4, 6, 8),
                date_cols=(HEADERS.index("Hạn (ngày)") + 1,))
    wb.properties.title = f"Nhiệm vụ của {result.unit}"
    return workbook_bytes(wb)


def to_csv(result: ExportResult) -> bytes:
    """UTF-8 with a byte-order mark so Excel opens Vietnamese text correctly; dates as YYYY-MM-DD."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for r in result.rows:
        writer.writerow([c.isoformat() if isinstance(c, date) else c for c in _cells(r)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def ics_escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def ics_fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545 §3.1)."""
    out, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        limit = 75 if not out else 74          # continuation lines start with one space
        if size + n > limit:
            out.append(current)
            current, size = "", 0
        current += ch
        size += n
    out.append(current)
    return "\r\n ".join(out)


def _uid(r: ExportRow, unit: str) -> str:
    raw = "\x1f".join((r.plan_slug, r.kind, r.code, str(r.first_line), str(r.last_line), r.role, fold(unit)))
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:24] + "@kh57"


def to_ics(result: ExportResult, stamp: datetime | None = None) -> bytes:
    """One all-day event per dated deadline, on the deadline's last day; plan and lines in DESCRIPTION."""
    stamp = (stamp or datetime.now(timezone.utc)).astimezone(timezone.utc)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tro ly Ke hoach 57//Xuat han//VI",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:" + ics_escape(f"Hạn nhiệm vụ — {result.unit}")]
    for r in result.rows:
        if r.deadline_end is None:
            continue
        summary = f"[{r.code}] {r.content}" if r.code else r.content
        if len(summary) > 150:
            summary = summary[:149].rstrip() + "…"
        description = "\n".join(x for x in (
            f"{r.plan} — {KIND_NAMES[r.kind].lower()}, {result.unit} {r.role}",
            f"Nội dung: {r.content}",
            f"Thời hạn: {r.deadline_text}" if r.deadline_text else "",
            f"Sản phẩm / chỉ tiêu: {r.product}" if r.product else "",
            f"Nguồn: {r.file}, {r.where}") if x)
        lines += ["BEGIN:VEVENT", "UID:" + _uid(r, result.unit), "DTSTAMP:" + stamp.strftime("%Y%m%dT%H%M%SZ"),
                  "DTSTART;VALUE=DATE:" + r.deadline_end.strftime("%Y%m%d"),
                  "DTEND;VALUE=DATE:" + (r.deadline_end + timedelta(days=1)).strftime("%Y%m%d"),
                  "SUMMARY:" + ics_escape(summary), "DESCRIPTION:" + ics_escape(description),
                  "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(ics_fold(x) for x in lines) + "\r\n").encode("utf-8")


def render(result: ExportResult, fmt: str, stamp: datetime | None = None) -> bytes:
    if fmt == "xlsx":
        return to_xlsx(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "ics":
        return to_ics(result, stamp)
    raise ValueError(f"unknown export format {fmt!r}")


def file_name(result: ExportResult, fmt: str) -> str:
    """'nhiem-vu-phong-van-hoa-xa-hoi.xlsx'"""
    return "nhiem-vu-" + ("-".join(words(result.unit))[:60] or "don-vi") + "." + fmt
