"""The answer service on the seed plans (lexical search, no model): kinds, exact facts, sources, odd input."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bot.chat import run_chat
from answers.service import build_assistant
from answers.types import KINDS
from index.embedding import HashEmbedder

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "corpus" / "plans"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    return build_assistant(PLANS, tmp_path_factory.mktemp("data"), embedder=None)


def localities(ans):
    return {s.locality for s in ans.sources}


def test_owner_with_source_lines(assistant):
    ans = assistant.ask("Ai chủ trì triển khai Đề án 06 ở xã Nha Bích?")
    assert ans.kind == "owner" and "Công an xã" in ans.text
    assert localities(ans) == {"Nha Bích"}
    src = ans.sources[0]
    assert src.file == "xa-nha-bich-2026.txt" and src.lines[0] in (131, 257) and "Nguồn:" in ans.text


def test_same_answer_without_tone_marks(assistant):
    a = assistant.ask("Ai chủ trì làm sạch dữ liệu 12 CSDL trọng điểm quốc gia ở xã Nha Bích?")
    b = assistant.ask("ai chu tri lam sach du lieu 12 csdl trong diem quoc gia o xa nha bich")
    assert "Công an xã" in a.text and a.text.split("\n")[0] == b.text.split("\n")[0]


def test_deadline(assistant):
    ans = assistant.ask("Khi nào phải xong việc làm sạch dữ liệu 12 CSDL trọng điểm quốc gia ở Nha Bích?")
    assert ans.kind == "deadline" and "Quý I/2026" in ans.text


def test_compound_owner_and_deadline(assistant):
    ans = assistant.ask("Ai phụ trách và bao giờ phải xong việc lập quy hoạch phân khu 1/2000 khu Công nghệ số "
                        "tập trung Long Thành?")
    assert "Sở Khoa học và Công nghệ" in ans.text and "Quý IV/2026" in ans.text
    assert localities(ans) == {"Đồng Nai"}


def test_cooperating_units(assistant):
    ans = assistant.ask("Đơn vị nào phối hợp với Sở Khoa học và Công nghệ xây dựng Nghị quyết hỗ trợ dự án "
                        "khởi nghiệp sáng tạo trong công nghiệp công nghệ số?")
    assert "Sở Tài chính" in ans.text


def test_several_plans_answer_plan_by_plan(assistant):
    ans = assistant.ask("Ai chủ trì học tập kinh nghiệm về khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số?")
    assert localities(ans) >= {"Nha Bích", "Đồng Nai"}
    assert "Kế hoạch xã Nha Bích" in ans.text and "Kế hoạch tỉnh Đồng Nai" in ans.text
    assert "Phòng VH-XH" in ans.text and "Sở Khoa học và Công nghệ" in ans.text


def test_default_plan_limits_the_answer(assistant):
    ans = assistant.ask("Ai chủ trì học tập kinh nghiệm về chuyển đổi số?", default_plan="xa-nha-bich-2026")
    assert localities(ans) == {"Nha Bích"}


def test_target_value(assistant):
    ans = assistant.ask("Chỉ tiêu tỷ lệ người dân trưởng thành có chữ ký số của phường Hàng Gòn là bao nhiêu?")
    assert ans.kind == "target" and "≥ 50%" in ans.text and localities(ans) == {"Hàng Gòn"}


def test_target_year(assistant):
    ans = assistant.ask("Xuân Phú đặt tỷ lệ giao dịch không dùng tiền mặt năm 2030 là bao nhiêu?")
    assert "80%" in ans.text and "2030" in ans.text


def test_duties_of_a_unit(assistant):
    ans = assistant.ask("Công an xã Nha Bích có nhiệm vụ gì?")
    assert ans.kind == "duties" and "Đề án 06" in ans.text


def test_reporting_deadline_duty(assistant):
    ans = assistant.ask("Phước An: Phòng VHXH báo cáo UBND xã trước ngày nào hằng tháng?")
    assert "trước ngày 25 hằng tháng" in ans.text


def test_list_by_unit_is_counted(assistant):
    ans = assistant.ask("Các nhiệm vụ do Sở Giáo dục và Đào tạo chủ trì")
    assert ans.kind == "list" and "3 nhiệm vụ" in ans.text and "giáo viên" in ans.text


def test_how_many_in_a_month_counts_the_tasks_falling_due_in_it(assistant):
    """"Mấy nhiệm vụ phải xong trong tháng 3": the tasks of the window, counted, quarter deadlines closing in it."""
    ans = assistant.ask("Nha Bích có mấy nhiệm vụ phải hoàn thành trong tháng 3/2026?", today=date(2026, 2, 10))
    assert ans.kind == "list" and "2 nhiệm vụ trong tháng 3/2026" in ans.text
    assert all(code in ans.text for code in ("IV.4", "V.1"))


def test_list_by_quarter(assistant):
    # every task falling due within the quarter: "Quý I/2026" rows and "Trước tháng 2/2026"
    ans = assistant.ask("Ở Nha Bích việc nào có hạn Quý I/2026?")
    assert ans.kind == "list" and all(code in ans.text for code in ("IV.4", "V.1", "I.2")) and "3 nhiệm vụ" in ans.text


@pytest.mark.parametrize("question", ["Ai ký kế hoạch của xã Phước An?",
                                      "văn bản triển khai của xã Phước An do đồng chí nào ký vậy",
                                      "ke hoach xa phuoc an lanh dao nao ky",
                                      # the name of the one who signed, "ký KH" as chats shorten the plan
                                      "xa Phuoc An: ho ten cua vi pho chu tich da ky?",
                                      "Phước An, đồng chí ký KH triển khai 57 tên gì?"])
def test_signer(assistant, question):
    ans = assistant.ask(question)
    assert "Huỳnh Minh Đức" in ans.text and localities(ans) == {"Phước An"}


@pytest.mark.parametrize("question", [
    "Thời tiết ở Biên Hòa ngày mai thế nào?",
    "Tối nay đội tuyển bóng đá Việt Nam đá với ai?",
    "Kế hoạch chuyển đổi số của tỉnh Bình Dương giao ai chủ trì?",
    "Sở Ngoại vụ có nhiệm vụ gì?",
    "Mấy giờ rồi bạn ơi?",
    "😀😀😀",
    "",
    "   ",
])
def test_out_of_scope_is_none(assistant, question):
    ans = assistant.ask(question)
    assert ans.kind == "none" and ans.sources == ()
    assert "Nha Bích" in ans.text   # says what the bot covers


def test_html_and_markdown_in_question(assistant):
    ans = assistant.ask("<b>Ai chủ trì</b> **triển khai Đề án 06** ở xã Nha Bích? <script>alert(1)</script>")
    assert "Công an xã" in ans.text and "<script>" not in ans.text


@pytest.mark.parametrize("question", [
    'Ai chủ trì "Đề án 06" OR * ( NEAR ) : ^ ở xã Nha Bích?',
    "'; DROP TABLE tasks; -- ai chủ trì?",
    'chỉ tiêu "" * OR AND NOT',
])
def test_query_metacharacters_never_raise(assistant, question):
    ans = assistant.ask(question)
    assert ans.kind in KINDS and "lỗi" not in ans.text


def test_very_long_question(assistant):
    ans = assistant.ask("Ai chủ trì triển khai Đề án 06 ở xã Nha Bích? " + "xin hỏi " * 2500)
    assert ans.kind in KINDS and len(ans.text) < 5000


def test_deterministic(assistant):
    q = "Tỷ lệ người dân có sổ sức khỏe điện tử ở Phước An?"
    assert assistant.ask(q) == assistant.ask(q)


def test_due_tasks_and_units(assistant):
    unit = assistant.resolve_unit("công an xã nha bích")
    assert unit == "Công an xã"
    due = assistant.due_tasks(unit, date(2026, 3, 28), within_days=7)
    assert any(d.due == "2026-03-31" and d.deadline_text == "Quý I/2026" for d in due)
    assert assistant.resolve_unit("Bộ Ngoại giao") is None


def test_chat_commands(assistant):
    out = io.StringIO()
    run_chat(assistant, stdin=io.StringIO("/ke_hoach nha bich\nAi chủ trì học tập kinh nghiệm về chuyển đổi số?\n/nguon\n"),
             stdout=out)
    text = out.getvalue()
    assert "Kế hoạch mặc định: Kế hoạch xã Nha Bích" in text and "Phòng VH-XH" in text
    assert "Học tập kinh nghiệm trong và ngoài tỉnh" in text   # /nguon prints the plan's own line


def test_works_with_an_embedder(tmp_path):
    a = build_assistant(PLANS, tmp_path, embedder=HashEmbedder(dim=64))
    ans = a.ask("Ai chủ trì triển khai Đề án 06 ở xã Nha Bích?")
    assert "Công an xã" in ans.text and a.index.dense is not None


def test_cli_json_contract(tmp_path):
    qfile = tmp_path / "q.txt"
    qfile.write_text("Ai chủ trì triển khai Đề án 06 ở xã Nha Bích?\nThời tiết hôm nay?\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "run_bot.py", "ask", "--json", "--file", str(qfile), "--data",
                        str(tmp_path / "data")], cwd=ROOT, capture_output=True, text=True, timeout=120,
                       env={"K57_EMBED_MODEL": "none", "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [row["kind"] for row in rows] == ["owner", "none"]
    required = {"question", "answer", "kind", "sources", "elapsed_ms"}
    assert set(rows[0]) >= required and set(rows[0]) - required <= {"evidence", "normalized"}
    # why it answered: the content words the record covers and the checks that failed (none here)
    assert set(rows[0]["evidence"]) == {"ok", "score", "matched", "missing", "failed", "arbiter"}
    assert 0.0 <= rows[0]["evidence"]["arbiter"] <= 1.0
    assert rows[0]["evidence"]["ok"] and rows[0]["evidence"]["failed"] == []
    assert set(rows[0]["sources"][0]) >= {"plan", "locality", "file", "section", "lines", "snippet"}


def test_cli_errors(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "run_bot.py", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=60, env={"K57_EMBED_MODEL": "none", "PATH": "/usr/bin:/bin"})
    r = run("ask", "--file", str(tmp_path / "missing.txt"))
    assert r.returncode == 2 and "không đọc được tệp câu hỏi" in r.stderr
    r = run("ask")
    assert r.returncode == 2 and "hãy nhập câu hỏi" in r.stderr
    r = run("ask", "--plans", str(tmp_path / "nope"), "câu hỏi")
    assert r.returncode != 0 and "không thấy thư mục kế hoạch" in r.stderr and "Traceback" not in r.stderr


def test_new_plans_dropped_into_the_folder_are_answerable(tmp_path):
    import shutil
    plans = tmp_path / "plans"
    plans.mkdir()
    for f in ("xa-nha-bich-2026.txt",):
        shutil.copy(PLANS / f, plans)
    for f in ("phuong-an-hoa-2026.txt", "xa-tan-lap-2026.md"):
        shutil.copy(ROOT / "tests" / "fixtures" / f, plans)
    a = build_assistant(plans, tmp_path / "data", embedder=None)
    ans = a.ask("Ai chủ trì gắn biển địa chỉ số ở phường An Hòa và hạn khi nào?")
    assert "Công an phường" in ans.text and "Quý III/2026" in ans.text and localities(ans) == {"An Hòa"}
    ans = a.ask("tan lap: ai chu tri lap dat wifi mien phi tai nha van hoa thon")
    assert "Phòng VH-XH" in ans.text and localities(ans) == {"Tân Lập"}


def test_unit_named_in_full_selects_its_plan(assistant):
    ans = assistant.ask("Công an tỉnh chủ trì những việc gì?")
    assert ans.kind == "list" and localities(ans) == {"Đồng Nai"} and "5 nhiệm vụ" in ans.text


def test_duties_include_plans_that_only_mention_the_unit(assistant):
    ans = assistant.ask("Tổ công nghệ số cộng đồng phải làm gì?")
    assert ans.kind == "duties" and {"Nha Bích", "Xuân Phú", "Phước An"} <= localities(ans)
    assert "Chỉ đạo các Tổ công nghệ số cộng đồng" in ans.text


def test_plan_overview_counts(assistant):
    ans = assistant.ask("Nha Bích có bao nhiêu chỉ tiêu?")
    assert "32 chỉ tiêu" in ans.text and "15 nhiệm vụ" in ans.text


@pytest.mark.parametrize("question", [
    "Giá lúa hôm nay bao nhiêu?",                       # "đánh giá, lựa chọn" must not make "giá lúa"
    "Sở Y tế chủ trì những nhiệm vụ nào?",              # a unit no plan names is not "Trạm Y tế"
    "Phòng Tài nguyên và Môi trường xã Nha Bích có nhiệm vụ gì?",
    "Hạn nộp thuế thu nhập cá nhân là khi nào?",
])
def test_near_miss_questions_are_none(assistant, question):
    assert assistant.ask(question).kind == "none"


def test_a_broken_model_falls_back_to_keywords(tmp_path):
    class Broken:
        name, dim = "broken", 8

        def embed_documents(self, texts):
            raise RuntimeError("weights missing")

        def embed_query(self, text):
            raise RuntimeError("weights missing")

    a = build_assistant(PLANS, tmp_path, embedder=Broken())
    assert a.index.dense is None and "Công an xã" in a.ask("Ai chủ trì triển khai Đề án 06 ở xã Nha Bích?").text


def test_cooperating_units_come_first_when_asked(assistant):
    ans = assistant.ask("Đơn vị nào phối hợp vận hành Trung tâm Phục vụ hành chính công xã Nha Bích?")
    assert ans.text.startswith("Kế hoạch xã Nha Bích: Đơn vị phối hợp: Cơ quan, đơn vị") and "II.2" in ans.text


def test_list_by_deadline_kind(assistant):
    ans = assistant.ask("Nhiệm vụ nào của Nha Bích có thời hạn theo hướng dẫn của tỉnh?")
    assert ans.kind == "list" and "3 nhiệm vụ" in ans.text and "IV.1" in ans.text and "I.3" in ans.text


def test_chat_unknown_command_and_exit(assistant):
    out = io.StringIO()
    code = run_chat(assistant, stdin=io.StringIO("/abc\n/thoat\nAi chủ trì học tập kinh nghiệm?\n"), stdout=out)
    text = out.getvalue()
    assert code == 0 and "Lệnh “/abc” không có" in text and "Tạm biệt" in text and "Phòng" not in text
    out = io.StringIO()
    code = run_chat(assistant, stdin=io.StringIO("Thoát\nAi chủ trì học tập kinh nghiệm?\n"), stdout=out)
    assert code == 0 and "Tạm biệt" in out.getvalue() and "Phòng" not in out.getvalue()
