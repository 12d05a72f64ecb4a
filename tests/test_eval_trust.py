"""The trust sets (tests/eval/near_miss.jsonl, metadata.jsonl, paraphrases.jsonl): their integrity.

near_miss: questions built from the plans' own words that no plan answers (the answer must be kind none).
metadata: number, date, issuer, signer, legal bases, sections, counts of each plan.
paraphrases: answerable questions in everyday words that share no 5-word run with the cited lines.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from corpus.text import fold, words
from tests.test_eval_set import (KINDS, LOCALITIES, PARAPHRASE_NGRAM, ROOT, evidence, has_diacritics, norm,
                                 plain, plan_lines, shape_problems, window)

EVAL_DIR = ROOT / "tests" / "eval"
SHARED_EVAL = ROOT.parent / "shared" / "eval"  # CI keeps ../shared/ beside the clone
NEAR_MISS, METADATA, PARAPHRASES = "near_miss.jsonl", "metadata.jsonl", "paraphrases.jsonl"

REQUIRED = {"id", "question", "kind", "plan", "facts", "tags", "line"}
OPTIONAL = {"also", "computed", "today"}
EXTRA_TAGS = {"no_diacritics", "abbrev"}

# Near-miss families are blocks of ids: n001-n007 contact details, n008-n014 ...
NEAR_MISS_FAMILIES = {
    "contact": (1, 7), "person": (8, 14), "money": (15, 21), "headcount": (22, 28), "calendar": (29, 35),
    "achieved": (36, 42), "compare_years": (43, 49), "penalty": (50, 56), "unset_target": (57, 63),
    "reason": (64, 70), "wrong_unit": (71, 77), "sub_locality": (78, 84), "one_word_changed": (85, 95),
}
MIN_NEAR_MISS, MIN_PER_FAMILY, MIN_ONE_WORD = 88, 6, 10
MIN_METADATA, MIN_METADATA_PER_PLAN = 24, 3
MIN_PARAPHRASES, MIN_PARAPHRASES_PER_PLAN = 40, 6
PARAPHRASE_KINDS = {"owner", "deadline", "target", "duties"}
PLAN_WORDS_RUN = 3  # a near-miss question reuses at least one 3-word run of some plan


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


SETS = {name: load(EVAL_DIR / name) for name in (NEAR_MISS, METADATA, PARAPHRASES)}
ALL = [c for cases in SETS.values() for c in cases]
ANSWERABLE = [c for c in ALL if c["kind"] != "none"]


def grams(text: str, n: int) -> set[tuple[str, ...]]:
    tokens = words(text)
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def questions_of(case: dict) -> list[str]:
    return [case["question"]] if "question" in case else list(case.get("turns", []))


# ---- schema

@pytest.mark.parametrize("name", sorted(SETS))
def test_schema(name):
    problems = []
    for c in SETS[name]:
        keys = set(c)
        if not REQUIRED <= keys or keys - REQUIRED - OPTIONAL:
            problems.append(f"{c.get('id')}: keys {sorted(keys)}")
            continue
        if c["kind"] not in KINDS:
            problems.append(f"{c['id']}: kind {c['kind']!r}")
        if c["plan"] not in LOCALITIES | {""}:
            problems.append(f"{c['id']}: plan {c['plan']!r}")
        if not isinstance(c["line"], int) or not c["question"].strip():
            problems.append(f"{c['id']}: line/question")
        if len(set(c["tags"])) != len(c["tags"]):
            problems.append(f"{c['id']}: repeated tag")
        problems += shape_problems(c)
        computed = c.get("computed", [])
        if not all(isinstance(i, int) and 0 <= i < len(c["facts"]) for i in computed):
            problems.append(f"{c['id']}: computed {computed}")
        if "computed" in c and len(set(computed)) == len(c["facts"]) == 0:
            problems.append(f"{c['id']}: computed without facts")
        if name != NEAR_MISS and ("no_diacritics" in c["tags"]) == has_diacritics(c["question"]):
            problems.append(f"{c['id']}: no_diacritics tag does not match the question")
    assert not problems, "\n".join(problems)


def test_ids_follow_each_file_prefix():
    for name, prefix in ((NEAR_MISS, "n"), (METADATA, "m"), (PARAPHRASES, "a")):
        ids = [c["id"] for c in SETS[name]]
        assert ids == [f"{prefix}{i:03d}" for i in range(1, len(ids) + 1)], name


def test_ids_and_questions_unique_across_all_eval_files():
    files = sorted(EVAL_DIR.glob("*.jsonl"))
    if SHARED_EVAL.is_dir():
        files += sorted(SHARED_EVAL.glob("*.jsonl"))
    ids, questions = Counter(), Counter()
    for path in files:
        for c in load(path):
            ids[c["id"]] += 1
            for q in questions_of(c):
                questions[norm(q)] += 1
    mine_ids = {c["id"] for c in ALL}
    mine_questions = {norm(c["question"]) for c in ALL}
    assert [i for i in mine_ids if ids[i] > 1] == []
    assert [q for q in mine_questions if questions[q] > 1] == []


# ---- near misses

def test_near_miss_cases_have_no_answer():
    for c in SETS[NEAR_MISS]:
        assert c["kind"] == "none" and c["plan"] == "" and c["facts"] == [] and c["line"] == 0, c["id"]
        assert c["tags"] == ["out_of_scope", "near_miss"] and "also" not in c and "computed" not in c, c["id"]


def test_near_miss_counts_per_family():
    numbers = [int(c["id"][1:]) for c in SETS[NEAR_MISS]]
    assert len(numbers) >= MIN_NEAR_MISS
    spans = sorted(NEAR_MISS_FAMILIES.values())
    assert all(a[1] + 1 == b[0] for a, b in zip(spans, spans[1:])) and spans[0][0] == 1, "families must tile the ids"
    assert max(numbers) == spans[-1][1], "every near-miss id belongs to a family"
    per_family = {fam: sum(lo <= n <= hi for n in numbers) for fam, (lo, hi) in NEAR_MISS_FAMILIES.items()}
    assert {f: n for f, n in per_family.items() if n < MIN_PER_FAMILY} == {}, per_family
    assert per_family["one_word_changed"] >= MIN_ONE_WORD


def test_near_miss_questions_use_the_plans_own_words():
    plan_grams = set().union(*(grams(plain("\n".join(plan_lines(loc))), PLAN_WORDS_RUN) for loc in LOCALITIES))
    foreign = [c["id"] for c in SETS[NEAR_MISS] if not grams(c["question"], PLAN_WORDS_RUN) & plan_grams]
    assert foreign == []


def test_near_miss_mix_of_spellings():
    tagged = Counter()
    for c in SETS[NEAR_MISS]:
        tagged["no_diacritics"] += not has_diacritics(c["question"])
        tagged["abbrev"] += any(a in c["question"] for a in ("UBND", "TTHC", "PVHCC", "KH&CN", "CNSCĐ", "VH-XH",
                                                              "VHXH", "KHCN", "CĐS", "HĐND", "VNeID", "pvhcc"))
    assert tagged["no_diacritics"] >= 8 and tagged["abbrev"] >= 8, tagged


# ---- metadata and paraphrases

def test_metadata_counts():
    cases = SETS[METADATA]
    assert len(cases) >= MIN_METADATA
    per_plan = Counter(c["plan"] for c in cases)
    assert set(per_plan) == LOCALITIES and min(per_plan.values()) >= MIN_METADATA_PER_PLAN, per_plan
    for c in cases:
        assert c["kind"] in {"passage", "list"}, c["id"]
        family = set(c["tags"]) - EXTRA_TAGS
        assert family in ({"metadata"}, {"overview"}), c["id"]
    assert {t for c in cases for t in c["tags"]} >= {"metadata", "overview"}


def test_paraphrase_counts():
    cases = SETS[PARAPHRASES]
    assert len(cases) >= MIN_PARAPHRASES
    per_plan = Counter(c["plan"] for c in cases)
    assert set(per_plan) == LOCALITIES and min(per_plan.values()) >= MIN_PARAPHRASES_PER_PLAN, per_plan
    assert {c["kind"] for c in cases} == PARAPHRASE_KINDS
    assert all("paraphrase" in c["tags"] and not set(c["tags"]) - EXTRA_TAGS - {"paraphrase"} for c in cases)
    assert all("computed" not in c for c in cases)


def test_every_quoted_fact_is_near_its_evidence():
    """Each fact not marked computed has an alternative within +-3 lines of `line` or an `also` line."""
    problems = []
    for c in ANSWERABLE:
        assert c["line"] >= 1 and c["facts"], c["id"]
        texts = [norm(plain(window(loc, line))) for loc, line in evidence(c)]
        computed = set(c.get("computed", []))
        for i, fact in enumerate(c["facts"]):
            if i in computed:
                continue
            if not any(norm(alt) in t for alt in fact for t in texts):
                problems.append(f"{c['id']} {c['plan']}:{c['line']}: none of {fact[:4]} near the cited lines")
    assert not problems, "\n".join(problems)


def test_every_evidence_line_has_text():
    empty = [f"{c['id']}:{line}" for c in ANSWERABLE for loc, line in evidence(c) if not window(loc, line).strip()]
    assert empty == []


def test_paraphrases_share_no_five_word_run_with_their_evidence():
    copied = []
    for c in SETS[PARAPHRASES]:
        source = set().union(*(grams(plain(window(loc, line)), PARAPHRASE_NGRAM) for loc, line in evidence(c)))
        shared = grams(c["question"], PARAPHRASE_NGRAM) & source
        if shared:
            copied.append(f"{c['id']}: {' '.join(sorted(shared)[0])}")
    assert copied == []


def test_grams_fold_tone_marks():
    assert grams("Phòng Văn hóa – Xã hội", 2) == grams("phong van hoa - xa hoi", 2)
    assert fold("Tổ CNSCĐ") == "to cnscd"


@pytest.mark.skipif(not SHARED_EVAL.is_dir(), reason="public eval sets not present beside the clone")
def test_questions_are_not_copied_from_the_public_sets():
    public = [set(words(q)) for path in sorted(SHARED_EVAL.glob("*.jsonl")) for c in load(path) for q in questions_of(c)]
    close = [c["id"] for c in ALL for theirs in public
             if len(set(words(c["question"])) & theirs) / len(set(words(c["question"])) | theirs) >= 0.75]
    assert close == []
