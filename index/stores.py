"""On-disk stores: BM25 over SQLite FTS5 (lexical) and a FAISS inner-product index (dense)."""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Callable, Collection, Sequence

import numpy as np

_FTS_SCHEMA = "CREATE VIRTUAL TABLE fts USING fts5(terms, plan UNINDEXED, kind UNINDEXED, tokenize=\"unicode61 tokenchars '_'\")"


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def fts_query(terms: Sequence[str]) -> str:
    """An FTS5 OR-query where every term is a quoted string, so no user text acts as FTS syntax."""
    unique = dict.fromkeys(t for t in terms if t)
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in unique)


class LexicalStore:
    """BM25 ranking by SQLite FTS5 over pre-analysed terms; row i+1 holds document i."""

    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn
        self._lock = threading.Lock()

    @classmethod
    def build(cls, path: Path, rows: Sequence[tuple[list[str], str, str]], stamp: str) -> LexicalStore:
        """rows: (terms, plan, kind) per document, in document order. Written to a temp file, then renamed."""
        tmp = _tmp(path)
        tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(tmp)
        with conn:
            conn.execute(_FTS_SCHEMA)
            conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            conn.executemany("INSERT INTO fts (rowid, terms, plan, kind) VALUES (?, ?, ?, ?)",
                             ((i + 1, " ".join(t), plan, kind) for i, (t, plan, kind) in enumerate(rows)))
            conn.executemany("INSERT INTO meta VALUES (?, ?)", [("stamp", stamp), ("count", str(len(rows)))])
        conn.close()
        os.replace(tmp, path)
        return cls.load(path, stamp, len(rows))

    @classmethod
    def load(cls, path: Path, stamp: str, count: int) -> LexicalStore:
        """Open a store built for this stamp and document count; raises ValueError/sqlite3.Error otherwise."""
        if not path.is_file():
            raise ValueError("missing")
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta"))
            if meta.get("stamp") != stamp or meta.get("count") != str(count):
                raise ValueError("stale")
            conn.execute("SELECT rowid FROM fts WHERE fts MATCH '\"x\"' LIMIT 1").fetchall()
        except Exception:
            conn.close()
            raise
        return cls(conn)

    def search(self, terms: Sequence[str], limit: int, plans: Collection[str] | None = None,
               kinds: Collection[str] | None = None) -> list[int]:
        """Document positions, best BM25 first, filtered by plan/kind before the limit."""
        query = fts_query(terms)
        if not query or limit <= 0:
            return []
        sql = "SELECT rowid FROM fts WHERE fts MATCH ?"
        args: list = [query]
        for column, values in (("plan", plans), ("kind", kinds)):
            if values is not None:
                values = list(values)
                sql += f" AND {column} IN ({','.join('?' * len(values))})"
                args += values
        sql += " ORDER BY rank LIMIT ?"
        args.append(limit)
        with self._lock:
            return [rowid - 1 for (rowid,) in self._conn.execute(sql, args)]

    def close(self) -> None:
        self._conn.close()


class DenseStore:
    """Normalized vectors in a FAISS IndexFlatIP (inner product = cosine); a JSON sidecar says what built it."""

    def __init__(self, index):
        self.index = index

    @staticmethod
    def _sidecar(path: Path) -> Path:
        return path.with_suffix(".json")

    @classmethod
    def build(cls, path: Path, vectors: np.ndarray, meta: dict) -> DenseStore:
        import faiss
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        index = faiss.IndexFlatIP(int(meta["dim"]))
        if len(vectors):
            index.add(vectors)
        tmp = _tmp(path)
        faiss.write_index(index, str(tmp))
        os.replace(tmp, path)
        side = cls._sidecar(path)
        # The sidecar is written last: it marks the vectors file as complete.
        _tmp(side).write_text(json.dumps({**meta, "count": int(index.ntotal)}), encoding="utf-8")
        os.replace(_tmp(side), side)
        return cls(index)

    @classmethod
    def load(cls, path: Path, meta: dict) -> DenseStore:
        """Open vectors built with exactly this meta (corpus stamp, model name, dim); raises otherwise."""
        import faiss
        side = json.loads(cls._sidecar(path).read_text(encoding="utf-8"))
        if {k: side.get(k) for k in meta} != meta:
            raise ValueError("stale")
        index = faiss.read_index(str(path))
        if index.d != int(meta["dim"]) or index.ntotal != side.get("count"):
            raise ValueError("inconsistent")
        return cls(index)

    def search(self, vector: np.ndarray, limit: int, allowed: np.ndarray | None = None) -> list[int]:
        """Document positions by inner product; with allowed (bool mask), others are skipped before the limit."""
        return [pos for pos, _ in self.scored(vector, limit, allowed)]

    def scored(self, vector: np.ndarray, limit: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(position, cosine) pairs, best first; with allowed (bool mask), others are skipped before the limit."""
        n = self.index.ntotal
        if n == 0 or limit <= 0:
            return []
        depth = n if allowed is not None else min(limit, n)
        sims, ids = self.index.search(np.asarray(vector, dtype=np.float32).reshape(1, -1), depth)
        out = [(int(i), float(s)) for i, s in zip(ids[0], sims[0]) if i >= 0 and (allowed is None or allowed[i])]
        return out[:limit]


class VectorCache:
    """Document vectors kept by (model, sha256 of text), so a changed corpus only embeds the changed docs.

    Entries not used by the latest build are dropped once they outnumber the used ones twice over.
    """

    def __init__(self, path: Path, model: str, dim: int):
        self.path, self.model, self.dim = path, model, dim

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path)
        conn.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT, key TEXT, vec BLOB, PRIMARY KEY (model, key))")
        return conn

    def embed(self, texts: Sequence[str], embed: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        try:
            conn = self._connect()
            rows = conn.execute("SELECT key, vec FROM vectors WHERE model = ?", (self.model,)).fetchall()
        except sqlite3.DatabaseError:           # corrupt cache: start a new one
            self.path.unlink(missing_ok=True)
            conn, rows = self._connect(), []
        known = {k: np.frombuffer(v, dtype=np.float32) for k, v in rows}
        known = {k: v for k, v in known.items() if v.shape == (self.dim,)}
        missing = list(dict.fromkeys(k for k in keys if k not in known))
        if missing:
            by_key = dict(zip(keys, texts))
            fresh = np.asarray(embed([by_key[k] for k in missing]), dtype=np.float32)
            known.update(zip(missing, fresh))
            with conn:
                conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                                 [(self.model, k, known[k].tobytes()) for k in missing])
        used = set(keys)
        if len(known) > 3 * len(used):
            with conn:
                conn.executemany("DELETE FROM vectors WHERE model = ? AND key = ?",
                                 [(self.model, k) for k in known if k not in used])
        conn.close()
        return np.stack([known[k] for k in keys]) if keys else np.zeros((0, self.dim), dtype=np.float32)
