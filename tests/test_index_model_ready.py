"""A chat started while `fetch-model` is at work opens on keywords and switches once the export is verified."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from index.embedding import HashEmbedder
from index.model import export_pending, when_export_ready
from index.model.cli import main as fetch_main
from index.model.cli import status
from index.model.files import MANIFEST, MODEL_FILE, fetch_running, onnx_dir_for, pending_mark

ROOT = Path(__file__).resolve().parent.parent


def _mark(model_dir: Path, pid: int) -> None:
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    pending_mark(model_dir).write_text(str(pid), encoding="ascii")


def _verified_export(model_dir: Path) -> None:
    """What build_onnx leaves once the probe check passed: the files and a manifest listing their sizes."""
    folder = onnx_dir_for(model_dir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MODEL_FILE).write_bytes(b"\0" * 64)
    manifest = {"verified": True, "variant": "int8", "files": {MODEL_FILE: {"size": 64, "sha256": ""}}}
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_pending_while_the_fetching_process_lives_and_no_export_is_verified(tmp_path):
    model = tmp_path / "models" / "m"
    assert not export_pending(model) and status(model) == "missing"
    _mark(model, os.getpid())
    assert fetch_running(model) and export_pending(model) and status(model) == "running"
    _mark(model, _dead_pid())                       # a mark left by a process that died is no fetch
    assert not fetch_running(model) and not export_pending(model) and status(model) == "missing"
    _mark(model, os.getpid())
    _verified_export(model)
    assert not export_pending(model)
    assert status(model) == "running"               # an export without its model folder is not ready
    (model).mkdir()
    (model / "modules.json").write_text("[]")
    assert status(model) == "ready"


def test_waits_for_the_verified_export_then_hands_over_once(tmp_path):
    model = tmp_path / "models" / "m"
    _mark(model, os.getpid())
    got, loaded = [], threading.Event()
    embedder = HashEmbedder(dim=16)
    thread = when_export_ready(model, lambda e: (got.append(e), loaded.set()), load=lambda: embedder,
                               poll_seconds=0.01)
    assert not loaded.wait(0.2) and got == []      # the export is not there yet
    _verified_export(model)
    thread.join(5)
    assert got == [embedder] and not thread.is_alive()


def test_a_fetch_that_ends_without_an_export_hands_over_what_load_gives(tmp_path):
    model = tmp_path / "models" / "m"
    _mark(model, os.getpid())
    got = []

    def broken():
        raise RuntimeError("no model")
    thread = when_export_ready(model, got.append, load=broken, poll_seconds=0.01)
    pending_mark(model).unlink()                    # the process ended (refused export, failed download)
    thread.join(5)
    assert got == [None] and not thread.is_alive()


def test_a_second_fetch_model_leaves_the_running_one_alone(tmp_path, capsys, monkeypatch):
    model = tmp_path / "models" / "m"
    _mark(model, os.getpid())
    import index.model.cli as cli
    monkeypatch.setattr(cli, "fetch_model", lambda *a, **k: (_ for _ in ()).throw(AssertionError("fetched")))
    assert fetch_main([str(model)]) == 0
    assert "tiến trình khác" in capsys.readouterr().err
    assert fetch_main([str(model), "--status"]) == 0 and capsys.readouterr().out.strip() == "running"


def test_the_chat_opens_on_keywords_and_switches_when_the_export_is_ready(tmp_path, monkeypatch, capsys):
    import run_bot
    plans = tmp_path / "plans"
    shutil.copytree(ROOT / "corpus" / "plans", plans)
    model = tmp_path / "models" / "m"
    _mark(model, os.getpid())
    monkeypatch.setenv("K57_EMBED_MODEL", str(model))
    monkeypatch.setenv("K57_VECTOR_CACHE", str(tmp_path / "vectors.sqlite"))
    ready, switched = threading.Event(), []
    monkeypatch.setattr(run_bot, "_load_embedder", lambda spec, **kw: switched.append(spec) or HashEmbedder(dim=32))
    import index.model as model_pkg                 # run_bot imports it from there when it wires the chat
    real = model_pkg.when_export_ready

    def quick(*args, **kwargs):
        def on_ready(embedder, _cb=args[1]):
            _cb(embedder)
            ready.set()
        return real(args[0], on_ready, load=kwargs["load"], poll_seconds=0.01)
    monkeypatch.setattr(model_pkg, "when_export_ready", quick)
    args = type("Args", (), {"plans": str(plans), "data": str(tmp_path / "data"), "no_model": False})()
    assistant = run_bot._assistant(args, follow_export=True)
    assert assistant.library.embedder is None and not assistant.index_info().dense
    assert "đang được chuẩn bị ở nền" in capsys.readouterr().err
    answer = assistant.ask("Ai chủ trì triển khai Đề án 06 ở xã Nha Bích?")
    assert "Công an xã" in answer.text            # keywords answer meanwhile
    assert not ready.wait(0.3) and switched == []
    _verified_export(model)
    assert ready.wait(60)
    assert switched == [str(model)] and assistant.index_info().dense
    err = capsys.readouterr().err
    assert err.count("Mô hình nhúng đã sẵn sàng") == 1
    assert assistant.ask("Ai chủ trì triển khai Đề án 06 ở xã Nha Bích?").kind != "error"
