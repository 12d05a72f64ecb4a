"""Word and PDF plans read into the same lines (and so the same tasks/targets) as the text plan."""
from __future__ import annotations

import re
import zipfile

import pytest

from corpus.docx_reader import read_docx
from corpus.document import TextDocument, UnreadablePlan
from corpus.pdf_reader import read_pdf
from corpus.text import nfc
from tests.plan_fixtures import NHA_BICH, build_docx, build_pdf, build_scanned_pdf, plan_blocks

PLAN_TEXT = NHA_BICH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plans")
    docx_fixture = build_docx(PLAN_TEXT, folder / "xa-nha-bich-2026.docx")
    pdf_fixture = build_pdf(PLAN_TEXT, folder / "xa-nha-bich-2026.pdf")
    return {
        "docx": (docx_fixture, read_docx(docx_fixture.path)),
        "pdf": (pdf_fixture, read_pdf(pdf_fixture.path)),
    }


def expected_lines() -> list[str]:
    """The text plan's paragraphs and table rows, each followed by one empty line / table."""
    lines: list[str] = []
    for block in plan_blocks(PLAN_TEXT):
        lines += [nfc(line) for line in block.lines] + [""]
    return lines


def line_no(doc: TextDocument, text: str) -> int:
    return doc.lines.index(text) + 1


# ------------------------------------------------------------------------------- lines and tables

@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_reader_gives_the_plan_paragraphs_and_table_rows(built, kind):
    _, doc = built[kind]
    assert doc.kind == kind
    assert len(doc.pages) == len(doc.lines)
    assert list(doc.lines) == expected_lines()


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_tables_become_tab_rows_with_merged_and_empty_cells(built, kind):
    _, doc = built[kind]
    rows = [line.split("\t") for line in doc.lines if "\t" in line]
    assert sum(len(row) == 5 for row in rows) == 37 and sum(len(row) == 7 for row in rows) == 28
    # Group title spanning the empty columns (a merged cell in the .docx): text once, then "".
    assert ["I", "Về phát triển hạ tầng (02)", "", "", ""] in rows
    assert ["15", "Tỷ lệ người dân có tài khoản định danh điện tử (VNeID)", "%", "≥ 80%", "Công an xã"] in rows
    # A wrapped cell comes back on one line.
    assert any(row[0].startswith("4. Triển khai thực hiện Đề án phát triển ứng dụng dữ liệu về dân cư")
               and row[4] == "Công an xã" and row[6] == "Quý I/2026" for row in rows)


def test_docx_list_paragraphs_get_their_marker(built):
    _, doc = built["docx"]
    assert "- Triển khai, bảo đảm an toàn thông tin trên địa bàn." in doc.lines       # bullet list
    assert "10. Ban nhân dân các ấp" in doc.lines                                      # numbered list
    assert "1. Về công tác chỉ đạo, điều hành" in doc.lines                            # restarted at 1


def test_pdf_drops_running_page_numbers(built):
    _, doc = built["pdf"]
    assert max(doc.pages) >= 10
    assert not any(re.fullmatch(r"\d{1,3}", line) for line in doc.lines)


# -------------------------------------------------------------------------------------- pages

@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_pages_are_carried(built, kind):
    fixture, doc = built[kind]
    assert doc.page_of(line_no(doc, "I. MỤC ĐÍCH, YÊU CẦU")) == 1
    page_two = [text for text, page in fixture.pages.items() if page == 2]
    assert page_two, "the writer put something on page 2"
    for text in page_two:
        assert doc.page_of(line_no(doc, text)) == 2, text
    for text, page in fixture.pages.items():
        assert doc.page_of(line_no(doc, text)) == page, text
    # A table row reports the page it is printed on: the task table starts on the appendix page.
    first_task = next(n for n, line in enumerate(doc.lines, 1) if line.startswith("(1) Mã Nhiệm vụ"))
    assert doc.page_of(first_task) == fixture.pages["PHỤ LỤC II"]


# ------------------------------------------------------------ same records as the text version

NAMED_TASKS = {  # words of the sub-task -> (lead unit, deadline) as the text plan gives them
    "vận hành ổn định, hiệu quả Trung tâm Phục vụ hành chính công": ("Trung tâm PVHCC", "Năm 2026"),
    "làm sạch dữ liệu và tích hợp dữ liệu các sở ngành": ("Công an xã", "Quý I/2026"),
    "hỗ trợ chuyển đổi số cho doanh nghiệp nhỏ và vừa": ("Phòng kinh tế", "Quý I/2026"),
    "nền tảng số dùng chung của Trung ương, tỉnh trên địa bàn xã": ("Phòng VH-XH", "Quý II/2026"),
    "Nghị quyết số 66.7/2025/NQ-CP": ("Trung tâm PVHCC", "Theo hướng dẫn của tỉnh"),
    "Xây dựng và ban hành Kế hoạch triển khai số 57-NQ/TW": ("Phòng VH-XH", "Trước tháng 2/2026"),
}


def _named(tasks, words: str):
    found = [task for task in tasks if words in task.subtask]
    assert len(found) == 1, words
    return found[0]


@pytest.fixture(scope="module")
def parsed(built):
    parse = pytest.importorskip("corpus.parse")
    from corpus.reader import read_document

    plans = {"text": parse.parse_document(read_document(NHA_BICH), NHA_BICH.name, "0" * 64)}
    for kind, (fixture, doc) in built.items():
        plans[kind] = parse.parse_document(doc, fixture.path.name, "1" * 64)
    return plans


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_word_and_pdf_give_the_text_plans_tasks_and_targets(parsed, kind):
    text, other = parsed["text"], parsed[kind]
    assert other.plan.source_kind == kind
    assert len(text.targets) == len(other.targets) == 32
    assert len(text.tasks) == len(other.tasks) == 15
    for words, (lead, deadline) in NAMED_TASKS.items():
        for plan in (text, other):
            task = _named(plan.tasks, words)
            assert (task.lead, task.deadline.text) == ((lead,), deadline), (plan.plan.source_kind, words)
    assert [(t.code, t.lead, t.deadline.text) for t in other.tasks] == \
        [(t.code, t.lead, t.deadline.text) for t in text.tasks]
    assert [(t.code, t.lead, t.value_text) for t in other.targets] == \
        [(t.code, t.lead, t.value_text) for t in text.targets]


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_parsed_records_carry_pages(parsed, built, kind):
    fixture, _ = built[kind]
    task = _named(parsed[kind].tasks, "Xây dựng và ban hành Kế hoạch triển khai số 57-NQ/TW")
    assert task.page == fixture.pages["PHỤ LỤC II"]


# ------------------------------------------------------------------------------ unreadable files

def _assert_one_line_reason(exc: UnreadablePlan, *words: str) -> None:
    reason = str(exc)
    assert "\n" not in reason and reason
    for word in words:
        assert word in reason


def test_scanned_pdf_is_refused(tmp_path):
    path = build_scanned_pdf(tmp_path / "ban-scan.pdf")
    with pytest.raises(UnreadablePlan) as caught:
        read_pdf(path)
    _assert_one_line_reason(caught.value, "ban-scan.pdf", "không có lớp văn bản", "bản scan")


def test_encrypted_pdf_is_refused(tmp_path):
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    path = tmp_path / "mat-khau.pdf"
    pdf = canvas.Canvas(str(path), encrypt=StandardEncryption("bi-mat", canPrint=0))
    pdf.drawString(100, 700, "Ke hoach")
    pdf.save()
    with pytest.raises(UnreadablePlan) as caught:
        read_pdf(path)
    _assert_one_line_reason(caught.value, "mật khẩu")


def test_broken_pdf_is_refused(tmp_path, built):
    fixture, _ = built["pdf"]
    path = tmp_path / "hong.pdf"
    path.write_bytes(fixture.path.read_bytes()[:2000])
    with pytest.raises(UnreadablePlan) as caught:
        read_pdf(path)
    _assert_one_line_reason(caught.value, "hong.pdf")


@pytest.mark.parametrize("content", ["not a zip", "zip without Word parts", "truncated", "ole"])
def test_corrupt_docx_is_refused(tmp_path, built, content):
    path = tmp_path / "hong.docx"
    if content == "not a zip":
        path.write_bytes(b"Day khong phai tep Word")
    elif content == "zip without Word parts":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("readme.txt", "trống")
    elif content == "truncated":
        path.write_bytes(built["docx"][0].path.read_bytes()[:3000])
    else:  # what Word writes for a password-protected .docx
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    with pytest.raises(UnreadablePlan) as caught:
        read_docx(path)
    _assert_one_line_reason(caught.value, "hong.docx")


# --------------------------------------------------------------------- Word structures in detail

_LEVELS = """
<w:abstractNum %s w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%%2."/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%%3)"/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
</w:abstractNum>"""


def test_docx_structures(tmp_path):
    import docx
    from docx.enum.text import WD_BREAK
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(_LEVELS % nsdecls("w")))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def item(text: str, level: int):
        paragraph = document.add_paragraph(text)
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = 90

    item("MỤC TIÊU", 0)
    item("Chung", 1)
    item("Hạ tầng", 2)
    item("Dữ liệu", 2)
    item("ghi chú", 3)
    item("Cụ thể", 1)
    item("Xã hội", 2)
    item("GIẢI PHÁP", 0)
    item("Chỉ đạo", 1)
    paragraph = document.add_paragraph("Nơi nhận:\tKT. CHỦ TỊCH")
    paragraph.add_run().add_break()
    paragraph.add_run("PHÓ CHỦ TỊCH")
    paragraph.add_run().add_break(WD_BREAK.PAGE)
    table = document.add_table(rows=3, cols=4)
    table.cell(0, 0).text, table.cell(0, 1).text = "STT", "Nội dung"
    table.cell(0, 2).text, table.cell(0, 3).text = "Chủ trì", "Thời hạn"
    table.cell(1, 0).text = "I"
    table.cell(1, 1).merge(table.cell(1, 3)).text = "Nhóm hạ tầng"
    table.cell(2, 1).text = "Phủ sóng 5G"
    table.cell(2, 2).text, table.cell(2, 3).text = "Phòng VH-XH", "Quý I/2026"
    table.cell(1, 0).merge(table.cell(2, 0))  # vertical merge: row 2 continues row 1's cell
    # Text left inside a continuation cell is not shown by Word, so it must not be read either.
    table.rows[2]._tr.tc_lst[0].p_lst[0].add_r().text = "ẩn"
    document.add_paragraph("Hoà nhập, thuỷ lợi")
    path = tmp_path / "cau-truc.docx"
    document.save(path)

    doc = read_docx(path)
    paragraphs = ["I. MỤC TIÊU", "1. Chung", "a) Hạ tầng", "b) Dữ liệu", "- ghi chú", "2. Cụ thể",
                  "a) Xã hội", "II. GIẢI PHÁP", "1. Chỉ đạo", "Nơi nhận: KT. CHỦ TỊCH PHÓ CHỦ TỊCH"]
    assert list(doc.lines) == [line for text in paragraphs for line in (text, "")] + [
        "STT\tNội dung\tChủ trì\tThời hạn",
        "I\tNhóm hạ tầng\t\t",
        "\tPhủ sóng 5G\tPhòng VH-XH\tQuý I/2026",
        "",
        "Hòa nhập, thủy lợi",
        "",
    ]
    assert doc.page_of(line_no(doc, "Nơi nhận: KT. CHỦ TỊCH PHÓ CHỦ TỊCH")) == 1
    assert doc.page_of(line_no(doc, "STT\tNội dung\tChủ trì\tThời hạn")) == 2
    assert doc.page_of(line_no(doc, "Hòa nhập, thủy lợi")) == 2
