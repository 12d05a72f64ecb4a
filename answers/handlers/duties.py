"""What a unit must do: its duties in "Tổ chức thực hiện", the rows it leads, and other text naming it."""
from __future__ import annotations

from corpus.text import words

from answers.handlers import Ctx
from answers.query import UnitRef
from answers.records import Record


def duties_of(ctx: Ctx, units: list[UnitRef]) -> list[Record]:
    return [r for u in units for r in ctx.snap.of_kind("duty", {u.plan}) if ctx.snap.holds_unit(r, u)]


def led_by(ctx: Ctx, units: list[UnitRef]) -> list[Record]:
    return [r for u in units for kind in ("task", "target") for r in ctx.snap.of_kind(kind, {u.plan})
            if ctx.snap.holds_unit(r, u, "lead")]


def mentions(ctx: Ctx, units: list[UnitRef]) -> tuple[list[UnitRef], list[Record]]:
    """Prose and duties of other units that name the unit ("Chỉ đạo các Tổ công nghệ số cộng đồng ..."),
    in every plan of the scope; plans that only mention the unit are added to the unit list."""
    snap = ctx.snap
    names = set()
    for u in units:
        names |= {" ".join(words(a)) for g in snap.plans[u.plan].units.groups if g.canonical == u.name
                  for a in g.aliases}
    names = {n for n in names if len(n.split()) >= 2}
    own = {(u.plan, u.name) for u in units}
    out, extra = [], []
    scope = set(ctx.q.plans or snap.plans)     # other plans may name the unit without assigning it duties
    for r in snap.in_plans(scope, ("passage", "duty")):
        if r.kind == "duty" and (r.plan, snap.unit_of(r.plan, r.obj.unit)) in own:
            continue
        text = " " + " ".join(words(r.obj.text)) + " "
        if any(f" {n} " in text for n in names):
            out.append(r)
            if not any(u.plan == r.plan for u in units + extra):
                extra.append(UnitRef(r.plan, units[0].name, 0.5))
    return units + extra, out


def handle(ctx: Ctx):
    units = ctx.units
    if not units:
        return None
    all_units, other = mentions(ctx, units)
    return ctx.compose.duties(ctx.q, all_units, duties_of(ctx, units), led_by(ctx, units), other)


def coop_or_duties(ctx: Ctx):
    """"X phối hợp làm gì?" with nothing more specific: the rows X cooperates on, else X's own duties."""
    if not ctx.units or ctx.q.names_more_than("cooperation"):
        return None
    rows = [r for u in ctx.units for r in ctx.snap.of_kind("task", {u.plan}) if ctx.snap.holds_unit(r, u, "coop")]
    if rows:
        return ctx.compose.listing(ctx.q, rows, f"{ctx.units[0].name} phối hợp thực hiện")
    return handle(ctx)

