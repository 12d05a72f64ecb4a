"""One indicator across plans (issue 23): value bounds, matching targets across plans, and comparison answers,
on a province and two communes written here (invented places and figures)."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from answers import indicators as ind
from answers.service import build_assistant
from corpus.records import Target
from corpus.values import parse_value

HEAD = """ỦY BAN NHÂN DÂN
{LEVEL} {PLACE}

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: {NUMBER}/KH-UBND

{Place}, ngày 10 tháng 02 năm 2026

KẾ HOẠCH

Triển khai Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị trên địa bàn {level} {Place} năm 2026

I. MỤC ĐÍCH, YÊU CẦU

- Tổ chức triển khai thực hiện nghiêm túc, hiệu quả nhiệm vụ phát triển khoa học, công nghệ và chuyển đổi số.

II. MỤC TIÊU

| STT | Nội dung chỉ tiêu phấn đấu đạt được đến cuối năm 2026 | Đơn vị tính/đo lường | Kết quả | Đơn vị chủ trì theo dõi, đánh giá |
|-----|--|--|--|--|
| I | Về phát triển chuyển đổi số | | | |
"""
TAIL = """
III. TỔ CHỨC THỰC HIỆN

1. Văn phòng UBND

- Theo dõi, tổng hợp kết quả thực hiện, báo cáo trước ngày 20 hằng tháng.
"""
# (wording, unit, value): the province sets seven targets; An Hòa words one otherwise (VNeID), sets one higher,
# one lower, one equal, one for another population (households / users) and one the province has not; Tân Lập
# sets one equal, one tied, one incomparable (16% against 15–17%), one count lower, and lacks three.
PROVINCE = [
    ("Tỷ lệ người dân có tài khoản định danh điện tử (VNeID)", "%", "≥ 80%"),
    ("Tỷ lệ người dân trưởng thành có chữ ký số", "%", "≥ 50%"),
    ("Tỷ lệ dịch vụ công trực tuyến toàn trình trên tổng số thủ tục hành chính", "%", "100%"),
    ("Quy mô kinh tế số trong GRDP", "%", "15-17%"),
    ("Tỷ lệ hộ gia đình có khả năng truy cập băng rộng cố định", "%", "≥ 70%"),
    ("Số sản phẩm OCOP ứng dụng công nghệ số trong quảng bá, bán hàng", "sản phẩm", "ít nhất 10"),
    ("Tỷ lệ văn bản điện tử được ký số trong cơ quan nhà nước", "%", "≥ 95%"),
]
AN_HOA = [
    ("Tỉ lệ dân số kích hoạt VNeID mức 2", "%", "≥ 85%"),
    ("Tỷ lệ người dân trưởng thành có chữ ký số", "%", "≥ 40%"),
    ("Tỷ lệ dịch vụ công trực tuyến toàn trình trên tổng số thủ tục hành chính", "%", "100%"),
    ("Tỷ lệ người sử dụng có khả năng truy cập băng rộng cố định", "%", "≥ 70%"),
    ("Tỷ lệ văn bản điện tử được ký số trong cơ quan nhà nước", "%", "100%"),
    ("Tỷ lệ học sinh trung học được học kỹ năng an toàn trên không gian mạng", "%", "90%"),
]
TAN_LAP = [
    ("Tỷ lệ người dân có tài khoản định danh điện tử (VNeID)", "%", "≥ 80%"),
    ("Tỷ lệ người dân trưởng thành có chữ ký số", "%", "≥ 50%"),
    ("Quy mô kinh tế số trong GRDP", "%", "16%"),
    ("Số sản phẩm OCOP ứng dụng công nghệ số trong quảng bá, bán hàng", "sản phẩm", "ít nhất 01-02"),
]


def plan_text(level: str, place: str, number: str, rows) -> str:
    head = HEAD.format(LEVEL=level.upper(), PLACE=place.upper(), Place=place, level=level, NUMBER=number)
    body = "".join(f"| {i} | {text} | {unit} | {value} | Văn phòng UBND |\n" for i, (text, unit, value) in
                   enumerate(rows, start=1))
    return head + body + TAIL


CONCEPTS = {   # a fake model that knows which words name the same thing ("VNeID" is "định danh điện tử")
    "dinh danh": 0, "vneid": 0, "chu ky so": 1, "truc tuyen": 2, "kinh te so": 3, "bang rong": 4,
    "ocop": 5, "van ban": 6, "hoc sinh": 7, "bao cao": 8, "muc dich": 9,
}


class ConceptEmbedder:
    """Tiny fake embedding model: one dimension per concept named (folded words; several words may share one),
    plus a little noise per text."""
    name = "concept-fake"
    dim = 16

    def __init__(self, concepts: dict[str, int] = CONCEPTS):
        self.concepts = concepts

    def _vector(self, text: str) -> np.ndarray:
        from corpus.text import fold
        f = " ".join(re.findall(r"[0-9a-z]+", fold(text)))
        v = np.zeros(self.dim, dtype=np.float32)
        for word, d in self.concepts.items():
            if word in f:
                v[d] += 1.0
        v[len(self.concepts) + (sum(map(ord, f)) % (self.dim - len(self.concepts)))] += 0.2
        return v / np.linalg.norm(v)

    def embed_documents(self, texts):
        return np.vstack([self._vector(t) for t in texts])

    def embed_query(self, text):
        return self._vector(text)


def _make(tmp_path: Path, embedder=None):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "tinh-binh-son-2026.txt").write_text(plan_text("tỉnh", "Bình Sơn", "21", PROVINCE), encoding="utf-8")
    (plans / "xa-an-hoa-2026.txt").write_text(plan_text("xã", "An Hòa", "12", AN_HOA), encoding="utf-8")
    (plans / "xa-tan-lap-2026.txt").write_text(plan_text("xã", "Tân Lập", "15", TAN_LAP), encoding="utf-8")
    return build_assistant(plans, tmp_path / "data", embedder=embedder)


@pytest.fixture(scope="module")
def keywords(tmp_path_factory):
    return _make(tmp_path_factory.mktemp("kw"))


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return _make(tmp_path_factory.mktemp("model"), ConceptEmbedder())


def target(assistant, slug_part: str, words: str):
    snap = assistant.library.snapshot
    return next(r for r in snap.of_kind("target") if slug_part in r.plan and words in r.obj.text)


def ask(assistant, question: str):
    return assistant.ask(question, today=date(2026, 7, 1))


def plans_in_order(text: str) -> list[str]:
    return re.findall(r"Kế hoạch 1\d/KH-UBND (?:xã|tỉnh) ([A-ZÀ-Ỹ][\wÀ-ỹ]* [A-ZÀ-Ỹ][\wÀ-ỹ]*)", text)


# ---------------------------------------------------------------------------------------------- values

def _t(value: str, unit: str = "%", text: str = "Tỷ lệ người dân có chữ ký số") -> Target:
    op, low, high = parse_value(value)
    return Target("", "", text, unit, value, op, low, high, 2026, (), "", 1, 1)


@pytest.mark.parametrize("value, unit, text, bounds", [
    ("≥ 80%", "%", "Tỷ lệ người dân có chữ ký số", ind.Bounds(80, None, "percent")),
    ("> 80%", "%", "Tỷ lệ người dân có chữ ký số", ind.Bounds(80, None, "percent", strict=True)),
    ("100%", "%", "Tỷ lệ người dân có chữ ký số", ind.Bounds(100, 100, "percent")),
    ("15–17%", "%", "Quy mô kinh tế số", ind.Bounds(15, 17, "percent")),
    ("ít nhất 01-02", "", "Phát triển sản phẩm OCOP", ind.Bounds(1, 2, "count")),
    ("từ 20 doanh nghiệp trở lên", "", "Doanh nghiệp khởi nghiệp sáng tạo", ind.Bounds(20, None, "count")),
    ("≥ 70", "", "Tỷ lệ người sử dụng truy cập băng rộng", ind.Bounds(70, None, "percent")),
    ("Có", "", "Triển khai ứng dụng AI", ind.Bounds(None, None, "yes")),
    ("≥ 0,8", "", "Chỉ số chuyển đổi số cấp tỉnh", ind.Bounds(0.8, None, "other")),
])
def test_bounds_are_read_from_the_value_as_written(value, unit, text, bounds):
    assert ind.bounds_of(_t(value, unit, text)) == bounds


def test_a_target_without_a_value_has_no_bounds():
    assert ind.bounds_of(_t("", "", "Triển khai ứng dụng AI")) is None


@pytest.mark.parametrize("a, b, relation", [
    ("100%", "≥ 80%", "higher"),
    ("≥ 80%", "100%", "lower"),
    ("≥ 80%", "≥ 80%", "equal"),
    ("> 80%", "≥ 80%", "higher"),
    ("80%", "≥ 80%", "equal"),
    ("15-17%", "16%", "incomparable"),
    ("15-17%", "15-20%", "lower"),
    ("≥ 50%", "≥ 40%", "higher"),
    ("≤ 5%", "≥ 3%", "incomparable"),
])
def test_values_compare_by_their_bounds(a, b, relation):
    assert ind.compare_bounds(ind.bounds_of(_t(a)), ind.bounds_of(_t(b))) == relation


def test_a_count_and_a_percentage_do_not_compare():
    count = ind.bounds_of(_t("≥ 50", "", "Có ≥ 50 cơ sở dữ liệu được số hóa"))
    share = ind.bounds_of(_t("≥ 60%", "%", "Tỷ lệ cơ sở dữ liệu được số hóa"))
    assert ind.compare_bounds(count, share) == ind.compare_bounds(share, count) == "incomparable"
    assert ind.compare_bounds(ind.bounds_of(_t("Có", "", "Triển khai AI")),
                              ind.bounds_of(_t("Có", "", "Triển khai IoT"))) == "equal"


# ---------------------------------------------------------------------------------------------- matching

def test_the_same_indicator_in_other_words_is_matched_by_the_model(model):
    snap = model.library.snapshot
    vneid = target(model, "an-hoa", "VNeID mức 2")
    cp = ind.counterpart(snap, vneid, "tinh-binh-son-2026")
    assert cp.other is not None and "định danh điện tử" in cp.other.obj.text and cp.sure and cp.same_year
    # the stored record vectors are reused: building the matcher embeds nothing
    assert ind.model_of(snap).dense


def test_keyword_mode_never_asserts_a_paraphrase(keywords):
    snap = keywords.library.snapshot
    assert ind.model_of(snap).dense is False
    cp = ind.counterpart(snap, target(keywords, "an-hoa", "VNeID mức 2"), "tinh-binh-son-2026")
    assert cp.other is None or not cp.sure
    same = ind.counterpart(snap, target(keywords, "an-hoa", "chữ ký số"), "tinh-binh-son-2026")
    assert same.sure and "chữ ký số" in same.other.obj.text


@pytest.mark.parametrize("fixture", ["keywords", "model"])
def test_another_population_is_only_a_maybe(fixture, request):
    a = request.getfixturevalue(fixture)
    snap = a.library.snapshot
    cp = ind.counterpart(snap, target(a, "an-hoa", "người sử dụng"), "tinh-binh-son-2026")
    assert cp.other is not None and "hộ gia đình" in cp.other.obj.text and not cp.sure


@pytest.mark.parametrize("fixture", ["keywords", "model"])
def test_a_target_no_other_plan_sets_has_no_counterpart(fixture, request):
    a = request.getfixturevalue(fixture)
    snap = a.library.snapshot
    assert ind.counterpart(snap, target(a, "an-hoa", "học sinh"), "tinh-binh-son-2026").other is None
    assert ind.counterpart(snap, target(a, "binh-son", "Quy mô kinh tế số"), "xa-an-hoa-2026").other is None
    cps = ind.across_plans(snap, target(a, "binh-son", "Quy mô kinh tế số"),
                           ["tinh-binh-son-2026", "xa-an-hoa-2026", "xa-tan-lap-2026"])
    assert [c.other is not None for c in cps] == [True, False, True]


# ---------------------------------------------------------------------------------------------- reading

@pytest.mark.parametrize("question, compare", [
    ("Xã nào đặt chỉ tiêu chữ ký số cao nhất?", "rank_high"),
    ("Kế hoạch nào đặt tỷ lệ dịch vụ công trực tuyến thấp nhất?", "rank_low"),
    ("So sánh chỉ tiêu chữ ký số của An Hòa và Tân Lập", "compare"),
    ("Chỉ tiêu chữ ký số của các xã so với tỉnh thế nào?", "compare"),
    ("Những kế hoạch nào có chỉ tiêu quy mô kinh tế số?", "which_plans"),
    ("Kế hoạch của xã An Hòa còn thiếu chỉ tiêu nào tỉnh đặt ra?", "missing"),
    ("Chỉ tiêu chữ ký số của An Hòa là bao nhiêu?", None),
    ("Ở An Hòa bên nào chủ trì chỉ tiêu chữ ký số?", None),
    ("Các xã đặt chỉ tiêu chữ ký số là bao nhiêu?", "compare"),
    ("Chỉ tiêu chữ ký số của An Hòa có bằng tỉnh không?", "compare"),
    ("An Hòa có chỉ tiêu chữ ký số không?", None),
    ("Các xã có những chỉ tiêu nào về chuyển đổi số?", None),
    ("Các xã báo cáo chỉ tiêu chữ ký số cho ai?", None),
])
def test_the_reader_says_which_comparison_is_asked(keywords, question, compare):
    q = keywords.library.snapshot.reader.read(question, date(2026, 7, 1))
    assert q.compare == compare


def test_an_earlier_year_is_still_not_stated(keywords):
    ans = ask(keywords, "Tỷ lệ người dân trưởng thành có chữ ký số của An Hòa so với năm trước tăng bao nhiêu?")
    assert ans.kind == "none"


# ---------------------------------------------------------------------------------------------- answers

@pytest.mark.parametrize("fixture", ["keywords", "model"])
def test_a_ranking_lists_every_plan_in_order_with_ties_and_the_plans_lacking_it(fixture, request):
    a = request.getfixturevalue(fixture)
    ans = ask(a, "Kế hoạch nào đặt tỷ lệ người dân trưởng thành có chữ ký số cao nhất?")
    assert ans.kind == "target"
    first = ans.text.splitlines()[0]
    assert first.startswith("Cao nhất: ngang nhau") and "Bình Sơn" in first and "Tân Lập" in first
    assert ans.text.index("≥ 50%") < ans.text.index("≥ 40%")
    assert "(ngang nhau)" in ans.text
    assert {s.locality for s in ans.sources} == {"Bình Sơn", "An Hòa", "Tân Lập"}
    low = ask(a, "Kế hoạch nào đặt tỷ lệ người dân trưởng thành có chữ ký số thấp nhất?")
    assert low.text.splitlines()[0] == next(l for l in low.text.splitlines() if l.startswith("Thấp nhất"))
    assert "An Hòa" in low.text.splitlines()[0]


def test_a_ranking_of_communes_leaves_the_province_out(keywords):
    ans = ask(keywords, "Xã nào đặt tỷ lệ người dân trưởng thành có chữ ký số cao nhất?")
    assert "Bình Sơn" not in ans.text
    assert ans.text.splitlines()[0] == "Cao nhất: Kế hoạch 15/KH-UBND xã Tân Lập (≥ 50%, năm 2026)."


def test_a_plan_lacking_the_indicator_is_said(keywords):
    ans = ask(keywords, "Kế hoạch nào đặt chỉ tiêu dịch vụ công trực tuyến toàn trình cao nhất?")
    lacking = next(l for l in ans.text.splitlines() if l.startswith("Không đặt chỉ tiêu này"))
    assert "Tân Lập" in lacking and "An Hòa" not in lacking


def test_communes_against_the_province(model):
    ans = ask(model, "Chỉ tiêu tài khoản định danh điện tử của các xã so với tỉnh thế nào?")
    lines = ans.text.splitlines()
    assert "Bình Sơn: ≥ 80%" in lines[1]                         # the province first, the reference
    an_hoa = next(l for l in lines if "An Hòa" in l)
    assert "≥ 85%" in an_hoa and "VNeID mức 2" in an_hoa and "cao hơn Bình Sơn" in an_hoa
    assert "bằng Bình Sơn" in next(l for l in lines if "Tân Lập" in l)


def test_two_plans_equal_and_incomparable(keywords):
    equal = ask(keywords, "So sánh chỉ tiêu dịch vụ công trực tuyến toàn trình của An Hòa và tỉnh Bình Sơn")
    assert "100%" in equal.text and "bằng" in equal.text
    odd = ask(keywords, "So sánh quy mô kinh tế số trong GRDP của Tân Lập và tỉnh Bình Sơn")
    assert "15-17%" in odd.text and "16%" in odd.text and "không so được" in odd.text


def test_which_plans_set_an_indicator(keywords):
    ans = ask(keywords, "Những kế hoạch nào có chỉ tiêu quy mô kinh tế số trong GRDP?")
    assert ans.kind == "list" and ans.text.startswith("Có 2 kế hoạch")
    assert "Không đặt chỉ tiêu này: Kế hoạch 12/KH-UBND xã An Hòa." in ans.text


@pytest.mark.parametrize("fixture", ["keywords", "model"])
def test_what_a_commune_lacks_of_the_province_s_targets(fixture, request):
    a = request.getfixturevalue(fixture)
    ans = ask(a, "Kế hoạch của xã An Hòa còn thiếu chỉ tiêu nào tỉnh đặt ra?")
    assert ans.kind == "list"
    text = ans.text
    lacking = text[text.index("Không đặt"):text.index("Có thể tương ứng")]
    assert "Quy mô kinh tế số" in lacking and "OCOP" in lacking and "chữ ký số" not in lacking
    maybe = text[text.index("Có thể tương ứng"):text.index("Đặt thấp hơn")]
    assert "hộ gia đình" in maybe and "người sử dụng" in maybe
    lower = text[text.index("Đặt thấp hơn"):]
    assert "chữ ký số" in lower and "≥ 40%" in lower and "≥ 50%" in lower
    assert "văn bản điện tử" not in lower              # 100% is above the province's ≥ 95%
    assert all(s.lines[0] > 0 for s in ans.sources) and len(ans.sources) >= 4


def test_a_comparison_about_something_no_plan_sets_is_none(keywords):
    assert ask(keywords, "Xã nào đặt chỉ tiêu tỷ lệ hộ nghèo giảm nhiều nhất?").kind == "none"


def test_my_commune_without_a_plan_chosen_is_asked_back_and_with_one_is_answered(keywords):
    ans = ask(keywords, "Kế hoạch của xã mình còn thiếu chỉ tiêu nào tỉnh đặt ra?")
    assert ans.kind == "none" and "xã, phường nào" in ans.text and "/ke_hoach" in ans.text
    chosen = keywords.ask("Kế hoạch của xã mình còn thiếu chỉ tiêu nào tỉnh đặt ra?", default_plan="xa-tan-lap-2026",
                          today=date(2026, 7, 1))
    assert chosen.kind == "list" and chosen.text.startswith("So với Kế hoạch 21/KH-UBND tỉnh Bình Sơn, "
                                                            "Kế hoạch 15/KH-UBND xã Tân Lập:")
    assert "dịch vụ công trực tuyến" in chosen.text


def test_a_tie_across_years_names_no_single_year(keywords):
    ans = ask(keywords, "Xã nào đặt tỷ lệ người dân trưởng thành có chữ ký số cao nhất?")
    assert "năm 2026" in ans.text.splitlines()[0]          # one plan first: its year


def test_a_government_programme_compares_like_a_plan(tmp_path):
    """A national programme whose targets are prose sits in the same comparison as a province's table."""
    from tests.real_plan_fixtures import government_programme
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "chinh-phu-12-nq-cp.txt").write_text(government_programme(), encoding="utf-8")
    (plans / "tinh-binh-son-2026.txt").write_text(plan_text("tỉnh", "Bình Sơn", "21", PROVINCE), encoding="utf-8")
    a = build_assistant(plans, tmp_path / "data", embedder=None)
    ans = ask(a, "Những kế hoạch nào có chỉ tiêu dịch vụ công trực tuyến toàn trình?")
    assert ans.kind == "list"
    government = next(l for l in ans.text.splitlines() if "12/NQ-CP" in l)
    assert "70%" in government and "năm 2030" in government
    assert "Bình Sơn: 100%" in ans.text
    assert {s.file for s in ans.sources} == {"chinh-phu-12-nq-cp.txt", "tinh-binh-son-2026.txt"}


def test_the_commune_level_includes_wards(tmp_path):
    """"Xã nào …" asks about the commune level ("cấp xã"): wards are in it, the province is not."""
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "tinh-binh-son-2026.txt").write_text(plan_text("tỉnh", "Bình Sơn", "21", PROVINCE), encoding="utf-8")
    (plans / "xa-an-hoa-2026.txt").write_text(plan_text("xã", "An Hòa", "12", AN_HOA), encoding="utf-8")
    (plans / "phuong-tan-mai-2026.txt").write_text(plan_text("phường", "Tân Mai", "16", TAN_LAP), encoding="utf-8")
    a = build_assistant(plans, tmp_path / "data", embedder=None)
    ans = ask(a, "Xã nào đặt tỷ lệ người dân trưởng thành có chữ ký số cao nhất?")
    assert ans.text.splitlines()[0] == "Cao nhất: Kế hoạch 16/KH-UBND phường Tân Mai (≥ 50%, năm 2026)."
    assert "An Hòa" in ans.text and "Bình Sơn" not in ans.text


@pytest.mark.parametrize("fixture", ["keywords", "model"])
def test_across_plans_from_a_question_s_words(fixture, request):
    a = request.getfixturevalue(fixture)
    snap = a.library.snapshot
    slugs = ["tinh-binh-son-2026", "xa-an-hoa-2026", "xa-tan-lap-2026"]
    cps = ind.across_plans(snap, "tỷ lệ người dân trưởng thành có chữ ký số", slugs)
    assert [c.other is not None and "chữ ký số" in c.other.obj.text for c in cps] == [True, True, True]
    values = [ind.bounds_of(c.other) for c in cps]
    assert [ind.compare_bounds(v, values[0]) for v in values] == ["equal", "lower", "equal"]
    assert ind.across_plans(snap, "", slugs) == []
