#!/usr/bin/env python3
"""Validate the fresh slice tests/eval/fresh7/*.jsonl with the checks of tests/eval/frozen/check.py.

usage: python tests/eval/fresh7/check.py [-v]

The same checks as the frozen part (schema, facts within +-3 lines of their plan line, none cases, styles,
no near copies, plan shares, every kind used), with this folder's settings: ids y###; sizes chat >= 60
(>= 20 `notone`), plain >= 40, near_miss >= 30 (>= 1/3 without tone marks, >= 1/2 chat-style),
today >= 20 (>= 6 distinct dates), conversations >= 20 (>= 12 context_needed true, >= 6 false).
Near copies are also checked against tests/eval/fresh2/ .. fresh6/ and, hidden, the frozen test part.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("frozen_check", os.path.join(HERE, "..", "frozen", "check.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

CONFIG = base.fresh_config(
    HERE, "y",
    files={"chat.jsonl": 60, "plain.jsonl": 40, "near_miss.jsonl": 30, "today.jsonl": 20,
           "conversations.jsonl": 20},
    min_dates=6, min_ctx={True: 12, False: 6}, min_chat_notone=20, min_near_miss_styled=0.5,
    shorthand={"hnay", "lố", "z", "ko", "bc", "vay", "dk", "v", "tk", "p", "cq", "dv", "hem", "hong", "xài", "v", "lố", "15t", "giùm"},
    abbrev={"gd&đt", "nn&mt", "khcn", "bc", "vp", "vh-xh", "ict", "cns", "xd", "ca", "cntt",
            "mttq", "ub", "ubmttq", "tt", "xp", "nb", "hg", "vhxh", "pvhcc", "p.kt", "qs", "ttcs",
            "đtn", "dtn", "hdnd", "pa", "bhxh", "ptnt", "nv", "cnscd", "cnscđ", "bcd", "kts", "khkt", "tmđt", "cns", "15t", "sp", "p.hg", "httt", "đa", "htx", "kd", "sx", "cdsx", "tmđt", "httt", "kh&cn", "qg", "lgsp"},
    english={"startup", "email", "smartphone", "by", "when", "who", "deadline?", "owner", "due", "livestream", "smart", "smartphone", "task", "web", "startup"})

if __name__ == "__main__":
    sys.exit(base.main(CONFIG))
