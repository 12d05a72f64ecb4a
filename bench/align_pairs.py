"""How well answers.align scores task pairs: the hand-labelled pairs of tests/fixtures/align_task_pairs.tsv
(a Đồng Nai task given to communes, a commune record), scored by the model's stored vectors (raw cosine, cosine
after removing the two plans' mean vector), by the keyword cosine, and by the two together as answers.align does; best thresholds and accuracy.

    .venv/bin/python bench/align_pairs.py [--model models/embeddinggemma-300m] [--data DIR]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAIRS = ROOT / "tests" / "fixtures" / "align_task_pairs.tsv"


def read_pairs(path: Path = PAIRS) -> list[tuple[str, int, str, int, int]]:
    """(lower plan, higher first line, lower kind, lower first line, same 0/1)"""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        f = line.split("\t")
        out.append((f[0], int(f[1]), f[3], int(f[4]), int(f[5])))
    return out


def record(snap, plan: str, line: int, kinds) -> object:
    return next(r for r in snap.at_lines([(plan, line)]) if r.kind in kinds)


def sweep(scored: list[tuple[float, int]]) -> tuple[float, float]:
    """(best threshold, accuracy) for 'same when score >= threshold'."""
    best = (0.0, 0.0)
    for t, _ in scored:
        acc = sum((s >= t) == bool(y) for s, y in scored) / len(scored)
        if acc > best[1]:
            best = (t, acc)
    return best


def report(name: str, scored, sure: float | None = None, maybe: float | None = None) -> None:
    t, acc = sweep(scored)
    line = f"{name:18} best threshold {t:.3f}: accuracy {acc:.3f}"
    if sure is not None:
        tp = sum(1 for s, y in scored if s >= sure and y)
        fp = sum(1 for s, y in scored if s >= sure and not y)
        mid = sum(1 for s, y in scored if maybe <= s < sure)
        mid_same = sum(1 for s, y in scored if maybe <= s < sure and y)
        fn = sum(1 for s, y in scored if s < maybe and y)
        line += (f" | at {sure}/{maybe}: sure {tp} right {fp} wrong, uncertain {mid} ({mid_same} the same work), "
                 f"missed {fn} of {sum(y for _, y in scored)}")
    print(line)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--data", default=None)
    args = ap.parse_args(argv)
    import numpy as np
    from answers import align as A
    from answers.service import build_assistant
    embedder = None
    if args.model:
        from index.model import load_embedder
        embedder = load_embedder(args.model)
    data = Path(args.data or tempfile.mkdtemp(prefix="align-pairs-"))
    assistant = build_assistant(ROOT / "corpus" / "plans", data, embedder,
                                vector_cache=ROOT / "models" / "vector-cache.sqlite" if embedder else None)
    snap = assistant.library.snapshot
    pairs = read_pairs()
    lexical, raw, centred = [], [], []
    matchers = {}
    for plan, hline, kind, lline, same in pairs:
        higher = record(snap, "tinh-dong-nai-2026", hline, ("task", "duty"))
        lower = record(snap, plan, lline, (kind,))
        m = matchers.get(plan) or matchers.setdefault(plan, A.TaskMatcher(snap, plan, use_model=False))
        lexical.append((m.keyword_score(higher, lower), same))
        if snap.index.dense is not None:
            vec = lambda r: snap.index.dense.index.reconstruct(int(snap._position[id(r)]))
            a, b = vec(higher), vec(lower)
            raw.append((float(a @ b), same))
            mean = np.mean([vec(r) for r in snap.all_records if r.plan in (plan, "tinh-dong-nai-2026")], axis=0)
            a2, b2 = a - mean, b - mean
            centred.append((float(a2 @ b2 / np.linalg.norm(a2) / np.linalg.norm(b2)), same))
    same = sum(p[-1] for p in pairs)
    print(f"{len(pairs)} pairs, {same} labelled the same work (answering 'no' to all: accuracy "
          f"{1 - same / len(pairs):.3f})")
    report("keywords", lexical, A.LEXICAL_SURE, A.LEXICAL_MAYBE)
    if raw:
        report("model cosine", raw)
        report("centred cosine", centred)
        report("keywords + model", [(l + c - A.DENSE_CENTRE, y) for (l, y), (c, _) in zip(lexical, raw)],
               A.MODEL_SURE, A.MODEL_MAYBE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
