"""Fast tokenizer path: a tiny Gemma-style SentencePiece BPE model and its tokenizer.json, both made here."""
from __future__ import annotations

import io
import json
import logging
import shutil
from pathlib import Path

import pytest

spm = pytest.importorskip("sentencepiece", reason="sentencepiece is not installed (pyproject dependency)")

from index.model import tokenizer as ft  # noqa: E402
from index.model.tokenizer import (FAST_MANIFEST, HF_FILE, SPM_FILE, SentencePieceTokenizer,  # noqa: E402
                                   build_fast_tokenizer, load_hf_tokenizer, load_tokenizer, read_fast_manifest)

ROOT = Path(__file__).resolve().parent.parent
MAX = 32
QUERY = "task: search result | query: "
TEXTS = [line for line in (ROOT / "corpus" / "plans" / "xa-nha-bich-2026.txt").read_text(encoding="utf-8")
         .splitlines()[:250] if line.strip()]


def _train(vocab_size: int) -> bytes:
    """A BPE model set up like Gemma's: <pad>/<eos>/<bos>/<unk> = 0..3, byte fallback, no dummy prefix,
    whitespace runs and newlines as user-defined pieces."""
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(TEXTS), model_writer=buf, model_type="bpe", vocab_size=vocab_size,
        byte_fallback=True, pad_id=0, eos_id=1, bos_id=2, unk_id=3, pad_piece="<pad>", eos_piece="<eos>",
        bos_piece="<bos>",
        user_defined_symbols=["▁▁", "▁▁▁", "\n", "\n\n", "<mask>"], normalization_rule_name="identity",
        add_dummy_prefix=False, remove_extra_whitespaces=False, split_by_whitespace=False, split_digits=True,
        allow_whitespace_only_pieces=True, character_coverage=1.0, minloglevel=2)
    return buf.getvalue()


def _hf_json(model: bytes, path: Path) -> None:
    """tokenizer.json as Gemma's is built from its SentencePiece file: BPE with merges ordered by piece score,
    ' ' -> '▁', control pieces as special added tokens, user-defined ones as plain added tokens."""
    from sentencepiece import sentencepiece_model_pb2 as pb
    from tokenizers import AddedToken, Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers.convert_slow_tokenizer import generate_merges

    proto = pb.ModelProto()
    proto.ParseFromString(model)
    vocab = {p.piece: i for i, p in enumerate(proto.pieces)}
    merges = generate_merges(vocab, {p.piece: p.score for p in proto.pieces})
    tok = Tokenizer(models.BPE(vocab, merges, unk_token="<unk>", fuse_unk=True, byte_fallback=True))
    tok.normalizer = normalizers.Replace(" ", "▁")
    tok.pre_tokenizer = pre_tokenizers.Split(" ", "merged_with_previous")
    tok.add_special_tokens([AddedToken(p.piece, normalized=False, special=True) for p in proto.pieces
                            if p.type in (2, 3)])
    tok.add_tokens([AddedToken(p.piece, normalized=False) for p in proto.pieces if p.type == 4])
    tok.post_processor = processors.TemplateProcessing(single="<bos> $A <eos>",
                                                       special_tokens=[("<bos>", 2), ("<eos>", 1)])
    tok.save(str(path))


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory):
    """source/ (tokenizer.model + tokenizer.json) and other.model, a differently trained SentencePiece file."""
    base = tmp_path_factory.mktemp("spm")
    source = base / "source"
    source.mkdir()
    model = _train(600)
    (source / SPM_FILE).write_bytes(model)
    _hf_json(model, source / HF_FILE)
    (base / "other.model").write_bytes(_train(500))
    return base


@pytest.fixture
def export(models_dir, tmp_path):
    """An export folder holding only tokenizer.json, as index.model.export leaves it."""
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy2(models_dir / "source" / HF_FILE, folder / HF_FILE)
    return folder


def _build(folder: Path, source: Path, log: list | None = None):
    texts = [QUERY + t for t in TEXTS[:50]] + TEXTS
    return build_fast_tokenizer(folder, source, texts, max_length=MAX,
                                progress=(log.append if log is not None else lambda msg: None))


def test_fast_path_gives_the_same_ids(models_dir, export):
    log: list[str] = []
    manifest = _build(export, models_dir / "source", log)
    assert manifest and manifest["verified"] and manifest["checked"] > 2000
    assert (export / SPM_FILE).read_bytes() == (models_dir / "source" / SPM_FILE).read_bytes()
    assert {"<bos>", "<eos>", "<pad>", "<unk>", "▁"} <= set(manifest["guard"]) and "<mask>" not in manifest["guard"]
    assert read_fast_manifest(export) == manifest
    fast, slow = load_tokenizer(export, MAX), load_hf_tokenizer(export / HF_FILE, MAX)
    assert isinstance(fast, SentencePieceTokenizer)
    texts = [QUERY + "Ai chủ trì Đề án 06 ở xã Nha Bích?", "", "  hai  dấu\n\ncách\t", "😀 中文",
             " ".join(TEXTS),                                    # far beyond the cap: cut like HF does
             "a<eos>b", "<mask> x", "▁▁▁ x"]                      # guarded ones go to tokenizer.json
    got = fast.encode_batch(texts)
    assert [g.ids for g in got] == [e.ids for e in slow.encode_batch(texts)]
    assert len(got[4].ids) == MAX and got[4].ids[0] == 2 and got[4].ids[-1] == 1 and got[1].ids == [2, 1]
    assert fast.encode(texts[0]).ids == slow.encode(texts[0]).ids
    # The same files again: nothing to redo.
    assert _build(export, models_dir / "source", log)["created"] == manifest["created"]
    assert "already checked" in log[-1]


def test_guarded_text_loads_tokenizer_json_only_then(models_dir, export):
    _build(export, models_dir / "source")
    fast = load_tokenizer(export, MAX)
    fast.encode_batch(["xã Nha Bích", "hạn số hóa"])
    assert fast._fallback is None
    assert fast.encode("trước <eos> sau").ids == load_hf_tokenizer(export / HF_FILE, MAX).encode("trước <eos> sau").ids
    assert fast._fallback is not None


def test_a_different_sentencepiece_file_is_refused(models_dir, export, tmp_path):
    other = tmp_path / "other-source"
    other.mkdir()
    shutil.copy2(models_dir / "other.model", other / SPM_FILE)
    log: list[str] = []
    assert _build(export, other, log) is None
    assert "refused" in log[-1] and "differ" in log[-1]
    assert not (export / SPM_FILE).exists() and not (export / FAST_MANIFEST).exists()
    assert not isinstance(load_tokenizer(export, MAX), SentencePieceTokenizer)
    # A refusal also withdraws an earlier check of other files.
    assert _build(export, models_dir / "source")
    assert read_fast_manifest(export)
    assert _build(export, other) is None and not (export / FAST_MANIFEST).exists()


def test_no_sentencepiece_file_keeps_tokenizer_json(models_dir, export, tmp_path):
    bare = tmp_path / "bare"
    bare.mkdir()
    log: list[str] = []
    assert _build(export, bare, log) is None and "stays in use" in log[-1]
    tok = load_tokenizer(export, MAX)
    assert not isinstance(tok, SentencePieceTokenizer)
    assert tok.encode("xã Nha Bích").ids[0] == 2


@pytest.mark.parametrize("damage", ["missing", "resized", "garbage", "foreign", "manifest"])
def test_damaged_fast_files_fall_back(models_dir, export, damage, caplog):
    _build(export, models_dir / "source")
    spm_file = export / SPM_FILE
    if damage == "missing":
        spm_file.unlink()
    elif damage == "resized":
        spm_file.write_bytes(spm_file.read_bytes() + b"x")
    elif damage == "garbage":          # same size, so only loading it can tell
        spm_file.write_bytes(b"\x07" * spm_file.stat().st_size)
    elif damage == "foreign":          # a valid model of the same size giving other ids
        other = (models_dir / "other.model").read_bytes()
        manifest = json.loads((export / FAST_MANIFEST).read_text(encoding="utf-8"))
        manifest["files"][SPM_FILE]["size"] = len(other)
        (export / FAST_MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        spm_file.write_bytes(other)
    else:
        (export / FAST_MANIFEST).write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="index.model.tokenizer"):
        tok = load_tokenizer(export, MAX)
    assert not isinstance(tok, SentencePieceTokenizer)
    assert tok.encode("xã Nha Bích").ids == load_hf_tokenizer(export / HF_FILE, MAX).encode("xã Nha Bích").ids
    if damage in ("garbage", "foreign"):
        assert "unusable" in caplog.text


def test_without_the_sentencepiece_package_tokenizer_json_serves(models_dir, export, monkeypatch):
    _build(export, models_dir / "source")

    def missing(path):
        raise ImportError("No module named 'sentencepiece'")
    monkeypatch.setattr(ft, "_processor", missing)
    assert not isinstance(load_tokenizer(export, MAX), SentencePieceTokenizer)
