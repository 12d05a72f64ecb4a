#!/usr/bin/env python3
"""Validate the frozen test part of our evaluation (tests/eval/frozen/*.jsonl).

usage: python tests/eval/frozen/check.py [-v]

Exits 1 if any check fails:
  * schema per file (required/allowed keys, kinds, localities, types), ids g### unique across
    the folder, questions (and conversations) unique;
  * every fact not listed in `computed` has its FIRST alternative inside the named plan file
    within +-3 lines of `line` or of an `also` line, after the scorer's norm() (imported from
    ../shared/eval/score.py when present, else the project's copy in bench/answers.py); the plan text is
    read as a reader sees it: `$\\geq 95\\%$` -> `>= 95%` (as the sign), <b> and ** dropped,
    the window's lines joined with spaces;
  * `none` cases: facts [], plan "", line 0;
  * no near copies: word-set Jaccard (lower case, tone marks folded, đ -> d) < 0.5 against every
    question of ../shared/eval/*.jsonl, ../shared/eval/real_dev/questions.jsonl,
    tests/eval/*.jsonl and tests/eval/heldout1/*.jsonl (the previous frozen part; conversation turns of >= 6 words are compared one by one, and a whole
    conversation as the join of its turns);
  * `style` tags are known; `notone` questions carry no diacritics at all; `two` has >= 2 facts;
    `xamình` says "xã/phường mình" and names a locality; `abbrev`, `shorthand` and `english`
    questions contain a token from the lists below;
  * sizes: chat >= 70 (>= 20 `notone`), plain >= 60, near_miss >= 36 (all kind none, >= 1/3
    without tone marks), today >= 20 (>= 5 distinct `today` dates), conversations >= 20 (2-3
    turns, >= 12 with context_needed true and >= 6 with false); answerable cases: Đồng Nai >= 30%,
    each commune >= 12%; every kind used.
"""
import glob, json, os, re, sys, unicodedata
from collections import Counter
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared"))

try:
    sys.path.insert(0, os.path.join(SHARED, "eval"))
    from score import norm  # the scorer's own rules
except Exception:  # pragma: no cover - the project's own copy of the scorer's rules
    sys.path.insert(0, ROOT)
    from bench.answers import norm

PLANS = {"Nha Bích": "xa-nha-bich-2026.txt", "Đồng Nai": "tinh-dong-nai-2026.txt",
         "Hàng Gòn": "phuong-hang-gon-2026.txt", "Xuân Phú": "xa-xuan-phu.txt",
         "Phước An": "xa-phuoc-an-2026.txt"}
KINDS = {"owner", "deadline", "target", "duties", "list", "passage", "none"}
STYLES = {"notone", "shorthand", "typo", "abbrev", "two", "xamình", "english"}
SHORTHAND = {"bn", "ko", "k", "đc", "dc", "j", "ntn", "vs", "z", "ạ", "nhé", "r", "cx", "ng", "trc",
             "sx", "hs", "ah", "nha", "vậy", "dzậy", "hok", "kh", "mn", "a", "ak", "nhe", "ha", "hả",
             "sài", "bik", "bc", "j?", "chq", "ko?", "đk", "nx", "tks", "oke", "ok", "ạ?", "z?", "nhé?"}
ABBREV = {"đn", "dn", "p.hg", "hg", "x.", "xã pa", "pa", "ubnd", "vp", "hđnd-ubnd", "tthc", "dvctt",
          "csdl", "cđs", "cds", "khcn", "kh&cn", "đmst", "dmst", "vneid", "htx", "dn", "hộ kd",
          "kd", "httt", "attt", "ntm", "nq", "kh", "ocop", "p.", "p.vh-xh", "vhxh", "xp", "khkt",
          "lgsp", "nb", "đu", "ttpvhcc", "pvhcc", "bcđ", "gddt", "gd&đt", "cn", "kpi", "sx", "ts", "soc",
          "vh-xh", "kt", "đa", "dnnvv", "ict", "ai", "iot", "tw", "cbccvc", "cbcc", "qg", "dvc", "đk", "cns",
          "nn&mt", "nckh", "bc"}
ENGLISH = {"target", "deadline", "website", "web", "cloud", "open", "data", "kpi", "online", "app",
           "digital", "twin", "update", "check", "report", "ok", "list", "plan", "email", "hotline",
           "big", "wifi", "local", "sign", "team", "boss", "file", "link", "top"}
FILES = {"chat.jsonl": 70, "plain.jsonl": 60, "near_miss.jsonl": 36, "today.jsonl": 20,
         "conversations.jsonl": 20}
MIN_DATES = 5          # distinct `today` dates in today.jsonl
MIN_CTX = {True: 12, False: 6}  # conversations by context_needed
MIN_CHAT_NOTONE = 20
BASE = {"id", "kind", "plan", "facts", "tags", "line"}
OPT = {"also", "computed", "note", "style"}


@dataclass
class Config:
    """What one folder of gold questions must satisfy (this folder's by default; tests/eval/fresh2/check.py
    passes its own)."""
    folder: str = HERE
    name: str = "frozen"
    id_pattern: str = r"g\d{3}"
    files: dict = field(default_factory=lambda: dict(FILES))
    min_dates: int = MIN_DATES
    min_ctx: dict = field(default_factory=lambda: dict(MIN_CTX))
    min_chat_notone: int = MIN_CHAT_NOTONE
    min_near_miss_styled: float = 0.0       # share of near misses typed chat-style
    others: tuple = ()                      # extra folders to compare against
    hidden: tuple = ()                      # folders compared against without showing their questions
    shorthand: set = field(default_factory=lambda: set(SHORTHAND))
    abbrev: set = field(default_factory=lambda: set(ABBREV))
    english: set = field(default_factory=lambda: set(ENGLISH))



def earlier_fresh(folder: str) -> tuple:
    """The fresh slices written before the one in `folder` (tests/eval/fresh<N> beside it, 2 <= N < its own), in
    order: a fresh slice is checked for near copies against them."""
    own = re.fullmatch(r"fresh(\d+)", os.path.basename(os.path.abspath(folder)))
    parent = os.path.dirname(os.path.abspath(folder))
    found = [(int(m.group(1)), os.path.join(parent, d)) for d in os.listdir(parent)
             if (m := re.fullmatch(r"fresh(\d+)", d)) and os.path.isdir(os.path.join(parent, d))]
    return tuple(path for n, path in sorted(found) if 2 <= n < (int(own.group(1)) if own else 0))


def fresh_config(folder: str, id_letter: str, files: dict, *, shorthand=(), abbrev=(), english=(), **settings) -> Config:
    """The Config of a fresh slice in `folder` (tests/eval/fresh<N>): ids <letter>###, the given file sizes and
    settings, near copies checked against the earlier fresh slices and, hidden, this frozen part; the chat tokens
    it uses beyond this checker's lists are added to them."""
    folder = os.path.abspath(folder)
    return Config(folder=folder, name=os.path.basename(folder), id_pattern=id_letter + r"\d{3}", files=files,
                  others=earlier_fresh(folder), hidden=(HERE,), shorthand=SHORTHAND | set(shorthand),
                  abbrev=ABBREV | set(abbrev), english=ENGLISH | set(english), **settings)


errors = []


def err(msg):
    errors.append(msg)


def plain(s):
    s = s.replace("\\geq", "≥").replace("\\leq", "≤").replace("\\%", "%").replace("$", "")
    s = re.sub(r"</?b>", "", s)
    return s.replace("**", "").replace("*", "")


_plan_cache = {}


def plan_lines(loc):
    if loc not in _plan_cache:
        for d in (os.path.join(ROOT, "corpus", "plans"), os.path.join(SHARED, "plans")):
            p = os.path.join(d, PLANS[loc])
            if os.path.exists(p):
                _plan_cache[loc] = open(p, encoding="utf-8").read().split("\n")
                break
        else:
            raise SystemExit("plan file not found: " + PLANS[loc])
    return _plan_cache[loc]


def window(loc, line):
    L = plan_lines(loc)
    return norm(plain(" ".join(L[max(0, line - 4): line + 3])))


def fold(s):
    s = unicodedata.normalize("NFD", str(s).lower()).replace("đ", "d")
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return set(re.findall(r"\w+", s))


def has_diacritics(s):
    for c in s:
        if c in "đĐ" or unicodedata.normalize("NFD", c) != c:
            return True
    return False


def jacc(a, b):
    return len(a & b) / len(a | b) if a | b else 0.0


def texts(case):
    return case["turns"] if "turns" in case else [case["question"]]


def load_others(cfg):
    """(label, id, text, folded words) of every question a case must not copy; a hidden folder's questions are
    labelled by the folder only, with no id or text."""
    out = []
    pats = [os.path.join(SHARED, "eval", "*.jsonl"), os.path.join(SHARED, "eval", "real_dev", "*.jsonl"),
            os.path.join(ROOT, "tests", "eval", "*.jsonl"),
            os.path.join(ROOT, "tests", "eval", "heldout1", "*.jsonl")]
    pats += [os.path.join(d, "*.jsonl") for d in cfg.others + cfg.hidden]
    for pat in pats:
        for f in sorted(glob.glob(pat)):
            hidden = os.path.dirname(os.path.abspath(f)) in cfg.hidden
            label = os.path.basename(os.path.dirname(f)) if hidden else os.path.relpath(f, ROOT)
            for l in open(f, encoding="utf-8"):
                if not l.strip():
                    continue
                c = json.loads(l)
                ts = list(texts(c)) if ("turns" in c or "question" in c) else []
                if "turns" in c:
                    ts.append(" ".join(c["turns"]))
                for t in ts:
                    out.append((label, None if hidden else c.get("id"), None if hidden else t, fold(t)))
    return out


def main(cfg=None):
    cfg = cfg or Config()
    verbose = "-v" in sys.argv
    public = load_others(cfg)
    if not public:
        err("no public/tuning questions found to compare against")
    ids, qs = set(), set()
    answerable = Counter()
    kinds = Counter()
    allcases = []
    styles = Counter()
    for fname, minimum in cfg.files.items():
        path = os.path.join(cfg.folder, fname)
        if not os.path.exists(path):
            err(f"{fname}: missing")
            continue
        cases = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
        if len(cases) < minimum:
            err(f"{fname}: {len(cases)} cases < {minimum}")
        dates = set()
        ctx = Counter()
        notone = styled = 0
        for c in cases:
            cid = c.get("id", "?")
            req = set(BASE) | ({"turns", "context_needed"} if fname == "conversations.jsonl" else {"question"})
            if fname == "today.jsonl":
                req.add("today")
            if fname == "chat.jsonl":
                req.add("style")
            allowed = req | OPT
            if req - set(c):
                err(f"{cid}: missing keys {sorted(req - set(c))}")
                continue
            if set(c) - allowed:
                err(f"{cid}: unknown keys {sorted(set(c) - allowed)}")
            if not re.fullmatch(cfg.id_pattern, cid) or cid in ids:
                err(f"{cid}: bad or duplicate id")
            ids.add(cid)
            key = " || ".join(norm(t) for t in texts(c))
            if key in qs:
                err(f"{cid}: duplicate question")
            qs.add(key)
            if c["kind"] not in KINDS:
                err(f"{cid}: bad kind {c['kind']}")
            kinds[c["kind"]] += 1
            if not isinstance(c["tags"], list):
                err(f"{cid}: tags must be a list")
            if not isinstance(c["facts"], list) or not all(isinstance(f, list) and f and all(isinstance(a, str) and a for a in f) for f in c["facts"]):
                err(f"{cid}: facts must be a list of non-empty lists of strings")
                continue
            if fname == "conversations.jsonl":
                if not (isinstance(c["turns"], list) and 2 <= len(c["turns"]) <= 3):
                    err(f"{cid}: 2-3 turns required")
                ctx[bool(c["context_needed"])] += 1
            if fname == "today.jsonl":
                if not re.fullmatch(r"2026-\d\d-\d\d", c["today"]):
                    err(f"{cid}: bad today")
                dates.add(c["today"])
            comp = c.get("computed", [])
            if comp and (not all(isinstance(i, int) and 0 <= i < len(c["facts"]) for i in comp)):
                err(f"{cid}: bad computed indices")
            if c["kind"] == "none":
                if c["facts"] or c["plan"] != "" or c["line"] != 0:
                    err(f"{cid}: none case must have facts [], plan '', line 0")
            else:
                if c["plan"] not in PLANS:
                    err(f"{cid}: bad plan {c['plan']!r}")
                    continue
                if not c["facts"]:
                    err(f"{cid}: answerable case without facts")
                if comp and len(comp) == len(c["facts"]) and "count" not in c["tags"]:
                    err(f"{cid}: all facts computed")
                answerable[c["plan"]] += 1
                wins = [(c["plan"], c["line"])] + [(a["plan"], a["line"]) for a in c.get("also", [])]
                for a in c.get("also", []):
                    if a.get("plan") not in PLANS or not isinstance(a.get("line"), int):
                        err(f"{cid}: bad also {a}")
                for i, f in enumerate(c["facts"]):
                    if i in comp:
                        continue
                    first = norm(f[0])
                    hit = [w for w in wins if first in window(*w)]
                    if not hit:
                        err(f"{cid}: fact {f[0]!r} not within +-3 lines of {wins}")
                    elif verbose:
                        print(f"  {cid} {f[0]!r} @ {hit[0]}")
            if fname == "near_miss.jsonl":
                if c["kind"] != "none":
                    err(f"{cid}: near_miss must be kind none")
                if not has_diacritics(c["question"]):
                    notone += 1
                if c.get("style"):
                    styled += 1
            # style checks
            for st in c.get("style", []):
                styles[st] += 1
                if st not in STYLES:
                    err(f"{cid}: unknown style {st}")
            q = " ".join(texts(c))
            low = q.lower()
            toks = set(re.findall(r"[\w.&/-]+", low)) | set(re.findall(r"\w+", low))
            st = set(c.get("style", []))
            if "notone" in st and has_diacritics(q):
                err(f"{cid}: notone question has diacritics")
            if "two" in st and len(c["facts"]) < 2:
                err(f"{cid}: 'two' needs >= 2 facts")
            if "xamình" in st:
                if not re.search(r"\b(xa|phuong) minh\b", " ".join(re.findall(r"\w+", unicodedata.normalize("NFD", low).replace("đ", "d").encode("ascii", "ignore").decode()))):
                    err(f"{cid}: xamình without 'xã/phường mình'")
                if not any(fold(loc) <= fold(q) for loc in PLANS):
                    err(f"{cid}: xamình without a named locality")
            if "abbrev" in st and not (toks & cfg.abbrev or re.search(r"\b[xp]\.\s?\w", low)):
                err(f"{cid}: abbrev without a listed abbreviation")
            if "shorthand" in st and not (toks & cfg.shorthand):
                err(f"{cid}: shorthand without a shorthand token")
            if "english" in st and not (toks & cfg.english):
                err(f"{cid}: english without an English word")
            # near copies
            pieces = [t for t in texts(c) if len(re.findall(r"\w+", t)) >= 6]
            if "turns" in c:
                pieces.append(" ".join(c["turns"]))
            for t in pieces:
                ft = fold(t)
                for f, pid, pt, fp in public:
                    j = jacc(ft, fp)
                    if j >= 0.5:
                        err(f"{cid}: too close to a question of {f}" if pt is None else
                            f"{cid}: near copy (J={j:.2f}) of {f}:{pid}: {pt[:80]!r}")
                        break
            allcases.append(c)
        if fname == "today.jsonl" and len(dates) < cfg.min_dates:
            err(f"today.jsonl: {len(dates)} distinct dates < {cfg.min_dates}")
        if fname == "conversations.jsonl":
            for v, m in cfg.min_ctx.items():
                if ctx[v] < m:
                    err(f"conversations.jsonl: {ctx[v]} with context_needed={v} < {m}")
        if fname == "chat.jsonl":
            nt = sum(1 for c in cases if "notone" in c.get("style", []))
            if nt < cfg.min_chat_notone:
                err(f"chat.jsonl: {nt} notone questions < {cfg.min_chat_notone}")
        if fname == "near_miss.jsonl" and notone * 3 < len(cases):
            err(f"near_miss.jsonl: only {notone} of {len(cases)} without tone marks")
        if fname == "near_miss.jsonl" and styled < cfg.min_near_miss_styled * len(cases):
            err(f"near_miss.jsonl: only {styled} of {len(cases)} typed chat-style")
    # near copies inside the folder
    folded = [(c["id"], fold(" ".join(texts(c)))) for c in allcases]
    for i in range(len(folded)):
        for j in range(i + 1, len(folded)):
            if jacc(folded[i][1], folded[j][1]) >= 0.8:
                err(f"{folded[i][0]} and {folded[j][0]}: near duplicates inside {cfg.name}")
    n = sum(answerable.values())
    if n:
        if answerable["Đồng Nai"] < 0.30 * n:
            err(f"Đồng Nai {answerable['Đồng Nai']}/{n} < 30% of answerable")
        for loc in PLANS:
            if loc != "Đồng Nai" and answerable[loc] < 0.12 * n:
                err(f"{loc} {answerable[loc]}/{n} < 12% of answerable")
    for k in KINDS:
        if kinds[k] == 0:
            err(f"kind {k} unused")
    print(f"{len(allcases)} cases; answerable {n}: " + ", ".join(f"{k} {v}" for k, v in answerable.most_common())
          + "; kinds: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common())
          + "; styles: " + ", ".join(f"{k} {v}" for k, v in styles.most_common()))
    for e in errors:
        print("FAIL", e)
    print("OK" if not errors else f"{len(errors)} failure(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
