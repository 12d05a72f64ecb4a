"""Plans as they really arrive (issue 13): a scan, a PDF with a drawn task table over two pages, a Word
file with its own table layout, assignments in prose. Each is dropped into a plans folder and loaded by
the CLI; counts come from `run_bot.py plans --json`, then lead, cooperating units and deadline are checked
against the fixtures' ground truth."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.document import UnreadablePlan
from corpus.ocr import OcrOptions, missing_tools, repair_cell, repair_text
from corpus.parse import parse_plan_file
from corpus.pdf_reader import read_pdf
from tests.ingest_fixtures import (PROSE_ASSIGNMENTS, TASKS, TARGETS, build_docx_variant, build_scan,
                                   build_text_pdf, text_plan)
from tests.plan_fixtures import _register_fonts, build_scanned_pdf

ROOT = Path(__file__).resolve().parent.parent
OCR_MISSING = missing_tools(OcrOptions())
needs_ocr = pytest.mark.skipif(OCR_MISSING is not None or not shutil.which("pdftoppm"),
                               reason=f"OCR not installed ({OCR_MISSING}): apt-get install tesseract-ocr "
                                      "tesseract-ocr-vie poppler-utils")

FILES = {"pdf": "xa-tan-hoa.pdf", "docx": "xa-binh-loi.docx", "text": "xa-an-phu.txt", "scan": "xa-phu-hoa.pdf"}


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, K57_EMBED_MODEL="none")
    return subprocess.run([sys.executable, str(ROOT / "run_bot.py"), *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=900)


@pytest.fixture(scope="module")
def plans_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plans")
    build_text_pdf(folder / FILES["pdf"], "Tân Hòa")
    build_docx_variant(folder / FILES["docx"], "Bình Lợi")
    (folder / FILES["text"]).write_text(text_plan("An Phú"), encoding="utf-8")
    if OCR_MISSING is None and shutil.which("pdftoppm"):
        build_scan(folder / FILES["scan"], "Phú Hòa")
    return folder


@pytest.fixture(scope="module")
def loaded(plans_dir, tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    index = _cli("index", "--plans", str(plans_dir), "--data", str(data))
    assert index.returncode == 0, index.stderr
    listed = _cli("plans", "--json", "--data", str(data))
    assert listed.returncode == 0, listed.stderr
    counts = {row["file"]: row for row in map(json.loads, listed.stdout.splitlines())}
    return index, counts, data


@pytest.fixture(scope="module")
def parsed(plans_dir, loaded):
    # after the CLI ran: a scan is read from the OCR cache here, not again
    return {kind: parse_plan_file(plans_dir / name) for kind, name in FILES.items() if (plans_dir / name).exists()}


def _squash(text: str) -> str:
    return "".join(text.split())


def _task(parsed_plan, words: str):
    found = [t for t in parsed_plan.tasks if _squash(words) in _squash(t.task + " " + t.subtask)]
    assert len(found) == 1, (words, [t.task for t in parsed_plan.tasks])
    return found[0]


# ----------------------------------------------------------------------------------- counts via CLI

@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_cli_counts_tables(loaded, kind):
    _, counts, _ = loaded
    row = counts[FILES[kind]]
    # 8 table tasks + 1 prose assignment; 4 targets; 4 lettered duties + the prose assignment's unit
    assert (row["tasks"], row["targets"], row["duties"]) == (9, 4, 5), row


def test_cli_counts_prose(loaded):
    _, counts, _ = loaded
    row = counts[FILES["text"]]
    assert (row["tasks"], row["targets"], row["duties"]) == (2, 0, 4), row


@needs_ocr
def test_cli_counts_scan(loaded):
    index, counts, _ = loaded
    row = counts[FILES["scan"]]
    assert (row["tasks"], row["targets"]) == (9, 4), row
    assert row["duties"] >= 4, row
    assert "✓ xa-phu-hoa.pdf" in index.stdout


# --------------------------------------------------------------------------------------- spot checks

@pytest.mark.parametrize("kind", ["pdf", "docx", "scan"])
def test_task_table_rows_keep_their_columns(parsed, kind):
    if kind not in parsed:
        pytest.skip(f"OCR not installed ({OCR_MISSING})")
    plan = parsed[kind]
    for truth in TASKS:
        task = _task(plan, truth.text)
        # OCR may run two syllables together ("cácấp"): compare without spaces there
        same = (lambda a, b: _squash(a) == _squash(b)) if kind == "scan" else (lambda a, b: a == b)
        assert len(task.lead) == 1 and same(task.lead[0], truth.lead), (kind, truth.text, task.lead)
        coop = [u.strip() for u in truth.coop.split(";")]
        assert len(task.cooperating) == len(coop), (kind, truth.text, task.cooperating)
        assert all(same(a, b) for a, b in zip(task.cooperating, coop)), (kind, task.cooperating)
        assert task.deadline.text == truth.deadline, (kind, truth.text, task.deadline)


@pytest.mark.parametrize("kind", ["pdf", "docx", "scan"])
def test_targets_keep_value_and_unit(parsed, kind):
    if kind not in parsed:
        pytest.skip(f"OCR not installed ({OCR_MISSING})")
    targets = parsed[kind].targets
    # "≥" survives OCR (Tesseract reads ">"; the pixels show the bar) and a real ">" stays ">"
    assert [t.value_text for t in targets] == [value for _, _, value, _ in TARGETS]
    assert [t.lead for t in targets] == [(unit,) for *_, unit in TARGETS]             # "Đơn vị theo dõi"


def test_text_pdf_table_runs_over_two_pages(parsed):
    tasks = parsed["pdf"].tasks
    pages = {_squash(t.task): t.page for t in tasks}
    assert pages[_squash(TASKS[0].text)] == 1 and pages[_squash(TASKS[-1].text)] == 2


@needs_ocr
def test_scan_records_carry_pages_and_metadata(parsed):
    plan = parsed["scan"]
    assert plan.plan.locality == "Phú Hòa" and plan.plan.number == "45/KH-UBND"
    assert plan.plan.signer == "Nguyễn Văn An"   # the seal and the pen scribble over it are not read as text
    assert [t.code for t in plan.tasks if t.code.startswith("III.")] == ["III.6", "III.7", "III.8"]
    assert _task(plan, TASKS[0].text).page == 1
    assert _task(plan, TASKS[-1].text).page == 2
    assert {d.unit for d in plan.duties} >= {"Văn phòng HĐND và UBND xã", "Phòng Văn hóa - Xã hội"}


@pytest.mark.parametrize("kind,which", [("text", 0), ("text", 1), ("pdf", 0), ("docx", 1)])
def test_prose_assignments_become_tasks(parsed, kind, which):
    sentence, lead, coop, deadline = PROSE_ASSIGNMENTS[which]
    task = _task(parsed[kind], sentence.split(" hoàn thành ")[1].split(" trong ")[0].split(" trước ")[0])
    assert task.lead == (lead,) and task.cooperating == coop and task.deadline.text == deadline


def test_docx_letterhead_and_lettered_duties(parsed):
    plan = parsed["docx"]
    assert plan.plan.number == "45/KH-UBND" and plan.plan.date == "ngày 10 tháng 3 năm 2026"
    duties = [(d.unit, d.text[:2]) for d in plan.duties if d.text[:2] in ("a)", "b)")]
    assert duties == [("Văn phòng HĐND và UBND xã", "a)"), ("Văn phòng HĐND và UBND xã", "b)"),
                      ("Phòng Văn hóa - Xã hội", "a)"), ("Phòng Văn hóa - Xã hội", "b)")]


def test_duty_paragraph_without_a_dated_deadline_is_no_task(tmp_path):
    text = text_plan("Long Tân").replace(
        PROSE_ASSIGNMENTS[1][0],
        "Phòng Văn hóa - Xã hội chủ trì, phối hợp với các cơ quan, đơn vị theo dõi, đôn đốc việc triển khai "
        "thực hiện, kịp thời báo cáo Ủy ban nhân dân xã.")
    path = tmp_path / "xa-long-tan.txt"
    path.write_text(text, encoding="utf-8")
    assert len(parse_plan_file(path).tasks) == 1


# ------------------------------------------------------------------------------ PDF words, OCR parts

def test_pdf_words_are_not_split_at_any_size_or_weight(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    _register_fonts()
    sentence = "Hoàn thiện thể chế, chính sách phát triển khoa học công nghệ"
    path = tmp_path / "chu.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    y = 800
    for font in ("DejaVuSans", "DejaVuSans-Bold"):
        for size in (8, 10, 12, 14):
            for spacing in (0, 1.5, 3.5):   # Word's justification spreads letters
                text = pdf.beginText(40, y)
                text.setFont(font, size)
                text.setCharSpace(spacing)
                text.textLine(sentence)
                pdf.drawText(text)
                y -= size * 1.8
        y -= 10
    for size in (9, 12):   # glyph by glyph, no space glyph at all, uneven kerning
        x = 40
        for k, char in enumerate(sentence):
            if char != " ":
                pdf.setFont("DejaVuSans", size)
                pdf.drawString(x, y, char)
            x += stringWidth(char, "DejaVuSans", size) + (0.1 * size if k % 3 == 0 else 0.02 * size)
        y -= size * 2
    pdf.save()
    lines = [line for line in read_pdf(path).lines if line]
    assert lines == [sentence] * len(lines) and len(lines) >= 2


def test_scan_without_tesseract_names_what_to_install(tmp_path):
    path = build_scanned_pdf(tmp_path / "ban-scan.pdf")
    with pytest.raises(UnreadablePlan) as caught:
        read_pdf(path, OcrOptions(tesseract=str(tmp_path / "khong-co-tesseract"), cache_dir=tmp_path))
    reason = str(caught.value)
    assert "\n" not in reason and "bản scan" in reason
    assert "apt-get install tesseract-ocr tesseract-ocr-vie" in reason


@needs_ocr
def test_ocr_is_cached_by_file_hash(plans_dir, loaded, tmp_path):
    # the CLI's run left the OCR text next to the plan and in data/ocr-cache: reading the same file again,
    # there or copied elsewhere (a plan sent to the bot, then copied into the plans folder), needs no Tesseract
    options = OcrOptions(tesseract="/nonexistent/tesseract", pdftoppm="/nonexistent/pdftoppm")
    copy = tmp_path / "elsewhere" / FILES["scan"]
    copy.parent.mkdir()
    shutil.copyfile(plans_dir / FILES["scan"], copy)
    for path in (plans_dir / FILES["scan"], copy):
        doc = read_pdf(path, options)
        assert any("Số hóa hồ sơ" in line for line in doc.lines)


@pytest.mark.parametrize("raw,fixed", [
    ("Trungtâm Phục vụ", "Trung tâm Phục vụ"),   # only one cut makes two syllables
    ("Công anxã", "Công an xã"),
    ("cácấp", "cácấp"),                          # các ấp or cá cấp: never guess
    ("thiệ n thể chế", "thiện thể chế"),         # a stray space inside a syllable
    ("UBND xã", "UBND xã"),
    ("Viettel Đồng Nai", "Viettel Đồng Nai"),
    ("Quý l/2026", "Quý I/2026"),
    ("Quý 1I/2026", "Quý II/2026"),
    ("điểm b khoản 1", "điểm b khoản 1"),
])
def test_ocr_repairs_only_what_is_certain(raw, fixed):
    assert repair_text(raw) == fixed


def test_lone_digit_before_a_percentage_is_the_geq_sign():
    assert repair_cell("2 80%") == "≥ 80%"
    assert repair_cell("> 80%") == "> 80%"     # may be meant; the pixels decide (corpus/ocr.py)
    assert repair_cell("280%") == "280%"


@pytest.mark.parametrize("font_size", [9.0, 9.5, 10.0, 12.0])
def test_a_row_cut_by_a_page_break_is_one_task(tmp_path, monkeypatch, font_size):
    """A long task row split over two pages (reportlab's splitInRow, which leaves the first part without a
    bottom rule and may draw the rest inside the repeated header): one task, its text whole."""
    import tests.ingest_fixtures as fixtures
    from tests.ingest_fixtures import TaskRow

    long_row = TaskRow("Xây dựng cơ sở dữ liệu " + "và cập nhật thường xuyên thông tin về hộ gia đình, người cao "
                       "tuổi, người có công, trẻ em " * 6 + "trên địa bàn xã", "Phòng Văn hóa - Xã hội",
                       "Công an xã; Ban nhân dân các ấp", "Quý III/2026", "Cơ sở dữ liệu được cập nhật")
    groups = list(fixtures.GROUPS)
    groups[0] = (groups[0][0], groups[0][1] + (long_row,))
    monkeypatch.setattr(fixtures, "GROUPS", tuple(groups))
    path = fixtures.build_text_pdf(tmp_path / "xa-tan-hoa.pdf", font_size=font_size)
    plan = parse_plan_file(path)
    assert len(plan.tasks) == len(TASKS) + 2   # + the long row + the prose assignment
    task = _task(plan, long_row.text)
    assert task.task == long_row.text
    assert (task.lead, task.cooperating, task.deadline.text) == (
        ("Phòng Văn hóa - Xã hội",), ("Công an xã", "Ban nhân dân các ấp"), "Quý III/2026")


def test_text_pdf_with_a_scanned_page_keeps_its_text_pages_without_ocr(tmp_path):
    """A signed last page scanned into an exported PDF: without Tesseract the text pages still carry the plan."""
    from pypdf import PdfReader, PdfWriter

    text = build_text_pdf(tmp_path / "text.pdf", "Tân Hòa")
    scanned = build_scanned_pdf(tmp_path / "scan.pdf")
    writer = PdfWriter()
    writer.append(str(text))
    writer.append(str(scanned))
    path = tmp_path / "xa-tan-hoa.pdf"
    with open(path, "wb") as out:
        writer.write(out)
    doc = read_pdf(path, OcrOptions(tesseract=str(tmp_path / "khong-co"), cache_dir=tmp_path))
    text_pages = len(PdfReader(str(text)).pages)
    assert max(doc.pages) == text_pages   # the two scanned pages after them add nothing, and nothing fails
    assert any(line.startswith("STT\tNội dung nhiệm vụ") for line in doc.lines)


@pytest.mark.parametrize("font_size", [9, 10, 12, 13])
def test_text_pdf_tables_at_other_sizes_and_column_wraps(tmp_path, font_size):
    """Other font sizes wrap the cells differently and move the page break; every unit stays in its column."""
    plan = parse_plan_file(build_text_pdf(tmp_path / "xa-tan-hoa.pdf", font_size=font_size))
    assert len(plan.tasks) == len(TASKS) + 1 and len(plan.targets) == len(TARGETS)
    for truth in TASKS:
        task = _task(plan, truth.text)
        assert (task.lead, task.cooperating, task.deadline.text) == (
            (truth.lead,), tuple(u.strip() for u in truth.coop.split(";")), truth.deadline), (font_size, truth)
