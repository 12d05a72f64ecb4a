"""How many: targets or tasks of a plan, of a named group, or of a unit; a declared number that differs is shown."""
from __future__ import annotations

from answers.handlers import Ctx, groups


def handle(ctx: Ctx):
    q, snap = ctx.q, ctx.snap
    if "count" not in q.asks:
        return None
    kind = "target" if q.about == "target" else "task"
    rows = []
    for slug in ctx.scope:
        recs = snap.of_kind(kind, {slug})
        if not recs and kind == "task" and q.about is None:
            recs = snap.of_kind("target", {slug})
        if not recs:
            continue
        label, declared, declared_src = "", None, None
        units = [u for u in ctx.units if u.plan == slug]
        if units:
            role = "coop" if q.role == "coop" else "lead"
            recs = [r for r in recs if any(snap.holds_unit(r, u, role) for u in units)]
            label = f"do {units[0].name} {'phối hợp' if role == 'coop' else 'chủ trì'}"
        else:
            group, recs = groups.pick(ctx, recs)
            if not recs:
                continue
            if group is None and groups.specific_topic(ctx):
                label = "liên quan"
            if group is not None:
                label = f"trong nhóm “{groups.group_name(group)}”"
                m = groups.DECLARED.search(group)
                if m:
                    declared = m.group(1)
                    first = recs[0]
                    declared_src = ctx.compose.line_source(slug, first.section, first.first_line,
                                                           first.first_line, group)
        rows.append((slug, label, recs, declared, declared_src))
    if not rows:
        return None
    return ctx.compose.counts(q, rows)
