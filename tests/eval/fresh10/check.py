#!/usr/bin/env python3
"""Validate the fresh slice tests/eval/fresh10/*.jsonl with the checks of tests/eval/frozen/check.py.

usage: python tests/eval/fresh10/check.py [-v]

The same checks as the frozen part (schema, facts within +-3 lines of their plan line, none cases, styles,
no near copies, plan shares, every kind used), with this folder's settings: ids j###; sizes chat >= 60
(>= 20 `notone`), plain >= 40, near_miss >= 30 (>= 1/3 without tone marks, >= 1/2 chat-style),
today >= 20 (>= 6 distinct dates), conversations >= 20 (>= 12 context_needed true, >= 6 false).
Near copies are also checked against tests/eval/fresh2/ .. fresh9/ and, hidden, the frozen test part.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("frozen_check", os.path.join(HERE, "..", "frozen", "check.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

CONFIG = base.fresh_config(
    HERE, "j",
    files={"chat.jsonl": 60, "plain.jsonl": 40, "near_miss.jsonl": 30, "today.jsonl": 20,
           "conversations.jsonl": 20},
    min_dates=6, min_ctx={True: 12, False: 6}, min_chat_notone=20, min_near_miss_styled=0.5,
    shorthand={"z", "ko", "k", "v", "trc", "dc", "đc", "bn", "j", "vs", "r", "mn", "ad", "nv", "hem",
               "nha", "nhé", "vậy", "ạ"},
    abbrev={"đn", "dn", "nb", "hg", "p.hg", "pa", "x.pa", "xp", "ca", "chqs", "dvvt", "nn&mt", "soc", "ict",
            "khcn", "kh&cn", "cđs", "cds", "đmst", "dmst", "csdl", "tthc", "pvhcc", "lgsp", "attt", "cntt",
            "ns", "kp", "kh", "vh-xh", "vp", "tw", "htx", "ocop", "httt"},
    english={"deadline", "target", "kpi", "link", "local", "digital", "twin"})

if __name__ == "__main__":
    sys.exit(base.main(CONFIG))
