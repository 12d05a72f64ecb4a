"""EmbeddingGemma (or any sentence-transformers model) on torch: a local folder, or 'hf:NAME' from the hub."""
from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


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
