"""Pure pieces of the bot layer: rendering, splitting, token masking, reminder stages, state."""
from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta

from answers.types import Answer, IngestReport
from bot.log_filter import TokenMaskFilter, install_token_filter
from bot.reminders import TZ, seconds_until_next_run, stage_for
from bot.render import HTML, PLAIN, render_answer, render_ingest_report, split_message
from bot.state import BotState
from bot.telegram_bot import safe_filename
from tests.fakes_assistant import PLANS, source_for


def test_split_keeps_lines_whole_and_respects_the_limit():
    lines = [f"dòng {i} " + "x" * (i % 50) for i in range(400)]
    text = "\n".join(lines)
    chunks = split_message(text, 1000)
    assert len(chunks) > 1 and all(len(c) <= 1000 for c in chunks)
    assert "\n".join(chunks).split("\n") == lines


def test_split_never_cuts_an_html_entity():
    text = "&amp;" * 3000 + " kết thúc"
    chunks = split_message(text, 4096)
    assert all(len(c) <= 4096 for c in chunks)
    for chunk in chunks:
        assert re.fullmatch(r"(&amp;)*( kết thúc)?", chunk.strip()), chunk[-20:]
    assert "".join(chunks).count("&amp;") == 3000


def test_answer_rendering_escapes_and_limits_citations():
    sources = tuple(source_for("q", PLANS[i % 2], (i, i + 1)) for i in range(5))
    answer = Answer(question="q", kind="owner", text="Phòng <VH-XH> & UBND", sources=sources)
    html = render_answer(answer, HTML)
    assert "Phòng &lt;VH-XH&gt; &amp; UBND" in html
    assert html.count("<i>") == 3 and "và 2 nguồn khác" in html
    plain = render_answer(answer, PLAIN)
    assert "Phòng <VH-XH> & UBND" in plain and "<i>" not in plain
    single = render_answer(Answer("q", "owner", "x", (sources[1],)), PLAIN)
    assert "dòng 1–2" in single


def test_failed_ingest_report_gives_the_reason():
    text = render_ingest_report(IngestReport(plan=None, file="a<b>.pdf", ok=False,
                                             message="Không đọc được bảng"), HTML)
    assert "a&lt;b&gt;.pdf" in text and "Không đọc được bảng" in text and "❌" in text


def test_token_filter_masks_args_and_tracebacks():
    token = "123456789:AAFakeTokenForTests_abcdefghijklmnop"
    flt = TokenMaskFilter([token])
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, 'HTTP Request: %s %s',
                               ("POST", f"https://api.telegram.org/bot{token}/getMe"), None)
    assert flt.filter(record)
    assert record.getMessage() == "HTTP Request: POST https://api.telegram.org/bot<TOKEN>/getMe"
    try:
        raise RuntimeError(f"failed on /bot{token}/x")
    except RuntimeError:
        import sys
        record = logging.LogRecord("telegram", logging.ERROR, __file__, 1, "boom", (), sys.exc_info())
    flt.filter(record)
    assert token not in record.exc_text and "<TOKEN>" in record.exc_text
    # run_bot.py passes the tokens as one list
    listed = install_token_filter(["", token])
    assert listed.tokens == (token,)
    # tokens of the same shape that were never registered are masked too
    other = TokenMaskFilter([])
    assert other.mask("url /bot42424242:ABCdefGHIjklMNOpqrSTU/getMe") == "url /bot<TOKEN>/getMe"


def test_reminder_stages_and_next_run():
    today = date(2026, 1, 10)
    stages = [stage_for(today + timedelta(days=d), today) for d in (-1, 0, 1, 2, 3, 5, 7, 8)]
    assert stages == ["overdue", "d1", "d1", "d3", "d3", "d7", "d7", None]
    assert seconds_until_next_run(datetime(2026, 1, 10, 7, 0, tzinfo=TZ)) == 30 * 60
    assert seconds_until_next_run(datetime(2026, 1, 10, 7, 30, tzinfo=TZ)) == 24 * 3600


def test_safe_filename_stays_in_the_folder():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("..\\..\\x.txt") == "x.txt"
    assert safe_filename("Kế hoạch xã Phú Lý.docx") == "Kế hoạch xã Phú Lý.docx"
    assert safe_filename("...") == ""


def test_state_round_trips_sources_and_short_keys(tmp_path):
    state = BotState(tmp_path / "s.sqlite3")
    sources = (source_for("a"), source_for("b", PLANS[1], (3, 9)))
    key = state.save_answer_sources("telegram", 5, sources)
    state.close()
    state = BotState(tmp_path / "s.sqlite3")
    assert state.answer_sources(key) == sources
    assert state.last_answer_sources("telegram", 5) == sources
    assert state.last_answer_sources("zalo", 5) is None
    long_slug = "ke-hoach-" + "rat-dai-" * 20
    short = state.short_key(long_slug)
    assert len(("plan:" + short).encode()) <= 64 and state.key_value(short) == long_slug
    assert state.mark_reminder("zalo", "c", "t", "d3", "2026-01-01")
    assert not state.mark_reminder("zalo", "c", "t", "d3", "2026-01-02")


def test_citation_already_in_the_answer_is_not_repeated():
    src = source_for("q", PLANS[0], (131, 131))
    ans = Answer("q", "owner", f"Công an xã chủ trì.\nNguồn: {src.citation()}", (src,))
    for style in (HTML, PLAIN):
        assert render_answer(ans, style).count("Nguồn:") == 1


def test_help_is_built_from_the_one_command_table():
    from bot.commands import COMMANDS, help_text
    telegram_admin = help_text(HTML, "telegram", admin=True)
    telegram = help_text(HTML, "telegram")
    zalo = help_text(PLAIN, "zalo", files=False)
    for command in COMMANDS:
        if not command.help:
            continue
        assert f"/{command.name}" in telegram_admin
        assert (f"/{command.name}" in telegram) == (not command.admin)
        assert (f"/{command.name}" in zalo) == ("zalo" in command.transports and not command.admin)
    assert "/xuat &lt;đơn vị&gt; — nhiệm vụ" in telegram and "Excel" in telegram
    assert "/xuat <đơn vị> — danh sách" in zalo and "Excel" not in zalo and "<b>" not in zalo
