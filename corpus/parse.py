"""Parse a plan (as numbered lines) into records. Layouts are detected from the text, never from a file name.

Families handled: prose with hard line wraps; tab-separated tables (header repeats at page breaks, continuation
rows, <b> tags); markdown pipe tables split across pages with orphan continuation rows; a PDF dump where a
7-column table is serialized cell by cell (see corpus/cellstream.py).
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from corpus.assignments import find_assignments, pos_tagger
from corpus.cellstream import is_cellstream_header, parse_cellstream
from corpus.document import TextDocument, UnreadablePlan
from corpus.reader import file_sha256, read_document
from corpus.records import Duty, ParsedPlan, Passage, Plan, Section, Target, Task
from corpus.tables import TableRow, parse_table
from corpus.text import LineRun, fold, squash
from corpus.units import _HEAD_RE, split_units
from corpus.values import clean_cell, parse_deadline, parse_value, value_in_prose

# ---------------------------------------------------------------- line classes

_ROMAN_HEAD = re.compile(r"^(?:#+\s*)?(?:\*\*)?\s*([IVX]{1,4})\s*[.\-–]\s*(\S.*)$")
_NUM_HEAD = re.compile(r"^(?:#+\s*)?(?:\*\*)?\s*(\d{1,2})\.\s+(\S.*)$")
_SUBNUM_HEAD = re.compile(r"^(?:#+\s*)?(?:\*\*)?\s*(\d{1,2}\.\d{1,2})\.?\s+(\S.*)$")
_LETTER_HEAD = re.compile(r"^(?:#+\s*)?(?:\*\*)?\s*([a-zđ])\)\s+(\S.*)$")
_APPENDIX = re.compile(r"^(?:#+\s*)?(?:\*{2,3})?\s*(?:PHỤ LỤC\b|Nơi nhận\s*:?)", re.IGNORECASE)
# The signature block ends the body: "CHỦ TỊCH", "KT. CHỦ TỊCH PHÓ CHỦ TỊCH", "BÍ THƯ".
_SIGNATURE = re.compile(r"^(?:KT\.?\s*|TM\.?\s*|Q\.?\s*)?(?:CHỦ TỊCH|BÍ THƯ|TRƯỞNG BAN|GIÁM ĐỐC)\b[A-ZĐÀ-Ỹ .\s]*$")
_LIST_START = re.compile(r"^\s*(?:[-+•*–]\s|\(\d+\)|\d{1,2}(?:\.\d{1,2})*[.)]\s|[a-zđ]\)\s|[IVX]{1,4}\s*[.\-–]\s)")
_TERMINAL = re.compile(r"[.;:!?…]\s*(?:\*\*)?\s*$|[.;:!?]\W*$")


def _strip_md(text: str) -> str:
    text = re.sub(r"^#+\s*", "", text.strip())
    text = text.replace("**", "").replace("***", "")
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)  # [label](url) -> label
    return squash(text)


def _is_table_line(line: str) -> bool:
    s = line.strip()
    return line.count("\t") >= 2 or (s.startswith("|") and s.count("|") >= 3)


_Para = LineRun


def _paragraphs(items: list[tuple[int, str]]) -> list[_Para]:
    """Join hard-wrapped lines into paragraphs; blank lines alone do not end a sentence."""
    paras: list[_Para] = []
    cur: _Para | None = None
    for no, raw in items:
        if raw is None:      # region boundary (a table sat here)
            cur = None
            continue
        line = raw.rstrip()
        if not line.strip():
            continue
        starts_list = bool(_LIST_START.match(_strip_md(line))) or line.lstrip().startswith("#")
        if cur is not None and not starts_list:
            prev = cur.lines[-1][1].rstrip()
            prev_clean = prev.replace("**", "").rstrip()
            # ';' ends a list item only on a short line; a long line ending in ';' is a hard wrap mid-sentence.
            ends = bool(_TERMINAL.search(prev_clean)) and not (prev_clean.endswith(";") and len(prev_clean) >= 60)
            wrapped = not ends and not prev.lstrip().startswith("#")
            nxt = line.strip()
            if wrapped and (nxt[:1].islower() or nxt[:1].isdigit() or len(prev_clean) >= 60):
                cur.lines.append((no, line))
                continue
        cur = _Para([(no, line)])
        paras.append(cur)
    return paras


def _heading(para: _Para) -> tuple[int, str] | None:
    """(level, title) when a paragraph is a heading, else None."""
    text = _strip_md(para.text)
    raw = para.lines[0][1].strip()
    if _APPENDIX.match(raw) or _SIGNATURE.match(text):
        return 1, text
    is_md = raw.startswith("#")
    short = len(text) <= 200 and not re.search(r"[.;]\s*$", text)
    m = _ROMAN_HEAD.match(raw.replace("**", ""))
    if m and (short or text.isupper()):
        return 1, text
    m = _SUBNUM_HEAD.match(raw.replace("**", ""))
    if m and (short and len(text) <= 120):
        return 3, text
    m = _NUM_HEAD.match(raw.replace("**", ""))
    if m and (short or (is_md and len(text) <= 200)):
        return 2, text
    m = _LETTER_HEAD.match(raw.replace("**", ""))
    # "a) Phủ sóng 5G tại trung tâm xã;" is a list item, not a heading
    if m and len(text) <= 160 and not re.search(r"[.;,]\s*$", text):
        return 4, text
    if is_md and len(text) <= 200:
        return 2, text
    return None


def _numbered_lead(para: _Para, nxt: _Para | None) -> tuple[int, str] | None:
    """A numbered sentence directly followed by "a) …" heads that lettered list, even when it ends in '.':
    "2. Hoàn thiện thể chế …; Nhiệm vụ, giải pháp về … sáng tạo." then "a) Hoàn thiện thể chế …"."""
    raw = para.lines[0][1].strip().replace("**", "")
    if nxt is None or not _NUM_HEAD.match(raw) or len(para.text) > 250:
        return None
    m = _LETTER_HEAD.match(nxt.lines[0][1].strip().replace("**", ""))
    return (2, _strip_md(para.text)) if m and m.group(1) == "a" else None


# ---------------------------------------------------------------- metadata

def _first_group(lines: list[str], pattern: str) -> str | None:
    """Group 1 of the first line matching pattern, whitespace collapsed."""
    for line in lines:
        m = re.match(pattern, line)
        if m:
            return squash(m.group(1))
    return None


_LEVELS = r"(xã|phường|tỉnh|thị trấn|thành phố|huyện|đặc khu|XÃ|PHƯỜNG|TỈNH|THỊ TRẤN|THÀNH PHỐ|HUYỆN|ĐẶC KHU)"
_NAME_STOP = {"CỘNG", "Độc", "ĐỘC", "Số", "SỐ", "KẾ", "Năm", "NĂM"}


def _name_words(text: str) -> str:
    """Leading capitalized words of a place name: 'Phú Lý đến năm 2026' -> 'Phú Lý'."""
    out = []
    for w in re.findall(r"[\wÀ-ỹĐđ]+", text)[:5]:
        if not w[0].isupper() or w in _NAME_STOP or w.isdigit():
            break
        out.append(w)
    name = " ".join(out)
    return " ".join(w.capitalize() if w.isupper() else w for w in name.split())


def _locality(title: str, joined: str, head: list[str]) -> tuple[str, str] | None:
    """(level, locality) from the title ('trên địa bàn xã Nha Bích'), else the issuing body's name."""
    patterns = [(rf"trên địa bàn\s+{_LEVELS}\s+(.{{0,60}})", title or joined),
                (rf"trên địa bàn\s+{_LEVELS}\s+(.{{0,60}})", joined)]
    patterns += [(rf"^(?:UBND|Ủy ban nhân dân|ỦY BAN NHÂN DÂN)\s+{_LEVELS}\s+(.{{0,60}})", h) for h in head]
    patterns += [(rf"^{_LEVELS}\s+(.{{0,60}})$", h) for i, h in enumerate(head)
                 if i and re.fullmatch(r"(?:ỦY BAN NHÂN DÂN|UBND)", head[i - 1].strip())]
    for pattern, text in patterns:
        m = re.search(pattern, text)
        if m:
            name = _name_words(m.group(2))
            if name:
                return m.group(1).lower(), name
    return None


def _plan_meta(lines: tuple[str, ...], file_name: str, sha256: str, kind: str) -> Plan:
    head = [_strip_md(l) for l in lines[:80]]
    joined = " ".join(h for h in head if h)
    title = ""
    for i, h in enumerate(head):
        if fold(h).strip() == "ke hoach":
            parts = []
            for nxt in head[i + 1:i + 12]:
                if not nxt:
                    continue
                if fold(nxt).startswith(("can cu", "thuc hien ke hoach", "-----")) or nxt.startswith("---"):
                    break
                parts.append(nxt)
                if re.search(r"(xã|phường|tỉnh)\s+[A-ZĐ][^\s,]*(\s+[A-ZĐ][^\s,]*)*(\s+năm\s+\d{4})?$", nxt):
                    break
            title = squash(" ".join(parts))
            break
    found = _locality(title, joined, head)
    if not found:
        raise UnreadablePlan(f"{file_name}: không nhận ra kế hoạch (thiếu tên địa phương trong tiêu đề)")
    level, locality = found
    issuer = _first_group(head, r"^((?:UBND|Ủy ban|ỦY BAN|Ban|BAN|Đảng ủy|Hội đồng|Sở)\b.{0,70}?)\s+ban hành\s+[Kk]ế hoạch")
    if not issuer or fold(issuer) in ("ubnd xa", "ubnd phuong", "ubnd tinh"):
        issuer = f"UBND {level} {locality}"
    number = _first_group(head, r"^Số\s*:\s*(\S.*)$")
    date = _first_group(head, r"^[A-ZĐÀ-Ỹ][\wÀ-ỹ ]{1,30},\s*(ngày.*\d{4})$")
    signer = None
    titles = re.compile(r"(CHỦ TỊCH|BÍ THƯ|TRƯỞNG BAN|GIÁM ĐỐC)")
    for i, line in enumerate(lines):
        if titles.search(line.replace("**", "")) and line.strip().replace("*", "").strip().isupper():
            for nxt in lines[i + 1:i + 16]:
                cand = _strip_md(nxt)
                if not cand or cand.isupper() or titles.search(cand):
                    continue
                if re.fullmatch(r"(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+\s+){1,5}[A-ZĐÀ-Ỹ][a-zà-ỹđ]+", cand):
                    signer = cand
                break
    slug = re.sub(r"[^a-z0-9]+", "-", fold(Path(file_name).stem)).strip("-") or "ke-hoach"
    if not title:
        title = f"Kế hoạch {level} {locality}"
    return Plan(slug=slug, title=title, issuer=issuer, locality=locality, level=level, file=file_name,
                sha256=sha256, number=number, date=date, signer=signer, source_kind=kind)


# ---------------------------------------------------------------- records from tables

def _roman_code(group: str) -> str:
    m = re.match(r"^\s*([IVX]{1,4})\b", group)
    return m.group(1) if m else ""


def _target_from_row(row: TableRow, group: str, section: str, year: int | None) -> Target | None:
    text = clean_cell(row.get("text"))
    if not text:
        return None
    value = clean_cell(row.get("value"))
    op, low, high = parse_value(value)
    code = clean_cell(row.get("code"))
    gcode = _roman_code(group)
    return Target(group=group, code=f"{gcode}.{code}" if gcode else code, text=text,
                  unit_of_measure=clean_cell(row.get("uom")), value_text=value, value_op=op, value_low=low,
                  value_high=high, year=year, lead=split_units(clean_cell(row.get("lead") or row.get("monitor"))),
                  section=section,
                  first_line=row.first_line, last_line=row.last_line)


def _task_from_row(row: TableRow, group: str, section: str) -> Task | None:
    task = clean_cell(row.get("task"))
    sub = clean_cell(row.get("subtask"))
    if not task and not sub:
        return None
    m = re.match(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+", task)
    num = m.group(1) if m else ""
    gcode = _roman_code(group)
    code = row.get("code").rstrip(".")
    if not code or re.fullmatch(r"\d{1,3}", code):
        code = ".".join(p for p in (gcode, code or num) if p)
    return Task(group=group, code=code, task=task, subtask=sub, product=clean_cell(row.get("product")),
                kpi=clean_cell(row.get("kpi")), lead=split_units(clean_cell(row.get("lead") or row.get("monitor"))),
                cooperating=split_units(clean_cell(row.get("coop"))),
                deadline=parse_deadline(clean_cell(row.get("deadline"))), section=section,
                first_line=row.first_line, last_line=row.last_line)


def task_sentence(t: Task) -> str:
    parts = [f"Nhiệm vụ {t.code}: {t.task}".rstrip(".")]
    if t.subtask and t.subtask != t.task:
        parts.append(f"Tiểu nhiệm vụ: {t.subtask}".rstrip("."))
    if t.product:
        parts.append(f"Sản phẩm: {t.product}".rstrip("."))
    if t.kpi:
        parts.append(f"KPI: {t.kpi}".rstrip("."))
    parts.append("Chủ trì: " + ("; ".join(t.lead) or "không ghi"))
    if t.cooperating:
        parts.append("Phối hợp: " + "; ".join(t.cooperating))
    parts.append(f"Thời hạn: {t.deadline.text or 'không ghi'}")
    return ". ".join(parts) + "."


def target_sentence(t: Target) -> str:
    s = f"Chỉ tiêu {t.code}: {t.text}".rstrip(".")
    if t.value_text:
        s += f": {t.value_text}"
        if t.unit_of_measure and t.unit_of_measure not in ("%",) and t.unit_of_measure not in t.value_text:
            s += f" ({t.unit_of_measure})"
    if t.year:
        s += f" (năm {t.year})"
    if t.lead:
        s += ". Đơn vị chủ trì: " + "; ".join(t.lead)
    return s + "."


# ---------------------------------------------------------------- prose records

_CLAUSE_SPLIT = re.compile(r"(?<=[;.])\s+(?=[A-ZĐÀ-Ỹa-zđ(+\-])")
_DUTY_VERBS = re.compile(
    r"\s+(?:chủ trì|phối hợp|tham mưu|có trách nhiệm|thực hiện|triển khai|căn cứ|theo dõi|là cơ quan|trực tiếp|"
    r"chịu trách nhiệm|xây dựng|tổ chức|đẩy mạnh|tập trung|rà soát|bảo đảm|thường xuyên|giao ban|định kỳ|cần|phải|"
    r"được giao|sẽ)\b|:", re.IGNORECASE)


def _leading_units(text: str) -> tuple[str, ...]:
    """Units a numbered paragraph starts with: 'Phòng Kinh tế tham mưu ...' -> ('Phòng Kinh tế',)."""
    body = re.sub(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.?|[-+•]|[a-zđ]\))\s+", "", text)
    body = re.sub(r"^(?:Giao|Đề nghị|Yêu cầu)\s+", "", body)
    if not _HEAD_RE.match(body):
        return ()
    m = _DUTY_VERBS.search(body)
    if m and m.start() <= 160:
        phrase = body[: m.start()]
    else:
        phrase = body.rstrip(" ;.") if len(body) <= 120 else " ".join(body.split()[:8])
    return split_units(phrase)


def _year_of(text: str) -> int | None:
    """The last 'năm 20xx' of a text (a title names the plan's year after any resolution dates)."""
    found = re.findall(r"năm\s+(20\d\d)", text)
    return int(found[-1]) if found else None


# ---------------------------------------------------------------- the parser

def parse_plan_file(path: Path, ocr=None) -> ParsedPlan:
    """ocr: corpus.ocr.OcrOptions for scanned PDFs (None: defaults, no cache)."""
    doc = read_document(path, ocr)
    return parse_document(doc, path.name, file_sha256(path))


def parse_document(doc: TextDocument, file_name: str, sha256: str) -> ParsedPlan:
    lines = doc.lines
    if not any(l.strip() for l in lines):
        raise UnreadablePlan(f"{file_name}: tệp rỗng")
    plan = _plan_meta(lines, file_name, sha256, doc.kind)
    plan_year = _year_of(plan.title) or _year_of(" ".join(lines[:40]))
    warnings: list[str] = []

    # 1) split the document into prose and table regions
    n = len(lines)
    i = 0
    prose: list[tuple[int, str | None]] = []
    table_regions: list[tuple[str, int, int]] = []   # (kind, first_idx, last_idx) 0-based inclusive
    while i < n:
        line = lines[i]
        if is_cellstream_header(line):
            j = n
            for k in range(i + 1, n):
                if _APPENDIX.match(lines[k].strip()) or fold(lines[k]).strip().startswith("noi nhan"):
                    j = k
                    break
            table_regions.append(("cells", i, j - 1))
            prose.append((i + 1, None))
            i = j
            continue
        if _is_table_line(line):
            j = i
            last_table = i
            while j < n and (_is_table_line(lines[j]) or not lines[j].strip()):
                if _is_table_line(lines[j]):
                    last_table = j
                j += 1
            table_regions.append(("rows", i, last_table))
            prose.append((i + 1, None))
            i = last_table + 1
            continue
        prose.append((i + 1, line))
        i += 1

    # 2) headings, sections and passages from prose
    paras = _paragraphs(prose)
    stack: list[tuple[int, str, int]] = []   # (level, title, first_line)
    sections: list[Section] = []
    passages: list[Passage] = []
    duties: list[Duty] = []
    targets: list[Target] = []
    para_section: list[tuple[_Para, str, list[tuple[int, str, int]]]] = []

    def close_to(level: int, line_no: int) -> None:
        while stack and stack[-1][0] >= level:
            lvl, title, first = stack.pop()
            path = " > ".join(t for _, t, _ in stack + [(lvl, title, first)])
            sections.append(Section(path=path, first_line=first, last_line=max(first, line_no - 1)))

    heads = [_heading(p) or _numbered_lead(p, paras[k + 1] if k + 1 < len(paras) else None)
             for k, p in enumerate(paras)]
    _fill_numbered_gaps(paras, heads)
    heading_lines: dict[int, tuple[int, str]] = {}
    for k, para in enumerate(paras):
        h = heads[k]
        if h and h[0] == 4 and _is_lettered_duty(para, stack):
            h = None
        if h:
            level, title = h
            close_to(level, para.first)
            stack.append((level, title, para.first))
            heading_lines[para.first] = (level, title)
            continue
        path = " > ".join(t for _, t, _ in stack)
        para_section.append((para, path, list(stack)))
    close_to(0, n + 1)
    def section_path_at(line_no: int) -> str:
        best = ""
        best_span = None
        for s in sections:
            if s.first_line <= line_no <= s.last_line:
                span = s.last_line - s.first_line
                if best_span is None or span <= best_span:
                    best, best_span = s.path, span
        return best

    # passages (prose); a paragraph ending in ':' also forms one passage with the short items under it
    for k, (para, path, _) in enumerate(para_section):
        for text, first, last in _chunks(para):
            passages.append(Passage(text=text, section=path or "Phần mở đầu", first_line=first, last_line=last,
                                    page=doc.page_of(first)))
        intro = _strip_md(para.text)
        if intro.endswith(":") and len(intro) < 300:
            items = []
            for nxt, npath, _ in para_section[k + 1:k + 12]:
                t = _strip_md(nxt.text)
                if npath != path or not re.match(r"^[-+•]\s", t) or len(t) > 300:
                    break
                items.append((t, nxt.last))
            if items:
                text = intro + " " + " ".join(t for t, _ in items)
                passages.append(Passage(text=text, section=path or "Phần mở đầu", first_line=para.first,
                                        last_line=items[-1][1], page=doc.page_of(para.first)))

    # duties in "Tổ chức thực hiện"
    for para, path, stk in para_section:
        fpath = fold(path)
        if "to chuc thuc hien" not in fpath:
            continue
        text = _strip_md(para.text)
        if re.match(r"^(?:Trên đây|Yêu cầu|Trong quá trình)", text):
            continue   # closing paragraphs address everyone, not the unit above them
        units: tuple[str, ...] = ()
        own = [t for lvl, t, _ in stk if "to chuc thuc hien" not in fold(t)]
        if own:
            units = _leading_units(own[-1] if not own[-1][:1].isdigit() else own[-1])
            if not units:
                units = _leading_units(re.sub(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+", "", own[-1]))
        lead = _leading_units(text)
        if lead:
            units = lead
        if not units:
            continue
        dl = _duty_deadline(text)
        for u in units:
            duties.append(Duty(unit=u, text=text, section=path, first_line=para.first, last_line=para.last,
                               deadline=dl, page=doc.page_of(para.first)))

    # targets written as prose (numbered or bulleted items under a "Mục tiêu" heading)
    seq = 0
    for para, path, stk in para_section:
        titles = [t for _, t, _ in stk]
        ftitles = [fold(t) for t in titles]
        if not any("muc tieu" in t for t in ftitles) or any(
                k in ftitles[-1] for k in ("yeu cau", "muc tieu chung", "muc dich")) if ftitles else True:
            continue
        text = _strip_md(para.text)
        if text.endswith(":") and len(text) < 120:
            continue
        year = None
        for t in reversed(titles):
            year = _year_of(t) or (int(m.group(1)) if (m := re.search(r"(20\d\d)", t)) else None)
            if year:
                break
        year = year or plan_year
        for clause in _CLAUSE_SPLIT.split(text):
            clause = clause.strip(" ;.")
            value = value_in_prose(clause)
            # a numbered target "(7) Triển khai ứng dụng AI …" counts even when it states no figure
            if len(clause) < 12 or not (value or re.match(r"^\(\d+\)\s", clause)):
                continue
            value = value or ""
            seq += 1
            op, low, high = parse_value(value)
            mcode = re.match(r"^\((\d+)\)", clause)
            code_base = re.match(r"^(\d+(?:\.\d+)*)", titles[-1]) if titles else None
            code = ".".join(p for p in ((code_base.group(1) if code_base else ""),
                                        (mcode.group(1) if mcode else str(seq))) if p)
            targets.append(Target(group=titles[-1] if titles else "", code=code,
                                  text=re.sub(r"^(?:\(\d+\)|[-+•])\s*", "", clause), unit_of_measure="%" if "%" in value else "",
                                  value_text=value, value_op=op, value_low=low, value_high=high, year=year, lead=(),
                                  section=path, first_line=para.first, last_line=para.last,
                                  page=doc.page_of(para.first)))

    # 3) tables
    tasks: list[Task] = []
    seq_by_section: dict[str, int] = {}
    tagger = pos_tagger()
    for para, path, stk in para_section:
        for found in find_assignments(_strip_md(para.text), tagger):
            group = stk[-1][1] if stk else ""
            seq_by_section[path] = seq_by_section.get(path, 0) + 1
            code = ".".join(p for p in (_roman_code(stk[0][1]) if stk else "", str(seq_by_section[path])) if p)
            tasks.append(Task(group=group, code=code, task=found.work, subtask="", product="", kpi="",
                              lead=found.lead, cooperating=found.cooperating, deadline=found.deadline,
                              section=path or "Phần mở đầu", first_line=para.first, last_line=para.last))
    for kind, a, b in table_regions:
        section = section_path_at(a + 1) or section_path_at(max(1, a))
        above = [s for s in sections if s.first_line <= a + 1]
        if not section and above:   # else the nearest heading above the table names it
            section = max(above, key=lambda s: (s.first_line, -len(s.path))).path
        if kind == "cells":
            rows, warn = parse_cellstream(lines, a, b)
            warnings.extend(warn)
            header_text = ""
            table_kind = "tasks"
        else:
            table_kind, header_text, rows, warn = parse_table(lines, a, b)
            warnings.extend(warn)
        year = _year_of(header_text) or (int(m.group(1)) if (m := re.search(r"(20\d\d)", header_text)) else None) \
            or plan_year
        for row in rows:
            if table_kind == "targets":
                t = _target_from_row(row, row.group, section, year)
                if t:
                    targets.append(t)
            elif table_kind == "tasks":
                t = _task_from_row(row, row.group, section)
                if t:
                    tasks.append(t)
    for t in tasks:
        passages.append(Passage(text=task_sentence(t), section=t.section, first_line=t.first_line,
                                last_line=t.last_line, origin="task", page=doc.page_of(t.first_line)))
    for t in targets:
        if t.lead or t.unit_of_measure:   # table rows; prose targets already are passages
            passages.append(Passage(text=target_sentence(t), section=t.section, first_line=t.first_line,
                                    last_line=t.last_line, origin="target", page=doc.page_of(t.first_line)))
    tasks = [_with_page(t, doc) for t in tasks]
    targets = [_with_page(t, doc) for t in targets]
    if not sections and not tasks and not targets:
        raise UnreadablePlan(f"{file_name}: không thấy cấu trúc kế hoạch (không có mục, bảng nhiệm vụ hay chỉ tiêu)")
    sections.sort(key=lambda s: (s.first_line, -s.last_line))
    return ParsedPlan(plan=plan, sections=tuple(sections), passages=tuple(passages), tasks=tuple(tasks),
                      targets=tuple(targets), duties=tuple(duties), warnings=tuple(warnings))


def _heading_number(para: _Para) -> int | None:
    m = _NUM_HEAD.match(para.lines[0][1].strip().replace("**", ""))
    return int(m.group(1)) if m else None


def _fill_numbered_gaps(paras: list[_Para], heads: list[tuple[int, str] | None]) -> None:
    """Numbered headings skip a number ("1.", "3." found as headings) when the missing one is long or wraps
    to a final '.': "2. Tiếp tục triển khai … trên địa bàn xã." Between two numbered headings of one parent,
    the paragraphs numbered exactly like the missing ones, one each and in order, are those headings.
    Edits heads in place."""
    nums = [_heading_number(p) for p in paras]
    level2 = [k for k, h in enumerate(heads) if h and h[0] == 2 and nums[k] is not None]
    for a, b in zip(level2, level2[1:]):
        na, nb = nums[a], nums[b]
        if nb - na < 2 or any(h and h[0] < 2 for h in heads[a + 1:b]):
            continue
        found: dict[int, list[int]] = {}
        for k in range(a + 1, b):
            if heads[k] is None and nums[k] is not None and na < nums[k] < nb:
                found.setdefault(nums[k], []).append(k)
        wanted = list(range(na + 1, nb))
        if (sorted(found) != wanted or any(len(ks) != 1 for ks in found.values())
                or [found[n][0] for n in wanted] != sorted(found[n][0] for n in wanted)
                or any(len(paras[found[n][0]].text) > 400 for n in wanted)):
            continue
        for num in wanted:
            k = found[num][0]
            heads[k] = (2, _strip_md(paras[k].text))


def _is_lettered_duty(para: _Para, stack: list[tuple[int, str, int]]) -> bool:
    """"a) Chủ trì theo dõi, đôn đốc ...;" under "1. Văn phòng HĐND và UBND xã" in Tổ chức thực hiện is one
    of the unit's duties (a sentence), not a sub-heading."""
    text = _strip_md(para.text)
    if not stack or not re.search(r"[.;]\s*$", text) or len(text) < 40:
        return False
    if not any("to chuc thuc hien" in fold(title) for _, title, _ in stack):
        return False
    parent = stack[-1][1]
    return bool(_leading_units(re.sub(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+", "", parent)))


def _with_page(rec, doc: TextDocument):
    page = doc.page_of(rec.first_line)
    return rec if page is None else replace(rec, page=page)


def _duty_deadline(text: str):
    m = re.search(r"(trước ngày\s+\d{1,2}(?:\s*(?:/|tháng)\s*\d{1,2}(?:\s*(?:/|năm)\s*\d{4})?)?(?:\s+hằng tháng|\s+hàng tháng)?"
                  r"|hoàn thành (?:trong|trước) [^;.]{3,30}?\d{4})", text)
    return parse_deadline(m.group(1)) if m else None


def _chunks(para: _Para, limit: int = 600) -> list[tuple[str, int, int]]:
    """Split a long paragraph at sentence ends into pieces of at most ~limit characters, keeping line spans."""
    text_lines = [(no, _strip_md(t)) for no, t in para.lines]
    full = " ".join(t for _, t in text_lines if t)
    if len(full) <= limit:
        return [(full, para.first, para.last)] if full else []
    out: list[tuple[str, int, int]] = []
    buf: list[tuple[int, str]] = []
    size = 0
    for no, t in text_lines:
        buf.append((no, t))
        size += len(t) + 1
        if size >= limit * 0.6 and re.search(r"[.;]\s*$", t):
            out.append((" ".join(x for _, x in buf), buf[0][0], buf[-1][0]))
            buf, size = [], 0
    if buf:
        out.append((" ".join(x for _, x in buf), buf[0][0], buf[-1][0]))
    return out
