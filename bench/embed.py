"""Embedding backends side by side: torch vs each verified ONNX export (fp32, int8), one fresh process each.

usage: .venv/bin/python bench/embed.py [--model models/embeddinggemma-300m]
       [--onnx models/embeddinggemma-300m-onnx ...] [--arena] [--queries N] [--serving-only]
Per backend: cold start (import + load + first query, in a fresh process), query p50/p95, RSS while serving
(after the queries) and peak, first index of the five plans (HybridIndex.open with an empty vector cache)
and docs/s, cosine of every doc and query vector to torch's, and R@1/MRR on bench/retrieval_questions.jsonl
(dense and hybrid). --arena adds a serving-only run of each ONNX export with onnxruntime's CPU memory
arena on, to compare RSS and speed with the default (off).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
T_START = time.perf_counter()


def worker(args) -> int:
    """One backend in this process; writes figures (JSON) and vectors (npz) for the parent."""
    sys.path.insert(0, str(ROOT))
    from index.model import load_embedder
    embedder = load_embedder(args.model, backend=args.worker, onnx_dir=args.onnx_dir, mem_arena=args.arena,
                             progress=False)
    expected = "SentenceTransformerEmbedder" if args.worker == "torch" else "OnnxEmbedder"
    if type(embedder).__name__ != expected:
        raise SystemExit(f"{args.worker}: got {type(embedder).__name__}")
    questions = [json.loads(line) for line in (ROOT / "bench" / "retrieval_questions.jsonl")
                 .read_text(encoding="utf-8").splitlines() if line.strip()]
    embedder.embed_query(questions[0]["q"])
    cold = time.perf_counter() - T_START
    out = {"backend": args.worker, "name": embedder.name, "arena": args.arena, "cold_s": cold,
           "torch_imported": "torch" in sys.modules}

    texts = [q["q"] for q in questions][:args.queries]
    lat, qvecs = [], []
    for text in texts:
        t = time.perf_counter()
        qvecs.append(embedder.embed_query(text))
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    out.update(query_p50_ms=statistics.median(lat), query_p95_ms=lat[int(0.95 * (len(lat) - 1))])
    from bench.retrieval import rss_mib     # after the cold start is taken: it imports the index package
    out["rss_serving_mib"] = rss_mib()[0]
    import numpy as np
    if args.light:
        out["rss_peak_mib"] = rss_mib()[1]
        np.savez(args.vectors, queries=np.stack(qvecs))
        Path(args.out).write_text(json.dumps(out))
        return 0


    from bench.retrieval import DEPTH, first_correct, load_docs, metrics
    from index.fusion import reciprocal_rank_fusion
    from index.hybrid import HybridIndex
    docs = load_docs()
    with tempfile.TemporaryDirectory(prefix="bench-embed-") as tmp:
        t = time.perf_counter()
        index = HybridIndex.open(Path(tmp), docs, embedder, vector_cache=Path(tmp) / "vectors.sqlite")
        build = time.perf_counter() - t
        out.update(index_s=build, docs=len(docs), docs_per_s=len(docs) / build)
        ranks = {"dense": [], "hybrid": []}
        for q in questions:
            dense = index.dense_ranking(q["q"], DEPTH)
            fused = [pos for pos, _ in reciprocal_rank_fusion([index.lexical_ranking(q["q"], DEPTH), dense], k=60)]
            ranks["dense"].append(first_correct([docs[i] for i in dense], q))
            ranks["hybrid"].append(first_correct([docs[i] for i in fused], q))
        out.update({f"{m}_{k}": v for m, r in ranks.items() for k, v in metrics(r).items()})
        doc_vectors = index.dense.index.reconstruct_n(0, len(docs))
        index.close()
    out["rss_peak_mib"] = rss_mib()[1]
    np.savez(args.vectors, docs=np.asarray(doc_vectors, dtype=np.float32), queries=np.stack(qvecs))
    Path(args.out).write_text(json.dumps(out))
    return 0


def run_worker(backend: str, model: str, onnx_dir: str | None, arena: bool, light: bool, queries: int,
               tmp: Path) -> tuple[dict, Path]:
    tag = f"{backend}-{Path(onnx_dir).name if onnx_dir else 'torch'}-{int(arena)}-{int(light)}"
    out, vectors = tmp / f"{tag}.json", tmp / f"{tag}.npz"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", backend, "--model", model,
           "--out", str(out), "--vectors", str(vectors), "--queries", str(queries)]
    cmd += ["--onnx-dir", onnx_dir] if onnx_dir else []
    cmd += ["--arena"] if arena else []
    cmd += ["--light"] if light else []
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"})
    if proc.returncode != 0:
        raise SystemExit(f"{tag} failed:\n{proc.stderr[-3000:]}")
    return json.loads(out.read_text()), vectors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=str(ROOT / "models" / "embeddinggemma-300m"))
    ap.add_argument("--onnx", action="append", help="verified export folder(s); default <model>-onnx*")
    ap.add_argument("--arena", action="store_true", help="also ONNX with the CPU memory arena on (serving only)")
    ap.add_argument("--queries", type=int, default=141, help="questions timed one by one")
    ap.add_argument("--serving-only", action="store_true",
                    help="cold start, queries and RSS only (no index build; cosine on query vectors)")
    ap.add_argument("--worker", choices=("torch", "onnx"), help=argparse.SUPPRESS)
    ap.add_argument("--onnx-dir", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--vectors", help=argparse.SUPPRESS)
    ap.add_argument("--light", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        args.arena = bool(args.arena)
        return worker(args)

    import numpy as np
    sys.path.insert(0, str(ROOT))
    from index.model.files import read_manifest
    model = Path(args.model)
    exports = [Path(p) for p in args.onnx] if args.onnx else sorted(model.parent.glob(f"{model.name}-onnx*"))
    exports = [p for p in exports if read_manifest(p)]
    if not exports:
        print("Không có bản ONNX đã kiểm tra: chạy `run_bot.py fetch-model` trước.", file=sys.stderr)
    results = []
    load = os.getloadavg()    # the 2 cores are shared: say how busy they were
    with tempfile.TemporaryDirectory(prefix="bench-embed-") as tmp:
        tmp = Path(tmp)
        ref, ref_vectors = run_worker("torch", str(model), None, False, args.serving_only, args.queries, tmp)
        ref_v = np.load(ref_vectors)
        results.append(ref)
        for folder in exports:
            res, vec_path = run_worker("onnx", str(model), str(folder), False, args.serving_only, args.queries,
                                       tmp)
            v = np.load(vec_path)
            cos = np.concatenate([np.sum(v[k] * ref_v[k], axis=1) for k in ("docs", "queries") if k in v])
            res.update(cos_mean=float(cos.mean()), cos_min=float(cos.min()))
            results.append(res)
            if args.arena:
                arena, _ = run_worker("onnx", str(model), str(folder), True, True, args.queries, tmp)
                results.append(arena)

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} | {os.cpu_count()} cores, {cpu} | "
          + (f"{ref['docs']} docs, " if "docs" in ref else "") + f"{args.queries} queries timed one by one | "
          f"load average before: {' '.join(f'{x:.1f}' for x in load)}")
    print("| backend | cold start s | docs/s | first index s | query p50 ms | p95 ms | RSS serving MiB | RSS peak MiB "
          "| cosine mean / min | dense MRR | hybrid R@1 | hybrid MRR | torch imported |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        label = r["name"] + (" (arena on)" if r["arena"] else "") + ("" if "docs_per_s" in r else ", serving only")
        full = "docs_per_s" in r
        cos = f"{r['cos_mean']:.6f} / {r['cos_min']:.6f}" if "cos_mean" in r else ("1 (reference)" if r is ref else "–")
        cells = [label, f"{r['cold_s']:.2f}", f"{r['docs_per_s']:.1f}" if full else "–",
                 f"{r['index_s']:.1f}" if full else "–", f"{r['query_p50_ms']:.1f}", f"{r['query_p95_ms']:.1f}",
                 f"{r['rss_serving_mib']:.0f}", f"{r['rss_peak_mib']:.0f}", cos,
                 f"{r['dense_MRR']:.3f}" if full else "–", f"{r['hybrid_R@1']:.3f}" if full else "–",
                 f"{r['hybrid_MRR']:.3f}" if full else "–", "yes" if r["torch_imported"] else "no"]
        print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
