"""Record types shared by the library, the handlers and the composer (kept apart so nothing imports in a circle)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from corpus.records import ParsedPlan
from corpus.text import YEAR
from corpus.units import UnitRegistry


# a full date ("31/3/2026", "ngày 5 tháng 2 năm 2026"): its year is no year a figure is set for
DATED = re.compile(r"\b\d{1,2}/\d{1,2}/20\d\d\b|ngày \d{1,2} tháng \d{1,2} năm 20\d\d", re.IGNORECASE)


# a document cited with its date ("Nghị quyết số 57-NQ/TW ngày 22/12/2024"): the date it was signed, no deadline
CITED = re.compile(r"\bsố\s+\S+\s+ngày\s+\d{1,2}(?:/|\s+tháng\s+)\d{1,2}(?:/|\s+năm\s+)\d{4}", re.IGNORECASE)


def years_in(text: str) -> set[int]:
    """The years a text speaks of, full dates left out (their year is no year a figure is set for)."""
    return {int(y) for y in YEAR.findall(DATED.sub(" ", text))}


# a figure counted per so many people ("trên 1 vạn dân", "/10.000 dân", "mỗi nghìn dân"), on folded text
_PER_PEOPLE = re.compile(r"(?:\btren|\bmoi|/|\bcu|\btinh theo(?: moi)?)\s*(\d{1,3}(?:[.,]\d{3})*)?\s*"
                         r"(nghin|ngan|van|trieu|tram)?\s*(?:nguoi\s+)?dan\b")
_PEOPLE_UNITS = {"tram": 100, "nghin": 1000, "ngan": 1000, "van": 10_000, "trieu": 1_000_000}


def people_base(folded: str) -> int | None:
    """How many people a figure is counted per ("trên 1 vạn dân" 10000, "/10.000 dân" 10000, "mỗi nghìn dân"
    1000), or None when the text counts per no number of people ("người dân" alone is no base)."""
    for n, unit in _PER_PEOPLE.findall(folded):
        if not n and not unit:
            continue
        count = int(re.sub(r"[.,]", "", n)) if n else 1
        return count * _PEOPLE_UNITS.get(unit, 1)
    return None


# the heading of the block of recipients ("Nơi nhận:", "Đồng kính gửi:"), on folded text
RECIPIENTS_HEAD = re.compile(r"\W*(noi nhan|dong kinh gui)\b")


# the number a table group declares after its name: "IV. Về phát triển chuyển đổi số (25)"
DECLARED = re.compile(r"\((\d{1,3})\)\s*:?\s*$")


def group_name(group: str) -> str:
    """A table group's name without the number it declares."""
    return DECLARED.sub("", group).rstrip(" :")


@dataclass
class PlanData:
    parsed: ParsedPlan
    lines: tuple[str, ...]
    units: UnitRegistry

    @property
    def slug(self) -> str:
        return self.parsed.plan.slug

    @cached_property
    def years(self) -> frozenset[int]:
        """Every year the plan writes outside full dates ("31/3/2026", "ngày 5 tháng 2 năm 2026")."""
        return frozenset(years_in(" ".join(self.lines)))


@dataclass
class Record:
    """One answerable piece of a plan: a prose passage, a task row, a target row or a unit's duty."""
    kind: str            # passage | task | target | duty
    plan: str
    obj: object
    terms: frozenset[str] = field(default_factory=frozenset)

    @property
    def first_line(self) -> int:
        return self.obj.first_line

    @property
    def last_line(self) -> int:
        return self.obj.last_line

    @property
    def section(self) -> str:
        return getattr(self.obj, "section", "") or ""


def match_text(r: Record) -> str:
    """The text a record is matched on."""
    o = r.obj
    if r.kind == "task":
        return f"{o.task} {o.subtask} {o.product} {o.kpi}"
    if r.kind == "target":
        return f"{o.text} {o.value_text}"
    if r.kind == "duty":
        return f"{o.unit} {o.text}"
    # a heading often says what the items under it are ("2.3. Cơ chế cảnh báo: ... cảnh báo đỏ đối với:")
    return f"{o.section.split(' > ')[-1]} {o.text}"


@dataclass(frozen=True)
class Found:
    """A record chosen as evidence, with its match score."""
    score: float
    record: Record
