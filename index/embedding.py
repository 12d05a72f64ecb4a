"""Text embedders: the real model on torch (sentence-transformers) or ONNX Runtime, and a hashing one for tests."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import zlib
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from corpus.text import fold

log = logging.getLogger(__name__)


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """float32 array (len(texts), dim), L2-normalized rows."""

    def embed_query(self, text: str) -> np.ndarray:
        """float32 array (dim,), L2-normalized."""


def _normalize(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


class HashEmbedder:
    """Deterministic bag of hashed folded words and character trigrams; no model, for tests and dry runs."""

    def __init__(self, dim: int = 256, name: str | None = None):
        self.dim = dim
        self.name = name or f"hash-ngram-{dim}"

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        folded = " ".join(fold(text).split())
        feats = folded.split() + [f"#{folded[i:i + 3]}" for i in range(max(0, len(folded) - 2))]
        for feat in feats:
            h = zlib.crc32(feat.encode("utf-8"))
            vec[h % self.dim] += 1.0 if (h >> 31) & 1 else -1.0
        return vec

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalize(np.stack([self._vector(t) for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalize(self._vector(text))


def _local_dim(path: Path) -> int | None:
    """Output size read from a sentence-transformers folder (last Dense layer, else pooling) without loading it."""
    try:
        modules = json.loads((path / "modules.json").read_text(encoding="utf-8"))
        dim = None
        for module in modules:
            cfg_path = path / module.get("path", "") / "config.json"
            if not module.get("path") or not cfg_path.exists():
                continue
            cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
            dim = cfg.get("out_features") or cfg.get("word_embedding_dimension") or dim
        return int(dim) if dim else None
    except (OSError, ValueError, TypeError):
        return None


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local folder (offline) or, with 'hf:NAME', from the hub.

    The model loads on first use, so an unchanged index opens without importing torch. Documents and
    queries go through encode_document / encode_query, i.e. the model's own prompts.
    """

    def __init__(self, source: str | Path, *, hub: bool = False, batch_size: int = 16,
                 truncate_dim: int | None = None, bfloat16: bool = False, progress: bool = True,
                 max_seq_length: int | None = 256):
        self.source = str(source)
        # Records are short; capping tokens keeps attention cost (quadratic in length) low on 2 cores.
        self.max_seq_length = max_seq_length
        self.hub = hub
        self.batch_size = batch_size
        self.truncate_dim = truncate_dim
        self.bfloat16 = bfloat16
        self.progress = progress
        base = self.source.rstrip("/").split("/")[-1]
        self.name = base + (f"@{truncate_dim}" if truncate_dim else "") + (
            f"#len{max_seq_length}" if max_seq_length else "")
        self._model = None
        self._dim = truncate_dim or (None if hub else _local_dim(Path(self.source)))

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self.model.get_sentence_embedding_dimension())
        return self._dim

    @property
    def model(self):
        if self._model is None:
            kwargs = {}
            if not self.hub:
                kwargs["local_files_only"] = True   # a local folder never reaches for the network
            if self.bfloat16:
                import torch
                kwargs["model_kwargs"] = {"torch_dtype": torch.bfloat16}
            from sentence_transformers import SentenceTransformer
            log.info("loading embedding model %s", self.source)
            self._model = SentenceTransformer(self.source, truncate_dim=self.truncate_dim, **kwargs)
            if self.max_seq_length:
                self._model.max_seq_length = min(self.max_seq_length, self._model.max_seq_length or 10**6)
        return self._model

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self.model.encode_document(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                         convert_to_numpy=True, show_progress_bar=self.progress)
        return np.asarray(out, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        out = self.model.encode_query(text, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(out, dtype=np.float32)


class OnnxEmbedder:
    """A verified ONNX export (index.onnx_export) run by ONNX Runtime; never imports torch.

    The graph holds transformer, mean pooling, Dense layers and normalization; tokens come from the
    model's tokenizer.json through the `tokenizers` library (its template adds <bos>/<eos> exactly as the
    HF tokenizer does), with the model's prompts and the same 256-token cap as the torch embedder, so the
    vectors match torch's (cosine checked at export). Where the export step found the model's SentencePiece
    file gives the same ids, it is used instead: it loads in 0.1 s, tokenizer.json in 1.5 s (index.fast_tokenizer).
    The session opens on first use.
    """

    def __init__(self, folder: str | Path, *, manifest: dict | None = None, batch_size: int = 8,
                 threads: int = 2, mem_arena: bool = False, progress: bool = True, spinning: str = "auto"):
        from index.onnx_export import MODEL_FILE, read_manifest

        if spinning not in SPINNING:
            raise ValueError(f"spinning must be one of {SPINNING}, got {spinning!r}")
        self.folder = Path(folder)
        self.manifest = manifest if manifest is not None else read_manifest(self.folder)
        if self.manifest is None:
            raise ValueError(f"no verified ONNX export in {self.folder}")
        self.batch_size, self.threads, self.mem_arena, self.progress = batch_size, threads, mem_arena, progress
        self.spinning = spinning
        self.max_seq_length = int(self.manifest["max_seq_length"])
        self.prompts = self.manifest.get("prompts") or {}
        self.dim = int(self.manifest["dim"])
        self.variant = self.manifest["variant"]
        # The backend is part of the name: the dense index and the vector cache key on it, so vectors
        # from torch, from each ONNX variant and from each export (a new quantization gives slightly
        # different vectors) are never mixed.
        files = self.manifest.get("files") or {}
        export_id = hashlib.sha256("".join(f"{k}:{v.get('sha256', '')}" for k, v in sorted(files.items())
                                           if k != "tokenizer.json").encode()).hexdigest()[:8]
        self.name = (f"{self.manifest.get('source_name', self.folder.name)}#len{self.max_seq_length}"
                     f"+onnx-{self.variant}-{export_id}")
        self._model_path = self.folder / MODEL_FILE
        self._sessions: dict[bool, object] = {}
        self._tokenizer = None
        self._lock = threading.Lock()
        self._running = 0
        self._was_busy = False

    @property
    def tokenizer(self):
        if self._tokenizer is None:
            # tokenizer.model when the export step checked it gives the same ids (0.1 s instead of 1.5 s
            # for tokenizer.json), else tokenizer.json; see index.fast_tokenizer.
            from index.fast_tokenizer import load_tokenizer
            self._tokenizer = load_tokenizer(self.folder, self.max_seq_length)
        return self._tokenizer

    def _open(self, spinning: bool):
        import onnxruntime as ort
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self.threads
        opts.inter_op_num_threads = 1
        opts.enable_cpu_mem_arena = self.mem_arena
        opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
        # Spinning only inside a run: the threads stop as soon as it returns, so an idle bot burns no CPU.
        opts.add_session_config_entry("session.force_spinning_stop", "1")
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        log.info("loading ONNX embedding model %s (%s, spinning %s)", self._model_path, self.variant, spinning)
        return ort.InferenceSession(str(self._model_path), opts, providers=["CPUExecutionProvider"])

    def session(self, spinning: bool):
        with self._lock:
            if spinning not in self._sessions:
                self._sessions[spinning] = self._open(spinning)
            return self._sessions[spinning]

    def spin_now(self) -> bool:
        """Whether this call's threads should spin between the graph's ops instead of sleeping.

        Spinning hands work between the 2 threads without a wake-up per op: query p50 ~20 ms instead of
        ~29 ms on a quiet machine. When the cores are busy it is the other way round (54 ms vs 31 ms with
        two CPU-bound jobs beside it), so 'auto' spins only when no other embedding of this process is
        running and, at this call or the one before, fewer other tasks were runnable than half the cores
        (the kernel's count in /proc/loadavg; the 1-minute average lags by minutes). A second session (the
        sleeping one) is opened only the first time the machine is found busy."""
        if self.spinning != "auto":
            return self.spinning == "on"
        if self._running:
            return False
        busy = runnable_others() >= QUIET_LOAD * (os.cpu_count() or 1)
        # Two busy readings in a row: a task that is runnable for an instant (1 reading in 35 here while
        # idle) should not open the second session.
        was_busy, self._was_busy = self._was_busy, busy
        return not (busy and was_busy)

    def _run(self, encodings, session) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, enc in enumerate(encodings):
            ids[row, :len(enc.ids)] = enc.ids
            mask[row, :len(enc.ids)] = 1
        out = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return _normalize(out)

    def _embed(self, texts: list[str], prompt: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encodings = self.tokenizer.encode_batch([prompt + t for t in texts])
        # Similar lengths in one batch: padding costs as much as real tokens.
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        starts = range(0, len(order), self.batch_size)
        if self.progress and len(order) > self.batch_size:
            from tqdm import tqdm
            starts = tqdm(starts, desc="Embedding", unit="batch")
        session = self.session(self.spin_now())
        with self._lock:
            self._running += 1
        try:
            for start in starts:
                chunk = order[start:start + self.batch_size]
                out[chunk] = self._run([encodings[i] for i in chunk], session)
        finally:
            with self._lock:
                self._running -= 1
        return out

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return self._embed(list(texts), self.prompts.get("document", ""))

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([text], self.prompts.get("query", ""))[0]


BACKENDS = ("auto", "torch", "onnx")
SPINNING = ("auto", "on", "off")
QUIET_LOAD = 0.5      # other runnable tasks per core under which 'auto' spins


def runnable_others() -> float:
    """Tasks of other processes runnable right now (Linux: /proc/loadavg's count less this process's running
    threads, e.g. ONNX Runtime's own pool still winding down), else the 1-minute load average."""
    try:
        with open("/proc/loadavg", encoding="ascii") as fh:
            total = int(fh.read().split()[3].split("/")[0])
        own = 0
        for task in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{task}/stat", encoding="ascii", errors="replace") as fh:
                    own += fh.read().rsplit(")", 1)[1].split()[0] == "R"
            except (OSError, IndexError):
                continue
        return max(0, total - max(own, 1))
    except (OSError, IndexError, ValueError):
        try:
            return os.getloadavg()[0]
        except OSError:
            return float("inf")


def load_embedder(spec: str | None, *, backend: str = "auto", onnx_dir: str | Path | None = None,
                  mem_arena: bool = False, spinning: str = "auto", **kwargs) -> Embedder | None:
    """'none'/None/'' -> None; 'hash' -> HashEmbedder; 'hf:NAME' -> hub model; else a local model folder.

    A local folder that does not exist (or lacks modules.json) gives None with a warning, so the caller
    falls back to lexical search instead of failing. For a local folder, backend 'auto' picks the
    verified ONNX export beside it (onnx_dir, default '<folder>-onnx', see index.onnx_export) when there
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
                    "run `python -m index.fetch_model %s` to fetch it", path, path)
        return None
    if backend != "torch":
        from index.onnx_export import export_fits_this_cpu, onnx_dir_for, read_manifest
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
