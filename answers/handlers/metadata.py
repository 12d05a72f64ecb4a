"""About the plan itself: number, date, issuing body, signer and title, legal bases, period, parts, groups;
and the overview ("kế hoạch có những gì")."""
from __future__ import annotations

import re

from corpus.text import YEAR, fold, one_spelling, squash, words

from answers.compose import short
from answers.handlers import Ctx
from answers.evidence import cites, other_documents, record_text
from answers.plan_refs import bodies, same_body
from answers.query import DOCUMENT_PAIRS, doc_key, word_pairs
from answers.records import DATED, RECIPIENTS_HEAD, Found, PlanData, Record
from answers.types import Source


def _find_line(pd: PlanData, pattern: str, limit: int | None = None) -> int:
    rx = re.compile(pattern)
    for i, line in enumerate(pd.lines[:limit] if limit else pd.lines, 1):
        if rx.search(fold(line.replace("*", ""))):
            return i
    return 0


def _src(ctx: Ctx, slug: str, section: str, first: int, last: int | None = None, snippet: str = "") -> Source:
    pd = ctx.snap.plans[slug]
    text = snippet or " ".join(pd.lines[first - 1:(last or first)]).replace("*", "").strip()
    return ctx.compose.line_source(slug, section, first, last or first, text)


def signer_title(pd: PlanData) -> tuple[str, int]:
    plan = pd.parsed.plan
    if not plan.signer:
        return "", 0
    line_no = next((i for i, l in enumerate(pd.lines, 1) if plan.signer in l.replace("*", "")), 0)
    for back in range(line_no - 2, max(0, line_no - 14), -1):
        t = pd.lines[back].replace("*", "").strip()
        if t and t.isupper():
            return " ".join(x.replace("*", "").strip() for x in pd.lines[max(0, back - 3):back + 1]
                            if x.strip() and x.replace("*", "").strip().isupper()), line_no
    return "", line_no


def recipients(pd: PlanData) -> tuple[int, int, list[str]] | None:
    """The "Nơi nhận:" block (and a "Đồng kính gửi:" block right after it): (first line, last line, the items
    as written, the filing line "Lưu: …" included)."""
    names, first, last = [], 0, 0
    for i, raw in enumerate(pd.lines, 1):
        text = raw.replace("*", "").strip()
        f = fold(text)
        if RECIPIENTS_HEAD.match(f):
            first = first or i
            last = i
            continue
        if not first:
            continue
        if not text:
            continue
        if text[:1] in "-+•":
            last = i
            name = text.lstrip("-+• ").rstrip(" ,;.")
            if name:
                names.append(name)
            continue
        if names:
            break       # the block ends at the first line that is no item (the signature)
    return (first, last, names) if first and names else None


def _parts(pd: PlanData) -> list[tuple[str, int]]:
    seen, out = set(), []
    for s in pd.parsed.sections:
        top = s.path.split(" > ")[0].strip()
        if top in seen or not re.match(r"^[IVX]+[.\-]", top):
            continue
        seen.add(top)
        out.append((top, s.first_line))
    return out


def _preamble(ctx: Ctx, slug: str):
    """Passages before the first numbered part (where "Căn cứ …" stand)."""
    parts = _parts(ctx.snap.plans[slug])
    first = parts[0][1] if parts else 10 ** 9
    return [r for r in ctx.snap.of_kind("passage", {slug}) if r.first_line < first]


def _subsections(pd: PlanData, q, snap) -> tuple[str, list[tuple[str, int]]] | None:
    """The part the question names, by its numeral ("phần III") or its heading's words ("nhiệm vụ trọng tâm"),
    and its numbered sub-parts."""
    from index.text import terms
    best, best_cov = None, 0.0
    for top, _ in _parts(pd):
        if q.group_ref and (m := re.match(r"^([IVX]+)[.\-]", top)) and m.group(1).lower() == q.group_ref:
            best, best_cov = top, 1.0
            break
        heading = [t for t in terms(top) if not t.isdigit()]
        cov = snap.coverage(heading, q.words)      # how much of the heading the question says
        if cov > best_cov:
            best, best_cov = top, cov
    if best is None or best_cov < 0.5:
        return None
    subs, seen = [], set()
    for s in pd.parsed.sections:
        path = s.path.split(" > ")
        if path[0].strip() == best and len(path) > 1 and path[1] not in seen:
            seen.add(path[1])
            subs.append((path[1], s.first_line))
    return (best, subs) if subs else None


def _groups(pd: PlanData, kind: str) -> list[tuple[str, int, int]]:
    recs = pd.parsed.tasks if kind == "task" else pd.parsed.targets
    out: dict[str, list] = {}
    for r in recs:
        out.setdefault(r.group, []).append(r)
    return [(g, len(v), v[0].first_line) for g, v in out.items() if g]


# (field, label, the header line it stands on, a value left blank, what to say then)
_HEADER_FIELDS = (("number", "Số hiệu", r"^so\s*:", r"^\s*/", "số chưa được điền trong bản này"),
                  ("date", "Ngày ban hành", r"ngay\s+\S*\s*thang", r"ngày\s+tháng",
                   "ngày, tháng chưa được điền trong bản này"))


# where one document of a preamble's list ends and the next begins (a capital "Căn cứ" opens one wherever it stands:
# a title line and the first ground can share a paragraph)
_DOCUMENT_CLAUSE = re.compile(r"(?<=;)\s*(?=(?:Căn cứ|Kế hoạch|Nghị quyết|Quyết định|Chỉ thị|Thông báo|Công văn|Kết luận|"
                              r"Chương trình|Đề án|Luật|Nghị định|Thông tư|Hướng dẫn)\b)|\s+(?=Căn cứ\b)")


def _bases(ctx: Ctx, slug: str) -> list[tuple[str, object]]:
    """(clause, record) of each document the plan's preamble bases it on ("Căn cứ …", "Thực hiện … số …")."""
    bases = []
    # the plan's own title ("Triển khai Nghị quyết số 57-NQ/TW … năm 2026") opens like a ground: it is none (a
    # paragraph that runs on from it into the grounds keeps them)
    title = fold(squash(ctx.snap.plans[slug].parsed.plan.title or "")).lower()
    for r in _preamble(ctx, slug):
        text = squash(r.obj.text)
        if title and fold(text).lower().startswith(title):     # folding keeps one letter for one
            text = text[len(title):].strip(" .;:")
        f = fold(text)
        if f.startswith("can cu") or re.match(r"^(thuc hien|trien khai) .{0,40}\bso\b", f):
            # one paragraph may hold several documents: "Căn cứ …; Căn cứ …", "Thực hiện Kế hoạch số …; Kế hoạch số …"
            bases += [(part, r) for part in _DOCUMENT_CLAUSE.split(text) if part.strip()]
    return bases


def _asked_pairs(q) -> set[str]:
    """The question's two-syllable topic terms, spelled as query.word_pairs spells a text's."""
    return {"_".join(one_spelling(p) for p in t.split("_")) for t in q.topic if "_" in t}


def _other_bodies(q, plan) -> list[str]:
    """The issuing bodies the question names that are not the plan's own issuer ("UBND xã" asked of a commune's
    plan names the plan itself)."""
    own = bodies(fold(plan.issuer or "").lower())
    return [b for b in q.cited_bodies if not any(same_body(b, o) for o in own)]


def cited_by_name(ctx: Ctx, fields: set[str], plans: list[str]):
    """"… dựa trên Kế hoạch số mấy của Đảng ủy xã, ban hành ngày nào?": the number or date of a document the
    plan is based on, named by its issuer or subject rather than its number. The basis clause sharing a
    two-syllable word of the question that is not the plan's own (its name, title, issuer) nor a document
    word answers; None when no clause does."""
    q, snap = ctx.q, ctx.snap
    if not fields & {"number", "date", "basis"} or not fields <= {"number", "date", "issuer", "signer", "basis"} \
            or q.wants("list"):
        return None         # "văn bản đầu tiên và cuối cùng … dẫn làm căn cứ": the whole list is asked
    spell = snap.index.abbreviations.spell_out
    asked = _asked_pairs(q)
    numbers = {t for t in q.topic if t.isdigit()}       # "văn bản số 01": that number, if one is given
    blocks = []
    for slug in plans:
        plan = snap.plans[slug].parsed.plan
        own = word_pairs(spell(f"{plan.name} | {plan.title} | {plan.issuer}")) | DOCUMENT_PAIRS
        # each document of a clause on its own ("Thực hiện Kế hoạch số 433…; Kế hoạch số 01-KH/BCĐ …")
        docs = [(piece, r) for part, r in _bases(ctx, slug) for piece in re.split(r";\s*", part) if piece.strip()]
        # and the documents the body cites ("… Đề án 06 theo Kế hoạch phối hợp số 106/KHPH-… ngày 06/7/2023"),
        # each with the sentence that cites it, after the bases (which win a tie)
        preamble = {id(r) for _, r in docs}
        docs += [(piece, r) for r in snap.in_plans({slug}, ("passage", "duty", "task"))
                 if id(r) not in preamble for piece in _citing(record_text(r))]
        own_years = {int(y) for y in YEAR.findall(f"{plan.title} {plan.date or ''}")}
        scored = sorted(((len((asked - own) & word_pairs(spell(part))) + _dated_in_asked_year(q, own_years, part), i,
                          part, r)
                         for i, (part, r) in enumerate(docs)
                         if numbers <= {w.lstrip("0") or "0" for w in words(part)} | set(words(part))),
                        key=lambda x: (-x[0], x[1]))
        if scored and scored[0][0] > 0:
            _, _, part, r = scored[0]
            clause = re.sub(r"^Căn cứ\s*", "", part.strip())
            said = "căn cứ" if id(r) in preamble else "nêu:"
            blocks.append((f"{plan.name}: {said} {short(clause, 300)}", [ctx.compose.source(r)]))
    return ctx.compose.lines_answer(q, "passage", blocks) if blocks else None


# A document a plan cites, as a clause opens with it: its kind, number, date and issuer ("Kế hoạch số 81/KH-UBND ngày
# 9/10/2025 của UBND xã triển khai …", "Nghị quyết số 71/NQ-CP ngày 01/4/2025 của Chính phủ").
_DOC_HEAD = re.compile(
    r"(?P<kind>Kế hoạch|Nghị quyết|Quyết định|Thông báo|Chỉ thị|Công văn|Hướng dẫn|Đề án|Chương trình|Kết luận)"
    r"(?:\s+(?:hành động|phối hợp|liên tịch|kết luận))?\s+(?:số\s+)?(?P<number>\d{1,4}[\w.]*(?:\s*[-/]\s*[\w&.]+)*)"
    r"(?:\s*,?\s*ngày\s+(?P<date>\d{1,2}(?:/|\s+tháng\s+)\d{1,2}(?:/|\s+năm\s+)\d{4}))?"
    r"(?:\s+của\s+(?P<issuer>[^,;.()]{2,80}?)(?=\s+(?:về|triển khai|thực hiện|sửa đổi|ban hành|phê duyệt|hướng dẫn|"
    r"quy định|tại|trên|và\s+(?:Kế hoạch|Nghị quyết|Quyết định|Thông báo|Chỉ thị|Công văn|Chương trình))\b"
    r"|\s*[,;.()*]|$))?",
    re.IGNORECASE)


def _heads(piece: str) -> list[tuple[re.Match, str]]:
    """The documents a clause cites, each with its issuer; "Kế hoạch số 10-KH/ĐU ngày …, Kế hoạch số 02-KH/ĐU ngày …
    của Đảng ủy xã": documents listed before one issuer are that issuer's."""
    found = list(_DOC_HEAD.finditer(piece))
    out, issuer = [], ""
    for k in range(len(found) - 1, -1, -1):
        m = found[k]
        joined = k + 1 < len(found) and re.fullmatch(r"[\s,*()]*(?:và)?[\s,*()]*", piece[m.end():found[k + 1].start()])
        issuer = re.sub(r"[\s,]+và$", "", m.group("issuer") or "") or (issuer if joined else "")
        out.append((m, issuer))
    return out[::-1]


def _cited_heads(ctx: Ctx, slug: str):
    """(heads, preamble ids, the word pairs that say nothing of what a document is about): each document the plan
    cites as (order of its sentence, sentence, record, head match, issuer); the pairs are the issuers' words (which
    the bodies weigh) and the plan's own name, title and issuer, and document words."""
    spell = ctx.snap.index.abbreviations.spell_out
    plan = ctx.snap.plans[slug].parsed.plan
    docs, preamble = _citations(ctx, slug)
    heads = [(order, piece, r, m, issuer) for order, (piece, r) in enumerate(docs) for m, issuer in _heads(piece)]
    said_who = word_pairs(spell(" | ".join(issuer for *_, issuer in heads)))
    return heads, preamble, said_who | word_pairs(spell(f"{plan.name} | {plan.title} | {plan.issuer}")) | DOCUMENT_PAIRS


def _citations(ctx: Ctx, slug: str) -> tuple[list[tuple[str, Record]], set[int]]:
    """(sentence or clause, record) of each place the plan cites a document: the clauses of its preamble ("Căn
    cứ …"), then the sentences of its body that cite one by number; and the ids of the preamble's records."""
    snap = ctx.snap
    docs = [(piece, r) for part, r in _bases(ctx, slug) for piece in re.split(r";\s*", part) if piece.strip()]
    preamble = {id(r) for _, r in docs}
    docs += [(piece, r) for r in snap.in_plans({slug}, ("passage", "duty", "task"))
             if id(r) not in preamble for piece in re.split(r"(?<=[.;])\s+", record_text(r))
             if any(re.search(r"[A-ZĐ]", m.group("number")) for m in _DOC_HEAD.finditer(piece))]
    return docs, preamble


def cited_list(ctx: Ctx, plans: list[str]):
    """"Những kế hoạch nào của Đảng ủy xã mà Nha Bích dẫn, ngày ký từng cái?": every document the plan cites
    that the bodies named issued (the plan's own body only among others: alone, it is the plan's issuer), once
    each, with its number and date, in the plan's order; None when the question names no other body or the plan
    cites none of its documents."""
    q, snap = ctx.q, ctx.snap
    if q.wants("count") or "number" in q.expects:
        return None         # "viện dẫn mấy văn bản, những văn bản nào của UBND tỉnh": the whole list, counted
    spell = snap.index.abbreviations.spell_out
    asked_pairs = _asked_pairs(q)
    blocks = []
    for slug in plans:
        pd = snap.plans[slug]
        asked = _other_bodies(q, pd.parsed.plan)
        if not asked:
            continue
        if len(q.cited_bodies) > 1:
            asked = list(q.cited_bodies)    # bodies listed ("của tỉnh, Đảng ủy, UBND xã"): the plan's own too
        heads, _, not_topic = _cited_heads(ctx, slug)
        topic = asked_pairs - not_topic
        found: dict[str, tuple[str, int, int]] = {}
        for _, piece, r, m, issuer in heads:
            by = bodies(fold(issuer).lower())
            key = doc_key(m.group("number"))
            about = len(topic & word_pairs(spell(piece)))
            if (key in found and found[key][2] >= about) or not any(same_body(a, b) for a in asked for b in by):
                continue        # each document once: where it is cited about what the question names, else first
            line = next((n for n in range(r.first_line, r.last_line + 1)
                         if n <= len(pd.lines) and m.group("number")[:6] in pd.lines[n - 1]), r.first_line)
            dated = f" ngày {m.group('date')}" if m.group("date") else ""
            found[key] = (f"{m.group('kind')} số {m.group('number')}{dated} của {issuer}", line, about)
        if found and (best := max(n for *_, n in found.values())):
            # "… làm cơ sở cho việc phát triển đội ngũ trí thức": those cited where that is said
            found = {k: v for k, v in found.items() if v[2] == best}
        if found:
            cited = sorted(found.values(), key=lambda v: v[1])      # in the plan's order
            lines = [f"{pd.parsed.plan.name} dẫn {len(cited)} văn bản:"]
            lines += [f"- {text} (dòng {line})" for text, line, _ in cited]
            sources = [_src(ctx, slug, "Văn bản được dẫn", line, line) for _, line, _ in cited]
            blocks.append(("\n".join(lines), sources))
    return ctx.compose.lines_answer(q, "list", blocks) if blocks else None


def cited_described(ctx: Ctx, plans: list[str]):
    """"Nha Bích dựa vào kế hoạch số mấy của UBND xã để triển khai NQ 71, ngày nào?": a document the plan cites,
    described by its issuer, kind, year or what it carries out rather than named by its number. Each document
    opening a clause of the plan is weighed: the body that issued it (named and not the same: −2), its kind, the
    year of its date, the documents its clause carries out, the word pairs of its sentence; the best, when it wins
    clearly, is answered with its clause. Only when the question says the plan cites it, or names a body, a year
    or a document that is not the plan's own (else "kế hoạch của UBND xã số mấy" asks the plan's own number)."""
    q, snap = ctx.q, ctx.snap
    spell = snap.index.abbreviations.spell_out
    asked_pairs = _asked_pairs(q)
    # a bare number said with the document whose date is asked ("văn bản 211 của UBND tỉnh, ngày ban hành?"); a year
    # is none, nor a number asked for ("… về NQ 57, số ký hiệu?": 57 is what it carries out)
    digits = set() if "number" in q.cited else {t.lstrip("0") for t in q.topic if t.isdigit() and not YEAR.fullmatch(t)}
    blocks = []
    for slug in plans:
        plan = snap.plans[slug].parsed.plan
        own_years = {int(y) for y in YEAR.findall(f"{plan.title} {plan.date or ''}")}
        others = _other_bodies(q, plan)
        refs = other_documents(snap, q, [slug])        # not the plan's own number
        if not (q.cited_by or others or refs or (q.year and q.year not in own_years)):
            continue
        heads, preamble, not_topic = _cited_heads(ctx, slug)
        scored = []
        for order, piece, r, m, issuer in heads:
            about = doc_key(piece[m.end():])
            score = 0.0
            by = bodies(fold(issuer).lower())
            if q.cited_bodies and by:
                score += 2 if any(same_body(a, h) for a in q.cited_bodies for h in by) else -2
            if q.cited_kind:
                score += 1 if fold(m.group("kind")).lower() == q.cited_kind else -1
            if q.year and m.group("date"):
                score += 1 if str(q.year) in m.group("date") else -1
            if "date" in q.cited:
                score += 0.5 if m.group("date") else -0.5
            number = doc_key(m.group("number"))
            if digits & {d.lstrip("0") for d in re.findall(r"\d+", number)}:
                score += 2
            for ref in refs:
                if (cites(number + "/", ref) or ref == number) and "number" not in q.cited:
                    score += 3          # the document named by its number: its date is asked
                elif cites(about, ref):
                    score += 1          # "để thực hiện 71/NQ-CP": what the document carries out
            score += 0.5 * len((asked_pairs - not_topic) & word_pairs(spell(piece)))   # what it is about
            scored.append((score, -order, piece, m.start(), r))
        if not scored:
            continue
        scored.sort(key=lambda x: (-x[0], -x[1]))
        best = scored[0]
        # a tie between two sentences: which document is meant is not clear (two documents of one sentence are both
        # said by it)
        if best[0] < 2 or any(x[0] == best[0] and x[2] != best[2] for x in scored[1:]):
            continue
        score, _, piece, start, r = best
        start = min(x[3] for x in scored if x[0] == score)    # two documents of the sentence: from the first on
        # the sentence whole when it is short or the document comes early (what it is cited for is said too),
        # else from the document on
        text = piece if len(piece) <= 300 or start < 150 else piece[start:]
        said = "căn cứ" if id(r) in preamble else "nêu:"
        text = re.sub(r"^Căn cứ\s*", "", text.strip()).rstrip(" ;.")
        blocks.append((f"{plan.name}: {said} {short(text, 300)}", [ctx.compose.source(r)]))
    return ctx.compose.lines_answer(q, "passage", blocks) if blocks else None


def _dated_in_asked_year(q, own_years: set[int], part: str) -> int:
    """1 when the question names a year that is not the plan's own (own_years) and the cited document is dated in
    it: "văn bản của Đảng ủy xã ra tháng 8/2025" asked of a 2026 plan is the one dated 2025."""
    dated = DATED.search(part)
    return int(q.year is not None and q.year not in own_years and dated is not None
               and str(q.year) in dated.group(0))


_CITATION = re.compile(r"\bsố\s+\d+[\w.]*\s*[-/]\s*[A-ZĐ]", re.IGNORECASE)


def _citing(text: str) -> list[str]:
    """The sentences (or ';' clauses) of a text that cite a document by its number ("Quyết định số 06/QĐ-TTg")."""
    return [p for p in re.split(r"(?<=[.;])\s+", text) if _CITATION.search(p)]


def plan_facts(ctx: Ctx, slug: str, fields) -> tuple[str, list[Source]]:
    pd = ctx.snap.plans[slug]
    plan = pd.parsed.plan
    lines, sources = [f"{plan.name}:"], []
    for field, label, line_rx, blank_rx, blank_text in _HEADER_FIELDS:
        if field not in fields:
            continue
        value = getattr(plan, field)
        blank = f" — {blank_text}" if value and re.search(blank_rx, value) else ""
        lines.append(f"- {label}: {value or '(không ghi)'}{blank}.")
        if at := _find_line(pd, line_rx, 40):
            sources.append(_src(ctx, slug, "Phần mở đầu", at))
    if "issuer" in fields:
        lines.append(f"- Cơ quan ban hành: {plan.issuer}.")
        sources.append(_src(ctx, slug, "Phần mở đầu", 1, 3, plan.issuer))
    if fields & {"signer", "title"}:
        title, at = signer_title(pd)
        if plan.signer:
            lines.append(f"- Người ký: {plan.signer}" + (f", chức vụ: {title}" if title else "") + ".")
            if at:
                sources.append(_src(ctx, slug, "Phần ký ban hành", max(1, at - 4), at, f"{title} {plan.signer}"))
    if "basis" in fields:
        bases = _bases(ctx, slug)
        lines.append(f"- Căn cứ ({len(bases)} văn bản):")
        for part, r in bases:
            text = re.sub(r"^Căn cứ\s*", "", part.strip())
            lines.append(f"  • {short(text, 260)} (dòng {r.first_line})")
        sources += [ctx.compose.source(r) for r in {id(r): r for _, r in bases}.values()]
    if "recipients" in fields:
        block = recipients(pd)
        if block:
            first, last, names = block
            lines.append("- Nơi nhận: " + "; ".join(names) + ".")
            sources.append(_src(ctx, slug, "Nơi nhận", first, last, "; ".join(names)))
        else:
            lines.append("- Nơi nhận: (không ghi).")
    if "period" in fields:
        lines.append(f"- Phạm vi, thời gian: {short(plan.title, 300)}.")
        t = _find_line(pd, r"^(trien khai|thuc hien)", 40)
        if t:
            sources.append(_src(ctx, slug, "Phần mở đầu", t))
    table = bool(ctx.q.words & {"bang", "phu_luc", "danh_muc"})    # "bảng/phụ lục …": the table's groups
    # "phần III có mấy mục", "phần nhiệm vụ trọng tâm chia mấy nhóm": the sub-parts of the part it names
    sub = _subsections(pd, ctx.q, ctx.snap) if fields & {"parts", "groups"} and not table else None
    if "parts" in fields and not sub:
        parts = _parts(pd)
        lines.append(f"- Bố cục gồm {len(parts)} phần lớn: " + "; ".join(p for p, _ in parts) + ".")
        sources += [_src(ctx, slug, p, ln) for p, ln in parts[:1]]
    if sub:
        part, subs = sub
        noun = "nhóm" if "groups" in fields else "mục"
        lines.append(f"- Mục “{part}” gồm {len(subs)} {noun}: " + "; ".join(n for n, _ in subs) + ".")
        sources.append(_src(ctx, slug, part, subs[0][1], subs[-1][1], part))
    elif "groups" in fields:
        kind = "target" if ctx.q.about == "target" or not pd.parsed.tasks else "task"
        groups = _groups(pd, kind)
        noun = "chỉ tiêu" if kind == "target" else "nhiệm vụ"
        total = f", tổng cộng {sum(n for _, n, _ in groups)} {noun}" if groups else ""
        lines.append(f"- Các nhóm {noun} ({len(groups)} nhóm{total}):")
        lines += [f"  • {g} — {n} {noun} (dòng {ln})" for g, n, ln in groups]
        if groups:
            sources.append(_src(ctx, slug, "Phụ lục", groups[0][2], groups[-1][2], groups[0][0]))
    return "\n".join(lines), sources


def cited_document(ctx: Ctx, fields: set[str], plans: list[str]):
    """"Kế hoạch số 433-KH/TU … ban hành ngày nào?": about another document the plan cites, not the plan itself;
    the answer is the plan's lines that cite that number (where its date and issuer stand)."""
    if not ctx.q.doc_refs or not fields & {"date", "issuer", "number", "signer"} \
            or not fields <= {"date", "issuer", "number", "signer", "title", "period", "basis"}:
        return None
    refs = other_documents(ctx.snap, ctx.q, plans)
    if not refs:
        return None
    # a number written out in full ("54/KH-UBND") is the one asked about before a bare one ("Kế hoạch 92")
    full = [ref for ref in refs if not ref.startswith("#")]
    records = ctx.snap.in_plans(set(plans), ("passage", "duty", "task", "target"))
    found = []
    for wanted in ([full] if full else []) + [refs]:
        found = [Found(1.0, r) for r in records if any(cites(doc_key(record_text(r)), ref) for ref in wanted)]
        if found:
            break
    if not found:
        return None
    by_plan: dict[str, Found] = {}
    for f in sorted(found, key=lambda f: (f.record.plan, f.record.first_line)):
        by_plan.setdefault(f.record.plan, f)        # the first line citing it in each plan
    chosen = list(by_plan.values())
    # asked of no plan in particular: one citation says the document's date ("Nghị quyết 57-NQ/TW ban hành
    # ngày nào?" is the same in every plan)
    return ctx.compose.fact(ctx.q, chosen if ctx.q.plans else chosen[:1])


def handle(ctx: Ctx):
    q = ctx.q
    fields = set(q.meta)
    if not fields:
        return None
    # the plans asked about: those named, else those of the level said ("kế hoạch tỉnh"), else all
    plans = ctx.scope if (q.plans or len(ctx.scope) == 1) else [
        s for s in ctx.scope if not q.levels or ctx.snap.plans[s].parsed.plan.level in q.levels]
    if q.cited:
        if (ans := (cited_list(ctx, plans) if "list" in q.cited else None)
                or (cited_described(ctx, plans) if q.cited & {"number", "date"} else None)) is not None:
            return ans
        fields -= {"cited_number", "cited_date", "cited_list"}
        # "Kế hoạch của UBND xã Tân Hòa số mấy?": no document cited answers, and the body named is the plan's own
        # issuer: the plan's own number or date
        if q.cited_bodies and not any(_other_bodies(q, ctx.snap.plans[s].parsed.plan) for s in plans):
            fields |= q.cited & {"number", "date"}
        if not fields:
            return None
    if (ans := cited_document(ctx, fields, plans)) is not None:
        return ans
    if (ans := cited_by_name(ctx, fields, plans)) is not None:
        return ans
    if fields == {"title"}:
        fields.add("signer")
    if "subparts" in fields:
        # "phần III có mấy mục": the sub-parts of a part the question names; none named, it asks something else
        fields.discard("subparts")
        if any(_subsections(ctx.snap.plans[s], q, ctx.snap) for s in plans):
            fields.add("parts")
        if not fields:
            return None
    blocks = [plan_facts(ctx, s, fields) for s in plans]
    return ctx.compose.lines_answer(q, "passage" if not fields & {"basis", "parts", "groups"} else "list", blocks)


def person(ctx: Ctx):
    """'Chủ tịch UBND xã X là ai?': the plans name a person only as their signer."""
    q = ctx.q
    blocks = []
    for s in ctx.scope if q.plans else []:
        pd = ctx.snap.plans[s]
        title, _ = signer_title(pd)
        post = q.post
        if title and post and post in fold(title) and not (post == "chu tich" and "pho chu tich" in fold(title)):
            blocks.append(plan_facts(ctx, s, {"signer"}))
    return ctx.compose.lines_answer(q, "passage", blocks) if blocks else None


def overview(ctx: Ctx):
    q = ctx.q
    blocks = []
    if q.names_more_than("overview") or (q.year and q.about == "target"):
        return None     # about something in particular (or one year's targets): a list or a fact, not the whole plan
    plans = list(q.plans) or ([ctx.scope[0]] if len(ctx.scope) == 1 else [])
    if not plans:
        return None
    for s in plans:
        pd = ctx.snap.plans[s]
        p = pd.parsed
        text, sources = plan_facts(ctx, s, {"parts", "groups"})
        counted = [f"{len(p.tasks)} nhiệm vụ trong bảng/phụ lục" if p.tasks else "",
                   f"{len(p.targets)} chỉ tiêu" if p.targets else "",
                   f"{len(p.duties)} đoạn giao trách nhiệm cho {len(pd.units.groups)} đơn vị" if p.duties else ""]
        head = f"{p.plan.name} có {', '.join(c for c in counted if c) or 'các phần sau'}."
        if not p.tasks and p.targets:
            tasks_part = [x for x in _parts(pd) if "nhiem vu" in fold(x[0])]
            if tasks_part:
                head += f" Các nhiệm vụ trọng tâm nêu ở mục “{tasks_part[0][0]}” (từ dòng {tasks_part[0][1]})."
        blocks.append((head + "\n" + text.split("\n", 1)[1], sources))
    return ctx.compose.lines_answer(q, "list", blocks)
