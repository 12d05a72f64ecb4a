"""Calibrate the indicator-matching thresholds of answers/indicators.py on the comparison tuning set.

usage: python -m bench.indicators [--model DIR] [--set tests/eval/compare.jsonl]

Builds the assistant once (keyword-only, or with the embedding model), then asks the tuning set's questions
for every combination of thresholds on a grid and prints the accuracy of each (the same check as
bench/answers.py). It also prints how the two similarity signals separate targets worded alike in two plans
(same indicator) from the best other target of the same plan. Never run it on tests/eval/frozen_compare/.
"""
from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):
    sys.path[0] = str(ROOT)

from bench.answers import DEFAULT_PLANS, check, load_cases  # noqa: E402

TUNING = ROOT / "tests" / "eval" / "compare.jsonl"
GRID = {
    "LEXICAL_SURE": (0.45, 0.5, 0.55, 0.6, 0.65, 0.7),
    "LEXICAL_MAYBE": (0.25, 0.3, 0.33, 0.36, 0.4),
    "DENSE_SURE": (0.5, 0.55, 0.6, 0.65, 0.7),
    "DENSE_MAYBE": (0.4, 0.45, 0.5, 0.55),
}


def separation(snap) -> str:
    """Signals of pairs worded alike (word overlap >= 0.9: the same indicator) against the best other target
    of the same plan: percentiles of each."""
    import numpy as np
    from answers import indicators as ind
    m = ind.model_of(snap)
    rows = {"lexical": ([], []), "dense": ([], [])}
    for i, r in enumerate(m.targets):
        for plan, js in m.by_plan.items():
            if plan == r.plan or len(js) < 2:
                continue
            lex = [m.lexical(m.weights[i], m.weights[j]) for j in js]
            k = int(np.argmax(lex))
            if lex[k] < 0.9:
                continue
            rows["lexical"][0].append(lex[k])
            rows["lexical"][1].append(max(lex[:k] + lex[k + 1:]))
            if m.dense:
                den = (m.vectors[js] @ m.vectors[i]).tolist()
                rows["dense"][0].append(den[k])
                rows["dense"][1].append(max(den[:k] + den[k + 1:]))
    out = []
    for name, (same, other) in rows.items():
        if same:
            p = lambda xs, q: float(np.percentile(xs, q))
            out.append(f"{name}: same indicator n={len(same)} p5={p(same, 5):.3f} p50={p(same, 50):.3f}; "
                       f"best other target p50={p(other, 50):.3f} p95={p(other, 95):.3f} max={max(other):.3f}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="embedding model folder (default: keyword-only)")
    ap.add_argument("--set", type=Path, default=TUNING)
    args = ap.parse_args(argv)
    if "frozen" in str(args.set):
        ap.error("the frozen part is never used for calibration")
    from answers import indicators as ind
    from answers.service import build_assistant
    embedder = None
    if args.model:
        from index.model import load_embedder
        embedder = load_embedder(args.model)
    cache = ROOT / "models" / "vector-cache.sqlite" if args.model else None
    assistant = build_assistant(DEFAULT_PLANS, Path(tempfile.mkdtemp()), embedder=embedder, vector_cache=cache)
    snap = assistant.library.snapshot
    cases = load_cases(args.set)
    print(separation(snap))
    names = [n for n in GRID if args.model or n.startswith("LEXICAL")]
    results = []
    for values in itertools.product(*(GRID[n] for n in names)):
        setting = dict(zip(names, values))
        if setting.get("LEXICAL_MAYBE", 0) >= setting.get("LEXICAL_SURE", 1) or \
                setting.get("DENSE_MAYBE", 0) >= setting.get("DENSE_SURE", 1):
            continue
        for n, v in setting.items():
            setattr(ind, n, v)
        ok = sum(check(c, assistant.ask(c["question"]).to_json())[0] for c in cases)
        results.append((ok, setting))
    best = max(ok for ok, _ in results)
    print(f"{len(cases)} questions; best {best}; settings reaching it:")
    for ok, setting in results:
        if ok == best:
            print("  " + " ".join(f"{k}={v}" for k, v in setting.items()))
    for ok, setting in results:
        print(ok, " ".join(f"{k}={v}" for k, v in setting.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
