"""A 7-column task table dumped from PDF cell by cell: each cell wrapped over short lines, cells separated by
blank lines (sometimes not), the column header repeated at every page break, cells cut by a page break continuing
after the repeated header.

Columns: (1) general task, (2) sub-task, (3) product, (4) KPI, (5) lead, (6) cooperating units, (7) deadline.
A general task either has its own sub-task cell, or is followed by numbered sub-tasks ("2.1 ...") each with
columns 2-7.
"""
from __future__ import annotations

import re
import statistics

from corpus.tables import TableRow
from corpus.text import LineRun, fold, squash

_HEADER_START = re.compile(r"^\s*\(1\)\s*Mã\s+Nhiệm", re.IGNORECASE)
_GROUP = re.compile(r"^([IVX]{1,4})\.\s+\S")
_TASK = re.compile(r"^(\d{1,2})\.\s+\S")
_SUBTASK = re.compile(r"^(\d{1,2}\.\d{1,2})\.?\s+\S")
_PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
# Where a unit name or a deadline begins inside a merged block.
_UNIT_START = re.compile(
    r"(?:(?<=^)|(?<=\s))(?=(?:Sở |Công an tỉnh|Công an xã|Các sở, ban|Các cơ quan|Văn phòng UBND|Văn phòng Tỉnh|"
    r"Bộ Chỉ huy))")
_DEADLINE_START = re.compile(
    r"(?:(?<=^)|(?<=\s))(?=(?:Quý\b|Năm 20\d\d|Thường\s|Thường$|Nhiệm vụ\s+thường|Phân kỳ|Trước\s|Hằng\s|Hàng\s|"
    r"Theo hướng dẫn|Tháng \d))")
_UNIT_HEAD = re.compile(r"^(?:Sở |Công an|Các sở|Các cơ quan|Văn phòng|Ban |Bộ Chỉ huy|Ủy ban|UBND|Trung tâm|Các )")


def is_cellstream_header(line: str) -> bool:
    return bool(_HEADER_START.match(line)) and "\t" not in line


class _Block(LineRun):
    @property
    def width(self) -> int:
        return max(len(t.rstrip()) for _, t in self.lines)


def _blocks(lines: tuple[str, ...], a: int, b: int) -> list[_Block | str]:
    """Blocks of consecutive non-blank lines; header repeats and page numbers removed and marked 'PB'."""
    out: list[_Block | str] = []
    cur: list[tuple[int, str]] = []
    i = a
    in_header = False
    header_text = ""
    while i <= b:
        line = lines[i]
        no = i + 1
        if _HEADER_START.match(line):
            if cur:
                out.append(_Block(cur))
                cur = []
            in_header, header_text = True, ""
            i += 1
            continue
        if in_header:
            header_text = squash(header_text + " " + line.strip())
            if "(Rõ Thời gian)" in header_text or fold(header_text).endswith("ro thoi gian)"):
                in_header = False
                out.append("PB")
            i += 1
            continue
        if not line.strip() or _PAGE_NUMBER.match(line):
            if cur:
                out.append(_Block(cur))
                cur = []
            if _PAGE_NUMBER.match(line) and line.strip():
                out.append("PB")
            i += 1
            continue
        cur.append((no, line))
        i += 1
    if cur:
        out.append(_Block(cur))
    return out


def _is_row_start(block: _Block) -> bool:
    t = block.text
    return bool(_GROUP.match(t) or _TASK.match(t) or _SUBTASK.match(t))


def _split_tail(texts: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Split merged blocks at unit/deadline starts (after the first position)."""
    out = []
    for text, first, last in texts:
        cuts = sorted({m.start() for m in _UNIT_START.finditer(text)} | {m.start() for m in _DEADLINE_START.finditer(text)})
        cuts = [c for c in cuts if c > 0]
        prev = 0
        for c in cuts + [len(text)]:
            piece = text[prev:c].strip()
            if piece:
                out.append((piece, first, last))
            prev = c
    return out


def _assign_tail(blocks: list[_Block]) -> tuple[dict[str, str], int]:
    """Blocks after the sub-task -> product, kpi, lead, coop, deadline. Returns cells and last line."""
    segs = _split_tail([(b.text, b.first, b.last) for b in blocks])
    last = max((b.last for b in blocks), default=0)
    d = None
    for k, (text, _, _) in enumerate(segs):
        if _DEADLINE_START.match(text) and k >= 1:
            d = k
            break
    deadline = " ".join(s for s, _, _ in segs[d:]) if d is not None else ""
    before = segs[:d] if d is not None else segs
    # join unit segments: a unit ending with ',' continues; a segment without a head continues the unit before it
    units: list[str] = []
    plain: list[str] = []
    for text, _, _ in before:
        if _UNIT_HEAD.match(text) and (units or plain):
            if units and units[-1].endswith(","):
                units[-1] = f"{units[-1]} {text}"
            else:
                units.append(text)
        elif units:
            units[-1] = f"{units[-1]} {text}"
        else:
            plain.append(text)
    cells: dict[str, str] = {"deadline": deadline}
    if len(units) >= 2:
        cells["lead"], cells["coop"] = units[-2], units[-1]
        if len(units) > 2:
            plain.extend(units[:-2])
    elif len(units) == 1:
        cells["lead"] = units[0]
    if len(plain) >= 2:
        cells["product"], cells["kpi"] = plain[0], " ".join(plain[1:])
    elif len(plain) == 1:
        # product and KPI merged in one block: split where a line starts with a capital letter
        block_lines = []
        for b in blocks:
            if squash(" ".join(t for _, t in b.lines)) == plain[0]:
                block_lines = [t.strip() for _, t in b.lines]
        cut = next((k for k in range(1, len(block_lines)) if block_lines[k][:1].isupper()), None)
        if cut:
            cells["product"] = squash(" ".join(block_lines[:cut]))
            cells["kpi"] = squash(" ".join(block_lines[cut:]))
        else:
            cells["product"] = plain[0]
    return cells, last


def _deadline_continues(block: _Block) -> bool:
    t = block.text
    return bool(t[:1].islower() or t.startswith("(") or re.match(r"^[IVX]{1,4}/\s*\d{4}", t) or t[:1].isdigit())


def parse_cellstream(lines: tuple[str, ...], a: int, b: int) -> tuple[list[TableRow], list[str]]:
    items = _blocks(lines, a, b)
    rows: list[TableRow] = []
    warnings: list[str] = []
    group = ""
    general: _Block | None = None
    general_code = ""
    i = 0
    widths: dict[str, list[int]] = {}
    last_row: TableRow | None = None

    def note_width(role: str, block: _Block) -> None:
        widths.setdefault(role, []).append(block.width)

    def read_row(sub: _Block | None, start: int) -> int:
        """Read columns 2-7 starting at items[start] (sub is the sub-task block if already taken)."""
        nonlocal last_row
        j = start
        if sub is None:
            if j < len(items) and isinstance(items[j], _Block) and not _is_row_start(items[j]):
                sub = items[j]
                j += 1
        tail: list[_Block] = []
        found_deadline = False
        while j < len(items):
            it = items[j]
            if it == "PB":
                break
            assert isinstance(it, _Block)
            if _is_row_start(it):
                break
            if found_deadline and not _deadline_continues(it):
                break
            tail.append(it)
            if any(_DEADLINE_START.match(s) for s, _, _ in _split_tail([(it.text, 0, 0)])[1:]) or (
                    _DEADLINE_START.match(it.text) and len(tail) >= 2):
                found_deadline = True
            j += 1
        cells, last = _assign_tail(tail)
        sub_text = sub.text if sub else ""
        cells["subtask"] = sub_text
        cells["task"] = general.text if general else sub_text
        m = _SUBTASK.match(sub_text)
        if not m:
            cells["code"] = general_code
        else:
            cells["code"] = f"{general_code.rsplit('.', 1)[0]}.{m.group(1)}" if general_code else m.group(1)
        # a numbered sub-task row starts at its own cell; otherwise at the general task's
        first = sub.first if (m or general is None) and sub else (general.first if general else 0)
        row = TableRow(cells, group, first, max(last, sub.last if sub else 0, general.last if general else 0))
        rows.append(row)
        last_row = row
        if general:
            note_width("task", general)
        if sub:
            note_width("subtask", sub)
        return j

    while i < len(items):
        it = items[i]
        if it == "PB":
            # fragments after a page break, before the next row start, continue cells of the last row
            j = i + 1
            frags: list[_Block] = []
            while j < len(items) and isinstance(items[j], _Block) and not _is_row_start(items[j]):
                frags.append(items[j])
                j += 1
            if frags and last_row is not None:
                _attach_fragments(last_row, frags, widths)
            i = j
            continue
        assert isinstance(it, _Block)
        t = it.text
        if _GROUP.match(t) and not _TASK.match(t):
            group = t
            general = None
            i += 1
            continue
        if _TASK.match(t) and not _SUBTASK.match(t):
            general = it
            general_code = ".".join(p for p in (_GROUP.match(group).group(1) if _GROUP.match(group) else "",
                                                  _TASK.match(t).group(1)) if p)
            nxt = items[i + 1] if i + 1 < len(items) else None
            if isinstance(nxt, _Block) and _SUBTASK.match(nxt.text):
                i += 1   # sub-tasks follow; each is read as its own row
                continue
            i = read_row(None, i + 1)
            continue
        if _SUBTASK.match(t) and general is not None:
            i = read_row(it, i + 1)
            continue
        if general is not None and last_row is not None:
            # an unnumbered further sub-row of the same general task
            i = read_row(None, i)
            rows[-1].cells["code"] = f"{general_code}-{sum(1 for r in rows if r.cells.get('task') == general.text)}"
            continue
        warnings.append(f"dòng {it.first}: ô bảng không gắn được với nhiệm vụ nào, bỏ qua")
        i += 1
    return rows, warnings


def _attach_fragments(row: TableRow, frags: list[_Block], widths: dict[str, list[int]]) -> None:
    """Give each fragment to the column whose usual line width is closest, keeping column order."""
    order = ["task", "subtask", "product", "kpi", "deadline"]
    typical = {r: statistics.median(w) for r, w in widths.items() if w}
    defaults = {"task": 32, "subtask": 21, "product": 16, "kpi": 18, "deadline": 13}
    pos = 0
    for frag in frags:
        best, best_d = None, None
        for k in range(pos, len(order)):
            role = order[k]
            if role == "deadline" and not row.cells.get("deadline"):
                continue
            d = abs(frag.width - typical.get(role, defaults[role]))
            if best_d is None or d < best_d:
                best, best_d = k, d
        if best is None:
            continue
        role = order[best]
        row.cells[role] = squash(f"{row.cells.get(role, '')} {frag.text}")
        row.last_line = max(row.last_line, frag.last)
        pos = best + 1
