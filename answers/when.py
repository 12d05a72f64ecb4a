"""Time expressions in a question -> a typed window relative to a reference date ("today", passed in).

"quý III/2026" -> 2026-07-01..2026-09-30; "tháng này" -> the reference month; "trước tháng 9" -> ..08-31;
"quá hạn" -> deadlines ending before today; "sắp đến hạn" -> today..today+30. Works on folded text.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

UPCOMING_DAYS = 30
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


@dataclass(frozen=True)
class TimeWindow:
    """Deadlines whose end date falls in [start, end]; status narrows to overdue / not yet due."""
    start: date | None
    end: date | None
    label: str                  # Vietnamese, for the answer: "quý III/2026", "trước tháng 9/2026"
    status: str | None = None   # "overdue" | "pending" (not overdue yet) | "ask" (is it due?) | None

    @property
    def filters(self) -> bool:
        """Does it narrow a list (a range or a status), or only ask about one item's status?"""
        return self.status in ("overdue", "pending") or self.start is not None or self.end is not None

    def holds(self, due_end: date, today: date, due_start: date | None = None) -> bool:
        """A deadline allowing [due_start, due_end] is in the window when all of it is ("Năm 2026" is not
        "trong quý IV"; "Quý IV/2026" and "Trước tháng 2/2026" are)."""
        if self.status == "overdue" and not due_end < today:
            return False
        if self.status == "pending" and due_end < today:
            return False
        if self.start and (due_start or due_end) < self.start and self.status != "pending":
            return False
        if self.start and due_end < self.start:
            return False
        if self.end and due_end > self.end:
            return False
        return True


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _quarter(y: int, q: int) -> tuple[date, date]:
    return date(y, 3 * q - 2, 1), _month_end(y, 3 * q)


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


def read_window(f: str, today: date, year: int | None = None) -> tuple[TimeWindow | None, bool]:
    """(window, asks_remaining) from folded question text."""
    y = year or today.year
    status = None
    remaining = bool(re.search(r"con (bao lau|bao nhieu (thoi gian|ngay|thang|tuan)|may (ngay|thang|tuan))"
                               r"|bao lau nua|may ngay nua", f))
    if re.search(r"(qua|tre|het|lo|cham) (thoi )?han|cham tien do|bi (tre|cham)|da tre|tre tien do"
                 r"|da qua chua|qua chua", f) and not remaining:
        status = "overdue"
    elif re.search(r"chua (toi|den) (han|luc)|con han|chua qua han|chua het han|sap (den|toi|het) han"
                   r"|gan (den|toi) han|sap phai|con trong han", f):
        status = "pending"
    elif re.search(r"\bda (toi|den) (han |moc |luc )?chua\b|co (bi )?qua han khong|tinh den (hom nay|nay)|hom nay"
                   r"|\b(lan|ky|dot|hom)\b.{0,25}\b(toi|ke tiep|gan nhat|sap toi|tiep theo)\b|(ke tiep|tiep theo|gan nhat|sap toi)"
                   r"|\btoi day\b|tu nay|ke tu (hom nay|nay)", f):
        status = "ask"
    label_parts = []
    start = end = None
    m = re.search(r"quy\s*([ivx]+|[1-4])\b(?:\s*(?:/|nam)\s*(20\d\d))?", f)
    if m and not re.search(r"quy (nay|toi|sau)", f):
        qn = int(m.group(1)) if m.group(1).isdigit() else _ROMAN.get(m.group(1))
        if qn in (1, 2, 3, 4):
            qy = int(m.group(2)) if m.group(2) else y
            start, end = _quarter(qy, qn)
            label_parts.append(f"trong quý {['I', 'II', 'III', 'IV'][qn - 1]}/{qy}")
    elif re.search(r"quy (nay|hien tai)", f):
        qn = (today.month - 1) // 3 + 1
        start, end = _quarter(today.year, qn)
        label_parts.append(f"trong quý này (quý {['I', 'II', 'III', 'IV'][qn - 1]}/{today.year})")
    elif re.search(r"quy (toi|sau)", f):
        qn = (today.month - 1) // 3 + 2
        qy = today.year + (1 if qn > 4 else 0)
        qn = 1 if qn > 4 else qn
        start, end = _quarter(qy, qn)
        label_parts.append(f"trong quý tới (quý {['I', 'II', 'III', 'IV'][qn - 1]}/{qy})")
    elif re.search(r"thang (nay|hien tai)", f):
        start, end = date(today.year, today.month, 1), _month_end(today.year, today.month)
        label_parts.append(f"trong tháng này ({today.month}/{today.year})")
    elif re.search(r"thang (toi|sau)", f):
        ny, nm = _add_months(today.year, today.month, 1)
        start, end = date(ny, nm, 1), _month_end(ny, nm)
        label_parts.append(f"trong tháng tới ({nm}/{ny})")
    elif m := re.search(r"(truoc|den truoc)\s+thang\s*(\d{1,2})(?:\s*(?:/|nam)\s*(20\d\d))?", f):
        mo = int(m.group(2))
        if 1 <= mo <= 12:
            my = int(m.group(3)) if m.group(3) else y
            end = date(my, mo, 1) - timedelta(days=1)
            label_parts.append(f"trước tháng {mo}/{my}")
    elif m := re.search(r"trong (vong )?(\d{1,3}) ngay (toi|nua|sap toi)", f):
        start, end = today, today + timedelta(days=int(m.group(2)))
        label_parts.append(f"trong {m.group(2)} ngày tới")
    elif m := re.search(r"(?:trong|vao|het|cuoi)\s+thang\s*(\d{1,2})(?:\s*(?:/|nam)\s*(20\d\d))?", f):
        mo = int(m.group(1))
        if 1 <= mo <= 12:
            my = int(m.group(2)) if m.group(2) else y
            start, end = date(my, mo, 1), _month_end(my, mo)
            label_parts.append(f"trong tháng {mo}/{my}")
    elif re.search(r"nam nay|trong nam|cuoi nam|het nam", f) and status:
        start, end = date(today.year, 1, 1), date(today.year, 12, 31)
        label_parts.append(f"trong năm {today.year}")
    if status == "pending" and start is None and re.search(r"sap (den|toi|het) han|gan (den|toi) han|sap phai", f):
        start, end = today, today + timedelta(days=UPCOMING_DAYS)
        label_parts.append(f"trong {UPCOMING_DAYS} ngày tới")
    if status == "ask" and not label_parts:
        return TimeWindow(None, None, "", "ask"), remaining
    if status == "ask":
        status = None
    if not label_parts and status is None:
        return None, remaining
    label = " ".join(label_parts)
    if status == "overdue":
        label = ("đã quá hạn " + label).strip()
    elif status == "pending" and "ngày tới" not in label:
        label = ("chưa đến hạn " + label).strip()
    if status == "pending" and start is None and end is None:
        start = today
    return TimeWindow(start, end, label, status), remaining


def next_monthly(day: int, today: date) -> date:
    """The next 'trước ngày N hằng tháng' date on or after today."""
    y, m = today.year, today.month
    for _ in range(2):
        d = min(day, calendar.monthrange(y, m)[1])
        if date(y, m, d) >= today:
            return date(y, m, d)
        y, m = _add_months(y, m, 1)
    return date(y, m, min(day, calendar.monthrange(y, m)[1]))
