"""Unit names: split cells that list several units, and group spellings of one unit by general rules.

"Phòng VH-XH", "Phòng VHXH", "Phòng VHXXH" and "Phòng Văn hóa – Xã hội" share one signature (syllable
initials, acronyms kept whole) within a typo distance, so they become one unit of that plan.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.text import fold, squash

# Words that begin a unit name; used to split lists ("Trạm y tế, Các nhà trường, Phòng VH-XH").
UNIT_HEADS = (
    "phòng", "sở", "trung tâm", "công an", "trạm", "các", "ban", "văn phòng", "vp", "ủy ban", "uỷ ban", "ubnd",
    "chi nhánh", "tổ", "bộ chỉ huy", "bộ", "đảng ủy", "đảng uỷ", "hội", "đoàn", "trường", "thủ trưởng", "tt",
    "cơ quan", "đơn vị", "doanh nghiệp", "liên đoàn", "mặt trận", "ubmttq", "bưu điện", "ngân hàng", "đề nghị",
    "vụ", "cục", "chi cục", "tổng cục", "tiểu ban", "viện", "tỉnh đoàn", "thành đoàn", "huyện đoàn", "liên hiệp",
    "liên minh", "hiệp hội", "báo", "đài", "chính phủ", "thủ tướng", "quốc hội", "hội đồng", "tỉnh ủy", "thành ủy",
)
_HEAD_RE = re.compile(r"^(?:" + "|".join(re.escape(h) for h in sorted(UNIT_HEADS, key=len, reverse=True)) + r")\b",
                      re.IGNORECASE)
_ACRONYM = re.compile(r"^[A-ZĐ&]{2,}$")
_STOP = {"và", "&", "của", "thuộc"}
# A unit cell sometimes continues with an instruction ("... căn cứ các văn bản của tỉnh tham mưu ...").
_TAIL = re.compile(r"\s+(?:căn cứ|theo dõi|chủ trì|tham mưu|có trách nhiệm|phối hợp với|thúc đẩy|hướng dẫn|thực hiện"
                   r")\b.*$", re.IGNORECASE)


_LOWER_HEADS = ("các ", "trạm ", "phòng ")


def _starts_unit(piece: str) -> bool:
    """A list item starts a new unit when it opens with a capitalized head word, an acronym or 'các ...'."""
    piece = piece.strip()
    if not piece:
        return False
    first = piece.split(" ", 1)[0].strip(".,;:")
    if _ACRONYM.match(first):
        return True
    if piece[0].islower() and not piece.startswith(_LOWER_HEADS):
        return False
    return bool(_HEAD_RE.match(piece))


def split_units(cell: str) -> tuple[str, ...]:
    """'Trạm y tế, Các nhà trường; Phòng VH-XH' -> three units; 'Các sở, ban, ngành' stays one."""
    text = squash(cell.replace("\n", " ")).strip(" ,;.")
    if not text:
        return ()
    out: list[str] = []
    for part in re.split(r"\s*;\s*", text):
        pieces = re.split(r"\s*,(?=\s)\s*", part)     # "KH,CN&MT" is one name
        current = pieces[0]
        for piece in pieces[1:]:
            if _starts_unit(piece):
                out.append(current)
                current = piece
            else:
                current = f"{current}, {piece}"
        out.append(current)
    final: list[str] = []
    for unit in out:
        # "Phòng VHXXH và Tổ công nghệ số cộng đồng": split on "và" only before a unit head that is not an acronym.
        parts = re.split(r"\s+và\s+(?=(?:Tổ|Trạm|trạm|Các|các|Phòng|Trung tâm|Sở|Công an|Hội|Đoàn|Ban)\b)", unit)
        final.extend(parts)
    cleaned = []
    for u in final:
        u = _TAIL.sub("", u).strip(" ,;.")
        if u:
            cleaned.append(u)
    return tuple(cleaned)


def signature(name: str) -> str:
    """Syllable initials with acronyms kept: 'Phòng Văn hóa – Xã hội' and 'Phòng VH-XH' -> 'pvhxh'."""
    text = re.sub(r"\bVP\.?\s*", "Văn phòng ", name)
    text = re.sub(r"\bTT\.?\s+", "Trung tâm ", text)
    tokens = re.findall(r"[0-9A-Za-zÀ-ỹĐđ&]+", text)
    sig = []
    for tok in tokens:
        if tok.lower() in _STOP:
            continue
        if _ACRONYM.match(tok) or (tok.isupper() and len(tok) >= 2):
            sig.append(fold(tok).replace("&", ""))
        else:
            sig.append(fold(tok)[0])
    return "".join(sig)


def _has_acronym(name: str) -> bool:
    return any(_ACRONYM.match(t) for t in re.findall(r"[A-Za-zÀ-ỹĐđ&]+", name))


def plain_key(name: str) -> str:
    """Folded words without punctuation or 'và': spelling-insensitive key of a fully written name."""
    return " ".join(w for w in re.findall(r"[0-9a-z]+", fold(name)) if w != "va")


def _edit_distance_le1(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = j = diff = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            i += 1
            j += 1
            continue
        diff += 1
        if diff > 1:
            return False
        if len(a) == len(b):
            i += 1
        j += 1
    return diff + (len(b) - j) + (len(a) - i) <= 1


_LEVEL_SUFFIX = re.compile(r"\s+(xa|phuong|tinh)$")


def same_unit(a: str, b: str) -> bool:
    """True when two spellings name the same unit (abbreviation, punctuation, one-letter typo).

    Within one plan "Trạm y tế" and "Trạm y tế xã" are one unit; "Công an xã" and "Công an tỉnh" are not.
    """
    ka, kb = plain_key(a), plain_key(b)
    if ka == kb:
        return True
    sa_, sb_ = _LEVEL_SUFFIX.search(ka), _LEVEL_SUFFIX.search(kb)
    if bool(sa_) != bool(sb_) and _LEVEL_SUFFIX.sub("", ka) == _LEVEL_SUFFIX.sub("", kb):
        return True
    if not (_has_acronym(a) or _has_acronym(b)):
        return False
    sa, sb = signature(a), signature(b)
    if sa == sb:
        return True
    return min(len(sa), len(sb)) >= 5 and _edit_distance_le1(sa, sb)


@dataclass
class UnitGroup:
    canonical: str
    aliases: list[str]


class UnitRegistry:
    """Collects unit spellings of one plan and groups them; the canonical name prefers a written-out form."""

    def __init__(self) -> None:
        self.groups: list[UnitGroup] = []

    def add(self, name: str) -> str:
        name = squash(name).strip(" ,;.:")
        if not name:
            return name
        for group in self.groups:
            if any(same_unit(name, alias) for alias in group.aliases):
                if name not in group.aliases:
                    group.aliases.append(name)
                    if _has_acronym(group.canonical) and not _has_acronym(name):
                        group.canonical = name
                return group.canonical
        self.groups.append(UnitGroup(name, [name]))
        return name

    def canonical(self, name: str) -> str:
        for group in self.groups:
            if any(same_unit(name, alias) for alias in group.aliases):
                return group.canonical
        return squash(name)


def unit_level(name: str) -> str:
    f = fold(name)
    for level in ("tinh", "xa", "phuong"):
        if re.search(rf"\b{level}\b", f):
            return {"tinh": "tỉnh", "xa": "xã", "phuong": "phường"}[level]
    return ""


def registry_for(parsed) -> UnitRegistry:
    """Every unit a parsed plan names (leads, partners, duty holders), grouped into one registry."""
    registry = UnitRegistry()
    for t in parsed.tasks:
        for u in t.lead + t.cooperating:
            registry.add(u)
    for t in parsed.targets:
        for u in t.lead:
            registry.add(u)
    for d in parsed.duties:
        registry.add(d.unit)
    # an acronym the plan writes for one of its units ("UBTVQH" for "Ủy ban Thường vụ Quốc hội") is that unit
    acronyms = {a for p in parsed.passages for a in _ACRONYM_IN_TEXT.findall(p.text)}
    for acronym in sorted(acronyms):
        if any(same_unit(acronym, alias) for g in registry.groups for alias in g.aliases):
            registry.add(acronym)
    return registry


_ACRONYM_IN_TEXT = re.compile(r"(?<![\w&])[A-ZĐ][A-ZĐ&]{3,}(?![\w&])")
