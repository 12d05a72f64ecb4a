"""Which loaded plans a question names: by number ("KH 179", "kế hoạch số 144/KH-UBND", "NQ 71", "CV 6225",
"chương trình 05-CTr/TU"), by issuing body ("Bộ VHTTDL", "Đảng đoàn QH"), by place ("Đồng Tháp"), and, among
several plans of one place, by subject ("KH kinh tế số", "KH CĐS hạ tầng giao thông").

A place may have a dozen plans; a plan may have no place at all (a ministry's dispatch, the Government's
programme). `QueryReader._places` asks `resolve` and gets the plans the question names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.text import fold, words
from index.text import terms


# Administrative levels, lowest first. "thành phố" is read as a province-level city (the plans after 2025
# have no districts); a central body (ministry, Government, National Assembly) is the top.
LEVEL_RANK = {"xã": 1, "phường": 1, "thị trấn": 1, "đặc khu": 1, "huyện": 2, "quận": 2, "thị xã": 2,
              "tỉnh": 3, "thành phố": 3, "trung ương": 4}


def level_rank(plan) -> int:
    """The rank of a corpus.records.Plan's level (a plan with no place and no level: a central body)."""
    rank = LEVEL_RANK.get((plan.level or "").lower())
    if rank is None:
        return LEVEL_RANK["trung ương"] if not plan.locality else 0
    return rank


# Words that name a kind of document, folded, with the codes numbers use for it.
_TYPE_WORDS = {
    "ke hoach": "kh", "kh": "kh", "chuong trinh": "ctr", "ctr": "ctr", "cong van": "", "cv": "", "nghi quyet": "nq",
    "nq": "nq", "quyet dinh": "qd", "qd": "qd", "de an": "da", "chi thi": "ct", "thong bao": "tb", "huong dan": "hd",
    "van ban": None, "so": None,
}
_NUMBER_REF = re.compile(
    r"\b(?P<word>" + "|".join(sorted((re.escape(w) for w in _TYPE_WORDS), key=len, reverse=True)) +
    r")\s*(?:so\s*)?(?P<num>\d{1,5})(?P<code>\s*[-/]\s*[a-z0-9&]+(?:\s*[-/]\s*[a-z0-9&]+)*)?")
_FULL_NUMBER = re.compile(r"\b(?P<num>\d{1,5})\s*[-/]\s*(?P<code>[a-z][a-z0-9&]*(?:\s*[-/]\s*[a-z0-9&]+)+)")
# Naming the plan itself ("KH …", "kế hoạch …", "chương trình …") before the words of its subject.
_PLAN_NOUN = re.compile(r"\b(?:ke hoach|kh|chuong trinh|ctr|de an|cong van|cv|nghi quyet|nq)\b")
# Bigrams every subject line of the family shares: they tell no plan from another.
_GENERIC = frozenset("""trien_khai thuc_hien nghi_quyet ke_hoach giai_doan tren_dia dia_ban den_nam cua_bo bo_chinh
chinh_tri so_57 ve_dot dot_pha ban_hanh khai_thuc""".split())


@dataclass(frozen=True)
class PlanRef:
    """A loaded plan as questions name it (what answers.query.PlaceRef holds, and more). locality is the place,
    or the issuer's name for a plan with none."""
    slug: str
    locality: str
    level: str
    number: str = ""
    doc_type: str = ""
    issuer: str = ""
    subject: str = ""
    has_place: bool = True


def plan_ref(slug: str, plan) -> PlanRef:
    """The reference of a corpus.records.Plan."""
    label = plan.locality or plan.issuer or plan.title[:60] or slug
    return PlanRef(slug, label, plan.level, number=plan.numbered or "", doc_type=plan.doc_type,
                   issuer=plan.issuer or "", subject=plan.title or "", has_place=bool(plan.locality))


def _code_letters(code: str) -> str:
    return re.sub(r"[^a-z0-9&]", "", fold(code))


def by_number(refs: list[PlanRef], f: str) -> list[str]:
    """Plans whose number the question gives: digits after a document word ("KH 179", "công văn 6225"), or a
    full number ("3260-KH/ĐĐQH15"). "NQ 57" names no loaded plan unless one is numbered 57."""
    found: list[str] = []
    numbered = [r for r in refs if getattr(r, "number", "")]
    if not numbered:
        return found
    mentions = []
    for m in _NUMBER_REF.finditer(f):
        mentions.append((m.group("word"), m.group("num"), m.group("code") or ""))
    for m in _FULL_NUMBER.finditer(f):
        mentions.append((None, m.group("num"), m.group("code")))
    for word, num, code in mentions:
        for r in numbered:
            digits = re.match(r"\d+", r.number)
            if not digits or digits.group(0).lstrip("0") != num.lstrip("0"):
                continue
            own = _code_letters(r.number[digits.end():])
            said = _code_letters(code)
            if said and not own.startswith(said):
                continue        # "179/KH-UBND" is not "179/QĐ-UBND"
            if word is None and not said:
                continue
            kind_code = _TYPE_WORDS.get(word) if word else None
            if word and kind_code not in (None, "") and not own.startswith(kind_code) and not said:
                continue        # "NQ 179" is not "179/KH-UBND"
            if r.slug not in found:
                found.append(r.slug)
    return found


def issuer_keys(issuer: str) -> set[str]:
    """Ways a question writes an issuing body: in full, or with its last words as initials ("bo vhttdl",
    "bvhttdl", "dang doan qh", "ddqh")."""
    ws = [w for w in words(issuer) if w != "va"]
    if len(ws) < 2:
        return {" ".join(ws)} if ws else set()
    keys = {" ".join(ws)}
    for k in range(len(ws) - 1):
        keys.add(" ".join(ws[:k] + ["".join(w[0] for w in ws[k:])]).strip())
    return {k for k in keys if len(k.replace(" ", "")) >= 3}


def by_issuer(refs: list[PlanRef], f: str) -> list[str]:
    """Plans without a place whose issuing body the question names."""
    q = " " + " ".join(words(f)) + " "
    found = []
    for r in refs:
        if getattr(r, "has_place", True) or not getattr(r, "issuer", ""):
            continue
        if any(f" {k} " in q for k in issuer_keys(r.issuer)):
            found.append(r.slug)
    return found


def by_subject(refs: list[PlanRef], candidates: list[str], text: str, f: str) -> list[str]:
    """Among several plans, those whose subject line the question names best, counting the subject's bigrams
    that not every candidate shares (two plans on the digital economy are both named by "KH kinh tế số").
    Said after "KH …"/"kế hoạch …" one bigram is enough; otherwise a phrase of four syllables or more (three
    bigrams) must match."""
    subjects = {r.slug: frozenset(t for t in terms(getattr(r, "subject", "")) if "_" in t and t not in _GENERIC)
                for r in refs if r.slug in candidates}
    if len(subjects) < 2:
        return candidates
    asked = frozenset(t for t in terms(text) if "_" in t)
    shared = frozenset.intersection(*subjects.values())     # what every candidate's subject says
    scores = {slug: len((bigrams - shared) & asked) for slug, bigrams in subjects.items()}
    best = max(scores.values())
    need = 1 if _PLAN_NOUN.search(f) else 3
    if best < need:
        return candidates
    return [s for s in candidates if scores.get(s) == best]


def resolve(refs: list[PlanRef], place_names, text: str, f: str, spelled: str = "") -> list[str]:
    """The plans a question names (slugs, in the order of refs), or [] when it names none.
    place_names: (compiled folded pattern, slug) per ref, as the Lexicon holds them. spelled: the question
    with its abbreviations written out (for subject words: "CĐS" -> "chuyển đổi số")."""
    named = by_number(refs, f)
    if named:
        return named
    places = [slug for (pattern, slug), r in zip(place_names, refs)
              if getattr(r, "has_place", True) and fold(r.locality) in f and pattern.search(f)]
    issuers = by_issuer(refs, f)
    if places:
        named = places
    elif issuers:
        return issuers
    else:
        if not _PLAN_NOUN.search(f):
            return []
        named = [r.slug for r in refs]
    narrowed = by_subject(refs, named, f"{text} {spelled}", f)
    return narrowed if (places or len(narrowed) < len(named)) else []


_TYPE_SPELLINGS = ("kế hoạch", "ke hoach", "kh", "chương trình", "chuong trinh", "ctr", "công văn", "cong van", "cv",
                   "nghị quyết", "nghi quyet", "nq", "quyết định", "quyet dinh", "qđ", "qd", "đề án", "de an")


def naming_pattern(refs: list[PlanRef]) -> re.Pattern | None:
    """Every way a question names a loaded plan, as one pattern: place names (with and without tone marks),
    plan numbers with their document word ("KH 179", "công văn số 6225/BVHTTDL-VP") and the issuing bodies of
    plans without a place ("Bộ VHTTDL", "Đảng đoàn QH"). These words say which plan, not what is asked: the
    reader cuts them out of the question's topic."""
    names: set[str] = set()
    for r in refs:
        if getattr(r, "has_place", True) and r.locality:
            names |= {r.locality, fold(r.locality)}
        elif getattr(r, "issuer", ""):
            names |= {r.issuer, fold(r.issuer)} | issuer_keys(r.issuer) | _toned_keys(r.issuer)
    alternatives = [re.escape(n) for n in sorted(names, key=len, reverse=True) if n]
    types = "|".join(re.escape(t) for t in sorted(_TYPE_SPELLINGS, key=len, reverse=True))
    for r in refs:
        digits = re.match(r"\d+", getattr(r, "number", "") or "")
        if digits:
            alternatives.append(rf"(?:(?:{types})\s*(?:số\s*|so\s*)?){digits.group(0)}(?:\s*[-/]\s*[\wĐđ&.]+)*"
                                rf"|{digits.group(0)}\s*[-/]\s*[A-Za-zĐđ][\wĐđ&.]*(?:\s*[-/]\s*[\wĐđ&.]+)*")
    return re.compile(rf"(?i)\b(?:{'|'.join(alternatives)})\b") if alternatives else None


def _toned_keys(issuer: str) -> set[str]:
    """issuer_keys with tone marks kept on the words written in full ("đảng đoàn qh")."""
    from corpus.text import syllables
    ws = [w for w in syllables(issuer, True) if w != "và"]
    return {" ".join(ws[:k] + ["".join(fold(w)[0] for w in ws[k:])]) for k in range(1, len(ws) - 1)}


# Issuing bodies as plans cite them and questions name them, on folded text: (key, pattern). A level word right
# after the body ("UBND xã", "Đảng ủy xã", "Ban Chỉ đạo tỉnh") is kept with it; "Tỉnh ủy" is the province's.
_BODIES = (("tinh_uy", re.compile(r"\b(?:ban thuong vu tinh uy|btv tinh uy|tinh uy|btvtu)\b")),
           ("dang_uy", re.compile(r"\b(?:dang uy|cap uy)\b")),
           ("ubnd", re.compile(r"\b(?:ubnd|uy ban nhan dan|uy ban|chinh quyen)\b")),
           ("hdnd", re.compile(r"\b(?:hdnd|hoi dong nhan dan)\b")),
           ("bcd", re.compile(r"\b(?:ban chi dao|bcd)\b")),
           ("chinh_phu", re.compile(r"\bchinh phu\b")),
           ("bo_chinh_tri", re.compile(r"\bbo chinh tri\b")),
           ("thu_tuong", re.compile(r"\bthu tuong\b")),
           ("trung_uong", re.compile(r"\b(?:ban chap hanh trung uong|trung uong)\b")),
           # a level alone ("các văn bản cấp tỉnh", "kế hoạch của tỉnh"): any body of that level
           # ("của xã Nha Bích" names the plan's place, not a body)
           ("cap", re.compile(r"\bcap(?= (?:tinh|xa|phuong)\b(?! uy))"
                              r"|\bcua(?= (?:tinh|xa|phuong)(?:\s*[,;()]|\s+va\b|\s*$))")))
_BODY_LEVEL = re.compile(r"\s*(?:nhan dan\s+)?(xa|phuong|tinh)\b")


def bodies(f: str) -> frozenset[str]:
    """The issuing bodies a folded text names, each as "ubnd:xa", "tinh_uy:tinh", "chinh_phu:" (no level said)."""
    out = set()
    for key, pattern in _BODIES:
        for m in pattern.finditer(f):
            if key == "tinh_uy":
                out.add("tinh_uy:tinh")
                continue
            level = _BODY_LEVEL.match(f[m.end():])
            out.add(f"{key}:{level.group(1) if level else ''}")
    return frozenset(out)


def same_body(a: str, b: str) -> bool:
    """Two bodies of bodies() are one: the same body, and the same level when both say one; a level alone ("cap:tinh")
    is any body of that level."""
    (ka, la), (kb, lb) = a.split(":"), b.split(":")
    if "cap" in (ka, kb):
        return bool(la and lb and la == lb)
    return ka == kb and (not la or not lb or la == lb)

