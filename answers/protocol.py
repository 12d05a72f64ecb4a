"""The interface transports (bot/) depend on; answers.service implements it."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Protocol

from answers.export import ExportResult
from answers.types import Answer, DueTask, IngestReport, PlanInfo


class Assistant(Protocol):
    def ask(self, question: str, default_plan: str | None = None) -> Answer:
        """Answer one question; default_plan is a plan slug chosen by the chat."""

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

    def export_rows(self, unit: str, plan: str | None = None) -> ExportResult:
        """The unit's tasks, targets and duties (in plan, a slug or name, or in every plan), for a file."""
