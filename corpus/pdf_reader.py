"""Read a PDF plan with a text layer into numbered lines shaped like the text plans.

- tables (pdfplumber's find_tables, i.e. ruled grids) -> one line per row, cells joined by "\\t",
  a cell's wrapped lines joined by spaces, merged/empty grid positions as ""; one empty line after;
- the rest of each page, outside the table boxes, in top-to-bottom order: visual lines are joined back
  into paragraphs (a new paragraph starts after a larger vertical gap, a short previous line, a deeper
  first-line indent, or a line opening with "- ", "1. ", "a) ", "II. "... after a closed sentence), each
  paragraph -> one line followed by one empty line; a sentence cut by a page break is joined to its start;
- bare page numbers in the top/bottom margin are dropped.
Each line carries the page its text starts on. Single-column layouts only (what the plans use).
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from corpus.document import TextDocument, UnreadablePlan, file_sha256
from corpus.ocr import INSTALL_HINT, OcrOptions, cached_pages, missing_tools, ocr_pages
from corpus.pdf_words import text_lines
from corpus.text import nfc

_ITEM_START = re.compile(r"^(?:[-–•+*]\s|(?:\d{1,3}(?:\.\d{1,3})*|[IVXL]{1,5}|[a-zđ])[.)]\s)")
_PAGE_NUMBER = re.compile(r"^(?:trang\s*)?-?\s*\d{1,4}\s*-?(?:\s*/\s*\d{1,4})?$", re.IGNORECASE)
_MARGIN = 0.08          # share of the page height where running headers/footers live
_SENTENCE_END = (".", ":", ";", "!", "?", "…")


@dataclass(frozen=True)
class _Line:
    """One visual text line outside tables."""
    text: str
    x0: float
    x1: float
    top: float
    page: int


@dataclass(frozen=True)
class _Table:
    rows: tuple[str, ...]
    top: float
    page: int


@dataclass(frozen=True)
class _Layout:
    """Measures of the body text, taken over the whole document."""
    leading: float      # usual distance between the tops of two lines of one paragraph
    left: float
    right: float

    @classmethod
    def measure(cls, items: list[_Line | _Table]) -> _Layout:
        lines = [item for item in items if isinstance(item, _Line)]
        gaps = [
            b.top - a.top for a, b in zip(items, items[1:])
            if isinstance(a, _Line) and isinstance(b, _Line) and a.page == b.page and b.top > a.top
        ]
        leading = _quantile(gaps, 0.25) if gaps else 0.0
        return cls(leading=leading, left=_quantile([ln.x0 for ln in lines], 0.1),
                   right=max((ln.x1 for ln in lines), default=0.0))

    @property
    def width(self) -> float:
        return max(self.right - self.left, 1.0)

    def wraps_into(self, prev: _Line, line: _Line) -> bool:
        """`prev` ends where a word processor would have wrapped: it runs (almost) to the right margin,
        or the first word of `line` would not have fitted after it."""
        if prev.x1 >= self.right - 0.12 * self.width:
            return True
        first_word = line.text.split(" ", 1)[0]
        char_width = (line.x1 - line.x0) / max(len(line.text), 1)
        return prev.x1 + char_width * (len(first_word) + 1) >= self.right - 0.02 * self.width


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def read_pdf(path: Path, ocr: OcrOptions | None = None) -> TextDocument:
    """Read a PDF plan; pages without a text layer (scans) are read by OCR (corpus/ocr.py).
    Raise UnreadablePlan (Vietnamese reason) for encrypted or broken files, or scans when OCR is missing."""
    path = Path(path)
    items = _load(path, ocr or OcrOptions())
    lines, pages = _compose(items, _Layout.measure(items))
    return TextDocument(lines=tuple(lines), pages=tuple(pages), kind="pdf")


def _load(path: Path, ocr: OcrOptions) -> list[_Line | _Table]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(path)
    except OSError as exc:
        raise UnreadablePlan(f"{path.name}: không mở được tệp ({exc.strerror or exc})") from exc
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise UnreadablePlan(
                f"{path.name}: tệp PDF được đặt mật khẩu hoặc mã hóa; hãy gửi bản không mật khẩu"
            ) from exc
        raise UnreadablePlan(f"{path.name}: tệp bị hỏng hoặc không phải PDF hợp lệ; hãy xuất lại PDF rồi gửi lại") from exc
    pages: dict[int, list[_Line | _Table]] = {}
    scanned: list[int] = []
    heights: dict[int, float] = {}
    with pdf:
        try:
            for number, page in enumerate(pdf.pages, start=1):
                if any(c["text"].strip() for c in page.chars):
                    pages[number] = _page_items(page, number)
                else:
                    scanned.append(number)
                    heights[number] = float(page.height)
        except Exception as exc:  # pdfminer raises many unrelated types on damaged content streams
            raise UnreadablePlan(
                f"{path.name}: nội dung trang PDF bị hỏng, không đọc được; hãy xuất lại PDF rồi gửi lại"
            ) from exc
    lines = [item for found in pages.values() for item in found if isinstance(item, _Line)]
    glyph_codes = sum(item.text.count("(cid:") for item in lines)
    if glyph_codes and glyph_codes * 5 > sum(len(item.text.split()) for item in lines):
        raise UnreadablePlan(
            f"{path.name}: phông chữ trong PDF không cho trích xuất chữ (chỉ còn mã glyph); "
            "hãy gửi bản Word hoặc xuất lại PDF có nhúng phông Unicode"
        )
    if scanned:
        pages.update(_ocr_items(path, heights, ocr, whole=not pages))
    return [item for number in sorted(pages) for item in pages[number]]


def _ocr_items(path: Path, heights: dict[int, float], ocr: OcrOptions, whole: bool) -> dict[int, list[_Line | _Table]]:
    """Pages without a text layer, read by OCR; without Tesseract a scan is refused with what to install."""
    sha256 = file_sha256(path)
    read = cached_pages(path, sha256, sorted(heights), ocr)
    missing = missing_tools(ocr) if read is None else None
    if missing:
        if not whole:
            return {}   # a stamped signature page among text pages: the text pages carry the plan
        raise UnreadablePlan(
            f"{path.name}: tệp PDF không có lớp văn bản (bản scan), cần nhận dạng chữ (OCR) nhưng {missing}; "
            f"cài bằng: {INSTALL_HINT}"
        )
    try:
        read = read or ocr_pages(path, sha256, sorted(heights), ocr)
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        raise UnreadablePlan(f"{path.name}: không nhận dạng được chữ trong bản scan ({type(exc).__name__})") from exc
    pages: dict[int, list[_Line | _Table]] = {}
    for number, page in read.items():
        items: list[_Line | _Table] = [
            _Line(line.text, line.x0, line.x1, line.top, number) for line in page.lines
            if not _is_running_page_number(line.text, line.top, line.bottom, heights[number])]
        items += [_Table(rows=tuple(nfc(row) for row in table.rows), top=table.top, page=number)
                  for table in page.tables]
        items.sort(key=lambda item: item.top)
        pages[number] = items
    if whole and not any(pages.values()):
        raise UnreadablePlan(
            f"{path.name}: tệp PDF không có lớp văn bản (bản scan) và nhận dạng chữ (OCR) không đọc được chữ nào; "
            "hãy quét lại rõ hơn (300 dpi) hoặc gửi bản Word"
        )
    return pages


def _page_items(page, number: int) -> list[_Line | _Table]:
    """Tables and the visual lines outside them, top to bottom."""
    page = page.dedupe_chars()   # fake bold: the same glyph drawn twice, slightly shifted
    tables = page.find_tables(table_settings={"explicit_horizontal_lines": _open_grid_ends(page)})
    boxes = [table.bbox for table in tables]
    chars = page.chars
    items: list[_Line | _Table] = []
    for table in tables:
        rows = tuple(nfc("\t".join(_cell_text(chars, cell) for cell in row.cells)) for row in table.rows)
        rows = tuple(row for row in rows if row.strip())
        if rows:
            items.append(_Table(rows=rows, top=table.bbox[1], page=number))
    outside = [c for c in chars if not _inside(c, boxes)]
    for found in text_lines(outside):
        if _is_running_page_number(found.text, found.top, found.bottom, page.height):
            continue
        items.append(_Line(found.text, found.x0, found.x1, found.top, number))
    items.sort(key=lambda item: item.top)
    return items


def _open_grid_ends(page) -> list[float]:
    """Where three or more column rules stop together with no horizontal rule there: a table cut by a
    page break without its closing border (a row split over two pages). The missing border is added so
    the row's first part is still read as a row."""
    verticals = [e for e in page.edges if e["orientation"] == "v" and e["bottom"] - e["top"] > 8]
    horizontals = [e for e in page.edges if e["orientation"] == "h"]
    ends: list[float] = []
    for key in ("top", "bottom"):
        groups: dict[int, list[dict]] = {}
        for edge in verticals:
            groups.setdefault(round(edge[key]), []).append(edge)
        for y, edges in groups.items():
            if len(edges) < 3:
                continue
            x0, x1 = min(e["x0"] for e in edges), max(e["x1"] for e in edges)
            closed = any(abs(h["top"] - y) <= 2 and h["x0"] <= x0 + 2 and h["x1"] >= x1 - 2 for h in horizontals)
            if not closed:
                ends.append(float(y))
    return ends


def _cell_text(chars: list[dict], box: tuple[float, float, float, float] | None) -> str:
    """A cell's wrapped lines joined by spaces; a position covered by a merged cell is ""."""
    if box is None:
        return ""
    return " ".join(line.text for line in text_lines([c for c in chars if _inside(c, [box])]))


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _is_running_page_number(text: str, top: float, bottom: float, height: float) -> bool:
    in_margin = bottom < height * _MARGIN or top > height * (1 - _MARGIN)
    return in_margin and bool(_PAGE_NUMBER.match(text))


def _compose(items: list[_Line | _Table], layout: _Layout) -> tuple[list[str], list[int]]:
    lines: list[str] = []
    pages: list[int] = []
    paragraph: list[_Line] = []

    def emit(text: str, page: int) -> None:
        lines.extend((text, ""))
        pages.extend((page, page))

    def flush() -> None:
        if paragraph:
            emit(" ".join(line.text for line in paragraph), paragraph[0].page)
            paragraph.clear()

    previous: _Line | _Table | None = None
    for item in items:
        if isinstance(item, _Table):
            flush()
            for row in item.rows:
                lines.append(row)
                pages.append(item.page)
            lines.append("")
            pages.append(item.page)
        else:
            if isinstance(previous, _Line) and paragraph and not _starts_paragraph(
                    previous, item, layout, first_of_paragraph=len(paragraph) == 1):
                paragraph.append(item)
            else:
                flush()
                paragraph.append(item)
        previous = item
    flush()
    return lines, pages


def _starts_paragraph(prev: _Line, line: _Line, layout: _Layout, first_of_paragraph: bool) -> bool:
    """Whether `line` opens a new paragraph rather than continuing the one `prev` belongs to."""
    if not layout.wraps_into(prev, line):
        return True
    # A wrapped line that does not close a sentence goes on, even when the next line happens to open
    # with "- " or "2. " after wrapping, or sits on the next page.
    item = bool(_ITEM_START.match(line.text))
    closed = prev.text.endswith(_SENTENCE_END)
    if line.page != prev.page:
        return closed or item
    gap = line.top - prev.top
    if gap <= 0 or (layout.leading and gap > layout.leading * 1.2 + 1.0):
        return True
    if item:
        return closed
    # A first-line indent deeper than the line above; the first line of a paragraph is exempt so
    # hanging indents (list items whose wrapped lines sit further right) stay together.
    return not first_of_paragraph and line.x0 > prev.x0 + max(0.02 * layout.width, 8.0)
