"""One indicator across plans: which target of another plan measures the same thing, and how two values compare.

Two targets are the same indicator when their wording is close — the embedding model's stored record vectors
(cosine), or without a model an IDF-weighted overlap of their words — and they agree on the measure (%, count,
money, yes/no) and on the population they count. A close pair that disagrees on measure or population, or whose
score sits between the "maybe" and the "sure" threshold, is a `Counterpart` with sure=False ("có thể tương ứng").
Thresholds: docs/answering.md (calibrated on tests/eval/compare.jsonl only).
"""
from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from answers.records import Record
from corpus.text import fold, words

# Two signals, each with a sure and a "có thể tương ứng" (maybe) threshold: the cosine of two stored target
# vectors (EmbeddingGemma, int8 export, each plan's mean taken away) and, with or without a model, the
# IDF-weighted cosine of the targets' words. A pair passing either signal's threshold passes.
# Calibration: docs/answering.md.
DENSE_SURE = 0.60
DENSE_MAYBE = 0.50
LEXICAL_SURE = 0.65
LEXICAL_MAYBE = 0.33
MIN_TARGETS_TO_CENTRE = 8
SAME_INDICATOR_SHARE = 0.85  # another year's target of the indicator scores at least this share of the best
POPULATION_PENALTY = 0.9     # a pair counting different populations keeps 90% of its score and is never sure

MEASURES = ("percent", "count", "money", "yes", "other")
_DATA = Path(__file__).parent / "data" / "populations.tsv"
_LEAD_WORDS = re.compile(r"^(?:chi tieu\s+)?(?:ty le|ti le|so luong|so|muc|co)\s+")
_MONEY = re.compile(r"\b(dong|trieu|ty dong|vnd|usd)\b")
_INDEX = re.compile(r"^(?:chi so|diem)\b")


@dataclass(frozen=True)
class Bounds:
    """What a value commits to: at least `low`, at most `high` (None: no bound), in a measure.
    strict: "> 80%" (more than) rather than "≥ 80%"."""
    low: float | None
    high: float | None
    measure: str                 # "percent" | "count" | "money" | "yes" | "other"
    strict: bool = False


@dataclass(frozen=True)
class Counterpart:
    target: Record               # the target (or the question's best target) we looked for
    other: Record | None         # its counterpart in the plan asked about; None: the plan does not set it
    score: float                 # similarity of the two (1.0 for the target itself)
    sure: bool                   # False: "có thể tương ứng" (close, but not certain)
    same_year: bool


# ---------------------------------------------------------------------------------------------- values

def _target(t):
    return t.obj if isinstance(t, Record) else t


def measure_of(target) -> str:
    """percent | count | money | yes | other, from the value as written, its unit and the indicator's wording."""
    t = _target(target)
    value = fold(t.value_text or "")
    text = fold(t.text or "")
    unit = fold(t.unit_of_measure or "")
    if t.value_op == "yes" or value.strip() in ("co", "x"):
        return "yes"
    if "%" in value or unit == "%" or text.startswith(("ty le", "ti le")):
        return "percent"
    if _MONEY.search(value) or _MONEY.search(unit):
        return "money"
    if _INDEX.match(text):
        return "other"
    return "count" if t.value_low is not None or t.value_high is not None else "other"


def bounds_of(target) -> Bounds | None:
    """'≥ 80%' -> Bounds(80, None, percent); '100%' -> (100, 100); '15–17%' -> (15, 17); 'ít nhất 01-02' ->
    (1, 2); '> 80%' -> (80, None, strict); 'Có' -> (None, None, yes). None when the plan writes no value."""
    t = _target(target)
    measure = measure_of(t)
    if measure == "yes":
        return Bounds(None, None, "yes")
    op, low, high = t.value_op, t.value_low, t.value_high
    if low is None and high is None:
        return None
    if op == "range":
        return Bounds(min(low, high), max(low, high), measure)
    if op in (">=", ">"):
        return Bounds(low, None, measure, strict=op == ">")
    if op in ("<=", "<"):
        return Bounds(None, low, measure, strict=op == "<")
    return Bounds(low, low, measure)


def compare_bounds(a: Bounds, b: Bounds) -> str:
    """a relative to b: "lower" | "equal" | "higher" | "incomparable". Values compare by what they commit to
    (the floor first: "100%" is above "≥ 80%"); overlapping ranges that order differently at each end
    ("15–17%" against "16%"), different measures, or a ceiling against a floor are incomparable."""
    if a.measure != b.measure:
        return "incomparable"
    if a.measure == "yes":
        return "equal"
    if a.low is None or b.low is None:
        if a.low is None and b.low is None and a.high is not None and b.high is not None:
            return _order(a.high, b.high) if a.high != b.high else "equal"
        return "incomparable"
    if a.low != b.low:
        by_low = _order(a.low, b.low)
        if a.high is not None and b.high is not None and a.high != b.high and _order(a.high, b.high) != by_low:
            return "incomparable"
        return by_low
    if a.strict != b.strict:
        return "higher" if a.strict else "lower"
    if a.high is not None and b.high is not None and a.high != b.high:
        return _order(a.high, b.high)
    return "equal"


def _order(x: float, y: float) -> str:
    return "higher" if x > y else "lower" if x < y else "equal"


# ---------------------------------------------------------------------------------------------- populations

@lru_cache(maxsize=1)
def _populations() -> tuple[tuple[str, str], ...]:
    rows = []
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cls, phrase = line.split("\t", 1)
            rows.append((cls.strip(), " ".join(words(phrase))))
    return tuple(rows)


def population_of(target) -> str | None:
    """The class of the first population phrase of the indicator's wording ("Tỷ lệ hộ gia đình có …" ->
    households), None when it names none."""
    text = " " + " ".join(words(_LEAD_WORDS.sub("", fold(_target(target).text or "")))) + " "
    best = None
    for cls, phrase in _populations():
        at = text.find(f" {phrase} ")
        if at >= 0 and (best is None or at < best[0]):
            best = (at, cls)
    return best[1] if best else None


# ---------------------------------------------------------------------------------------------- similarity

class _Model:
    """Per snapshot: every target's vector (from the dense index, when there is one) and weighted words."""

    def __init__(self, snap):
        self.snap = snap
        self.targets: list[Record] = snap.of_kind("target")
        self.row = {id(r): i for i, r in enumerate(self.targets)}
        self.by_plan: dict[str, list[int]] = {}
        for i, r in enumerate(self.targets):
            self.by_plan.setdefault(r.plan, []).append(i)
        self.vectors = self._vectors(snap)
        self.weights = [self._weights(wording(r)) for r in self.targets]
        self.measures = [measure_of(r) for r in self.targets]
        self.populations = [population_of(r) for r in self.targets]

    @property
    def dense(self) -> bool:
        return self.vectors is not None

    def _vectors(self, snap):
        """The stored record vectors of the targets (no re-embedding), each plan's mean taken away: a record's
        vector also carries its plan's name and headings, which would make two targets of one plan closer than
        the same target in two plans. A plan with few targets is centred on all its records instead."""
        dense = getattr(snap.index, "dense", None)
        if dense is None or not self.targets:
            return None
        import numpy as np
        stored = dense.index.reconstruct_n(0, dense.index.ntotal)
        # the index's docs are the snapshot's records, in the same order
        position = {id(snap.records[d.id]): pos for pos, d in enumerate(snap.index.docs)}
        vectors = stored[[position[id(r)] for r in self.targets]].astype(np.float32)
        for plan, rows in self.by_plan.items():
            if len(rows) >= MIN_TARGETS_TO_CENTRE:
                vectors[rows] -= vectors[rows].mean(axis=0)
            else:
                positions = [position[id(r)] for r in snap.in_plans({plan}, ("passage", "task", "target", "duty"))]
                vectors[rows] -= stored[positions].mean(axis=0)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1.0, norms)

    def _weights(self, text: str) -> dict[str, float]:
        from index.text import terms
        idf, default = self.snap.idf, self.snap.default_idf
        out = {}
        for t in terms(text, self.snap.index.abbreviations):
            if any(c.isdigit() for c in t):
                continue                  # values and years are compared as values, not as words
            out[_spelling(t)] = idf.get(t, default)
        return out

    def lexical(self, a: dict[str, float], b: dict[str, float]) -> float:
        if not a or not b:
            return 0.0
        dot = sum(w * b[t] for t, w in a.items() if t in b)
        return dot / math.sqrt(sum(w * w for w in a.values()) * sum(w * w for w in b.values()))

    def scores(self, i: int, rows: list[int]) -> list[tuple[float, bool, bool]]:
        """(score, sure, maybe) of target i against each of rows. score is on one scale for both signals (1.0 =
        a sure threshold): the better of the word overlap and the model's cosine, each divided by its sure
        threshold; a population clash costs POPULATION_PENALTY."""
        lexical = [self.lexical(self.weights[i], self.weights[j]) for j in rows]
        dense = (self.vectors[rows] @ self.vectors[i]).tolist() if self.dense else [0.0] * len(rows)
        out = []
        for lex, den, j in zip(lexical, dense, rows):
            penalty = POPULATION_PENALTY if self.clash(i, j) else 1.0
            lex, den = lex * penalty, den * penalty
            out.append((max(lex / LEXICAL_SURE, den / DENSE_SURE),
                        lex >= LEXICAL_SURE or den >= DENSE_SURE, lex >= LEXICAL_MAYBE or den >= DENSE_MAYBE))
        return out

    def clash(self, i: int, j: int) -> bool:
        """Do targets i and j count different populations?"""
        a, b = self.populations[i], self.populations[j]
        return a is not None and b is not None and a != b


def wording(r: Record) -> str:
    """What a target measures: its wording without the value it sets."""
    o = r.obj
    text = (o.text or "").rstrip(" .")
    if o.value_text and text.endswith(o.value_text):
        text = text[: -len(o.value_text)].rstrip(" :")
    return text


def _spelling(term: str) -> str:
    """'ti_le' and 'ty_le' are one word spelled two ways."""
    return "_".join("ty" if p == "ti" else p for p in term.split("_"))


_LOCK = threading.Lock()


def model_of(snap) -> _Model:
    """The snapshot's indicator model, built on first use (a snapshot never changes, so it is kept with it)."""
    model = snap.__dict__.get("_indicators")
    if model is None:
        with _LOCK:
            model = snap.__dict__.get("_indicators")
            if model is None:
                model = _Model(snap)
                snap.__dict__["_indicators"] = model
    return model


def similarity(snap, a: Record, b: Record) -> float:
    """a and b on the scale of counterpart() scores (1.0: the sure threshold)."""
    m = model_of(snap)
    return m.scores(m.row[id(a)], [m.row[id(b)]])[0][0]


# ---------------------------------------------------------------------------------------------- matching

def counterpart(snap, target: Record, plan_slug: str) -> Counterpart:
    """The target of plan_slug that measures what `target` measures; other=None when none reaches the "maybe"
    threshold. sure=False for "có thể tương ứng": below the sure threshold, another measure or population."""
    m = model_of(snap)
    i = m.row.get(id(target))
    if target.plan == plan_slug:
        score = m.scores(i, [i])[0][0] if i is not None else 1.0
        return Counterpart(target, target, round(score, 4), True, True)
    rows = m.by_plan.get(plan_slug, [])
    if i is None or not rows:
        return Counterpart(target, None, 0.0, False, False)
    scores = m.scores(i, rows)
    best = max(range(len(rows)), key=lambda k: (scores[k][0], -rows[k]))
    (score, sure, maybe), j = scores[best], rows[best]
    if not maybe:
        return Counterpart(target, None, round(score, 4), False, False)
    other = m.targets[j]
    sure = sure and m.measures[i] == m.measures[j] and not m.clash(i, j)
    return Counterpart(target, other, round(score, 4), sure, target.obj.year == other.obj.year)


def across_plans(snap, target_or_query, plan_slugs) -> list[Counterpart]:
    """One Counterpart per plan, in the order of plan_slugs. Given a question's text instead of a target, the
    target that best matches the question (in those plans) is looked for in each plan."""
    target = target_or_query if isinstance(target_or_query, Record) else best_target(snap, str(target_or_query),
                                                                                       plan_slugs)
    if target is None:
        return []
    return [counterpart(snap, target, slug) for slug in plan_slugs]


def best_target(snap, text: str, plan_slugs=None) -> Record | None:
    """The target closest to a question's text: the dense ranking when there is one, else word overlap."""
    m = model_of(snap)
    wanted = set(plan_slugs) if plan_slugs is not None else None
    rows = [i for i, r in enumerate(m.targets) if wanted is None or r.plan in wanted]
    if not rows or not text.strip():
        return None
    if m.dense:
        hits = snap.index.dense_scored(text, 1, plans=sorted({m.targets[i].plan for i in rows}), kinds=["target"])
        if hits:
            return snap.records[snap.index.docs[hits[0][0]].id]
    q = m._weights(text)
    best = max(rows, key=lambda j: (m.lexical(q, m.weights[j]), -j))
    return m.targets[best] if m.lexical(q, m.weights[best]) > 0 else None


def matches_in_plan(snap, target: Record, plan_slug: str) -> list[Counterpart]:
    """The counterpart of target in the plan, then the plan's other sure counterparts of other years ("≥ 60%
    by 2025", "≥ 80% by 2030"), each year once. Empty when the plan does not set the indicator."""
    best = counterpart(snap, target, plan_slug)
    if best.other is None:
        return []
    m = model_of(snap)
    i, rows = m.row[id(target)], m.by_plan.get(plan_slug, [])
    years = {best.other.obj.year}
    out = [best]
    for (score, sure, _), j in sorted(zip(m.scores(i, rows), rows), key=lambda x: (-x[0][0], x[1])):
        other = m.targets[j]
        if (sure and score >= best.score * SAME_INDICATOR_SHARE and other.obj.year not in years
                and m.measures[i] == m.measures[j] and not m.clash(i, j)):
            years.add(other.obj.year)
            out.append(Counterpart(target, other, round(score, 4), True, target.obj.year == other.obj.year))
    return out


def word_overlap(snap, a: Record, b: Record) -> float:
    """IDF-weighted cosine of two targets' wording (1.0: the same words)."""
    m = model_of(snap)
    return m.lexical(m.weights[m.row[id(a)]], m.weights[m.row[id(b)]])
