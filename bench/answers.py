"""Answer benchmark: run our evaluation set in-process, report accuracy and latency.

usage: python -m bench.answers [--set tests/eval/questions.jsonl] [--show-fail] [--passes 2]
                               [--min 0.9] [--no-cold] [--cold-cmd "..."] [--json] [--toneless]
                               [--model DIR [--record FILE.npz]] [--replay FILE.npz]

Builds the assistant with answers.service.build_assistant(plans_dir, data_dir, embedder=None)
into a fresh data dir, asks every question (twice by default; latency is taken from the second,
warm pass), checks each answer with the same rules as the shared score.py (facts present after
normalization, cited locality, kind "none" for out-of-scope), and prints accuracy overall / per
kind / per tag, p50/p95 latency per kind, and the cold start of `run_bot.py ask` on one question.
With --model it embeds with the real model; --record saves the vectors it made, and --replay (or the test
that reads tests/eval/model_vectors.npz) serves them back without the model: see bench/recorded.py.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import queue
import re
import shlex
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):
    # Run as `python bench/answers.py`: sys.path[0] is bench/, where this very file would
    # shadow the `answers` package; make the project root the first import location instead.
    sys.path[0] = str(ROOT)

EVAL_DIR = ROOT / "tests" / "eval"
DEFAULT_SET = EVAL_DIR / "questions.jsonl"
DEFAULT_PLANS = ROOT / "corpus" / "plans"
DEFAULT_COLD_CMD = "{python} run_bot.py ask --json --file {file}"

# Same rules as the shared scorer: NFC, lower case, one dash, old -> new tone placement,
# collapsed whitespace, no spaces around '-' and '/'.
_TONE = {"oá": "óa", "oà": "òa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "uý": "úy", "uỳ": "ùy",
         "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy", "oé": "óe", "oè": "òe"}


def norm(text: object) -> str:
    s = unicodedata.normalize("NFC", str(text)).lower()
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)
    for old, new in _TONE.items():
        s = s.replace(old, new)
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r"\s*-\s*", "-", s)
    s = re.sub(r"\s*/\s*", "/", s)
    return s.strip()


def check(case: dict, out: dict) -> tuple[bool, str]:
    """(ok, why) for one answer in Answer.to_json() shape, exactly as score.py judges it."""
    answer = norm(out.get("answer", ""))
    if case["kind"] == "none":
        return out.get("kind") == "none", "expected kind=none, got %r" % out.get("kind")
    if out.get("kind") == "none":
        return False, "answered none"
    missing = [f[0] for f in case["facts"] if not any(norm(alt) in answer for alt in f)]
    if missing:
        return False, "missing " + "; ".join(missing)
    if case.get("order"):
        # a ranking: each of these facts first appears after the one before it (an extension of score.py)
        at = [min((answer.find(norm(alt)) for alt in f if norm(alt) in answer), default=-1) for f in case["order"]]
        if -1 in at or at != sorted(at) or len(set(at)) != len(at):
            return False, "out of order: " + " < ".join(f[0] for f in case["order"])
    if case["plan"]:
        locs = " | ".join(norm(s.get("locality", "")) + " " + norm(s.get("plan", ""))
                          for s in out.get("sources", []) or [])
        if norm(case["plan"]) not in locs:
            return False, "no source from " + case["plan"] + " (sources: " + locs[:120] + ")"
    return True, ""


def load_cases(path: Path = DEFAULT_SET) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def all_sets() -> list[Path]:
    """Every set in tests/eval: single questions and conversations (cases with "turns")."""
    return sorted(EVAL_DIR.glob("*.jsonl"))


def load_all(paths: list[Path]) -> list[dict]:
    return [c for p in paths for c in load_cases(p)]


@dataclass(frozen=True)
class Result:
    case_id: str
    question: str
    kind: str
    tags: tuple[str, ...]
    ok: bool
    why: str
    answer: str
    ms: float
    got_kind: str = ""
    evidence: str = ""      # why the answerer answered or abstained (Answer.to_json()["evidence"])


@dataclass(frozen=True)
class Summary:
    correct: int
    total: int
    by_kind: dict[str, tuple[int, int]]      # kind -> (correct, total)
    by_tag: dict[str, tuple[int, int]]
    latency: dict[str, tuple[float, float]]  # kind -> (p50 ms, p95 ms); "all" too
    abstain_precision: float = 1.0           # of the answers "none", the share that should be none
    abstain_recall: float = 1.0              # of the questions no plan answers, the share answered none
    errors: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _ask(assistant, case: dict, on_turn=None):
    """One case: a question, or a conversation whose turns are asked in order (only the last is scored).
    `on_turn(last)`, when given, is told before each turn whether it is the last one."""
    from datetime import date
    kwargs = {"today": date.fromisoformat(case["today"])} if case.get("today") else {}
    if "turns" not in case:
        if on_turn:
            on_turn(True)
        return assistant.ask(case["question"], **kwargs)
    context, answer = None, None
    for i, turn in enumerate(case["turns"]):
        if on_turn:
            on_turn(i == len(case["turns"]) - 1)
        answer = assistant.ask(turn, context=context, **kwargs)
        context = answer.context
    return answer


def toneless(text: str) -> str:
    """The text as typed without tone marks: combining marks dropped, đ -> d (case kept)."""
    s = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFC", "".join(c for c in s if unicodedata.category(c) != "Mn"))


def toneless_case(case: dict) -> dict:
    """The same case with its question (or every turn) typed without tone marks; facts unchanged."""
    out = dict(case)
    if "turns" in case:
        out["turns"] = [toneless(t) for t in case["turns"]]
    else:
        out["question"] = toneless(case["question"])
    return out


def question_of(case: dict) -> str:
    return case.get("question") or " → ".join(case["turns"])


def ask_all(assistant, cases: list[dict], passes: int = 2) -> list[Result]:
    """Ask every case `passes` times; score and time the last pass (earlier ones warm caches)."""
    results: list[Result] = []
    for _ in range(max(1, passes) - 1):
        for case in cases:
            try:
                _ask(assistant, case)
            except Exception:  # reported by the scored pass below
                pass
    for case in cases:
        t0 = time.perf_counter()
        try:
            answer = _ask(assistant, case)
            ms = (time.perf_counter() - t0) * 1000
            out = answer.to_json()
            ok, why = check(case, out)
            text = answer.text
            verdict = out.get("evidence") or {}
            evidence = " ".join(f"{k}={verdict[k]}" for k in ("failed", "missing") if verdict.get(k))
            if answer.kind == "error":
                ok, why = False, "kind error"
        except Exception as exc:  # one broken answer must not hide the other results
            ms = (time.perf_counter() - t0) * 1000
            ok, why, text, evidence = False, f"error {type(exc).__name__}: {exc}", "", ""
        results.append(Result(case["id"], question_of(case), case["kind"], tuple(case.get("tags", ())),
                              ok, why, text, ms, answer.kind if text else "error", evidence))
    return results


def summarize(results: list[Result]) -> Summary:
    by_kind: dict[str, list[bool]] = {}
    by_tag: dict[str, list[bool]] = {}
    ms_by_kind: dict[str, list[float]] = {}
    for r in results:
        by_kind.setdefault(r.kind, []).append(r.ok)
        for tag in r.tags:
            by_tag.setdefault(tag, []).append(r.ok)
        ms_by_kind.setdefault(r.kind, []).append(r.ms)
    ms_by_kind["all"] = [r.ms for r in results]
    said_none = [r for r in results if r.got_kind == "none"]
    should_none = [r for r in results if r.kind == "none"]
    return Summary(
        abstain_precision=sum(r.kind == "none" for r in said_none) / len(said_none) if said_none else 1.0,
        abstain_recall=sum(r.got_kind == "none" for r in should_none) / len(should_none) if should_none else 1.0,
        errors=sum(r.got_kind == "error" for r in results),
        correct=sum(r.ok for r in results), total=len(results),
        by_kind={k: (sum(v), len(v)) for k, v in sorted(by_kind.items())},
        by_tag={k: (sum(v), len(v)) for k, v in sorted(by_tag.items())},
        latency={k: (percentile(v, 0.5), percentile(v, 0.95)) for k, v in ms_by_kind.items()},
    )


def cold_start(question: str, cmd: str = DEFAULT_COLD_CMD, timeout: float = 900.0) -> tuple[float | None, str]:
    """Seconds from launching a fresh `run_bot.py ask` process to its first JSON answer line.

    (None, reason) when the command is missing, fails, or gives no answer within `timeout`.
    """
    if "run_bot.py" in cmd and not (ROOT / "run_bot.py").exists():
        return None, "run_bot.py not found"
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as fh:
        fh.write(question + "\n")
        qfile = fh.name
    argv = shlex.split(cmd.format(python=shlex.quote(sys.executable), file=shlex.quote(qfile)))
    lines: queue.Queue[str | None] = queue.Queue()
    t0 = time.perf_counter()
    try:
        proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, encoding="utf-8", errors="replace")
    except OSError as exc:
        os.unlink(qfile)
        return None, f"cannot start: {exc}"

    def pump() -> None:  # a thread, so that a silent process cannot block past the timeout
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    try:
        while True:
            left = timeout - (time.perf_counter() - t0)
            try:
                line = lines.get(timeout=max(left, 0.01))
            except queue.Empty:
                return None, f"no answer within {timeout:.0f}s"
            if line is None:
                proc.wait()
                return None, f"no JSON answer (rc={proc.returncode}): {proc.stderr.read()[-300:].strip()}"
            if line.lstrip().startswith("{"):
                return time.perf_counter() - t0, ""
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        os.unlink(qfile)


def _ratio(pair: tuple[int, int]) -> str:
    ok, n = pair
    return f"{ok}/{n} = {ok / n:.3f}" if n else "0/0"


def format_report(summary: Summary, results: list[Result], show_fail: bool) -> str:
    out = [f"accuracy {_ratio((summary.correct, summary.total))}  abstention precision "
           f"{summary.abstain_precision:.3f} recall {summary.abstain_recall:.3f}  errors {summary.errors}"]
    out.append("per kind: " + "  ".join(f"{k}={ok}/{n}" for k, (ok, n) in summary.by_kind.items()))
    out.append("per tag:  " + "  ".join(f"{k}={ok}/{n}" for k, (ok, n) in summary.by_tag.items()))
    out.append("latency (warm pass, ms):")
    for kind, (p50, p95) in sorted(summary.latency.items(), key=lambda kv: (kv[0] == "all", kv[0])):
        out.append(f"  {kind:<9} p50={p50:8.1f}  p95={p95:8.1f}")
    if show_fail:
        fails = [r for r in results if not r.ok]
        out.append(f"failures ({len(fails)}):")
        for r in fails:
            out.append(f"  x {r.case_id} [{r.kind}] {r.question}\n      -> {r.why}\n"
                       f"      answer: {r.answer[:200].replace(chr(10), ' ')}"
                       + (f"\n      evidence: {r.evidence}" if r.evidence else ""))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", type=Path, action="append", help="evaluation JSONL (repeatable; default: all of tests/eval)")
    ap.add_argument("--plans-dir", type=Path, default=DEFAULT_PLANS)
    ap.add_argument("--data-dir", type=Path, default=None, help="default: a fresh temporary dir")
    ap.add_argument("--passes", type=int, default=2, help="ask each question N times, time the last")
    ap.add_argument("--show-fail", action="store_true")
    ap.add_argument("--min", type=float, default=0.0, help="exit 1 below this accuracy")
    ap.add_argument("--no-cold", action="store_true", help="skip the cold-start measurement")
    ap.add_argument("--cold-cmd", default=DEFAULT_COLD_CMD,
                    help="command for the cold start; {python} and {file} are filled in")
    ap.add_argument("--cold-timeout", type=float, default=900.0, help="seconds to wait for the first answer")
    ap.add_argument("--json", action="store_true", help="also print the summary as one JSON line")
    ap.add_argument("--model", default=None,
                    help="embedding model folder (default: none = lexical only); use with --data-dir to reuse vectors")
    ap.add_argument("--record", type=Path, default=None,
                    help="with --model: save every vector the model made (fresh index, no vector cache) to this "
                         ".npz, for tests to replay (bench/recorded.py)")
    ap.add_argument("--replay", type=Path, default=None,
                    help="embed with vectors recorded by --record instead of a model")
    ap.add_argument("--toneless", action="store_true",
                    help="ask every question with its tone marks stripped (the sets' tone-less copy)")
    args = ap.parse_args(argv)

    from answers.service import build_assistant  # the layer under test; imported late on purpose
    from bench.recorded import RecordingEmbedder, ReplayEmbedder

    if args.record and not args.model:
        ap.error("--record needs --model")
    sets = args.set or all_sets()
    cases = load_all(sets)
    if args.toneless:
        cases = [toneless_case(c) for c in cases]
    with tempfile.TemporaryDirectory(prefix="bench-answers-") as tmp:
        # a recording must see every text embedded: a fresh index and no vector cache
        data_dir = Path(tmp) if args.record else args.data_dir or Path(tmp)
        t0 = time.perf_counter()
        embedder = None
        if args.model:
            from index.model import load_embedder
            embedder = load_embedder(args.model)
            if args.record:
                embedder = RecordingEmbedder(embedder)
        elif args.replay:
            embedder = ReplayEmbedder(args.replay)
        # the CLI's shared vector cache: vectors already made for the same texts are reused
        cache = ROOT / "models" / "vector-cache.sqlite" if args.model and not args.record else None
        assistant = build_assistant(args.plans_dir, data_dir, embedder=embedder, vector_cache=cache)
        build_s = time.perf_counter() - t0
        results = ask_all(assistant, cases, passes=args.passes)
    summary = summarize(results)
    print(f"sets {', '.join(p.name for p in sets)} ({len(cases)} questions), build_assistant {build_s:.1f}s")
    if isinstance(embedder, RecordingEmbedder):
        print(f"recorded {embedder.save(args.record)} vectors of {embedder.name} to {args.record}")
    if isinstance(embedder, ReplayEmbedder) and embedder.missing:
        print(f"replay: {len(embedder.missing)} texts were not recorded (zero vectors); re-record with --record")
    print(format_report(summary, results, args.show_fail))
    cold_s = None
    if not args.no_cold:
        first = next((c["question"] for c in cases if c["kind"] != "none"), cases[0]["question"])
        cold_s, why = cold_start(first, args.cold_cmd, args.cold_timeout)
        print(f"cold start to first answer: {cold_s:.1f}s" if cold_s is not None
              else f"cold start: skipped ({why})")
    if args.json:
        print(json.dumps({"accuracy": round(summary.accuracy, 4), "correct": summary.correct,
                          "abstain_precision": round(summary.abstain_precision, 4),
                          "abstain_recall": round(summary.abstain_recall, 4),
                          "total": summary.total, "by_kind": summary.by_kind, "by_tag": summary.by_tag,
                          "latency_ms": summary.latency, "build_s": round(build_s, 2),
                          "cold_start_s": cold_s}, ensure_ascii=False))
    return 0 if summary.accuracy >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
