"""Read a question: clean it, find what it asks (intents), which plans it names, and which unit it mentions."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from corpus.text import fold, nfc, squash

MAX_QUESTION_CHARS = 600

# Folded cue phrases for each intent. Order does not matter; a question may carry several (compound).
_INTENT_CUES: dict[str, tuple[str, ...]] = {
    "owner": (r"\bai\b", r"don vi nao", r"co quan nao", r"phong nao", r"so nao", r"\bchu tri\b", r"phu trach",
              r"\bai lo\b", r"\blo viec\b", r"theo doi", r"chiu trach nhiem", r"dam nhiem", r"dau moi",
              r"\bdo ai\b", r"\bcua ai\b", r"ben nao", r"noi nao"),
    "coop": (r"(\bai|don vi nao|co quan nao|nhung ai|nhung don vi|cac don vi|ben nao).{0,25}phoi hop",
             r"phoi hop.{0,15}(voi ai|la ai|gom|nhung ai|nhung don vi|don vi nao|co quan nao)"),
    "deadline": (r"\bhan\b", r"thoi han", r"khi nao", r"bao gio", r"luc nao", r"ngay nao", r"thang nao",
                 r"quy nao", r"nam nao", r"han chot", r"tien do", r"thoi gian hoan thanh", r"xong\b",
                 r"truoc ngay", r"may gio", r"den khi"),
    "target": (r"chi tieu", r"\bty le\b", r"\bti le\b", r"bao nhieu", r"phan tram", r"%", r"muc tieu .*dat",
               r"phan dau", r"dat muc", r"so luong"),
    "duties": (r"nhiem vu gi", r"phai lam gi", r"lam gi\b", r"lam nhung gi", r"trach nhiem gi", r"duoc giao gi",
               r"nhiem vu cua", r"trach nhiem cua", r"vai tro", r"can lam", r"phai lam nhung", r"giao nhiem vu gi",
               r"co nhiem vu", r"nhung viec gi", r"viec gi"),
    "list": (r"cac nhiem vu", r"nhung nhiem vu", r"nhiem vu nao", r"viec nao", r"liet ke", r"cac chi tieu",
             r"nhung chi tieu", r"danh sach", r"bao nhieu nhiem vu", r"bao nhieu chi tieu", r"tat ca",
             r"cac viec", r"nhung viec nao", r"chi tieu nao", r"(chu tri|phu trach|lo) (nhung|cac) (viec|nhiem vu|gi)",
             r"(chu tri|phu trach) nhung gi"),
}
_OFFTOPIC = (r"thoi tiet", r"bong da", r"\bgia vang\b", r"xo so", r"\bphim\b", r"\bnau an\b", r"\bmon an\b",
             r"ty gia", r"chung khoan", r"\bbai hat\b", r"\bca si\b", r"du bao", r"tinh yeu")
_GREETING = re.compile(r"^(xin chao|chao( ban| bot| em| anh| chi)?|hello|hi|alo|cam on( ban)?|thanks?|ok|oke)\W*$")


@dataclass(frozen=True)
class Question:
    raw: str
    text: str          # cleaned, NFC
    folded: str
    intents: frozenset[str]
    year: int | None

    @property
    def empty(self) -> bool:
        return not re.search(r"\w", self.text)


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


def read_question(raw: str) -> Question:
    text = clean_question(raw)
    f = fold(text)
    intents = {name for name, cues in _INTENT_CUES.items() if any(re.search(c, f) for c in cues)}
    if "list" in intents and re.search(r"nhiem vu nao .*(han|xong|het han)|viec nao .*han", f):
        intents.add("deadline")
    m = re.search(r"\b(20[2-5]\d)\b", f)
    return Question(raw=raw, text=text, folded=f, intents=frozenset(intents), year=int(m.group(1)) if m else None)


def is_offtopic(q: Question) -> bool:
    return any(re.search(c, q.folded) for c in _OFFTOPIC)


def is_greeting(q: Question) -> bool:
    return bool(_GREETING.match(q.folded.strip()))
