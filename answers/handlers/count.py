"""How many: targets or tasks of a plan, of a named group, or of a unit; a declared number that differs is shown."""
from __future__ import annotations

import re

from corpus.text import fold
from index.text import terms

from answers.handlers import Ctx
from answers.records import Record

_DECLARED = re.compile(r"\((\d{1,3})\)\s*:?\s*$")
_GENERIC = frozenset("ve phat trien linh vuc mang nhom muc phan cho trong cac cu the".split())


def _group_number(group: str) -> str | None:
    m = re.match(r"^\s*([IVX]+|\d+(?:\.\d+)*)[.\-)]", group)
    return m.group(1).lower() if m else None


def _groups(recs: list[Record]) -> dict[str, list[Record]]:
    out: dict[str, list[Record]] = {}
    for r in recs:
        out.setdefault(r.obj.group or "", []).append(r)
    return out


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
            topic = [t for t in q.topic if not set(t.split("_")) <= _GENERIC]
            groups = _groups(recs)
            pick = None
            if q.group_ref:
                pick = next((g for g in groups if _group_number(g) == q.group_ref), None)
            if pick is None and topic:
                scored = [(snap.coverage(topic, frozenset(terms(re.sub(r"^[\dIVX.\s\-)]+", "", g)))), g)
                          for g in groups if g]
                scored.sort(key=lambda x: -x[0])
                if scored and scored[0][0] >= 0.5:
                    pick = scored[0][1]
                elif len(ctx.scope) == 1 or scored and scored[0][0] > 0:
                    continue
            if pick is not None:
                recs = groups[pick]
                label = f"trong nhóm “{_DECLARED.sub('', pick).rstrip(' :')}”"
                m = _DECLARED.search(pick)
                if m:
                    declared = m.group(1)
                    first = recs[0]
                    declared_src = ctx.compose.line_source(slug, first.section, first.first_line,
                                                           first.first_line, pick)
        rows.append((slug, label, recs, declared, declared_src))
    if not rows:
        return None
    return ctx.compose.counts(q, rows)
