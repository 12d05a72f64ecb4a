"""On-disk stores: BM25 over SQLite FTS5 (lexical) and a FAISS inner-product index (dense)."""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sqlite3
import threading
from collections import Counter, OrderedDict
from pathlib import Path
from typing import Callable, Collection, Sequence

import numpy as np

_FTS_SCHEMA = "CREATE VIRTUAL TABLE fts USING fts5(terms, plan UNINDEXED, kind UNINDEXED, tokenize=\"unicode61 tokenchars '_'\")"


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


# Terms FTS5's unicode61 tokenizer keeps whole (one token each): the postings below mirror its index exactly.
_PLAIN_TERM = re.compile(r"[0-9a-z_]+")
POSTINGS_VERSION = "1"
POSTINGS_CACHE = 4096
MAX_RANGES = 24             # without postings, a filter of at most this many ranges is one FTS5 query per range       # terms whose postings stay in memory
_K1, _B = 1.2, 0.75         # FTS5's bm25() constants


def fts_query(terms: Sequence[str]) -> str:
    """An FTS5 OR-query where every term is a quoted string, so no user text acts as FTS syntax."""
    unique = dict.fromkeys(t for t in terms if t)
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in unique)


class LexicalStore:
    """BM25 ranking by SQLite FTS5 over pre-analysed terms; row i+1 holds document i."""

    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn
        self._lock = threading.Lock()
        self.postings = Postings.open(conn, self._lock)

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
            Postings.write(conn, [t for t, _, _ in rows])
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
            if meta.get("postings") not in (POSTINGS_VERSION, "none"):
                raise ValueError("no postings")
            conn.execute("SELECT rowid FROM fts WHERE fts MATCH '\"x\"' LIMIT 1").fetchall()
        except Exception:
            conn.close()
            raise
        return cls(conn)

    def search(self, terms: Sequence[str], limit: int, plans: Collection[str] | None = None,
               kinds: Collection[str] | None = None, ranges: Sequence[tuple[int, int]] | None = None) -> list[int]:
        """Document positions, best BM25 first, filtered by plan/kind before the limit. Ranges ((first, last)
        document positions), when given, are the same filter as positions: only the documents in them are
        ranked (by the postings, or by FTS5 one query per range; BM25 statistics stay the whole table's)."""
        query = fts_query(terms)
        if not query or limit <= 0:
            return []
        if self.postings is not None and (found := self.postings.search(list(dict.fromkeys(t for t in terms if t)),
                                                                         limit, ranges)) is not None:
            return found
        if ranges is not None and len(ranges) <= MAX_RANGES:
            return self._search_ranges(query, limit, ranges)
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

    def _search_ranges(self, query: str, limit: int, ranges: Sequence[tuple[int, int]]) -> list[int]:
        sql = "SELECT rank, rowid FROM fts WHERE fts MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rank LIMIT ?"
        rows: list[tuple[float, int]] = []
        with self._lock:
            for first, last in ranges:
                rows += self._conn.execute(sql, (query, first + 1, last + 1, limit)).fetchall()
        # equal ranks in row order, as one query over the whole table gives them
        rows.sort()
        return [rowid - 1 for _, rowid in rows[:limit]]

    def close(self) -> None:
        self._conn.close()


class Postings:
    """FTS5's own BM25 ranking, computed from term postings kept beside the FTS5 table.

    FTS5 sorts every matching row by bm25() and, for each query, counts each term's documents over the whole
    table: the cost grows with the corpus even when one plan is asked. The postings (per term: document
    positions and term frequencies; per document: its length in tokens) give the same numbers: the same
    formula, in the same order of floating-point operations, so the same scores and, with ties in document
    order as FTS5 lists them, the same ranking (tests/test_index.py compares both). Only the documents of the
    plans asked are scored; a query over all plans is a few numpy operations per term.
    """

    def __init__(self, conn: sqlite3.Connection, lock: threading.Lock, lengths: np.ndarray):
        self._conn, self._lock = conn, lock
        self.count = len(lengths)
        avgdl = float(int(lengths.sum())) / float(self.count) if self.count else 1.0
        # k1 * (1 - b + b * D / avgdl), as FTS5 computes it per row
        self._norm = _K1 * ((1 - _B) + (_B * lengths.astype(np.float64)) / avgdl)
        self._cache: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()

    @staticmethod
    def write(conn: sqlite3.Connection, rows: Sequence[Sequence[str]]) -> None:
        """Store the postings of the documents' terms (or mark them absent when a term is not plain)."""
        conn.execute("CREATE TABLE postings (term TEXT PRIMARY KEY, docs BLOB, tfs BLOB)")
        conn.execute("CREATE TABLE blobs (key TEXT PRIMARY KEY, value BLOB)")
        if any(not _PLAIN_TERM.fullmatch(t) for doc in rows for t in doc):
            conn.execute("INSERT INTO meta VALUES ('postings', 'none')")
            return
        by_term: dict[str, tuple[list[int], list[int]]] = {}
        for pos, doc in enumerate(rows):
            for term, tf in Counter(doc).items():
                docs, tfs = by_term.setdefault(term, ([], []))
                docs.append(pos)
                tfs.append(tf)
        conn.executemany("INSERT INTO postings VALUES (?, ?, ?)",
                         ((t, np.asarray(d, dtype=np.int32).tobytes(), np.asarray(f, dtype=np.int32).tobytes())
                          for t, (d, f) in by_term.items()))
        lengths = np.asarray([len(doc) for doc in rows], dtype=np.int32)
        conn.execute("INSERT INTO blobs VALUES ('lengths', ?)", (lengths.tobytes(),))
        conn.execute("INSERT INTO meta VALUES ('postings', ?)", (POSTINGS_VERSION,))

    @classmethod
    def open(cls, conn: sqlite3.Connection, lock: threading.Lock) -> Postings | None:
        try:
            row = conn.execute("SELECT value FROM blobs WHERE key = 'lengths'").fetchone()
        except sqlite3.Error:
            return None
        return cls(conn, lock, np.frombuffer(row[0], dtype=np.int32)) if row else None

    def _term(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        with self._lock:
            found = self._cache.get(term)
            if found is not None:
                self._cache.move_to_end(term)
                return found
            row = self._conn.execute("SELECT docs, tfs FROM postings WHERE term = ?", (term,)).fetchone()
            if row is None:
                return None
            found = (np.frombuffer(row[0], dtype=np.int32), np.frombuffer(row[1], dtype=np.int32).astype(np.float64))
            self._cache[term] = found
            if len(self._cache) > POSTINGS_CACHE:
                self._cache.popitem(last=False)
            return found

    def search(self, terms: Sequence[str], limit: int, ranges: Sequence[tuple[int, int]] | None) -> list[int] | None:
        """Positions of the best `limit` documents (in ranges of positions, when given), as FTS5's
        `MATCH '"t1" OR "t2" …' ORDER BY rank` lists them; None for a term FTS5 would tokenize otherwise."""
        if not all(_PLAIN_TERM.fullmatch(t) for t in terms):
            return None
        if ranges is not None and not ranges:
            return []
        mask = None
        if ranges is not None and len(ranges) > 64:
            mask = np.zeros(self.count, dtype=bool)
            for first, last in ranges:
                mask[first:last + 1] = True
        docs_parts, contrib_parts = [], []
        for term in terms:      # the query's phrase order: scores add up term by term, as in FTS5
            found = self._term(term)
            if found is None:
                continue
            docs, tfs = found
            n_hit = len(docs)
            idf = math.log((self.count - n_hit + 0.5) / (n_hit + 0.5))
            if idf <= 0.0:
                idf = 1e-6
            if mask is not None:
                keep = mask[docs]
                docs, tfs = docs[keep], tfs[keep]
            elif ranges is not None:
                cuts = [(np.searchsorted(docs, a), np.searchsorted(docs, b, side="right")) for a, b in ranges]
                docs = np.concatenate([docs[lo:hi] for lo, hi in cuts])
                tfs = np.concatenate([tfs[lo:hi] for lo, hi in cuts])
            if not len(docs):
                continue
            docs_parts.append(docs)
            contrib_parts.append(idf * ((tfs * (_K1 + 1.0)) / (tfs + self._norm[docs])))
        if not docs_parts:
            return []
        docs = np.concatenate(docs_parts)
        unique, inverse = np.unique(docs, return_inverse=True)
        scores = np.bincount(inverse, weights=np.concatenate(contrib_parts))    # summed in term order
        order = np.lexsort((unique, -scores))[:limit]
        return [int(p) for p in unique[order]]


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
        """Document positions by inner product; with allowed (positions, or a bool mask), others are skipped
        before the limit."""
        return [pos for pos, _ in self.scored(vector, limit, allowed)]

    def scored(self, vector: np.ndarray, limit: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(position, cosine) pairs, best first; with allowed (sorted positions, or a bool mask over all docs),
        only those docs are scored (a FAISS id selector: the cost follows the allowed docs, not the index).
        Filtered results list equal cosines in position order."""
        n = self.index.ntotal
        if n == 0 or limit <= 0:
            return []
        x = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        if allowed is None:
            sims, ids = self.index.search(x, min(limit, n))
            return [(int(i), float(s)) for i, s in zip(ids[0], sims[0]) if i >= 0]
        import faiss
        ids = np.flatnonzero(allowed) if allowed.dtype == bool else np.ascontiguousarray(allowed, dtype=np.int64)
        ids = ids.astype(np.int64, copy=False)
        if not len(ids):
            return []
        selector = faiss.IDSelectorArray(len(ids), faiss.swig_ptr(ids))     # ids and selector outlive the search
        params = faiss.SearchParameters(sel=selector)
        k = min(len(ids), limit + 8)
        while True:
            sims, got = self.index.search(x, k, params=params)
            sims, got = sims[0], got[0]
            keep = got >= 0
            sims, got = sims[keep], got[keep]
            order = np.lexsort((got, -sims))
            sims, got = sims[order], got[order]
            # exact unless cosines tie across the cut: then a doc left out may come first by position
            if k >= len(ids) or len(got) <= limit or sims[limit - 1] > sims[-1]:
                break
            k = min(len(ids), k * 4)
        return [(int(i), float(s)) for i, s in zip(got[:limit], sims[:limit])]


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
