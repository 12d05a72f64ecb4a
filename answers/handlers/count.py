"""How many: targets or tasks of a plan, of a named group, or of a unit; a declared number that differs is shown."""
from __future__ import annotations

import re

from answers.handlers import Ctx, duties, groups, lists
from answers.records import DECLARED, Record, group_name


def prose_items(ctx: Ctx, slug: str) -> tuple[str, list[Record]] | None:
    """A lead-in list or a section the question names better than any table row."""
    score, lead = lists.best_lead_in(ctx, {slug})
    if lead is not None and score >= 0.7 and (around := lists.list_around(ctx, lead)) and around[1]:
        return f"trong mục “{lists.short_title(lead.obj.text)}”", around[1]
    score, items = lists.best_section(ctx, {slug})
    if score >= 1.0 and items:
        return f"trong mục “{lists.short_title(items[0].section.split(' > ')[-1])}”", items
    return None


_NOUN = {"target": "chỉ tiêu", "task": "nhiệm vụ"}


def declared_above(ctx: Ctx, slug: str, recs: list[Record]) -> tuple[str, int] | None:
    """A number the plan declares just above its table or list: "Nội dung chỉ tiêu … (54 chỉ tiêu)"."""
    first = min(recs, key=lambda r: r.first_line)
    noun = _NOUN.get(first.kind)
    if noun is None:
        return None
    lines = ctx.snap.plans[slug].lines
    pattern = re.compile(rf"(?:\(|\bgồm\s+|\bcó\s+)(\d{{1,3}})\s+{noun}\b", re.IGNORECASE)
    for no in range(first.first_line - 1, max(0, first.first_line - 8), -1):
        if no <= len(lines) and (m := pattern.search(lines[no - 1])):
            return m.group(1), no
    return None


def handle(ctx: Ctx):
    q, snap = ctx.q, ctx.snap
    if "count" not in q.asks or q.wants("list_units"):
        return None     # "bao nhiêu đơn vị được phân công": the units are counted (lists.assigned_units), not rows
    kind = "target" if q.about == "target" else "task"
    rows = []
    for slug in ctx.scope:
        recs = snap.of_kind(kind, {slug})
        if not recs and kind == "task" and q.about is None:
            recs = snap.of_kind("target", {slug})
        if not recs and not ctx.units and (prose := prose_items(ctx, slug)):
            rows.append((slug, prose[0], prose[1], None, None))   # a plan that lists its tasks as prose
            continue
        if not recs:
            continue
        label, declared, declared_src = "", None, None
        if q.year and recs[0].kind == "target" and len({r.obj.year for r in recs}) > 1:
            recs = [r for r in recs if r.obj.year == q.year]       # "đến hết năm 2025" of a plan with two horizons
            label = f"đặt cho năm {q.year}"
            if not recs:
                continue
        units = [u for u in ctx.units if u.plan == slug]
        if units:
            role = "coop" if q.role == "coop" else "lead"
            recs = [r for r in recs if any(snap.holds_unit(r, u, role) for u in units)]
            label = f"do {units[0].name} {'phối hợp' if role == 'coop' else 'chủ trì'}"
            if not recs and duties.duties_of(ctx, units):
                continue    # "Trạm Y tế phải lo mấy việc?" of a unit the plan assigns in prose: its duties say
        else:
            every = recs
            # "cả bốn nhóm cộng lại": every group, whatever words name them; "tất cả" with words that pick no
            # group and cover no row ("dự kiến", "để chuẩn bị báo cáo"): the whole too
            whole = q.whole == "across" and not q.group_ref
            group, recs = (None, recs) if whole else groups.pick(ctx, recs)
            if group is None and not recs and q.whole == "total":
                recs, whole = every, True
            prose = prose_items(ctx, slug) if group is None and not whole else None
            if prose and recs and {r.section for r in prose[1]} & {r.section for r in recs}:
                prose = None        # the title lines above a table are not what it lists
            if prose:                       # "Mục 2 … có mấy nội dung?": the items of a section or lead-in
                rows.append((slug, prose[0], prose[1], None, None))
                continue
            if not recs:
                continue
            if group is None and groups.specific_topic(ctx) and not whole and len(recs) < len(every):
                label = "liên quan"     # a topic that every row shares narrows nothing: the whole is counted
            if group is not None:
                label = f"trong nhóm “{group_name(group)}”"
                m = DECLARED.search(group)
                if m:
                    declared = m.group(1)
                    first = recs[0]
                    declared_src = ctx.compose.line_source(slug, first.section, first.first_line,
                                                           first.first_line, group)
        if not units and not label and declared is None and (above := declared_above(ctx, slug, recs)):
            declared, line = above
            declared_src = ctx.compose.line_source(slug, recs[0].section, line, line,
                                                   ctx.snap.plans[slug].lines[line - 1].strip(" |"))
        rows.append((slug, label, recs, declared, declared_src))
    if not rows:
        return None
    return ctx.compose.counts(q, rows)
