"""Our answer-evaluation set (tests/eval/questions.jsonl): its integrity, and the answerer's accuracy on it."""
from __future__ import annotations

import json
import re
import sys
import types
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from bench.answers import Result, ask_all, check, cold_start, load_cases, main, norm, percentile, summarize
from corpus.text import fold, words

ROOT = Path(__file__).resolve().parents[1]
EVAL_SET = ROOT / "tests" / "eval" / "questions.jsonl"
PLANS_DIR = ROOT / "corpus" / "plans"
DEV_SET = Path("/work/shared/eval/dev.jsonl")  # the public dev set, only to make sure we did not copy it

KINDS = {"owner", "deadline", "target", "duties", "list", "passage", "none"}
TAGS = {"no_diacritics", "abbrev", "paraphrase", "out_of_scope", "compound", "multi_plan"}
LOCALITIES = {"Nha Bích", "Đồng Nai", "Hàng Gòn", "Xuân Phú", "Phước An"}
REQUIRED = {"id", "question", "kind", "plan", "facts", "tags", "line"}
MIN_TOTAL, MIN_PER_KIND, MIN_PER_PLAN = 130, 5, 15
MIN_PER_TAG = {"no_diacritics": 22, "abbrev": 16, "paraphrase": 16, "out_of_scope": 16,
               "compound": 4, "multi_plan": 4}
# Shorthands officials type; a question tagged "abbrev" must use at least one (compared folded).
ABBREVIATIONS = ("CĐS", "CDS", "TTHC", "PVHCC", "KH&CN", "KHCN", "ĐMST", "CSDL", "DVC", "UBND", "CNSCĐ",
                 "VNeID", "VHXH", "VH-XH", "P. VHXH", "CNTT", "DVVT", "ATTT", "HĐND", "HTX", "KH, CN")
WINDOW = 3            # a fact must sit within +-3 lines of the cited line
PARAPHRASE_NGRAM = 5  # a paraphrase shares no run of this many words with the cited text


def plain(text: str) -> str:
    """Plan text as a reader sees it: LaTeX (`$\\geq 95\\%$`), <b> tags and ** markup removed."""
    text = re.sub(r"\\geq\b", "≥", text)
    text = re.sub(r"\\leq\b", "≤", text)
    text = text.replace("\\%", "%").replace("$", "")
    text = re.sub(r"</?b>", " ", text)
    return text.replace("**", " ")


def plan_file(locality: str) -> Path:
    slug = "-".join(words(locality))
    found = [p for p in sorted(PLANS_DIR.glob("*.txt")) if slug in p.name]
    assert len(found) == 1, f"{locality!r}: expected one plan file named *{slug}*, found {found}"
    return found[0]


_LINES: dict[str, list[str]] = {}


def plan_lines(locality: str) -> list[str]:
    if locality not in _LINES:
        _LINES[locality] = plan_file(locality).read_text(encoding="utf-8").split("\n")
    return _LINES[locality]


def evidence(case: dict) -> list[tuple[str, int]]:
    """(locality, line) pairs that prove the case: the cited line plus any `also` lines."""
    return [(case["plan"], case["line"])] + [(a["plan"], a["line"]) for a in case.get("also", [])]


def window(locality: str, line: int) -> str:
    lines = plan_lines(locality)
    assert 1 <= line <= len(lines), f"{locality}: line {line} outside 1..{len(lines)}"
    return " ".join(lines[max(0, line - 1 - WINDOW): line + WINDOW])


def has_diacritics(text: str) -> bool:
    return fold(text) != text.lower()


CASES = load_cases(EVAL_SET)
ANSWERABLE = [c for c in CASES if c["kind"] != "none"]


def shape_problems(c: dict) -> list[str]:
    """Checks every eval file shares: facts are non-empty lists of alternatives; 'also' names a plan and an
    integer line."""
    out = []
    if not all(isinstance(f, list) and f and all(isinstance(a, str) and a.strip() for a in f) for f in c["facts"]):
        out.append(f"{c['id']}: facts must be non-empty lists of alternatives")
    for a in c.get("also", []):
        if set(a) != {"plan", "line"} or a["plan"] not in LOCALITIES or not isinstance(a["line"], int):
            out.append(f"{c['id']}: also {a}")
    return out


def test_schema():
    problems = []
    for c in CASES:
        keys = set(c)
        if not REQUIRED <= keys or keys - REQUIRED - {"also"}:
            problems.append(f"{c.get('id')}: keys {sorted(keys)}")
            continue
        if c["kind"] not in KINDS:
            problems.append(f"{c['id']}: kind {c['kind']!r}")
        if not set(c["tags"]) <= TAGS or len(set(c["tags"])) != len(c["tags"]):
            problems.append(f"{c['id']}: tags {c['tags']}")
        if c["plan"] not in LOCALITIES | {""}:
            problems.append(f"{c['id']}: plan {c['plan']!r}")
        if not isinstance(c["line"], int) or not c["question"].strip():
            problems.append(f"{c['id']}: line/question")
        problems += shape_problems(c)
    assert not problems, "\n".join(problems)


def test_ids_and_questions_unique():
    ids = Counter(c["id"] for c in CASES)
    questions = Counter(norm(c["question"]) for c in CASES)
    assert [i for i, n in ids.items() if n > 1] == []
    assert [q for q, n in questions.items() if n > 1] == []


def test_counts():
    assert len(CASES) >= MIN_TOTAL
    kinds = Counter(c["kind"] for c in CASES)
    assert {k: n for k, n in kinds.items() if n < MIN_PER_KIND} == {} and set(kinds) == KINDS, kinds
    plans = Counter(c["plan"] for c in ANSWERABLE)
    assert set(plans) == LOCALITIES and min(plans.values()) >= MIN_PER_PLAN, plans
    for loc in LOCALITIES:  # every plan asked about in several ways
        assert len({c["kind"] for c in ANSWERABLE if c["plan"] == loc}) >= 4, loc
    tags = Counter(t for c in CASES for t in c["tags"])
    assert {t: tags[t] for t, n in MIN_PER_TAG.items() if tags[t] < n} == {}, tags


def test_out_of_scope_cases_are_consistent():
    for c in CASES:
        is_none = c["kind"] == "none"
        assert is_none == ("out_of_scope" in c["tags"]), c["id"]
        if is_none:
            assert c["plan"] == "" and c["facts"] == [] and c["line"] == 0 and "also" not in c, c["id"]
        else:
            assert c["plan"] and c["facts"] and c["line"] >= 1, c["id"]


def test_every_fact_is_in_the_cited_plan_text():
    """Each fact has an alternative written, after normalization, within +-3 lines of its evidence."""
    problems = []
    for c in ANSWERABLE:
        texts = [norm(plain(window(loc, line))) for loc, line in evidence(c)]
        for fact in c["facts"]:
            if not any(norm(alt) in t for alt in fact for t in texts):
                problems.append(f"{c['id']} {c['plan']}:{c['line']}: none of {fact} near the cited lines")
    assert not problems, "\n".join(problems)


def test_no_diacritics_tag_matches_question():
    wrong = [c["id"] for c in CASES if has_diacritics(c["question"]) == ("no_diacritics" in c["tags"])]
    assert wrong == []


def test_abbrev_questions_use_an_abbreviation():
    def uses_abbrev(q: str) -> bool:
        folded = fold(q)
        return any(re.search(r"(?<![0-9a-z])" + re.escape(fold(a)) + r"(?![0-9a-z])", folded)
                   for a in ABBREVIATIONS)
    assert [c["id"] for c in CASES if "abbrev" in c["tags"] and not uses_abbrev(c["question"])] == []


def test_paraphrases_do_not_reuse_the_plan_wording():
    def grams(tokens: list[str]) -> set[tuple[str, ...]]:
        n = PARAPHRASE_NGRAM
        return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}
    copied = []
    for c in CASES:
        if "paraphrase" not in c["tags"]:
            continue
        source = set().union(*(grams(words(plain(window(loc, line)))) for loc, line in evidence(c)))
        shared = grams(words(c["question"])) & source
        if shared:
            copied.append(f"{c['id']}: {' '.join(sorted(shared)[0])}")
    assert copied == [], copied


def test_compound_and_multi_plan_cases_need_more_than_one_piece():
    for c in CASES:
        if "compound" in c["tags"]:
            assert len(c["facts"]) >= 2, c["id"]
        if "multi_plan" in c["tags"]:
            assert len({loc for loc, _ in evidence(c)}) >= 2, c["id"]


@pytest.mark.skipif(not DEV_SET.exists(), reason="public dev set not present on this machine")
def test_questions_are_not_copied_from_the_dev_set():
    dev = [set(words(json.loads(line)["question"])) for line in DEV_SET.read_text(encoding="utf-8").splitlines()
           if line.strip()]
    close = []
    for c in CASES:
        mine = set(words(c["question"]))
        for theirs in dev:
            if len(mine & theirs) / len(mine | theirs) >= 0.75:
                close.append(c["id"])
    assert close == []


# ---- the checking rules bench/answers.py shares with the public scorer ----

def _out(answer: str, kind: str = "owner", locality: str = "Nha Bích") -> dict:
    return {"answer": answer, "kind": kind,
            "sources": [{"plan": f"Kế hoạch xã {locality}", "locality": locality}]}


def test_norm_folds_spelling_variants():
    assert norm("Phòng Văn hoá – Xã hội") == "phòng văn hóa-xã hội"
    # The scorer's tone table also rewrites "quý" (-> "qúy"); harmless, both sides go through it.
    assert norm("Quý II / 2026") == norm("quý ii/2026") and norm("Quý II / 2026").endswith(" ii/2026")
    assert norm("  Uỷ  ban\nMTTQ ") == "ủy ban mttq"


def test_check_follows_the_scorer_rules():
    case = {"kind": "owner", "plan": "Nha Bích", "facts": [["phòng vh-xh", "phòng văn hóa-xã hội"], ["quý ii/2026"]]}
    assert check(case, _out("Phòng Văn hoá – Xã hội chủ trì, hạn Quý II/2026.")) == (True, "")
    ok, why = check(case, _out("Phòng Văn hóa – Xã hội chủ trì."))
    assert not ok and why == "missing quý ii/2026"
    ok, why = check(case, _out("Phòng VH-XH, Quý II/2026", locality="Phước An"))
    assert not ok and why.startswith("no source from Nha Bích")
    assert check(case, _out("Không tìm thấy.", kind="none"))[0] is False
    none_case = {"kind": "none", "plan": "", "facts": []}
    assert check(none_case, _out("Xin lỗi, tôi không biết.", kind="none"))[0] is True
    assert check(none_case, _out("Phòng VH-XH"))[0] is False


def test_percentile_is_nearest_rank():
    assert percentile([], 0.5) == 0.0
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert percentile([float(i) for i in range(1, 101)], 0.95) == 95.0


class _FakeAnswer:
    def __init__(self, text: str, kind: str, locality: str):
        self.text, self.kind, self.locality = text, kind, locality

    def to_json(self) -> dict:
        return _out(self.text, self.kind, self.locality)


class _EchoAssistant:
    """Answers 'Phòng VH-XH' from Nha Bích to everything and counts calls."""
    def __init__(self):
        self.calls = 0

    def ask(self, question: str, default_plan: str | None = None):
        self.calls += 1
        if question == "boom":
            raise RuntimeError("index missing")
        return _FakeAnswer("Phòng VH-XH chủ trì.", "owner", "Nha Bích")


def test_ask_all_scores_the_last_pass_and_summarizes():
    cases = [
        {"id": "a", "question": "q1", "kind": "owner", "plan": "Nha Bích", "facts": [["phòng vh-xh"]], "tags": ["abbrev"]},
        {"id": "b", "question": "q2", "kind": "target", "plan": "Nha Bích", "facts": [["80%"]], "tags": []},
        {"id": "c", "question": "q3", "kind": "none", "plan": "", "facts": [], "tags": ["out_of_scope"]},
        {"id": "d", "question": "boom", "kind": "owner", "plan": "Nha Bích", "facts": [["phòng vh-xh"]], "tags": []},
    ]
    bot = _EchoAssistant()
    results = ask_all(bot, cases, passes=2)
    assert bot.calls == 8 and [r.ok for r in results] == [True, False, False, False]
    summary = summarize(results)
    assert (summary.correct, summary.total) == (1, 4)
    assert summary.by_kind == {"none": (0, 1), "owner": (1, 2), "target": (0, 1)}
    assert summary.by_tag == {"abbrev": (1, 1), "out_of_scope": (0, 1)}
    assert set(summary.latency) == {"owner", "target", "none", "all"}
    assert isinstance(results[0], Result) and results[1].why == "missing 80%"
    assert results[3].why == "error RuntimeError: index missing"


def test_bench_main_reports_per_kind_tag_and_failures(tmp_path, monkeypatch, capsys):
    cases = [
        {"id": "a", "question": "q1", "kind": "owner", "plan": "Nha Bích", "facts": [["phòng vh-xh"]], "tags": []},
        {"id": "b", "question": "q2", "kind": "target", "plan": "Nha Bích", "facts": [["80%"]], "tags": ["paraphrase"]},
    ]
    gold = tmp_path / "set.jsonl"
    gold.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in cases) + "\n", encoding="utf-8")
    seen = {}

    def build_assistant(plans_dir, data_dir, embedder=None, vector_cache=None):
        seen.update(plans_dir=plans_dir, data_dir=data_dir, embedder=embedder, data_exists=Path(data_dir).is_dir())
        return _EchoAssistant()

    fake = types.ModuleType("answers.service")
    fake.build_assistant = build_assistant
    monkeypatch.setitem(sys.modules, "answers.service", fake)
    rc = main(["--set", str(gold), "--no-cold", "--show-fail", "--min", "0.9", "--json"])
    out = capsys.readouterr().out
    assert rc == 1
    assert "accuracy 1/2 = 0.500" in out and "owner=1/1" in out and "paraphrase=0/1" in out
    assert "x b [target] q2" in out and "missing 80%" in out
    assert json.loads(out.strip().splitlines()[-1])["correct"] == 1
    assert seen["embedder"] is None and seen["data_exists"] and seen["plans_dir"] == PLANS_DIR


def test_cold_start_times_the_first_json_line():
    fake_cli = "{python} -c \"import time; print('loading'); time.sleep(0.2); print(chr(123) + chr(125))\" {file}"
    seconds, why = cold_start("Ai ký kế hoạch?", fake_cli)
    assert why == "" and 0.2 <= seconds < 10
    seconds, why = cold_start("Ai ký kế hoạch?", "{python} -c \"print('no answer')\" {file}")
    assert seconds is None and why.startswith("no JSON answer")
    seconds, why = cold_start("Ai ký kế hoạch?", "{python} -c \"import time; time.sleep(30)\" {file}", timeout=0.5)
    assert seconds is None and why == "no answer within 0s"


# ---- the real answerer on the whole set ----

# Floors for the keyword path alone (no embedding model): everyday paraphrases go unanswered there, so these
# guard against regressions of that path only. The goals themselves are asserted below, on the model's vectors.
# 2026-12-06: 14 synonym pairs that each served one question of this set were removed (issue 20), so the
# keyword path answers fewer of its everyday paraphrases: precision 0.785 there (524/571); the floor follows.
MIN_ACCURACY_ALL = 0.90
MIN_ABSTAIN_PRECISION = 0.77
MIN_ABSTAIN_RECALL = 0.94

# The goals with the model (issue "Answers officials can trust"): asserted on vectors the real model made for
# every text of this eval, recorded by bench/answers.py --record and replayed here (tests never load the model).
GOAL_ACCURACY = 0.93
GOAL_ABSTAIN_PRECISION = 0.95
MODEL_VECTORS = ROOT / "tests" / "eval" / "model_vectors.npz"
RERECORD = (".venv/bin/python -m bench.answers --no-cold --passes 1 --model models/embeddinggemma-300m "
            "--record tests/eval/model_vectors.npz")


def test_accuracy_on_eval_set(tmp_path):
    from answers.service import build_assistant
    from bench.answers import all_sets, load_all

    assistant = build_assistant(PLANS_DIR, tmp_path, embedder=None)
    results = ask_all(assistant, CASES, passes=1)
    summary = summarize(results)
    fails = "\n".join(f"{r.case_id} {r.question} -> {r.why}" for r in results if not r.ok)
    assert summary.accuracy >= 0.9, f"accuracy {summary.correct}/{summary.total}\n{fails}"
    every = summarize(ask_all(assistant, load_all(all_sets()), passes=1))
    assert every.errors == 0
    assert every.accuracy >= MIN_ACCURACY_ALL, f"all sets {every.correct}/{every.total}"
    assert every.abstain_precision >= MIN_ABSTAIN_PRECISION and every.abstain_recall >= MIN_ABSTAIN_RECALL


def test_goals_with_the_models_recorded_vectors(tmp_path):
    from answers.service import build_assistant
    from bench.answers import all_sets, load_all
    from bench.recorded import ReplayEmbedder

    embedder = ReplayEmbedder(MODEL_VECTORS)
    assert "embeddinggemma" in embedder.meta["model"] and embedder.dim == 768
    assistant = build_assistant(PLANS_DIR, tmp_path, embedder=embedder)
    results = ask_all(assistant, load_all(all_sets()), passes=1)
    # a text the model never saw would be a zero vector: the run would no longer be the model's
    assert not embedder.missing, (f"{len(embedder.missing)} texts not in {MODEL_VECTORS.name}, e.g. "
                                  f"{embedder.missing[0]!r}; the answerer or the eval changed: re-record with\n"
                                  f"  {RERECORD}")
    every = summarize(results)
    fails = "\n".join(f"{r.case_id} {r.question} -> {r.why}" for r in results if not r.ok)
    assert every.errors == 0
    assert every.accuracy >= GOAL_ACCURACY, f"{every.correct}/{every.total}\n{fails}"
    assert every.abstain_precision >= GOAL_ABSTAIN_PRECISION, f"precision {every.abstain_precision:.3f}\n{fails}"


def test_recorded_vectors_replay_and_report_unknown_texts(tmp_path):
    from bench.recorded import RecordingEmbedder, ReplayEmbedder
    from index.embedding import HashEmbedder

    real = HashEmbedder(64)
    rec = RecordingEmbedder(real)
    docs = rec.embed_documents(["Phòng Kinh tế chủ trì", "Công an xã phối hợp"])
    query = rec.embed_query("Ai chủ trì?")
    path = tmp_path / "vectors.npz"
    assert rec.save(path) == 3 and path.exists()
    replay = ReplayEmbedder(path)
    assert replay.dim == 64 and replay.name == "hash-ngram-64+replay" and len(replay) == 3
    assert np.allclose(replay.embed_documents(["Công an xã phối hợp"])[0], docs[1], atol=1e-3)
    assert np.allclose(replay.embed_query("Ai chủ trì?"), query, atol=1e-3)
    # the same text as a query and as a document are different entries (the model prompts them differently)
    assert not replay.embed_query("Phòng Kinh tế chủ trì").any()
    assert replay.missing == [("query", "Phòng Kinh tế chủ trì")]
    assert replay.embed_documents([]).shape == (0, 64)
