"""Assignments written in prose -> Task records.

"Giao Trạm Y tế xã chủ trì, phối hợp Đoàn Thanh niên xã hoàn thành ... trong tháng 11/2026." names a lead
unit, cooperating units, the work and a deadline in one sentence. A sentence counts only when it has all
three marks of an assignment: a unit before "chủ trì" (after "Giao", or opening the sentence), the work,
and a deadline with a date, month, quarter or year -- so duty paragraphs ("Phòng Văn hóa - Xã hội chủ trì,
phối hợp ... theo dõi, đôn đốc") and aims are not turned into tasks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.records import Deadline
from corpus.units import _HEAD_RE, split_units
from corpus.values import parse_deadline

_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ])")
_LEAD = re.compile(r"^(?:[-+•]\s*|\d{1,2}(?:\.\d{1,2})*\.?\s+|[a-zđ]\)\s+)?(?:(?:UBND\s+\S+(?:\s+\S+)?\s+)?[Gg]iao\s+)?"
                   r"(?P<lead>.{3,90}?)\s+(?:là đơn vị\s+)?chủ trì\b[,;]?\s*")
_COOP = re.compile(r"^(?:và\s+)?phối hợp(?:\s+với)?\s+")
# The work starts at its verb; the units before it are the cooperating ones.
_WORK_VERBS = (
    "hoàn thành", "hoàn thiện", "triển khai", "thực hiện", "tổ chức", "xây dựng", "rà soát", "lập", "cập nhật",
    "thu nhận", "số hóa", "bảo đảm", "đảm bảo", "đẩy mạnh", "tuyên truyền", "hướng dẫn", "kiểm tra", "báo cáo",
    "tham mưu", "ban hành", "nâng cấp", "lắp đặt", "đào tạo", "tập huấn", "phát triển", "vận hành", "đưa",
    "cấp", "thành lập", "thí điểm", "khảo sát", "đánh giá", "chuẩn bị", "sửa đổi", "bổ sung", "phủ sóng", "để",
)
# longest first, and never the tail of a longer word ("lập" in "thành lập")
_WORK = re.compile(r"(?:^|\s)(?:" + "|".join(re.escape(v) for v in sorted(_WORK_VERBS, key=len, reverse=True))
                   + r")\b")
_DEADLINE = re.compile(
    r"(?:(?:hoàn thành\s+)?(?:trong|trước|chậm nhất|đến hết|xong trước|trong năm|vào)\s+)?"
    r"(?:ngày\s+\d{1,2}\s*(?:/|tháng)\s*\d{1,2}\s*(?:/|năm)\s*20\d\d|tháng\s+\d{1,2}\s*(?:/|năm)\s*20\d\d|"
    r"quý\s+[IV1-4]{1,3}\s*(?:/|năm)\s*20\d\d|năm\s+20\d\d)",
    re.IGNORECASE)


@dataclass(frozen=True)
class ProseAssignment:
    lead: tuple[str, ...]
    cooperating: tuple[str, ...]
    work: str
    deadline: Deadline
    sentence: str


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def pos_tagger():
    """underthesea's CRF part-of-speech tagger, imported on first use (the import takes seconds)."""
    def tag(text: str) -> list[tuple[str, str]]:
        from underthesea import pos_tag
        return pos_tag(text)
    return tag


def _first_verb(text: str, tagger) -> int | None:
    """Offset in text of the first verb after the opening word(s), by the tagger: where the cooperating
    units' noun phrase ends ("Đoàn Thanh niên xã | vận động người dân ...")."""
    position = 0
    for k, (word, tag) in enumerate(tagger(text)):
        at = text.find(word, position)
        if at < 0:
            return None
        if tag == "V" and k > 0:
            return at
        position = at + len(word)
    return None


def find_assignments(text: str, tagger=None) -> list[ProseAssignment]:
    """Every assignment sentence of a paragraph. tagger (pos_tagger()) finds where the cooperating units end
    when no verb of the list does."""
    return [found for sentence in sentences(text) if (found := read_assignment(sentence, tagger))]


def read_assignment(sentence: str, tagger=None) -> ProseAssignment | None:
    m = _LEAD.match(sentence)
    if not m or not _HEAD_RE.match(m.group("lead")):
        return None
    lead = split_units(m.group("lead"))
    rest = sentence[m.end():]
    deadline_match = None
    for deadline_match in _DEADLINE.finditer(rest):
        pass   # the last dated phrase is the deadline; earlier ones belong to the work ("Nghị quyết ... năm 2025")
    if deadline_match is None or not lead:
        return None
    body = rest[:deadline_match.start()].strip(" ,;")
    tail = rest[deadline_match.end():].strip(" .;")
    if len(tail) > 40:   # the date sits inside the work, not at its end
        return None
    cooperating: tuple[str, ...] = ()
    coop = _COOP.match(body)
    if coop:
        after = body[coop.end():]
        work = _WORK.search(after)
        cut = work.start() if work and work.start() > 0 else None
        if cut is None and tagger is not None:
            cut = _first_verb(after, tagger)
        if not cut:
            return None
        cooperating = split_units(after[:cut])
        body = after[cut:].strip()
    elif not _WORK.match(" " + body):
        return None
    if not body:
        return None
    deadline = parse_deadline(deadline_match.group(0))
    if deadline.kind not in ("date", "month", "quarter", "year"):
        return None
    return ProseAssignment(lead=lead, cooperating=cooperating, work=body[:1].upper() + body[1:],
                           deadline=deadline, sentence=sentence)
