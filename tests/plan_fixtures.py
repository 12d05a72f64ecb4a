"""Build Word and PDF versions of a text plan, as a commune would issue them, for the reader tests.

The content comes from the text plan: prose lines become paragraphs ("- " lines become Word bullet
list items, "N. " runs become Word numbered lists), runs of tab-separated lines become real tables
(a group row whose tail is empty is one merged cell), and a blank line between two table blocks (a
page break in the original) becomes a page break. Markdown bold markers are dropped and LaTeX is
written as the plain text a word processor would show ("≥ 95%"). Fonts: DejaVu Sans (Debian package fonts-dejavu-core), which has the
Vietnamese glyphs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

NHA_BICH = Path(__file__).resolve().parent.parent / "corpus" / "plans" / "xa-nha-bich-2026.txt"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

_LATEX = re.compile(r"\$\\geq\s*([0-9.,]+)\s*\\%\$")
_NUMBERED = re.compile(r"^(\d{1,2})\. (.+)$")
_TOP_HEADING = re.compile(r"^(?:[IVX]+\. |PHỤ LỤC [IVX]+$)")


def commune_plan(number: int, body: str) -> str:
    """A made-up commune plan of xã Tân Hòa for 2026, numbered, as a commune's Word file heads it: the body
    follows the header the reader takes the plan's issuer, number and title from."""
    return (f"ỦY BAN NHÂN DÂN XÃ TÂN HÒA\nSố: {number}/KH-UBND\n\nKẾ HOẠCH\n"
            f"Triển khai Nghị quyết số 57-NQ/TW trên địa bàn xã Tân Hòa năm 2026\n\n{body}")


def province_plan(number: int, body: str) -> str:
    """A made-up province plan of tỉnh Bình An for 2026, numbered, headed as commune_plan heads a commune's."""
    return (f"ỦY BAN NHÂN DÂN TỈNH BÌNH AN\nSố: {number}/KH-UBND\n\nKẾ HOẠCH\n"
            f"Triển khai Nghị quyết số 57-NQ/TW trên địa bàn tỉnh Bình An năm 2026\n\n{body}")


def word_text(line: str) -> str:
    """A text-plan line as a word processor shows it: no markdown bold, LaTeX '≥ 95%' as text."""
    return _LATEX.sub(r"≥ \1%", line).replace("**", "")


@dataclass(frozen=True)
class Block:
    kind: str                 # "paragraph" | "table"
    lines: tuple[str, ...]    # one paragraph line, or the table's tab-separated rows
    page_break: bool = False  # starts a new page


def plan_blocks(text: str) -> list[Block]:
    """Paragraphs and tables of a text plan, with where a page break goes."""
    blocks: list[Block] = []
    rows: list[str] = []
    after_table_gap = False

    def close_table() -> None:
        nonlocal rows
        if rows:
            blocks.append(Block("table", tuple(rows), page_break=after_table_gap))
            rows = []

    seen_heading = False
    for raw in text.split("\n"):
        line = word_text(raw.rstrip("\r"))
        if "\t" in line:
            rows.append(line)
            continue
        if not line.strip():
            if rows:
                close_table()
                after_table_gap = True
            continue
        close_table()
        after_table_gap = False
        heading = is_heading(line)
        blocks.append(Block("paragraph", (line,), page_break=heading and seen_heading))
        seen_heading = seen_heading or heading
    close_table()
    return blocks


def is_heading(line: str) -> bool:
    """A top-level heading: 'II. MỤC TIÊU' (upper case after the Roman number) or 'PHỤ LỤC I'."""
    return bool(_TOP_HEADING.match(line)) and line == line.upper()


@dataclass(frozen=True)
class Fixture:
    path: Path
    pages: dict[str, int]     # paragraph text -> page it starts on, as the writer laid it out


# ----------------------------------------------------------------------------------------- .docx

def build_docx(text: str, path: Path) -> Fixture:
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    page = 1
    pages: dict[str, int] = {}
    numbered_run: list[int] = []
    blocks = plan_blocks(text)
    for index, block in enumerate(blocks):
        if block.kind == "table":
            if block.page_break:
                document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
                page += 1
            _docx_table(document, block.lines)
            continue
        line = block.lines[0]
        number = _NUMBERED.match(line)
        if line.startswith("- "):
            paragraph = document.add_paragraph(line[2:], style="List Bullet")
        elif number and _numbered_item(number, numbered_run):
            paragraph = document.add_paragraph(number.group(2), style="List Number")
            if numbered_run == [1]:
                _restart_numbering(document, paragraph)
        elif is_heading(line):
            paragraph = document.add_heading(line, level=1)
        else:
            paragraph = document.add_paragraph(line)
        if block.page_break:
            # Two ways Word marks it: the heading's own "page break before", or a break typed at the
            # end of the paragraph above (used before the appendices).
            if line.startswith("PHỤ LỤC") and index and blocks[index - 1].kind == "paragraph":
                document.paragraphs[-2].add_run().add_break(WD_BREAK.PAGE)
            else:
                paragraph.paragraph_format.page_break_before = True
            page += 1
        pages.setdefault(line, page)
    document.save(path)
    return Fixture(path, pages)


def _numbered_item(match: re.Match, run: list[int]) -> bool:
    """Track a run of '1. ', '2. ', ... paragraphs; False when the number does not continue one."""
    value = int(match.group(1))
    if value == 1 or (run and value == run[-1] + 1):
        if value == 1:
            run.clear()
        run.append(value)
        return True
    run.clear()
    return False


def _restart_numbering(document, paragraph) -> None:
    """A new list instance starting at 1 (Word continues one list across the file otherwise)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    numbering = document.part.numbering_part.element
    style_num_id = document.styles["List Number"].element.pPr.numPr.numId.val
    abstract_id = next(
        num.find(qn("w:abstractNumId")).get(qn("w:val"))
        for num in numbering.iter(qn("w:num")) if num.get(qn("w:numId")) == str(style_num_id)
    )
    new_id = 1 + max(int(num.get(qn("w:numId"))) for num in numbering.iter(qn("w:num")))
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), str(new_id))
    abstract = OxmlElement("w:abstractNumId")
    abstract.set(qn("w:val"), abstract_id)
    override = OxmlElement("w:lvlOverride")
    override.set(qn("w:ilvl"), "0")
    start = OxmlElement("w:startOverride")
    start.set(qn("w:val"), "1")
    override.append(start)
    num.extend([abstract, override])
    numbering.append(num)
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = new_id


def _docx_table(document, rows: tuple[str, ...]) -> None:
    width = max(len(row.split("\t")) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for row, cells in zip(table.rows, (row.split("\t") for row in rows)):
        cells += [""] * (width - len(cells))
        filled = max(i for i, cell in enumerate(cells) if cell) if any(cells) else 0
        if 0 < filled < width - 2 and all(not cell for cell in cells[filled + 1:]):
            # A group title row: its text spans the empty columns to its right.
            row.cells[filled].merge(row.cells[width - 1])
        for i, cell in enumerate(cells):
            if cell and i <= filled:
                row.cells[i].text = cell


# ------------------------------------------------------------------------------------------ .pdf

def _font(file_name: str) -> Path:
    """DejaVu from Debian's fonts-dejavu-core, else the copy matplotlib ships (if installed)."""
    candidates = [FONT_DIR / file_name]
    try:
        import matplotlib
        candidates.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / file_name)
    except ImportError:
        pass
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{file_name} not found: install the Debian package fonts-dejavu-core")


def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(_font("DejaVuSans.ttf"))))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(_font("DejaVuSans-Bold.ttf"))))


def build_pdf(text: str, path: Path) -> Fixture:
    """A4 PDF; the appendix with the 7-column task table on landscape pages; page numbers in the footer."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import (BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate,
                                    Paragraph, Spacer, Table, TableStyle)

    _register_fonts()
    body = ParagraphStyle("body", fontName="DejaVuSans", fontSize=11, leading=14, spaceAfter=5)
    heading = ParagraphStyle("heading", parent=body, fontName="DejaVuSans-Bold", fontSize=12,
                             leading=15, spaceBefore=4, spaceAfter=6)
    cell = ParagraphStyle("cell", fontName="DejaVuSans", fontSize=8, leading=10)
    pages: dict[str, int] = {}

    class Template(BaseDocTemplate):
        def afterFlowable(self, flowable) -> None:
            line = getattr(flowable, "plan_line", None)
            if line is not None:
                pages.setdefault(line, self.page)

    def footer(canvas, doc) -> None:
        canvas.setFont("DejaVuSans", 9)
        canvas.drawCentredString(doc.pagesize[0] / 2, 1.2 * cm, str(doc.page))

    margin = 2 * cm
    portrait, wide = A4, landscape(A4)
    doc = Template(str(path), pagesize=portrait, leftMargin=margin, rightMargin=margin,
                   topMargin=margin, bottomMargin=margin)
    doc.addPageTemplates([
        PageTemplate("portrait", [Frame(margin, margin, portrait[0] - 2 * margin, portrait[1] - 2 * margin)],
                     onPage=footer, pagesize=portrait),
        PageTemplate("landscape", [Frame(margin, margin, wide[0] - 2 * margin, wide[1] - 2 * margin)],
                     onPage=footer, pagesize=wide),
    ])
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    story = []
    blocks = plan_blocks(text)
    tables_seen = 0
    for block in blocks:
        if block.kind == "table":
            rows = [row.split("\t") for row in block.lines]
            width = max(len(row) for row in rows)
            usable = (wide if width > 5 else portrait)[0] - 2 * margin
            shares = [1] * width if width > 5 else [1.2, 8, 1.8, 2.4, 3.6][:width]
            col_widths = [usable * share / sum(shares) for share in shares]
            data = [[Paragraph(escape(c), cell) for c in row + [""] * (width - len(row))] for row in rows]
            if block.page_break:
                story.append(PageBreak())
            story += [Table(data, colWidths=col_widths, style=grid), Spacer(1, 8)]
            tables_seen += 1
            continue
        line = block.lines[0]
        if block.page_break:
            if line.startswith("PHỤ LỤC") and tables_seen:  # the task appendix goes landscape
                story.append(NextPageTemplate("landscape"))
            story.append(PageBreak())
        style = heading if is_heading(line) else body
        paragraph = Paragraph(escape(line), style)
        paragraph.plan_line = line
        story.append(paragraph)
    doc.build(story)
    return Fixture(path, pages)


def build_scanned_pdf(path: Path) -> Path:
    """An image-only PDF (what a scanner gives): bitmaps and drawn shapes, no text at all."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    scan = ImageReader(Image.new("L", (60, 80), 200))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(2):
        pdf.drawImage(scan, 50, 50, width=A4[0] - 100, height=A4[1] - 100)
        pdf.rect(80, 700, 200, 40)
        pdf.showPage()
    pdf.save()
    return path
