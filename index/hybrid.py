"""Hybrid retrieval: BM25 (FTS5) and dense (FAISS) rankings fused by reciprocal rank, persisted on disk."""
from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Collection, Sequence

import numpy as np

from index.abbreviations import Abbreviations, load_abbreviations
from index.docs import Doc
from index.embedding import Embedder
from index.fusion import reciprocal_rank_fusion
from index.stores import DenseStore, LexicalStore, VectorCache
from corpus.text import words
from index.text import DiacriticRestorer, terms

log = logging.getLogger(__name__)

# Bump when analysis or the document text fed to the stores changes: every index rebuilds once.
ANALYSIS_VERSION = "terms-bigram-v5"
LEXICAL_FILE = "lexical.sqlite"
DENSE_FILE = "dense.faiss"
VECTORS_FILE = "vectors.sqlite"
RRF_K = 60          # bench/retrieval.py: hybrid MRR 0.956-0.959 for any k in 5..100; kept the usual 60
QUERY_CACHE = 256


def _runs(positions: np.ndarray) -> list[tuple[int, int]]:
    """Sorted positions as (first, last) runs of consecutive positions."""
    if not len(positions):
        return []
    breaks = np.flatnonzero(np.diff(positions) != 1)
    firsts = np.concatenate(([positions[0]], positions[breaks + 1]))
    lasts = np.concatenate((positions[breaks], [positions[-1]]))
    return [(int(a), int(b)) for a, b in zip(firsts, lasts)]


@dataclass(frozen=True)
class Hit:
    doc: Doc
    score: float                 # fused RRF score (higher is better)
    lexical_rank: int | None     # 1-based rank in the lexical list, None if absent
    dense_rank: int | None       # 1-based rank in the dense list, None if absent or lexical-only
    similarity: float | None = None   # cosine of question and doc when in the dense list


def corpus_stamp(docs: Sequence[Doc], abbreviations: Abbreviations) -> str:
    digest = hashlib.sha256(ANALYSIS_VERSION.encode())
    digest.update(abbreviations.signature().encode("utf-8"))
    for d in docs:
        digest.update(json.dumps([d.id, d.text, d.kind, d.plan, d.first_line, d.last_line],
                                 ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def shared_span_vectors(docs: Sequence[Doc], embed) -> np.ndarray:
    """One vector per span of plan lines: a target or a duty written as prose is also a passage of the same
    lines, and their texts say the same thing; the passage's vector serves all of them (1 embedding, not 2-5)."""
    spans: dict[tuple[str, int, int], list[int]] = {}
    for i, d in enumerate(docs):
        spans.setdefault((d.plan, d.first_line, d.last_line), []).append(i)
    rep = list(range(len(docs)))
    for members in spans.values():
        kinds = sorted(docs[i].kind for i in members)
        # exactly a passage and the one record it is (several targets in one passage keep their own vectors)
        if len(members) == 2 and kinds[0] != kinds[1] and "passage" in kinds:
            passage = next(i for i in members if docs[i].kind == "passage")
            for i in members:
                rep[i] = passage
    reps = sorted(set(rep))
    vectors = np.asarray(embed([docs[i].text for i in reps]), dtype=np.float32)
    row = {i: n for n, i in enumerate(reps)}
    return vectors[[row[rep[i]] for i in range(len(docs))]] if len(docs) else vectors


class HybridIndex:
    """Search over a fixed list of Docs; construct with open()."""

    def __init__(self, docs: Sequence[Doc], lexical: LexicalStore, dense: DenseStore | None,
                 embedder: Embedder | None, abbreviations: Abbreviations, rrf_k: float = RRF_K):
        self.docs = list(docs)
        self.lexical = lexical
        self.dense = dense
        self.embedder = embedder if dense is not None else None
        self.abbreviations = abbreviations
        self.rrf_k = rrf_k
        self.rebuilt: tuple[str, ...] = ()       # which stores open() had to build ("lexical", "dense")
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()
        # filters as integer look-ups, built once: positions per plan, a small code per kind
        by_plan: dict[str, list[int]] = {}
        for pos, d in enumerate(self.docs):
            by_plan.setdefault(d.plan, []).append(pos)
        self._plan_positions = {p: np.asarray(v, dtype=np.int64) for p, v in by_plan.items()}
        self._kind_codes = {k: i for i, k in enumerate(sorted({d.kind for d in self.docs}))}
        self._kind_of = np.array([self._kind_codes[d.kind] for d in self.docs], dtype=np.int16)

    @classmethod
    def open(cls, data_dir: Path, docs: Sequence[Doc], embedder: Embedder | None,
             vector_cache: Path | None = None) -> HybridIndex:
        """Load the stores in data_dir, rebuilding each one whose corpus stamp or model no longer matches
        (or whose files are missing or unreadable). vector_cache (default data_dir/vectors.sqlite) may be
        shared between data folders: vectors are keyed by model and text, so a new folder only embeds
        records no folder has embedded before."""
        data_dir = Path(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        docs = list(docs)
        abbreviations = load_abbreviations(d.text for d in docs)
        stamp = corpus_stamp(docs, abbreviations)
        rebuilt = []

        path = data_dir / LEXICAL_FILE
        try:
            lexical = LexicalStore.load(path, stamp, len(docs))
        except Exception as exc:   # stale, missing or corrupt: all mean "build it again"
            log.info("building lexical index (%s): %d docs", exc, len(docs))
            path.unlink(missing_ok=True)
            rows = [(terms(d.text, abbreviations), d.plan, d.kind) for d in docs]
            lexical = LexicalStore.build(path, rows, stamp)
            rebuilt.append("lexical")

        dense = None
        if embedder is None:
            log.warning("!!! KHÔNG có mô hình nhúng: chỉ tìm kiếm từ khóa (BM25), câu hỏi diễn đạt khác sẽ kém "
                        "chính xác. / No embedding model: lexical-only search. Fetch it with "
                        "`run_bot.py fetch-model` and pass its folder. !!!")
        else:
            path = data_dir / DENSE_FILE
            meta = {"stamp": stamp, "model": embedder.name, "dim": int(embedder.dim)}
            try:
                dense = DenseStore.load(path, meta)
            except Exception as exc:
                log.info("building dense index with %s (%s): %d docs", embedder.name, exc, len(docs))
                cache = VectorCache(Path(vector_cache) if vector_cache else data_dir / VECTORS_FILE,
                                    embedder.name, int(embedder.dim))
                vectors = shared_span_vectors(docs, lambda texts: cache.embed([abbreviations.expand(t) for t in texts],
                                                                           embedder.embed_documents))
                dense = DenseStore.build(path, vectors, meta)
                rebuilt.append("dense")

        index = cls(docs, lexical, dense, embedder, abbreviations)
        index.rebuilt = tuple(rebuilt)
        return index

    @cached_property
    def folded_text(self) -> str:
        """Every indexed text as folded words, one space apart, with a space at each end: "does any plan say
        this phrase?" is a substring test (answers.query reads cue words the plans use as plan wording)."""
        return " " + " | ".join(" ".join(words(d.text)) for d in self.docs) + " "

    @cached_property
    def restorer(self) -> DiacriticRestorer:
        return DiacriticRestorer.from_texts(d.text for d in self.docs)

    def dense_query_text(self, query: str) -> str:
        """What the embedder sees: tone marks restored when typed without, abbreviations spelled out."""
        return self.abbreviations.expand(self.restorer.restore(query))

    def _query_vector(self, query: str) -> np.ndarray:
        with self._cache_lock:
            if query in self._cache:
                self._cache.move_to_end(query)
                return self._cache[query]
        vector = self.embedder.embed_query(self.dense_query_text(query))
        with self._cache_lock:
            self._cache[query] = vector
            if len(self._cache) > QUERY_CACHE:
                self._cache.popitem(last=False)
        return vector

    def _filters(self, plans: Collection[str] | None, kinds: Collection[str] | None):
        """(plans, kinds) with a filter that keeps every doc dropped (None)."""
        if plans is not None:
            plans = set(plans)
            if plans >= self._plan_positions.keys():
                plans = None
        if kinds is not None:
            kinds = set(kinds)
            if kinds >= self._kind_codes.keys():
                kinds = None
        return plans, kinds

    def selection(self, plans: Collection[str] | None, kinds: Collection[str] | None) -> np.ndarray | None:
        """Sorted positions of the docs in those plans and of those kinds; None when that is every doc.
        A look-up per plan and a small integer per kind: no comparison of strings over all docs."""
        plans, kinds = self._filters(plans, kinds)
        if plans is None and kinds is None:
            return None
        if plans is None:
            pos = np.arange(len(self.docs), dtype=np.int64)
        else:
            parts = [self._plan_positions[p] for p in plans if p in self._plan_positions]
            pos = np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
        if kinds is not None:
            wanted = np.zeros(len(self._kind_codes), dtype=bool)
            wanted[[self._kind_codes[k] for k in kinds if k in self._kind_codes]] = True
            pos = pos[wanted[self._kind_of[pos]]]
        return pos

    def lexical_ranking(self, query: str, depth: int, plans: Collection[str] | None = None,
                        kinds: Collection[str] | None = None) -> list[int]:
        analysed = terms(query, self.abbreviations)
        selected = self.selection(plans, kinds)
        if selected is None:
            return self.lexical.search(analysed, depth)
        plans, kinds = self._filters(plans, kinds)
        # only the docs in these ranges are ranked: a plan's docs, not every match of every plan
        return self.lexical.search(analysed, depth, plans, kinds, ranges=_runs(selected))

    def dense_ranking(self, query: str, depth: int, plans: Collection[str] | None = None,
                      kinds: Collection[str] | None = None) -> list[int]:
        return [pos for pos, _ in self.dense_scored(query, depth, plans, kinds)]

    def dense_scored(self, query: str, depth: int, plans: Collection[str] | None = None,
                     kinds: Collection[str] | None = None) -> list[tuple[int, float]]:
        if self.dense is None or not query.strip():
            return []
        return self.dense.scored(self._query_vector(query), depth, self.selection(plans, kinds))

    def search(self, query: str, k: int = 10, plans: Collection[str] | None = None,
               kinds: Collection[str] | None = None) -> list[Hit]:
        """Best k docs for a question; plan/kind filters apply before truncation."""
        if k <= 0 or not query or not query.strip():
            return []
        plans = [plans] if isinstance(plans, str) else plans     # a lone slug, not its characters
        kinds = [kinds] if isinstance(kinds, str) else kinds
        depth = max(50, 5 * k)
        lexical = self.lexical_ranking(query, depth, plans, kinds)
        scored = self.dense_scored(query, depth, plans, kinds)
        dense = [pos for pos, _ in scored]
        similarity = dict(scored)
        lex_rank = {pos: r for r, pos in enumerate(lexical, start=1)}
        dense_rank = {pos: r for r, pos in enumerate(dense, start=1)}
        fused = reciprocal_rank_fusion([lexical, dense], k=self.rrf_k)[:k]
        return [Hit(self.docs[pos], score, lex_rank.get(pos), dense_rank.get(pos), similarity.get(pos))
                for pos, score in fused]

    def close(self) -> None:
        self.lexical.close()
