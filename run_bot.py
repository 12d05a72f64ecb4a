#!/usr/bin/env python3
"""Trợ lý Kế hoạch 57 — command line: ask, chat, index, plans, telegram, zalo, fetch-model.

The only place that reads environment variables, configures logging and wires the parts together.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DEFAULT_PLANS = ROOT / "corpus" / "plans"
DEFAULT_DATA = ROOT / "data"
DEFAULT_MODEL = ROOT / "models" / "embeddinggemma-300m"

log = logging.getLogger("k57")


# Models load from local folders only: no request ever goes to the Hugging Face hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore", "sentence_transformers", "urllib3", "filelock"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        from bot.log_filter import install_token_filter
        install_token_filter([os.environ.get("TELEGRAM_BOT_TOKEN", ""), os.environ.get("ZALO_BOT_TOKEN", "")])
    except Exception:   # the filter is best effort for commands without bots
        pass


def _embedder(args):
    """The embedding model from K57_EMBED_MODEL (a folder or a hub name), else the fetched default, else none.

    K57_EMBED_BACKEND=torch|onnx overrides the default (the verified ONNX export beside the model when
    `fetch-model` made one, else torch)."""
    spec = os.environ.get("K57_EMBED_MODEL")
    if spec is None and DEFAULT_MODEL.exists():
        spec = str(DEFAULT_MODEL)
    if getattr(args, "no_model", False) or not spec or spec.lower() == "none":
        return None
    backend = (os.environ.get("K57_EMBED_BACKEND") or "auto").strip().lower()
    if backend not in ("auto", "torch", "onnx"):
        print(f"Cảnh báo: K57_EMBED_BACKEND='{backend}' không hợp lệ (torch hoặc onnx); tự chọn.", file=sys.stderr)
        backend = "auto"
    from index.embedding import load_embedder
    try:
        return load_embedder(spec, backend=backend)
    except Exception as exc:
        print(f"Cảnh báo: không nạp được mô hình nhúng ({exc}); dùng tìm kiếm từ khóa.", file=sys.stderr)
        return None


def _assistant(args):
    from answers.service import build_assistant
    plans = Path(args.plans)
    if not plans.is_dir():
        raise SystemExit(f"Lỗi: không thấy thư mục kế hoạch '{plans}'.")
    data = Path(args.data)
    try:
        data.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SystemExit(f"Lỗi: không tạo được thư mục dữ liệu '{data}' ({exc.strerror}).")
    embedder = _embedder(args)
    # Vectors are shared by every data folder (keyed by model and text): a new plan only embeds its own records.
    cache = Path(os.environ.get("K57_VECTOR_CACHE") or (ROOT / "models" / "vector-cache.sqlite"))
    assistant = build_assistant(plans, data, embedder, vector_cache=cache if embedder is not None else None)
    if assistant.last_ingest and assistant.last_ingest.changed:
        for r in assistant.last_ingest.reports:
            if not r.ok:
                print(f"Bỏ qua {r.message}", file=sys.stderr)
    if not assistant.plan_data:
        raise SystemExit("Lỗi: không nạp được kế hoạch nào từ thư mục kế hoạch.")
    return assistant


def cmd_ask(args) -> int:
    if args.file:
        try:
            questions = Path(args.file).read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            print(f"Lỗi: không đọc được tệp câu hỏi '{args.file}' ({exc}).", file=sys.stderr)
            return 2
        questions = [q for q in questions if q.strip()]
    elif args.question:
        questions = [" ".join(args.question)]
    else:
        print("Lỗi: hãy nhập câu hỏi, ví dụ: python run_bot.py ask \"Ai chủ trì triển khai Đề án 06?\"", file=sys.stderr)
        return 2
    if not any(q.strip() for q in questions):
        print("Lỗi: câu hỏi trống.", file=sys.stderr)
        return 2
    assistant = _assistant(args)
    for q in questions:
        t0 = time.perf_counter()
        ans = assistant.ask(q)
        ms = (time.perf_counter() - t0) * 1000
        if args.json:
            print(json.dumps(ans.to_json(ms), ensure_ascii=False), flush=True)
        else:
            print(ans.text)
            if len(questions) > 1:
                print()
    return 0


def cmd_index(args) -> int:
    from corpus.store import ingest
    plans = Path(args.plans)
    if not plans.is_dir():
        print(f"Lỗi: không thấy thư mục kế hoạch '{plans}'.", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    result = ingest(plans, Path(args.data), force=args.force)
    for r in result.reports:
        if r.ok:
            print(f"✓ {r.file}: {r.locality} — {r.tasks} nhiệm vụ, {r.targets} chỉ tiêu, {r.duties} trách nhiệm, "
                  f"{r.passages} đoạn" + (f" (lưu ý: {r.message})" if r.message else ""))
        else:
            print(f"✗ bỏ qua {r.message}")
    if not result.changed:
        print("Kế hoạch không đổi: giữ nguyên kho dữ liệu.")
    assistant = _assistant(args)   # builds or refreshes the search index
    print(f"Chỉ mục: {len(assistant.records)} mục, "
          f"{'có' if assistant.index.dense is not None else 'KHÔNG có'} mô hình nhúng "
          f"({time.perf_counter() - t0:.1f} s).")
    return 0 if result.ok_count else 1


def cmd_plans(args) -> int:
    from corpus.store import STORE_NAME, load_plans
    store = Path(args.data) / STORE_NAME
    if not store.exists():
        print(f"Lỗi: chưa có kho dữ liệu ở '{args.data}'. Chạy: python run_bot.py index", file=sys.stderr)
        return 2
    rows = [{"plan": p.plan.name, "slug": p.plan.slug, "locality": p.plan.locality, "file": p.plan.file,
             "tasks": len(p.tasks), "targets": len(p.targets), "duties": len(p.duties),
             "passages": len(p.passages)} for p in load_plans(store)]
    for row in rows:
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(f"{row['plan']} ({row['file']}): {row['tasks']} nhiệm vụ, {row['targets']} chỉ tiêu, "
                  f"{row['duties']} trách nhiệm, {row['passages']} đoạn")
    return 0


def cmd_chat(args) -> int:
    from answers.chat import run_chat
    return run_chat(_assistant(args))


def cmd_telegram(args) -> int:
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        print("Lỗi: chưa đặt biến môi trường TELEGRAM_BOT_TOKEN.", file=sys.stderr)
        return 2
    from bot.telegram_bot import TelegramConfig, run_telegram
    ids = lambda name: frozenset(int(x) for x in os.environ.get(name, "").replace(";", ",").split(",") if x.strip().lstrip("-").isdigit())
    cfg = TelegramConfig(token=token, api_url=os.environ.get("TELEGRAM_API_URL") or None,
                         webhook_url=args.webhook, port=args.port,
                         secret=os.environ.get("TELEGRAM_WEBHOOK_SECRET") or None,
                         allowed_chats=ids("TELEGRAM_ALLOWED_CHATS"), admin_ids=ids("TELEGRAM_ADMIN_IDS"),
                         state_path=Path(args.data) / "bot_state.sqlite3", upload_dir=Path(args.data) / "uploads")
    run_telegram(_assistant(args), cfg)
    return 0


def cmd_zalo(args) -> int:
    token = os.environ.get("ZALO_BOT_TOKEN", "").strip()
    if not token:
        print("Lỗi: chưa đặt biến môi trường ZALO_BOT_TOKEN.", file=sys.stderr)
        return 2
    from bot.zalo_bot import ZaloConfig, run_zalo
    cfg = ZaloConfig(token=token, api_url=os.environ.get("ZALO_API_URL") or None, webhook_url=args.webhook,
                     port=args.port, secret=os.environ.get("ZALO_WEBHOOK_SECRET") or None,
                     state_path=Path(args.data) / "bot_state.sqlite3")
    run_zalo(_assistant(args), cfg)
    return 0


def cmd_fetch_model(args) -> int:
    from index.fetch_model import main as fetch_main
    return fetch_main([str(args.dest)])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="run_bot.py", description="Trợ lý Kế hoạch 57")
    ap.add_argument("-v", "--verbose", action="store_true", help="ghi nhật ký chi tiết")
    sub = ap.add_subparsers(dest="cmd")

    def common(p):
        p.add_argument("--plans", default=str(DEFAULT_PLANS), help="thư mục kế hoạch")
        p.add_argument("--data", default=str(DEFAULT_DATA), help="thư mục dữ liệu")
        p.add_argument("--no-model", action="store_true", help="không dùng mô hình nhúng (chỉ từ khóa)")

    p = sub.add_parser("ask", help="hỏi một câu (hoặc --file: mỗi dòng một câu)")
    common(p)
    p.add_argument("--json", action="store_true")
    p.add_argument("--file")
    p.add_argument("question", nargs="*")
    p.set_defaults(fn=cmd_ask)
    p = sub.add_parser("index", help="nạp kế hoạch và dựng chỉ mục")
    common(p)
    p.add_argument("--force", action="store_true")
    p.set_defaults(fn=cmd_index)
    p = sub.add_parser("plans", help="liệt kê kế hoạch đã nạp")
    p.add_argument("--data", default=str(DEFAULT_DATA))
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_plans)
    p = sub.add_parser("chat", help="trò chuyện trong cửa sổ lệnh")
    common(p)
    p.set_defaults(fn=cmd_chat)
    for name, fn, port in (("telegram", cmd_telegram, 8443), ("zalo", cmd_zalo, 8444)):
        p = sub.add_parser(name, help=f"chạy bot {name}")
        common(p)
        p.add_argument("--webhook", help="URL công khai cho chế độ webhook (mặc định: long polling)")
        p.add_argument("--port", type=int, default=port)
        p.set_defaults(fn=fn)
    p = sub.add_parser("fetch-model", help="tải và kiểm tra mô hình EmbeddingGemma-300m")
    p.add_argument("--dest", default=str(DEFAULT_MODEL))
    p.set_defaults(fn=cmd_fetch_model)
    args = ap.parse_args(argv)
    if not getattr(args, "fn", None):
        ap.print_help()
        return 2
    _configure_logging(args.verbose)
    try:
        return args.fn(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
