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
    ("task", ("ma nhiem vu", "nhiem vu tong quat", "ten nhiem vu", "noi dung nhiem vu", "nhiem vu", "noi dung cong viec")),
    ("product", ("san pham",)),
    ("kpi", ("kpi", "do luong")),
    ("lead", ("chu tri",)),
    ("coop", ("phoi hop",)),
    ("deadline", ("thoi han", "thoi gian hoan thanh", "thoi gian thuc hien", "tien do")),
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


def header_roles(cells: list[str]) -> list[str | None]:
    roles: list[str | None] = []
    used: set[str] = set()
    for cell in cells:
        f = fold(_clean(cell))
        role = None
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
    return roles


def _table_kind(roles: list[str | None]) -> str | None:
    rs = set(r for r in roles if r)
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


def parse_table(lines: tuple[str, ...], a: int, b: int) -> tuple[str | None, str, list[TableRow], list[str]]:
    """Rows of the table spanning lines[a..b] (0-based, inclusive)."""
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
    current: TableRow | None = None
    header_key = None
    for line_no, cells in raw_rows:
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
        rest = _after_repeated_header(cleaned, header)
        if rest is not None:
            cleaned = rest   # the repeated header and the rest of a row cut by the page break share cells
        cells_by_role = {role: (cleaned[i] if i < len(cleaned) else "") for i, role in enumerate(roles) if role}
        first_role = "code" if "code" in cells_by_role else "task"
        first = cells_by_role.get(first_role, cleaned[0])
        others = [v for r, v in cells_by_role.items() if r != first_role and v]
        if kind == "targets":
            if _ROMAN.match(first):
                group = f"{first.rstrip('.')}. {cells_by_role.get('text', '')}".strip()
                current = None
                continue
            if _NUMBER.match(first):
                current = TableRow(dict(cells_by_role), group, line_no, line_no)
                rows.append(current)
                continue
        else:
            if first_role == "code" and _ROMAN.match(first):
                group = f"{first.rstrip('.')}. {cells_by_role.get('task', '')}".strip()
                current = None
                continue
            if first_role == "code" and _NUMBER.match(first):
                current = TableRow(dict(cells_by_role), group, line_no, line_no)
                rows.append(current)
                continue
            if _ROMAN_TITLE.match(first) and len(others) == 0:
                group = first
                current = None
                continue
            if _NUMBERED_TITLE.match(first):
                current = TableRow(dict(cells_by_role), group, line_no, line_no)
                rows.append(current)
                continue
            if (not first and current is not None and cells_by_role.get("lead") and cells_by_role.get("deadline")
                    and current.get("lead") and current.get("deadline")):
                # a further sub-row of the same task (task cell left empty)
                sub = dict(cells_by_role)
                sub["task"] = current.get("task")
                current = TableRow(sub, group, line_no, line_no)
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
