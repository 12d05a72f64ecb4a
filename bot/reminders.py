"""Daily deadline reminders shared by both transports: which tasks to remind, once per stage."""
from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from answers.protocol import Assistant
from answers.types import DueTask
from bot.render import Style, render_reminder
from bot.state import BotState

log = logging.getLogger(__name__)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
REMINDER_TIME = time(7, 30, tzinfo=TZ)
WINDOW_DAYS = 7
# A task is reminded when it enters each window (7, 3, 1 days left) and once when overdue;
# thresholds rather than exact days so a day the bot was down does not lose a reminder.
STAGES = (1, 3, 7)


def today_in_vietnam() -> date:
    return datetime.now(TZ).date()


def seconds_until_next_run(now: datetime | None = None) -> float:
    now = now or datetime.now(TZ)
    target = datetime.combine(now.date(), REMINDER_TIME.replace(tzinfo=None), tzinfo=TZ)
    if target <= now:
        target += timedelta(days=1)
    return (target - now).total_seconds()


def stage_for(due: date, today: date) -> str | None:
    left = (due - today).days
    if left < 0:
        return "overdue"
    for days in STAGES:
        if left <= days:
            return f"d{days}"
    return None


def task_key(task: DueTask) -> str:
    raw = "\x1f".join((task.plan, task.unit, task.task, task.due))
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Reminder:
    chat_id: str
    unit: str
    text: str
    marks: tuple[tuple[str, str], ...]   # (task_key, stage) recorded as sent


def collect_reminders(assistant: Assistant, state: BotState, platform: str, today: date,
                      style: Style) -> list[Reminder]:
    """Reminders not sent yet for every subscription; records them as sent (blocking, run off-loop)."""
    out = []
    for chat_id, unit in state.subscriptions(platform):
        try:
            tasks = assistant.due_tasks(unit, today, within_days=WINDOW_DAYS)
        except Exception:
            log.exception("due_tasks failed for a subscribed unit")
            continue
        fresh: list[DueTask] = []
        marks = []
        for task in sorted(tasks, key=lambda t: t.due):
            try:
                due = date.fromisoformat(task.due)
            except ValueError:
                continue
            stage = stage_for(due, today)
            key = task_key(task)
            if stage and state.mark_reminder(platform, chat_id, key, stage, today.isoformat()):
                fresh.append(task)
                marks.append((key, stage))
        if fresh:
            out.append(Reminder(chat_id, unit, render_reminder(unit, fresh, today, style), tuple(marks)))
    return out


async def send_due_reminders(assistant: Assistant, state: BotState, platform: str, today: date,
                             style: Style, send: Callable[[str, str], Awaitable[object]]) -> int:
    """Collect and send today's reminders; a failed send is un-recorded so tomorrow retries it."""
    reminders = await asyncio.to_thread(collect_reminders, assistant, state, platform, today, style)
    sent = 0
    for reminder in reminders:
        try:
            await send(reminder.chat_id, reminder.text)
            sent += 1
        except Exception:
            log.exception("could not deliver a reminder")
            for key, stage in reminder.marks:
                state.unmark_reminder(platform, reminder.chat_id, key, stage)
    return sent
