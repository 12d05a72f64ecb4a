"""`run_bot.py telegram` end to end: environment -> real assistant -> fake Bot API on 127.0.0.1."""
from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path

from tests.fake_telegram_api import TOKEN, FakeTelegramAPI, run_async

ROOT = Path(__file__).resolve().parent.parent


def test_run_bot_telegram_answers_through_the_fake_api(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(ROOT / "corpus" / "plans" / "xa-nha-bich-2026.txt", plans)

    async def scenario():
        api = FakeTelegramAPI()
        await api.start()
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TELEGRAM_BOT_TOKEN": TOKEN,
               "TELEGRAM_API_URL": api.url, "K57_EMBED_MODEL": "none", "TELEGRAM_ALLOWED_CHATS": ""}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "run_bot.py", "-v", "telegram", "--plans", str(plans), "--data", str(tmp_path / "data"),
            cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            api.user_message(4242, "Ai chủ trì triển khai Đề án 06 ở xã Nha Bích?")
            await api.wait_for(lambda: any("Công an xã" in t for t in api.texts(4242)), timeout=60)
        finally:
            proc.terminate()
            _, err = await asyncio.wait_for(proc.communicate(), 20)
            await api.stop()
        return err.decode("utf-8", "replace")

    log = run_async(scenario(), timeout=90)
    assert TOKEN not in log and TOKEN.split(":")[1] not in log   # the token never reaches the log
    assert "Traceback" not in log
