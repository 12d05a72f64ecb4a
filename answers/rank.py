"""Rank records for a Query: hybrid-index hits re-scored by IDF coverage of the question's topic terms."""
from __future__ import annotations

import re
from functools import lru_cache

from answers import evidence
from answers.library import Snapshot
from answers.query import Query, collective_unit
from answers.records import Found, Record, match_text, years_in
from corpus.text import fold, one_spelling, syllables

MIN_COVERAGE = 0.4
# The embedding model's first choice, when close enough to the question, stands in for word overlap: an
# everyday paraphrase ("tiệm buôn bán nhỏ") shares few words with the plan's wording ("hộ kinh doanh").
# Calibrated with bench/answers.py on tests/eval (answerable vs near-miss questions): on 2026-12-03 both
# int8 exports (all MLP down projections fp32, and 9 of 24 in int8) score best from 0.54 to 0.565
# (549/571, abstention precision 0.965, recall 0.948); 0.58 lost one paraphrase sitting at 0.578. The
# export of 15:05 (SmoothQuant, 15 of 24) scores best from 0.545 to 0.565 (547/571, 0.964, 0.939); the
# export of 16:00 (8-bit weights, Dense heads fp32) from 0.53 to 0.575 (549/571, 0.965, 0.948; 0.59: 547);
# the 7-bit export made on an AMD EPYC without VNNI, with Xuân Phú's headings fixed, from 0.54 to 0.555
# (550/571, 0.965, 0.948; 0.52 and 0.57-0.59: 549).
DENSE_SURE = 0.555
DENSE_SCORE = MIN_COVERAGE + 0.05
DENSE_TIE = 0.005       # a passage and the table row it repeats score alike: both are the first choice
_DATE_WORDS = re.compile(r"trước ngày|thời hạn|hoàn thành (trong|trước)|hằng tháng|định kỳ|\bquý [IV]+|tháng \d|"
                         r"tính đến|cuối năm \d{4}",
                         re.IGNORECASE)


# a paragraph naming several items after a colon: "… như: A; B; C", "… gồm: a) …; b) …"
_ENUMERATES = re.compile(r":[^:;]+;[^;]+;")


def _first_of_both(snap: Snapshot, q: Query, h, r: Record) -> bool:
    """Both retrievers put the record first — the words (lexical) and the meaning (dense) — and it holds every
    content word of the question: it stands as the embedding model's sure choice does, however little of the
    question's other wording it shares ("5G phải phủ tới đâu" against "Tỉ lệ phủ sóng 5G"). Whether it answers is
    still for the verdict (evidence.assess). Measured on the tuning part (2026-12-07, model): on 4392 questions, both
    first +10 / -4 (two near misses answered from a target lacking one of their words, hence the content-word
    condition), first of one and second of the other one question fewer; both first with the condition +10 / -2 (the
    two, a person's name and a length asked, are read as such since), and on 4583 questions with those +13, none
    lost."""
    return h.lexical_rank == 1 and h.dense_rank == 1 and not evidence.coverage(snap, q, r)[2]


def scope_of(snap: Snapshot, q: Query, default_plan: str | None = None) -> list[str]:
    """The plans a question is about: the ones it names, else the chat's default, else the plans of a unit
    named in full ("Công an tỉnh" is the province's), else all."""
    if q.plans:
        return list(q.plans)
    if default_plan in snap.plans:
        return [default_plan]
    full = sorted({u.plan for u in q.units if u.score >= 1.0 and not collective_unit(u.name)})
    return full or sorted(snap.plans)


def units_in(q: Query, scope: list[str]):
    return [u for u in q.units if u.plan in scope]


def toned_pairs(phrases) -> frozenset[str]:
    return frozenset(f"{one_spelling(a)}_{one_spelling(b)}" for p in phrases for a, b in zip(p, p[1:]))


@lru_cache(maxsize=50_000)
def _record_pairs(text: str) -> frozenset[str]:
    return toned_pairs([syllables(p, True) for p in re.split(r"[,;:()\n.]", text)])


def _same_tones(qpairs: dict[str, set[str]], matched: set[str], rpairs: frozenset[str]) -> bool:
    """Some two-syllable word both share is the same word with its tones (a syllable typed without
    marks matches any tone)."""
    return any(p in rpairs or any(fold(w) == w for w in p.split("_"))
               for t in matched if "_" in t for p in qpairs.get(t, ()))


def best(snap: Snapshot, q: Query, scope: list[str], kinds: list[str], depth: int = 40) -> list[tuple[float, Record]]:
    hits = snap.index.search(q.search, k=depth, plans=scope, kinds=kinds)
    structured = q.wants("owner", "coop", "deadline", "value", "kpi", "product")
    prior = {"passage": -0.12 if structured else 0.0, "duty": 0.05 if "duties" in q.asks else 0.0,
             "target": 0.08 if "value" in q.asks else 0.0,
             # only table rows name cooperating units
             "task": 0.2 if q.role in ("coop", "both") else (
                 0.05 if q.wants("owner", "deadline", "kpi", "product") else 0.0)}
    units = units_in(q, scope)
    unit_names = {(u.plan, u.name) for u in units}
    qset = set(q.topic)
    # the gate below counts the topic's syllables and the pairs of two of them ("chuyện cười"), not a pair one of
    # whose syllables only says what is asked: "5G phủ" ("phủ" is read as the form word of "phụ trách") is no
    # word, and "5G" alone meets "phủ sóng 5G" (the verdict still weighs what the question says)
    known = {t for t in qset if "_" not in t or all(p in qset for p in t.split("_"))}
    qbigrams = any("_" in t for t in known)
    qpairs: dict[str, set[str]] = {}
    for phrase in (q.phrases if q.toned else ()):
        for a, b in zip(phrase, phrase[1:]):
            qpairs.setdefault(f"{fold(a)}_{fold(b)}", set()).add(f"{one_spelling(a)}_{one_spelling(b)}")
    prefer = q.levels
    scored = []
    top_similarity = max((h.similarity for h in hits if h.similarity is not None), default=1.0)
    for rank, h in enumerate(hits):
        r = snap.records.get(h.doc.id)
        if r is None:
            continue
        matched = qset & r.terms
        dense_sure = ((h.similarity or 0.0) >= max(DENSE_SURE, top_similarity - DENSE_TIE)
                      or _first_of_both(snap, q, h, r))
        # one matching syllable is chance ("bạn" ~ "ban hành"); a question must meet a record twice,
        # and with a two-syllable word when it has one ("chuyện cười" is not "chuyển ... đầu cuối")
        if not dense_sure and (len(matched) < min(2, len(known)) or (qbigrams and not any("_" in t for t in matched))):
            continue
        if not dense_sure and qpairs and any("_" in t for t in matched) and not _same_tones(
                qpairs, matched, _record_pairs(snap.index.abbreviations.spell_out(match_text(r)))):
            continue        # the shared two-syllable words differ in tone: "chữ ký" is not "(làm) chủ kỹ (năng)"
        score = snap.coverage(q.topic, r.terms) + 0.05 / (1 + rank)
        if h.dense_rank is not None:
            score += 0.12 / (1 + h.dense_rank)
        if prefer and snap.plans[r.plan].parsed.plan.level in prefer:
            score += 0.15
        if q.year and r.kind == "target" and r.obj.year == q.year:
            score += 0.1
        elif q.year and r.kind == "passage" and q.year in years_in(r.obj.text):
            score += 0.05       # a paragraph giving the year asked ("đến năm 2030, … đạt trên 30%")
        score += prior.get(r.kind, 0.0)
        if unit_names:
            reg = snap.plans[r.plan].units
            if r.kind == "duty" and (r.plan, reg.canonical(r.obj.unit)) in unit_names:
                score += 0.1
            elif r.kind in ("task", "target") and any((r.plan, reg.canonical(u)) in unit_names for u in r.obj.lead):
                score += 0.05
            elif r.kind == "task" and q.role in ("coop", "both") and any(
                    (r.plan, reg.canonical(u)) in unit_names for u in r.obj.cooperating):
                score += 0.05
        if "deadline" in q.asks and r.kind in ("passage", "duty") and _DATE_WORDS.search(r.obj.text):
            score += 0.08
        if "list" in q.asks and r.kind == "passage" and _ENUMERATES.search(r.obj.text):
            score += 0.15       # "qua những kênh nào": a paragraph that names its items ("… như: A; B; C")
        if dense_sure:
            score = max(score, DENSE_SCORE)
        scored.append((score, r))
    scored.sort(key=lambda x: (-x[0], x[1].plan, x[1].first_line))
    return scored


def per_plan(ranked: list[tuple[float, Record]]) -> list[Found]:
    """The best record, plus the best of each other plan that answers almost as well."""
    top_score, top = ranked[0]
    chosen = [Found(top_score, top)]
    seen = {top.plan}
    for score, r in ranked[1:]:
        if r.plan in seen or r.kind != top.kind:
            continue
        if score >= top_score * 0.9 and score >= MIN_COVERAGE:
            chosen.append(Found(score, r))
            seen.add(r.plan)
    return chosen
