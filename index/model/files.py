"""What the toolchain's steps share about files on disk: hashes, where an export lives, its manifest, the CPU."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

MANIFEST = "onnx-manifest.json"
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
_BLOCK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while block := fh.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def onnx_dir_for(model_dir: str | Path) -> Path:
    """Where the export of a model folder lives: beside it, '<name>-onnx'."""
    model_dir = Path(model_dir)
    return model_dir.parent / f"{model_dir.name}-onnx"


def read_manifest(onnx_dir: str | Path, *, check_hashes: bool = False) -> dict | None:
    """The manifest of a verified export, or None when absent, unreadable, failed, or a listed file is
    missing or changed in size (or, with check_hashes, in sha256). Sizes only by default: hashing
    hundreds of MB on every start would cost more than loading the model."""
    onnx_dir = Path(onnx_dir)
    try:
        manifest = json.loads((onnx_dir / MANIFEST).read_text(encoding="utf-8"))
        if not manifest.get("verified") or MODEL_FILE not in manifest["files"]:
            return None
        for name, meta in manifest["files"].items():
            path = onnx_dir / name
            if not path.is_file() or path.stat().st_size != meta["size"]:
                return None
            if check_hashes and sha256_file(path) != meta["sha256"]:
                return None
        return manifest
    except (OSError, ValueError, KeyError, TypeError):
        return None


def cpu_has_vnni(cpuinfo: str | Path = "/proc/cpuinfo") -> bool | None:
    """Whether this x86 CPU has VNNI (AVX512-VNNI or AVX-VNNI), read from cpuinfo's flags; None when
    unknown (no such file, or no x86 flags line)."""
    try:
        text = Path(cpuinfo).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    line = next((row for row in text.splitlines() if row.startswith("flags")), None)
    if line is None or ":" not in line:
        return None
    return bool(set(line.split(":", 1)[1].split()) & {"avx512_vnni", "avx_vnni"})


def int8_weight_bits() -> int:
    """The int8 weight range this CPU runs exactly, chosen before quantizing (one variant, not two): 8 bits
    where VNNI is known to be there, else 7 (reduce_range). Without VNNI the u8 x s8 kernel adds pairs in
    int16 and saturates with full-range weights (probe cosine 0.92 on an AVX2-only EPYC); 7 bits are exact
    everywhere, at a little more rounding (probe cosine mean 0.99829 against 0.99889 on a Xeon with VNNI)."""
    return 8 if cpu_has_vnni() else 7


def export_fits_this_cpu(manifest: dict) -> bool:
    """False for an int8 export with 8-bit weights (chosen where VNNI made them exact) on an x86 CPU
    without VNNI, where the u8 x s8 kernel saturates (probe cosine 0.92 measured on such a CPU): the export
    was made on another machine and must be made again here (build_onnx does, the embedder refuses it)."""
    return not (manifest.get("weight_bits") == 8 and cpu_has_vnni() is False)


def pending_mark(model_dir: str | Path) -> Path:
    """The file a running `fetch-model` keeps beside the model folder (its process id), so that a chat started
    meanwhile opens on keywords and switches when the export is verified, and a second run does not start."""
    model_dir = Path(model_dir)
    return model_dir.parent / f".{model_dir.name}.fetching"


def fetch_running(model_dir: str | Path) -> bool:
    """Whether a `fetch-model` process for model_dir is alive (its mark is there and its process exists)."""
    try:
        pid = int(pending_mark(model_dir).read_text(encoding="ascii").strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return True
