"""Lists: a lead-in ending in ':' with all its items; a unit's tasks by role; tasks by deadline kind; a section."""
from __future__ import annotations

import re
from functools import lru_cache

from corpus.text import fold, words
from index.text import terms

from answers.handlers import Ctx, duties, groups
from answers.records import Record, group_name, match_text

_MARKER = re.compile(r"^\s*([-+•*–]|[a-zđ]\)|\d{1,2}(?:\.\d{1,2})+\.?(?!\d)|\d{1,2}[.)](?!\d)|\(\d{1,2}\))\s*")
_DEADLINE_KINDS = (("theo hướng dẫn/quy định", "guidance"), ("thường xuyên", "continuous"), ("định kỳ", "recurring"))


def short_title(text: str) -> str:
    return re.sub(r"^[\s\-+•]+", "", text).rstrip(" :")[:120]


def marker_kind(text: str) -> str | None:
    m = _MARKER.match(text)
    if not m:
        return None
    tok = m.group(1)
    if tok in "-•*–":
        return "-"
    if tok == "+":
        return "+"
    if tok.endswith(")") and tok[0].isalpha():
        return "a)"
    if re.match(r"\d{1,2}\.\d", tok):
        return "1.1"            # "1.1.", "1.2.": the items under a numbered lead-in "1. …:"
    return "1."


_INLINE_ITEM = re.compile(r"(?:^|(?<=[\s:;]))([a-zđ]\)|\d{1,2}\)|\+)\s+")
# a lead-in that announces its items ("… như sau:", "… gồm:") may list them with semicolons alone
# "… như sau:", "… gồm:", "… hiệu quả, chất lượng như: A; B; C" ("như" at the end: "such as")
_LEADS_A_LIST = re.compile(r"(?:như sau|gồm|bao gồm|sau đây|\bnhư)\s*$", re.IGNORECASE)


def inline_items(ctx: Ctx, r: Record) -> tuple[str, list[tuple[str, int]]] | None:
    """'… như sau: a) X; b) Y; c) Z' in one paragraph -> ('… như sau:', [(X, line), (Y, line), …])."""
    text = r.obj.text
    if r.kind != "passage" or ":" not in text:
        return None
    lead, rest = text.split(":", 1)
    marks = list(_INLINE_ITEM.finditer(rest))
    if len(marks) >= 2 and marks[0].start() <= 3:
        items = [rest[m.end():(marks[k + 1].start() if k + 1 < len(marks) else len(rest))].strip(" ;.")
                 for k, m in enumerate(marks)]
    elif _LEADS_A_LIST.search(lead) and len(parts := [p.strip(" .") for p in rest.split(";") if p.strip(" .")]) >= 3:
        items = parts       # "… như sau: Ngân sách nhà nước; Huy động …; Vốn đầu tư …": items without marks
    else:
        return None
    lines = ctx.snap.plans[r.plan].lines
    out = []
    for item in items:
        probe = item[:25]
        line = next((i for i in range(r.first_line, r.last_line + 1) if i <= len(lines) and probe in lines[i - 1]),
                    r.first_line)
        out.append((item, line))
    return lead.strip() + ":", out


def list_around(ctx: Ctx, r: Record) -> tuple[Record | None, list[Record]] | None:
    """(lead-in, items) when r is a lead-in ending in ':' or one of the items that follow one."""
    if r.kind != "passage":
        return None
    section = [x for x in ctx.snap.of_kind("passage", {r.plan}) if x.section == r.section]
    section.sort(key=lambda x: x.first_line)
    try:
        i = section.index(r)
    except ValueError:
        return None
    lead_i = None
    if r.obj.text.rstrip().endswith(":"):
        lead_i = i
    elif marker_kind(r.obj.text):
        mk = marker_kind(r.obj.text)
        j = i - 1
        while j >= 0 and marker_kind(section[j].obj.text) == mk and not section[j].obj.text.rstrip().endswith(":"):
            j -= 1
        if j >= 0 and section[j].obj.text.rstrip().endswith(":"):
            lead_i = j
    if lead_i is None:
        # a section titled like a lead-in ("Nơi nhận:", "7. Các nhà trường:") is itself the list
        if r.section.split(" > ")[-1].rstrip().endswith(":") and 2 <= len(section) <= 40:
            return None, section
        return None
    lead = section[lead_i]
    items: list[Record] = []
    mk = None
    rest = [x for x in section[lead_i + 1:] if x.first_line > lead.last_line]
    for n, x in enumerate(rest):
        k = marker_kind(x.obj.text)
        if mk is None:
            if k is None:
                break
            mk = k
        # one unmarked paragraph between two items of the list continues the item before it
        continues = (k is None and n + 1 < len(rest) and marker_kind(rest[n + 1].obj.text) == mk
                     and not x.obj.text.rstrip().endswith(":"))
        if k != mk and not continues:
            break
        items.append(x)
        if x.obj.text.rstrip().endswith(":"):
            break
    return (lead, items) if len(items) >= 2 else None


def unit_tasks(ctx: Ctx):
    """The tasks/targets a named unit leads or cooperates on (by the question's role)."""
    q, snap = ctx.q, ctx.snap
    units = ctx.units
    if not units or not q.wants("list") or "unit" in q.expects:
        return None     # "Đơn vị nào phối hợp …" asks for units, not for a unit's tasks
    if q.in_duties_part and q.about != "target" and (own := duties.duties_of(ctx, units)):
        # "phần tổ chức thực hiện giao trạm y tế những việc nào": the unit's duties there, not its table rows
        return _duty_about(ctx, own) or duties.handle(ctx)
    role = q.role or "lead"
    kinds = ("target",) if q.about == "target" else ("task",) if role != "lead" or q.about == "task" else ("task", "target")
    out = []
    for u in units:
        for kind in kinds:
            for r in snap.of_kind(kind, {u.plan}):
                if role == "both" and (snap.holds_unit(r, u, "lead") or snap.holds_unit(r, u, "coop")):
                    out.append(r)
                elif role != "both" and snap.holds_unit(r, u, role):
                    out.append(r)
    unit_words = {w for u in units for w in words(u.name)}   # folded, as the topic is
    topic = [t for t in q.topic if t.split("_")[0] not in unit_words]
    if q.topic and len(out) > 3:
        # "Phòng Kinh tế chủ trì những việc gì về dữ liệu?" keeps the rows about the topic when there are some
        picked = [r for r in out if topic and snap.coverage(topic, r.terms) >= 0.5]
        out = picked or out
    if out and q.about is None and topic and not any(snap.coverage(topic, r.terms) >= 0.5 for r in out) \
            and (own := duties.duties_of(ctx, units)) and (ans := _duty_about(ctx, own)) is not None:
        # "Trạm Y tế hỗ trợ người dân tham gia những nền tảng nào?": no row of the unit is about it, the unit's
        # duty in the plan's prose is
        return ans
    label = {"lead": "do {u} chủ trì", "coop": "{u} phối hợp thực hiện",
             "both": "{u} chủ trì hoặc phối hợp"}[role].format(u=units[0].name)
    if not out:
        if role == "coop" and q.about != "target":
            if duties.duties_of(ctx, units):     # "X phối hợp những việc gì" where no row names X: its duties
                return duties.handle(ctx)
        if role == "lead" and q.about != "target" and (own := duties.duties_of(ctx, units)) \
                and not duties.led_by(ctx, units):
            # a plan that assigns work in prose: the unit's duty about the question's topic, else all its duties
            return _duty_about(ctx, own) or duties.handle(ctx)
        if "target" not in kinds:
            # "phần việc của công an phường" where the unit leads no task but targets: its work is those
            targets = [r for u in units for r in snap.of_kind("target", {u.plan}) if snap.holds_unit(r, u, role)] \
                if role != "both" else []
            if targets:
                return ctx.compose.listing(q, targets, label, {})
        return ctx.compose.listing_empty(q, label, "chỉ tiêu" if q.about == "target" else "nhiệm vụ",
                                         sorted({u.plan for u in units}))
    notes = {}
    if role == "both":
        for r in out:
            u = next(x for x in units if x.plan == r.plan)
            notes[id(r)] = "chủ trì" if snap.holds_unit(r, u, "lead") else "phối hợp"
    return ctx.compose.listing(q, out, label, notes)


def _duty_about(ctx: Ctx, own: list[Record]):
    """The duty of a unit whose words best cover the question's topic (the unit's own name left out)."""
    from answers.records import Found
    unit_words = {w for u in ctx.units for w in words(u.name)}
    topic = [t for t in groups.specific_topic(ctx) if t.split("_")[0] not in unit_words and t in ctx.snap.idf]
    if not topic:
        return None
    score, best = max(((ctx.snap.coverage(topic, r.terms), r) for r in own), key=lambda x: x[0])
    return ctx.compose.fact(ctx.q, [Found(score, best)]) if score >= 0.4 else None


def by_deadline_kind(ctx: Ctx):
    """Tasks whose deadline is "thường xuyên", "theo hướng dẫn …" or periodic."""
    q = ctx.q
    if not q.wants("list", "deadline"):
        return None
    kind = q.deadline_kind
    if not kind or (kind == "recurring" and not q.wants("deadline")):
        return None
    items = [r for r in ctx.snap.of_kind("task", set(ctx.scope)) if r.obj.deadline.kind == kind]
    if ctx.units:
        items = [r for r in items if any(ctx.snap.holds_unit(r, u) for u in ctx.units)]
    name = dict((k, n) for n, k in _DEADLINE_KINDS)[kind]
    return ctx.compose.listing(q, items, f"có thời hạn “{name}”") if items else None


def _heading_terms(r: Record) -> frozenset[str]:
    return frozenset(terms(r.section.split(" > ")[-1]))


def best_lead_in(ctx: Ctx, plans=None) -> tuple[float, Record | None]:
    """The lead-in ending in ':' whose words (with its heading's) best match the question."""
    q, snap = ctx.q, ctx.snap
    topic = [t for t in groups.specific_topic(ctx) if t in snap.idf] or q.topic
    best, best_score = None, 0.0
    for r in snap.of_kind("passage", set(plans or ctx.scope)):
        if not r.obj.text.rstrip().endswith(":"):
            continue
        score = snap.coverage(topic, r.terms | _heading_terms(r))
        if q.year and str(q.year) in r.section:
            score += 0.05
        if score > best_score:
            best, best_score = r, score
    return best_score, best


def lead_in_list(ctx: Ctx):
    """A lead-in ending in ':' whose words match the question, with all its items."""
    score, best = best_lead_in(ctx)
    if best is None or score < 0.6:
        return None
    around = list_around(ctx, best)
    return ctx.compose.whole_list(ctx.q, *around) if around else None


def best_section(ctx: Ctx, plans=None) -> tuple[float, list[Record]]:
    """The section whose heading and text best match the question, with its passages (≤ 30)."""
    q, snap = ctx.q, ctx.snap
    topic = [t for t in groups.specific_topic(ctx) if t in snap.idf] or q.topic
    sections: dict[tuple[str, str], list[Record]] = {}
    for r in snap.of_kind("passage", set(plans or ctx.scope)):
        sections.setdefault((r.plan, r.section), []).append(r)
    candidates = []
    for (plan, section), items in sections.items():
        if not 1 < len(items) <= 30:
            continue
        heading = frozenset(terms(" ".join(section.split(" > ")[-2:])))
        on_heading = snap.coverage(topic, heading)
        if on_heading < 0.25:      # the question names what the section is about, not just words in it
            continue
        union = heading.union(*(r.terms for r in items))
        own = snap.coverage(topic, frozenset(terms(section.split(" > ")[-1])))   # its own title, not its parent's
        candidates.append((snap.coverage(topic, union) + 0.5 * on_heading + 0.3 * own, items))
    return max(candidates, key=lambda c: c[0]) if candidates else (0.0, [])


def prose_list(ctx: Ctx):
    """The items of the section whose heading and text best match a list question (a short section only:
    a long one is answered by its best passage)."""
    q = ctx.q
    score, items = best_section(ctx)
    if score < 0.7:
        return None
    around = list_around(ctx, items[0])
    if around and around[0] is None:
        return ctx.compose.whole_list(q, None, items)
    return ctx.compose.listing(q, items, f"trong mục “{items[0].section.split(' > ')[-1]}”")


def targets_about(ctx: Ctx):
    """The targets about the question's topic; with no topic, all targets (of the year asked)."""
    q = ctx.q
    if q.about != "target":
        return None
    items = ctx.snap.of_kind("target", set(ctx.scope))
    if q.year:
        items = [r for r in items if r.obj.year == q.year]
    if q.topic:
        return about_topic(ctx, items)
    if not q.wants("list") or ctx.units:
        return None
    return ctx.compose.listing(q, items, f"đặt cho năm {q.year}" if q.year else "trong kế hoạch") if items else None


def about_topic(ctx: Ctx, items: list[Record]):
    """The records of a named group ("chỉ tiêu về hạ tầng" -> "I. Về phát triển hạ tầng"), else those whose
    words cover the question's topic."""
    group, picked = groups.pick(ctx, items)
    if group is not None:
        return ctx.compose.listing(ctx.q, picked, f"trong nhóm “{group_name(group)}”")
    picked = [r for r in picked if ctx.snap.coverage(ctx.q.topic, r.terms) >= 0.5]
    return ctx.compose.listing(ctx.q, picked, "liên quan") if picked else None


def named_group(ctx: Ctx):
    """"Nha Bích muốn phát triển hạ tầng số đạt những gì?": no "chỉ tiêu" or "nhiệm vụ" said, but the topic names a
    group of targets or tasks ("I. Về phát triển hạ tầng"): that group, whole."""
    q = ctx.q
    if q.about is not None or not q.wants("list") or ctx.units or not groups.specific_topic(ctx):
        return None
    for kind in ("target", "task"):
        group, picked = groups.pick(ctx, ctx.snap.of_kind(kind, set(ctx.scope)))
        if group is not None and picked:
            return ctx.compose.listing(q, picked, f"trong nhóm “{group_name(group)}”")
    return None


def tasks_about(ctx: Ctx):
    """"Những nhiệm vụ nào về an toàn thông tin?": every task row about it, not the best one."""
    q = ctx.q
    if q.about != "task" or not q.wants("list") or ctx.units or not groups.specific_topic(ctx):
        return None
    return about_topic(ctx, ctx.snap.of_kind("task", set(ctx.scope)))


def group_items(ctx: Ctx):
    """All rows of a table group the question names ("nhóm IV", "các chỉ tiêu phát triển nguồn lực")."""
    q = ctx.q
    kinds = ["target"] if q.about == "target" else ["task"] if q.about == "task" else ["task", "target"]
    found = []
    for slug in ctx.scope:
        for kind in kinds:
            group, recs = groups.pick(ctx, ctx.snap.of_kind(kind, {slug}))
            if group is not None and recs:
                found.append((group, recs))
                break
    if not found or len(found) > 2:
        return None
    items = [r for _, recs in found for r in recs]
    label = f"trong nhóm “{group_name(found[0][0])}”"
    if ctx.units:
        # "Theo phần IV …, Văn phòng Tỉnh ủy gánh những việc nào?": the unit's rows of that group; none there, and
        # the numeral named another part of the plan, not this table's group
        items = [r for r in items if any(ctx.snap.holds_unit(r, u) for u in ctx.units)]
        if not items:
            return None
        label = f"{label} có {ctx.units[0].name}"
    return ctx.compose.listing(q, items, label, head=ctx.compose.at_position(q, items))


def assigned_units(ctx: Ctx):
    """"Những đơn vị nào được phân công …?": every unit the plan gives duties to, in the plan's order."""
    q = ctx.q
    if not q.wants("list_units") or ctx.units or not q.plans:
        return None
    if q.names_more_than("assignment"):
        return None     # "… được giao phối hợp tuyên truyền": about one thing, not the whole assignment
    items = [pair for slug in q.plans for pair in _first_named((r.obj.unit, r) for r in ctx.snap.of_kind("duty", {slug}))]
    return ctx.compose.unit_roll(q, items) if items else None


def _first_named(pairs) -> list[tuple[str, Record]]:
    """(unit name, the first record in plan order naming it), one per name, in plan order."""
    first: dict[str, Record] = {}
    for name, r in sorted(pairs, key=lambda p: p[1].first_line):
        first.setdefault(name, r)
    return sorted(first.items(), key=lambda p: p[1].first_line)


def cooperating_only(ctx: Ctx):
    """"Đơn vị nào chỉ phối hợp chứ không chủ trì?": units named as partners (a row's phối hợp column, or a duty
    that says "phối hợp") that lead no row of the plan."""
    q, snap = ctx.q, ctx.snap
    if not q.wants("coop_only") or not q.plans:
        return None
    items = []
    for slug in q.plans:
        leads = {snap.unit_of(slug, u) for kind in ("task", "target") for r in snap.of_kind(kind, {slug})
                 for u in r.obj.lead}
        partners = [(snap.unit_of(slug, u), r) for r in snap.of_kind("task", {slug}) for u in r.obj.cooperating]
        partners += [(snap.unit_of(slug, r.obj.unit), r) for r in snap.of_kind("duty", {slug})
                     if "phoi hop" in fold(r.obj.text) and "chu tri" not in fold(r.obj.text)]
        items += [(name, r) for name, r in _first_named(partners) if name not in leads]
    return ctx.compose.unit_roll(q, items, "chỉ phối hợp, không chủ trì dòng nào trong bảng/phụ lục") if items else None


@lru_cache(maxsize=8192)
def _spelled_folded(spell, text: str) -> str:
    """A record's text with its abbreviations spelled out, folded (kept: every record is read for each question
    naming a set by its size)."""
    return fold(spell(text))


def unlisted_set(ctx: Ctx):
    """"84 nền tảng số dùng chung gồm những nền tảng nào?" where the plan names the set by its size and never lists
    its members (no items in its paragraph, none after it): the plans do not list them (kind none), beside the line
    that names the set."""
    q = ctx.q
    if q.members is None:
        return None
    size, head = q.members
    said = re.compile(rf"(?<![\d.,/])0*{size} {head}\b")
    spell = ctx.snap.index.abbreviations.spell_out
    named = [r for kind in ("passage", "task", "target", "duty") for r in ctx.snap.of_kind(kind, set(ctx.scope))
             if said.search(_spelled_folded(spell, match_text(r)))]
    if not named or any(r.kind == "passage" and (inline_items(ctx, r) or list_around(ctx, r)) for r in named):
        return None
    return ctx.compose.not_stated(q, f"tên từng mục (kế hoạch chỉ nêu con số {size}, không kể ra từng mục)", named)


def handle(ctx: Ctx):
    if (ans := unlisted_set(ctx)) is not None:
        return ans
    if (ans := assigned_units(ctx) or cooperating_only(ctx)) is not None:
        return ans
    first = (group_items, unit_tasks) if ctx.q.group_ref else (unit_tasks, group_items)
    for step in (*first, by_deadline_kind, lead_in_list, targets_about, tasks_about, named_group, prose_list):
        ans = step(ctx)
        if ans is not None:
            return ans
    return None
