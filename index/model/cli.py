"""`run_bot.py fetch-model` (= `python -m index.model`): fetch and verify the model, then make its ONNX export.

`python -m index.model export MODEL_DIR [--variant int8|fp32] [--out DIR] [--force]` runs the export alone.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from index.model.fetch import DEFAULT_DEST, FetchError, fetch_model, load_pins
from index.model.files import (export_fits_this_cpu, fetch_running, onnx_dir_for, pending_mark,
                               read_manifest)


def status(model_dir: Path) -> str:
    """'ready' (a verified export for this CPU beside a model folder), 'running' (a fetch-model process is
    at work on it) or 'missing'."""
    manifest = read_manifest(onnx_dir_for(model_dir))
    if (model_dir / "modules.json").is_file() and manifest is not None and export_fits_this_cpu(manifest):
        return "ready"
    return "running" if fetch_running(model_dir) else "missing"


@contextmanager
def _marked(model_dir: Path) -> Iterator[None]:
    """Holds the pending mark (this process's id) while the fetch and export run."""
    mark = pending_mark(model_dir)
    mark.parent.mkdir(parents=True, exist_ok=True)
    tmp = mark.with_name(mark.name + f".{os.getpid()}")
    tmp.write_text(str(os.getpid()), encoding="ascii")
    tmp.replace(mark)
    try:
        yield
    finally:
        try:
            if mark.read_text(encoding="ascii").strip() == str(os.getpid()):
                mark.unlink()
        except OSError:
            pass


def _steps_to_terminal(log_path: Path) -> Callable[[str], None]:
    """Sends everything the libraries write (warnings, the exporter's own lines, C++ logs) to log_path and
    returns a progress function that prints to the terminal as well as to the log."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    terminal = os.fdopen(os.dup(2), "w", buffering=1, encoding="utf-8")
    log = open(log_path, "a", buffering=1, encoding="utf-8")
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)

    def progress(msg: str) -> None:
        print(f"    {msg}", file=terminal)
        print(msg, file=sys.stderr, flush=True)
    return progress


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="fetch-model",
        description="Tải và kiểm tra mô hình EmbeddingGemma-300m, rồi xuất ONNX. / Fetch and verify "
                    "EmbeddingGemma-300m, then export it to ONNX.")
    parser.add_argument("dest", nargs="?", type=Path, default=DEFAULT_DEST)
    parser.add_argument("--no-onnx", action="store_true",
                        help="không xuất bản ONNX / skip the ONNX export (torch only)")
    parser.add_argument("--status", action="store_true",
                        help="chỉ in ready | running | missing / only print the model's state")
    parser.add_argument("--log", type=Path,
                        help="ghi mọi cảnh báo của thư viện vào tệp này, chỉ in các bước / library output to "
                             "this file, only the steps to the terminal")
    args = parser.parse_args(argv)
    dest = Path(args.dest)
    if args.status:
        print(status(dest))
        return 0
    if fetch_running(dest):
        print(f"Mô hình đang được tải/xuất bởi một tiến trình khác ({pending_mark(dest)}). / Another fetch-model "
              f"is at work on {dest}.", file=sys.stderr)
        return 0
    progress = _steps_to_terminal(args.log) if args.log else (lambda msg: print(msg, file=sys.stderr))
    # Stopped (kill, the machine shutting down): unwind, so the half-made folders and the mark are removed.
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        return _fetch_and_export(dest, not args.no_onnx, progress)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _fetch_and_export(dest: Path, export: bool, progress: Callable[[str], None]) -> int:
    pins = load_pins()
    progress(f"Giấy phép / License: {pins.license}")
    with _marked(dest):
        try:
            path = fetch_model(dest, pins=pins, progress=progress)
        except FetchError as exc:
            progress(f"Lỗi / Error: {exc}")
            return 1
        print(path)
        if export:
            export_onnx(path, progress)
    return 0


def export_onnx(model_dir: Path, progress: Callable[[str], None]) -> bool:
    """Make the verified ONNX export beside the model once; a refusal only means torch stays in use."""
    try:
        import onnxruntime  # noqa: F401
        import onnxscript  # noqa: F401

        from index.model.export import ExportError, build_onnx
    except ImportError as exc:
        progress(f"Bỏ qua bản ONNX (thiếu thư viện {exc.name}); dùng torch. / ONNX export skipped: {exc}.")
        return False
    try:
        manifest = build_onnx(model_dir, progress=progress)
    except ExportError as exc:
        progress(f"Cảnh báo / Warning: {exc}")
        return False
    progress(f"ONNX {manifest['variant']}: cosine với torch thấp nhất {manifest['cosine_min']:.4f}")
    return True


def export_main(argv: list[str] | None = None) -> int:
    from index.model.export import VARIANTS, ExportError, build_onnx
    parser = argparse.ArgumentParser(prog="python -m index.model export",
                                     description="Xuất mô hình nhúng sang ONNX và kiểm tra. / Export the "
                                                 "embedding model to ONNX and verify it against torch.")
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("--out", type=Path, help="default: <model_dir>-onnx beside the model")
    parser.add_argument("--variant", choices=VARIANTS, action="append", help="default: int8, then fp32")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    try:
        manifest = build_onnx(args.model_dir, args.out, variants=tuple(args.variant or VARIANTS), force=args.force,
                              progress=lambda msg: print(msg, file=sys.stderr))
    except ExportError as exc:
        print(f"Lỗi / Error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps({k: manifest[k] for k in ("variant", "cosine_min", "cosine_mean")}))
    return 0
