"""Exports of one unit's tasks, targets and duties: rows, xlsx, csv, ics, and `run_bot.py export`."""
from __future__ import annotations

import csv
import io
import shutil
from datetime import date, datetime, timezone
from pathlib import Path

import openpyxl

import run_bot
from answers.export import HEADERS, export_rows, ics_fold, to_csv, to_ics, to_xlsx
from tests.fakes_assistant import PARSED

ROOT = Path(__file__).resolve().parent.parent
STAMP = datetime(2026, 3, 1, 8, 30, tzinfo=timezone.utc)


def parse_ics(data: bytes) -> list[dict[str, str]]:
    """A small RFC 5545 reader: checks CRLF and 75-octet lines, unfolds, unescapes; one dict per VEVENT."""
    assert data.endswith(b"\r\n")
    physical = data[:-2].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in physical)
    assert all(len(line) <= 75 for line in physical), max(physical, key=len)
    texts = [line.decode("utf-8") for line in physical]     # a fold never splits a character
    logical: list[str] = []
    for line in texts:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    assert logical[0] == "BEGIN:VCALENDAR" and logical[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in logical and any(x.startswith("PRODID:") for x in logical)
    events, current = [], None
    for line in logical:
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            value = (value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")
                     .replace("\\\\", "\\"))
            current[name] = value
    return events


def test_rows_carry_role_deadline_and_lines_whatever_the_spelling():
    result = export_rows([PARSED], "phòng vh-xh")
    assert result.ok and result.unit == "Phòng Văn hóa - Xã hội"
    got = [(r.kind, r.code, r.role, r.deadline_end, r.where) for r in result.rows]
    assert got == [
        ("task", "I.1", "chủ trì", date(2026, 6, 30), "dòng 240–241"),
        ("task", "I.2", "phối hợp", None, "dòng 242–243"),
        ("target", "5", "theo dõi", date(2026, 12, 31), "dòng 257–259"),
        ("duty", "", "thực hiện", None, "dòng 131–133"),
    ]
    first = result.rows[0]
    assert first.plan == "Kế hoạch xã Nha Bích" and first.file == "xa-nha-bich-2026.txt"
    assert first.deadline_text == "Quý II/2026" and first.product == "Kho dữ liệu số — 100% hồ sơ"
    assert first.content == "Số hóa dữ liệu: Số hóa hồ sơ văn hóa, thể thao"
    assert result.rows[2].product == "≥ 95%"
    # the same unit written out in full, with another dash, gives the same rows
    assert export_rows([PARSED], "Phòng Văn hóa – Xã hội").rows == result.rows
    # a fragment that names exactly one unit stands for it
    assert export_rows([PARSED], "phong van hoa").rows == result.rows


def test_unknown_unit_or_plan_gives_a_vietnamese_message_and_no_rows():
    result = export_rows([PARSED], "Phòng Tư pháp")
    assert not result.ok and not result.rows
    assert "Không tìm thấy đơn vị «Phòng Tư pháp»" in result.message
    assert "Có phải bạn muốn" in result.message and result.suggestions
    assert set(result.suggestions) <= {"Phòng Văn hóa - Xã hội", "Trung tâm Phục vụ hành chính công", "Công an xã"}
    assert export_rows([PARSED], "Trung tâm hành chính").suggestions[0] == "Trung tâm Phục vụ hành chính công"
    assert export_rows([PARSED], "Trung tâm PVHC").unit == "Trung tâm Phục vụ hành chính công"   # one-letter typo
    missing_plan = export_rows([PARSED], "Công an xã", plan="Hàng Gòn")
    assert not missing_plan.ok and "Không có kế hoạch «Hàng Gòn»" in missing_plan.message
    assert "xa-nha-bich-2026" in missing_plan.message
    assert export_rows([PARSED], "Công an xã", plan="Nha Bích").ok
    assert export_rows([PARSED], "  ").message.startswith("Hãy nêu tên đơn vị")


def test_xlsx_has_frozen_header_widths_filter_and_real_dates():
    result = export_rows([PARSED], "Trung tâm PVHCC")
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(result)))
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    assert [(r[1], r[4]) for r in rows[1:]] == [("I.1", "phối hợp"), ("I.2", "chủ trì")]
    assert rows[1][6] == datetime(2026, 6, 30) and ws["G2"].is_date
    assert ws["G2"].number_format == "DD/MM/YYYY"
    assert rows[2][6] is None and rows[2][5] == "Thường xuyên"
    assert rows[1][9] == "dòng 240–241" and rows[1][8] == "xa-nha-bich-2026.txt"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:J3"
    assert ws.column_dimensions["D"].width > ws.column_dimensions["B"].width
    assert ws["A1"].font.bold


def test_csv_is_utf8_with_bom_for_excel():
    data = to_csv(export_rows([PARSED], "Công an xã"))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(HEADERS)
    assert [r[1] for r in rows[1:]] == ["I.2", "I.3"]
    assert rows[2][3] == "Số hóa dữ liệu: Rà soát thủ tục; báo cáo, tổng hợp" and rows[2][6] == "2026-03-15"


def test_ics_one_all_day_event_per_dated_deadline():
    result = export_rows([PARSED], "Công an xã")
    events = parse_ics(to_ics(result, STAMP))
    [event] = events                                   # I.2 is "Thường xuyên": no date, no event
    assert event["DTSTART;VALUE=DATE"] == "20260315" and event["DTEND;VALUE=DATE"] == "20260316"
    assert event["DTSTAMP"] == "20260301T083000Z" and event["UID"].endswith("@kh57")
    assert event["SUMMARY"] == "[I.3] Số hóa dữ liệu: Rà soát thủ tục; báo cáo, tổng hợp"   # ; and , escaped
    assert "Kế hoạch xã Nha Bích" in event["DESCRIPTION"]
    assert "Nguồn: xa-nha-bich-2026.txt, dòng 244–245" in event["DESCRIPTION"]
    assert "Thời hạn: Trước ngày 15/3/2026" in event["DESCRIPTION"]

    vhxh = parse_ics(to_ics(export_rows([PARSED], "Phòng VH-XH"), STAMP))
    assert [e["DTSTART;VALUE=DATE"] for e in vhxh] == ["20260630", "20261231"]
    assert len({e["UID"] for e in vhxh}) == 2
    # the same export twice gives the same UIDs, so a calendar updates events instead of duplicating them
    assert [e["UID"] for e in parse_ics(to_ics(export_rows([PARSED], "Phòng VH-XH")))] == [e["UID"] for e in vhxh]


def test_ics_folding_counts_octets_not_characters():
    line = "DESCRIPTION:" + "Ủy ban nhân dân xã " * 12
    folded = ics_fold(line).encode("utf-8").split(b"\r\n")
    assert len(folded) > 2 and all(len(x) <= 75 for x in folded)
    assert all(x.startswith(b" ") for x in folded[1:])
    assert "".join(x.decode("utf-8")[1:] if i else x.decode("utf-8") for i, x in enumerate(folded)) == line


def test_run_bot_export_writes_the_file_or_explains(tmp_path, capsys):
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(ROOT / "corpus" / "plans" / "xa-nha-bich-2026.txt", plans)
    common = ["--plans", str(plans), "--data", str(tmp_path / "data")]
    out = tmp_path / "cong-an.xlsx"
    assert run_bot.main(["export", "--unit", "Công an xã", "--out", str(out), *common]) == 0
    ws = openpyxl.load_workbook(out).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows and all(r[0] == "Kế hoạch xã Nha Bích" for r in rows)
    assert any("Đề án 06" in r[3] and r[4] == "thực hiện" for r in rows)
    assert all(r[9].startswith("dòng ") for r in rows)
    assert "Đã ghi" in capsys.readouterr().out

    ics = tmp_path / "han.ics"
    assert run_bot.main(["export", "--unit", "Phòng VH-XH", "--format", "ics", "--out", str(ics), *common]) == 0
    events = parse_ics(ics.read_bytes())
    assert events and all(len(e["DTSTART;VALUE=DATE"]) == 8 for e in events)

    missing = tmp_path / "khong.xlsx"
    assert run_bot.main(["export", "--unit", "Phòng Tư pháp", "--out", str(missing), *common]) == 1
    err = capsys.readouterr().err
    assert "Không tìm thấy đơn vị «Phòng Tư pháp»" in err and "Có phải bạn muốn" in err
    assert not missing.exists()
