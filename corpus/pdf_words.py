"""Characters of a PDF page -> text lines with words separated the way they were typed.

pdfplumber's fixed x_tolerance (3 pt) splits letter-spaced or glyph-by-glyph positioned Vietnamese text
("H òa n t hiệ n") and merges small word gaps at small sizes. Here a line's words are split at the space
glyphs the PDF draws when it draws any (what Word and LibreOffice export); a line without space glyphs
is split at gaps clearly wider than the line's usual letter gap, measured in the font's em.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass

from corpus.text import nfc

# Word gap without a space glyph: wider than the usual letter gap by this share of the font size.
# Space widths are 0.25-0.32 em in the fonts plans use; kerning/letter-spacing noise stays below ~0.12 em.
_GAP_EM = 0.17
# With space glyphs, a gap wider than this (tab stop, justified spread) still separates words.
_WIDE_GAP_EM = 0.6


@dataclass(frozen=True)
class TextLine:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


def text_lines(chars: list[dict]) -> list[TextLine]:
    """Upright characters grouped into lines (top to bottom), each line's words joined by one space."""
    rows: list[list[dict]] = []
    for char in sorted((c for c in chars if c.get("upright", True)), key=lambda c: (c["top"], c["x0"])):
        if rows and _same_line(rows[-1], char):
            rows[-1].append(char)
        else:
            rows.append([char])
    lines = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        text = _join_words(row)
        if text:
            visible = [c for c in row if c["text"].strip()]
            lines.append(TextLine(nfc(text), visible[0]["x0"], max(c["x1"] for c in visible),
                                  min(c["top"] for c in visible), max(c["bottom"] for c in visible)))
    return lines


def _same_line(row: list[dict], char: dict) -> bool:
    top = min(c["top"] for c in row)
    bottom = max(c["bottom"] for c in row)
    overlap = min(bottom, char["bottom"]) - max(top, char["top"])
    return overlap >= 0.5 * min(char["bottom"] - char["top"], bottom - top)


def _join_words(row: list[dict]) -> str:
    """Characters of one line in x order -> words joined by single spaces."""
    has_spaces = any(not c["text"].strip() for c in row)
    visible = [c for c in row if c["text"].strip()]
    if not visible:
        return ""
    gaps = [b["x0"] - a["x1"] for a, b in zip(visible, visible[1:])]
    usual = max(statistics.median(gaps), 0.0) if gaps else 0.0
    out: list[str] = []
    previous: dict | None = None
    space_seen = False
    for char in row:
        if not char["text"].strip():
            space_seen = previous is not None
            continue
        if previous is not None:
            gap = char["x0"] - previous["x1"]
            size = max(char.get("size") or 0.0, previous.get("size") or 0.0, 1.0)
            if has_spaces:
                spaced = space_seen or gap > _WIDE_GAP_EM * size
            else:
                spaced = gap > usual + _GAP_EM * size
            if spaced:
                out.append(" ")
        out.append(char["text"])
        previous, space_seen = char, False
    return "".join(out)
