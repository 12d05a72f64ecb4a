"""A fake Telegram Bot API on 127.0.0.1 (aiohttp.web) for driving a real python-telegram-bot Application."""
from __future__ import annotations

import asyncio
import itertools
import json
import socket
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from aiohttp import web

TOKEN = "123456789:AAFakeTokenForTests_abcdefghijklmnop"
# Values PTB sends as JSON strings inside form-encoded bodies.
_JSON_FIELDS = {"reply_markup", "allowed_updates", "entities", "commands", "reply_parameters",
                "link_preview_options"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_async(coro, timeout: float = 25):
    """Run a test scenario with an overall time limit."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeBotServer:
    """Shared plumbing of the fake Telegram and Zalo APIs: an aiohttp server, recorded calls, waiting."""

    def __init__(self, token: str):
        self.token = token
        self.calls: list[Call] = []
        self._fail: dict[str, int] = {}
        self._broken: dict[str, int] = {}
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        self.routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        self._changed.set()
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self):
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def fail_next(self, method: str, retry_after: int = 1) -> None:
        """The next call of method answers 429 with retry_after, like flood control does."""
        self._fail[method] = retry_after

    def break_next(self, method: str, times: int = 1) -> None:
        """The next calls of method meet a proxy's 502 page (HTML, not JSON), like a network hiccup."""
        self._broken[method] = times

    def calls_of(self, method: str, chat_id: int | str | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method
                and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))]

    def texts(self, chat_id: int | str | None = None) -> list[str]:
        return [c.params["text"] for c in self.calls_of("sendMessage", chat_id)]

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Wait until predicate() is truthy (re-checked after every API call)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"timed out; calls so far: {[(c.method, c.params) for c in self.calls]}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.2))
            except asyncio.TimeoutError:
                pass

    async def wait_changed(self, timeout: float) -> None:
        self._changed.clear()
        try:
            await asyncio.wait_for(self._changed.wait(), timeout)
        except asyncio.TimeoutError:
            pass

    def _notify(self) -> None:
        self._changed.set()

    def take_failure(self, method: str, params: dict) -> int | None:
        if method not in self._fail:
            return None
        self.calls.append(Call(method + ":429", params))
        return self._fail.pop(method)

    async def dispatch(self, method: str, params: dict) -> web.Response:
        """Answer one API call: an injected 429, the _m_<method> handler, or 404."""
        if self._broken.get(method):
            self._broken[method] -= 1
            self.calls.append(Call(method + ":502", params))
            return web.Response(status=502, text="<html><body>502 Bad Gateway</body></html>",
                                content_type="text/html")
        retry_after = self.take_failure(method, params)
        if retry_after is not None:
            return self._error(429, f"Too Many Requests: retry after {retry_after}",
                               parameters={"retry_after": retry_after})
        handler = getattr(self, "_m_" + method, None)
        if handler is None:
            return self._error(404, "Not Found: method not found")
        if method != "getUpdates":
            self.calls.append(Call(method, params))
        response = await handler(params)
        self._notify()
        return response

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(code: int, description: str, **extra: Any) -> web.Response:
        return web.json_response({"ok": False, "error_code": code, "description": description, **extra},
                                 status=code)


class FakeTelegramAPI(FakeBotServer):
    """Implements the Bot API methods the bot uses; tests inject updates and inspect calls."""

    def __init__(self, token: str = TOKEN, bot_id: int = 999, username: str = "kh57_bot"):
        super().__init__(token)
        self.bot_user = {"id": bot_id, "is_bot": True, "first_name": "Trợ lý 57", "username": username}
        self.updates: list[dict] = []
        self.offsets: list[int] = []
        self.files: dict[str, tuple[str, bytes]] = {}
        self.messages: dict[int, dict] = {}
        self.chats: dict[int, dict] = {}
        self.webhook: dict[str, Any] = {}
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(1)

    def routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.*}", self._download)

    # -- what tests inject
    def add_update(self, payload: dict) -> int:
        update_id = next(self._update_ids)
        self.updates.append({"update_id": update_id, **payload})
        self._notify()
        return update_id

    def user_message(self, chat_id: int, text: str | None = None, user_id: int | None = None,
                     chat_type: str | None = None, reply_to_bot: bool = False,
                     document: dict | None = None, caption: str | None = None,
                     reply_to: int | None = None) -> dict:
        """A message from a user, with bot_command and @mention entities filled in like Telegram does."""
        chat_type = chat_type or ("private" if chat_id > 0 else "group")
        chat = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = "Cán bộ"
        else:
            chat["title"] = "Nhóm công tác"
        self.chats[chat_id] = chat
        uid = user_id if user_id is not None else (chat_id if chat_id > 0 else 1001)
        msg: dict[str, Any] = {"message_id": next(self._ids), "date": int(time.time()), "chat": chat,
                               "from": {"id": uid, "is_bot": False, "first_name": "Cán bộ"}}
        if text is not None:
            msg["text"] = text
            entities = []
            if text.startswith("/"):
                entities.append({"type": "bot_command", "offset": 0, "length": _utf16_len(text.split()[0])})
            mention = "@" + self.bot_user["username"]
            start = text.find(mention)
            while start >= 0:
                entities.append({"type": "mention", "offset": _utf16_len(text[:start]),
                                 "length": _utf16_len(mention)})
                start = text.find(mention, start + 1)
            if entities:
                msg["entities"] = entities
        if document is not None:
            msg["document"] = document
            if caption:
                msg["caption"] = caption
        if reply_to is not None:               # a reply to one of the bot's messages, keyboard included
            msg["reply_to_message"] = self.messages[reply_to]
        elif reply_to_bot:
            msg["reply_to_message"] = {"message_id": next(self._ids), "date": int(time.time()),
                                       "chat": chat, "from": self.bot_user, "text": "…"}
        self.add_update({"message": msg})
        return msg

    def callback(self, chat_id: int, data: str, message_id: int, user_id: int | None = None) -> None:
        message = self.messages.get(message_id) or {
            "message_id": message_id, "date": int(time.time()), "chat": self.chats.get(
                chat_id, {"id": chat_id, "type": "private"}), "from": self.bot_user, "text": "…"}
        uid = user_id if user_id is not None else chat_id
        self.add_update({"callback_query": {
            "id": str(next(self._ids)), "chat_instance": str(chat_id), "data": data, "message": message,
            "from": {"id": uid, "is_bot": False, "first_name": "Cán bộ"}}})

    def add_file(self, name: str, content: bytes, size: int | None = None,
                 mime: str = "text/plain") -> dict:
        """Register a downloadable file and return the Document dict to put in a message."""
        n = next(self._ids)
        file_id = f"FILE{n}"
        suffix = name.rsplit(".", 1)[-1] if "." in name else "bin"
        self.files[file_id] = (f"documents/file_{n}.{suffix}", content)
        return {"file_id": file_id, "file_unique_id": f"U{n}", "file_name": name, "mime_type": mime,
                "file_size": size if size is not None else len(content)}

    # -- HTTP handlers
    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            body = await request.text()
            if body:
                params.update(json.loads(body))
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if not isinstance(value, str):     # an uploaded file (sendDocument)
                    params[key] = {"filename": value.filename, "content": value.file.read()}
                    continue
                params[key] = json.loads(value) if key in _JSON_FIELDS else value
        return params

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        return await self.dispatch(request.match_info["method"], await self._params(request))

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        for stored_path, content in self.files.values():
            if stored_path == path:
                return web.Response(body=content)
        return web.Response(status=404)

    def _bot_message(self, chat_id: int, text: str, reply_markup: Any = None) -> dict:
        msg = {"message_id": next(self._ids), "date": int(time.time()),
               "chat": self.chats.get(chat_id, {"id": chat_id, "type": "private" if chat_id > 0 else "group"}),
               "from": self.bot_user, "text": text}
        if reply_markup:
            msg["reply_markup"] = reply_markup
        self.messages[msg["message_id"]] = msg
        return msg

    # -- Bot API methods
    async def _m_getMe(self, p: dict) -> web.Response:
        return self._ok(self.bot_user)

    async def _m_getUpdates(self, p: dict) -> web.Response:
        offset = int(p.get("offset") or 0)
        timeout = float(p.get("timeout") or 0)
        limit = int(p.get("limit") or 100)
        self.offsets.append(offset)
        # Like Telegram: asking from offset confirms (drops) every earlier update.
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        deadline = asyncio.get_running_loop().time() + min(timeout, 2.0)
        while not self.updates:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                break
            await self.wait_changed(remaining)
        return self._ok(self.updates[:limit])

    async def _m_sendMessage(self, p: dict) -> web.Response:
        return self._ok(self._bot_message(int(p["chat_id"]), p["text"], p.get("reply_markup")))

    async def _m_sendDocument(self, p: dict) -> web.Response:
        document = p.get("document")
        if not p.get("chat_id") or not isinstance(document, dict) or not document["content"]:
            return self._error(400, "Bad Request: there is no document in the request")
        if len(p.get("caption", "")) > 1024:
            return self._error(400, "Bad Request: message caption is too long")
        msg = self._bot_message(int(p["chat_id"]), "")
        del msg["text"]
        n = next(self._ids)
        msg["document"] = {"file_id": f"DOC{n}", "file_unique_id": f"D{n}", "file_name": document["filename"],
                           "file_size": len(document["content"])}
        if p.get("caption"):
            msg["caption"] = p["caption"]
        return self._ok(msg)

    def documents(self, chat_id: int | str) -> list[tuple[str, bytes, str]]:
        """(file name, content, caption) of every document sent to chat_id."""
        return [(c.params["document"]["filename"], c.params["document"]["content"], c.params.get("caption", ""))
                for c in self.calls_of("sendDocument", chat_id)]

    async def _m_editMessageText(self, p: dict) -> web.Response:
        msg = self.messages.get(int(p.get("message_id", 0)))
        if msg is None:
            return self._error(400, "Bad Request: message to edit not found")
        msg = {**msg, "text": p["text"], "edit_date": int(time.time())}
        msg.pop("reply_markup", None)
        if p.get("reply_markup"):
            msg["reply_markup"] = p["reply_markup"]
        self.messages[msg["message_id"]] = msg
        return self._ok(msg)

    async def _m_answerCallbackQuery(self, p: dict) -> web.Response:
        return self._ok(True)

    async def _m_sendChatAction(self, p: dict) -> web.Response:
        return self._ok(True)

    async def _m_setMyCommands(self, p: dict) -> web.Response:
        return self._ok(True)

    async def _m_getFile(self, p: dict) -> web.Response:
        file_id = p.get("file_id", "")
        if file_id not in self.files:
            return self._error(400, "Bad Request: invalid file_id")
        path, content = self.files[file_id]
        return self._ok({"file_id": file_id, "file_unique_id": "U" + file_id, "file_size": len(content),
                         "file_path": path})

    async def _m_setWebhook(self, p: dict) -> web.Response:
        self.webhook = {"url": p.get("url", ""), "secret_token": p.get("secret_token")}
        return self._ok(True)

    async def _m_deleteWebhook(self, p: dict) -> web.Response:
        self.webhook = {}
        return self._ok(True)

    async def _m_getWebhookInfo(self, p: dict) -> web.Response:
        return self._ok({"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                         "pending_update_count": 0})
