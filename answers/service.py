"""The answer service: question -> Answer, from the SQLite store (structured records) and the hybrid index."""
from __future__ import annotations

import logging
import math
import re
import shutil
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from corpus.document import UnreadablePlan
from corpus.reader import SUPPORTED_SUFFIXES, read_document
from corpus.records import Duty, ParsedPlan, Passage, Target, Task
from corpus.store import FileReport, IngestResult, ingest, load_plans
from corpus.text import fold, words
from corpus.units import UnitRegistry, same_unit
from index.docs import docs_from_parsed
from index.hybrid import HybridIndex
from index.text import terms

from answers.compose import Composer, Found
from answers.question import Question, is_greeting, is_offtopic, read_question
from answers.types import Answer, DueTask, IngestReport, PlanInfo

log = logging.getLogger(__name__)

# Syllables that carry the question's form, not its topic; dropped before matching records.
_CUE_SYLLABLES = frozenset("""
ai nao gi bao nhieu khi gio han thoi chu tri phu trach don vi la xa phuong tinh dau lo viec phai lam co duoc
nhiem vu chi tieu ty ti le ve cua o theo doi xong hoan thanh dat muc cac nhung ke hoach thuc hien the nhu sao
may ngay thang quy nam phan tram dat ra dang giao can gom bo tri trong den het cho nguoi dan hay vay a ha nhi
""".split())
_GENERIC_UNIT_WORDS = frozenset("cac va cua xa phuong tinh tren dia ban thuoc ubnd truc thuoc don vi".split())
_MIN_COVERAGE = 0.45


@dataclass
class PlanData:
    parsed: ParsedPlan
    lines: tuple[str, ...]
    units: UnitRegistry


@dataclass
class Record:
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


def _match_text(r: Record) -> str:
    o = r.obj
    if r.kind == "task":
        return f"{o.task} {o.subtask} {o.product} {o.kpi}"
    if r.kind == "target":
        return f"{o.text} {o.value_text}"
    if r.kind == "duty":
        return f"{o.unit} {o.text}"
    return o.text


class AssistantService:
    """Implements answers.protocol.Assistant."""

    def __init__(self, plans_dir: Path, data_dir: Path, embedder=None):
        self.plans_dir = Path(plans_dir)
        self.data_dir = Path(data_dir)
        self.embedder = embedder
        self._lock = threading.RLock()
        self.last_ingest: IngestResult | None = None
        self.reload()

    # ------------------------------------------------------------------ loading
    def reload(self, force: bool = False) -> IngestResult:
        with self._lock:
            result = ingest(self.plans_dir, self.data_dir, force=force)
            self.last_ingest = result
            parsed = load_plans(result.store_path)
            self.plans: dict[str, PlanData] = {}
            docs, records = [], []
            for p in parsed:
                try:
                    lines = read_document(self.plans_dir / p.plan.file).lines
                except (UnreadablePlan, OSError):
                    lines = ()
                registry = UnitRegistry()
                for t in p.tasks:
                    for u in t.lead + t.cooperating:
                        registry.add(u)
                for t in p.targets:
                    for u in t.lead:
                        registry.add(u)
                for d in p.duties:
                    registry.add(d.unit)
                self.plans[p.plan.slug] = PlanData(p, lines, registry)
                plan_docs = docs_from_parsed(p)
                plan_records = ([Record("passage", p.plan.slug, x) for x in p.passages]
                                + [Record("task", p.plan.slug, x) for x in p.tasks]
                                + [Record("target", p.plan.slug, x) for x in p.targets]
                                + [Record("duty", p.plan.slug, x) for x in p.duties])
                assert len(plan_docs) == len(plan_records)
                docs.extend(plan_docs)
                records.extend(plan_records)
            self.index = HybridIndex.open(self.data_dir / "index", docs, self.embedder)
            self.abbreviations = self.index.abbreviations
            self.records = {d.id: r for d, r in zip(docs, records)}
            self.all_records = records
            df: Counter[str] = Counter()
            for r in records:
                r.terms = frozenset(terms(_match_text(r), self.abbreviations))
                df.update(r.terms)
            n = max(1, len(records))
            self._idf = {t: math.log(1 + n / c) for t, c in df.items()}
            self._default_idf = math.log(1 + n)
            self.composer = Composer(self.plans)
            return result

    # ------------------------------------------------------------------ protocol
    def plans_info(self) -> list[PlanInfo]:
        return [PlanInfo(s, d.parsed.plan.name, d.parsed.plan.locality, d.parsed.plan.file)
                for s, d in sorted(self.plans.items())]

    def plans(self) -> list[PlanInfo]:   # Assistant protocol
        return self.plans_info()

    def resolve_unit(self, text: str) -> str | None:
        found = self._find_units(read_question(text), list(self.plans))
        return found[0][1] if found else None

    def due_tasks(self, unit: str, today: date, within_days: int = 7) -> list[DueTask]:
        out: list[DueTask] = []
        horizon = today + timedelta(days=within_days)
        for slug, pd in self.plans.items():
            for t in pd.parsed.tasks:
                if not t.deadline or not t.deadline.end:
                    continue
                if not any(same_unit(unit, u) or pd.units.canonical(u) == unit for u in t.lead):
                    continue
                due = date.fromisoformat(t.deadline.end)
                if due <= horizon:
                    src = self.composer.source(slug, Record("task", slug, t))
                    out.append(DueTask(pd.parsed.plan.name, unit, t.subtask or t.task, t.deadline.text,
                                       due.isoformat(), src))
        return sorted(out, key=lambda d: d.due)

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
        with self._lock:
            if target.resolve() != path.resolve():
                shutil.copyfile(path, target)
            self.reload()
        rep = next((r for r in self.last_ingest.reports if r.file == path.name), None)
        if rep is None or not rep.ok:
            return IngestReport(None, path.name, False, message=rep.message if rep else "không nạp được")
        return IngestReport(parsed.plan.slug, path.name, True, rep.tasks, rep.targets, rep.duties, rep.passages,
                            rep.message)

    def remove_plan(self, slug: str) -> bool:
        with self._lock:
            pd = self.plans.get(slug)
            if pd is None:
                return False
            (self.plans_dir / pd.parsed.plan.file).unlink(missing_ok=True)
            self.reload()
            return True

    # ------------------------------------------------------------------ answering
    def ask(self, question: str, default_plan: str | None = None) -> Answer:
        try:
            with self._lock:
                return self._ask(question, default_plan)
        except Exception:  # never a traceback to an official
            log.exception("failed to answer")
            return Answer(question, "none", "Xin lỗi, đã có lỗi khi xử lý câu hỏi này. Vui lòng hỏi lại ngắn gọn hơn.")

    def _ask(self, raw: str, default_plan: str | None) -> Answer:
        q = read_question(raw)
        c = self.composer
        if q.empty or is_greeting(q):
            return Answer(raw, "none", c.help_text(greeting=is_greeting(q)))
        if is_offtopic(q):
            return Answer(raw, "none", c.not_found())
        named, unknown = self._named_plans(q)
        if unknown and not named:
            return Answer(raw, "none", c.unknown_place(unknown))
        scope = named or ([default_plan] if default_plan in self.plans else list(self.plans))
        prefer = self._preferred_levels(q) if not named else set()
        qterms = self._query_terms(q, scope)
        if not qterms and not (q.intents & {"duties", "list"}):
            return Answer(raw, "none", c.help_text())
        intents = q.intents
        units = self._find_units(q, scope)

        if "list" in intents:
            ans = self._answer_list(q, scope, units, qterms)
            if ans:
                return ans
        if "duties" in intents and units and not (intents & {"deadline", "target"}):
            ans = c.duties(q, units, self._duties_of(units), self._tasks_led_by(units))
            if ans:
                return ans
        kinds: list[str]
        if intents & {"owner", "coop", "deadline"}:
            kinds = ["task", "target", "duty"]
        elif "target" in intents:
            kinds = ["target"]
        else:
            kinds = ["task", "target", "duty", "passage"]
        best = self._best(q, qterms, scope, kinds, prefer)
        if not best or best[0][0] < _MIN_COVERAGE:
            passage = self._best(q, qterms, scope, ["passage", "duty"], prefer)
            if passage and passage[0][0] >= _MIN_COVERAGE and (not best or passage[0][0] > best[0][0]):
                best = passage
        if not best or best[0][0] < _MIN_COVERAGE:
            return Answer(raw, "none", c.not_found())
        chosen = self._per_plan(best, named)
        return c.fact(q, chosen)

    # ------------------------------------------------------------------ helpers
    def _named_plans(self, q: Question) -> tuple[list[str], str | None]:
        named = []
        for slug, pd in self.plans.items():
            loc = fold(pd.parsed.plan.locality)
            if re.search(rf"\b{re.escape(loc)}\b", q.folded):
                named.append(slug)
        unknown = None
        if not named:
            m = re.search(r"\b(?:tỉnh|xã|phường|huyện|thành phố|TP\.?)\s+((?:[A-ZĐÀ-Ỹ][\wà-ỹđ]*\s?){1,3})", q.text)
            if m:
                unknown = m.group(0).strip()
        return named, unknown

    def _preferred_levels(self, q: Question) -> set[str]:
        t = q.text.lower()
        levels = set()
        if re.search(r"\btỉnh\b", t) or re.search(r"\b(cua|toan|cap|ca) tinh\b|^tinh\b", q.folded):
            levels.add("tỉnh")
        if re.search(r"\bxã\b", t) or re.search(r"\b(cua|cap|cac) xa\b", q.folded):
            levels.add("xã")
        if re.search(r"\bphường\b", t):
            levels.add("phường")
        return levels if len(levels) == 1 else set()

    def _query_terms(self, q: Question, scope: list[str]) -> list[str]:
        drop = set(_CUE_SYLLABLES)
        for slug in scope:
            drop.update(words(self.plans[slug].parsed.plan.locality))
        out = []
        for t in terms(q.text, self.abbreviations):
            parts = t.split("_")
            if all(p in drop for p in parts):
                continue
            out.append(t)
        return out

    def _coverage(self, qterms: list[str], rterms: frozenset[str]) -> float:
        qs = set(qterms)
        if not qs:
            return 0.0
        total = sum(self._idf.get(t, self._default_idf) for t in qs)
        hit = sum(self._idf.get(t, self._default_idf) for t in qs if t in rterms)
        return hit / total if total else 0.0

    def _best(self, q: Question, qterms: list[str], scope: list[str], kinds: list[str],
              prefer: set[str]) -> list[tuple[float, Record]]:
        hits = self.index.search(q.text, k=40, plans=scope, kinds=kinds)
        scored = []
        for rank, h in enumerate(hits):
            r = self.records.get(h.doc.id)
            if r is None:
                continue
            cov = self._coverage(qterms, r.terms)
            score = cov + 0.05 / (1 + rank)
            if h.dense_rank is not None and h.dense_rank <= 3:
                score += 0.05
            if prefer and self.plans[r.plan].parsed.plan.level in prefer:
                score += 0.15
            if q.year and r.kind == "target" and r.obj.year == q.year:
                score += 0.1
            scored.append((score, r))
        scored.sort(key=lambda x: (-x[0], x[1].plan, x[1].first_line))
        return scored

    def _per_plan(self, best: list[tuple[float, Record]], named: list[str]) -> list[Found]:
        """The best record, plus the best of each other plan that answers almost as well."""
        top_score, top = best[0]
        chosen = [Found(top_score, top)]
        seen = {top.plan}
        for score, r in best[1:]:
            if r.plan in seen or r.kind != top.kind:
                continue
            if score >= top_score * 0.9 and score >= _MIN_COVERAGE:
                chosen.append(Found(score, r))
                seen.add(r.plan)
        return chosen

    def _find_units(self, q: Question, scope: list[str]) -> list[tuple[str, str, float]]:
        """(plan slug, canonical unit, score) of units the question names, best first."""
        qwords = set(words(q.text))
        qacr = {w.lower() for w in re.findall(r"\b[A-ZĐ][A-ZĐ&\-]{1,}\b", q.text)}
        found = []
        for slug in scope:
            reg = self.plans[slug].units
            for group in reg.groups:
                best = 0.0
                for alias in group.aliases:
                    aw = [w for w in words(alias) if w not in _GENERIC_UNIT_WORDS]
                    if not aw:
                        continue
                    frac = sum(1 for w in aw if w in qwords) / len(aw)
                    head = words(alias)[0] if words(alias) else ""
                    if head in ("phong", "so", "ban", "trung", "cong", "tram", "van", "to") and head not in qwords:
                        frac *= 0.6
                    best = max(best, frac)
                    m = re.search(r"(Phòng|Sở|Trung tâm|Văn phòng|VP\.?|Ban|Công an|Trạm)\s+[\wÀ-ỹĐđ&\-\.]+(?:\s+[\wÀ-ỹĐđ&\-]+){0,5}",
                                  q.text)
                    if m and same_unit(m.group(0), alias):
                        best = max(best, 1.0)
                    if qacr and any(a.replace("-", "") in fold(alias).replace("-", "").replace(" ", "") for a in qacr):
                        best = max(best, 0.8)
                if best >= 0.5:
                    found.append((slug, group.canonical, best))
        found.sort(key=lambda x: -x[2])
        if found:
            top = found[0][2]
            found = [f for f in found if f[2] >= top - 1e-9]
        return found

    def _duties_of(self, units: list[tuple[str, str, float]]) -> list[Record]:
        out = []
        for slug, unit, _ in units:
            reg = self.plans[slug].units
            for d in self.plans[slug].parsed.duties:
                if reg.canonical(d.unit) == unit:
                    out.append(Record("duty", slug, d))
        return out

    def _tasks_led_by(self, units: list[tuple[str, str, float]]) -> list[Record]:
        out = []
        for slug, unit, _ in units:
            reg = self.plans[slug].units
            for t in self.plans[slug].parsed.tasks:
                if any(reg.canonical(u) == unit for u in t.lead):
                    out.append(Record("task", slug, t))
            for t in self.plans[slug].parsed.targets:
                if any(reg.canonical(u) == unit for u in t.lead):
                    out.append(Record("target", slug, t))
        return out

    def _answer_list(self, q: Question, scope: list[str], units, qterms) -> Answer | None:
        c = self.composer
        f = q.folded
        wants_targets = bool(re.search(r"chi tieu", f)) and not re.search(r"nhiem vu|viec", f)
        quarter = re.search(r"quy\s*([ivx]+|[1-4])\s*(?:/|nam)?\s*(20\d\d)?", f)
        items: list[Record] = []
        if units and re.search(r"chu tri|phu trach|lo|theo doi|do .* (chu tri|phu trach)", f):
            items = [r for r in self._tasks_led_by(units) if (r.kind == "target") == wants_targets]
            if not items:
                items = self._tasks_led_by(units)
            return c.listing(q, items, f"do {units[0][1]} chủ trì")
        if quarter:
            from corpus.values import parse_deadline
            dl = parse_deadline(f"Quý {quarter.group(1).upper()}/{quarter.group(2) or '2026'}")
            for slug in scope:
                for t in self.plans[slug].parsed.tasks:
                    if t.deadline and t.deadline.end and t.deadline.start == dl.start and t.deadline.end == dl.end:
                        items.append(Record("task", slug, t))
            return c.listing(q, items, f"có thời hạn {dl.text}")
        if wants_targets and qterms:
            pool = [r for r in self.all_records if r.kind == "target" and r.plan in scope]
            topic = [t for t in qterms]
            scored = [(self._coverage(topic, r.terms), r) for r in pool]
            items = [r for s, r in scored if s >= 0.5]
            if items:
                return c.listing(q, items, "liên quan")
        return None


def build_assistant(plans_dir: Path, data_dir: Path, embedder=None) -> AssistantService:
    return AssistantService(Path(plans_dir), Path(data_dir), embedder)
