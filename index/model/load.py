"""The toolchain's one way in: a verified embedder for a model folder (ONNX export when verified, else torch)."""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Callable

from index.embedding import Embedder, HashEmbedder
from index.model.files import export_fits_this_cpu, fetch_running, onnx_dir_for, read_manifest
from index.model.onnx_embedder import SPINNING, OnnxEmbedder
from index.model.torch_embedder import SentenceTransformerEmbedder

log = logging.getLogger(__name__)

BACKENDS = ("auto", "torch", "onnx")


def load_embedder(spec: str | None, *, backend: str = "auto", onnx_dir: str | Path | None = None,
                  mem_arena: bool = False, spinning: str = "auto", **kwargs) -> Embedder | None:
    """'none'/None/'' -> None; 'hash' -> HashEmbedder; 'hf:NAME' -> hub model; else a local model folder.

    A local folder that does not exist (or lacks modules.json) gives None with a warning, so the caller
    falls back to lexical search instead of failing. For a local folder, backend 'auto' picks the
    verified ONNX export beside it (onnx_dir, default '<folder>-onnx', see index.model.export) when there
    is one, else torch; 'onnx' asks for the export (torch with a warning when there is none); 'torch'
    never uses it. spinning (ONNX only): 'auto', 'on' or 'off', see OnnxEmbedder.spin_now.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if spec is None or spec.strip().lower() in ("", "none", "off"):
        return None
    spec = spec.strip()
    if spec == "hash":
        return HashEmbedder()
    if spec.startswith("hf:"):
        return SentenceTransformerEmbedder(spec[3:], hub=True, **kwargs)
    path = Path(spec).expanduser()
    if not (path / "modules.json").is_file():
        log.warning("Không tìm thấy mô hình nhúng tại %s (embedding model folder missing); "
                    "run `run_bot.py fetch-model` to fetch it", path)
        return None
    if backend != "torch":
        folder = Path(onnx_dir) if onnx_dir else onnx_dir_for(path)
        manifest = read_manifest(folder)
        if manifest is not None and not export_fits_this_cpu(manifest):
            log.warning("Bản ONNX tại %s dùng trọng số int8 8 bit, chỉ đúng trên CPU có VNNI; CPU này không có, "
                        "nên dùng torch. Chạy lại `run_bot.py fetch-model` để xuất lại cho máy này. / The ONNX "
                        "export in %s has 8-bit int8 weights, exact only on CPUs with VNNI; this one has none: "
                        "using torch (run `run_bot.py fetch-model` to export again here).", folder, folder)
            manifest = None
        if manifest is not None:
            return OnnxEmbedder(folder, manifest=manifest, mem_arena=mem_arena, spinning=spinning,
                                **{k: v for k, v in kwargs.items() if k in ("batch_size", "progress")})
        if backend == "onnx":
            log.warning("Không có bản ONNX đã kiểm tra tại %s; dùng torch. / No verified ONNX export in %s "
                        "(run `run_bot.py fetch-model`); using torch.", folder, folder)
    return SentenceTransformerEmbedder(path, **kwargs)


def when_export_ready(model_dir: str | Path, on_ready: Callable[[Embedder | None], None], *,
                      load: Callable[[], Embedder | None], poll_seconds: float = 2.0) -> threading.Thread:
    """While a `fetch-model` process works on model_dir, waits in a daemon thread; then calls on_ready once
    with load()'s embedder (the verified export as soon as its manifest is in place, or whatever load gives
    when the process ended without one: torch, or None when the model could not be fetched)."""
    model_dir = Path(model_dir)

    def wait() -> None:
        while read_manifest(onnx_dir_for(model_dir)) is None and fetch_running(model_dir):
            time.sleep(poll_seconds)
        try:
            embedder = load()
        except Exception as exc:    # a model that does not load leaves the assistant on keywords
            log.error("embedding model unusable after fetch-model (%s: %s)", type(exc).__name__, exc)
            embedder = None
        on_ready(embedder)

    thread = threading.Thread(target=wait, name="k57-model-ready", daemon=True)
    thread.start()
    return thread


def export_pending(model_dir: str | Path) -> bool:
    """A `fetch-model` is still at work on model_dir and no verified export is there yet."""
    model_dir = Path(model_dir)
    return fetch_running(model_dir) and read_manifest(onnx_dir_for(model_dir)) is None
