"""The interface transports (bot/) depend on; answers.service implements it."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Protocol

from answers.align import AlignResult
from answers.export import ExportResult
from answers.types import Answer, DueTask, IndexInfo, IngestReport, PlanInfo, Source


class Assistant(Protocol):
    def ask(self, question: str, default_plan: str | None = None, today: date | None = None) -> Answer:
        """Answer one question; default_plan is a plan slug chosen by the chat; today is the date "quá hạn /
        sắp đến hạn" are counted from (default: the real date). Kind "error" when answering failed."""

    def plans(self) -> list[PlanInfo]:
        """Plans currently loaded."""

    def resolve_unit(self, text: str) -> str | None:
        """Canonical unit name for what a user typed, or None if no plan names it."""

    def due_tasks(self, unit: str, today: date, within_days: int = 7) -> list[DueTask]:
        """Tasks led by unit due within within_days of today, plus overdue ones (due < today)."""

    def add_plan_file(self, path: Path) -> IngestReport:
        """Copy a new plan file into the plans folder, ingest and index it."""

    def remove_plan(self, slug: str) -> bool:
        """Remove a plan (file, records, index entries)."""

    def cited_lines(self, src: Source) -> str:
        """The plan's own lines a source points at (for "Xem nguồn" / /nguon)."""

    def index_info(self) -> IndexInfo:
        """How many plans and records are loaded, and whether the embedding model is in use."""

    def export_rows(self, unit: str, plan: str | None = None) -> ExportResult:
        """The unit's tasks, targets and duties (in plan, a slug or name, or in every plan), for a file."""

    def alignment(self, name: str = "", default_plan: str | None = None) -> AlignResult:
        """A lower plan (named, else the chat's default, else every one that has a higher plan) against its
        higher plan: answers.align.AlignResult."""
