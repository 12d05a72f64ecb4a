"""Parsing the five seed plans: counts and spot checks taken by reading the files (line numbers cited)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from corpus.parse import parse_plan_file
from corpus.units import same_unit

PLANS = Path(__file__).resolve().parent.parent / "corpus" / "plans"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@lru_cache(maxsize=None)
def plan(name: str):
    return parse_plan_file(PLANS / name)


def task(p, code):
    found = [t for t in p.tasks if t.code == code]
    assert found, f"no task {code}; have {[t.code for t in p.tasks]}"
    return found[0]


def target(p, line):
    found = [t for t in p.targets if t.first_line == line]
    assert found, f"no target at line {line}"
    return found[0]


NB, DN, HG, PA, XP = ("xa-nha-bich-2026.txt", "tinh-dong-nai-2026.txt", "phuong-hang-gon-2026.txt",
                      "xa-phuoc-an-2026.txt", "xa-xuan-phu.txt")


@pytest.mark.parametrize("name,locality,level,signer", [
    (NB, "Nha Bích", "xã", "Nguyễn Thị Minh Tiên"), (DN, "Đồng Nai", "tỉnh", "Vũ Hồng Văn"),
    (HG, "Hàng Gòn", "phường", "Phạm Văn Châu"), (XP, "Xuân Phú", "xã", "Nguyễn Văn Linh"),
    (PA, "Phước An", "xã", "Huỳnh Minh Đức")])
def test_plan_metadata_and_passages(name, locality, level, signer):
    p = plan(name)
    assert (p.plan.locality, p.plan.level, p.plan.signer) == (locality, level, signer)
    assert len(p.passages) > 20          # every plan gets passages
    assert p.sections


def test_nha_bich_appendix_counts():
    p = plan(NB)
    # Phụ lục I (lines 184-227) lists 32 targets: 2 + 5 + 4 + 21; Phụ lục II (229-265) 15 tasks.
    assert len([t for t in p.targets if "PHỤ LỤC I" in t.section and "PHỤ LỤC II" not in t.section]) == 32
    assert len(p.tasks) == 15
    assert [t.code for t in p.tasks][:3] == ["I.1", "I.2", "I.3"]


def test_nha_bich_spot_checks():
    p = plan(NB)
    vneid = target(p, 220)                       # line 220: VNeID ≥ 80%, Công an xã
    assert vneid.lead == ("Công an xã",) and vneid.value_text == "≥ 80%" and vneid.year == 2026
    adult = target(p, 198)                       # a cell naming four units
    assert adult.lead == ("Trạm y tế", "Các nhà trường", "Phòng VH-XH", "Phòng Kinh tế")
    bank = target(p, 225)                        # LaTeX $\geq 95\%$
    assert bank.value_text == "≥ 95%" and bank.value_op == ">=" and bank.value_low == 95
    d06 = task(p, "IV.4")                        # line 257
    assert d06.lead == ("Công an xã",) and d06.cooperating == ("Cơ quan, đơn vị",)
    assert (d06.deadline.text, d06.deadline.kind, d06.deadline.start, d06.deadline.end) == (
        "Quý I/2026", "quarter", "2026-01-01", "2026-03-31")
    # lines 246-249: a row split by a page break; line 249 continues cells 1 and 2 after the repeated header
    split = task(p, "III.2")
    assert split.task.endswith("tỉnh tổ chức") and split.subtask.endswith("sang môi trường số")
    assert (split.first_line, split.last_line) == (246, 249)
    plan_task = task(p, "I.2")
    assert plan_task.deadline.text == "Trước tháng 2/2026" and plan_task.deadline.end == "2026-01-31"
    assert task(p, "IV.1").deadline.kind == "guidance"
    assert task(p, "VI.1").deadline.text == "Quý II/ 2026" and task(p, "VI.1").deadline.end == "2026-06-30"


def test_nha_bich_duties():
    p = plan(NB)
    vhxh = [d for d in p.duties if same_unit(d.unit, "Phòng VH-XH")]
    assert len(vhxh) == 5                         # lines 103-111
    report = [d for d in vhxh if d.deadline]
    assert report and report[0].deadline.text == "trước ngày 20 hằng tháng" and report[0].first_line == 109
    schools = [d for d in p.duties if d.unit == "Các nhà trường"]
    assert schools and "kỹ năng số" in schools[0].text


def test_hang_gon_targets():
    p = plan(HG)
    assert len(p.targets) == 34                   # 2 + 5 + 2 + 25, a blank line inside the table (55) included
    assert target(p, 86).lead == ("Chi nhánh ngân hàng",) and target(p, 86).value_text == "≥ 95%"
    grdp = target(p, 52)
    assert grdp.value_op == ">" and grdp.value_low == 2 and grdp.lead == ("Phòng Kinh tế, Hạ tầng và Đô thị",)
    assert target(p, 56).lead == ("Các trường học trên địa bàn",)
    assert target(p, 59).lead == ("Phòng Văn hóa-Xã hội",)   # "... căn cứ các văn bản của tỉnh ..." dropped
    office, vhxh = target(p, 77).lead                 # "VP.HĐND và UBND; phòng VHXXH"
    assert same_unit(vhxh, "Phòng Văn hóa – Xã hội") and same_unit(office, "Văn phòng HĐND và UBND")
    assert target(p, 87).value_text == "≥ 95%" and target(p, 87).lead == ("Trạm Y tế phường",)


def test_phuoc_an_targets():
    p = plan(PA)
    assert len(p.targets) == 40                   # the header says "54 chỉ tiêu"; the table holds 40 rows
    orphan = target(p, 70)                        # continued by the orphan row on line 74 after a table split
    assert orphan.text.endswith("trong y tế, giáo dục, bảo hiểm, giao thông") and orphan.last_line == 74
    assert orphan.lead == ("Phòng VHXXH", "trạm Y Tế", "Tổ công nghệ số cộng đồng")
    assert target(p, 102).text.endswith("(LGSP)")
    assert target(p, 108).lead == ("Công an xã",) and target(p, 108).value_text == "≥ 80%"
    economy = target(p, 111)
    assert (economy.value_op, economy.value_low, economy.value_high) == ("range", 15, 17)
    assert target(p, 114).lead == ("Chi nhánh Ngân hàng nhà nước",)


def test_dong_nai_leaf_tasks():
    p = plan(DN)
    codes = [t.code for t in p.tasks]
    assert codes == [
        "I.1", "I.2", *[f"II.{i}" for i in range(1, 12)], "III.1", "III.2.1", "III.2.2", "III.3", "III.4",
        *[f"IV.{i}" for i in range(1, 6)], *[f"V.1.{i}" for i in range(1, 7)], "V.2.1", "V.2.2", "V.3", "V.4",
        "V.5", "V.6", "V.7", "V.7-2", "VI.1", "VI.2", "VI.3", "VII.1", "VII.2"]
    assert all(t.lead and t.deadline.text for t in p.tasks)


def test_dong_nai_spot_checks():
    p = plan(DN)
    t = task(p, "II.1")                           # lines 608-635
    assert t.lead == ("Sở Khoa học và Công nghệ",) and t.cooperating == ("Các cơ quan, đơn vị, địa phương",)
    assert t.deadline.text == "Quý I/2026"
    t = task(p, "II.4")       # lines 772-775: lead, partner and "Quý" merged, "II/2026" apart; cut by a page break
    assert t.lead == ("Sở Khoa học và Công nghệ",) and t.cooperating == ("Sở Tài chính",)
    assert t.deadline.text == "Quý II/2026" and t.task.endswith("trí tuệ nhân tạo được nhận")
    assert t.subtask.endswith("trí tuệ nhân tạo được nhận") and t.last_line == 816
    t = task(p, "II.2")                           # deadline cell continues after the page break (698-699)
    assert t.deadline.text.endswith("theo phân kỳ năm 2026") and t.deadline.kind == "quarter"
    t = task(p, "III.2.2")                        # KPI and lead merged on line 1198
    assert t.lead == ("Sở Tài chính",) and t.kpi == "Thu hút tối thiểu 01 nhà đầu tư lớn"
    t = task(p, "III.4")                          # product+KPI and lead+partner merged (1249-1257)
    assert (t.product, t.lead, t.cooperating) == ("Dự án", ("Công an tỉnh",), ("Sở Khoa học và Công nghệ",))
    t = task(p, "V.6")
    assert t.lead == ("Các sở, ban, ngành",) and t.deadline.end == "2026-03-31"
    t = task(p, "V.7-2")                          # an unnumbered second sub-row (2077-2091)
    assert t.subtask == "Tham mưu triển khai công dân số" and t.deadline.text == "Quý II/2026"
    assert t.lead == ("Công an tỉnh",) and t.cooperating == ("Các sở, ban, ngành",)
    assert task(p, "V.1.6").lead == ("Ủy ban MTTQ tỉnh",)
    assert task(p, "IV.3").subtask.endswith("sang môi trường số")          # continued on 1439-1444
    assert "dựa trên dữ liệu" in task(p, "V.4").subtask                    # continued on 1949-1951
    assert task(p, "II.9").lead == ("Sở Xây dựng", "Sở Khoa học và Công nghệ")


def test_prose_targets():
    dn = plan(DN)
    five_g = target(dn, 40)                       # "(1) Tỷ lệ phủ sóng 5G ... đạt từ 60% dân số trở lên."
    assert "60%" in five_g.value_text and five_g.year == 2026
    assert len(dn.targets) == 54
    ai = target(dn, 85)                           # "(7) Triển khai Ứng dụng AI, IoT …": a target without a figure
    assert ai.code == "1.3.7" and ai.value_text == "" and "AI, IoT" in ai.text
    xp = plan(XP)
    vneid = target(xp, 270)                       # under "1. Đến hết năm 2025"
    assert vneid.value_text == "≥ 80%" and vneid.year == 2025
    assert {t.year for t in xp.targets} == {2025, 2030}


def test_unseen_commune_with_tab_and_pipe_tables():
    p = parse_plan_file(FIXTURES / "xa-tan-lap-2026.md")
    assert (p.plan.locality, p.plan.level, p.plan.signer, p.plan.number) == ("Tân Lập", "xã", "Lê Văn Nam", "12/KH-UBND")
    assert [(t.code, t.value_text, t.lead) for t in p.targets] == [
        ("I.1", "≥ 75%", ("Phòng Văn hóa - Xã hội",)), ("I.2", "≥ 40%", ("Công an xã", "Phòng Kinh tế")),
        ("II.1", "85%", ("Trung tâm PVHCC",))]
    wifi, civil = p.tasks
    assert wifi.lead == ("Phòng VH-XH",) and wifi.deadline.end == "2026-09-30"
    assert civil.subtask.endswith("giấy") and civil.deadline.end == "2026-09-30"   # orphan row after a split
    assert [d.unit for d in p.duties] == ["Phòng Văn hóa - Xã hội", "Công an xã"]


def test_unseen_ward_with_stt_task_table_and_unit_bullets():
    p = parse_plan_file(FIXTURES / "phuong-an-hoa-2026.txt")
    assert (p.plan.locality, p.plan.level, p.plan.signer) == ("An Hòa", "phường", "Trần Thị Bình")
    assert [(t.code, t.lead, t.deadline.end) for t in p.tasks] == [
        ("I.1", ("Công an phường",), "2026-09-30"),
        ("I.2", ("Phòng Kinh tế, Hạ tầng và Đô thị",), "2026-09-30"),
        ("II.1", ("Văn phòng HĐND và UBND phường",), "2026-12-31")]
    assert [(t.value_text, t.lead) for t in p.targets] == [
        ("100%", ("Công an phường",)), ("≥ 10", ("Phòng Văn hóa - Xã hội",))]
    vhxh = [d for d in p.duties if d.unit == "Phòng Văn hóa - Xã hội"]
    assert vhxh and vhxh[0].deadline.text == "trước ngày 22 hằng tháng"


def test_xuan_phu_long_numbered_headings_fill_the_gaps():
    # "2. Tiếp tục triển khai … trên địa bàn xã." (442-448) wraps to a final '.', "5. Đẩy mạnh …" (649-653)
    # runs past 200 characters; both sit between headings 1, 3, 4, 6, 7 of section III.
    xp = plan(XP)
    subs = [s for s in xp.sections if s.path.startswith("III.") and s.path.count(" > ") == 1]
    assert [s.path.split(" > ")[1][:2] for s in subs] == ["1.", "2.", "3.", "4.", "5.", "6.", "7."]
    assert [s.first_line for s in subs] == [341, 442, 549, 602, 649, 766, 807]


_GAP_PLAN = """KẾ HOẠCH
Thực hiện Nghị quyết số 57-NQ/TW trên địa bàn xã Tân Lập

I. NHIỆM VỤ

1. Hạ tầng số

- Phủ sóng 4G toàn xã.

2. Tiếp tục triển khai Đề án 06 về phát triển ứng dụng dữ liệu dân cư,
định danh và xác thực điện tử trên địa bàn xã.

- Làm sạch dữ liệu dân cư.

3. Nhân lực số

- Tập huấn Tổ công nghệ số cộng đồng.

II. CÁC NỘI DUNG KHÁC

1. Trước hết

- Việc một.

2. Rà soát dữ liệu đất đai trên địa bàn xã.

2. Rà soát dữ liệu hộ tịch trên địa bàn xã.

3. Cuối cùng

- Việc hai.
"""


def test_numbered_gap_filled_only_when_one_paragraph_fits(tmp_path):
    f = tmp_path / "xa-tan-lap-2026.txt"
    f.write_text(_GAP_PLAN, encoding="utf-8")
    p = parse_plan_file(f)
    paths = [s.path for s in p.sections]
    assert any(path.startswith("I. NHIỆM VỤ > 2. Tiếp tục triển khai Đề án 06") for path in paths)
    assert "I. NHIỆM VỤ > 3. Nhân lực số" in paths
    # two paragraphs numbered "2." between "1." and "3.": neither is taken for the heading
    assert not any(path.startswith("II. CÁC NỘI DUNG KHÁC > 2.") for path in paths)
    assert "II. CÁC NỘI DUNG KHÁC > 3. Cuối cùng" in paths


@pytest.mark.parametrize("text, value, parsed", [
    ("Phát triển ít nhất 01 - 02 sản phẩm OCOP ứng dụng công nghệ số", "ít nhất 01 - 02", ("range", 1.0, 2.0)),
    ("tổ chức ít nhất 01 lớp đào tạo, tập huấn", "ít nhất 01", (">=", 1.0, None)),
    ("Doanh nghiệp khởi nghiệp sáng tạo: từ 20 doanh nghiệp trở lên", "từ 20 doanh nghiệp trở lên", (">=", 20.0, None)),
])
def test_a_value_in_prose_is_taken_whole(text, value, parsed):
    from corpus.values import parse_value, value_in_prose
    assert value_in_prose(text) == value and parse_value(value) == parsed
