"""Deadlines against today: overdue, due soon, due in a window, time left, the next monthly report date."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from answers import evidence, rank
from answers.compose import vn_date
from answers.deadlines import MONTHLY, due_date, due_start, next_written_date, recurring_state, status
from answers.handlers import Ctx, fact, groups
from answers.records import Record
from corpus.text import fold


_PERIODS = (("month", MONTHLY), ("half", re.compile(r"\b(6|sáu) tháng\b", re.IGNORECASE)),
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
        state = recurring_state(r.obj.text, q.today)
        notes[id(r)] = f"— {state}." if state else ""
    return ctx.compose.schedule(q, items, notes, missing)


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


def due_in(r: Record, window, today: date) -> bool:
    """Does the record fall due in the time window (a TimeWindow) asked about?"""
    end = due_date(r)
    return end is not None and window.holds(end, today, due_start(r))


def one_item(ctx: Ctx, window=None):
    """'Is task X overdue?', 'how long is left for X?', 'when is the next report?': the best record + status. With a
    period said ("đề án nào tới hạn trong quý này"), only a record due in it."""
    q = ctx.q
    if q.wants("list") or (len([t for t in q.topic if "_" not in t]) < 2 and not q.focus):
        return None
    chosen = fact.focused(ctx)[0] if q.focus else []
    if not chosen:
        ranked = rank.best(ctx.snap, q, ctx.scope, ["task", "target", "duty", "passage"])
        ok = [(s, r) for s, r in ranked if s >= rank.MIN_COVERAGE and evidence.check(ctx.snap, q, r)]
        if window is not None:
            ok = [(s, r) for s, r in ok if due_in(r, window, q.today)]
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
        # "đề án nào tới hạn trong quý này": an item asked by its kind, with a named period (not a state asked, "đã
        # quá hạn chưa", nor today's date said, "giữa tháng 4 rồi"), is one due in that period
        period = window if q.which_item and window is not None and window.status is None and window.start \
            and window.end else None
        ans = one_item(ctx, period)
        if ans is not None:
            return ans
    items = _candidates(ctx)
    if not items:
        return None
    label = window.label if window else "kèm tình trạng hạn"
    picked = [r for r in items if window is None or due_in(r, window, q.today)]
    notes = {id(r): status(r, q.today) for r in items}
    when = f" (tính đến ngày {vn_date(q.today)})"
    if picked:
        return ctx.compose.listing(q, picked, label + when, notes)
    head = ctx.compose.listing_empty(q, label + when, "chỉ tiêu" if q.about == "target" else "nhiệm vụ",
                                     sorted({r.plan for r in items})).text
    whose = f"của {ctx.units[0].name}" if ctx.units else "liên quan"
    beside = ctx.compose.listing(q, items, f"{whose}, kèm tình trạng hạn", notes, head=head + "\n")
    # a period named ("quý III/2026", "tháng 9") in which the plans set nothing: they give no task for it (kind none),
    # and the items beside are what they do say; "is anything overdue?" answered "no" is an answer (a list)
    named = window is not None and window.status is None and window.start and window.end \
        and window.start != q.today
    return replace(beside, kind="none") if named else beside

