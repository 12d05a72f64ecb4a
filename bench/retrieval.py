"""Retrieval benchmark: R@1, R@5, MRR per method and question group, build/reopen time, latency, RSS.

usage: .venv/bin/python bench/retrieval.py [--model models/embeddinggemma-300m | none] [--bfloat16]
       [--segmentation] [--show-fail] [--data-dir DIR]
A hit is correct when its doc's plan is the question's plan and first_line <= line <= last_line.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.parse import parse_plan_file  # noqa: E402
from index.docs import Doc, docs_from_parsed  # noqa: E402
from index.model import load_embedder  # noqa: E402
from index.fusion import reciprocal_rank_fusion  # noqa: E402
from index.hybrid import HybridIndex, corpus_stamp  # noqa: E402

PLANS_DIR = ROOT / "corpus" / "plans"
QUESTIONS = Path(__file__).with_name("retrieval_questions.jsonl")
GROUPS = ("accented", "no_diacritics", "abbrev", "paraphrase")
DEPTH = 50


def load_docs(plans_dir: Path = PLANS_DIR) -> list[Doc]:
    docs: list[Doc] = []
    for path in sorted(plans_dir.glob("*.txt")):
        docs += docs_from_parsed(parse_plan_file(path))
    return docs


def first_correct(ranking: list[Doc], q: dict) -> int | None:
    for rank, doc in enumerate(ranking, start=1):
        if doc.plan == q["plan"] and doc.first_line <= q["line"] <= doc.last_line:
            return rank
    return None


def metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {"R@1": sum(r == 1 for r in ranks if r) / n,
            "R@5": sum(r <= 5 for r in ranks if r) / n,
            "MRR": sum(1 / r for r in ranks if r) / n}


def rss_mib() -> tuple[float, float]:
    current = 0.0
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                current = int(line.split()[1]) / 1024
    return current, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reopen_seconds(data_dir: Path, model: str | None, stamp: str) -> float | None:
    """Parse the plans and open the unchanged index in a fresh process, as the bot does at start-up.

    None when the plans or parser changed since this run built the index (nothing to time then).
    """
    code = ("import sys,time; t=time.perf_counter(); sys.path.insert(0, %r)\n"
            "from bench.retrieval import load_docs; from index.model import load_embedder\n"
            "from index.hybrid import HybridIndex, corpus_stamp; from index.abbreviations import load_abbreviations\n"
            "docs = load_docs()\n"
            "if corpus_stamp(docs, load_abbreviations(d.text for d in docs)) != %r: print('changed'); sys.exit()\n"
            "ix = HybridIndex.open(%r, docs, load_embedder(%r))\n"
            "assert not ix.rebuilt, ix.rebuilt\n"
            "print(time.perf_counter()-t)") % (str(ROOT), stamp, str(data_dir), model)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    last = out.stdout.strip().splitlines()[-1]
    return None if last == "changed" else float(last)


def table(title: str, rows: dict[str, dict[str, float]], counts: dict[str, int] | None = None) -> None:
    print(f"\n{title}")
    print(f"| {'':24} | R@1   | R@5   | MRR   |" + (" n   |" if counts else ""))
    print(f"|{'-' * 26}|-------|-------|-------|" + ("-----|" if counts else ""))
    for name, m in rows.items():
        extra = f" {counts[name]:3} |" if counts else ""
        print(f"| {name:24} | {m['R@1']:.3f} | {m['R@5']:.3f} | {m['MRR']:.3f} |{extra}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=str(ROOT / "models" / "embeddinggemma-300m"),
                    help="local model folder, 'hf:NAME', 'hash', or 'none'")
    ap.add_argument("--bfloat16", action="store_true")
    ap.add_argument("--segmentation", action="store_true", help="also rank with underthesea words")
    ap.add_argument("--show-fail", action="store_true")
    ap.add_argument("--data-dir", type=Path, help="index folder (default: a fresh temp folder)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    t0 = time.perf_counter()
    docs = load_docs()
    parse_s = time.perf_counter() - t0
    kwargs = {"bfloat16": True} if args.bfloat16 and args.model not in ("none", "hash") else {}
    embedder = load_embedder(args.model, **kwargs)
    tmp = tempfile.TemporaryDirectory(prefix="bench-index-")
    data_dir = args.data_dir or Path(tmp.name)

    t0 = time.perf_counter()
    index = HybridIndex.open(data_dir, docs, embedder)
    build_s = time.perf_counter() - t0
    reopen_s = reopen_seconds(data_dir, args.model if embedder else None,
                              corpus_stamp(docs, index.abbreviations))

    rankings: dict[str, list[list[int]]] = {"lexical": [], "dense": []}
    if args.segmentation:
        rankings["lexical-underthesea"] = []
        from index.stores import LexicalStore
        from index.text import segmented_terms
        seg = LexicalStore.build(Path(tmp.name) / "segmented.sqlite",
                                 [(segmented_terms(d.text, index.abbreviations), d.plan, d.kind) for d in docs], "seg")
    # "+plan": the plan filter the answer layer applies when a question names its locality.
    filtered: dict[str, list[list[int]]] = {"lexical": [], "dense": []}
    for q in questions:
        rankings["lexical"].append(index.lexical_ranking(q["q"], DEPTH))
        rankings["dense"].append(index.dense_ranking(q["q"], DEPTH))
        filtered["lexical"].append(index.lexical_ranking(q["q"], DEPTH, plans=[q["plan"]]))
        filtered["dense"].append(index.dense_ranking(q["q"], DEPTH, plans=[q["plan"]]))
        if args.segmentation:
            rankings["lexical-underthesea"].append(seg.search(segmented_terms(q["q"], index.abbreviations), DEPTH))

    def ranks_of(lists: list[list[int]]) -> list[int | None]:
        return [first_correct([docs[i] for i in lst], q) for lst, q in zip(lists, questions)]

    fused = {k: [[pos for pos, _ in reciprocal_rank_fusion([lex, den], k=k)]
                 for lex, den in zip(rankings["lexical"], rankings["dense"])]
             for k in (5, 10, 20, 40, 60, 100)}
    methods = {name: ranks_of(lists) for name, lists in rankings.items() if embedder or name != "dense"}
    if embedder:
        methods["hybrid (RRF k=60)"] = ranks_of(fused[60])
    methods["lexical +plan"] = ranks_of(filtered["lexical"])
    if embedder:
        methods["dense +plan"] = ranks_of(filtered["dense"])
        methods["hybrid +plan"] = ranks_of([[pos for pos, _ in reciprocal_rank_fusion([lex, den], k=60)]
                                            for lex, den in zip(filtered["lexical"], filtered["dense"])])

    print(f"{len(questions)} questions, {len(docs)} docs from {len({d.plan for d in docs})} plans, "
          f"model: {embedder.name if embedder else 'none (lexical only)'}")
    table("By method (all questions)", {m: metrics(r) for m, r in methods.items()})
    for m, r in methods.items():
        if "+plan" in m:
            continue
        by_group = {g: [x for x, q in zip(r, questions) if q["group"] == g] for g in GROUPS}
        table(f"{m} by group", {g: metrics(v) for g, v in by_group.items()}, {g: len(v) for g, v in by_group.items()})
    if embedder:
        table("Hybrid by RRF k", {f"k={k}": metrics(ranks_of(f)) for k, f in fused.items()})

    # Latency of the full hybrid search path, cache cleared (each question embedded once, as in use).
    index._cache.clear()
    lat = []
    for q in questions:
        t = time.perf_counter()
        index.search(q["q"], k=10)
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    cur, peak = rss_mib()
    print(f"\nparse 5 plans: {parse_s:.2f} s | index open (parse excluded): {build_s:.1f} s, "
          f"rebuilt: {', '.join(index.rebuilt) or 'nothing'} | "
          "unchanged reopen in a fresh process (parse included): "
          + (f"{reopen_s:.2f} s" if reopen_s is not None else "not measured (plans/parser changed during the run)"))
    print(f"hybrid search latency: p50 {statistics.median(lat):.1f} ms, p95 {lat[int(0.95 * (len(lat) - 1))]:.1f} ms "
          f"| RSS {cur:.0f} MiB (peak {peak:.0f} MiB)")

    if args.show_fail:
        best = methods.get("hybrid (RRF k=60)") or methods["lexical"]
        lists = fused[60] if embedder else rankings["lexical"]
        print("\nMisses (hybrid rank > 1):")
        for q, r, lst in zip(questions, best, lists):
            if r != 1:
                top = docs[lst[0]] if lst else None
                print(f"  [{q['group']}] rank={r} {q['q']!r} want {q['plan']}:{q['line']} "
                      f"got {top.plan + ':' + str(top.first_line) + '-' + str(top.last_line) if top else None}")
    index.close()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")   # this script is an entry point; never reach the hub
    sys.exit(main())
