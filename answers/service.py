"""The answer service: question -> Answer, from the SQLite store (structured records) and the hybrid index."""
from __future__ import annotations

import logging
import math
import re
import shutil
import threading
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

from corpus.document import UnreadablePlan
from corpus.reader import SUPPORTED_SUFFIXES, read_document
from corpus.records import ParsedPlan
from corpus.store import IngestResult, ingest, load_plans
from corpus.text import fold, nfc, words
from corpus.units import UnitRegistry, registry_for, same_unit
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
roi oi minh toi em anh ban nhe ak tu lay nhu vao ra len bi kpi muon mong them ben
""".split())
_GENERIC_UNIT_WORDS = frozenset("cac va cua xa phuong tinh tren dia ban thuoc ubnd truc thuoc don vi".split())
_MIN_COVERAGE = 0.4
_DATE_WORDS = re.compile(r"trước ngày|thời hạn|hoàn thành (trong|trước)|hằng tháng|định kỳ|\bquý [IV]+|tháng \d", re.IGNORECASE)
_SIGNER = re.compile(r"\b(ai|nguoi nao|do ai|nguoi) (da )?ky\b|\bky (ban hanh|ke hoach)\b|nguoi ky|\bky ten\b")
_UNIT_HEAD_WORD = re.compile(r"^(Phòng|phòng|Sở|sở|Trung|Văn|VP\.?|Công|Trạm|trạm|Ban|Tổ|tổ|Chi|Ủy|UBND|Bộ|Các|các|Đảng)$")
_DEADLINE_KIND_CUES = ((r"theo huong dan|quy dinh cua|theo chi dao|phan ky", "guidance"),
                       (r"thuong xuyen", "continuous"), (r"hang nam|hang thang|dinh ky", "recurring"))
_DEADLINE_KIND_NAMES = {"guidance": "theo hướng dẫn/quy định", "continuous": "thường xuyên", "recurring": "định kỳ"}
_UNIT_KIND_WORDS = frozenset("phong so tram trung cong van ban to chi uy ubnd bo doi hoi".split())
_UNIT_PHRASE = re.compile(r"\b(?:Sở|Phòng|Ban|Trung tâm|Công an|Trạm|Văn phòng|Ủy ban|Chi nhánh|Bộ|Cục|Chi cục)"
                          r"\s+[A-ZĐÀ-Ỹ][\wÀ-ỹĐđ]*(?:\s+(?:và\s+)?[A-ZĐÀ-Ỹa-zà-ỹđ][\wÀ-ỹĐđ]*){0,4}")
_QUESTION_WORDS = frozenset("ai nao gi la cua co phai lam nhiem vu chi tieu chu tri phu trach theo doi han".split())


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
    # a heading often says what the items under it are ("2.3. Cơ chế cảnh báo: ... cảnh báo đỏ đối với:")
    return f"{o.section.split(' > ')[-1]} {o.text}"


SYNONYMS_FILE = Path(__file__).parent / "data" / "synonyms.tsv"


def load_synonyms(path: Path = SYNONYMS_FILE) -> list[tuple[str, str, str]]:
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        everyday, formal = line.split("\t", 1)
        everyday = everyday.strip()
        pairs.append((" ".join(_syllables(everyday, True)), fold(everyday), formal.strip()))
    return pairs


def _syllables(text: str, keep_tones: bool) -> list[str]:
    """Lower-case syllables, with tone marks kept or folded away."""
    if not keep_tones:
        return words(text)
    return re.findall(r"[0-9a-zà-ỹđ]+", nfc(text).lower())


class AssistantService:
    """Implements answers.protocol.Assistant."""

    def __init__(self, plans_dir: Path, data_dir: Path, embedder=None, vector_cache: Path | None = None):
        self.plans_dir = Path(plans_dir)
        self.data_dir = Path(data_dir)
        self.embedder = embedder
        self.vector_cache = vector_cache
        self._lock = threading.RLock()
        self.synonyms = load_synonyms()
        self.last_ingest: IngestResult | None = None
        self.reload()

    # ------------------------------------------------------------------ loading
    def reload(self, force: bool = False) -> IngestResult:
        with self._lock:
            result = ingest(self.plans_dir, self.data_dir, force=force)
            self.last_ingest = result
            parsed = load_plans(result.store_path)
            self.plan_data: dict[str, PlanData] = {}
            docs, records = [], []
            for p in parsed:
                try:
                    lines = read_document(self.plans_dir / p.plan.file).lines
                except (UnreadablePlan, OSError):
                    lines = ()
                registry = registry_for(p)
                self.plan_data[p.plan.slug] = PlanData(p, lines, registry)
                prose = tuple(x for x in p.passages if x.origin == "prose")
                plan_docs = docs_from_parsed(replace(p, passages=prose))
                plan_records = ([Record("passage", p.plan.slug, x) for x in prose]
                                + [Record("task", p.plan.slug, x) for x in p.tasks]
                                + [Record("target", p.plan.slug, x) for x in p.targets]
                                + [Record("duty", p.plan.slug, x) for x in p.duties])
                assert len(plan_docs) == len(plan_records)
                docs.extend(plan_docs)
                records.extend(plan_records)
            try:
                self.index = HybridIndex.open(self.data_dir / "index", docs, self.embedder, self.vector_cache)
            except Exception as exc:   # a broken model must not take the assistant down: keywords still work
                if self.embedder is None:
                    raise
                log.error("embedding model unusable (%s: %s); continuing with keyword search",
                          type(exc).__name__, exc)
                self.embedder = None
                self.index = HybridIndex.open(self.data_dir / "index", docs, None)
            self.abbreviations = self.index.abbreviations
            self.records = {d.id: r for d, r in zip(docs, records)}
            self.all_records = records
            df: Counter[str] = Counter()
            for r in records:
                r.terms = frozenset(terms(_match_text(r), self.abbreviations))
                df.update(r.terms)
            n = max(1, len(records))
            self._vocabulary = set(df)
            self._idf = {t: math.log(1 + n / c) for t, c in df.items()}
            self._default_idf = math.log(1 + n)
            self.composer = Composer(self.plan_data)
            return result

    # ------------------------------------------------------------------ protocol
    def plans(self) -> list[PlanInfo]:
        return [PlanInfo(s, d.parsed.plan.name, d.parsed.plan.locality, d.parsed.plan.file)
                for s, d in sorted(self.plan_data.items())]

    def resolve_unit(self, text: str) -> str | None:
        q = read_question(text)
        named, _ = self._named_plans(q)
        found = self._find_units(q, named or list(self.plan_data))
        return found[0][1] if found else None

    def due_tasks(self, unit: str, today: date, within_days: int = 7) -> list[DueTask]:
        out: list[DueTask] = []
        horizon = today + timedelta(days=within_days)
        for slug, pd in self.plan_data.items():
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

    def export_rows(self, unit: str, plan: str | None = None):
        from answers.export import export_rows   # kept inside: this method is the service's whole export part
        with self._lock:
            return export_rows([pd.parsed for pd in self.plan_data.values()], unit, plan)

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
            pd = self.plan_data.get(slug)
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
        scope = named or ([default_plan] if default_plan in self.plan_data else list(self.plan_data))
        prefer = self._preferred_levels(q) if not named else set()
        if _SIGNER.search(q.folded):
            ans = c.signer(q, [self.plan_data[s] for s in scope] if (named or len(scope) == 1) else
                           [pd for pd in self.plan_data.values() if not prefer or pd.parsed.plan.level in prefer])
            if ans:
                return ans
        qterms = self._query_terms(q, scope)
        intents = q.intents
        units = self._find_units(q, scope)
        scope0 = scope
        if units and not named and units[0][2] >= 1.0:
            # a unit named in full belongs to certain plans: "Công an tỉnh" is the province's
            scope = sorted({slug for slug, _, _ in units})
        if not qterms and not units:
            if re.search(r"bao nhieu (chi tieu|nhiem vu)|co (nhung )?gi\b|gom nhung", q.folded) and (named or default_plan):
                return c.overview(q, [self.plan_data[s] for s in scope])
            return Answer(raw, "none", c.help_text())

        if not units and (intents & {"duties", "list"}) and (m := _UNIT_PHRASE.search(q.text)):
            if re.search(r"chu tri|phu trach|lam gi|nhiem vu gi|trach nhiem", q.folded):
                return Answer(raw, "none", c.unknown_unit(m.group(0)))
        unit_duties = ("duties" in intents and units and not (intents & {"deadline", "target", "owner"})
                       and not re.search(r"chu tri|phu trach|\bquy\b|chi tieu", q.folded))
        if "list" in intents and not unit_duties:
            ans = self._answer_list(q, scope, units, qterms, prefer)
            if ans:
                return ans
        if unit_duties:
            all_units, mentions = self._mentions(units, scope0)
            ans = c.duties(q, all_units, self._duties_of(units), self._tasks_led_by(units), mentions)
            if ans:
                return ans
        if intents & {"owner", "coop", "deadline"}:
            kinds = ["task", "target", "duty", "passage"]
        elif "target" in intents:
            kinds = ["target", "passage"]
        else:
            kinds = ["task", "target", "duty", "passage"]
        best = self._best(q, qterms, scope, kinds, prefer, units)
        if not best or best[0][0] < _MIN_COVERAGE:
            if "duties" in intents and units:
                all_units, mentions = self._mentions(units, scope0)
                ans = c.duties(q, all_units, self._duties_of(units), self._tasks_led_by(units), mentions)
                if ans:
                    return ans
            return Answer(raw, "none", c.not_found())
        chosen = self._per_plan(best, named)
        return c.fact(q, chosen)

    # ------------------------------------------------------------------ helpers
    def _named_plans(self, q: Question) -> tuple[list[str], str | None]:
        named = []
        for slug, pd in self.plan_data.items():
            loc = fold(pd.parsed.plan.locality)
            if re.search(rf"\b{re.escape(loc)}\b", q.folded):
                named.append(slug)
        unknown = None
        if not named:
            for m in re.finditer(r"\b((?i:tỉnh|xã|phường|huyện|thành phố|quận|tp\.?))\s+([\wÀ-ỹĐđ]+(?:\s+[\wÀ-ỹĐđ]+){0,3})",
                                 q.text):
                name_words = []
                for w in m.group(2).split():
                    if not w[0].isupper():
                        break
                    name_words.append(w)
                if name_words:
                    unknown = f"{m.group(1).lower()} {' '.join(name_words)}"
                    break
        if not named and not unknown and fold(q.text) == q.text.lower():
            m = re.search(r"\b(xa|phuong|huyen|quan)\s+([a-z]+)\s+([a-z]+)", q.folded)
            if m and f"{m.group(2)}_{m.group(3)}" not in self._vocabulary:
                unknown = f"{m.group(1)} {m.group(2)} {m.group(3)}"
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

    def _rewrite(self, q: Question) -> tuple[str, str]:
        """(question plus the plan wording of its everyday phrases, question with those phrases replaced).

        The first feeds the search, the second the coverage measure: an everyday word that has been
        translated no longer counts against a record that uses the plan's word.
        """
        accented = fold(q.text) != q.text.lower()
        # with tone marks, match them ("tiền" is not "tiến"); without, only phrases of two or more syllables
        folded = f" {' '.join(_syllables(q.text, accented))} "
        added = []
        # longest phrases first; a matched phrase is consumed so "tiền" does not fire inside "tiền mặt"
        for everyday, everyday_folded, formal in sorted(self.synonyms, key=lambda p: -len(p[1])):
            key = everyday if accented else everyday_folded
            if not accented and len(key.split()) < 2:
                continue
            if f" {key} " in folded:
                folded = folded.replace(f" {key} ", f" | {' '.join(words(formal))} | ")
                if everyday_folded != fold(formal):
                    added.append(formal)
        expanded = q.text + (" " + " ; ".join(added) if added else "")
        return expanded, (folded if added else q.text)

    def _strip_places(self, text: str, slugs, mark: str = " ") -> str:
        """The plans' place names cut out of a question: a filter, not a topic ("Phước An" is not "đề án")."""
        for slug in slugs:
            loc = self.plan_data[slug].parsed.plan.locality
            text = re.sub(rf"(?i)\b(?:{re.escape(loc)}|{re.escape(fold(loc))})\b", mark, text)
        return text

    def _query_terms(self, q: Question, scope: list[str]) -> list[str]:
        drop = set(_CUE_SYLLABLES)
        text = self.abbreviations.spell_out(re.sub(r"(?i)\bKPI\b", " ", q.text))
        text = self._strip_places(text, scope, " | ")
        rewritten = self._rewrite(replace(q, text=text))[1]
        out = []
        for chunk in rewritten.split("|"):       # no bigram across a replaced phrase's edge
            for t in terms(chunk):
                parts = t.split("_")
                # years are matched by the year bonus, not as words every 2026 record shares
                if all(p in drop or re.fullmatch(r"20\d\d", p) for p in parts):
                    continue
                out.append(t)
        return out

    def _coverage(self, qterms: list[str], rterms: frozenset[str]) -> float:
        """IDF-weighted share of the question's terms a record contains. A syllable no plan uses at all
        ("nghèo", "thuế") weighs double: it is what the question is about, and no record has it."""
        qs = set(qterms)
        if not qs:
            return 0.0
        total = hit = 0.0
        for t in qs:
            w = self._idf.get(t)
            if w is None:
                w = self._default_idf * (1.0 if "_" in t else 2.0)
            total += w
            if t in rterms:
                hit += w
        return hit / total if total else 0.0

    def _best(self, q: Question, qterms: list[str], scope: list[str], kinds: list[str],
              prefer: set[str], units=()) -> list[tuple[float, Record]]:
        hits = self.index.search(self._rewrite(q)[0], k=40, plans=scope, kinds=kinds)
        structured = bool(q.intents & {"owner", "coop", "deadline", "target"})
        prior = {"passage": -0.12 if structured else 0.0, "duty": 0.05 if "duties" in q.intents else 0.0,
                 "target": 0.08 if "target" in q.intents else 0.0,
                 # only table rows name cooperating units
                 "task": 0.2 if "coop" in q.intents else (0.05 if q.intents & {"owner", "deadline"} else 0.0)}
        unit_names = {(slug, name) for slug, name, _ in units}
        qset = set(qterms)
        qbigrams = any("_" in t for t in qset)
        scored = []
        for rank, h in enumerate(hits):
            r = self.records.get(h.doc.id)
            if r is None:
                continue
            matched = qset & r.terms
            # one matching syllable is chance ("bạn" ~ "ban hành"); a question must meet a record twice,
            # and with a two-syllable word when it has one ("chuyện cười" is not "chuyển ... đầu cuối")
            if len(matched) < min(2, len(qset)) or (qbigrams and not any("_" in t for t in matched)):
                continue
            cov = self._coverage(qterms, r.terms)
            score = cov + 0.05 / (1 + rank)
            if h.dense_rank is not None:
                score += 0.12 / (1 + h.dense_rank)
            if prefer and self.plan_data[r.plan].parsed.plan.level in prefer:
                score += 0.15
            if q.year and r.kind == "target" and r.obj.year == q.year:
                score += 0.1
            score += prior.get(r.kind, 0.0)
            if unit_names:
                reg = self.plan_data[r.plan].units
                if r.kind == "duty" and (r.plan, reg.canonical(r.obj.unit)) in unit_names:
                    score += 0.1
                elif r.kind in ("task", "target") and any((r.plan, reg.canonical(u)) in unit_names for u in r.obj.lead):
                    score += 0.05
            if "deadline" in q.intents and r.kind in ("passage", "duty") and _DATE_WORDS.search(r.obj.text):
                score += 0.08
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
        text = self._strip_places(self._rewrite(q)[0], self.plan_data)
        tokens = re.findall(r"[\wÀ-ỹĐđ&\-\.]+", text)
        qwords = set(words(text)) - _QUESTION_WORDS
        # candidate phrases: a unit head word followed by up to six words
        phrases = []
        for i, tok in enumerate(tokens):
            if _UNIT_HEAD_WORD.match(tok) or re.fullmatch(r"[A-ZĐ][A-ZĐ&\-\.]{1,}", tok):
                for j in range(i + 1, min(len(tokens), i + 8) + 1):
                    phrases.append(" ".join(tokens[i:j]).strip(" .,;:?"))
        folded_q = " " + " ".join(words(text)) + " "
        found = []
        for slug in scope:
            for group in self.plan_data[slug].units.groups:
                best = 0.0
                for alias in group.aliases:
                    aw = words(alias)
                    if aw and f" {' '.join(aw)} " in folded_q:
                        best = max(best, 1.0 + 0.01 * len(aw))
                        continue
                    if any(same_unit(ph, alias) for ph in phrases):
                        best = max(best, 1.0)
                        continue
                    distinct = [w for w in aw if w not in _GENERIC_UNIT_WORDS]
                    # "Sở Y tế" is not "Trạm Y tế": a unit's kind word must be in the question too
                    if aw[0] in _UNIT_KIND_WORDS and aw[0] not in qwords:
                        continue
                    if len(distinct) >= 2:
                        hit = sum(1 for w in distinct if w in qwords)
                        if hit >= 2 and hit / len(distinct) >= 0.5:
                            best = max(best, 0.3 + 0.5 * hit / len(distinct))
                if best >= 0.5:
                    found.append((slug, group.canonical, best))
        found.sort(key=lambda x: -x[2])
        if found:
            top = found[0][2]
            found = [f for f in found if f[2] >= top - 0.02]
        return found

    def _duties_of(self, units: list[tuple[str, str, float]]) -> list[Record]:
        out = []
        for slug, unit, _ in units:
            reg = self.plan_data[slug].units
            for d in self.plan_data[slug].parsed.duties:
                if reg.canonical(d.unit) == unit:
                    out.append(Record("duty", slug, d))
        return out

    def _mentions(self, units: list[tuple[str, str, float]], scope: list[str]) -> tuple[list, list[Record]]:
        """Prose and duties of other units that name the unit ("Chỉ đạo các Tổ công nghệ số cộng đồng ..."),
        in every plan of the scope; plans that only mention the unit are added to the unit list."""
        names = set()
        for slug, unit, _ in units:
            reg = self.plan_data[slug].units
            names |= {" ".join(words(a)) for g in reg.groups if g.canonical == unit for a in g.aliases}
        names = {n for n in names if len(n.split()) >= 2}
        own = {(slug, unit) for slug, unit, _ in units}
        out, extra = [], []
        for r in self.all_records:
            if r.plan not in scope or r.kind not in ("passage", "duty"):
                continue
            reg = self.plan_data[r.plan].units
            if r.kind == "duty" and (r.plan, reg.canonical(r.obj.unit)) in own:
                continue
            text = " " + " ".join(words(r.obj.text)) + " "
            if any(f" {n} " in text for n in names):
                out.append(r)
                if not any(slug == r.plan for slug, _, _ in units + extra):
                    extra.append((r.plan, units[0][1], 0.5))
        return units + extra, out

    def _tasks_led_by(self, units: list[tuple[str, str, float]]) -> list[Record]:
        out = []
        for slug, unit, _ in units:
            reg = self.plan_data[slug].units
            for t in self.plan_data[slug].parsed.tasks:
                if any(reg.canonical(u) == unit for u in t.lead):
                    out.append(Record("task", slug, t))
            for t in self.plan_data[slug].parsed.targets:
                if any(reg.canonical(u) == unit for u in t.lead):
                    out.append(Record("target", slug, t))
        return out

    def _answer_list(self, q: Question, scope: list[str], units, qterms, prefer) -> Answer | None:
        c = self.composer
        f = q.folded
        wants_targets = bool(re.search(r"chi tieu", f)) and not re.search(r"nhiem vu|\bviec\b", f)
        quarter = re.search(r"quy\s*([ivx]+|[1-4])\b\s*(?:/|nam)?\s*(20\d\d)?", f)
        if units:
            items = [r for r in self._tasks_led_by(units) if (r.kind == "target") == wants_targets]
            label = f"do {units[0][1]} chủ trì"
        else:
            items = [r for r in self.all_records if r.plan in scope
                     and r.kind == ("target" if wants_targets else "task")]
            label = ""
        if quarter:
            from corpus.values import parse_deadline
            dl = parse_deadline(f"Quý {quarter.group(1).upper()}/{quarter.group(2) or '2026'}")
            items = [r for r in items if r.kind == "task" and r.obj.deadline and r.obj.deadline.start == dl.start
                     and r.obj.deadline.end == dl.end]
            label = f"{label} có thời hạn {dl.text}".strip()
            return c.listing(q, items, label) if items else c.listing_empty(q, label)
        kind = next((k for cue, k in _DEADLINE_KIND_CUES if re.search(cue, f)), None)
        if kind and (kind != "recurring" or re.search(r"\bhan\b|thoi han|hoan thanh", f)):
            items = [r for r in items if r.kind == "task" and r.obj.deadline and r.obj.deadline.kind == kind]
            label = f"{label} có thời hạn “{_DEADLINE_KIND_NAMES[kind]}”".strip()
            return c.listing(q, items, label) if items else c.listing_empty(q, label)
        if units and items:
            return c.listing(q, items, label)
        if wants_targets and qterms:
            scored = [(self._coverage(qterms, r.terms), r) for r in items]
            picked = [r for sc, r in scored if sc >= 0.5]
            if picked:
                return c.listing(q, picked, "liên quan")
        # prose lists: the items of the section that best matches the question
        best = self._best(q, qterms, scope, ["passage"], prefer)
        if best and best[0][0] >= _MIN_COVERAGE:
            # judge each candidate section by everything in it: a list question names the section's topic
            candidates = []
            for _, top in best[:10]:
                key = (top.plan, top.obj.section)
                if any(k == key for k, _ in candidates):
                    continue
                items = [r for r in self.all_records if r.kind == "passage" and r.plan == top.plan
                         and r.obj.section == top.obj.section]
                if 1 < len(items) <= 30:
                    union = frozenset().union(*(r.terms for r in items))
                    candidates.append((key, (self._coverage(qterms, union), items)))
            if candidates:
                (plan, section), (_, items) = max(candidates, key=lambda c: c[1][0])
                return c.listing(q, items, f"trong mục “{section.split(' > ')[-1]}”")
        return None


def build_assistant(plans_dir: Path, data_dir: Path, embedder=None, vector_cache: Path | None = None) -> AssistantService:
    return AssistantService(Path(plans_dir), Path(data_dir), embedder, vector_cache)
