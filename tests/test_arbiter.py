"""The answer/abstain arbiter: its trees read as written, it has the last word in the fact handler, the shipped
model reads only features the code computes, and the fitting script never reads the frozen test part."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from answers import arbiter
from answers.service import build_assistant
from tests.plan_fixtures import commune_plan

PLAN = commune_plan(12, """I. MỤC TIÊU

1. Chỉ tiêu đến năm 2026

- Tỷ lệ hồ sơ thủ tục hành chính được xử lý trực tuyến toàn trình đạt từ 80% trở lên.

II. NHIỆM VỤ

1. Văn phòng HĐND và UBND xã chủ trì số hóa hồ sơ lưu trữ của xã, hoàn thành trước ngày 30/9/2026.
""")

# a model with no trees: its probability is the logistic of its prior alone
def constant(log_odds: float) -> dict:
    return {"features": ["normal"], "init": log_odds, "rate": 0.1, "trees": [], "keep": 0.4, "overrule": 0.5}


def plan_assistant(tmp_path, embedder=None):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "xa-tan-hoa-2026.txt").write_text(PLAN, encoding="utf-8")
    return build_assistant(plans, tmp_path / "data", embedder=embedder)


@pytest.fixture()
def assistant(tmp_path):
    return plan_assistant(tmp_path)


# "vụ … giấy tờ … ai lo" shares little wording with the task row ("chủ trì số hóa hồ sơ lưu trữ"): its best record
# covers the question less than rank.MIN_COVERAGE
LITTLE_IN_COMMON = "Tân Hòa: vụ số hóa giấy tờ ai lo?"


def best_scores(monkeypatch) -> list:
    """rank.best's lists, as the answers are made (the first is the question's)."""
    from answers import rank
    real, tops = rank.best, []
    monkeypatch.setattr(rank, "best", lambda *a, **k: tops.append(real(*a, **k)) or tops[-1])
    return tops


def test_trees_are_read_as_written():
    # tree 1 splits on x0 at 0.5 (left when at most), its right child splits on x1 at 2.0
    model = {"features": ["a", "b"], "init": -0.2, "rate": 0.5,
             "trees": [[[0, 0.5, 1, 2], [1.0], [1, 2.0, 3, 4], [-2.0], [3.0]], [[4.0]]]}
    def p(raw):
        return 1 / (1 + math.exp(-raw))
    assert arbiter.probability(model, {"a": 0.5, "b": 9.0}) == pytest.approx(p(-0.2 + 0.5 * 1.0 + 0.5 * 4.0))
    assert arbiter.probability(model, {"a": 0.6, "b": 2.0}) == pytest.approx(p(-0.2 + 0.5 * -2.0 + 0.5 * 4.0))
    assert arbiter.probability(model, {"a": 0.6, "b": 2.5}) == pytest.approx(p(-0.2 + 0.5 * 3.0 + 0.5 * 4.0))
    # a feature the question did not give counts as 0
    assert arbiter.probability(model, {}) == pytest.approx(p(-0.2 + 0.5 * 1.0 + 0.5 * 4.0))


def test_the_arbiter_turns_an_answer_into_none(assistant, monkeypatch):
    question = "Xã Tân Hòa đặt chỉ tiêu hồ sơ xử lý trực tuyến toàn trình bao nhiêu phần trăm?"
    monkeypatch.setattr(arbiter, "load", lambda: None)
    ruled = assistant.ask(question)
    assert ruled.kind == "target" and "80%" in ruled.text
    monkeypatch.setattr(arbiter, "load", lambda: constant(-4.0))
    doubted = assistant.ask(question).to_json()
    assert doubted["kind"] == "none"
    assert doubted["evidence"]["arbiter"] == pytest.approx(1 / (1 + math.exp(4.0)), abs=1e-3)
    monkeypatch.setattr(arbiter, "load", lambda: constant(4.0))
    assert assistant.ask(question).kind == "target"


def test_the_arbiter_overrules_a_doubt_not_a_contradiction(assistant, monkeypatch):
    # "hồ sơ đất đai" goes on where the record says "hồ sơ thủ tục hành chính": the qualifier check doubts it
    doubted = "Xã Tân Hòa đặt chỉ tiêu tỷ lệ hồ sơ đất đai xử lý trực tuyến toàn trình bao nhiêu?"
    # the record holds every word but the year asked: the year check finds another year, a contradiction
    other_year = "Xã Tân Hòa đặt chỉ tiêu hồ sơ xử lý trực tuyến toàn trình năm 2028 bao nhiêu phần trăm?"
    monkeypatch.setattr(arbiter, "load", lambda: None)
    assert [assistant.ask(q).kind for q in (doubted, other_year)] == ["none", "none"]
    assert assistant.ask(doubted).evidence["failed"] == ["qualifier"]
    assert "year" in assistant.ask(other_year).evidence["failed"]
    monkeypatch.setattr(arbiter, "load", lambda: constant(4.0))
    overruled = assistant.ask(doubted)
    assert overruled.kind == "target" and "80%" in overruled.text
    assert assistant.ask(other_year).kind == "none"
    monkeypatch.setattr(arbiter, "load", lambda: constant(0.0))     # 0.5 is not above `overrule`
    assert assistant.ask(doubted).kind == "none"


def test_the_shipped_model_reads_only_features_the_code_computes(assistant, monkeypatch):
    model = arbiter.load()
    assert model is not None, "answers/data/arbiter.json is missing: run python -m bench.arbiter"
    seen = []
    real = arbiter.features
    monkeypatch.setattr(arbiter, "features", lambda *a: seen.append(real(*a)) or seen[-1])
    assistant.ask("Ai chủ trì số hóa hồ sơ lưu trữ của xã Tân Hòa?")
    assert seen and set(model["features"]) == set(seen[0])
    assert 0.0 < model["keep"] <= model["overrule"] < 1.0
    assert all(isinstance(v, float) for v in seen[0].values())


def test_the_arbiter_reads_the_query_not_the_wording():
    """Only the reader reads the question's wording (test_trust.py): the arbiter's features come from the Query
    and the verdicts."""
    import ast
    from tests.test_trust import _question_reads
    tree = ast.parse(Path(arbiter.__file__).read_text(encoding="utf-8"))
    assert _question_reads(tree) == []


def test_fitting_never_reads_the_frozen_part(tmp_path):
    from bench.arbiter import tuning_sets
    for d in ("fresh2", "heldout1", "frozen", "frozen_other"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "a.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "top.jsonl").write_text("", encoding="utf-8")
    got = {(f.parent.name, s) for f, s in tuning_sets(tmp_path)}
    assert got == {(tmp_path.name, "base"), ("fresh2", "fresh2"), ("heldout1", "heldout1")}


def test_exported_trees_give_the_fitted_probabilities():
    pytest.importorskip("sklearn")
    import random
    from bench.arbiter import export, fit
    rng = random.Random(7)
    rows = []
    for _ in range(200):
        a, b = rng.random(), rng.random()
        rows.append({"a": a, "b": b, "label": float(a + 0.3 * b + rng.gauss(0, 0.2) > 0.6)})
    model = export(fit(rows, ["a", "b"]), ["a", "b"], rows)     # export checks it against scikit-learn
    json.dumps(model)
    assert arbiter.probability(model, {"a": 0.95, "b": 0.9}) > 0.8 > 0.2 > arbiter.probability(model, {"a": 0.05, "b": 0.1})


def test_the_arbiter_may_answer_where_the_best_record_covers_little(assistant, monkeypatch):
    # below rank.MIN_COVERAGE the rule says no and, without the model, the arbiter may answer
    from answers import rank
    question = LITTLE_IN_COMMON
    tops = best_scores(monkeypatch)
    monkeypatch.setattr(arbiter, "load", lambda: None)
    assert assistant.ask(question).kind == "none"
    assert arbiter.FLOOR <= tops[0][0][0] < rank.MIN_COVERAGE
    monkeypatch.setattr(arbiter, "load", lambda: constant(4.0))
    ans = assistant.ask(question)
    assert ans.kind == "owner" and "Văn phòng HĐND và UBND xã" in ans.text
    assert ans.to_json()["evidence"]["arbiter"] > 0.9
    monkeypatch.setattr(arbiter, "FLOOR", rank.MIN_COVERAGE)       # without the floor the rule alone decides
    assert assistant.ask(question).kind == "none"


def test_with_the_embedding_model_the_rule_alone_decides_below_its_floor(tmp_path, monkeypatch):
    """With a dense index the model's sure hits stand in for a paraphrase's words: below rank.MIN_COVERAGE the
    fact handler gives up as before, whatever the arbiter would say."""
    from answers import rank
    from index.embedding import HashEmbedder
    assistant = plan_assistant(tmp_path, HashEmbedder())
    tops = best_scores(monkeypatch)
    monkeypatch.setattr(arbiter, "load", lambda: constant(4.0))
    assert assistant.ask(LITTLE_IN_COMMON).kind == "none"
    assert arbiter.FLOOR <= tops[0][0][0] < rank.MIN_COVERAGE
    assert arbiter.lowest(False) == arbiter.FLOOR < arbiter.lowest(True) == rank.MIN_COVERAGE
