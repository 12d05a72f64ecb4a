"""ONNX backend: a tiny Gemma-3 sentence-transformers model built here, exported by index.model.export."""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnxruntime", reason="onnxruntime is not installed (pyproject dependency)")
pytest.importorskip("onnxscript", reason="onnxscript is not installed (pyproject dependency)")

from index.model import export as onnx_export  # noqa: E402
from index.model import files, load_embedder  # noqa: E402
from index.model.export import ExportError, build_onnx  # noqa: E402
from index.model.files import MANIFEST, MODEL_FILE, onnx_dir_for, read_manifest  # noqa: E402
from index.model.onnx_embedder import OnnxEmbedder  # noqa: E402
from index.model.torch_embedder import SentenceTransformerEmbedder  # noqa: E402
from index.stores import VectorCache  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

PROBES = (
    ("query", "ai chủ trì đề án 06 ở xã nha bích ?"),
    ("query", "hạn số hóa hồ sơ thủ tục hành chính"),
    ("document", "công an xã chủ trì triển khai đề án 06 trên địa bàn xã nha bích ."),
    ("document", "văn phòng ủy ban nhân dân xã số hóa hồ sơ thủ tục hành chính , thời hạn quý iii năm 2026 . "
                 "phối hợp : các cơ quan , đơn vị liên quan ; bảo đảm an toàn thông tin mạng trên địa bàn xã ."),
)
QUERY_PROMPT, DOC_PROMPT = "truy vấn :", "văn bản :"


def _make_tiny_model(folder: Path) -> Path:
    """A 2-layer Gemma-3 text model (one sliding-window layer, window 8) with a word-level tokenizer whose
    template adds <bos>/<eos> like Gemma's, wrapped as transformer -> mean pooling -> 2 Dense -> Normalize."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Dense, Normalize, Pooling, Transformer
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import AutoModel, Gemma3TextConfig, PreTrainedTokenizerFast

    words = sorted({w for _, t in PROBES for w in (QUERY_PROMPT + " " + DOC_PROMPT + " " + t).split()})
    vocab = {"<pad>": 0, "<eos>": 1, "<bos>": 2, "<unk>": 3, **{w: i + 4 for i, w in enumerate(words)}}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.post_processor = processors.TemplateProcessing(single="<bos> $A <eos>",
                                                       special_tokens=[("<bos>", 2), ("<eos>", 1)])
    raw = folder / "raw"
    PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<bos>", eos_token="<eos>", pad_token="<pad>",
                            unk_token="<unk>").save_pretrained(raw)
    cfg = Gemma3TextConfig(vocab_size=len(vocab), hidden_size=32, intermediate_size=48, num_hidden_layers=2,
                           num_attention_heads=2, num_key_value_heads=1, head_dim=16, sliding_window=8,
                           layer_types=["sliding_attention", "full_attention"], max_position_embeddings=512,
                           use_bidirectional_attention=True, pad_token_id=0, bos_token_id=2, eos_token_id=1)
    torch.manual_seed(57)
    AutoModel.from_config(cfg).save_pretrained(raw)
    modules = [Transformer(str(raw)), Pooling(32, "mean"),
               Dense(32, 64, bias=False, activation_function=torch.nn.Identity()),
               Dense(64, 32, bias=False, activation_function=torch.nn.Identity()), Normalize()]
    model_dir = folder / "tiny-gemma"
    SentenceTransformer(modules=modules, prompts={"query": QUERY_PROMPT, "document": DOC_PROMPT},
                        device="cpu").save(str(model_dir))
    return model_dir


REAL_EXPORT_FP32 = onnx_export.export_fp32      # the fixture below replaces it after the first export


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """(model_dir, manifest) of the tiny model and its fp32 export, made once through build_onnx."""
    base = tmp_path_factory.mktemp("onnx")
    model_dir = _make_tiny_model(base)
    manifest = build_onnx(model_dir, variants=("fp32",), probes=PROBES)
    return model_dir, manifest


@pytest.fixture(autouse=True)
def replay_export(request, monkeypatch):
    """After the fixture's real export, later build_onnx calls copy that graph instead of tracing the same
    model again (the dynamo export is most of the time); quantizing, checking and refusing run for real."""
    if "tiny" not in request.fixturenames:
        return
    model_dir, _ = request.getfixturevalue("tiny")
    exported = onnx_dir_for(model_dir)

    def copy_export(st_model, out_path: Path) -> None:
        for path in exported.iterdir():
            if path.name not in (MANIFEST, "tokenizer.json"):
                shutil.copy2(path, out_path.parent / path.name)

    monkeypatch.setattr(onnx_export, "export_fp32", copy_export)


def test_export_matches_torch_and_records_manifest(tiny):
    model_dir, manifest = tiny
    folder = onnx_dir_for(model_dir)
    assert folder == model_dir.parent / "tiny-gemma-onnx"
    assert manifest["verified"] and manifest["variant"] == "fp32"
    assert manifest["cosine_min"] >= 0.9999
    assert manifest["prompts"] == {"query": QUERY_PROMPT, "document": DOC_PROMPT}
    assert {MODEL_FILE, "tokenizer.json"} <= set(manifest["files"])
    assert all(len(f["sha256"]) == 64 for f in manifest["files"].values())
    assert read_manifest(folder, check_hashes=True) == manifest
    # A second run for the same model keeps the verified export instead of exporting again.
    again = build_onnx(model_dir, variants=("fp32",), probes=PROBES)
    assert again["created"] == manifest["created"]

    # Beyond the probes: a batch of mixed lengths (padding inside the graph) and the token cap.
    onnx = load_embedder(str(model_dir), backend="onnx", progress=False)
    torch_emb = load_embedder(str(model_dir), backend="torch", progress=False)
    assert isinstance(onnx, OnnxEmbedder) and isinstance(torch_emb, SentenceTransformerEmbedder)
    texts = [PROBES[2][1], PROBES[3][1] * 30, "xã", PROBES[1][1]]    # the long one exceeds 256 tokens
    a, b = onnx.embed_documents(texts), torch_emb.embed_documents(texts)
    assert a.shape == b.shape == (4, 32)
    assert np.min(np.sum(a * b, axis=1)) > 0.9999
    assert float(onnx.embed_query(PROBES[0][1]) @ torch_emb.embed_query(PROBES[0][1])) > 0.9999
    # Prompts matter: the query prompt gives another vector than the document prompt.
    assert float(onnx.embed_query(PROBES[2][1]) @ onnx.embed_documents([PROBES[2][1]])[0]) < 0.9999


def test_tokens_match_the_hf_tokenizer(tiny):
    from transformers import AutoTokenizer
    model_dir, _ = tiny
    hf = AutoTokenizer.from_pretrained(str(model_dir))
    onnx = load_embedder(str(model_dir), backend="onnx")
    for _, text in PROBES:
        assert onnx.tokenizer.encode(text).ids == hf(text)["input_ids"]
    long = PROBES[3][1] * 30
    ids = onnx.tokenizer.encode(long).ids
    assert len(ids) == 256 and ids[0] == 2 and ids[-1] == 1    # capped, <bos>/<eos> kept as HF truncation does
    assert ids == hf(long, truncation=True, max_length=256)["input_ids"]


@pytest.mark.parametrize("budget", [-1.0, 10.0], ids=["none-in-int8", "all-in-int8"])
def test_int8_runs_the_down_proj_the_budget_allows_in_int8(tiny, tmp_path, monkeypatch, budget):
    import onnx
    model_dir, _ = tiny
    # A tiny random model has no meaningful int8 accuracy (the real one is checked at 0.99 by the probes
    # and measured in bench/embed.py); here the point is the graph: quantized, down projections left in
    # fp32 unless the measured budget lets them go.
    monkeypatch.setattr(onnx_export, "DOWN_PROJ_BUDGET", budget)
    vnni = budget < 0         # one run as on a CPU with VNNI, the other as without
    monkeypatch.setattr(files, "cpu_has_vnni", lambda *a: vnni)
    manifest = build_onnx(model_dir, tmp_path / "int8", variants=("int8",), probes=PROBES, min_cosine=-1)
    names = ["transformer.layers.0.mlp.down_proj", "transformer.layers.1.mlp.down_proj"]
    assert manifest["variant"] == "int8"
    assert manifest["int8_down_proj"] == ([] if budget < 0 else sorted(names, key=manifest["int8_down_proj"].index))
    # one down_proj per layer, and the two Dense heads (one row per text: int8 would save nothing there)
    assert manifest["fp32_nodes"] == (2 if budget < 0 else 0) + 2
    assert manifest["smoothed_groups"] == 6 and manifest["smooth_alpha"] == onnx_export.SMOOTH_ALPHA
    # one int8 variant, its weight range read from the CPU's flags before quantizing: 8 bits with VNNI, else 7
    # (the range its kernel adds up without saturating)
    assert manifest["weight_bits"] == (8 if vnni else 7) and manifest["cpu_vnni"] is vnni
    assert "weight_bits_cosine_mean" not in manifest
    graph = onnx.load(str(tmp_path / "int8" / MODEL_FILE)).graph
    ops = [n.op_type for n in graph.node]
    # per layer: q/k/v (merged), o, gate/up (merged) (, down)
    assert ops.count("MatMulInteger") == 2 * (3 if budget < 0 else 4)
    fp32 = [n for n in graph.node if n.op_type in ("MatMul", "Gemm")]
    assert len(fp32) == manifest["fp32_nodes"]
    assert sum(any(p.endswith("down_proj") for p in onnx_export._module_path(n)) for n in fp32) == (2 if budget < 0 else 0)
    emb = load_embedder(str(model_dir), backend="onnx", onnx_dir=tmp_path / "int8")
    assert re.search(r"\+onnx-int8-[0-9a-f]{8}$", emb.name)
    assert emb.embed_documents([PROBES[2][1]]).dtype == np.float32


@pytest.mark.parametrize("bits,low,high", [(7, -64, 64), (8, -127, 127)])
def test_int8_weights_use_the_range_asked_for(tiny, tmp_path, bits, low, high):
    import onnx
    from onnx import numpy_helper
    model_dir, _ = tiny
    src = onnx_dir_for(model_dir) / MODEL_FILE        # the fixture's verified fp32 export
    onnx_export.quantize_int8(src, tmp_path / MODEL_FILE, weight_bits=bits)
    graph = onnx.load(str(tmp_path / MODEL_FILE)).graph
    quantized = {n.input[1] for n in graph.node if n.op_type == "MatMulInteger"}
    values = np.concatenate([numpy_helper.to_array(i).ravel() for i in graph.initializer if i.name in quantized])
    assert values.min() >= low and values.max() <= high
    assert values.max() == high or values.min() == low       # per channel: the largest weight takes the end


def test_down_proj_choice_spends_the_budget_on_the_least_sensitive():
    drops = {"a": 3e-4, "b": 1e-4, "c": 2e-4, "d": -1e-6}
    assert onnx_export.down_proj_to_quantize(drops, budget=3.5e-4) == ["d", "b", "c"]
    assert onnx_export.down_proj_to_quantize(drops, budget=0.0) == ["d"]


def test_sensitivity_is_measured_per_down_proj_and_leaves_the_model_unchanged(tiny, monkeypatch):
    from sentence_transformers import SentenceTransformer
    model_dir, _ = tiny
    st = SentenceTransformer(str(model_dir), device="cpu")
    before = onnx_export.reference_vectors(st)
    drops = onnx_export.down_proj_sensitivity(st)
    assert sorted(drops) == ["transformer.layers.0.mlp.down_proj", "transformer.layers.1.mlp.down_proj"]
    assert all(0 < d < 1 for d in drops.values())          # int8 changes the vectors, a little
    assert np.array_equal(onnx_export.reference_vectors(st), before)
    # the layers before each trial replay a clean pass: the same numbers as running them all again
    layer = list(st)[0].auto_model.layers[0]
    assert "forward" not in vars(layer)                      # the replay is undone
    monkeypatch.setattr(onnx_export, "_layer_index", lambda name, count: 0)
    assert onnx_export.down_proj_sensitivity(st) == drops
    monkeypatch.setattr(onnx_export, "_layer_index", lambda name, count: count)   # a replay that skips too much
    assert onnx_export.down_proj_sensitivity(st) != drops


def _down_proj_input_amax(st) -> list[np.ndarray]:
    """Per channel, the largest |input| each MLP down projection sees on the probes."""
    mlps = [m for m in list(st)[0].auto_model.modules() if hasattr(m, "down_proj")]
    return [a.numpy() for a in onnx_export.input_amax(st, [m.down_proj for m in mlps], PROBES)[1]]


def test_smoothing_moves_activation_outliers_into_the_weights_without_changing_the_vectors(tiny):
    import torch
    from sentence_transformers import SentenceTransformer
    model_dir, _ = tiny
    st = SentenceTransformer(str(model_dir), device="cpu")
    mlp = list(st)[0].auto_model.layers[1].mlp
    with torch.no_grad():   # an outlier channel, as real models have: same function, channel 5 x40 larger
        mlp.up_proj.weight[5] *= 40
        mlp.down_proj.weight[:, 5] /= 40
    before = onnx_export.reference_vectors(st, PROBES)
    spread = [a.max() / np.median(a) for a in _down_proj_input_amax(st)]
    assert spread[1] > 20
    drop_before = onnx_export.down_proj_sensitivity(st, PROBES, before)["transformer.layers.1.mlp.down_proj"]

    assert onnx_export.smooth_for_int8(st, PROBES) == 6      # per layer: q/k/v, gate/up, down
    after = onnx_export.reference_vectors(st, PROBES)
    assert np.min(np.sum(before * after, axis=1)) > 0.99999          # the same function
    smoothed = [a.max() / np.median(a) for a in _down_proj_input_amax(st)]
    assert smoothed[1] < spread[1] / 4 and smoothed[0] < spread[0]
    drop_after = onnx_export.down_proj_sensitivity(st, PROBES, before)["transformer.layers.1.mlp.down_proj"]
    assert drop_after < drop_before


def test_smoothing_that_would_change_the_vectors_is_undone(tiny, monkeypatch):
    from sentence_transformers import SentenceTransformer
    model_dir, _ = tiny
    st = SentenceTransformer(str(model_dir), device="cpu")
    layers = list(st)[0].auto_model.layers
    before = onnx_export.reference_vectors(st, PROBES)
    # a side that does not feed these linears: scaling it is not compensated
    monkeypatch.setattr(onnx_export, "_smoothing_pairs", lambda t: [(layers[0].input_layernorm, [layers[1].self_attn.q_proj])])
    assert onnx_export.smooth_for_int8(st, PROBES) == 0
    assert np.array_equal(onnx_export.reference_vectors(st, PROBES), before)


def test_export_is_fused_for_onnx_runtime(tiny):
    import onnx
    model_dir, manifest = tiny
    assert manifest["fusions"].get("rms_normalization", 0) >= 2
    ops = {n.op_type for n in onnx.load(str(onnx_dir_for(model_dir) / MODEL_FILE), load_external_data=False).graph.node}
    assert "SimplifiedLayerNormalization" in ops and "Pow" not in ops
    # rotary embeddings: one kernel with constant cos/sin tables for q and k of each layer
    assert manifest["fusions"].get("rotary_cache") == 4
    assert "RotaryEmbedding" in ops and not ops & {"Neg", "Cos", "Sin"}
    # the single key/value head is not copied to the 2 query heads any more: they are folded into the sequence
    assert manifest["fusions"].get("single_kv_head") == 2
    graph = onnx.load(str(onnx_dir_for(model_dir) / MODEL_FILE), load_external_data=False).graph
    heads = [a.i for n in graph.node if n.op_type == "MultiHeadAttention" for a in n.attribute if a.name == "num_heads"]
    assert heads == [1, 1]
    # ... in (position, head) order, so nothing is transposed between the projections and attention
    assert "Transpose" not in {n.op_type for n in graph.node}
    # q/k/v and gate/up of each layer: one MatMul each (quantized: one int8 kernel reading the input once)
    assert manifest["fusions"].get("merged_matmuls") == 4


def test_graph_rewrites_are_exact_and_rotary_refuses_tables_that_depend_on_more_than_the_position(tiny, tmp_path,
                                                                                        monkeypatch):
    import onnxruntime as ort
    from sentence_transformers import SentenceTransformer
    from index.model import rewrite as onnx_rewrite
    model_dir, _ = tiny
    for name in ("raw", "fused"):
        (tmp_path / name).mkdir()
    REAL_EXPORT_FP32(SentenceTransformer(str(model_dir), device="cpu"), tmp_path / "raw" / MODEL_FILE)
    onnx_export.fuse_for_ort(tmp_path / "raw" / MODEL_FILE, tmp_path / "fused" / MODEL_FILE)
    src = tmp_path / "fused" / MODEL_FILE
    assert onnx_rewrite.fuse_rotary(src, tmp_path / "rotary.onnx", 64) == 4
    # 20 tokens: longer than the sliding window (8), so each query row must meet its own position's mask
    ids = np.array([[2, *range(5, 23), 1], [2, 11, 12, 1, *[0] * 16]], dtype=np.int64)
    feed = {"input_ids": ids, "attention_mask": (ids != 0).astype(np.int64)}
    before = ort.InferenceSession(str(src), providers=["CPUExecutionProvider"]).run(None, feed)[0]
    after = ort.InferenceSession(str(tmp_path / "rotary.onnx"), providers=["CPUExecutionProvider"]).run(None, feed)[0]
    assert np.allclose(before, after, atol=1e-5)
    assert onnx_rewrite.fold_single_kv_head(tmp_path / "rotary.onnx", tmp_path / "folded.onnx") == 2
    folded = ort.InferenceSession(str(tmp_path / "folded.onnx"), providers=["CPUExecutionProvider"]).run(None, feed)[0]
    assert np.allclose(before, folded, atol=1e-5)
    assert onnx_rewrite.merge_shared_matmuls(tmp_path / "folded.onnx", tmp_path / "merged.onnx") == 4
    merged = ort.InferenceSession(str(tmp_path / "merged.onnx"), providers=["CPUExecutionProvider"]).run(None, feed)[0]
    assert np.allclose(before, merged, atol=1e-5)

    real = onnx_rewrite._run_with_outputs

    def shifted(path, names, lengths):      # the short input's angles are not a prefix of the long one's
        runs = real(path, names, lengths)
        return [runs[0], [a + 0.1 for a in runs[1]]]

    monkeypatch.setattr(onnx_rewrite, "_run_with_outputs", shifted)
    assert onnx_rewrite.fuse_rotary(src, tmp_path / "refused.onnx", 64) == 0
    assert not (tmp_path / "refused.onnx").exists()


def _corrupt_weights(folder: Path) -> None:
    data = next(p for p in folder.iterdir() if p.name != MODEL_FILE)   # the external weights file
    raw = bytearray(data.read_bytes())
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 0.5, len(raw) // 4).astype(np.float32)
    weights = np.frombuffer(bytes(raw[:len(noise) * 4]), dtype=np.float32) + noise
    raw[:len(noise) * 4] = weights.tobytes()
    data.write_bytes(bytes(raw))


def _garble_graph(folder: Path) -> None:
    (folder / MODEL_FILE).write_bytes(b"not an onnx graph")


@pytest.mark.parametrize("tamper", [_corrupt_weights, _garble_graph], ids=["perturbed-weights", "corrupt-file"])
def test_broken_export_is_refused_and_torch_kept(tiny, tmp_path, tamper):
    model_dir, _ = tiny
    out = tmp_path / "export"
    with pytest.raises(ExportError, match="torch"):
        build_onnx(model_dir, out, variants=("fp32",), probes=PROBES, after_export=tamper)
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".onnx-export-")]   # nothing left behind
    assert isinstance(load_embedder(str(model_dir), onnx_dir=out), SentenceTransformerEmbedder)


def test_refusal_leaves_a_previous_export_serving(tiny, tmp_path):
    model_dir, _ = tiny
    out = tmp_path / "export"
    shutil.copytree(onnx_dir_for(model_dir), out)
    before = (out / MANIFEST).read_text()
    with pytest.raises(ExportError):
        build_onnx(model_dir, out, variants=("fp32",), probes=PROBES, force=True, after_export=_corrupt_weights)
    assert (out / MANIFEST).read_text() == before
    assert isinstance(load_embedder(str(model_dir), onnx_dir=out), OnnxEmbedder)


def test_backend_switch_and_cache_keys(tiny, tmp_path):
    model_dir, _ = tiny
    auto = load_embedder(str(model_dir))
    forced_torch = load_embedder(str(model_dir), backend="torch")
    assert isinstance(auto, OnnxEmbedder) and isinstance(forced_torch, SentenceTransformerEmbedder)
    assert auto.name != forced_torch.name and "onnx-fp32" in auto.name
    assert auto.dim == forced_torch.dim == 32
    # No verified export -> torch, also when onnx is asked for; a manifest whose file changed is not verified.
    empty = tmp_path / "none"
    assert isinstance(load_embedder(str(model_dir), backend="onnx", onnx_dir=empty), SentenceTransformerEmbedder)
    with pytest.raises(ValueError):
        load_embedder(str(model_dir), backend="tensorflow")
    broken = tmp_path / "broken"
    shutil.copytree(onnx_dir_for(model_dir), broken)
    with (broken / MODEL_FILE).open("ab") as fh:
        fh.write(b"\0")
    assert read_manifest(broken) is None
    assert isinstance(load_embedder(str(model_dir), onnx_dir=broken), SentenceTransformerEmbedder)

    # The vector cache keys on the name: torch vectors are never served to the ONNX backend.
    texts = [PROBES[2][1], PROBES[3][1]]
    calls = []

    def counting(embedder):
        def embed(batch):
            calls.append((embedder.name, len(batch)))
            return embedder.embed_documents(batch)
        return embed

    cache = tmp_path / "vectors.sqlite"
    VectorCache(cache, forced_torch.name, 32).embed(texts, counting(forced_torch))
    VectorCache(cache, auto.name, 32).embed(texts, counting(auto))
    VectorCache(cache, auto.name, 32).embed(texts, counting(auto))
    assert calls == [(forced_torch.name, 2), (auto.name, 2)]


def test_cpu_flags_are_read_from_cpuinfo(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nflags\t\t: fpu sse avx2 avx512f avx512_vnni\n")
    assert files.cpu_has_vnni(info) is True
    info.write_text("processor\t: 0\nflags\t\t: fpu sse avx2 fma\n")
    assert files.cpu_has_vnni(info) is False
    info.write_text("Processor\t: AArch64\nFeatures\t: fp asimd\n")      # not x86: unknown
    assert files.cpu_has_vnni(info) is None
    assert files.cpu_has_vnni(tmp_path / "missing") is None


def test_an_8_bit_export_is_not_used_on_a_cpu_without_vnni(tiny, tmp_path, monkeypatch, caplog):
    model_dir, _ = tiny
    moved = tmp_path / "moved"
    shutil.copytree(onnx_dir_for(model_dir), moved)
    manifest = json.loads((moved / MANIFEST).read_text())
    manifest.update(variant="int8", weight_bits=8, cpu_vnni=True)
    (moved / MANIFEST).write_text(json.dumps(manifest))
    monkeypatch.setattr(files, "cpu_has_vnni", lambda *a: True)
    assert isinstance(load_embedder(str(model_dir), onnx_dir=moved), OnnxEmbedder)
    monkeypatch.setattr(files, "cpu_has_vnni", lambda *a: None)       # unknown: trust the export's check
    assert isinstance(load_embedder(str(model_dir), onnx_dir=moved), OnnxEmbedder)
    monkeypatch.setattr(files, "cpu_has_vnni", lambda *a: False)
    with caplog.at_level("WARNING"):
        assert isinstance(load_embedder(str(model_dir), onnx_dir=moved), SentenceTransformerEmbedder)
    assert "VNNI" in caplog.text and "fetch-model" in caplog.text
    # ... and the export step makes it again for this CPU instead of keeping it
    again = build_onnx(model_dir, moved, variants=("fp32",), probes=PROBES)
    assert again["variant"] == "fp32" and "weight_bits" not in again
    manifest["weight_bits"] = 7
    assert files.export_fits_this_cpu(manifest)


def test_run_bot_backend_env(tiny, monkeypatch):
    import run_bot
    model_dir, _ = tiny
    monkeypatch.setenv("K57_EMBED_MODEL", str(model_dir))
    args = type("Args", (), {"no_model": False})()
    for value, kind in (("", OnnxEmbedder), ("torch", SentenceTransformerEmbedder), ("onnx", OnnxEmbedder),
                        ("bogus", OnnxEmbedder)):
        monkeypatch.setenv("K57_EMBED_BACKEND", value)
        assert isinstance(run_bot._embedder(args), kind), value


def test_onnx_backend_never_imports_torch(tiny):
    model_dir, _ = tiny
    code = ("import sys; from index.model import load_embedder\n"
            f"e = load_embedder({str(model_dir)!r}, backend='onnx')\n"
            "v = e.embed_query('ai chủ trì'); d = e.embed_documents(['công an xã', 'xã'])\n"
            "assert type(e).__name__ == 'OnnxEmbedder' and v.shape == (32,) and d.shape == (2, 32)\n"
            "print(sorted(m for m in sys.modules if m == 'torch' or m.startswith(('torch.', 'transformers', "
            "'sentence_transformers'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().replace("'", '"')) == []


def test_fetch_model_command_exports_once_and_survives_a_refusal(tiny, monkeypatch, capsys):
    from index.model import cli as fm
    model_dir, manifest = tiny
    monkeypatch.setattr(fm, "fetch_model", lambda dest, pins, progress: model_dir)
    assert fm.main([str(model_dir)]) == 0
    err = capsys.readouterr().err
    assert "already verified" in err and read_manifest(onnx_dir_for(model_dir))["created"] == manifest["created"]

    def refuse(model_dir, progress):
        raise ExportError("Bản ONNX không khớp với mô hình gốc nên bị bỏ; vẫn dùng torch. / refused")
    monkeypatch.setattr(onnx_export, "build_onnx", refuse)
    assert fm.main([str(model_dir)]) == 0          # the model itself is fine: torch serves
    err = capsys.readouterr().err
    assert "vẫn dùng torch" in err and "Traceback" not in err
    called = []
    monkeypatch.setattr(onnx_export, "build_onnx", lambda *a, **k: called.append(1))
    assert fm.main([str(model_dir), "--no-onnx"]) == 0 and not called


def test_export_step_checks_the_fast_tokenizer(tiny, monkeypatch):
    """build_onnx offers the source's tokenizer.model for the token-id check, with the plan records among the
    probes; the tiny model has none, so its export keeps tokenizer.json, and a failing check never fails it."""
    from index.model import tokenizer as fast_tokenizer
    model_dir, manifest = tiny
    folder = onnx_dir_for(model_dir)
    assert not (folder / fast_tokenizer.FAST_MANIFEST).exists()
    assert not isinstance(load_embedder(str(model_dir), backend="onnx").tokenizer,
                          fast_tokenizer.SentencePieceTokenizer)
    calls = []
    monkeypatch.setattr(onnx_export, "build_fast_tokenizer",
                        lambda out, src, texts, max_length, progress: calls.append((out, src, texts, max_length)))
    build_onnx(model_dir, variants=("fp32",), probes=PROBES)
    (out, src, texts, max_length), = calls
    assert out == folder and src == model_dir and max_length == manifest["max_seq_length"]
    assert len(texts) > 1000 and any("Nha Bích" in t and t.startswith(DOC_PROMPT) for t in texts)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(onnx_export, "build_fast_tokenizer", broken)
    msgs = []
    assert build_onnx(model_dir, variants=("fp32",), probes=PROBES, progress=msgs.append)["verified"]
    assert "Fast tokenizer skipped" in msgs[-1]


def test_threads_spin_only_on_a_quiet_machine_and_vectors_do_not_depend_on_it(tiny, monkeypatch):
    from index.model import onnx_embedder as embedding
    model_dir, _ = tiny
    onnx = load_embedder(str(model_dir), backend="onnx", progress=False)
    load = [0]
    monkeypatch.setattr(embedding, "runnable_others", lambda: load[0])
    monkeypatch.setattr(embedding.os, "cpu_count", lambda: 2)
    opened = []
    real_open = onnx._open
    monkeypatch.setattr(onnx, "_open", lambda spinning: opened.append(spinning) or real_open(spinning))
    quiet = onnx.embed_documents([PROBES[2][1], PROBES[3][1]])
    onnx.embed_query(PROBES[0][1])
    assert opened == [True]                              # one spinning session, kept
    load[0] = 1
    onnx.embed_query(PROBES[0][1])
    assert opened == [True]                              # one busy reading alone changes nothing
    busy = onnx.embed_documents([PROBES[2][1], PROBES[3][1]])
    assert opened == [True, False]                       # busy twice: the sleeping session, opened once
    assert np.min(np.sum(quiet * busy, axis=1)) > 0.9999
    onnx._running = 1                                    # another embedding of this process is running
    load[0] = 0
    assert onnx.spin_now() is False
    onnx._running = 0
    assert onnx.spin_now() is True and onnx.spin_now() is True
    assert load_embedder(str(model_dir), backend="onnx", spinning="off").spin_now() is False
    assert load_embedder(str(model_dir), backend="onnx", spinning="on").spin_now() is True
    with pytest.raises(ValueError):
        load_embedder(str(model_dir), backend="onnx", spinning="sometimes")


def test_runnable_tasks_are_read_from_the_kernel(monkeypatch):
    from index.model import onnx_embedder as embedding
    import builtins
    real_open = builtins.open

    def fake(text):
        return lambda path, *a, **k: io.StringIO(text) if path == "/proc/loadavg" else real_open(path, *a, **k)
    monkeypatch.setattr(builtins, "open", fake("2.10 1.50 1.20 3/412 9999\n"))
    assert embedding.runnable_others() == 2
    monkeypatch.setattr(builtins, "open", fake("0.00 0.00 0.00 1/300 9999\n"))
    assert embedding.runnable_others() == 0
    monkeypatch.setattr(builtins, "open", fake("garbled"))
    monkeypatch.setattr(embedding.os, "getloadavg", lambda: (0.7, 0.0, 0.0))
    assert embedding.runnable_others() == 0.7
