#!/usr/bin/env python3
"""Trợ lý Kế hoạch 57 — command line: ask, chat, index, plans, report, export, align, telegram, zalo, fetch-model.

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
MODEL_LOG = ROOT / "models" / "fetch-model.log"     # where start.sh sends a background fetch-model's output

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


def _env_choice(name: str, choices: tuple[str, ...]) -> str:
    """An environment variable that must be one of choices (the first is the default); a wrong value is
    reported and the default used."""
    value = (os.environ.get(name) or choices[0]).strip().lower()
    if value not in choices:
        print(f"Cảnh báo: {name}='{value}' không hợp lệ ({', '.join(choices)}); dùng {choices[0]}.", file=sys.stderr)
        return choices[0]
    return value


def _model_spec(args) -> str | None:
    """K57_EMBED_MODEL (a folder or a hub name), else the fetched default when it exists; None for none."""
    from index.model.files import pending_mark
    spec = os.environ.get("K57_EMBED_MODEL")
    if spec is None and (DEFAULT_MODEL.exists() or pending_mark(DEFAULT_MODEL).exists()):
        spec = str(DEFAULT_MODEL)
    if getattr(args, "no_model", False) or not spec or spec.lower() == "none":
        return None
    return spec


def _load_embedder(spec: str, **kwargs):
    from index.model import BACKENDS, SPINNING, load_embedder
    backend = _env_choice("K57_EMBED_BACKEND", BACKENDS)
    spinning = _env_choice("K57_EMBED_SPINNING", SPINNING)
    return load_embedder(spec, backend=backend, spinning=spinning, **kwargs)


def _embedder(args):
    """The embedding model from K57_EMBED_MODEL (a folder or a hub name), else the fetched default, else none.

    K57_EMBED_BACKEND=torch|onnx overrides the default (the verified ONNX export beside the model when
    `fetch-model` made one, else torch); K57_EMBED_SPINNING=auto|on|off sets whether ONNX Runtime's
    threads spin inside a run (auto: only when the machine is quiet, see OnnxEmbedder.spin_now). While a
    `fetch-model` is still at work on the folder: none (keywords; chat and bots switch when it is done)."""
    spec = _model_spec(args)
    if spec is None:
        return None
    from index.model import export_pending
    if export_pending(spec):
        print("Mô hình nhúng đang được chuẩn bị ở nền; trợ lý tạm tìm theo từ khóa.", file=sys.stderr)
        logging.getLogger("index.hybrid").setLevel(logging.ERROR)    # its "no model" warning says less than this
        return None
    try:
        return _load_embedder(spec)
    except Exception as exc:
        print(f"Cảnh báo: không nạp được mô hình nhúng ({exc}); dùng tìm kiếm từ khóa.", file=sys.stderr)
        return None


def _follow_export(args, assistant, cache: Path) -> None:
    """When the chat or a bot opened on keywords because `fetch-model` is still at work, switch to the model
    as soon as its verified export is ready (the plans are embedded in the background), and say so once."""
    spec = _model_spec(args)
    if spec is None or assistant.library.embedder is not None:
        return
    from index.model import export_pending, when_export_ready
    if not export_pending(spec):
        return

    def switch(embedder) -> None:
        library = assistant.library
        if embedder is not None:
            library.embedder, library.vector_cache = embedder, cache
            library.reload()
        if library.embedder is not None:
            print("\n(Mô hình nhúng đã sẵn sàng: từ giờ trợ lý tìm cả theo nghĩa, không chỉ theo từ khóa.)",
                  file=sys.stderr, flush=True)
        else:
            print(f"\n(Không chuẩn bị được mô hình nhúng, xem {MODEL_LOG}; trợ lý tiếp tục tìm theo từ khóa.)",
                  file=sys.stderr, flush=True)

    when_export_ready(spec, switch, load=lambda: _load_embedder(spec, progress=False))


def _plans_dir(args) -> Path:
    plans = Path(args.plans)
    if not plans.is_dir():
        print(f"Lỗi: không thấy thư mục kế hoạch '{plans}'.", file=sys.stderr)
        raise SystemExit(2)
    return plans


def _assistant(args, follow_export: bool = False):
    from answers.service import build_assistant
    plans = _plans_dir(args)
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
    if not assistant.plans():
        raise SystemExit("Lỗi: không nạp được kế hoạch nào từ thư mục kế hoạch.")
    if follow_export:
        _follow_export(args, assistant, cache)
    return assistant


def _today(args):
    """--today YYYY-MM-DD fixes the date deadlines are counted from; default: the real date (None)."""
    from datetime import date
    if not getattr(args, "today", None):
        return None
    try:
        return date.fromisoformat(args.today)
    except ValueError:
        raise SystemExit(f"Lỗi: --today phải có dạng YYYY-MM-DD (ví dụ 2026-07-01), không phải '{args.today}'.")


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
    today = _today(args)
    assistant = _assistant(args)
    context = None    # with --conversation the lines are one chat: each question may follow up the last
    for q in questions:
        t0 = time.perf_counter()
        if args.conversation and q.strip() in ("/moi", "/new"):
            context = None
            continue
        ans = assistant.ask(q, today=today, context=context)
        if args.conversation:
            context = ans.context
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
    plans = _plans_dir(args)
    t0 = time.perf_counter()
    result = ingest(plans, Path(args.data), force=args.force)
    for r in result.reports:
        if r.ok:
            print(f"✓ {r.file}: {r.name or r.locality} — {r.tasks} nhiệm vụ, {r.targets} chỉ tiêu, {r.duties} trách nhiệm, "
                  f"{r.passages} đoạn")
            print(f"    nhận ra: {r.recognized()}")
            if r.skipped:
                print(f"    bỏ qua {r.skipped} dòng không đọc được: {r.message}" + (" …" if r.skipped > 3 else ""))
        else:
            print(f"✗ bỏ qua {r.message}")
    if not result.changed:
        print("Kế hoạch không đổi: giữ nguyên kho dữ liệu.")
    assistant = _assistant(args)   # builds or refreshes the search index
    info = assistant.index_info()
    print(f"Chỉ mục: {info.records} mục, "
          f"{'có' if info.dense else 'KHÔNG có'} mô hình nhúng "
          f"({time.perf_counter() - t0:.1f} s).")
    return 0 if result.ok_count else 1


def cmd_plans(args) -> int:
    from corpus.store import STORE_NAME, ingest, load_plans
    store = Path(args.data) / STORE_NAME
    if args.plans:      # read this folder first (the store is rebuilt only when a plan file changed)
        store = ingest(_plans_dir(args), Path(args.data), progress=False).store_path
    if not store.exists():
        print(f"Lỗi: chưa có kho dữ liệu ở '{args.data}'. Chạy: python run_bot.py index", file=sys.stderr)
        return 2
    rows = [{"plan": p.plan.name, "slug": p.plan.slug, "locality": p.plan.locality, "file": p.plan.file,
             "tasks": len(p.tasks), "targets": len(p.targets), "duties": len(p.duties),
             "passages": len(p.passages), "doc_type": p.plan.doc_type, "issuer": p.plan.issuer,
             "level": p.plan.level, "number": p.plan.number, "date": p.plan.date} for p in load_plans(store)]
    for row in rows:
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(f"{row['plan']} ({row['file']}): {row['tasks']} nhiệm vụ, {row['targets']} chỉ tiêu, "
                  f"{row['duties']} trách nhiệm, {row['passages']} đoạn")
    return 0


def _log_settings() -> dict:
    """Chat-data settings from the environment: K57_LOG_SALT (key of the chat hashes; unset: the key file
    data/chat_key, made once with mode 0600), K57_LOG_DAYS (days question text is kept, default 90)."""
    from bot.feedback import DEFAULT_RETENTION_DAYS
    raw = os.environ.get("K57_LOG_DAYS", "").strip()
    if raw and not (raw.isdigit() and int(raw) > 0):
        raise SystemExit(f"Lỗi: K57_LOG_DAYS phải là số ngày dương, không phải '{raw}'.")
    return {"log_salt": os.environ.get("K57_LOG_SALT") or None,
            "log_days": int(raw) if raw else DEFAULT_RETENTION_DAYS}


def _chat_key(data: Path, settings: dict):
    """The key of the chat hashes (K57_LOG_SALT, else data/chat_key, made once); a broken one stops here."""
    from bot.privacy import ChatKey
    try:
        return ChatKey.load(data, settings["log_salt"])
    except (OSError, ValueError) as exc:
        raise SystemExit(f"Lỗi: không dùng được khoá băm mã cuộc trò chuyện: {exc}.")


def cmd_report(args) -> int:
    from datetime import date
    from bot.feedback import LOG_NAME, report_csv, report_text
    from bot.state import STATE_NAME, open_stores
    since = None
    if args.since:
        try:
            since = date.fromisoformat(args.since)
        except ValueError:
            print(f"Lỗi: ngày '{args.since}' không hợp lệ, hãy viết dạng YYYY-MM-DD, ví dụ 2026-01-31.",
                  file=sys.stderr)
            return 2
    path = Path(args.data) / LOG_NAME
    if not path.exists():
        print(f"Chưa có nhật ký câu hỏi ở '{path}' (bot chưa nhận câu hỏi nào).", file=sys.stderr)
        return 1
    settings = _log_settings()
    # with the chat state: an old log is re-keyed with the chat ids the old state knew
    state, questions = open_stores(path.with_name(STATE_NAME), path, _chat_key(path.parent, settings),
                                   settings["log_days"])
    try:
        items = questions.report(since, limit=args.limit)
    finally:
        questions.close()
        state.close()
    if args.csv:
        try:
            Path(args.csv).write_bytes(report_csv(items))
        except OSError as exc:
            print(f"Lỗi: không ghi được tệp '{args.csv}' ({exc.strerror}).", file=sys.stderr)
            return 2
        print(f"Đã ghi {len(items)} nhóm câu hỏi vào {args.csv}.")
    else:
        print(report_text(items, since))
    return 0


def cmd_export(args) -> int:
    from answers.export import export_rows, file_name, render
    from corpus.store import ingest, load_plans
    plans_dir = _plans_dir(args)
    # the store is rebuilt only if a plan file changed; no search index or model is needed here
    result = export_rows(load_plans(ingest(plans_dir, Path(args.data)).store_path), args.unit, args.plan)
    if not result.ok:
        print("Lỗi: " + result.message, file=sys.stderr)
        return 1
    out = Path(args.out or file_name(result, args.format))
    try:
        out.write_bytes(render(result, args.format))
    except OSError as exc:
        print(f"Lỗi: không ghi được tệp '{out}' ({exc.strerror}).", file=sys.stderr)
        return 2
    dated = sum(1 for r in result.rows if r.deadline_end)
    print(f"Đã ghi {out}: {result.unit} — {len(result.rows)} dòng"
          + (f", {dated} sự kiện lịch" if args.format == "ics" else "") + ".")
    return 0


def cmd_align(args) -> int:
    from answers.align import AlignError, align
    from answers.align_render import file_name, render, summary_counts
    assistant = _assistant(args)
    snap = assistant.library.snapshot
    try:
        report = align(snap, args.plan, args.against)
    except AlignError as exc:
        print("Lỗi: " + str(exc), file=sys.stderr)
        return 1
    content = render([report], args.format)
    if args.format == "md" and not args.out:
        sys.stdout.write(content.decode("utf-8"))
        return 0
    out = Path(args.out or file_name([report], args.format))
    try:
        out.write_bytes(content)
    except OSError as exc:
        print(f"Lỗi: không ghi được tệp '{out}' ({exc.strerror}).", file=sys.stderr)
        return 2
    targets, tasks = summary_counts(report)
    print(f"Đã ghi {out}: {report.title} — {targets}; {tasks}.")
    return 0


def cmd_chat(args) -> int:
    from bot.chat import run_chat
    today = _today(args)
    return run_chat(_assistant(args, follow_export=True), today=today)


def cmd_telegram(args) -> int:
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        print("Lỗi: chưa đặt biến môi trường TELEGRAM_BOT_TOKEN.", file=sys.stderr)
        return 2
    from bot.state import STATE_NAME
    from bot.telegram_bot import TelegramConfig, run_telegram
    settings = _log_settings()
    _chat_key(Path(args.data), settings)
    ids = lambda name: frozenset(int(x) for x in os.environ.get(name, "").replace(";", ",").split(",") if x.strip().lstrip("-").isdigit())
    cfg = TelegramConfig(token=token, api_url=os.environ.get("TELEGRAM_API_URL") or None,
                         webhook_url=args.webhook, port=args.port,
                         secret=os.environ.get("TELEGRAM_WEBHOOK_SECRET") or None,
                         allowed_chats=ids("TELEGRAM_ALLOWED_CHATS"), admin_ids=ids("TELEGRAM_ADMIN_IDS"),
                         state_path=Path(args.data) / STATE_NAME, upload_dir=Path(args.data) / "uploads",
                         **settings)
    run_telegram(_assistant(args, follow_export=True), cfg)
    return 0


def cmd_zalo(args) -> int:
    token = os.environ.get("ZALO_BOT_TOKEN", "").strip()
    if not token:
        print("Lỗi: chưa đặt biến môi trường ZALO_BOT_TOKEN.", file=sys.stderr)
        return 2
    from bot.state import STATE_NAME
    from bot.zalo_bot import ZaloConfig, run_zalo
    settings = _log_settings()
    _chat_key(Path(args.data), settings)
    cfg = ZaloConfig(token=token, api_url=os.environ.get("ZALO_API_URL") or None, webhook_url=args.webhook,
                     port=args.port, secret=os.environ.get("ZALO_WEBHOOK_SECRET") or None,
                     state_path=Path(args.data) / STATE_NAME, **settings)
    run_zalo(_assistant(args, follow_export=True), cfg)
    return 0


def cmd_fetch_model(args) -> int:
    from index.model.cli import main as fetch_main
    return fetch_main([str(args.dest)] + (["--no-onnx"] if args.no_onnx else []) + (["--status"] if args.status else [])
                      + (["--log", str(args.log)] if args.log else []))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="run_bot.py", description="Trợ lý Kế hoạch 57")
    ap.add_argument("-v", "--verbose", action="store_true", help="ghi nhật ký chi tiết")
    sub = ap.add_subparsers(dest="cmd")

    def common(p):
        p.add_argument("--plans", default=str(DEFAULT_PLANS), help="thư mục kế hoạch")
        p.add_argument("--data", default=str(DEFAULT_DATA), help="thư mục dữ liệu")
        p.add_argument("--no-model", action="store_true", help="không dùng mô hình nhúng (chỉ từ khóa)")

    def today(p):
        p.add_argument("--today", help="ngày tính hạn (YYYY-MM-DD), mặc định: hôm nay")

    p = sub.add_parser("ask", help="hỏi một câu (hoặc --file: mỗi dòng một câu)")
    common(p)
    today(p)
    p.add_argument("--json", action="store_true")
    p.add_argument("--conversation", action="store_true",
                   help="các dòng của --file là một cuộc trò chuyện: câu sau có thể hỏi tiếp câu trước")
    p.add_argument("--file")
    p.add_argument("question", nargs="*")
    p.set_defaults(fn=cmd_ask)
    p = sub.add_parser("index", help="nạp kế hoạch và dựng chỉ mục")
    common(p)
    p.add_argument("--force", action="store_true")
    p.set_defaults(fn=cmd_index)
    p = sub.add_parser("plans", help="liệt kê kế hoạch đã nạp")
    p.add_argument("--plans", default=None, help="thư mục kế hoạch (đọc lại trước khi liệt kê)")
    p.add_argument("--data", default=str(DEFAULT_DATA), help="thư mục dữ liệu")
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_plans)
    p = sub.add_parser("report", help="câu hỏi chưa trả lời được hoặc bị chê, gộp theo chữ không dấu")
    p.add_argument("--data", default=str(DEFAULT_DATA), help="thư mục dữ liệu")
    p.add_argument("--since", help="chỉ tính từ ngày này (YYYY-MM-DD)")
    p.add_argument("--csv", help="ghi ra tệp CSV thay vì in ra màn hình")
    p.add_argument("--limit", type=int, default=None, help="số nhóm câu hỏi tối đa")
    p.set_defaults(fn=cmd_report)
    p = sub.add_parser("export", help="xuất nhiệm vụ, chỉ tiêu, trách nhiệm của một đơn vị (xlsx, csv, ics)")
    p.add_argument("--unit", required=True, help="tên đơn vị, ví dụ \"Phòng Văn hóa – Xã hội\"")
    p.add_argument("--plan", help="chỉ trong kế hoạch này (mã hoặc tên địa phương)")
    p.add_argument("--format", choices=("xlsx", "csv", "ics"), default="xlsx")
    p.add_argument("--out", help="tệp ghi ra (mặc định: nhiem-vu-<đơn vị>.<định dạng>)")
    p.add_argument("--plans", default=str(DEFAULT_PLANS), help="thư mục kế hoạch")
    p.add_argument("--data", default=str(DEFAULT_DATA), help="thư mục dữ liệu")
    p.set_defaults(fn=cmd_export)
    p = sub.add_parser("align", help="đối chiếu kế hoạch cấp dưới với kế hoạch cấp trên (chỉ tiêu, nhiệm vụ được giao)")
    common(p)
    p.add_argument("--plan", required=True, help="mã kế hoạch cấp dưới, ví dụ xa-nha-bich-2026")
    p.add_argument("--against", help="mã kế hoạch cấp trên (mặc định: kế hoạch cấp trên cùng tỉnh trong các kế "
                                     "hoạch đã nạp)")
    p.add_argument("--format", choices=("md", "xlsx"), default="md")
    p.add_argument("--out", help="tệp ghi ra (mặc định: md in ra màn hình, xlsx vào doi-chieu-<mã>.xlsx)")
    p.set_defaults(fn=cmd_align)
    p = sub.add_parser("chat", help="trò chuyện trong cửa sổ lệnh")
    common(p)
    today(p)
    p.set_defaults(fn=cmd_chat)
    for name, fn, port in (("telegram", cmd_telegram, 8443), ("zalo", cmd_zalo, 8444)):
        p = sub.add_parser(name, help=f"chạy bot {name}")
        common(p)
        p.add_argument("--webhook", help="URL công khai cho chế độ webhook (mặc định: long polling)")
        p.add_argument("--port", type=int, default=port)
        p.set_defaults(fn=fn)
    p = sub.add_parser("fetch-model", help="tải và kiểm tra mô hình EmbeddingGemma-300m")
    p.add_argument("--dest", default=str(DEFAULT_MODEL))
    p.add_argument("--no-onnx", action="store_true", help="không xuất bản ONNX (chỉ torch)")
    p.add_argument("--status", action="store_true", help="chỉ in trạng thái: ready | running | missing")
    p.add_argument("--log", help="ghi cảnh báo của thư viện vào tệp này, chỉ in các bước")
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
