#!/usr/bin/env python3
"""Validate the fresh tuning slice tests/eval/fresh5/*.jsonl with the checks of tests/eval/frozen/check.py.

usage: python tests/eval/fresh5/check.py [-v]

The same checks as the frozen part (schema, facts within +-3 lines of their plan line, none cases, styles,
no near copies, plan shares, every kind used), with this folder's settings: ids w###; sizes today >= 45
(>= 10 distinct `today` dates), conversations >= 45 (>= 25 with context_needed true, >= 12 false),
near_miss >= 20 (>= 1/3 without tone marks). Near copies are also checked against tests/eval/fresh2/,
tests/eval/fresh3/ and tests/eval/fresh4/ (when present) and against the frozen test part, whose
questions are never shown (only the id of the question here that is too close).
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("frozen_check", os.path.join(HERE, "..", "frozen", "check.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

CONFIG = base.fresh_config(
    HERE, "w",
    files={"today.jsonl": 45, "conversations.jsonl": 45, "near_miss.jsonl": 20},
    min_dates=10, min_ctx={True: 25, False: 12}, min_chat_notone=0,
    shorthand={"hnay", "lố", "z", "ko", "bc", "vay"},
    english={"startup", "email"},
    abbrev={"gd&đt", "nn&mt", "q2/2026", "khcn", "bc", "vp", "vh-xh", "ict", "cns", "xd",
            "gđ", "cbccvc", "pa", "xp", "nb", "hg", "vhxh", "pvhcc"})

if __name__ == "__main__":
    sys.exit(base.main(CONFIG))
