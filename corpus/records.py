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
    doc_type: str = "Kế hoạch"  # Kế hoạch | Chương trình | Nghị quyết | Công văn | …

    @property
    def numbered(self) -> str | None:
        """The document number when it has one ("179/KH-UBND"); None for a draft's blank "/KH-UBND"."""
        return self.number if self.number and self.number[:1].isdigit() else None

    @property
    def name(self) -> str:
        """Human name used in answers: 'Kế hoạch xã Nha Bích' (no number), 'Kế hoạch 179/KH-UBND tỉnh Đồng Nai',
        'Kế hoạch 3260-KH/ĐĐQH15 của Đảng đoàn Quốc hội', 'Công văn 6225/BVHTTDL-VP của Bộ …'."""
        kind = self.doc_type or "Kế hoạch"
        number = f" {self.numbered}" if self.numbered else ""
        by_committee = not self.issuer or self.issuer.lower().startswith(("ubnd", "ủy ban nhân dân", "uỷ ban nhân dân"))
        if self.locality and (by_committee or not number):
            return f"{kind}{number} {self.level} {self.locality}"
        if self.issuer:
            return f"{kind}{number} của {self.issuer}"
        return f"{kind}{number}" if number else (self.title[:80] or kind)


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
