"""Who issued a document and what it is: type, issuer, level, locality, number, date, signer, subject.

Read from the parts every Vietnamese administrative document has, in whatever order or markup they come
(bold markers, markdown headings, a letterhead laid out as a table and read column by column, a text PDF
that merges the two columns into one line):
- the letterhead: the issuing body, under its parent ("ỦY BAN NHÂN DÂN / TỈNH ĐỒNG NAI", "BAN CHẤP HÀNH
  TRUNG ƯƠNG / ĐẢNG ĐOÀN QUỐC HỘI", "UBND TỈNH X / SỞ KHOA HỌC VÀ CÔNG NGHỆ", "CHÍNH PHỦ");
- the "Số:" line ("179/KH-UBND", "3260-KH/ĐĐQH15", "05-CTr/TU", "71/NQ-CP") and the place-and-date line;
- the title block: the type ("KẾ HOẠCH", "CHƯƠNG TRÌNH HÀNH ĐỘNG", "NGHỊ QUYẾT") and the subject under it;
- an appendix caption "(Kèm theo Công văn số 6225/BVHTTDL-VP ngày 18/11/2025 của Bộ …)" when the head is
  missing (a dispatch copied from "Kính gửi:" on);
- the signature block ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH / Võ Tấn Đức", "BỘ TRƯỞNG / Nguyễn Văn Hùng").

A document with none of these marks (a news article, notes) is not an administrative document at all:
`read_identity` says so, and the parser refuses it with that reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.text import fold, squash

HEAD_LINES = 80

# Document types, longest first; the folded form is what a type line or a caption says.
DOC_TYPES = ("Chương trình hành động", "Kế hoạch hành động", "Kế hoạch", "Chương trình", "Nghị quyết",
             "Quyết định", "Chỉ thị", "Đề án", "Hướng dẫn", "Thông báo", "Kết luận", "Công văn", "Công điện",
             "Báo cáo", "Tờ trình")
_TYPE_FOLDS = {fold(t): t for t in DOC_TYPES}
# The type code of a number ("KH" in "179/KH-UBND") -> the type; a number without one is a dispatch.
_TYPE_CODES = {"kh": "Kế hoạch", "ctr": "Chương trình", "nq": "Nghị quyết", "qd": "Quyết định", "ct": "Chỉ thị",
               "da": "Đề án", "hd": "Hướng dẫn", "tb": "Thông báo", "kl": "Kết luận", "cd": "Công điện",
               "bc": "Báo cáo", "tt": "Thông tư", "ttr": "Tờ trình"}
# Types that carry tasks: a dispatch or a report counts only when it assigns work (the parser checks).
PLAN_TYPES = frozenset({"Kế hoạch", "Kế hoạch hành động", "Chương trình", "Chương trình hành động", "Đề án",
                        "Nghị quyết", "Quyết định", "Chỉ thị"})

LEVEL_WORDS = ("thành phố", "thị trấn", "thị xã", "đặc khu", "phường", "huyện", "quận", "tỉnh", "xã")
_LEVEL_RE = "|".join(LEVEL_WORDS)
CENTRAL = "trung ương"

# Bodies a letterhead names (folded, at the start of a line).
_ORGAN_HEADS = (
    "uy ban nhan dan", "ubnd", "hoi dong nhan dan", "hdnd", "thu tuong chinh phu", "chinh phu",
    "uy ban thuong vu quoc hoi", "quoc hoi", "van phong", "bo ", "so ", "ban ", "dang uy", "dang doan",
    "dang bo", "tinh uy", "thanh uy", "huyen uy", "quan uy", "thi uy", "tong cuc", "cuc ", "chi cuc", "vu ",
    "uy ban mat tran", "ubmttq", "mat tran to quoc", "tinh doan", "thanh doan", "trung tam", "phong ",
    "hoi ", "lien doan", "lien hiep", "to cong tac", "to chuc", "cong an", "toa an", "vien kiem sat",
    "kiem toan", "ngan hang", "uy ban")
_PLACE_ORGANS = (("tinh uy", "tỉnh"), ("thanh uy", "thành phố"), ("huyen uy", "huyện"), ("quan uy", "quận"),
                 ("thi uy", "thị xã"))
_CENTRAL_ORGANS = ("chinh phu", "thu tuong", "quoc hoi", "bo ", "ban chap hanh trung uong", "bo chinh tri",
                   "ban bi thu", "dang doan quoc hoi", "ban can su dang", "trung uong", "uy ban thuong vu quoc hoi",
                   "van phong chinh phu", "van phong quoc hoi", "kiem toan nha nuoc", "toa an nhan dan toi cao",
                   "vien kiem sat nhan dan toi cao", "ngan hang nha nuoc viet nam")
_PROPER = {"quoc hoi": "Quốc hội", "chinh phu": "Chính phủ", "viet nam": "Việt Nam", "trung uong": "Trung ương"}

_MOTTOS = ("cong hoa xa hoi chu nghia viet nam", "doc lap - tu do - hanh phuc", "doc lap tu do hanh phuc",
           "dang cong san viet nam")
_NUMBER = re.compile(r"(?<![\w/])(?:Số|SỐ)\s*[:.]?\s*((?:\d[\d.]*)?\s*[-/]\s*[0-9A-Za-zĐđ&][0-9A-Za-zĐđ&./\-]*)")
_DATE = re.compile(r"(ngày\s+(?:\d{1,2}\s*(?:/|tháng)\s*\d{1,2}\s*(?:/|năm)\s*|tháng\s+năm\s+|\.{2,}\s*tháng\s*\.{0,}\s*năm\s+)"
                   r"\d{4})", re.IGNORECASE)
_PLACE_DATE = re.compile(r"^[A-ZĐÀ-Ỹ][\wÀ-ỹ ]{1,30},\s*(ngày.*\d{4})$")
_CAPTION = re.compile(
    r"(?:kèm theo|ban hành kèm theo)\s+(?P<type>" + "|".join(DOC_TYPES) + r")\s+(?:số\s+)?"
    r"(?P<number>\d[\d.]*\s*[-/]\s*[0-9A-Za-zĐđ&][0-9A-Za-zĐđ&./\-]*)"
    r"(?:\s+ngày\s+(?P<date>\d{1,2}\s*(?:/|tháng)\s*\d{1,2}\s*(?:/|năm)\s*\d{4}))?"
    r"(?:\s+(?:của|do)\s+(?P<issuer>[^)]{3,90}?))?\s*\)?\s*$", re.IGNORECASE)
_ISSUES = re.compile(r"^((?:UBND|Ủy ban|ỦY BAN|Ban|BAN|Đảng ủy|Đảng đoàn|Hội đồng|Sở|Bộ|Chính phủ|Tỉnh ủy|Thành ủy|"
                     r"Huyện ủy|Thủ tướng|Cục|Văn phòng)\b.{0,70}?)\s+ban hành\s+(?:[Kk]ế hoạch|[Cc]hương trình|"
                     r"[Nn]ghị quyết|[Qq]uyết định|[Đđ]ề án)")
SIGNER_TITLES = re.compile(r"(CHỦ TỊCH|BÍ THƯ|TRƯỞNG BAN|GIÁM ĐỐC|THỦ TƯỚNG|BỘ TRƯỞNG|THỨ TRƯỞNG|CHỦ NHIỆM|"
                           r"CHÁNH VĂN PHÒNG|CỤC TRƯỞNG|VỤ TRƯỞNG|TỔNG CỤC TRƯỞNG|TRƯỞNG PHÒNG)")
_PERSON = re.compile(r"(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+\s+){1,5}[A-ZĐÀ-Ỹ][a-zà-ỹđ]+")
_TITLE_STOP = re.compile(r"^(?:can cu|thuc hien ke hoach|kinh gui|quyet nghi|quyet dinh\s*:|theo de nghi|dieu 1\b)")
_NAME_STOP = {"CỘNG", "Độc", "ĐỘC", "Số", "SỐ", "KẾ", "Năm", "NĂM", "GIAI", "ĐẾN", "ĐỐI", "VỀ", "TRONG", "THỰC",
              "NHẰM", "GIAI", "CỦA", "VÀ", "TỪ", "Giai", "Đến", "Đối", "Trong", "Của", "Từ"}


@dataclass(frozen=True)
class Identity:
    doc_type: str = "Kế hoạch"
    issuer: str | None = None         # as the document spells it: "UBND tỉnh Đồng Nai", "Đảng đoàn Quốc hội"
    parent: str | None = None         # the body above the issuer in the letterhead, if any
    level: str | None = None          # xã | phường | tỉnh | thành phố | huyện | … | trung ương
    locality: str | None = None       # "Đồng Nai"; None for a central body
    number: str | None = None         # "179/KH-UBND"; "/KH-UBND" when left blank in a draft
    date: str | None = None           # "ngày 18 tháng 11 năm 2025"
    signer: str | None = None
    subject: str = ""                 # the title under the type line
    marks: tuple[str, ...] = ()       # which identity parts were found: letterhead number date type caption signature

    @property
    def is_document(self) -> bool:
        """An administrative document: it shows at least one part of a document's head or foot."""
        return bool(set(self.marks) & {"letterhead", "number", "type", "caption", "signature"})


def clean(line: str) -> str:
    """A line without markup: markdown headings, bold/italic markers, HTML bold, table pipes of one cell."""
    s = re.sub(r"</?(?:b|i|strong|em|u)>", "", line)
    s = re.sub(r"^\s*#+\s*", "", s)
    s = s.replace("**", "").replace("__", "")
    s = re.sub(r"^\s*\*(?=\S)|(?<=\S)\*\s*$", "", s.strip())
    s = s.replace("\t", " ")
    return squash(s.strip(" |"))


def _cut_folded(text: str, folded_piece: str) -> str:
    """text without the (folded) piece, where folding keeps the length; else text unchanged."""
    f = fold(text)
    if len(f) != len(text):
        return text
    at = f.find(folded_piece)
    while at >= 0:
        text = text[:at] + " " + text[at + len(folded_piece):]
        f = f[:at] + " " + f[at + len(folded_piece):]
        at = f.find(folded_piece)
    return squash(text)


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(1 for c in letters if c.isupper()) >= 0.8 * len(letters)


def _organ_start(folded: str) -> bool:
    return any(folded.startswith(h) for h in _ORGAN_HEADS)


def _type_of_line(text: str) -> tuple[str, str] | None:
    """(type, rest) when a line is a title line: "KẾ HOẠCH", "CHƯƠNG TRÌNH HÀNH ĐỘNG", "KẾ HOẠCH Phát triển …"."""
    f = fold(text).strip(" .:")
    if f in _TYPE_FOLDS:
        return _TYPE_FOLDS[f], ""
    if not _is_upper(text.split(" ", 3)[0] if text else ""):
        return None
    for tf, t in sorted(_TYPE_FOLDS.items(), key=lambda kv: -len(kv[0])):
        if f.startswith(tf + " ") and _is_upper(text[:len(tf)]):
            rest = text[len(tf):].strip(" :")
            # "KẾ HOẠCH SỐ 12/KH-UBND …" is a mention, not a title
            if rest and not fold(rest).startswith(("so ", "nay", "cua", "duoc")):
                return t, rest
    return None


def proper_case(name: str, body: str = "") -> str:
    """An upper-case body name as it is written in running text: the document's own spelling when the body
    text has it ("Ủy ban nhân dân tỉnh Đồng Tháp"), else by rule (place names capitalized, a ministry's
    fields after "Bộ"/"Sở" and after each comma or "và")."""
    name = squash(name)
    if not _is_upper(name):
        return name
    target = fold(name)
    if body:
        fbody = fold(body)
        if len(fbody) == len(body):
            at = fbody.find(target)
            while at >= 0:
                found = body[at:at + len(target)]
                if not _is_upper(found):
                    return found
                at = fbody.find(target, at + 1)
    words_ = name.split()
    out: list[str] = []
    capital_next = True
    place = False
    for w in words_:
        low = w.lower()
        fl = fold(low)
        if re.fullmatch(r"[A-ZĐ&.\-]{2,6}\d*", w) and fl in ("ubnd", "hdnd", "ubmttq", "kh&cn", "vhttdl"):
            out.append(w)
            capital_next = False
            continue
        if place or capital_next:
            out.append(low[:1].upper() + low[1:])
        else:
            out.append(low)
        capital_next = False
        if low in ("tỉnh", "xã", "phường", "huyện", "quận", "đặc", "trấn") or (
                len(out) >= 2 and f"{out[-2].lower()} {low}" in ("thành phố", "thị xã", "thị trấn")):
            place = True
        if out and len(out) == 1 and fl in ("bo", "so", "cuc", "vu", "ban"):
            capital_next = True
        if w.endswith(",") or low == "và":
            capital_next = bool(out and fold(out[0].lower()) in ("bo", "so", "cuc", "vu", "ban"))
    text = " ".join(out)
    text = re.sub(r"\b(Tỉnh|Thành|Huyện|Quận|Thị) Ủy\b", r"\1 ủy", text)    # "Tỉnh ủy Bình Minh"
    for key, proper in _PROPER.items():       # "Quốc hội", "Chính phủ" are names wherever they stand
        f = fold(text)
        at = f.find(key)
        if at >= 0 and len(f) == len(text):
            text = text[:at] + proper + text[at + len(key):]
    return text


def _level_place(issuer: str) -> tuple[str | None, str | None]:
    """(level, locality) an issuer's name gives: "UBND tỉnh Đồng Nai" -> tỉnh Đồng Nai; "Tỉnh ủy Bình Dương" ->
    tỉnh Bình Dương; a central body -> (trung ương, None)."""
    f = fold(issuer)
    for organ, level in _PLACE_ORGANS:
        m = re.match(rf"^{organ}\s+(.+)$", f)
        if m:
            return level, _name_words(issuer[len(issuer) - len(m.group(1)):])
    m = re.search(rf"(?i)\b({_LEVEL_RE})\s+(\S.*)$", issuer)
    if m:
        name = _name_words(m.group(2))
        if name:
            return m.group(1).lower(), name
    if any(f.startswith(c) or f" {c}" in f" {f}" for c in _CENTRAL_ORGANS):
        return CENTRAL, None
    return None, None


def _name_words(text: str) -> str:
    """Leading capitalized words of a place name: 'Phú Lý đến năm 2026' -> 'Phú Lý'; stops at punctuation."""
    text = re.split(r"[.,;:()\"“”]", text, maxsplit=1)[0]
    out = []
    for w in re.findall(r"[\wÀ-ỹĐđ]+", text)[:5]:
        if not w[0].isupper() or w in _NAME_STOP or w.isdigit():
            break
        out.append(w)
    return " ".join(w.capitalize() if w.isupper() else w for w in out)


# ---------------------------------------------------------------- the parts

def _head(lines: tuple[str, ...]) -> list[tuple[int, str]]:
    """(index, cleaned text) of the first lines, the mottos cut out, empty and rule lines dropped."""
    out = []
    for i, raw in enumerate(lines[:HEAD_LINES]):
        text = clean(raw)
        for motto in _MOTTOS:
            if motto in fold(text):
                text = _cut_folded(text, motto)
        text = text.strip(" -_*=")
        if text and not re.fullmatch(r"[-_*=~.·]{2,}", text):
            out.append((i, text))
    return out


def letterhead(head: list[tuple[int, str]], body: str) -> tuple[str | None, str | None, int]:
    """(issuer, parent, index of the last letterhead line) from the bodies named at the top, before the number,
    the date or the title; each upper-case line that does not start a body continues the one above it."""
    organs: list[str] = []
    last = -1
    for i, text in head[:12]:
        cut = re.split(r"(?<![\w/])Số\s*[:.]?\s*(?=[\d/])|,\s*ngày\b", text, maxsplit=1)[0].strip()
        if _type_of_line(text) or re.match(r"(?i)^(?:kính gửi|căn cứ|số\b)", text):
            break
        if not cut or not _is_upper(cut) or len(cut) > 120:
            if organs:
                break
            continue
        f = fold(cut)
        if _organ_start(f):
            organs.append(cut)
        elif organs:
            organs[-1] = f"{organs[-1]} {cut}"
        else:
            continue
        last = i
        if cut != text:
            break          # the number or the date follows on the same line
    if not organs:
        return None, None, -1
    issuer = proper_case(organs[-1], body)
    parent = proper_case(organs[-2], body) if len(organs) > 1 else None
    return issuer, parent, last


def title_block(lines: tuple[str, ...], head: list[tuple[int, str]]) -> tuple[str | None, str, int]:
    """(type, subject, index of the type line) from the title block: the type line and the lines under it, up
    to the legal bases, the addressees or a rule."""
    for k, (i, text) in enumerate(head):
        found = _type_of_line(text)
        if not found:
            continue
        doc_type, rest = found
        parts = [rest] if rest else []
        for j in range(i + 1, min(len(lines), i + 12)):
            nxt = clean(lines[j])
            if not nxt:
                continue
            if _TITLE_STOP.match(fold(nxt)) or lines[j].strip().startswith(("---", "___", "***")) \
                    or re.match(r"^[IVX]{1,4}\.\s", nxt) or (nxt.endswith(":") and len(nxt) > 60) \
                    or (parts and _is_upper(nxt) and _organ_start(fold(nxt)) and len(nxt) < 60):
                break           # the body restated above its legal bases ("CHÍNH PHỦ") ends the title
            parts.append(nxt)
            if re.search(r"(xã|phường|tỉnh)\s+[A-ZĐ][^\s,]*(\s+[A-ZĐ][^\s,]*)*(\s+năm\s+\d{4})?$", nxt):
                break
        return doc_type, squash(" ".join(parts)), i
    return None, "", -1


def number_and_date(head: list[tuple[int, str]]) -> tuple[str | None, str | None]:
    number = date = None
    for _, text in head:
        if number is None:
            m = re.match(r"^Số\s*:\s*(\S.*)$", text)        # a line of its own: as written
            if m and not re.search(r",\s*ngày\b", m.group(1)):
                number = squash(m.group(1))
            else:
                m = _NUMBER.search(text)
                before = text[:m.start()] if m else ""
                if m and (not before.strip() or (_is_upper(before) and not re.search(r"[a-zà-ỹđ]", before))):
                    number = squash(m.group(1)).replace(" ", "")
        if date is None:
            m = _PLACE_DATE.match(text)
            if m:
                date = squash(m.group(1))
            else:
                m = re.search(r"[A-ZĐÀ-Ỹ][\wÀ-ỹ ]{1,30},\s*" + _DATE.pattern, text, re.IGNORECASE)
                if m and "căn cứ" not in fold(text[:m.start()]).replace("can cu", "căn cứ"):
                    date = squash(m.group(1))
        if number and date:
            break
    return number, date


def caption(lines: tuple[str, ...]) -> dict | None:
    """An appendix caption "(Kèm theo Kế hoạch số 179/KH-UBND ngày 18 tháng 11 năm 2025 của UBND tỉnh …)"."""
    for line in lines:
        text = clean(line)
        if len(text) > 300 or "kèm theo" not in text.lower():
            continue
        m = _CAPTION.search(text.strip("() "))
        if m:
            d = m.groupdict()
            d["type"] = _TYPE_FOLDS.get(fold(d["type"]), d["type"])
            d["number"] = squash(d["number"]).replace(" ", "")
            if d.get("issuer"):
                d["issuer"] = d["issuer"].strip(" .;")
            return d
    return None


def signer(lines: tuple[str, ...]) -> str | None:
    """The name under the first upper-case signature title ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / Mai Sơn")."""
    for i, line in enumerate(lines):
        if SIGNER_TITLES.search(line.replace("**", "")) and line.strip().replace("*", "").strip().isupper():
            for nxt in lines[i + 1:i + 16]:
                cand = clean(nxt)
                if not cand or cand.isupper() or SIGNER_TITLES.search(cand):
                    continue
                if _PERSON.fullmatch(cand):
                    return cand
                break
    return None


def doc_type_of_number(number: str | None) -> str | None:
    if not number:
        return None
    m = re.match(r"^\s*(?:\d[\d.]*)?\s*[-/]\s*([A-Za-zĐđ]+)", number)
    if not m:
        return None
    return _TYPE_CODES.get(fold(m.group(1)), "Công văn" if re.match(r"\s*\d", number) else None)


def read_identity(lines: tuple[str, ...]) -> Identity:
    """Everything the head, the captions and the signature say about a document."""
    head = _head(lines)
    body = "\n".join(lines[:400])
    issuer, parent, _ = letterhead(head, body)
    doc_type, subject, _ = title_block(lines, head)
    number, date = number_and_date(head)
    cap = caption(lines)
    name = signer(lines)
    marks = [m for m, ok in (("letterhead", issuer), ("type", doc_type), ("number", number), ("date", date),
                             ("caption", cap), ("signature", name)) if ok]
    if cap:
        number = number or cap["number"]
        if not date and cap.get("date"):
            date = f"ngày {cap['date']}"
        doc_type = doc_type or cap["type"]
        if not issuer and cap.get("issuer"):
            issuer = cap["issuer"]
    doc_type = doc_type or doc_type_of_number(number) or "Kế hoạch"
    level = locality = None
    for who in (issuer, parent):
        if who:
            level, locality = _level_place(who)
            if level:
                break
    return Identity(doc_type=doc_type, issuer=issuer, parent=parent, level=level, locality=locality,
                    number=number, date=date, signer=name, subject=subject, marks=tuple(marks))


def issuing_sentence(head_texts: list[str]) -> str | None:
    """The body that "… ban hành Kế hoạch …" in the opening sentence names."""
    for text in head_texts:
        m = _ISSUES.match(text)
        if m:
            return squash(m.group(1))
    return None
