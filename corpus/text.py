"""Vietnamese text normalization shared by every layer: NFC, tone placement, folding."""
from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date
from pathlib import Path

# Old-style tone placement ("hoà", "thuỷ") -> the placement most text uses ("hòa", "thủy").
_TONE_FIX = {
    "oá": "óa", "oà": "òa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oé": "óe", "oè": "òe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uý": "úy", "uỳ": "ùy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
# Only at a syllable end: "hoà" -> "hòa" but "hoàn", "Huỳnh" stay as they are.
_TONE_RE = re.compile(r"(?<![qQ])(?:" + "|".join(map(re.escape, _TONE_FIX)) + r")(?![a-zà-ỹđ])", re.IGNORECASE)
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")


def nfc(text: str) -> str:
    """NFC plus one tone placement; apply at the edge (file read, user message)."""
    text = unicodedata.normalize("NFC", text)
    return _TONE_RE.sub(lambda m: _fix_case(m.group(0)), text)


def _fix_case(s: str) -> str:
    fixed = _TONE_FIX.get(s.lower())
    if fixed is None:
        return s
    return fixed.upper() if s.isupper() else (fixed.capitalize() if s[0].isupper() else fixed)


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ -> d): 'Đề án' -> 'de an'."""
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return text.replace("đ", "d")


def squash(text: str) -> str:
    """Collapse whitespace and normalize dashes for comparisons."""
    text = _DASHES.sub("-", text)
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> list[str]:
    """Folded word tokens (letters/digits), for lexical comparisons."""
    return re.findall(r"[0-9a-z]+", fold(text))


def syllables(text: str, keep_tones: bool) -> list[str]:
    """Word tokens, lower case, with their tone marks when keep_tones (else folded as words())."""
    if not keep_tones:
        return words(text)
    return re.findall(r"[0-9a-zà-ỹđ]+", nfc(text).lower())


_Y_TO_I = str.maketrans("yýỳỷỹỵ", "iíìỉĩị")


def one_spelling(syllable: str) -> str:
    """One spelling of a syllable written either way with its final y/i: "tỉ" = "tỷ", "kĩ" = "kỹ"."""
    return syllable.translate(_Y_TO_I) if re.fullmatch(r"[bcdđghklmnpqrstvx]+[yýỳỷỹỵ]", syllable) else syllable


class LineRun:
    """Consecutive (line number, text) pairs read as one piece: a paragraph or a table cell."""

    def __init__(self, lines: list[tuple[int, str]] | None = None):
        self.lines: list[tuple[int, str]] = lines if lines is not None else []

    @property
    def text(self) -> str:
        return squash(" ".join(t.strip() for _, t in self.lines))

    @property
    def first(self) -> int:
        return self.lines[0][0]

    @property
    def last(self) -> int:
        return self.lines[-1][0]


# a year the plans speak of ("năm 2026", "đến 2030")
YEAR = re.compile(r"\b(20[2-5]\d)\b")
ROMAN_NUMERALS = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x")     # folded, in order


def roman_value(token: str) -> int | None:
    """'iii' / 'III' -> 3; None for anything else (I to X: the numbering plans use)."""
    t = token.strip().lower()
    return ROMAN_NUMERALS.index(t) + 1 if t in ROMAN_NUMERALS else None


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """The data files' format: 'key<TAB>value' a line, '#' comments and blank lines skipped, a third column
    and beyond are notes."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        key, value = line.split("\t")[:2]
        out.append((key.strip(), value.strip()))
    return out
