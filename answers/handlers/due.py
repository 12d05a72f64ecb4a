"""Deadlines against today: overdue, due soon, due in a window, time left, the next monthly report date."""
from __future__ import annotations

import re
from datetime import date

from answers import evidence, rank
from answers.compose import vn_date
from answers.handlers import Ctx, fact, groups
from answers.records import CITED, Record
from answers.when import next_monthly
from corpus.text import fold
from corpus.values import parse_deadline

_NO_DATE = {"continuous": "thường xuyên", "guidance": "theo hướng dẫn/quy định", "recurring": "định kỳ",
            "unspecified": "không ghi mốc cụ thể"}
_MONTHLY = re.compile(r"trước ngày\s+(\d{1,2})\s+(?:hằng|hàng|mỗi)\s+tháng", re.IGNORECASE)


def due_date(r: Record) -> date | None:
    o = r.obj
    if r.kind == "target":
        return date(o.year, 12, 31) if o.year else None
    d = getattr(o, "deadline", None)
    if d is None and r.kind in ("duty", "passage"):
        # "hoàn thành trước ngày 31/3/2026" written in prose; a cited document's date is none
        d = parse_deadline(CITED.sub(" ", o.text))
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
    m = _MONTHLY.search(text)
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


_PERIODS = (("month", _MONTHLY), ("half", re.compile(r"\b(6|sáu) tháng\b", re.IGNORECASE)),
            ("quarter", re.compile(r"\b(hằng|hàng|mỗi) quý\b", re.IGNORECASE)),
            ("year", re.compile(r"\b(hằng|hàng|mỗi) năm\b", re.IGNORECASE)))
_PERIOD_NAMES = {"month": "hằng tháng", "half": "định kỳ 6 tháng", "quarter": "hằng quý", "year": "hằng năm"}


def report_period(text: str) -> str | None:
    """The period of a report a duty sets with the day it is due ("báo cáo … trước ngày 20 hằng tháng": month;
    "định kỳ 6 tháng báo cáo … trước ngày 25 tháng 5 và trước ngày 10 tháng 11": half), or None."""
    # a day written for it at all (the next one after any date will do)
    if not re.search(r"báo cáo", text, re.IGNORECASE) or next_written_date(text, date(2000, 1, 1)) is None:
        return None
    return next((name for name, pattern in _PERIODS if pattern.search(text)), None)


def reports(ctx: Ctx):
    """"Kỳ nộp báo cáo tháng tới là ngày nào?": the plans' periodic reports (who sends to whom by which day), each
    with its next date from today. A unit the question names keeps the reports it sends or receives (none of
    them: not this step); the question's content words must stand in the report (its evidence score); a
    period no plan sets is answered "không có", with the reports they do set."""
    q, snap = ctx.q, ctx.snap
    if q.report is None or not q.wants("deadline"):
        return None
    items, seen, period = [], set(), {}
    for r in (r for kind in ("duty", "passage") for r in snap.of_kind(kind, set(ctx.scope))):
        if (r.plan, r.first_line) not in seen and (p := report_period(r.obj.text)):   # a duty, not its passage again
            items.append(r)
            seen.add((r.plan, r.first_line))
            period[id(r)] = p
    if not items:
        return None
    if ctx.units:
        names = [fold(u.name) for u in ctx.units]
        items = [r for r in items if any(snap.holds_unit(r, u) for u in ctx.units)
                 or any(n in fold(r.obj.text) for n in names)]
    # the question's content words stand in the report: the whole check, or its coverage alone (a word the
    # question adds around them, "các đơn vị phải nộp", is no other report)
    items = [r for r in items if (v := evidence.assess(snap, q, r)).ok or v.score >= evidence.COVER_MIN]
    if not items:
        return None
    missing = ""
    if q.report != "any":
        same = [r for r in items if period[id(r)] == q.report]
        if not same:
            missing = _PERIOD_NAMES[q.report]
        items = same or items
    # "tháng kế tiếp", "nửa năm tới đây" name the next report, not a period to look in: the next date from today
    notes = {}
    for r in items:
        nxt = next_written_date(r.obj.text, q.today)
        notes[id(r)] = f"— kỳ tới: {vn_date(nxt)} ({_days_left(nxt, q.today)})." if nxt else ""
    return ctx.compose.schedule(q, items, notes, missing)


def _days_left(day: date, today: date) -> str:
    return f"còn {(day - today).days} ngày, tính từ {vn_date(today)}"


def status(r: Record, today: date) -> str:
    """'đã quá hạn …' / 'chưa quá hạn, còn N ngày …' / why it has no due date."""
    text = r.obj.text if r.kind in ("duty", "passage") else ""
    nxt = next_written_date(text, today) if text else None
    if nxt:
        return f"kỳ tới: {vn_date(nxt)}, chưa đến hạn ({_days_left(nxt, today)})"
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


def _candidates(ctx: Ctx) -> list[Record]:
    snap, q = ctx.snap, ctx.q
    kinds = ("target",) if q.about == "target" else ("task",) if q.about == "task" else ("task", "target")
    out = [r for k in kinds for r in snap.of_kind(k, set(ctx.scope))]
    units = ctx.units
    if units:
        role = "coop" if q.role == "coop" else "lead"
        out = [r for r in out if any(snap.holds_unit(r, u, role) for u in units)]
        # a unit's duties with a date of their own ("hoàn thành trước ngày 31/3/2026") count too
        out += [r for r in snap.of_kind("duty", set(ctx.scope)) if any(snap.holds_unit(r, u) for u in units)
                and (due_date(r) is not None or not out)]
    topic = groups.specific_topic(ctx)
    group, grouped = groups.pick(ctx, out) if (q.group_ref or topic) else (None, out)
    if group is not None:
        return grouped
    if q.year:      # "các chỉ tiêu mốc đến hết năm 2025"
        out = [r for r in out if r.kind != "target" or r.obj.year == q.year] or out
    if topic and not units:
        about = [r for r in out if ctx.snap.coverage(topic, r.terms) >= 0.4]
        # a topic no row carries ("các chỉ tiêu cụ thể", "mốc") leaves the question about all of them
        return about or (out if q.about else [])
    return out


def one_item(ctx: Ctx):
    """'Is task X overdue?', 'how long is left for X?', 'when is the next report?': the best record + status."""
    q = ctx.q
    if q.wants("list") or (len([t for t in q.topic if "_" not in t]) < 2 and not q.focus):
        return None
    chosen = fact.focused(ctx)[0] if q.focus else []
    if not chosen:
        ranked = rank.best(ctx.snap, q, ctx.scope, ["task", "target", "duty", "passage"])
        ok = [(s, r) for s, r in ranked if s >= rank.MIN_COVERAGE and evidence.check(ctx.snap, q, r)]
        if not ok:
            return None
        chosen = rank.per_plan(ok)[:3]
    notes = {id(f.record): f"— {status(f.record, q.today)}." for f in chosen}
    return ctx.compose.fact(q, chosen, notes)


def handle(ctx: Ctx):
    q = ctx.q
    if q.window is None and not q.remaining:
        return None
    window = q.window if q.window is not None and q.window.filters else None
    # "phải xong những việc gì trong quý này", "mấy việc phải xong trong tháng 3": the period's items, as a list,
    # not the one best record
    if window is None or not (q.wants("list", "count") or (q.wants("duties") and window.start is not None)):
        ans = one_item(ctx)
        if ans is not None:
            return ans
    items = _candidates(ctx)
    if not items:
        return None
    label = window.label if window else "kèm tình trạng hạn"
    picked = [r for r in items if window is None or ((end := due_date(r)) is not None
                                                     and window.holds(end, q.today, due_start(r)))]
    notes = {id(r): status(r, q.today) for r in items}
    when = f" (tính đến ngày {vn_date(q.today)})"
    if picked:
        return ctx.compose.listing(q, picked, label + when, notes)
    head = ctx.compose.listing_empty(q, label + when, "chỉ tiêu" if q.about == "target" else "nhiệm vụ",
                                     sorted({r.plan for r in items})).text
    whose = f"của {ctx.units[0].name}" if ctx.units else "liên quan"
    return ctx.compose.listing(q, items, f"{whose}, kèm tình trạng hạn", notes, head=head + "\n")

