"""Searchable documents: one Doc per passage, task, target and duty of a parsed plan."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from corpus.records import ParsedPlan

KINDS = ("passage", "task", "target", "duty")


@dataclass(frozen=True)
class Doc:
    id: str          # f"{kind}:{plan}:{first_line}-{last_line}:{n}", n = position among the plan's docs of that kind
    text: str        # what is searched (NFC)
    kind: str        # "passage" | "task" | "target" | "duty"
    plan: str        # plan slug
    first_line: int
    last_line: int


def _join(*parts: str) -> str:
    return "\n".join(p.strip() for p in parts if p and p.strip())


def _field(label: str, value: str) -> str:
    return f"{label}: {value}" if value and value.strip() else ""


def docs_from_parsed(parsed: ParsedPlan) -> list[Doc]:
    """One Doc per record; the text carries the plan name, the section and the labelled fields a question may name."""
    slug = parsed.plan.slug
    # Questions name the locality ("... ở xã Nha Bích"); every doc carries it so both rankings can use it.
    where = parsed.plan.name
    rows: list[tuple[str, str, int, int]] = []
    for p in parsed.passages:
        rows.append(("passage", _join(p.section, p.text), p.first_line, p.last_line))
    for t in parsed.tasks:
        rows.append(("task", _join(
            t.group, f"{t.code} {t.task}".strip(), t.subtask,
            _field("Sản phẩm", t.product), _field("KPI", t.kpi),
            _field("Chủ trì", "; ".join(t.lead)), _field("Phối hợp", "; ".join(t.cooperating)),
            _field("Thời hạn", t.deadline.text)), t.first_line, t.last_line))
    for t in parsed.targets:
        value = " ".join(v for v in (t.value_text, t.unit_of_measure) if v)
        rows.append(("target", _join(
            t.group, f"{t.code} {t.text}".strip(), _field("Kết quả", value),
            _field("Năm", str(t.year) if t.year else ""), _field("Chủ trì", "; ".join(t.lead))),
            t.first_line, t.last_line))
    for d in parsed.duties:
        rows.append(("duty", _join(
            d.section, d.unit, d.text, _field("Thời hạn", d.deadline.text if d.deadline else "")),
            d.first_line, d.last_line))
    counters = dict.fromkeys(KINDS, 0)
    docs = []
    for kind, text, first, last in rows:
        n = counters[kind]
        counters[kind] += 1
        docs.append(Doc(f"{kind}:{slug}:{first}-{last}:{n}", _join(where, text), kind, slug, first, last))
    return docs
