"""Adding and removing a plan through the answer service (what the Telegram admin upload calls)."""
from __future__ import annotations

import shutil
from pathlib import Path

from answers.service import build_assistant
from tests.plan_fixtures import build_docx, build_pdf, build_scanned_pdf

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "corpus" / "plans"


def test_add_docx_then_pdf_then_remove(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(PLANS / "xa-phuoc-an-2026.txt", plans)
    assistant = build_assistant(plans, tmp_path / "data", embedder=None)
    assert [p.locality for p in assistant.plans()] == ["Phước An"]
    text = (PLANS / "xa-nha-bich-2026.txt").read_text(encoding="utf-8")

    upload = tmp_path / "upload"
    upload.mkdir()
    build_docx(text, upload / "nha-bich.docx")
    report = assistant.add_plan_file(upload / "nha-bich.docx")
    assert report.ok and report.tasks == 15 and report.targets == 32 and report.duties > 0
    assert (plans / "nha-bich.docx").exists()
    ans = assistant.ask("Ai chủ trì triển khai Đề án 06 ở xã Nha Bích?")
    assert "Công an xã" in ans.text and ans.sources[0].file == "nha-bich.docx"
    assert "trang" in ans.text                       # .docx/.pdf answers cite pages

    assert assistant.remove_plan(report.plan)
    assert not (plans / "nha-bich.docx").exists()
    assert assistant.ask("Ai chủ trì triển khai Đề án 06 ở xã Nha Bích?").kind == "none"

    build_pdf(text, upload / "nha-bich.pdf")
    report = assistant.add_plan_file(upload / "nha-bich.pdf")
    assert report.ok and report.tasks == 15
    ans = assistant.ask("Hạn làm sạch dữ liệu 12 CSDL trọng điểm quốc gia ở Nha Bích là khi nào?")
    assert "Quý I/2026" in ans.text and ans.sources[0].page is not None


def test_bad_uploads_change_nothing(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(PLANS / "xa-phuoc-an-2026.txt", plans)
    assistant = build_assistant(plans, tmp_path / "data", embedder=None)
    before = sorted(p.name for p in plans.iterdir())
    scanned = build_scanned_pdf(tmp_path / "scan.pdf")
    report = assistant.add_plan_file(scanned)
    assert not report.ok and "scan" in report.message
    (tmp_path / "x.exe").write_bytes(b"MZ\x00\x01")
    report = assistant.add_plan_file(tmp_path / "x.exe")
    assert not report.ok and "không hỗ trợ" in report.message
    (tmp_path / "notes.txt").write_text("Ghi chú linh tinh, không phải kế hoạch.\n", encoding="utf-8")
    assert not assistant.add_plan_file(tmp_path / "notes.txt").ok
    assert sorted(p.name for p in plans.iterdir()) == before
    assert [p.locality for p in assistant.plans()] == ["Phước An"]
