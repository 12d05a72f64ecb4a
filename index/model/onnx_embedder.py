"""A verified ONNX export run by ONNX Runtime: the embedder the assistant serves with; never imports torch."""
from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path

import numpy as np

from index.embedding import l2_normalize
from index.model.files import MODEL_FILE, read_manifest
from index.model.tokenizer import load_tokenizer

log = logging.getLogger(__name__)

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


class OnnxEmbedder:
    """A verified ONNX export (index.model.export) run by ONNX Runtime; never imports torch.

    The graph holds transformer, mean pooling, Dense layers and normalization; tokens come from the
    model's tokenizer.json through the `tokenizers` library (its template adds <bos>/<eos> exactly as the
    HF tokenizer does), with the model's prompts and the same 256-token cap as the torch embedder, so the
    vectors match torch's (cosine checked at export). Where the export step found the model's SentencePiece
    file gives the same ids, it is used instead: it loads in 0.1 s, tokenizer.json in 1.5 s (index.model.tokenizer).
    The session opens on first use.
    """

    def __init__(self, folder: str | Path, *, manifest: dict | None = None, batch_size: int = 8,
                 threads: int = 2, mem_arena: bool = False, progress: bool = True, spinning: str = "auto"):
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
            # for tokenizer.json), else tokenizer.json; see index.model.tokenizer.
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
        return l2_normalize(out)

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
