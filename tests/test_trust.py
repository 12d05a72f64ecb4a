"""Answers officials can trust: errors are errors, dates count from --today, lists come back whole,
follow-ups read against the conversation, and the answering layer keeps its shape."""
from __future__ import annotations

import ast
import re
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from answers import evidence, handlers
from answers.service import build_assistant
from tests.plan_fixtures import commune_plan, province_plan

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "corpus" / "plans"

NINE_ITEM_PLAN = """ỦY BAN NHÂN DÂN XÃ TÂN HÒA

KẾ HOẠCH
Triển khai Nghị quyết số 57-NQ/TW trên địa bàn xã Tân Hòa năm 2026

I. MỤC ĐÍCH, YÊU CẦU

- Triển khai nghiêm túc các nhiệm vụ về chuyển đổi số.

II. GIẢI PHÁP

1. Về phát triển hạ tầng số

Xã tập trung thực hiện các giải pháp hạ tầng số sau đây:

a) Phủ sóng di động 5G tại trung tâm xã;

b) Lắp đặt wifi miễn phí tại nhà văn hóa các ấp;

c) Nâng cấp mạng nội bộ của Ủy ban nhân dân xã;

d) Trang bị máy tính cho bộ phận một cửa;

đ) Triển khai camera an ninh tại các ngã tư;

e) Số hóa bản đồ địa chính của xã;

g) Gắn biển địa chỉ số cho hộ gia đình;

h) Xây dựng điểm hỗ trợ dịch vụ công tại ấp;

i) Kết nối hội nghị truyền hình với huyện.

III. TỔ CHỨC THỰC HIỆN

1. Văn phòng HĐND và UBND xã

- Theo dõi, tổng hợp kết quả thực hiện, báo cáo UBND xã trước ngày 20 hằng tháng.
"""


def one_plan_assistant(tmp_path: Path, text: str):
    """An assistant over one plan the test writes (commune Tân Hòa), keywords only."""
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "xa-tan-hoa-2026.txt").write_text(text, encoding="utf-8")
    return build_assistant(plans, tmp_path / "data", embedder=None)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    return build_assistant(PLANS, tmp_path_factory.mktemp("data"), embedder=None)


def test_an_exception_in_a_handler_is_kind_error(assistant, monkeypatch, caplog):
    def explode(ctx):
        raise RuntimeError("handler bug")
    monkeypatch.setattr(handlers.fact, "handle", explode)
    ans = assistant.ask("Ai chủ trì triển khai Đề án 06 ở xã Nha Bích?")
    assert ans.kind == "error" and "Xin lỗi" in ans.text and "Traceback" not in ans.text
    assert "handler bug" in caplog.text                    # the log keeps the traceback


@pytest.mark.parametrize("question", [
    "", "   ", "???", "🙂🙂🙂", "' OR 1=1; DROP TABLE tasks; --", "\"quý\" NEAR/2 * OR (", "\x00\x01\x02",
    "a" * 5000, "<script>alert(1)</script>", "1234567890", "Ai? Khi nào? Bao nhiêu? Ở đâu?", "/start",
    "Hạn khi nào?", "Còn Phước An thì sao?", "xã", "Nhóm IV", "quý 9/2026 có việc gì", "trước tháng 13",
    "Phòng Kinh tế phối hợp những việc nào quá hạn quý này tháng sau?", "bao nhiêu bao nhiêu bao nhiêu",
])
def test_bad_input_never_yields_error(assistant, question):
    for today in (None, date(2026, 7, 1)):
        ans = assistant.ask(question, today=today)
        assert ans.kind != "error", (question, ans.text)


def overdue_codes(assistant, today: date) -> set[str]:
    ans = assistant.ask("Ở xã Nha Bích những nhiệm vụ nào đã quá hạn?", today=today)
    assert ans.kind == "list"
    return {s.snippet.split(":")[0].replace("Nhiệm vụ ", "") for s in ans.sources}


def test_today_changes_which_tasks_are_overdue(assistant):
    early, mid = overdue_codes(assistant, date(2026, 2, 15)), overdue_codes(assistant, date(2026, 7, 1))
    assert "I.2" in early and "IV.4" not in early         # "Trước tháng 2/2026" is past; "Quý I/2026" is not yet
    assert {"I.2", "IV.4"} <= mid
    ans = assistant.ask("Ở xã Nha Bích những nhiệm vụ nào đã quá hạn?", today=date(2026, 7, 1))
    assert "1/7/2026" in ans.text                       # says which date it counted from


def test_no_fixed_date_is_never_overdue(assistant):
    ans = assistant.ask("Hệ thống thông tin lĩnh vực Nội chính của Đồng Nai tính đến hôm nay có bị quá hạn không?",
                        today=date(2027, 6, 1))
    assert "nên không bị tính quá hạn (chưa quá hạn)" in ans.text


def test_next_monthly_report_date(assistant):
    ans = assistant.ask("Phòng VH-XH Phước An phải nộp báo cáo tháng cho UBND xã lần tới vào ngày nào?",
                        today=date(2026, 7, 1))
    assert "25/7/2026" in ans.text


def test_a_nine_item_list_comes_back_whole(tmp_path):
    a = one_plan_assistant(tmp_path, NINE_ITEM_PLAN)
    ans = a.ask("Xã Tân Hòa thực hiện những giải pháp hạ tầng số nào?")
    assert ans.kind == "list"
    for item in ("Phủ sóng di động 5G", "Số hóa bản đồ địa chính", "Kết nối hội nghị truyền hình"):
        assert item in ans.text
    assert ans.text.count("\n- ") == 9
    first, last = ans.sources[0].lines
    assert last - first >= 16                               # the citation spans the lead-in and all items


def test_follow_ups_read_against_the_conversation(assistant):
    first = assistant.ask("Xã Nha Bích giao đơn vị nào theo dõi việc cấp kết quả giải quyết TTHC điện tử?")
    follow = assistant.ask("Chỉ tiêu này phấn đấu đạt mức nào?", context=first.context)
    assert "90%" in follow.text and "Hiểu theo câu trước" in follow.text
    other = assistant.ask("Còn Phước An thì sao?", context=first.context)
    assert any(s.locality == "Phước An" for s in other.sources)
    fresh = assistant.ask("Tỉnh Đồng Nai phấn đấu có bao nhiêu dự án đổi mới sáng tạo được hỗ trợ từ ngân sách tỉnh?",
                          context=first.context)
    assert "Hiểu theo câu trước" not in fresh.text and "30" in fresh.text
    # a place and a question of its own, though OCOP spells out to mostly form words: not "the same for Xuân Phú"
    owner = assistant.ask("Ai chủ trì triển khai Đề án 06 ở xã Nha Bích?")
    own = assistant.ask("Xuân Phú có mấy sản phẩm OCOP 4 sao?", context=owner.context)
    assert "Hiểu theo câu trước" not in own.text and own.kind == "none" and "OCOP" in own.text
    # a level named with a topic of its own, however it opens ("Vậy cấp tỉnh thì …"): fresh, in that level's plans
    level = assistant.ask("Vậy cấp tỉnh thì bao nhiêu doanh nghiệp khởi nghiệp sáng tạo được hỗ trợ?",
                          context=first.context)
    assert level.kind == "target" and "20 doanh nghiệp" in level.text
    assert all(s.locality == "Đồng Nai" for s in level.sources)
    stale = assistant.ask("Chỉ tiêu này phấn đấu đạt mức nào?", context=first.context,
                          now=first.context.at + 31 * 60)
    assert "Hiểu theo câu trước" not in stale.text         # context expires after 30 minutes idle


def test_conversation_flag_in_the_cli(tmp_path):
    turns = tmp_path / "turns.txt"
    turns.write_text("Năm 2026 tỉnh Đồng Nai đặt mục tiêu phát triển mới bao nhiêu doanh nghiệp khoa học và công nghệ?\n"
                     "Còn tổ chức khoa học và công nghệ thì sao?\n", encoding="utf-8")
    out = subprocess.run([sys.executable, str(ROOT / "run_bot.py"), "ask", "--json", "--conversation", "--file",
                          str(turns), "--data", str(tmp_path / "data"), "--no-model"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    answers = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    assert len(answers) == 2 and "01 tổ chức" in answers[1]["answer"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("answers"):
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("answers")}
    return out


def test_no_import_circle_in_answers():
    modules = {}
    for path in (ROOT / "answers").rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("")
        name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        modules[name] = path
    graph = {m: {i for i in _imports(p) if i in modules and i != m} for m, p in modules.items()}
    # a package imports its own submodules by name; that is not a circle
    graph = {m: {i for i in deps if not (i.startswith(m + ".") and modules[m].name == "__init__.py")}
             for m, deps in graph.items()}
    state: dict[str, int] = {}

    def visit(m, stack):
        state[m] = 1
        for n in graph[m]:
            if state.get(n) == 1:
                raise AssertionError("import circle: " + " -> ".join(stack + [m, n]))
            if not state.get(n):
                visit(n, stack + [m])
        state[m] = 2
    for m in graph:
        if not state.get(m):
            visit(m, [])


_READ_ONLY_THE_QUERY = ["evidence.py", "rank.py", "handlers/*.py"]


def _word_list_constants(tree: ast.Module) -> list[str]:
    """Module-level names bound to a list of words: frozenset("a b c".split()) or a set/tuple of strings."""
    found = []
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        value = node.value
        if isinstance(value, ast.Call) and getattr(value.func, "id", "") in ("frozenset", "set", "tuple", "list"):
            value = value.args[0] if value.args else value
        split_words = (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                       and value.func.attr == "split" and isinstance(value.func.value, ast.Constant))
        literal_words = (isinstance(value, (ast.Set, ast.Tuple, ast.List)) and len(value.elts) >= 3
                         and all(isinstance(e, ast.Constant) and isinstance(e.value, str) and " " not in e.value
                                 and e.value.isalpha() for e in value.elts))
        if split_words or literal_words:
            found.extend(t.id for t in node.targets if isinstance(t, ast.Name))
    return found


def _question_reads(tree: ast.Module) -> list[str]:
    """Uses of the question's own wording: q.raw / q.text / q.plain (also as ctx.q.raw …)."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("raw", "text", "plain"):
            owner = node.value
            if (isinstance(owner, ast.Name) and owner.id == "q") or (isinstance(owner, ast.Attribute)
                                                                      and owner.attr == "q"):
                out.append(f"q.{node.attr} (line {node.lineno})")
    return out


def test_routing_is_short_and_only_the_reader_reads_the_wording():
    """answers/query.py reads the question; the answerability check, the ranking and the handlers read the
    Query it makes: no q.raw / q.text, no word lists of their own, no imports of the cue or synonym data."""
    assert len((ROOT / "answers" / "service.py").read_text(encoding="utf-8").splitlines()) < 250
    paths = [p for pattern in _READ_ONLY_THE_QUERY for p in (ROOT / "answers").glob(pattern)]
    assert any(p.name == "evidence.py" for p in paths) and any(p.name == "groups.py" for p in paths)
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert not _question_reads(tree), f"{path.name} reads the question itself: {_question_reads(tree)}"
        assert not _word_list_constants(tree), f"{path.name} keeps word lists: {_word_list_constants(tree)}"
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "answers.query":
                assert not {a.name for a in node.names} & {"load_cues", "load_synonyms", "CUES_FILE", "SYNONYMS_FILE"}


def test_the_reading_rule_check_finds_what_it_forbids():
    """The guard above would see a question read or a word list (so it cannot pass vacuously)."""
    tree = ast.parse("W = frozenset('a b c'.split())\nX = {'ai', 'gi', 'nao'}\ndef f(ctx, q):\n    return ctx.q.raw + q.text\n")
    assert _word_list_constants(tree) == ["W", "X"]
    assert len(_question_reads(tree)) == 2


@pytest.mark.parametrize("similarity, answered", [(0.75, True), (0.30, False)])
def test_the_models_confident_first_choice_stands_in_for_shared_words(assistant, monkeypatch, similarity, answered):
    """An everyday paraphrase shares almost no words with the plan: the embedding model's first choice answers
    it when close enough (rank.DENSE_SURE); a distant first choice does not. (The ranking alone: the arbiter
    that has the last word on the decision is off here, and tested in test_arbiter.py.)"""
    from answers import arbiter, rank
    from index.hybrid import Hit
    monkeypatch.setattr(arbiter, "load", lambda: None)
    snap = assistant.library.snapshot
    doc_id, target = next((i, r) for i, r in snap.records.items()
                          if r.kind == "target" and r.plan == "xa-nha-bich-2026" and r.obj.lead and r.obj.value_text)
    doc = next(d for d in snap.index.docs if d.id == doc_id)
    monkeypatch.setattr(type(snap.index), "search",
                        lambda self, query, k=10, plans=None, kinds=None: [Hit(doc, 1.0, None, 1, similarity)])
    assert similarity >= rank.DENSE_SURE if answered else similarity < rank.DENSE_SURE
    ans = assistant.ask("Ở Nha Bích bên nào lo cho bà con xài điện thoại được thuận tiện?")
    assert (ans.kind != "none") == answered, ans.text
    if answered:
        assert ans.sources and ans.sources[0].lines[0] == target.first_line


def test_the_models_confident_choice_is_not_pushed_below_the_floor_by_the_kind_prior(assistant, monkeypatch):
    """A structured ask ("bên nào ...") prefers table rows over paragraphs, but a paragraph the model is sure of
    stays a candidate: the prior applies before the floor (rank.DENSE_SCORE), not after it."""
    from answers import rank
    from answers.handlers import fact
    from index.hybrid import Hit
    snap = assistant.library.snapshot
    doc_id, passage = next((i, r) for i, r in snap.records.items()
                           if r.kind == "passage" and r.plan == "xa-nha-bich-2026")
    doc = next(d for d in snap.index.docs if d.id == doc_id)
    monkeypatch.setattr(type(snap.index), "search",
                        lambda self, query, k=10, plans=None, kinds=None: [Hit(doc, 1.0, None, 1, 0.75)])
    q = snap.reader.read("Ở Nha Bích bên nào lo cho bà con xài điện thoại được thuận tiện?", date(2026, 7, 1))
    assert q.wants("owner")
    ranked = rank.best(snap, q, list(q.plans), fact.kinds_for(type("Ctx", (), {"q": q})()))
    assert ranked and ranked[0][1] is passage and ranked[0][0] >= rank.MIN_COVERAGE


@pytest.mark.parametrize("question, stated", [
    ("Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến ở Nha Bích là bao nhiêu?", True),
    ("Tỷ lệ hồ sơ TTHC xử lý trực tuyến ở Nha Bích là bao nhiêu?", True),
    ("Tỷ lệ hồ sơ bảo hiểm xử lý trực tuyến ở Nha Bích là bao nhiêu?", False),       # "bảo", not "bao nhiêu"
    ("Tỷ lệ doanh nghiệp vừa và nhỏ ứng dụng công nghệ số ở Nha Bích đạt bao nhiêu?", True),
    ("Tỷ lệ doanh nghiệp nhà nước ứng dụng công nghệ số ở Nha Bích đạt bao nhiêu?", False),
    ("Tỷ lệ doanh nghiệp lớn ứng dụng công nghệ số ở Nha Bích đạt bao nhiêu?", False),   # DN's "doanh nghiệp" stays two words
    ("ty le doanh nghiep nha nuoc ung dung cong nghe so o nha bich dat bao nhieu", False),
    ("Xuân Phú phát triển bao nhiêu sản phẩm OCOP ứng dụng công nghệ số?", True),
    # a spelled-out abbreviation is one word: after "sản phẩm OCOP" comes "4 sao" against "ứng dụng", though
    # both spell out to "... mỗi xã một sản phẩm"; and the plan's line repeated as a passage is no answer either
    ("Xuân Phú phấn đấu có mấy sản phẩm OCOP 4 sao?", False),
    ("Xuân Phú phát triển bao nhiêu sản phẩm mỗi xã một sản phẩm ứng dụng công nghệ số?", True),
    # "áp dụng" for the plan's "ứng dụng": a word that ends alike is no other qualifier
    ("Ở Xuân Phú tỷ lệ hộ nông dân áp dụng tiến bộ khoa học kỹ thuật là bao nhiêu?", True),
    # what follows "có" qualifies who is counted: "có chữ ký số" is not "tiếp cận được các dịch vụ số"
    ("Ở Xuân Phú, tỷ lệ dân số trưởng thành có chữ ký số đạt bao nhiêu?", False),
    ("Tỷ lệ dân số trưởng thành có tiếp cận dịch vụ số trong y tế, giáo dục ở Xuân Phú là bao nhiêu?", True),
    # the ages counted must agree: "dưới 15 tuổi" / "từ 18 tuổi trở lên" are not "từ 15 tuổi trở lên"
    ("Ở Nha Bích, tỷ lệ người dưới 15 tuổi có tài khoản giao dịch ngân hàng là bao nhiêu?", False),
    ("o nha bich ty le nguoi duoi 15 tuoi co tai khoan ngan hang la bao nhieu", False),
    ("Nha Bích: dân số từ 18 tuổi trở lên có tài khoản ngân hàng đạt bao nhiêu?", False),
    ("Ở Nha Bích, dân số từ 15 tuổi trở lên có tài khoản ngân hàng đạt bao nhiêu?", True),
    # the figure after "Phấn đấu" is the target's value, not a qualifier of it
    ("Xuân Phú phấn đấu tỷ lệ doanh nghiệp có hoạt động đổi mới quy trình là bao nhiêu?", True),
    # a qualifier the question shares with the target stops the clash, even beside another one it does not
    # ("Trung tâm PVHCC" spelled out gives "hành chính công" next to "hành chính phi tiếp xúc")
    ("Ở Hàng Gòn, tỷ lệ giao dịch hành chính phi tiếp xúc tại Trung tâm PVHCC là bao nhiêu?", True),
])
def test_a_target_qualified_differently_is_not_stated(assistant, question, stated):
    """'doanh nghiệp nhà nước' is not 'doanh nghiệp vừa và nhỏ': the target's figure is not the answer."""
    ans = assistant.ask(question)
    assert (ans.kind == "target") == stated, ans.text
    if not stated:
        assert ans.kind == "none" and "Không có trong kế hoạch" in ans.text


def test_the_passage_repeating_a_clashing_target_is_no_answer_either(assistant):
    """With the model, the bullet "Phát triển ít nhất 01 - 02 sản phẩm OCOP ứng dụng …" (Xuân Phú 229-233)
    comes back both as the target and as the passages that hold its lines; the target clashes with "OCOP 4
    sao", so they must not answer in its place. Other passages stay."""
    from answers.handlers.fact import without_repeats_of_clashing_targets
    snap = assistant.library.snapshot
    q = snap.reader.read("Xuân Phú phấn đấu có mấy sản phẩm OCOP 4 sao?", date(2026, 7, 1))
    target = next(r for r in snap.of_kind("target", {"xa-xuan-phu"}) if "OCOP" in r.obj.text)
    same = [r for r in snap.of_kind("passage", {"xa-xuan-phu"})
            if target.first_line <= r.first_line and r.last_line <= target.last_line]
    around = [r for r in snap.of_kind("passage", {"xa-xuan-phu"})
              if r.first_line < target.first_line and target.last_line <= r.last_line]   # the list it sits in
    other = next(r for r in snap.of_kind("passage", {"xa-xuan-phu"}) if r.last_line < target.first_line)
    assert same and around
    ranked = [(0.9, target)] + [(0.8, r) for r in same + around] + [(0.7, other)]
    verdicts = {id(r): evidence.assess(snap, q, r) for _, r in ranked}
    kept = without_repeats_of_clashing_targets(ranked, [(s, r) for s, r in ranked if r is not target], verdicts)
    assert [r for _, r in kept] == [other]
    # a question the target does answer keeps its passage
    q = snap.reader.read("Xuân Phú phát triển bao nhiêu sản phẩm OCOP ứng dụng công nghệ số?", date(2026, 7, 1))
    verdicts = {id(r): evidence.assess(snap, q, r) for _, r in ranked}
    assert len(without_repeats_of_clashing_targets(ranked, ranked, verdicts)) == len(ranked)


@pytest.mark.parametrize("text, found", [
    ("Dân số từ 15 tuổi trở lên có tài khoản", {(">=", 15)}), ("trẻ em dưới 15 tuổi", {("<", 15)}),
    ("nguoi tren 60 tuoi", {(">", 60)}), ("người 18 tuổi trở lên", {(">=", 18)}), ("trẻ 6 tuổi", {("=", 6)}),
    ("từ 15 tổ chức trở lên", set()),
])
def test_age_bounds_are_read(text, found):
    from answers.query import ages
    assert ages(text) == found


def test_the_figure_after_a_shared_head_is_not_a_qualifier(assistant):
    """"Phấn đấu 2-5%/tổng số doanh nghiệp …" (Xuân Phú 244): after "phấn đấu" the plan gives its figure and the
    question "tỷ lệ"; that is no clash, while another word there would be one."""
    from answers.evidence import qualifier_clash
    snap = assistant.library.snapshot
    target = next(r for r in snap.of_kind("target", {"xa-xuan-phu"}) if r.obj.text.startswith("Phấn đấu 2-5%"))
    q = snap.reader.read("Xuân Phú phấn đấu tỷ lệ doanh nghiệp có hoạt động đổi mới quy trình là bao nhiêu?",
                         date(2026, 7, 1))
    assert not qualifier_clash(snap, q, target)
    q = snap.reader.read("Xuân Phú phấn đấu thu hút doanh nghiệp có hoạt động đổi mới quy trình là bao nhiêu?",
                         date(2026, 7, 1))
    assert not qualifier_clash(snap, q, target)
    q = snap.reader.read("Xuân Phú phấn đấu tỷ lệ doanh nghiệp nhà nước đổi mới quy trình là bao nhiêu?",
                         date(2026, 7, 1))
    assert qualifier_clash(snap, q, target)


def test_subtasks_of_a_named_task_are_counted(assistant):
    """"Nhiệm vụ X chia thành mấy tiểu nhiệm vụ?" counts the rows of that task, not the plan's tasks."""
    snap = assistant.library.snapshot
    by_task: dict = {}
    for r in snap.of_kind("task", {"tinh-dong-nai-2026"}):
        by_task.setdefault((r.obj.group, r.obj.task), []).append(r)
    (group, task), rows = next((k, v) for k, v in by_task.items() if len(v) >= 4 and all(r.obj.subtask for r in v))
    title = task.split(". ", 1)[-1]
    ans = assistant.ask(f"Nhiệm vụ “{title}” của tỉnh Đồng Nai chia thành mấy tiểu nhiệm vụ?")
    assert ans.kind == "list" and f"{len(rows)} nhiệm vụ con" in ans.text, ans.text
    assert {s.lines[0] for s in ans.sources} == {r.first_line for r in rows}


DECLARED_PLAN = """ỦY BAN NHÂN DÂN XÃ TÂN HÒA

KẾ HOẠCH
Triển khai Nghị quyết số 57-NQ/TW trên địa bàn xã Tân Hòa năm 2026

I. MỤC TIÊU

1. Mục tiêu cụ thể

| STT | Nội dung chỉ tiêu đến cuối năm 2026 (5 chỉ tiêu) | Đơn vị tính | Kết quả | Đơn vị chủ trì theo dõi |
|---|---|---|---|---|
| 1 | Tỉ lệ phủ sóng 5G trên địa bàn | % | ≥ 60% | Phòng Văn hóa - Xã hội |
| 2 | Tỉ lệ hồ sơ thủ tục hành chính xử lý trực tuyến | % | 95% | Văn phòng HĐND và UBND |
| 3 | Tỉ lệ người dân trưởng thành có chữ ký số | % | ≥ 80% | Phòng Văn hóa - Xã hội |

II. TỔ CHỨC THỰC HIỆN

1. Văn phòng HĐND và UBND xã

- Theo dõi, tổng hợp kết quả thực hiện, báo cáo UBND xã trước ngày 20 hằng tháng.
"""


def test_a_count_gives_the_declared_number_and_the_listed_one(tmp_path):
    a = one_plan_assistant(tmp_path, DECLARED_PLAN)
    ans = a.ask("Xã Tân Hòa có bao nhiêu chỉ tiêu?")
    assert ans.kind == "list" and "có 3 chỉ tiêu" in ans.text, ans.text
    assert "ghi “5 chỉ tiêu”" in ans.text and "Ngoài ra kế hoạch có 0" not in ans.text
    header = DECLARED_PLAN.splitlines().index(next(l for l in DECLARED_PLAN.splitlines() if "(5 chỉ tiêu)" in l)) + 1
    assert [header, header] in [list(s.lines) for s in ans.sources]


def test_periodic_report_day_is_not_the_date_of_issue(assistant):
    ans = assistant.ask("Các phòng ở Nha Bích báo cáo định kỳ vào ngày nào?")
    assert "Ngày ban hành" not in ans.text and "20 hằng tháng" in ans.text, ans.text


def test_targets_of_a_year_are_listed_whole(assistant):
    snap = assistant.library.snapshot
    want = {r.first_line for r in snap.of_kind("target", {"xa-xuan-phu"}) if r.obj.year == 2030}
    ans = assistant.ask("Xã Xuân Phú đặt ra những chỉ tiêu gì cho năm 2030?")
    assert ans.kind == "list" and want and {s.lines[0] for s in ans.sources} == want, ans.text


def test_an_appendix_count_counts_its_table_not_its_title_lines(assistant):
    snap = assistant.library.snapshot
    tasks = snap.of_kind("task", {"xa-nha-bich-2026"})
    ans = assistant.ask("Phụ lục II của xã Nha Bích gồm bao nhiêu nhiệm vụ?")
    assert f"có {len({(r.obj.group, r.obj.task) for r in tasks})} nhiệm vụ" in ans.text, ans.text
    assert "Ngoài ra kế hoạch có 0" not in assistant.ask("Xã Phước An có bao nhiêu chỉ tiêu?").text


def test_a_count_of_one_horizon_counts_that_year_only(assistant):
    snap = assistant.library.snapshot
    years = [r.obj.year for r in snap.of_kind("target", {"xa-xuan-phu"})]
    assert len(set(years)) > 1
    ans = assistant.ask("Đến hết năm 2025 xã Xuân Phú đặt bao nhiêu chỉ tiêu?")
    assert f"có {years.count(2025)} chỉ tiêu" in ans.text, ans.text


@pytest.mark.parametrize("question", ["Phường Hàng Gòn có bao nhiêu hộ dân?", "Xã Nha Bích có mấy hộ gia đình?"])
def test_household_counts_are_not_in_the_plans(assistant, question):
    assert assistant.ask(question).kind == "none"


def test_words_that_differ_only_in_tone_do_not_match(tmp_path):
    """Folded, "làm chủ kỹ năng số" holds "chu ky" and "so": it is still not "chữ ký số"."""
    a = one_plan_assistant(tmp_path, DECLARED_PLAN.replace("Tỉ lệ người dân trưởng thành có chữ ký số",
                                                           "Tỉ lệ cán bộ, công chức làm chủ kỹ năng số"))
    assert a.ask("Tỷ lệ người dân có chữ ký số của xã Tân Hòa là bao nhiêu?").kind == "none"
    assert a.ask("Tỷ lệ cán bộ làm chủ kỹ năng số của xã Tân Hòa là bao nhiêu?").kind == "target"
    assert a.ask("Ty le can bo lam chu ky nang so cua xa Tan Hoa la bao nhieu?").kind == "target"


def test_a_follow_up_about_a_record_without_the_fact_says_so(assistant):
    first = assistant.ask("Ai chủ trì triển khai Đề án 06 ở xã Nha Bích?")
    assert first.kind != "none" and first.sources
    then = assistant.ask("Hạn khi nào?", context=first.context)
    assert then.kind == "none" and then.sources and then.sources[0].lines == first.sources[0].lines, then.text


def test_a_follow_up_keeps_the_role_asked(assistant):
    first = assistant.ask("Sở Tài chính tỉnh Đồng Nai phối hợp những nhiệm vụ nào?")
    then = assistant.ask("Việc nào đã quá hạn?", today=date(2026, 8, 15), context=first.context)
    coop = {s.lines[0] for s in first.sources}
    assert then.kind == "list" and then.sources and {s.lines[0] for s in then.sources} <= coop, then.text


def test_nothing_found_names_the_plan_asked_about(assistant):
    ans = assistant.ask("Ai chủ trì triển khai Đề án 06 ở xã Phước An?")
    assert ans.kind == "none" and "Kế hoạch xã Phước An không nêu" in ans.text


SECTION_PLAN = """ỦY BAN NHÂN DÂN XÃ TÂN HÒA

KẾ HOẠCH
Triển khai Nghị quyết số 57-NQ/TW trên địa bàn xã Tân Hòa năm 2026

I. MỤC ĐÍCH, YÊU CẦU

- Quán triệt đầy đủ tinh thần Nghị quyết đến toàn thể cán bộ, công chức xã.

- Phân công rõ người, rõ việc, rõ thời gian hoàn thành từng nhiệm vụ.

- Bảo đảm thông tin, số liệu báo cáo được cập nhật kịp thời, chính xác.

II. KINH PHÍ THỰC HIỆN

Kinh phí thực hiện Kế hoạch được bố trí từ các nguồn như sau: Ngân sách nhà nước; Huy động các nguồn lực xã hội hóa; Vốn đầu tư của doanh nghiệp; Các nguồn vốn hợp pháp khác.

III. TỔ CHỨC THỰC HIỆN

1. Văn phòng HĐND và UBND xã

- Theo dõi, tổng hợp kết quả thực hiện, báo cáo UBND xã trước ngày 20 hằng tháng.

2. Phòng Kinh tế

- Hướng dẫn hộ kinh doanh ứng dụng thanh toán không dùng tiền mặt.
"""


@pytest.fixture(scope="module")
def section_assistant(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("sections")
    return one_plan_assistant(tmp_path, SECTION_PLAN)


@pytest.mark.parametrize("question", ["Nêu đầy đủ các yêu cầu trong kế hoạch của xã Tân Hòa.",
                                      "Mục đích, yêu cầu của kế hoạch xã Tân Hòa là gì?"])
def test_a_question_naming_a_short_section_gets_all_of_it(section_assistant, question):
    ans = section_assistant.ask(question)
    for item in ("Quán triệt đầy đủ", "Phân công rõ người", "Bảo đảm thông tin, số liệu"):
        assert item in ans.text, ans.text


def test_an_inline_list_after_a_colon_is_not_cut_at_its_first_item(section_assistant):
    ans = section_assistant.ask("Kinh phí thực hiện kế hoạch của xã Tân Hòa lấy từ những nguồn nào?")
    assert "Ngân sách nhà nước" in ans.text and "Các nguồn vốn hợp pháp khác" in ans.text, ans.text


@pytest.mark.parametrize("question", ["Hội Cựu chiến binh xã Nha Bích được giao nhiệm vụ gì?",
                                      "Đoàn Thanh niên phường Hàng Gòn phải làm những việc gì?"])
def test_a_mass_organisation_no_plan_names_gets_none(assistant, question):
    ans = assistant.ask(question)
    assert ans.kind == "none" and "giao việc cho" in ans.text, ans.text


def test_another_units_paragraph_does_not_answer_for_the_unit_named(section_assistant):
    """The monthly report day belongs to Văn phòng HĐND và UBND xã's section: not to the unit asked about."""
    asked = section_assistant.ask("Văn phòng HĐND và UBND xã Tân Hòa báo cáo UBND xã trước ngày mấy hằng tháng?")
    assert asked.kind != "none" and "20" in asked.text, asked.text
    other = section_assistant.ask("Phòng Kinh tế xã Tân Hòa báo cáo UBND xã trước ngày mấy hằng tháng?")
    assert other.kind == "none", other.text


@pytest.mark.parametrize("question", [
    "Nhiệm vụ xây dựng Chương trình đột phá về khoa học, công nghệ của tỉnh lấy chỉ số nào để đánh giá?",
    "Nhiệm vụ xây dựng Chương trình đột phá về khoa học, công nghệ của tỉnh phải đạt kết quả gì?",
])
def test_kpi_wordings_get_the_kpi(assistant, question):
    snap = assistant.library.snapshot
    task = next(r for r in snap.of_kind("task", {"tinh-dong-nai-2026"}) if "Chương trình đột phá" in r.obj.task)
    ans = assistant.ask(question)
    assert "KPI" in ans.text and task.obj.kpi[:30] in ans.text, ans.text


@pytest.mark.parametrize("follow_up", ["cần đạt chỉ số gì?", "đo kết quả ra sao?", "kết quả tối thiểu?",
                                       "thế nào thì coi là hoàn thành?", "lấy gì làm thước đo?",
                                       "đích đến đo thế nào?", "thuoc do la gi", "đo kết quả bằng cái gì?"])
def test_everyday_wordings_of_the_measure_ask_the_kpi(assistant, follow_up):
    """After the owner of a task, "cần đạt chỉ số gì", "đo kết quả ra sao", "kết quả tối thiểu", "thế nào thì
    coi là hoàn thành" ask its KPI, not its owner again."""
    snap = assistant.library.snapshot
    task = next(r for r in snap.of_kind("task", {"tinh-dong-nai-2026"}) if "Chương trình đột phá" in r.obj.task)
    first = assistant.ask("Ai chủ trì xây dựng Chương trình đột phá về khoa học, công nghệ của tỉnh?")
    ans = assistant.ask(follow_up, context=first.context)
    assert task.obj.kpi[:30] in ans.text, ans.text


def test_an_unknown_units_name_stops_before_the_question(assistant):
    ans = assistant.ask("Sở Y tế Đồng Nai chủ trì và phối hợp những nhiệm vụ nào?")
    assert ans.kind == "none" and "“Sở Y tế Đồng Nai”" in ans.text, ans.text
    # a name written with "&" is quoted whole
    ans = assistant.ask("Ở xã Nha Bích, Sở GD&ĐT tỉnh Bình Dương được giao làm những việc gì?")
    assert ans.kind == "none" and "“Sở GD&ĐT" in ans.text, ans.text


def test_a_unit_a_report_is_sent_to_is_not_asked_for_its_work(tmp_path):
    """"Nhắc việc: báo cáo tháng gửi Sở KH&CN nộp trước ngày nào, còn mấy hôm?" names the unit the report goes to;
    the question asks the report's date, not that unit's work, so no plan giving it no work is no reason to stop."""
    a = one_plan_assistant(tmp_path, commune_plan(17, """I. MỤC TIÊU

1. Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 90%.

II. TỔ CHỨC THỰC HIỆN

1. Phòng Văn hóa - Xã hội thực hiện chế độ báo cáo định kỳ hằng tháng kết quả triển khai, khó khăn, vướng mắc gửi
Sở Khoa học và Công nghệ tổng hợp trước ngày 20 hằng tháng.
"""))
    ans = a.ask("Nhắc việc giúp mình ở Tân Hòa: bản báo cáo tháng về khó khăn, vướng mắc gửi Sở KH&CN kỳ này phải "
                "nộp trước ngày nào, còn mấy bữa?", today=date(2026, 6, 12))
    assert ans.kind == "deadline" and "20/6/2026" in ans.text, ans.text


def test_plan_wording_in_the_question_is_kept_and_unit_names_are_not_rewritten(assistant):
    """"trường học thông minh" is the plan's own phrase and "Sở Giáo dục và Đào tạo" a name: neither is
    replaced by the everyday→plan wording pairs."""
    snap = assistant.library.snapshot
    q = snap.reader.read("Sở Giáo dục và Đào tạo phối hợp với ai để triển khai trường học thông minh?", date.today())
    assert {"truong_hoc", "hoc", "thong_minh"} <= set(q.topic) and "boi_duong" not in q.topic
    ans = assistant.ask("Sở Giáo dục và Đào tạo phối hợp với ai để triển khai trường học thông minh?")
    assert ans.kind == "owner" and "trường học thông minh" in ans.text, ans.text


def test_the_units_a_plan_assigns_are_listed_whole(section_assistant, assistant):
    ans = section_assistant.ask("Những đơn vị nào được phân công trong kế hoạch xã Tân Hòa?")
    assert ans.kind == "list" and "2 đơn vị" in ans.text, ans.text
    assert "Văn phòng HĐND và UBND xã" in ans.text and "Phòng Kinh tế" in ans.text
    # about one thing, not the whole assignment: not the roll
    other = assistant.ask("Những cơ quan nào được giao phối hợp tuyên truyền ở tỉnh Đồng Nai?")
    assert "đơn vị được phân công" not in other.text


def test_what_a_unit_cooperates_on(assistant):
    """"X phối hợp làm gì?": the rows X cooperates on; a unit in no such row gets its own duties, all of them."""
    snap = assistant.library.snapshot
    ans = assistant.ask("Sở Tài chính tỉnh Đồng Nai phối hợp làm gì?")
    unit = snap.reader.read("Sở Tài chính tỉnh Đồng Nai", date.today()).units[0]
    coop = {r.first_line for r in snap.of_kind("task", {"tinh-dong-nai-2026"}) if snap.holds_unit(r, unit, "coop")}
    assert coop and {s.lines[0] for s in ans.sources} == coop, ans.text
    ans = assistant.ask("Ban nhân dân các ấp ở Nha Bích phối hợp làm gì?")
    assert "Tổ công nghệ số cộng đồng" in ans.text and "Phối hợp thực hiện" in ans.text, ans.text


def test_a_tasks_deadline_is_not_an_event_date(assistant):
    assert assistant.ask("Nhiệm vụ tham gia hội thi khoa học kỹ thuật của Nha Bích hạn khi nào?").kind == "deadline"
    assert assistant.ask("Hội thi khoa học kỹ thuật của tỉnh năm 2026 tổ chức khi nào?").kind == "none"


@pytest.mark.parametrize("question", ["Xã Phước An có bao nhiêu trạm phát sóng 5G?",
                                      "Năm 2026 xã Nha Bích tổ chức mấy lớp tập huấn kỹ năng số?"])
def test_a_count_of_things_is_not_answered_by_a_percentage_or_another_figure(assistant, question):
    """"bao nhiêu trạm" is not "tỉ lệ phủ sóng ≥ 60%"; "mấy lớp" is not a task whose KPI is "01 Kế hoạch"."""
    assert assistant.ask(question).kind == "none"


def test_words_inside_other_words_do_not_mark_a_foreign_fact(assistant):
    """"vận động của" holds "đóng cửa" folded: it is not a question about office hours."""
    ans = assistant.ask("Ai chủ trì xây dựng sân vận động của phường Hàng Gòn?")
    assert ans.kind == "none" and "giờ làm việc" not in ans.text
    assert "giờ làm việc" in assistant.ask("Trung tâm PVHCC xã Nha Bích đóng cửa lúc mấy giờ?").text


def test_tasks_about_a_topic_are_listed_not_just_the_best(assistant):
    snap = assistant.library.snapshot
    want = {r.first_line for r in snap.of_kind("task", {"tinh-dong-nai-2026"})
            if "an toàn thông tin" in f"{r.obj.task} {r.obj.subtask}".lower()}
    ans = assistant.ask("Tỉnh Đồng Nai có những nhiệm vụ nào về an toàn thông tin?")
    assert ans.kind == "list" and len(want) >= 2 and want <= {s.lines[0] for s in ans.sources}, ans.text


def test_data_is_a_topic(assistant):
    """"dữ liệu" is made of form-word syllables when folded ("đủ", "liệu"), yet it is what is asked about."""
    q = assistant.library.snapshot.reader.read("Các nhiệm vụ về dữ liệu của Nha Bích là gì?", date.today())
    assert "du_lieu" in q.topic
    assert assistant.ask("Các nhiệm vụ về dữ liệu của Nha Bích là gì?").kind == "list"


def test_one_years_targets_are_not_the_plan_overview(assistant):
    ans = assistant.ask("Mục tiêu đến năm 2030 của xã Xuân Phú gồm những gì?")
    assert "năm 2030" in ans.text and "Bố cục" not in ans.text, ans.text
    assert "Bố cục" in assistant.ask("Xã Phước An năm 2026 phải làm những nhiệm vụ gì?").text


def test_nhung_x_nao_is_a_list_however_long_x(assistant):
    ans = assistant.ask("Quý này tỉnh Đồng Nai phải ban hành những nghị quyết quy định mức hỗ trợ từ ngân sách địa "
                        "phương nào?", today=date(2026, 4, 10))
    assert ans.kind == "list" and len(ans.sources) >= 2 and "quý II/2026" in ans.text, ans.text


def test_conversation_turns_read_as_an_official_means_them(assistant):
    first = assistant.ask("Xã Nha Bích đặt chỉ tiêu tỷ lệ dịch vụ công trực tuyến toàn trình là bao nhiêu?")
    # "Đơn vị này …": the unit leading the row just cited, and the whole list it asks for
    listed = assistant.ask("Đơn vị này còn chủ trì những chỉ tiêu nào khác?", context=first.context)
    lead = first.context.units[0][1]
    snap = assistant.library.snapshot
    unit = next(u for u in snap.reader.read(lead + " xã Nha Bích", date.today()).units)
    want = {r.first_line for r in snap.of_kind("target", {"xa-nha-bich-2026"}) if snap.holds_unit(r, unit, "lead")}
    assert listed.kind == "list" and {s.lines[0] for s in listed.sources} == want, listed.text
    # a question about the province after a commune's answer is the province's
    fresh = assistant.ask("Nhiệm vụ triển khai Hệ thống thông tin lĩnh vực Nội chính của tỉnh do ai chủ trì?",
                          context=listed.context)
    assert "Đồng Nai" in fresh.text and not fresh.text.startswith("("), fresh.text
    # "Sản phẩm là gì?" asks about the task just cited
    product = assistant.ask("Sản phẩm là gì?", context=fresh.context)
    assert product.sources and product.sources[0].lines == fresh.sources[0].lines, product.text


def test_time_left_as_a_follow_up(assistant):
    first = assistant.ask("Ai chủ trì xây dựng Chương trình đột phá về phát triển khoa học, công nghệ của tỉnh Đồng Nai?")
    then = assistant.ask("Còn bao nhiêu ngày nữa thì hết hạn?", today=date(2026, 2, 1), context=first.context)
    assert then.kind not in ("error", "none") and "còn" in then.text and then.sources[0].lines == first.sources[0].lines, then.text


def test_thoi_diem_nao_asks_for_a_date(assistant):
    q = assistant.library.snapshot.reader.read("Số liệu các chỉ tiêu của tỉnh Đồng Nai tính đến thời điểm nào?",
                                               date.today())
    assert "deadline" in q.asks and "date" in q.expects


def test_cooperating_tasks_of_a_plan_without_a_task_table_fall_back_to_duties(assistant):
    ans = assistant.ask("Phòng Văn hóa - Xã hội xã Phước An phối hợp những việc gì?")
    assert ans.kind == "duties" and "Phối hợp" in ans.text, ans.text


def test_ha_tang_is_a_word_and_a_named_group_is_listed_whole(assistant):
    """"hạ" folded is also the particle "hả": it must not be dropped, or "hạ tầng" is never a term."""
    from index.text import terms
    assert "ha_tang" in terms("Phát triển hạ tầng số")
    ans = assistant.ask("Nha Bích muốn phát triển hạ tầng số đạt những gì trong năm 2026 (kể đủ các ý)?")
    assert ans.kind == "list" and "trong nhóm" in ans.text and "hạ tầng" in ans.text, ans.text


def test_thi_diem_is_a_term():
    """"thì" is a form word, but folded it is also "thí" of "thí điểm" (pilot) and "thi" of "hội thi"."""
    from index.text import terms
    assert {"thi_diem", "hoi_thi"} <= set(terms("Đề án thí điểm; hội thi khoa học"))


def test_units_that_only_cooperate(tmp_path):
    """A unit whose duty is to "phối hợp" and that leads no row is listed; one with other duties is not."""
    plan = SECTION_PLAN + "\n3. Ban nhân dân các ấp\n\n- Phối hợp thực hiện các nội dung liên quan của Kế hoạch này.\n"
    a = one_plan_assistant(tmp_path, plan)
    ans = a.ask("Ở xã Tân Hòa, đơn vị nào chỉ phối hợp chứ không chủ trì nội dung nào?")
    assert ans.kind == "list" and "Ban nhân dân các ấp" in ans.text and "Phòng Kinh tế" not in ans.text, ans.text


def test_a_unit_named_with_the_same_words_in_another_order_is_not_that_unit(assistant):
    """"Văn phòng HĐND …" holds "văn" and "phòng" but is not "Phòng Văn hóa - Xã hội"; "Ban ấp" is "Ban nhân dân các ấp"."""
    read = assistant.library.snapshot.reader.read
    assert not read("Văn phòng HĐND và UBND xã Xuân Phú có nhiệm vụ gì?", date.today()).units
    assert [u.name for u in read("Ban ấp ở Nha Bích phải làm gì để bà con biết dùng điện thoại?", date.today()).units] \
        == ["Ban nhân dân các ấp"]


def test_the_date_of_a_cited_resolution_is_not_the_year_a_passage_speaks_of(assistant):
    ans = assistant.ask("Đến hết năm 2025, Xuân Phú phấn đấu bao nhiêu phần trăm hồ sơ công việc liên quan đến quản lý "
                        "dân cư được xử lý trên môi trường mạng?")
    assert ans.kind != "none" and "60%" in ans.text, ans.text


def test_tren_dia_ban_says_where_not_what(assistant):
    """"trên địa bàn" is in nearly every line of a plan: it must not pull a list question away from its lead-in."""
    ans = assistant.ask("Đến hết năm 2025, hạ tầng số trên địa bàn xã Xuân Phú phải đạt những gì?")
    assert ans.kind == "list" and "Phát triển hạ tầng số:" in ans.text and "5G" in ans.text, ans.text


CITING_PLAN = """ỦY BAN NHÂN DÂN XÃ TÂN HÒA

Số: 12/KH-UBND

KẾ HOẠCH
Triển khai Nghị quyết số 57-NQ/TW trên địa bàn xã Tân Hòa năm 2026

Căn cứ Kế hoạch số 205-KH/TU ngày 03/04/2025 của Tỉnh ủy về chuyển đổi số;

Căn cứ Kế hoạch số 88/KH-UBND ngày 17/01/2026 của UBND tỉnh về khoa học, công nghệ;

I. MỤC ĐÍCH, YÊU CẦU

- Triển khai nghiêm túc các nhiệm vụ về chuyển đổi số.

II. TỔ CHỨC THỰC HIỆN

1. Phòng Văn hóa - Xã hội

- Chủ trì theo dõi, đôn đốc thực hiện kế hoạch; báo cáo UBND xã trước ngày 20 hằng tháng.

Nơi nhận:
- UBND tỉnh;
- Thường trực Đảng ủy xã;
- Các ấp;
- Lưu: VT.

CHỦ TỊCH
"""


def test_a_cited_document_is_answered_from_the_line_citing_it(tmp_path):
    """"Kế hoạch số X … ban hành ngày nào?" names another document: the answer is the line citing it, not the
    plan's own (blank) date; a number no line cites falls back to the plan's own facts."""
    a = one_plan_assistant(tmp_path, CITING_PLAN)
    ans = a.ask("Văn bản 88/KH-UBND mà xã Tân Hòa căn cứ được ký ngày nào?")
    first, last = ans.sources[0].lines
    assert "17/01/2026" in ans.text and first <= 10 <= last
    ans = a.ask("Kế hoạch 205 - KH/TU của Tỉnh ủy ban hành ngày nào?")
    assert "03/04/2025" in ans.text
    own = a.ask("Kế hoạch 12/KH-UBND của xã Tân Hòa ban hành ngày nào?")
    assert "17/01/2026" not in own.text and "03/04/2025" not in own.text
    # a bare number after a document type; "kế hoạch 57" is the plan carrying out Nghị quyết 57 (its title)
    assert "03/04/2025" in a.ask("Tỉnh ủy ký KH 205 về chuyển đổi số hôm nào?").text
    own = a.ask("Kế hoạch 57 của xã Tân Hòa ban hành ngày nào?")
    assert "17/01/2026" not in own.text and "03/04/2025" not in own.text
    # "đề ngày": its date in everyday words; the number written in full is the one asked, not a bare one beside it
    ans = a.ask("Tân Hòa căn cứ Kế hoạch 88/KH-UBND thực hiện Kế hoạch 205 — văn bản 88 đề ngày mấy?")
    assert "17/01/2026" in ans.text and "03/04/2025" not in ans.text


def test_a_basis_document_named_by_its_issuer(tmp_path):
    """"… căn cứ kế hoạch số mấy của Tỉnh ủy, ngày nào?": that document's number and date, not the plan's own;
    the first and the last of the bases asked: the whole list."""
    a = one_plan_assistant(tmp_path, CITING_PLAN)
    ans = a.ask("Kế hoạch của xã Tân Hòa căn cứ kế hoạch số mấy của Tỉnh ủy, ban hành ngày nào?")
    assert "205-KH/TU" in ans.text and "03/04/2025" in ans.text and "17/01/2026" not in ans.text
    ans = a.ask("Văn bản đầu tiên và cuối cùng mà Tân Hòa dẫn làm căn cứ là những kế hoạch số mấy?")
    assert "205-KH/TU" in ans.text and "88/KH-UBND" in ans.text


def test_the_recipients_asked_in_everyday_words(tmp_path):
    a = one_plan_assistant(tmp_path, CITING_PLAN)
    for question in ("Văn bản của xã Tân Hòa gửi tới đâu?", "Danh sách gửi văn bản của Tân Hòa gồm những ai?"):
        ans = a.ask(question)
        assert "Thường trực Đảng ủy xã" in ans.text, (question, ans.text)


def test_who_works_with_that_unit_asks_the_partners_of_the_row_last_cited(assistant):
    """"Ai cùng thực hiện với sở đó?" after an owner answer: the partners of that row, not "không có"."""
    first = assistant.ask("Tỉnh Đồng Nai giao sở nào lập quy định tiêu chí hỗ trợ cho dự án bán dẫn?")
    assert "Sở Khoa học và Công nghệ" in first.text
    follow = assistant.ask("Ai cùng thực hiện với sở đó?", context=first.context)
    assert follow.kind != "none" and "Sở Tài chính" in follow.text
    # the work of the unit pointed at is that unit's duties, not the row last cited
    first = assistant.ask("Ở xã Nha Bích, Công an xã theo dõi chỉ tiêu nào?")
    follow = assistant.ask("Đơn vị ấy còn phải làm gì nữa?", context=first.context)
    assert follow.kind == "duties" and "Công an xã" in follow.text


def test_the_recipients_are_the_noi_nhan_block(tmp_path):
    a = one_plan_assistant(tmp_path, CITING_PLAN)
    ans = a.ask("Kế hoạch của xã Tân Hòa được gửi tới những cơ quan nào?")
    assert "UBND tỉnh" in ans.text and "Các ấp" in ans.text and "Lưu: VT" in ans.text and "CHỦ TỊCH" not in ans.text
    first, last = ans.sources[0].lines
    assert CITING_PLAN.splitlines()[first - 1].startswith("Nơi nhận")


def test_the_earlier_question_for_another_plan_year_or_level(assistant):
    first = assistant.ask("Xuân Phú đặt tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến năm 2025 là bao nhiêu?")
    assert "70%" in first.text
    other = assistant.ask("Còn tỉnh Đồng Nai năm 2026 thì sao?", context=first.context)
    assert "95%" in other.text and any(s.locality == "Đồng Nai" for s in other.sources)
    level = assistant.ask("Cấp tỉnh thì con số ấy là bao nhiêu?", context=first.context)
    assert "95%" in level.text and any(s.locality == "Đồng Nai" for s in level.sources)


def test_words_about_the_plan_in_a_question_about_a_row(assistant):
    """"… với sự phối hợp của cơ quan nào?" asks a row's partners, not the plan's issuer; the issuer question stays."""
    row = assistant.ask("Công an tỉnh xây dựng quy chế bảo vệ dữ liệu cá nhân với sự phối hợp của cơ quan nào?")
    assert "Các cơ quan, đơn vị, địa phương" in row.text and "Cơ quan ban hành" not in row.text
    plan = assistant.ask("Kế hoạch năm 2026 của tỉnh Đồng Nai do cơ quan nào ban hành?")
    assert "Ban Thường vụ Tỉnh ủy" in plan.text
    # a plan named by its subject is asked about itself, even where a row repeats its title
    signer = assistant.ask("Kế hoạch triển khai Nghị quyết 57 của xã Nha Bích do ai ký?")
    assert "Người ký" in signer.text


def test_follow_ups_naming_another_unit_or_asking_who(assistant):
    first = assistant.ask("Ở xã Nha Bích, Công an xã chủ trì những chỉ tiêu nào?")
    other = assistant.ask("Còn Công an phường Hàng Gòn?", context=first.context)
    assert other.kind != "none" and any(s.locality == "Hàng Gòn" for s in other.sources)
    assert "Công an phường" in other.text
    target = assistant.ask("Hàng Gòn đặt tỷ lệ giao dịch không dùng tiền mặt là bao nhiêu?")
    who = assistant.ask("Bên nào lo?", context=target.context)
    assert who.kind == "owner" and "Phòng Văn hóa" in who.text


def test_the_rest_beside_a_unit_is_measured_by_its_content_words(assistant):
    """With a unit named in full, the rest of the question is its content words, met as coverage meets them:
    the typist's own form words ("nộp" for the plan's "gửi", "tính từ nay cách bao lâu") are no topic the record
    must hold, while another topic ("trung tâm dữ liệu") still is."""
    from answers import evidence
    snap = assistant.library.snapshot
    passage = next(r for r in snap.of_kind("passage")
                   if "trước ngày 25 tháng" in r.obj.text and "Văn phòng Tỉnh ủy" in r.obj.text)
    q = snap.reader.read("Sở ngành nộp kế hoạch của mình cho Văn phòng Tỉnh ủy muộn nhất hôm nào, tính từ nay cách "
                         "bao lâu?", date(2026, 1, 10))
    assert evidence.covers_rest(snap, q, passage)
    q = snap.reader.read("Văn phòng Tỉnh ủy chủ trì xây dựng trung tâm dữ liệu khi nào?", date(2026, 1, 10))
    assert not evidence.covers_rest(snap, q, passage)


def test_an_everyday_synonym_is_not_read_inside_a_word_the_plans_write(assistant):
    """"tiền" alone is everyday wording for "kinh phí"; inside "tiền mặt" (a word the plans write) it is not."""
    snap = assistant.library.snapshot
    q = snap.reader.read("Hàng Gòn: thanh toán không tiền mặt do phòng nào theo dõi?", date(2026, 7, 1))
    assert "tien_mat" in q.topic and ("tien", "kinh phi") not in q.reworded
    q = snap.reader.read("Nha Bích dành bao nhiêu tiền cho chuyển đổi số?", date(2026, 7, 1))
    assert ("tien", "kinh phi") in q.reworded


def test_another_level_asked_of_a_named_plan_must_be_the_records(assistant):
    """"công chức cấp tỉnh" asked of a commune's plan is not its target for the commune's own officials; "cán bộ
    cấp xã" asked of the province's plan is the target that names them."""
    pa = assistant.ask("Ở xã Phước An, tỷ lệ công chức cấp tỉnh học kỹ năng số căn bản là bao nhiêu?")
    assert pa.kind == "none" and pa.evidence and "level" in pa.evidence["failed"]
    dn = assistant.ask("Đồng Nai đặt tỷ lệ cán bộ cấp xã được bồi dưỡng kỹ năng số là bao nhiêu?")
    assert dn.kind == "target" and "cấp xã" in dn.text


def test_a_cited_documents_date_is_no_events_date(assistant, monkeypatch):
    """"Hội nghị … tổ chức ngày nào?" is not answered by the paragraph the model is sure of when its only date is
    that of a cited document ("Nghị quyết số 57-NQ/TW ngày 22/12/2024")."""
    from index.hybrid import Hit
    snap = assistant.library.snapshot
    doc_id, passage = next((i, r) for i, r in snap.records.items() if r.kind == "passage"
                           and r.plan == "phuong-hang-gon-2026" and "ban hành kế hoạch Triển khai" in r.obj.text)
    doc = next(d for d in snap.index.docs if d.id == doc_id)
    monkeypatch.setattr(type(snap.index), "search",
                        lambda self, query, k=10, plans=None, kinds=None: [Hit(doc, 1.0, None, 1, 0.8)])
    ans = assistant.ask("Phường Hàng Gòn họp hội nghị triển khai kế hoạch 57 vào ngày nào?")
    assert ans.kind == "none", ans.text


REPORTING_PLAN = """ỦY BAN NHÂN DÂN XÃ TÂN HÒA

KẾ HOẠCH
Triển khai Nghị quyết số 57-NQ/TW trên địa bàn xã Tân Hòa năm 2026

I. MỤC ĐÍCH, YÊU CẦU

- Triển khai nghiêm túc các nhiệm vụ về chuyển đổi số.

II. TỔ CHỨC THỰC HIỆN

1. Các phòng, ban chuyên môn

Căn cứ nhiệm vụ được giao, tổ chức triển khai thực hiện Kế hoạch.

Thực hiện chế độ báo cáo định kỳ hằng tháng kết quả thực hiện Kế hoạch gửi Văn phòng HĐND và UBND xã tổng hợp trước ngày 15 hằng tháng.

2. Văn phòng HĐND và UBND xã

Tổng hợp kết quả thực hiện của các phòng, ban; báo cáo UBND huyện trước ngày 18 hằng tháng.

3. Trạm Y tế xã

Hướng dẫn người dân cài đặt sổ sức khỏe điện tử.
"""


def test_periodic_reports_come_with_their_next_dates(tmp_path):
    """"Kỳ nộp báo cáo tháng tới hạn ngày nào?": every monthly report of the plan (who sends to whom by which
    day), each with its next date from today; a period the plan does not set is "không có", with the ones it
    sets; a unit that sends and receives no report is not answered with them."""
    a = one_plan_assistant(tmp_path, REPORTING_PLAN)
    ans = a.ask("Đợt nộp báo cáo tháng sắp tới ở xã Tân Hòa hạn chót là hôm nào?", today=date(2026, 3, 16))
    assert ans.kind == "deadline"
    assert "15/4/2026" in ans.text and "18/3/2026" in ans.text      # the 15th has passed this month
    quarterly = a.ask("Xã Tân Hòa có bắt nộp báo cáo hằng quý không, hạn ngày mấy?", today=date(2026, 3, 16))
    assert quarterly.kind == "none" and "hằng quý" in quarterly.text and "18/3/2026" in quarterly.text
    closing = a.ask("Văn phòng HĐND và UBND xã Tân Hòa chốt bản tổng hợp lên huyện hạn ngày mấy?",
                    today=date(2026, 3, 19))
    assert "18/4/2026" in closing.text
    health = a.ask("Trạm Y tế xã Tân Hòa phải nộp báo cáo trước ngày mấy hằng tháng?", today=date(2026, 3, 16))
    assert "báo cáo định kỳ:" not in health.text


BODY_CITING_PLAN = commune_plan(45, """Căn cứ Kế hoạch số 12-KH/ĐU ngày 03/4/2025 của Đảng ủy xã Tân Hòa về chuyển đổi số;

I. TỔ CHỨC THỰC HIỆN

1. Văn phòng HĐND và UBND xã

Nâng cấp mạng nội bộ của các cơ quan theo Hướng dẫn số 345/STTTT-BCVT ngày 14/8/2024 của Sở Thông tin và Truyền thông về mạng truyền số liệu chuyên dùng.

2. Công an xã

Làm sạch dữ liệu dân cư theo Kế hoạch liên tịch số 77/KHLT-CAH-UBND ngày 21/2/2024 về làm sạch dữ liệu đất đai.
""")


def test_a_document_the_body_cites_is_found_by_what_it_is_about(tmp_path):
    """"… theo văn bản nào của Sở TTTT, số mấy?": the number and date of a document the plan cites in its body
    (not only in its "Căn cứ" lines), found by the words around the citation; a basis named by its issuer
    still answers from the "Căn cứ" line."""
    a = one_plan_assistant(tmp_path, BODY_CITING_PLAN)
    ans = a.ask("Xã Tân Hòa nâng cấp mạng nội bộ theo văn bản số mấy của Sở Thông tin và Truyền thông?")
    assert "345/STTTT-BCVT" in ans.text and "14/8/2024" in ans.text
    land = a.ask("Việc làm sạch dữ liệu đất đai ở Tân Hòa dựa theo kế hoạch liên tịch nào, ký ngày nào?")
    assert "77/KHLT-CAH-UBND" in land.text and "21/2/2024" in land.text
    basis = a.ask("Kế hoạch của Đảng ủy xã mà Tân Hòa lấy làm căn cứ có số hiệu là gì?")
    assert "12-KH/ĐU" in basis.text


TWO_BASES_PLAN = commune_plan(47, """Căn cứ Kế hoạch số 19-KH/ĐU ngày 10/01/2026 của Đảng ủy xã Tân Hòa về chuyển đổi số;

Căn cứ Kế hoạch số 12-KH/ĐU ngày 03/4/2025 của Đảng ủy xã Tân Hòa về chuyển đổi số;

I. TỔ CHỨC THỰC HIỆN

1. Phòng Văn hóa - Xã hội

Chủ trì theo dõi, đôn đốc thực hiện Kế hoạch.
""")


def test_a_cited_document_is_told_apart_by_the_year_asked(tmp_path):
    """Two bases from one issuer: "… ra năm 2025, ký hiệu đầy đủ là gì?" asks the number of the one dated in that
    year, not the plan's own number nor the first basis; "mang số nào" asks a number too."""
    a = one_plan_assistant(tmp_path, TWO_BASES_PLAN)
    ans = a.ask("Tân Hòa có nhắc văn bản của cấp ủy xã ra năm 2025; ký hiệu đầy đủ là gì?")
    assert "12-KH/ĐU" in ans.text and "19-KH/ĐU" not in ans.text
    other = a.ask("Văn bản năm 2025 của Đảng ủy mà xã Tân Hòa dẫn ra mang số nào?")
    assert "căn cứ Kế hoạch số 12-KH/ĐU" in other.text and "19-KH/ĐU" not in other.text


def test_which_kind_of_unit_is_asked_not_a_topic_of_its_own(assistant):
    """"phòng nào canh?" after a target: the owner of that target (the kind of unit before "nào" and a chat word
    for looking after it are no new topic); "ai đứng tên" asks the signer."""
    first = assistant.ask("Nha Bích muốn tỷ lệ giao dịch không dùng tiền mặt đạt bao nhiêu?")
    follow = assistant.ask("phòng nào canh vậy?", context=first.context)
    assert follow.kind == "owner" and "Hiểu theo câu trước" in follow.text and "tiền mặt" in follow.text
    signer = assistant.ask("Vị chủ tịch nào đứng tên kế hoạch của xã Xuân Phú?")
    assert "Nguyễn Văn Linh" in signer.text


NAMED_YEAR_PLAN = commune_plan(46, """Căn cứ Kế hoạch số 31-KH/ĐU ngày 23/02/2026 của Đảng ủy xã Tân Hòa về chuyển đổi số;

I. NHIỆM VỤ TRỌNG TÂM

1. Xây dựng Kế hoạch ứng dụng trí tuệ nhân tạo của xã Tân Hòa năm 2026.

2. Hoàn thành trong năm 2026 việc số hóa sổ hộ tịch của xã.

II. TỔ CHỨC THỰC HIỆN

1. Phòng Văn hóa - Xã hội

Chủ trì theo dõi, đôn đốc thực hiện Kế hoạch.
""")


def test_a_year_in_a_name_is_no_deadline(tmp_path):
    """"Kế hoạch … năm 2026" names a plan: asked its deadline, the plan gives none ("không có"); "hoàn thành trong
    năm 2026" is one; a cited document's date answers when that document is what is asked."""
    a = one_plan_assistant(tmp_path, NAMED_YEAR_PLAN)
    named = a.ask("Kế hoạch ứng dụng trí tuệ nhân tạo của xã Tân Hòa phải ban hành trước quý mấy?")
    assert named.kind == "none"
    dated = a.ask("Việc số hóa sổ hộ tịch của xã Tân Hòa hạn khi nào?")
    assert dated.kind == "deadline" and "năm 2026" in dated.text
    cited = a.ask("Đảng ủy xã Tân Hòa ra kế hoạch 31-KH/ĐU vào ngày tháng năm nào?")
    assert cited.kind != "none" and "23/02/2026" in cited.text


def test_a_collective_name_does_not_pick_the_plan(assistant):
    """"các cơ quan Trung ương" holds the words of Phước An's collective "các cơ quan", which names no one body:
    it does not make the question Phước An's (the province's plan is asked)."""
    ans = assistant.ask("Kế hoạch tỉnh còn gửi các cơ quan trung ương nào, ngoài nơi nhận trong tỉnh?")
    assert {s.locality for s in ans.sources} == {"Đồng Nai"}


def test_where_a_plan_is_sent_in_other_words(tmp_path):
    """"gửi kế hoạch tới những nơi nào", "văn bản gửi lên những cơ quan nào": the plan's recipients."""
    a = one_plan_assistant(tmp_path, CITING_PLAN)
    for question in ("Xã Tân Hòa gửi kế hoạch tới những nơi nào?",
                     "Văn bản của xã Tân Hòa được gửi lên những cơ quan nào?"):
        ans = a.ask(question)
        assert "Thường trực Đảng ủy xã" in ans.text and "Các ấp" in ans.text, question


def test_an_initialism_the_synonyms_spell_out_is_no_foreign_word(assistant):
    """"SME" is in synonyms.tsv ("doanh nghiệp nhỏ và vừa"): a known everyday term, not a word of another
    language marking something the plans do not cover."""
    ans = assistant.ask("Phước An đặt tỷ lệ SME ứng dụng công nghệ số là bao nhiêu?")
    assert ans.kind == "target" and "60%" in ans.text


def test_a_unit_of_its_own_with_its_own_ask_is_fresh(assistant):
    """"Còn tỉnh Đồng Nai, Sở Y tế được giao việc gì?" after a commune's answer names a unit the chat has not
    named and asks something of it: a fresh question, not the earlier one asked of the province."""
    first = assistant.ask("Phước An đặt tỷ lệ người dân có chữ ký số là bao nhiêu?")
    follow = assistant.ask("Còn tỉnh Đồng Nai, Bộ Chỉ huy Quân sự tỉnh được giao nhiệm vụ gì?", context=first.context)
    assert "Hiểu theo câu trước" not in follow.text and "Bộ Chỉ huy Quân sự" in follow.text


def test_moving_to_another_plan_keeps_the_topic_and_takes_the_new_ask(assistant):
    """"xuống Nha Bích thì phòng nào lo?" after a province deadline: the same topic in Nha Bích, with what the
    follow-up asks (the owner), not the earlier question's deadline."""
    first = assistant.ask("Kế hoạch hỗ trợ chuyển đổi số cho doanh nghiệp nhỏ và vừa của tỉnh hạn quý mấy?")
    follow = assistant.ask("xuống Nha Bích thì phòng nào lo?", context=first.context)
    assert follow.kind == "owner" and "Phòng kinh tế" in follow.text
    assert {s.locality for s in follow.sources} == {"Nha Bích"}


HORIZON_PLAN = """ỦY BAN NHÂN DÂN XÃ TÂN HÒA
Số: 47/KH-UBND

KẾ HOẠCH
Triển khai Nghị quyết số 57-NQ/TW trên địa bàn xã Tân Hòa

I. MỤC TIÊU

1. Đến hết năm 2025

- Có ≥ 60% giao dịch không dùng tiền mặt.

- Có ≥ 70% hồ sơ thủ tục hành chính xử lý trực tuyến.

2. Đến năm 2030

- Có ≥ 90% hồ sơ thủ tục hành chính xử lý trực tuyến.

II. TỔ CHỨC THỰC HIỆN

1. Phòng Văn hóa - Xã hội

Chủ trì theo dõi, đôn đốc thực hiện Kế hoạch.
"""


def test_a_target_for_another_year_is_not_the_one_asked_without_a_figure_word(tmp_path):
    """"Có chỉ tiêu riêng cho năm 2026 về … không?", "con số nào", "mức … nào" ask for a year's target as "bao
    nhiêu" does: a figure set for 2025 is not it."""
    a = one_plan_assistant(tmp_path, HORIZON_PLAN)
    for question in ("Tân Hòa có đặt chỉ tiêu riêng cho năm 2026 về hồ sơ thủ tục hành chính xử lý trực tuyến không?",
                     "Riêng năm 2026, Tân Hòa có con số nào cho giao dịch không dùng tiền mặt không?",
                     "Năm 2026 Tân Hòa cam kết mức giao dịch không dùng tiền mặt nào?"):
        assert a.ask(question).kind == "none", question
    assert "60%" in a.ask("Năm 2025 Tân Hòa có con số nào cho giao dịch không dùng tiền mặt?").text


def test_the_year_after_in_a_follow_up(tmp_path):
    """"… năm sau thì?" after a question about 2025 asks the same for 2026; "năm trước" for the year before."""
    a = one_plan_assistant(tmp_path, HORIZON_PLAN)
    first = a.ask("Đến hết năm 2025 Tân Hòa đặt bao nhiêu % hồ sơ thủ tục hành chính xử lý trực tuyến?")
    assert "70%" in first.text
    after = a.ask("năm sau thì?", context=first.context)
    assert after.kind == "none" and "năm 2026" in a.library.snapshot.reader.read(
        "năm sau thì?", date(2026, 7, 1), first.context, None).base


def test_a_word_leading_into_a_time_is_no_subject(assistant):
    """"sang tháng sau": "sang" says when (not "sáng tạo"), so the unit's tasks due next month are not filtered by
    it."""
    ans = assistant.ask("Sang tháng sau Công an tỉnh Đồng Nai có những việc gì hết hạn?", today=date(2026, 5, 29))
    assert "công dân số" in ans.text


def test_a_deadline_to_issue_something_is_not_the_plan_s_date_and_says_if_it_is_late(assistant):
    """"hạn ban hành … khi nào" asks a task's deadline (not the date the plan was issued); asked "trễ chưa", the
    answer says it in those words either way: "đã quá hạn" or "chưa quá hạn"."""
    question = "Quy chế về bảo vệ dữ liệu cá nhân ở tỉnh Đồng Nai có hạn ban hành khi nào, nay trễ chưa?"
    late = assistant.ask(question, today=date(2026, 5, 2))
    assert late.kind == "deadline" and "đã quá hạn" in late.text
    early = assistant.ask(question, today=date(2026, 2, 1))
    assert early.kind == "deadline" and "chưa quá hạn" in early.text


UNIT_TARGETS_PLAN = commune_plan(49, """I. MỤC TIÊU

STT	Chỉ tiêu	Đơn vị tính	Chỉ tiêu năm 2026	Đơn vị chủ trì
1	Tỷ lệ người dân có tài khoản định danh điện tử	%	≥ 85%	Công an xã
2	Tỷ lệ hồ sơ thủ tục hành chính được số hóa	%	100%	Trung tâm Phục vụ hành chính công

II. TỔ CHỨC THỰC HIỆN

1. Phòng Văn hóa - Xã hội

Chủ trì theo dõi, đôn đốc thực hiện Kế hoạch.

Nơi nhận:
- Thường trực Đảng ủy xã;
- Công an xã;
- Lưu: VT.
""")


def test_a_unit_s_work_is_its_targets_when_it_leads_no_task(tmp_path):
    """"Phần việc của Công an xã gồm những gì?" where the plan gives it no task but a target: that target, not
    "không có nhiệm vụ nào"; "danh sách phát hành" is the plan's list of recipients."""
    a = one_plan_assistant(tmp_path, UNIT_TARGETS_PLAN)
    work = a.ask("Phần việc của Công an xã Tân Hòa gồm những dòng nào?")
    assert work.kind == "list" and "định danh điện tử" in work.text and "Không có" not in work.text
    sent = a.ask("Danh sách phát hành của kế hoạch xã Tân Hòa gồm những ai?")
    assert "Thường trực Đảng ủy xã" in sent.text


def test_days_left_counted_is_no_count_of_tasks(assistant):
    """"đếm ngược: việc … còn bao nhiêu ngày là hết hạn": the days left to that task's deadline, not how many tasks
    its unit leads; "còn bao nhiêu việc" still counts tasks."""
    ans = assistant.ask("đếm ngược giúp: việc chọn nhà đầu tư khu công nghệ số Long Thành của Sở Tài chính còn bao "
                        "nhiêu ngày là hết hạn", today=date(2026, 11, 1))
    assert ans.kind == "deadline" and "còn 60 ngày" in ans.text
    snap = assistant.library.snapshot
    q = snap.reader.read("Sở Tài chính còn bao nhiêu việc chưa đến hạn?", date(2026, 11, 1))
    assert q.wants("count")


def test_handing_in_results_is_a_periodic_report(assistant):
    """"đợt nộp kết quả … chốt hôm nào": handing in results is reporting; the next report date from today."""
    ans = assistant.ask("Xuân Phú: các đơn vị nộp kết quả nửa cuối năm, đợt tới chốt hôm nào?", today=date(2026, 9, 22))
    assert "10/11/2026" in ans.text
    # "hôm nào" asks a day; the day a document was signed is the document's date, not a deadline
    q = assistant.library.snapshot.reader.read("Kế hoạch của xã Xuân Phú ký hôm nào?", date(2026, 9, 22))
    assert q.meta == {"date"} and not q.wants("deadline")


def test_time_left_and_the_result_to_reach_asked_together(assistant):
    """"… còn bao nhiêu ngày và phải đạt tỷ lệ nào?": the days left and the task's KPI, both."""
    ans = assistant.ask("Việc bồi dưỡng kỹ năng số, AI cho đội ngũ giáo viên các cấp ở Đồng Nai còn mấy ngày nữa "
                        "và phải đạt tỷ lệ nào?", today=date(2026, 12, 1))
    assert "80%" in ans.text and "còn 30 ngày" in ans.text


REPORT_DATES_PLAN = commune_plan(51, """I. YÊU CẦU

Xác định rõ các chỉ tiêu cụ thể, các mốc thời gian, nguồn lực thực hiện cho từng cơ quan.

II. TỔ CHỨC THỰC HIỆN

1. Các ban, ngành xã

Định kỳ 6 tháng báo cáo kết quả thực hiện về Phòng Văn hóa - Xã hội trước ngày 25 tháng 5 và trước ngày 10 tháng 11.
""")


def test_a_follow_up_in_form_words_only_is_about_the_last_answer(tmp_path):
    """"mốc thời gian cụ thể?" after the answer on half-yearly reports: its words only say a date is asked, so it
    asks the dates of that report, not a paragraph that happens to say "các mốc thời gian"."""
    a = one_plan_assistant(tmp_path, REPORT_DATES_PLAN)
    first = a.ask("Các ban, ngành xã Tân Hòa báo cáo 6 tháng gửi về đâu?")
    follow = a.ask("mốc thời gian cụ thể?", context=first.context)
    assert "25 tháng 5" in follow.text and "Xác định rõ" not in follow.text


GROUNDS_IN_ONE_PARAGRAPH = commune_plan(14, """Thực hiện Kế hoạch số 301-KH/TU ngày 05/3/2025 của Tỉnh ủy về phát triển khoa học, công nghệ;
Kế hoạch số 77/KH-UBND ngày 20/4/2025 của UBND tỉnh về chuyển đổi số; Kế hoạch số 03-KH/BCĐ ngày 02/10/2025 của
Ban Chỉ đạo xã về đổi mới sáng tạo. UBND xã ban hành Kế hoạch như sau:

I. MỤC TIÊU

1. Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 90%.

II. TỔ CHỨC THỰC HIỆN

1. Ban Văn hóa xã chủ trì tuyên truyền kế hoạch.
""")


def test_grounds_listed_in_one_paragraph_are_each_a_document(tmp_path):
    """A preamble naming its grounds in one paragraph ("Thực hiện Kế hoạch số …; Kế hoạch số …; Kế hoạch số …") lists
    each document; "trên cơ sở những kế hoạch cấp trên nào", "viện dẫn những văn bản nào" ask for that list, and
    "văn bản nào" asks for a document, not for a body ("ban nào")."""
    a = one_plan_assistant(tmp_path, GROUNDS_IN_ONE_PARAGRAPH)
    for question in ("Tân Hòa ban hành kế hoạch trên cơ sở những kế hoạch cấp trên nào?",
                     "Phần mở đầu kế hoạch Tân Hòa viện dẫn những văn bản nào của tỉnh?",
                     "Những văn bản nào được UBND xã Tân Hòa nêu làm căn cứ?"):
        ans = a.ask(question)
        assert ans.kind == "list", (question, ans.kind, ans.text)
        assert all(n in ans.text for n in ("301-KH/TU", "77/KH-UBND", "03-KH/BCĐ")), (question, ans.text)
        assert "(3 văn bản)" in ans.text, (question, ans.text)


def test_a_documents_number_asked_is_no_figure(tmp_path):
    """"… dựa vào nghị quyết số mấy?": the number of the document a line cites ("04/2025/NQ-CP") answers it; the
    question asks for no figure, so a line without a percentage or count is no reason to refuse; a line citing no
    document does not answer it."""
    a = one_plan_assistant(tmp_path, commune_plan(15, """I. MỤC TIÊU

1. Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 90%.

II. GIẢI PHÁP

1. Tháo gỡ vướng mắc trong đầu tư công nghệ thông tin theo Nghị quyết 04/2025/NQ-CP.

2. Đẩy mạnh tuyên truyền về chuyển đổi số trên địa bàn xã.

III. TỔ CHỨC THỰC HIỆN

1. Văn phòng UBND xã chủ trì theo dõi kế hoạch.
"""))
    ans = a.ask("Tân Hòa tháo gỡ vướng mắc đầu tư công nghệ thông tin dựa vào nghị quyết số mấy?")
    assert ans.kind != "none" and "04/2025/NQ-CP" in ans.text, ans.text
    assert a.ask("Tân Hòa tuyên truyền chuyển đổi số theo nghị quyết số mấy?").kind == "none"


def test_a_cited_documents_date_in_prose_is_no_deadline(tmp_path):
    """A line citing "Nghị quyết số 57-NQ/TW ngày 22/12/2024" sets no deadline: asked whether it is late, the
    answer must not count days past the document's date."""
    a = one_plan_assistant(tmp_path, commune_plan(16, """I. MỤC TIÊU

1. Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 90%.

II. TỔ CHỨC THỰC HIỆN

1. Tổ chức quán triệt Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị đến cán bộ, đảng viên toàn xã.
"""))
    ans = a.ask("Việc quán triệt Nghị quyết 57 đến cán bộ, đảng viên của Tân Hòa đến nay có trễ không?",
                today=date(2026, 6, 20))
    assert "22/12/2024" not in ans.text.split("Nguồn:")[0].split("—")[-1] and "đã quá hạn" not in ans.text, ans.text


TITLE_WORDS_PLAN = """ỦY BAN NHÂN DÂN XÃ TÂN HÒA
Số: 18/KH-UBND

KẾ HOẠCH
Phát triển khoa học, công nghệ và chuyển đổi số trên địa bàn xã Tân Hòa năm 2026

I. MỤC TIÊU

1. Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 90%.

2. Tỷ lệ chính quyền xã sử dụng phần mềm quản trị điều hành thống nhất đạt 100%.

II. TỔ CHỨC THỰC HIỆN

1. Văn phòng UBND xã chủ trì theo dõi kế hoạch.
"""


def test_words_met_only_by_the_plans_title_tie_no_record_to_the_question(tmp_path):
    """Every record of a plan stands under its title ("Phát triển khoa học, công nghệ …"): a question whose only
    word the plans know is a title word ("công trình khoa học đăng tạp chí") is answered by no record that holds
    none of its words itself — "không có", not another target's figure."""
    a = one_plan_assistant(tmp_path, TITLE_WORDS_PLAN)
    question = "Tân Hòa đặt ra số lượng công trình khoa học được đăng tạp chí năm nay là bao nhiêu?"
    assert a.ask(question).kind == "none"
    snap = a.library.snapshot
    q = snap.reader.read(question, date(2026, 7, 1))
    software = next(r for r in snap.all_records if r.kind == "target" and "phần mềm" in r.obj.text)
    verdict = evidence.assess(snap, q, software)      # what the model's nearest record would be told
    assert not verdict.ok and "title" in verdict.failed, verdict
    assert "90%" in a.ask("Tân Hòa muốn bao nhiêu phần trăm hồ sơ thủ tục hành chính xử lý trực tuyến?").text


LEAD_WORDS_PLAN = commune_plan(19, """I. MỤC TIÊU

| TT | Chỉ tiêu | Chỉ tiêu năm 2026 | Đơn vị chủ trì |
|---|---|---|---|
| 1 | Tỷ lệ chi ngân sách địa phương cho khoa học, công nghệ và chuyển đổi số trên GRDP | ≥ 1% | Phòng Kinh tế |
| 2 | Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến | ≥ 90% | Văn phòng UBND xã |

II. TỔ CHỨC THỰC HIỆN

1. Văn phòng UBND xã chủ trì theo dõi kế hoạch.

2. Các doanh nghiệp đóng góp ý kiến về phát triển kinh tế số của xã.
""")


def test_the_words_of_the_unit_leading_a_row_meet_no_question_word(tmp_path):
    """"Kinh tế số đóng góp mấy % GRDP?" is not met by a budget row led by "Phòng Kinh tế": the unit's name says
    who leads, not what the row is about; a question naming that unit still finds its row."""
    a = one_plan_assistant(tmp_path, LEAD_WORDS_PLAN)
    question = "Tân Hòa đặt phần đóng góp của kinh tế số vào GRDP của xã là mấy %?"
    assert a.ask(question).kind == "none"
    snap = a.library.snapshot
    budget = next(r for r in snap.all_records if r.kind == "target" and "ngân sách" in r.obj.text)
    verdict = evidence.assess(snap, snap.reader.read(question, date(2026, 7, 1)), budget)
    assert "kinh te" in verdict.missing and not verdict.ok, verdict
    ans = a.ask("Phòng Kinh tế xã Tân Hòa theo dõi chỉ tiêu nào về ngân sách?")
    assert ans.kind != "none" and "1%" in ans.text, ans.text


GROUPED_TASKS_PLAN = commune_plan(20, """I. MỤC TIÊU

1. Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 90%.

II. TỔ CHỨC THỰC HIỆN

1. Phòng Văn hóa - Xã hội chủ trì theo dõi kế hoạch.

PHỤ LỤC NHIỆM VỤ

| TT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời hạn |
|---|---|---|---|---|
| I | Nâng cao nhận thức | | | |
| 1 | Tuyên truyền về chuyển đổi số đến người dân các ấp | Phòng Văn hóa - Xã hội | Các ấp | Quý I/2026 |
| II | Hoàn thiện thể chế | | | |
| 1 | Ban hành quy chế quản lý dữ liệu của xã | Văn phòng HĐND và UBND xã | Các ấp | Quý II/2026 |
| 2 | Ban hành quy chế vận hành cổng thông tin điện tử xã | Văn phòng HĐND và UBND xã | Các ấp | Quý III/2026 |
""")


def test_a_group_numeral_with_a_unit_keeps_the_units_rows(tmp_path):
    """"Theo phần II …, Phòng Văn hóa - Xã hội chủ trì những việc nào?": the unit's rows; group II of the table holds
    none of them, so its rows (another unit's) are not the answer."""
    a = one_plan_assistant(tmp_path, GROUPED_TASKS_PLAN)
    ans = a.ask("Theo phần II của kế hoạch Tân Hòa, Phòng Văn hóa - Xã hội chủ trì những việc nào?")
    assert "quy chế" not in ans.text.split("Nguồn:")[0], ans.text
    ans = a.ask("Nhóm II của phụ lục Tân Hòa, Văn phòng HĐND và UBND xã chủ trì những việc nào?")
    assert "quy chế quản lý dữ liệu" in ans.text and "Tuyên truyền" not in ans.text.split("Nguồn:")[0], ans.text


def test_a_count_names_a_few_items_whole_enough_to_tell_them_apart(tmp_path):
    """"Có mấy chỉ tiêu?": a short list of items is named at length (the words that tell two rows apart often come
    late: "… trên GRDP"); a long one stays short."""
    a = one_plan_assistant(tmp_path, LEAD_WORDS_PLAN)
    ans = a.ask("Kế hoạch Tân Hòa có tổng cộng mấy chỉ tiêu?")
    assert "2 chỉ tiêu" in ans.text and "chuyển đổi số trên GRDP" in ans.text, ans.text


def test_two_wordings_of_one_qualifier_do_not_clash(tmp_path):
    """"số hóa và kết nối" is the plan's "số hóa & liên thông", "người dùng" its "người sử dụng": the same qualifier
    in two wordings, not another one (the target is the answer, not "không có")."""
    a = one_plan_assistant(tmp_path, commune_plan(21, """I. MỤC TIÊU

1. Tỷ lệ cơ sở dữ liệu của xã được số hóa & liên thông với tỉnh đạt 60%.

2. Tỷ lệ người sử dụng có khả năng truy cập băng rộng cố định đạt 70%.

II. TỔ CHỨC THỰC HIỆN

1. Văn phòng UBND xã chủ trì theo dõi kế hoạch.
"""))
    snap = a.library.snapshot
    data = next(r for r in snap.all_records if r.kind == "target" and "liên thông" in r.obj.text)
    users = next(r for r in snap.all_records if r.kind == "target" and "sử dụng" in r.obj.text)
    q = snap.reader.read("Tân Hòa muốn bao nhiêu % dữ liệu của xã được số hóa kết nối với tỉnh?", date(2026, 7, 1))
    assert not evidence.qualifier_clash(snap, q, data)
    q = snap.reader.read("Tân Hòa đặt tỉ lệ người dùng mạng cố định là bao nhiêu?", date(2026, 7, 1))
    assert not evidence.qualifier_clash(snap, q, users)


ISSUING_PLAN = commune_plan(53, """Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển
khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia, UBND xã Tân Hòa ban hành kế hoạch triển khai trên
địa bàn xã năm 2026 như sau:

I. MỤC TIÊU

1. Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 90%.

II. NHIỆM VỤ, GIẢI PHÁP

1. Thành lập và phát triển trang thông tin điện tử xã, chú trọng chuyên mục chuyển đổi số.

III. TỔ CHỨC THỰC HIỆN

1. Phòng Văn hóa - Xã hội theo dõi, tổng hợp kết quả triển khai Kế hoạch.

PHỤ LỤC NHIỆM VỤ

| TT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời hạn |
|---|---|---|---|---|
| I | Xây dựng kế hoạch, thể chế | | | |
| 1 | Xây dựng và ban hành Kế hoạch triển khai Nghị quyết số 57-NQ/TW trên địa bàn xã năm 2026 | Phòng Văn hóa - Xã hội | Các cơ quan, đơn vị | Trước tháng 2/2026 |
| 2 | Xây dựng quy chế quản lý dữ liệu của xã | Phòng Kinh tế | Các ấp | Quý III/2026 |
""")


@pytest.fixture(scope="module")
def issuing_assistant(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("issuing")
    return one_plan_assistant(tmp, ISSUING_PLAN)


def test_a_column_section_asked_is_no_level(issuing_assistant):
    """"chuyên mục nào" (which column of the site) is no "mức nào" (which level): the passage answers it; typed
    without marks, "muc nao" may be either and still asks a level."""
    ans = issuing_assistant.ask("Trang thông tin điện tử của xã Tân Hòa phải chú trọng chuyên mục nào?")
    assert ans.kind != "none" and "chuyên mục chuyển đổi số" in ans.text, ans.text
    snap = issuing_assistant.library.snapshot
    assert snap.reader.read("Tỷ lệ hồ sơ trực tuyến ở mức nào?", date(2026, 3, 1)).wants("value")
    assert snap.reader.read("ty le ho so truc tuyen o muc nao", date(2026, 3, 1)).wants("value")


@pytest.mark.parametrize("question", [
    "Kế hoạch 57 của xã Tân Hòa ghi mốc gì cho việc ban hành kế hoạch?",
    "Đến nay xã Tân Hòa đã trễ mốc ban hành kế hoạch 57 chưa?",
    "Mốc ban hành kế hoạch 57 năm 2026 của UBND xã Tân Hòa là khi nào?",
])
def test_the_plans_own_deadline_for_issuing_it_is_a_row_not_the_cited_resolution(issuing_assistant, question):
    """"kế hoạch 57" names the plan carrying out Nghị quyết 57, so the resolution's date its preamble cites is no
    deadline; "mốc gì" and "đã trễ … chưa" ask a deadline; "UBND xã Tân Hòa" names the plan's issuer, not what is
    asked: the row with its deadline answers."""
    ans = issuing_assistant.ask(question, today=date(2026, 2, 10))
    assert "Trước tháng 2/2026" in ans.text and "22/12/2024" not in ans.text, ans.text


def test_the_issuer_before_the_place_is_no_topic(issuing_assistant):
    snap = issuing_assistant.library.snapshot
    # whether a deadline has passed asks that deadline
    assert snap.reader.read("Việc ban hành kế hoạch của xã Tân Hòa đến nay đã trễ chưa?", date(2026, 2, 10)).wants(
        "deadline")
    q = snap.reader.read("Mốc ban hành kế hoạch của UBND xã Tân Hòa là khi nào?", date(2026, 2, 10))
    assert not {"uy", "nhan", "uy_ban", "nhan_dan"} & set(q.topic), q.topic
    # "Ủy ban nhân dân xã" as a unit asked about is still read
    q = snap.reader.read("Ủy ban nhân dân xã chủ trì những việc gì?", date(2026, 2, 10))
    assert {"uy_ban", "nhan_dan"} & set(q.topic) or q.units, (q.topic, q.units)


def test_a_kpi_asked_with_its_partners_names_them(assistant):
    """"KPI là gì, đơn vị nào phối hợp?": both halves, the partners beside the KPI."""
    snap = assistant.library.snapshot
    task = next(r for r in snap.of_kind("task", {"tinh-dong-nai-2026"}) if "Chương trình đột phá" in r.obj.task)
    assert task.obj.cooperating
    ans = assistant.ask("Chương trình đột phá về khoa học, công nghệ của tỉnh: KPI là gì, đơn vị nào phối hợp?")
    assert task.obj.kpi[:30] in ans.text and "phối hợp: " + task.obj.cooperating[0][:20] in ans.text, ans.text


def appendix_plan(number: int, rows: str) -> str:
    """A commune plan with one target, one duty and a task appendix of these table rows."""
    return commune_plan(number, APPENDIX_HEAD + rows)


APPENDIX_HEAD = """I. MỤC TIÊU

1. Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 90%.

II. TỔ CHỨC THỰC HIỆN

1. Phòng Văn hóa - Xã hội theo dõi, tổng hợp kết quả triển khai Kế hoạch.

PHỤ LỤC NHIỆM VỤ

| TT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời hạn |
|---|---|---|---|---|
"""


PHASED_TASK_PLAN = appendix_plan(55, """| I | Chuyển đổi số | | | |
| 1 | Triển khai phần mềm quản lý hồ sơ đảng viên | Văn phòng Đảng ủy | Các chi bộ | Phân kỳ năm 2026 theo Quyết định số 318-QĐ/TW |
| 2 | Số hóa hồ sơ lưu trữ của xã | Phòng Văn hóa - Xã hội | Các ấp | Quý III/2026 |
""")


def test_a_document_number_asked_with_the_owner_comes_from_the_deadline_column(tmp_path):
    """"… ai triển khai, theo phân kỳ quyết định số mấy?": the owner, and the deadline column that cites it."""
    a = one_plan_assistant(tmp_path, PHASED_TASK_PLAN)
    ans = a.ask("Phần mềm quản lý hồ sơ đảng viên ở Tân Hòa ai triển khai, theo phân kỳ quyết định số mấy?")
    assert "Văn phòng Đảng ủy" in ans.text and "318-QĐ/TW" in ans.text, ans.text


ORDERED_TASKS_PLAN = appendix_plan(56, """| I | Tăng cường hợp tác | | | |
| 1 | Ký kết thỏa thuận hợp tác với trường đại học về chuyển đổi số | Phòng Văn hóa - Xã hội | Các ấp | Quý II/2026 |
| 2 | Tổ chức đoàn học tập kinh nghiệm mô hình xã thông minh | Phòng Kinh tế | Các ấp | Quý III/2026 |
| 3 | Mời chuyên gia tư vấn lộ trình chuyển đổi số của xã | Văn phòng HĐND và UBND xã | Các ấp | Quý IV/2026 |
""")


def test_a_follow_up_points_at_one_item_of_the_list_by_its_place(tmp_path):
    """After a list, "cái thứ hai do ai chủ trì?" and "việc cuối cùng hạn khi nào?" ask about that item of it."""
    a = one_plan_assistant(tmp_path, ORDERED_TASKS_PLAN)
    listed = a.ask("Nhóm I trong phụ lục của xã Tân Hòa gồm những nhiệm vụ nào?", today=date(2026, 3, 1))
    assert len(listed.context.items) >= 3, listed.text
    second = a.ask("cái thứ hai do ai chủ trì?", context=listed.context, today=date(2026, 3, 1))
    assert "Phòng Kinh tế" in second.text and "Văn phòng HĐND" not in second.text, second.text
    last = a.ask("việc cuối cùng hạn khi nào?", context=listed.context, today=date(2026, 3, 1))
    assert "Quý IV/2026" in last.text and "Quý II/2026" not in last.text, last.text
    # the chat keeps the list across a restart of the bot (its context is stored as JSON)
    from answers.types import ChatContext
    assert ChatContext.from_json(listed.context.to_json()) == listed.context


def test_which_decision_a_rows_phasing_follows_is_asked_of_that_row(tmp_path):
    """After a row's owner, "phân kỳ theo quyết định nào?" asks that row's deadline column, which cites the
    decision: the document words say what is asked, they are no topic of their own."""
    a = one_plan_assistant(tmp_path, PHASED_TASK_PLAN)
    first = a.ask("Ở Tân Hòa, phần mềm quản lý hồ sơ đảng viên do ai triển khai?")
    ans = a.ask("phân kỳ theo quyết định nào?", context=first.context)
    assert ans.kind != "none" and "318-QĐ/TW" in ans.text, ans.text


def test_a_pupil_is_no_allowance(tmp_path):
    """"học trò cấp một" (primary pupils) typed with tone marks is no "trợ cấp" (an allowance): only the question
    typed without marks leaves it ambiguous."""
    snap = one_plan_assistant(tmp_path, ORDERED_TASKS_PLAN).library.snapshot
    q = snap.reader.read("Ở Tân Hòa, việc dạy học trò cấp một kỹ năng số là ai phụ trách?", date(2026, 7, 1))
    assert "money" not in q.foreign
    assert "money" in snap.reader.read("Tân Hòa có trợ cấp cho tổ công nghệ số không?", date(2026, 7, 1)).foreign



def test_a_body_written_out_is_not_an_initialism_its_words_happen_to_start(assistant):
    """"Văn phòng Trung ương Đảng" starts with V, P, T, U, as "VPTU" (Văn phòng Tỉnh ủy) does; and "văn phòng" is
    only the kind of body "Văn phòng UBND tỉnh" is: neither names a unit of the plans, so the plans give it no work."""
    snap = assistant.library.snapshot
    q = snap.reader.read("Văn phòng Trung ương Đảng giao cho tỉnh Đồng Nai nhiệm vụ gì?", date(2026, 7, 1))
    assert not q.units and q.unknown_unit, (q.units, q.unknown_unit)
    assert [u.name for u in snap.reader.read("VPTU có nhiệm vụ gì?", date(2026, 7, 1)).units] == ["Văn phòng Tỉnh ủy"]
    assert [u.name for u in snap.reader.read("Văn phòng UBND tỉnh có nhiệm vụ gì?", date(2026, 7, 1)).units] == \
        ["Văn phòng UBND tỉnh"]


def test_an_indicator_sharing_no_term_with_the_question_is_another_indicator(tmp_path):
    """Found by meaning alone, a target that shares no content word and no two-syllable term with the question
    is not its answer ("sổ hộ khẩu điện tử" is not "sổ sức khỏe điện tử"); one sharing its terms is."""
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "xa-tan-hoa-2026.txt").write_text(commune_plan(62, """I. MỤC TIÊU

1. Tỷ lệ người dân có sổ sức khỏe điện tử đạt 95%.

2. Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 90%.

II. TỔ CHỨC THỰC HIỆN

1. Phòng Văn hóa - Xã hội theo dõi, tổng hợp kết quả triển khai Kế hoạch.

2. Công an xã rà soát thông tin hộ khẩu, cư trú trên cơ sở dữ liệu dân cư.
"""), encoding="utf-8")
    # a fake model for which a person's "sổ sức khỏe" and "sổ hộ khẩu" are one concept, as a real model's near
    # meanings are: the sổ hộ khẩu question lands on the sổ sức khỏe target
    from tests.test_compare import ConceptEmbedder
    a = build_assistant(plans, tmp_path / "data", embedder=ConceptEmbedder({"so suc khoe": 0, "so ho khau": 0}))
    near = a.ask("Tân Hòa đặt chỉ tiêu mấy phần trăm bà con làm sổ hộ khẩu?")
    assert near.kind == "none" and "95%" not in near.text.split("Gần nhất")[0], near.text
    same = a.ask("Tân Hòa đặt chỉ tiêu mấy phần trăm bà con có sổ sức khỏe?")
    assert same.kind == "target" and "95%" in same.text, same.text


@pytest.mark.parametrize("question", ["Tân Hòa: hệ thống thông tin đưa lên nền tảng cloud chỉ tiêu mấy %?",
                                      "tan hoa he thong thong tin chay tren nen tang cloud dat bn %"])
def test_a_qualifier_said_with_the_readers_synonym_is_the_targets(tmp_path, question):
    """"nền tảng cloud" is "nền tảng điện toán đám mây" (synonyms.tsv), typed with tone marks or not, though the
    plans write "cloud" elsewhere: a word with no tone marks to lose has one reading typed without them."""
    a = one_plan_assistant(tmp_path, commune_plan(63, """I. MỤC TIÊU

1. Tỷ lệ hệ thống thông tin của xã vận hành trên nền tảng điện toán đám mây đạt 100%.

2. Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 90%.

II. GIẢI PHÁP

1. Thuê dịch vụ cloud cho cổng thông tin điện tử của xã.
"""))
    ans = a.ask(question)
    assert ans.kind == "target" and "100%" in ans.text, ans.text


TWO_OFFICES_PLAN = appendix_plan(61, """| I | Thể chế | | | |
| 1 | Soạn quy chế khai thác kho dữ liệu dùng chung | Phòng Kinh tế | Văn phòng HĐND và UBND xã | Quý II/2026 |
| 2 | Rà soát thủ tục cấp phép xây dựng trực tuyến | Văn phòng HĐND và UBND xã | Phòng Kinh tế | Quý II/2026 |
| 3 | Tổ chức ngày hội chuyển đổi số của xã | Phòng Văn hóa - Xã hội | Các ấp | Quý II/2026 |
""")


def test_two_units_named_in_full_both_filter_the_list(tmp_path):
    """"Phòng Kinh tế cùng Văn phòng HĐND và UBND xã có việc nào hạn quý II?": both units named count, not only
    the one whose name is longest; the unit named by neither stays out."""
    a = one_plan_assistant(tmp_path, TWO_OFFICES_PLAN)
    ans = a.ask("Ở Tân Hòa, Phòng Kinh tế cùng Văn phòng HĐND và UBND xã có việc nào hạn quý II?",
                today=date(2026, 5, 1))
    assert "kho dữ liệu" in ans.text and "cấp phép xây dựng" in ans.text, ans.text
    assert "ngày hội" not in ans.text, ans.text


def test_a_period_with_nothing_due_is_no_answer_with_the_units_work_beside(tmp_path):
    """"Phòng Văn hóa - Xã hội có việc nào hạn quý IV không?" when the plan gives it nothing due then: the plans
    do not answer with a task (kind none), and say so, with the unit's rows and their dates beside; "is any of its
    work late?" answered "none is" is an answer."""
    a = one_plan_assistant(tmp_path, TWO_OFFICES_PLAN)
    ans = a.ask("Tân Hòa: Phòng Văn hóa - Xã hội có đầu việc nào hạn quý IV không?", today=date(2026, 5, 1))
    assert ans.kind == "none" and "Không có nhiệm vụ nào" in ans.text, ans
    assert "ngày hội" in ans.text and ans.sources, ans.text
    due = a.ask("Tân Hòa: Phòng Văn hóa - Xã hội có đầu việc nào hạn quý II không?", today=date(2026, 5, 1))
    assert due.kind == "list" and "ngày hội" in due.text, due
    late = a.ask("Tân Hòa: Phòng Văn hóa - Xã hội có đầu việc nào trễ hạn không?", today=date(2026, 5, 1))
    assert late.kind == "list" and "quá hạn" in late.text, late      # "none is late" is the answer


LAST_YEAR_DUTY_PLAN = commune_plan(62, """I. MỤC TIÊU

1. Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 90%.

II. TỔ CHỨC THỰC HIỆN

1. Đề nghị các phòng chuyên môn căn cứ chức năng, nhiệm vụ xây dựng kế hoạch riêng để triển khai thực hiện Kế hoạch này, hoàn thành trong tháng 10 năm 2025.

2. Phòng Văn hóa - Xã hội theo dõi, tổng hợp kết quả triển khai Kế hoạch.
""")


def test_last_year_in_a_deadline_question_says_when_it_was_due_not_a_comparison(tmp_path):
    """"… phải xong trong tháng mấy năm ngoái, giờ lố chưa?": "năm ngoái" says when the work was due; it asks for
    no figure set against an earlier year's (which plans never state)."""
    a = one_plan_assistant(tmp_path, LAST_YEAR_DUTY_PLAN)
    ans = a.ask("Tân Hòa: các phòng chuyên môn phải xây dựng xong kế hoạch riêng trong tháng mấy năm ngoái, "
                "giờ lố chưa?", today=date(2026, 1, 6))
    assert ans.kind != "none" and "tháng 10 năm 2025" in ans.text and "quá hạn" in ans.text, ans.text


OWN_PLAN_ROW_PLAN = appendix_plan(63, """| I | Xây dựng kế hoạch | | | |
| 1 | Xây dựng và ban hành Kế hoạch triển khai số 57-NQ/TW trên địa bàn xã năm 2026 | Phòng Văn hóa - Xã hội | Các ấp | Trước tháng 2/2026 |
| 2 | Ban hành quy chế phối hợp cung cấp dữ liệu giữa các phòng | Văn phòng HĐND và UBND xã | Các ấp | Quý III/2026 |
""") + "\nCác phòng xác định rõ mốc ban hành văn bản hướng dẫn của mình.\n"


def test_the_milestone_word_asks_when_it_names_no_topic(tmp_path):
    """"mốc ban hành kế hoạch 57 ra sao?": "mốc" asks for the deadline as "hạn" does; the row
    that issues the plan answers, not a line that speaks of milestones for issuing guidance."""
    a = one_plan_assistant(tmp_path, OWN_PLAN_ROW_PLAN)
    ans = a.ask("Tân Hòa: mốc ban hành kế hoạch 57 ra sao?", today=date(2026, 2, 5))
    assert "Trước tháng 2/2026" in ans.text and "văn bản hướng dẫn" not in ans.text, ans.text


def test_a_cooperative_names_no_commune_level(assistant):
    """"hợp tác xã" in a province's question is a kind of business, not the commune level: with "thế nào" it
    asks no comparison between levels."""
    q = assistant.library.snapshot.reader.read(
        "Việc hỗ trợ hợp tác xã chuyển đổi số của tỉnh Đồng Nai mốc hoàn thành ghi thế nào?", date(2026, 5, 1),
        None, None)
    assert q.compare is None and "xã" not in q.levels


def test_signing_beside_a_deadline_asks_when_and_signing_on_behalf_asks_who(assistant):
    """"Hạn chót để … ký ban hành kế hoạch là gì": when it is to be signed, not by whom; "ai đặt bút ký thay chủ
    tịch" asks the signer."""
    read = assistant.library.snapshot.reader.read
    when = read("Hạn chót để xã Nha Bích ký ban hành kế hoạch năm nay là gì?", date(2026, 3, 1), None, None)
    assert "signer" not in when.meta and when.wants("deadline")
    who = read("Ai đặt bút ký thay chủ tịch ở cuối văn bản của Nha Bích?", date(2026, 3, 1), None, None)
    assert "signer" in who.meta
    # a post that signs ("chủ tịch xã ký luôn hả?") asks the signer; one that signs an agreement does not
    assert "signer" in read("Văn bản của Phước An chủ tịch xã ký luôn hả?", date(2026, 3, 1), None, None).meta
    assert "signer" not in read("Chủ tịch tỉnh ký kết thỏa thuận hợp tác với ai?", date(2026, 3, 1), None, None).meta


def test_the_state_is_asked_beside_the_year_the_plan_is_for(tmp_path):
    """"Hạn chót ký ban hành kế hoạch 57 cho năm nay là gì, giờ còn kịp không?": the row's deadline and its state
    today; "năm nay" names the plan's year, the question still asks whether it is late."""
    a = one_plan_assistant(tmp_path, OWN_PLAN_ROW_PLAN)
    ans = a.ask("Hạn chót để Tân Hòa ban hành kế hoạch 57 cho năm nay là gì, giờ còn kịp không?", today=date(2026, 3, 1))
    assert "Trước tháng 2/2026" in ans.text and "quá hạn" in ans.text, ans.text


@pytest.mark.parametrize("question, not_subject", [
    # which appendix by its place, not a subject "tiền" shares ("đầu tiên")
    ("Nha Bích liệt kê bao nhiêu mục tiêu trong phụ lục đầu tiên?", {"dau_tien", "tien", "dau"}),
    # how the count is made ("cộng … lại", "đếm"), and the table's block ("khối")
    ("Trong phụ lục của Nha Bích, cộng các nhóm lại được bao nhiêu chỉ tiêu?", {"cong", "lai", "nhom_lai"}),
    ("Đếm giúp: bảng chỉ tiêu của Hàng Gòn, khối CĐS có mấy dòng?", {"dem", "dem_giup", "khoi"}),
])
def test_the_words_of_counting_and_of_places_in_a_table_name_no_subject(assistant, question, not_subject):
    q = assistant.library.snapshot.reader.read(question, date(2026, 3, 1), None, None)
    assert "count" in q.asks and not set(q.subject) & not_subject, (q.asks, q.subject)


def test_where_a_plan_is_sent_asks_its_recipients_not_an_owner(assistant):
    """"Văn bản … được chuyển tới những đơn vị nào?" asks the plan's "Nơi nhận", and "đơn vị nào" there asks no
    owner; "kế hoạch của các đơn vị phải gửi về đâu" is a duty to send, not the plan's recipients; "người đứng tên
    cuối văn bản là ai" asks the signer, not an owner."""
    read = assistant.library.snapshot.reader.read
    sent = read("Văn bản năm 2026 của UBND xã Nha Bích được chuyển tới những đơn vị nào?", date(2026, 3, 1), None, None)
    assert "recipients" in sent.meta and not sent.wants("owner")
    for asked in ("Bản kế hoạch của Phước An có gửi lên sở nào để báo cáo không?",
                  "Xuân Phú gửi kế hoạch báo cáo cấp trên nào?"):
        assert "recipients" in read(asked, date(2026, 3, 1), None, None).meta, asked
    duty = read("Kế hoạch triển khai của các đơn vị phải gửi về những đâu?", date(2026, 3, 1), None, None)
    assert "recipients" not in duty.meta
    # where a report on the plan goes is a duty to report, not the plan's recipients
    report = read("Các phòng báo cáo kết quả thực hiện KH chuyển đổi số của xã định kỳ mấy tháng một lần, "
                  "gửi về đâu?", date(2026, 3, 1), None, None)
    assert "recipients" not in report.meta
    signer = read("Người đứng tên cuối văn bản của Xuân Phú là ai?", date(2026, 3, 1), None, None)
    assert "signer" in signer.meta and not signer.wants("owner")


@pytest.mark.parametrize("question", ["Quý tới Công an tỉnh Đồng Nai có hạng mục nào đến hạn?",
                                      "Trong quý tới Công an tỉnh Đồng Nai phải nộp sản phẩm gì?"])
def test_what_falls_due_in_a_period_is_a_list(assistant, question):
    """"hạng mục nào đến hạn", "phải nộp sản phẩm gì" in a period: the period's items, listed."""
    q = assistant.library.snapshot.reader.read(question, date(2026, 8, 5), None, None)
    assert q.wants("list") and q.window is not None and q.window.filters


ADULTS_AND_YEARLY_PLAN = commune_plan(64, """I. MỤC TIÊU

1. Tỷ lệ người dân trưởng thành có chữ ký số đạt 80%.

2. Bố trí ít nhất 3% tổng chi ngân sách hằng năm cho phát triển khoa học, công nghệ và chuyển đổi số.

3. Tỷ lệ dân số từ 15 tuổi trở lên có tài khoản giao dịch tại ngân hàng đạt 90%.

II. TỔ CHỨC THỰC HIỆN

1. Phòng Văn hóa - Xã hội theo dõi, tổng hợp kết quả triển khai Kế hoạch.
""")


@pytest.mark.parametrize("question, expected", [
    # adults are those 18 and over: "từ 18 tuổi" is the target's "người dân trưởng thành", "dưới 16 tuổi" is not
    ("Tân Hòa: tỷ lệ người dân từ 18 tuổi có chữ ký số là bao nhiêu?", "80%"),
    ("Tân Hòa: tỷ lệ trẻ em dưới 16 tuổi có chữ ký số là bao nhiêu?", None),
    # "mỗi năm" is "hằng năm", no other qualifier
    ("Tân Hòa dành mấy phần trăm tổng chi ngân sách mỗi năm cho khoa học, công nghệ?", "3%"),
])
def test_adults_are_those_of_eighteen_and_each_year_is_every_year(tmp_path, question, expected):
    a = one_plan_assistant(tmp_path, ADULTS_AND_YEARLY_PLAN)
    ans = a.ask(question)
    if expected is None:
        assert ans.kind == "none", ans.text
    else:
        assert ans.kind != "none" and expected in ans.text, ans.text


def test_the_document_a_roadmap_follows_is_asked_with_the_owner(tmp_path):
    """"… ai triển khai, theo lộ trình văn bản nào?": the owner and the deadline column's document, as "phân kỳ
    theo quyết định số mấy" asks it."""
    a = one_plan_assistant(tmp_path, PHASED_TASK_PLAN)
    ans = a.ask("Phần mềm quản lý hồ sơ đảng viên ở Tân Hòa ai triển khai, theo lộ trình văn bản nào?")
    assert "Văn phòng Đảng ủy" in ans.text and "318-QĐ/TW" in ans.text, ans.text


@pytest.mark.parametrize("question, unit", [
    ("Ở Tân Hòa, công an xã được giao chỉ tiêu gì?", "công an xã"),
    ("Tân Hòa có giao việc gì cho chi nhánh ngân hàng trên địa bàn không?", "chi nhánh ngân hàng"),
    ("Trường Đại học Tân Hòa được xã giao chủ trì những nhiệm vụ gì?", "Trường Đại học Tân Hòa"),
])
def test_a_body_the_plan_gives_nothing_is_told_so(tmp_path, question, unit):
    """A public body named in lower case ("công an xã", "chi nhánh ngân hàng") or a school the plan never names,
    asked what it is given (its tasks, "được giao chỉ tiêu gì"): the plan gives it nothing, said of that plan."""
    a = one_plan_assistant(tmp_path, ADULTS_AND_YEARLY_PLAN)
    ans = a.ask(question)
    assert ans.kind == "none" and unit.lower() in ans.text.lower() and "Tân Hòa không giao việc" in ans.text, ans.text


SUBJECT_TITLED_PLAN = ("ỦY BAN NHÂN DÂN XÃ TÂN HÒA\nSố: 65/KH-UBND\n\nKẾ HOẠCH\nPhát triển khoa học, công nghệ, đổi mới "
                       "sáng tạo và chuyển đổi số trên địa bàn xã Tân Hòa năm 2026\n\n"
                       "I. MỤC TIÊU\n\n1. Quy mô kinh tế số/GRDP đạt 15%.\n\n"
                       "2. Tỷ lệ người dân có tài khoản định danh điện tử đạt 80%.\n\n"
                       "II. TỔ CHỨC THỰC HIỆN\n\n1. Phòng Kinh tế theo dõi, tổng hợp kết quả triển khai Kế hoạch.\n\n"
                       "2. Phòng Tài chính tham mưu bố trí chi ngân sách hằng năm để thực hiện Kế hoạch.\n")


def test_an_indicator_lacking_more_of_the_question_than_it_says_is_another(tmp_path):
    """Asked the budget spent on science and digital transformation as a share of GRDP, a plan setting only the
    digital economy's share of GRDP does not answer: the words met are its title's, the two it lacks
    ("chi ngân sách") are the question's subject."""
    a = one_plan_assistant(tmp_path, SUBJECT_TITLED_PLAN)
    ans = a.ask("Tân Hòa chi ngân sách cho KHCN đạt bao nhiêu % GRDP?")
    assert ans.kind == "none", ans.text
    # the indicator it sets is still found when asked in its own words
    assert "15%" in a.ask("Quy mô kinh tế số trên GRDP của Tân Hòa là bao nhiêu?").text


FUNDING_PLAN = commune_plan(66, """I. MỤC TIÊU

1. Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 90%.

II. KINH PHÍ THỰC HIỆN

Kinh phí thực hiện Kế hoạch được bố trí từ các nguồn như sau: Ngân sách nhà nước; Huy động các nguồn lực xã hội hóa; Vốn đầu tư của doanh nghiệp; Các nguồn vốn hợp pháp khác.

III. TỔ CHỨC THỰC HIỆN

1. Phòng Văn hóa - Xã hội theo dõi, tổng hợp kết quả triển khai Kế hoạch.
""")


def test_items_a_lead_in_announces_with_semicolons_alone_are_listed_whole(tmp_path):
    """"… như sau: A; B; C; D." lists its items without marks: asked which sources, all of them, not the one whose
    words the question repeats."""
    a = one_plan_assistant(tmp_path, FUNDING_PLAN)
    ans = a.ask("Tân Hòa huy động kinh phí cho kế hoạch từ những nguồn gì, có xã hội hóa không?")
    for item in ("Ngân sách nhà nước", "xã hội hóa", "Vốn đầu tư của doanh nghiệp", "hợp pháp khác"):
        assert item in ans.text, ans.text


class SyllableEmbedder:
    """Tiny fake embedding model: one dimension per syllable of a small vocabulary (folded), a constant one for
    the rest. Texts sharing a syllable or two are near, not near enough for the dense retriever's sure choice
    (rank.DENSE_SURE)."""
    name = "syllable-fake"
    VOCABULARY = ("5g", "phu", "song", "ti", "ty", "le", "dia", "ban", "ho", "so", "tai", "khoan",
                  "bang", "rong", "truc", "tuyen", "dinh", "danh")
    dim = len(VOCABULARY) + 1

    def _vector(self, text: str) -> np.ndarray:
        from corpus.text import fold
        v = np.zeros(self.dim, dtype=np.float32)
        v[-1] = 0.3
        for s in re.findall(r"[0-9a-z]+", fold(text)):
            if s in self.VOCABULARY:
                v[self.VOCABULARY.index(s)] += 1.0
        return v / np.linalg.norm(v)

    def embed_documents(self, texts):
        return np.vstack([self._vector(t) for t in texts])

    def embed_query(self, text):
        return self._vector(text)


FIVE_G_PLAN = commune_plan(64, """I. MỤC TIÊU

Phấn đấu hoàn thành các chỉ tiêu tại Phụ lục I.

II. TỔ CHỨC THỰC HIỆN

1. Phòng Văn hóa - Xã hội theo dõi, tổng hợp kết quả triển khai Kế hoạch.

PHỤ LỤC I
DANH MỤC CÁC MỤC TIÊU CỤ THỂ NĂM 2026

STT\tChỉ tiêu\tĐơn vị tính\tChỉ tiêu năm 2026\tĐơn vị chủ trì
I\tVề phát triển hạ tầng (02)\t\t\t
1\tTỉ lệ phủ sóng 5G trên địa bàn\t%\t≥ 60%\tPhòng VH-XH
2\tTỷ lệ hộ gia đình có khả năng truy cập băng rộng cố định\t%\t≥ 80%\tPhòng VH-XH
II\tVề chính quyền số (02)\t\t\t
1\tTỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến\t%\t≥ 90%\tVăn phòng HĐND và UBND xã
2\tTỷ lệ người dân có tài khoản định danh điện tử\t%\t≥ 95%\tCông an xã
""")


def beside_five_g(tmp_path, slug: str, text: str):
    """An assistant over FIVE_G_PLAN (xã Tân Hòa) and one more plan the test writes, keywords only."""
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "xa-tan-hoa-2026.txt").write_text(FIVE_G_PLAN, encoding="utf-8")
    (plans / f"{slug}.txt").write_text(text, encoding="utf-8")
    return build_assistant(plans, tmp_path / "data", embedder=None)


def test_a_record_both_retrievers_put_first_stands_though_the_question_shares_little_wording(tmp_path):
    """"5G phải phủ rộng khắp": the words and the meaning both rank the 5G target first, and it holds every
    content word of the question, so it is weighed as an answer (and answers), though the question's other words
    ("phải phủ rộng khắp") share little with the plan's and the model is not sure of it alone."""
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "xa-tan-hoa-2026.txt").write_text(FIVE_G_PLAN, encoding="utf-8")
    a = build_assistant(plans, tmp_path / "data", embedder=SyllableEmbedder())
    ans = a.ask("5G phai phu rong khap (bn %)")
    assert ans.kind == "target" and "60%" in ans.text, ans.text
    # the same question without the model: the words alone do not make it sure
    kw = build_assistant(plans, tmp_path / "kw", embedder=None)
    assert kw.ask("5G phai phu rong khap (bn %)").kind == "none"


@pytest.mark.parametrize("question", ["Tên giám đốc Sở Khoa học và Công nghệ tỉnh Đồng Nai là gì?",
                                      "ten truong phong kinh te xa nha bich la gi vay"])
def test_a_name_asked_after_a_title_is_a_persons_name(assistant, question):
    """"Tên giám đốc Sở … là gì": a person's name, which plans do not state, however the words between the title
    and "là gì" run (not "Tên nhiệm vụ … là gì")."""
    ans = assistant.ask(question)
    assert ans.kind == "none" and "họ tên" in ans.text, ans.text


@pytest.mark.parametrize("question", ["Tân Hòa đặt mục tiêu chiều dài tuyến cáp quang (km) là bao nhiêu?",
                                      "tan hoa keo them bao nhieu km cap quang"])
def test_a_length_asked_is_a_measure_plans_do_not_set(tmp_path, question):
    """A length, an area, a weight ("bao nhiêu km", "(km)", "chiều dài", "diện tích") is a measure the plans do
    not set: not answered from a percentage target on the same subject, and the reply says which fact is missing."""
    a = one_plan_assistant(tmp_path, commune_plan(65, """I. MỤC TIÊU

1. Tỷ lệ hộ gia đình có internet cáp quang đạt 85%.

2. Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 90%.
"""))
    ans = a.ask(question)
    assert ans.kind == "none" and "số đo" in ans.text and "85%" not in ans.text.split("Gần nhất")[0], ans.text


def test_an_indicator_only_another_plan_sets_is_not_answered_from_this_plans_nearest(tmp_path):
    """"Quy mô kinh tế số/GRDP" asked of a commune whose only GRDP target is its budget for KHCN: the commune's
    targets never say "kinh tế", another plan's target says it with "GRDP" — the indicator is that plan's, not
    this one's. Asked of the plan that sets it, it is answered, and the commune's own GRDP target still answers
    for its budget."""
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "xa-tan-hoa-2026.txt").write_text(commune_plan(66, """I. MỤC TIÊU

1. Tỷ lệ chi ngân sách địa phương cho khoa học, công nghệ/GRDP đạt từ 1% trở lên.

2. Tỷ lệ giao dịch không dùng tiền mặt đạt 80%.

3. Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 90%.

II. TỔ CHỨC THỰC HIỆN

1. Phòng Kinh tế tham mưu hỗ trợ hộ kinh doanh chuyển đổi số.

2. Trạm Y tế xã triển khai sổ sức khỏe điện tử.

3. Văn phòng HĐND và UBND xã theo dõi các chương trình hợp tác quốc tế của xã.

4. Phòng Văn hóa - Xã hội phối hợp Trạm Y tế xã tuyên truyền về y tế cơ sở.

5. Công an xã phối hợp Phòng Kinh tế rà soát hộ kinh doanh.

6. Hội Nông dân xã hỗ trợ phát triển kinh tế hộ gia đình.
"""), encoding="utf-8")
    (plans / "xa-an-phu-2026.txt").write_text(commune_plan(67, """I. MỤC TIÊU

1. Quy mô kinh tế số/GRDP đạt 15%.

2. Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 95%.
""").replace("TÂN HÒA", "AN PHÚ").replace("Tân Hòa", "An Phú"), encoding="utf-8")
    a = build_assistant(plans, tmp_path / "data", embedder=None)
    other = a.ask("Tân Hòa: kinh tế số chiếm bao nhiêu phần trăm GRDP?")
    assert other.kind == "none" and "1%" not in other.text.split("Gần nhất")[0], other.text
    own = a.ask("Xã An Phú đặt quy mô kinh tế số trên GRDP là bao nhiêu?")
    assert own.kind == "target" and "15%" in own.text, own.text
    budget = a.ask("Xã Tân Hòa chi ngân sách cho khoa học, công nghệ bằng bao nhiêu phần trăm GRDP?")
    assert budget.kind == "target" and "1%" in budget.text, budget.text


@pytest.mark.parametrize("question", ["Ở Tân Hòa, Phòng Văn hóa - Xã hội được phân những việc nào?",
                                      "tan hoa: phong van hoa xa hoi duoc giao nhung viec gi"])
def test_the_work_a_unit_is_given_is_its_duties_as_well_as_its_rows(tmp_path, question):
    """"Phòng X được phân (giao) những việc nào?" asks what X must do: its duties in "Tổ chức thực hiện", not
    only the targets it leads."""
    a = one_plan_assistant(tmp_path, FIVE_G_PLAN.replace(
        "1. Phòng Văn hóa - Xã hội theo dõi, tổng hợp kết quả triển khai Kế hoạch.",
        "1. Phòng Văn hóa - Xã hội\n\nLà cơ quan đầu mối, theo dõi, tổng hợp kết quả triển khai Kế hoạch; báo cáo "
        "UBND xã trước ngày 20 hằng tháng."))
    ans = a.ask(question)
    assert ans.kind == "duties" and "cơ quan đầu mối" in ans.text, ans.text


@pytest.mark.parametrize("question, first, second", [
    ("Tân Hòa, nhóm I về hạ tầng: dòng đầu là chỉ tiêu gì?", "Mục thứ 1: Tỉ lệ phủ sóng 5G", "≥ 80%"),
    ("Tân Hòa, nhóm II về chính quyền số: chỉ tiêu cuối cùng là gì?", "Mục cuối cùng: Tỷ lệ người dân có tài khoản",
     "≥ 95%"),
])
def test_a_row_asked_by_its_place_in_a_group_is_said_first(tmp_path, question, first, second):
    """"Dòng đầu", "chỉ tiêu cuối cùng" of a group the question names: the group's rows, with the one at that place
    said first — and "cái thứ hai?" after it points into the same rows."""
    a = one_plan_assistant(tmp_path, FIVE_G_PLAN)
    ans = a.ask(question)
    assert ans.kind == "list" and ans.text.startswith(first), ans.text
    nxt = a.ask("cái thứ hai?", context=ans.context)
    assert nxt.kind == "target" and second in nxt.text, nxt.text


@pytest.mark.parametrize("question", ["Sếp hỏi: Tân Hòa bồi dưỡng kỹ năng số cho CBCCVC phải đạt mấy %?",
                                      "sep hoi tan hoa boi duong ky nang so cho cbccvc dat bn %"])
def test_an_officials_abbreviation_and_a_chat_preamble_are_read(tmp_path, question):
    """"CBCCVC" is "cán bộ, công chức, viên chức" (abbreviations_curated.tsv), and "Sếp hỏi:" frames a question
    without being part of what it asks: neither leaves the question about words no plan uses."""
    a = one_plan_assistant(tmp_path, commune_plan(68, """I. MỤC TIÊU

1. Tỷ lệ cán bộ, công chức, viên chức được bồi dưỡng kỹ năng số đạt 100%.

2. Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 90%.
"""))
    ans = a.ask(question)
    assert ans.kind == "target" and "100%" in ans.text, ans.text


@pytest.mark.parametrize("question", ["Mục tiêu cashless của Tân Hòa năm 2026 là bao nhiêu?",
                                      "tan hoa: ty le giao dich cashless dat bn %"])
def test_an_english_payment_word_reads_as_the_plans_wording(tmp_path, question):
    """"cashless" is the plans' "không dùng tiền mặt" (synonyms.tsv): not a word no plan uses."""
    a = one_plan_assistant(tmp_path, commune_plan(69, """I. MỤC TIÊU

1. Tỷ lệ giao dịch thanh toán không dùng tiền mặt đạt 80%.

2. Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 90%.
"""))
    ans = a.ask(question)
    assert ans.kind == "target" and "80%" in ans.text, ans.text


def test_who_asks_is_neither_the_topic_nor_the_unit_unless_it_speaks_of_itself(tmp_path):
    """"Tổ công nghệ số ấp 3 hỏi: …" frames the question: its words are not what is asked (the training target
    of the Tổ is not the digital-signature one); "… hỏi: kế hoạch giao mình việc gì" asks the asker's own duties."""
    a = one_plan_assistant(tmp_path, commune_plan(70, """I. MỤC TIÊU

1. Tổ chức tập huấn kỹ năng cho Tổ công nghệ số cộng đồng các ấp đạt 100%.

2. Tỷ lệ người dân trưởng thành có chữ ký số đạt 70%.

II. TỔ CHỨC THỰC HIỆN

1. Trạm Y tế xã

Triển khai hồ sơ sức khỏe điện tử cho người dân trên địa bàn xã.

2. Phòng Kinh tế

Tham mưu bố trí kinh phí thực hiện Kế hoạch hằng năm.
"""))
    ans = a.ask("Tổ công nghệ số cộng đồng ấp 3 hỏi: Tân Hòa phấn đấu mấy phần trăm dân dùng chữ ký số?")
    assert ans.kind == "target" and "70%" in ans.text, ans.text
    own = a.ask("anh em tram y te xa Tan Hoa hoi: ke hoach giao minh nhung viec gi vay")
    assert own.kind == "duties" and "hồ sơ sức khỏe điện tử" in own.text and "kinh phí" not in own.text, own.text


@pytest.mark.parametrize("question, facts", [
    # a figure, then who answers for it, in a clause of its own: the second is about what the first found
    ("tan hoa: ty le ho co bang rong co dinh phai tu bao nhieu tro len, phong nao danh gia cham diem",
     ["≥ 80%", "Phòng VH-XH"]),
    # two figures joined by "thêm nữa": each its own
    ("Tân Hòa phủ sóng 5G bao nhiêu %, thêm nữa dân có tài khoản định danh thì mấy phần trăm", ["≥ 60%", "≥ 95%"]),
])
def test_two_asks_in_one_message_are_both_answered(tmp_path, question, facts):
    a = one_plan_assistant(tmp_path, FIVE_G_PLAN)
    ans = a.ask(question)
    assert ans.kind in ("target", "owner") and all(f in ans.text for f in facts), ans.text


@pytest.mark.parametrize("question", ["Tân Hòa: chỉ tiêu 5G do phòng nào theo dõi, đánh giá chỉ tiêu 100% hộ có cáp quang",
                                      "Trong bộ máy chỉ đạo của xã Tân Hòa, đơn vị nào tổng hợp kết quả?",
                                      "Tân Hòa: việc hồ sơ trực tuyến chốt hạn quý mấy, tính ra còn mấy ngày?"])
def test_a_stated_figure_a_machine_or_days_left_are_no_second_ask(tmp_path, question):
    """"chỉ tiêu 100% …" states a figure, "bộ máy" is no "mấy", "còn mấy ngày" asks when: none splits a message."""
    a = one_plan_assistant(tmp_path, FIVE_G_PLAN)
    q = a.library.snapshot.reader.read(question, date(2026, 7, 1), None, None)
    assert a.library.snapshot.reader.two_asks(q) is None


@pytest.mark.parametrize("question", ["Tân Hòa: p VH-XH giữ chỉ tiêu nào vậy, mức bn?",
                                      "xa Tan Hoa P.VH-XH giu nhung chi tieu nao, muc bao nhieu"])
def test_a_lone_p_before_a_body_is_a_department_and_its_targets_come_with_their_figures(tmp_path, question):
    """"p VH-XH", "P.VH-XH": a lone "p" is "phường" only before a place; before a body's initials it is "phòng".
    Which targets a named unit holds, "mức bao nhiêu", is its list of targets, each with its figure."""
    a = one_plan_assistant(tmp_path, FIVE_G_PLAN)
    ans = a.ask(question)
    assert ans.kind == "list" and "≥ 60%" in ans.text and "≥ 80%" in ans.text and "95%" not in ans.text, ans.text


def test_the_end_of_the_year_is_no_last_row(tmp_path):
    """"mức cuối năm" is the year's end, not "mục cuối" (the last row of a list)."""
    a = one_plan_assistant(tmp_path, FIVE_G_PLAN)
    q = a.library.snapshot.reader.read("Công an xã Tân Hòa chạy chỉ tiêu tài khoản định danh, mức cuối năm là mấy?",
                                       date(2026, 7, 1), None, None)
    assert not q.wants("list") and q.position is None


@pytest.mark.parametrize("question, fact", [("tan hoa nam 2026 mo may lop day ky nang so cho ba con", "05 lớp"),
                                            ("Tân Hòa phải đăng được tối thiểu mấy bài báo khoa học", "02 bài báo")])
def test_how_many_with_no_other_ask_word_asks_a_figure(tmp_path, question, fact):
    """"mở mấy lớp", "tối thiểu mấy bài báo": "mấy" alone asks a figure, as "bao nhiêu" does."""
    a = one_plan_assistant(tmp_path, commune_plan(71, """I. MỤC TIÊU

1. Tổ chức ít nhất 05 lớp tập huấn kỹ năng số cho người dân trên địa bàn xã.

2. Có ít nhất 02 bài báo khoa học ứng dụng về đổi mới sáng tạo.

II. NHIỆM VỤ

1. Tuyên truyền, phổ biến kỹ năng số cho người dân qua hệ thống truyền thanh.

2. Khuyến khích cán bộ viết bài về khoa học, công nghệ.
"""))
    ans = a.ask(question)
    assert ans.kind == "target" and fact in ans.text, ans.text


def test_place_initials_after_a_level_word_name_the_place_even_when_they_spell_a_word(tmp_path):
    """"xa pa" is xã Phú An although "pa" is a syllable and the plan writes "Pa nô": right after its level word
    the initials name the place (and "pa ky vong" is no unknown commune "Pa Ky")."""
    a = beside_five_g(tmp_path, "xa-phu-an-2026", FIVE_G_PLAN.replace("TÂN HÒA", "PHÚ AN").replace("Tân Hòa", "Phú An")
                      .replace("≥ 60%", "≥ 70%")
                      .replace("Phấn đấu hoàn thành", "Tuyên truyền bằng Pa nô, băng rôn; phấn đấu hoàn thành"))
    ans = a.ask("xa pa phu song 5G dat bao nhieu %")
    assert ans.kind == "target" and "≥ 70%" in ans.text and "Phú An" in ans.text, ans.text
    q = a.library.snapshot.reader.read("xa pa ky vong phu song 5G bao nhieu %", date(2026, 7, 1), None, None)
    assert q.plans == ("xa-phu-an-2026",) and q.unknown_place is None


def test_who_introduces_itself_is_not_the_unit_asked_for(tmp_path):
    """"Em ở Công an xã Tân Hòa, … phòng nào theo dõi?": the asker's own unit is not the one asked for."""
    a = one_plan_assistant(tmp_path, FIVE_G_PLAN)
    ans = a.ask("Em ở Công an xã Tân Hòa, xã đặt phủ sóng 5G mấy phần trăm vậy, phòng nào theo dõi ạ")
    assert ans.kind in ("target", "owner") and "≥ 60%" in ans.text and "Phòng VH-XH" in ans.text, ans.text


def test_who_asked_again_of_another_plan_does_not_carry_the_earlier_unit(tmp_path):
    """"Công an xã An Phú theo dõi chỉ tiêu 5G mấy %?" then "Tân Hòa giao ai?": who leads it is what is asked
    now; the unit the earlier question named does not filter Tân Hòa's targets."""
    a = beside_five_g(tmp_path, "xa-an-phu-2026", FIVE_G_PLAN.replace("TÂN HÒA", "AN PHÚ").replace("Tân Hòa", "An Phú")
                      .replace("5G trên địa bàn\t%\t≥ 60%\tPhòng VH-XH", "5G trên địa bàn\t%\t≥ 70%\tCông an xã"))
    first = a.ask("Công an xã An Phú theo dõi chỉ tiêu phủ sóng 5G mấy %?")
    assert "≥ 70%" in first.text, first.text
    ans = a.ask("Tân Hòa giao ai?", context=first.context)
    assert ans.kind == "owner" and "Phòng VH-XH" in ans.text, ans.text


@pytest.mark.parametrize("question", ["Phòng nào đi cùng?", "nhung ai dong hanh"])
def test_who_goes_along_asks_the_co_operating_units(tmp_path, question):
    """"đi cùng", "đồng hành" (go along): the units that co-operate on what was just cited."""
    a = one_plan_assistant(tmp_path, PHASED_TASK_PLAN)
    first = a.ask("Việc số hóa hồ sơ lưu trữ ở Tân Hòa do Phòng Văn hóa - Xã hội chủ trì à?")
    assert "Phòng Văn hóa - Xã hội" in first.text, first.text
    ans = a.ask(question, context=first.context)
    assert ans.kind == "owner" and "Các ấp" in ans.text, ans.text


def test_where_a_unit_sends_its_document_by_a_date_is_a_duty_not_the_recipients(tmp_path):
    """"làm xong kế hoạch thì gửi về đâu, hạn chót ngày mấy": a duty with its date, not the plan's "Nơi nhận"."""
    a = one_plan_assistant(tmp_path, commune_plan(73, """I. MỤC TIÊU

1. Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 90%.

II. TỔ CHỨC THỰC HIỆN

1. Các phòng chuyên môn xây dựng kế hoạch chi tiết, gửi về Phòng Văn hóa - Xã hội trước ngày 15/3/2026.

Nơi nhận:
- UBND tỉnh;
- Lưu: VT.
"""))
    question = "Tân Hòa: phòng chuyên môn soạn xong KH chi tiết thì gửi về đâu, hạn chót trước ngày nào?"
    assert "recipients" not in a.library.snapshot.reader.read(question, date(2026, 7, 1), None, None).meta
    ans = a.ask(question)
    assert "15/3/2026" in ans.text and "Phòng Văn hóa - Xã hội" in ans.text, ans.text


def test_the_body_that_issued_only_one_plan_names_that_plan(assistant):
    """"Kế hoạch của Ban Thường vụ Tỉnh ủy" names the province's plan (its issuer, written without the place;
    "UBND xã" would name none), and is neither a topic nor a unit the plan gives no work to."""
    q = assistant.library.snapshot.reader.read("Kế hoạch của Ban Thường vụ Tỉnh ủy đặt phủ sóng 5G bao nhiêu phần trăm?",
                                               date(2026, 7, 1), None, None)
    assert q.plans == ("tinh-dong-nai-2026",) and q.unknown_unit is None and "thuong_vu" not in q.topic
    ans = assistant.ask("Kế hoạch của Ban Thường vụ Tỉnh ủy đặt phủ sóng 5G bao nhiêu phần trăm?")
    assert ans.kind == "target" and {s.plan for s in ans.sources} == {"Kế hoạch tỉnh Đồng Nai"}, ans.text
    assert assistant.library.snapshot.reader.read("Kế hoạch của UBND xã đặt phủ sóng 5G bao nhiêu phần trăm?",
                                                  date(2026, 7, 1), None, None).plans == ()


def test_the_plan_named_as_a_plan_is_the_one_asked_of(tmp_path):
    """"Trong kế hoạch Tân Hòa, Phòng X của An Phú …": several places named, the one after "kế hoạch" is the plan
    asked of (the other names a body's place)."""
    a = beside_five_g(tmp_path, "xa-an-phu-2026", FIVE_G_PLAN.replace("TÂN HÒA", "AN PHÚ").replace("Tân Hòa", "An Phú"))
    q = a.library.snapshot.reader.read("Trong kế hoạch xã Tân Hòa, Công an xã An Phú được giao chỉ tiêu nào?",
                                       date(2026, 7, 1), None, None)
    assert q.plans == ("xa-tan-hoa-2026",)
    q = a.library.snapshot.reader.read("So sánh chỉ tiêu 5G của Tân Hòa và An Phú", date(2026, 7, 1), None, None)
    assert set(q.plans) == {"xa-tan-hoa-2026", "xa-an-phu-2026"}


def test_what_the_typist_will_fill_in_is_no_topic(tmp_path):
    """"…, em cần điền file tổng hợp": why the typist asks (fill in a form) names nothing the plan must hold."""
    a = one_plan_assistant(tmp_path, FIVE_G_PLAN)
    ans = a.ask("Tân Hòa phủ sóng 5G tối thiểu bao nhiêu phần trăm, em cần điền file tổng hợp")
    assert ans.kind == "target" and "≥ 60%" in ans.text, ans.text


@pytest.mark.parametrize("question", ["xa tan hoa giao phong van hoa xa hoi lo nhung chuyen gi",
                                      "Ở Tân Hòa, Phòng Văn hóa - Xã hội gánh những đầu việc nào?"])
def test_the_matters_a_unit_handles_are_its_duties(tmp_path, question):
    """"lo những chuyện gì", "gánh những đầu việc nào", "lo mảng gì": what the unit must do."""
    a = one_plan_assistant(tmp_path, FIVE_G_PLAN)
    ans = a.ask(question)
    assert ans.kind == "duties" and "tổng hợp kết quả" in ans.text, ans.text


def test_a_list_item_holding_what_is_asked_is_shown_whole(tmp_path):
    """A section listed item by item cuts long items short; the one item that holds the question's words its heading
    lacks ("nông sản chủ lực") is shown whole: what it names after them is what was asked."""
    from tests.plan_fixtures import commune_plan
    long_item = ("- Hỗ trợ hợp tác xã, hộ sản xuất xây dựng vùng nguyên liệu, áp dụng quy trình sản xuất an toàn, "
                 "kết nối tiêu thụ qua các sàn thương mại điện tử trong nước, tổ chức hội chợ, triển lãm, phiên chợ "
                 "trực tuyến cho bà con; đăng ký mã số vùng trồng, cấp mã QR truy xuất cho các nông sản chủ lực của "
                 "xã, trước hết là các loại cây ăn trái đã có thương hiệu, được bao tiêu ổn định và có hợp đồng liên "
                 "kết với doanh nghiệp chế biến trên địa bàn tỉnh, gồm: bưởi da xanh, sầu riêng, măng cụt, chôm "
                 "chôm, tiêu và điều.")
    a = one_plan_assistant(tmp_path, commune_plan(62, f"""I. NHIỆM VỤ TRỌNG TÂM

1. Về phát triển kinh tế số nông thôn

- Xây dựng mô hình chợ số tại trung tâm xã; vận động tiểu thương thanh toán không dùng tiền mặt.

{long_item}

- Tập huấn kỹ năng bán hàng trực tuyến cho thanh niên nông thôn.

2. Về chuyển đổi số trong cơ quan

- Số hóa hồ sơ, tài liệu lưu trữ của UBND xã.

II. TỔ CHỨC THỰC HIỆN

1. Phòng Kinh tế

- Chủ trì triển khai các nhiệm vụ về kinh tế số nông thôn.
"""))
    ans = a.ask("Tân Hòa phát triển kinh tế số nông thôn với những nông sản chủ lực nào, liệt kê hết")
    assert "chôm chôm, tiêu và điều" in ans.text, ans.text


@pytest.mark.parametrize("question, fact", [
    ("Phước An: mấy anh chị từ 15 tuổi trở lên có tài khoản ngân hàng thì chỉ tiêu này ai theo dõi?", "Ngân hàng"),
    ("Khu công nghệ số Long Thành: tỉnh kéo về tối thiểu mấy ông lớn đầu tư?", "01 nhà đầu tư lớn"),
])
def test_words_of_address_after_may_are_no_thing_counted(assistant, question, fact):
    """"mấy anh chị", "mấy ông lớn": people said as people say them, not a thing the evidence must count by that
    word after a number."""
    ans = assistant.ask(question)
    assert ans.kind != "none" and fact in ans.text, ans.text


def test_a_count_and_a_figure_in_clauses_of_their_own_are_both_answered(assistant):
    """"nhóm nguồn lực liệt kê mấy dòng, còn chữ ký số phải đạt bao nhiêu %?": the group's rows counted, and the other
    figure, each from its own clause."""
    snap = assistant.library.snapshot
    group = [r for r in snap.of_kind("target", {"phuong-hang-gon-2026"}) if "nguồn lực" in r.obj.group]
    ans = assistant.ask("Phường Hàng Gòn: nhóm phát triển nguồn lực liệt kê mấy dòng, còn chữ ký số cho người trưởng thành "
                        "phải đạt bao nhiêu %?")
    assert f"{len(group)} chỉ tiêu" in ans.text and "50%" in ans.text, ans.text


def test_a_quantifier_after_the_thing_asked_is_no_other_qualifier(assistant):
    """"học kỹ năng số hết không", "đều phải": how many are covered, not another kind of skill than the target's."""
    ans = assistant.ask("Hàng Gòn: các em học sinh từ cấp 1 trở lên phải được học kỹ năng số hết không, tỷ lệ bao nhiêu?")
    assert ans.kind == "target" and "100%" in ans.text, ans.text


@pytest.mark.parametrize("question", ["Đồng Nai: dọn sạch CSDL các ngành đưa về trung tâm điều hành IOC, bên nào hỗ trợ?",
                                      "dong nai don sach CSDL cac nganh dua ve IOC: ai lo, ben nao phu mot tay"])
def test_helping_words_ask_the_partners_of_a_row(assistant, question):
    """"bên nào hỗ trợ", "bên nào phụ một tay": the row's co-operating units are asked; the words of helping are the
    role asked, not something the row must say."""
    snap = assistant.library.snapshot
    q = snap.reader.read(question, date(2026, 7, 1), None, None)
    assert "coop" in q.asks and "ho_tro" not in evidence.content_words(snap, q), (q.asks, q.content)
    ans = assistant.ask(question)
    assert ans.kind != "none" and "Sở Khoa học và Công nghệ" in ans.text, ans.text


def test_last_year_with_its_year_named_asks_that_years_figure_not_a_comparison(assistant):
    """"năm ngoái (2025)": the year said twice, not a figure set against an earlier year's."""
    snap = assistant.library.snapshot
    q = snap.reader.read("Xuân Phú năm ngoái (2025) mở tối thiểu mấy lớp tập huấn chuyển đổi số cho người dân?",
                         date(2026, 7, 1), None, None)
    assert "compare" not in q.foreign, q.foreign
    assert "compare" in snap.reader.read("Xuân Phú năm ngoái mở mấy lớp tập huấn, năm nay tăng bao nhiêu?",
                                         date(2026, 7, 1), None, None).foreign


@pytest.mark.parametrize("question, counted", [
    ("tỉnh dn năm nay phải nghiệm thu tối thiểu bn nhiệm vụ khoa học công nghệ", False),
    ("Nha Bích hỗ trợ hộ kinh doanh ứng dụng công nghệ số ít nhất mấy đơn vị?", False),
    ("Kế hoạch Nha Bích có bao nhiêu nhiệm vụ?", True),
])
def test_a_minimum_asked_is_a_figure_not_rows_counted(assistant, question, counted):
    """"tối thiểu / ít nhất mấy nhiệm vụ": the figure a target sets, not how many rows the plan has."""
    q = assistant.library.snapshot.reader.read(question, date(2026, 7, 1), None, None)
    assert ("count" in q.asks) == counted, q.asks


@pytest.mark.parametrize("question", ["Nha Bích lấy kinh phí làm kế hoạch từ mấy nguồn, kể giùm?",
                                      "Nha Bích bố trí kinh phí từ mấy nguồn, kể cho mình"])
def test_a_number_asked_with_ke_giup_is_the_whole_list(assistant, question):
    """"từ mấy nguồn, kể giùm": the items of the list (each source), not a figure; "giùm" is a form word."""
    ans = assistant.ask(question)
    assert ans.kind == "list" and "Ngân sách nhà nước" in ans.text and "Các nguồn vốn hợp pháp khác" in ans.text, ans.text


# FIVE_G_PLAN with a duty in prose for a unit that also leads a row of its table (Công an xã)
POLICE_DUTY_PLAN = FIVE_G_PLAN.replace(
    "1. Phòng Văn hóa - Xã hội theo dõi, tổng hợp kết quả triển khai Kế hoạch.",
    "1. Phòng Văn hóa - Xã hội theo dõi, tổng hợp kết quả triển khai Kế hoạch.\n\n2. Công an xã\n\n"
    "- Hướng dẫn người dân cài đặt, kích hoạt ứng dụng VNeID và các tiện ích tích hợp trên ứng dụng.")


def test_a_units_list_about_a_topic_its_rows_miss_is_its_duty(tmp_path):
    """"Công an xã hướng dẫn người dân kích hoạt những ứng dụng nào?": the unit leads a row of the table, but none about
    that; its duty in the plan's prose is, and answers."""
    a = one_plan_assistant(tmp_path, POLICE_DUTY_PLAN)
    ans = a.ask("Công an xã Tân Hòa hướng dẫn người dân kích hoạt những ứng dụng nào?")
    assert "VNeID" in ans.text, ans.text
    # asked for its rows, the unit's rows still answer
    rows = a.ask("Công an xã Tân Hòa chủ trì những chỉ tiêu nào?")
    assert "định danh điện tử" in rows.text and "VNeID" not in rows.text, rows.text


def test_the_part_assigning_work_in_prose_named_asks_the_units_duties_there(tmp_path):
    """"Phần tổ chức thực hiện giao Công an xã những việc nào?": the unit's duty in that part, not the table row it
    leads; asked without naming the part, its rows still answer."""
    a = one_plan_assistant(tmp_path, POLICE_DUTY_PLAN)
    ans = a.ask("Phần tổ chức thực hiện của Tân Hòa giao Công an xã những việc nào?")
    assert "VNeID" in ans.text, ans.text
    ans = a.ask("Phần tổ chức thực hiện của Tân Hòa giao Phòng Văn hóa - Xã hội những việc nào?")
    assert "tổng hợp kết quả" in ans.text, ans.text
    rows = a.ask("Công an xã Tân Hòa chủ trì những chỉ tiêu nào?")
    assert "định danh điện tử" in rows.text and "VNeID" not in rows.text, rows.text


def test_an_item_asked_by_its_kind_with_a_period_is_one_due_in_it(tmp_path):
    """"Quý sau phải ban hành quy chế nào?": of the rows the one due in that period, not the best-worded one due in
    another."""
    a = one_plan_assistant(tmp_path, GROUPED_TASKS_PLAN)
    ans = a.ask("Quý sau Tân Hòa phải ban hành quy chế nào?", today=date(2026, 4, 20))
    assert "cổng thông tin" in ans.text and "quản lý dữ liệu" not in ans.text.split("Nguồn:")[0], ans.text


@pytest.mark.parametrize("question", ["Tân Hòa đặt tỷ lệ người cao tuổi có tài khoản định danh điện tử là bao nhiêu?",
                                      "tan hoa: phu nu co tai khoan dinh danh dien tu bn %",
                                      "Tân Hòa muốn bao nhiêu phần trăm đồng bào dân tộc thiểu số có định danh điện tử?"])
def test_a_group_of_people_no_target_names_is_not_answered_from_the_peoples_target(tmp_path, question):
    """A figure asked for a group of people ("người cao tuổi", "phụ nữ", "đồng bào dân tộc thiểu số") is not the figure
    set for all the people: none, with the nearest target offered; the people at large still get theirs."""
    a = one_plan_assistant(tmp_path, FIVE_G_PLAN)
    ans = a.ask(question)
    assert ans.kind == "none" and "95%" in ans.text, ans.text        # the nearest, offered as such
    assert a.ask("Tân Hòa đặt tỷ lệ bà con có tài khoản định danh điện tử là bao nhiêu?").kind == "target"


def test_a_group_of_people_is_not_answered_from_a_paragraph_giving_the_peoples_figure(assistant):
    """A plan that sets figures in prose too ("(20) Tỷ lệ người dân có tài khoản định danh điện tử (VNeID) ≥ 80%"):
    asked for a group's figure ("phụ nữ"), that paragraph is the people's, not the group's."""
    snap = assistant.library.snapshot
    para = next(r for r in snap.of_kind("passage", {"tinh-dong-nai-2026"})
                if "tài khoản định danh điện tử" in r.obj.text and "%" in r.obj.text)
    q = snap.reader.read("Đồng Nai muốn bao nhiêu % phụ nữ có tài khoản định danh điện tử?", date(2026, 7, 1), None, None)
    assert "group" in evidence.assess(snap, q, para).failed
    q = snap.reader.read("Đồng Nai muốn bao nhiêu % người dân có tài khoản định danh điện tử?", date(2026, 7, 1), None,
                         None)
    assert "group" not in evidence.assess(snap, q, para).failed


def test_a_count_with_the_last_item_asked_says_that_item_whole(assistant):
    """"Nhóm nguồn lực có mấy chỉ tiêu, chỉ tiêu cuối cùng là gì?": the count, and the last item said whole (a long
    list cuts its items short and may stop before the last)."""
    snap = assistant.library.snapshot
    group = [r for r in snap.of_kind("target", {"phuong-hang-gon-2026"}) if "nguồn lực" in r.obj.group]
    ans = assistant.ask("Hàng Gòn: nhóm phát triển nguồn lực có mấy chỉ tiêu, chỉ tiêu cuối cùng là gì?")
    assert f"{len(group)} chỉ tiêu" in ans.text and f"Mục cuối cùng: {group[-1].obj.text[:40]}" in ans.text, ans.text


@pytest.mark.parametrize("question", ["Đồng Nai: đề án kinh tế tầm thấp (flycam, drone giao hàng) do sở nào chủ trì?",
                                      "dong nai: de an kinh te tam thap kieu flycam do so nao chu tri"])
def test_a_gloss_in_other_words_is_no_topic_the_plans_lack(assistant, question):
    """"(flycam, drone giao hàng)", "kiểu flycam": words that gloss what the question names, not another topic."""
    ans = assistant.ask(question)
    assert ans.kind == "owner" and "Sở Công thương" in ans.text, ans.text
    # the same foreign word as the topic itself is still something the plans do not cover
    assert assistant.ask("Đồng Nai: đề án flycam do sở nào chủ trì?").kind == "none"



def red_alert_plan(lead_in_as_heading: bool) -> str:
    """A plan whose tracking system's red alert lists three cases, introduced by a heading ending in ':' or by a
    paragraph of its own; a neighbouring section speaks of "các trường hợp" too."""
    lead = "Phần mềm theo dõi của tỉnh sẽ tự động cảnh báo đỏ đối với các nhiệm vụ:"
    alert = f"2. Cơ chế cảnh báo: {lead}" if lead_in_as_heading else f"2. Cơ chế cảnh báo\n\n{lead}"
    return commune_plan(64, f"""I. MỤC TIÊU

1. Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 90%.

II. TỔ CHỨC THỰC HIỆN

1. Chế độ báo cáo

Văn phòng HĐND và UBND xã báo cáo UBND xã các trường hợp chậm trễ trước ngày 20 hằng tháng.

{alert}

- Chậm tiến độ quá 30 ngày.

- Không cập nhật kết quả trong tháng.

- Bị trả lại vì thiếu hồ sơ minh chứng.

3. Điều chỉnh nhiệm vụ

Các trường hợp nhiệm vụ cần điều chỉnh, đơn vị chủ trì báo cáo Phòng Văn hóa - Xã hội.
""")


RED_ALERT_CASES = ("Chậm tiến độ quá 30 ngày", "Không cập nhật kết quả", "thiếu hồ sơ minh chứng")


@pytest.mark.parametrize("heading", [True, False])
@pytest.mark.parametrize("question", ["Tân Hòa: trường hợp nào thì nhiệm vụ bị gắn cờ đỏ?",
                                      "Ở Tân Hòa, nhiệm vụ rơi vào trường hợp nào thì bị tô đỏ?"])
def test_a_red_flag_said_in_everyday_words_is_the_plans_red_alert_listed_whole(tmp_path, question, heading):
    """"gắn cờ đỏ", "tô đỏ" are how people say a tracking system's "cảnh báo đỏ" (synonyms.tsv). The list of
    cases comes back whole: an item that matched only by what its lead-in heading says stands for the list
    (evidence.said_by_lead_in), and a lead-in paragraph quoted with its items keeps them all, though each ends in a
    full stop (Composer.best_sentence)."""
    ans = one_plan_assistant(tmp_path, red_alert_plan(heading)).ask(question)
    assert all(x in ans.text for x in RED_ALERT_CASES), ans.text


def test_an_item_asked_for_itself_is_not_the_whole_list(tmp_path):
    ans = one_plan_assistant(tmp_path, red_alert_plan(True)).ask(
        "Tân Hòa: nhiệm vụ bị trả lại vì thiếu hồ sơ minh chứng thì bị cảnh báo gì?")
    assert "thiếu hồ sơ minh chứng" in ans.text and "Chậm tiến độ" not in ans.text, ans.text


TITLE_HORIZON_PLAN = """ỦY BAN NHÂN DÂN XÃ TÂN HÒA
Số: 70/KH-UBND

KẾ HOẠCH
Chuyển đổi số nông nghiệp trên địa bàn xã Tân Hòa đến năm 2035

I. MỤC TIÊU

1. Đến năm 2027

- Tỷ lệ hợp tác xã nông nghiệp ứng dụng nền tảng số đạt 30%.

2. Đến năm 2030

- Tỷ lệ hợp tác xã nông nghiệp ứng dụng nền tảng số đạt 70%.

- Tỷ lệ hộ trồng trọt có sổ nhật ký điện tử đạt 50%.
"""


@pytest.mark.parametrize("question, value", [
    # the plan named by its title's horizon ("… đến năm 2035"), which sets no 2035 figure: no year is asked
    ("Theo KH chuyển đổi số nông nghiệp đến năm 2035 của Tân Hòa, hộ trồng trọt có sổ nhật ký điện tử phải đạt bao "
     "nhiêu %?", "50%"),
    # ... and the year asked after it
    ("kế hoạch chuyển đổi số nông nghiệp đến 2035 của Tân Hòa: đến 2030 bao nhiêu % hợp tác xã ứng dụng nền tảng số?",
     "70%"),
    # a year asked in words that are not the plan's title is the year asked
    ("Kế hoạch Tân Hòa đặt mục tiêu đến năm 2027 bao nhiêu % hợp tác xã ứng dụng nền tảng số?", "30%"),
    ("Tân Hòa đặt mục tiêu đến năm 2035 bao nhiêu % hộ trồng trọt có sổ nhật ký điện tử?", None),
])
def test_a_year_naming_the_plan_by_its_titles_horizon_is_not_the_year_asked(tmp_path, question, value):
    ans = one_plan_assistant(tmp_path, TITLE_HORIZON_PLAN).ask(question)
    if value is None:
        assert ans.kind == "none", ans.text
    else:
        assert ans.kind == "target" and value in ans.text.split("Nguồn")[0], ans.text


GROUPED_TARGETS_PLAN = commune_plan(60, """I. MỤC TIÊU

| TT | Chỉ tiêu | Chỉ tiêu năm 2026 | Đơn vị chủ trì |
|---|---|---|---|
| I | Về phát triển hạ tầng số (02) | | |
| 1 | Tỷ lệ thôn có sóng di động băng rộng | 100% | Phòng Văn hóa - Xã hội |
| 2 | Tỷ lệ trường học có mạng cáp quang | ≥ 90% | Phòng Văn hóa - Xã hội |
| II | Về phát triển nguồn nhân lực (03) | | |
| 1 | Tỷ lệ công chức được tập huấn kỹ năng số | 100% | Văn phòng HĐND và UBND xã |
| 2 | Số lớp phổ cập kỹ năng số cho người dân | ≥ 4 lớp | Phòng Văn hóa - Xã hội |
| 3 | Tỷ lệ người dân trong độ tuổi lao động biết dùng dịch vụ công trực tuyến | ≥ 70% | Trung tâm Phục vụ hành chính công xã |

II. TỔ CHỨC THỰC HIỆN

1. Văn phòng HĐND và UBND xã theo dõi, tổng hợp kết quả thực hiện kế hoạch.
""")


def test_a_count_of_the_whole_says_how_many_each_group_holds(tmp_path):
    """Counting every target of a plan whose table has groups: the total, then each group with its number in the
    plan's order ("nhóm nào nhiều nhất?", "nhóm nhân lực chiếm mấy?" are answered by it); one group asked is that
    group, without the split."""
    a = one_plan_assistant(tmp_path, GROUPED_TARGETS_PLAN)
    ans = a.ask("Xã Tân Hòa có bao nhiêu chỉ tiêu, nhóm nào đông nhất?")
    assert "có 5 chỉ tiêu" in ans.text, ans.text
    assert "Chia theo 2 nhóm: I. Về phát triển hạ tầng số (02); II. Về phát triển nguồn nhân lực (03)" in ans.text
    ans = a.ask("Nhóm nguồn nhân lực của Tân Hòa có bao nhiêu chỉ tiêu?")
    assert "có 3 chỉ tiêu" in ans.text and "Chia theo" not in ans.text, ans.text


@pytest.mark.parametrize("question", [
    "Gộp cả hai nhóm lại thì Tân Hòa đặt bao nhiêu chỉ tiêu (hạ tầng số, nguồn nhân lực)?",
    "Tính chung các nhóm, bảng mục tiêu của Tân Hòa có bao nhiêu chỉ tiêu?",
    "Để kịp họp giao ban tuần sau, cho hỏi Tân Hòa có tất cả bao nhiêu chỉ tiêu?",
])
def test_a_count_across_every_group_is_the_whole(tmp_path, question):
    """"Cả hai nhóm", "gộp lại", "tính chung" ask for the whole, whatever group names follow; "tất cả" does when the
    other words of the question (why it is asked) name no group and no row."""
    a = one_plan_assistant(tmp_path, GROUPED_TARGETS_PLAN)
    ans = a.ask(question)
    assert ans.kind == "list" and "có 5 chỉ tiêu" in ans.text, ans.text


def test_a_total_of_a_topic_is_still_the_topic(tmp_path):
    """"Tất cả bao nhiêu chỉ tiêu về kỹ năng số": a total of the rows about it, not of the plan."""
    a = one_plan_assistant(tmp_path, GROUPED_TARGETS_PLAN)
    ans = a.ask("Tân Hòa có tất cả bao nhiêu chỉ tiêu về kỹ năng số?")
    assert "có 2 chỉ tiêu" in ans.text, ans.text


PARTS_PLAN = commune_plan(61, """I. MỤC ĐÍCH, YÊU CẦU

- Phân công rõ người, rõ việc, rõ thời gian hoàn thành từng nhiệm vụ.

II. GIẢI PHÁP

1. Về công tác lãnh đạo, chỉ đạo

- Đưa chỉ tiêu chuyển đổi số vào chương trình công tác hằng quý của xã.

2. Về phát triển hạ tầng số

- Phủ sóng di động băng rộng đến các thôn vùng sâu.

3. Về đào tạo nguồn nhân lực

- Mở lớp phổ cập kỹ năng số cho hội viên các đoàn thể.

III. TỔ CHỨC THỰC HIỆN

1. Văn phòng HĐND và UBND xã

- Theo dõi, tổng hợp kết quả thực hiện kế hoạch.

2. Phòng Kinh tế

- Tham mưu bố trí kinh phí thực hiện kế hoạch.

3. Trạm Y tế xã

- Hướng dẫn người dân dùng sổ sức khỏe điện tử.
""")


@pytest.mark.parametrize("question", ["Phần II của kế hoạch Tân Hòa có mấy mục?",
                                      "Phần giải pháp ở Tân Hòa được chia thành bao nhiêu mục, mục cuối về gì?"])
def test_the_parts_of_a_named_part_are_counted(tmp_path, question):
    """"Phần II có mấy mục", "phần giải pháp chia thành bao nhiêu mục": the named part's numbered sub-parts, not the
    plan's layout (the part named by its numeral or by its heading's words)."""
    a = one_plan_assistant(tmp_path, PARTS_PLAN)
    ans = a.ask(question)
    assert ans.kind == "list" and "“II. GIẢI PHÁP” gồm 3 mục" in ans.text, ans.text
    assert "3. Về đào tạo nguồn nhân lực" in ans.text and "Bố cục" not in ans.text, ans.text
    assert "Bố cục gồm 3 phần lớn" in a.ask("Kế hoạch Tân Hòa có mấy phần lớn?").text


@pytest.mark.parametrize("question", ["Kế hoạch Tân Hòa giao việc cho mấy đơn vị?",
                                      "Ở Tân Hòa bao nhiêu phòng, ban được phân công thực hiện kế hoạch?",
                                      "Kế hoạch Tân Hòa phân công trách nhiệm cho những cơ quan nào?"])
def test_the_units_assigned_work_are_counted(tmp_path, question):
    """"Giao việc cho mấy đơn vị", "phân công cho những cơ quan nào": the units the plan gives duties to, counted and
    named — not its rows."""
    a = one_plan_assistant(tmp_path, PARTS_PLAN)
    ans = a.ask(question)
    assert ans.kind == "list" and "3 đơn vị được phân công" in ans.text and "Trạm Y tế xã" in ans.text, ans.text


DESCRIBED_CITATIONS_PLAN = commune_plan(62, """Căn cứ Kế hoạch số 40/KH-UBND ngày 12/3/2025 của UBND tỉnh về chuyển đổi số;

Căn cứ Kế hoạch số 17/KH-UBND ngày 5/11/2025 của UBND xã triển khai Nghị quyết số 66/NQ-CP ngày 20/5/2025 của Chính phủ;

Căn cứ Kế hoạch số 05-KH/ĐU ngày 14/01/2026 của Đảng ủy xã về khoa học, công nghệ;

I. GIẢI PHÁP

- Bảo đảm an toàn thông tin cho hệ thống camera giám sát theo Quyết định 09/2025/QĐ-TTg ngày 03/6/2025 của Thủ tướng.

II. TỔ CHỨC THỰC HIỆN

1. Văn phòng HĐND và UBND xã theo dõi, tổng hợp kết quả thực hiện kế hoạch.
""")


@pytest.mark.parametrize("question, number, day", [
    ("Tân Hòa căn cứ một kế hoạch năm 2025 của UBND xã để thực hiện NQ 66/NQ-CP, kế hoạch đó số mấy, ký ngày nào?",
     "17/KH-UBND", "5/11/2025"),
    ("Kế hoạch của Đảng ủy xã mà Tân Hòa dựa vào mang số hiệu gì?", "05-KH/ĐU", "14/01/2026"),
    ("Kế hoạch của ủy ban tỉnh được xã Tân Hòa dẫn ở phần căn cứ là số mấy?", "40/KH-UBND", "12/3/2025"),
    ("Việc bảo đảm an toàn thông tin camera ở Tân Hòa theo quyết định nào của Thủ tướng, đề ngày mấy?",
     "09/2025/QĐ-TTg", "03/6/2025"),
    ("Phần căn cứ của Tân Hòa có văn bản 40 của UBND; ngày ban hành của nó?", "40/KH-UBND", "12/3/2025"),
])
def test_a_cited_document_described_by_who_issued_it_and_what_for(tmp_path, question, number, day):
    """A document the plan cites, asked for its number or date by its issuer, year, kind or what it carries out
    (not by its number): the clause citing it, with its number and date — not another document of the list, not
    the plan's own (blank) number."""
    a = one_plan_assistant(tmp_path, DESCRIBED_CITATIONS_PLAN)
    ans = a.ask(question)
    assert number in ans.text and day in ans.text, ans.text
    others = {"40/KH-UBND", "17/KH-UBND", "05-KH/ĐU", "09/2025/QĐ-TTg"} - {number}
    assert not any(o in ans.text for o in others), ans.text


def test_the_plans_own_number_is_not_a_cited_documents(tmp_path):
    """"Kế hoạch của UBND xã Tân Hòa số mấy?" asks the plan's own number: the issuer is the plan's own, no year or
    citing word says another document."""
    a = one_plan_assistant(tmp_path, DESCRIBED_CITATIONS_PLAN)
    ans = a.ask("Kế hoạch của UBND xã Tân Hòa số mấy?")
    assert "62/KH-UBND" in ans.text and "17/KH-UBND" not in ans.text, ans.text


def test_a_follow_up_naming_another_unit_asks_the_earlier_question_of_it(tmp_path):
    """"Còn Trạm Y tế xã?" after "Phòng Kinh tế nhận phần việc gì?": the earlier question asked of the unit named
    now, not the record the last answer cited (which is the other unit's)."""
    a = one_plan_assistant(tmp_path, PARTS_PLAN)
    first = a.ask("Ở Tân Hòa, Phòng Kinh tế nhận phần việc gì trong tổ chức thực hiện?")
    assert "kinh phí" in first.text, first.text
    ans = a.ask("Còn Trạm Y tế xã?", context=first.context)
    assert "sổ sức khỏe điện tử" in ans.text and "kinh phí" not in ans.text.split("Nguồn:")[0], ans.text


def test_a_count_of_a_units_work_assigned_in_prose_is_its_duty(tmp_path):
    """"Trạm Y tế phải lo mấy việc?" where the plan assigns the unit work in prose, in no table row: its duty, not
    "có 0 nhiệm vụ"."""
    a = one_plan_assistant(tmp_path, appendix_plan(63, """| I | Chuyển đổi số | | | |
| 1 | Số hóa hồ sơ lưu trữ của xã | Phòng Văn hóa - Xã hội | Các ấp | Quý III/2026 |

2. Trạm Y tế xã

- Hướng dẫn người dân dùng sổ sức khỏe điện tử.
"""))
    ans = a.ask("Trạm Y tế xã Tân Hòa phải lo mấy việc?")
    assert "có 0" not in ans.text and "sổ sức khỏe điện tử" in ans.text, ans.text


def test_the_documents_of_a_body_are_listed_each_with_its_number_and_date(tmp_path):
    """"Những kế hoạch nào của UBND tỉnh mà Tân Hòa dẫn?": each document the plan cites that the body issued, once,
    with its number and date — not those of other bodies, not the whole preamble."""
    a = one_plan_assistant(tmp_path, DESCRIBED_CITATIONS_PLAN)
    ans = a.ask("Tân Hòa dẫn những kế hoạch nào của UBND tỉnh, ngày ký từng cái?")
    assert ans.kind == "list" and "40/KH-UBND ngày 12/3/2025" in ans.text, ans.text
    assert not any(o in ans.text for o in ("17/KH-UBND", "05-KH/ĐU", "66/NQ-CP")), ans.text
    ans = a.ask("Cho danh sách các văn bản của Thủ tướng mà kế hoạch Tân Hòa nhắc tới")
    assert "09/2025/QĐ-TTg ngày 03/6/2025" in ans.text and "40/KH-UBND" not in ans.text, ans.text


@pytest.mark.parametrize("question", ["Trạm Y tế xã Tân Hòa nhận phần gì?",
                                      "Ở Tân Hòa, trạm y tế lo phần nào của kế hoạch?"])
def test_a_units_share_asked_is_all_its_duties(tmp_path, question):
    """"Nhận phần gì", "lo phần nào": the unit's share of the work — every duty the plan gives it, not one line."""
    a = one_plan_assistant(tmp_path, commune_plan(64, """I. TỔ CHỨC THỰC HIỆN

1. Trạm Y tế xã

- Hướng dẫn người dân dùng sổ sức khỏe điện tử.

- Triển khai khám chữa bệnh từ xa tại trạm.

2. Phòng Kinh tế

- Tham mưu bố trí kinh phí thực hiện kế hoạch.
"""))
    ans = a.ask(question)
    assert "sổ sức khỏe điện tử" in ans.text and "khám chữa bệnh từ xa" in ans.text, ans.text


def test_how_many_documents_a_plan_rests_on(tmp_path):
    """"Dựa trên mấy văn bản?": the plan's grounds, counted and listed — its own title ("Triển khai Nghị quyết số
    57-NQ/TW …"), which opens like one, is none of them."""
    a = one_plan_assistant(tmp_path, DESCRIBED_CITATIONS_PLAN)
    ans = a.ask("Kế hoạch của xã Tân Hòa dựa trên mấy văn bản?")
    assert "- Căn cứ (3 văn bản)" in ans.text and "40/KH-UBND" in ans.text and "05-KH/ĐU" in ans.text, ans.text



def test_a_cited_document_is_looked_for_in_the_plans_of_the_level_asked(tmp_path):
    """"Kế hoạch tỉnh căn cứ thông báo kết luận nào, ngày ký?": the province's plan, not a commune's that also cites
    one (the plans of the level said, as the plan's own facts are)."""
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "xa-tan-hoa-2026.txt").write_text(commune_plan(65, """Căn cứ Thông báo số 08-TB/ĐU ngày 02/3/2025 của Đảng ủy xã về chuyển đổi số;

I. TỔ CHỨC THỰC HIỆN

1. Văn phòng HĐND và UBND xã theo dõi kế hoạch.
"""), encoding="utf-8")
    (plans / "tinh-binh-an-2026.txt").write_text(province_plan(12, """Căn cứ Thông báo số 31-TB/TU ngày 15/4/2025 của Tỉnh ủy về khoa học, công nghệ;

I. TỔ CHỨC THỰC HIỆN

1. Sở Khoa học và Công nghệ theo dõi kế hoạch.
"""), encoding="utf-8")
    a = build_assistant(plans, tmp_path / "data", embedder=None)
    ans = a.ask("Kế hoạch tỉnh căn cứ thông báo nào, ký ngày nào?")
    assert "31-TB/TU" in ans.text and "08-TB/ĐU" not in ans.text, ans.text


SIBLING_ROWS_PLAN = commune_plan(66, """I. MỤC TIÊU

1. Tỷ lệ hộ kinh doanh thanh toán không dùng tiền mặt đạt 70%.

II. TỔ CHỨC THỰC HIỆN

1. Các phòng chuyên môn căn cứ chức năng, nhiệm vụ phối hợp rà soát các chương trình đang triển khai, hoàn thành
trong tháng 9 năm 2026.

2. Phòng Văn hóa - Xã hội chủ trì theo dõi kế hoạch.

PHỤ LỤC NHIỆM VỤ

| TT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời hạn |
|---|---|---|---|---|
| I | Hỗ trợ chuyển đổi số | | | |
| 1 | Xây dựng quy định nội dung, điều kiện và mức hỗ trợ từ ngân sách xã cho các hộ kinh doanh nhỏ lẻ tại chợ trung tâm xã chuyển sang bán hàng trên sàn thương mại điện tử và mở tài khoản thanh toán điện tử | Phòng Kinh tế | Các ấp | Quý II/2026 |
| 2 | Xây dựng quy định nội dung, điều kiện và mức hỗ trợ từ ngân sách xã cho các hợp tác xã nông nghiệp đưa nông sản lên sàn thương mại điện tử và truy xuất nguồn gốc bằng mã QR | Phòng Kinh tế | Các ấp | Quý II/2026 |
| 3 | Xây dựng quy định nội dung, điều kiện và mức hỗ trợ từ ngân sách xã cho các hộ nuôi trồng thủy sản lắp cảm biến đo môi trường ao nuôi kết nối điện thoại thông minh | Phòng Kinh tế | Các ấp | Quý II/2026 |
| 4 | Số hóa hiện vật của phòng văn hóa truyền thống xã | Phòng Văn hóa - Xã hội | Các ấp | Quý III/2026 |
| 5 | Xây dựng thiết chế văn hóa số tại nhà văn hóa các ấp | Phòng Văn hóa - Xã hội | Các ấp | Quý IV/2026 |
| 6 | Tập huấn kỹ năng số cho cán bộ ấp | Phòng Văn hóa - Xã hội | Các ấp | Quý III/2026 |
| 7 | Tuyên truyền về dịch vụ công trực tuyến trên loa truyền thanh | Phòng Văn hóa - Xã hội | Các ấp | Quý II/2026 |
| 8 | Khảo sát nhu cầu học tập trực tuyến của người cao tuổi | Phòng Văn hóa - Xã hội | Các ấp | Năm 2026 |
""")


def test_sibling_rows_opening_alike_are_listed_with_what_tells_them_apart(tmp_path):
    """Rows whose titles open with the same long words ("Xây dựng quy định … mức hỗ trợ từ ngân sách xã cho …") are
    listed with the opening said once and each row's own words whole — cut to one length, they read alike."""
    a = one_plan_assistant(tmp_path, SIBLING_ROWS_PLAN)
    ans = a.ask("Quý 2 này Phòng Kinh tế xã Tân Hòa phải xong những quy định hỗ trợ nào?", today=date(2026, 5, 4))
    body = ans.text.split("Nguồn:")[0]
    assert body.count("mức hỗ trợ từ ngân sách xã cho") == 1, ans.text
    for tail in ("mở tài khoản thanh toán điện tử", "truy xuất nguồn gốc bằng mã QR",
                 "kết nối điện thoại thông minh"):
        assert tail in body, ans.text


def test_a_units_rows_are_not_narrowed_by_the_words_of_its_own_name(tmp_path):
    """"Phòng Văn hóa - Xã hội chủ trì những việc gì?": all five of its rows, not the two whose titles hold
    "phòng văn hóa" (the unit's name is no topic, however it is spelled)."""
    a = one_plan_assistant(tmp_path, SIBLING_ROWS_PLAN)
    for question in ("Phòng Văn hóa - Xã hội xã Tân Hòa chủ trì những việc gì?",
                     "phong van hoa xa hoi tan hoa chu tri nhung viec gi"):
        ans = a.ask(question)
        assert "5 nhiệm vụ" in ans.text and "Tập huấn kỹ năng số" in ans.text, ans.text


def test_a_cooperation_asked_for_its_time_is_a_deadline_with_its_state(tmp_path):
    """"Các phòng phối hợp rà soát xong trong tháng mấy, giờ trễ chưa?": a cooperation the question is about, asked
    for its time, is answered with the deadline and its state, not with the partners; "còn trong hạn không" asks
    that state too."""
    a = one_plan_assistant(tmp_path, SIBLING_ROWS_PLAN)
    ans = a.ask("Tân Hòa giao các phòng phối hợp rà soát chương trình, xong trong tháng mấy, giờ trễ chưa?",
                today=date(2026, 11, 2))
    assert ans.kind == "deadline" and "tháng 9 năm 2026" in ans.text and "đã quá hạn" in ans.text, ans
    ans = a.ask("Việc các phòng của UBND xã Tân Hòa căn cứ chức năng phối hợp rà soát chương trình, bây giờ còn "
                "trong hạn không?", today=date(2026, 8, 3))
    assert "tháng 9 năm 2026" in ans.text and "chưa quá hạn" in ans.text, ans.text



@pytest.mark.parametrize("question", [
    "Việc rà soát chương trình của các phòng Tân Hòa: mốc là gì, tính là trễ hay chưa?",
    "Các phòng ở Tân Hòa rà soát chương trình theo mốc nào, đến nay chậm hay không?",
])
def test_late_or_not_asked_as_an_either_or(tmp_path, question):
    """"trễ hay chưa", "chậm hay không" ask an item's state against today as "trễ chưa" does; "mốc là gì" asks its
    deadline."""
    a = one_plan_assistant(tmp_path, SIBLING_ROWS_PLAN)
    ans = a.ask(question, today=date(2026, 11, 2))
    assert ans.kind == "deadline" and "tháng 9 năm 2026" in ans.text and "đã quá hạn" in ans.text, ans


def test_the_plans_own_issuing_asked_late_or_not_is_its_row(tmp_path):
    """"Kế hoạch 57 của xã lẽ ra phải ban hành lúc nào, chậm chưa?": a state asked of the plan's own issuing is the
    row that schedules it, with its state against today — not the plan's date line."""
    a = one_plan_assistant(tmp_path, commune_plan(67, """Ngày ban hành: ngày    tháng    năm 2026

I. TỔ CHỨC THỰC HIỆN

1. Phòng Văn hóa - Xã hội chủ trì theo dõi kế hoạch, tổng hợp báo cáo UBND xã trước ngày 20 hằng tháng; kịp thời
báo cáo những việc chậm tiến độ.

PHỤ LỤC NHIỆM VỤ

| TT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời hạn |
|---|---|---|---|---|
| I | Xây dựng thể chế | | | |
| 1 | Xây dựng và ban hành Kế hoạch triển khai Nghị quyết số 57-NQ/TW trên địa bàn xã năm 2026 | Phòng Văn hóa - Xã hội | Các phòng | Trước tháng 3/2026 |
| 2 | Số hóa hồ sơ lưu trữ của xã | Văn phòng HĐND và UBND xã | Các phòng | Năm 2026 |
"""))
    ans = a.ask("Kế hoạch 57 của xã Tân Hòa lẽ ra phải ban hành lúc nào, đến nay chậm chưa?",
                today=date(2026, 4, 6))
    assert ans.kind == "deadline" and "Trước tháng 3/2026" in ans.text and "đã quá hạn" in ans.text, ans.text


PER_PEOPLE_PLAN = commune_plan(68, """I. MỤC TIÊU

1. Số người thực hiện công tác nghiên cứu khoa học, phát triển công nghệ đạt 4 người trên 1 vạn dân.

2. Hỗ trợ ít nhất 03 hợp tác xã ứng dụng công nghệ số trong sản xuất, kinh doanh.

3. Cán bộ, công chức xã được tập huấn kỹ năng số: ít nhất 30 người.

II. TỔ CHỨC THỰC HIỆN

1. Văn phòng HĐND và UBND xã chủ trì soạn thảo quy chế quản lý dữ liệu của xã, hoàn thành trong quý II/2026.
""")


def test_a_figure_per_so_many_people_answers_only_for_that_many(tmp_path):
    """"Tính theo mỗi nghìn dân …" is not answered by a figure set per 1 vạn dân; "cứ 10 nghìn dân" is; "NCKH" is
    spelled out as officials write it."""
    a = one_plan_assistant(tmp_path, PER_PEOPLE_PLAN)
    ans = a.ask("Tính theo mỗi nghìn dân, xã Tân Hòa đặt bao nhiêu người làm nghiên cứu khoa học?")
    assert ans.kind == "none", ans.text
    for question in ("Cứ 10 nghìn dân thì Tân Hòa cần bao nhiêu người làm nghiên cứu khoa học?",
                     "Tân Hòa cần có bao nhiêu cán bộ làm NCKH?"):
        ans = a.ask(question)
        assert ans.kind == "target" and "4 người" in ans.text, ans.text


@pytest.mark.parametrize("question, expected", [
    ("Tân Hòa đặt mức hỗ trợ bao nhiêu hợp tác xã dùng công nghệ số?", "03 hợp tác xã"),
    ("cho em hỏi cơ quan soạn quy chế quản lý dữ liệu của xã Tân Hòa, hạn quý mấy", "quý II/2026"),
])
def test_words_that_look_like_money_or_headcount_asked_of_something_else(tmp_path, question, expected):
    """"mức hỗ trợ bao nhiêu hợp tác xã" counts co-operatives, not money; "cơ quan soạn" holds no "quân số": the
    plans' figures answer."""
    a = one_plan_assistant(tmp_path, PER_PEOPLE_PLAN)
    ans = a.ask(question)
    assert ans.kind != "none" and expected in ans.text, ans.text


def test_a_unit_the_plan_gives_no_work_asked_what_it_leads(tmp_path):
    """"Phòng Tư pháp chủ trì việc soạn quy chế nào?" of a plan that names no such unit: it gives that unit nothing
    to lead — not the row another unit leads."""
    a = one_plan_assistant(tmp_path, PER_PEOPLE_PLAN)
    ans = a.ask("Phòng Tư pháp xã Tân Hòa chủ trì việc soạn quy chế nào?")
    assert ans.kind == "none" and "Phòng Tư pháp" in ans.text and "Văn phòng HĐND" not in ans.text, ans.text


def test_a_follow_up_opening_with_tinh_the_verb_stays_in_the_plan_asked(tmp_path):
    """"Tính tới năm nào?" after a question about a commune: "tính" (to count) names no province — the follow-up
    stays in the commune's plan; "tinh thì sao?", typed without marks, still asks the province."""
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "xa-tan-hoa-2026.txt").write_text(commune_plan(69, """I. MỤC TIÊU

1. Đến hết năm 2027, tỷ lệ phủ sóng 5G trên địa bàn xã đạt 70%.
"""), encoding="utf-8")
    (plans / "tinh-binh-an-2026.txt").write_text(province_plan(13, """I. MỤC TIÊU

1. Đến cuối năm 2026, tỷ lệ phủ sóng 5G trên địa bàn tỉnh đạt 90%.
"""), encoding="utf-8")
    a = build_assistant(plans, tmp_path / "data", embedder=None)
    first = a.ask("Tân Hòa phủ sóng 5G đạt bao nhiêu phần trăm?")
    assert "70%" in first.text, first.text
    follow = a.ask("Tính tới năm nào?", context=first.context)
    assert "2027" in follow.text and all(s.locality == "Tân Hòa" for s in follow.sources), follow.text
    province = a.ask("tinh thi sao?", context=first.context)
    assert "90%" in province.text, province.text


def test_a_word_no_plan_writes_is_not_required_to_meet_a_record(tmp_path):
    """"Tân Hòa 5G phủ bao nhiêu?": "phủ" is read as the form word of "phụ trách", so the pair "5G phủ" is no
    word of the topic; "5G" alone meets "phủ sóng 5G". A pair of two topic syllables ("chuyện cười") must still
    be met."""
    a = one_plan_assistant(tmp_path, commune_plan(70, """I. MỤC TIÊU

1. Tỷ lệ phủ sóng 5G trên địa bàn xã đạt 70%.

2. Tỷ lệ hộ gia đình có cáp quang đạt 80%.
"""))
    ans = a.ask("Tân Hòa 5G phủ bao nhiêu?")
    assert ans.kind == "target" and "70%" in ans.text, ans.text
    assert a.ask("ban co the ke mot chuyen cuoi khong").kind == "none"


def test_the_groups_of_a_table_say_how_many_rows_in_all(tmp_path):
    """"Danh mục nhiệm vụ có tổng cộng bao nhiêu việc, chia mấy nhóm?": the groups with their rows, and the rows in
    all."""
    a = one_plan_assistant(tmp_path, GROUPED_TASKS_PLAN)
    ans = a.ask("Danh mục nhiệm vụ của Tân Hòa có tổng cộng bao nhiêu việc, chia thành mấy nhóm?")
    assert "2 nhóm" in ans.text and "tổng cộng 3 nhiệm vụ" in ans.text, ans.text


CHANNELS_PLAN = commune_plan(71, """I. GIẢI PHÁP

1. Đẩy mạnh công tác thông tin, tuyên truyền về chuyển đổi số

- Tuyên truyền bằng nhiều hình thức phong phú, thiết thực như: Loa truyền thanh của xã; Trang thông tin điện tử xã; nhóm Zalo của các ấp; Pa nô, áp phích tại nhà văn hóa.

II. TỔ CHỨC THỰC HIỆN

1. Trung tâm Dịch vụ tổng hợp

- Đẩy mạnh tuyên truyền về chuyển đổi số bằng nhiều hình thức trên địa bàn xã.
""")


@pytest.mark.parametrize("question", [
    "Tân Hòa tuyên truyền chuyển đổi số bằng những hình thức, cách thức gì?",
    "Xã Tân Hòa tuyên truyền về chuyển đổi số qua những kênh nào?",
])
def test_a_list_asked_is_answered_by_the_paragraph_that_names_its_items(tmp_path, question):
    """"qua những kênh nào", "bằng những hình thức, cách thức gì": the paragraph that names the channels ("… như: A;
    B; C"), item by item — not a duty that only says to use many of them."""
    a = one_plan_assistant(tmp_path, CHANNELS_PLAN)
    ans = a.ask(question)
    assert ans.kind == "list" and "- Loa truyền thanh của xã" in ans.text and "Pa nô, áp phích" in ans.text, ans.text


def test_a_unit_named_in_part_counts_only_in_a_plan_of_the_level_said(tmp_path):
    """"Tỉnh trông đợi thu hút những dự án công nghệ gì (trung tâm dữ liệu, chip)?": "trung tâm dữ liệu" is no
    commune's "Trung tâm PVHCC" — the province's list answers, not the commune unit's rows."""
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "xa-tan-hoa-2026.txt").write_text(commune_plan(72, """I. MỤC TIÊU

Phấn đấu hoàn thành các chỉ tiêu tại Phụ lục I.

PHỤ LỤC I

| TT | Chỉ tiêu | Chỉ tiêu năm 2026 | Đơn vị chủ trì |
|---|---|---|---|
| I | Về chuyển đổi số (02) | | |
| 1 | Tỷ lệ hồ sơ thủ tục hành chính được số hóa kết quả | 100% | Trung tâm PVHCC |
| 2 | Tỷ lệ dữ liệu công chức được cập nhật lên hệ thống công nghệ thông tin | 90% | Trung tâm PVHCC |
"""), encoding="utf-8")
    (plans / "tinh-binh-an-2026.txt").write_text(province_plan(14, """I. NHIỆM VỤ

1. Phát triển Khu công nghệ số tập trung

- Thu hút đầu tư các dự án công nghệ như: trung tâm dữ liệu quy mô lớn; thiết kế chip bán dẫn; sản xuất thiết bị
điện tử thông minh.

II. TỔ CHỨC THỰC HIỆN

1. Sở Khoa học và Công nghệ chủ trì theo dõi, đôn đốc thực hiện kế hoạch.
"""), encoding="utf-8")
    a = build_assistant(plans, tmp_path / "data", embedder=None)
    ans = a.ask("Tỉnh trông đợi thu hút những dự án công nghệ gì (trung tâm dữ liệu, chip)?")
    assert "thiết kế chip bán dẫn" in ans.text and "Tân Hòa" not in ans.text, ans.text


@pytest.mark.parametrize("question, answered", [
    ("Mốc năm 2030 (không phải 2026) Tân Hòa đặt tỷ lệ người dân có chữ ký số bao nhiêu?", False),
    ("Tân Hòa có đặt tỷ lệ người dân có chữ ký số cho giai đoạn sau 2026, ví dụ năm 2030, không?", False),
    ("Tân Hòa đặt tỷ lệ người dân có chữ ký số năm 2026 bao nhiêu, chứ không phải 2025?", True),
])
def test_a_year_said_as_not_the_one_meant(tmp_path, question, answered):
    """"mốc 2030 (không phải 2026)", "sau 2026, ví dụ 2030": the year said as not meant is not asked — the 2026
    figure does not answer for 2030; "năm 2026, chứ không phải 2025" asks 2026."""
    a = one_plan_assistant(tmp_path, commune_plan(73, """I. MỤC TIÊU

1. Đến hết năm 2026, tỷ lệ người dân trưởng thành có chữ ký số đạt 40%.

II. TỔ CHỨC THỰC HIỆN

1. Phòng Văn hóa - Xã hội chủ trì theo dõi kế hoạch.
"""))
    ans = a.ask(question)
    assert (ans.kind == "target" and "40%" in ans.text) if answered else ans.kind == "none", ans.text


UNITS_PLAN = commune_plan(74, """I. TỔ CHỨC THỰC HIỆN

1. Các cơ quan chuyên môn trực thuộc UBND xã

- Căn cứ chức năng, nhiệm vụ triển khai các nội dung chuyển đổi số được giao.

2. Phòng Văn hóa - Xã hội

- Tham mưu UBND xã theo dõi, tổng hợp kết quả thực hiện kế hoạch.

PHỤ LỤC NHIỆM VỤ

| TT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời hạn |
|---|---|---|---|---|
| I | Chuyển đổi số | | | |
| 1 | Số hóa hồ sơ lưu trữ của xã | Phòng Văn hóa - Xã hội | Các ấp | Năm 2026 |
| 2 | Xây dựng bản đồ số các ấp | Phòng Văn hóa - Xã hội | Các ấp | Quý III/2026 |
""")


def test_a_unit_of_another_kind_than_the_one_found_in_part_is_unknown(tmp_path):
    """"Ban Chỉ huy Quân sự xã được giao việc gì?" where the plan only has "các cơ quan chuyên môn trực thuộc UBND
    xã" (found in part by "xã"): the unit named is given nothing — not the collective's duty."""
    a = one_plan_assistant(tmp_path, UNITS_PLAN)
    ans = a.ask("Ban Chỉ huy Quân sự xã Tân Hòa được giao việc gì về chuyển đổi số?")
    assert ans.kind == "none" and "Ban Chỉ huy Quân sự" in ans.text, ans.text


def test_a_unit_asked_what_it_leads_in_the_singular_is_its_rows(tmp_path):
    """"Phòng VH-XH chủ trì việc gì?": the unit's rows, as "chủ trì những việc gì" — not one duty paragraph."""
    a = one_plan_assistant(tmp_path, UNITS_PLAN)
    ans = a.ask("Phòng VH-XH xã Tân Hòa chủ trì việc gì?")
    assert ans.kind == "list" and "Số hóa hồ sơ lưu trữ" in ans.text and "bản đồ số" in ans.text, ans.text



COUNTED_SETS_PLAN = commune_plan(63, """I. NHIỆM VỤ

1. Đưa vào vận hành 27 thủ tục hành chính liên thông trên Cổng dịch vụ công của tỉnh, bảo đảm đúng lộ trình.

2. Số hóa 4 sổ hộ tịch của xã như sau: sổ khai sinh; sổ khai tử; sổ kết hôn; sổ nhận cha, mẹ, con.

II. TỔ CHỨC THỰC HIỆN

1. Văn phòng HĐND và UBND xã chủ trì, theo dõi việc thực hiện Kế hoạch.
""")


def test_a_set_named_by_its_size_and_never_listed_is_not_in_the_plan(tmp_path):
    """"27 thủ tục liên thông gồm những thủ tục nào?" when the plan says only "27 thủ tục hành chính liên thông":
    it does not list them (kind none), and says where the set is named; a set it does list comes back whole."""
    a = one_plan_assistant(tmp_path, COUNTED_SETS_PLAN)
    ans = a.ask("Tân Hòa: 27 thủ tục hành chính liên thông gồm những thủ tục cụ thể nào?")
    assert ans.kind == "none" and ans.sources and ans.sources[0].lines[0] == 9, ans
    listed = a.ask("Tân Hòa: 4 sổ hộ tịch được số hóa gồm những sổ nào?")
    assert listed.kind != "none" and "sổ kết hôn" in listed.text and "sổ khai tử" in listed.text, listed
    untyped = a.ask("tan hoa 27 thu tuc lien thong la nhung thu tuc gi")
    assert untyped.kind == "none", untyped



def test_a_level_said_narrows_plans_found_by_what_they_share(tmp_path):
    """"Kế hoạch năm 2026 cấp tỉnh do ai ký?": the year finds the plans of 2026 (not the commune's of 2025); the
    level said keeps the province's."""
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "xa-tan-hoa-2026.txt").write_text(commune_plan(72, """I. MỤC TIÊU

1. Tỷ lệ phủ sóng 5G trên địa bàn xã đạt 70%.
""") + "\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nTrần Văn Lộc\n", encoding="utf-8")
    (plans / "tinh-binh-an-2026.txt").write_text(province_plan(14, """I. MỤC TIÊU

1. Đến cuối năm 2026, tỷ lệ phủ sóng 5G trên địa bàn tỉnh đạt 90%.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Lê Thị Hạnh
"""), encoding="utf-8")
    (plans / "xa-an-phu-2025.txt").write_text("""ỦY BAN NHÂN DÂN XÃ AN PHÚ
Số: 15/KH-UBND

KẾ HOẠCH
Triển khai Nghị quyết số 57-NQ/TW trên địa bàn xã An Phú năm 2025

I. MỤC TIÊU

1. Tỷ lệ phủ sóng 5G trên địa bàn xã đạt 50%.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Võ Minh Tâm
""", encoding="utf-8")
    a = build_assistant(plans, tmp_path / "data", embedder=None)
    ans = a.ask("Kế hoạch triển khai năm 2026 ở cấp tỉnh do ai ký?")
    assert "Lê Thị Hạnh" in ans.text and "Trần Văn Lộc" not in ans.text, ans.text
    both = a.ask("Kế hoạch triển khai năm 2026 do ai ký?")
    assert "Lê Thị Hạnh" in both.text and "Trần Văn Lộc" in both.text and "Võ Minh Tâm" not in both.text, both.text


TWIN_PLAN = appendix_plan(73, """| I | Hạ tầng số | | | |
| 1 | Số hóa hồ sơ của trung tâm hành chính xã | Phòng Văn hóa - Xã hội | Các ấp | Quý III/2026 |
| 2 | Thí điểm bản sao số của chợ Tân Hòa | Phòng Kinh tế | Ban quản lý chợ | Quý IV/2026 |
""")


def test_a_syllable_that_is_also_a_question_word_counts_inside_a_word(tmp_path):
    """"sao" asks why/how ("thì sao?") but is a syllable of "bản sao số" (a digital twin): the question's
    "bản sao số" meets the row that says it, not a row that shares only "số"."""
    a = one_plan_assistant(tmp_path, TWIN_PLAN)
    ans = a.ask("Tân Hòa: việc bản sao số ai chủ trì, hạn quý mấy?")
    assert "Phòng Kinh tế" in ans.text and "Quý IV/2026" in ans.text, ans.text
    toneless = a.ask("tan hoa lam ban sao so thi phong nao lo")
    assert "Phòng Kinh tế" in toneless.text, toneless.text


def test_the_items_of_a_part_counted_by_everyday_words(tmp_path):
    """"nêu bao nhiêu ý, ý cuối là gì?", "mấy gạch đầu dòng": the items of the part counted, its last one said
    ("ý tưởng" counted is a figure asked, not the part's items)."""
    a = one_plan_assistant(tmp_path, NINE_ITEM_PLAN)
    ans = a.ask("Phần giải pháp hạ tầng số của Tân Hòa nêu bao nhiêu ý, ý cuối là gì?")
    assert "9" in ans.text and "hội nghị truyền hình" in ans.text, ans.text
    dashes = a.ask("Giải pháp về hạ tầng số ở Tân Hòa có mấy gạch đầu dòng?")
    assert "9" in dashes.text, dashes.text


def test_a_group_counted_then_one_of_its_rows_asked_answers_both(tmp_path):
    """"Nhóm Thể chế có mấy nhiệm vụ, việc rà soát thủ tục cấp phép do ai chủ trì?": the group counted, then the
    row the second half names (not the group's first row, not the count alone)."""
    a = one_plan_assistant(tmp_path, TWO_OFFICES_PLAN)
    ans = a.ask("Nhóm Thể chế của Tân Hòa có mấy nhiệm vụ, việc rà soát thủ tục cấp phép xây dựng do ai chủ trì?")
    assert "3 nhiệm vụ" in ans.text and "Văn phòng HĐND và UBND xã chủ trì" in ans.text, ans.text


def test_the_signer_and_the_number_of_bases_asked_together(tmp_path):
    """"ai ký vậy, dựa theo mấy văn bản": the signer, then the plan's bases counted ("dựa theo" as "dựa vào")."""
    plan = commune_plan(74, """Căn cứ Kế hoạch số 12-KH/ĐU ngày 02/3/2026 của Đảng ủy xã về chuyển đổi số;
Căn cứ Kế hoạch số 30/KH-UBND ngày 10/3/2026 của UBND xã về cải cách hành chính;

I. MỤC TIÊU

1. Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 90%.
""") + "\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nĐỗ Văn Nam\n"
    a = one_plan_assistant(tmp_path, plan)
    ans = a.ask("Tân Hòa: kế hoạch năm nay ai ký vậy, dựa theo mấy văn bản?")
    assert "Đỗ Văn Nam" in ans.text and "2 văn bản" in ans.text, ans.text
