"""The question reader's look-ups built once per snapshot give what comparing every alias and place gave."""
from __future__ import annotations

from datetime import date

import pytest

from corpus.units import UnitGroup
from index.abbreviations import Abbreviations

from answers.query import Lexicon, PlaceRef, QueryReader

_PLACES = ["Nha Bích", "Phước An", "An Lợi", "Bình Sơn", "Tân Phú", "Phú An"]
_UNITS = [("Phòng Văn hóa - Xã hội", ["Phòng Văn hóa - Xã hội", "Phòng VH-XH", "Phòng VHXH", "phòng văn hoá xã hội"]),
          ("Công an xã", ["Công an xã", "Công an"]),
          ("Trạm Y tế xã", ["Trạm Y tế xã", "Trạm y tế"]),
          ("Phòng Kinh tế", ["Phòng Kinh tế", "Phòng KT"]),
          ("Trung tâm Phục vụ hành chính công", ["Trung tâm Phục vụ hành chính công", "Trung tâm PVHCC"]),
          ("Tổ công nghệ số cộng đồng", ["Tổ công nghệ số cộng đồng", "Tổ CNSCĐ"]),
          ("Hội Liên hiệp Phụ nữ xã", ["Hội Liên hiệp Phụ nữ xã", "Hội LHPN xã"])]


def _slug(name: str) -> str:
    return "xa-" + "-".join(name.lower().split())


@pytest.fixture(scope="module")
def reader() -> QueryReader:
    units = {}
    for k, place in enumerate(_PLACES):
        groups = [UnitGroup(c, list(a)) for c, a in _UNITS[: 4 + k % 4]]
        groups.append(UnitGroup(f"UBND xã {place}", [f"UBND xã {place}", f"Ủy ban nhân dân xã {place}"]))
        units[_slug(place)] = groups
    lx = Lexicon(places=[PlaceRef(_slug(p), p, "xã") for p in _PLACES], units=units,
                 vocabulary=frozenset(), abbreviations=Abbreviations({}))
    return QueryReader(lx)


QUESTIONS = ["Phòng Văn hóa – Xã hội xã An Lợi có nhiệm vụ gì?", "phong vh-xh phuoc an lam gi",
             "Phòng VHXXH chủ trì những việc nào?", "Công an xã Nha Bích chủ trì gì?", "Trạm y tế xã làm gì?",
             "Phòng KT Tân Phú phối hợp những nhiệm vụ nào?", "Trung tâm PVHCC có nhiệm vụ gì?",
             "Tổ CNSCD ở Bình Sơn", "UBND xã Phú An giao việc gì?", "Ủy ban nhân dân xã Nha Bích",
             "Hội LHPN xã làm gì?", "văn hóa xã hội", "Sở Y tế chủ trì gì?", "Ai chủ trì Đề án 06?",
             "kinh tế và văn hóa", "Phong Kinh te xa Binh Son"]


@pytest.mark.parametrize("question", QUESTIONS)
def test_unit_lookup_equals_comparing_every_alias(reader, question, monkeypatch):
    fast = reader.read(question, date(2026, 7, 1))
    every = list(range(len(reader.lx.alias_items)))
    monkeypatch.setattr(reader.lx, "alias_candidates", lambda *a: every)
    slow = reader.read(question, date(2026, 7, 1))
    assert fast.units == slow.units
    assert fast.plans == slow.plans


def test_places_found_by_name(reader):
    q = reader.read("Công an xã Phú An làm gì?", date(2026, 7, 1))
    assert q.plans == (_slug("Phú An"),)
    assert reader.read("an loi co bao nhieu chi tieu", date(2026, 7, 1)).plans == (_slug("An Lợi"),)
