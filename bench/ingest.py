"""Ingest figures on this machine: OCR pages/second and accuracy by resolution (a noisy commune scan, and a
scanned two-page appendix table compared row by row with the text PDF it was printed from), text-PDF
pages/second, and how well each PDF text extractor keeps Vietnamese words whole. Figures, not tests.

    .venv/bin/python bench/ingest.py [--dpi 200 300 400] [--repeat 3] [--only tables]
"""
from __future__ import annotations

import argparse
import difflib
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus.document import TextDocument  # noqa: E402
from corpus.ocr import OcrOptions, missing_tools  # noqa: E402
from corpus.parse import parse_document  # noqa: E402
from corpus.pdf_reader import read_pdf  # noqa: E402
from tests.ingest_fixtures import (  # noqa: E402
    APPENDIX_TASKS, TASKS, build_appendix_pdf, build_scan, build_text_pdf, rasterize)
from tests.plan_fixtures import NHA_BICH, _register_fonts, build_pdf  # noqa: E402


def _words(doc: TextDocument) -> list[str]:
    return " ".join(line.replace("\t", " ") for line in doc.lines).split()


def _word_accuracy(truth: list[str], got: list[str]) -> float:
    """Share of the reference words found, in order (difflib's matching blocks)."""
    matcher = difflib.SequenceMatcher(a=truth, b=got, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(len(truth), 1)


def _task_fields(doc: TextDocument, name: str) -> float:
    """Share of (lead, cooperating, deadline) fields of the fixture's tasks read exactly (spaces ignored)."""
    parsed = parse_document(doc, name, "0" * 64)
    squash = lambda s: "".join(s.split())  # noqa: E731
    right = 0
    for truth in TASKS:
        found = [t for t in parsed.tasks if squash(truth.text) in squash(t.task)]
        if len(found) != 1:
            continue
        task = found[0]
        right += squash(";".join(task.lead)) == squash(truth.lead)
        right += squash(";".join(task.cooperating)) == squash(truth.coop.replace("; ", ";"))
        right += task.deadline.text == truth.deadline
    return right / (3 * len(TASKS))


def bench_ocr(tmp: Path, dpis: list[int], workers: int = 0, font_size: float = 11) -> None:
    missing = missing_tools(OcrOptions())
    if missing:
        print(f"OCR: skipped ({missing})")
        return
    scan = build_scan(tmp / "xa-phu-hoa.pdf", "Phú Hòa", font_size=font_size)
    source = build_text_pdf(tmp / "source.pdf", "Phú Hòa", font_size=font_size, scan_layout=True)
    print(f"OCR of a {font_size:g}-pt scan:")
    truth = _words(read_pdf(source))
    for dpi in dpis:
        start = time.perf_counter()
        doc = read_pdf(scan, OcrOptions(cache_dir=tmp / f"cache-{dpi}-{workers}", dpi=dpi, progress=False,
                                        workers=workers))
        elapsed = time.perf_counter() - start
        pages = max(doc.pages)
        print(f"  {dpi} dpi, {workers or 'all'} worker(s): {pages / elapsed:.3f} pages/s "
              f"({elapsed / pages:.1f} s/page), "
              f"words {_word_accuracy(truth, _words(doc)):.3f}, task fields {_task_fields(doc, scan.name):.3f}")
    start = time.perf_counter()
    read_pdf(scan, OcrOptions(cache_dir=tmp / f"cache-{dpis[-1]}-{workers}", dpi=dpis[-1], progress=False))
    print(f"  again from the cache: {time.perf_counter() - start:.2f} s")


def bench_ocr_tables(tmp: Path, dpis: list[int], workers: int) -> None:
    """A 21-task appendix (thin 0.5 pt grid, 9-pt wrapped cells, columns in another order, merged group rows,
    header repeated on the second page) printed to a text PDF and scanned at 200 dpi, read by OCR at each
    resolution: table rows identical to the text PDF's (spaces ignored), tasks whose lead, partners and
    deadline are exact."""
    missing = missing_tools(OcrOptions())
    if missing:
        print(f"OCR tables: skipped ({missing})")
        return
    text_pdf = build_appendix_pdf(tmp / "xa-long-phuoc.pdf", "Long Phước", ("deadline", "lead", "code", "text", "coop"))
    scan = rasterize(text_pdf, tmp / "scan-long-phuoc.pdf", dpi=200)
    squash = lambda s: "".join(s.split())  # noqa: E731
    truth_rows = [squash(line) for line in read_pdf(text_pdf).lines if "\t" in line]
    print(f"OCR of a scanned appendix (200 dpi scan, {len(truth_rows)} table rows, {len(APPENDIX_TASKS)} tasks):")
    for dpi in dpis:
        start = time.perf_counter()
        doc = read_pdf(scan, OcrOptions(cache_dir=tmp / f"tables-{dpi}", dpi=dpi, progress=False, workers=workers))
        elapsed = time.perf_counter() - start
        rows = [squash(line) for line in doc.lines if "\t" in line]
        same = sum(a == b for a, b in zip(truth_rows, rows)) if len(rows) == len(truth_rows) else 0
        tasks = parse_document(doc, scan.name, "0" * 64).tasks
        exact = sum(squash(";".join(t.lead)) == squash(truth.lead) and t.deadline.text == truth.deadline
                    and squash(";".join(t.cooperating)) == squash(truth.coop)
                    for t, truth in zip(tasks, APPENDIX_TASKS))
        pages = max(doc.pages)
        print(f"  read at {dpi} dpi: {pages / elapsed:.3f} pages/s ({elapsed / pages:.1f} s/page), rows "
              f"{same}/{len(truth_rows)} as in the text PDF ({len(rows)} found), tasks {len(tasks)}, "
              f"exact lead/partners/deadline {exact}/{len(APPENDIX_TASKS)}")


def _machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown CPU")
    return f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} | {os.cpu_count()} cores, {cpu}"


def bench_text_pdf(tmp: Path, repeat: int) -> None:
    path = build_pdf(NHA_BICH.read_text(encoding="utf-8"), tmp / "xa-nha-bich-2026.pdf").path
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        doc = read_pdf(path)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    pages = max(doc.pages)
    print(f"text PDF (Nha Bích, {pages} pages, 65 table rows): {pages / best:.1f} pages/s ({best:.2f} s)")


def bench_word_splitting(tmp: Path) -> None:
    """Lines drawn with letter spacing (justified), bold, several sizes and glyph-by-glyph placement:
    share of lines each extractor returns exactly."""
    import pdfplumber
    import pypdfium2
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    from corpus.pdf_words import text_lines

    _register_fonts()
    sentence = "Hoàn thiện thể chế, chính sách phát triển khoa học công nghệ và chuyển đổi số"
    path = tmp / "words.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    y, drawn = 810, 0
    for font in ("DejaVuSans", "DejaVuSans-Bold"):
        for size in (8, 9, 10, 11, 12, 13, 14):
            for spacing in (0, 0.8, 1.6, 2.4, 3.5):
                text = pdf.beginText(30, y)
                text.setFont(font, size)
                text.setCharSpace(spacing)
                text.textLine(sentence)
                pdf.drawText(text)
                y -= size * 1.5
                drawn += 1
                if y < 40:
                    pdf.showPage()
                    y = 810
    for size in (8, 9, 10, 12, 14):
        for jitter in (0.04, 0.08, 0.12):
            x = 30
            for k, char in enumerate(sentence):
                if char != " ":
                    pdf.setFont("DejaVuSans", size)
                    pdf.drawString(x, y, char)
                x += stringWidth(char, "DejaVuSans", size) + (jitter * size if k % 3 == 0 else 0.0)
            y -= size * 1.8
            drawn += 1
            if y < 40:
                pdf.showPage()
                y = 810
    pdf.save()

    def score(lines: list[str]) -> str:
        exact = sum(1 for line in lines if line.strip() == sentence)
        return f"{exact}/{drawn}"

    with pdfplumber.open(path) as opened:
        plumber = [l["text"] for p in opened.pages for l in p.extract_text_lines()]
        ratio = [l["text"] for p in opened.pages for l in p.extract_text_lines(x_tolerance_ratio=0.2)]
        ours = [l.text for p in opened.pages for l in text_lines(p.dedupe_chars().chars)]
    pdfium = []
    document = pypdfium2.PdfDocument(str(path))
    for page in document:
        pdfium += page.get_textpage().get_text_range().splitlines()
    print("whole lines kept (letter spacing 0-3.5 pt, 8-14 pt, regular/bold, glyph-by-glyph):")
    print(f"  pdfplumber default x_tolerance=3: {score(plumber)}")
    print(f"  pdfplumber x_tolerance_ratio=0.2: {score(ratio)}")
    print(f"  pypdfium2 text page:              {score(pdfium)}")
    print(f"  corpus/pdf_words.py:              {score(ours)}")


# Prose assignments with the units and deadline an official would read from them.
PROSE = (
    ("Giao Trạm Y tế xã chủ trì, phối hợp Đoàn Thanh niên xã và Hội Liên hiệp Phụ nữ xã hoàn thành việc lập sổ "
     "sức khỏe điện tử trong tháng 11/2026.", "Trạm Y tế xã", "Đoàn Thanh niên xã;Hội Liên hiệp Phụ nữ xã"),
    ("Giao UBND các ấp chủ trì, phối hợp Đoàn Thanh niên xã vận động người dân cài đặt ứng dụng VNeID trong "
     "tháng 8/2026.", "UBND các ấp", "Đoàn Thanh niên xã"),
    ("Giao Phòng Kinh tế chủ trì, phối hợp Trường THCS Tân Hòa mở lớp bồi dưỡng kỹ năng số trước ngày "
     "15/10/2026.", "Phòng Kinh tế", "Trường THCS Tân Hòa"),
    ("Giao Công an xã chủ trì, phối hợp Ban nhân dân các ấp hoàn thành thu nhận hồ sơ định danh điện tử mức độ 2 "
     "trước ngày 30/9/2026.", "Công an xã", "Ban nhân dân các ấp"),
    ("Giao Phòng Văn hóa - Xã hội chủ trì, phối hợp Bưu điện xã hướng dẫn người dân thanh toán không dùng tiền "
     "mặt trong quý III/2026.", "Phòng Văn hóa - Xã hội", "Bưu điện xã"),
    ("Giao Văn phòng HĐND và UBND xã chủ trì, phối hợp Viettel Đồng Nai nâng cấp hệ thống hội nghị truyền hình "
     "trong năm 2026.", "Văn phòng HĐND và UBND xã", "Viettel Đồng Nai"),
    ("Giao Trung tâm Phục vụ hành chính công chủ trì, phối hợp Công an xã số hóa kết quả giải quyết thủ tục "
     "hành chính trước ngày 31/12/2026.", "Trung tâm Phục vụ hành chính công", "Công an xã"),
    ("Giao Hội Nông dân xã chủ trì, phối hợp Hợp tác xã Tân Hòa đưa sản phẩm OCOP lên sàn thương mại điện tử "
     "trong quý IV/2026.", "Hội Nông dân xã", "Hợp tác xã Tân Hòa"),
    ("Giao Đoàn Thanh niên xã chủ trì, phối hợp Trường Tiểu học Tân Hòa thành lập Tổ công nghệ số cộng đồng ở "
     "các ấp trong tháng 5/2026.", "Đoàn Thanh niên xã", "Trường Tiểu học Tân Hòa"),
    ("Giao Phòng Kinh tế chủ trì, phối hợp Ngân hàng Chính sách xã hội xã khảo sát nhu cầu vay vốn khởi nghiệp "
     "sáng tạo trong quý II/2026.", "Phòng Kinh tế", "Ngân hàng Chính sách xã hội xã"),
    ("Giao Trạm Y tế xã chủ trì, phối hợp Hội Chữ thập đỏ xã triển khai khám chữa bệnh từ xa trong năm 2026.",
     "Trạm Y tế xã", "Hội Chữ thập đỏ xã"),
    ("Giao Ban Chỉ huy Quân sự xã chủ trì, phối hợp Công an xã cập nhật dữ liệu dân quân tự vệ trước ngày "
     "30/6/2026.", "Ban Chỉ huy Quân sự xã", "Công an xã"),
)


def bench_prose_assignments() -> None:
    """Units found in prose assignments: a list of work verbs, underthesea's POS tagger, both."""
    import corpus.assignments as assignments
    from corpus.assignments import pos_tagger, read_assignment

    def score(tagger, use_list: bool) -> tuple[int, float]:
        saved = assignments._WORK
        if not use_list:
            assignments._WORK = __import__("re").compile(r"(?!)")
        right = 0
        start = time.perf_counter()
        try:
            for sentence, lead, coop in PROSE:
                found = read_assignment(sentence, tagger)
                right += bool(found) and ";".join(found.lead) == lead and ";".join(found.cooperating) == coop
        finally:
            assignments._WORK = saved
        return right, (time.perf_counter() - start) * 1000 / len(PROSE)

    start = time.perf_counter()
    import underthesea  # noqa: F401
    imported = time.perf_counter() - start
    tagger = pos_tagger()
    tagger("Khởi động.")   # the CRF model loads on first call
    print(f"prose assignments, {len(PROSE)} sentences, lead and cooperating units exact "
          f"(underthesea import {imported:.1f} s):")
    for name, tagger_used, use_list in (("work-verb list", None, True), ("underthesea pos_tag", tagger, False),
                                        ("list, then pos_tag", tagger, True)):
        right, ms = score(tagger_used, use_list)
        print(f"  {name:22s} {right}/{len(PROSE)}  ({ms:.1f} ms/sentence)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, nargs="+", default=[200, 300, 400])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--font-size", type=float, default=11, help="size of the text in the OCR test scan")
    parser.add_argument("--workers", type=int, default=1, help="OCR pages at once (0: one per core)")
    parser.add_argument("--only", choices=["prose", "words", "pdf", "ocr", "tables"], help="one part only")
    args = parser.parse_args()
    print(_machine())
    with tempfile.TemporaryDirectory(prefix="k57-bench-") as tmp:
        parts = {"prose": bench_prose_assignments, "words": lambda: bench_word_splitting(Path(tmp)),
                 "pdf": lambda: bench_text_pdf(Path(tmp), args.repeat),
                 "ocr": lambda: bench_ocr(Path(tmp), args.dpi, args.workers, args.font_size),
                 "tables": lambda: bench_ocr_tables(Path(tmp), args.dpi, args.workers)}
        for name, run in parts.items():
            if args.only in (None, name):
                run()


if __name__ == "__main__":
    main()
