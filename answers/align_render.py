"""An alignment report (answers.align.Alignment) as markdown, as an xlsx workbook, and as a short chat summary."""
from __future__ import annotations

from answers.align import (EQUAL, EXTRA, FOUND, HIGHER, INCOMPARABLE, LOWER, MAYBE, MISSING, NOT_FOUND, OTHER_YEAR,
                           TASK_MAYBE, Alignment, Side)
from corpus.text import words

FORMATS = ("md", "xlsx")
TARGET_HEADERS = ("Mã (cấp trên)", "Chỉ tiêu cấp trên", "Giá trị cấp trên", "Năm", "Nguồn cấp trên",
                  "Đánh giá", "Mã (cấp dưới)", "Chỉ tiêu cấp dưới", "Giá trị cấp dưới", "Năm (cấp dưới)",
                  "Nguồn cấp dưới", "Độ giống")
TARGET_WIDTHS = (10, 60, 18, 7, 30, 16, 10, 60, 18, 9, 30, 9)
TASK_HEADERS = ("Mã (cấp trên)", "Nhiệm vụ cấp trên", "Giao cho", "Vai trò", "Cách giao", "Thời hạn",
                "Nguồn cấp trên", "Đánh giá", "Loại (cấp dưới)", "Nội dung cấp dưới", "Nguồn cấp dưới", "Độ giống",
                "Gần nhất khi chưa thấy (chưa đủ giống, để đối chiếu tay)", "Nguồn gần nhất")
TASK_WIDTHS = (10, 60, 28, 10, 16, 20, 30, 12, 14, 60, 30, 9, 50, 30)
LOWER_KIND_NAMES = {"task": "nhiệm vụ", "duty": "trách nhiệm", "passage": "đoạn văn", "": ""}
METHOD_NAMES = {"model": "mô hình nhúng", "keywords": "từ khóa (chưa có mô hình nhúng)"}
TARGET_ORDER = (MISSING, LOWER, OTHER_YEAR, MAYBE, INCOMPARABLE, EQUAL, HIGHER, EXTRA)
TASK_ORDER = (NOT_FOUND, TASK_MAYBE, FOUND)


def summary_counts(a: Alignment) -> tuple[str, str]:
    """('54 chỉ tiêu: thiếu 20, thấp hơn 1, …', '35 nhiệm vụ giao cho cấp dưới: có 10, …')."""
    t = ", ".join(f"{s} {n}" for s in TARGET_ORDER if s != EXTRA and (n := sum(1 for r in a.targets if r.status == s)))
    k = ", ".join(f"{s} {n}" for s in TASK_ORDER if (n := sum(1 for r in a.tasks if r.status == s)))
    extra = sum(1 for r in a.targets if r.status == EXTRA)
    return (f"{len(a.targets) - extra} chỉ tiêu của cấp trên" + (f": {t}" if t else "")
            + (f"; {extra} chỉ tiêu chỉ có ở cấp dưới" if extra else ""),
            f"{len(a.tasks)} nhiệm vụ cấp trên giao cho cấp dưới" + (f": {k}" if k else ""))


# ---------------------------------------------------------------- markdown
def _md(text: str) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def _cut(text: str, n: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[:n - 1].rstrip() + "…"


def _side_md(s: Side | None, n: int = 160) -> tuple[str, str, str]:
    if s is None:
        return "—", "", ""
    code = f"{s.code} " if s.code else ""
    return _md(code + _cut(s.text, n)), _md(s.value), f"`{s.where}`"


def to_markdown(alignments: list[Alignment]) -> str:
    out = []
    for a in alignments:
        targets, tasks = summary_counts(a)
        out += [f"# {a.title}", "",
                f"- Cấp trên: {a.higher.name} (`{a.higher.file}`); cấp dưới: {a.lower.name} (`{a.lower.file}`)",
                f"- {targets}", f"- {tasks} (so khớp bằng {METHOD_NAMES.get(a.method, a.method)})", "",
                "## Chỉ tiêu", "",
                "| Chỉ tiêu cấp trên | Giá trị | Nguồn | Đánh giá | Chỉ tiêu cấp dưới | Giá trị | Nguồn |",
                "|---|---|---|---|---|---|---|"]
        for r in a.targets:
            h, l = _side_md(r.higher), _side_md(r.lower)
            out.append(f"| {h[0]} | {h[1]} | {h[2]} | **{r.status}** | {l[0]} | {l[1]} | {l[2]} |")
        out += ["", "## Nhiệm vụ giao cho cấp dưới", "",
                "| Nhiệm vụ cấp trên | Giao cho (vai trò) | Nguồn | Đánh giá | Nội dung cấp dưới | Nguồn |",
                "|---|---|---|---|---|---|"]
        for r in a.tasks:
            h, l = _side_md(r.higher), _side_md(r.lower)
            kind = f"({LOWER_KIND_NAMES[r.lower_kind]}) " if r.lower_kind else ""
            out.append(f"| {h[0]} | {_md(r.assigned_to)} ({r.role}) | {h[2]} | **{r.status}** | {kind}{l[0]} | {l[2]} |")
        if not a.tasks:
            out.append("| (cấp trên không giao nhiệm vụ nào cho cấp dưới) | | | | | |")
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------- xlsx
def _side_cells(s: Side | None, with_year: bool) -> list:
    if s is None:
        return ["", "", "", ""] + ([""] if with_year else [])
    cells = [s.code, s.text, s.value]
    if with_year:
        cells.append(s.year or "")
    return cells + [s.where]


def sheet_title(name: str, used: set[str]) -> str:
    """An Excel sheet name (at most 31 characters, none of []:*?/\\), unique in the workbook."""
    clean = "".join(" " if c in "[]:*?/\\" else c for c in name).strip()[:31] or "Trang"
    title, i = clean, 2
    while title.lower() in used:
        suffix = f" ({i})"
        title, i = clean[:31 - len(suffix)] + suffix, i + 1
    used.add(title.lower())
    return title


def to_xlsx(alignments: list[Alignment]) -> bytes:
    """A summary sheet, then for each comparison one sheet of targets and one of tasks: a header row, a filter
    row, widths, and both plans' cited lines (file:line)."""
    from openpyxl import Workbook

    from answers.export import workbook_bytes, write_sheet

    wb = Workbook()
    used: set[str] = set()
    ws = wb.active
    ws.title = sheet_title("Tóm tắt", used)
    rows = []
    for a in alignments:
        rows.append([a.lower.name, a.higher.name, sum(1 for r in a.targets if r.higher is not None)]
                    + [sum(1 for r in a.targets if r.status == s) for s in TARGET_ORDER]
                    + [len(a.tasks)] + [sum(1 for r in a.tasks if r.status == s) for s in TASK_ORDER]
                    + [METHOD_NAMES.get(a.method, a.method)])
    headers = (["Kế hoạch cấp dưới", "Kế hoạch cấp trên", "Số chỉ tiêu"] + [f"Chỉ tiêu: {s}" for s in TARGET_ORDER]
               + ["Số nhiệm vụ giao"] + [f"Nhiệm vụ: {s}" for s in TASK_ORDER] + ["So khớp nhiệm vụ bằng"])
    write_sheet(ws, headers, [30, 30, 10] + [11] * len(TARGET_ORDER) + [12] + [11] * len(TASK_ORDER) + [24],
                rows, wrap_cols=(1, 2))
    for a in alignments:
        place = " ".join(a.lower.name.split()[-3:]) if len(alignments) > 1 else ""
        ws = wb.create_sheet(sheet_title(f"Chỉ tiêu {place}".strip(), used))
        write_sheet(ws, TARGET_HEADERS, TARGET_WIDTHS,
                    (_side_cells(r.higher, True) + [r.status]
                     + _side_cells(r.lower, True) + [r.score] for r in a.targets),
                    wrap_cols=(2, 8))
        ws = wb.create_sheet(sheet_title(f"Nhiệm vụ {place}".strip(), used))
        write_sheet(ws, TASK_HEADERS, TASK_WIDTHS,
                    ([r.higher.code, r.higher.text, r.assigned_to, r.role, r.how, r.higher.value, r.higher.where,
                      r.status, LOWER_KIND_NAMES[r.lower_kind],
                      r.lower.text if r.lower else "", r.lower.where if r.lower else "", r.score,
                      r.nearest.text if r.nearest else "", r.nearest.where if r.nearest else ""] for r in a.tasks),
                    wrap_cols=(2, 3, 10, 13))
    wb.properties.title = "; ".join(a.title for a in alignments)[:250]
    return workbook_bytes(wb)


def render(alignments: list[Alignment], fmt: str) -> bytes:
    if fmt == "md":
        return to_markdown(alignments).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx(alignments)
    raise ValueError(f"unknown alignment format {fmt!r}")


def file_name(alignments: list[Alignment], fmt: str) -> str:
    """'doi-chieu-xa-nha-bich-2026.xlsx' (one comparison) or 'doi-chieu-4-ke-hoach.xlsx'."""
    if len(alignments) == 1:
        return f"doi-chieu-{alignments[0].lower.slug}.{fmt}"
    return f"doi-chieu-{len(alignments)}-ke-hoach.{fmt}"


# ---------------------------------------------------------------- chat
def chat_summary(alignments: list[Alignment], style, details: bool = False, limit: int = 12) -> str:
    """A few lines per comparison for a chat; with details (no file can be sent), the rows that need action —
    missing and lower targets, tasks not found — up to `limit` per comparison."""
    out = []
    for a in alignments:
        targets, tasks = summary_counts(a)
        out += [style.bold(a.title), "• " + style.esc(targets), "• " + style.esc(tasks)]
        if details:
            todo = ([f"Chỉ tiêu {r.status}: {_cut(r.higher.text, 110)} ({r.higher.where})"
                     for r in a.targets if r.status in (MISSING, LOWER) and r.higher is not None]
                    + [f"Nhiệm vụ {r.status}: {_cut(r.higher.text, 110)} ({r.higher.where})"
                       for r in a.tasks if r.status == NOT_FOUND])
            out += ["  - " + style.esc(x) for x in todo[:limit]]
            if len(todo) > limit:
                out.append(style.esc(f"  … và {len(todo) - limit} dòng nữa."))
        out.append("")
    return "\n".join(out).strip()
