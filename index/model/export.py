"""Export a sentence-transformers model to one ONNX graph, quantize it, and keep it only if it matches torch.

The graph holds the whole pipeline (transformer -> masked mean pooling -> Dense layers -> L2 normalize), so
at query time only onnxruntime and a tokenizer are needed (see index.model.onnx_embedder.OnnxEmbedder).
A probe set of Vietnamese texts is embedded by torch and by the export; any probe below MIN_COSINE and the
export is deleted and torch stays in use. What was kept is recorded in a manifest beside the files.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

import numpy as np

from index.model.files import (MANIFEST, MODEL_FILE, TOKENIZER_FILE, export_fits_this_cpu, int8_weight_bits,
                               onnx_dir_for, read_manifest, sha256_file)
from index.model.onnx_embedder import OnnxEmbedder
from index.model.rewrite import fold_single_kv_head, fuse_rotary, merge_shared_matmuls
from index.model.tokenizer import build_fast_tokenizer, project_texts

log = logging.getLogger(__name__)

MIN_COSINE = 0.99
MAX_SEQ_LENGTH = 256            # the cap SentenceTransformerEmbedder uses: same tokens, same vectors
VARIANTS = ("int8", "fp32")     # tried in this order; the first that passes the probe check is kept
# Summed probe-cosine loss allowed for the down projections run in int8 (the rest stay fp32). After
# smooth_for_int8, 5e-4 lets EmbeddingGemma quantize 15 of its 24 with the export at cosine 0.9951 mean /
# 0.9876 min to torch on the bench texts (unsmoothed: 9 of 24, 0.9932 / 0.9852). 1e-3 took 19 (0.9934 /
# 0.979) and all 24 gave 0.990 / 0.979 with hybrid MRR 0.954 against torch's 0.963 (bench/embed.py).
DOWN_PROJ_BUDGET = 5e-4
SMOOTH_ALPHA = 0.65             # smooth_for_int8; simulated all-int8 cosine 0.9936 at 0.5, 0.9939 at 0.65

# Fixed probes: (kind, text). Plan-like records, questions with and without tone marks, a long record
# that hits the token cap, abbreviations and numbers: what the index really embeds.
PROBES: tuple[tuple[str, str], ...] = (
    ("query", "Ai chủ trì triển khai Đề án 06 ở xã Nha Bích?"),
    ("query", "Hạn số hóa hồ sơ thủ tục hành chính là khi nào?"),
    ("query", "Chỉ tiêu tỷ lệ hộ gia đình có cáp quang băng rộng năm 2026 là bao nhiêu?"),
    ("query", "Trạm Y tế xã có nhiệm vụ gì trong chuyển đổi số?"),
    ("query", "UBND xã phối hợp với đơn vị nào để phát triển kinh tế số"),
    ("query", "ai chu tri trien khai de an 06"),
    ("query", "thanh toán không dùng tiền mặt"),
    ("document", "Kế hoạch xã Nha Bích. IV. TỔ CHỨC THỰC HIỆN > 5. Công an xã: Chủ trì, triển khai các mục "
                 "tiêu, nhiệm vụ của Đề án 06 trên địa bàn xã."),
    ("document", "Nhiệm vụ: Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính (TTHC). Chủ trì: Văn phòng "
                 "HĐND và UBND xã. Phối hợp: các cơ quan, đơn vị liên quan. Thời hạn: Quý III/2026."),
    ("document", "Chỉ tiêu: 100% cán bộ, công chức cấp xã được bồi dưỡng kỹ năng số cơ bản; 80% dịch vụ công "
                 "trực tuyến toàn trình được người dân sử dụng."),
    ("document", "Phòng Văn hóa - Xã hội: tuyên truyền, phổ biến Nghị quyết 57-NQ/TW về đột phá phát triển "
                 "khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia."),
    ("document", "Trung tâm Phục vụ hành chính công (Trung tâm PVHCC) hướng dẫn người dân cài đặt, kích hoạt "
                 "tài khoản định danh điện tử VNeID mức độ 2."),
    ("document", " ".join(["Đẩy mạnh ứng dụng công nghệ thông tin, trí tuệ nhân tạo (AI), dữ liệu lớn trong "
                           "quản lý nhà nước, cải cách hành chính, phát triển chính quyền số, kinh tế số và "
                           "xã hội số trên địa bàn; bảo đảm an toàn, an ninh mạng."] * 6)),
    ("document", "Kinh phí thực hiện: ngân sách nhà nước theo phân cấp hiện hành, lồng ghép các chương trình "
                 "mục tiêu quốc gia và nguồn xã hội hóa hợp pháp khác."),
)


class ExportError(Exception):
    """The export could not be made or did not match torch; str(exc) is Vietnamese + English."""


def _source_signature(model_dir: Path) -> str:
    """Sizes and mtimes of the source model's weight files: tells when an export belongs to another model."""
    digest = hashlib.sha256()
    for path in sorted(model_dir.rglob("*.safetensors")) + sorted(model_dir.glob("*.json")):
        st = path.stat()
        digest.update(f"{path.relative_to(model_dir)}:{st.st_size}".encode())
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------- export

def _pipeline_module(st_model):
    """One torch module: (input_ids, attention_mask) -> L2-normalized sentence embeddings."""
    import torch

    modules = list(st_model)
    transformer = modules[0].auto_model
    tail = []
    for module in modules[1:]:
        kind = type(module).__name__
        if kind == "Pooling":
            mode = module.pooling_mode if hasattr(module, "pooling_mode") else module.get_pooling_mode_str()
            if mode not in ("mean", ("mean",), ["mean"]):
                raise ExportError(f"Chỉ hỗ trợ pooling trung bình. / Only mean pooling is supported, got {mode!r}.")
            tail.append(("pool", None))
        elif kind == "Dense":
            tail.append(("dense", module))
        elif kind == "Normalize":
            tail.append(("norm", None))
        else:
            raise ExportError(f"Mô-đun không hỗ trợ: {kind}. / Unsupported sentence-transformers module {kind}.")
    if not tail or tail[0][0] != "pool":
        raise ExportError("Mô hình thiếu lớp pooling. / The model has no pooling layer after the transformer.")

    class Pipeline(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.transformer = transformer
            self.dense = torch.nn.ModuleList([m for k, m in tail if k == "dense"])

        def forward(self, input_ids, attention_mask):
            hidden = self.transformer(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            x = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            dense = iter(self.dense)
            for kind, _ in tail[1:]:
                if kind == "dense":
                    layer = next(dense)
                    x = layer.activation_function(layer.linear(x))
                else:
                    x = torch.nn.functional.normalize(x, p=2, dim=-1)
            return torch.nn.functional.normalize(x, p=2, dim=-1)   # the index wants unit vectors either way

    return Pipeline().eval()


def export_fp32(st_model, out_path: Path) -> None:
    """torch.onnx dynamo export with dynamic batch and sequence; weights in an external data file."""
    import torch

    module = _pipeline_module(st_model)
    ids = torch.tensor([[2, 10, 11, 12, 13, 14, 15, 1], [2, 20, 21, 22, 1, 0, 0, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    batch, seq = torch.export.Dim("batch"), torch.export.Dim("seq")
    with torch.no_grad():
        program = torch.onnx.export(
            module, (ids, mask), dynamo=True, opset_version=18,
            input_names=["input_ids", "attention_mask"], output_names=["sentence_embedding"],
            dynamic_shapes={"input_ids": {0: batch, 1: seq}, "attention_mask": {0: batch, 1: seq}})
    program.save(str(out_path), external_data=True)


def _name_scopes(node) -> list[str]:
    """The torch module scopes the dynamo exporter recorded for a node ('transformer.layers.3.mlp.down_proj',
    ...; it renames weights but keeps these), [] when it recorded none."""
    import ast
    for prop in node.metadata_props:
        if prop.key == "pkg.torch.onnx.name_scopes":
            try:
                return [str(s) for s in ast.literal_eval(prop.value)]
            except (ValueError, SyntaxError):
                return []
    return []


def _module_path(node) -> list[str]:
    """The torch module scopes a node came from, else its name and inputs (to match names against)."""
    return _name_scopes(node) or [node.name, *node.input]


def fuse_for_ort(src: Path, dst: Path) -> dict[str, int]:
    """Fold the exporter's small ops into ONNX Runtime's fused kernels (RMSNorm, skip-RMSNorm, GELU,
    attention) with onnxscript's ORT rewriter: 2,600 nodes -> 1,360 for EmbeddingGemma, and the query runs
    with fewer thread hand-offs. Returns the fusions applied; the probe check judges the result like any
    export."""
    try:
        import onnx_ir as ir
    except ImportError:     # older onnxscript bundles the IR under its own name
        from onnxscript import ir
    from onnxscript.rewriter import ort_fusions

    model = ir.load(str(src))
    model, counts = ort_fusions.optimize_for_ort(model)
    ir.save(model, str(dst), external_data=dst.name + ".data")
    return {name: int(n) for name, n in counts.items() if n}


def _fake_quant_activations(x):
    """What ORT's dynamic quantization does to a MatMul input: one uint8 scale and zero point per tensor."""
    import torch
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = (hi - lo) / 255 or 1.0
    zero = round(-lo / scale)
    return (torch.clamp(torch.round(x / scale) + zero, 0, 255) - zero) * scale


def _fake_quant_weight(w):
    """Per output channel, 7-bit symmetric (QInt8 with reduce_range), as quantize_int8 stores it."""
    import torch
    scale = w.abs().amax(dim=1, keepdim=True).clamp(min=1e-12) / 63
    return torch.round(w / scale).clamp(-64, 63) * scale


def _smoothing_pairs(transformer):
    """(scaled side, linears reading it) pairs where one channel scale can move from the linears' input into
    the side before them without changing the function: a gated MLP's up projection (its output is the down
    projection's input, times the gate), and the RMSNorms in front of q/k/v and of gate/up (their weight)."""
    import torch
    pairs = []
    for layer in getattr(transformer, "layers", []):
        attn, mlp = getattr(layer, "self_attn", None), getattr(layer, "mlp", None)
        ffn_norm = getattr(layer, "pre_feedforward_layernorm", None) or getattr(layer, "post_attention_layernorm", None)
        if attn is not None and hasattr(layer, "input_layernorm"):
            pairs.append((layer.input_layernorm, [getattr(attn, n, None) for n in ("q_proj", "k_proj", "v_proj")]))
        if mlp is not None:
            if ffn_norm is not None:
                pairs.append((ffn_norm, [getattr(mlp, "gate_proj", None), getattr(mlp, "up_proj", None)]))
            pairs.append((getattr(mlp, "up_proj", None), [getattr(mlp, "down_proj", None)]))
    return [(side, lins) for side, lins in pairs
            if side is not None and lins and all(isinstance(m, torch.nn.Linear) for m in lins)
            and isinstance(getattr(side, "weight", None), torch.Tensor)]


def input_amax(st_model, modules, probes=PROBES):
    """(the probes' vectors, per module: the largest |input| each input channel saw) in one pass."""
    import torch
    amax: dict[int, torch.Tensor] = {}

    def record(module, args):
        x = args[0].detach().abs().reshape(-1, args[0].shape[-1]).amax(dim=0)
        amax[id(module)] = torch.maximum(amax[id(module)], x) if id(module) in amax else x

    hooks = [m.register_forward_pre_hook(record) for m in modules]
    try:
        vectors = reference_vectors(st_model, probes)
    finally:
        for hook in hooks:
            hook.remove()
    return vectors, [amax[id(m)] for m in modules]


def smooth_for_int8(st_model, probes=PROBES, alpha: float | None = None) -> int:
    """Move activation outliers into the weights (SmoothQuant) before dynamic int8, without changing the model.

    Dynamic int8 gives a MatMul's input one scale per tensor, so a few channels far larger than the rest eat
    its range. For each linear group reading one tensor, channel j of that tensor is divided by s_j where it
    is made (an up projection's output row, an RMSNorm's weight) and the linears' input column j multiplied
    by s_j; s_j = amax(x_j)^alpha / amax(w_j)^(1-alpha), amax(x_j) measured on the probes. EmbeddingGemma,
    every Linear in simulated int8 (bench texts, not the probes): cosine to fp32 mean 0.9837 -> 0.9939; the
    24 down projections alone: summed single-layer loss 0.0102 -> 0.0024. The probes' vectors are compared
    before and after: if they moved (a norm of another form), everything is put back and 0 returned; else the
    number of groups smoothed."""
    import torch
    transformer = list(st_model)[0].auto_model
    alpha = SMOOTH_ALPHA if alpha is None else alpha
    pairs = _smoothing_pairs(transformer)
    if not pairs:
        return 0
    saved = {k: v.clone() for k, v in transformer.state_dict().items()}
    before, amax = input_amax(st_model, [lins[0] for _, lins in pairs], probes)
    with torch.no_grad():
        for (side, lins), x_max in zip(pairs, amax):
            w_max = torch.stack([m.weight.abs().amax(dim=0) for m in lins]).amax(dim=0).clamp(min=1e-5)
            scale = (x_max.clamp(min=1e-5) ** alpha / w_max ** (1 - alpha)).clamp(min=1e-5)
            if isinstance(side, torch.nn.Linear):        # the up projection: its output rows
                side.weight.div_(scale[:, None])
                if side.bias is not None:
                    side.bias.div_(scale)
            elif "Gemma" in type(side).__name__:         # Gemma's RMSNorm multiplies by (1 + weight)
                side.weight.copy_((1 + side.weight) / scale - 1)
            else:
                side.weight.div_(scale)
                if getattr(side, "bias", None) is not None:
                    side.bias.div_(scale)
            for m in lins:
                m.weight.mul_(scale[None, :])
    after = reference_vectors(st_model, probes)
    if float(np.min(np.sum(before * after, axis=1))) < 0.99999:
        transformer.load_state_dict(saved)
        return 0
    return len(pairs)


def down_proj_sensitivity(st_model, probes=PROBES, reference: np.ndarray | None = None) -> dict[str, float]:
    """For each MLP down projection alone, 1 - mean probe cosine when it runs in int8 (simulated in torch).

    Dynamic int8 quantizes a MatMul's input with one scale per tensor; the down projections read the
    gated MLP activations, whose outliers make that scale coarse in some layers (EmbeddingGemma: the first
    layer loses 0.005 alone, most middle layers 0.00005). Names are module paths under the pipeline
    ('transformer.layers.3.mlp.down_proj'), as the exporter records them in each node's name scopes.
    reference: the model's own probe vectors when the caller already has them.

    The layers before the one being tried compute what they computed in a clean pass, so their outputs are
    recorded once and replayed (_replay_layers): about half the work of running every probe through every
    layer for each of the 24 trials, with the same numbers."""
    import torch
    transformer = list(st_model)[0].auto_model
    if reference is None:
        reference = reference_vectors(st_model, probes)
    layers = getattr(transformer, "layers", None)
    layers = list(layers) if isinstance(layers, torch.nn.ModuleList) else []
    recorded = _record_layer_outputs(st_model, layers, probes)
    drops: dict[str, float] = {}
    for name, module in transformer.named_modules():
        if not name.endswith("down_proj") or not isinstance(module, torch.nn.Linear):
            continue
        weight = module.weight.data
        module.weight.data = _fake_quant_weight(weight)
        hook = module.register_forward_pre_hook(lambda mod, args: (_fake_quant_activations(args[0]), *args[1:]))
        try:
            with _replay_layers(layers[:_layer_index(name, len(layers))], recorded):
                got = reference_vectors(st_model, probes)
        finally:
            hook.remove()
            module.weight.data = weight
        drops[f"transformer.{name}"] = float(1.0 - np.mean(np.sum(got * reference, axis=1)))
    return drops


def _layer_index(name: str, count: int) -> int:
    """The decoder layer a module path lies in ('layers.3.mlp.down_proj' -> 3); 0 (replay nothing) when the
    path names no layer."""
    parts = name.split(".")
    if "layers" in parts[:-1]:
        value = parts[parts.index("layers") + 1]
        if value.isdigit() and int(value) < count:
            return int(value)
    return 0


def _record_layer_outputs(st_model, layers, probes) -> list[list]:
    """Each layer's outputs over one clean pass of the probes, in call order."""
    recorded: list[list] = [[] for _ in layers]
    hooks = [layer.register_forward_hook(lambda mod, args, out, i=i: recorded[i].append(out))
             for i, layer in enumerate(layers)]
    try:
        reference_vectors(st_model, probes)
    finally:
        for hook in hooks:
            hook.remove()
    return recorded


@contextmanager
def _replay_layers(layers, recorded):
    """Within the block, each given layer returns (a copy of) its recorded outputs in order instead of
    computing them; the layers after it run for real on them."""
    import torch

    def copy(value):
        if isinstance(value, torch.Tensor):
            return value.clone()
        return type(value)(copy(v) for v in value) if isinstance(value, tuple) else value

    def replay(outputs):
        feed = iter(outputs)
        return lambda *args, **kwargs: copy(next(feed))

    for i, layer in enumerate(layers):
        layer.forward = replay(recorded[i])
    try:
        yield
    finally:
        for layer in layers:
            del layer.forward          # the class's forward again


def down_proj_to_quantize(drops: dict[str, float], budget: float | None = None) -> list[str]:
    """The least sensitive down projections whose summed cosine loss stays within budget (default
    DOWN_PROJ_BUDGET)."""
    budget = DOWN_PROJ_BUDGET if budget is None else budget
    chosen, spent = [], 0.0
    for name, drop in sorted(drops.items(), key=lambda kv: (kv[1], kv[0])):
        spent += max(drop, 0.0)
        if spent > budget:
            break
        chosen.append(name)
    return chosen


def quantize_int8(fp32_path: Path, out_path: Path, int8_down_proj: list[str] | tuple[str, ...] = (), *,
                  weight_bits: int = 7) -> list[str]:
    """Dynamic int8 (per channel) except the MLP down projections, which int8 hurts most, other than those
    named in int8_down_proj (module paths, see down_proj_sensitivity), and the layers outside the transformer
    (the Dense heads: one row per text, so int8 saves nothing there and costs accuracy); returns the names of
    the MatMuls kept in fp32.

    weight_bits 7 (reduce_range): without VNNI the u8 x s8 kernel adds pairs in int16 and saturates with
    full-range weights (probe cosine 0.92 on an AVX2-only EPYC, 0.30 with the down projections in int8 too;
    7 bits: 0.995). With VNNI (AVX512-VNNI / AVX-VNNI) 8 bits is exact and halves the weights' rounding:
    build_onnx takes the range index.model.files.int8_weight_bits reads from the CPU's flags."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    if weight_bits not in (7, 8):
        raise ValueError(f"weight_bits must be 7 or 8, got {weight_bits!r}")
    quantized = set(int8_down_proj)
    model = onnx.load(str(fp32_path), load_external_data=False)
    keep_fp32 = []
    for node in model.graph.node:
        if node.op_type not in ("MatMul", "Gemm"):
            continue
        scopes = _module_path(node)
        down = any(s.endswith("down_proj") for s in scopes) and not quantized.intersection(scopes)
        recorded = [s for s in _name_scopes(node) if s]
        head = bool(recorded) and not any(s.startswith("transformer") for s in recorded)
        if down or head:
            keep_fp32.append(node.name)
    del model
    # quantize_dynamic turns a Gemm into a MatMul named <name>_MatMul before it quantizes.
    exclude = keep_fp32 + [name + "_MatMul" for name in keep_fp32]
    # Weights in an external file: the session then opens in 0.6 s instead of 1.3-1.6 s (protobuf parse).
    quantize_dynamic(str(fp32_path), str(out_path), weight_type=QuantType.QInt8, per_channel=True,
                     reduce_range=weight_bits == 7, nodes_to_exclude=exclude, use_external_data_format=True)
    return keep_fp32


# ------------------------------------------------------------------------------------------- checking

def reference_vectors(st_model, probes=PROBES) -> np.ndarray:
    """What SentenceTransformerEmbedder gives for each probe (its prompts, its token cap)."""
    st_model.max_seq_length = min(MAX_SEQ_LENGTH, st_model.max_seq_length or 10 ** 6)
    out = []
    for kind, text in probes:
        encode = st_model.encode_query if kind == "query" else st_model.encode_document
        out.append(encode([text], normalize_embeddings=True, convert_to_numpy=True)[0])
    return np.asarray(out, dtype=np.float32)


def probe_cosines(embedder, reference: np.ndarray, probes=PROBES) -> np.ndarray:
    got = np.stack([embedder.embed_query(t) if kind == "query" else embedder.embed_documents([t])[0]
                    for kind, t in probes])
    return np.sum(got * reference, axis=1) / (
        np.linalg.norm(got, axis=1) * np.linalg.norm(reference, axis=1) + 1e-12)


def _prompts(st_model) -> dict[str, str]:
    prompts = getattr(st_model, "prompts", None) or {}
    return {"query": prompts.get("query", ""), "document": prompts.get("document", "")}


def _write_manifest(folder: Path, info: dict) -> dict:
    files = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.name != MANIFEST:
            files[path.name] = {"size": path.stat().st_size, "sha256": sha256_file(path)}
    manifest = {**info, "files": files}
    tmp = folder / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.rename(folder / MANIFEST)
    return manifest


def build_onnx(model_dir: str | Path, out_dir: str | Path | None = None, *, variants=VARIANTS,
               min_cosine: float = MIN_COSINE, probes=PROBES, force: bool = False,
               progress: Callable[[str], None] = lambda msg: None,
               after_export: Callable[[Path], None] | None = None) -> dict:
    """Export, quantize and verify; returns the manifest of the export kept in out_dir.

    A verified export of the same source model is left alone (unless force). Each variant is built in a
    temporary folder beside out_dir, checked against torch on the probes, and moved into place only when
    every probe reaches min_cosine; otherwise it is deleted, the previous export (if any) is untouched,
    and ExportError says why. after_export (tests) may tamper with the fp32 folder before the check.
    """
    from sentence_transformers import SentenceTransformer

    model_dir = Path(model_dir)
    out_dir = Path(out_dir) if out_dir else onnx_dir_for(model_dir)
    signature = _source_signature(model_dir)
    current = read_manifest(out_dir)
    if current and not force and current.get("source_signature") == signature and export_fits_this_cpu(current):
        progress(f"{out_dir} already verified ({current['variant']}, cosine min {current['cosine_min']:.4f})")
        fast_tokenizer(out_dir, model_dir, current, progress)
        return current

    t0 = time.perf_counter()
    st_model = SentenceTransformer(str(model_dir), local_files_only=True, device="cpu")
    reference = reference_vectors(st_model, probes)
    max_seq_length = int(st_model.max_seq_length)     # the cap torch applied to the reference
    prompts = _prompts(st_model)
    tokenizer_json = model_dir / TOKENIZER_FILE
    if not tokenizer_json.is_file():
        raise ExportError(f"Thiếu {TOKENIZER_FILE} trong {model_dir}. / {model_dir} has no {TOKENIZER_FILE}.")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    failures = []
    with tempfile.TemporaryDirectory(prefix=".onnx-export-", dir=out_dir.parent) as tmp:
        work = Path(tmp)
        fp32_dir = work / "export"
        fp32_dir.mkdir()
        smoothed = 0
        if "int8" in variants:   # exact in fp32: the fp32 variant is the same function
            smoothed = smooth_for_int8(st_model, probes)
            progress(f"smoothed {smoothed} linear groups for int8")
        progress("exporting to ONNX (fp32)...")
        try:
            export_fp32(st_model, fp32_dir / MODEL_FILE)
        except ExportError:
            raise
        except Exception as exc:   # the exporter's own errors are long; keep the head and the type
            raise ExportError(f"Xuất ONNX thất bại. / ONNX export failed: {type(exc).__name__}: "
                              f"{str(exc)[:500]}") from exc
        # Graph steps, each into its own folder: onnxscript's ORT fusions, then the exact rewrites of
        # index.model.rewrite. A step that fails or changes nothing leaves the graph before it in use: that
        # graph is correct, only slower. Each returns what it did, as counts.
        fusions: dict[str, int] = {}
        steps = (("fused", fuse_for_ort),
                 ("rotary_cache", lambda a, b: {"rotary_cache": fuse_rotary(a, b, max_seq_length)}),
                 ("single_kv_head", lambda a, b: {"single_kv_head": fold_single_kv_head(a, b)}),
                 ("merged_matmuls", lambda a, b: {"merged_matmuls": merge_shared_matmuls(a, b)}))
        for name, step in steps:
            step_dir = work / name
            step_dir.mkdir()
            try:
                counts = {k: n for k, n in step(fp32_dir / MODEL_FILE, step_dir / MODEL_FILE).items() if n}
            except Exception as exc:
                progress(f"Bỏ bước {name}. / Step {name} skipped: {type(exc).__name__}: {str(exc)[:300]}")
                continue
            if counts:
                fusions.update(counts)
                fp32_dir = step_dir
                progress(f"{name}: {counts}")
        if after_export:
            after_export(fp32_dir)
        int8_down: list[str] = []
        if "int8" in variants:
            progress("measuring which MLP down projections int8 can take...")
            int8_down = down_proj_to_quantize(down_proj_sensitivity(st_model, probes, reference))
        export_s = time.perf_counter() - t0
        progress(f"exported in {export_s:.0f} s")
        del st_model
        bits = int8_weight_bits()

        def candidate(variant: str):
            """(folder, manifest) of one variant made and checked against torch on the probes; None (the reason
            in failures) when it does not pass."""
            folder = work / variant
            folder.mkdir()
            notes: dict = {}
            try:
                if variant == "fp32":
                    for path in fp32_dir.iterdir():
                        shutil.copy2(path, folder / path.name)
                elif variant == "int8":
                    progress(f"quantizing to int8, {bits}-bit weights ({len(int8_down)} MLP down projections "
                             "in int8, the others fp32)...")
                    notes["fp32_nodes"] = len(quantize_int8(fp32_dir / MODEL_FILE, folder / MODEL_FILE, int8_down,
                                                            weight_bits=bits))
                    notes.update(int8_down_proj=int8_down, weight_bits=bits, cpu_vnni=bits == 8)
                else:
                    raise ExportError(f"Biến thể không rõ: {variant}. / Unknown variant {variant!r}.")
                shutil.copy2(tokenizer_json, folder / TOKENIZER_FILE)
                info = {"verified": False, "variant": variant, "prompts": prompts, "fusions": fusions,
                        "smoothed_groups": smoothed, "smooth_alpha": SMOOTH_ALPHA if smoothed else None,
                        "max_seq_length": max_seq_length, "dim": int(reference.shape[1]),
                        "source": str(model_dir.resolve()), "source_name": model_dir.name,
                        "source_signature": signature, **notes}
                (folder / MANIFEST).write_text(json.dumps(info), encoding="utf-8")
                cosines = probe_cosines(OnnxEmbedder(folder, manifest=info), reference, probes)
            except ExportError:
                raise
            except Exception as exc:   # an export ORT cannot load or run is a failed check, not a crash
                failures.append(f"{folder.name}: {type(exc).__name__}: {str(exc)[:300]}")
                shutil.rmtree(folder, ignore_errors=True)
                return None
            worst = float(np.min(cosines))
            progress(f"{folder.name}: cosine to torch min {worst:.6f}, mean {float(np.mean(cosines)):.6f}")
            if not np.all(np.isfinite(cosines)) or worst < min_cosine:
                failures.append(f"{folder.name}: cosine min {worst:.4f} < {min_cosine}")
                shutil.rmtree(folder, ignore_errors=True)
                return None
            info.update(verified=True, cosine_min=round(worst, 6), cosine_mean=round(float(np.mean(cosines)), 6))
            return folder, info

        # Variants in order of preference, the first that passes is kept; int8 with the weight range this CPU
        # runs exactly (int8_weight_bits: 8 bits with VNNI, else 7), so one int8 variant is made, not two.
        for variant in variants:
            kept = candidate(variant)
            if kept is None:
                continue
            folder, info = kept
            info.update(min_cosine=min_cosine, probes=len(probes), export_seconds=round(export_s, 1),
                        created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
            manifest = _write_manifest(folder, info)
            if out_dir.exists():
                shutil.rmtree(out_dir)
            folder.rename(out_dir)
            progress(f"{out_dir}: {info['variant']} export verified")
            fast_tokenizer(out_dir, model_dir, manifest, progress)
            return manifest
    raise ExportError("Bản ONNX không khớp với mô hình gốc nên bị bỏ; vẫn dùng torch. / ONNX export refused, "
                      "torch stays in use: " + "; ".join(failures))


def fast_tokenizer(out_dir: Path, model_dir: Path, manifest: dict, progress: Callable[[str], None]) -> bool:
    """Beside a verified export, the SentencePiece file that loads 15x faster than tokenizer.json, kept only
    when it gives the same token ids on every probe (index.model.tokenizer); never fails the export."""
    try:
        texts = project_texts(manifest.get("prompts") or {})
        texts += [p + t for kind, t in PROBES for p in ("", (manifest.get("prompts") or {}).get(kind, ""))]
        return build_fast_tokenizer(out_dir, model_dir, texts, max_length=int(manifest["max_seq_length"]),
                                    progress=progress) is not None
    except Exception as exc:
        progress(f"Bỏ đường tách từ nhanh, dùng tokenizer.json. / Fast tokenizer skipped: {type(exc).__name__}: {exc}")
        return False
