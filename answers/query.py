"""Read a question once: text -> Query (what is asked, about which plans, units, time, topic).

The only module that looks at the question's wording; everything downstream reads the Query.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from datetime import date
from pathlib import Path

from corpus.text import ROMAN_NUMERALS, YEAR, fold, nfc, one_spelling, read_pairs, squash, syllables, words
from index.text import STOP_WORDS
from corpus.units import _LEVEL_SUFFIX, plain_key, same_unit, signature
from index.text import terms

from answers.normalize import Change, Normalizer, initials, is_syllable
from answers.plan_refs import bodies
from answers.records import people_base
from answers.when import TimeWindow, read_window

MAX_QUESTION_CHARS = 600
CUES_FILE = Path(__file__).parent / "data" / "cues.tsv"
SYNONYMS_FILE = Path(__file__).parent / "data" / "synonyms.tsv"
GROUPS_FILE = Path(__file__).parent / "data" / "groups.tsv"

# Syllables that carry the question's form, not its topic; dropped from the topic terms.
CUE_SYLLABLES = frozenset("""
ai nao gi bao nhieu khi gio han thoi chu tri phu trach don vi la xa phuong tinh dau lo viec phai lam co duoc
nhiem vu chi tieu ty ti le ve cua o theo doi xong hoan thanh dat muc cac nhung ke hoach thuc hien the nhu sao
may ngay thang quy nam phan tram dat ra dang giao can gom bo tri trong den het cho nguoi dan hay vay a nhi
roi oi minh toi em anh ban nhe ak tu lay nhu vao ra len bi kpi muon mong them ben hom nay qua chua con sap
tinh lieu ke liet du day lau nua khong chua xin hoi giup gium vui long da qua tre thi chot moc dem sep
""".split())
# Subjects made only of such syllables: "dữ liệu" is a topic though "dữ"/"đủ" and "liệu" are form words.
SUBJECT_PAIRS = frozenset("du_lieu xa_hoi can_bo dau_tu tieu_chi".split())
_GENERIC_UNIT_WORDS = frozenset("cac va cua xa phuong tinh tren dia ban thuoc ubnd truc thuoc don vi".split())
# Words of a collective name ("các cơ quan", "các sở, ban, ngành", "các đơn vị liên quan"): no one body.
_COLLECTIVE_WORDS = _GENERIC_UNIT_WORDS | frozenset("co quan so ban nganh lien to chuc dia phuong".split())


def collective_unit(name: str) -> bool:
    """A unit name that names no one body ("các cơ quan", "Các sở, ban, ngành"): it tells no plan from another."""
    return all(w in _COLLECTIVE_WORDS for w in words(name))
_UNIT_HEAD_WORD = re.compile(r"^(Phòng|phòng|Sở|sở|Trung|Văn|VP\.?|Công|Trạm|trạm|Ban|Tổ|tổ|Chi|Ủy|UBND|Bộ|Các|các|Đảng)$")
# the same head words typed without tone marks ("phong VHXH"): only where the whole question has none
_UNIT_HEAD_FOLDED = frozenset("phong so trung van vp cong tram ban to chi uy ubnd bo cac dang".split())
_UNIT_KIND_WORDS = frozenset("phong so tram trung cong van ban to chi uy ubnd bo doi hoi".split())
_UNIT_PHRASE = re.compile(r"\b(?:Sở|Phòng|Ban|Trung tâm|Công an|Trạm|Văn phòng|Ủy ban|Chi nhánh|Bộ|Cục|Chi cục|Trường|"
                          r"Hội(?! nghị| thi| thảo| đồng| viên)|Đoàn(?! kết)|Mặt trận|Liên đoàn|Hợp tác xã|Ngân hàng|Bưu điện)"
                          r"\s+[A-ZĐÀ-Ỹ][\wÀ-ỹĐđ]*(?:[&-][\wÀ-ỹĐđ]+)*(?:\s+(?:và\s+)?[A-ZĐÀ-Ỹa-zà-ỹđ][\wÀ-ỹĐđ]*(?:[&-][\wÀ-ỹĐđ]+)*){0,4}")
# Public bodies people name in lower case ("công an xã", "chi nhánh ngân hàng"): a unit-like phrase too
_UNIT_PHRASE_PLAIN = re.compile(r"\b(?:công an (?:xã|phường|tỉnh)|trạm y tế (?:xã|phường)|chi nhánh ngân hàng|"
                                r"bưu điện (?:xã|phường|tỉnh)|trường (?:đại học|cao đẳng)(?: [A-ZĐÀ-Ỹ][\wÀ-ỹĐđ]*)*)",
                                re.IGNORECASE)
_QUESTION_WORDS = frozenset("ai nao gi la cua co phai lam nhiem vu chi tieu chu tri phu trach theo doi han".split())
# "…, em cần gấp để làm slide", "…, em đang làm hồ sơ dự toán", "…, em cần điền file tổng hợp": why the typist asks,
# after a comma at the end;
# it names no topic and asks nothing (a clause with a question word is the question itself: "…, cần làm gì?")
_PURPOSE = re.compile(r",\s*(?:(?:em|e|minh|toi|tui|chi|anh)\s+)?(?:dang|can)(?:\s+gap)?\s+(?:de\s+)?"
                      r"(?:lam|len|dua|gui|trinh|bao cao|so|cho|dien|nhap|ghi|soan|viet)\b([^,?]*)\??\s*$")
_ASKING = re.compile(r"\b(gi|nao|bao nhieu|may|ai|dau|sao|chua|khong|ko)\b")


def _without_purpose(text: str) -> str:
    """The question without a closing clause that says why it is asked (fold keeps an NFC text's length)."""
    m = _PURPOSE.search(fold(text))
    if m is None or m.start() < 12 or _ASKING.search(m.group(0)):
        return text
    return text[:m.start()].rstrip(" ,;") + "?"


_GREETING = re.compile(r"^(xin chao|chao( ban| bot| em| anh| chi)?|hello|hi|alo|cam on( ban)?|thanks?|ok|oke)\W*$")
# folded syllables naming a level of government: "trên địa bàn xã" and "trên địa bàn" are one indicator
LEVEL_SYLLABLES = frozenset("xa phuong tinh huyen".split())
_PLACE_WORDS = LEVEL_SYLLABLES | {"ap"}
# the level word written before a place's name ("phường Hàng Gòn", "xa Phuoc An", "tỉnh ĐN" once spelled out)
_LEVEL_BEFORE_PLACE = "xã|phường|tỉnh|thị trấn|huyện|xa|phuong|tinh|thi tran|huyen"
_LEVEL_NAMES = r"tỉnh|xã|phường|huyện|thành phố|quận|tp\.?"
# the level word between a plan's issuing body and its place ("UBND xã Nha Bích"), with marks or without
_ISSUER_LEVEL = "xã|phường|tỉnh|thành phố|xa|phuong|tinh|thanh pho"
_LEVELS_OF_GOVERNMENT = frozenset("huyện quận huyen".split())     # "quan" without its mark is also "quan" (cơ quan)
_LEVEL_NAMES_FOLDED = fold(_LEVEL_NAMES)
# words that begin no place's name: copula, conjunctions, prepositions, question and pointing words
_NOT_A_NAME = frozenset("la va voi cua o tai de cho tu den ve thi ma nhu nao gi minh nay do kia bao may co khong "
                        "con cung da dang se duoc bi phai".split())
# after "bao nhiêu / mấy": a measure or a form word, not a thing counted
_NOT_COUNTED = frozenset("cai con chiec "     # classifiers: "tối thiểu mấy cái" counts the thing already named
                         "phan ty ti le nguoi tien dong trieu ngay thang nam quy gio lan muc diem chi tieu nhiem "
                         "vu viec noi dung nhom linh vuc mang giai phap can cu phu luc don vi so la trong va cua o tai thi de "
                         # a preposition or particle after it ("phải đạt bao nhiêu vào cuối 2025"): nothing counted
                         "vao den toi tren duoi truoc sau khi roi nua vay day kia hon "
                         # words of address: "mấy ông bà từ 15 tuổi", "mấy anh chị" say who, as a plural does;
                         # "mấy ông lớn" are the big ones the row names in its own words ("nhà đầu tư lớn")
                         "ong ba anh chi em bac".split())
_STRUCTURE_WORDS = frozenset("ve phat trien linh vuc mang nhom muc phan cho trong cac cu the phu luc bang danh muc tong thuoc "
                     "tat ca liet ke thuc te ghi dat ra kem theo tong so nao nhung gom ngay thang quy tuan nam hom nay toi sap "
                     "vong dong hien tai toan bo day du het neu de nhu sau day y i ii iii iv v vi vii viii ix x tren cuoi "
                     # "khối chuyển đổi số": a block of the table, as "nhóm" is
                     "khoi".split())


# Qualifiers said two ways in e-government wording ("môi trường số" = "môi trường điện tử", "chữ ký số" /
# "chữ ký điện tử", "hồ sơ số" / "hồ sơ điện tử"): folded word runs, each group one meaning.
SAME_QUALIFIERS = ((("so",), ("dien", "tu")), (("truc", "tuyen"), ("online",)),
                   # "số hóa & kết nối" / "số hóa & liên thông"; "người dùng" / "người sử dụng"
                   (("ket", "noi"), ("lien", "thong")), (("dung",), ("su", "dung")))

# sentence-final chat particles (folded): "vậy", "à", "nhé", "nhỉ", "ơi", "hả", "nha", "z"
_PARTICLES = frozenset("vay a nhe nhi oi u ha nha ak ah z the ta".split())   # sentence-final particles

_STRUCTURE_PHRASES = frozenset({"tong_cong", "tong_so", "toan_bo", "tat_ca", "day_du", "noi_dung", "cu_the",
                              # the issuing body is not what is counted or listed
                              "uy_ban", "ban_nhan", "nhan_dan", "tinh_uy", "dang_uy", "thuong_vu",
                              # "trên địa bàn" says where, as every record of the plan does
                              "tren_dia", "dia_ban",
                              # "gạch đầu dòng" (bullet points) names the list's form
                              "gach_dau", "dau_dong",
                              # "bộ phận nào đứng tên": who is named for the row, an ask, not a subject
                              "dung_ten",
                              # "đưa ra / đặt ra mấy chỉ tiêu": sets out, as every target of the plan is set out
                              "dua_ra", "dat_ra",
                              # "phụ lục đầu tiên", "nhóm thứ nhất", "mục cuối cùng": which one by its place
                              "dau_tien", "thu_nhat", "cuoi_cung"})


# Syllables that carry a question's form or place, not a qualifier of what it asks about; with tone marks, and
# folded for questions typed without them ("bảo hiểm" is a qualifier, "bao nhiêu" is not; "học kỹ năng số hết
# không", "đều phải": how many, not which).
FILLER_TONED = frozenset("""
ai gì nào là của và các những một cho với ở về thì khi hay hoặc được không chưa sẽ nhiều vậy à nhé nhỉ ơi ư hả
sao này kia ấy rồi bao mấy đạt phải có tại trong năm đến vào cuối hiện nay mức bằng từ trên địa bàn xã phường
tỉnh ấp kế hoạch chỉ tiêu theo do đặt ra thế đang sẽ cần tối thiểu ít nhất đã tới nữa còn lúc bây giờ
hết đều
""".split())
# ... and with tone marks only: folded they are content words ("mà" is "mã", "chứ" is "chữ")
# ("mỗi năm" is "hằng năm"; folded "moi" is also "mới", "hang" also "hàng hóa")
FILLER_TONED |= frozenset("mà chứ mỗi hằng".split())
FILLER_FOLDED = STOP_WORDS | frozenset(fold(w) for w in FILLER_TONED - {"mà", "chứ", "mỗi", "hằng"})


# A clause of its own after a comma ("…, còn tổ chức thì sao", "…, với vườn ươm thì cần mấy cái") and the words
# that ask a figure in each half of a question asking two
_SECOND_ASK = re.compile(r",\s*(?:(?:con|voi|va|them|them nua|roi|ngoai ra|con ve|kem)\s+)?")
_ASKS_FIGURE = re.compile(r"\b(?:bao nhieu|may|bn|thi sao|so luong|ty le|ti le|phan tram)\b|%")
# a number of days or a quarter asked is a date asked ("quý mấy", "còn bao nhiêu ngày")
_ASKS_TIME = re.compile(r"\b(?:ngay|thang|quy|nam|tuan) (?:may|bao nhieu|bn)\b|\b(?:may|bao nhieu|bn) (?:ngay|thang|tuan|nam)\b")
_ASKS_NUMBER = re.compile(r"\b(?:bao nhieu|may|bn|thi sao)\b")
_ASKS_NUMBER_TONED = re.compile(r"\b(?:bao nhiêu|mấy|bn|thì sao)\b")
# what a clause of its own asks besides a figure: who leads, when, by which measure
_ASKS_OTHER = {
    "owner": re.compile(r"\b(?:ai|(?:so|phong|ben|don vi|co quan|p) nao|nao (?:lo|chiu|canh|cam|om|dam nhan|phu trach))\b"),
    "deadline": re.compile(r"\b(?:khi nao|bao gio|luc nao|nam nao|quy nao|thang nao|ngay nao|ngay may|han chot|deadline|moc (?:nao|gi|hoan thanh))\b|\bhan\b.{0,12}\b(?:nao|gi|may)\b"),
    "kpi": re.compile(r"\bkpi\b.{0,20}\b(?:gi|j|nao|ra sao|the nao|sao)\b|\b(?:do|danh gia) bang (?:gi|j)\b"),
}


# A lead-in naming who asks ("trạm y tế hỏi:", "anh em Văn hóa – Xã hội bên Nha Bích hỏi:")
_SPEAKER = re.compile(r"^[^:?]{1,60}?\s(?:hỏi|hoi)\s*:", re.IGNORECASE)
# the asker introducing itself: "Em ở Tổ CNSCĐ bên PA, …", "Mình bên VH-XH xã Nha Bích, …"
_SELF_INTRO = re.compile(r"^(?:em|mình|minh|tôi|toi|tui|chị|chi|anh)\s+(?:ở|o|bên|ben|thuộc|thuoc|là|la|làm ở|lam o)"
                         r"\s+[^,:;?]{1,60}?[,:;]", re.IGNORECASE)
# the asker speaking of itself ("giao mình", "bên chúng tôi")
_FIRST_PERSON = re.compile(r"\b(?:minh|chung (?:toi|em|minh)|bon (?:em|minh|toi)|tui)\b")
# A set named by its size: a number before the two words of what it counts ("84 nền tảng số", "12 cơ sở dữ liệu"),
# not a document's or a row's number ("Nghị quyết 57 của …", "mục 2 về …"), a date, a measure or an amount
_SIZED_SET = re.compile(r"(?:^|(?<=\s))(\d{1,3})\s+(?!(?:phan tram|thang|ngay|nam|tuoi|gio|lan|ty|trieu|nghin|van|dong|"
                        r"km|ha|m2|nguoi dan)\b)([a-z]+ [a-z]+)")
_NUMBERED_BY = frozenset({"quyet", "hoach", "an", "dinh", "thi", "ban", "so", "nq", "kh", "qd", "muc", "luc", "dong",
                          "khoan", "diem", "quy", "thang", "nam", "ngay", "stt", "thu", "tu", "den", "nhom", "phan"})


def _members(f: str) -> tuple[int, str] | None:
    """(size, the two folded words after it) of a set the folded question names by its size, or None."""
    for m in _SIZED_SET.finditer(f):
        before = f[:m.start()].split()
        if int(m.group(1)) >= 2 and not (before and before[-1] in _NUMBERED_BY):
            return int(m.group(1)), m.group(2)
    return None


# Beside the time left, things still counted ("còn bao nhiêu việc chưa đến hạn")
_ITEMS_COUNTED = re.compile(r"\b(?:bao nhieu|may) (?:viec|nhiem vu|dau viec|chi tieu|muc|noi dung|hang muc)\b")
# "mấy phòng chuyên môn …", "mấy cái hệ thống …": chat's "the (several)", not "how many", in a question that asks
# when ("… xong trước thời điểm nào?"); the asking of a date, and "mấy" before a noun
_ASKS_WHEN = re.compile(r"\b(?:khi nao|bao gio|(?:ngay|thang|quy|nam|thoi diem|moc|luc|hom|bua) nao|(?:ngay|thang|quy) may)\b")
_MAY_BEFORE_NOUN = re.compile(r"\bmay (?:cai |con )?(?!ngay|thang|quy|nam|hom|bua|gio|lan)[a-z]+")
# a plan named by the horizon its title gives: "(kế hoạch|KH|…) <its title's words> đến (năm) 2035 | giai đoạn 2026-2030"
_PLAN_HORIZON = re.compile(r"\b(?:ke hoach|kh|chuong trinh|de an|chien luoc|lo trinh)\b(?P<between>[^,;:?.()]{0,80}?)"
                           r"\b(?:den nam|den|toi|giai doan)\s+(?P<first>20\d\d)(?:\s*-\s*(?P<last>20\d\d))?\b")
_TITLE_HORIZON = re.compile(r"\b(?:den nam|giai doan)\s+(20\d\d)(?:\s*-\s*(20\d\d))?\b")
# a year said on its own ("đến 2025", "năm 2030"), not one inside a document's number or a date ("66.7/2025/NQ-CP")
_OWN_YEAR = re.compile(r"(?<![/\-.\d])\b20[2-5]\d\b(?![/\-])")
# who signs, asked in words ("ai", "người nào", "tên", a post): beside a deadline, "ký ban hành" alone asks when
_WHO_SIGNS = re.compile(r"\b(?:ai|nguoi|ten|ong|ba|chu tich|lanh dao|dong chi)\b")
# the part of a plan that gives each unit its work in prose ("phần tổ chức thực hiện", "mục phân công")
_DUTIES_PART = re.compile(r"\b(?:phan|muc|trong) (?:to chuc thuc hien|phan cong nhiem vu|phan cong)\b")
# a gloss after what a question names: words in brackets, or "kiểu / như / vd" and one word ("kiểu Starlink")
_GLOSS = re.compile(r"\([^)]*\)|\b(?:kiểu|kieu|như|nhu|vd|ví dụ|vi du)\s+[^\W\d_]+", re.IGNORECASE)
# an item asked for by its kind ("đề án nào", "việc gì", "nghị quyết nào")
_WHICH_ITEM = re.compile(r"\b(?:de an|du an|viec|dau viec|nhiem vu|chi tieu|nghi quyet|ke hoach|hang muc|van ban|"
                         r"chuong trinh|quy che|quy dinh|co che|chinh sach) (?:nao|gi)\b")
# Words that set two figures against each other ("so với năm trước", "cao hơn", "tăng bao nhiêu")
_COMPARED = re.compile(r"\b(?:so voi|hon|tang|giam|chenh)\b")
# Beside the time left, a result to reach asked in words of its own ("phải đạt tỷ lệ nào", "KPI")
_RESULT_ASKED = re.compile(r"\b(?:ty le|ti le|phan tram|kpi|dat muc|muc nao|dat (?:bao nhieu|may))\b")


# Pairs that say what kind of thing is asked, not what it is about (content words leave them out).
FORM_PAIRS = frozenset("""
bao_nhieu khi_nao the_nao nhu_the chu_tri phoi_hop phu_trach theo_doi thuc_hien trien_khai hoan_thanh
ke_hoach chi_tieu nhiem_vu muc_tieu don_vi phan_dau dat_ra co_quan dau_viec la_gi la_bao thoi_han han_chot
han_hoan toi_thieu it_nhat toi_da phan_tram ty_le so_luong cu_the hien_nay den_nay chiu_trach trach_nhiem
yeu_cau ky_vong mong_muon de_ra di_cung di_kem dong_hanh sat_canh
""".split())

# words that name a kind of document or its making, not which one ("kế hoạch", "ban hành", "dựa trên")
DOCUMENT_PAIRS = frozenset("ke_hoach van_ban nghi_quyet quyet_dinh thong_bao trien_khai thuc_hien ban_hanh so_hieu "
                           "ngay_ky hanh_dong dua_tren dua_vao can_cu vien_dan".split())
_DEADLINE_FORM_PAIRS = frozenset("moc_thoi thoi_gian thoi_diem moc_hoan gian_hoan truoc_ngay phan_ky".split())
# with the partners asked ("sở nào hỗ trợ", "ai phụ một tay"), the words of helping say the role asked
_COOP_FORM_PAIRS = frozenset("ho_tro phu_giup giup_suc tro_giup phu_mot mot_tay".split())
# with a document's number asked ("theo quyết định nào", "nghị quyết số mấy"), the kind of document is what is asked
_DOCNUM_FORM_PAIRS = frozenset("quyet_dinh nghi_quyet van_ban thong_bao ket_luan chi_thi so_hieu".split())
# syllables of a time expression ("đến cuối năm nay", "hết năm", "tháng tới"): a pair of two of them says when,
# which the window and year checks read; it is no topic a record must hold
_TIME_SYLLABLES = frozenset("cuoi dau giua het nam nay thang quy tuan den toi sau truoc".split())

# "người dân / dân số trưởng thành": adults, who are 18 and over by law
_ADULTS = re.compile(r"\b(?:nguoi|dan|dan so|nguoi dan|cong dan) truong thanh\b")
_AGE = re.compile(r"\b(?:(tu|tren|duoi|du)\s+)?(\d{1,3})\s+tuoi(?:\s+tro\s+(len|xuong))?")


# a document number: "433-KH/TU", "91/KH-UBND", "07-KH/ĐU", "66.7/2025/NQ-CP", "57-NQ/TW"
DOC_REF = re.compile(r"(?<![\w/.-])\d{1,4}(?:\.\d{1,3})?(?:/20\d\d)?\s*[-/]\s*[A-ZĐ]{1,6}"
                      r"(?:\s*[-/]\s*[A-ZĐ0-9]{1,10}){1,3}(?![\w/])")


# money asked as a share of something: "(tính trên GRDP)", "bao nhiêu phần trăm", "tỷ lệ chi"
_AS_A_SHARE = re.compile(r"\bgrdp\b|phan tram|%|\bty le\b|\bti le\b|\btren tong\b")

_DOC_NUMBER = re.compile(r"\b(?:ke hoach|kh|nghi quyet|nq|quyet dinh|qd|chi thi|ct|cong van|cv|thong bao|tb)"
                         r"\s+(?:so\s+)?(\d{1,4})\b(?![/.-]\d)")


def doc_key(text: str) -> str:
    """A document number as compared: folded, no spaces ("433 - KH/TU" = "433-kh/tu")."""
    return re.sub(r"\s+", "", fold(text))


def ages(text: str) -> set[tuple[str, int]]:
    """Age bounds a text sets on whom it counts: "từ 15 tuổi trở lên" -> (">=", 15), "dưới 15 tuổi" -> ("<", 15)."""
    out = set()
    f = fold(text)
    for word, n, tail in _AGE.findall(f):
        op = {"tu": ">=", "du": ">=", "tren": ">", "duoi": "<"}.get(word, "=")
        if tail:
            op = {"len": ">" if op == ">" else ">=", "xuong": "<" if op == "<" else "<="}[tail]
        out.add((op, int(n)))
    if _ADULTS.search(f):
        out.add((">=", 18))
    return out



def load_cues(path: Path = CUES_FILE) -> dict[str, list[re.Pattern]]:
    """Cue patterns per label (data file: label<TAB>regex on folded text)."""
    out: dict[str, list[re.Pattern]] = {}
    for label, pattern in read_pairs(path):
        out.setdefault(label, []).append(re.compile(pattern))
    return out


@lru_cache(maxsize=1)
def population_groups(path: Path = GROUPS_FILE) -> dict[str, tuple[re.Pattern, ...]]:
    """The groups of people a figure may be set for (data file: class<TAB>folded phrase), each class with the
    patterns of its phrases."""
    out: dict[str, list[re.Pattern]] = {}
    for cls, phrase in read_pairs(path):
        out.setdefault(cls, []).append(re.compile(rf"\b{re.escape(phrase)}\b"))
    return {cls: tuple(ps) for cls, ps in out.items()}


def groups_in(folded: str) -> frozenset[str]:
    """The population groups (classes of groups.tsv) a folded text names."""
    return frozenset(cls for cls, ps in population_groups().items() if any(p.search(folded) for p in ps))


def load_synonyms(path: Path = SYNONYMS_FILE) -> list[tuple[str, str, str]]:
    """(everyday with tones, everyday folded, plan wording), longest first."""
    pairs = [(" ".join(syllables(everyday, True)), fold(everyday), formal) for everyday, formal in read_pairs(path)]
    return sorted(pairs, key=lambda p: -len(p[1]))




@dataclass(frozen=True)
class UnitRef:
    plan: str
    name: str          # canonical name in that plan
    score: float       # >= 1.0: named in full


@dataclass(frozen=True)
class PlaceRef:
    slug: str
    locality: str
    level: str


@dataclass
class Lexicon:
    """What the reader needs to know about the loaded plans: places, units, vocabulary, wording pairs."""
    places: list[PlaceRef]
    units: dict[str, list]                 # slug -> [UnitGroup(canonical, aliases)]
    vocabulary: frozenset[str]
    abbreviations: object                  # index.abbreviations.Abbreviations
    synonyms: list[tuple[str, str, str]] = field(default_factory=load_synonyms)
    cues: dict[str, list[re.Pattern]] = field(default_factory=load_cues)
    aliases: dict[str, list[tuple[str, str]]] = field(default_factory=dict)   # alias -> [(plan, unit)]
    place_names: list[tuple[re.Pattern, str]] = field(default_factory=list)    # (folded name, slug)
    place_any: re.Pattern | None = None        # every place name, as written or folded
    place_folded: list[str] = field(default_factory=list)    # folded name per place_names entry
    place_codes: frozenset[str] = frozenset()                 # folded initials of places of two words or more ("pa")
    locality_any: re.Pattern | None = None     # the plans' place names alone, as written or folded
    issuer_any: re.Pattern | None = None       # a placed plan's issuer with its place ("UBND xã Nha Bích")
    # the body issuing only one loaded plan, written without its place ("Ban Thường vụ Tỉnh ủy"): (pattern, slug)
    issuer_heads: tuple = ()
    alias_items: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)   # aliases, in order
    alias_words: list[tuple[str, ...]] = field(default_factory=list)
    by_rare_word: dict[str, list[int]] = field(default_factory=dict)    # an alias's least shared word -> aliases
    by_distinct_word: dict[str, list[int]] = field(default_factory=dict)   # each non-generic word occurrence
    by_spelling_key: dict[str, list[int]] = field(default_factory=dict)    # what corpus.units.same_unit compares
    target_years: dict[str, frozenset[int]] = field(default_factory=dict)    # slug -> the years its targets are set for
    spelling: object = None                    # () -> index.text.DiacriticRestorer: the plans' syllables and pairs
    said: object = None                        # () -> str: every plan text as folded words (index folded_text)
    _normalizer: Normalizer | None = None
    _spelled_codes: dict[str, bool] = field(default_factory=dict)

    def spells_out(self, code: str) -> bool:
        """Whether an initialism is one the plans define, or some run of the plans' words has its initials
        ("CBCCVC": "cán bộ, công chức, viên chức"; a "và" inside may go unwritten: "TTTT")."""
        if code in self.abbreviations.table or fold(code).upper() in self.abbreviations.table:
            return True
        if self.said is None:
            return True
        if code not in self._spelled_codes:
            run = " (?:va )?".join(f"{c}[a-z0-9]*" for c in fold(code.lower()))
            self._spelled_codes[code] = re.search(f" {run} ", self.said()) is not None
        return self._spelled_codes[code]

    def _issuers_with_place(self) -> re.Pattern | None:
        """The body issuing a plan of a place, written before the place's name ("UBND xã Nha Bích", "Ban Thường
        vụ Tỉnh ủy Đồng Nai"): it says which plan, as the place does, not what is asked. The level word
        (xã, phường, tỉnh) between them may be left out; the body may be written as initials (the reader
        spells those out before it reads the topic)."""
        heads, names = set(), set()
        for p in self.places:
            head = _issuer_head(p)
            if not head or len(words(self.abbreviations.spell_out(head))) < 2:
                continue
            for h in (head, self.abbreviations.spell_out(head)):
                heads |= {h, fold(h)}
            names |= {p.locality, fold(p.locality)}
        if not heads:
            return None
        alt = lambda xs: "|".join(re.escape(x).replace(r"\ ", r"\s+") for x in sorted(xs, key=len, reverse=True))
        return re.compile(rf"\b(?:{alt(heads)})\s+(?:(?:{_ISSUER_LEVEL})\s+)?"
                          rf"(?:{alt(names)})\b", re.IGNORECASE)

    def _unique_issuer_heads(self) -> tuple:
        """A placed plan's issuing body without its place ("Ban Thường vụ Tỉnh ủy" of "Ban Thường vụ Tỉnh ủy tỉnh
        Đồng Nai") names that plan when no other loaded plan has the same body ("UBND xã" names none): (pattern
        on the question and on its folded form, slug)."""
        by_head: dict[str, set[str]] = {}
        for p in self.places:
            head = self.abbreviations.spell_out(_issuer_head(p))       # "UBND" and "Ủy ban nhân dân" are one body
            if len(words(head)) >= 3:       # "Tỉnh ủy" alone is too common to name a plan
                by_head.setdefault(fold(head), set()).add(p.slug)
        # followed by a level word ("Ủy ban nhân dân xã chủ trì …") it is a body of that level asked about
        return tuple((re.compile(rf"\b{re.escape(h).replace(chr(92) + ' ', chr(92) + 's+')}\b"
                                 rf"(?!\s+(?:xa|phuong|tinh|huyen|thanh pho)\b)"), slugs.pop())
                     for h, slugs in by_head.items() if len(slugs) == 1)

    @property
    def normalizer(self) -> Normalizer | None:
        """Built on first use from the plans' own spelling (forms and pairs of syllables)."""
        if self._normalizer is None and self.spelling is not None:
            restorer = self.spelling()
            self._normalizer = Normalizer(restorer.forms, restorer.pairs,
                                          [(p.locality, p.level) for p in self.places], self.abbreviations,
                                          said=self.said)
        return self._normalizer

    def __post_init__(self):
        # compiled once: questions are read against every plan's place name
        self.place_names = [(re.compile(rf"\b{re.escape(fold(p.locality))}\b"), p.slug) for p in self.places]
        self.place_folded = [fold(p.locality) for p in self.places]
        self.place_codes = frozenset(fold(initials(p.locality)) for p in self.places if len(p.locality.split()) >= 2)
        names = sorted({n for p in self.places for n in (p.locality, fold(p.locality))}, key=len, reverse=True)
        # the place names alone; place_any may grow plan numbers and issuers (answers.plan_refs.naming_pattern)
        self.locality_any = re.compile(rf"\b(?:{'|'.join(map(re.escape, names))})\b", re.IGNORECASE) if names else None
        self.place_any = self.locality_any
        self.issuer_any = self._issuers_with_place()
        self.issuer_heads = self._unique_issuer_heads()
        # one entry per spelling: copies of a plan share their unit names, so the look-up grows slowly
        for slug, groups in self.units.items():
            for g in groups:
                for a in g.aliases:
                    self.aliases.setdefault(a, []).append((slug, g.canonical))
        # look-ups from a question's words and unit-like phrases to the aliases that may match them, so a
        # question is compared with a few aliases, not with every alias of every plan
        self.alias_items = list(self.aliases.items())
        self.alias_words = [tuple(words(a)) for a, _ in self.alias_items]
        shared = Counter(w for aw in self.alias_words for w in set(aw))
        for i, ((alias, _), aw) in enumerate(zip(self.alias_items, self.alias_words)):
            if aw:
                self.by_rare_word.setdefault(min(aw, key=lambda w: (shared[w], w)), []).append(i)
            for w in aw:
                if w not in _GENERIC_UNIT_WORDS:
                    self.by_distinct_word.setdefault(w, []).append(i)
            for key in spelling_keys(alias):
                self.by_spelling_key.setdefault(key, []).append(i)

    def alias_candidates(self, qwords: set[str], all_words: set[str], phrases: list[str]) -> list[int]:
        """Aliases (by position in alias_items) that QueryReader._units could score: all of whose words the
        question has (the rarest one is looked up), two of whose distinct words it has, or that a unit-like
        phrase of the question may spell (same plain key, key without level, acronym signature within one
        edit). A superset: the scoring itself is unchanged."""
        found = {i for w in all_words for i in self.by_rare_word.get(w, ())}
        hits: Counter[int] = Counter(i for w in qwords for i in self.by_distinct_word.get(w, ()))
        found.update(i for i, n in hits.items() if n >= 2)
        for ph in phrases:
            for key in spelling_keys(ph):
                found.update(self.by_spelling_key.get(key, ()))
        return sorted(found)


@lru_cache(maxsize=50_000)
def spelling_keys(name: str) -> frozenset[str]:
    """Keys two spellings share whenever corpus.units.same_unit may hold: the plain key, the key without a
    level word, the acronym signature and (for signatures of 5+ letters) each signature less one letter."""
    key = plain_key(name)
    sig = signature(name)
    keys = {f"k:{key}", f"s:{_LEVEL_SUFFIX.sub('', key)}", f"g:{sig}"}
    if len(sig) >= 5:
        keys.update(f"g:{sig[:i]}{sig[i + 1:]}" for i in range(len(sig)))
    return frozenset(keys)


_INITIALISM = re.compile(r"[A-ZĐ][A-ZĐ0-9&.\-]+")


@lru_cache(maxsize=200_000)
def _same(phrase: str, alias: str) -> bool:
    """The question's phrase names the unit of this alias. A phrase written out in full is not an initialism whose
    letters its words happen to start ("Văn phòng Trung ương" is not "VPTU", Văn phòng Tỉnh ủy): the unit's
    written-out aliases are compared with it instead."""
    if _INITIALISM.fullmatch(alias.strip()) and not any(_INITIALISM.fullmatch(w) for w in phrase.split()):
        return False
    return same_unit(phrase, alias)


_DOC_KIND = re.compile(r"\b(ke hoach|nghi quyet|quyet dinh|thong bao|chi thi|cong van|de an|chuong trinh|huong dan|"
                       r"ket luan|kh|nq|qd)\b")
_DOC_KIND_SHORT = {"kh": "ke hoach", "nq": "nghi quyet", "qd": "quyet dinh"}


@dataclass(frozen=True)
class Query:
    raw: str
    text: str                      # cleaned, NFC
    asks: frozenset[str]           # owner coop deadline value count list duties product kpi metadata overview
    role: str | None               # lead | coop | both | None
    about: str | None              # "task" | "target" | None: what the question counts or lists
    meta: frozenset[str]           # number date issuer signer title basis period parts groups recipients
    plans: tuple[str, ...]         # plan slugs the question names
    unknown_place: str | None
    levels: frozenset[str]         # "tỉnh" / "xã" / "phường" when the question says which level
    units: tuple[UnitRef, ...]
    unknown_unit: str | None       # a unit-like phrase that matches no unit of any plan
    year: int | None
    window: TimeWindow | None
    remaining: bool                # "còn bao lâu"
    today: date
    topic: tuple[str, ...]         # folded terms of what it is about (cue words, places dropped)
    search: str                    # text for the hybrid index (plus the plan wording of everyday phrases)
    expects: frozenset[str]        # what the evidence must hold: number, date, unit, person
    foreign: frozenset[str]        # facts plans never state: contact, money, headcount, hours, achieved, ...
    group_ref: str | None          # "iv" in "nhóm IV", or None
    post: str | None               # a post asked about ("chu tich"), folded
    deadline_kind: str | None      # guidance | continuous | recurring: "việc nào làm thường xuyên"
    greeting: bool = False
    offtopic: bool = False
    empty: bool = False
    words: frozenset[str] = frozenset()       # every term of the question (question words too), places cut out
    focus: tuple[tuple[str, int], ...] = ()   # records a follow-up is about: (plan slug, first line)
    assumed: str = ""                         # what was taken from the conversation, said in the answer
    base: str = ""                            # the question that stands on its own (this one, or the earlier one)
    counted: str | None = None                 # "mấy lớp tập huấn" -> "lop": the thing whose number is asked
    members: tuple[int, str] | None = None     # "84 nền tảng … gồm những nền tảng nào" -> (84, "nen tang")
    phrases: tuple[tuple[str, ...], ...] = ()  # syllables in order, split at places and punctuation
    toned: bool = False                        # phrases keep tone marks (the question was typed with them)
    changes: tuple[Change, ...] = ()           # what normalization repaired (shorthand, Telex, typos, places)
    plain: str = ""                            # the question as typed, places cut out, abbreviations spelled out
    reworded: tuple[tuple[str, str], ...] = ()   # (everyday phrase, plan phrase) of synonyms.tsv found, folded
    spelled: tuple[frozenset[str], ...] = ()     # the word pairs of each abbreviation spelled out ("FDI": 4 pairs)
    foreign_words: tuple[str, ...] = ()        # words of another language no plan writes ("wifi", "camera", "drone")
    gloss_words: frozenset[str] = frozenset()  # folded words of a gloss ("(drone, UAV)", "kiểu Starlink"): no topic
    # issue 23, one indicator across plans: rank_high | rank_low | compare | which_plans | missing | None
    compare: str | None = None
    compare_levels: frozenset[str] = frozenset()   # levels named beyond the named plans' ("… so với tỉnh")
    other_level: frozenset[str] = frozenset()      # "cán bộ cấp tỉnh" asked of a commune's plan: another level
    # a periodic report asked about ("kỳ nộp báo cáo tháng tới"): its period (month, half, year, quarter) or
    # "any" when none is said; None when the question is not about periodic reporting
    report: str | None = None
    # the place in a list a question asks for ("dòng đầu", "chỉ tiêu thứ hai", "mục cuối cùng"): 1, 2, …, -1
    position: int | None = None
    # the part of the plan that assigns work in prose is named ("phần tổ chức thực hiện giao trạm y tế việc gì"):
    # a unit's duties there are asked, not the table rows it leads
    in_duties_part: bool = False
    # which item is asked by its kind ("đề án nào", "phải xong việc gì"): with a period said, the item due in it
    which_item: bool = False
    # a count of the whole asked: "across" every group ("cả bốn nhóm", "cộng dồn"), or a "total" ("tất cả",
    # "tổng cộng") that stands for the whole when nothing in particular is counted; None otherwise
    whole: str | None = None
    # a document asked for its number and/or date ("kế hoạch của Đảng ủy xã … số mấy, ngày nào"): {"number", "date"},
    # or the documents of a body listed ("những kế hoạch nào của Đảng ủy xã"): {"list"};
    # cited_by: the question says the plan cites it ("căn cứ", "dẫn", "dựa vào")
    cited: frozenset[str] = frozenset()
    cited_by: bool = False
    # the issuing bodies the question names: "UBND xã" -> "ubnd:xa", "Tỉnh ủy" -> "tinh_uy:tinh" (plan_refs.bodies)
    cited_bodies: frozenset[str] = frozenset()

    @cached_property
    def cited_kind(self) -> str | None:
        """The kind of document the question names first ("kế hoạch", "nghị quyết"), folded; None for "văn bản"."""
        m = _DOC_KIND.search(fold(self.text).lower())
        return _DOC_KIND_SHORT.get(m.group(1), m.group(1)) if m else None

    @property
    def asks_roll(self) -> bool:
        """"Giao việc cho mấy đơn vị", "những đơn vị nào được phân công": the units the plan assigns work, not
        about one thing."""
        return self.wants("list_units") and not self.names_more_than("assignment")

    def names_more_than(self, whole: str) -> bool:
        """The question names something in particular, beyond the words that ask for the whole of a unit's
        cooperation, of the plan's assignment of units, or of the plan ("overview")."""
        words_ = _WHOLE_OF[whole]
        terms_ = self.topic if whole == "overview" else self.subject
        return any("_" not in t and t not in words_ and not t.isdigit() for t in terms_)

    @cached_property
    def per_people(self) -> int | None:
        """How many people the figure asked is counted per ("tính theo mỗi nghìn dân": 1000), if said."""
        return people_base(fold(self.plain))

    @cached_property
    def graded(self) -> tuple[tuple[str, str], ...]:
        """A figure with its measure that qualifies what is asked about ("sản phẩm OCOP đạt 4 sao", "mạng 5G",
        "3 tầng"): (figure, measure word), folded. Times, ages, percentages and counts asked are not."""
        out = []
        # "Nghị quyết 57", "Đề án 06" are names, and so is a number of two digits or more after an initialism
        # ("ĐA 06", "QĐ 749"); "OCOP 4 sao" is a grade
        plain = _NAMED_BY_NUMBER.sub(" ", fold(_INITIALISM_NUMBER.sub(" ", self.plain)))
        for n, unit in re.findall(r"(?<![\d/.,])(\d{1,3})\s*([a-z]+)\b", plain):
            # "… theo ĐA 06 vậy": no measure; "xài chung 1 phần mềm": one is an article, not a grade
            if unit not in _NOT_GRADES and unit not in _PARTICLES and int(n) != 1:
                out.append((n, unit))
        return tuple(out)

    @cached_property
    def doc_refs(self) -> tuple[str, ...]:
        """Document numbers the question names ("Kế hoạch số 433-KH/TU", "91/KH-UBND", "66.7/2025/NQ-CP"), as
        compact folded keys (no spaces, lower case, đ -> d) to find the lines that cite them."""
        full = [doc_key(m) for m in DOC_REF.findall(self.text)]
        # "KH 433", "Nghị quyết số 57": a number after a document type, matched against the cited codes
        bare = [f"#{n}" for n in _DOC_NUMBER.findall(fold(self.text))
                if not any(k.startswith(f"{n}-") or k.startswith(f"{n}/") for k in full)]
        return tuple(dict.fromkeys(full + bare))

    @cached_property
    def years(self) -> tuple[int, ...]:
        """Every year the question names, in order ("mục tiêu 2025 bn, 2030 bn" -> (2025, 2030)), but a year it says
        is not the one meant ("mốc 2030 (không phải 2026)", "giai đoạn sau 2026, ví dụ 2030")."""
        said = tuple(dict.fromkeys(int(y) for y in YEAR.findall(self.text)))
        unmeant = unmeant_years(fold(self.text))
        return tuple(y for y in said if y not in unmeant) or said

    @cached_property
    def contact_media(self) -> frozenset[str]:
        """How a contact detail asked would be given: "web" (trang web, link), "phone", "email"."""
        f = fold(self.text)
        return frozenset(medium for medium, pattern in _CONTACT_MEDIA if pattern.search(f))

    @cached_property
    def asks_share(self) -> bool:
        """The question asks for a percentage ("bao nhiêu %", "mấy phần trăm", "tỷ lệ"), maybe beside a count."""
        return "%" in self.text or bool(re.search(r"\bphan tram\b|\bt[iy] le\b", fold(self.text)))

    @property
    def never_stated(self) -> bool:
        """Asks for something no plan states (results achieved, opinions, who holds a post)."""
        return bool(self.foreign & NEVER_STATED)

    @cached_property
    def topic_without_roles(self) -> tuple[str, ...]:
        """Topic terms with no role word in them: what is asked about, not the role asked ("chủ trì")."""
        return tuple(t for t in self.topic if not set(t.split("_")) & _ROLE_ASKED)

    @cached_property
    def groups(self) -> frozenset[str]:
        """Population groups the question names ("người cao tuổi", "giáo viên", "hộ kinh doanh"): groups.tsv."""
        return groups_in(fold(self.text).lower())

    @cached_property
    def ages(self) -> set[tuple[str, int]]:
        """Age bounds the question sets on whom it counts ("trẻ em dưới 15 tuổi")."""
        return ages(self.text)

    @cached_property
    def form_pairs(self) -> frozenset[str]:
        """Pairs that only say what kind of thing this question asks (with a deadline asked, its time words too:
        "mốc thời gian … là quý nào"; with the partners asked, the words of helping: "sở nào hỗ trợ")."""
        return (FORM_PAIRS | (_DEADLINE_FORM_PAIRS if "deadline" in self.asks else frozenset())
                | (_COOP_FORM_PAIRS if "coop" in self.asks else frozenset())
                | (_DOCNUM_FORM_PAIRS if "docnum" in self.expects else frozenset()))

    @cached_property
    def content(self) -> tuple[str, ...]:
        """Candidate content words: adjacent syllable pairs of the question as typed (places cut out,
        abbreviations spelled out), folded, no number, no pair that only says what kind of thing is asked."""
        out = []
        # words the chat shorthand stood for ("ktra giúp em": "kiểm tra") are the typist's idiom, not a topic
        form = self.form_pairs | {p for c in self.changes if c.why == "shorthand" for p in word_pairs(c.after)}
        for chunk in re.split(r"[|,;:?!()]", self.plain):
            sylls = [one_spelling(w) for w in words(chunk)]
            # the word right before "gì" is what is asked for ("làm việc gì", "chức năng gì"): its answer is the
            # record, which need not name it
            asked = {i for i, w in enumerate(sylls) if i >= 2 and w == "gi"}
            out.extend(f"{a}_{b}" for i, (a, b) in enumerate(zip(sylls, sylls[1:]))
                       if not a.isdigit() and not b.isdigit() and f"{a}_{b}" not in form
                       and not (a in _TIME_SYLLABLES and b in _TIME_SYLLABLES) and i + 2 not in asked)
        return tuple(dict.fromkeys(out))

    @cached_property
    def subject(self) -> tuple[str, ...]:
        """Topic terms that name a subject: no structure words ("phụ lục", "tổng cộng"), no question words
        inside, not the words of a unit the question names."""
        unit_words = {w for u in self.units for w in words(u.name)}
        # words of a structure phrase ("tổng cộng", "toàn bộ") are not a subject either
        phrase_words = {p for t in self.topic if t in _STRUCTURE_PHRASES for p in t.split("_")}
        # "sang tháng sau", "sang năm": a word that only leads into a time says when, not what
        plain = words(self.plain)
        for w in {"sang"} & set(plain):
            if all(i + 1 < len(plain) and plain[i + 1] in _TIME_SYLLABLES for i, x in enumerate(plain) if x == w):
                phrase_words |= {w} | {t for t in self.topic if t.startswith(f"{w}_")}
        return tuple(t for t in self.topic if t not in phrase_words and t not in _STRUCTURE_PHRASES
                     # a two-syllable word is a subject unless both halves are form words ("cơ chế" is,
                     # "nhiệm vụ" is not)
                     if t in SUBJECT_PAIRS or not all(p in _STRUCTURE_WORDS or p in CUE_SYLLABLES or p.isdigit()
                                                      or p in phrase_words for p in t.split("_"))
                     and not set(t.split("_")) <= unit_words)

    @property
    def follows(self) -> bool:
        """Read against an earlier question of the chat."""
        return bool(self.assumed)

    def wants(self, *names: str) -> bool:
        return any(n in self.asks for n in names)


def _issuer_head(place) -> str:
    """A placed plan's issuing body without its place and level word ("Ban Thường vụ Tỉnh ủy" of "Ban Thường vụ
    Tỉnh ủy tỉnh Đồng Nai"); "" when the issuer does not end with the place."""
    issuer, locality = getattr(place, "issuer", "") or "", place.locality
    # folding keeps a Vietnamese text's length (one letter for one), so the place's offset holds in both
    at = fold(issuer).lower().find(fold(locality).lower()) if locality else -1
    if at <= 0:
        return ""
    return re.sub(rf"\s+(?:{_ISSUER_LEVEL})\s*$", "", issuer[:at].strip(), flags=re.IGNORECASE)


def _asked(text: str) -> frozenset[str]:
    """What a clause asks, by its question words: a figure, who leads, when, which measure. "Quý mấy", "còn
    bao nhiêu ngày" ask when; "AI" in capitals is artificial intelligence, not "ai" (who)."""
    text = re.sub(r"\bAI\b", " ", text)
    f = fold(text)
    found = {name for name, p in _ASKS_OTHER.items() if p.search(f)}
    if _ASKS_TIME.search(f):
        found.add("deadline")
    if _ASKS_FIGURE.search(_ASKS_TIME.sub(" ", f)):
        found.add("figure")
        # asked, not stated ("chỉ tiêu 100% học sinh"), and not the "máy" of "bộ máy" typed with its marks
        toned = f != text.lower()
        asked = _ASKS_NUMBER_TONED.search(text.lower()) if toned else _ASKS_NUMBER.search(_ASKS_TIME.sub(" ", f))
        if not asked:
            found.add("stated")
    return frozenset(found)


def clean_question(raw: str) -> str:
    """NFC, HTML/markdown stripped, whitespace collapsed, length capped."""
    text = nfc(raw or "")
    text = html.unescape(text)
    text = re.sub(r"<[^>]{0,200}>", " ", text)
    text = re.sub(r"[`*_#>\[\]{}|~]+", " ", text)
    text = re.sub(r"[\u200b-\u200f\ufeff]", "", text)
    text = squash(text)
    if len(text) > MAX_QUESTION_CHARS:
        text = text[:MAX_QUESTION_CHARS].rsplit(" ", 1)[0]
    return text


# "xuống/sang/lên <nơi> thì …", "qua bên <nơi>": the conversation moves to another plan
_FOLLOW_UP = re.compile(r"^(con|the con|vay con|vay|the|con ve|ve|xuong|sang|len)\b|^qua (ben|xa|phuong|tinh)\b"
                        r"|thi sao\b|\b(viec|nhiem vu|chi tieu|phong|don vi|"
                        r"so|ban|co quan|cai|muc|ke hoach|van ban) (do|ay|nay|tren|vua roi)\b|\bno\b")
_RECORD_PRONOUN = re.compile(r"\b(viec|nhiem vu|chi tieu|muc tieu|cai|van de|noi dung|han) (do|ay|nay|tren|vua roi)\b"
                             r"|\bno\b")
# "cái đầu tiên", "việc thứ hai", "mục cuối cùng": one item of the list the last answer gave, by its place
_ORDINAL = re.compile(r"\b(?:(?:cai|viec|muc|nhiem vu|chi tieu|dong|y|noi dung|dau viec|van ban|ke hoach) )?"
                      r"(dau tien|thu nhat|thu (?:hai|ba|tu|nam|sau|bay|tam|chin|muoi|\d{1,2})|cuoi cung|sau cung|"
                      r"chot)\b")
_ORDINAL_WORDS = {"dau tien": 1, "thu nhat": 1, "thu hai": 2, "thu ba": 3, "thu tu": 4, "thu nam": 5, "thu sau": 6,
                  "thu bay": 7, "thu tam": 8, "thu chin": 9, "thu muoi": 10}


_ROW_AT = re.compile(r"\bdong (?:so )?(\d{1,2}|dau)\b(?! (?:nam|thang|quy|ngay|%))")
_BOTH_ENDS = re.compile(r"\b(?:dau tien|thu nhat|mo dau|bat dau)\b.{0,60}\b(?:cuoi cung|sau cung|chot|ket thuc)\b")


def _position(f: str) -> int | None:
    """The place in a list a question asks for ("dòng đầu" 1, "chỉ tiêu thứ hai" 2, "mục cuối cùng" -1); None
    when it names none, or asks for both ends ("mục đầu tiên và cuối cùng")."""
    if _BOTH_ENDS.search(f):
        return None
    if m := _ROW_AT.search(f):
        return 1 if m.group(1) == "dau" else int(m.group(1))
    ordinal = _ordinal(f)
    return ordinal[0] if ordinal else None


def _ordinal(f: str) -> tuple[int, str] | None:
    """(the place a follow-up points at in the last answer's list: 1, 2, …, -1 for the last; the words that say
    it), or None."""
    m = _ORDINAL.search(f)
    if not m:
        return None
    said = m.group(1)
    if said in ("cuoi cung", "sau cung", "chot"):
        return -1, m.group(0)
    digits = re.fullmatch(r"thu (\d{1,2})", said)
    return (int(digits.group(1)) if digits else _ORDINAL_WORDS[said]), m.group(0)


_ROLE_WORDS = frozenset("phoi hop chu tri phu trach theo doi thuc hien trien khai lo chiu ganh canh om cam trich".split())
# the role a question asks about; "triển khai" names the work itself as often ("tiếp nhận, triển khai HTTT")
_ROLE_ASKED = _ROLE_WORDS - {"trien", "khai"}
# Single words that leave a question about the whole of something: a unit's cooperation ("phối hợp làm gì?"),
# the units a plan assigns ("những đơn vị nào được phân công tổ chức thực hiện?"), the plan as a whole
# ("nội dung chính của kế hoạch năm 2026?").
_WHOLE_OF = {
    "cooperation": frozenset("phoi hop phoi_hop lam".split()),
    "assignment": frozenset("phan cong to chuc thuc hien trach nhiem tham gia giao liet ke tat ca trong phan muc "
                            "phong ban co quan don vi viec nhiem vu".split()),
    "overview": frozenset("ke hoach nam trong tam cu the noi dung chinh tong quan tom tat phai lam nhung gi co gom "
                          "bao phan muc".split()),
}
# Words after a figure that give a time, an age, a share or a count rather than a grade of the thing asked.
_NOT_GRADES = frozenset("t "     # "15t": tuổi, tháng, tỷ or triệu, too many readings to be a grade
                        "ngay thang nam quy tuan gio phut tuoi lan nguoi ho don vi muc nhiem vu chi tieu "
                        "trieu ty nghin ngan dong moc dot ky buoc giai doan "
                        # function words that may follow a figure in a sentence
                        "cua la va o tai trong cho voi ve den toi theo do thi duoc co khong da phai can se hay "
                        "hoac nay kia ay nua roi ma nhu tu tren duoi sau truoc".split())
# "KPI" asks for a task's measure (cue kpi): a form word, not words of the topic, however the plans spell it out
_KPI = re.compile(r"(?i)\bKPI\b")
_CONTACT_MEDIA = (
    ("web", re.compile(r"\b(web|website|trang|link|dia chi (trang|web|truy cap)|he thong nao|url)\b")),
    ("phone", re.compile(r"\b(dien thoai|sdt|hotline|duong day nong|goi|so may|fax)\b")),
    ("email", re.compile(r"\b(email|e-mail|thu dien tu|hop thu|mail)\b")),
)
_INITIALISM_NUMBER = re.compile(r"\b[A-ZĐ]{2,6}\s*(?:số\s*)?\d{2,}\b")
_NAMED_BY_NUMBER = re.compile(r"\b(?:nghi quyet|de an|ke hoach|quyet dinh|chi thi|thong tu|chuong trinh|nhom|muc|"
                              r"phan|phu luc|so|nq|kh|qd|ct|tt)\s*(?:so\s*)?\d+[\w./-]*")
# a year said as not the one meant, on folded text: "(không phải 2026)", "chứ ko phải năm 2025", "sau 2026"
_UNMEANT_YEAR = re.compile(r"\b(?:(?:khong|ko|k|chu khong|chu ko) phai|sau)\s+(?:nam\s+|moc\s+)?(20\d\d)\b")


def unmeant_years(folded: str) -> set[int]:
    """The years a question says are not the ones meant, when it names another: "mốc 2030 (không phải 2026)",
    "giai đoạn sau 2026, ví dụ 2030" -> {2026}."""
    if len({int(y) for y in YEAR.findall(folded)}) < 2:
        return set()
    return {int(y) for y in _UNMEANT_YEAR.findall(folded)}


# Plan levels a comparison may name ("các xã so với tỉnh"), on folded text.
# (level, folded pattern, pattern with tone marks: "tính" is not "tỉnh" when the question has them)
# ("hợp tác xã", "xã hội", "xã viên" name no commune)
_LEVEL_WORDS = (("tỉnh", r"\btinh\b", r"\btỉnh\b"),
                ("xã", r"(?<!hop tac )\bxa\b(?! hoi\b| vien\b)", r"(?<!hợp tác )\bxã\b(?! hội\b| viên\b)"),
                ("phường", r"\bphuong\b", r"\bphường\b"))
# Facts never in a plan: what was achieved so far, opinions, who holds a post today (signers aside).
NEVER_STATED = frozenset({"achieved", "opinion", "person", "compare", "reason"})
# what is asked of a record, not what it is about: "Sản phẩm là gì?", "KPI ra sao?" follow the last answer
_ATTRIBUTE_WORDS = frozenset("san pham dau kpi ket qua tieu chi luong".split())
# a follow-up's words that point back to the figure asked before ("con số tương ứng", "nâng lên mức nào",
# "sang 2030"), not a topic of its own
_ASKED_AGAIN_WORDS = frozenset("sang nang tang len tuong ung".split())
_UNIT_PRONOUN = re.compile(r"\b(phong|don vi|so|ban|co quan|trung tam|tram|to) (do|ay|nay|tren)\b|\b(ho|ben do)\b")


@lru_cache(maxsize=20_000)
def word_pairs(text: str) -> frozenset[str]:
    """Adjacent folded syllable pairs, one spelling of a final y/i, as Query.content spells them: the content
    words a text holds."""
    sylls = [one_spelling(w) for w in words(text)]
    return frozenset(f"{a}_{b}" for a, b in zip(sylls, sylls[1:]))


def _runs_initials(name: str) -> set[str]:
    """Initials of every run of two or more words of a name ("Công an xã": "ca", "ax", "cax")."""
    ws = words(name)
    return {"".join(w[0] for w in ws[i:j]) for i in range(len(ws)) for j in range(i + 2, len(ws) + 1)}


class QueryReader:
    def __init__(self, lexicon: Lexicon):
        self.lx = lexicon

    def _cue_texts(self, label: str, f: str, toned: str):
        """(pattern, text it reads) for a cue label: its patterns on the folded question, and its ambiguous ones
        as written — "@plain" on a question typed without tone marks, "@toned" on one typed with them."""
        for p in self.lx.cues.get(label, ()):
            yield p, f
        variant, text = ("@plain", f) if toned == f else ("@toned", toned)
        for p in self.lx.cues.get(label + variant, ()):
            yield p, text

    def _has(self, label: str, f: str, toned: str) -> bool:
        return any(p.search(text) for p, text in self._cue_texts(label, f, toned))

    def _plans_write_cue(self, label: str, f: str, toned: str) -> bool:
        """Every stretch of the question a cue label matches has two words or more, and the plans write it."""
        if self.lx.said is None:
            return False
        spans = [s for s in (" ".join(words(m.group(0))) for p, text in self._cue_texts(label, f, toned)
                             for m in p.finditer(text)) if s]
        if not spans or any(len(s.split()) < 2 for s in spans):
            return False
        said = self.lx.said()
        return all(f" {s} " in said for s in spans)

    def read(self, raw: str, today: date, context=None, now: float | None = None) -> Query:
        """Read a question; with a chat context (answers.types.ChatContext), an elliptical follow-up
        ("Hạn khi nào?", "Còn Phước An thì sao?", "Phòng đó còn làm gì?") is read against it."""
        import time
        q = self._read(raw, today)
        if context is None or context.expired(now if now is not None else time.time()) or q.empty or q.greeting:
            return q
        f = fold(q.text)
        earlier: list[Query] = []

        def earlier_read() -> Query:
            """The earlier question, read once however many of the checks below need it."""
            if not earlier:
                earlier.append(self._read(context.question, today))
            return earlier[0]

        pointing = {w for m in _UNIT_PRONOUN.finditer(f) for w in m.group(0).split()}    # "sở đó", "phòng này"
        pointing |= {w for u in q.units for w in words(u.name)}          # "còn Công an phường Hàng Gòn?"
        pointing |= {"so"} if re.search(r"\bcon so\b", f) else set()    # "con số ấy", "con số tương ứng"
        # "phòng nào canh?", "sở nào lo?": the kind of unit asked for is the question, not its topic
        pointing |= {m.group(1) for m in re.finditer(r"\b(\w+) nao\b", f) if m.group(1) in _UNIT_KIND_WORDS}
        # the syllables of words that only say what kind of thing is asked ("mốc thời gian cụ thể?") name no topic
        pointing |= {w for t in q.topic if t in q.form_pairs for w in t.split("_")}
        ordinal = _ordinal(f) if len(context.items) > 1 else None
        nth = ordinal[0] if ordinal else None
        if ordinal:       # "cái thứ hai": its words point, they name no topic
            pointing |= set(ordinal[1].split())
        own = [t for t in q.topic if "_" not in t and t not in _PLACE_WORDS and t not in _ROLE_WORDS and len(t) > 1
               and t not in _ATTRIBUTE_WORDS and t not in FILLER_FOLDED and t not in pointing
               and t not in _ASKED_AGAIN_WORDS]
        marked = bool(_FOLLOW_UP.search(f))
        if q.plans or q.unknown_place:
            # words all of the earlier question ("… bao nhiêu bài báo …" then "xã PA thì cần mấy bài?") name
            # nothing new: the earlier question, asked of this plan (read only when the rest says "fresh")
            if (len(own) >= 2 or (own and (q.asks or q.expects) and not marked)) and not re.search(r"thi sao|the nao", f) \
                    and not set(own) <= set(earlier_read().topic):
                # names its own plan and topic: a fresh question ("Xuân Phú có mấy sản phẩm OCOP 5 sao?",
                # where OCOP spells out to mostly form words, asks a thing of its own)
                return q
            if q.units and q.asks and not re.search(r"thi sao|the nao", f) \
                    and not {u.name for u in q.units} & {u[1] for u in context.units}:
                # "Còn tỉnh Đồng Nai, Bộ Chỉ huy Quân sự tỉnh được giao việc gì, hạn bao giờ?": a unit of its own
                # and what it asks of it, a fresh question
                return q
            if set(q.plans) <= set(context.plans) and q.asks and own and not marked:
                # the plan the chat is already about, with an ask and words of its own ("phòng nào canh chỉ tiêu
                # chữ ký số ở Hàng Gòn?" after Hàng Gòn's figures): a question of its own, not the earlier one again
                return q
            # "Còn Phước An thì sao?": the earlier question, asked of another plan
            return self._asked_again(raw, q, context, today, q.plans, None if q.plans else q.unknown_place)
        if q.units and len(own) >= 3 and not marked:
            return q                                        # names its own unit and topic
        levels = {p.level for p in self.lx.places if p.slug in context.plans}
        if q.levels and not q.levels & levels:
            # "Vậy cấp tỉnh thì bao nhiêu % hộ gia đình dùng băng rộng cố định?": words of its own the earlier
            # question did not have, a fresh question however it opens
            fresh = len(own) >= 2 and not set(own) <= set(earlier_read().topic)
            if not fresh and (marked or len(own) < 2):
                # "Toàn tỉnh thì con số ấy là bao nhiêu?" after a commune's answer: the earlier question, asked
                # of the plans of the level named
                return self._asked_again(raw, q, context, today,
                                         tuple(p.slug for p in self.lx.places if p.level in q.levels), None)
            return q                                        # "… của tỉnh do ai chủ trì?" after a commune's answer
        plans = tuple(context.plans)
        units = q.units
        if not q.year and (m := re.search(r"\b(nam sau|nam toi|sang nam|nam truoc|nam ngoai)\b", f)):
            # "… năm sau thì?": the year after the one the chat was about (today's, when it named none)
            said = earlier_read().year or today.year
            q = replace(q, year=said + (1 if m.group(1) in ("nam sau", "nam toi", "sang nam") else -1))
        if q.year and len(own) < 2 and not q.units and not _RECORD_PRONOUN.search(f):
            # "Còn đến 2030?": the earlier question asked for another year (the same indicator's value for
            # that year is another record), not a question about the records last cited
            asked = self._for_year(context.question, q.year)
            return replace(self._read(asked, today), raw=raw, base=asked,
                           assumed=f"cùng câu hỏi trước, cho năm {q.year}")
        if not units and (_UNIT_PRONOUN.search(f) or len(own) < 2):
            units = tuple(UnitRef(*u) for u in context.units if u[0] in plans or not plans)
        base = earlier_read()
        common = dict(plans=plans, units=units, asks=frozenset(q.asks or base.asks), about=q.about or base.about,
                      expects=q.expects or base.expects, year=q.year or base.year, role=q.role or base.role)
        if "list" in q.asks and units and _UNIT_PRONOUN.search(f):
            # "Đơn vị này còn chủ trì những chỉ tiêu nào khác?": that unit's list, not the record last cited
            return replace(q, **{**common, "asks": q.asks - {"value"}, "expects": q.expects, "about": q.about},
                           assumed=self._plans_label(plans))
        about_unit = bool(pointing) and q.wants("duties")      # "Phòng đó còn làm gì nữa?": that unit's work
        if nth is not None and abs(nth) <= len(context.items) and not q.plans:
            # "cái thứ hai thì hạn?" after a list: that one item of it
            item = context.items[nth - 1 if nth > 0 else -1]
            return replace(q, **{**common, "asks": q.asks or base.asks - {"list", "count"}, "units": q.units},
                           topic=q.topic + base.topic, search=f"{base.search} {q.text}", focus=(tuple(item),),
                           base=context.question, assumed=self._plans_label(plans))
        other_unit = bool(q.units) and not {u.name for u in q.units} & {u[1] for u in context.units}
        if other_unit and context.units and not q.asks and not _RECORD_PRONOUN.search(f) \
                and not _UNIT_PRONOUN.search(f) and len(own) < 2:
            # "Còn các nhà trường?" after "Trạm Y tế xã nhận phần gì?": the earlier question asked of another unit
            # named in the earlier unit's place (not the records the last answer was about); one that asks its own
            # thing ("bên nhà trường thì được giao gì?") is read as it stands
            asked = context.question
            for u in context.units:
                at = fold(asked).lower().find(fold(u[1]).lower())     # folding keeps one letter for one
                if at >= 0:
                    asked = f"{asked[:at]}{q.units[0].name}{asked[at + len(u[1]):]}"
            if asked != context.question:
                return replace(self._read(asked, today), raw=raw, base=asked,
                               assumed=f"cùng câu hỏi trước, cho {q.units[0].name}")
        if _RECORD_PRONOUN.search(f) or (len(own) < 2 and not about_unit):
            # "Hạn khi nào?", "Nhiệm vụ ấy đo bằng gì?": the records the last answer was about
            return replace(q, **common, topic=q.topic + base.topic, search=f"{base.search} {q.text}",
                           focus=tuple(context.focus), base=context.question,
                           assumed=context.label or self._plans_label(plans))
        # "Thế còn chỉ tiêu chữ ký số?": a topic of its own, in the plans of the conversation
        return replace(q, **common, assumed=self._plans_label(plans))

    def _asked_again(self, raw: str, q: Query, context, today: date, plans, unknown_place) -> Query:
        """The earlier question asked of other plans (the earlier question's own when none), for the year and the
        unit the follow-up names if it names them ("thế năm 2026 toàn tỉnh đặt mấy %?", "còn Công an phường
        Hàng Gòn?"), else the earlier question's unit in those plans."""
        # a place named ("còn Phước An?") or the one plan a level names ("thế ở tỉnh?") takes the earlier place's
        # stead: "phường Hàng Gòn" asked of the province's plan would search for the ward's words there
        asked = self._in_place(self._for_year(context.question, q.year), q.plans or plans)
        base = self._read(asked, today)
        plans = tuple(plans) or base.plans
        note = ""
        if not q.year and base.year and plans and _OWN_YEAR.search(asked) and \
                not any(base.year in self.lx.target_years.get(p, frozenset({base.year})) for p in plans):
            # "Đến 2025 Xuân Phú đặt mấy %?" then "còn Phước An?": the year was the first plan's horizon; the plans
            # now asked set no figure for it, so their figure is asked, and the answer says so
            note = f"; kế hoạch này không đặt chỉ tiêu cho năm {base.year}"
            base = self._read(_OWN_YEAR.sub(" ", asked), today)
        # "… giao VP HĐND-UBND đúng không?" then "Phước An giao ai?": the unit is what is asked now, not carried
        units = tuple(q.units) or (() if q.asks & {"owner", "coop"} else tuple(self._units(base.search, list(plans))))
        # "xuống Nha Bích thì phòng nào gánh?": the earlier question's topic, with what this one asks of it
        asks = {"asks": q.asks, "role": q.role, "expects": q.expects} if q.asks else {}
        return replace(base, raw=raw, plans=plans, unknown_place=unknown_place, units=units, focus=(), **asks,
                       base=base.base, assumed=f"cùng câu hỏi trước, cho {self._plans_label(plans)}{note}" if plans else "")

    def for_each_year(self, q: Query) -> list[Query]:
        """A question asking one figure for two years or more ("2025 bn, 2030 bn"): the question read once per
        year, every year in it replaced by that one."""
        return [self._read(YEAR.sub(str(y), q.raw), q.today) for y in q.years]

    def two_asks(self, q: Query) -> tuple[str, str, bool] | None:
        """"DN mới bao nhiêu, tổ chức KH&CN thì sao?": a question asking a second figure in a clause of its own
        after a comma: (the question up to it, that clause); None when the question asks one thing."""
        text = q.text
        f = fold(text)
        for m in reversed(list(_SECOND_ASK.finditer(f))):
            head, tail = text[:m.start()], text[m.end():]
            if len(words(tail)) < 2:
                continue
            first, second = _asked(head), _asked(tail)
            # two figures ("DN mới bao nhiêu, tổ chức KH&CN mấy"), or a figure and who / when / which measure
            if "figure" in first and "figure" in second:
                return head.strip(), tail.strip(), False
            if first and second and first != second and "figure" in first | second and "stated" not in first | second:
                # a figure and who / when of it: the second asks about what the first found
                return head.strip(), tail.strip(), True
        return None

    def about_the_same(self, q: Query, first: Query, context: ChatContext) -> Query:
        """The second of two asks about one thing ("ai lo việc X, và mục tiêu bao nhiêu %?"): read against the
        records the first ask found, unless it names its own place."""
        if q.focus or not set(q.plans) <= set(context.plans):
            return q
        return replace(q, plans=context.plans, topic=q.topic + first.topic,
                       search=f"{first.search} {q.text}", focus=tuple(context.focus))

    def _in_place(self, question: str, plans) -> str:
        """The earlier question asked of the one plan a follow-up names: the place it named (with its level word,
        "phường Hàng Gòn") replaced by that plan's ("xã Phước An"), so its words and its meaning search that plan
        alone; as it was when it named no place, or when the follow-up names several plans."""
        place = next((p for p in self.lx.places if len(plans) == 1 and p.slug == plans[0]), None)
        if place is None or not place.locality or self.lx.locality_any is None:
            return question
        named = re.compile(rf"(?:\b(?:{_LEVEL_BEFORE_PLACE})\s+)?(?:{self.lx.locality_any.pattern})", re.IGNORECASE)
        before = {p.level for p in self.lx.places for m in named.finditer(question)
                  if p.level and fold(p.locality).lower() in fold(m.group(0)).lower()}
        question = named.sub(f"{place.level} {place.locality}".strip(), question)
        if place.level and len(before) == 1 and before != {place.level}:
            # "hệ thống thông tin cấp xã" of a commune, asked of the province: "cấp tỉnh"
            old = before.pop()
            question = re.sub(rf"\b(cấp|toàn)\s+(?:{re.escape(old)}|{re.escape(fold(old))})\b",
                              lambda m: f"{m.group(1)} {place.level}", question, flags=re.IGNORECASE)
        return question

    @staticmethod
    def _for_year(question: str, year: int | None) -> str:
        """The earlier question asked for another year: its year replaced, or the year added."""
        if not year:
            return question
        if YEAR.search(question):
            return YEAR.sub(str(year), question)
        return f"{question.rstrip(' ?')} năm {year}?"

    def _place_name(self, slug: str) -> str:
        return next((p.locality for p in self.lx.places if p.slug == slug), slug)

    def _plans_label(self, plans) -> str:
        return ", ".join(self._place_name(s) for s in plans)

    def _read(self, raw: str, today: date) -> Query:
        text = clean_question(raw)
        typed = fold(text)      # as typed, before the normalizer reads its shorthand
        changes: tuple[Change, ...] = ()
        if self.lx.normalizer is not None:
            normalized = self.lx.normalizer.normalize(text)
            text, changes = normalized.text, normalized.changes
        text = _without_purpose(text)
        # "Trạm y tế hỏi: …", "Em ở Tổ CNSCĐ bên PA, …": who asks says where, but is no topic of the question
        whole, speaker, intro = text, _SPEAKER.match(text), _SELF_INTRO.match(text)
        lead = speaker or intro
        if lead and re.search(r"\w", text[lead.end():]):
            text = text[lead.end():].strip()
        f = fold(text)
        toned = " ".join(syllables(text, True)) if f != text.lower() else f
        empty = not re.search(r"\w", text)
        greeting = bool(_GREETING.match(f.strip()))
        offtopic = self._has("offtopic", f, toned)
        year = self._asked_year(f, typed)
        whole_f = fold(whole) if whole is not text else f
        plans, unknown_place = self._places(whole, whole_f)
        if len(plans) > 1 and (own := self._plan_named(whole_f, plans)):
            plans = own     # "Trong kế hoạch Xuân Phú, Sở KH&CN Đồng Nai …": the plan is Xuân Phú's
        said_level = self._levels(whole, whole_f) if len(plans) != 1 else frozenset()
        if len(plans) > 1 and not any(p.search(whole_f) for p, _ in self.lx.place_names):
            # "Kế hoạch năm 2026 cấp tỉnh ai ký?": plans found by what several share (a year, a subject), narrowed
            # to the level the question says
            level = {p.slug: p.level for p in self.lx.places}
            plans = [s for s in plans if level[s] in said_level] or plans
        levels = said_level if not plans else frozenset()
        expanded, replaced, reworded = self._rewrite(text)
        units = self._units(expanded, plans or [p.slug for p in self.lx.places])
        if not units and text is not whole and speaker and _FIRST_PERSON.search(f):
            # "trạm y tế hỏi: kế hoạch giao mình những việc gì": the asker's own unit is the one asked about
            units = self._units(speaker.group(0), plans or [p.slug for p in self.lx.places])
        unknown_unit = None
        if not any(u.score >= 1 for u in units):
            for m in [*_UNIT_PHRASE.finditer(text), *_UNIT_PHRASE_PLAIN.finditer(text)]:
                # the name, not the words that follow it ("Sở Y tế Đồng Nai chủ trì …" -> "Sở Y tế Đồng Nai")
                name = re.sub(r"\s+(?:chủ|phối|có|được|phải|là|làm|thực|giao|theo|trong|của|ở|tại|và|cần|đã|sẽ)\b.*$",
                              "", m.group(0))
                # the issuing body of a plan the question names ("Bộ VHTTDL giao …", "kế hoạch của Ban Thường vụ
                # Tỉnh ủy") names that plan, not a unit: the next body named may be one
                if len(self._strip_places(name, " ").split()) < 2:
                    continue
                # a unit found only in part and of another kind ("Ban Chỉ huy Quân sự phường" read as "các cơ quan
                # chuyên môn … phường") is not the one named: the named one is unknown
                head = fold(name.split()[0]).lower()
                if units and any(fold(u.name).lower().split()[0] == head for u in units):
                    break
                unknown_unit, units = name, []
                break
        asks = {label for label in ("owner", "coop", "deadline", "value", "duties", "list", "count", "product",
                                    "kpi", "metadata", "overview", "subtasks", "list_units", "coop_only") if self._has(label, f, toned)}
        if not units and text is not whole and intro and not asks & {"owner", "coop"}:
            # "Em bên VH-XH xã Nha Bích, đợt nộp tổng hợp tháng lần tới là hôm nào?": the asker's unit is asked
            # about, unless a unit is what it asks for ("Em ở Tổ CNSCĐ bên PA, … phòng nào theo dõi?")
            units = self._units(intro.group(0), plans or [p.slug for p in self.lx.places])
        if "coop_only" in asks:     # "đơn vị nào chỉ phối hợp chứ không chủ trì": a list of units
            asks = (asks - {"owner", "coop"}) | {"list"}
        if "list_units" in asks:    # "những đơn vị nào được phân công": the plan's units, listed
            asks = (asks - {"owner"}) | {"list"}
        if "subtasks" in asks:      # "chia thành mấy tiểu nhiệm vụ": the rows of one task, counted
            asks = (asks - {"count", "value"}) | {"list"}
        if "list" in asks and self._has("list_deadline", f, toned):
            asks.add("deadline")
        window, remaining = read_window(f, today, year)
        if window is not None and window.status == "ask" and not window.filters and not asks & {"list", "count"}:
            asks.add("deadline")    # "đã trễ mốc … chưa": whether a deadline has passed asks that deadline
        if window is not None and window.filters and asks == {"product"}:
            asks.add("list")        # "trong quý tới … phải nộp sản phẩm gì": the period's tasks, with their products
        if remaining:   # "còn bao nhiêu ngày" asks for time left, not a target value nor a count of things
            asks.add("deadline")
            if "value" in asks and _RESULT_ASKED.search(f):
                asks.add("kpi")     # "… còn bao nhiêu ngày và phải đạt tỷ lệ nào?": the result to reach too
            asks.discard("value")
            if not _ITEMS_COUNTED.search(f):
                asks.discard("count")
        role = None
        if "coop" in asks or self._has("coop_role", f, toned):
            role = "both" if self._has("lead_role", f, toned) else "coop"
            # "các phòng phối hợp thực hiện kế hoạch xong trong tháng mấy?": a cooperation the question is about,
            # asked for its time or figure, is no ask for the partners
            if "coop" in asks or not asks & {"deadline", "value"}:
                asks.add("coop")
        elif self._has("lead_role", f, toned):
            role = "lead"
        about = None
        if re.search(r"chi tieu|muc tieu", f) and not re.search(r"nhiem vu|\bviec\b|dau viec", f):
            about = "target"
        elif re.search(r"nhiem vu|\bviec\b|dau viec", f):
            about = "task"
        meta = frozenset(label[5:] for label in self.lx.cues
                         if label.startswith("meta_") and "@" not in label and self._has(label, f, toned))
        if "signer" in meta and "deadline" in asks and not _WHO_SIGNS.search(f):
            meta = meta - {"signer"}    # "hạn chót để ký ban hành kế hoạch là gì": when it is signed, not by whom
        if "recipients" in meta and "deadline" in asks:
            # "làm xong kế hoạch triển khai thì gửi về đâu, hạn chót ngày mấy": where a unit's document is sent, by
            # when — a duty with a date, not the list of recipients (which has none)
            meta = meta - {"recipients"}
        if meta & {"recipients", "signer"}:
            asks.discard("owner")       # "gửi tới những đơn vị nào", "người đứng tên là ai": the list or the signer
        cited = frozenset(k for k in ("number", "date") if self._has(f"cited_{k}", f, toned))
        if "number" in cited and self._has("cited_day", f, toned):
            cited = cited | {"date"}
        named_bodies = bodies(fold(DOC_REF.sub(" ", text)).lower())     # not the code of a number ("91/KH-UBND")
        if self._has("cited_list", f, toned) and named_bodies:
            cited = cited | {"list"}        # "những kế hoạch nào của Đảng ủy xã": each document of a body
        if cited:       # "kế hoạch năm 2025 của UBND xã … số mấy": a cited document's number, its date
            meta = meta | {f"cited_{k}" for k in cited}
        if meta:
            asks.add("metadata")
        g = re.search(r"\b(?:nhom|muc|phan|linh vuc|mang)\s+(" + "|".join(ROMAN_NUMERALS) + r"|\d{1,2}(?:\.\d{1,2})*)\b", f)
        group_ref = g.group(1) if g else None
        in_duties_part = bool(_DUTIES_PART.search(f))
        which_item = bool(_WHICH_ITEM.search(f))
        expects = {label[7:] for label in self.lx.cues
                   if label.startswith("expect_") and "@" not in label and self._has(label, f, toned)}
        foreign = {label[8:] for label in self.lx.cues
                   if label.startswith("foreign_") and "@" not in label and self._has(label, f, toned)}
        compare, compare_levels = self._compare(f, toned, plans, asks)
        if compare is not None:
            foreign.discard("compare")      # across plans, not against an earlier year: the plans say it
        if "subtasks" in asks:
            expects.discard("number")
        if "number" in expects and not asks & {"count", "value"} and _ASKS_WHEN.search(f) \
                and not self._has("expect_number", (rest := _MAY_BEFORE_NOUN.sub(" ", f)), rest):
            # "mấy phòng chuyên môn làm xong … thời điểm nào": a date is asked (the rest read as folded text)
            expects.discard("number")
        if "docnum" in expects:
            expects.discard("number")   # "nghị quyết số mấy": a document's number ("04/2025/NQ-CP"), not a figure
        if "number" in expects and not asks:
            asks.add("value")           # "tổ chức KH&CN lập mới ít nhất mấy cái": a figure, asked with no other word
        # a cue the plans themselves write is plan wording, not a request for a fact plans never state:
        # "bài báo … có địa chỉ tại tỉnh" asks for a target, not for an address
        foreign -= {label for label in foreign if self._plans_write_cue(f"foreign_{label}", f, toned)}
        if "money" in foreign and _AS_A_SHARE.search(f):
            foreign.discard("money")    # "bao nhiêu tiền ngân sách (tính trên GRDP)": a share, which plans set
        if "money" in foreign and "number" not in expects and asks & {"owner", "coop"}:
            foreign.discard("money")    # "phòng nào lo bảo đảm tiền cho kế hoạch, để gửi dự toán": who, not how much
        if "calendar" in foreign and re.search(r"\bnhiem vu\b|\bviec\b", f) and re.search(r"\b(thoi )?han\b", f):
            foreign.discard("calendar")     # "nhiệm vụ tham dự hội thi … hạn khi nào": a task's deadline
        if "compare" in foreign and ("deadline" in asks or window is not None or remaining) \
                and not _COMPARED.search(f):
            foreign.discard("compare")      # "phải xong trong tháng mấy năm ngoái": when it was due, not a change
        if window is not None or remaining:
            # "đến nay đã quá hạn chưa" asks about a deadline, not about results achieved
            foreign.discard("achieved")
            expects.discard("number")
        report = None
        if self._has("report", f, toned) and self._has("report_when", f, toned):
            report = next((k[7:] for k in ("report_half", "report_month", "report_year", "report_quarter")
                           if self._has(k, f, toned)), "any")
            # "họp giao ban đầu tháng 7: báo cáo tháng lần tới gửi trước ngày nào?": the meeting is the occasion,
            # the date of a periodic report is asked ("báo cáo tổng kết" names no period: it is the event's)
            if report != "any":
                foreign.discard("calendar")
        deadline_kind = next((k[7:] for k in ("dlkind_guidance", "dlkind_continuous", "dlkind_recurring")
                              if self._has(k, f, toned)), None)
        post = next((w for w in ("pho chu tich", "chu tich", "bi thu", "pho truong", "truong phong", "truong ban",
                                 "giam doc", "truong cong an", "truong tram") if w in f), None)
        said = text
        if compare is not None:     # "cao nhất", "so sánh": how to compare, not what the indicator is
            replaced, said = self._cut("compare_words", replaced), self._cut("compare_words", text)
        if self._has("count_sum", f, toned):       # "cộng các nhóm lại": how to count, not what
            replaced = self._cut("count_sum", replaced)
        whole = None
        if "count" in asks:
            whole = next((w for w in ("across", "total") if self._has(f"count_{w}", f, toned)), None)
            if whole == "across":                   # "cả bốn nhóm", "gộp lại": how to count, not what
                replaced = self._cut("count_across", replaced)
        topic = self._topic(replaced, plans or [p.slug for p in self.lx.places])
        # "CA xã" found as "Công an xã": its initials are a word of the unit, not of what is asked
        initials = {i for u in units for i in _runs_initials(u.name)}
        topic = [t for t in topic if t not in initials]
        all_words = frozenset(terms(self._strip_places(text)))
        # "bao nhiêu người", "mấy lớp"; toneless "mây bao nhiêu" is not "mấy bao"
        m = re.search(r"\b(?:bao nhieu|may)\s+(?!bao\b|nhieu\b)([a-z]+)", f)
        counted = m.group(1) if m and m.group(1) not in _NOT_COUNTED | _PARTICLES and "number" in expects else None
        members = _members(fold(self.lx.abbreviations.spell_out(text))) if "list" in asks and "count" not in asks \
            else None
        spelled = self.lx.abbreviations.spell_out(self._strip_places(replaced, " | "))
        # typed with tone marks or not: read before the spelled-out abbreviations bring marks of their own
        toned = fold(replaced) != replaced.lower()
        phrases = tuple(tuple(syllables(c, toned)) for c in re.split(r"[|,;:?!()]", spelled) if words(c))
        return Query(raw=raw, text=text, asks=frozenset(asks), role=role, about=about, meta=meta,
                     plans=tuple(plans), unknown_place=unknown_place, levels=levels, units=tuple(units),
                     unknown_unit=unknown_unit, year=year, window=window, remaining=remaining, today=today,
                     topic=tuple(topic), search=expanded, expects=frozenset(expects), foreign=frozenset(foreign),
                     group_ref=group_ref, in_duties_part=in_duties_part, which_item=which_item, whole=whole,
                     cited=cited, cited_by=self._has("cited_by", f, toned), cited_bodies=named_bodies,
                     deadline_kind=deadline_kind, post=post, greeting=greeting, offtopic=offtopic, empty=empty, base=text, words=all_words,
                     phrases=phrases, toned=toned, counted=counted, members=members, changes=changes,
                     plain=self.lx.abbreviations.spell_out(self._strip_places(_KPI.sub(" | ", said), " | ")), reworded=reworded,
                     spelled=tuple(frozenset(word_pairs(e)) for e in self.lx.abbreviations.found(said)
                                   if len(words(e)) > 2),
                     foreign_words=self._foreign_words(text),
                     gloss_words=frozenset(fold(w).lower() for m in _GLOSS.finditer(text)
                                           for w in re.findall(r"[^\W\d_]+", m.group(0))),
                     compare=compare, compare_levels=compare_levels, report=report,
                     other_level=self._other_level(f, plans) if compare is None else frozenset(),
                     position=_position(f) if "list" in asks else None)

    # ------------------------------------------------------------------ comparisons across plans (issue 23)
    def _cut(self, label: str, text: str) -> str:
        """text with what the cue `label` matches (on its folded form) replaced by a phrase break."""
        f = fold(text)
        if len(f) != len(text):    # folding kept one letter per letter: the spans are the same in both
            return text
        for p in reversed([m.span() for pat in self.lx.cues.get(label, ()) for m in pat.finditer(f)]):
            text = f"{text[:p[0]]} | {text[p[1]:]}"
        return text

    def _compare(self, f: str, toned: str, plans: list[str], asks) -> tuple[str | None, frozenset[str]]:
        """Which comparison across plans the question asks for (cues compare_* in cues.tsv), and the levels it
        names beyond those of the plans it names. A comparison needs several plans: two named, a plan and
        another level, two levels, or words for many ("các xã", "xã nào")."""
        levels = frozenset(level for level, plain, marked in _LEVEL_WORDS
                           if re.search(marked if toned != f else plain, toned))
        # "xã Phước An … so với tỉnh": the levels beyond those of the plans named
        levels -= {p.level for p in self.lx.places if p.slug in plans}
        several = (len(plans) >= 2 or bool(plans and levels) or len(levels) >= 2
                   or not plans and self._has("compare_many", f, toned))
        for label in ("missing", "rank_high", "rank_low", "which"):
            if self._has(f"compare_{label}", f, toned) and (several or label == "missing" and plans):
                return ("which_plans" if label == "which" else label), levels
        if self._has("compare_two", f, toned) and several:
            return "compare", levels
        if "value" in asks and not asks & {"owner", "coop", "deadline", "duties", "count", "list"} \
                and self._has("compare_all", f, toned):
            return "compare", levels        # "các xã đặt chỉ tiêu … bao nhiêu?": every plan's value, side by side
        return None, levels

    # ------------------------------------------------------------------ places
    def _places(self, text: str, f: str) -> tuple[list[str], str | None]:
        from answers.plan_refs import by_number, resolve   # by number, issuer, place, subject (many plans per place)
        named = resolve(self.lx.places, self.lx.place_names, text, f, self.lx.abbreviations.spell_out(text))
        unknown = self._unknown_place(text, f)
        if not named and not unknown:
            # "kế hoạch của Ban Thường vụ Tỉnh ủy": the one plan that body issued
            heads = {slug for pattern, slug in self.lx.issuer_heads if pattern.search(f)}
            if len(heads) == 1:
                return [heads.pop()], None
        if named and unknown and not any(p.search(f) for p, _ in self.lx.place_names) \
                and not by_number(self.lx.places, f):
            return [], unknown      # "kế hoạch chuyển đổi số của tỉnh Bình Dương": a subject is not that place
        if named:
            return named, None
        return [], unknown

    def _asked_year(self, f: str, typed: str) -> int | None:
        """The first year the question names, but not one naming a loaded plan by the horizon of its title: "theo KH
        đổi mới công nghệ đến 2035 của Đồng Tháp, …", "KH kinh tế số giai đoạn 2026-2030: đến 2030 …" — the words
        between the document word and the horizon are words of that plan's title, number or place. The plan is
        found in the question as typed (`typed`, folded: the normalizer may read "KH" as "khoa học"), the year
        skipped in the text read (`f`)."""
        naming: Counter[str] = Counter()
        for m in _PLAN_HORIZON.finditer(typed):
            between = set(m.group("between").split())
            years = {m.group("first"), m.group("last") or m.group("first")}
            if between and any(years <= hz and between <= said for hz, said in self._titles):
                naming.update(y for y in (m.group("first"), m.group("last")) if y)
        unmeant = unmeant_years(f)      # "mốc 2030 (không phải 2026)": a year said as not the one meant
        for m in YEAR.finditer(f):
            if naming[m.group(1)]:
                naming[m.group(1)] -= 1
                continue
            if int(m.group(1)) in unmeant:
                continue
            return int(m.group(1))
        return None

    @cached_property
    def _titles(self) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
        """(horizon years, words naming it) of every loaded plan whose title gives a horizon."""
        out = []
        for p in self.lx.places:
            title = fold(getattr(p, "subject", "") or "")
            horizon = frozenset(y for m in _TITLE_HORIZON.finditer(title) for y in m.groups() if y)
            if horizon:
                named = f"{title} {fold(getattr(p, 'number', '') or '')} {fold(p.locality)}"
                out.append((horizon, frozenset(re.findall(r"[a-z0-9]+", named))))
        return tuple(out)

    def _plan_named(self, f: str, plans: list[str]) -> list[str]:
        """The one plan of several a question names as "kế hoạch (của) (xã) <place>" — the other places it names
        belong to a body or a comparison ("Sở KH&CN Đồng Nai") — or [] when it names none or several so."""
        named = {slug for p, slug in self.lx.place_names if slug in plans and re.search(
            rf"\b(?:ke hoach|kh)\s+(?:cua\s+)?(?:(?:xa|phuong|tinh|thanh pho)\s+)?{p.pattern}", f)}
        return list(named) if len(named) == 1 else []

    def _unknown_place(self, text: str, f: str) -> str | None:
        """A place the question names with its level word that no loaded plan has ("tỉnh Bình Dương").

        A name is the capitalized words after a level word ("tỉnh Bình Dương", typed without marks "tinh Binh
        Duong"). A question typed without marks and in lower case gets a name only from two words that read as
        one: after no plural word ("cac xa …"), not a function word first, the two words not a pair the plans
        write ("xa so voi tinh" is "xã so với tỉnh"), and no word of the plans' vocabulary made of the level word
        and the first ("phuong an" is "phương án", "xa hoi" is "xã hội"), of the two, or of the second and the
        word after it ("xa dat chi tieu" is "xã đạt chỉ tiêu")."""
        toneless = fold(text) == text.lower()
        levels = _LEVEL_NAMES_FOLDED if toneless else _LEVEL_NAMES
        for m in re.finditer(rf"\b((?i:{levels}))\s+([\wÀ-ỹĐđ]+(?:\s+[\wÀ-ỹĐđ]+){{0,3}})", text):
            name_words = []
            for w in m.group(2).split():
                if not w[0].isupper() or w.isupper() and len(w) <= 3:   # "xã PA", "ở ĐN": initials, not a name
                    break
                name_words.append(w)
            if name_words:
                return f"{m.group(1).lower()} {' '.join(name_words)}"
        if toneless:
            pairs = self._folded_pairs()
            vocabulary = self.lx.vocabulary
            for m in re.finditer(r"\b(?:(cac|nhung|moi|tung)\s+)?(xa|phuong|huyen|quan)\s+([a-z]+)\s+([a-z]+)(?:\s+([a-z]+))?", f):
                many, level, first, second, third = m.groups()
                # "xa pa ky vong …": a loaded place's initials typed in lower case, then other words
                if many or first in _NOT_A_NAME or first in self.lx.place_codes or {first, second} & _PLACE_WORDS \
                        or (first, second) in pairs \
                        or {f"{level}_{first}", f"{first}_{second}", f"{second}_{third}"} & vocabulary:
                    continue
                return f"{level} {first} {second}"
        return None

    def _foreign_words(self, text: str) -> tuple[str, ...]:
        """A level of government no plan writes ("huyện", "quận"), and words of another language (no Vietnamese
        syllable, four letters or more, not written in capitals) that no plan writes: what the question is about
        is then something the plans do not cover ("wifi", "camera", "drone", "livestream"). Words the reader knows
        are left out: everyday phrases of synonyms.tsv ("online", "startup"), the media of a contact asked (web,
        email: their own check), initialisms."""
        known = {w for everyday, folded, _ in self.lx.synonyms for w in folded.split()}
        out = []
        # a gloss of what the question names is no other topic: "kinh tế tầm thấp (drone, UAV)", "internet vệ tinh
        # kiểu Starlink"
        text = _GLOSS.sub(" ", text)
        for w in re.findall(r"[^\W\d_]+", text):
            f = fold(w)
            if w.lower() in _LEVELS_OF_GOVERNMENT and f not in self.lx.vocabulary:
                out.append(w)       # "cấp huyện" where no plan writes the level: a level no plan covers
                continue
            if re.fullmatch(r"[A-ZĐ]{3,6}", w) and f not in ROMAN_NUMERALS and not is_syllable(f) \
                    and f not in self.lx.vocabulary and f not in known and not self.lx.spells_out(w):
                out.append(w)       # an initialism no run of the plans' words stands for ("THPT", "USD")
                continue
            if any(f[i] == f[i + 1] and is_syllable(f[:i] + f[i + 1:]) for i in range(len(f) - 1)):
                continue            # a key pressed twice in a Vietnamese word ("vongg"): a slip, not another language
            if len(f) < 4 or not (w.islower() or w.istitle()) or is_syllable(f) or f in self.lx.vocabulary \
                    or f in known or f.upper() in self.lx.abbreviations.table \
                    or any(p.search(f) for _, p in _CONTACT_MEDIA):
                continue
            out.append(w)
        return tuple(dict.fromkeys(out))

    def _folded_pairs(self):
        """Every pair of adjacent syllables the plans write, folded (the normalizer's counts of them)."""
        normalizer = self.lx.normalizer
        return normalizer.folded_pairs if normalizer is not None else {}

    def _other_level(self, f: str, plans) -> frozenset[str]:
        """"cấp tỉnh", "cấp xã" qualifying what is asked of a named plan of another level ("CBCC cấp tỉnh" in a
        commune's plan)."""
        if not plans:
            return frozenset()
        named = {p.level for p in self.lx.places if p.slug in plans}
        return frozenset(level for level, plain, _ in _LEVEL_WORDS
                         if re.search(rf"\bcap {fold(level)}\b", f)) - named

    @staticmethod
    def _levels(text: str, f: str) -> frozenset[str]:
        t = text.lower()
        levels = set()

        def typed(pattern: str, plain: str, marked: str) -> bool:
            # the level word (last in the pattern) typed as the level or without marks ("Tính tới năm nào?" names no
            # province; folding keeps the text's length, so a match on the folded text points at the word as typed)
            return any(t[m.end() - len(plain):m.end()] in (plain, marked) for m in re.finditer(pattern, f))

        if re.search(r"\btỉnh\b", t) or typed(r"\b(cua|toan|cap|ca|o|ben|phia|tai) tinh\b|^tinh\b", "tinh", "tỉnh"):
            levels.add("tỉnh")
        if re.search(r"\bxã\b", t) or typed(r"\b(cua|cap|cac) xa\b", "xa", "xã"):
            levels.add("xã")
        if re.search(r"\bphường\b", t):
            levels.add("phường")
        return frozenset(levels) if len(levels) == 1 else frozenset()

    def _strip_places(self, text: str, mark: str = " ") -> str:
        """Place names cut out: a filter, not a topic ("Phước An" is not "đề án"); so is the body only one plan has
        ("… của Ban Thường vụ Tỉnh ủy")."""
        text = self.lx.place_any.sub(mark, text) if self.lx.place_any else text
        for pattern, _ in self.lx.issuer_heads:
            # folding keeps a Vietnamese text's length, so a match on the folded text cuts the text as typed
            spans = [m.span() for m in pattern.finditer(fold(text))]
            for start, end in reversed(spans):
                text = f"{text[:start]}{mark}{text[end:]}"
        return text

    # ------------------------------------------------------------------ wording
    def _rewrite(self, text: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
        """(question plus the plan wording of its everyday phrases, question with those phrases replaced, the
        (everyday, plan) phrase pairs found, folded)."""
        accented = fold(text) != text.lower()
        # abbreviations spelled out first: the replaced text is lower case, where "DN" would be no word
        folded = f" {' '.join(syllables(self.lx.abbreviations.spell_out(text), accented))} "
        # unit names are names: "Sở Giáo dục và Đào tạo" keeps its "đào tạo"
        names = [f" {' '.join(syllables(m.group(0), accented))} " for m in _UNIT_PHRASE.finditer(text)]
        added, reworded = [], []
        typed = folded          # a phrase the question has, not one an earlier pair put in ("nhỏ và vừa")
        for everyday, everyday_folded, formal in self.lx.synonyms:
            key = everyday if accented else everyday_folded
            # one syllable typed without marks has many readings ("tien": tiền, tiến, tiên), unless the plans
            # write it in none of them ("xai" can only be "xài") or it has no marks to lose ("cloud")
            if not accented and len(key.split()) < 2 and key in self.lx.vocabulary and everyday != everyday_folded:
                continue
            if len(key.split()) < 2 and self._inside_plan_word(typed, key):
                continue    # "tiền" in "tiền mặt": a word the plans write, not the everyday "tiền" (kinh phí)
            if f" {key} " in typed and f" {key} " in folded and not any(f" {key} " in n for n in names):
                plan_wording = ' '.join(syllables(formal, accented))
                # wording the plans use too ("trường học"): keep it beside the plan's usual one
                keep = f"{key} " if self._plans_say(everyday_folded) else ""
                folded = folded.replace(f" {key} ", f" {keep}| {plan_wording} | ")
                if everyday_folded != fold(formal):
                    added.append(formal)
                    reworded.append((everyday_folded, fold(formal)))
        expanded = text + (" " + " ; ".join(added) if added else "")
        return expanded, (folded if added else text), tuple(reworded)

    def _inside_plan_word(self, text: str, key: str) -> bool:
        """Every time the question has this one syllable, it makes a two-syllable word the plans write with the
        syllable before or after it."""
        sylls = text.split()
        at = [i for i, w in enumerate(sylls) if w == key]
        return bool(at) and all(
            (i > 0 and f"{fold(sylls[i - 1])}_{fold(key)}" in self.lx.vocabulary)
            or (i + 1 < len(sylls) and f"{fold(key)}_{fold(sylls[i + 1])}" in self.lx.vocabulary) for i in at)

    def _plans_say(self, phrase_folded: str) -> bool:
        """The plans use this two-or-more-syllable wording themselves ("trường học", "đào tạo")."""
        sylls = phrase_folded.split()
        pairs = [f"{x}_{y}" for x, y in zip(sylls, sylls[1:])]
        return bool(pairs) and all(p in self.lx.vocabulary for p in pairs)

    def _topic(self, replaced: str, scope: list[str]) -> list[str]:
        text = self.lx.abbreviations.spell_out(_KPI.sub(" ", replaced))
        if self.lx.issuer_any is not None:      # "… của UBND xã Nha Bích": which plan, not what is asked
            text = self.lx.issuer_any.sub(" | ", text)
        text = self._strip_places(text, " | ")
        out = []
        for chunk in text.split("|"):       # no bigram across a replaced phrase's edge
            for t in terms(chunk):
                parts = t.split("_")
                # years are matched by the year bonus, not as words every 2026 record shares
                if all(p in CUE_SYLLABLES or re.fullmatch(r"20\d\d", p) for p in parts) and t not in SUBJECT_PAIRS:
                    continue
                out.append(t)
        return out

    # ------------------------------------------------------------------ units
    def _units(self, expanded: str, scope: list[str]) -> list[UnitRef]:
        text = self._strip_places(expanded)
        tokens = re.findall(r"[\wÀ-ỹĐđ&\-\.]+", text)
        toneless = fold(text) == text.lower()
        qwords = set(words(text)) - _QUESTION_WORDS
        phrases = []
        for i, tok in enumerate(tokens):
            if (_UNIT_HEAD_WORD.match(tok) or re.fullmatch(r"[A-ZĐ][A-ZĐ&\-\.]{1,}", tok)
                    or (toneless and tok.lower() in _UNIT_HEAD_FOLDED)):
                for j in range(i + 1, min(len(tokens), i + 8) + 1):
                    phrases.append(" ".join(tokens[i:j]).strip(" .,;:?"))
        folded_q = " " + " ".join(words(text)) + " "
        accented = fold(text) != text.lower()
        toned = set(syllables(text, True))
        in_scope = set(scope)
        scores: dict[tuple[str, str], float] = {}
        spelled: dict[tuple[str, str], str] = {}
        for i in self.lx.alias_candidates(qwords, set(words(text)), phrases):
            alias, owners = self.lx.alias_items[i]
            if not any(slug in in_scope for slug, _ in owners):
                continue
            aw = list(self.lx.alias_words[i])
            score = 0.0
            if aw and f" {' '.join(aw)} " in folded_q:
                score = 1.0 + 0.01 * len(aw)
            elif any(_same(ph, alias) for ph in phrases):
                score = 1.0
            else:
                distinct = [w for w in aw if w not in _GENERIC_UNIT_WORDS]
                # "Sở Y tế" is not "Trạm Y tế": a unit's kind word must be in the question too
                # (with its tone when the question has tones: "số" is not "sở")
                if aw and aw[0] in _UNIT_KIND_WORDS and (aw[0] not in qwords or accented and
                                                         syllables(alias, True)[0] not in toned):
                    continue
                # ... followed by a word of the name: "Văn phòng HĐND" holds "phòng" and "văn", not "Phòng Văn hóa";
                # "Ban ấp" is "Ban nhân dân các ấp"
                if len(aw) >= 2 and aw[0] in _UNIT_KIND_WORDS and not re.search(
                        rf" {aw[0]} (?:{'|'.join(map(re.escape, set(aw[1:])))}) ", folded_q):
                    continue
                if len(distinct) >= 2:
                    hit = sum(1 for w in distinct if w in qwords)
                    # words of the unit's kind alone ("văn phòng") name no one unit: "Văn phòng Trung ương Đảng"
                    # is not "Văn phòng UBND tỉnh"
                    if all(w in _UNIT_KIND_WORDS for w in distinct if w in qwords):
                        hit = 0
                    if hit >= 2 and hit / len(distinct) >= 0.5:
                        score = 0.3 + 0.5 * hit / len(distinct)
            if score >= 0.5:
                for slug, unit in owners:
                    if slug in in_scope and score > scores.get((slug, unit), 0.0):
                        scores[(slug, unit)] = score
                        spelled[(slug, unit)] = f" {' '.join(aw)} "
        found = [UnitRef(slug, unit, score) for (slug, unit), score in scores.items()]
        found.sort(key=lambda u: (-u.score, u.plan))
        if found:
            top = found[0].score
            best = [u for u in found if u.score >= top - 0.02]
            # another unit of the same plan named in full counts too ("Sở KH&CN cùng Sở Tài chính"), unless its
            # words lie inside the best one's ("Văn phòng UBND" inside "Văn phòng HĐND và UBND")
            plans = {u.plan for u in best}
            found = best + [u for u in found if top >= 1.0 and u.score >= 1.0 and u not in best and u.plan in plans
                            and not any(spelled[(u.plan, u.name)].strip() in spelled[(v.plan, v.name)]
                                        for v in best)]
        return found
