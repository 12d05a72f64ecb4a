"""Plans as they really arrive, built by the tests themselves: a scan (images only, slightly rotated, with
noise), a PDF exported with a drawn task table running over two pages, a Word file with its own table
layout (another column order, merged group rows, vertically merged cells, lettered duties, a borderless
two-column header block), and a plan whose assignments are written in prose.

Every builder writes the same kind of content (a commune plan with a task table, a target table and
"Tổ chức thực hiện" duties) for a different commune, so several can be loaded together. TASKS holds the
ground truth the tests check against.
"""
from __future__ import annotations

import random
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from tests.plan_fixtures import _register_fonts


@dataclass(frozen=True)
class TaskRow:
    text: str
    lead: str
    coop: str
    deadline: str
    product: str


GROUPS: tuple[tuple[str, tuple[TaskRow, ...]], ...] = (
    ("Hoàn thiện thể chế, chính sách", (
        TaskRow("Rà soát, sửa đổi quy chế làm việc trên môi trường số của Ủy ban nhân dân xã",
                "Văn phòng HĐND và UBND xã", "Phòng Kinh tế", "Quý I/2026", "Quy chế được ban hành"),
        TaskRow("Ban hành danh mục dữ liệu mở của xã theo hướng dẫn của tỉnh",
                "Phòng Văn hóa - Xã hội", "Văn phòng HĐND và UBND xã", "Quý II/2026", "Danh mục dữ liệu mở"),
    )),
    ("Phát triển hạ tầng số", (
        TaskRow("Phủ sóng di động 4G, 5G đến các ấp vùng sâu và khu dân cư mới",
                "Phòng Kinh tế", "Viettel Đồng Nai; VNPT Đồng Nai", "Quý III/2026", "Bản đồ vùng phủ sóng"),
        TaskRow("Lắp đặt mạng Wi-Fi miễn phí tại nhà văn hóa các ấp",
                "Phòng Kinh tế", "Ban nhân dân các ấp", "Tháng 10/2026", "Điểm Wi-Fi công cộng"),
        TaskRow("Nâng cấp đường truyền số liệu chuyên dùng cho bộ phận một cửa",
                "Văn phòng HĐND và UBND xã", "Trung tâm Phục vụ hành chính công", "Quý IV/2026",
                "Đường truyền được nâng cấp"),
    )),
    ("Chuyển đổi số và dữ liệu", (
        TaskRow("Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực",
                "Trung tâm Phục vụ hành chính công", "Công an xã", "Tháng 6/2026", "Kho dữ liệu số hóa"),
        TaskRow("Làm sạch dữ liệu dân cư phục vụ Đề án 06",
                "Công an xã", "Ban nhân dân các ấp; Đoàn Thanh niên xã", "Quý I/2026", "Dữ liệu dân cư đúng, đủ"),
        TaskRow("Tập huấn kỹ năng số cho Tổ công nghệ số cộng đồng",
                "Đoàn Thanh niên xã", "Hội Liên hiệp Phụ nữ xã", "Thường xuyên", "Lớp tập huấn"),
    )),
)
TASKS: tuple[TaskRow, ...] = tuple(task for _, tasks in GROUPS for task in tasks)

TARGETS: tuple[tuple[str, str, str, str], ...] = (  # text, unit of measure, value, unit following it
    ("Tỷ lệ hồ sơ thủ tục hành chính được giải quyết trực tuyến", "%", "≥ 80%", "Trung tâm Phục vụ hành chính công"),
    ("Tỷ lệ người dân có tài khoản định danh điện tử", "%", "≥ 90%", "Công an xã"),
    ("Số điểm Wi-Fi công cộng miễn phí", "điểm", "12", "Phòng Văn hóa - Xã hội"),
    ("Tỷ lệ doanh nghiệp dùng hóa đơn điện tử", "%", "> 95%", "Phòng Kinh tế"),   # a real ">"
)

DUTIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Văn phòng HĐND và UBND xã", (
        "Chủ trì theo dõi, đôn đốc các đơn vị triển khai Kế hoạch; tổng hợp báo cáo kết quả hằng quý.",
        "Tham mưu Ủy ban nhân dân xã sơ kết, đánh giá việc thực hiện trước ngày 15/12/2026.",
    )),
    ("Phòng Văn hóa - Xã hội", (
        "Tuyên truyền lợi ích của chuyển đổi số trên hệ thống truyền thanh cơ sở.",
        "Hướng dẫn Ban nhân dân các ấp cập nhật thông tin lên cổng thông tin điện tử của xã.",
    )),
)

PROSE_ASSIGNMENTS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (  # sentence, lead, cooperating, deadline
    ("Giao Trạm Y tế xã chủ trì, phối hợp Đoàn Thanh niên xã và Hội Liên hiệp Phụ nữ xã hoàn thành việc "
     "lập sổ sức khỏe điện tử cho người dân trên địa bàn trong tháng 11/2026.",
     "Trạm Y tế xã", ("Đoàn Thanh niên xã", "Hội Liên hiệp Phụ nữ xã"), "trong tháng 11/2026"),
    ("Giao Công an xã chủ trì, phối hợp Ban nhân dân các ấp hoàn thành thu nhận hồ sơ định danh điện tử "
     "mức độ 2 trước ngày 30/9/2026.",
     "Công an xã", ("Ban nhân dân các ấp",), "trước ngày 30/9/2026"),
)


def head_lines(commune: str) -> list[str]:
    return [
        f"ỦY BAN NHÂN DÂN XÃ {commune.upper()}",
        "Số: 45/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"{commune}, ngày 10 tháng 3 năm 2026",
        "KẾ HOẠCH",
        f"Triển khai Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo "
        f"và chuyển đổi số trên địa bàn xã {commune} năm 2026",
    ]


PURPOSE = ("Cụ thể hóa các nhiệm vụ của Nghị quyết số 57-NQ/TW phù hợp với điều kiện của xã; phân công rõ "
           "cơ quan chủ trì, cơ quan phối hợp, thời hạn hoàn thành và sản phẩm của từng nhiệm vụ.")


def text_plan(commune: str) -> str:
    """The plan as a text file: every assignment written in prose (no tables)."""
    lines = head_lines(commune) + ["", "I. MỤC ĐÍCH, YÊU CẦU", PURPOSE, "", "II. NHIỆM VỤ, GIẢI PHÁP"]
    lines += [sentence for sentence, *_ in PROSE_ASSIGNMENTS]
    lines += ["Các đơn vị tiếp tục đẩy mạnh tuyên truyền về chuyển đổi số trong nhân dân.",
              "", "III. TỔ CHỨC THỰC HIỆN"]
    for number, (unit, items) in enumerate(DUTIES, 1):
        lines.append(f"{number}. {unit}")
        lines += [f"{'abc'[k]}) {item}" for k, item in enumerate(items)]
    lines += ["", "CHỦ TỊCH", "", "Nguyễn Văn An"]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------- PDF

TASK_HEADER = ("STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành",
               "Sản phẩm")
_ROMAN = ("I", "II", "III", "IV")


def build_text_pdf(path: Path, commune: str = "Tân Hòa", font_size: float = 11, scan_layout: bool = False) -> Path:
    """A PDF as Word exports it: bold headings, a drawn task table whose rows run over two pages with the
    header repeated, group rows merged across the columns, wrapped cells, a drawn target table.

    scan_layout: larger cells and plain spacing (what a scanner then photographs)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_fonts()
    size = font_size
    body = ParagraphStyle("body", fontName="DejaVuSans", fontSize=size, leading=size * 1.35, spaceAfter=4)
    bold = ParagraphStyle("bold", parent=body, fontName="DejaVuSans-Bold")
    title = ParagraphStyle("title", parent=bold, fontSize=size + 2, leading=(size + 2) * 1.3, alignment=1)
    cell_size = size if scan_layout else size - 2
    cell = ParagraphStyle("cell", fontName="DejaVuSans", fontSize=cell_size, leading=cell_size * 1.25)
    head = ParagraphStyle("head", parent=cell, fontName="DejaVuSans-Bold")

    def p(text: str, style=body) -> Paragraph:
        return Paragraph(escape(text), style)

    story = [p(line, bold if k in (0, 2) else body) for k, line in enumerate(head_lines(commune)[:5])]
    story += [Spacer(1, 6), p("KẾ HOẠCH", title), p(head_lines(commune)[6], bold), Spacer(1, 6)]
    story += [p("I. MỤC ĐÍCH, YÊU CẦU", bold), p(PURPOSE), p("II. MỤC TIÊU", bold)]
    rows = [[p(t, head) for t in ("STT", "Chỉ tiêu", "Đơn vị tính", "Chỉ tiêu năm 2026", "Đơn vị theo dõi")]]
    rows += [[p(str(k), cell), p(text, cell), p(uom, cell), p(value, cell), p(unit, cell)]
             for k, (text, uom, value, unit) in enumerate(TARGETS, 1)]
    grid = [("GRID", (0, 0), (-1, -1), 0.8, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    width = A4[0] - 4 * cm
    story += [Table(rows, colWidths=[width * s for s in (0.08, 0.44, 0.12, 0.16, 0.20)], style=TableStyle(grid)),
              Spacer(1, 8), p("III. NHIỆM VỤ, GIẢI PHÁP", bold)]
    if not scan_layout:
        story += [p(PURPOSE)] * 4   # push the task table down so its rows run onto the next page
    rows = [[p(t, head) for t in TASK_HEADER]]
    spans = []
    number = 0
    for g, (group, tasks) in enumerate(GROUPS):
        rows.append([p(_ROMAN[g], head), p(group, head), "", "", "", ""])
        spans.append(("SPAN", (1, len(rows) - 1), (-1, len(rows) - 1)))
        for task in tasks:
            number += 1
            rows.append([p(str(number), cell), p(task.text, cell), p(task.lead, cell), p(task.coop, cell),
                         p(task.deadline, cell), p(task.product, cell)])
    shares = (0.07, 0.33, 0.16, 0.16, 0.13, 0.15)
    story += [Table(rows, colWidths=[width * s for s in shares], repeatRows=1, splitInRow=0 if scan_layout else 1,
                    style=TableStyle(grid + spans)), Spacer(1, 8)]
    story.append(p("IV. TỔ CHỨC THỰC HIỆN", bold))
    for k, (unit, items) in enumerate(DUTIES, 1):
        story.append(p(f"{k}. {unit}", bold))
        story += [p(f"{'abc'[i]}) {item}") for i, item in enumerate(items)]
    story += [p(PROSE_ASSIGNMENTS[0][0]), Spacer(1, 12), p("CHỦ TỊCH", bold), p("Nguyễn Văn An", bold)]
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm,
                            bottomMargin=2 * cm)
    doc.build(story)
    return path


def build_scan(path: Path, commune: str = "Phú Hòa", dpi: int = 300, angle: float = 0.6, seed: int = 7,
               font_size: float = 11) -> Path:
    """An image-only PDF as a scanner gives it: the text PDF rendered by pdftoppm, turned slightly,
    with speckle noise and a grey background, saved with PIL (no text layer at all)."""
    from PIL import Image, ImageFilter

    rnd = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        source = build_text_pdf(Path(tmp) / "source.pdf", commune, font_size=font_size, scan_layout=True)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(source), str(Path(tmp) / "page")],
                       check=True, capture_output=True)
        pages = []
        for png in sorted(Path(tmp).glob("page*.png")):
            image = Image.open(png).convert("L")
            image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
            pixels = image.load()
            w, h = image.size
            for _ in range(w * h // 400):   # dust
                pixels[rnd.randrange(w), rnd.randrange(h)] = rnd.randrange(0, 120)
            if png == sorted(Path(tmp).glob("page*.png"))[-1]:
                _stamp_and_sign(image, rnd)
            image = image.point(lambda v: min(v, 235))   # greyish paper
            image = image.filter(ImageFilter.GaussianBlur(0.6))
            pages.append(image)
        pages[0].save(path, save_all=True, append_images=pages[1:], resolution=dpi)
    return path


def _stamp_and_sign(image, rnd: random.Random) -> None:
    """A red seal (grey once scanned) over the signature block and a pen signature scribble."""
    from PIL import ImageDraw

    draw = ImageDraw.Draw(image)
    w, h = image.size
    cx, cy, r = int(w * 0.24), int(h * 0.88), int(w * 0.07)
    for k in range(6):
        draw.ellipse((cx - r + k, cy - r + k, cx + r - k, cy + r - k), outline=150)
    draw.ellipse((cx - r // 2, cy - r // 2, cx + r // 2, cy + r // 2), outline=160, width=3)
    x, y = int(w * 0.36), int(h * 0.90)
    points = [(x + 12 * k, y + rnd.randint(-25, 25)) for k in range(25)]
    draw.line(points, fill=60, width=4)


# ------------------------------------------------------------------------------------------ .docx

def build_docx_variant(path: Path, commune: str = "Bình Lợi") -> Path:
    """A Word plan laid out its own way: header block as a borderless two-column table; a task table
    with columns in another order (deadline before the units, cooperating before lead) whose group rows
    are merged across the columns (gridSpan) and whose lead cell is merged down over two tasks (vMerge);
    cells with several paragraphs; duties as numbered unit headings with lettered items."""
    import docx

    document = docx.Document()
    head = head_lines(commune)
    block = document.add_table(rows=3, cols=2)   # no style: no borders
    block.cell(0, 0).text, block.cell(0, 1).text = head[0], head[2]
    block.cell(1, 0).text, block.cell(1, 1).text = "", head[3]
    block.cell(2, 0).text, block.cell(2, 1).text = head[1], head[4]
    document.add_paragraph(head[5])
    document.add_paragraph(head[6])
    document.add_paragraph("I. MỤC ĐÍCH, YÊU CẦU")
    document.add_paragraph(PURPOSE)
    document.add_paragraph("II. CHỈ TIÊU")
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("TT", "Tên chỉ tiêu", "Chỉ tiêu năm 2026", "Đơn vị tính",
                                                "Đơn vị theo dõi")):
        cell.text = text
    for k, (text, uom, value, unit) in enumerate(TARGETS, 1):
        cells = table.add_row().cells
        for cell, value_text in zip(cells, (str(k), text, value, uom, unit)):
            cell.text = value_text
    document.add_paragraph("III. NHIỆM VỤ CỤ THỂ")
    header = ("Số TT", "Thời hạn", "Nội dung công việc", "Đơn vị phối hợp", "Đơn vị chủ trì", "Sản phẩm")
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    number = 0
    merge_down: list[tuple[int, int]] = []
    for g, (group, tasks) in enumerate(GROUPS):
        cells = table.add_row().cells
        cells[0].text = _ROMAN[g]
        cells[1].merge(cells[-1]).text = group
        for k, task in enumerate(tasks):
            number += 1
            cells = table.add_row().cells
            cells[0].text, cells[1].text = str(number), task.deadline
            first, _, rest = task.text.partition(",")
            cells[2].text = first + ("," if rest else "")
            if rest:
                cells[2].add_paragraph(rest.strip())   # a cell with two paragraphs
            cells[3].text = task.coop
            cells[5].text = task.product
            previous = tasks[k - 1] if k else None
            if previous is not None and previous.lead == task.lead:
                merge_down.append((len(table.rows) - 2, len(table.rows) - 1))
            else:
                cells[4].text = task.lead
    for top, bottom in merge_down:
        table.cell(top, 4).merge(table.cell(bottom, 4))
    document.add_paragraph("IV. TỔ CHỨC THỰC HIỆN")
    for k, (unit, items) in enumerate(DUTIES, 1):
        document.add_paragraph(f"{k}. {unit}")
        for i, item in enumerate(items):
            document.add_paragraph(f"{'abc'[i]}) {item}")
    document.add_paragraph(PROSE_ASSIGNMENTS[1][0])
    document.add_paragraph("CHỦ TỊCH")
    document.add_paragraph("Nguyễn Văn An")
    document.save(path)
    return path


# ------------------------------------------------------------------------------- appendix over pages

_ACTIONS = ("Rà soát, cập nhật", "Xây dựng và vận hành", "Tổ chức tập huấn về", "Triển khai thí điểm",
            "Đánh giá, nhân rộng", "Hướng dẫn các ấp thực hiện", "Nâng cấp, bảo trì")
_OBJECTS = ("hệ thống camera an ninh kết nối trung tâm điều hành của xã",
            "sổ tay điện tử hướng dẫn thủ tục đất đai cho người dân",
            "mô hình chợ bốn không dùng tiền mặt tại chợ trung tâm")
_UNITS = ("Phòng Kinh tế", "Công an xã", "Văn phòng HĐND và UBND xã", "Phòng Văn hóa - Xã hội",
          "Trung tâm Phục vụ hành chính công", "Đoàn Thanh niên xã", "Hội Nông dân xã")
_DEADLINES = ("Quý I/2027", "Năm 2027", "Thường xuyên", "Tháng 9/2027", "2027 - 2028")
APPENDIX_GROUPS: tuple[tuple[str, tuple[TaskRow, ...]], ...] = tuple(
    (group, tuple(
        TaskRow(f"{_ACTIONS[k]} {_OBJECTS[g]}, bảo đảm đúng tiến độ và báo cáo kết quả về Ủy ban nhân dân xã",
                _UNITS[(g + k) % len(_UNITS)], f"{_UNITS[(g + k + 3) % len(_UNITS)]}; Ban nhân dân các ấp",
                _DEADLINES[(g * 2 + k) % len(_DEADLINES)], "")
        for k in range(len(_ACTIONS))))
    for g, group in enumerate(("An ninh, trật tự", "Cải cách hành chính", "Kinh tế số")))
APPENDIX_TASKS: tuple[TaskRow, ...] = tuple(task for _, tasks in APPENDIX_GROUPS for task in tasks)
APPENDIX_HEADER = {"code": "STT", "text": "Nội dung nhiệm vụ", "lead": "Đơn vị chủ trì",
                   "coop": "Đơn vị phối hợp", "deadline": "Thời gian thực hiện"}


def build_appendix_pdf(path: Path, commune: str, columns: tuple[str, ...], code_header: str = "STT") -> Path:
    """A text PDF as md-to-PDF tools and Word export it: thin 0.5 pt grid, 9-pt cells wrapped over several
    lines, the columns in the given order (names of APPENDIX_HEADER), group rows spanning from the task
    column to the right edge, the header row (row numbers headed code_header) repeated on the next page,
    21 tasks over two pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    _register_fonts()
    body = ParagraphStyle("body", fontName="DejaVuSans", fontSize=11, leading=14, spaceAfter=4)
    cell = ParagraphStyle("cell", fontName="DejaVuSans", fontSize=9, leading=11)
    head = ParagraphStyle("head", parent=cell, fontName="DejaVuSans-Bold")
    story = [Paragraph(escape(line), body) for line in head_lines(commune)]
    story += [Paragraph("I. MỤC ĐÍCH, YÊU CẦU", body), Paragraph(escape(PURPOSE), body),
              Paragraph("II. NHIỆM VỤ CỤ THỂ", body)]
    rows = [[Paragraph(code_header if c == "code" else APPENDIX_HEADER[c], head) for c in columns]]
    spans = []
    text_col = columns.index("text")
    for g, (group, tasks) in enumerate(APPENDIX_GROUPS):
        row = ["" for _ in columns]
        row[columns.index("code")] = Paragraph(_ROMAN[g], head)
        row[text_col] = Paragraph(escape(group), head)
        rows.append(row)
        spans.append(("SPAN", (text_col, len(rows) - 1), (len(columns) - 1, len(rows) - 1)))
        for k, task in enumerate(tasks, 1):
            values = {"code": str(k), "text": task.text, "lead": task.lead, "coop": task.coop,
                      "deadline": task.deadline}
            rows.append([Paragraph(escape(values[c]), cell) for c in columns])
    shares = {"code": 1.1, "text": 6.6, "lead": 3.3, "coop": 3.6, "deadline": 2.4}
    style = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP")] + spans)
    story.append(Table(rows, colWidths=[shares[c] * cm for c in columns], repeatRows=1, style=style))
    story.append(Paragraph("III. TỔ CHỨC THỰC HIỆN", body))
    story.append(Paragraph(escape(DUTIES[0][1][0]), body))
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=1.5 * cm, rightMargin=1.5 * cm, topMargin=1.5 * cm,
                      bottomMargin=1.5 * cm).build(story)
    return path


def rasterize(source: Path, path: Path, dpi: int = 200) -> Path:
    """An image-only copy of a PDF, page by page (what a plain office scanner gives), no noise."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(source), str(Path(tmp) / "page")],
                       check=True, capture_output=True)
        pages = [Image.open(png).convert("L") for png in sorted(Path(tmp).glob("page*.png"))]
        pages[0].save(path, save_all=True, append_images=pages[1:], resolution=dpi)
    return path
