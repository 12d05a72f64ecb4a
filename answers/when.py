"""Time expressions in a question -> a typed window relative to a reference date ("today", passed in).

"quý III/2026" -> 2026-07-01..2026-09-30; "tháng này" -> the reference month; "trước tháng 9" -> ..08-31;
"quá hạn" -> deadlines ending before today; "sắp đến hạn" -> today..today+30. Works on folded text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from corpus.text import month_end, roman_value

UPCOMING_DAYS = 30
# A deadline closing in a window falls due in it when it spans at most this many windows (in calendar months):
# a month holds a quarter, six months hold a year, a quarter does not hold a year.
CLOSING_SPANS = 3


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
        # a window from today ("từ nay đến hết tháng 12", "trong 30 ngày tới") asks what must be done by its end:
        # every deadline closing in it, however long the work spans ("Năm 2026")
        if self.start and (due_start or due_end) < self.start and self.status != "pending" \
                and not self._closes_in_window(due_end, due_start) and self.start != today:
            return False
        if self.start and due_end < self.start:
            return False
        if self.end and due_end > self.end:
            return False
        return True

    def _closes_in_window(self, due_end: date, due_start: date | None) -> bool:
        """A deadline that closes in the window and spans at most CLOSING_SPANS windows falls due in it: a month
        asked ("việc nào phải xong trong tháng 6") holds "Quý II/2026"; "6 tháng cuối năm" holds "Năm 2026"; a
        quarter does not hold "Năm 2026" (a year's work is not due in one quarter), nor a month a year."""
        if not (self.start and self.end) or not self.start <= due_end <= self.end:
            return False
        return _months(due_start or due_end, due_end) <= CLOSING_SPANS * _months(self.start, self.end)


def _months(start: date, end: date) -> int:
    """Calendar months from start's to end's, both counted."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


# Lunar New Year's day (Tết Nguyên đán), 2025-2030.
_TET = (date(2025, 1, 29), date(2026, 2, 17), date(2027, 2, 6), date(2028, 1, 26), date(2029, 2, 13),
        date(2030, 2, 3))


def _quarter(y: int, q: int) -> tuple[date, date]:
    return date(y, 3 * q - 2, 1), month_end(y, 3 * q)


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


_QUARTERS = ["I", "II", "III", "IV"]
# words that make a named period a question about deadlines ("việc nào đến hạn trong tháng 9")
_DUE_WORDS = re.compile(r"(den|toi|het|dung) han|\bhan (chot |cuoi )?(trong|vao|la)|phai (xong|hoan thanh)"
                        r"|hoan thanh (trong|truoc|vao)|can xong")


def _quarter_label(y: int, q: int) -> str:
    return f"quý {_QUARTERS[q - 1]}/{y}"


def _day(day: str, month: str, year: str | None, default_year: int) -> date | None:
    """The date a question writes as "d/m" or "d/m/yyyy" (default_year when it gives none); None for no such day."""
    try:
        return date(int(year or default_year), int(month), int(day))
    except ValueError:
        return None


def _range(f: str, today: date, y: int, about_deadlines: bool) -> tuple[date | None, date | None, str] | None:
    """The period a folded question names, relative to today: (start, end, label), or None. Periods that are
    only a year or a month need words about deadlines or a status to count ("tháng 9" alone may be a date
    the question quotes)."""
    qnow = (today.month - 1) // 3 + 1
    # two quarters named together ("hạn quý III hoặc quý IV", "quý I và II"): from the first to the last
    if m := re.search(r"quy\s*([ivx]+|[1-4])\s*(?:hoac|va|den|toi|,|-)\s*(?:quy\s*)?([ivx]+|[1-4])\b"
                      r"(?:\s*(?:/|nam)\s*(20\d\d))?", f):
        a, b = (int(g) if g.isdigit() else roman_value(g) for g in m.group(1, 2))
        if a in (1, 2, 3, 4) and b in (1, 2, 3, 4) and a < b:
            qy = int(m.group(3)) if m.group(3) else y
            return (_quarter(qy, a)[0], _quarter(qy, b)[1],
                    f"trong {_quarter_label(qy, a)} và {_quarter_label(qy, b)}")
    # "trước Tết": before the next Lunar New Year's day (a calendar fact; the years the table holds)
    if re.search(r"\btruoc (ky nghi |dip )?tet\b", f):
        tet = next((d for d in _TET if d > today), None)
        if tet is not None:
            return None, tet - timedelta(days=1), f"trước Tết ({tet.day}/{tet.month}/{tet.year})"
    # "từ nay đến hết tháng 6": from today to the end of that month
    if m := re.search(r"tu (nay|bay gio|gio|hom nay|bua nay) (den|toi) (het |cuoi )?thang\s*(\d{1,2})\b", f):
        mo = int(m.group(4))
        if 1 <= mo <= 12:
            my = y if mo >= today.month or y != today.year else y + 1
            return today, month_end(my, mo), f"từ nay đến hết tháng {mo}/{my}"
    if m := re.search(r"quy\s*([ivx]+|[1-4])\b(?:\s*(?:/|nam)\s*(20\d\d))?", f):
        qn = int(m.group(1)) if m.group(1).isdigit() else roman_value(m.group(1))
        if qn in (1, 2, 3, 4):
            qy = int(m.group(2)) if m.group(2) else y
            return (*_quarter(qy, qn), f"trong {_quarter_label(qy, qn)}")
    # the first or last quarter of the year ("quý đầu năm", "quý cuối cùng"; not "quỹ đầu tư")
    if m := re.search(r"\bquy (dau|cuoi) (?:nam|cua nam|tien|cung)\b(?:\s*(?:/|nam)?\s*(20\d\d))?", f):
        qy = int(m.group(2)) if m.group(2) else y
        qn = 1 if m.group(1) == "dau" else 4
        return (*_quarter(qy, qn), f"trong {_quarter_label(qy, qn)}")
    for words_, step, said in (("nay|hien tai|dang chay|hien hanh|dang dien ra", 0, "quý này"),
                               ("toi|sau|ke tiep", 1, "quý tới"),
                               ("truoc|vua qua|vua roi|roi|vua khep lai|vua ket thuc|vua xong", -1, "quý trước")):
        # "ba tháng này": the quarter running now
        if re.search(rf"quy ({words_})\b", f) or (step == 0 and re.search(r"\b(ba|3) thang (nay|hien tai)\b", f)):
            qy, qm = _add_months(today.year, 3 * qnow - 2, 3 * step)
            qn = (qm - 1) // 3 + 1
            return (*_quarter(qy, qn), f"trong {said} ({_quarter_label(qy, qn)})")
    for words_, step, said in (("nay|hien tai", 0, "tháng này"), ("toi|sau|ke tiep", 1, "tháng tới"),
                               ("truoc|vua qua|vua roi|roi", -1, "tháng trước")):
        if re.search(rf"thang ({words_})\b", f):
            ny, nm = _add_months(today.year, today.month, step)
            return date(ny, nm, 1), month_end(ny, nm), f"trong {said} ({nm}/{ny})"
    if m := re.search(r"(truoc|den truoc)\s+ngay\s+(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*(20\d\d))?", f):
        if (day := _day(m.group(2), m.group(3), m.group(4), y)) is None:
            return None
        return None, day - timedelta(days=1), f"trước ngày {day.day}/{day.month}/{day.year}"
    if m := re.search(r"\b(sau|ke tu|tu)\s+(?:ngay|moc|moc ngay)?\s*(\d{1,2})\s*/\s*(\d{1,2})(?!\d)(?:\s*/\s*(20\d\d))?", f):
        # "sau (mốc|ngày) 30/9", "từ 1/10": from that day, to the end of the year when the question says so
        # ("… trước khi hết năm", "đến cuối năm") or to a day it names ("đến 15/12")
        if (day := _day(m.group(2), m.group(3), m.group(4), y)) is None:
            return None
        after = m.group(1) == "sau"
        start = day + timedelta(days=1) if after else day
        said = f"{'sau' if after else 'từ'} ngày {day.day}/{day.month}/{day.year}"
        rest = f[m.end():]
        if re.search(r"\b(?:den|toi|truoc khi|truoc)\s+(?:het|cuoi)\s+nam\b", rest):
            return start, date(start.year, 12, 31), f"{said} đến hết năm {start.year}"
        if e := re.search(r"\b(?:den|toi)\s+(?:ngay\s+)?(\d{1,2})\s*/\s*(\d{1,2})(?!\d)(?:\s*/\s*(20\d\d))?", rest):
            if (end := _day(e.group(1), e.group(2), e.group(3), start.year)) is None:
                return None
            if end >= start:
                return start, end, f"{said} đến ngày {end.day}/{end.month}/{end.year}"
        if after:
            return start, None, said
    if m := re.search(r"(truoc|den truoc)\s+thang\s*(\d{1,2})(?:\s*(?:/|nam)\s*(20\d\d))?", f):
        mo = int(m.group(2))
        if 1 <= mo <= 12:
            my = int(m.group(3)) if m.group(3) else y
            return None, date(my, mo, 1) - timedelta(days=1), f"trước tháng {mo}/{my}"
    if m := re.search(r"sau\s+thang\s*(\d{1,2})(?:\s*(?:/|nam)\s*(20\d\d))?", f):
        mo = int(m.group(1))
        if 1 <= mo <= 12:
            my = int(m.group(2)) if m.group(2) else y
            ny, nm = _add_months(my, mo, 1)
            return date(ny, nm, 1), None, f"sau tháng {mo}/{my}"
    if m := re.search(r"(?:tu\s+|\()thang\s*(\d{1,2})\s+(?:den|toi)\s+(?:het\s+)?thang\s*(\d{1,2})(?:\s*(?:/|nam)\s*(20\d\d))?", f):
        a, b = int(m.group(1)), int(m.group(2))
        if 1 <= a <= b <= 12:
            my = int(m.group(3)) if m.group(3) else y
            return date(my, a, 1), month_end(my, b), f"từ tháng {a} đến tháng {b}/{my}"
    if m := re.search(r"trong (vong )?(\d{1,3}) ngay (toi|nua|sap toi)", f):
        return today, today + timedelta(days=int(m.group(2))), f"trong {m.group(2)} ngày tới"
    if m := re.search(r"(?:trong|vao|het|cuoi)\s+thang\s*(\d{1,2})(?:\s*(?:/|nam)\s*(20\d\d))?", f) or (
            about_deadlines and re.search(r"\bthang\s*(\d{1,2})(?:\s*(?:/|nam)\s*(20\d\d))?", f)):
        mo = int(m.group(1))
        if 1 <= mo <= 12:
            my = int(m.group(2)) if m.group(2) else y
            return date(my, mo, 1), month_end(my, mo), f"trong tháng {mo}/{my}"
    if m := re.search(r"(6|sau) thang (dau|cuoi) nam|nua (dau|cuoi) nam", f):
        first = "dau" in m.group(0)
        return (date(y, 1, 1), date(y, 6, 30), f"trong 6 tháng đầu năm {y}") if first else (
            date(y, 7, 1), date(y, 12, 31), f"trong 6 tháng cuối năm {y}")
    if not about_deadlines:
        return None
    for words_, step in (("nay", 0), ("sau|toi", 1), ("truoc|ngoai", -1)):
        if re.search(rf"\bnam ({words_})\b", f):
            ny = today.year + step
            return date(ny, 1, 1), date(ny, 12, 31), f"trong năm {ny}"
    if re.search(r"\b(trong|het|cuoi) nam\b(?! nao)|\bnam 20\d\d\b", f):
        return date(y, 1, 1), date(y, 12, 31), f"trong năm {y}"
    return None


# an amount of time asked: "bao lâu", "bao nhiêu ngày", "mấy hôm", "mấy tuần"
_SPAN = r"(bao lau|bao nhieu (thoi gian|ngay|hom|bua|thang|tuan)|may (ngay|hom|bua|thang|tuan))\b"


def read_window(f: str, today: date, year: int | None = None) -> tuple[TimeWindow | None, bool]:
    """(window, asks_remaining) from folded question text."""
    y = year or today.year
    status = None
    # time left or time late: "còn (khoảng|được|dư) mấy hôm", "lố bao nhiêu ngày rồi", "trôi qua bao lâu",
    # "chậm bao nhiêu ngày so với mốc", "cách bữa nay bao lâu" (the status says which side of the deadline)
    remaining = bool(re.search(rf"\b(con|lo|tre|cham|qua|troi qua|dem ra|cach)\b( \w+){{0,3}} {_SPAN}"
                               rf"|{_SPAN} (nua|roi|con lai)\b"
                               r"|cach (hom nay|bua nay|nay|bay gio|gio)( con)? (bao lau|bao nhieu|may)"
                               # "đếm ngược", "số ngày còn lại"
                               r"|\bdem nguoc\b|\bso (ngay|thoi gian) con lai\b", f))
    # a yes/no question on an item's state ("trễ chưa", "đã quá hạn chưa", "có bị trễ hạn không", "còn kịp
    # không", "lỡ chưa", "trễ rồi hả"): its deadline against today, not the list of what is overdue
    yes_no = re.search(r"(qua|tre|het|lo|cham) (thoi )?(han|moc)( \w+){0,2} (chua|khong|ko)\b"
                       r"|da (qua|tre|lo|cham) (\w+ )?(chua|khong|ko|roi|r)\b|\b(qua|tre|lo|cham) (chua|roi|r)\b"
                       r"|tinh trang (hien nay|hien tai|bay gio|den nay|the nao)"
                       r"|con kip (khong|ko|chua|ha)\b|kip (han|tien do) (khong|ko|chua)\b"
                       # "đến nay có trễ không", "giờ có lố chưa", "có bị chậm tiến độ không"
                       r"|\bco (bi |dang (bi )?|tinh la |coi la )?(qua|tre|lo|cham)( (han|moc|hen|tien do))? (khong|ko|hong|k|chua)\b"
                       # "… mới là đúng hạn?", "còn đúng hạn không"
                       r"|\b(moi la|con|co) dung han\b"
                       # "tính là trễ hay chưa", "chậm hay không"
                       r"|\b(qua han|tre|lo|cham)( han| moc)? hay (chua|khong|ko)\b"
                       # "có đang chậm đề án bản sao số không": the item named between
                       r"|\bco dang (bi )?(qua|tre|lo|cham)\b( \w+){1,6} (khong|ko|hong|k)\b", f)
    if yes_no and not remaining:
        status = "ask"
    elif re.search(r"(qua|tre|het|lo|cham) (thoi )?(han|moc)|cham tien do|bi (tre|cham)|da tre|tre tien do"
                   r"|\b(lo|tre) (hen|moc)|\b(moc|han)\b( \w+){0,2} (da )?troi qua", f) and not remaining:
        status = "overdue"
    elif re.search(r"chua (toi|den) (han|luc)|con han|chua qua han|chua het han|sap (den|toi|het) han"
                   r"|gan (den|toi) han|sap phai|con trong han", f):
        status = "pending"
    elif re.search(r"\bda (toi|den) (han |moc |luc )?chua\b|co (bi )?qua han khong|tinh den (hom nay|nay)|hom nay"
                   r"|\b(lan|ky|dot|hom)\b.{0,25}\b(toi|ke tiep|gan nhat|sap toi|tiep theo)\b|(ke tiep|tiep theo|gan nhat|sap toi)"
                   r"|\btoi day\b|tu nay|ke tu (hom nay|nay)"
                   # "đã xong chưa?": a plan cannot say what was done; its deadline against today can
                   r"|\b(da )?(xong|hoan thanh) chua\b", f):
        status = "ask"
    label_parts = []
    start = end = None
    # "đã quá hạn chưa?" about the items of a period asks each one's state: the list with its state, not
    # only the overdue ones ("việc nào đến hạn trong năm 2026, đã quá hạn chưa?")
    asks_state = bool(re.search(r"(qua|tre|het) han (chua|khong)\b|qua chua|(da|co) (bi )?(qua|tre) han (chua|khong)", f))
    found = _range(f, today, y, status is not None or asks_state or bool(_DUE_WORDS.search(f)))
    if found is not None:
        start, end, text = found
        label_parts.append(text)
        # "đã quá hạn chưa" of a period's items asks each one's state; "sang tháng sau là hết hạn việc gì" of a
        # period still to come asks what falls due in it: neither keeps only what is overdue today
        if status == "overdue" and (asks_state or (start is not None and start > today)):
            status = None
    if status == "pending" and start is None and re.search(r"sap (den|toi|het) han|gan (den|toi) han|sap phai", f):
        start, end = today, today + timedelta(days=UPCOMING_DAYS)
        label_parts.append(f"trong {UPCOMING_DAYS} ngày tới")
    if status == "ask" and not label_parts:
        return TimeWindow(None, None, "", "ask"), remaining
    # with a period ("kế hoạch cho năm nay … giờ còn kịp không?") the state is still asked: "ask" stays
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
        d = min(day, month_end(y, m).day)
        if date(y, m, d) >= today:
            return date(y, m, d)
        y, m = _add_months(y, m, 1)
    return date(y, m, min(day, month_end(y, m).day))
