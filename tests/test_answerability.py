"""One answerability verdict (answers.evidence.assess) and lists under a lead-in, on plans the tests write."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from answers import evidence
from answers.service import build_assistant
from tests.plan_fixtures import commune_plan

PLAN = """ỦY BAN NHÂN DÂN XÃ TÂN HÒA

KẾ HOẠCH
Triển khai Nghị quyết số 57-NQ/TW trên địa bàn xã Tân Hòa năm 2026

I. MỤC TIÊU

1. Chỉ tiêu năm 2026

- Tỷ lệ hộ kinh doanh, hợp tác xã ứng dụng thương mại điện tử đạt 40%.

- Tỷ lệ học sinh trung học được học kỹ năng số đạt 90%.

- Phát triển ít nhất 02 sản phẩm OCOP được bán trên sàn thương mại điện tử.

II. TỔ CHỨC THỰC HIỆN

1. Trách nhiệm của người đứng đầu: Yêu cầu Bí thư chi bộ các ấp; Trưởng các ban, ngành xã; Thủ trưởng các đơn vị:

1.1. Trực tiếp chỉ đạo việc chuyển đổi số trong đơn vị mình.

1.2. Gương mẫu sử dụng chữ ký số trong xử lý văn bản.

Đây là nhiệm vụ chính trị quan trọng, gắn với đánh giá thi đua cuối năm.

1.3. Báo cáo kết quả thực hiện trước ngày 15 tháng 12 hằng năm.

2. Văn phòng HĐND và UBND xã

- Theo dõi, tổng hợp kết quả thực hiện, báo cáo UBND xã trước ngày 20 hằng tháng.
"""


def _assistant(tmp_path: Path):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "xa-tan-hoa-2026.txt").write_text(PLAN, encoding="utf-8")
    return build_assistant(plans, tmp_path / "data", embedder=None)


def test_a_lead_in_s_addressees_get_the_duties_it_introduces(tmp_path):
    """Sub-numbered items (1.1, 1.2 …) are the list under "1. …:", an unmarked paragraph between two items
    does not end it, and "X phải làm gì?" about an addressee gets the items, not X's own name."""
    a = _assistant(tmp_path)
    ans = a.ask("Ở Tân Hòa, bí thư chi bộ các ấp phải làm gì?", today=date(2026, 7, 1))
    assert ans.kind != "none"
    assert "Trực tiếp chỉ đạo" in ans.text and "trước ngày 15 tháng 12" in ans.text


def test_content_words_missing_from_the_record_make_it_no_answer(tmp_path):
    """The question names things the plan knows ("học sinh trung học", "kỹ năng số"): the target about
    businesses does not cover them and fails on coverage, saying which words were missing; the target about
    pupils covers them."""
    a = _assistant(tmp_path)
    snap = a.library.snapshot
    q = snap.reader.read("Tân Hòa đặt tỷ lệ học sinh trung học được học kỹ năng số là bao nhiêu?", date(2026, 7, 1))
    wrong = next(r for r in snap.of_kind("target") if "hộ kinh doanh" in r.obj.text)
    right = next(r for r in snap.of_kind("target") if "học sinh" in r.obj.text)
    verdict = evidence.assess(snap, q, wrong)
    assert not verdict.ok and "coverage" in verdict.failed and verdict.score < evidence.COVER_MIN
    assert {"hoc sinh", "trung hoc"} <= set(verdict.missing) and len(verdict.missing) >= evidence.MISSING_MIN
    good = evidence.assess(snap, q, right)
    assert good.ok and not good.missing and good.score == 1.0
    ans = a.ask("Tân Hòa đặt tỷ lệ học sinh trung học được học kỹ năng số là bao nhiêu?", today=date(2026, 7, 1))
    assert ans.kind == "target" and "90%" in ans.text and ans.evidence["ok"]


def test_a_grade_the_target_does_not_state_is_no_answer(tmp_path):
    """"OCOP 4 sao" is not the target about OCOP products on e-commerce platforms."""
    a = _assistant(tmp_path)
    asked = a.ask("Tân Hòa phát triển bao nhiêu sản phẩm OCOP đạt 4 sao?", today=date(2026, 7, 1))
    assert asked.kind == "none"
    plain = a.ask("Tân Hòa phát triển bao nhiêu sản phẩm OCOP bán trên sàn thương mại điện tử?", today=date(2026, 7, 1))
    assert plain.kind == "target" and "02" in plain.text
    assert plain.evidence["ok"] and plain.evidence["score"] >= evidence.COVER_MIN


WORDING_PLAN = """ỦY BAN NHÂN DÂN XÃ TÂN HÒA

KẾ HOẠCH
Triển khai Nghị quyết số 57-NQ/TW trên địa bàn xã Tân Hòa năm 2026

I. MỤC TIÊU

1. Chỉ tiêu năm 2026

- Có ít nhất 05 sáng kiến có địa chỉ tại xã được công nhận.

- Tỷ lệ hộ kinh doanh bán hàng trên sàn thương mại điện tử đạt 40%.

2. Chỉ tiêu đến năm 2030

- Tỷ lệ hộ kinh doanh bán hàng trên sàn thương mại điện tử đạt 75%.

II. TỔ CHỨC THỰC HIỆN

1. Văn phòng HĐND và UBND xã

- Theo dõi, tổng hợp kết quả thực hiện, báo cáo UBND xã trước ngày 20 hằng tháng.
"""


def test_a_fact_cue_the_plan_itself_writes_is_its_wording(tmp_path):
    """"địa chỉ" asks for contact details, unless the plan writes that very phrase: "sáng kiến có địa chỉ tại
    xã" is a target; the office's address is still nowhere in the plan."""
    a = _assistant_of(tmp_path, WORDING_PLAN)
    ans = a.ask("Tân Hòa cần bao nhiêu sáng kiến có địa chỉ tại xã?")
    assert ans.kind == "target" and "05" in ans.text
    ans = a.ask("Cho hỏi địa chỉ trụ sở UBND xã Tân Hòa ở đâu?")
    assert ans.kind == "none"


def test_a_year_alone_re_asks_the_earlier_question(tmp_path):
    """"Còn năm 2030?" after a 2026 figure is the same indicator's 2030 value, another record."""
    a = _assistant_of(tmp_path, WORDING_PLAN)
    first = a.ask("Năm 2026 Tân Hòa muốn bao nhiêu phần trăm hộ kinh doanh bán hàng trên sàn thương mại điện tử?")
    assert "40%" in first.text
    follow = a.ask("Còn năm 2030?", context=first.context)
    assert "75%" in follow.text and "40%" not in follow.text and "Hiểu theo câu trước" in follow.text
    # words that point back to the figure ("sang … thì nâng lên mức nào", "con số tương ứng") are no topic
    for again in ("sang 2030 thì nâng lên mức nào?", "đến 2030 con số tương ứng là bao nhiêu?"):
        follow = a.ask(again, context=first.context)
        assert "75%" in follow.text and "40%" not in follow.text, again


def _assistant_of(tmp_path: Path, text: str):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "xa-tan-hoa-2026.txt").write_text(text, encoding="utf-8")
    return build_assistant(plans, tmp_path / "data", embedder=None)


def test_counting_asked_with_dem_or_rows(tmp_path):
    """"Đếm …" and "mấy dòng" ask for a count like "bao nhiêu chỉ tiêu"; money ("bao nhiêu đồng") does not."""
    a = _assistant(tmp_path)
    for question in ("Đếm giúp mình số chỉ tiêu năm 2026 của xã Tân Hòa", "Tân Hòa ghi mấy dòng chỉ tiêu năm 2026?"):
        ans = a.ask(question, today=date(2026, 7, 1))
        assert ans.kind != "none" and "3 chỉ tiêu" in ans.text, question


MORE_PLAN = """ỦY BAN NHÂN DÂN XÃ TÂN HÒA

KẾ HOẠCH
Triển khai Nghị quyết số 57-NQ/TW trên địa bàn xã Tân Hòa năm 2026

I. MỤC TIÊU

1. Chỉ tiêu năm 2026

- Tỷ lệ doanh nghiệp có hoạt động đổi mới sáng tạo đạt 10%.

- Tỷ lệ hệ thống thông tin có phương án bảo đảm an toàn hệ thống thông tin theo cấp độ đạt 100%.

- Tỷ lệ nhiệm vụ được giám sát trên môi trường điện tử đạt 90%.

- Tỉ lệ cán bộ, công chức được bồi dưỡng kỹ năng số căn bản đạt 100%.

II. TỔ CHỨC THỰC HIỆN

1. Phòng Văn hóa - Xã hội

- Theo dõi, tổng hợp kết quả thực hiện, báo cáo UBND xã trước ngày 20 hằng tháng.

Nơi nhận:
- Hội Nông dân xã;
- Lưu: VT.

CHỦ TỊCH
"""


def test_wording_that_meets_the_target_again_is_no_other_qualifier(tmp_path):
    """One side says a word more before both go on alike; a spelled-out abbreviation whose syllables all stand
    in the target; a percentage asked beside a count."""
    a = _assistant_of(tmp_path, MORE_PLAN)
    for question in ("Tân Hòa muốn bao nhiêu phần trăm doanh nghiệp có làm đổi mới sáng tạo?",
                     "Tân Hòa: tỷ lệ HTTT có phương án ATTT theo cấp độ là bn %?",
                     "Tân Hòa muốn bao nhiêu % doanh nghiệp đổi mới sáng tạo, khoảng bao nhiêu doanh nghiệp?",
                     "Tân Hòa: tỷ lệ nhiệm vụ được giám sát trên môi trường số là bao nhiêu?"):
        ans = a.ask(question)
        assert ans.kind == "target", (question, ans.text)


def test_a_recipient_of_the_plan_is_given_nothing_to_do(tmp_path):
    a = _assistant_of(tmp_path, MORE_PLAN)
    assert a.ask("Hội Nông dân xã Tân Hòa phải làm gì theo kế hoạch?").kind == "none"
    snap = a.library.snapshot
    listed = [r for r in snap.of_kind("passage") if "Hội Nông dân" in r.obj.text]
    q = snap.reader.read("Hội Nông dân xã Tân Hòa phải làm gì?", date(2026, 7, 1))
    assert listed and all("recipient" in evidence.assess(snap, q, r).failed for r in listed)
    assert a.ask("Phòng Văn hóa - Xã hội xã Tân Hòa phải làm gì?").kind != "none"


@pytest.mark.parametrize("question, foreign, asks, meta", [
    ("Tân Hòa kỳ vọng bao nhiêu doanh nghiệp đổi mới sáng tạo?", set(), {"value"}, set()),
    ("Ai đang làm trưởng phòng văn hóa ở Tân Hòa, tên đầy đủ?", {"person"}, None, None),
    ("Tân Hòa đã đạt chỉ tiêu doanh nghiệp đổi mới sáng tạo hay chưa?", {"achieved"}, None, None),
    ("ngan sach xa tan hoa cho ke hoach nay het bao nhieu ty", {"money"}, None, None),
    ("Phòng Văn hóa - Xã hội xã Tân Hòa được phân công phần nào?", set(), {"duties"}, None),
    # "tổng hợp báo cáo" holds "họp báo" across two words: a report's deadline, not an event's date
    ("Phòng Văn hóa Tân Hòa tổng hợp báo cáo tháng nộp lên xã hạn ngày mấy?", set(), {"deadline"}, None),
    ("Phòng Văn hóa Tân Hòa tổng hợp bc tháng nộp lên xã hạn ngày mấy?", set(), {"deadline"}, None),
    ("Họp báo công bố kế hoạch của Tân Hòa diễn ra ngày nào?", {"calendar"}, None, None),
    # "tiến sĩ" typed without marks is no "tiền"; "tham gia các" holds no "giá cả"
    ("tan hoa dat bao nhieu tien si lam nghien cuu", set(), {"value"}, None),
    ("Tân Hòa hỗ trợ bao nhiêu hộ tham gia các cuộc thi đổi mới sáng tạo?", set(), {"value"}, None),
    # how far a numbered part runs is a count; "định danh số … bao nhiêu" is not
    ("Phần III trong bảng chỉ tiêu của Tân Hòa đánh số tới mấy?", set(), {"count"}, None),
    ("bang chi tieu tan hoa phan II keo dai toi so thu tu may", set(), {"count"}, None),
    ("Các đơn vị ở Tân Hòa nộp báo cáo tháng chậm nhất là hôm nào?", set(), {"deadline"}, None),
    ("Tân Hòa gửi kế hoạch tới những nơi nào?", set(), None, {"recipients"}),
    # why the typist asks, closing the question, asks nothing: no money asked for "hồ sơ dự toán"
    ("tan hoa muon bao nhieu % doanh nghiep doi moi sang tao, em dang lam ho so du toan", set(), {"value"}, None),
    ("Phòng Văn hóa - Xã hội xã Tân Hòa, cần làm gì?", set(), {"duties"}, None),
])
def test_general_cues_for_what_is_asked(tmp_path, question, foreign, asks, meta):
    snap = _assistant_of(tmp_path, MORE_PLAN).library.snapshot
    q = snap.reader.read(question, date(2026, 7, 1))
    assert foreign <= set(q.foreign) and (foreign or not q.foreign)
    if asks is not None:
        assert asks <= set(q.asks)
    if meta is not None:
        assert set(q.meta) == meta


def test_one_figure_asked_for_two_years_gets_both(tmp_path):
    a = _assistant_of(tmp_path, WORDING_PLAN)
    ans = a.ask("tân hòa hộ kinh doanh bán hàng trên sàn thương mại điện tử: năm 2026 bn %, 2030 bn %")
    assert ans.kind == "target" and "40%" in ans.text and "75%" in ans.text
    assert len({s.lines[0] for s in ans.sources}) == 2


def test_an_age_group_asked_that_the_target_does_not_name(tmp_path):
    snap = _assistant_of(tmp_path, WORDING_PLAN).library.snapshot
    target = next(r for r in snap.of_kind("target") if "40%" in r.obj.value_text)
    aged = snap.reader.read("Tân Hòa: hộ kinh doanh của người trên 60 tuổi bán hàng trên sàn thương mại điện tử "
                            "bao nhiêu %?", date(2026, 7, 1))
    plain = snap.reader.read("Tân Hòa: hộ kinh doanh bán hàng trên sàn thương mại điện tử bao nhiêu %?", date(2026, 7, 1))
    assert evidence.qualifier_clash(snap, aged, target) and not evidence.qualifier_clash(snap, plain, target)


def test_a_toneless_question_reads_the_targets_form_words_by_their_marks(tmp_path):
    """Folded, "cán bộ" reads as the form word "cần": the target's own marks decide, so "giáo viên" clashes."""
    snap = _assistant_of(tmp_path, MORE_PLAN).library.snapshot
    target = next(r for r in snap.of_kind("target") if "cán bộ" in r.obj.text)
    other = snap.reader.read("tan hoa ti le giao vien duoc boi duong ky nang so dat bn %", date(2026, 7, 1))
    same = snap.reader.read("tan hoa ti le can bo cong chuc duoc boi duong ky nang so dat bn %", date(2026, 7, 1))
    assert evidence.qualifier_clash(snap, other, target) and not evidence.qualifier_clash(snap, same, target)


@pytest.mark.parametrize("question, place", [
    ("Ke hoach cua tinh Binh Son giao ai chu tri chuyen doi so?", "tinh Binh Son"),
    ("ke hoach so hoa cua xa long my giao ai chu tri", "xa long my"),
    ("Kế hoạch của xã Tân Mỹ giao ai chủ trì chuyển đổi số?", "xã Tân Mỹ"),
])
def test_a_place_no_plan_has_is_named_with_or_without_marks(tmp_path, question, place):
    ans = _assistant(tmp_path).ask(question, today=date(2026, 7, 1))
    assert ans.kind == "none" and f"chưa có kế hoạch của {place}" in ans.text


@pytest.mark.parametrize("question", [
    "cac xa dat chi tieu thuong mai dien tu bao nhieu",      # "các xã đạt chỉ tiêu": a plural, then a compound
    "ty le ho kinh doanh, hop tac xa ung dung thuong mai dien tu la bao nhieu",   # "xã" inside "hợp tác xã"
    "o xa minh ty le hoc sinh hoc ky nang so la bao nhieu",    # "xã mình"
    "chi tieu thuong mai dien tu cua xa la bao nhieu",         # a function word after the level word
])
def test_level_words_typed_without_marks_in_ordinary_wording_name_no_place(tmp_path, question):
    ans = _assistant(tmp_path).ask(question, today=date(2026, 7, 1))
    assert "chưa có kế hoạch của" not in ans.text


TASKS = PLAN.replace("II. TỔ CHỨC THỰC HIỆN", """II. NHIỆM VỤ

| STT | Nhiệm vụ | Chủ trì | Thời hạn |
|---|---|---|---|
| 1 | Tiếp tục triển khai Đề án 06, làm sạch dữ liệu dân cư trên địa bàn xã | Công an xã | Quý III/2026 |
| 2 | Số hóa hồ sơ lưu trữ của UBND xã | Văn phòng HĐND và UBND xã | Quý IV/2026 |

III. TỔ CHỨC THỰC HIỆN""")


@pytest.mark.parametrize("question, fact", [
    # "ĐA 06" is a name, not a grade; "CA xã" names the unit by its initials, not what is asked
    ("ĐA 06 dữ liệu dân cư ở Tân Hòa: CA xã làm, hạn chót khi nào", "Quý III/2026"),
    ("Tân Hòa: hộ kinh doanh ứng dụng thương mại điện tử, target bao nhiêu vậy", "40%"),
])
def test_chat_wording_reaches_the_row_it_means(tmp_path, question, fact):
    ans = _assistant_of(tmp_path, TASKS).ask(question, today=date(2026, 7, 1))
    assert ans.kind != "none" and fact in ans.text, (question, ans.text)


def test_chat_words_are_read_as_what_they_stand_for(tmp_path):
    a = _assistant_of(tmp_path, TASKS + "\n- Áp dụng cơ chế hỗ trợ doanh nghiệp nhỏ và vừa.\n")
    snap = a.library.snapshot
    q = snap.reader.read("Tân Hòa: hộ kinh doanh áp dụng thương mại điện tử, target bao nhiêu vậy", date(2026, 7, 1),
                         None, 0)
    assert q.counted is None                    # "bao nhiêu vậy": a particle, not a thing counted
    assert "target" not in q.topic              # English "target" is read as "chỉ tiêu"
    target = next(r for r in snap.all_records if r.kind == "target" and "thương mại" in r.obj.text)
    share, met, missing = evidence.coverage(snap, q, target)
    # everyday "áp dụng" is met by the plan's "ứng dụng" in the row
    assert "ap dung" in met and "ap dung" not in missing
    toneless = snap.reader.read("tan hoa ho kinh doanh xai thuong mai dien tu dat bn %", date(2026, 7, 1), None, 0)
    assert "xai" not in toneless.topic          # "xài" = "sử dụng", one reading though typed without its mark


def test_a_rarely_stated_fact_a_plan_does_state_is_answered(tmp_path):
    text = PLAN + "\n- Sử dụng Hệ thống theo dõi tiendo.tanhoa.gov.vn để cập nhật, cảnh báo tiến độ thực hiện.\n"
    a = _assistant_of(tmp_path, text)
    ans = a.ask("Tân Hòa theo dõi tiến độ trên website nào?", today=date(2026, 7, 1))
    assert ans.kind != "none" and "tiendo.tanhoa.gov.vn" in ans.text
    # the plan gives no phone number: still "không có", with the nearest content
    assert a.ask("Số điện thoại của UBND xã Tân Hòa là gì?", today=date(2026, 7, 1)).kind == "none"


def test_a_figure_asked_beside_the_owner_gets_the_tasks_kpi(tmp_path):
    text = PLAN.replace("II. TỔ CHỨC THỰC HIỆN", """II. NHIỆM VỤ

| STT | Nhiệm vụ | KPI đo lường | Chủ trì | Thời hạn |
|---|---|---|---|---|
| 1 | Tập huấn an toàn thông tin cho công chức | 100% công chức được tập huấn | Công an xã | Năm 2026 |

III. TỔ CHỨC THỰC HIỆN""")
    a = _assistant_of(tmp_path, text)
    ans = a.ask("Tập huấn an toàn thông tin ở Tân Hòa ai chủ trì, đạt bao nhiêu %?", today=date(2026, 7, 1))
    assert "Công an xã" in ans.text and "100% công chức" in ans.text
    # the owner alone asked: no KPI added
    assert "100%" not in a.ask("Tập huấn an toàn thông tin ở Tân Hòa ai chủ trì?", today=date(2026, 7, 1)).text


def test_an_abbreviation_spelled_out_weighs_as_one_word(tmp_path):
    text = PLAN.replace("II. TỔ CHỨC THỰC HIỆN", """- Thu hút doanh nghiệp có vốn đầu tư nước ngoài (FDI) tham gia hệ sinh thái nghiên cứu.

- Tỷ lệ doanh nghiệp ứng dụng trí tuệ nhân tạo đạt 20%.

II. TỔ CHỨC THỰC HIỆN""")
    a = _assistant_of(tmp_path, text)
    snap = a.library.snapshot
    q = snap.reader.read("Tỷ lệ doanh nghiệp FDI ở Tân Hòa ứng dụng trí tuệ nhân tạo là bao nhiêu?", date(2026, 7, 1),
                         None, 0)
    assert len(q.spelled) == 1 and "von_dau" in q.spelled[0]
    fdi = next(r for r in snap.all_records if "FDI" in evidence.record_text(r))
    share, met, missing = evidence.coverage(snap, q, fdi)
    # "FDI" met counts once, against the AI words missing: not the answer
    assert sum(w in ("von dau", "dau tu", "nuoc ngoai") for w in met) <= 1 and share < evidence.COVER_MIN
    # a deadline asked: "mốc thời gian" asks, it is no topic
    d = snap.reader.read("Mốc thời gian ứng dụng trí tuệ nhân tạo ở Tân Hòa là khi nào?", date(2026, 7, 1), None, 0)
    assert "thoi_gian" not in d.content


@pytest.mark.parametrize("question", ["Tân Hòa có chỉ tiêu phủ wifi miễn phí ở nơi công cộng không?",
                                      "tan hoa dat bao nhieu % ho kinh doanh ban hang qua livestream",
                                      # a level of government the plan never writes
                                      "Tỷ lệ học sinh cấp huyện được học kỹ năng số ở Tân Hòa là bao nhiêu?"])
def test_a_word_of_another_language_no_plan_writes_is_not_covered(tmp_path, question):
    a = _assistant_of(tmp_path, PLAN)
    snap = a.library.snapshot
    assert snap.reader.read(question, date(2026, 7, 1)).foreign_words
    assert a.ask(question, today=date(2026, 7, 1)).kind == "none"
    # words the reader knows stay: an everyday phrase ("online"), a contact's medium, chat English ("lead")
    for known in ("Tân Hòa bán hàng online đạt bao nhiêu?", "Tân Hòa theo dõi trên website nào?",
                  "ai lead việc thương mại điện tử ở Tân Hòa",
                  # a key pressed twice in a word the plan does not write is a slip, not another language
                  "tan hoa ky vongg bao nhieu % ho kinh doanh dung thuong mai dien tu"):
        assert not snap.reader.read(known, date(2026, 7, 1)).foreign_words, known


def test_words_of_the_records_section_count_for_the_rest_of_the_question(tmp_path):
    """With a unit named, the rest of the question may name the record's section ("… về nền tảng số" under
    "Triển khai nền tảng số dùng chung"): the record's context, not another topic."""
    text = PLAN.replace("II. TỔ CHỨC THỰC HIỆN", """II. TRIỂN KHAI NỀN TẢNG SỐ DÙNG CHUNG

1. Trạm Y tế xã

- Hỗ trợ người dân cài đặt và sử dụng sổ sức khỏe điện tử.

III. TỔ CHỨC THỰC HIỆN""")
    snap = _assistant_of(tmp_path, text).library.snapshot
    q = snap.reader.read("Trạm Y tế xã Tân Hòa làm gì để triển khai nền tảng số dùng chung?", date(2026, 7, 1))
    duty = next(r for r in snap.all_records if "sổ sức khỏe" in evidence.record_text(r))
    assert evidence.covers_rest(snap, q, duty)


def test_a_year_the_plan_never_writes_has_no_figure(tmp_path):
    """"… năm 2029 là bao nhiêu?" of a plan that writes 2026 only: a figure with no year of its own is not
    that year's."""
    text = """ỦY BAN NHÂN DÂN XÃ TÂN HÒA

KẾ HOẠCH
Triển khai Nghị quyết số 57-NQ/TW trên địa bàn xã Tân Hòa

I. MỤC TIÊU

- Phấn đấu tỷ lệ hộ kinh doanh ứng dụng thương mại điện tử đạt 40%.

II. NHIỆM VỤ NĂM 2026

- Tổ chức tập huấn kỹ năng số cho người dân.
"""
    a = _assistant_of(tmp_path, text)
    assert a.ask("Năm 2029 Tân Hòa muốn bao nhiêu phần trăm hộ kinh doanh ứng dụng thương mại điện tử?",
                 today=date(2026, 7, 1)).kind == "none"
    assert "40%" in a.ask("Tân Hòa muốn bao nhiêu phần trăm hộ kinh doanh ứng dụng thương mại điện tử?",
                          today=date(2026, 7, 1)).text


def test_words_a_chat_shorthand_stood_for_are_no_topic(tmp_path):
    """"ktra giúp em: …" asks for help checking; "kiểm tra" is the typist's idiom, not a word the row must hold.
    "yêu cầu bao nhiêu phần trăm" asks for the figure, like "đặt ra"."""
    snap = _assistant(tmp_path).library.snapshot
    q = snap.reader.read("ktra giup em: ty le hoc sinh trung hoc duoc hoc ky nang so o Tan Hoa", date(2026, 7, 1))
    assert "kiem_tra" not in q.content and "hoc_sinh" in q.content
    q = snap.reader.read("Tân Hòa yêu cầu bao nhiêu phần trăm học sinh học kỹ năng số?", date(2026, 7, 1))
    assert "yeu_cau" not in q.content


def test_a_follow_up_naming_a_plan_and_only_words_of_the_earlier_question(tmp_path):
    """"Tân Hòa cần bao nhiêu bài báo khoa học?" then "xã Bình An thì cần mấy bài?": "bài" is the earlier
    question's word, so the earlier question is asked of Bình An."""
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "xa-tan-hoa-2026.txt").write_text(PLAN.replace(
        "- Phát triển ít nhất 02 sản phẩm OCOP", "- Công bố ít nhất 03 bài báo khoa học ứng dụng.\n\n"
        "- Phát triển ít nhất 02 sản phẩm OCOP"), encoding="utf-8")
    (plans / "xa-binh-an-2026.txt").write_text(PLAN.replace("TÂN HÒA", "BÌNH AN").replace("Tân Hòa", "Bình An").replace(
        "- Phát triển ít nhất 02 sản phẩm OCOP", "- Công bố ít nhất 05 bài báo khoa học ứng dụng.\n\n"
        "- Phát triển ít nhất 02 sản phẩm OCOP"), encoding="utf-8")
    a = build_assistant(plans, tmp_path / "data", embedder=None)
    first = a.ask("Tân Hòa cần công bố bao nhiêu bài báo khoa học ứng dụng?", today=date(2026, 7, 1))
    assert "03" in first.text
    follow = a.ask("xã Bình An thì cần mấy bài?", context=first.context, today=date(2026, 7, 1))
    assert "05" in follow.text and "Bình An" in follow.text, follow.text


def test_a_paragraphs_figure_answers_only_for_the_thing_it_counts(tmp_path):
    """"mở rộng cáp quang đến 100% ấp" answers "đến bao nhiêu ấp", not "bao nhiêu cây số cáp quang": the counted
    thing stands after the paragraph's figure."""
    text = PLAN.replace("II. TỔ CHỨC THỰC HIỆN", """2. Hạ tầng số

Tận dụng hạ tầng hiện có, mở rộng mạng cáp quang tốc độ cao đến 100% ấp trên địa bàn xã.

II. TỔ CHỨC THỰC HIỆN""")
    a = _assistant_of(tmp_path, text)
    snap = a.library.snapshot
    para = next(r for r in snap.of_kind("passage") if "cáp quang" in r.obj.text)
    for question, counted in (("Tân Hòa kéo cáp quang tốc độ cao tới bao nhiêu ấp?", True),
                              ("Tân Hòa mở rộng cáp quang tốc độ cao thêm bao nhiêu cây số?", False),
                              ("tan hoa mo rong cap quang toc do cao them bao nhieu tram", False)):
        q = snap.reader.read(question, date(2026, 7, 1))
        assert evidence.counts_what_is_asked(snap, q, para) == counted, question
    assert a.ask("Tân Hòa mở rộng cáp quang tốc độ cao thêm bao nhiêu cây số?", today=date(2026, 7, 1)).kind == "none"


@pytest.mark.parametrize("question, unknown", [("Tỷ lệ học sinh THPT ở Tân Hòa được học kỹ năng số là bao nhiêu?", True),
                                               ("Tân Hòa có bao nhiêu sản phẩm OCOP bán trên TMĐT?", False),
                                               ("Tỷ lệ HTX ở Tân Hòa ứng dụng thương mại điện tử?", False)])
def test_an_initialism_no_run_of_the_plans_words_spells_is_not_covered(tmp_path, question, unknown):
    """"THPT": no run of the plan's words has these initials, so the question is about something the plan does
    not cover; "TMĐT" and "HTX" are runs the plan writes ("thương mại điện tử", "hợp tác xã")."""
    a = _assistant_of(tmp_path, PLAN)
    q = a.library.snapshot.reader.read(question, date(2026, 7, 1))
    assert bool(q.foreign_words) == unknown, q.foreign_words
    if unknown:
        assert a.ask(question, today=date(2026, 7, 1)).kind == "none"


def test_a_share_of_the_very_thing_counted_answers_how_many(tmp_path):
    """"100% các trường học" answers "bao nhiêu trường học"; the share of businesses ("Tỷ lệ hộ kinh doanh …
    40%") does not answer "bao nhiêu hộ kinh doanh"."""
    text = PLAN.replace("- Phát triển ít nhất 02 sản phẩm OCOP", "- 100% các trường học ứng dụng học bạ số.\n\n"
                        "- Phát triển ít nhất 02 sản phẩm OCOP")
    snap = _assistant_of(tmp_path, text).library.snapshot
    school = next(r for r in snap.of_kind("target") if "học bạ" in r.obj.text)
    shops = next(r for r in snap.of_kind("target") if "hộ kinh doanh" in r.obj.text)
    q = snap.reader.read("Tân Hòa phấn đấu bao nhiêu trường học ứng dụng học bạ số?", date(2026, 7, 1))
    assert evidence.counts_things(q, school) and evidence.counts_what_is_asked(snap, q, school)
    q = snap.reader.read("Tân Hòa có bao nhiêu hộ kinh doanh ứng dụng thương mại điện tử?", date(2026, 7, 1))
    assert not (evidence.counts_things(q, shops) and evidence.counts_what_is_asked(snap, q, shops))


def test_a_time_expression_is_no_content_a_record_must_hold(tmp_path):
    """"Đến cuối năm nay", "hết năm": when is asked (the window and year checks read it), not what."""
    a = _assistant_of(tmp_path, PLAN)
    question = "Đến cuối năm nay, tỷ lệ học sinh trung học ở Tân Hòa được học kỹ năng số phải đạt bao nhiêu?"
    q = a.library.snapshot.reader.read(question, date(2026, 7, 1))
    assert not {"den_cuoi", "cuoi_nam", "nam_nay"} & set(q.content) and "hoc_sinh" in q.content
    ans = a.ask(question, today=date(2026, 7, 1))
    assert ans.kind == "target" and "90%" in ans.text


def test_a_form_word_after_the_head_is_no_qualifier(tmp_path):
    """"tỷ lệ phấn đấu bao nhiêu": "phấn đấu" says what is asked, it does not qualify whom the rate counts."""
    snap = _assistant_of(tmp_path, PLAN).library.snapshot
    pupils = next(r for r in snap.of_kind("target") if "học sinh" in r.obj.text)
    shops = next(r for r in snap.of_kind("target") if "hộ kinh doanh" in r.obj.text)
    q = snap.reader.read("ứng dụng thương mại điện tử ở Tân Hòa, tỷ lệ phấn đấu bao nhiêu", date(2026, 7, 1))
    assert not evidence.qualifier_clash(snap, q, shops)
    q = snap.reader.read("Tân Hòa: tỷ lệ giáo viên có kỹ năng số bao nhiêu", date(2026, 7, 1))
    assert evidence.qualifier_clash(snap, q, pupils)



def test_a_cited_documents_date_is_no_deadline(tmp_path):
    """"… Nghị quyết số 57-NQ/TW ngày 22/12/2024 …" dates the document cited: a paragraph with no other date holds
    no deadline; "trước mốc nào" asks one."""
    text = PLAN.replace("II. TỔ CHỨC THỰC HIỆN", """2. Triển khai

- Quán triệt Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị đến toàn thể cán bộ, đảng viên.

3. Phối hợp

- Ban hành quy chế phối hợp trước ngày 30/6/2026.

II. TỔ CHỨC THỰC HIỆN""")
    snap = _assistant_of(tmp_path, text).library.snapshot
    q = snap.reader.read("Tân Hòa quán triệt nghị quyết cho cán bộ trước mốc nào?", date(2026, 7, 1))
    assert q.wants("deadline")
    cited = next(r for r in snap.of_kind("passage") if "Quán triệt" in r.obj.text)
    dated = next(r for r in snap.of_kind("passage") if "quy chế phối hợp" in r.obj.text)
    assert not evidence.holds_kind(snap, q, cited) and evidence.holds_kind(snap, q, dated)



def test_a_paragraph_giving_the_year_asked_gains_the_year_bonus(tmp_path):
    """"… đến năm 2030 đạt bao nhiêu?": a paragraph that speaks of 2030 (a cited document's date aside) ranks as
    a target of that year does; a target of another year fails the year check, and the paragraph must not trail
    it by the rank margin."""
    from answers import rank
    from answers.handlers import fact
    from answers.records import years_in
    text = PLAN.replace("II. TỔ CHỨC THỰC HIỆN", """2. Tầm nhìn

Theo Nghị quyết số 57-NQ/TW ngày 22/12/2024, đến năm 2030 kinh tế số trở thành động lực tăng trưởng chính của xã.

II. TỔ CHỨC THỰC HIỆN""")
    snap = _assistant_of(tmp_path, text).library.snapshot

    def score(question):
        q = snap.reader.read(question, date(2026, 7, 1))
        ranked = rank.best(snap, q, list(q.plans), fact.kinds_for(type("Ctx", (), {"q": q})()))
        return next(s for s, r in ranked if r.kind == "passage" and "động lực" in r.obj.text)
    assert years_in("Nghị quyết số 57-NQ/TW ngày 22/12/2024, đến năm 2030") == {2030}
    with_year = score("Tân Hòa: kinh tế số thành động lực tăng trưởng chính vào năm 2030?")
    assert with_year - score("Tân Hòa: kinh tế số thành động lực tăng trưởng chính vào năm 2027?") >= 0.04



def test_the_word_before_gi_is_what_is_asked_not_content(tmp_path):
    """"… để làm việc gì?": the answer is the record's work, which need not say "làm việc"."""
    snap = _assistant_of(tmp_path, PLAN).library.snapshot
    q = snap.reader.read("Văn phòng HĐND và UBND xã Tân Hòa theo dõi tổng hợp để làm việc gì?", date(2026, 7, 1))
    assert "lam_viec" not in q.content and "tong_hop" in q.content


FARM_PLAN = commune_plan(48, """I. MỤC TIÊU

- Tỷ lệ hộ nông dân ứng dụng các tiến bộ kỹ thuật vào trồng trọt hữu cơ đạt 30%.

II. TỔ CHỨC THỰC HIỆN

1. Phòng Kinh tế

Chủ trì theo dõi các chỉ tiêu nông nghiệp.
""")


def test_form_words_between_do_not_hide_where_the_wording_meets_the_target_again(tmp_path):
    """"đưa tiến bộ kỹ thuật vào" meets "ứng dụng [các] tiến bộ kỹ thuật": the form word between is skipped; a
    relative "mà" after the indicator qualifies nothing; another group counted still does."""
    a = _assistant_of(tmp_path, FARM_PLAN)
    for question in ("Tân Hòa muốn bao nhiêu % hộ nông dân đưa tiến bộ kỹ thuật vào trồng trọt?",
                     "Tỷ lệ hộ nông dân ứng dụng tiến bộ kỹ thuật vào trồng trọt mà xã Tân Hòa đặt ra là bao nhiêu?"):
        ans = a.ask(question)
        assert ans.kind == "target" and "30%" in ans.text, (question, ans.text)
    assert a.ask("Tân Hòa: tỷ lệ giáo viên ứng dụng tiến bộ kỹ thuật là bao nhiêu?").kind == "none"


TWO_FIGURES_PLAN = commune_plan(50, """I. MỤC TIÊU

- Có ít nhất 04 hợp tác xã đưa sản phẩm lên sàn thương mại điện tử.

- Tổ chức ít nhất 06 lớp tập huấn kỹ năng số cho người dân.

II. TỔ CHỨC THỰC HIỆN

1. Phòng Kinh tế

Chủ trì theo dõi các chỉ tiêu.
""")


def test_a_second_figure_asked_in_a_clause_of_its_own_is_answered_too(tmp_path):
    """"… bao nhiêu hợp tác xã, còn lớp tập huấn thì mấy lớp?": the first figure and the second, each with its
    line; one figure asked after a place and a comma is one ask."""
    a = _assistant_of(tmp_path, TWO_FIGURES_PLAN)
    ans = a.ask("Tân Hòa muốn bao nhiêu hợp tác xã lên sàn thương mại điện tử, còn lớp tập huấn kỹ năng số thì mấy lớp?")
    assert ans.kind == "target" and "04" in ans.text and "06" in ans.text
    assert {s.lines[0] for s in ans.sources} >= {9, 11}
    one = a.ask("Ở xã Tân Hòa, số lớp tập huấn kỹ năng số là bao nhiêu?")
    assert "06" in one.text and "04" not in one.text


def test_after_two_figures_a_question_of_its_own_about_the_same_plan_is_read_as_it_stands(tmp_path):
    """After "… bao nhiêu hợp tác xã, còn lớp tập huấn thì mấy lớp?", "Ở Tân Hòa, lớp tập huấn … do phòng nào theo
    dõi?" names the plan the chat is about with an ask and words of its own: it is read as it stands, not as the
    earlier two-figure question asked again (whose first figure would be the nearest)."""
    a = _assistant_of(tmp_path, TWO_FIGURES_PLAN)
    first = a.ask("Tân Hòa muốn bao nhiêu hợp tác xã lên sàn thương mại điện tử, còn lớp tập huấn kỹ năng số thì mấy lớp?")
    follow = a.ask("Ở Tân Hòa, lớp tập huấn kỹ năng số cho người dân do phòng nào theo dõi?", context=first.context)
    assert "Hiểu theo câu trước" not in follow.text and follow.sources and follow.sources[0].lines[0] == 11


def test_the_earlier_question_asked_of_another_place_names_that_place(tmp_path):
    """"Phường/xã Tân Hòa … phòng nào chủ trì?" then "thế Bình An?": the earlier question is asked of Bình An with
    Bình An's name in Tân Hòa's stead (its level word too), so neither its words nor its meaning still point at the
    place the chat left."""
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "xa-tan-hoa-2026.txt").write_text(PLAN, encoding="utf-8")
    (plans / "xa-binh-an-2026.txt").write_text(PLAN.replace("TÂN HÒA", "BÌNH AN").replace("Tân Hòa", "Bình An"),
                                               encoding="utf-8")
    a = build_assistant(plans, tmp_path / "data", embedder=None)
    first = a.ask("Hỏi nhanh xã Tân Hòa: sản phẩm OCOP đứng tên phòng nào?", today=date(2026, 7, 1))
    q = a.library.snapshot.reader.read("thế Bình An?", date(2026, 7, 1), first.context)
    assert q.plans == ("xa-binh-an-2026",)
    assert "xã Bình An" in q.text and "Tân Hòa" not in q.text, q.text
    typed = a.ask("hoi nhanh xa Tan Hoa: san pham OCOP dung ten phong nao", today=date(2026, 7, 1))
    q = a.library.snapshot.reader.read("con Binh An thi sao", date(2026, 7, 1), typed.context)
    assert "binh an" in q.text.lower() and "tan hoa" not in q.text.lower(), q.text


def test_a_year_that_was_the_earlier_plans_horizon_is_not_asked_of_the_next(tmp_path):
    """"Đến năm 2025 Bình An đặt bao nhiêu % …?" then "còn Tân Hòa?": Tân Hòa sets its figures for 2026 only, so
    its 2026 figure is given and the answer says that the plan sets none for 2025 (it had answered "không có")."""
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "xa-tan-hoa-2026.txt").write_text(PLAN, encoding="utf-8")
    (plans / "xa-binh-an.txt").write_text(PLAN.replace("TÂN HÒA", "BÌNH AN").replace("Tân Hòa", "Bình An")
                                          .replace(" năm 2026", "").replace("Chỉ tiêu năm 2026", "Đến hết năm 2025")
                                          .replace("đạt 40%", "đạt 25%"), encoding="utf-8")
    a = build_assistant(plans, tmp_path / "data", embedder=None)
    first = a.ask("Đến năm 2025 xã Bình An đặt tỷ lệ hộ kinh doanh ứng dụng thương mại điện tử bao nhiêu?",
                  today=date(2026, 7, 1))
    assert "25%" in first.text, first.text
    follow = a.ask("còn Tân Hòa?", context=first.context, today=date(2026, 7, 1))
    assert follow.kind == "target" and "40%" in follow.text, follow.text
    assert "không đặt chỉ tiêu cho năm 2025" in follow.text, follow.text
    # a year the next plan does set a figure for is still asked of it
    again = a.ask("còn Tân Hòa?", context=a.ask("Năm 2026 xã Bình An đặt tỷ lệ hộ kinh doanh ứng dụng thương mại "
                                                 "điện tử bao nhiêu?", today=date(2026, 7, 1)).context,
                  today=date(2026, 7, 1))
    assert "40%" in again.text and "không đặt chỉ tiêu" not in again.text, again.text
    # a year inside a document's number is no horizon: the number is asked of the next plan whole
    cited = a.ask("Xã Bình An triển khai Nghị quyết 66.7/2025/NQ-CP do ai chủ trì?", today=date(2026, 7, 1))
    q = a.library.snapshot.reader.read("còn Tân Hòa?", date(2026, 7, 1), cited.context)
    assert "66.7/2025/NQ-CP" in q.text, q.text


def test_may_before_a_noun_in_a_question_asking_when(tmp_path):
    """"mấy phòng chuyên môn làm xong … thời điểm nào": chat's "the (several)", not "how many" — a date is asked,
    so no figure is expected; "mấy việc phải xong trước 30/6" still counts and "bao nhiêu … khi nào" still asks a
    figure."""
    snap = _assistant(tmp_path).library.snapshot
    q = snap.reader.read("Tân Hòa: mấy phòng chuyên môn phải làm xong kế hoạch trước thời điểm nào?", date(2026, 7, 1))
    assert "number" not in q.expects and q.wants("deadline")
    q = snap.reader.read("may cai he thong o Tan Hoa han chot ngay nao", date(2026, 7, 1))
    assert "number" not in q.expects
    q = snap.reader.read("Tân Hòa có mấy việc phải xong trước 30/6?", date(2026, 7, 1))
    assert "number" in q.expects or q.wants("count")
    q = snap.reader.read("Tân Hòa phát triển bao nhiêu sản phẩm OCOP, đến khi nào?", date(2026, 7, 1))
    assert "number" in q.expects


def test_payments_to_people_are_facts_plans_do_not_state(tmp_path):
    """"mức thù lao", "phụ cấp hằng tháng", "trợ cấp", "học bổng": money paid to people, which implementation plans
    do not state; "phủ cáp quang" is no "phụ cấp"."""
    snap = _assistant(tmp_path).library.snapshot
    for question in ("Tân Hòa trả thù lao cho thành viên tổ công nghệ số mức bao nhiêu?",
                     "muc phu cap hang thang cho to cong nghe so xa Tan Hoa la bao nhieu",
                     "Tân Hòa có học bổng cho học sinh học kỹ năng số không?"):
        assert "money" in snap.reader.read(question, date(2026, 7, 1)).foreign, question
    assert "money" not in snap.reader.read("Tan Hoa phu cap quang den bao nhieu ap", date(2026, 7, 1)).foreign


def test_ky_so_is_no_reporting_period(tmp_path):
    """"… tiến độ …: mục tiêu ký số … còn mấy ngày?" asks a target's deadline: "ký số" (signing) is no "kỳ" (a
    reporting period); "báo cáo kỳ này nộp hạn ngày nào" still asks a report's date."""
    snap = _assistant(tmp_path).library.snapshot
    q = snap.reader.read("Rà tiến độ ở Tân Hòa: mục tiêu ky so cho nguoi dan phai dat truoc thoi diem nao, con may ngay?",
                         date(2026, 7, 1))
    assert q.report is None
    q = snap.reader.read("Tân Hòa: báo cáo kỳ này nộp hạn ngày nào?", date(2026, 7, 1))
    assert q.report is not None
    q = snap.reader.read("tan hoa so lieu thang gui len xa han ngay may", date(2026, 7, 1))
    assert q.report == "month"          # the month's figures sent up: the monthly report


def test_a_level_named_in_a_follow_up_takes_the_earlier_places_stead(tmp_path):
    """"Ở xã Tân Hòa, tỷ lệ hệ thống thông tin cấp xã chạy trên đám mây …?" then "thế ở tỉnh?": the earlier
    question is asked of the one province plan with the province in the commune's stead, "cấp xã" read "cấp
    tỉnh" (the commune's words had still been searched in the province's plan)."""
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "xa-tan-hoa-2026.txt").write_text(PLAN, encoding="utf-8")
    (plans / "tinh-binh-son-2026.txt").write_text(
        PLAN.replace("ỦY BAN NHÂN DÂN XÃ TÂN HÒA", "ỦY BAN NHÂN DÂN TỈNH BÌNH SƠN").replace("xã Tân Hòa", "tỉnh Bình Sơn"),
        encoding="utf-8")
    a = build_assistant(plans, tmp_path / "data", embedder=None)
    first = a.ask("Ở xã Tân Hòa, tỷ lệ học sinh trung học cấp xã được học kỹ năng số là bao nhiêu?",
                  today=date(2026, 7, 1))
    for follow_up in ("thế ở tỉnh?", "o tinh thi sao?", "ben tinh thi sao"):     # typed without marks too
        q = a.library.snapshot.reader.read(follow_up, date(2026, 7, 1), first.context)
        assert q.plans == ("tinh-binh-son-2026",), follow_up
        assert "tỉnh Bình Sơn" in q.text and "Tân Hòa" not in q.text and "cấp tỉnh" in q.text, q.text


def test_money_asked_as_a_share_or_as_whose_work_is_no_amount(tmp_path):
    """"bao nhiêu tiền ngân sách (tính trên GRDP)" asks a share of GRDP, which plans set, not an amount of money;
    "phòng nào lo bảo đảm kinh phí" asks who."""
    snap = _assistant(tmp_path).library.snapshot
    assert "money" not in snap.reader.read("Tân Hòa dành bao nhiêu tiền ngân sách (tính trên GRDP) cho chuyển đổi số?",
                                           date(2026, 7, 1)).foreign
    assert "money" in snap.reader.read("Tân Hòa dành bao nhiêu tiền ngân sách cho chuyển đổi số?",
                                       date(2026, 7, 1)).foreign
    # who sees to the money is asked, not how much ("để gửi dự toán" is why it is asked)
    assert "money" not in snap.reader.read("Ở Tân Hòa phòng nào lo bảo đảm kinh phí, để tôi gửi dự toán?",
                                           date(2026, 7, 1)).foreign
    assert "money" in snap.reader.read("Ở Tân Hòa dự toán kinh phí năm nay là bao nhiêu?", date(2026, 7, 1)).foreign


def test_dung_ten_asks_the_owner_of_a_row_and_the_signer_of_the_document(tmp_path):
    """"… là ai đứng tên?", "bộ phận nào đứng tên" ask who is named for a row; "kế hoạch … do ai đứng tên" asks who
    signs the document; "đứng tên" itself is no subject a list is filtered by."""
    snap = _assistant(tmp_path).library.snapshot
    q = snap.reader.read("Ở Tân Hòa, việc học sinh học kỹ năng số là ai đứng tên?", date(2026, 7, 1))
    assert q.wants("owner") and "signer" not in q.meta, (q.asks, q.meta)
    q = snap.reader.read("Kế hoạch của xã Tân Hòa do ai đứng tên?", date(2026, 7, 1))
    assert "signer" in q.meta
    q = snap.reader.read("Những việc nào của Tân Hòa hạn quý II, bộ phận nào đứng tên?", date(2026, 7, 1))
    assert q.wants("owner") and not {"dung", "ten", "dung_ten"} & set(q.subject), q.subject


def test_a_meeting_named_beside_a_reports_date_is_its_occasion(tmp_path):
    """"Chuẩn bị họp giao ban …: báo cáo tháng lần tới gửi trước ngày nào?" asks the report's date, not the
    meeting's; "báo cáo 6 tháng đầu năm" is the half-yearly report, not a monthly one."""
    snap = _assistant(tmp_path).library.snapshot
    q = snap.reader.read("Chuẩn bị họp giao ban đầu tháng 7: báo cáo tháng của xã Tân Hòa lần tới gửi trước ngày nào?",
                         date(2026, 6, 25))
    assert q.report == "month" and "calendar" not in q.foreign, (q.report, q.foreign)
    q = snap.reader.read("Hội nghị sơ kết của xã Tân Hòa tổ chức vào ngày nào?", date(2026, 6, 25))
    assert "calendar" in q.foreign
    q = snap.reader.read("bc 6 thang dau nam cua xa Tan Hoa nop truoc ngay nao", date(2026, 4, 10))
    assert q.report == "half", q.report


def test_the_paragraph_of_a_target_set_for_another_year_does_not_answer_for_it(tmp_path):
    """"… sản phẩm OCOP … phải có đến 2030" (no figure word): the 2026 target fails the year check, and the
    paragraph holding the same line says the same thing, so it does not answer in its stead."""
    a = _assistant(tmp_path)
    snap = a.library.snapshot
    assert any(r.kind == "passage" and "sản phẩm OCOP" in r.obj.text for r in snap.of_kind("passage"))
    ans = a.ask("Tân Hòa sản phẩm OCOP bán trên sàn thương mại điện tử phải có đến 2030", today=date(2026, 7, 1))
    assert ans.kind == "none", ans.text
    ans = a.ask("Tân Hòa sản phẩm OCOP bán trên sàn thương mại điện tử phải có trong năm 2026", today=date(2026, 7, 1))
    assert ans.kind != "none" and "02" in ans.text, ans.text


def test_folded_words_read_with_their_tone_marks(tmp_path):
    """Typed with tone marks, "máy bay" (a plane) asks no figure ("mấy"), and "còn dư bao nhiêu ngày" (days left)
    is no "dự báo" (a forecast, off topic); typed without them, "may" and "du bao" keep both readings."""
    snap = _assistant(tmp_path).library.snapshot
    q = snap.reader.read("Tân Hòa giao đơn vị nào lo máy bay không người lái?", date(2026, 3, 2))
    assert "number" not in q.expects, q.expects
    assert "number" in snap.reader.read("Tân Hòa có mấy sản phẩm OCOP?", date(2026, 3, 2)).expects
    assert "number" in snap.reader.read("tan hoa co may san pham OCOP", date(2026, 3, 2)).expects
    q = snap.reader.read("Tân Hòa bán sản phẩm OCOP trên sàn hạn chót ra sao, còn dư bao nhiêu ngày?", date(2026, 3, 2))
    assert not q.offtopic and q.remaining
    assert snap.reader.read("Dự báo thời tiết ở Tân Hòa ngày mai?", date(2026, 3, 2)).offtopic


def test_form_words_around_a_subject_are_not_the_subject(tmp_path):
    """"đưa ra tất cả mấy chỉ tiêu thuộc nhóm …": "đưa ra", "tất cả", "thuộc" and the word pairs they make with
    their neighbours ("ra tất", "cả mấy") say how it is asked; the subject is what the group is about."""
    snap = _assistant(tmp_path).library.snapshot
    q = snap.reader.read("Tân Hòa đưa ra tất cả mấy chỉ tiêu thuộc nhóm hạ tầng số?", date(2026, 7, 1))
    assert {"ha", "tang", "ha_tang"} <= set(q.subject), q.subject
    assert not {"dua", "dua_ra", "ra_tat", "tat", "ca", "ca_may", "thuoc"} & set(q.subject), q.subject


def test_qua_before_a_unit_is_via_not_last_year(tmp_path):
    """"báo cáo nửa năm qua phòng nào" sends a report via an office; "năm qua" before a unit is no comparison
    with last year, as it is in "so với năm qua tăng bao nhiêu"."""
    snap = _assistant(tmp_path).library.snapshot
    assert "compare" not in snap.reader.read("Tân Hòa gửi báo cáo nửa năm qua phòng nào?", date(2026, 7, 1)).foreign
    assert "compare" in snap.reader.read("Tỷ lệ hồ sơ trực tuyến của Tân Hòa năm qua là bao nhiêu?",
                                         date(2026, 7, 1)).foreign


@pytest.mark.parametrize("question, counted", [
    ("Tân Hòa: tỷ lệ hồ sơ trực tuyến phải đạt bao nhiêu vào cuối năm 2026?", None),
    ("Tân Hòa cần bao nhiêu đến năm 2030 cho hồ sơ trực tuyến?", None),
    ("Tân Hòa mở bao nhiêu lớp tập huấn?", "lop"),
])
def test_a_preposition_after_bao_nhieu_counts_nothing(tmp_path, question, counted):
    """"phải đạt bao nhiêu vào cuối năm": "vào" is no thing counted (the percentage answers); "bao nhiêu lớp" is."""
    snap = _assistant(tmp_path).library.snapshot
    assert snap.reader.read(question, date(2026, 7, 1)).counted == counted


def test_a_number_of_parties_asked_is_a_list_not_an_owner(tmp_path):
    """"liên kết 3 nhà … là ba bên nào?" asks the parties a text names; "bên nào chủ trì?" asks the owner."""
    snap = _assistant(tmp_path).library.snapshot
    assert not snap.reader.read("Tân Hòa liên kết 3 nhà gồm Nhà nước và hai bên nào?", date(2026, 7, 1)).wants("owner")
    assert not snap.reader.read("mô hình 3 nhà của Tân Hòa là ba bên nào?", date(2026, 7, 1)).wants("owner")
    assert snap.reader.read("Tân Hòa giao bên nào chủ trì số hóa hồ sơ?", date(2026, 7, 1)).wants("owner")


def test_who_asks_in_a_lead_in_is_no_unit_asked_about(tmp_path):
    """"Trạm y tế hỏi: Tân Hòa đặt mức bao nhiêu …, phòng nào theo dõi?" names who asks, not the unit the
    answer must hold; without the lead-in the unit is read."""
    snap = _assistant(tmp_path).library.snapshot
    q = snap.reader.read("Văn phòng HĐND và UBND xã hỏi: Tân Hòa đặt mức bao nhiêu học sinh học kỹ năng số?",
                         date(2026, 7, 1))
    assert not q.units, q.units
    q = snap.reader.read("Văn phòng HĐND và UBND xã Tân Hòa đặt mức bao nhiêu học sinh học kỹ năng số?",
                         date(2026, 7, 1))
    assert q.units, q.units
