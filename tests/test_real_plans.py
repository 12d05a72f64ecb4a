"""Plans from anywhere: a Government programme with a 105-task appendix, a Party committee's programme, a
provincial plan in prose; several plans of one place named by number or subject; documents that are not
plans refused with a reason while the others load. Documents are written by tests/real_plan_fixtures.py."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from corpus.document import UnreadablePlan
from corpus.parse import parse_plan_file
from corpus.store import ingest
from corpus.values import parse_deadline
from tests.real_plan_fixtures import write_all

PLANS = Path(__file__).resolve().parent.parent / "corpus" / "plans"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return write_all(tmp_path_factory.mktemp("real"))


@pytest.fixture(scope="module")
def parsed(files):
    return {k: parse_plan_file(p) for k, p in files.items() if k not in ("news", "letter")}


def test_government_programme_identity_without_a_place(parsed):
    plan = parsed["government"].plan
    assert (plan.doc_type, plan.issuer, plan.level, plan.locality) == ("Nghị quyết", "Chính phủ", "trung ương", "")
    assert (plan.number, plan.date, plan.signer) == ("12/NQ-CP", "ngày 05 tháng 3 năm 2025", "Trần Quốc Khánh")
    assert plan.title == "Ban hành Chương trình hành động của Chính phủ về phát triển dữ liệu số quốc gia"
    assert plan.name == "Nghị quyết 12/NQ-CP của Chính phủ"


def test_government_appendix_rows_groups_and_columns_in_any_order(parsed):
    tasks = parsed["government"].tasks
    assert len(tasks) == 105
    assert len({t.group for t in tasks}) == 5 and tasks[0].group == "I. Hoàn thiện thể chế"
    t = next(t for t in tasks if "số 7 thuộc" in t.task)
    # the lead column comes after the deadline column in this table
    assert t.lead == ("Bộ Khoa học và Công nghệ",) and t.cooperating == ("Bộ Nội vụ",)
    assert (t.deadline.text, t.deadline.kind) == ("Hằng năm", "recurring") and t.product == "Nền tảng số 7"
    assert t.code == "I.7" and tasks[-1].group == "V. Chính phủ số"


@pytest.mark.parametrize("text,kind,start,end", [
    ("Quí IV-2025", "quarter", "2025-10-01", "2025-12-31"),
    ("Năm 2025-2026", "year", "2025-01-01", "2026-12-31"),
    ("Hằng năm", "recurring", None, None),
    ("trước ngày 15 tháng 12 hằng năm", "recurring", None, None),
])
def test_deadlines_as_offices_write_them(text, kind, start, end):
    d = parse_deadline(text)
    assert (d.kind, d.start, d.end) == (kind, start, end)


def test_programme_targets_and_duties_in_prose(parsed):
    p = parsed["government"]
    values = {t.value_text: t.year for t in p.targets}
    assert values == {"100%": 2030, "70%": 2030}
    assert any(d.unit == "Bộ Khoa học và Công nghệ" and "15 tháng 12" in d.text for d in p.duties)


def test_party_programme(parsed):
    p = parsed["party"]
    plan = p.plan
    assert (plan.doc_type, plan.issuer, plan.level, plan.locality) == (
        "Chương trình hành động", "Tỉnh ủy Bình Minh", "tỉnh", "Bình Minh")
    assert (plan.number, plan.signer) == ("05-CTr/TU", "Lê Văn Tâm")
    units = {d.unit for d in p.duties}
    # duties under headings that name a unit, outside any "Tổ chức thực hiện" section
    assert {"Ban Tuyên giáo và Dân vận Tỉnh ủy", "Ban Nội chính Tỉnh ủy"} <= units
    assert sum(1 for d in p.duties if d.unit == "Ban Tuyên giáo và Dân vận Tỉnh ủy") == 2


def test_provincial_plan_upper_case_title_prose_targets_and_page_furniture(parsed):
    p = parsed["province"]
    assert (p.plan.locality, p.plan.level, p.plan.number) == ("Bình Minh", "tỉnh", "88/KH-UBND")
    assert {(t.value_text, t.year) for t in p.targets} >= {("35%", 2030), ("90%", 2030)}
    assert any(t.value_text.startswith("ít nhất 15") for t in p.targets)
    assert {d.unit for d in p.duties} >= {"Sở Công Thương", "Các doanh nghiệp viễn thông"}
    texts = " ".join(x.text for x in p.passages)
    assert "- 2 -" not in texts and "<!--" not in texts      # page number and comment are not content


@pytest.mark.parametrize("key,reason", [("news", "bài báo"), ("letter", "không giao nhiệm vụ")])
def test_documents_that_are_not_plans_are_refused_with_a_reason(files, key, reason):
    with pytest.raises(UnreadablePlan) as caught:
        parse_plan_file(files[key])
    assert "không nhận ra kế hoạch" in str(caught.value) and reason in str(caught.value)


def test_bad_files_skipped_while_the_others_load(files, tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    for p in files.values():
        shutil.copy(p, folder / p.name)
    (folder / "rong.txt").write_bytes(b"")
    result = ingest(folder, tmp_path / "data", progress=False)
    by_file = {r.file: r for r in result.reports}
    assert [r.file for r in result.reports if r.ok] == sorted(p.name for k, p in files.items()
                                                              if k not in ("news", "letter"))
    assert not by_file["bao-binh-minh.txt"].ok and "bài báo" in by_file["bao-binh-minh.txt"].message
    assert not by_file["rong.txt"].ok and "rỗng" in by_file["rong.txt"].message
    gov = by_file["chinh-phu-12-nq-cp.txt"]
    assert gov.tasks == 105 and gov.issuer == "Chính phủ" and gov.number == "12/NQ-CP"


@pytest.fixture(scope="module")
def assistant(files, tmp_path_factory):
    from answers.service import build_assistant
    folder = tmp_path_factory.mktemp("plans")
    for key in ("government", "party", "province"):
        shutil.copy(files[key], folder / files[key].name)
    shutil.copy(PLANS / "xa-nha-bich-2026.txt", folder / "xa-nha-bich-2026.txt")
    return build_assistant(folder, tmp_path_factory.mktemp("data"))


def _ask(assistant, question: str):
    return assistant.ask(question, today=date(2026, 7, 1))


def test_a_place_with_two_plans_named_by_number(assistant):
    ans = _ask(assistant, "Chương trình 05-CTr/TU: Ban Nội chính Tỉnh ủy kiến nghị sửa đổi những quy định nào?")
    assert ans.kind != "none" and {s.file for s in ans.sources} == {"tinh-uy-binh-minh-05.md"}
    assert "Quy chế quỹ phát triển khoa học" in ans.text


def test_a_place_with_two_plans_named_by_subject(assistant):
    ans = _ask(assistant, "KH kinh tế số Bình Minh: Sở Công Thương làm gì?")
    assert ans.kind != "none" and {s.file for s in ans.sources} == {"binh-minh-88-kh-ubnd.txt"}
    assert "sàn thương mại điện tử" in ans.text


def test_a_plan_without_a_place_named_by_its_issuer_and_number(assistant):
    ans = _ask(assistant, "Theo NQ 12 của Chính phủ, nền tảng dữ liệu số chuyên ngành số 7 do ai chủ trì?")
    assert ans.kind == "owner" and "Bộ Khoa học và Công nghệ" in ans.text
    assert ans.sources[0].file == "chinh-phu-12-nq-cp.txt" and ans.sources[0].plan == "Nghị quyết 12/NQ-CP của Chính phủ"


def test_seed_plan_still_answers_beside_them(assistant):
    ans = _ask(assistant, "Ai chủ trì triển khai Đề án 06 ở xã Nha Bích?")
    assert ans.kind != "none" and "Công an xã" in ans.text and ans.sources[0].plan == "Kế hoạch xã Nha Bích"


def test_default_plan_command_with_two_plans_of_one_place():
    from answers.types import PlanInfo
    from bot.chat import choose_plans
    plans = [PlanInfo("binh-minh-88", "Kế hoạch 88/KH-UBND tỉnh Bình Minh", "Bình Minh", "a.txt"),
             PlanInfo("tinh-uy-05", "Chương trình hành động 05-CTr/TU của Tỉnh ủy Bình Minh", "Bình Minh", "b.md"),
             PlanInfo("chinh-phu-12", "Nghị quyết 12/NQ-CP của Chính phủ", "", "c.txt")]
    assert [p.slug for p in choose_plans(plans, "binh minh")] == ["binh-minh-88", "tinh-uy-05"]
    assert [p.slug for p in choose_plans(plans, "05-ctr")] == ["tinh-uy-05"]
    assert [p.slug for p in choose_plans(plans, "chinh phu")] == ["chinh-phu-12"]


def test_target_table_group_rows_merged_into_one_cell_and_parts():
    from corpus.tables import parse_table
    lines = ("TT\tChỉ tiêu\tChủ trì", "I. Kinh tế số\t\t", "1\tKinh tế số chiếm 45% GRDP\tSở Tài chính",
             "B. CHỈ TIÊU XÃ HỘI\t\t", "II. Xã hội số\t\t", "1\tTỷ lệ dân số có chữ ký số đạt 80%\tCông an tỉnh")
    kind, _, rows, warnings = parse_table(lines, 0, len(lines) - 1)
    assert kind == "targets" and not warnings
    assert [(r.group, r.part) for r in rows] == [("I. Kinh tế số", ""), ("II. Xã hội số", "B. CHỈ TIÊU XÃ HỘI")]


def test_indicator_appendix_with_a_column_per_year(tmp_path):
    text = "\n".join(["ỦY BAN NHÂN DÂN", "TỈNH BÌNH MINH", "Số: 90/KH-UBND", "KẾ HOẠCH",
                      "Chuyển đổi số trên địa bàn tỉnh Bình Minh", "PHỤ LỤC",
                      "STT\tChỉ tiêu\t2025\t2030\t2045\tCơ quan theo dõi",
                      "1\tTỷ lệ dịch vụ công trực tuyến toàn trình\t50%\t80%\t100%\tVăn phòng UBND tỉnh",
                      "2\tKinh tế số trong GRDP\t-\t30%\t50%\tSở Tài chính"]) + "\n"
    path = tmp_path / "chi-tieu.txt"
    path.write_text(text, encoding="utf-8")
    targets = parse_plan_file(path).targets
    assert [(t.code, t.year, t.value_text) for t in targets] == [
        ("1", 2025, "50%"), ("1", 2030, "80%"), ("1", 2045, "100%"), ("2", 2030, "30%"), ("2", 2045, "50%")]
    assert targets[0].lead == ("Văn phòng UBND tỉnh",)


def test_subject_names_every_plan_that_has_it():
    from answers.plan_refs import PlanRef, by_subject
    refs = [PlanRef("a", "Bình Minh", "tỉnh", subject="Phát triển kinh tế số và xã hội số giai đoạn 2026 - 2030"),
            PlanRef("b", "Hòa Bình", "tỉnh", subject="Phát triển kinh tế số, xã hội số tỉnh Hòa Bình"),
            PlanRef("c", "Bình Minh", "tỉnh", subject="Chuyển đổi số kết cấu hạ tầng giao thông")]
    ask = "Kế hoạch kinh tế số của tỉnh đặt chỉ tiêu gì?"
    assert by_subject(refs, ["a", "b", "c"], ask, "ke hoach kinh te so cua tinh dat chi tieu gi?") == ["a", "b"]
    # without "kế hoạch …" a subject must be said at length to name the plan
    short = "Chỉ tiêu kinh tế số là bao nhiêu?"
    assert by_subject(refs, ["a", "c"], short, "chi tieu kinh te so la bao nhieu?") == ["a", "c"]
