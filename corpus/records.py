"""Typed records extracted from one implementation plan."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Deadline:
    """A deadline as written plus its normalized reading.

    kind: date | month | quarter | year | recurring | continuous | guidance | unspecified
    start/end: ISO dates (YYYY-MM-DD) of the range the deadline allows, where one follows.
    """
    text: str
    kind: str = "unspecified"
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True)
class Plan:
    slug: str
    title: str
    issuer: str
    locality: str          # e.g. "Nha Bích"
    level: str             # "xã" | "phường" | "tỉnh"
    file: str              # file name inside the plans folder
    sha256: str
    number: str | None = None
    date: str | None = None
    signer: str | None = None
    source_kind: str = "text"   # text | docx | pdf

    @property
    def name(self) -> str:
        """Human name used in answers, e.g. 'Kế hoạch xã Nha Bích'."""
        return f"Kế hoạch {self.level} {self.locality}"


@dataclass(frozen=True)
class Section:
    path: str              # "III. GIẢI PHÁP > 2. Triển khai ..."
    first_line: int
    last_line: int


@dataclass(frozen=True)
class Passage:
    text: str
    section: str
    first_line: int
    last_line: int
    origin: str = "prose"  # prose | task | target | duty
    page: int | None = None


@dataclass(frozen=True)
class Task:
    group: str             # "II. Hoàn thiện thể chế"
    code: str              # "II.3", "V.1.4"
    task: str              # general task (column 1)
    subtask: str           # column 2
    product: str
    kpi: str
    lead: tuple[str, ...]
    cooperating: tuple[str, ...]
    deadline: Deadline
    section: str
    first_line: int
    last_line: int
    page: int | None = None


@dataclass(frozen=True)
class Target:
    group: str
    code: str
    text: str
    unit_of_measure: str
    value_text: str        # as written, LaTeX cleaned: "≥ 95%"
    value_op: str | None   # ">=", ">", "=", "range", "yes"
    value_low: float | None
    value_high: float | None
    year: int | None
    lead: tuple[str, ...]
    section: str
    first_line: int
    last_line: int
    page: int | None = None


@dataclass(frozen=True)
class Duty:
    unit: str
    text: str
    section: str
    first_line: int
    last_line: int
    deadline: Deadline | None = None
    page: int | None = None


@dataclass(frozen=True)
class ParsedPlan:
    plan: Plan
    sections: tuple[Section, ...]
    passages: tuple[Passage, ...]
    tasks: tuple[Task, ...] = ()
    targets: tuple[Target, ...] = ()
    duties: tuple[Duty, ...] = ()
    warnings: tuple[str, ...] = field(default=())
