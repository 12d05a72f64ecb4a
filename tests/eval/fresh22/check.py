#!/usr/bin/env python3
"""Validate the fresh slice tests/eval/fresh22/*.jsonl with the checks of tests/eval/frozen/check.py.

usage: python tests/eval/fresh22/check.py [-v]

The same checks as the frozen part (schema, facts within +-3 lines of their plan line, none cases, styles,
no near copies, plan shares, every kind used), with this folder's settings: ids ai###; sizes chat >= 25
(>= 10 notone), near_miss >= 15, today >= 10 (>= 6 distinct dates), conversations >= 10 (>= 6 context_needed
true, >= 3 false), plain >= 15. Near copies are also checked against tests/eval/fresh2/ .. fresh21/ and, hidden,
the frozen test part.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("frozen_check", os.path.join(HERE, "..", "frozen", "check.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

CONFIG = base.fresh_config(
    HERE, "ai",
    files={"chat.jsonl": 25, "near_miss.jsonl": 15, "today.jsonl": 10, "conversations.jsonl": 10,
           "plain.jsonl": 15},
    min_dates=6, min_ctx={True: 6, False: 3}, min_chat_notone=10,
    shorthand={"bn", "z", "ko", "p", "vậy"},
    abbrev={"đn", "dn", "hg", "p.hg", "nb", "pa", "xp", "x.", "cđs", "cds", "khcn", "dmst", "htx", "kd", "httt",
            "lgsp", "tthc", "ocop", "kh", "cns", "cnscd", "csdl", "bcđ"},
    english={"target", "drone", "wifi", "cloud", "web", "digital", "twin"})

if __name__ == "__main__":
    sys.exit(base.main(CONFIG))
