"""A record's due date and its state against today: the date a row or a piece of prose sets, the next date of a
recurring report, and "đã quá hạn … / chưa quá hạn, còn N ngày …"."""
from __future__ import annotations

import re
from datetime import date

from answers.compose import vn_date
from answers.records import CITED, Record
from answers.when import next_monthly
from corpus.text import month_end
from corpus.values import parse_deadline

_NO_DATE = {"continuous": "thường xuyên", "guidance": "theo hướng dẫn/quy định", "recurring": "định kỳ",
            "unspecified": "không ghi mốc cụ thể"}
# the time a piece of prose says its work is done by: "hoàn thành trong năm 2025", "hoàn thành trước quý II/2026"
_DONE_BY = re.compile(r"hoàn thành\s+(?:trong|trước|vào|chậm nhất|xong)?\s*(?:ngày|tháng|quý|năm)[^;.]{0,24}",
                      re.IGNORECASE)
MONTHLY = re.compile(r"trước ngày\s+(\d{1,2})\s+(?:hằng|hàng|mỗi)\s+tháng", re.IGNORECASE)


def due_date(r: Record) -> date | None:
    """The last day a record is due by: a target's year end, a row's deadline, the date prose gives; None for none."""
    o = r.obj
    if r.kind == "target":
        return date(o.year, 12, 31) if o.year else None
    d = getattr(o, "deadline", None)
    if d is None and r.kind in ("duty", "passage"):
        # "hoàn thành trước ngày 31/3/2026" written in prose; a cited document's date is none; a month, quarter
        # or year only where the prose says it is when the work is done ("hoàn thành trong năm 2025"), not a
        # year a target is set for ("đến năm 2030, đạt …")
        text = CITED.sub(" ", o.text)
        done = _DONE_BY.search(text)
        d = parse_deadline(done.group(0)) if done else None
        if d is None or d.kind not in ("date", "month", "quarter", "year"):
            d = parse_deadline(text)
            if d.kind != "date":
                return None
    if d is None or not d.end or d.kind not in ("date", "month", "quarter", "year"):
        return None     # "thường xuyên", "theo hướng dẫn", "phân kỳ …": no fixed date, never overdue
    return date.fromisoformat(d.end)


def due_start(r: Record) -> date | None:
    d = getattr(r.obj, "deadline", None)
    return date.fromisoformat(d.start) if d is not None and d.start else None


def next_written_date(text: str, today: date) -> date | None:
    """The next of the days a recurring duty names: 'trước ngày 25 hằng tháng', 'trước ngày 25/5 và 10/11'."""
    m = MONTHLY.search(text)
    if m:
        return next_monthly(int(m.group(1)), today)
    if not re.search(r"hằng năm|hàng năm|định kỳ|6 tháng|sáu tháng|hằng quý|mỗi năm", text, re.IGNORECASE):
        return None
    days = []
    pairs = re.findall(r"\b(\d{1,2})/(\d{1,2})\b(?!/\d)", text)
    pairs += re.findall(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\b(?!\s*(?:/|năm)\s*\d)", text, re.IGNORECASE)
    for d, mo in pairs:
        for y in (today.year, today.year + 1):
            try:
                days.append(date(y, int(mo), int(d)))
            except ValueError:
                pass
    upcoming = sorted(x for x in days if x >= today)
    return upcoming[0] if upcoming else None


def days_left(day: date, today: date) -> str:
    return f"còn {(day - today).days} ngày, tính từ {vn_date(today)}"


def this_months_day(text: str, today: date) -> date | None:
    """This month's date of a monthly duty ('trước ngày 20 hằng tháng' on 22/8: 20/8), None for other duties."""
    m = MONTHLY.search(text)
    return date(today.year, today.month, min(int(m.group(1)), month_end(today.year, today.month).day)) if m else None


def recurring_state(text: str, today: date) -> str | None:
    """A recurring duty against today: its next date, and this month's when that has passed already ("kỳ tháng
    8/2026 (20/8/2026) đã quá hạn 2 ngày nếu chưa nộp; kỳ tới: 20/9/2026 …"): people ask whether they are late for
    this month's report. None when the text sets no recurring date."""
    nxt = next_written_date(text, today)
    if nxt is None:
        return None
    this = this_months_day(text, today)
    if this is not None and this < today:
        return (f"kỳ tháng {today.month}/{today.year} (hạn {vn_date(this)}) đã quá hạn {(today - this).days} ngày nếu "
                f"chưa nộp; kỳ tới: {vn_date(nxt)} ({days_left(nxt, today)})")
    return f"kỳ tới: {vn_date(nxt)}, chưa đến hạn ({days_left(nxt, today)})"


def status(r: Record, today: date) -> str:
    """'đã quá hạn …' / 'chưa quá hạn, còn N ngày …' / why it has no due date."""
    text = r.obj.text if r.kind in ("duty", "passage") else ""
    recurring = recurring_state(text, today) if text else None
    if recurring:
        return recurring
    end = due_date(r)
    if end is None:
        d = getattr(r.obj, "deadline", None)
        kind = d.kind if d else "unspecified"
        written = f"“{d.text}”" if d and d.text else f"“{_NO_DATE.get(kind, 'không ghi')}”"
        return f"không có thời hạn cụ thể ({written}) nên không bị tính quá hạn (chưa quá hạn)"
    when = f"hạn cuối năm {end.year}" if r.kind == "target" else f"hạn cuối {vn_date(end)}"
    days = (end - today).days
    if days < 0:
        return f"đã quá hạn {-days} ngày ({when}; tính đến {vn_date(today)})"
    months = round(days / 30.4)
    about = f", khoảng {months} tháng" if months >= 1 else ""
    return f"chưa quá hạn, còn {days} ngày{about} nữa mới đến hạn ({when}; tính từ {vn_date(today)})"
