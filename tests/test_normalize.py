"""answers.normalize: repairs of a phone-typed question against a vocabulary the test makes itself."""
from __future__ import annotations

import pytest

from answers.normalize import Normalizer, compose, decode_telex, decode_vni, initials, is_syllable
from corpus.text import words
from index.abbreviations import Abbreviations
from index.text import DiacriticRestorer

# A made-up plan text: every repair must come from these words, never from a list of answers.
PLAN_TEXT = [
    "Phòng Văn hóa chủ trì triển khai nhiệm vụ số hóa hồ sơ thủ tục hành chính",
    "Thời hạn hoàn thành nhiệm vụ là quý III năm 2026",
    "Tỷ lệ cán bộ được bồi dưỡng kỹ năng số căn bản đạt 100%",
    "Trạm Y tế phối hợp triển khai sổ sức khỏe điện tử cho người dân",
    "Ban Chỉ đạo giao Phòng Kinh tế theo dõi chỉ tiêu kinh tế số",
    "Các phòng làm đầu mối tham mưu",
]
PLACES = [("Lộc Sơn", "xã"), ("Bình Minh", "phường"), ("Bình Mỹ", "xã"), ("Đông Giang", "tỉnh")]


@pytest.fixture(scope="module")
def norm() -> Normalizer:
    spelling = DiacriticRestorer.from_texts(PLAN_TEXT)
    return Normalizer(spelling.forms, spelling.pairs, PLACES, Abbreviations({"DN": "doanh nghiệp", "KT": "Kinh tế"}),
                      shorthand={"bn": "bao nhiêu", "ko": "không", "j": "gì", "r": "rồi", "dc": "được"})


def test_telex_and_vni_decoding():
    assert decode_telex("thowif") == ("thơi", "\u0300")
    assert decode_telex("nhiejm") == ("nhiem", "\u0323")
    assert decode_telex("sang") is None          # an initial s is a consonant, not a tone key
    assert decode_telex("đatj") == ("đat", "\u0323")   # the keyboard made the "đ", the tone key came last
    assert decode_vni("chu3") == ("chu", "\u0309")
    assert decode_vni("5G") is None
    assert is_syllable("nghiêng") and not is_syllable("trif") and not is_syllable("phnog")


def test_shorthand_expands_only_words_the_plans_do_not_use(norm):
    out = norm.normalize("Tỷ lệ cán bộ được bồi dưỡng bn % vậy, dc ko")
    assert out.text == "Tỷ lệ cán bộ được bồi dưỡng bao nhiêu % vậy, được không"
    assert [c.why for c in out.changes] == ["shorthand"] * 3
    # a one-letter shorthand written in capitals is something else ("R&D")
    assert "rồi" not in norm.normalize("Ai chủ trì R&D?").text


def test_telex_leftovers_become_the_plans_spelling(norm):
    out = norm.normalize("ai chur trif nhiejm vuj số hóa hồ sơ")
    assert out.text == "ai chủ trì nhiệm vụ số hóa hồ sơ"
    assert {c.why for c in out.changes} == {"telex"}


def test_a_telex_word_the_plans_never_write_is_composed_by_the_orthography(norm):
    # "mấy", "nào", "của" are in no plan line above: the tone goes where Vietnamese spelling puts it
    out = norm.normalize("hạn chót laf ngayf naof, kinh phí cuar Phòng Văn hóa, phải đatj bao nhiêu")
    assert "là ngày nào" in out.text and "của Phòng" in out.text and "phải đạt" in out.text
    assert {c.why for c in out.changes} == {"telex"}
    assert [compose(*decode_telex(t)) for t in ("nguwowif", "hoanf", "ngoaif", "quys", "muaf")] == \
        ["người", "hoàn", "ngoài", "quý", "mùa"]
    # English keeps its letters: a tone key inside a word is no Telex leftover, a word that is no syllable
    # is never composed
    assert norm.normalize("test list cloud Digital Twin").text == "test list cloud Digital Twin"


def test_a_lost_tone_mark_is_restored_from_the_plans_pairs(norm):
    out = norm.normalize("Tỷ lệ bồi dưỡng kỹ năng số căn ban là bao nhiêu?")
    assert "căn bản" in out.text and "bao nhiêu" in out.text      # a question word stays as it is written
    assert [(c.before, c.after, c.why) for c in out.changes] == [("ban", "bản", "tone")]
    # a word with no marked word before it is left as typed ("Ban Chỉ đạo" is not "Bàn")
    assert norm.normalize("Ban chỉ đạo giao việc gì?").text == "Ban chỉ đạo giao việc gì?"


def test_one_edit_typos_against_the_plans_vocabulary(norm):
    out = norm.normalize("phnog van hoa chu tri so hoa ho so")   # a swapped pair of letters
    assert out.text.startswith("phong van hoa")
    assert out.changes[0].why == "typo"
    # a word the plans contain is never changed, nor an unknown word with no neighbour to confirm it
    assert norm.normalize("tram y te phoi hop").text == "tram y te phoi hop"
    assert norm.normalize("zalo").text == "zalo"


def test_a_toneless_question_stays_toneless(norm):
    """A repair must not turn a question typed without marks into a half-marked one."""
    out = norm.normalize("phong kinh te lafm j")
    assert out.text == "phong kinh te lam gi"
    # its stray marks go, its capitals stay: a name typed with capitals is still a name
    assert norm.normalize("Ke hoach cua tỉnh Gia Lam").text == "Ke hoach cua tinh Gia Lam"


def test_place_initials_and_level_prefixes_come_from_the_loaded_plans(norm):
    assert initials("Đông Giang") == "ĐG"
    assert norm.normalize("tỉnh ĐG có bao nhiêu chỉ tiêu").text == "tỉnh Đông Giang có bao nhiêu chỉ tiêu"
    assert norm.normalize("X.LS chỉ tiêu số hóa").text == "xã Lộc Sơn chỉ tiêu số hóa"
    assert norm.normalize("P. Bình Minh ai chủ trì").text == "phường Bình Minh ai chủ trì"
    # a lower-case level letter typed with a space, before initials or a name
    assert norm.normalize("x LS chỉ tiêu số hóa").text == "xã Lộc Sơn chỉ tiêu số hóa"
    assert norm.normalize("p Bình Minh ai chủ trì").text == "phường Bình Minh ai chủ trì"
    # "BM" names two places (Bình Minh, Bình Mỹ): left alone, as is an initialism the plans define otherwise
    assert norm.normalize("BM ai chủ trì").text == "BM ai chủ trì"
    assert norm.normalize("DN nào được hỗ trợ").text == "DN nào được hỗ trợ"
    # after a level word a plain D stands for Đ; a level that does not match the place leaves it
    assert norm.normalize("tinh DG").text.lower().endswith("đông giang")
    assert norm.normalize("xã ĐG").text == "xã ĐG"
    # typed in lower case: a token that is no syllable and no word of the plans
    assert norm.normalize("ls: ai chu tri so hoa").text.lower().startswith("loc son:")
    assert norm.normalize("dn nao duoc ho tro").text.startswith("dn ")


def test_initialisms_the_plans_do_not_define_are_read_from_their_pairs():
    """"HTTT" is the run the plans write often whose initials spell it; a run met once is accepted only when
    no other reading exists; two letters, a defined abbreviation and a run with a close rival stay as typed."""
    texts = ["Hệ thống thông tin của xã được kết nối với hệ thống thông tin của tỉnh"] * 3 + [
        "Bảo đảm an toàn hệ thống thông tin theo cấp độ",
        "Hoàn thành trước tháng tư", "Hỗ trợ tổ chức tập huấn", "Hộ tham gia tập huấn",
        "Ứng dụng tiến bộ khoa học kỹ thuật vào sản xuất"]
    spelling = DiacriticRestorer.from_texts(texts)
    n = Normalizer(spelling.forms, spelling.pairs, PLACES, Abbreviations({"KT": "Kinh tế", "HTTH": "hồ sơ"}),
                   shorthand={})
    out = n.normalize("Tỷ lệ HTTT chạy trên nền tảng số?")
    assert out.text == "Tỷ lệ hệ thống thông tin chạy trên nền tảng số?"
    assert [(c.before, c.why) for c in out.changes] == [("HTTT", "initials")]
    assert n.spelled("KHKT") == "khoa học kỹ thuật"          # the only reading the pairs allow
    assert n.spelled("HTTH") is None or n.normalize("HTTH").text == "HTTH"   # defined: left to the table
    assert n.normalize("HTTH là gì").text == "HTTH là gì"
    assert n.spelled("HTTT") and n.normalize("KT").text == "KT"
    assert n.spelled("HTTG") is None                          # no run of the plans spells it
    # inside a name the name goes on, capitalized: "Phòng HTTT" -> "Phòng Hệ thống thông tin"
    assert n.normalize("Phòng HTTT làm gì").text == "Phòng Hệ thống thông tin làm gì"


def test_an_initialisms_reading_is_a_run_the_plans_write_not_pairs_met_by_chance():
    """"địa bàn tỉnh" and "tỉnh, Sở" make the pairs bàn-tỉnh and tỉnh-Sở, yet no plan writes "bàn tỉnh sở":
    with the plans' text at hand, "BTS" keeps its letters; "khoa học kỹ thuật" is written, so "KHKT" is read."""
    texts = ["Phát triển hạ tầng trên địa bàn tỉnh", "UBND tỉnh Sở Y tế phối hợp",
             "Ứng dụng tiến bộ khoa học kỹ thuật vào sản xuất"]
    spelling = DiacriticRestorer.from_texts(texts)
    said = " " + " | ".join(" ".join(words(t)) for t in texts) + " "
    blind = Normalizer(spelling.forms, spelling.pairs, PLACES, Abbreviations({}), shorthand={})
    assert blind.spelled("BTS") == "bàn tỉnh sở"              # the pairs alone allow it
    n = Normalizer(spelling.forms, spelling.pairs, PLACES, Abbreviations({}), shorthand={}, said=lambda: said)
    assert n.spelled("BTS") is None and n.normalize("Số trạm BTS").text == "Số trạm BTS"
    assert n.spelled("KHKT") == "khoa học kỹ thuật"


def test_a_figure_with_t_in_an_age_bound_is_an_age(norm):
    assert norm.normalize("người từ 15t trở lên").text == "người từ 15 tuổi trở lên"
    assert norm.normalize("người lớn (18t+)").text == "người lớn (18 tuổi+)"
    assert norm.normalize("ngân sách 5t đồng").text == "ngân sách 5t đồng"      # no age bound: left alone


def test_the_json_answer_says_what_was_normalized(tmp_path):
    from datetime import date

    import shutil

    from answers.service import build_assistant
    from tests.plan_fixtures import NHA_BICH
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(NHA_BICH, plans)
    assistant = build_assistant(plans, tmp_path / "data", embedder=None)
    ans = assistant.ask("ai chur trif nhiejm vuj nay", today=date(2026, 7, 1))
    data = ans.to_json()
    assert data["normalized"]["text"].startswith("ai chủ trì nhiệm vụ")
    assert [c["why"] for c in data["normalized"]["changes"]][:2] == ["telex", "telex"]


def test_a_document_type_glued_to_its_number_is_split(norm):
    """Letters the plans write glued to a number ("DN15", "quy3" is not: one digit) are two words; a code the
    plans do not write as letters, or a figure with its measure ("5G"), stays as typed."""
    assert norm.normalize("phong kt15 chu tri").text.startswith("phong kt 15")
    assert norm.normalize("chi tieu DN2026").text == "chi tieu DN 2026"
    assert norm.normalize("mang 5G xa Loc Son").text.startswith("mang 5G")
    assert norm.normalize("zx99 la gi").text.startswith("zx99")


def test_short_chat_shorthand_typed_in_capitals_is_read(norm):
    """"sổ SK", "tài khoản NH": a two- or three-letter shorthand in capitals the plans do not write is still the
    typist's shorthand; a defined abbreviation ("DN") and longer initialisms stay."""
    n = Normalizer(norm.forms, norm.pairs, PLACES, Abbreviations({"DN": "doanh nghiệp"}),
                   shorthand={"sk": "sức khỏe", "dn": "doanh nghiệp nhỏ"})
    assert n.normalize("Tỷ lệ người dân có sổ SK điện tử").text == "Tỷ lệ người dân có sổ sức khỏe điện tử"
    assert n.normalize("DN ứng dụng").text == "DN ứng dụng"


def test_a_short_slip_is_repaired_when_a_toneless_neighbour_confirms_it(norm):
    """"ky nnag so", "phoi hpo trien khai": a short word one edit from a syllable the plans write beside the same
    neighbour, typed without marks, is that syllable; with no neighbour to confirm it, it is left."""
    assert "ky nang so" in norm.normalize("ty le can bo dc boi duong ky nnag so").text
    assert "phoi hop trien khai" in norm.normalize("tram y te phoi hpo trien khai").text
    assert norm.normalize("hpo").text == "hpo"


def test_two_capitals_are_read_by_the_word_after_them():
    """"KH chi tiết": the one run of two syllables with these initials the plans write before "chi tiết" is "kế
    hoạch"; where two runs stand before the next word, or none, or inside "VH-XH", the letters stay."""
    texts = ["Các đơn vị xây dựng kế hoạch chi tiết trước ngày 31/3", "Gửi kế hoạch chi tiết về xã",
             "Ứng dụng khoa học công nghệ", "Triển khai kế hoạch công tác"]
    spelling = DiacriticRestorer.from_texts(texts)
    said = " " + " | ".join(" ".join(words(t)) for t in texts) + " "
    n = Normalizer(spelling.forms, spelling.pairs, PLACES, Abbreviations({}), shorthand={}, said=lambda: said)
    assert n.normalize("Phòng ban nộp KH chi tiết khi nào").text == "Phòng ban nộp kế hoạch chi tiết khi nào"
    assert n.normalize("KH công nghệ").text == "KH công nghệ"      # "khoa học" once, and "kế hoạch công" too
    assert n.normalize("Phòng VH-XH chi tiết").text == "Phòng VH-XH chi tiết"


def test_office_abbreviations_and_english_of_the_shorthand_file_are_read():
    """The data file's "cq", "NCKH", "dv", "tool", "paper" (one reading each in office chat) read as their words."""
    from answers.normalize import load_shorthand
    spelling = DiacriticRestorer.from_texts(PLAN_TEXT)
    n = Normalizer(spelling.forms, spelling.pairs, PLACES, Abbreviations({}), shorthand=load_shorthand())
    assert n.normalize("cq nào làm tool chấm điểm").text.startswith("cơ quan nào làm công cụ")
    assert "nghiên cứu khoa học" in n.normalize("số đề tài nckh là bn").text
    assert "bài báo" in n.normalize("mấy paper vậy").text
    assert "dịch vụ số" in n.normalize("dùng dv số").text
