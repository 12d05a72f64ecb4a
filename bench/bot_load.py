"""Load bench: N chats ask at once through the fake Telegram API; prints p50/p95 reply latency.

    .venv/bin/python bench/bot_load.py                 # FakeAssistant sleeping ~50 ms per answer
    .venv/bin/python bench/bot_load.py --real          # the real assistant (answers.service.build_assistant)
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.render import HTML, TELEGRAM_LIMIT, render_answer, split_message  # noqa: E402
from bot.telegram_bot import TelegramConfig, build_application  # noqa: E402
from tests.fake_telegram_api import FakeTelegramAPI  # noqa: E402
from tests.fakes_assistant import FakeAssistant  # noqa: E402

REAL_QUESTIONS = (
    "Ai chủ trì nhiệm vụ chuyển đổi số ở xã Nha Bích?",
    "Chỉ tiêu tỷ lệ hồ sơ trực tuyến của phường Hàng Gòn?",
    "Phòng Văn hóa – Xã hội có nhiệm vụ gì?",
    "Thời hạn hoàn thành các nhiệm vụ của tỉnh Đồng Nai?",
    "Xã Xuân Phú báo cáo định kỳ thế nào?",
)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def _real_assistant(plans: Path, data: Path):
    try:
        from answers.service import build_assistant
    except ImportError:
        raise SystemExit("answers.service.build_assistant chưa có; chạy không kèm --real.")
    # the model as the bot serves it (ONNX when exported, else torch), vectors from the shared cache
    model = ROOT / "models" / "embeddinggemma-300m"
    embedder = None
    if model.exists():
        from index.model import load_embedder
        embedder = load_embedder(str(model))
    print(f"assistant: {'model ' + embedder.name if embedder else 'keywords only'}", flush=True)
    return build_assistant(plans, data, embedder=embedder,
                           vector_cache=ROOT / "models" / "vector-cache.sqlite" if embedder else None)


async def bench(chats: int, delay: float, real: bool, plans: Path, data: Path) -> int:
    assistant = _real_assistant(plans, data) if real else FakeAssistant(delay=delay)
    questions = {1000 + i: (REAL_QUESTIONS[i % len(REAL_QUESTIONS)] if real else f"Câu hỏi số {i} của chat")
                 for i in range(chats)}
    # What each chat must receive: the rendered answer to its own question.
    expected = ({c: split_message(render_answer(assistant.ask(q), HTML), TELEGRAM_LIMIT)[0]
                 for c, q in questions.items()} if real else None)
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeTelegramAPI() as api:
            cfg = TelegramConfig(token=api.token, api_url=api.url, state_path=Path(tmp) / "s.sqlite3",
                                 upload_dir=Path(tmp) / "up")
            app = build_application(assistant, cfg)
            async with app:
                await app.updater.start_polling(poll_interval=0, timeout=timedelta(seconds=1))
                await app.start()
                sent_at = {}
                for chat, question in questions.items():
                    api.user_message(chat, question)
                    sent_at[chat] = time.monotonic()
                await api.wait_for(lambda: all(api.calls_of("sendMessage", c) for c in questions),
                                   timeout=120)
                await app.updater.stop()
                await app.stop()
    latencies, wrong = [], []
    for chat, question in questions.items():
        reply = api.calls_of("sendMessage", chat)[0]
        latencies.append(reply.at - sent_at[chat])
        ok = (reply.params["text"] == expected[chat]) if real else (question in reply.params["text"])
        if not ok:
            wrong.append(chat)
    mode = "real assistant" if real else f"FakeAssistant, {delay * 1000:.0f} ms per answer"
    print(f"{chats} chats at once ({mode})")
    print(f"reply latency p50 = {percentile(latencies, 50) * 1000:.0f} ms, "
          f"p95 = {percentile(latencies, 95) * 1000:.0f} ms, max = {max(latencies) * 1000:.0f} ms, "
          f"mean = {statistics.mean(latencies) * 1000:.0f} ms")
    print(f"Bot API calls: {len(api.calls_of('sendMessage'))} sendMessage, "
          f"{len(api.calls_of('sendChatAction'))} sendChatAction")
    if wrong:
        print(f"FAIL: {len(wrong)} chats got someone else's (or no) answer: {wrong[:10]}")
        return 1
    print(f"OK: every one of the {chats} chats got its own answer")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chats", type=int, default=50)
    ap.add_argument("--delay", type=float, default=0.05, help="FakeAssistant seconds per answer")
    ap.add_argument("--real", action="store_true", help="use answers.service.build_assistant")
    ap.add_argument("--plans", type=Path, default=ROOT / "corpus" / "plans")
    ap.add_argument("--data", type=Path, default=ROOT / "data")
    args = ap.parse_args(argv)
    return asyncio.run(bench(args.chats, args.delay, args.real, args.plans, args.data))


if __name__ == "__main__":
    raise SystemExit(main())
