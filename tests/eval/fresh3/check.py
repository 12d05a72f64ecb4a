#!/usr/bin/env python3
"""Validate the fresh tuning slice tests/eval/fresh3/*.jsonl with the checks of tests/eval/frozen/check.py.

usage: python tests/eval/fresh3/check.py [-v]

The same checks as the frozen part (schema, facts within +-3 lines of their plan line, none cases, styles,
no near copies, plan shares, every kind used), with this folder's settings: ids u###; sizes today >= 40
(>= 8 distinct `today` dates), conversations >= 35 (>= 20 with context_needed true, >= 10 false),
near_miss >= 30 (>= 1/3 without tone marks). Near copies are also checked against tests/eval/fresh2/*.jsonl
and against the frozen test part, whose questions are never shown (only the id of the question here that
is too close).
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("frozen_check", os.path.join(HERE, "..", "frozen", "check.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

CONFIG = base.Config(
    folder=HERE, name="fresh3", id_pattern=r"u\d{3}",
    files={"today.jsonl": 40, "conversations.jsonl": 35, "near_miss.jsonl": 30},
    min_dates=8, min_ctx={True: 20, False: 10}, min_chat_notone=0,
    others=(os.path.abspath(os.path.join(HERE, "..", "fresh2")),),
    shorthand=base.SHORTHAND | {"hnay", "lố"},
    english=base.ENGLISH | {"startup"},
    abbrev=base.ABBREV | {"gd&đt", "nn&mt", "q2/2026", "khcn", "bc", "vp", "vh-xh", "ict"})

if __name__ == "__main__":
    sys.exit(base.main(CONFIG))
