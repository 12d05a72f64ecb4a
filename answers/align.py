"""Alignment of a lower plan with the plan above it: each target of the higher plan and its counterpart in the
lower plan (thiếu / thấp hơn / bằng / cao hơn / khác năm / có thể tương ứng), and each task the higher plan
assigns to the lower level with the lower plan's matching task, duty or passage — both sides cited.

Plain data here; answers.align_render writes markdown and xlsx. Target matching is answers.indicators'
(embedding model + measure, population, year); task matching is here: an IDF-weighted overlap of the plans'
terms, moved by the cosine of the snapshot's stored vectors when the model built them, with thresholds for each
case calibrated on the hand-labelled pairs of tests/fixtures/align_task_pairs.tsv (docs/align.md).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from corpus.text import fold, squash, words
from index.text import terms

from answers.plan_refs import level_rank
from answers.records import Record

# How a higher plan names the units of a lower level, per level rank (lower-cased, with tone marks: "phường"
# and "phương" fold alike). "xã hội" and "hợp tác xã" are not communes.
_LEVEL_UNITS = {
    1: re.compile(r"(?<!hợp tác )\b(?:xã(?! hội)|phường|đặc khu|thị trấn)\b"),
    2: re.compile(r"\b(?:huyện|quận|thị xã)\b"),
    3: re.compile(r"\b(?:tỉnh|thành phố)\b"),
}
# "các cơ quan, đơn vị, địa phương": every locality under the issuer, the lower plan's included
_LOCALITIES = re.compile(r"\bđịa phương\b")
# A target counting one level's own population: "cán bộ, công chức cấp tỉnh", "cấp xã, phường"
_LEVEL_POPULATION = {1: re.compile(r"\bcấp (?:xã|phường)\b|\bxã, phường\b"), 2: re.compile(r"\bcấp (?:huyện|quận)\b"),
                     3: re.compile(r"\bcấp (?:tỉnh|thành phố)\b"), 4: re.compile(r"\bcấp trung ương\b")}

# Target statuses (the lower plan's target against the higher one's)
MISSING, LOWER, EQUAL, HIGHER, OTHER_YEAR, MAYBE, INCOMPARABLE, EXTRA = (
    "thiếu", "thấp hơn", "bằng", "cao hơn", "khác năm", "có thể tương ứng", "không so được", "chỉ có ở cấp dưới")
TARGET_STATUSES = (MISSING, LOWER, EQUAL, HIGHER, OTHER_YEAR, MAYBE, INCOMPARABLE, EXTRA)
# Task statuses
FOUND, TASK_MAYBE, NOT_FOUND = "có", "có thể có", "chưa thấy"
TASK_STATUSES = (FOUND, TASK_MAYBE, NOT_FOUND)
# How the higher plan assigns a task to the lower level
DIRECT, GENERAL = "trực tiếp", "chung cho các địa phương"
ROLE_LEAD, ROLE_COOPERATING, ROLE_DUTY = "chủ trì", "phối hợp", "thực hiện"

# Task-pair thresholds (sure, maybe), calibrated in docs/align.md on tests/fixtures/align_task_pairs.tsv
# (bench/align_pairs.py). The score is the IDF-weighted term cosine; with the model, plus the cosine of the two
# records' stored vectors less DENSE_CENTRE. The model's cosine alone does not separate the pairs (every plan
# line shares the same administrative wording: unrelated pairs score 0.70-0.76), but it moves a keyword score
# up or down usefully.
DENSE_CENTRE = 0.70
MODEL_SURE, MODEL_MAYBE = 0.30, 0.15
LEXICAL_SURE, LEXICAL_MAYBE = 0.35, 0.18
LOWER_KINDS = ("task", "duty", "passage")      # where a lower plan writes what it will do
# Passages that say nothing a plan will do: the text before the first heading (letterhead, "Căn cứ …", which
# the parser files under this name), a legal basis ("Căn cứ …"), the closing formula ("Trên đây là Kế hoạch …")
# or the recipients wherever they stand, and fragments (a signature, a bare heading).
FRONT_MATTER = "Phần mở đầu"
_NOT_WORK = re.compile(r"^\W*(?:nơi nhận|đồng kính gửi|kính gửi|căn cứ|trên đây là)\b", re.IGNORECASE)
MIN_PASSAGE_WORDS = 8
# A heading on its own line ("c) Khoa học, công nghệ, đổi mới sáng tạo."), numbered the way the plan numbers its
# section headings (its sibling "b) Chuyển đổi số" is one): it names a field, not a piece of work.
_ENUMERATOR = re.compile(r"^\s*(?:(?P<letter>[a-zđ])|(?P<number>\d{1,2}(?:\.\d{1,2})*)|(?P<roman>[IVX]{1,5}))(?P<mark>[.)])\s")
MAX_HEADING_WORDS = 25


class AlignError(ValueError):
    """A user error (unknown plan, no higher plan); the message is Vietnamese and shown as it is."""


@dataclass(frozen=True)
class Side:
    """One plan's row of a pairing, with its citation."""
    plan: str               # plan name, "Kế hoạch xã Nha Bích"
    file: str
    first_line: int
    last_line: int
    code: str
    text: str
    value: str = ""         # a target's value as written; a task's deadline
    year: int | None = None
    page: int | None = None

    @property
    def where(self) -> str:
        """'xa-nha-bich-2026.txt:191' (or ':191-193', or ', trang 3')."""
        if self.page:
            return f"{self.file}, trang {self.page}"
        span = str(self.first_line) if self.first_line == self.last_line else f"{self.first_line}-{self.last_line}"
        return f"{self.file}:{span}"


@dataclass(frozen=True)
class TargetRow:
    higher: Side | None     # None: a target of the lower plan no higher target corresponds to (EXTRA)
    lower: Side | None
    status: str             # one of TARGET_STATUSES
    score: float


@dataclass(frozen=True)
class TaskRow:
    higher: Side
    assigned_to: str        # the unit cell that assigns it: "Các cơ quan, đơn vị, địa phương"
    role: str               # chủ trì | phối hợp | thực hiện
    how: str                # trực tiếp | chung cho các địa phương
    lower: Side | None
    lower_kind: str         # task | duty | passage ("" when none)
    status: str             # one of TASK_STATUSES
    score: float
    nearest: Side | None = None     # with NOT_FOUND: the closest lower record, below the threshold (for checking)


@dataclass(frozen=True)
class PlanSide:
    slug: str
    name: str
    level: str
    file: str


@dataclass(frozen=True)
class Alignment:
    """One lower plan against one higher plan."""
    higher: PlanSide
    lower: PlanSide
    targets: tuple[TargetRow, ...]
    tasks: tuple[TaskRow, ...]
    method: str             # "model" | "keywords": how tasks were matched

    def count(self, status: str) -> int:
        return sum(1 for r in self.targets if r.status == status) + sum(1 for r in self.tasks if r.status == status)

    @property
    def title(self) -> str:
        return f"{self.lower.name} đối chiếu {self.higher.name}"


# ---------------------------------------------------------------- which plan is higher
def _plan_side(pd) -> PlanSide:
    p = pd.parsed.plan
    return PlanSide(p.slug, p.name, p.level or "", p.file)


def _folded_text(pd) -> str:
    return " " + " ".join(words(" ".join(pd.lines))) + " "


def _names_plan(lower_text: str, higher) -> bool:
    """Does the lower plan's text name the higher plan: its place with its level ("tỉnh Đồng Nai"), or for a plan
    with no place, its number or its issuer?"""
    if higher.locality:
        return f" {' '.join(words(f'{higher.level} {higher.locality}'))} " in lower_text
    keys = [higher.numbered or "", higher.issuer or ""]
    return any(k and f" {' '.join(words(k))} " in lower_text for k in keys)


def higher_plan(snap, slug: str) -> str | None:
    """The loaded plan the plan answers to: the nearest higher level among the plans its text names (the
    province it is in, the ministry whose programme it cites); None when no loaded plan fits."""
    pd = snap.plans.get(slug)
    if pd is None:
        return None
    own = level_rank(pd.parsed.plan)
    text = _folded_text(pd)
    candidates = [(level_rank(other.parsed.plan), s) for s, other in sorted(snap.plans.items())
                  if s != slug and level_rank(other.parsed.plan) > own and _names_plan(text, other.parsed.plan)]
    return min(candidates)[1] if candidates else None


def resolve_plan(snap, text: str) -> list[str]:
    """The plans a user's words name: a slug, a place or plan name ("Nha Bích", "xã Nha Bích"), else what
    answers.plan_refs finds in them (a number "KH 179", an issuing body, a place inside a phrase)."""
    text = squash(text)
    if not text:
        return []
    if text in snap.plans:
        return [text]
    key = " ".join(words(text))
    named = [s for s, pd in sorted(snap.plans.items())
             if key in (" ".join(words(pd.parsed.plan.locality or "")), " ".join(words(pd.parsed.plan.name)),
                        " ".join(words(f"{pd.parsed.plan.level} {pd.parsed.plan.locality}")))]
    if named:
        return named
    from answers.plan_refs import resolve      # by number, issuing body, place in a phrase, initials
    lx = snap.reader.lx
    return resolve(lx.places, lx.place_names, text, fold(text), lx.abbreviations.spell_out(text))


def plan_list(snap) -> str:
    return ", ".join(f"{pd.parsed.plan.name} ({s})" for s, pd in sorted(snap.plans.items()))


# ---------------------------------------------------------------- targets
def _target_side(snap, r: Record) -> Side:
    t = r.obj
    value = t.value_text
    if t.unit_of_measure and t.unit_of_measure not in value:
        value = f"{value} ({t.unit_of_measure})" if value else t.unit_of_measure
    return Side(snap.plans[r.plan].parsed.plan.name, snap.plans[r.plan].parsed.plan.file, t.first_line, t.last_line,
                t.code, t.text, value, t.year, t.page)


def target_status(match) -> str:
    """The status of a higher target against its counterpart (an answers.indicators.Counterpart)."""
    from answers.indicators import bounds_of, compare_bounds
    if match.other is None:
        return MISSING
    if not match.sure:
        return MAYBE
    if not match.same_year and match.target.obj.year and match.other.obj.year:
        return OTHER_YEAR
    low, high = bounds_of(match.other), bounds_of(match.target)
    if low is None or high is None:
        return INCOMPARABLE
    return {"lower": LOWER, "equal": EQUAL, "higher": HIGHER}.get(compare_bounds(low, high), INCOMPARABLE)


def own_level_population(text: str, higher_rank: int, lower_rank: int) -> bool:
    """Does a higher plan's target count its own level's people ("cán bộ, công chức cấp tỉnh") rather than the
    lower level's? Such a target has no counterpart in the lower plan, at most a close one."""
    text = text.lower()
    own, theirs = _LEVEL_POPULATION.get(higher_rank), _LEVEL_POPULATION.get(lower_rank)
    return bool(own and own.search(text)) and not (theirs and theirs.search(text))


def target_rows(snap, higher: str, lower: str) -> list[TargetRow]:
    """A row per target of the higher plan, then one per target of the lower plan that answers none of them."""
    from answers.indicators import counterpart
    matches = [counterpart(snap, r, lower) for r in snap.of_kind("target", [higher])]
    ranks = level_rank(snap.plans[higher].parsed.plan), level_rank(snap.plans[lower].parsed.plan)
    # one lower target answers one higher target: claimed by several ("cán bộ cấp xã" and "cán bộ cấp tỉnh" both
    # finding the commune's "cán bộ, công chức"), it is asserted for the closest of those that do not count the
    # higher level's own population; the others are uncertain
    best: dict[int, float] = {}
    for m in matches:
        if m.other is not None and not own_level_population(m.target.obj.text, *ranks):
            best[id(m.other)] = max(best.get(id(m.other), -1.0), m.score)
    rows, used, kept = [], set(), set()
    for m in matches:
        status = target_status(m)
        if m.other is not None:
            used.add(id(m.other))
            if m.score < best.get(id(m.other), 2.0) or id(m.other) in kept:
                status = MAYBE
            else:
                kept.add(id(m.other))
        rows.append(TargetRow(_target_side(snap, m.target),
                              _target_side(snap, m.other) if m.other is not None else None,
                              status, round(float(m.score), 3)))
    for r in snap.of_kind("target", [lower]):
        if id(r) not in used:
            rows.append(TargetRow(None, _target_side(snap, r), EXTRA, 0.0))
    return rows


# ---------------------------------------------------------------- tasks assigned to the lower level
def assignment(units: tuple[str, ...], lower_rank: int) -> tuple[str, str] | None:
    """(unit cell, how) when one of the units names the lower level's bodies ("UBND các xã, phường",
    "UBND cấp xã") — directly — or every locality ("Các cơ quan, đơn vị, địa phương") — in general."""
    pattern = _LEVEL_UNITS.get(lower_rank)
    for u in units:
        if pattern is not None and pattern.search(u.lower()):
            return u, DIRECT
    for u in units:
        if _LOCALITIES.search(u.lower()):
            return u, GENERAL
    return None


def assigned_records(snap, higher: str, lower_rank: int) -> list[tuple[Record, str, str, str]]:
    """The higher plan's tasks and duties given to the lower level: (record, unit cell, role, how);
    a task led by the level comes before one it cooperates on only in the role it gets."""
    out = []
    for r in snap.of_kind("task", [higher]):
        for names, role in ((r.obj.lead, ROLE_LEAD), (r.obj.cooperating, ROLE_COOPERATING)):
            found = assignment(tuple(names), lower_rank)
            if found:
                out.append((r, found[0], role, found[1]))
                break
    for r in snap.of_kind("duty", [higher]):
        found = assignment((r.obj.unit,), lower_rank)
        if found:
            out.append((r, found[0], ROLE_DUTY, found[1]))
    return out


def task_text(r: Record) -> str:
    """What a record says it will do: a task's general task and subtask (without product and KPI, which
    commune plans seldom repeat), a duty's or a passage's text."""
    o = r.obj
    if r.kind == "task":
        return f"{o.task} {o.subtask}" if o.subtask and o.subtask not in o.task else o.task
    return o.text


def task_parts(r: Record) -> list[str]:
    """The wordings a counterpart may repeat: a task's general task and its subtask each, and both together (a
    commune plan copies one or the other more often than both)."""
    o = r.obj
    if r.kind != "task":
        return [task_text(r)]
    return list(dict.fromkeys(x for x in (task_text(r), o.task, o.subtask) if squash(x)))


def enumerator_style(text: str) -> tuple[str, str] | None:
    """('letter', ')') for "b) …", ('number', '.') for "2. …", ('roman', '.') for "IV. …"; None otherwise."""
    m = _ENUMERATOR.match(text.replace("*", "").replace("#", "").strip())
    if not m:
        return None
    return next(k for k in ("letter", "number", "roman") if m.group(k)), m.group("mark")


def heading_styles(parsed) -> frozenset:
    """How a plan numbers its section headings (corpus.records.ParsedPlan)."""
    return frozenset(filter(None, (enumerator_style(sec.path.split(" > ")[-1]) for sec in parsed.sections)))


def is_work(r: Record, headings: frozenset = frozenset()) -> bool:
    """Does a lower plan's record say something it will do (see FRONT_MATTER, _ENUMERATOR)? headings: the plan's
    heading_styles."""
    if r.kind != "passage":
        return bool(squash(task_text(r)))
    o = r.obj
    n = len(words(o.text))
    heading = (o.first_line == o.last_line and n <= MAX_HEADING_WORDS and enumerator_style(o.text) in headings)
    return (o.section != FRONT_MATTER and not _NOT_WORK.match(o.text) and not _NOT_WORK.match(o.section.split(" > ")[-1])
            and n >= MIN_PASSAGE_WORDS and not heading)


def _task_side(snap, r: Record) -> Side:
    o = r.obj
    pd = snap.plans[r.plan].parsed.plan
    code = getattr(o, "code", "") or ""
    deadline = getattr(o, "deadline", None)
    return Side(pd.name, pd.file, o.first_line, o.last_line, code, squash(task_text(r)),
                deadline.text if deadline else "", None, getattr(o, "page", None))


class TaskMatcher:
    """Scores a higher plan's task against the lower plan's tasks, duties and passages: the cosine of the
    snapshot's stored vectors when the model built them, else an IDF-weighted term cosine."""

    def __init__(self, snap, lower: str, use_model: bool = True):
        self.snap = snap
        headings = heading_styles(snap.plans[lower].parsed)
        self.candidates = [r for r in snap.in_plans({lower}, LOWER_KINDS) if is_work(r, headings)]
        dense = getattr(snap.index, "dense", None) if use_model else None
        self.vectors = None
        if dense is not None and self.candidates:
            import numpy as np
            self._np = np
            self.vectors = np.vstack([self._vector(r) for r in self.candidates])
        self.method = "model" if self.vectors is not None else "keywords"
        self.sure, self.maybe = (MODEL_SURE, MODEL_MAYBE) if self.vectors is not None else (LEXICAL_SURE, LEXICAL_MAYBE)
        self._terms = {id(r): self.weights(task_text(r)) for r in self.candidates}

    def _vector(self, r: Record):
        pos = self.snap._position[id(r)]
        return self.snap.index.dense.index.reconstruct(int(pos))

    def weights(self, text: str) -> dict[str, float]:
        snap = self.snap
        return {t: snap.idf.get(t, snap.default_idf) for t in set(terms(text, snap.index.abbreviations))}

    def lexical(self, a: dict[str, float], b: dict[str, float]) -> float:
        if not a or not b:
            return 0.0
        shared = sum(w * w for t, w in a.items() if t in b)
        return shared / math.sqrt(sum(w * w for w in a.values()) * sum(w * w for w in b.values()))

    def keyword_score(self, r: Record, other: Record) -> float:
        """The keyword score of one pair (what scores() gives without the model)."""
        theirs = self._terms.get(id(other)) or self.weights(task_text(other))
        return max(self.lexical(self.weights(x), theirs) for x in task_parts(r))

    def scores(self, r: Record) -> list[tuple[float, Record]]:
        """Every candidate's score for the higher record r, best first."""
        mine = [self.weights(x) for x in task_parts(r)]
        scored = [(max(self.lexical(m, self._terms[id(c)]) for m in mine), c) for c in self.candidates]
        if self.vectors is not None:
            sims = self.vectors @ self._vector(r)
            scored = [(s + float(cos) - DENSE_CENTRE, c) for (s, c), cos in zip(scored, sims)]
        return sorted(scored, key=lambda x: (-x[0], self.snap._position[id(x[1])]))

    def best(self, r: Record) -> tuple[float, Record | None, str]:
        """(score, the closest lower record or None, status); the record is given even when NOT_FOUND."""
        ranked = self.scores(r)
        if not ranked:
            return 0.0, None, NOT_FOUND
        score, other = ranked[0]
        return score, other, FOUND if score >= self.sure else TASK_MAYBE if score >= self.maybe else NOT_FOUND


def task_rows(snap, higher: str, lower: str, use_model: bool = True) -> tuple[list[TaskRow], str]:
    lower_rank = level_rank(snap.plans[lower].parsed.plan)
    assigned = assigned_records(snap, higher, lower_rank)
    matcher = TaskMatcher(snap, lower, use_model)
    rows = []
    for r, unit, role, how in assigned:
        score, other, status = matcher.best(r)
        side = _task_side(snap, other) if other is not None else None
        if status == NOT_FOUND:
            rows.append(TaskRow(_task_side(snap, r), unit, role, how, None, "", status, round(score, 3), side))
        else:
            rows.append(TaskRow(_task_side(snap, r), unit, role, how, side, other.kind, status, round(score, 3)))
    return rows, matcher.method


# ---------------------------------------------------------------- the report
def align(snap, plan: str, against: str | None = None, use_model: bool = True) -> Alignment:
    """The lower plan `plan` against `against` (default: its higher plan among the loaded ones).
    Raises AlignError with a Vietnamese message for an unknown plan or when no higher plan is loaded."""
    if plan not in snap.plans:
        raise AlignError(f"Không có kế hoạch «{plan}». Các kế hoạch đang có: {plan_list(snap)}.")
    if against is None:
        against = higher_plan(snap, plan)
        if against is None:
            pd = snap.plans[plan].parsed.plan
            raise AlignError(f"Không tìm thấy kế hoạch cấp trên của {pd.name} trong các kế hoạch đang có "
                             f"({plan_list(snap)}). Hãy chọn kế hoạch để đối chiếu bằng --against.")
    elif against not in snap.plans:
        raise AlignError(f"Không có kế hoạch «{against}». Các kế hoạch đang có: {plan_list(snap)}.")
    if against == plan:
        raise AlignError("Hãy chọn hai kế hoạch khác nhau để đối chiếu.")
    tasks, method = task_rows(snap, against, plan, use_model)
    return Alignment(_plan_side(snap.plans[against]), _plan_side(snap.plans[plan]),
                     tuple(target_rows(snap, against, plan)), tuple(tasks), method)


def lower_plans(snap) -> list[str]:
    """Every loaded plan that has a higher plan among the loaded ones."""
    return [s for s in sorted(snap.plans) if higher_plan(snap, s) is not None]


@dataclass(frozen=True)
class AlignResult:
    """What a chat asked for: one comparison or several, or a Vietnamese message saying why there is none."""
    alignments: tuple[Alignment, ...] = ()
    message: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.alignments)


def align_named(snap, name: str = "", default_plan: str | None = None, use_model: bool = True) -> AlignResult:
    """/doi_chieu [xã]: the named plan against its higher plan; without a name, the chat's default plan when it
    has a higher plan, else every loaded plan that has one."""
    if name.strip():
        found = resolve_plan(snap, name)
        if not found:
            return AlignResult(message=f"Không tìm thấy kế hoạch của «{squash(name)}». Các kế hoạch đang có: "
                                       f"{plan_list(snap)}.")
        slugs = found
    elif default_plan in snap.plans and higher_plan(snap, default_plan):
        slugs = [default_plan]
    else:
        slugs = lower_plans(snap)
        if not slugs:
            return AlignResult(message="Chưa có cặp kế hoạch nào để đối chiếu: cần kế hoạch của xã, phường và kế "
                                       f"hoạch của tỉnh nơi đó. Các kế hoạch đang có: {plan_list(snap)}.")
    out, errors = [], []
    for slug in slugs:
        try:
            out.append(align(snap, slug, use_model=use_model))
        except AlignError as exc:
            errors.append(str(exc))
    return AlignResult(tuple(out), "" if out else " ".join(errors))
