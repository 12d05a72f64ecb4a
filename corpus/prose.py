"""Records written as prose: passages, duties per unit, targets, and assignments in sentences.

Phases 3-6 of parsing; each reads the outline (paragraphs with their section path and open headings).
"""
from __future__ import annotations

import re

from corpus.assignments import find_assignments, pos_tagger
from corpus.document import TextDocument
from corpus.outline import Outline, Para, Stack, chunks, strip_md
from corpus.records import Duty, Passage, Target, Task
from corpus.text import fold
from corpus.units import _HEAD_RE, split_units
from corpus.values import parse_deadline, parse_value, value_in_prose

_CLAUSE_SPLIT = re.compile(r"(?<=[;.])\s+(?=[A-ZĐÀ-Ỹa-zđ(+\-])")
# Where a unit's name ends: the first verb after it. Lower case only: "Sở Xây dựng", "Vụ Tổ chức cán bộ" are
# names, "Sở Tài chính xây dựng …", "Chủ trì, phối hợp …" are not (a capitalized first verb still ends it).
_DUTY_VERBS = re.compile(
    r"\s+(?:chủ trì|phối hợp|tham mưu|có trách nhiệm|thực hiện|triển khai|căn cứ|theo dõi|là cơ quan|trực tiếp|"
    r"chịu trách nhiệm|xây dựng|tổ chức|đẩy mạnh|tập trung|rà soát|bảo đảm|thường xuyên|giao ban|định kỳ|cần|phải|"
    r"được giao|sẽ)\b|\s+(?:Chủ trì|Phối hợp|Tham mưu|Có trách nhiệm|Chịu trách nhiệm|Là cơ quan)\b|:")


def roman_code(group: str) -> str:
    m = re.match(r"^\s*([IVX]{1,4})\b", group)
    return m.group(1) if m else ""


def year_of(text: str) -> int | None:
    """The last 'năm 20xx' of a text (a title names the plan's year after any resolution dates)."""
    found = re.findall(r"năm\s+(20\d\d)", text)
    return int(found[-1]) if found else None


def leading_units(text: str) -> tuple[str, ...]:
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
    # "Tổ chức triển khai …" is a verb, not a team; a head word alone ("Sở, ngành …") names no unit
    return tuple(u for u in split_units(phrase)
                 if not fold(u).startswith("to chuc") and (len(u.split()) >= 2 or u.isupper()))


def is_lettered_duty(para: Para, stack: Stack) -> bool:
    """"a) Chủ trì theo dõi, đôn đốc ...;" under "1. Văn phòng HĐND và UBND xã" in Tổ chức thực hiện is one
    of the unit's duties (a sentence), not a sub-heading."""
    text = strip_md(para.text)
    if not stack or not re.search(r"[.;]\s*$", text) or len(text) < 40:
        return False
    if not any(DUTY_SECTION.search(fold(title)) for _, title, _ in stack):
        return False
    parent = stack[-1][1]
    return bool(leading_units(re.sub(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+", "", parent)))


# ---------------------------------------------------------------- phase 3: passages

def passages(outline: Outline, doc: TextDocument) -> list[Passage]:
    """Every paragraph (long ones in chunks); a paragraph ending in ':' also forms one passage with the short
    items under it."""
    out: list[Passage] = []
    body = outline.body
    for k, (para, path, _) in enumerate(body):
        for text, first, last in chunks(para):
            out.append(Passage(text=text, section=path or "Phần mở đầu", first_line=first, last_line=last,
                               page=doc.page_of(first)))
        intro = strip_md(para.text)
        if intro.endswith(":") and len(intro) < 300:
            items = []
            for nxt, npath, _ in body[k + 1:k + 12]:
                t = strip_md(nxt.text)
                if npath != path or not re.match(r"^[-+•]\s", t) or len(t) > 300:
                    break
                items.append((t, nxt.last))
            if items:
                text = intro + " " + " ".join(t for t, _ in items)
                out.append(Passage(text=text, section=path or "Phần mở đầu", first_line=para.first,
                                   last_line=items[-1][1], page=doc.page_of(para.first)))
    return out


# ---------------------------------------------------------------- phase 4: duties

# Sections that assign work to units: "Tổ chức thực hiện", "Phân công nhiệm vụ", "Trách nhiệm của …".
DUTY_SECTION = re.compile(r"to chuc thuc hien|phan cong (?:nhiem vu|thuc hien|trach nhiem)|giao nhiem vu"
                          r"|trach nhiem (?:cua|thuc hien)|nhiem vu cua cac")
_REPORTING = re.compile(r"che do bao cao|theo doi, kiem tra|kiem tra, giam sat")
_NUMBERING = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.?|[a-zđ]\)|[IVX]{1,4}\.)\s+")
_LEADER = re.compile(r"^(?:Lãnh đạo|Tổ trưởng|Người đứng đầu|Thủ trưởng)\s+(?=\S)")


def unit_heading(title: str) -> tuple[str, ...]:
    """The units a heading names when the heading is nothing but their name ("3. Vụ Tổ chức cán bộ",
    "a) Tổ đảng ở Thường trực Ủy ban KH,CN&MT", "n) Lãnh đạo Ban Dân nguyện"): what follows is their duty,
    wherever the section sits."""
    body = _NUMBERING.sub("", title).strip()
    if len(body) > 110 or re.search(r"[.;:]\s*$", body):
        return ()
    units = leading_units(body) or leading_units(_LEADER.sub("", body))
    if not units or sum(len(u) for u in units) < 0.6 * len(_LEADER.sub("", body)):
        return ()
    return units


def duties(outline: Outline, doc: TextDocument) -> list[Duty]:
    """Duties: in a section that assigns work ("Tổ chức thực hiện", "Phân công nhiệm vụ"), each paragraph
    under a unit's heading or opening with a unit's name; elsewhere, the paragraphs under a heading that is
    a unit's name."""
    out: list[Duty] = []
    for para, path, stk in outline.body:
        fpath = fold(path)
        assigning = bool(DUTY_SECTION.search(fpath))
        named = [u for _, t, _ in stk if (u := unit_heading(t))]
        text = strip_md(para.text)
        if not assigning and not named and _REPORTING.search(fpath):
            # a reporting section addresses everyone ("Các cơ quan, đơn vị …") unless a sentence names a body
            assigning = any(not fold(u).startswith("cac ") for u in leading_units(text))
        if not assigning and not named:
            continue
        if re.match(r"^(?:Trên đây|Yêu cầu|Trong quá trình)", text):
            continue   # closing paragraphs address everyone, not the unit above them
        units: tuple[str, ...] = ()
        own = [t for lvl, t, _ in stk if not DUTY_SECTION.search(fold(t))]
        if own:
            units = leading_units(own[-1] if not own[-1][:1].isdigit() else own[-1])
            if not units:
                units = leading_units(re.sub(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+", "", own[-1]))
        if not units and named:
            units = named[-1]
        lead = leading_units(text)
        if lead:
            units = lead
        if not units:
            continue
        dl = duty_deadline(text)
        for u in units:
            out.append(Duty(unit=u, text=text, section=path, first_line=para.first, last_line=para.last,
                            deadline=dl, page=doc.page_of(para.first)))
    return out


def duty_deadline(text: str):
    m = re.search(r"(trước ngày\s+\d{1,2}(?:\s*(?:/|tháng)\s*\d{1,2}(?:\s*(?:/|năm)\s*\d{4})?)?(?:\s+hằng tháng|\s+hàng tháng)?"
                  r"|hoàn thành (?:trong|trước) [^;.]{3,30}?\d{4})", text)
    return parse_deadline(m.group(1)) if m else None


# ---------------------------------------------------------------- phase 5: targets in prose

def targets(outline: Outline, doc: TextDocument, plan_year: int | None) -> list[Target]:
    """Targets written as prose: numbered or bulleted items under a "Mục tiêu" heading."""
    out: list[Target] = []
    seq = 0
    for para, path, stk in outline.body:
        titles = [t for _, t, _ in stk]
        ftitles = [fold(t) for t in titles]
        if not any("muc tieu" in t for t in ftitles) or any(
                k in ftitles[-1] for k in ("yeu cau", "muc tieu chung", "muc dich")) if ftitles else True:
            continue
        text = strip_md(para.text)
        if text.endswith(":") and len(text) < 120:
            continue
        year = None
        for t in reversed(titles):
            year = year_of(t) or (int(m.group(1)) if (m := re.search(r"(20\d\d)", t)) else None)
            if year:
                break
        year = year or plan_year
        for clause in _CLAUSE_SPLIT.split(text):
            clause = clause.strip(" ;.")
            value = value_in_prose(clause)
            # "Đến năm 2030: 100% …" sets its own year; "phấn đấu … đạt …" after it keeps the paragraph's
            said = re.match(r"^(?:[-+•]\s*)?(?:đến|tới|trong|đến hết|năm)\s+(?:năm\s+)?(20\d\d)\b", clause, re.IGNORECASE)
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
            out.append(Target(group=titles[-1] if titles else "", code=code,
                              text=re.sub(r"^(?:\(\d+\)|[-+•])\s*", "", clause), unit_of_measure="%" if "%" in value else "",
                              value_text=value, value_op=op, value_low=low, value_high=high,
                              year=int(said.group(1)) if said else year, lead=(),
                              section=path, first_line=para.first, last_line=para.last,
                              page=doc.page_of(para.first)))
    return out


# ---------------------------------------------------------------- phase 6: assignments in sentences

def assignments(outline: Outline) -> list[Task]:
    """"Giao Trạm Y tế xã chủ trì, phối hợp … hoàn thành trong tháng 11/2026." -> a task."""
    out: list[Task] = []
    seq_by_section: dict[str, int] = {}
    tagger = pos_tagger()
    for para, path, stk in outline.body:
        for found in find_assignments(strip_md(para.text), tagger):
            group = stk[-1][1] if stk else ""
            seq_by_section[path] = seq_by_section.get(path, 0) + 1
            code = ".".join(p for p in (roman_code(stk[0][1]) if stk else "", str(seq_by_section[path])) if p)
            out.append(Task(group=group, code=code, task=found.work, subtask="", product="", kpi="",
                            lead=found.lead, cooperating=found.cooperating, deadline=found.deadline,
                            section=path or "Phần mở đầu", first_line=para.first, last_line=para.last))
    return out
