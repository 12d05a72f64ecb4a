"""One indicator across plans: rank the plans on it, compare two plans or the communes with the province, say
which plans set it, and list what a plan lacks of the targets another (higher) plan sets."""
from __future__ import annotations

from dataclasses import dataclass, replace

from answers import evidence, indicators, rank
from answers.compose import short
from answers.handlers import Ctx
from answers.plan_refs import level_rank as plan_level_rank
from answers.records import Record
from answers.types import Answer

ANCHOR_DEPTH = 8            # the ranked targets tried as the question's indicator (evidence decides)
NOT_SET = "không đặt chỉ tiêu này"
SAME_WORDING = 0.9         # a plan's target worded otherwise than the anchor is quoted beside its value
WHICH_PLAN = ("Bạn hỏi kế hoạch của xã, phường nào? Hãy nêu tên, ví dụ: “{example}”, hoặc chọn kế hoạch mặc định "
              "bằng lệnh /ke_hoach.")
RELATION = {"higher": "cao hơn", "lower": "thấp hơn", "equal": "bằng", "incomparable": "không so được với"}


@dataclass(frozen=True)
class Row:
    """One plan's line: its counterpart of the indicator (None: not set), and its other years' targets."""
    plan: str
    cp: indicators.Counterpart | None
    extra: tuple[Record, ...] = ()

    @property
    def record(self) -> Record | None:
        return self.cp.other if self.cp is not None else None

    @property
    def bounds(self) -> indicators.Bounds | None:
        return indicators.bounds_of(self.record) if self.record is not None else None


def handle(ctx: Ctx) -> Answer | None:
    q = ctx.q
    if q.compare == "missing":
        return missing(ctx)
    plans = plans_compared(ctx)
    anchor, verdict = _anchor(ctx, plans)
    if anchor is None:
        return None
    rows = [_row(ctx, anchor, slug) for slug in plans]
    if sum(r.record is not None for r in rows) == 0:
        return None
    if q.compare == "which_plans":
        ans = _which(ctx, anchor, rows)
    elif q.compare in ("rank_high", "rank_low"):
        ans = _ranking(ctx, anchor, rows, high=q.compare == "rank_high")
    else:
        ans = _comparison(ctx, anchor, rows)
    return replace(ans, evidence=verdict.to_json()) if verdict is not None else ans


# ---------------------------------------------------------------------------------------------- which plans

def level_rank(ctx: Ctx, slug: str) -> int:
    """A commune's plan is checked against its province's, a province's against the nation's (plan_refs)."""
    return plan_level_rank(ctx.snap.plans[slug].parsed.plan)


def of_levels(ctx: Ctx, levels) -> list[str]:
    """The plans of these levels; "xã" is the commune level, wards ("phường") included, as in "cấp xã"."""
    wanted = set(levels) | ({"phường"} if "xã" in levels else set())
    return [s for s, pd in sorted(ctx.snap.plans.items()) if pd.parsed.plan.level in wanted]


def plans_compared(ctx: Ctx) -> list[str]:
    """The plans named, with those of the levels named beside them ("… so với tỉnh"); else the plans of the
    levels named ("các xã"); else every plan."""
    q, snap = ctx.q, ctx.snap
    of_levels_named = of_levels(ctx, q.compare_levels)
    plans = list(q.plans) + [s for s in of_levels_named if s not in q.plans] if q.plans else of_levels_named
    return plans if len(plans) >= 2 else sorted(snap.plans)


def _anchor(ctx: Ctx, plans: list[str]):
    """The target the question is about: the best-ranked one in these plans that the evidence check accepts."""
    ranked = rank.best(ctx.snap, ctx.q, plans, ["target"])
    for score, r in ranked[:ANCHOR_DEPTH]:
        if score < rank.MIN_COVERAGE:
            break
        verdict = evidence.assess(ctx.snap, ctx.q, r)
        if verdict.ok:
            return r, verdict
    return None, None


def _row(ctx: Ctx, anchor: Record, slug: str) -> Row:
    """The plan's target for the anchor's indicator; of several years, the one of the year asked, else the one
    nearest the anchor's year; the others are shown beside it."""
    found = indicators.matches_in_plan(ctx.snap, anchor, slug)
    if not found:
        return Row(slug, None)
    year = ctx.q.year or anchor.obj.year or 0
    found.sort(key=lambda c: (abs((c.other.obj.year or year) - year), not c.sure, -c.score))
    return Row(slug, found[0], tuple(c.other for c in found[1:]))


# ---------------------------------------------------------------------------------------------- answers

def _ranking(ctx: Ctx, anchor: Record, rows: list[Row], high: bool) -> Answer:
    ranked, unsure, apart, absent = _split(rows, anchor)
    groups = _tiers(ranked, high)
    lines = []
    if groups:
        first = groups[0]
        word = "Cao nhất" if high else "Thấp nhất"
        value = _tier_value(first)
        if len(first) > 1:
            lines.append(f"{word}: ngang nhau giữa {_names(ctx, first)} ({value}).")
        else:
            lines.append(f"{word}: {_name(ctx, first[0].plan)} ({value}).")
    lines.append(f"Chỉ tiêu “{short(_title(rows, anchor), 150)}” — xếp từ {'cao đến thấp' if high else 'thấp đến cao'}:")
    for n, tier in enumerate(groups, start=1):
        for row in tier:
            tie = " (ngang nhau)" if len(tier) > 1 else ""
            lines.append(f"{n}. {_line(ctx, anchor, row)}{tie}")
    lines += _tail(ctx, anchor, unsure, apart, absent)
    return _answer(ctx, "target", lines, _cited(rows))


def _comparison(ctx: Ctx, anchor: Record, rows: list[Row]) -> Answer:
    ranked, unsure, apart, absent = _split(rows, anchor)
    lines = [f"So sánh chỉ tiêu “{short(_title(rows, anchor), 150)}”:"]
    ref = _reference(ctx, ranked)
    if ref is not None:
        # the communes against their province: each line says where it stands
        ordered = [ref] + [r for r in ranked if r is not ref]
        for row in ordered:
            note = "" if row is ref else f" — {RELATION[indicators.compare_bounds(row.bounds, ref.bounds)]} " \
                                         f"{ctx.snap.plans[ref.plan].parsed.plan.locality or _name(ctx, ref.plan)}"
            lines.append(f"• {_line(ctx, anchor, row)}{note}")
        if len(ordered) > 1 and all(indicators.compare_bounds(r.bounds, ref.bounds) == "equal" for r in ordered):
            lines.append(f"Các kế hoạch đặt bằng nhau ({_tier_value(ordered)}).")
    else:
        tiers = _tiers(ranked, True)
        for tier in tiers:
            for row in tier:
                lines.append(f"• {_line(ctx, anchor, row)}")
        if len(ranked) == 2:
            a, b = ranked
            rel = indicators.compare_bounds(a.bounds, b.bounds)
            if rel == "equal":
                lines.append(f"{_name(ctx, a.plan)} và {_name(ctx, b.plan)} đặt bằng nhau.")
            elif rel == "incomparable":
                lines.append(f"Hai giá trị không so được trực tiếp với nhau.")
            else:
                hi, lo = (a, b) if rel == "higher" else (b, a)
                lines.append(f"{_name(ctx, hi.plan)} đặt cao hơn {_name(ctx, lo.plan)}.")
        elif len(tiers) == 1 and len(ranked) > 2:
            lines.append(f"Các kế hoạch đặt bằng nhau ({_tier_value(ranked)}).")
    lines += _tail(ctx, anchor, unsure, apart, absent)
    return _answer(ctx, "target", lines, _cited(rows))


def _which(ctx: Ctx, anchor: Record, rows: list[Row]) -> Answer:
    setting = [r for r in rows if r.record is not None and r.cp.sure]
    unsure = [r for r in rows if r.record is not None and not r.cp.sure]
    absent = [r for r in rows if r.record is None]
    lines = [f"Có {len(setting)} kế hoạch đặt chỉ tiêu “{short(_title(rows, anchor), 150)}”:"]
    lines += [f"• {_line(ctx, anchor, r)}" for r in setting]
    lines += _tail(ctx, anchor, unsure, [], absent)
    return _answer(ctx, "list", lines, _cited(rows))


def missing(ctx: Ctx) -> Answer | None:
    """The targets of the reference plans (the province's, or the plans named with it) that the plan named
    lacks, the ones it may set in other words, and the ones it sets lower."""
    q, snap = ctx.q, ctx.snap
    named = [s for s in q.plans if s in snap.plans] or (ctx.scope if len(ctx.scope) == 1 else [])
    if not named:       # "xã mình" with no plan chosen: ask which one
        return _answer(ctx, "none", [WHICH_PLAN.format(example=_example(ctx))], [])
    subject = min(named, key=lambda s: (level_rank(ctx, s), named.index(s)))
    refs = [s for s in named if s != subject]
    own = level_rank(ctx, subject)
    refs += [s for s in of_levels(ctx, q.compare_levels) if level_rank(ctx, s) != own and s not in refs and s != subject]
    if not refs:
        above = sorted((level_rank(ctx, s), s) for s in snap.plans if level_rank(ctx, s) > level_rank(ctx, subject))
        refs = [s for lvl, s in above if lvl == above[0][0]] if above else []
    if not refs:
        return None
    lacking, unsure, lower, cited = [], [], [], []
    for ref in refs:
        for t in snap.of_kind("target", {ref}):
            cp = indicators.counterpart(snap, t, subject)
            if cp.other is None:
                lacking.append(t)
            elif not cp.sure:
                unsure.append(cp)
            elif (a := indicators.bounds_of(cp.other)) and (b := indicators.bounds_of(t)) \
                    and indicators.compare_bounds(a, b) == "lower":
                lower.append(cp)
    who, against = _name(ctx, subject), ", ".join(_name(ctx, s) for s in refs)
    lines = [f"So với {against}, {who}:"]
    if lacking:
        lines.append(f"Không đặt {len(lacking)} chỉ tiêu:")
        lines += [f"• {_bare(ctx, t)}" for t in lacking]
        cited += lacking
    else:
        lines.append("Đặt đủ các chỉ tiêu (theo cách so khớp chỉ tiêu).")
    if unsure:
        lines.append(f"Có thể tương ứng (cần xem lại, {len(unsure)}):")
        for cp in unsure:
            lines.append(f"• {_bare(ctx, cp.target)} ~ {who}: {_bare(ctx, cp.other, name=False)}")
            cited += [cp.target, cp.other]
    if lower:
        lines.append(f"Đặt thấp hơn ({len(lower)}):")
        for cp in lower:
            lines.append(f"• {_bare(ctx, cp.other, name=False)} — thấp hơn {_value(cp.target)} "
                         f"({_where(ctx, cp.target)})")
            cited += [cp.other, cp.target]
    return _answer(ctx, "list", lines, _unique(cited))


# ---------------------------------------------------------------------------------------------- pieces

def _example(ctx: Ctx) -> str:
    lowest = min(ctx.snap.plans, key=lambda s: (level_rank(ctx, s), s), default=None)
    name = ctx.snap.plans[lowest].parsed.plan.name if lowest else "Kế hoạch xã …"
    return f"{name} còn thiếu chỉ tiêu nào tỉnh đặt ra?"


def _title(rows: list[Row], anchor: Record) -> str:
    """The indicator's wording for the answer's head: the one most plans use, else the shortest, preferring a
    wording that does not hold its value."""
    records = [r.record for r in rows if r.record is not None and r.cp.sure] or [anchor]
    wordings = [indicators.wording(r) for r in records]
    return min(wordings, key=lambda w: (any(ch.isdigit() for ch in w), -wordings.count(w), len(w)))


def _tier_value(tier: list[Row]) -> str:
    """A tier's common value; its year only when all rows share it."""
    years = {r.record.obj.year for r in tier}
    return _value(tier[0].record, year=len(years) == 1)


def _split(rows: list[Row], anchor: Record):
    """(comparable sure rows, unsure rows, sure rows whose value is missing or in another measure, absent)."""
    measure = indicators.measure_of(anchor)
    ranked, unsure, apart, absent = [], [], [], []
    for r in rows:
        if r.record is None:
            absent.append(r)
        elif not r.cp.sure:
            unsure.append(r)
        elif r.bounds is None or r.bounds.measure != measure:
            apart.append(r)
        else:
            ranked.append(r)
    return ranked, unsure, apart, absent


def _tiers(rows: list[Row], high: bool) -> list[list[Row]]:
    """Rows in order, equal values together; an incomparable pair ("15–17%" / "16%") keeps its own tier."""
    key = (lambda r: _key(r.bounds)) if high else (lambda r: tuple(-x for x in _key(r.bounds)))
    ordered = sorted(rows, key=key, reverse=True)
    tiers: list[list[Row]] = []
    for r in ordered:
        if tiers and indicators.compare_bounds(r.bounds, tiers[-1][0].bounds) == "equal":
            tiers[-1].append(r)
        else:
            tiers.append([r])
    return tiers


def _key(b: indicators.Bounds) -> tuple[float, float, float]:
    low = b.low if b.low is not None else float("-inf")
    high = b.high if b.high is not None else (100.0 if b.measure == "percent" else float("inf"))
    return (low, 1.0 if b.strict else 0.0, high)


def _reference(ctx: Ctx, ranked: list[Row]) -> Row | None:
    """The one plan of a higher level than all the others (the province among communes), if any."""
    if len(ranked) < 2:
        return None
    top = max(level_rank(ctx, r.plan) for r in ranked)
    at_top = [r for r in ranked if level_rank(ctx, r.plan) == top]
    return at_top[0] if len(at_top) == 1 and top > min(level_rank(ctx, r.plan) for r in ranked) else None


def _tail(ctx: Ctx, anchor: Record, unsure, apart, absent) -> list[str]:
    lines = []
    for r in apart:
        why = "không ghi giá trị" if r.bounds is None else "đơn vị đo khác, không so được"
        lines.append(f"• {_line(ctx, anchor, r)} ({why})")
    for r in unsure:
        lines.append(f"• Có thể tương ứng: {_line(ctx, anchor, r, wording=True)}")
    if absent:
        lines.append(f"{NOT_SET[0].upper()}{NOT_SET[1:]}: {_names(ctx, absent)}.")
    return lines


def _line(ctx: Ctx, anchor: Record, row: Row, wording: bool = False) -> str:
    r = row.record
    text = f"{_name(ctx, row.plan)}: {_value(r)}"
    if wording or indicators.word_overlap(ctx.snap, anchor, r) < SAME_WORDING:
        text += f" — “{short(r.obj.text, 120)}”"
    text += f" ({_where(ctx, r)})"
    for other in row.extra:
        text += f"; {_value(other)} ({_where(ctx, other)})"
    return text


def _bare(ctx: Ctx, r: Record, name: bool = True) -> str:
    return f"“{short(r.obj.text, 140)}”: {_value(r)} ({_where(ctx, r)})"


def _value(r: Record, year: bool = True) -> str:
    o = r.obj
    value = o.value_text or "(không ghi giá trị)"
    if o.unit_of_measure and o.unit_of_measure != "%" and o.unit_of_measure not in value:
        value += f" {o.unit_of_measure}"
    return value + (f", năm {o.year}" if o.year and year else "")


def _where(ctx: Ctx, r: Record) -> str:
    page = getattr(r.obj, "page", None)
    if page:
        return f"trang {page}"
    return f"dòng {r.first_line}" if r.first_line == r.last_line else f"dòng {r.first_line}–{r.last_line}"


def _name(ctx: Ctx, slug: str) -> str:
    return ctx.snap.plans[slug].parsed.plan.name


def _names(ctx: Ctx, rows) -> str:
    return ", ".join(_name(ctx, r.plan) for r in rows)


def _unique(records):
    seen, out = set(), []
    for r in records:
        if id(r) not in seen:
            seen.add(id(r))
            out.append(r)
    return out


def _cited(rows: list[Row]) -> list[Record]:
    return _unique([x for r in rows if r.record is not None for x in (r.record, *r.extra)])


def _answer(ctx: Ctx, kind: str, lines: list[str], cited: list[Record]) -> Answer:
    """Every line the answer quotes is a source."""
    ans = ctx.compose.lines_answer(ctx.q, kind, [("\n".join(lines), [])])
    return replace(ans, sources=tuple(ctx.compose.source(r) for r in cited))
