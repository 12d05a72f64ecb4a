"""First index of a large real-style plan: ~130 kB of text with a 140-row task appendix (a Government-style
programme written by tests/real_plan_fixtures.py, padded with prose sections), timed with the embedding model
the CLI would use and an empty vector cache (nothing embedded before).

usage: .venv/bin/python bench/ingest_real.py [--rows 140] [--kb 130]
Prints the parse time, the time of `run_bot.py index` (store + search index + vectors), the CPU and the date.
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.real_plan_fixtures import GROUPS, MINISTRIES, government_programme  # noqa: E402


def big_plan(rows: int, kb: int) -> str:
    text = government_programme(rows)
    head, appendix = text.split("PHỤ LỤC\n", 1)
    prose = []
    n = 0
    while len((head + "\n".join(prose) + appendix).encode("utf-8")) < kb * 1024:
        n += 1
        group = GROUPS[n % len(GROUPS)].lower()
        prose.append(f"{n}. {MINISTRIES[n % len(MINISTRIES)]}: chủ trì, phối hợp với các bộ, ngành, địa phương "
                     f"triển khai các nhiệm vụ về {group}; xây dựng cơ sở dữ liệu chuyên ngành, kết nối, chia sẻ với "
                     f"Cổng dữ liệu quốc gia; hướng dẫn, kiểm tra, đôn đốc việc thực hiện; tổng hợp kết quả, báo cáo "
                     f"Thủ tướng Chính phủ trước ngày {n % 28 + 1} tháng 12 hằng năm; bảo đảm an toàn thông tin, an "
                     f"ninh mạng cho các hệ thống thông tin thuộc phạm vi quản lý; đào tạo, bồi dưỡng kỹ năng số "
                     f"cho cán bộ, công chức, viên chức.\n")
    head = head.replace("2. Các bộ, cơ quan ngang bộ:", "\n".join(prose) + "\n2. Các bộ, cơ quan ngang bộ:")
    return head + "PHỤ LỤC\n" + appendix


def cpu() -> str:
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name"):
                return line.split(":", 1)[1].strip() + f", {os.cpu_count()} CPU"
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


ANSWERS = 20


def _answer_ms(tasks, plans: Path, data: Path, env: dict) -> float:
    """p50 of elapsed_ms over owner questions on the first task names, asked twice (the second pass timed)."""
    import json
    import statistics
    names = [t.task.split(". ", 1)[-1][:90] for t in tasks if t.task][:ANSWERS]
    qfile = data.parent / f"{data.name}-questions.txt"
    qfile.write_text("\n".join(f"Ai chủ trì {n}?" for n in names * 2) + "\n", encoding="utf-8")
    out = subprocess.run([sys.executable, str(ROOT / "run_bot.py"), "ask", "--json", "--plans", str(plans),
                          "--data", str(data), "--file", str(qfile)], capture_output=True, text=True, env=env, cwd=ROOT)
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    warm = [r["elapsed_ms"] for r in rows[len(names):]]
    return statistics.median(warm) if warm else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=140)
    ap.add_argument("--kb", type=int, default=130)
    a = ap.parse_args()
    from corpus.document import TextDocument
    from corpus.parse import parse_document
    text = big_plan(a.rows, a.kb)
    with tempfile.TemporaryDirectory() as tmp:
        plans, data = Path(tmp) / "plans", Path(tmp) / "data"
        plans.mkdir()
        (plans / "chuong-trinh-lon.txt").write_text(text, encoding="utf-8")
        t0 = time.perf_counter()
        parsed = parse_document(TextDocument(tuple(text.split("\n"))), "chuong-trinh-lon.txt", "x")
        parse_s = time.perf_counter() - t0
        env = dict(os.environ, K57_VECTOR_CACHE=str(Path(tmp) / "vectors.sqlite"))
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, str(ROOT / "run_bot.py"), "index", "--plans", str(plans),
                              "--data", str(data)], capture_output=True, text=True, env=env, cwd=ROOT)
        index_s = time.perf_counter() - t0
        big_ms = _answer_ms(parsed.tasks, plans, data, env)
        seeds = ROOT / "corpus" / "plans"
        seed_tasks = [t for f in sorted(seeds.glob("*.txt")) for t in parse_document(
            TextDocument(tuple(f.read_text(encoding="utf-8").split("\n"))), f.name, "x").tasks]
        seed_ms = _answer_ms(seed_tasks, seeds, Path(tmp) / "seed-data", env)
    print(f"plan: {len(text.encode('utf-8')) / 1024:.0f} kB, {len(parsed.tasks)} tasks, {len(parsed.duties)} duties, "
          f"{len(parsed.passages)} passages")
    print(f"parse: {parse_s:.1f} s; first `run_bot.py index` (store, index, vectors): {index_s:.1f} s")
    print((out.stdout.strip().splitlines() or [""])[-1])
    print(f"answers, warm, {ANSWERS} owner questions on task names: p50 {big_ms:.0f} ms on it, "
          f"{seed_ms:.0f} ms on the five seed plans")
    print(f"{cpu()}; {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; model: "
          f"{os.environ.get('K57_EMBED_MODEL') or 'default (models/)'}")
    return out.returncode


if __name__ == "__main__":
    sys.exit(main())
