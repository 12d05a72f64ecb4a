"""The SQLite store: ingest, refresh by content hash, atomic swap, and bad input files."""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import corpus.store as store_mod
from corpus.store import STORE_NAME, ingest, load_plans, load_units

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "corpus" / "plans"


@pytest.fixture
def plans_dir(tmp_path):
    d = tmp_path / "plans"
    d.mkdir()
    for name in ("xa-nha-bich-2026.txt", "xa-phuoc-an-2026.txt"):
        shutil.copy(PLANS / name, d / name)
    return d


def test_ingest_builds_tables_with_fts_and_units(plans_dir, tmp_path):
    res = ingest(plans_dir, tmp_path / "data")
    assert res.changed and res.ok_count == 2
    db = sqlite3.connect(res.store_path)
    tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}
    assert {"plans", "sections", "passages", "tasks", "targets", "duties", "units", "unit_aliases",
            "task_units", "target_units", "passages_fts"} <= tables
    # folded full-text search: no tone marks, đ -> d
    hits = db.execute("select count(*) from passages_fts where passages_fts match ?", ['"de an 06"']).fetchone()[0]
    assert hits >= 1
    # "Công an xã" of two plans are two units; VH-XH spellings of one plan are one unit
    units = load_units(res.store_path)
    assert sum(1 for plan, name, _ in units if name == "Công an xã") == 2
    pa = [aliases for plan, name, aliases in units if plan == "xa-phuoc-an-2026" and "VHXH" in " ".join(aliases)]
    assert len(pa) == 1 and {"Phòng VHXH", "Phòng VHXXH"} <= set(pa[0])
    lead = db.execute("select count(*) from task_units tu join units u on u.id = tu.unit_id "
                      "where u.canonical = 'Công an xã' and tu.role = 'lead'").fetchone()[0]
    assert lead == 1
    assert db.execute("pragma foreign_key_check").fetchall() == []


def test_unchanged_files_do_nothing_changed_and_removed_update(plans_dir, tmp_path):
    data = tmp_path / "data"
    ingest(plans_dir, data)
    mtime = (data / STORE_NAME).stat().st_mtime_ns
    again = ingest(plans_dir, data)
    assert not again.changed and (data / STORE_NAME).stat().st_mtime_ns == mtime
    (plans_dir / "xa-phuoc-an-2026.txt").unlink()
    res = ingest(plans_dir, data)
    assert res.changed and [p.plan.slug for p in load_plans(res.store_path)] == ["xa-nha-bich-2026"]
    f = plans_dir / "xa-nha-bich-2026.txt"
    f.write_text(f.read_text(encoding="utf-8").replace("Quý I/2026", "Quý III/2026"), encoding="utf-8")
    res = ingest(plans_dir, data)
    tasks = {t.code: t for t in load_plans(res.store_path)[0].tasks}
    assert tasks["IV.4"].deadline.text == "Quý III/2026"


def test_failed_build_keeps_the_old_store(plans_dir, tmp_path, monkeypatch):
    data = tmp_path / "data"
    ingest(plans_dir, data)
    (plans_dir / "xa-phuoc-an-2026.txt").unlink()

    def boom(*a, **k):
        raise RuntimeError("disk full")
    monkeypatch.setattr(store_mod, "write_store", boom)
    with pytest.raises(RuntimeError):
        ingest(plans_dir, data)
    assert len(load_plans(data / STORE_NAME)) == 2       # old store still serving


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "rỗng"),
    ("blob.txt", bytes(range(256)) * 20, "nhị phân"),
    ("notes.txt", "Danh sách đi chợ: rau, thịt, cá.\n".encode("utf-8"), "không nhận ra"),
    ("image.png", b"\x89PNG\r\n\x1a\n", "không hỗ trợ"),
])
def test_bad_files_are_reported_and_skipped(plans_dir, tmp_path, name, content, reason):
    (plans_dir / name).write_bytes(content)
    res = ingest(plans_dir, tmp_path / "data")
    bad = [r for r in res.reports if r.file == name]
    if name.endswith(".png"):
        assert not bad   # not a plan file type: not even listed
    else:
        assert len(bad) == 1 and not bad[0].ok and name in bad[0].message and reason in bad[0].message
    assert res.ok_count == 2


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1258"])
def test_other_encodings_are_read(plans_dir, tmp_path, encoding):
    text = (PLANS / "xa-nha-bich-2026.txt").read_text(encoding="utf-8")
    if encoding == "cp1258":
        data = _to_cp1258(text)
    else:
        data = text.encode(encoding)
    (plans_dir / "xa-nha-bich-2026.txt").unlink()
    (plans_dir / "xa-nha-bich-copy.txt").write_bytes(data)
    res = ingest(plans_dir, tmp_path / "data")
    rep = next(r for r in res.reports if r.file == "xa-nha-bich-copy.txt")
    assert rep.ok and rep.locality == "Nha Bích" and rep.tasks == 15 and rep.targets == 32


def _to_cp1258(text: str) -> bytes:
    """cp1258 as Windows writes Vietnamese: â/ê/ô/ă/ơ/ư precomposed, tone marks as combining characters."""
    import unicodedata
    out = []
    for ch in text:
        d = unicodedata.normalize("NFD", ch)
        shape = "".join(m for m in d[1:] if m in "\u0302\u0306\u031b")
        tone = "".join(m for m in d[1:] if m not in "\u0302\u0306\u031b")
        out.append(unicodedata.normalize("NFC", d[0] + shape) + tone)
    return "".join(out).encode("cp1258", errors="replace")


def _run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "run_bot.py", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={"K57_EMBED_MODEL": "none", "PATH": "/usr/bin:/bin"})


def test_cli_index_and_plans(plans_dir, tmp_path):
    (plans_dir / "empty.txt").write_bytes(b"")
    data = tmp_path / "data"
    r = _run("index", "--plans", str(plans_dir), "--data", str(data))
    assert r.returncode == 0, r.stderr
    assert "Nha Bích — 15 nhiệm vụ, 32 chỉ tiêu" in r.stdout and "bỏ qua empty.txt: tệp rỗng" in r.stdout
    r = _run("plans", "--json", "--data", str(data))
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert {row["locality"]: (row["tasks"], row["targets"]) for row in rows} == {
        "Nha Bích": (15, 32), "Phước An": (0, 40)}
    assert all(row["passages"] > 0 and row["file"] for row in rows)


def test_cli_index_fails_only_when_nothing_ingested(tmp_path):
    d = tmp_path / "plans"
    d.mkdir()
    (d / "a.txt").write_bytes(b"")
    r = _run("index", "--plans", str(d), "--data", str(tmp_path / "data"))
    assert r.returncode != 0 and "a.txt" in r.stdout + r.stderr and "Traceback" not in r.stderr
