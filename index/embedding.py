"""The `Embedder` protocol the index and the answers see, and a hashing embedder for tests and dry runs.

The real model (fetching, exporting, running it) lives in index.model, whose one way in is
index.model.load_embedder; nothing here imports it.
"""
from __future__ import annotations

import zlib
from typing import Protocol, runtime_checkable

import numpy as np

from corpus.text import fold


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """float32 array (len(texts), dim), L2-normalized rows."""

    def embed_query(self, text: str) -> np.ndarray:
        """float32 array (dim,), L2-normalized."""


def l2_normalize(vectors: np.ndarray) -> np.ndarray:
    """float32 rows scaled to unit length (zero rows stay zero)."""
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
        return l2_normalize(np.stack([self._vector(t) for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        return l2_normalize(self._vector(text))
