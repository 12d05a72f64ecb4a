"""One chat at a time: the updates of a chat are handled in arrival order, other chats run alongside."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Hashable


class ChatLocks:
    """A FIFO lock per chat, dropped when no update of that chat is waiting.

    A follow-up question reads the context its predecessor writes: without the lock, two quick messages
    both read the context from before the first one and their answers can cross.
    """

    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, chat: Hashable) -> AsyncIterator[None]:
        lock, users = self._locks.get(chat, (None, 0))
        lock = lock or asyncio.Lock()
        self._locks[chat] = (lock, users + 1)
        try:
            async with lock:        # asyncio.Lock wakes its waiters first come, first served
                yield
        finally:
            lock, users = self._locks[chat]
            if users == 1:
                del self._locks[chat]
            else:
                self._locks[chat] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)
