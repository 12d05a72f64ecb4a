"""Typed answers shared by the CLI and the bots."""
from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("owner", "deadline", "target", "duties", "list", "passage", "none", "error")


@dataclass(frozen=True)
class Source:
    plan: str          # plan name, e.g. "Kế hoạch xã Nha Bích"
    locality: str      # "Nha Bích"
    file: str          # file name in the plans folder
    section: str       # heading path
    lines: tuple[int, int]
    snippet: str
    page: int | None = None   # for .docx/.pdf plans

    def citation(self) -> str:
        """'Kế hoạch xã Nha Bích, Phụ lục II, dòng 257–257' (or 'trang N')."""
        where = f"trang {self.page}" if self.page else (
            f"dòng {self.lines[0]}" if self.lines[0] == self.lines[1]
            else f"dòng {self.lines[0]}–{self.lines[1]}")
        return f"{self.plan}, {self.section}, {where}"


@dataclass(frozen=True)
class Answer:
    question: str
    kind: str
    text: str
    sources: tuple[Source, ...] = field(default=())

    def to_json(self, elapsed_ms: float | None = None) -> dict:
        out = {
            "question": self.question,
            "answer": self.text,
            "kind": self.kind,
            "sources": [
                {"plan": s.plan, "locality": s.locality, "file": s.file,
                 "section": s.section, "lines": [s.lines[0], s.lines[1]],
                 "snippet": s.snippet, **({"page": s.page} if s.page else {})}
                for s in self.sources
            ],
        }
        if elapsed_ms is not None:
            out["elapsed_ms"] = round(elapsed_ms, 1)
        return out


@dataclass(frozen=True)
class PlanInfo:
    slug: str
    name: str          # "Kế hoạch xã Nha Bích"
    locality: str
    file: str


@dataclass(frozen=True)
class DueTask:
    """A task of a unit with a concrete due date, for deadline reminders."""
    plan: str
    unit: str
    task: str
    deadline_text: str
    due: str           # ISO date
    source: Source


@dataclass(frozen=True)
class IngestReport:
    plan: str | None
    file: str
    ok: bool
    tasks: int = 0
    targets: int = 0
    duties: int = 0
    passages: int = 0
    message: str = ""


@dataclass(frozen=True)
class IndexInfo:
    plans: int
    records: int
    dense: bool        # the embedding model is in use (else keyword search only)
