"""Deadlines against today: overdue, due soon, due in a window, time left, the next monthly report date."""
from __future__ import annotations

import re
from datetime import date

from answers import evidence, rank
from answers.compose import vn_date
from answers.handlers import Ctx
from answers.records import Found, Record
from answers.when import next_monthly

_NO_DATE = {"continuous": "thường xuyên", "guidance": "theo hướng dẫn/quy định", "recurring": "định kỳ",
            "unspecified": "không ghi mốc cụ thể"}
_MONTHLY = re.compile(r"trước ngày\s+(\d{1,2})\s+(?:hằng|hàng|mỗi)\s+tháng", re.IGNORECASE)


def due_date(r: Record) -> date | None:
    o = r.obj
    if r.kind == "target":
        return date(o.year, 12, 31) if o.year else None
    d = getattr(o, "deadline", None)
    if d is None or not d.end or d.kind in ("continuous", "recurring"):
        return None
    if d.kind == "guidance" and not re.search(r"20\d\d", d.text):
        return None
    return date.fromisoformat(d.end)


def status(r: Record, today: date) -> str:
    """'đã quá hạn …' / 'chưa đến hạn, còn N ngày …' / why it has no due date."""
    end = due_date(r)
    text = r.obj.text if r.kind in ("duty", "passage") else ""
    m = _MONTHLY.search(text)
    if m:
        nxt = next_monthly(int(m.group(1)), today)
        return f"kỳ tới: {vn_date(nxt)} (ngày {int(m.group(1))} hằng tháng; tính từ {vn_date(today)})"
    if end is None:
        d = getattr(r.obj, "deadline", None)
        kind = d.kind if d else "unspecified"
        return f"không có hạn cụ thể (“{_NO_DATE.get(kind, 'không ghi')}”) nên không tính là quá hạn"
    days = (end - today).days
    if days < 0:
        return f"đã quá hạn {-days} ngày (hạn cuối {vn_date(end)}; tính đến {vn_date(today)})"
    months = round(days / 30.4)
    about = f", khoảng {months} tháng" if months >= 1 else ""
    return f"chưa đến hạn, còn {days} ngày{about} (hạn cuối {vn_date(end)}; tính từ {vn_date(today)})"


def _candidates(ctx: Ctx) -> list[Record]:
    snap, q = ctx.snap, ctx.q
    kinds = ("target",) if q.about == "target" else ("task",) if q.about == "task" else ("task", "target")
    out = [r for k in kinds for r in snap.of_kind(k, set(ctx.scope))]
    units = ctx.units
    if units:
        role = "coop" if q.role == "coop" else "lead"
        out = [r for r in out if any(snap.holds_unit(r, u, role) for u in units)]
        if not out:
            out = [r for r in snap.of_kind("duty", set(ctx.scope)) if any(snap.holds_unit(r, u) for u in units)]
    return out


def handle(ctx: Ctx):
    q = ctx.q
    if q.window is None and not q.remaining:
        return None
    list_mode = bool(ctx.units) or q.wants("list") or len([t for t in q.topic if "_" not in t]) < 2
    if not list_mode:
        ranked = rank.best(ctx.snap, q, ctx.scope, ["task", "target", "duty", "passage"])
        ok = [(s, r) for s, r in ranked if s >= rank.MIN_COVERAGE and evidence.check(ctx.snap, q, r)]
        if ok:
            chosen = rank.per_plan(ok, q.plans)[:3]
            notes = {id(f.record): f"— {status(f.record, q.today)}." for f in chosen}
            return ctx.compose.fact(q, chosen, notes)
    items = _candidates(ctx)
    if not items:
        return None
    window = q.window
    label = window.label if window else "còn thời hạn"
    picked = [r for r in items if window is None or ((end := due_date(r)) is not None and window.holds(end, q.today))]
    notes = {id(r): status(r, q.today) for r in items}
    when = f" (tính đến ngày {vn_date(q.today)})"
    if picked:
        return ctx.compose.listing(q, picked, label + when, notes)
    head = ctx.compose.listing_empty(q, label + when, "chỉ tiêu" if q.about == "target" else "nhiệm vụ",
                                     sorted({r.plan for r in items})).text
    whose = f"của {ctx.units[0].name}" if ctx.units else "liên quan"
    return ctx.compose.listing(q, items, f"{whose}, kèm tình trạng hạn", notes, head=head + "\n")


__all__ = ["handle", "status", "due_date", "Found"]
