"""The loaded plans: records, the plans' own lines for citations, unit registries, the search index.

`PlanLibrary` ingests the plans folder and builds a `Snapshot`; a reload builds a new snapshot and swaps it in,
so questions being answered keep reading the old one and never wait for each other.
"""
from __future__ import annotations

import logging
import math
import shutil
import threading
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cached_property
from datetime import date
from pathlib import Path

from corpus.document import UnreadablePlan
from corpus.reader import SUPPORTED_SUFFIXES
from corpus.store import IngestResult, ingest, load_lines, load_plans
from corpus.units import registry_for, same_unit
from index.docs import docs_from_parsed
from index.hybrid import HybridIndex
from index.text import terms
from corpus.text import one_spelling

from answers.plan_refs import naming_pattern, plan_ref
from answers.query import Lexicon, QueryReader, UnitRef
from answers.records import PlanData, Record, match_text, years_in
from answers.types import IngestReport, PlanInfo

log = logging.getLogger(__name__)
RECORD_KINDS = ("passage", "task", "target", "duty")     # a plan's records, in this order


@dataclass
class Snapshot:
    """Everything one answer reads; never changed after it is built."""
    plans: dict[str, PlanData]
    records: dict[str, Record]          # index doc id -> record
    all_records: list[Record]
    index: HybridIndex
    idf: dict[str, float]
    default_idf: float
    reader: QueryReader
    by_plan_kind: dict[tuple[str, str], list[Record]] = field(default_factory=dict)
    by_file: dict[str, str] = field(default_factory=dict)              # plan file -> slug
    by_line: dict[tuple[str, int], list[Record]] = field(default_factory=dict)   # (slug, first line) -> records
    _canonical: dict[tuple[str, str], str] = field(default_factory=dict)

    def __post_init__(self):
        for r in self.all_records:
            self.by_plan_kind.setdefault((r.plan, r.kind), []).append(r)
            self.by_line.setdefault((r.plan, r.first_line), []).append(r)
        self.by_file = {pd.parsed.plan.file: slug for slug, pd in self.plans.items()}
        self._position = {id(r): i for i, r in enumerate(self.all_records)}
        self._sorted_slugs = sorted(self.plans)

    @cached_property
    def word_idf(self) -> dict[str, float]:
        """IDF of each syllable and two-syllable word under one spelling of its final y/i ("chữ ký" and "chữ
        kí" are one word, "chu_ki"), as the question's content words are spelled: both spellings' records
        counted."""
        n = len(self.all_records) or 1
        df: Counter = Counter()
        for term, idf in self.idf.items():
            df["_".join(one_spelling(p) for p in term.split("_"))] += n / max(1e-9, math.exp(idf) - 1)
        return {t: math.log(1 + n / c) for t, c in df.items()}

    # ------------------------------------------------------------------ look-ups
    def of_kind(self, kind: str, plans=None) -> list[Record]:
        """Records of a kind in the given plans (all plans when None), in plan order: a look-up, not a scan."""
        slugs = self._sorted_slugs if plans is None else sorted(plans)
        return [r for slug in slugs for r in self.by_plan_kind.get((slug, kind), ())]

    def coverage(self, topic, rterms: frozenset[str]) -> float:
        """IDF-weighted share of the question's terms a record contains. A syllable no plan uses at all
        ("nghèo", "thuế") weighs double: it is what the question is about, and no record has it."""
        qs = set(topic)
        total = hit = 0.0
        for t in qs:
            w = self.idf.get(t)
            if w is None:
                w = self.default_idf * (1.0 if "_" in t else 2.0)
            total += w
            if t in rterms:
                hit += w
        return hit / total if total else 0.0

    def unit_of(self, plan: str, name: str) -> str:
        """The plan's canonical name for a spelling (cached: a registry look-up compares spellings)."""
        key = (plan, name)
        found = self._canonical.get(key)
        if found is None:
            found = self._canonical[key] = self.plans[plan].units.canonical(name)
        return found

    def holds_unit(self, r: Record, unit: UnitRef, role: str = "lead") -> bool:
        """Does record r name the unit in the given role (lead | coop | any)?"""
        if r.plan != unit.plan:
            return False
        names: tuple = ()
        if r.kind == "task":
            names = {"lead": r.obj.lead, "coop": r.obj.cooperating}.get(role, r.obj.lead + r.obj.cooperating)
        elif r.kind == "target":
            names = r.obj.lead if role != "coop" else ()
        elif r.kind == "duty":
            names = (r.obj.unit,) if role != "coop" else ()
        return any(self.unit_of(r.plan, u) == unit.name for u in names)

    def in_plans(self, plans, kinds: tuple[str, ...]) -> list[Record]:
        """Records of the given kinds in the given plans, in the order of all_records (a look-up per plan)."""
        wanted = set(kinds)
        return [r for slug in self.plans if slug in plans
                for kind in RECORD_KINDS if kind in wanted for r in self.by_plan_kind.get((slug, kind), ())]

    def at_lines(self, keys) -> list[Record]:
        """Records starting at the given (slug, first line) places, in the order of all_records."""
        found = {id(r): r for k in set(keys) for r in self.by_line.get(k, ())}
        return sorted(found.values(), key=lambda r: self._position[id(r)])

    def cited_lines(self, file: str, first: int, last: int) -> str | None:
        pd = self.plans.get(self.by_file.get(file, ""))
        if pd is not None and pd.lines:
            return "\n".join(pd.lines[first - 1:last]).strip()
        return None


def _target_years(pd: PlanData) -> frozenset[int]:
    """The years a plan's targets are set for: each target's own, else the plan's title's."""
    own = {t.year for t in pd.parsed.targets if t.year}
    if any(not t.year for t in pd.parsed.targets):
        own |= years_in(pd.parsed.plan.title)
    return frozenset(own)


class PlanLibrary:
    def __init__(self, plans_dir: Path, data_dir: Path, embedder=None, vector_cache: Path | None = None):
        self.plans_dir = Path(plans_dir)
        self.data_dir = Path(data_dir)
        self.embedder = embedder
        self.vector_cache = vector_cache
        self._write_lock = threading.Lock()     # one writer; readers use whichever snapshot is current
        self.last_ingest: IngestResult | None = None
        self.snapshot: Snapshot
        self.reload()

    def reload(self, force: bool = False) -> IngestResult:
        with self._write_lock:
            result = ingest(self.plans_dir, self.data_dir, force=force)
            self.last_ingest = result
            self.snapshot = self._build(result)
            return result

    def _build(self, result: IngestResult) -> Snapshot:
        parsed = load_plans(result.store_path)
        lines = load_lines(result.store_path)
        plans: dict[str, PlanData] = {}
        docs, records = [], []
        for p in parsed:
            plans[p.plan.slug] = PlanData(p, lines.get(p.plan.slug, ()), registry_for(p))
            prose = tuple(x for x in p.passages if x.origin == "prose")
            plan_docs = docs_from_parsed(replace(p, passages=prose))
            plan_records = ([Record("passage", p.plan.slug, x) for x in prose]
                            + [Record("task", p.plan.slug, x) for x in p.tasks]
                            + [Record("target", p.plan.slug, x) for x in p.targets]
                            + [Record("duty", p.plan.slug, x) for x in p.duties])
            assert len(plan_docs) == len(plan_records)
            docs.extend(plan_docs)
            records.extend(plan_records)
        index = self._open_index(docs)
        df: Counter[str] = Counter()
        for r in records:
            r.terms = frozenset(terms(match_text(r), index.abbreviations))
            df.update(r.terms)
        n = max(1, len(records))
        refs = [plan_ref(s, pd.parsed.plan) for s, pd in sorted(plans.items())]
        lexicon = Lexicon(
            places=refs,
            units={s: pd.units.groups for s, pd in plans.items()},
            vocabulary=frozenset(df), abbreviations=index.abbreviations, spelling=lambda: index.restorer,
            target_years={s: _target_years(pd) for s, pd in plans.items()},
            said=lambda: index.folded_text)
        # the words that name a plan (place, number, issuer) are not what a question is about
        lexicon.place_any = naming_pattern(refs) or lexicon.place_any
        return Snapshot(plans=plans, records={d.id: r for d, r in zip(docs, records)}, all_records=records,
                        index=index, idf={t: math.log(1 + n / c) for t, c in df.items()},
                        default_idf=math.log(1 + n), reader=QueryReader(lexicon))

    def _open_index(self, docs) -> HybridIndex:
        try:
            return HybridIndex.open(self.data_dir / "index", docs, self.embedder, self.vector_cache)
        except Exception as exc:   # a broken model must not take the assistant down: keywords still work
            if self.embedder is None:
                raise
            log.error("embedding model unusable (%s: %s); continuing with keyword search", type(exc).__name__, exc)
            self.embedder = None
            return HybridIndex.open(self.data_dir / "index", docs, None)

    # ------------------------------------------------------------------ plans
    def plans(self) -> list[PlanInfo]:
        return [PlanInfo(s, d.parsed.plan.name, d.parsed.plan.locality, d.parsed.plan.file)
                for s, d in sorted(self.snapshot.plans.items())]

    def add_plan_file(self, path: Path) -> IngestReport:
        path = Path(path)
        if path.suffix.lower() not in SUPPORTED_SUFFIXES or not path.suffix:
            return IngestReport(None, path.name, False, message=f"{path.name}: loại tệp không hỗ trợ")
        from corpus.parse import parse_plan_file
        try:
            parsed = parse_plan_file(path)
        except UnreadablePlan as exc:
            return IngestReport(None, path.name, False, message=str(exc))
        target = self.plans_dir / path.name
        if target.resolve() != path.resolve():
            shutil.copyfile(path, target)
        self.reload()
        rep = next((r for r in self.last_ingest.reports if r.file == path.name), None)
        if rep is None or not rep.ok:
            return IngestReport(None, path.name, False, message=rep.message if rep else "không nạp được")
        return IngestReport(parsed.plan.slug, path.name, True, rep.tasks, rep.targets, rep.duties, rep.passages,
                            rep.message)

    def remove_plan(self, slug: str) -> bool:
        pd = self.snapshot.plans.get(slug)
        if pd is None:
            return False
        (self.plans_dir / pd.parsed.plan.file).unlink(missing_ok=True)
        self.reload()
        return True

    def tasks_due(self, unit: str, horizon: date) -> list[Record]:
        """Task records led by unit with a concrete due date on or before horizon."""
        snap = self.snapshot
        out = []
        for r in snap.of_kind("task"):
            t = r.obj
            if not t.deadline or not t.deadline.end:
                continue
            if not any(same_unit(unit, u) or snap.unit_of(r.plan, u) == unit for u in t.lead):
                continue
            if date.fromisoformat(t.deadline.end) <= horizon:
                out.append(r)
        return out
