"""Normalize deadlines and target values as plans write them."""
from __future__ import annotations

import re

from corpus.records import Deadline
from corpus.text import fold, month_end, roman_value, squash

_LATEX = [
    (re.compile(r"\\geq?\b|\\ge\b"), "≥"),
    (re.compile(r"\\leq?\b|\\le\b"), "≤"),
    (re.compile(r"\\%"), "%"),
    (re.compile(r"\\times\b"), "×"),
]


def clean_latex(text: str) -> str:
    """'$\\geq 95\\%$' -> '≥ 95%'; leaves other text alone."""
    if "$" not in text and "\\" not in text:
        return text
    for pattern, repl in _LATEX:
        text = pattern.sub(repl, text)
    text = re.sub(r"\$([^$]*)\$", r"\1", text)
    return squash(text.replace("$", ""))


def clean_cell(text: str) -> str:
    """Cell text without markup: LaTeX, <b> tags, ** bold, stray pipes."""
    text = re.sub(r"</?b>", "", text)
    text = text.replace("**", "")
    return squash(clean_latex(text))


def _month_end(year: int, month: int) -> str:
    return month_end(year, month).isoformat()


def _prev_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def parse_deadline(text: str) -> Deadline:
    """Read a deadline cell or phrase: kind plus the date range it allows."""
    raw = squash(text)
    f = fold(raw)
    if not f:
        return Deadline(raw, "unspecified")
    # "Quý I/2026", "Quý II năm 2026", "Quí IV-2025" (as some offices spell it)
    m = re.search(r"qu[yi]\s*([ivx]+|[1-4])\s*[/\-]\s*(?:nam\s*)?(\d{4})|qu[yi]\s*([ivx]+|[1-4])\s+nam\s+(\d{4})", f)
    if m:
        q_raw = m.group(1) or m.group(3)
        year = int(m.group(2) or m.group(4))
        q = int(q_raw) if q_raw.isdigit() else roman_value(q_raw)
        if q in (1, 2, 3, 4):
            start = f"{year:04d}-{3 * q - 2:02d}-01"
            return Deadline(raw, "quarter", start, _month_end(year, 3 * q))
    m = re.search(r"(truoc|cham nhat|han chot)?\s*ngay\s*(\d{1,2})\s*(?:/|thang\s*)(\d{1,2})\s*(?:/|nam\s*)(\d{4})", f)
    if m:
        day, month, year = int(m.group(2)), int(m.group(3)), int(m.group(4))
        if 1 <= month <= 12 and 1 <= day <= 31:
            return Deadline(raw, "date", None, f"{year:04d}-{month:02d}-{min(day, month_end(year, month).day):02d}")
    if re.search(r"hang (thang|quy|nam|tuan)|dinh ky|moi (thang|quy|nam)|hang ngay|6 thang", f):
        return Deadline(raw, "recurring")
    m = re.search(r"(truoc)?\s*thang\s*(\d{1,2})\s*(?:/|nam\s*)(\d{4})", f)
    if m:
        month, year = int(m.group(2)), int(m.group(3))
        if 1 <= month <= 12:
            if m.group(1):  # "trước tháng 2/2026" -> by the end of January
                py, pm = _prev_month(year, month)
                return Deadline(raw, "month", None, _month_end(py, pm))
            return Deadline(raw, "month", f"{year:04d}-{month:02d}-01", _month_end(year, month))
    if "thuong xuyen" in f or "lien tuc" in f:
        return Deadline(raw, "continuous")
    if re.search(r"theo (huong dan|quy dinh|chi dao|ke hoach)|quy dinh cua|phan ky", f):
        m = re.search(r"(20\d\d)", f)
        if m:
            y = int(m.group(1))
            return Deadline(raw, "guidance", f"{y}-01-01", f"{y}-12-31")
        return Deadline(raw, "guidance")
    m = re.fullmatch(r"(?:(?:nam|giai doan|trong nam|cac nam)\s*)?(20\d\d)\s*-\s*(20\d\d)", f)
    if m and m.group(1) < m.group(2):
        # "Năm 2025-2026", "2026 - 2030": due by the end of the last year
        return Deadline(raw, "year", f"{m.group(1)}-01-01", f"{m.group(2)}-12-31")
    m = re.search(r"(?:nam|truoc nam|den nam|trong nam)\s*(20\d\d)", f) or re.fullmatch(r"(20\d\d)", f)
    if m:
        y = int(m.group(1))
        if f.startswith("truoc nam"):
            return Deadline(raw, "year", None, f"{y - 1}-12-31")
        return Deadline(raw, "year", f"{y}-01-01", f"{y}-12-31")
    return Deadline(raw, "unspecified")


_NUM = r"(\d+(?:[.,]\d+)?)"


def _num(s: str) -> float:
    return float(s.replace(",", "."))


def parse_value(text: str) -> tuple[str | None, float | None, float | None]:
    """Target value -> (op, low, high). '≥ 95%' -> ('>=', 95, None); '15-17%' -> ('range', 15, 17); 'Có' -> ('yes', ..)."""
    t = clean_latex(text)
    f = fold(t)
    if f in ("co", "x"):
        return "yes", None, None
    m = re.search(_NUM + r"\s*%?\s*[-–]\s*" + _NUM, t)
    if m:
        return "range", _num(m.group(1)), _num(m.group(2))
    m = re.search(r"(≥|>=|≤|<=|>|<)\s*" + _NUM, t)
    if m:
        op = {"≥": ">=", ">=": ">=", "≤": "<=", "<=": "<=", ">": ">", "<": "<"}[m.group(1)]
        return op, _num(m.group(2)), None
    m = re.search(r"(?:tu|it nhat|toi thieu)\s*" + _NUM + r".*tro len|(?:it nhat|toi thieu)\s*" + _NUM, f)
    if m:
        return ">=", _num(m.group(1) or m.group(2)), None
    m = re.search(r"(?:tren)\s*" + _NUM, f)
    if m:
        return ">", _num(m.group(1)), None
    m = re.search(_NUM, t)
    if m:
        return "=", _num(m.group(1)), None
    return None, None, None


_VALUE_IN_PROSE = (
    re.compile(r"(?:(?:≥|>=|>|≤|trên|tối thiểu|ít nhất|từ|đạt)\s*)*\d+(?:[.,]\d+)?\s*(?:[-–]\s*\d+(?:[.,]\d+)?\s*)?%"
               r"(?:[^,.;%]{0,25}?trở lên)?", re.IGNORECASE),
    re.compile(r"(?:≥|>=|>|≤)\s*\d+(?:[.,]\d+)?"),
    # "ít nhất 01 lớp" -> "ít nhất 01", "từ 20 doanh nghiệp trở lên" whole, a range "ít nhất 01 - 02" whole
    re.compile(r"(?:từ|ít nhất|tối thiểu)\s*\d+(?:[.,]\d+)?(?:\s*[-–]\s*\d+(?:[.,]\d+)?)?"
               r"(?:\s+[^\d,.;]{0,30}?trở lên)?"),
)


def value_in_prose(text: str) -> str | None:
    """The value phrase of a target written as prose ('... đạt từ 60% dân số trở lên' -> 'đạt từ 60% dân số trở lên')."""
    cleaned = clean_latex(text)
    for pattern in _VALUE_IN_PROSE:
        m = pattern.search(cleaned)
        if m:
            return squash(m.group(0))
    return None
