"""The answer service: read the question once, route it to the handler of what it asks, catch errors as kind "error"."""
from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

from answers import rank
from answers.compose import ERROR_TEXT, Composer
from answers.export import ExportResult, export_rows
from answers.handlers import Ctx, count, due, duties, fact, lists, metadata
from answers.library import PlanLibrary
from answers.types import Answer, DueTask, IndexInfo, IngestReport, PlanInfo, Source

log = logging.getLogger(__name__)


def route(ctx: Ctx) -> Answer:
    q, c = ctx.q, ctx.compose
    if q.empty or q.greeting:
        return Answer(q.raw, "none", c.help_text(greeting=q.greeting))
    if q.offtopic:
        return Answer(q.raw, "none", c.not_found())
    if q.unknown_place and not q.plans:
        return c.unknown_place(q)
    if q.meta:
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
    if q.wants("count"):
        steps.append(count.handle)
    if q.window is not None or q.remaining:
        steps.append(due.handle)
    if q.wants("overview") or (not q.topic and not ctx.units and not q.wants("list")):
        steps.append(metadata.overview)
    if q.unknown_unit and not ctx.units and q.wants("duties", "list", "owner"):
        return c.unknown_unit(q, q.unknown_unit)
    if q.wants("list") and not unit_duties and not ("number" in q.expects and not q.wants("count")):
        steps.append(lists.handle)
    if unit_duties:
        steps.append(duties.handle)
    if not q.topic and not ctx.units:
        return next((a for a in (s(ctx) for s in steps) if a is not None), None) or Answer(q.raw, "none", c.help_text())
    steps.append(fact.handle)
    if q.wants("duties"):
        steps.append(duties.handle)
    for step in steps:
        ans = step(ctx)
        if ans is not None:
            return ans
    return Answer(q.raw, "none", c.not_found())


class AssistantService:
    """Implements answers.protocol.Assistant."""

    def __init__(self, plans_dir: Path, data_dir: Path, embedder=None, vector_cache: Path | None = None):
        self.library = PlanLibrary(plans_dir, data_dir, embedder, vector_cache)

    # ------------------------------------------------------------------ protocol
    def ask(self, question: str, default_plan: str | None = None, today: date | None = None) -> Answer:
        snap = self.library.snapshot
        try:
            q = snap.reader.read(question, today or date.today())
            ctx = Ctx(snap, q, rank.scope_of(snap, q, default_plan), Composer(snap.plans))
            return route(ctx)
        except Exception:  # never a traceback to an official; the log keeps it
            log.exception("failed to answer %r", question[:200])
            return Answer(question, "error", ERROR_TEXT)

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
        for slug, t in self.library.tasks_due(unit, today, today + timedelta(days=within_days)):
            rec = next(r for r in snap.of_kind("task", {slug}) if r.obj is t)
            out.append(DueTask(snap.plans[slug].parsed.plan.name, unit, t.subtask or t.task, t.deadline.text,
                               t.deadline.end, compose.source(rec)))
        return sorted(out, key=lambda d: d.due)

    def export_rows(self, unit: str, plan: str | None = None) -> ExportResult:
        return export_rows([pd.parsed for pd in self.library.snapshot.plans.values()], unit, plan)

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
