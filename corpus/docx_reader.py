"""Read a Word (.docx) plan into numbered lines shaped like the text plans.

Layout of the result (what the text parsers expect):
- every non-empty paragraph -> one line (soft line breaks and tabs become spaces), then one empty line;
- every table row -> one line, cells joined by "\\t"; a horizontally merged cell gives its text once and
  empty strings for the other grid columns it spans; a vertical-merge continuation is an empty cell;
  after a table, one empty line;
- list paragraphs whose bullet/number lives in Word numbering (numPr on the paragraph or its style) get
  "- " for bullets and "N. " (the level's lvlText, e.g. "a)", "1.2.") for numbered lists. Counters are
  kept per abstract list and level, restarted by a startOverride the first time a list instance is met,
  and deeper levels reset when a shallower item appears -- close to Word's rendering, best effort.
Pages: Word files carry no reliable page numbers, so a new page starts only at an explicit break
(w:br type=page, w:lastRenderedPageBreak, pageBreakBefore, a non-continuous section break); breaks with
no text between them count once. Without any break every line is on page 1.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from corpus.document import TextDocument, UnreadablePlan
from corpus.text import nfc

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_MATH = "http://schemas.openxmlformats.org/officeDocument/2006/math"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # encrypted .docx and old binary .doc are OLE compound files


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _val(element: etree._Element | None, default: str | None = None) -> str | None:
    if element is None:
        return default
    return element.get(_w("val"), default)


def _on(element: etree._Element | None) -> bool:
    """A WordprocessingML on/off property: present and not switched off."""
    return element is not None and _val(element, "true") not in ("false", "0", "off")


# Subtrees whose text Word does not show: tracked deletions, moved-away text, the fallback copy of
# alternate content (the Choice copy is read), field instructions, and paragraph/run properties.
_SKIP = {
    _w("pPr"), _w("rPr"), _w("del"), _w("moveFrom"), _w("instrText"), _w("delText"),
    f"{{{_MC}}}Fallback",
}


def read_docx(path: Path) -> TextDocument:
    """Read a .docx plan; raise UnreadablePlan (Vietnamese reason) when the file cannot be read."""
    document = _open(path)
    body = document.element.body
    reader = _BodyReader(_Numbering.of(document), _Styles.of(document), _section_breaks(body))
    reader.container(body)
    lines, pages = reader.finish()
    return TextDocument(lines=tuple(lines), pages=tuple(pages), kind="docx")


def _open(path: Path):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    path = Path(path)
    try:
        head = path.read_bytes()[:4]
    except OSError as exc:
        raise UnreadablePlan(f"{path.name}: không mở được tệp ({exc.strerror or exc})") from exc
    if head == _OLE_MAGIC:
        raise UnreadablePlan(
            f"{path.name}: tệp được đặt mật khẩu hoặc là định dạng .doc cũ; "
            "hãy mở bằng Word và lưu lại thành .docx không mật khẩu"
        )
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise UnreadablePlan(
            f"{path.name}: tệp bị hỏng hoặc không phải tệp Word (.docx) hợp lệ; hãy lưu lại từ Word rồi gửi lại"
        ) from exc


def _section_breaks(body: etree._Element) -> set[int]:
    """ids of paragraph-level sectPr elements after which a new page starts.

    The break type of a section is written on the sectPr that closes the *next* section.
    """
    section_props = [s for s in body.iter(_w("sectPr")) if s.getparent().tag != _w("sectPrChange")]
    breaking: set[int] = set()
    for current, following in zip(section_props, section_props[1:]):
        if _val(following.find(_w("type")), "nextPage") != "continuous":
            breaking.add(id(current))
    return breaking


class _Pager:
    """Current page; a break only counts once text has appeared on the page."""

    def __init__(self) -> None:
        self.page = 1
        self._has_text = False

    def page_break(self) -> None:
        if self._has_text:
            self.page += 1
            self._has_text = False

    def text_seen(self) -> int:
        self._has_text = True
        return self.page


@dataclass(frozen=True)
class _Level:
    fmt: str
    text: str
    start: int
    legal: bool = False


def _level(lvl: etree._Element) -> _Level:
    return _Level(
        fmt=_val(lvl.find(_w("numFmt")), "decimal") or "decimal",
        text=_val(lvl.find(_w("lvlText")), "") or "",
        start=int(_val(lvl.find(_w("start")), "1") or 1),
        legal=_on(lvl.find(_w("isLgl"))),
    )


@dataclass
class _Numbering:
    """Word list definitions plus the running counters needed to render list numbers."""

    abstract_of: dict[str, str] = field(default_factory=dict)                  # numId -> abstractNumId
    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)         # abstractNumId -> levels
    overrides: dict[str, dict[int, _Level | int]] = field(default_factory=dict)  # numId -> lvl or start
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, document) -> _Numbering:
        numbering = cls()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return numbering
        for abstract in root.iter(_w("abstractNum")):
            numbering.levels[abstract.get(_w("abstractNumId"))] = {
                int(lvl.get(_w("ilvl"), "0")): _level(lvl) for lvl in abstract.iter(_w("lvl"))
            }
        for num in root.iter(_w("num")):
            num_id = num.get(_w("numId"))
            numbering.abstract_of[num_id] = _val(num.find(_w("abstractNumId")))
            for override in num.iter(_w("lvlOverride")):
                ilvl = int(override.get(_w("ilvl"), "0"))
                lvl = override.find(_w("lvl"))
                start = override.find(_w("startOverride"))
                if lvl is not None:
                    numbering.overrides.setdefault(num_id, {})[ilvl] = _level(lvl)
                elif start is not None:
                    numbering.overrides.setdefault(num_id, {})[ilvl] = int(_val(start, "1") or 1)
        return numbering

    def _levels_for(self, num_id: str) -> dict[int, _Level]:
        levels = dict(self.levels.get(self.abstract_of.get(num_id) or "", {}))
        for ilvl, override in self.overrides.get(num_id, {}).items():
            if isinstance(override, _Level):
                levels[ilvl] = override
        return levels

    def prefix(self, num_id: str, ilvl: int) -> str:
        """The rendered list marker plus a space ("- ", "2. ", "b) "), advancing the counters."""
        levels = self._levels_for(num_id)
        level = levels.get(ilvl)
        if level is None:
            return ""
        abstract = self.abstract_of.get(num_id) or num_id
        counters = self.counters.setdefault(abstract, {})
        if num_id not in self.seen:
            self.seen.add(num_id)
            for at, override in self.overrides.get(num_id, {}).items():
                counters[at] = (override.start if isinstance(override, _Level) else override) - 1
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [at for at in counters if at > ilvl]:
            del counters[deeper]
        if level.fmt == "bullet":
            return "- "
        if level.fmt == "none":
            return ""

        def number(match: re.Match) -> str:
            at = int(match.group(1)) - 1
            at_level = levels.get(at, level)
            value = counters.get(at, at_level.start)
            return _format_number(value, "decimal" if level.legal else at_level.fmt)

        marker = re.sub(r"%([1-9])", number, level.text).strip()
        return f"{marker} " if marker else ""


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter") and value > 0:
        # Word: a..z, then aa..zz, aaa..
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _roman(value: int) -> str:
    digits = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
              (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = []
    for amount, letters in digits:
        count, value = divmod(value, amount)
        out.append(letters * count)
    return "".join(out) or str(value)


@dataclass
class _Styles:
    """Paragraph styles' own numPr and basedOn links (list numbering often lives in the style)."""

    num_pr: dict[str, etree._Element] = field(default_factory=dict)
    based_on: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, document) -> _Styles:
        styles = cls()
        try:
            root = document.styles.element
        except (KeyError, NotImplementedError):
            return styles
        for style in root.iter(_w("style")):
            style_id = style.get(_w("styleId"))
            num_pr = style.find(f"{_w('pPr')}/{_w('numPr')}")
            if num_pr is not None:
                styles.num_pr[style_id] = num_pr
            based = _val(style.find(_w("basedOn")))
            if based:
                styles.based_on[style_id] = based
        return styles

    def numbering(self, style_id: str | None) -> tuple[str | None, str | None]:
        """(numId, ilvl) a paragraph style gives, following basedOn."""
        visited: set[str] = set()
        while style_id and style_id not in visited:
            visited.add(style_id)
            num_pr = self.num_pr.get(style_id)
            if num_pr is not None:
                return _val(num_pr.find(_w("numId"))), _val(num_pr.find(_w("ilvl")))
            style_id = self.based_on.get(style_id)
        return None, None


class _BodyReader:
    """Walks the body in document order, collecting (line, page) pairs."""

    def __init__(self, numbering: _Numbering, styles: _Styles, section_breaks: set[int]) -> None:
        self.numbering = numbering
        self.styles = styles
        self.section_breaks = section_breaks
        self.pager = _Pager()
        self.lines: list[str] = []
        self.pages: list[int] = []

    def finish(self) -> tuple[list[str], list[int]]:
        return self.lines, self.pages

    def _emit(self, line: str, page: int | None = None) -> None:
        self.lines.append(nfc(line))
        self.pages.append(page if page is not None else (self.pages[-1] if self.pages else self.pager.page))

    def container(self, element: etree._Element) -> None:
        for block in _blocks(element):
            if block.tag == _w("p"):
                text, page = self.paragraph(block)
                if text:
                    self._emit(text, page)
                    self._emit("")
            else:
                rows = self.table(block)
                if rows and not any("\t" in row for row, _ in rows):
                    for row, page in rows:   # a one-column table or a letterhead block: paragraphs
                        self._emit(row, page)
                        self._emit("")
                    continue
                for row, page in rows:
                    self._emit(row, page)
                if rows:
                    self._emit("")

    def paragraph(self, p: etree._Element) -> tuple[str, int | None]:
        """One paragraph as a single line (list marker included) and the page its text starts on."""
        p_pr = p.find(_w("pPr"))
        if p_pr is not None and _on(p_pr.find(_w("pageBreakBefore"))):
            self.pager.page_break()
        pieces: list[str] = []
        page: int | None = None
        for kind, value in _inline(p):
            if kind == "text":
                if page is None and value.strip():
                    page = self.pager.text_seen()
                pieces.append(value)
            elif kind == "space":
                pieces.append(" ")
            else:
                self.pager.page_break()
        text = " ".join("".join(pieces).split())
        if text:
            text = self._list_marker(p_pr) + text
        if p_pr is not None:
            sect_pr = p_pr.find(_w("sectPr"))
            if sect_pr is not None and id(sect_pr) in self.section_breaks:
                self.pager.page_break()
        return text, page

    def _list_marker(self, p_pr: etree._Element | None) -> str:
        num_id = ilvl = None
        style_id = None
        if p_pr is not None:
            style_id = _val(p_pr.find(_w("pStyle")))
            num_pr = p_pr.find(_w("numPr"))
            if num_pr is not None:
                num_id, ilvl = _val(num_pr.find(_w("numId"))), _val(num_pr.find(_w("ilvl")))
        if num_id is None or ilvl is None:
            style_num, style_ilvl = self.styles.numbering(style_id)
            num_id = num_id if num_id is not None else style_num
            ilvl = ilvl if ilvl is not None else style_ilvl
        if not num_id or num_id == "0":  # numId 0 switches a style's numbering off
            return ""
        return self.numbering.prefix(num_id, int(ilvl or 0))

    def table(self, tbl: etree._Element) -> list[tuple[str, int]]:
        rows: list[tuple[str, int]] = []
        grid: list[list[tuple[str, int | None]]] = []   # cells by grid column, for the header block test
        merged_down: dict[int, str] = {}                # grid column -> text of the vMerge restart cell
        for tr in tbl.iterchildren(_w("tr")):
            cells: list[str] = []
            row_pages: list[int | None] = []
            page: int | None = None
            tr_pr = tr.find(_w("trPr"))
            cells.extend([""] * _grid_count(tr_pr, "gridBefore"))
            for tc in tr.iterchildren(_w("tc")):
                column = len(cells)
                text, cell_page = self.cell(tc)
                page = page if page is not None else cell_page
                tc_pr = tc.find(_w("tcPr"))
                v_merge = tc_pr.find(_w("vMerge")) if tc_pr is not None else None
                if v_merge is not None and _val(v_merge, "continue") == "continue":
                    # Word shows the merged cell once, but it belongs to every row it covers (a lead unit
                    # shared by two tasks); a row number ("I", "2") labels its first row only.
                    above = merged_down.get(column, "")
                    text = "" if _ROW_NUMBER.match(above) else above
                elif v_merge is not None:
                    merged_down[column] = text
                else:
                    merged_down.pop(column, None)
                span = int(_val(tc_pr.find(_w("gridSpan")) if tc_pr is not None else None, "1") or 1)
                cells.append(text)
                cells.extend([""] * (span - 1))
                row_pages.extend([cell_page] * span)
            cells.extend([""] * _grid_count(tr_pr, "gridAfter"))
            if any(cells):
                rows.append(("\t".join(cells), page if page is not None else self.pager.page))
                grid.append(list(zip(cells, row_pages + [None] * (len(cells) - len(row_pages)))))
        if _is_header_block(grid):
            # issuer and number on the left, "CỘNG HÒA ..." and the date on the right: read as the
            # paragraphs they are, left column first
            width = max(len(row) for row in grid)
            return [(text, page if page is not None else self.pager.page)
                    for column in range(width) for row in grid if column < len(row)
                    for text, page in [row[column]] if text]
        return rows

    def cell(self, tc: etree._Element) -> tuple[str, int | None]:
        """A cell's paragraphs (and nested tables) joined by spaces."""
        parts: list[str] = []
        page: int | None = None
        for block in _blocks(tc):
            if block.tag == _w("p"):
                text, at = self.paragraph(block)
            else:
                rows = self.table(block)
                text = " ".join(" ".join(row.split("\t")).split() for row, _ in rows)
                at = rows[0][1] if rows else None
            if text:
                parts.append(text)
                page = page if page is not None else at
        return " ".join(parts), page


_ROW_NUMBER = re.compile(r"^(?:[IVX]{1,4}|\d{1,3}(?:\.\d{1,3})*)\.?$")


def _is_header_block(grid: list[list[tuple[str, int | None]]]) -> bool:
    """A two-column table laid out as a letterhead: the national motto or a document number in it."""
    if not grid or max(len(row) for row in grid) != 2:
        return False
    texts = [text for row in grid for text, _ in row]
    return any(re.match(r"^(?:CỘNG HÒA XÃ HỘI|Số\s*:)", text) for text in texts)


def _grid_count(tr_pr: etree._Element | None, name: str) -> int:
    if tr_pr is None:
        return 0
    return int(_val(tr_pr.find(_w(name)), "0") or 0)


def _blocks(container: etree._Element):
    """Paragraphs and tables of a body/cell in order, looking through content controls and custom XML."""
    for child in container.iterchildren():
        if child.tag in (_w("p"), _w("tbl")):
            yield child
        elif child.tag in (_w("sdt"), _w("sdtContent"), _w("customXml")):
            yield from _blocks(child)


def _inline(element: etree._Element):
    """('text'|'space'|'break', value) for what a paragraph shows, in order."""
    for child in element.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag in (_w("t"), f"{{{_MATH}}}t"):  # plain text, and the text of equations ("≥ 95%")
            yield "text", child.text or ""
        elif tag in (_w("tab"), _w("cr"), _w("ptab")):
            yield "space", " "
        elif tag == _w("br"):
            if child.get(_w("type")) == "page":
                yield "break", ""
            else:
                yield "space", " "
        elif tag == _w("lastRenderedPageBreak"):
            yield "break", ""
        elif tag == _w("noBreakHyphen"):
            yield "text", "-"
        elif tag == _w("p"):  # a text box's paragraph inside this one
            yield "space", " "
            yield from _inline(child)
            yield "space", " "
        else:
            yield from _inline(child)
