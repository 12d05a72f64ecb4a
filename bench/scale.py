"""Scale benchmark: 5 -> 50 -> 500 plans made by copying the seed plans under invented commune names.

    .venv/bin/python bench/scale.py [--sizes 5 50 500] [--docs-per-s 23] [--questions 40]

The dense side uses a fast hashed embedder of the model's dimension (768), so the figures are about the
store, the indexes and the answerer; the real model's build time is projected from --docs-per-s (measured
by bench/embed.py). Prints per size: parse+store time, index time, store and index size, RSS, answer
p50/p95 over a fixed question mix (questions naming a plan, a unit, a window, or nothing).
"""
from __future__ import annotations

import argparse
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):
    sys.path[0] = str(ROOT)

SEEDS = {"xa-nha-bich-2026.txt": "Nha Bích", "phuong-hang-gon-2026.txt": "Hàng Gòn",
         "xa-phuoc-an-2026.txt": "Phước An", "xa-xuan-phu.txt": "Xuân Phú"}
# the province plan stays one: copies are communes and wards
FIRST = ("An", "Bình", "Tân", "Phú", "Long", "Hòa", "Thạnh", "Vĩnh", "Mỹ", "Phước", "Thanh", "Đông", "Tây",
         "Nam", "Hưng", "Lộc", "Xuân", "Trung", "Gia", "Quang")
SECOND = ("Hiệp", "Lợi", "Khánh", "Điền", "Thuận", "Sơn", "Trạch", "Hậu", "Định", "Tường", "Cường", "Thịnh",
          "Vinh", "Hà", "Lâm", "Nguyên", "Quý", "Tiến", "Đức", "Hải", "Kiều", "Minh", "Nghĩa", "Phong", "Thọ")
QUESTIONS = (
    "Ai chủ trì triển khai Đề án 06 ở xã {x}?",
    "Chỉ tiêu tỷ lệ người dân trưởng thành có chữ ký số của xã {x} là bao nhiêu?",
    "Phòng Văn hóa – Xã hội xã {x} có nhiệm vụ gì?",
    "Ở xã {x} những nhiệm vụ nào đã quá hạn?",
    "Xã {x} có bao nhiêu chỉ tiêu?",
    "Hạn số hóa hồ sơ thủ tục hành chính là khi nào?",
    "Sở Khoa học và Công nghệ phối hợp những nhiệm vụ nào?",
    "Tỷ lệ phủ sóng 5G trên địa bàn là bao nhiêu?",
)


def names(n: int) -> list[str]:
    out = [f"{a} {b}" for a in FIRST for b in SECOND]
    return out[:n]


def make_plans(folder: Path, size: int) -> list[str]:
    """size plans: the five seeds, then copies of the commune plans under new names."""
    plans = ROOT / "corpus" / "plans"
    for f in list(SEEDS) + ["tinh-dong-nai-2026.txt"]:
        shutil.copyfile(plans / f, folder / f)
    localities = list(SEEDS.values())
    seeds = list(SEEDS.items())
    taken = set(localities)
    for k, name in enumerate(n for n in names(size * 2) if n not in taken):
        if 5 + k >= size:
            break
        seed_file, seed_name = seeds[k % len(seeds)]
        text = (plans / seed_file).read_text(encoding="utf-8")
        text = re.sub(re.escape(seed_name), name, text)
        text = re.sub(re.escape(seed_name.upper()), name.upper(), text)
        slug = "-".join(w.lower() for w in name.split())
        (folder / f"copy-{k:03d}-{slug}.txt").write_text(text, encoding="utf-8")
        localities.append(name)
    return localities


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(size: int, docs_per_s: float, n_questions: int) -> dict:
    from answers.service import build_assistant
    from corpus.store import ingest
    from index.embedding import HashEmbedder

    with tempfile.TemporaryDirectory(prefix=f"scale-{size}-") as tmp:
        plans, data = Path(tmp) / "plans", Path(tmp) / "data"
        plans.mkdir()
        localities = make_plans(plans, size)
        t0 = time.perf_counter()
        ingest(plans, data)
        parse_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        assistant = build_assistant(plans, data, embedder=HashEmbedder(dim=768, name="scale-hash-768"))
        index_s = time.perf_counter() - t0
        info = assistant.index_info()
        qs = [QUESTIONS[i % len(QUESTIONS)].format(x=localities[(i * 7) % len(localities)])
              for i in range(n_questions)]
        for q in qs[:5]:
            assistant.ask(q, today=date(2026, 7, 1))     # warm caches
        times, per_kind = [], {}
        for i, q in enumerate(qs):
            t = time.perf_counter()
            assistant.ask(q, today=date(2026, 7, 1))
            times.append((time.perf_counter() - t) * 1000)
            per_kind.setdefault(i % len(QUESTIONS), []).append(times[-1])
        times.sort()
        return {"plans": info.plans, "records": info.records, "parse_store_s": parse_s, "index_s": index_s,
                "projected_model_index_s": info.records / docs_per_s,
                "store_mb": (data / "store.sqlite3").stat().st_size / 1e6,
                "index_mb": folder_size(data / "index") / 1e6, "rss_mb": rss_mb(),
                "p50_ms": statistics.median(times), "p95_ms": times[max(0, int(0.95 * len(times)) - 1)],
                "per_question_ms": {QUESTIONS[k]: statistics.median(v) for k, v in sorted(per_kind.items())}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[5, 50, 500])
    ap.add_argument("--docs-per-s", type=float, default=23.0,
                    help="real embedding speed to project the model's index time (bench/embed.py)")
    ap.add_argument("--questions", type=int, default=40)
    args = ap.parse_args(argv)
    print(f"{'plans':>6} {'records':>8} {'parse+store s':>14} {'index s':>8} {'model index s (proj.)':>22} "
          f"{'store MB':>9} {'index MB':>9} {'RSS MB':>7} {'p50 ms':>7} {'p95 ms':>7}")
    results = []
    for size in args.sizes:
        r = run(size, args.docs_per_s, args.questions)
        results.append(r)
        print(f"{r['plans']:>6} {r['records']:>8} {r['parse_store_s']:>14.1f} {r['index_s']:>8.1f} "
              f"{r['projected_model_index_s']:>22.0f} {r['store_mb']:>9.1f} {r['index_mb']:>9.1f} "
              f"{r['rss_mb']:>7.0f} {r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f}", flush=True)
    print("\nmedian ms per question template, by number of plans")
    print(" ".join(f"{r['plans']:>7}" for r in results) + "  question")
    for q in QUESTIONS:
        print(" ".join(f"{r['per_question_ms'][q]:>7.1f}" for r in results) + f"  {q}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
