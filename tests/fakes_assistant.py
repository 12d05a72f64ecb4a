"""A FakeAssistant implementing answers.protocol.Assistant for transport tests and the load bench."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from answers.export import ExportResult, export_rows
from answers.types import Answer, ChatContext, DueTask, IngestReport, PlanInfo, Source
from corpus.records import Deadline, Duty, ParsedPlan, Plan, Target, Task
from corpus.text import fold

PLANS = [
    PlanInfo("xa-nha-bich-2026", "Kế hoạch xã Nha Bích", "Nha Bích", "xa-nha-bich-2026.txt"),
    PlanInfo("phuong-hang-gon-2026", "Kế hoạch phường Hàng Gòn", "Hàng Gòn", "phuong-hang-gon-2026.txt"),
]
UNITS = {"phong van hoa - xa hoi": "Phòng Văn hóa – Xã hội", "phong vh-xh": "Phòng Văn hóa – Xã hội",
         "trung tam pvhcc": "Trung tâm Phục vụ hành chính công"}




def _task(code: str, subtask: str, lead: tuple[str, ...], cooperating: tuple[str, ...], deadline: Deadline,
          line: int) -> Task:
    return Task("I. Chuyển đổi số", code, "Số hóa dữ liệu", subtask, "Kho dữ liệu số", "100% hồ sơ", lead,
                cooperating, deadline, "Phụ lục I", line, line + 1)


# A small parsed plan (the first of PLANS) for exports: the real answers.export runs on it.
PARSED = ParsedPlan(
    plan=Plan("xa-nha-bich-2026", "Kế hoạch triển khai Nghị quyết 57", "UBND xã Nha Bích", "Nha Bích", "xã",
              "xa-nha-bich-2026.txt", "0" * 64),
    sections=(), passages=(),
    tasks=(
        _task("I.1", "Số hóa hồ sơ văn hóa, thể thao", ("Phòng VH-XH",), ("Trung tâm PVHCC",),
              Deadline("Quý II/2026", "quarter", "2026-04-01", "2026-06-30"), 240),
        _task("I.2", "Cập nhật cơ sở dữ liệu hộ nghèo", ("Trung tâm Phục vụ hành chính công",),
              ("Phòng Văn hóa – Xã hội", "Công an xã"), Deadline("Thường xuyên", "continuous"), 242),
        _task("I.3", "Rà soát thủ tục; báo cáo, tổng hợp", ("Công an xã",), (),
              Deadline("Trước ngày 15/3/2026", "date", "2026-03-15", "2026-03-15"), 244),
    ),
    targets=(Target("I. Chỉ tiêu", "5", "Tỷ lệ hồ sơ văn hóa được số hóa", "%", "≥ 95%", ">=", 95.0, None, 2026,
                    ("Phòng Văn hóa - Xã hội",), "Phụ lục II", 257, 259),),
    duties=(Duty("Phòng Văn hóa – Xã hội", "Hướng dẫn các thôn triển khai chuyển đổi số cộng đồng.",
                 "IV. TỔ CHỨC THỰC HIỆN > 3. Phòng Văn hóa – Xã hội", 131, 133),),
)


def source_for(question: str, plan: PlanInfo = PLANS[0], lines: tuple[int, int] = (257, 259)) -> Source:
    return Source(plan=plan.name, locality=plan.locality, file=plan.file, section="Phụ lục II",
                  lines=lines, snippet=f"Dòng trích dẫn cho: {question}\nDòng thứ hai của nguồn.")


@dataclass
class FakeAssistant:
    """Answers echo the question (so every chat can check it got its own reply) with one source."""
    delay: float = 0.0
    long_answer: int | None = None          # answer length in characters, to test splitting
    fail_on: str | None = None              # a question that raises, to test the error handler
    kind: str = "owner"                     # the kind of every answer ("none" = not in the plans)
    tasks: list[DueTask] = field(default_factory=list)
    plans_list: list[PlanInfo] = field(default_factory=lambda: list(PLANS))
    asked: list[tuple[str, str | None]] = field(default_factory=list)
    added: list[tuple[Path, bytes]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    threads: set[str] = field(default_factory=set)
    contexts: list = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def ask(self, question: str, default_plan: str | None = None, today=None, context=None) -> Answer:
        with self._lock:
            self.asked.append((question, default_plan))
            self.contexts.append(context)
            self.threads.add(threading.current_thread().name)
        if self.delay:
            time.sleep(self.delay)
        if self.fail_on and self.fail_on in question:
            raise RuntimeError("assistant exploded")
        if self.long_answer:
            line = "Nhiệm vụ chuyển đổi số số {:04d} do Phòng Văn hóa – Xã hội chủ trì, hạn Quý I/2026."
            lines, n = [], 0
            while sum(len(x) + 1 for x in lines) < self.long_answer:
                lines.append(line.format(n))
                n += 1
            text = "\n".join(lines)
        else:
            plan = f" [{default_plan}]" if default_plan else ""
            text = f"Trả lời{plan}: {question}"
        sources = () if self.kind == "none" else (source_for(question),)
        # the context names the question it came from, so tests can see what a follow-up was read against
        return Answer(question=question, kind=self.kind, text=text, sources=sources,
                      context=ChatContext(question=question, at=time.time()))

    def plans(self) -> list[PlanInfo]:
        return list(self.plans_list)

    def resolve_unit(self, text: str) -> str | None:
        return UNITS.get(fold(text).replace("–", "-").strip())

    def due_tasks(self, unit: str, today: date, within_days: int = 7) -> list[DueTask]:
        horizon = today + timedelta(days=within_days)
        return [t for t in self.tasks
                if t.unit == unit and date.fromisoformat(t.due) <= horizon]

    def add_plan_file(self, path: Path) -> IngestReport:
        content = Path(path).read_bytes()
        self.added.append((Path(path), content))
        text = content.decode("utf-8", errors="replace")
        if not text.strip():
            return IngestReport(plan=None, file=Path(path).name, ok=False, message="Tệp rỗng.")
        lines = text.splitlines()
        slug = Path(path).stem
        self.plans_list.append(PlanInfo(slug, f"Kế hoạch {slug}", slug, Path(path).name))
        return IngestReport(
            plan=f"Kế hoạch {slug}", file=Path(path).name, ok=True,
            tasks=sum(1 for x in lines if x.startswith("- ")),
            targets=sum(1 for x in lines if "chỉ tiêu" in x.lower()),
            duties=0, passages=sum(1 for x in text.split("\n\n") if x.strip()))

    def export_rows(self, unit: str, plan: str | None = None) -> ExportResult:
        return export_rows([PARSED], unit, plan)

    def remove_plan(self, slug: str) -> bool:
        before = len(self.plans_list)
        self.plans_list = [p for p in self.plans_list if p.slug != slug]
        self.removed.append(slug)
        return len(self.plans_list) < before


def due_task(unit: str, task: str, due: date, plan: PlanInfo = PLANS[0]) -> DueTask:
    return DueTask(plan=plan.name, unit=unit, task=task, deadline_text=f"Trước ngày {due:%d/%m/%Y}",
                   due=due.isoformat(), source=source_for(task, plan, (300, 301)))
