"""A fake Zalo Bot Platform API on 127.0.0.1: getMe, getUpdates (one update per call), sendMessage, ..."""
from __future__ import annotations

import itertools
import json
import time
from typing import Any

from aiohttp import web

from tests.fake_telegram_api import FakeBotServer

TOKEN = "987654321:ZaloFakeTokenForTests_qrstuvwxyz"
TEXT_LIMIT = 2000


class FakeZaloAPI(FakeBotServer):
    """Behaves like bot-api.zaloplatforms.com as far as the bot uses it."""

    def __init__(self, token: str = TOKEN, account_name: str = "kh57bot"):
        super().__init__(token)
        self.me = {"id": "5001", "account_name": account_name, "account_type": "BASIC",
                   "can_join_groups": True}
        self.pending: list[dict] = []
        self.webhook: dict[str, Any] = {}
        self._ids = itertools.count(1)

    def routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self._api)

    def text_update(self, chat_id: str, text: str, chat_type: str = "PRIVATE",
                    event: str = "message.text.received") -> dict:
        update = {"event_name": event, "message": {
            "message_id": f"m{next(self._ids)}", "date": int(time.time() * 1000), "text": text,
            "from": {"id": f"u{chat_id}", "display_name": "Cán bộ", "is_bot": False},
            "chat": {"id": chat_id, "chat_type": chat_type}}}
        if event != "message.text.received":
            del update["message"]["text"]
        return update

    def push(self, update: dict) -> None:
        """Queue an update for getUpdates."""
        self.pending.append(update)
        self._notify()

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        body = await request.text()
        return await self.dispatch(request.match_info["method"], json.loads(body) if body else {})

    async def _m_getMe(self, p: dict) -> web.Response:
        return self._ok(self.me)

    async def _m_getUpdates(self, p: dict) -> web.Response:
        if self.webhook:
            return self._error(400, "Webhook is set, getUpdates is not available")
        if not self.pending:
            await self.wait_changed(min(float(p.get("timeout") or 0), 0.3))
        if not self.pending:
            return web.json_response({"ok": False, "error_code": 408, "description": "Request timeout"})
        return self._ok(self.pending.pop(0))

    async def _m_sendMessage(self, p: dict) -> web.Response:
        text = p.get("text", "")
        if not p.get("chat_id") or not text:
            return self._error(400, "Bad Request: chat_id and text are required")
        if len(text) > TEXT_LIMIT:
            return self._error(400, "Bad Request: text is too long")
        return self._ok({"message_id": f"b{next(self._ids)}", "date": int(time.time() * 1000)})

    async def _m_sendChatAction(self, p: dict) -> web.Response:
        return self._ok(True)

    async def _m_setWebhook(self, p: dict) -> web.Response:
        self.webhook = {"url": p.get("url"), "secret_token": p.get("secret_token")}
        return self._ok({"url": p.get("url"), "updated_at": int(time.time() * 1000)})

    async def _m_deleteWebhook(self, p: dict) -> web.Response:
        self.webhook = {}
        return self._ok({"url": "", "updated_at": int(time.time() * 1000)})

    async def _m_getWebhookInfo(self, p: dict) -> web.Response:
        return self._ok({"url": self.webhook.get("url", ""), "updated_at": 0})
