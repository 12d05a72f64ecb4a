"""Integrity of the structured evaluation sets: today, counts, roles, lists and conversations.

Reuses the plan-reading helpers of tests/test_eval_set.py, so a fact is checked against the plan text
exactly as in the main evaluation set.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from bench.answers import load_cases, norm
from corpus.text import words
from tests.test_eval_set import KINDS, LOCALITIES, ROOT, evidence, plain, shape_problems, window

EVAL_DIR = ROOT / "tests" / "eval"
SHARED_DIR = ROOT.parent / "shared" / "eval"

# file -> (id prefix, required tag, minimum number of cases)
FILES = {
    "today.jsonl": ("t", "today", 34),
    "counts.jsonl": ("k", "count", 28),
    "roles.jsonl": ("r", "coop", 28),
    "lists.jsonl": ("l", "list_whole", 28),
    "conversations.jsonl": ("v", "conversation", 28),
}
BASE_KEYS = {"id", "kind", "plan", "facts", "tags", "line"}
OPTIONAL = {"also", "computed", "note"}
EXTRA_KEYS = {"today.jsonl": {"question", "today"}, "conversations.jsonl": {"turns", "context_needed"}}
MIN_TODAY_DATES = 5          # several reference dates, not one
MIN_NO_OVERDUE = 4           # "no task is overdue" cases in today.jsonl
MIN_FRESH_TOPIC = 7          # conversations whose last turn must not inherit context
NO_OVERDUE_WORDS = ("không có nhiệm vụ", "không có việc", "không có đầu việc", "chưa có nhiệm vụ")

CASES = {name: load_cases(EVAL_DIR / name) for name in FILES}
ALL = [(name, c) for name, cases in CASES.items() for c in cases]


def asked(case: dict) -> str:
    """What a case asks, as one string: the question, or all turns of a conversation."""
    return case["question"] if "question" in case else " || ".join(case["turns"])


def test_schema():
    problems = []
    for name, c in ALL:
        prefix, tag, _ = FILES[name]
        required = BASE_KEYS | EXTRA_KEYS.get(name, {"question"})
        keys = set(c)
        if not required <= keys or keys - required - OPTIONAL:
            problems.append(f"{name} {c.get('id')}: keys {sorted(keys)}")
            continue
        if not (c["id"].startswith(prefix) and c["id"][len(prefix):].isdigit()):
            problems.append(f"{c['id']}: id must be {prefix}NNN")
        if c["kind"] not in KINDS - {"none"}:
            problems.append(f"{c['id']}: kind {c['kind']!r}")
        if c["tags"] != [tag]:
            problems.append(f"{c['id']}: tags {c['tags']}")
        if c["plan"] not in LOCALITIES:
            problems.append(f"{c['id']}: plan {c['plan']!r}")
        if not isinstance(c["line"], int) or c["line"] < 1:
            problems.append(f"{c['id']}: line {c['line']!r}")
        if not c["facts"]:
            problems.append(f"{c['id']}: facts must be non-empty lists of alternatives")
        problems += shape_problems(c)
        computed = c.get("computed", [])
        if not all(isinstance(i, int) and 0 <= i < len(c["facts"]) for i in computed) or \
                len(set(computed)) != len(computed) or len(computed) == len(c["facts"]) > 1 and name != "counts.jsonl":
            problems.append(f"{c['id']}: computed {computed}")
        if "question" in c and not c["question"].strip():
            problems.append(f"{c['id']}: empty question")
        if "turns" in c and (not 2 <= len(c["turns"]) <= 3 or not all(isinstance(t, str) and t.strip() for t in c["turns"])
                             or not isinstance(c["context_needed"], bool)):
            problems.append(f"{c['id']}: turns/context_needed")
    assert not problems, "\n".join(problems)


def _shared_cases() -> list[dict]:
    cases = load_cases(EVAL_DIR / "questions.jsonl")
    extra = sorted(p for p in EVAL_DIR.glob("*.jsonl") if p.name not in FILES and p.name != "questions.jsonl")
    for path in extra:
        cases += load_cases(path)
    return cases


def test_ids_and_questions_unique_across_our_sets():
    cases = [c for _, c in ALL] + _shared_cases()
    ids = Counter(c["id"] for c in cases)
    questions = Counter(norm(asked(c)) for c in cases)
    assert [i for i, n in ids.items() if n > 1] == []
    assert [q for q, n in questions.items() if n > 1] == []


@pytest.mark.skipif(not SHARED_DIR.is_dir(), reason="shared evaluation sets not present on this machine")
def test_ids_and_questions_differ_from_the_shared_sets():
    shared = [c for p in sorted(SHARED_DIR.glob("*.jsonl")) for c in load_cases(p)]
    shared_ids = {c["id"] for c in shared}
    shared_questions = [set(words(asked(c))) for c in shared]
    clash, close = [], []
    for _, c in ALL:
        if c["id"] in shared_ids:
            clash.append(c["id"])
        mine = set(words(asked(c)))
        if any(len(mine & theirs) / len(mine | theirs) >= 0.75 for theirs in shared_questions):
            close.append(c["id"])
    assert clash == [] and close == []


def test_minimum_counts():
    for name, (_, _, minimum) in FILES.items():
        assert len(CASES[name]) >= minimum, name
        for loc in LOCALITIES - {"Xuân Phú"} if name == "roles.jsonl" else ():
            assert any(c["plan"] == loc for c in CASES[name]), (name, loc)
    fresh = [c for c in CASES["conversations.jsonl"] if not c["context_needed"]]
    assert len(fresh) >= MIN_FRESH_TOPIC
    assert len({c["today"] for c in CASES["today.jsonl"]}) >= MIN_TODAY_DATES
    no_overdue = [c for c in CASES["today.jsonl"]
                  if any(any(w in norm(a) for w in NO_OVERDUE_WORDS) for f in c["facts"] for a in f)]
    assert len(no_overdue) >= MIN_NO_OVERDUE


def test_every_uncomputed_fact_is_in_the_cited_plan_text():
    """A fact not marked `computed` has an alternative within +-3 lines of `line` or an `also` line."""
    problems = []
    for name, c in ALL:
        texts = [norm(plain(window(loc, line))) for loc, line in evidence(c)]
        for i, fact in enumerate(c["facts"]):
            if i in c.get("computed", []):
                continue
            if not any(norm(alt) in t for alt in fact for t in texts):
                problems.append(f"{c['id']} {c['plan']}:{c['line']}: none of {fact[:4]} near the cited lines")
    assert not problems, "\n".join(problems)


def test_counts_are_marked_computed():
    assert [c["id"] for c in CASES["counts.jsonl"] if 0 not in c.get("computed", [])] == []


def test_today_cases_have_a_valid_date():
    bad = []
    for c in CASES["today.jsonl"]:
        try:
            day = dt.date.fromisoformat(c["today"])
        except (TypeError, ValueError):
            bad.append(c["id"])
            continue
        if c["today"] != day.isoformat() or day.year != 2026:
            bad.append(c["id"])
    assert bad == []


def test_list_cases_name_first_and_last_item():
    bad = [c["id"] for c in CASES["lists.jsonl"] if len(c["facts"]) < 2 or not c.get("also")]
    assert bad == []
    for name in ("today.jsonl", "roles.jsonl"):
        for c in CASES[name]:
            if c["kind"] == "list":
                assert len(c["facts"]) >= 2, c["id"]


def test_fresh_topic_turns_name_their_plan():
    """A last turn that must not inherit context names its own locality."""
    missing = []
    for c in CASES["conversations.jsonl"]:
        last = norm(c["turns"][-1])
        names_plan = norm(c["plan"]) in last or " ".join(words(c["plan"])) in " ".join(words(last))
        if not c["context_needed"] and not names_plan:
            missing.append(c["id"])
        if c["context_needed"] and names_plan and len(c["turns"][-1]) > 60:
            missing.append(c["id"] + " (long, self-contained last turn marked context_needed)")
    assert missing == []


def test_the_toneless_copy_strips_every_mark_and_keeps_the_gold():
    from bench.answers import toneless, toneless_case
    assert toneless("Đồng Nai: chỉ tiêu ≥ 95% thủ tục") == "Dong Nai: chi tieu ≥ 95% thu tuc"
    conv = {"id": "x", "turns": ["Ai chủ trì?", "Còn hạn?"], "facts": [["quý ii/2026"]]}
    copy = toneless_case(conv)
    assert copy["turns"] == ["Ai chu tri?", "Con han?"] and copy["facts"] == conv["facts"]
    assert conv["turns"][0] == "Ai chủ trì?"  # the loaded case is not changed in place
