"""Text analysis for search: folded syllables and syllable bigrams, stop words, diacritic restoration."""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from corpus.text import fold, words

from index.abbreviations import Abbreviations

# Folded function and question words. Folded forms that also spell content words are left out on
# purpose: "de" (đề án), "co" (cơ quan), "bao" (báo cáo), "tai" (tài khoản), "ma" (mã), "dang" (Đảng),
# "sao" (bản sao số, OCOP 4 sao: "thì sao?" is read by the question's cues, not by search).
STOP_WORDS = frozenset("""
ai gi nao la cua va cac nhung mot cho voi o ve khi hay hoac duoc khong chua se nhieu vay a
nhe nhi oi u nay kia ay roi
""".split())

_SEGMENT_JOIN = "_"
_PHRASE_BREAK = re.compile(r"[,;:!?…]|\.(?=\s|$)|[()\[\]{}\"“”‘’\n|]")


def terms(text: str, abbreviations: Abbreviations | None = None) -> list[str]:
    """Folded lexical terms: content syllables plus adjacent-syllable bigrams ('chuyen_doi', 'doi_so').

    Bigrams stand in for Vietnamese word segmentation: a two-syllable word is one bigram, and they are
    identical for text typed with or without tone marks (measured against underthesea in bench/retrieval.py).
    """
    if abbreviations is not None:
        text = abbreviations.expand(text)
    out: list[str] = []
    bigrams: list[str] = []
    # no bigram across punctuation: "đánh giá, lựa chọn" holds no "giá lựa"
    for phrase in _PHRASE_BREAK.split(text):
        sylls = words(phrase)
        out += [s for s in sylls if s not in STOP_WORDS]
        bigrams += [f"{a}{_SEGMENT_JOIN}{b}" for a, b in zip(sylls, sylls[1:])
                    if a not in STOP_WORDS and b not in STOP_WORDS]
    return out + bigrams


@lru_cache(maxsize=1)
def _word_tokenize():
    from underthesea import word_tokenize  # ~2.5 s import: paid once per process, only by this mode
    return word_tokenize


def segmented_terms(text: str, abbreviations: Abbreviations | None = None) -> list[str]:
    """Folded underthesea words ('chuyen_doi_so'), the alternative to terms() the benchmark compares."""
    if abbreviations is not None:
        text = abbreviations.expand(text)
    out = []
    for word in _word_tokenize()(text.lower()):
        sylls = words(word)
        if sylls and not (len(sylls) == 1 and sylls[0] in STOP_WORDS):
            out.append(_SEGMENT_JOIN.join(sylls))
    return out


def has_diacritics(text: str) -> bool:
    return fold(text) != text.lower()


_TOKEN = re.compile(r"[^\W_]+|[^\w\s]+|\s+")


@dataclass(frozen=True)
class DiacriticRestorer:
    """Puts tone marks back on a query typed without them, from the corpus's own spelling statistics.

    'ai chu tri de an 06' -> 'ai chủ trì đề án 06': the accented reading of the whole query whose adjacent
    syllable pairs are best attested in the indexed texts (Viterbi over a bigram model). Used for the dense
    query only; lexical search already compares folded forms.
    """
    forms: dict[str, tuple[tuple[str, int], ...]]      # folded syllable -> (accented form, count), most common first
    pairs: dict[tuple[str, str], int]                   # accented pair -> count

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> DiacriticRestorer:
        counts: Counter = Counter()
        pairs: Counter = Counter()
        for text in texts:
            sylls = re.findall(r"[^\W_]+", text.lower())
            counts.update(sylls)
            pairs.update(zip(sylls, sylls[1:]))
        # Each distinct syllable folded once (a few thousand, not every occurrence); first-seen order is
        # kept, so ties in most_common() break as before.
        uni: dict[str, Counter] = defaultdict(Counter)
        for s, n in counts.items():
            uni[fold(s)][s] += n
        return cls({k: tuple(c.most_common()) for k, c in uni.items()}, dict(pairs))

    def _best(self, sylls: list[str]) -> list[str]:
        cands = [self.forms.get(s) or ((s, 0),) for s in sylls]
        # score = sum of log pair counts (dominant) + small unigram prior
        best = {f: (0.1 * math.log1p(n), [f]) for f, n in cands[0]}
        for options in cands[1:]:
            nxt = {}
            for f, n in options:
                prior = 0.1 * math.log1p(n)
                score, path = max(((sc + math.log1p(self.pairs.get((p[-1], f), 0)) + prior, p)
                                   for sc, p in best.values()), key=lambda x: x[0])
                nxt[f] = (score, path + [f])
            best = nxt
        return max(best.values(), key=lambda x: x[0])[1]

    def restore(self, text: str) -> str:
        if has_diacritics(text):
            return text
        tokens = _TOKEN.findall(text.lower())
        idx = [i for i, t in enumerate(tokens) if t[0].isalnum()]
        if not idx:
            return text
        out = list(tokens)
        for i, form in zip(idx, self._best([tokens[i] for i in idx])):
            out[i] = form
        return "".join(out)
