#!/usr/bin/env python3
"""Validate the fresh tuning slice tests/eval/fresh2/*.jsonl (adapted from tests/eval/frozen/check.py).

usage: python tests/eval/fresh2/check.py [-v]

Exits 1 if any check fails:
  * schema per file (required/allowed keys, kinds, localities, types), ids s### unique across
    the folder, questions (and conversations) unique;
  * every fact not listed in `computed` has its FIRST alternative inside the named plan file
    within +-3 lines of `line` or of an `also` line, after the scorer's norm() (imported from
    ../shared/eval/score.py); the plan text is read as a reader sees it: `$\\geq 95\\%$` -> `≥ 95%`,
    <b> and ** dropped, the window's lines joined with spaces;
  * `none` cases: facts [], plan "", line 0;
  * no near copies: word-set Jaccard (lower case, tone marks folded, đ -> d) < 0.5 against every
    question of ../shared/eval/*.jsonl, ../shared/eval/real_dev/questions.jsonl, tests/eval/*.jsonl,
    tests/eval/heldout1/*.jsonl and tests/eval/frozen/*.jsonl (conversation turns of >= 6 words one
    by one, and a whole conversation as the join of its turns). For the frozen test part only the id
    of OUR question is printed, never the frozen text or id; < 0.8 between two cases of this folder;
  * `style` tags are known; `notone` questions carry no diacritics at all; `two` has >= 2 facts;
    `xamình` says "xã/phường mình" and names a locality; `abbrev`, `shorthand` and `english`
    questions contain a token from the lists below;
  * sizes: chat >= 55 (>= 20 `notone`), plain >= 25, near_miss >= 30 (all kind none, >= 1/3 without
    tone marks, >= 1/2 with a chat `style`), conversations >= 10 (2-3 turns, both values of
    context_needed); answerable cases: Đồng Nai >= 30%, each commune >= 12%; every kind used.
"""
import glob, json, os, re, sys, unicodedata
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared"))

sys.path.insert(0, os.path.join(SHARED, "eval"))
from score import norm  # the scorer's own rules

PLANS = {"Nha Bích": "xa-nha-bich-2026.txt", "Đồng Nai": "tinh-dong-nai-2026.txt",
         "Hàng Gòn": "phuong-hang-gon-2026.txt", "Xuân Phú": "xa-xuan-phu.txt",
         "Phước An": "xa-phuoc-an-2026.txt"}
KINDS = {"owner", "deadline", "target", "duties", "list", "passage", "none"}
STYLES = {"notone", "shorthand", "typo", "abbrev", "two", "xamình", "english"}
SHORTHAND = {"bn", "ko", "k", "đc", "dc", "j", "ntn", "vs", "z", "ạ", "nhé", "r", "cx", "ng", "trc",
             "sx", "hs", "ah", "nha", "vậy", "dzậy", "hok", "kh", "mn", "a", "ak", "nhe", "ha", "hả",
             "sài", "bik", "bc", "j?", "chq", "ko?", "đk", "dk", "nx", "tks", "oke", "ok", "ạ?", "z?",
             "nhé?", "v", "hem", "tk", "ntn?", "hong", "xài", "15t", "p", "cq", "dv", "gd"}
ABBREV = {"đn", "dn", "p.hg", "hg", "x.", "xã pa", "pa", "ubnd", "vp", "hđnd-ubnd", "tthc", "dvctt",
          "csdl", "cđs", "cds", "khcn", "kh&cn", "đmst", "dmst", "vneid", "htx", "hộ kd",
          "kd", "httt", "attt", "ntm", "nq", "kh", "ocop", "p.", "p.vh-xh", "vhxh", "xp", "khkt",
          "lgsp", "nb", "đu", "ttpvhcc", "pvhcc", "bcđ", "gddt", "gd&đt", "cn", "kpi", "sx", "ts", "soc",
          "vh-xh", "kt", "đa", "dnnvv", "ict", "ai", "iot", "tw", "cbccvc", "cbcc", "qg", "dvc", "đk", "cns",
          "nn&mt", "nckh", "bc", "ca", "cnsc", "cnscđ", "cntt", "mttq", "ub", "vn", "tmđt", "p.kt", "ioc",
          "sđt", "tt", "dvvt", "r&d", "ktht&đt", "ubmttq", "vhttdl", "qh", "tmđt"}
ENGLISH = {"target", "deadline", "website", "web", "cloud", "open", "data", "kpi", "online", "app",
           "digital", "twin", "update", "check", "report", "ok", "list", "plan", "email", "hotline",
           "big", "wifi", "local", "sign", "team", "boss", "file", "link", "top", "smartphone", "km", "startup"}
FILES = {"chat.jsonl": 55, "plain.jsonl": 25, "near_miss.jsonl": 30, "conversations.jsonl": 10}
MIN_CHAT_NOTONE = 20
BASE = {"id", "kind", "plan", "facts", "tags", "line"}
OPT = {"also", "computed", "note", "style"}
FROZEN = os.path.join(ROOT, "tests", "eval", "frozen")

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


def load_others():
    """(label, id, text) of every question we must not copy; frozen ones are labelled only 'frozen'."""
    out = []
    pats = [os.path.join(SHARED, "eval", "*.jsonl"), os.path.join(SHARED, "eval", "real_dev", "questions.jsonl"),
            os.path.join(ROOT, "tests", "eval", "*.jsonl"),
            os.path.join(ROOT, "tests", "eval", "heldout1", "*.jsonl"),
            os.path.join(FROZEN, "*.jsonl")]
    for pat in pats:
        for f in sorted(glob.glob(pat)):
            frozen = os.path.dirname(os.path.abspath(f)) == FROZEN
            label = "frozen" if frozen else os.path.relpath(f, ROOT)
            for l in open(f, encoding="utf-8"):
                if not l.strip():
                    continue
                c = json.loads(l)
                ts = texts(c) if ("turns" in c or "question" in c) else []
                cid = None if frozen else c.get("id")
                for t in ts:
                    out.append((label, cid, None if frozen else t, fold(t)))
                if "turns" in c:
                    j = " ".join(c["turns"])
                    out.append((label, cid, None if frozen else j, fold(j)))
    return out


def main():
    verbose = "-v" in sys.argv
    others = load_others()
    if not others:
        err("no other questions found to compare against")
    ids, qs = set(), set()
    answerable = Counter()
    kinds = Counter()
    allcases = []
    stats = Counter()
    for fname, minimum in FILES.items():
        path = os.path.join(HERE, fname)
        if not os.path.exists(path):
            err(f"{fname}: missing")
            continue
        cases = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
        if len(cases) < minimum:
            err(f"{fname}: {len(cases)} cases < {minimum}")
        ctx = Counter()
        notone = styled = 0
        for c in cases:
            cid = c.get("id", "?")
            req = set(BASE) | ({"turns", "context_needed"} if fname == "conversations.jsonl" else {"question"})
            if fname == "chat.jsonl":
                req.add("style")
            allowed = req | OPT
            if req - set(c):
                err(f"{cid}: missing keys {sorted(req - set(c))}")
                continue
            if set(c) - allowed:
                err(f"{cid}: unknown keys {sorted(set(c) - allowed)}")
            if not re.fullmatch(r"s\d{3}", cid) or cid in ids:
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
            for st in c.get("style", []):
                if st not in STYLES:
                    err(f"{cid}: unknown style {st}")
                stats[st] += 1
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
            if "abbrev" in st and not (toks & ABBREV or re.search(r"\b[xp]\.\s?\w", low)):
                err(f"{cid}: abbrev without a listed abbreviation")
            if "shorthand" in st and not (toks & SHORTHAND):
                err(f"{cid}: shorthand without a shorthand token")
            if "english" in st and not (toks & ENGLISH):
                err(f"{cid}: english without an English word")
            # near copies
            pieces = [t for t in texts(c) if len(re.findall(r"\w+", t)) >= 6]
            if "turns" in c:
                pieces.append(" ".join(c["turns"]))
            for t in pieces:
                ft = fold(t)
                for label, pid, pt, fp in others:
                    j = jacc(ft, fp)
                    if j >= 0.5:
                        if label == "frozen":
                            err(f"{cid}: too close to a question of the frozen test part")
                        else:
                            err(f"{cid}: near copy (J={j:.2f}) of {label}:{pid}: {pt[:80]!r}")
                        break
            allcases.append(c)
        if fname == "conversations.jsonl":
            for v in (True, False):
                if ctx[v] < 1:
                    err(f"conversations.jsonl: no case with context_needed={v}")
        if fname == "chat.jsonl":
            nt = sum(1 for c in cases if "notone" in c.get("style", []))
            if nt < MIN_CHAT_NOTONE:
                err(f"chat.jsonl: {nt} notone questions < {MIN_CHAT_NOTONE}")
        if fname == "near_miss.jsonl":
            if notone * 3 < len(cases):
                err(f"near_miss.jsonl: only {notone} of {len(cases)} without tone marks")
            if styled * 2 < len(cases):
                err(f"near_miss.jsonl: only {styled} of {len(cases)} typed chat-style")
    folded = [(c["id"], fold(" ".join(texts(c)))) for c in allcases]
    for i in range(len(folded)):
        for j in range(i + 1, len(folded)):
            if jacc(folded[i][1], folded[j][1]) >= 0.8:
                err(f"{folded[i][0]} and {folded[j][0]}: near duplicates inside fresh2")
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
          + "; styles: " + ", ".join(f"{k} {v}" for k, v in stats.most_common()))
    for e in errors:
        print("FAIL", e)
    print("OK" if not errors else f"{len(errors)} failure(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
