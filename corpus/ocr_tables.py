"""Ruled tables in a scanned page image -> a grid of cells (row, column, spans, pixel box), found with OpenCV.

The usual line-detection recipe: an adaptive threshold (keeps thin grey rules of a 200 dpi scan and ignores
a grey paper tone), a morphological opening with long horizontal and vertical kernels that keeps only the
rules, connected rule networks as tables, and the white regions each network encloses as cells. A cell's
grid position and spans come from where its edges fall among all the table's cell edges, so merged group
rows, cells wrapped over several lines and any column order come out as in a text PDF's ruled table
(pdfplumber's find_tables). A table cut by a page break without its closing rule is closed at its edge.
Vertical strokes count as rules only when they join two horizontal rules or are long, so letters printed
against a table do not add rows.
This module reads no text; corpus/ocr.py puts Tesseract's words into the cells.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# Lengths in inches, so the same scan read at 200 or 300 dpi gives the same tables.
_H_RULE = 0.5       # a horizontal rule runs at least this long (a narrow "STT" column is ~0.45 in)
_V_RULE = 0.15      # a vertical rule is longer than any glyph stem of body or table text (<= 13 pt)
_LONG_RULE = 0.3    # a vertical rule this long is one even when no horizontal rule ends it (a page break)
_MIN_WIDTH = 1.0    # a rule network narrower than this is no table
_MIN_CELL = 0.08    # white regions thinner than this (2 mm) are gaps between double rules or overshoots
_EDGE_TOL = 0.05    # cell edges this close lie on one grid line
_FILL = 0.5         # share of a cell's box that is white (text covers far less than half of a cell)


@dataclass(frozen=True)
class GridCell:
    row: int
    col: int
    rows: int                           # rows and columns the cell spans (merged cells > 1)
    cols: int
    box: tuple[int, int, int, int]      # x0, top, x1, bottom: the white inside its rules, in pixels


@dataclass(frozen=True)
class RuledTable:
    box: tuple[int, int, int, int]      # x0, top, x1, bottom of the rule network
    n_rows: int
    n_cols: int
    cells: tuple[GridCell, ...]
    col_edges: tuple[int, ...]          # x of the column rules, left to right (n_cols + 1)

    @property
    def top(self) -> int:
        return self.box[1]

    def rows(self, text_of: Callable[[GridCell], str]) -> list[str]:
        """One string per grid row, cells joined by "\\t" like the text-PDF reader: a merged cell gives its
        text at its first position and "" at the positions it covers; rows with no text are dropped."""
        grid: list[list[str]] = [[""] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            grid[cell.row][cell.col] = text_of(cell)
        return ["\t".join(row) for row in grid if any(text.strip() for text in row)]


def find_tables(gray, dpi: int) -> tuple[list[RuledTable], object]:
    """Ruled tables of a greyscale page (numpy uint8, white paper), top to bottom, and the mask of their
    rule pixels (to erase before OCR so rules are not read as "|" or "l")."""
    import cv2
    import numpy as np

    block = int(dpi * 0.15) | 1
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)
    # join a rule's pixels broken by a faint scan before opening
    horizontal = cv2.morphologyEx(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, 5), np.uint8)), cv2.MORPH_OPEN,
                                  cv2.getStructuringElement(cv2.MORPH_RECT, (round(dpi * _H_RULE), 1)))
    vertical = cv2.morphologyEx(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((5, 1), np.uint8)), cv2.MORPH_OPEN,
                                cv2.getStructuringElement(cv2.MORPH_RECT, (1, round(dpi * _V_RULE))))
    rules = cv2.dilate(horizontal | _joined(vertical, horizontal, dpi), np.ones((5, 5), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(rules, connectivity=8)
    tables: list[RuledTable] = []
    erase = np.zeros_like(rules)
    for k in range(1, count):
        x, y, w, h, _ = (int(v) for v in stats[k])
        if w < dpi * _MIN_WIDTH or h < dpi * _V_RULE:
            continue   # a lone underline, signature line or stroke
        network = (labels[y:y + h, x:x + w] == k).astype(np.uint8) * 255
        table = _table(network, x, y, dpi)
        if table is not None:
            tables.append(table)
            erase[y:y + h, x:x + w] |= network
    tables.sort(key=lambda t: t.top)
    return tables, erase > 0


def _joined(vertical, horizontal, dpi: int):
    """The vertical strokes that are column rules: those running from one horizontal rule to another, or
    long ones (a table cut by a page break has no rule at that end). Stems of a heading's letters printed
    just under a table touch its bottom rule at one end only and would make a row of their own."""
    import cv2
    import numpy as np

    count, labels, stats, _ = cv2.connectedComponentsWithStats(vertical, connectivity=8)
    near = cv2.dilate(horizontal, np.ones((9, 9), np.uint8)) > 0
    keep = np.zeros(count, dtype=bool)
    for k in range(1, count):
        x, y, w, h, _ = (int(v) for v in stats[k])
        ends = near[y:y + 3, x:x + w].any(), near[y + h - 3:y + h, x:x + w].any()
        keep[k] = all(ends) or h >= dpi * _LONG_RULE
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def _table(network, x: int, y: int, dpi: int) -> RuledTable | None:
    """The cells one rule network encloses; None when it is no table of two columns or more."""
    import cv2

    h, w = network.shape
    # the white regions inside the network's box; at an open end (a page break) the box's edge closes them
    count, _, stats, _ = cv2.connectedComponentsWithStats(255 - network, connectivity=4)
    least = dpi * _MIN_CELL
    # a cell's white fills most of its box; a sliver between an askew outer rule and the network's
    # bounding box does not (its box spans the table and would take the words of the cells under it)
    boxes = [(int(a) + x, int(b) + y, int(a + c) + x, int(b + d) + y)
             for a, b, c, d, area in stats[1:] if c >= least and d >= least and area >= _FILL * c * d]
    if len(boxes) < 2:
        return None
    tol = max(2, round(dpi * _EDGE_TOL))
    xs = _cluster([b[0] for b in boxes] + [b[2] for b in boxes], tol)
    ys = _cluster([b[1] for b in boxes] + [b[3] for b in boxes], tol)
    if len(xs) < 3 or len(ys) < 2:
        return None   # one column: a ruled box around prose
    cells = []
    for box in boxes:
        c0, c1 = _nearest(xs, box[0]), _nearest(xs, box[2])
        r0, r1 = _nearest(ys, box[1]), _nearest(ys, box[3])
        if c1 > c0 and r1 > r0:
            cells.append(GridCell(r0, c0, r1 - r0, c1 - c0, box))
    cells.sort(key=lambda c: (c.row, c.col))
    return RuledTable((x, y, x + w, y + h), len(ys) - 1, len(xs) - 1, tuple(cells), tuple(xs))


def _cluster(values: list[int], tol: int) -> list[int]:
    """Positions within tol of their neighbour are one grid line (their mean)."""
    groups: list[list[int]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [round(sum(g) / len(g)) for g in groups]


def _nearest(lines: list[int], v: int) -> int:
    return min(range(len(lines)), key=lambda i: abs(lines[i] - v))
