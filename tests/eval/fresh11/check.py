#!/usr/bin/env python3
"""Validate the fresh slice tests/eval/fresh11/*.jsonl with the checks of tests/eval/frozen/check.py.

usage: python tests/eval/fresh11/check.py [-v]

The same checks as the frozen part (schema, facts within +-3 lines of their plan line, none cases, styles,
no near copies, plan shares, every kind used), with this folder's settings: ids b###; sizes today >= 45
(>= 10 distinct dates), conversations >= 45 (>= 25 context_needed true, >= 12 false), near_miss >= 20
(>= 1/3 without tone marks, >= 1/2 chat-style), chat >= 30 (>= 10 `notone`).
Near copies are also checked against tests/eval/fresh2/ .. fresh10/ and, hidden, the frozen test part.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("frozen_check", os.path.join(HERE, "..", "frozen", "check.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

CONFIG = base.fresh_config(
    HERE, "b",
    files={"today.jsonl": 45, "conversations.jsonl": 45, "near_miss.jsonl": 20, "chat.jsonl": 30},
    min_dates=10, min_ctx={True: 25, False: 12}, min_chat_notone=10, min_near_miss_styled=0.5,
    shorthand={"trc", "ad", "e", "ng", "6t", "hđ", "sp", "z", "j", "vs", "ko"},
    abbrev={"vp", "khcn", "p.hg", "x.phuoc", "chqs", "p.vhxh", "nn&mt", "cnscđ", "pvhcc", "tt&tt", "attt",
            "xp", "pa", "nb", "hg", "đn", "dn", "kh", "ubnd", "cds", "cđs", "gdđt", "khkt", "dlcn", "tw", "cns", "httt", "ocop", "cn", "gd", "bh"},
    english={"target", "deadline", "sme", "cloud", "kpi", "local"})

if __name__ == "__main__":
    sys.exit(base.main(CONFIG))
