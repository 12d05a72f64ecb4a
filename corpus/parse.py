"""Parse a plan (as numbered lines) into records. Layouts are detected from the text, never from a file name.

Families handled: prose with hard line wraps; tab-separated tables (header repeats at page breaks, continuation
rows, <b> tags); markdown pipe tables split across pages with orphan continuation rows; a PDF dump where a
7-column table is serialized cell by cell (see corpus/cellstream.py).
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from corpus import outline as ol
from corpus import prose
from corpus.cellstream import parse_cellstream
from corpus.document import TextDocument, UnreadablePlan
from corpus.identity import Identity, _name_words, issuing_sentence, read_identity
from corpus.reader import file_sha256, read_document
from corpus.records import ParsedPlan, Passage, Plan, Target, Task
from corpus.tables import TableRow, parse_table
from corpus.text import fold
from corpus.units import split_units
from corpus.values import clean_cell, parse_deadline, parse_value, value_in_prose

_strip_md = ol.strip_md
_roman_code = prose.roman_code
_year_of = prose.year_of


# ---------------------------------------------------------------- metadata

_LEVELS = r"(xã|phường|tỉnh|thị trấn|thành phố|huyện|đặc khu|XÃ|PHƯỜNG|TỈNH|THỊ TRẤN|THÀNH PHỐ|HUYỆN|ĐẶC KHU)"


def _locality(title: str, joined: str, head: list[str], ident: Identity) -> tuple[str, str] | None:
    """(level, locality): the place the title names ("trên địa bàn xã Nha Bích", in any case), else the place
    of the issuing body (letterhead), else the first "trên địa bàn …" of the opening text."""
    m = re.search(rf"(?i)trên địa bàn\s+{_LEVELS}\s+(.{{0,60}})", title)
    if m:
        level, name = m.group(1).lower(), _name_words(m.group(2))
        if ident.locality and fold(m.group(2)).startswith(fold(ident.locality)):
            name = ident.locality           # an upper-case title: the letterhead spells the name's end
        if name:
            return level, name
    if ident.locality and ident.level:
        return ident.level, ident.locality
    patterns = [(rf"trên địa bàn\s+{_LEVELS}\s+(.{{0,60}})", joined)]
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


_GENERIC_ISSUER = re.compile(r"^(?:ubnd|uy ban nhan dan)(?:\s+(?:xa|phuong|tinh|thanh pho|huyen))?$")


def _plan_meta(lines: tuple[str, ...], file_name: str, sha256: str, kind: str) -> Plan:
    ident = read_identity(lines)
    if not ident.is_document:
        raise UnreadablePlan(f"{file_name}: không nhận ra kế hoạch (không có phần đầu hay phần ký của một văn bản: "
                             "cơ quan ban hành, số hiệu, tên loại văn bản — có thể là bài báo, ghi chép hoặc thư)")
    head = [_strip_md(l) for l in lines[:80]]
    joined = " ".join(h for h in head if h)
    title = ident.subject
    found = _locality(title, joined, head, ident)
    level, locality = found if found else (ident.level or "", "")
    issuer = issuing_sentence(head)
    if not issuer or _GENERIC_ISSUER.match(fold(issuer)):
        issuer = ident.issuer or ""
        if locality and (not issuer or re.match(r"^(?:ubnd|uy ban nhan dan)\b", fold(issuer))):
            issuer = f"UBND {level} {locality}"    # the people's committee of the plan's own place
    slug = re.sub(r"[^a-z0-9]+", "-", fold(Path(file_name).stem)).strip("-") or "ke-hoach"
    if not title:
        title = f"{ident.doc_type} {level} {locality}".strip() if locality else (ident.doc_type + (
            f" của {issuer}" if issuer else ""))
    return Plan(slug=slug, title=title, issuer=issuer, locality=locality, level=level, file=file_name,
                sha256=sha256, number=ident.number, date=ident.date, signer=ident.signer, source_kind=kind,
                doc_type=ident.doc_type)


# ---------------------------------------------------------------- records from tables

def _roman_code(group: str) -> str:
    m = re.match(r"^\s*([IVX]{1,4})\b", group)
    return m.group(1) if m else ""


def _target_from_row(row: TableRow, group: str, section: str, year: int | None) -> Target | None:
    text = clean_cell(row.get("text"))
    if not text:
        return None
    value = clean_cell(row.get("value"))
    if not value and "value" not in row.cells:
        value = value_in_prose(text) or ""      # "Kinh tế số chiếm 45% GRDP" in a table with no value column
    op, low, high = parse_value(value)
    code = clean_cell(row.get("code"))
    gcode = _roman_code(group)
    return Target(group=group, code=f"{gcode}.{code}" if gcode else code, text=text,
                  unit_of_measure=clean_cell(row.get("uom")), value_text=value, value_op=op, value_low=low,
                  value_high=high, year=year, lead=split_units(clean_cell(row.get("lead") or row.get("monitor"))),
                  section=section,
                  first_line=row.first_line, last_line=row.last_line)


def _targets_from_row(row: TableRow, section: str, year: int | None) -> list[Target]:
    """One target per row; an indicator table with a column per year ("2025 | 2030 | 2045") gives one target per
    year that has a value."""
    years = [(r, int(r[5:])) for r in row.cells if r.startswith("year:")]
    if not years:
        t = _target_from_row(row, row.group, section, year)
        return [t] if t else []
    out = []
    for role, y in years:
        value = clean_cell(row.cells.get(role, ""))
        if not value or value in ("-", "–", "x", "X"):
            continue
        cells = {k: v for k, v in row.cells.items() if not k.startswith("year:")}
        cells["value"] = value
        t = _target_from_row(TableRow(cells, row.group, row.first_line, row.last_line, row.part), row.group,
                             section, y)
        if t:
            out.append(t)
    return out


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


# ---------------------------------------------------------------- the parser

def parse_plan_file(path: Path, ocr=None) -> ParsedPlan:
    """ocr: corpus.ocr.OcrOptions for scanned PDFs (None: defaults, no cache)."""
    doc = read_document(path, ocr)
    return parse_document(doc, path.name, file_sha256(path))


def parse_document(doc: TextDocument, file_name: str, sha256: str) -> ParsedPlan:
    """A document's lines -> its records, in seven phases: identity, regions, outline, prose passages, duties,
    targets in prose, assignments in sentences, and the tables' rows."""
    lines = doc.lines
    if not any(l.strip() for l in lines):
        raise UnreadablePlan(f"{file_name}: tệp rỗng")
    plan = _plan_meta(lines, file_name, sha256, doc.kind)                      # 0) identity
    plan_year = _year_of(plan.title) or _year_of(" ".join(lines[:40]))
    regions = ol.split_regions(lines)                                           # 1) prose and tables
    outline = ol.read_outline(regions.prose, len(lines), prose.is_lettered_duty)   # 2) headings, sections
    passages = prose.passages(outline, doc)                                     # 3) passages
    duties = prose.duties(outline, doc)                                         # 4) duties per unit
    targets = prose.targets(outline, doc, plan_year)                            # 5) targets in prose
    tasks = prose.assignments(outline)                                          # 6) assignments in sentences
    table_tasks, table_targets, warnings = _table_records(lines, regions, outline, plan_year)   # 7) tables
    tasks += table_tasks
    targets += table_targets
    sections = outline.sections
    for t in tasks:
        passages.append(Passage(text=task_sentence(t), section=t.section, first_line=t.first_line,
                                last_line=t.last_line, origin="task", page=doc.page_of(t.first_line)))
    for t in targets:
        if t.lead or t.unit_of_measure:   # table rows; prose targets already are passages
            passages.append(Passage(text=target_sentence(t), section=t.section, first_line=t.first_line,
                                    last_line=t.last_line, origin="target", page=doc.page_of(t.first_line)))
    tasks = [_with_page(t, doc) for t in tasks]
    targets = [_with_page(t, doc) for t in targets]
    if not tasks and not targets and not duties:
        # a letter, a report, a notice: a document, but one that assigns nothing
        raise UnreadablePlan(f"{file_name}: không nhận ra kế hoạch ({plan.doc_type.lower()} này không giao nhiệm vụ, "
                             "chỉ tiêu hay trách nhiệm cho đơn vị nào — có thể là thư, thông báo hoặc báo cáo)")
    sections.sort(key=lambda s: (s.first_line, -s.last_line))
    return ParsedPlan(plan=plan, sections=tuple(sections), passages=tuple(passages), tasks=tuple(tasks),
                      targets=tuple(targets), duties=tuple(duties), warnings=tuple(warnings))


def _table_records(lines: tuple[str, ...], regions: ol.Regions, outline: ol.Outline,
                   plan_year: int | None) -> tuple[list[Task], list[Target], list[str]]:
    """Phase 7: the rows of every table region as tasks or targets, in the section the table sits in."""
    tasks: list[Task] = []
    targets: list[Target] = []
    warnings: list[str] = []
    for kind, a, b in regions.tables:
        section = outline.section_at(a + 1) or outline.section_at(max(1, a))
        above = [s for s in outline.sections if s.first_line <= a + 1]
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
            row_section = f"{section} > {row.part}" if row.part and section else (row.part or section)
            if table_kind == "targets":
                targets.extend(_targets_from_row(row, row_section, year))
            elif table_kind == "tasks":
                t = _task_from_row(row, row.group, row_section)
                if t:
                    tasks.append(t)
    return tasks, targets, warnings


def _with_page(rec, doc: TextDocument):
    page = doc.page_of(rec.first_line)
    return rec if page is None else replace(rec, page=page)
