"""Read scanned PDF pages (no text layer) with Tesseract's Vietnamese model into lines and table rows.

Per page: poppler's pdftoppm renders it (300 dpi by default), the page is straightened (projection-profile
skew estimate), ruled tables' cells are found with OpenCV (corpus/ocr_tables.py) and their rules erased,
Tesseract reads the rest and gives word boxes (TSV), and each word goes to the table cell its centre lies
in -- so a lead unit stays in the lead column -- or to a prose line. Only OCR faults whose fix is certain are repaired (see `repair_text`).
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
from dataclasses import dataclass
from pathlib import Path

from corpus.text import fold, nfc

log = logging.getLogger(__name__)

CACHE_FOLDER = ".ocr-cache"
SHARED_CACHE = Path(__file__).resolve().parent.parent / "data" / "ocr-cache"
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils"
_DARK = 150                 # grey level below which a pixel is ink


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
    here = Path(__file__).resolve().parent
    return hashlib.sha256(b"".join((here / name).read_bytes() for name in ("ocr.py", "ocr_tables.py"))).hexdigest()[:12]


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

    from corpus.ocr_tables import find_tables

    prefix = tmp / f"p{number}"
    subprocess.run([options.pdftoppm, "-r", str(options.dpi), "-gray", "-png", "-f", str(number), "-l",
                    str(number), "-singlefile", str(path), str(prefix)], check=True, capture_output=True,
                   timeout=300)
    image = Image.open(f"{prefix}.png").convert("L")
    angle = _skew_angle(image)
    if abs(angle) >= 0.05:
        image = image.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    pixels = np.asarray(image)
    tables, rules = find_tables(pixels, options.dpi)
    cleaned = pixels.copy()
    cleaned[rules] = 255
    clean_png = tmp / f"c{number}.png"
    Image.fromarray(cleaned).save(clean_png)
    words = [_verify_geq(word, cleaned < _DARK) for word in _tesseract_words(clean_png, options)]
    scale = 72.0 / options.dpi
    found, prose = [], []
    claimed: set[int] = set()
    for table in tables:
        def reread(box, psm, row_number):
            return _reread_cell(cleaned, box, tmp / f"cell{number}.png", options, psm, row_number)
        rows = table.rows(_CellReader(table, words, claimed, reread))
        if rows:
            found.append(OcrTable(tuple(rows), table.top * scale))
    lines: dict[tuple, list[_Word]] = {}
    for k, word in enumerate(words):
        if k not in claimed:
            lines.setdefault(word.line, []).append(word)
    for group in lines.values():
        text = repair_text(" ".join(w.text for w in sorted(group, key=lambda w: w.x0)))
        if text.strip(" |"):
            prose.append(OcrLine(text.strip(" |"), min(w.x0 for w in group) * scale, max(w.x1 for w in group) * scale,
                                 min(w.top for w in group) * scale, max(w.bottom for w in group) * scale))
    return OcrPage(tuple(_merge_same_row(prose)), tuple(found), angle)


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


_NOISE = re.compile(r"^[_|~^`]+$")


def _is_scribble(word: _Word) -> bool:
    """A signature or stamp read as symbols ("X_xX⁄X⁄\\"): unsure, and holding characters no plan text uses;
    or a speck or rule remnant read as "_" or "|", which no plan writes as a word of its own."""
    return bool(_NOISE.match(word.text)) or (word.conf < 60 and not _TEXT_CHARS.match(word.text))


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


# --------------------------------------------------------------------------------------- table cells

class _CellReader:
    """A table cell's text: the page's words whose centre lies in the cell (each word claimed once), with the
    certain repairs; a row-number cell or a short figure that reads oddly is read again on its own pixels."""

    def __init__(self, table, words: list[_Word], claimed: set[int], reread) -> None:
        self.words, self.claimed, self.reread = words, claimed, reread
        # the row-number column ("STT", "TT"), wherever it stands: the narrowest, a small share of the width
        widths = [b - a for a, b in zip(table.col_edges, table.col_edges[1:])]
        narrowest = min(range(len(widths)), key=widths.__getitem__)
        self.code_column = narrowest if widths[narrowest] <= 0.12 * (table.box[2] - table.box[0]) else None

    def __call__(self, cell) -> str:
        x0, top, x1, bottom = cell.box
        inside = []
        for k, word in enumerate(self.words):
            if k not in self.claimed and x0 <= word.cx <= x1 and top <= word.cy <= bottom:
                self.claimed.add(k)
                inside.append(word)
        text = repair_cell(repair_text(_cell_text(inside)))
        if cell.col == self.code_column and cell.cols == 1:
            return self._row_number(cell, text)
        if len(text) <= 6 and re.search(r"\d", text) and not _VALUE.match(text):
            again = repair_cell(self.reread(cell.box, 7, False))
            return again if _VALUE.match(again) else text
        return text

    def _row_number(self, cell, text: str) -> str:
        if _is_code_header(text) or _DOTTED.match(text):
            return text
        if cell.row == 0:
            # a table's first row on a page may be its header repeated: a bold "TT" alone is read "7"
            # by the digit-minded reading below, as a line by the Vietnamese model it stays "TT"
            header = self.reread(cell.box, 7, False)
            if _is_code_header(header):
                return header
        # a lone "2" comes out as ";", "3" as "B" and "I" as nothing on a full page
        code = _roman_fix(self.reread(cell.box, 8, True))
        return code if _CODE.match(code) else text


_CODE_HEADERS = {"stt", "tt", "sott", "so"}


def _is_code_header(text: str) -> bool:
    return fold(text).replace(" ", "").rstrip(".") in _CODE_HEADERS
_CODE = re.compile(r"^(?:[IVX]{1,4}|\d{1,3}(?:\.\d{1,2})?)\.?$")
# a dotted number read on the full page ("4.2", "5.1.3") is kept: the cell read alone drops the small dot ("42")
_DOTTED = re.compile(r"^\d{1,3}(?:\.\d{1,2}){1,2}\.?$")
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
    cell = pixels[top + 2:bottom - 1, x0 + 2:x1 - 1]   # the box is the white inside the (erased) rules
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
    """A cell's words in reading order: visual lines top to bottom (words overlapping in height), each left
    to right. Tesseract's own line numbers may join a line across cells or split one within a cell."""
    lines: list[list[_Word]] = []
    for word in sorted(words, key=lambda w: w.cy):
        line = lines[-1] if lines else None
        if line and min(w.bottom for w in line) > word.cy > max(w.top for w in line):
            line.append(word)
        else:
            lines.append([word])
    return " ".join(" ".join(w.text for w in sorted(ws, key=lambda w: w.x0)) for ws in lines).strip(" |")


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
