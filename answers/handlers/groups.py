"""The table group a question names: by its numeral ("nhóm IV") or by its words ("nhóm phát triển nguồn lực")."""
from __future__ import annotations

import re

from corpus.text import words
from index.text import terms

from answers.handlers import Ctx
from answers.query import CUE_SYLLABLES, SUBJECT_PAIRS
from answers.records import Record

DECLARED = re.compile(r"\((\d{1,3})\)\s*:?\s*$")
_GENERIC = frozenset("ve phat trien linh vuc mang nhom muc phan cho trong cac cu the phu luc bang danh muc tong "
                     "tat ca liet ke thuc te ghi dat ra kem theo tong so nao nhung gom ngay thang quy tuan nam hom nay toi sap "
                     "vong hien tai toan bo day du het neu de nhu sau day y i ii iii iv v vi vii viii ix x tren cuoi".split())


_GENERIC_PHRASES = frozenset({"tong_cong", "tong_so", "toan_bo", "tat_ca", "day_du", "noi_dung", "cu_the",
                              # the issuing body is not what is counted or listed
                              "uy_ban", "ban_nhan", "nhan_dan", "tinh_uy", "dang_uy", "thuong_vu",
                              # "trên địa bàn" says where, as every record of the plan does
                              "tren_dia", "dia_ban"})


def group_number(group: str) -> str | None:
    m = re.match(r"^\s*([IVX]+|\d+(?:\.\d+)*)[.\-)]", group)
    return m.group(1).lower() if m else None


def group_name(group: str) -> str:
    return DECLARED.sub("", group).rstrip(" :")


def specific_topic(ctx: Ctx) -> list[str]:
    """Topic terms that name a subject: no structure words ("phụ lục", "tổng cộng"), no question words inside,
    not the words of a unit the question names."""
    unit_words = {w for u in ctx.q.units for w in words(u.name)}
    # words of a structure phrase ("tổng cộng", "toàn bộ") are not a subject either
    phrase_words = {p for t in ctx.q.topic if t in _GENERIC_PHRASES for p in t.split("_")}
    return [t for t in ctx.q.topic if t not in phrase_words and t not in _GENERIC_PHRASES
            # a two-syllable word is a subject unless both halves are form words ("cơ chế" is, "nhiệm vụ" is not)
            if t in SUBJECT_PAIRS or not all(p in _GENERIC or p in CUE_SYLLABLES or p.isdigit() for p in t.split("_"))
            and not set(t.split("_")) <= unit_words]


def pick(ctx: Ctx, recs: list[Record]) -> tuple[str | None, list[Record]]:
    """(group name or None, records): the named group, else the records about the topic, else all."""
    groups: dict[str, list[Record]] = {}
    for r in recs:
        groups.setdefault(getattr(r.obj, "group", "") or "", []).append(r)
    if ctx.q.group_ref:
        g = next((g for g in groups if group_number(g) == ctx.q.group_ref), None)
        if g is not None:
            return g, groups[g]
    topic = [t for t in specific_topic(ctx) if t in ctx.snap.idf]   # words no plan has cannot name a group
    if not topic:
        return None, recs
    pairs = {t for t in topic if "_" in t}

    def fit(g: str) -> float:
        name = frozenset(terms(re.sub(r"^[\dIVX.\s\-)]+", "", g)))
        # one shared syllable is chance ("nơi nhận" is not "nhân lực"): a two-word term must match too
        return ctx.snap.coverage(topic, name) if not pairs or pairs & name else 0.0
    scored = sorted(((fit(g), g) for g in groups if g), key=lambda x: -x[0])
    if scored and scored[0][0] >= 0.5:
        return scored[0][1], groups[scored[0][1]]
    about = [r for r in recs if ctx.snap.coverage(topic, r.terms) >= 0.5]
    return None, about
