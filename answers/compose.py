"""Short Vietnamese answers from found records: the fact first, then what it refers to, then the source.

Formatting only: what to say was decided by the handlers.
"""
from __future__ import annotations

import re
from datetime import date

from corpus.parse import target_sentence, task_sentence
from corpus.text import fold, squash, words

from answers.query import DOC_REF, Query
from answers.records import DECLARED, Found, PlanData, Record, group_name
from answers.types import Answer, Source

MAX_LIST_ITEMS = 30
EXAMPLES = (
    "Ai chủ trì triển khai Đề án 06 ở xã Nha Bích?",
    "Hạn số hóa hồ sơ thủ tục hành chính là khi nào?",
    "Chỉ tiêu tỷ lệ người dân có chữ ký số của phường Hàng Gòn là bao nhiêu?",
)
ERROR_TEXT = ("Xin lỗi, đã có lỗi khi xử lý câu hỏi này. Lỗi đã được ghi lại để khắc phục; "
              "bạn có thể hỏi lại theo cách khác.")


# how long a list item may grow when what the question asks about is in the part a list would cut off
ITEM_WHOLE = 900


def short(text: str, limit: int = 170) -> str:
    text = squash(text)
    text = re.sub(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[-+•]|[a-zđ]\))\s+", "", text)
    if len(text) <= limit:
        return text.rstrip(" .;,")
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" .;,") + "…"


def item_text(q: Query, text: str, limit: int, heading: str = "") -> str:
    """A list item shortened to `limit`, unless it holds a two-syllable word of the question's topic that its heading
    does not ("… những công nghệ chiến lược nào?" of the one item of a section that names them, in its last line):
    what follows those words is what was asked, so the item is shown whole, up to ITEM_WHOLE characters."""
    cut = short(text, limit)
    if not cut.endswith("…"):
        return cut
    whole, head = fold(squash(text)), fold(heading)
    if any(" " in w and w in whole and w not in head for w in (t.replace("_", " ") for t in q.topic)):
        return short(text, ITEM_WHOLE)
    return cut


SHARED_MIN_WORDS = 8    # an opening that long, word for word, in two sibling rows or more is said once


def shared_openings(recs: list[Record]) -> dict[int, tuple[int, str]]:
    """Sibling task rows of a list whose titles open with the same long words ("Xây dựng Nghị quyết ban hành
    quy định tiêu chí, … mức hỗ trợ từ ngân sách địa phương cho …") so their differences would be cut off:
    id(record) -> (length of the opening in its title, the line saying it, on the run's first row only)."""
    def opening(split: list[list[str]]) -> int:
        n = 0
        while all(len(t) > n + 2 for t in split) and len({t[n] for t in split}) == 1:
            n += 1
        return n

    out: dict[int, tuple[int, str]] = {}
    titles = [(r.obj.subtask or r.obj.task).split() if r.kind == "task" else [] for r in recs]
    i = 0
    while i < len(recs):
        j = i
        while (j + 1 < len(recs) and recs[i].kind == "task" == recs[j + 1].kind
               and recs[j + 1].obj.group == recs[i].obj.group
               and opening(titles[i:j + 2]) >= SHARED_MIN_WORDS):
            j += 1
        if j > i:
            n = opening(titles[i:j + 1])
            run = recs[i:j + 1]
            codes = f"{run[0].obj.code}–{run[-1].obj.code}" if len(run) > 2 else f"{run[0].obj.code}, {run[1].obj.code}"
            line = f"({codes} cùng mở đầu: “{' '.join(titles[i][:n]).rstrip(' ,;:')} …”)"
            for k, r in enumerate(run):
                out[id(r)] = (len(" ".join(titles[i + k][:n])), line if k == 0 else "")
        i = j + 1
    return out


def join_units(units) -> str:
    return "; ".join(units) if units else "(kế hoạch không ghi)"


def vn_date(d: date) -> str:
    return f"{d.day}/{d.month}/{d.year}"


_ITEM_START = re.compile(r"(?:[-+•]|[a-zđ]\)|\d{1,2}[.)])\s")
_SENTENCE = re.compile(r"(?<=[.;!?])\s+(?=[A-ZĐÀ-Ỹ\-+(])")
_FULL_STOP = re.compile(r"(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ\-+(])")


class Composer:
    def __init__(self, plans: dict[str, PlanData]):
        self.plans = plans

    # ------------------------------------------------------------------ sources
    def source(self, r: Record, lines: tuple[int, int] | None = None) -> Source:
        plan = self.plans[r.plan].parsed.plan
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
        return Source(plan=plan.name, locality=plan.locality, file=plan.file, section=short(section, 140),
                      lines=lines or (o.first_line, o.last_line), snippet=short(snippet, 400),
                      page=getattr(o, "page", None))

    def line_source(self, slug: str, section: str, first: int, last: int, snippet: str) -> Source:
        plan = self.plans[slug].parsed.plan
        return Source(plan=plan.name, locality=plan.locality, file=plan.file, section=section,
                      lines=(first, last), snippet=short(snippet, 400))

    # ------------------------------------------------------------------ fixed replies
    def plan_names(self) -> str:
        return ", ".join(pd.parsed.plan.name for _, pd in sorted(self.plans.items())) or "(chưa có kế hoạch nào)"

    def help_text(self, greeting: bool = False) -> str:
        hello = "Xin chào! " if greeting else ""
        ex = "\n".join(f"• {e}" for e in EXAMPLES)
        return (f"{hello}Tôi là Trợ lý Kế hoạch 57: tôi trả lời về nhiệm vụ, đơn vị chủ trì, thời hạn, chỉ tiêu và "
                f"trách nhiệm của các đơn vị trong các kế hoạch triển khai Nghị quyết 57-NQ/TW đã nạp "
                f"({self.plan_names()}). Hãy hỏi một câu cụ thể, ví dụ:\n{ex}")

    def not_found(self, plans: tuple[str, ...] = ()) -> str:
        """The plans do not answer it: the plans the question named, else every loaded plan."""
        named = [self.plans[s].parsed.plan.name for s in plans if s in self.plans]
        where = (f"{', '.join(named)} không nêu nội dung này" if named else
                 f"tôi không tìm thấy nội dung này trong các kế hoạch đã nạp ({self.plan_names()})")
        return (f"Không có trong kế hoạch: {where}. Tôi chỉ trả lời về nhiệm vụ, đơn vị chủ trì, thời hạn, chỉ tiêu "
                f"và trách nhiệm nêu trong các kế hoạch đã nạp. Ví dụ: “{EXAMPLES[0]}”")

    def not_stated(self, q: Query, what: str, nearest: list[Record]) -> Answer:
        """Kind none, saying what the plans do say nearby."""
        text = f"Không có trong kế hoạch: các kế hoạch đã nạp không nêu {what}."
        sources = []
        if nearest:
            r = nearest[0]
            src = self.source(r)
            sources.append(src)
            text += f"\nGần nhất: {self.plans[r.plan].parsed.plan.name} — {short(self._record_line(r), 260)} ({src.citation()})."
        else:
            text += f" Tôi trả lời về nhiệm vụ, đơn vị chủ trì, thời hạn, chỉ tiêu trong: {self.plan_names()}."
        return Answer(q.raw, "none", text, tuple(sources))

    def unknown_unit(self, q: Query, unit: str) -> Answer:
        named = [self.plans[s].parsed.plan.name for s in q.plans if s in self.plans]
        where = (f"{', '.join(named)} không giao việc cho" if named else
                 f"không kế hoạch nào đã nạp ({self.plan_names()}) giao việc cho")
        return Answer(q.raw, "none", f"Không có trong kế hoạch: {where} “{unit}”. Hãy kiểm tra tên đơn vị, ví dụ "
                                     f"“Phòng Văn hóa – Xã hội”.")

    def unknown_place(self, q: Query) -> Answer:
        return Answer(q.raw, "none", f"Không có trong kế hoạch: chưa có kế hoạch của {q.unknown_place} trong hệ "
                                     f"thống. Các kế hoạch đã nạp: {self.plan_names()}.")

    @staticmethod
    def assumption(label: str) -> str:
        return f"Hiểu theo câu trước: {label}"

    # ------------------------------------------------------------------ single facts
    @staticmethod
    def fact_kind(q: Query, r: Record) -> str:
        if q.wants("owner", "coop") and not q.wants("kpi", "product"):
            return "owner"
        if q.wants("deadline"):
            return "deadline"
        if q.wants("value", "kpi") or r.kind == "target":
            return "target"
        return "passage"

    def fact(self, q: Query, found: list[Found], notes: dict | None = None) -> Answer:
        """One record per plan; notes maps a record's id() to extra text (e.g. a due status)."""
        kind = self.fact_kind(q, found[0].record)
        parts, sources = [], []
        multi = len(found) > 1
        for f in found:
            r = f.record
            text = self.fact_text(q, kind, r)
            extra = (notes or {}).get(id(r))
            if extra:
                text = f"{text} {extra}"
            src = self.source(r)
            sources.append(src)
            prefix = f"{src.plan}: " if multi else f"{self.plans[r.plan].parsed.plan.name}: "
            parts.append(f"{prefix}{text}\nNguồn: {src.citation()}")
        head = "Các kế hoạch trả lời khác nhau:\n" if multi else ""
        return Answer(q.raw, kind, head + "\n\n".join(parts), tuple(sources))

    def schedule(self, q: Query, items: list[Record], notes: dict[int, str], missing: str = "") -> Answer:
        """A plan's periodic reports: who sends what to whom by which day, each with its next date. With missing
        (the period asked, which no plan here sets), the reports the plans do set, offered as the nearest."""
        parts, sources = [], []
        for slug in sorted({r.plan for r in items}):
            lines = [f"{self.plans[slug].parsed.plan.name} — báo cáo định kỳ:"]
            for r in (r for r in items if r.plan == slug):
                src = self.source(r)
                sources.append(src)
                lines.append(f"- {self.fact_text(q, 'deadline', r)} {notes.get(id(r), '')}".rstrip())
                lines.append(f"  Nguồn: {src.citation()}")
            parts.append("\n".join(lines))
        if missing:
            head = f"Không có trong kế hoạch: các kế hoạch đã nạp không quy định báo cáo {missing}. Gần nhất:\n"
            return Answer(q.raw, "none", head + "\n\n".join(parts), tuple(sources))
        return Answer(q.raw, "deadline", "\n\n".join(parts), tuple(sources))

    def task_label(self, o) -> str:
        label = f"nhiệm vụ {o.code} “{short(o.subtask or o.task)}”" if o.code else f"nhiệm vụ “{short(o.subtask or o.task)}”"
        if o.subtask and o.task and o.subtask != o.task and not o.subtask.startswith(short(o.task, 40)[:30]):
            label += f" (thuộc “{short(o.task, 120)}”)"
        return label

    def fact_text(self, q: Query, kind: str, r: Record) -> str:
        o = r.obj
        if r.kind == "task":
            label = self.task_label(o)
            if q.wants("kpi", "product"):
                bits = []
                if q.wants("kpi") or not q.wants("product"):
                    bits.append(f"KPI/kết quả cần đạt: {o.kpi or 'kế hoạch không ghi'}")
                if q.wants("product") or not o.kpi:
                    bits.append(f"sản phẩm: {o.product or 'kế hoạch không ghi'}")
                s = f"{label} — " + "; ".join(bits) + f"; chủ trì: {join_units(o.lead)}"
                if q.wants("coop") and o.cooperating:    # "KPI là gì, bên nào phối hợp": both halves
                    s += f"; đơn vị phối hợp: {join_units(o.cooperating)}"
                return s + (f"; thời hạn: {o.deadline.text}" if o.deadline.text else "") + "."
            if kind == "owner":
                if q.role == "coop":
                    s = f"Đơn vị phối hợp: {join_units(o.cooperating)} — {label} (chủ trì: {join_units(o.lead)})"
                else:
                    s = f"{join_units(o.lead)} chủ trì {label}"
                    if o.cooperating:
                        s += f"; đơn vị phối hợp: {join_units(o.cooperating)}"
                # "… theo phân kỳ QĐ số mấy": the document number asked stands in the deadline column
                if q.wants("deadline") or q.role or ("docnum" in q.expects and DOC_REF.search(o.deadline.text)):
                    s += f"; thời hạn: {o.deadline.text or 'không ghi'}"
                return s + self._kpi_too(q, o) + "."
            if kind == "deadline":
                return (f"Thời hạn: {o.deadline.text or 'kế hoạch không ghi'} — {label} "
                        f"(chủ trì: {join_units(o.lead)}){self._kpi_too(q, o)}.")
            return task_sentence(o)
        if r.kind == "target":
            value = o.value_text or "(không ghi)"
            year = f" (đến cuối năm {o.year})" if o.year else ""
            if kind == "owner":
                if o.lead:
                    return (f"{join_units(o.lead)} chủ trì theo dõi chỉ tiêu “{short(o.text)}” "
                            f"(kết quả phấn đấu: {value}{year}).")
                return f"Kế hoạch không ghi đơn vị chủ trì cho chỉ tiêu “{short(o.text)}” ({value}{year})."
            if kind == "deadline" and o.year:
                s = f"Thời hạn: đến cuối năm {o.year} — chỉ tiêu “{short(o.text)}” đạt {value}"
            else:
                s = f"Chỉ tiêu “{short(o.text)}”: {value}{year}"
            if o.lead:
                s += f"; đơn vị chủ trì: {join_units(o.lead)}"
            return s + "."
        if r.kind == "duty":
            if kind == "deadline":
                return f"{o.unit}: {self.best_sentence(o.text, q, prefer=r'trước ngày|hằng tháng|định kỳ|hoàn thành')}"
            # a long duty: the sentence that answers ("Rà soát … các dự án: Luật …, Luật …"), whole
            return f"{o.unit}: {short(o.text, 400) if len(o.text) <= 400 else self.best_sentence(o.text, q)}"
        if q.wants("list"):    # "… như sau: A; B; C" answers a list question whole
            return short(o.text, 700)
        return self.best_sentence(o.text, q)

    @staticmethod
    def _kpi_too(q: Query, o) -> str:
        """A figure asked beside the owner or the deadline ("… ai chủ trì, target bao nhiêu %"): the task's KPI."""
        return f"; KPI/kết quả cần đạt: {o.kpi}" if q.wants("value") and o.kpi else ""

    def best_sentence(self, text: str, q: Query, prefer: str | None = None) -> str:
        # a list question keeps an enumeration whole: "… Luật Thuế giá trị gia tăng; Luật Thuế xuất khẩu …"
        splitter = _FULL_STOP if q.wants("list") else _SENTENCE
        sentences = [s.strip() for s in splitter.split(text) if s.strip()] or [text]
        qw = {t for t in q.topic if "_" not in t}
        qp = {t for t in q.topic if "_" in t}
        best, best_score = sentences[0], -1.0
        for s in sentences:
            sw = words(s)
            # the question's word pairs count double: "người đứng đầu … chịu trách nhiệm" over "sử dụng"
            pairs = {f"{a}_{b}" for a, b in zip(sw, sw[1:])}
            score = (len(qw & set(sw)) + 2 * len(qp & pairs)) / (1 + len(qw) + 2 * len(qp))
            if prefer and re.search(prefer, s, re.IGNORECASE):
                score += 0.5
            if "number" in q.expects and re.search(r"\d", s):
                score += 0.3 + (0.2 if re.search(r"\d\s*%", s) else 0.0)   # "bao nhiêu": the one with the figure
            if score > best_score:
                best, best_score = s, score
        colon = best.find(":")
        if colon > 0 and _ITEM_START.match(best[colon + 1:].lstrip()) and (start := text.find(best)) >= 0:
            # a lead-in and its items ending in full stops ("… đối với các nhiệm vụ: - A. - B. - C."): one list
            return short(text[start:].strip(), 700)
        if ":" in best and not best.rstrip().endswith(":") and best.rstrip().endswith(";"):
            # "… như sau: A; B; C; D." is one list: keep its items up to the sentence's end
            start = text.find(best)
            end = re.search(r"[.!?](?:\s|$)", text[start:])
            best = text[start:start + end.end()].strip() if end else text[start:].strip()
            return short(best, 700)
        return short(best, 450)

    def _record_line(self, r: Record) -> str:
        o = r.obj
        if r.kind == "task":
            return f"{self.task_label(o)}, chủ trì: {join_units(o.lead)}, hạn: {o.deadline.text or 'không ghi'}"
        if r.kind == "target":
            lead = f" (chủ trì: {join_units(o.lead)})" if o.lead else ""
            return f"chỉ tiêu “{short(o.text, 150)}”: {o.value_text}{lead}"
        if r.kind == "duty":
            return f"{o.unit}: {o.text}"
        return o.text

    # ------------------------------------------------------------------ whole lists
    def whole_list(self, q: Query, lead: Record | None, items: list[Record]) -> Answer:
        """A lead-in ending in ':' (or a section titled '…:') and all its items, citing the whole span."""
        first = lead or items[0]
        plan = self.plans[first.plan].parsed.plan
        head = short(lead.obj.text, 400) if lead else f"{short(first.section.split(' > ')[-1], 200)}"
        lines = [f"{plan.name}: {head}"]
        width = 300 if len(items) <= 15 else 160
        for it in items[:MAX_LIST_ITEMS]:
            lines.append(f"- {item_text(q, it.obj.text, width, it.section)} (dòng {it.first_line})")
        if len(items) > MAX_LIST_ITEMS:
            lines.append(f"… và {len(items) - MAX_LIST_ITEMS} mục khác (dòng {items[MAX_LIST_ITEMS].first_line}–"
                         f"{items[-1].last_line}).")
        last = items[-1].last_line if items else first.last_line
        src = self.source(first, (first.first_line, last))
        lines.append(f"Nguồn: {src.citation()}")
        return Answer(q.raw, "list", "\n".join(lines), (src,) + tuple(self.source(i) for i in items[:MAX_LIST_ITEMS]
                                                                   if i is not first))

    def unit_roll(self, q: Query, named: list[tuple[str, Record]], what: str = "") -> Answer:
        """Units of a plan, each with the first record naming it: the ones it assigns duties to, or (what) others."""
        parts, sources = [], []
        by_plan: dict[str, list[tuple[str, Record]]] = {}
        for name, r in named:
            by_plan.setdefault(r.plan, []).append((name, r))
        for slug, pairs in by_plan.items():
            plan = self.plans[slug].parsed.plan
            recs = [r for _, r in pairs]
            section = recs[0].section.split(" > ")[0]
            head = what or f"được phân công trong mục “{short(section, 120)}”"
            lines = [f"{plan.name}: {len(recs)} đơn vị {head}:"]
            lines += [f"- {name} (dòng {r.first_line})" for name, r in pairs]
            spans = sorted((r.first_line, r.last_line) for r in recs)
            src = self.source(recs[0], (spans[0][0], max(e for _, e in spans)))
            sources += [src] + [self.source(r) for r in recs[1:]]
            parts.append("\n".join(lines) + f"\nNguồn: {src.citation()}")
        return Answer(q.raw, "list", "\n\n".join(parts), tuple(sources))

    def inline_list(self, q: Query, r: Record, lead: str, items: list[tuple[str, int]]) -> Answer:
        """A paragraph that lists its items inline ('… như sau: a) …; b) …'), one item a line."""
        plan = self.plans[r.plan].parsed.plan
        lines = [f"{plan.name}: {short(lead, 400)}"] + [f"- {short(t, 300)} (dòng {ln})" for t, ln in items]
        src = self.source(r)
        lines.append(f"Nguồn: {src.citation()}")
        return Answer(q.raw, "list", "\n".join(lines), (src,))

    def listing(self, q: Query, items: list[Record], label: str, notes: dict | None = None,
                head: str = "") -> Answer | None:
        if not items:
            return None
        by_plan: dict[str, list[Record]] = {}
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
            lines = [f"{plan.name}: {what} {label}:".replace("  ", " ")]
            group = None
            width = 1.0 if len(recs) <= 15 else 0.6     # a long list stays whole, with shorter items
            openings = shared_openings(recs[:MAX_LIST_ITEMS])
            for r in recs[:MAX_LIST_ITEMS]:
                g = getattr(r.obj, "group", "")
                if g and g != group:
                    lines.append(f"[{short(g, 90)}]")
                    group = g
                if id(r) in openings and openings[id(r)][1]:
                    lines.append(openings[id(r)][1])
                src = self.source(r)
                sources.append(src)
                extra = (notes or {}).get(id(r), "")
                extra = f" — {extra}" if extra else ""
                if r.kind == "task":
                    o = r.obj
                    parent = (f" (thuộc “{short(o.task, int(90 * width))}”)" if o.subtask and o.task and
                              not o.subtask.startswith(short(o.task, 40)[:30]) else "")
                    title = o.subtask or o.task
                    if id(r) in openings:       # the opening its siblings share, said once above them
                        title = "… " + title[openings[id(r)][0]:].lstrip(" ,;:")
                    lines.append(f"- {o.code} {short(title, int(230 * width))}{parent} — chủ trì: "
                                 f"{join_units(o.lead)}; hạn: {o.deadline.text or 'không ghi'}{extra} "
                                 f"(dòng {src.lines[0]})")
                elif r.kind == "target":
                    lines.append(f"- {short(r.obj.text, int(200 * width))}: {r.obj.value_text}{extra} "
                                 f"(dòng {src.lines[0]})")
                elif r.kind == "duty":
                    lines.append(f"- {r.obj.unit}: {short(r.obj.text, int(240 * width))}{extra} (dòng {src.lines[0]})")
                else:
                    lines.append(f"- {item_text(q, r.obj.text, int(420 * width), r.section)}{extra} "
                                 f"(dòng {src.lines[0]})")
            if len(recs) > MAX_LIST_ITEMS:
                rest = recs[MAX_LIST_ITEMS:]
                lines.append(f"… và {len(rest)} mục khác (dòng {rest[0].first_line}–{rest[-1].last_line}; "
                             f"hỏi cụ thể hơn để thu hẹp).")
            lines.append(f"Nguồn: {plan.name}, {short(recs[0].section, 80)}")
            parts.append("\n".join(lines))
        return Answer(q.raw, "list", head + "\n\n".join(parts), tuple(sources))

    def at_position(self, q: Query, items: list[Record]) -> str:
        """"Dòng đầu là chỉ tiêu gì?": the item at the place asked, said first, before the whole list."""
        if q.position is None or not items or abs(q.position) > len(items) or q.position == 0:
            return ""
        r = items[q.position - 1 if q.position > 0 else -1]
        which = "Mục cuối cùng" if q.position == -1 else f"Mục thứ {q.position}"
        text = short(r.obj.subtask or r.obj.task, 230) if r.kind == "task" else short(r.obj.text, 230)
        value = f": {r.obj.value_text}" if r.kind == "target" and r.obj.value_text else ""
        return f"{which}: {text}{value} (dòng {r.first_line}).\n\n"

    def listing_empty(self, q: Query, label: str, what: str = "nhiệm vụ", plans: list[str] | None = None) -> Answer:
        names = ", ".join(self.plans[s].parsed.plan.name for s in plans) if plans else self.plan_names()
        return Answer(q.raw, "list", f"Không có {what} nào {label} trong {names}.")

    # ------------------------------------------------------------------ duties
    def _quote_new(self, records, seen: set[str], sources: list[Source], limit: int | None = None):
        out = []
        for r in records:
            t = short(r.obj.text, 300)
            if t in seen or (limit is not None and len(out) >= limit):
                continue
            seen.add(t)
            src = self.source(r)
            sources.append(src)
            out.append(f"{t} (dòng {src.lines[0]})")
        return out

    def duties(self, q: Query, units, duties: list[Record], led: list[Record],
               mentions: list[Record] = ()) -> Answer | None:
        if not duties and not led and not mentions:
            return None
        group = lambda recs: {p: [r for r in recs if r.plan == p] for p in {r.plan for r in recs}}
        by_plan, led_by_plan, mention_by_plan = group(duties), group(led), group(mentions)
        parts, sources = [], []
        for u in units:
            plan = self.plans[u.plan].parsed.plan
            items = by_plan.get(u.plan, [])
            lead_items = led_by_plan.get(u.plan, [])
            other = mention_by_plan.get(u.plan, []) if len(items) < 3 else []
            if not items and not lead_items and not other:
                continue
            lines = [f"{plan.name} — {u.name}:"]
            plan_sources: list[Source] = []
            seen: set[str] = set()
            lines += [f"{k}. {t}" for k, t in enumerate(self._quote_new(items, seen, plan_sources), 1)]
            if lead_items:
                tasks = [r for r in lead_items if r.kind == "task"]
                targets = [r for r in lead_items if r.kind == "target"]
                shown = tasks[:8] + targets[:8]
                led = " và ".join(x for x in (f"{len(tasks)} nhiệm vụ" if tasks else "",
                                               f"{len(targets)} chỉ tiêu" if targets else "") if x)
                lines.append(f"Chủ trì {led} trong bảng/phụ lục:")
                for r in shown:
                    plan_sources.append(self.source(r))
                    if r.kind == "task":
                        lines.append(f"- Nhiệm vụ {r.obj.code}: {short(r.obj.subtask or r.obj.task, 120)} "
                                     f"(hạn: {r.obj.deadline.text or 'không ghi'})")
                    else:
                        lines.append(f"- Chỉ tiêu “{short(r.obj.text, 110)}”: {r.obj.value_text}")
                rest = len(tasks) + len(targets) - len(shown)
                if rest > 0:
                    lines.append(f"… và {rest} mục khác.")
            other_lines = [f"- {t}" for t in self._quote_new(other, seen, plan_sources, limit=4)]
            if other_lines:
                lines.append(f"Các nội dung khác của kế hoạch nhắc đến {u.name}:")
                lines.extend(other_lines)
            lines.append("Nguồn: " + "; ".join(s.citation() for s in plan_sources[:3]))
            sources.extend(plan_sources)
            parts.append("\n".join(lines))
        if not parts:
            return None
        return Answer(q.raw, "duties", "\n\n".join(parts), tuple(sources))

    # ------------------------------------------------------------------ counts, metadata, overview
    def counts(self, q: Query, rows: list[tuple[str, str, list[Record], str | None, Source | None]]) -> Answer:
        """rows: (plan slug, what is counted, the records, declared number or None, declared source)."""
        parts, sources = [], []
        for slug, label, recs, declared, declared_src in rows:
            p = self.plans[slug].parsed
            plan = p.plan
            nouns = {"target": "chỉ tiêu", "task": "nhiệm vụ"}
            noun = nouns.get(recs[0].kind if recs else "", nouns.get(q.about or "", "nội dung"))
            n = len(recs)
            if recs and recs[0].kind == "task":   # sub-rows of one task ("III.2.1", "III.2.2") are one task
                n = len({(r.obj.group, r.obj.task) for r in recs})
            rows_note = f" ({len(recs)} dòng/tiểu nhiệm vụ)" if n != len(recs) else ""
            s = f"{plan.name}: có {n} {noun}{rows_note} {label}".rstrip() + "."
            if not label and (split := self._by_group(recs)):
                s += f" {split}"        # the whole counted: how many in each group ("nhóm nào nhiều nhất?")
            others = len(p.tasks) if noun == "chỉ tiêu" else len(p.targets)
            if not label and others:
                other = f"{others} nhiệm vụ trong bảng/phụ lục" if noun == "chỉ tiêu" else f"{others} chỉ tiêu"
                s += f" Ngoài ra kế hoạch có {other}."
            if pos := self.at_position(q, recs):
                s += f" {pos.strip()}"      # "có mấy chỉ tiêu, chỉ tiêu cuối nói gì?": the one asked, said whole
            if recs:
                first, last = recs[0], recs[-1]
                src = self.source(first, (first.first_line, last.last_line))
                sources.append(src)
                # a few items are named whole enough to be told apart ("… giải quyết phi địa giới hành chính")
                width = 60 if len(recs) > 10 else 140
                s += " Gồm: " + "; ".join(f"{getattr(r.obj, 'code', '')} {short(self._item_text(r), width)}".strip()
                                           for r in recs[:MAX_LIST_ITEMS])
                if len(recs) > MAX_LIST_ITEMS:
                    s += f"; … và {len(recs) - MAX_LIST_ITEMS} mục khác"
                s += f".\nNguồn: {src.citation()}"
            if declared and declared_src is not None:
                sources.append(declared_src)
                if int(declared) != n:
                    s += (f"\nLưu ý: kế hoạch ghi “{declared} {noun}” ({declared_src.citation()}) nhưng bảng liệt kê "
                          f"{len(recs)} {noun}.")
            parts.append(s)
        return Answer(q.raw, "list", "\n\n".join(parts), tuple(sources))

    @staticmethod
    def _by_group(recs: list[Record]) -> str:
        """"Chia theo 4 nhóm: I. Về phát triển hạ tầng (02); …" — each table group with its number of items (a task's
        sub-rows one item), in the plan's order; "" when the records are one group."""
        counted: dict[str, set] = {}
        for r in recs:
            counted.setdefault(getattr(r.obj, "group", "") or "", set()).add(
                (r.obj.group, r.obj.task) if r.kind == "task" else id(r))
        if len(counted) < 2 or "" in counted:
            return ""
        # the plan's own wording when it declares the same number ("IV. … (25)"), else the number counted
        parts = [g.rstrip(" :") if (m := DECLARED.search(g)) and int(m.group(1)) == len(items)
                 else f"{group_name(g)} ({len(items)})" for g, items in counted.items()]
        return f"Chia theo {len(parts)} nhóm: " + "; ".join(parts) + "."

    @staticmethod
    def _item_text(r: Record) -> str:
        o = r.obj
        return (o.subtask or o.task) if r.kind == "task" else o.text

    def lines_answer(self, q: Query, kind: str, blocks: list[tuple[str, list[Source]]]) -> Answer:
        """Pre-worded blocks (metadata, overview), each with its sources cited."""
        parts, sources = [], []
        for text, srcs in blocks:
            cite = "; ".join(s.citation() for s in srcs[:3])
            parts.append(text + (f"\nNguồn: {cite}" if cite else ""))
            sources.extend(srcs)
        return Answer(q.raw, kind, "\n\n".join(parts), tuple(sources))
