"""Short Vietnamese answers from found records: the fact first, then what it refers to, then the source."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corpus.parse import target_sentence, task_sentence
from corpus.text import squash, words

from answers.question import Question
from answers.types import Answer, Source

if TYPE_CHECKING:
    from answers.service import PlanData, Record

MAX_LIST_ITEMS = 15
EXAMPLES = (
    "Ai chủ trì triển khai Đề án 06 ở xã Nha Bích?",
    "Hạn số hóa hồ sơ thủ tục hành chính là khi nào?",
    "Chỉ tiêu tỷ lệ người dân có chữ ký số của phường Hàng Gòn là bao nhiêu?",
)


@dataclass(frozen=True)
class Found:
    score: float
    record: "Record"


def _short(text: str, limit: int = 170) -> str:
    text = squash(text)
    text = re.sub(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[-+•])\s+", "", text)
    if len(text) <= limit:
        return text.rstrip(" .;,")
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" .;,") + "…"


def _join_units(units: tuple[str, ...] | list[str]) -> str:
    return "; ".join(units) if units else "(kế hoạch không ghi)"


_SENTENCE = re.compile(r"(?<=[.;!?])\s+(?=[A-ZĐÀ-Ỹ\-+(])")


class Composer:
    def __init__(self, plans: dict[str, "PlanData"]):
        self.plans = plans

    # ------------------------------------------------------------------ sources
    def source(self, slug: str, r: "Record") -> Source:
        pd = self.plans[slug]
        plan = pd.parsed.plan
        o = r.obj
        section = getattr(o, "section", "") or "Phần mở đầu"
        if r.kind == "task":
            snippet = task_sentence(o)
        elif r.kind == "target":
            snippet = target_sentence(o)
        elif r.kind == "duty":
            snippet = f"{o.unit}: {o.text}"
        else:
            snippet = o.text
        return Source(plan=plan.name, locality=plan.locality, file=plan.file, section=_short(section, 140),
                      lines=(o.first_line, o.last_line), snippet=_short(snippet, 400), page=getattr(o, "page", None))

    def cited_lines(self, src: Source) -> str:
        """The plan's own lines a source points at (for 'Xem nguồn')."""
        for pd in self.plans.values():
            if pd.parsed.plan.file == src.file and pd.lines:
                a, b = src.lines
                return "\n".join(pd.lines[a - 1:b]).strip()
        return src.snippet

    # ------------------------------------------------------------------ fixed replies
    def plan_names(self) -> str:
        return ", ".join(pd.parsed.plan.name for _, pd in sorted(self.plans.items())) or "(chưa có kế hoạch nào)"

    def help_text(self, greeting: bool = False) -> str:
        hello = "Xin chào! " if greeting else ""
        ex = "\n".join(f"• {e}" for e in EXAMPLES)
        return (f"{hello}Tôi là Trợ lý Kế hoạch 57: tôi trả lời về nhiệm vụ, đơn vị chủ trì, thời hạn, chỉ tiêu và "
                f"trách nhiệm của các đơn vị trong các kế hoạch triển khai Nghị quyết 57-NQ/TW đã nạp "
                f"({self.plan_names()}). Hãy hỏi một câu cụ thể, ví dụ:\n{ex}")

    def not_found(self) -> str:
        return ("Không có trong kế hoạch: tôi không tìm thấy nội dung này trong các kế hoạch đã nạp "
                f"({self.plan_names()}). Tôi chỉ trả lời về nhiệm vụ, đơn vị chủ trì, thời hạn, chỉ tiêu và trách "
                f"nhiệm nêu trong các kế hoạch đó. Ví dụ: “{EXAMPLES[0]}”")

    def unknown_unit(self, unit: str) -> str:
        return (f"Không có trong kế hoạch: không kế hoạch nào đã nạp ({self.plan_names()}) giao việc cho "
                f"“{unit}”. Hãy kiểm tra tên đơn vị, ví dụ “Phòng Văn hóa – Xã hội”, “Công an xã”.")

    def unknown_place(self, place: str) -> str:
        return (f"Không có trong kế hoạch: chưa có kế hoạch của {place} trong hệ thống. Các kế hoạch đã nạp: "
                f"{self.plan_names()}.")

    # ------------------------------------------------------------------ facts
    def _kind(self, q: Question, r: "Record") -> str:
        if q.intents & {"owner", "coop"}:
            return "owner"
        if "deadline" in q.intents:
            return "deadline"
        if "target" in q.intents or r.kind == "target":
            return "target"
        return "passage"

    def fact(self, q: Question, found: list[Found]) -> Answer:
        kind = self._kind(q, found[0].record)
        parts, sources = [], []
        multi = len(found) > 1
        for f in found:
            r = f.record
            text = self._fact_text(q, kind, r)
            src = self.source(r.plan, r)
            sources.append(src)
            prefix = f"{src.plan}: " if multi else ""
            parts.append(f"{prefix}{text}\nNguồn: {src.citation()}")
        head = "Các kế hoạch trả lời khác nhau:\n" if multi and len({p.split(':')[0] for p in parts}) > 1 else ""
        if len(found) == 1:
            plan = self.plans[found[0].record.plan].parsed.plan
            parts[0] = f"{plan.name}: {parts[0]}"
        return Answer(q.raw, kind, head + "\n\n".join(parts), tuple(sources))

    def _fact_text(self, q: Question, kind: str, r: "Record") -> str:
        o = r.obj
        want_deadline = "deadline" in q.intents
        want_coop = "coop" in q.intents
        if r.kind == "task":
            label = f"nhiệm vụ {o.code} “{_short(o.subtask or o.task)}”" if o.code else f"nhiệm vụ “{_short(o.subtask or o.task)}”"
            if o.subtask and o.task and o.subtask != o.task and not o.subtask.startswith(_short(o.task, 40)[:30]):
                label += f" (thuộc “{_short(o.task, 120)}”)"
            if kind == "owner":
                if want_coop and not re.search(r"chu tri|phu trach", q.folded):
                    s = f"Đơn vị phối hợp: {_join_units(o.cooperating)} — {label} (chủ trì: {_join_units(o.lead)})"
                else:
                    s = f"{_join_units(o.lead)} chủ trì {label}"
                    if o.cooperating:
                        s += f"; đơn vị phối hợp: {_join_units(o.cooperating)}"
                if want_deadline or want_coop:
                    s += f"; thời hạn: {o.deadline.text or 'không ghi'}"
                if "kpi" in q.folded or "do luong" in q.folded:
                    s += f"; KPI: {o.kpi or 'không ghi'}"
                if "san pham" in q.folded:
                    s += f"; sản phẩm: {o.product or 'không ghi'}"
                return s + "."
            if kind == "deadline":
                return (f"Thời hạn: {o.deadline.text or 'kế hoạch không ghi'} — {label} "
                        f"(chủ trì: {_join_units(o.lead)}).")
            return task_sentence(o)
        if r.kind == "target":
            value = o.value_text or "(không ghi)"
            year = f" (đến cuối năm {o.year})" if o.year else ""
            if kind == "owner":
                if o.lead:
                    return f"{_join_units(o.lead)} chủ trì theo dõi chỉ tiêu “{_short(o.text)}” (kết quả phấn đấu: {value}{year})."
                return f"Kế hoạch không ghi đơn vị chủ trì cho chỉ tiêu “{_short(o.text)}” ({value}{year})."
            if kind == "deadline" and o.year:
                s = f"Thời hạn: đến cuối năm {o.year} — chỉ tiêu “{_short(o.text)}” đạt {value}"
            else:
                s = f"Chỉ tiêu “{_short(o.text)}”: {value}{year}"
            if o.lead:
                s += f"; đơn vị chủ trì: {_join_units(o.lead)}"
            return s + "."
        if r.kind == "duty":
            text = o.text
            if kind == "deadline":
                sent = self._best_sentence(o.text, q, prefer=r"trước ngày|hằng tháng|định kỳ|hoàn thành")
                return f"{o.unit}: {sent}"
            return f"{o.unit}: {_short(text, 400)}"
        sent = self._best_sentence(o.text, q)
        return sent

    def _best_sentence(self, text: str, q: Question, prefer: str | None = None) -> str:
        sentences = [s.strip() for s in _SENTENCE.split(text) if s.strip()] or [text]
        qw = {w for w in words(q.text) if len(w) > 1}
        best, best_score = sentences[0], -1.0
        for s in sentences:
            sw = set(words(s))
            score = len(qw & sw) / (1 + len(qw))
            if prefer and re.search(prefer, s, re.IGNORECASE):
                score += 0.5
            if score > best_score:
                best, best_score = s, score
        return _short(best, 450)

    # ------------------------------------------------------------------ duties and lists
    def overview(self, q: Question, plans: list["PlanData"]) -> Answer:
        parts = []
        for pd in plans:
            p = pd.parsed
            parts.append(f"{p.plan.name}: {len(p.tasks)} nhiệm vụ (phụ lục/bảng), {len(p.targets)} chỉ tiêu, "
                         f"{len(p.duties)} đoạn giao trách nhiệm cho {len(pd.units.groups)} đơn vị. "
                         f"Tệp: {p.plan.file}.")
        return Answer(q.raw, "list", "\n".join(parts) + "\nHỏi tiếp, ví dụ: “Các chỉ tiêu về dịch vụ công” hoặc "
                      "“Các nhiệm vụ Phòng Kinh tế chủ trì”.")

    def _quote_new(self, slug: str, records, seen: set[str], sources: list[Source], limit: int | None = None):
        """'text (dòng N)' for records whose text was not quoted yet; records their sources."""
        out = []
        for r in records:
            t = _short(r.obj.text, 300)
            if t in seen or (limit is not None and len(out) >= limit):
                continue
            seen.add(t)
            src = self.source(slug, r)
            sources.append(src)
            out.append(f"{t} (dòng {src.lines[0]})")
        return out

    def duties(self, q: Question, units, duties: list["Record"], led: list["Record"],
               mentions: list["Record"] = ()) -> Answer | None:
        if not duties and not led and not mentions:
            return None
        mention_by_plan: dict[str, list["Record"]] = {}
        for r in mentions:
            mention_by_plan.setdefault(r.plan, []).append(r)
        parts, sources = [], []
        by_plan: dict[str, list["Record"]] = {}
        for r in duties:
            by_plan.setdefault(r.plan, []).append(r)
        led_by_plan: dict[str, list["Record"]] = {}
        for r in led:
            led_by_plan.setdefault(r.plan, []).append(r)
        for slug, unit, _ in units:
            plan = self.plans[slug].parsed.plan
            items = by_plan.get(slug, [])
            lead_items = led_by_plan.get(slug, [])
            other = mention_by_plan.get(slug, []) if len(items) < 3 else []
            if not items and not lead_items and not other:
                continue
            lines = [f"{plan.name} — {unit}:"]
            plan_sources: list[Source] = []
            seen: set[str] = set()
            lines += [f"{k}. {t}" for k, t in enumerate(self._quote_new(slug, items, seen, plan_sources), 1)]
            if lead_items:
                tasks = [r for r in lead_items if r.kind == "task"]
                targets = [r for r in lead_items if r.kind == "target"]
                shown = tasks[:8] + targets[:8]
                lines.append(f"Chủ trì {len(tasks)} nhiệm vụ và {len(targets)} chỉ tiêu trong bảng/phụ lục:")
                for r in shown:
                    src = self.source(slug, r)
                    plan_sources.append(src)
                    if r.kind == "task":
                        lines.append(f"- Nhiệm vụ {r.obj.code}: {_short(r.obj.subtask or r.obj.task, 120)} "
                                     f"(hạn: {r.obj.deadline.text or 'không ghi'})")
                    else:
                        lines.append(f"- Chỉ tiêu “{_short(r.obj.text, 110)}”: {r.obj.value_text}")
                rest = len(tasks) + len(targets) - len(shown)
                if rest > 0:
                    lines.append(f"… và {rest} mục khác.")
            other_lines = [f"- {t}" for t in self._quote_new(slug, other, seen, plan_sources, limit=4)]
            if other_lines:
                lines.append(f"Các nội dung khác của kế hoạch nhắc đến {unit}:")
                lines.extend(other_lines)
            lines.append("Nguồn: " + "; ".join(s.citation() for s in plan_sources[:3]))
            sources.extend(plan_sources)
            parts.append("\n".join(lines))
        if not parts:
            return None
        return Answer(q.raw, "duties", "\n\n".join(parts), tuple(sources))

    def listing_empty(self, q: Question, label: str) -> Answer:
        return Answer(q.raw, "list", f"Không có nhiệm vụ nào {label} trong các kế hoạch đã nạp ({self.plan_names()}).")

    def signer(self, q: Question, plans: list["PlanData"]) -> Answer | None:
        parts, sources = [], []
        for pd in plans:
            plan = pd.parsed.plan
            if not plan.signer:
                continue
            line_no = next((i for i, l in enumerate(pd.lines, 1) if plan.signer in l.replace("*", "")), 0)
            title = ""
            for back in range(line_no - 2, max(0, line_no - 14), -1):
                t = pd.lines[back].replace("*", "").strip()
                if t and t.isupper():
                    title = " ".join(x.replace("*", "").strip() for x in pd.lines[max(0, back - 3):back + 1]
                                     if x.strip() and x.replace("*", "").strip().isupper())
                    break
            src = Source(plan=plan.name, locality=plan.locality, file=plan.file, section="Phần ký ban hành",
                         lines=(line_no, line_no), snippet=f"{title} {plan.signer}".strip(),
                         page=None)
            sources.append(src)
            role = f" ({title})" if title else ""
            parts.append(f"{plan.name}: người ký là {plan.signer}{role}; cơ quan ban hành: {plan.issuer}.\n"
                         f"Nguồn: {src.citation()}")
        if not parts:
            return None
        return Answer(q.raw, "passage", "\n\n".join(parts), tuple(sources))

    def listing(self, q: Question, items: list["Record"], label: str) -> Answer | None:
        if not items:
            return None
        by_plan: dict[str, list["Record"]] = {}
        for r in items:
            by_plan.setdefault(r.plan, []).append(r)
        parts, sources = [], []
        for slug, recs in sorted(by_plan.items()):
            plan = self.plans[slug].parsed.plan
            n_tasks = sum(1 for r in recs if r.kind == "task")
            n_targets = sum(1 for r in recs if r.kind == "target")
            n_items = len(recs) - n_tasks - n_targets
            what = " và ".join(x for x in (f"{n_tasks} nhiệm vụ" if n_tasks else "",
                                             f"{n_targets} chỉ tiêu" if n_targets else "",
                                             f"{n_items} nội dung" if n_items else "") if x)
            lines = [f"{plan.name}: {what} {label}:"]
            group = None
            for r in recs[:MAX_LIST_ITEMS]:
                g = getattr(r.obj, "group", "")
                if g and g != group:
                    lines.append(f"[{_short(g, 90)}]")
                    group = g
                src = self.source(slug, r)
                sources.append(src)
                if r.kind == "passage":
                    lines.append(f"- {_short(r.obj.text, 260)} (dòng {src.lines[0]})")
                elif r.kind == "task":
                    lines.append(f"- {r.obj.code} {_short(r.obj.subtask or r.obj.task, 230)} — chủ trì: "
                                 f"{_join_units(r.obj.lead)}; hạn: {r.obj.deadline.text or 'không ghi'} (dòng {src.lines[0]})")
                else:
                    lines.append(f"- {_short(r.obj.text, 200)}: {r.obj.value_text} (dòng {src.lines[0]})")
            if len(recs) > MAX_LIST_ITEMS:
                lines.append(f"… và {len(recs) - MAX_LIST_ITEMS} mục khác (hỏi cụ thể hơn để thu hẹp).")
            lines.append(f"Nguồn: {plan.name}, {_short(recs[0].obj.section, 80)}")
            parts.append("\n".join(lines))
        return Answer(q.raw, "list", "\n\n".join(parts), tuple(sources))
