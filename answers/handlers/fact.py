"""One fact: who leads, who cooperates, by when, how much, which KPI or product — checked against the evidence."""
from __future__ import annotations

from dataclasses import replace

from answers import arbiter, evidence, rank
from answers.deadlines import status
from answers.handlers import Ctx
from answers.handlers.lists import inline_items, list_around
from answers.records import Found
from index.text import terms

_WHAT = {"contact": "thông tin liên hệ (điện thoại, email, địa chỉ, trang web)", "money": "số tiền, kinh phí cụ thể",
         "headcount": "số người, số cán bộ được bố trí", "hours": "giờ làm việc, giờ tiếp dân",
         "achieved": "kết quả đã đạt được trên thực tế (kế hoạch chỉ nêu mục tiêu và nhiệm vụ)",
         "calendar": "ngày tổ chức sự kiện này",
         "quantity": "số đo (chiều dài, diện tích, khối lượng, công suất)", "penalty": "hình thức xử lý, kỷ luật",
         "opinion": "ý kiến, đánh giá", "person": "họ tên người đang giữ chức vụ này"}


def kinds_for(ctx: Ctx) -> list[str]:
    q = ctx.q
    if q.wants("subtasks"):
        return ["task"]
    if q.wants("owner", "coop", "deadline", "kpi", "product"):
        return ["task", "target", "duty", "passage"]
    if q.wants("value"):
        return ["target", "task", "passage"]
    return ["task", "target", "duty", "passage"]


def what_missing(ctx: Ctx) -> str:
    q = ctx.q
    for f in ("contact", "money", "headcount", "hours", "person", "calendar", "quantity", "achieved", "penalty",
              "opinion"):
        if f in q.foreign:
            return _WHAT[f]
    if "number" in q.expects:
        return "con số được hỏi"
    if "date" in q.expects:
        return "thời điểm được hỏi"
    return "nội dung được hỏi"


def focused(ctx: Ctx) -> tuple[list[Found], list]:
    """The records a follow-up question is about ("Hạn khi nào?"): those that hold what it asks, and all."""
    at = ctx.snap.at_lines(ctx.q.focus)
    recs = [r for r in at if r.kind != "passage"] or at
    ok = [r for r in recs if evidence.check(ctx.snap, ctx.q, r)]
    seen, out = set(), []
    for r in ok:
        if r.plan not in seen:
            seen.add(r.plan)
            out.append(Found(1.0, r))
    return out, recs


def handle(ctx: Ctx):
    q, snap = ctx.q, ctx.snap
    if q.focus:
        chosen, about = focused(ctx)
        if chosen:
            return ctx.compose.fact(q, chosen)
        if about and q.wants("deadline", "owner", "coop", "value", "kpi", "product"):
            # "Hạn khi nào?" about a duty with no deadline: say so, rather than quote another record's
            return ctx.compose.not_stated(q, what_missing(ctx), about[:1])
    ranked = rank.best(snap, q, ctx.scope, kinds_for(ctx))
    dense = snap.index.dense is not None
    if not ranked or ranked[0][0] < arbiter.lowest(dense):
        return None
    # below MIN_COVERAGE the rule says no, and only the arbiter may answer
    floor = rank.MIN_COVERAGE if ranked[0][0] >= rank.MIN_COVERAGE else arbiter.FLOOR
    verdicts = {id(r): evidence.assess(snap, q, r) for s, r in ranked if s >= floor}
    ok = [(s, r) for s, r in ranked if id(r) in verdicts and verdicts[id(r)].ok]
    ok = without_repeats_of_clashing_targets(ranked, ok, verdicts)
    answer, p = arbiter.decide(snap, q, ranked, verdicts, ok, dense)
    if not answer:
        if ranked[0][0] < rank.MIN_COVERAGE:
            return None     # as little in common as nothing: the next steps may still answer
        return shown(ctx.compose.not_stated(q, what_missing(ctx), [ranked[0][1]]), verdicts.get(id(ranked[0][1])), p)
    if not arbiter.rule_answers(ranked, ok):
        ok = [(s, r) for s, r in ranked if id(r) in verdicts]   # the arbiter overruled the checks' doubts
    chosen = rank.per_plan(ok)
    return shown(_answer(ctx, chosen), verdicts.get(id(chosen[0].record)), p)


def about_a_record(ctx: Ctx):
    """For a question whose words also ask about the plan itself: the record's answer when the record itself
    (not its plan's title) holds two of the question's content words or more; else None. A question naming a
    document number asks about that document, unless it asks a state ("kế hoạch 57 … lẽ ra phải ban hành lúc
    nào, chậm chưa?": the plan's own issuing is a row's)."""
    state = ctx.q.window is not None and ctx.q.window.status is not None
    if ctx.q.doc_refs and not state:
        return None
    ans = handle(ctx)
    if ans is None or ans.kind in ("none", "error") or not ans.sources:
        return None
    src = ans.sources[0]
    recs = ctx.snap.at_lines([(ctx.snap.by_file.get(src.file), src.lines[0])])
    # a state asked ("lẽ ra phải ban hành lúc nào, chậm chưa?") is a dated row's: one word of its own ties it
    least = 1 if state and recs and recs[0].kind == "task" else 2
    if not recs or len(evidence.own_words(ctx.snap, ctx.q, recs[0])) < least:
        return None
    return ans


def shown(ans, verdict, arbiter_p: float | None = None):
    """The answer with the verdict on its main record and the arbiter's probability that answering is right,
    for `ask --json` (evidence)."""
    if ans is None or verdict is None:
        return ans
    said = verdict.to_json()
    if arbiter_p is not None:
        said["arbiter"] = round(arbiter_p, 3)
    return replace(ans, evidence=said)


def _answer(ctx: Ctx, chosen):
    q, snap = ctx.q, ctx.snap
    top = chosen[0].record
    if q.wants("list") and top.kind == "task":
        # "những hệ thống nào …": all sub-rows of the task the question names
        rows = [r for r in snap.of_kind("task", {top.plan}) if r.obj.task == top.obj.task and r.obj.group == top.obj.group]
        if len(rows) > 1:
            label = f"thuộc nhiệm vụ “{top.obj.task.split('. ', 1)[-1][:120]}”"
            return ctx.compose.listing(q, rows, f"con (tiểu nhiệm vụ) {label}" if q.wants("subtasks") else label)
    around = list_around(ctx, top) if len(chosen) == 1 and top.kind == "passage" else None
    if around and around[0] is top and q.wants("duties"):
        # "Bí thư, Chủ tịch UBND cấp xã phải làm gì?": the duties the lead-in naming them introduces, not the
        # name itself among the lead-in's addressees
        return ctx.compose.whole_list(q, *around)
    if len(chosen) == 1 and top.kind == "passage" and (inline := inline_items(ctx, top)):
        return ctx.compose.inline_list(q, top, *inline)
    if len(chosen) == 1 and top.kind == "passage":
        # "trường hợp nào thì … bị cảnh báo đỏ?": an item that matched only by its lead-in stands for the list
        if around and (top is around[0] or q.wants("list") or evidence.said_by_lead_in(
                snap, q, top, around[0].obj.text if around[0] else top.section.split(" > ")[-1])):
            return ctx.compose.whole_list(q, *around)
        if (section := named_section(ctx, top)) is not None:
            return ctx.compose.whole_list(q, None, section)
    if q.remaining or (q.window is not None and q.window.status is not None):
        # "… mốc là gì, giờ đã trễ chưa?", "… bây giờ còn trong hạn không?": the record's deadline with its state
        # against today
        return ctx.compose.fact(q, chosen, {id(f.record): f"— {status(f.record, q.today)}." for f in chosen})
    return ctx.compose.fact(q, chosen)


def without_repeats_of_clashing_targets(ranked, ok, verdicts):
    """A target the question qualifies otherwise ("OCOP 5 sao" against "OCOP ứng dụng công nghệ số"), sets for
    another year ("… đến 2030" against the 2026 figure) or does not cover is not the answer, and neither is the
    passage that holds the same lines: it says the same thing. The verdicts (evidence.assess) hold the tests."""
    clashing = [(r.plan, r.first_line, r.last_line) for s, r in ranked
                if r.kind == "target" and id(r) in verdicts
                and {"qualifier", "year", "coverage"} & set(verdicts[id(r)].failed)]
    if not clashing:
        return ok
    return [(s, r) for s, r in ok if r.kind != "passage" or not any(
        r.plan == plan and r.first_line <= last and first <= r.last_line for plan, first, last in clashing)]


def named_section(ctx: Ctx, r) -> list | None:
    """"Mục đích của kế hoạch là gì?": when the question names the passage's own short section, the answer
    is the whole section, not its best paragraph."""
    title = r.section.split(" > ")[-1]
    topic = [t for t in ctx.q.topic if t in ctx.snap.idf]
    if not title or not topic or ctx.snap.coverage(topic, frozenset(terms(title))) < 0.8:
        return None
    items = sorted((x for x in ctx.snap.of_kind("passage", {r.plan}) if x.section == r.section),
                   key=lambda x: x.first_line)
    return items if 2 <= len(items) <= 12 else None


def nearest_none(ctx: Ctx):
    """A question about something plans never state: say so, with the nearest thing they do say; unless a
    record does state it (a plan giving its monitoring website's address)."""
    for r in evidence.stating_the_foreign_fact(ctx.snap, ctx.q, ctx.scope)[:1]:
        verdict = evidence.assess(ctx.snap, ctx.q, r)
        if verdict.ok:
            return shown(ctx.compose.fact(ctx.q, [Found(1.0, r)]), verdict)
    ranked = rank.best(ctx.snap, ctx.q, ctx.scope, kinds_for(ctx))
    near = [r for s, r in ranked[:1] if s >= rank.MIN_COVERAGE]
    return ctx.compose.not_stated(ctx.q, what_missing(ctx), near)

