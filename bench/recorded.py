"""The embedding model's vectors, recorded once and replayed: the model-backed eval without loading the model.

Tests must not load the big model, yet the answerer's goals (accuracy, abstention precision) only hold with
it. `bench/answers.py --model DIR --record FILE` wraps the real embedder in a `RecordingEmbedder` while it
runs the whole eval and saves every document and query vector it made; a test then builds the assistant
with `ReplayEmbedder(FILE)`, which has the embedder interface and serves those vectors back. A text that
was never recorded (the answerer now embeds something else) gets a zero vector and is listed in `missing`,
so the test can say "re-record" instead of silently scoring a keyword-only run.

File: numpy .npz with `keys` (uint8 rows: SHA-1 of "<kind>\\0<text>", kind = doc|query), `vectors` (float16
rows, L2-normalized before rounding) and `meta` (JSON: model name, dim, count, date).
"""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import numpy as np


def text_key(kind: str, text: str) -> bytes:
    return hashlib.sha1(f"{kind}\0{text}".encode("utf-8")).digest()


class RecordingEmbedder:
    """Delegates to a real embedder and keeps every vector it returns, keyed by kind and text."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.vectors: dict[bytes, np.ndarray] = {}

    @property
    def dim(self) -> int:
        return int(self.inner.dim)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        out = self.inner.embed_documents(texts)
        for text, vec in zip(texts, out):
            self.vectors[text_key("doc", text)] = np.asarray(vec, dtype=np.float32)
        return out

    def embed_query(self, text: str) -> np.ndarray:
        vec = self.inner.embed_query(text)
        self.vectors[text_key("query", text)] = np.asarray(vec, dtype=np.float32)
        return vec

    def save(self, path: Path) -> int:
        keys = sorted(self.vectors)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {"model": self.name, "dim": self.dim, "count": len(keys),
                "recorded": time.strftime("%Y-%m-%d")}
        with open(path, "wb") as fh:  # np.savez would append ".npz" to a name without it
            np.savez_compressed(
                fh, keys=np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), 20),
                vectors=np.stack([self.vectors[k] for k in keys]).astype(np.float16) if keys
                else np.zeros((0, self.dim), dtype=np.float16),
                meta=np.array(json.dumps(meta)))
        return len(keys)


class ReplayEmbedder:
    """Serves recorded vectors through the embedder interface; unknown texts get a zero vector and are noted."""

    def __init__(self, path: Path):
        with np.load(Path(path)) as data:
            self.meta = json.loads(str(data["meta"]))
            keys, vectors = data["keys"], data["vectors"].astype(np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.where(norms == 0, 1, norms)
        self._vectors = {bytes(k): v for k, v in zip(keys, vectors)}
        self.dim = int(self.meta["dim"])
        self.name = f"{self.meta['model']}+replay"
        self.missing: list[tuple[str, str]] = []

    def __len__(self) -> int:
        return len(self._vectors)

    def _get(self, kind: str, text: str) -> np.ndarray:
        vec = self._vectors.get(text_key(kind, text))
        if vec is None:
            self.missing.append((kind, text))
            return np.zeros(self.dim, dtype=np.float32)
        return vec

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._get("doc", t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._get("query", text)
