"""Read scanned PDF pages (no text layer) with Tesseract's Vietnamese model into lines and table rows.

Per page: poppler's pdftoppm renders it (300 dpi by default), the page is straightened (projection-profile
skew estimate), ruled table lines are found in the pixels and erased, Tesseract reads the rest and gives
word boxes (TSV), and each word goes to the table cell its centre lies in -- so a lead unit stays in the
lead column -- or to a prose line. Only OCR faults whose fix is certain are repaired (see `repair_text`).
Results are cached by the file's sha256, so a restart does not read the scan again.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from corpus.text import fold, nfc

log = logging.getLogger(__name__)

CACHE_FOLDER = ".ocr-cache"
SHARED_CACHE = Path(__file__).resolve().parent.parent / "data" / "ocr-cache"
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils"
_DARK = 150                 # grey level below which a pixel is ink
_LINE_RUN = 0.25            # a ruled horizontal line runs over at least this share of the page width
_RULE_COVER = 0.85          # a column separator darkens this share of a row band's height


@dataclass(frozen=True)
class OcrOptions:
    """How scans are read. cache_dir None: a hidden ".ocr-cache" folder next to the PDF and the project's
    data/ocr-cache, so every reader of the same file (the store build, the answering service re-reading
    lines, a plan sent to the bot and then copied into the plans folder) shares one OCR run."""
    cache_dir: Path | None = None
    tesseract: str = "tesseract"
    pdftoppm: str = "pdftoppm"
    dpi: int = 300
    lang: str = "vie"
    progress: bool = True
    workers: int = 1            # pages read at once (0: one per CPU core); 2 was no faster on the loaded 2-core box


@dataclass(frozen=True)
class OcrLine:
    text: str
    x0: float       # PDF points, top-left origin, like pdfplumber
    x1: float
    top: float
    bottom: float


@dataclass(frozen=True)
class OcrTable:
    rows: tuple[str, ...]   # cells joined by "\t"; a merged cell gives its text once, then ""
    top: float


@dataclass(frozen=True)
class OcrPage:
    lines: tuple[OcrLine, ...] = ()
    tables: tuple[OcrTable, ...] = ()
    skew: float = 0.0


def missing_tools(options: OcrOptions) -> str | None:
    """None when OCR can run, else what is missing (for the one-line reason)."""
    if not shutil.which(options.tesseract):
        return "chưa cài Tesseract OCR"
    if not shutil.which(options.pdftoppm):
        return "chưa cài poppler-utils (pdftoppm)"
    try:
        langs = subprocess.run([options.tesseract, "--list-langs"], capture_output=True, text=True,
                               timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return "không chạy được Tesseract OCR"
    if options.lang not in langs:
        return f"Tesseract chưa có gói tiếng Việt ({options.lang})"
    return None


def _code_version() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def _cache_files(path: Path, sha256: str, options: OcrOptions) -> list[Path]:
    key = f"{sha256}-{options.dpi}-{options.lang}-{_code_version()}.json"
    if options.cache_dir is not None:
        return [Path(options.cache_dir) / key]
    return [path.parent / CACHE_FOLDER / key, SHARED_CACHE / key]


def cached_pages(path: Path, sha256: str, numbers: list[int], options: OcrOptions) -> dict[int, OcrPage] | None:
    """The pages from an earlier OCR run of the same file, or None."""
    for cache in _cache_files(path, sha256, options):
        try:
            stored = _from_json(json.loads(cache.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError, OSError):
            continue   # absent or damaged: read again
        if all(n in stored for n in numbers):
            return {n: stored[n] for n in numbers}
    return None


def ocr_pages(path: Path, sha256: str, numbers: list[int], options: OcrOptions) -> dict[int, OcrPage]:
    """OCR the given 1-based pages of a PDF; cached by file hash (see OcrOptions.cache_dir)."""
    found = cached_pages(path, sha256, numbers, options)
    if found is not None:
        return found
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from tqdm import tqdm

    pages: dict[int, OcrPage] = {}
    # pages are independent: with workers > 1, that many single-threaded Tesseract processes at once
    workers = max(1, min(options.workers or (os.cpu_count() or 1), len(numbers)))
    with tempfile.TemporaryDirectory(prefix="k57-ocr-") as tmp, ThreadPoolExecutor(workers) as pool, \
            tqdm(total=len(numbers), desc=f"OCR {path.name}", unit="trang", file=sys.stderr,
                 disable=not options.progress, leave=False) as bar:
        futures = {pool.submit(_read_page, path, number, Path(tmp), options): number for number in numbers}
        for future in as_completed(futures):
            pages[futures[future]] = future.result()
            bar.update(1)
    text = json.dumps(_to_json(pages), ensure_ascii=False)
    for cache in _cache_files(path, sha256, options):
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            part = cache.with_suffix(f".{os.getpid()}.part")
            part.write_text(text, encoding="utf-8")
            os.replace(part, cache)
        except OSError as exc:   # a read-only folder: the other copy, or OCR again next time
            log.warning("OCR cache not written to %s: %s", cache.parent, exc)
    return pages


def _to_json(pages: dict[int, OcrPage]) -> dict:
    return {str(n): {"skew": p.skew, "lines": [[l.text, l.x0, l.x1, l.top, l.bottom] for l in p.lines],
                     "tables": [[list(t.rows), t.top] for t in p.tables]} for n, p in pages.items()}


def _from_json(data: dict) -> dict[int, OcrPage]:
    return {int(n): OcrPage(lines=tuple(OcrLine(*line) for line in p["lines"]),
                            tables=tuple(OcrTable(tuple(rows), top) for rows, top in p["tables"]),
                            skew=p.get("skew", 0.0)) for n, p in data.items()}


# ------------------------------------------------------------------------------------------ one page

def _read_page(path: Path, number: int, tmp: Path, options: OcrOptions) -> OcrPage:
    import numpy as np
    from PIL import Image

    prefix = tmp / f"p{number}"
    subprocess.run([options.pdftoppm, "-r", str(options.dpi), "-gray", "-png", "-f", str(number), "-l",
                    str(number), "-singlefile", str(path), str(prefix)], check=True, capture_output=True,
                   timeout=300)
    image = Image.open(f"{prefix}.png").convert("L")
    angle = _skew_angle(image)
    if abs(angle) >= 0.05:
        image = image.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    ink = np.asarray(image) < _DARK
    grids = _find_grids(ink)
    cleaned = np.asarray(image).copy()
    for grid in grids:
        grid.erase(cleaned)
    clean_png = tmp / f"c{number}.png"
    Image.fromarray(cleaned).save(clean_png)
    words = [_verify_geq(word, cleaned < _DARK) for word in _tesseract_words(clean_png, options)]
    scale = 72.0 / options.dpi
    tables, prose = [], []
    claimed: set[int] = set()
    for grid in grids:
        def reread(box, psm, row_number):
            return _reread_cell(cleaned, box, tmp / f"cell{number}.png", options, psm, row_number)
        rows = grid.rows(words, claimed, reread)
        if rows:
            tables.append(OcrTable(tuple(rows), grid.top * scale))
    lines: dict[tuple, list[_Word]] = {}
    for k, word in enumerate(words):
        if k not in claimed:
            lines.setdefault(word.line, []).append(word)
    for group in lines.values():
        text = repair_text(" ".join(w.text for w in sorted(group, key=lambda w: w.x0)))
        if text.strip(" |"):
            prose.append(OcrLine(text.strip(" |"), min(w.x0 for w in group) * scale, max(w.x1 for w in group) * scale,
                                 min(w.top for w in group) * scale, max(w.bottom for w in group) * scale))
    return OcrPage(tuple(_merge_same_row(prose)), tuple(tables), angle)


def _merge_same_row(lines: list[OcrLine]) -> list[OcrLine]:
    """Tesseract sometimes cuts one visual line in two ("a)" and its text): join lines at the same height."""
    out: list[OcrLine] = []
    for line in sorted(lines, key=lambda l: l.top):
        prev = out[-1] if out else None
        if prev is not None:
            overlap = min(prev.bottom, line.bottom) - max(prev.top, line.top)
            if overlap >= 0.5 * min(prev.bottom - prev.top, line.bottom - line.top) and (
                    line.x0 >= prev.x1 or line.x1 <= prev.x0):
                a, b = sorted((prev, line), key=lambda l: l.x0)
                out[-1] = OcrLine(f"{a.text} {b.text}", a.x0, b.x1, min(a.top, b.top), max(a.bottom, b.bottom))
                continue
        out.append(line)
    return out


@dataclass(frozen=True)
class _Word:
    text: str
    x0: int
    x1: int
    top: int
    bottom: int
    line: tuple[int, int, int]
    conf: float = 100.0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def _tesseract_words(png: Path, options: OcrOptions) -> list[_Word]:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")   # threads only fight each other on a small machine
    done = subprocess.run([options.tesseract, str(png), "stdout", "-l", options.lang, "--psm", "3", "tsv"],
                          capture_output=True, text=True, env=env, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "tesseract failed")
    words = []
    for row in csv.DictReader(io.StringIO(done.stdout), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = nfc((row.get("text") or "").strip())
        if row.get("level") != "5" or not text:
            continue
        left, top = int(row["left"]), int(row["top"])
        word = _Word(text, left, left + int(row["width"]), top, top + int(row["height"]),
                     (int(row["block_num"]), int(row["par_num"]), int(row["line_num"])), float(row["conf"]))
        if not _is_scribble(word):
            words.append(word)
    return words


def _verify_geq(word: _Word, ink) -> _Word:
    """Tesseract reads "≥" as ">". The pixels decide: a "≥" has a bar under its chevron, a row of ink
    spanning most of the glyph's width in its lower part; a ">" ends in a point there."""
    from dataclasses import replace

    if not word.text.startswith(">"):
        return word
    box = ink[word.top:word.bottom + 1, word.x0:word.x1 + 1]
    if box.size == 0:
        return word
    columns = box.any(axis=0)
    end = 0
    while end < len(columns) and columns[end]:   # the first glyph: ink columns up to the first gap
        end += 1
    glyph = box[:, :max(end, 1)]
    rows = glyph[glyph.any(axis=1)]
    if len(rows) < 4 or glyph.shape[1] < 4:
        return word
    lower = rows[int(len(rows) * 0.7):]
    if any(row.mean() >= 0.6 for row in lower):
        return replace(word, text="≥" + word.text[1:])
    return word


_TEXT_CHARS = re.compile(r"^[\wÀ-ỹĐđ.,;:!?()\[\]%/\-–—+=<>≥≤\"'“”‘’…*&@#§°]+$")


def _is_scribble(word: _Word) -> bool:
    """A signature or stamp read as symbols ("X_xX⁄X⁄\\"): unsure, and holding characters no plan text uses."""
    return word.conf < 60 and not _TEXT_CHARS.match(word.text)


def _skew_angle(image) -> float:
    """Rotation (degrees) that makes text lines horizontal: the angle whose row profile is sharpest."""
    import numpy as np
    from PIL import Image

    small = image.resize((image.width // 4, image.height // 4))
    best, best_score = 0.0, -1.0
    for step in range(-40, 41):   # -2.0 .. 2.0 degrees
        angle = step * 0.05
        rotated = np.asarray(small.rotate(angle, resample=Image.NEAREST, fillcolor=255)) < _DARK
        profile = rotated.sum(axis=1).astype(float)
        score = float(((profile[1:] - profile[:-1]) ** 2).sum())
        if score > best_score:
            best, best_score = angle, score
    return best


# --------------------------------------------------------------------------------------- ruled tables

def _longest_runs(ink) -> list[tuple[int, int, int]]:
    """Per pixel row: (length, start, end) of its longest run of ink ((0, 0, 0) for a blank row)."""
    import numpy as np

    padded = np.zeros((ink.shape[0], ink.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = ink
    change = np.diff(padded, axis=1)
    runs = []
    for y in range(ink.shape[0]):
        up = np.flatnonzero(change[y] == 1)
        down = np.flatnonzero(change[y] == -1)
        if not len(up):
            runs.append((0, 0, 0))
            continue
        k = int((down - up).argmax())
        runs.append((int(down[k] - up[k]), int(up[k]), int(down[k])))
    return runs


@dataclass
class _Grid:
    """One ruled table: its horizontal rules (y) and, per row band, the x of the rules that cross it."""
    x0: int
    x1: int
    ys: list[int]
    columns: list[int] = field(default_factory=list)          # every separator x seen in any band
    band_separators: list[list[int]] = field(default_factory=list)

    @property
    def top(self) -> int:
        return self.ys[0]

    def erase(self, pixels) -> None:
        for y in self.ys:
            pixels[max(0, y - 4):y + 5, max(0, self.x0 - 4):self.x1 + 5] = 255
        for (a, b), seps in zip(zip(self.ys, self.ys[1:]), self.band_separators):
            for x in seps:
                pixels[a:b + 1, max(0, x - 4):x + 5] = 255

    def rows(self, words: list[_Word], claimed: set[int], reread) -> list[str]:
        """Each band's cells; reread(box, psm) reads one cell's pixels again on their own."""
        rows = []
        narrow_first = len(self.columns) >= 3 and self.columns[1] - self.columns[0] <= 0.12 * (self.x1 - self.x0)
        for band, ((a, b), seps) in enumerate(zip(zip(self.ys, self.ys[1:]), self.band_separators)):
            cells: dict[int, list[_Word]] = {}
            for k, word in enumerate(words):
                if k in claimed or not (a <= word.cy <= b and self.x0 <= word.cx <= self.x1):
                    continue
                claimed.add(k)
                column = sum(1 for x in seps if x < word.cx) - 1
                cells.setdefault(max(column, 0), []).append(word)
            # grid columns: a band whose separator is missing has a merged cell spanning the next column
            texts: list[str] = []
            inner = sorted(seps)
            for column in range(max(len(inner) - 1, 1)):
                right = inner[column + 1] if column + 1 < len(inner) else self.x1
                text = repair_cell(repair_text(_cell_text(cells.get(column, []))))
                box = (inner[column], a, right, b)
                if column == 0 and narrow_first and fold(text).replace(" ", "") not in _CODE_HEADERS:
                    # a lone "2" comes out as ";", "3" as "B" and "I" as nothing on a full page
                    code = _roman_fix(reread(box, 8, True))
                    text = code if _CODE.match(code) else text
                elif len(text) <= 6 and re.search(r"\d", text) and not _VALUE.match(text):
                    again = repair_cell(reread(box, 7, False))
                    text = again if _VALUE.match(again) else text
                texts.append(text)
                spanned = sum(1 for x in self.columns[1:-1] if inner[column] + 8 < x < right - 8)
                texts.extend([""] * spanned)
            if any(t.strip() for t in texts):
                rows.append("\t".join(texts))
        return rows


_CODE_HEADERS = {"stt", "tt", "sott", "so"}
_CODE = re.compile(r"^(?:[IVX]{1,4}|\d{1,3}(?:\.\d{1,2})?)\.?$")
_VALUE = re.compile(r"^(?:[≥>≤<]\s*)?\d{1,6}(?:[.,]\d+)?\s*%?$")


def _roman_fix(text: str) -> str:
    """A row number read only from I, l and | (no digit) is a Roman numeral: l and | are I."""
    text = text.rstrip(".")
    return re.sub(r"[l|]", "I", text) if re.fullmatch(r"[IlVX|]+", text) else text


def _reread_cell(pixels, box: tuple[int, int, int, int], png: Path, options: OcrOptions, psm: int,
                 row_number: bool) -> str:
    """One single-line cell's ink, framed in white, read on its own ("" for an empty or multi-line cell).
    row_number: a row-number cell; one to three separate upright bars of equal height are a Roman I, II,
    III (counted from the pixels: Tesseract reads a bold "III" as "II" or "HH"), anything else is read
    with the English model, which knows digits and Latin capitals better than the Vietnamese one."""
    import numpy as np
    from PIL import Image

    x0, top, x1, bottom = box
    cell = pixels[top + 5:bottom - 4, x0 + 5:x1 - 4]
    ink = cell < _DARK
    rows = np.flatnonzero(ink.sum(axis=1) >= 2)
    cols = np.flatnonzero(ink.sum(axis=0) >= 2)
    if not len(rows) or not len(cols) or rows[-1] - rows[0] > 0.22 * options.dpi:
        return ""
    crop = cell[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    if row_number:
        bars = _upright_bars(crop < _DARK)
        if bars:
            return "I" * bars
    framed = np.full((crop.shape[0] + 60, crop.shape[1] + 60), 255, dtype=np.uint8)
    framed[30:30 + crop.shape[0], 30:30 + crop.shape[1]] = crop
    image = Image.fromarray(framed)
    if crop.shape[0] < 36:   # small print: Tesseract reads lone glyphs best at about 40 px high
        scale = min(3.0, 40 / max(crop.shape[0], 1))
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
    image.save(png)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    # a row number: the English model as one word, then as one character, then the Vietnamese model;
    # the first well-formed reading wins
    attempts = (("eng", psm), ("eng", 10), (options.lang, 10)) if row_number else ((options.lang, psm),)
    text = ""
    for lang, mode in attempts:
        done = subprocess.run([options.tesseract, str(png), "stdout", "-l", lang, "--psm", str(mode)],
                              capture_output=True, text=True, env=env, timeout=60)
        if done.returncode != 0:
            continue
        text = nfc(" ".join(done.stdout.split()))
        if not row_number or _CODE.match(_roman_fix(text)):
            return text
    return text


def _upright_bars(ink) -> int:
    """How many separate vertical bars of (nearly) equal height make up the ink; 0 when it is anything else."""
    import numpy as np

    columns = ink.sum(axis=0) >= 2
    runs: list[tuple[int, int]] = []
    x = 0
    while x < len(columns):
        if columns[x]:
            start = x
            while x < len(columns) and columns[x]:
                x += 1
            runs.append((start, x))
        x += 1
    if not 1 <= len(runs) <= 3:
        return 0
    heights = []
    for a, b in runs:
        filled = np.flatnonzero(ink[:, a:b].any(axis=1))
        height = filled[-1] - filled[0] + 1
        if height < 2.5 * (b - a) or ink[filled[0]:filled[-1] + 1, a:b].mean() < 0.75:   # thin and solid
            return 0
        heights.append(height)
    return len(runs) if max(heights) <= 1.15 * min(heights) else 0


def _cell_text(words: list[_Word]) -> str:
    """A cell's words in reading order: Tesseract's lines top to bottom, each left to right."""
    lines: dict[tuple, list[_Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    ordered = sorted(lines.values(), key=lambda ws: min(w.top for w in ws))
    return " ".join(" ".join(w.text for w in sorted(ws, key=lambda w: w.x0)) for ws in ordered).strip(" |")


def _find_grids(ink) -> list[_Grid]:
    import numpy as np

    height, width = ink.shape
    # a rule drawn slightly askew still forms one run when three neighbouring rows are merged
    merged = ink.copy()
    merged[1:] |= ink[:-1]
    merged[:-1] |= ink[1:]
    runs = _longest_runs(merged)
    rules: list[tuple[int, int, int]] = []   # (y, x0, x1)
    y = 0
    while y < height:
        if runs[y][0] >= _LINE_RUN * width:
            rows = [y]
            while y + 1 < height and runs[y + 1][0] >= _LINE_RUN * width:
                y += 1
                rows.append(y)
            mid = rows[len(rows) // 2]
            rules.append((mid, runs[mid][1], runs[mid][2]))
        y += 1
    grids: list[_Grid] = []
    for y, x0, x1 in rules:
        last = grids[-1] if grids else None
        if last and abs(last.x0 - x0) <= 20 and abs(last.x1 - x1) <= 20 and y - last.ys[-1] < height // 3:
            last.ys.append(y)
        else:
            grids.append(_Grid(x0, x1, [y]))
    found = []
    for grid in grids:
        if len(grid.ys) < 2:
            continue
        for part in _split_at_open_bands(ink, grid):
            part.columns = _cluster(sorted(x for seps in part.band_separators for x in seps), gap=12)
            if len(part.columns) >= 3:   # at least two columns: a ruled box around prose is not a table
                found.append(part)
    return found


def _band_separators(ink, grid: _Grid, a: int, b: int) -> list[int]:
    """x of the vertical rules crossing the band between rules y=a and y=b ([] when none)."""
    import numpy as np

    left = max(0, grid.x0 - 6)
    band = ink[a + 5:b - 4, left:grid.x1 + 7]
    if band.shape[0] < 3:
        return []
    cols = band.copy()
    cols[:, 1:] |= band[:, :-1]
    cols[:, :-1] |= band[:, 1:]
    xs = np.flatnonzero(cols.mean(axis=0) >= _RULE_COVER) + left
    return _cluster(list(map(int, xs)))


def _split_at_open_bands(ink, grid: _Grid) -> list[_Grid]:
    """Rules of equal width with prose between them (two tables, a heading in between) are two grids:
    a band no vertical rule crosses is no table row."""
    parts: list[_Grid] = []
    current: _Grid | None = None
    for a, b in zip(grid.ys, grid.ys[1:]):
        seps = _band_separators(ink, grid, a, b)
        if len(seps) < 2:
            current = None
            continue
        if current is None:
            current = _Grid(grid.x0, grid.x1, [a])
            parts.append(current)
        current.ys.append(b)
        current.band_separators.append(seps)
    return parts


def _cluster(xs: list[int], gap: int = 3) -> list[int]:
    groups: list[list[int]] = []
    for x in sorted(xs):
        if groups and x - groups[-1][-1] <= gap:
            groups[-1].append(x)
        else:
            groups.append([x])
    return [sum(g) // len(g) for g in groups]


# ------------------------------------------------------------------------------ certain OCR repairs

_CONSONANTS = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])"
_SYLLABLE = re.compile(rf"^{_CONSONANTS}?(?:[aeiouy]{{1,3}})(?:ng|nh|ch|[cmnpt])?$")
_CONSONANT_ONLY = re.compile(rf"^{_CONSONANTS}$")
_QUARTER = re.compile(r"\b(Quý\s+)([IVl1|]{1,3}|[Il1|]?V)(\s*/\s*20\d\d)")
_WORD = re.compile(r"^([\wÀ-ỹĐđ]+)(.*)$")


def _letters(token: str) -> tuple[str, str]:
    m = _WORD.match(token)
    return (m.group(1), m.group(2)) if m else ("", token)


def _is_syllable(word: str) -> bool:
    return bool(_SYLLABLE.match(fold(word).lower()))


def _glue(left: str, right: str) -> bool:
    """A lone consonant cluster next to a syllable it completes ("H òa", "thiệ n"): Tesseract's stray space.
    Acronyms (UBND, HĐND) and labels are never consonant clusters followed by a syllable they complete."""
    l_word, l_tail = _letters(left)
    r_word, _ = _letters(right)
    if not l_word or not r_word or l_tail or l_word.isdigit() or r_word.isdigit():
        return False
    if _CONSONANT_ONLY.match(fold(l_word).lower()) and not (len(l_word) > 1 and l_word.isupper()):
        return not _is_syllable(l_word) and _is_syllable(l_word + r_word) and r_word[:1].islower()
    if _CONSONANT_ONLY.match(fold(r_word).lower()) and r_word.islower() and len(r_word) <= 2:
        return _is_syllable(l_word) and _is_syllable(l_word + r_word) and not _is_syllable(r_word)
    return False


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _tones(word: str) -> int:
    import unicodedata
    return sum(1 for c in unicodedata.normalize("NFD", word) if c in _TONES)


def _split_merged(token: str) -> list[str]:
    """Two syllables Tesseract wrote without their space ("Trungtâm", "anxã"), split only where exactly one
    cut gives two valid syllables with one tone mark at most each; "cácấp" (các ấp / cá cấp) stays."""
    word, tail = _letters(token)
    if not word or len(word) < 4 or word.isupper() or fold(word) == word.lower() or _is_syllable(word):
        return [token]
    cuts = [i for i in range(1, len(word)) if word[i:i + 1].islower()
            and _is_syllable(word[:i]) and _is_syllable(word[i:]) and _tones(word[:i]) <= 1 and _tones(word[i:]) <= 1]
    if len(cuts) != 1:
        return [token]
    return [word[:cuts[0]], word[cuts[0]:] + tail]


def repair_text(text: str) -> str:
    """Fix only what cannot be meant otherwise: stray spaces inside a syllable, two syllables run together
    where only one cut is possible, Roman quarter numbers read as 1/l/| ("Quý 1I/2026" -> "Quý II/2026")."""
    tokens = [part for token in text.split() for part in _split_merged(token)]
    out: list[str] = []
    for token in tokens:
        if out and _glue(out[-1], token):
            out[-1] += token
        else:
            out.append(token)
    joined = " ".join(out)
    return _QUARTER.sub(lambda m: m.group(1) + re.sub(r"[l1|]", "I", m.group(2)) + m.group(3), joined)


def repair_cell(text: str) -> str:
    """A target cell holding only "2 80%" is "≥ 80%": a lone digit before a percentage is no value, and "≥"
    is the glyph Tesseract reads as "2". A cell "> 80%" is left alone: ">" may be meant."""
    m = re.fullmatch(r"2\s+(\d{1,3}(?:[.,]\d+)?\s*%)", text)
    return f"≥ {m.group(1)}" if m else text
