"""The answer service: read the question once, route it to the handler of what it asks, catch errors as kind "error"."""
from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from answers import rank
from answers.compose import ERROR_TEXT, Composer
from answers.export import ExportResult, export_rows
from answers.handlers import Ctx, compare, count, due, duties, fact, lists, metadata
from answers.library import PlanLibrary
from answers.types import Answer, ChatContext, DueTask, IndexInfo, IngestReport, PlanInfo, Source

log = logging.getLogger(__name__)
# the records of a list answer a follow-up may point at by their place ("cái thứ hai", "việc cuối cùng")
MAX_ITEMS = 30


def route(ctx: Ctx) -> Answer:
    q, c = ctx.q, ctx.compose
    if q.empty or q.greeting:
        return Answer(q.raw, "none", c.help_text(greeting=q.greeting))
    if q.offtopic:
        return Answer(q.raw, "none", c.not_found())
    if q.unknown_place and not q.plans:
        return c.unknown_place(q)
    if q.compare is not None and (ans := compare.handle(ctx)) is not None:
        return ans          # one indicator across plans (issue 23)
    if q.foreign & {"reason", "compare", "opinion", "achieved"}:
        return fact.nearest_none(ctx)
    if q.meta:
        # "… với sự phối hợp của cơ quan nào?", "… giữ chức năng gì …", "… sẽ ban hành khi nào?": words that also
        # ask about the plan itself, in a question about a row or passage the plans hold
        if q.wants("owner", "coop", "deadline", "value", "kpi", "product", "duties"):
            ans = fact.about_a_record(ctx)
            if ans is not None:
                return ans
        ans = metadata.handle(ctx)
        if ans is not None:
            return ans
    if "person" in q.foreign:
        return metadata.person(ctx) or fact.nearest_none(ctx)
    if q.foreign:
        return fact.handle(ctx) or fact.nearest_none(ctx)
    unit_duties = (q.wants("duties") and ctx.units and not q.wants("deadline", "value", "owner", "count")
                   and q.role is None and q.about != "target" and q.window is None)
    steps = []
    if q.wants("subtasks"):
        steps.append(fact.handle)
    if q.role == "coop" and q.wants("duties") and ctx.units and not q.wants("list", "count", "deadline", "value"):
        steps.append(duties.coop_or_duties)
    # "mấy việc phải xong trong tháng 3": the tasks of the window, counted (the due list says how many)
    windowed_count = q.wants("count") and q.window is not None and q.window.filters
    if q.wants("count") and not windowed_count:
        steps.append(count.handle)
    if q.report is not None:
        steps.append(due.reports)
    if q.window is not None or q.remaining:
        steps.append(due.handle)
    if windowed_count:
        steps.append(count.handle)
    if q.wants("overview") or (not q.topic and not ctx.units and not q.wants("list")):
        steps.append(metadata.overview)
    # a unit no plan gives work to, asked for its work ("Sở Y tế Đồng Nai làm gì?", "… chủ trì việc nào?"; "được giao
    # chỉ tiêu gì": the targets given to it, asked without a figure); one a report is sent to is asked about no work
    given = q.wants("duties", "list") or q.role == "lead" or (q.about == "target" and q.wants("value")
                                                             and "number" not in q.expects)
    if q.unknown_unit and not ctx.units and given and "unit" not in q.expects \
            and q.report is None and q.window is None and not q.remaining:
        return c.unknown_unit(q, q.unknown_unit)
    # "chỉ tiêu nào … đạt bao nhiêu" asks one figure, unless a unit's rows are asked ("p KT giữ chỉ tiêu nào, mức
    # bn?": the unit's targets, each with its figure)
    named = any(u.score >= 1 for u in q.units)
    if q.wants("list") and not unit_duties and not ("number" in q.expects and not q.wants("count") and not named
                                                    and not q.asks_roll):
        steps.append(lists.handle)
    if unit_duties:
        steps.append(duties.handle)
    about_something = bool(q.topic or ctx.units)
    if about_something:
        steps.append(fact.handle)
        if q.wants("duties"):
            steps.append(duties.handle)
    for step in steps:
        ans = step(ctx)
        if ans is not None:
            return ans
    # nothing to look for (no topic, no unit): say what can be asked
    return Answer(q.raw, "none", c.not_found(q.plans) if about_something else c.help_text())


class AssistantService:
    """Implements answers.protocol.Assistant."""

    def __init__(self, plans_dir: Path, data_dir: Path, embedder=None, vector_cache: Path | None = None):
        self.library = PlanLibrary(plans_dir, data_dir, embedder, vector_cache)

    # ------------------------------------------------------------------ protocol
    def ask(self, question: str, default_plan: str | None = None, today: date | None = None,
            context: ChatContext | None = None, now: float | None = None) -> Answer:
        """Answer one question. With the chat's context, a follow-up is read against the last answer; the
        returned Answer carries the context for the next question (answer.context)."""
        snap = self.library.snapshot
        now = time.time() if now is None else now
        try:
            q = snap.reader.read(question, today or date.today(), context, now)
            compose = Composer(snap.plans)
            if len(q.years) >= 2 and q.wants("value") and q.window is None and not q.compare and not q.follows:
                ans = self._per_year(snap, q, default_plan, compose)
            else:
                halves = snap.reader.two_asks(q) if q.window is None and not q.compare and not q.follows \
                    and (not q.wants("list") or q.wants("count")) else None
                ans = (halves and self._both_asks(snap, q, halves, default_plan, compose, now)) or \
                    route(Ctx(snap, q, rank.scope_of(snap, q, default_plan), compose))
            if q.assumed and ans.kind not in ("none", "error"):
                ans = replace(ans, text=f"({compose.assumption(q.assumed)})\n{ans.text}")
            if q.changes:
                ans = replace(ans, read_as=q.text, changes=q.changes)
            return replace(ans, context=self._next_context(snap, q, ans, context, now))
        except Exception:  # never a traceback to an official; the log keeps it
            log.exception("failed to answer %r", question[:200])
            return Answer(question, "error", ERROR_TEXT, context=context)

    @staticmethod
    def _per_year(snap, q, default_plan, compose: Composer) -> Answer:
        """"Mục tiêu 2025 bao nhiêu, 2030 bao nhiêu?": one answer per year, joined; "không có" only when no year
        is answered."""
        parts = [route(Ctx(snap, qy, rank.scope_of(snap, qy, default_plan), compose))
                 for qy in snap.reader.for_each_year(q)]
        found = [a for a in parts if a.kind not in ("none", "error")]
        if not found:
            return parts[0]
        return replace(found[0], question=q.raw, text="\n\n".join(a.text for a in found),
                       sources=tuple(s for a in found for s in a.sources))

    def _both_asks(self, snap, q, halves, default_plan, compose: Composer, now: float) -> Answer | None:
        """"X bao nhiêu, còn Y thì sao?", "X bao nhiêu, phòng nào theo dõi?": the first half answered, the second
        read as its follow-up (about what the first found, when it asks who / when of it); both said when each finds
        its own record, one answer asked both things when they are the same records, else None (the whole question
        is answered as one)."""
        # a unit the whole message does not ask about ("Em ở Công an xã, … mấy %, phòng nào theo dõi?": who asks)
        # is none of a half's either
        asked = {(u.plan, u.name) for u in q.units}
        first_q = snap.reader.read(halves[0], q.today, None, now)
        first_q = replace(first_q, units=tuple(u for u in first_q.units if (u.plan, u.name) in asked))
        first = route(Ctx(snap, first_q, rank.scope_of(snap, first_q, default_plan), compose))
        if first.kind in ("none", "error") or not first.sources:
            return None
        context = self._next_context(snap, first_q, first, None, now)
        second_q = snap.reader.read(halves[1], q.today, context, now)
        lines = {(s.file, s.lines[0]) for s in first.sources}
        second = None
        if halves[2] and context is not None and not first_q.wants("count", "list"):  # a count: many rows
            # "ai lo việc X, và mục tiêu bao nhiêu %?": first what the first ask found, then anywhere
            same_q = snap.reader.about_the_same(second_q, first_q, context)
            if same_q is not second_q:
                second = route(Ctx(snap, same_q, rank.scope_of(snap, same_q, default_plan), compose))
                if second.kind in ("none", "error"):
                    second = None
                elif {(s.file, s.lines[0]) for s in second.sources} == lines:
                    # the very records the first found: one answer about them, asked both things
                    both = replace(same_q, asks=first_q.asks | same_q.asks, expects=first_q.expects | same_q.expects)
                    whole = route(Ctx(snap, both, rank.scope_of(snap, both, default_plan), compose))
                    return replace(whole if whole.kind not in ("none", "error") else second, question=q.raw)
        second = second or route(Ctx(snap, second_q, rank.scope_of(snap, second_q, default_plan), compose))
        if second.kind in ("none", "error") or not second.sources or \
                {(s.file, s.lines[0]) for s in second.sources} == lines:
            return None
        return replace(first, question=q.raw, text=f"{first.text}\n\n{second.text}",
                       sources=first.sources + tuple(s for s in second.sources if (s.file, s.lines[0]) not in lines))

    @staticmethod
    def _next_context(snap, q, ans: Answer, old: ChatContext | None, now: float) -> ChatContext | None:
        if ans.kind in ("none", "error") and q.follows:
            return old              # a follow-up that found nothing leaves the conversation where it was
        if q.empty or q.greeting:
            return old
        by_file = snap.by_file
        cited = [(by_file[s.file], s.lines[0]) for s in ans.sources if s.file in by_file]
        plans = tuple(dict.fromkeys(p for p, _ in cited)) or tuple(q.plans)
        first = ans.sources[0] if ans.sources else None
        label = f"{first.locality}; {first.snippet[:90].rstrip()}…" if first else ", ".join(plans)
        units = tuple((u.plan, u.name, u.score) for u in q.units if u.plan in plans or not plans)
        if not units and cited:
            # "Đơn vị này …" after an answer that named the unit leading the cited rows (one unit for all of them:
            # after a list of rows led by several, "cái thứ hai?" is about the second row, whoever leads it)
            rows = [(plan, next((r for r in snap.at_lines([(plan, line)])
                                 if r.kind in ("task", "target") and r.obj.lead), None)) for plan, line in cited]
            leads = {(plan, snap.unit_of(plan, row.obj.lead[0]) or row.obj.lead[0]) for plan, row in rows if row}
            if len(leads) == 1 and rows[0][1] is not None:
                units = ((*leads.pop(), 1.0),)
        return ChatContext(question=q.base, plans=plans, units=units, items=tuple(cited[:MAX_ITEMS]), label=label,
                           at=now)

    def plans(self) -> list[PlanInfo]:
        return self.library.plans()

    def resolve_unit(self, text: str) -> str | None:
        snap = self.library.snapshot
        q = snap.reader.read(text, date.today())
        return q.units[0].name if q.units else None

    def due_tasks(self, unit: str, today: date, within_days: int = 7) -> list[DueTask]:
        snap = self.library.snapshot
        compose = Composer(snap.plans)
        out = []
        for r in self.library.tasks_due(unit, today + timedelta(days=within_days)):
            t = r.obj
            out.append(DueTask(snap.plans[r.plan].parsed.plan.name, unit, t.subtask or t.task, t.deadline.text,
                               t.deadline.end, compose.source(r)))
        return sorted(out, key=lambda d: d.due)

    def export_rows(self, unit: str, plan: str | None = None) -> ExportResult:
        return export_rows([pd.parsed for pd in self.library.snapshot.plans.values()], unit, plan)

    def alignment(self, name: str = "", default_plan: str | None = None):
        """/doi_chieu: answers.align.AlignResult for the plan a user names (or the chat's plan, or every plan
        that has a higher plan among the loaded ones)."""
        from answers.align import align_named
        return align_named(self.library.snapshot, name, default_plan)

    def add_plan_file(self, path: Path) -> IngestReport:
        return self.library.add_plan_file(path)

    def remove_plan(self, slug: str) -> bool:
        return self.library.remove_plan(slug)

    def cited_lines(self, src: Source) -> str:
        return self.library.snapshot.cited_lines(src.file, *src.lines) or src.snippet

    def index_info(self) -> IndexInfo:
        snap = self.library.snapshot
        return IndexInfo(plans=len(snap.plans), records=len(snap.all_records), dense=snap.index.dense is not None)

    # ------------------------------------------------------------------ for the CLI and tests
    @property
    def last_ingest(self):
        return self.library.last_ingest

    @property
    def index(self):
        return self.library.snapshot.index


def build_assistant(plans_dir: Path, data_dir: Path, embedder=None, vector_cache: Path | None = None) -> AssistantService:
    return AssistantService(Path(plans_dir), Path(data_dir), embedder, vector_cache)
