"""Tab-separated and markdown pipe tables -> logical rows with column roles.

Handles header rows repeated at page breaks, continuation rows (a row whose first cell is empty or does not start
a new item) and group rows ("I  Về phát triển hạ tầng (02)").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.text import fold, squash

_ROLE_RULES = (
    ("subtask", ("tieu nhiem vu", "nhiem vu cu the", "hoat dong cu the")),
    ("task", ("ma nhiem vu", "nhiem vu tong quat", "ten nhiem vu", "noi dung nhiem vu", "nhiem vu", "noi dung cong viec",
              "giai phap", "ten de an", "ten du an", "cong viec")),
    ("product", ("san pham",)),
    ("kpi", ("kpi", "do luong")),
    ("lead", ("chu tri", "don vi thuc hien", "co quan thuc hien", "don vi thuc hien chinh", "don vi dau moi",
              "co quan dau moi", "don vi thuc hien nhiem vu")),
    ("coop", ("phoi hop",)),
    ("deadline", ("thoi han", "thoi gian hoan thanh", "thoi gian thuc hien", "tien do", "thoi gian", "lo trinh")),
    ("code", ("stt", "so tt", "tt")),
    ("uom", ("don vi tinh", "dvt")),
    ("value", ("ket qua", "gia tri", "muc phan dau", "chi so dat")),
    ("text", ("noi dung", "chi tieu", "ten chi tieu")),
    ("monitor", ("theo doi",)),   # "Đơn vị theo dõi": the unit answering for a target when no lead column
)
_CODE_HEADERS = {"stt", "tt", "sott"}   # also as OCR splits them: "ST T"
_ROMAN = re.compile(r"^[IVX]{1,4}\.?$")
_ROMAN_TITLE = re.compile(r"^[IVX]{1,4}[.\-–]\s+\S")
_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,2})*\.?$")
# "1. Xây dựng", "1.1. Xây dựng", "1.1 Xây dựng" start a row; "12 CSDL ..." continuing a cell does not
_NUMBERED_TITLE = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.\s+\S|^\d{1,2}(?:\.\d{1,2})+\s+[A-ZĐÀ-Ỹ]")


@dataclass
class TableRow:
    cells: dict[str, str]
    group: str
    first_line: int
    last_line: int
    part: str = ""           # the appendix part the row sits in ("B. PHÁT TRIỂN …"), if the table has parts

    def get(self, role: str) -> str:
        return self.cells.get(role, "")


def split_cells(line: str) -> list[str]:
    s = line.rstrip("\n")
    if s.strip().startswith("|"):
        s = s.strip()
        inner = s[1:-1] if s.endswith("|") else s[1:]
        return [c.strip() for c in inner.split("|")]
    return [c.strip() for c in s.split("\t")]


def _clean(c: str) -> str:
    return squash(re.sub(r"</?b>", "", c).replace("**", ""))


def _is_separator(cells: list[str]) -> bool:
    return all(re.fullmatch(r":?-{2,}:?|", c) for c in cells) and any(cells)


_YEAR_COLUMN = re.compile(r"(?:(?:nam|muc tieu|ke hoach|chi tieu|den nam|giai doan|dich)\s*)*(20\d\d)")


def header_roles(cells: list[str]) -> list[str | None]:
    roles: list[str | None] = []
    used: set[str] = set()
    years = [m.group(1) for c in cells if (m := _YEAR_COLUMN.fullmatch(fold(_clean(c)).strip(" .:")))]
    for cell in cells:
        f = fold(_clean(cell))
        role = None
        m = _YEAR_COLUMN.fullmatch(f.strip(" .:"))
        if len(years) >= 2 and m:
            # an indicator table: one value column per year ("2025 | 2030 | 2045")
            roles.append(f"year:{m.group(1)}")
            continue
        if "code" not in used and f.replace(" ", "").rstrip(".") in _CODE_HEADERS:
            used.add("code")
            roles.append("code")
            continue
        # a column named by its year alone ("Năm 2026", "Mục tiêu 2026") holds the values
        if "value" not in used and re.fullmatch(r"(?:nam|muc tieu|ke hoach|chi tieu)(?: nam)?\s*20\d\d", f):
            used.add("value")
            roles.append("value")
            continue
        for name, keys in _ROLE_RULES:
            if name in used:
                continue
            if any(re.search(rf"(^|[^a-z]){re.escape(k)}([^a-z]|$)", f) for k in keys):
                role = name
                break
        if role:
            used.add(role)
        roles.append(role)
    if "task" in used and "lead" in used and "value" in used and "product" not in used:
        # "Kết quả thực hiện" beside a task: the result to deliver, not a target's value
        roles = ["product" if r == "value" else r for r in roles]
    if "task" not in used and "text" in used and "lead" in used and ("deadline" in used or "coop" in used) \
            and "value" not in used and not any(r and r.startswith("year:") for r in roles):
        # "Nội dung | Đơn vị thực hiện | Đơn vị phối hợp | Thời gian": the content of a task
        roles = ["task" if r == "text" else r for r in roles]
    return roles


def _table_kind(roles: list[str | None]) -> str | None:
    rs = set(r for r in roles if r)
    if any(r.startswith("year:") for r in rs):
        rs.add("value")
    if "lead" not in rs and "monitor" in rs:
        rs.add("lead")
    if {"lead"} <= rs and ({"task", "deadline"} & rs) and "value" not in rs:
        return "tasks"
    if "value" in rs or ({"text", "lead"} <= rs):
        return "targets"
    return None


def _after_repeated_header(cells: list[str], header: list[str]) -> list[str] | None:
    """When every non-empty header cell opens the same cell of this row (and one has more), the row is the
    repeated header with a cut row's continuation drawn inside it: the continuation, header text removed."""
    named = [(i, h) for i, h in enumerate(header) if h]
    if len(named) < 3 or len(cells) < len(header):
        return None
    if not all(cells[i] == h or cells[i].startswith(h + " ") for i, h in named):
        return None
    rest = [cells[i][len(header[i]):].strip() if i < len(header) else cells[i] for i in range(len(cells))]
    return rest if any(rest) else None


_PART = re.compile(r"^[A-H]\.?$")                        # "A", "B." : a part of the appendix
_PART_TITLE = re.compile(r"^[A-H]\.\s+\S")
_LABEL_ROLES = ("code", "task", "text", "subtask")


def _is_header_row(cleaned: list[str]) -> list[str | None] | None:
    """The roles of a row that repeats or restates the header (after a page break, or a sub-header inside a
    group: "Nội dung | Đơn vị thực hiện | …"), else None."""
    roles = header_roles(cleaned)
    named = [r for r in roles if r]
    if len(named) < 3 or not _table_kind(roles):
        return None
    # every named cell is short, as header cells are
    if any(len(c) > 60 for c, r in zip(cleaned, roles) if r):
        return None
    return roles


def _group_row(cells_by_role: dict[str, str], cleaned: list[str], kind: str) -> str | None:
    """The title of a group row ("I | Hoàn thiện thể chế", "| I. Kinh tế số |", "A | PHÁT TRIỂN …", a merged
    row "II. NHÓM GIẢI PHÁP …"): a numeral or letter with a title and nothing in the other columns."""
    filled = [c for c in cleaned if c]
    code = cells_by_role.get("code", "")
    label = cells_by_role.get("task") or cells_by_role.get("text") or cells_by_role.get("subtask") or ""
    others = [v for r, v in cells_by_role.items() if r not in _LABEL_ROLES and v]
    if code and _ROMAN.match(code):
        # a group numeral rules the row, whatever else it holds ("%"); its title may sit in any column
        label = label or next((c for c in cleaned if c and c != code), "")
        return f"{code.rstrip('.')}. {label}".strip()
    if others or len(filled) > 2:
        return None
    if code and _PART.match(code) and label:
        return f"{code.rstrip('.')}. {label}"
    if code and not label and (_ROMAN_TITLE.match(code) or _PART_TITLE.match(code)):
        return code         # one cell merged across the row: "II. NHÓM GIẢI PHÁP …", "B. PHÁT TRIỂN …"
    if not code and label and _ROMAN_TITLE.match(label):
        return label
    if not code and not label and len(filled) == 1 and _ROMAN_TITLE.match(filled[0]):
        return filled[0]
    return None


def parse_table(lines: tuple[str, ...], a: int, b: int) -> tuple[str | None, str, list[TableRow], list[str]]:
    """Rows of the table spanning lines[a..b] (0-based, inclusive). A row's group is its group row's title
    ("IV. Phát triển …", with a numbered sub-group "IV. … > 5.1. Thương mại"); a part letter row ("B. …")
    is kept in TableRow.part."""
    warnings: list[str] = []
    raw_rows: list[tuple[int, list[str]]] = []
    for idx in range(a, b + 1):
        line = lines[idx]
        if not line.strip():
            continue
        cells = split_cells(line)
        if _is_separator(cells):
            continue
        raw_rows.append((idx + 1, cells))
    header: list[str] | None = None
    roles: list[str | None] = []
    kind = None
    rows: list[TableRow] = []
    group = ""
    subgroup = ""
    part = ""
    current: TableRow | None = None
    header_key = None
    codes = [_clean(cells[0]) for _, cells in raw_rows]
    for pos, (line_no, cells) in enumerate(raw_rows):
        cleaned = [_clean(c) for c in cells]
        if not any(cleaned):
            continue
        if header is None:
            r = header_roles(cleaned)
            k = _table_kind(r)
            if k:
                header, roles, kind = cleaned, r, k
                header_key = fold(" ".join(cleaned))
                continue
            warnings.append(f"dòng {line_no}: bảng không có dòng tiêu đề nhận ra được, bỏ qua dòng")
            continue
        if fold(" ".join(cleaned)) == header_key:
            continue  # header repeated after a page break
        restated = _is_header_row(cleaned)
        if restated is not None:
            # a sub-header: its named columns take their roles, the others keep theirs
            roles = [nr or (orr if i >= len(cleaned) or not cleaned[i] else None)
                     for i, (nr, orr) in enumerate(zip(restated + [None] * len(roles), roles))]
            if kind == "tasks":
                roles = ["task" if r == "text" else r for r in roles]
            current = None
            continue
        rest = _after_repeated_header(cleaned, header)
        if rest is not None:
            cleaned = rest   # the repeated header and the rest of a row cut by the page break share cells
        cells_by_role = {role: (cleaned[i] if i < len(cleaned) else "") for i, role in enumerate(roles) if role}
        first_role = "code" if "code" in cells_by_role else "task"
        first = cells_by_role.get(first_role, cleaned[0])
        others = [v for r, v in cells_by_role.items() if r != first_role and v]
        title = _group_row(cells_by_role, cleaned, kind)
        if title is not None:
            if _PART.match(cells_by_role.get("code", "").strip()) or _PART_TITLE.match(title):
                part, group, subgroup = title, "", ""
            else:
                group, subgroup = title, ""
            current = None
            continue
        if (kind == "tasks" and first_role == "code" and _NUMBER.match(first) and not any(
                cells_by_role.get(r) for r in ("lead", "coop", "deadline", "product", "kpi"))
                and any(c.startswith(first.rstrip(".") + ".") for c in codes[pos + 1:pos + 4])):
            # "5.1 | Thương mại" above "5.1.1", "5.1.2": a numbered sub-group
            subgroup = f"{first.rstrip('.')}. {cells_by_role.get('task', '')}".strip()
            current = None
            continue
        full_group = " > ".join(g for g in (group, subgroup) if g) or part
        if kind == "targets":
            if _NUMBER.match(first):
                current = TableRow(dict(cells_by_role), full_group, line_no, line_no, part)
                rows.append(current)
                continue
        else:
            if first_role == "code" and _NUMBER.match(first):
                current = TableRow(dict(cells_by_role), full_group, line_no, line_no, part)
                rows.append(current)
                continue
            if _ROMAN_TITLE.match(first) and len(others) == 0:
                group = first
                current = None
                continue
            if _NUMBERED_TITLE.match(first):
                current = TableRow(dict(cells_by_role), full_group, line_no, line_no, part)
                rows.append(current)
                continue
            if (not first and current is not None and cells_by_role.get("lead") and cells_by_role.get("deadline")
                    and current.get("lead") and current.get("deadline")):
                # a further sub-row of the same task (task cell left empty)
                sub = dict(cells_by_role)
                sub["task"] = current.get("task")
                current = TableRow(sub, full_group, line_no, line_no, part)
                rows.append(current)
                continue
        if current is None:
            if any(cleaned):
                warnings.append(f"dòng {line_no}: dòng bảng mồ côi, bỏ qua")
            continue
        # continuation row: append cell by cell
        for role, value in cells_by_role.items():
            if value:
                prev = current.cells.get(role, "")
                current.cells[role] = f"{prev} {value}".strip() if prev else value
        current.last_line = line_no
    return kind, " ".join(header or []), rows, warnings
