"""Scanned tables (issue 21, point 4): ruled tables found in page pixels (corpus/ocr_tables.py), and a
scanned appendix read by OCR into the same rows, tasks and fields as the text PDF it was printed from."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from corpus.ocr import OcrOptions, missing_tools
from corpus.ocr_tables import find_tables
from corpus.parse import parse_document
from corpus.pdf_reader import read_pdf
from tests.ingest_fixtures import APPENDIX_GROUPS, APPENDIX_TASKS, build_appendix_pdf, rasterize

DPI = 200
OCR_MISSING = missing_tools(OcrOptions()) or (None if shutil.which("pdftoppm") else "no pdftoppm")
needs_ocr = pytest.mark.skipif(OCR_MISSING is not None, reason=f"OCR not installed ({OCR_MISSING}): "
                               "apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils")


# ------------------------------------------------------------------------------ grid from pixels

class Page:
    """A white page drawn in pixels: thin grey rules as a 200 dpi scan of a 0.5 pt grid shows them."""

    def __init__(self, width: int = 1400, height: int = 1200) -> None:
        self.pixels = np.full((height, width), 250, dtype=np.uint8)

    def hline(self, y: int, x0: int, x1: int, grey: int = 165) -> None:
        self.pixels[y:y + 2, x0:x1 + 2] = grey

    def vline(self, x: int, y0: int, y1: int, grey: int = 165) -> None:
        self.pixels[y0:y1 + 2, x:x + 2] = grey

    def glyphs(self, x0: int, y0: int, x1: int, lines: int) -> None:
        """Dark strokes the size of 9-pt letters: stems 20 px high, bars 8 px wide, a line every 30 px."""
        for k in range(lines):
            top = y0 + 10 + 30 * k
            for x in range(x0 + 10, x1 - 20, 14):
                self.pixels[top:top + 20, x:x + 3] = 30
                self.pixels[top + 18:top + 20, x:x + 8] = 30

    def rotated(self, degrees: float):
        from PIL import Image
        return np.asarray(Image.fromarray(self.pixels).rotate(degrees, resample=Image.BICUBIC, fillcolor=250))


def _ruled_table(page: Page, xs: list[int], ys: list[int], spanned: dict[int, tuple[int, int]] = {},
                 open_bottom: bool = False) -> None:
    """Rules at xs/ys; spanned: row band -> (first, last) column merged into one cell; open_bottom: the
    page cut the last row (no closing rule)."""
    for k, y in enumerate(ys):
        if not (open_bottom and k == len(ys) - 1):
            page.hline(y, xs[0], xs[-1])
    for band, (top, bottom) in enumerate(zip(ys, ys[1:])):
        first, last = spanned.get(band, (-1, -1))
        for c, x in enumerate(xs):
            if not first < c <= last:
                page.vline(x, top, bottom)


def _names(cell) -> str:
    return f"{cell.row}.{cell.col}"


def test_thin_grey_grid_with_a_merged_group_row_and_wrapped_cells():
    page = Page()
    xs = [100, 190, 700, 950, 1300]      # code | task | lead | deadline, any widths
    ys = [100, 160, 210, 400, 460]       # header, group row, a task wrapped over 6 lines, a one-line task
    _ruled_table(page, xs, ys, spanned={1: (1, 3)})
    page.glyphs(190, 210, 700, 6)       # the wrapped task text: stems must not split the cell
    page.glyphs(700, 210, 950, 2)
    (table,), rules = find_tables(page.pixels, DPI)
    assert (table.n_rows, table.n_cols) == (4, 4)
    merged = [c for c in table.cells if c.cols > 1]
    assert [(c.row, c.col, c.cols) for c in merged] == [(1, 1, 3)]
    assert table.rows(_names) == ["0.0\t0.1\t0.2\t0.3", "1.0\t1.1\t\t", "2.0\t2.1\t2.2\t2.3", "3.0\t3.1\t3.2\t3.3"]
    assert rules[ys[2], 500] and rules[300, xs[2]]          # rules are erased before OCR ...
    assert not rules[225, 205] and not rules[250, 720]      # ... the letters are not


def test_askew_scan_keeps_its_columns():
    page = Page()
    _ruled_table(page, [100, 180, 600, 900, 1250], [80, 140, 300, 460, 620, 780, 940, 1100], spanned={2: (1, 3)})
    for degrees in (0.15, -0.3, 1.0):   # 1 degree: slivers between the askew outer rules and the box
        (table,), _ = find_tables(page.rotated(degrees), DPI)
        assert (table.n_rows, table.n_cols) == (7, 4), degrees
        assert len(table.cells) == 6 * 4 + 2


def test_rule_ends_sticking_out_make_no_cell():
    """The left rule standing a little above the top rule and the bottom rule running past the right rule
    (a scan turned straight, rules overshooting): the white between them and the table's bounding box is a
    thin band around two sides of the table, not a cell that would take the words of the cells inside it."""
    page = Page()
    xs, ys = [100, 250, 800, 1100], [200, 280, 420, 560]
    for y in ys:
        page.hline(y, xs[0], xs[-1] + (12 if y == ys[-1] else 0))
    for x in xs:
        page.vline(x, ys[0] - (12 if x == xs[0] else 0), ys[-1])
    (table,), _ = find_tables(page.pixels, DPI)
    assert (table.n_rows, table.n_cols) == (3, 3)
    assert all(cell.rows == cell.cols == 1 for cell in table.cells) and len(table.cells) == 9


def test_row_cut_by_the_page_break_is_still_a_row():
    page = Page()
    _ruled_table(page, [100, 300, 800, 1200], [700, 760, 900, 1150], open_bottom=True)
    (table,), _ = find_tables(page.pixels, DPI)
    assert (table.n_rows, table.n_cols) == (3, 3)
    assert table.rows(_names)[-1] == "2.0\t2.1\t2.2"


def test_letters_printed_against_a_table_add_no_row():
    page = Page()
    xs, ys = [100, 190, 700, 1000], [100, 160, 300]
    _ruled_table(page, xs, ys)
    for x in (104, 118, 132, 170, 205, 240):     # "III. TỔ CHỨC" set 4 px under the bottom rule: tall stems
        page.vline(x, ys[-1] + 6, ys[-1] + 40, grey=20)
    (table,), rules = find_tables(page.pixels, DPI)
    assert (table.n_rows, table.n_cols) == (2, 3)
    assert table.box[3] < ys[-1] + 10 and not rules[ys[-1] + 30, 118]


def test_boxes_lines_and_two_tables_on_one_page():
    page = Page(height=1600)
    _ruled_table(page, [100, 1300], [60, 200])                       # a ruled box around prose: no table
    page.hline(260, 800, 1200)                                      # a signature line
    _ruled_table(page, [100, 400, 1300], [320, 380, 440])            # two tables with prose between them
    page.glyphs(100, 460, 1300, 3)
    _ruled_table(page, [100, 250, 700, 1000, 1300], [600, 660, 720, 780])
    tables, _ = find_tables(page.pixels, DPI)
    assert [(t.n_rows, t.n_cols) for t in tables] == [(2, 2), (3, 4)]
    assert tables[0].top < tables[1].top


# ------------------------------------------------------------------------- a scanned appendix, read

@pytest.fixture(scope="module")
def appendix(tmp_path_factory):
    """The appendix as a text PDF, columns in an order no seed plan uses, row numbers headed "TT"."""
    folder = tmp_path_factory.mktemp("appendix")
    return build_appendix_pdf(folder / "xa-long-phuoc.pdf", "Long Phước", ("deadline", "lead", "code", "text", "coop"),
                              code_header="TT")


@pytest.fixture(scope="module")
def scanned(appendix, tmp_path_factory):
    """Its 200 dpi scan (images only), read by OCR."""
    folder = tmp_path_factory.mktemp("scan")
    scan = rasterize(appendix, folder / appendix.name, dpi=DPI)
    return read_pdf(scan, OcrOptions(cache_dir=folder / "cache", dpi=DPI, progress=False))


def _table_rows(doc) -> list[str]:
    return ["".join(line.split(" ")) for line in doc.lines if "\t" in line]


def test_text_pdf_appendix_runs_over_pages_with_its_header_repeated(appendix):
    text = read_pdf(appendix)
    rows = _table_rows(text)
    assert len(rows) == 1 + len(APPENDIX_GROUPS) + len(APPENDIX_TASKS) + 1   # header repeated once
    assert rows.count(rows[0]) == 2 and len({p for p, line in zip(text.pages, text.lines) if "\t" in line}) == 2


@needs_ocr
def test_scanned_appendix_gives_the_text_pdf_rows(appendix, scanned):
    assert _table_rows(scanned) == _table_rows(read_pdf(appendix))


@needs_ocr
def test_scanned_appendix_gives_the_same_tasks(appendix, scanned):
    from_text = parse_document(read_pdf(appendix), "xa-long-phuoc.pdf", "0" * 64).tasks
    from_scan = parse_document(scanned, "xa-long-phuoc.pdf", "1" * 64).tasks
    assert len(from_scan) == len(from_text) == len(APPENDIX_TASKS)
    squash = lambda s: "".join(s.split())  # noqa: E731
    for truth, task in zip(APPENDIX_TASKS, from_scan):
        assert squash(task.task) == squash(truth.text)
        assert task.lead == (truth.lead,)
        assert task.deadline.text == truth.deadline
        assert squash(";".join(task.cooperating)) == squash(truth.coop)
    assert [t.group for t in from_scan] == [t.group for t in from_text]


@pytest.mark.parametrize("text,conf,noise", [
    ("_", 95.0, True), ("|", 45.0, True), ("X⁄X⁄\\", 30.0, True),      # specks, rule remnants, a signature
    ("-", 40.0, False), ("%", 50.0, False), ("2025", 30.0, False), ("Sở", 38.0, False),
])
def test_rule_remnants_and_specks_are_no_words(text, conf, noise):
    from corpus.ocr import _is_scribble, _Word
    assert _is_scribble(_Word(text, 0, 10, 0, 10, (1, 1, 1), conf)) is noise


def test_row_numbers_read_again_only_when_the_page_reading_is_unsure():
    """A dotted number read on the full page is kept (read alone, its small dot is lost: "4.2" -> "42");
    a row number the page read as ";" is read again; the header "TT" stays."""
    from corpus.ocr import _CellReader, _Word
    from corpus.ocr_tables import GridCell, RuledTable

    def cell(row, col):
        x0, x1 = ((0, 60), (60, 600), (600, 900))[col]
        return GridCell(row, col, 1, 1, (x0, row * 50, x1, row * 50 + 50))

    table = RuledTable((0, 0, 900, 200), 4, 3, tuple(cell(r, c) for r in range(4) for c in range(3)), (0, 60, 600, 900))
    words = [_Word(text, 10, 40, 50 * row + 20, 50 * row + 30, (row, 1, 1))
             for row, text in ((0, "TT"), (1, "4.2"), (2, ";"), (3, "5.1.3"))]
    again = {1: "42", 2: "3", 3: "513"}
    reader = _CellReader(table, words, set(), lambda box, psm, row_number: again.get(box[1] // 50, ""))
    assert [reader(cell(r, 0)) for r in range(4)] == ["TT", "4.2", "3", "5.1.3"]
