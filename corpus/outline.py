"""A plan's lines -> regions (prose, tables) -> paragraphs -> headings and sections.

The first two phases of parsing: nothing here knows what a task or a target is. Markdown comments and page
furniture (page numbers, running headers repeated on every page) are not content: they are left out of the
paragraphs, so they never become headings, passages or table rows; line numbers stay the file's own.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from corpus.cellstream import is_cellstream_header
from corpus.records import Section
from corpus.text import LineRun, fold, squash

_ROMAN_HEAD = re.compile(r"^(?:#+\s*)?(?:\*\*)?\s*([IVX]{1,4})\s*[.\-–]\s*(\S.*)$")
_NUM_HEAD = re.compile(r"^(?:#+\s*)?(?:\*\*)?\s*(\d{1,2})\.\s+(\S.*)$")
_SUBNUM_HEAD = re.compile(r"^(?:#+\s*)?(?:\*\*)?\s*(\d{1,2}\.\d{1,2})\.?\s+(\S.*)$")
_LETTER_HEAD = re.compile(r"^(?:#+\s*)?(?:\*\*)?\s*([a-zđ])\)\s+(\S.*)$")
APPENDIX = re.compile(r"^(?:#+\s*)?(?:\*{2,3})?\s*(?:PHỤ LỤC\b|Nơi nhận\s*:?)", re.IGNORECASE)
# The signature block ends the body: "CHỦ TỊCH", "KT. CHỦ TỊCH PHÓ CHỦ TỊCH", "BÍ THƯ".
_SIGNATURE = re.compile(r"^(?:KT\.?\s*|TM\.?\s*|Q\.?\s*)?(?:CHỦ TỊCH|BÍ THƯ|TRƯỞNG BAN|GIÁM ĐỐC)\b[A-ZĐÀ-Ỹ .\s]*$")
_LIST_START = re.compile(r"^\s*(?:[-+•*–]\s|\(\d+\)|\d{1,2}(?:\.\d{1,2})*[.)]\s|[a-zđ]\)\s|[IVX]{1,4}\s*[.\-–]\s)")
_TERMINAL = re.compile(r"[.;:!?…]\s*(?:\*\*)?\s*$|[.;:!?]\W*$")
# Not content: an HTML/markdown comment, a page number ("- 3 -", "Trang 3/9", "3"), a footnote rule.
_COMMENT_OPEN = "<!--"
_PAGE_NUMBER = re.compile(r"^\s*(?:[-–—]\s*\d{1,3}\s*[-–—]|(?:Trang|trang|Page)\s+\d{1,3}(?:\s*/\s*\d{1,3})?|\d{1,3})\s*$")

Para = LineRun


def strip_md(text: str) -> str:
    text = re.sub(r"^#+\s*", "", text.strip())
    text = text.replace("**", "").replace("***", "")
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)  # [label](url) -> label
    return squash(text)


def is_table_line(line: str) -> bool:
    s = line.strip()
    return line.count("\t") >= 2 or (s.startswith("|") and s.count("|") >= 3)


# ---------------------------------------------------------------- phase 1: regions

def furniture(lines: tuple[str, ...]) -> set[int]:
    """0-based indices of lines that are not content: markdown/HTML comments, page numbers standing alone,
    and a short running header or footer repeated on three or more pages (the same line, 3+ times, each
    time right after a page number or a form feed)."""
    out: set[int] = set()
    in_comment = False
    for i, line in enumerate(lines):
        s = line.strip()
        if in_comment or s.startswith(_COMMENT_OPEN):
            out.add(i)
            in_comment = "-->" not in (s[len(_COMMENT_OPEN):] if not in_comment else s)
            continue
        if _PAGE_NUMBER.match(s) and _alone(lines, i):
            out.add(i)
    counts = Counter(squash(l) for l in lines if 0 < len(l.strip()) <= 80)
    for i, line in enumerate(lines):
        key = squash(line)
        if key and counts[key] >= 3 and i - 1 in out and not _LIST_START.match(key) and not is_table_line(line):
            out.add(i)
    return out


def _alone(lines: tuple[str, ...], i: int) -> bool:
    """A line between blank lines (or the file's edges): not a number inside a table or a list."""
    before = not lines[i - 1].strip() if i > 0 else True
    after = not lines[i + 1].strip() if i + 1 < len(lines) else True
    return before and after


@dataclass
class Regions:
    prose: list[tuple[int, str | None]]              # (line number, text); None marks where a table sat
    tables: list[tuple[str, int, int]]               # (kind, first index, last index), 0-based inclusive
    furniture: set[int] = field(default_factory=set)


def split_regions(lines: tuple[str, ...]) -> Regions:
    """Phase 1: prose lines and table regions (tab/pipe rows; a PDF's cell stream up to the next appendix)."""
    n = len(lines)
    skip = furniture(lines)
    i = 0
    prose: list[tuple[int, str | None]] = []
    tables: list[tuple[str, int, int]] = []
    while i < n:
        line = lines[i]
        if i in skip:
            i += 1
            continue
        if is_cellstream_header(line):
            j = n
            for k in range(i + 1, n):
                if APPENDIX.match(lines[k].strip()) or fold(lines[k]).strip().startswith("noi nhan"):
                    j = k
                    break
            tables.append(("cells", i, j - 1))
            prose.append((i + 1, None))
            i = j
            continue
        if is_table_line(line):
            j = i
            last_table = i
            while j < n and (is_table_line(lines[j]) or not lines[j].strip() or j in skip):
                if is_table_line(lines[j]):
                    last_table = j
                j += 1
            tables.append(("rows", i, last_table))
            prose.append((i + 1, None))
            i = last_table + 1
            continue
        prose.append((i + 1, line))
        i += 1
    return Regions(prose, tables, skip)


# ---------------------------------------------------------------- phase 2: paragraphs and headings

def paragraphs(items: list[tuple[int, str | None]]) -> list[Para]:
    """Join hard-wrapped lines into paragraphs; blank lines alone do not end a sentence."""
    paras: list[Para] = []
    cur: Para | None = None
    for no, raw in items:
        if raw is None:      # region boundary (a table sat here)
            cur = None
            continue
        line = raw.rstrip()
        if not line.strip():
            continue
        starts_list = bool(_LIST_START.match(strip_md(line))) or line.lstrip().startswith("#")
        if cur is not None and not starts_list:
            prev = cur.lines[-1][1].rstrip()
            prev_clean = prev.replace("**", "").rstrip()
            # ';' ends a list item only on a short line; a long line ending in ';' is a hard wrap mid-sentence.
            ends = bool(_TERMINAL.search(prev_clean)) and not (prev_clean.endswith(";") and len(prev_clean) >= 60)
            wrapped = not ends and not prev.lstrip().startswith("#")
            nxt = line.strip()
            if wrapped and (nxt[:1].islower() or nxt[:1].isdigit() or len(prev_clean) >= 60):
                cur.lines.append((no, line))
                continue
        cur = Para([(no, line)])
        paras.append(cur)
    return paras


def heading(para: Para) -> tuple[int, str] | None:
    """(level, title) when a paragraph is a heading, else None."""
    text = strip_md(para.text)
    raw = para.lines[0][1].strip()
    if APPENDIX.match(raw) or _SIGNATURE.match(text):
        return 1, text
    is_md = raw.startswith("#")
    short = len(text) <= 200 and not re.search(r"[.;]\s*$", text)
    m = _ROMAN_HEAD.match(raw.replace("**", ""))
    if m and (short or text.isupper()):
        return 1, text
    m = _SUBNUM_HEAD.match(raw.replace("**", ""))
    if m and (short and len(text) <= 120):
        return 3, text
    m = _NUM_HEAD.match(raw.replace("**", ""))
    if m and (short or (is_md and len(text) <= 200)):
        return 2, text
    m = _LETTER_HEAD.match(raw.replace("**", ""))
    # "a) Phủ sóng 5G tại trung tâm xã;" is a list item, not a heading
    if m and len(text) <= 160 and not re.search(r"[.;,]\s*$", text):
        return 4, text
    if is_md and len(text) <= 200:
        return 2, text
    return None


def numbered_lead(para: Para, nxt: Para | None) -> tuple[int, str] | None:
    """A numbered sentence directly followed by "a) …" heads that lettered list, even when it ends in '.':
    "2. Hoàn thiện thể chế …; Nhiệm vụ, giải pháp về … sáng tạo." then "a) Hoàn thiện thể chế …"."""
    raw = para.lines[0][1].strip().replace("**", "")
    if nxt is None or not _NUM_HEAD.match(raw) or len(para.text) > 250:
        return None
    m = _LETTER_HEAD.match(nxt.lines[0][1].strip().replace("**", ""))
    return (2, strip_md(para.text)) if m and m.group(1) == "a" else None


def _heading_number(para: Para) -> int | None:
    m = _NUM_HEAD.match(para.lines[0][1].strip().replace("**", ""))
    return int(m.group(1)) if m else None


def fill_numbered_gaps(paras: list[Para], heads: list[tuple[int, str] | None]) -> None:
    """Numbered headings skip a number ("1.", "3." found as headings) when the missing one is long or wraps
    to a final '.': "2. Tiếp tục triển khai … trên địa bàn xã." Between two numbered headings of one parent,
    the paragraphs numbered exactly like the missing ones, one each and in order, are those headings.
    Edits heads in place."""
    nums = [_heading_number(p) for p in paras]
    level2 = [k for k, h in enumerate(heads) if h and h[0] == 2 and nums[k] is not None]
    for a, b in zip(level2, level2[1:]):
        na, nb = nums[a], nums[b]
        if nb - na < 2 or any(h and h[0] < 2 for h in heads[a + 1:b]):
            continue
        found: dict[int, list[int]] = {}
        for k in range(a + 1, b):
            if heads[k] is None and nums[k] is not None and na < nums[k] < nb:
                found.setdefault(nums[k], []).append(k)
        wanted = list(range(na + 1, nb))
        if (sorted(found) != wanted or any(len(ks) != 1 for ks in found.values())
                or [found[n][0] for n in wanted] != sorted(found[n][0] for n in wanted)
                or any(len(paras[found[n][0]].text) > 400 for n in wanted)):
            continue
        for num in wanted:
            k = found[num][0]
            heads[k] = (2, strip_md(paras[k].text))


Stack = list[tuple[int, str, int]]        # (level, title, first line) of the open headings


@dataclass
class Outline:
    paras: list[Para]
    sections: list[Section]
    body: list[tuple[Para, str, Stack]]    # every non-heading paragraph with its section path and open headings
    headings: dict[int, tuple[int, str]]   # first line -> (level, title)

    def section_at(self, line_no: int) -> str:
        """The narrowest section holding a line."""
        best = ""
        best_span = None
        for s in self.sections:
            if s.first_line <= line_no <= s.last_line:
                span = s.last_line - s.first_line
                if best_span is None or span <= best_span:
                    best, best_span = s.path, span
        return best


def read_outline(prose: list[tuple[int, str | None]], n_lines: int, lettered_duty) -> Outline:
    """Phase 2: paragraphs, headings and the sections they open. lettered_duty(para, stack) says when an
    "a) …" paragraph is one of a unit's duties rather than a sub-heading."""
    paras = paragraphs(prose)
    stack: Stack = []
    sections: list[Section] = []
    body: list[tuple[Para, str, Stack]] = []

    def close_to(level: int, line_no: int) -> None:
        while stack and stack[-1][0] >= level:
            lvl, title, first = stack.pop()
            path = " > ".join(t for _, t, _ in stack + [(lvl, title, first)])
            sections.append(Section(path=path, first_line=first, last_line=max(first, line_no - 1)))

    heads = [heading(p) or numbered_lead(p, paras[k + 1] if k + 1 < len(paras) else None)
             for k, p in enumerate(paras)]
    fill_numbered_gaps(paras, heads)
    headings: dict[int, tuple[int, str]] = {}
    for k, para in enumerate(paras):
        h = heads[k]
        if h and h[0] == 4 and lettered_duty(para, stack):
            h = None
        if h:
            level, title = h
            close_to(level, para.first)
            stack.append((level, title, para.first))
            headings[para.first] = (level, title)
            continue
        path = " > ".join(t for _, t, _ in stack)
        body.append((para, path, list(stack)))
    close_to(0, n_lines + 1)
    return Outline(paras, sections, body, headings)


def chunks(para: Para, limit: int = 600) -> list[tuple[str, int, int]]:
    """Split a long paragraph at sentence ends into pieces of at most ~limit characters, keeping line spans."""
    text_lines = [(no, strip_md(t)) for no, t in para.lines]
    full = " ".join(t for _, t in text_lines if t)
    if len(full) <= limit:
        return [(full, para.first, para.last)] if full else []
    out: list[tuple[str, int, int]] = []
    buf: list[tuple[int, str]] = []
    size = 0
    for no, t in text_lines:
        buf.append((no, t))
        size += len(t) + 1
        if size >= limit * 0.6 and re.search(r"[.;]\s*$", t):
            out.append((" ".join(x for _, x in buf), buf[0][0], buf[-1][0]))
            buf, size = [], 0
    if buf:
        out.append((" ".join(x for _, x in buf), buf[0][0], buf[-1][0]))
    return out
