#!/usr/bin/env python3
"""Validate the fresh slice tests/eval/fresh15/*.jsonl with the checks of tests/eval/frozen/check.py.

usage: python tests/eval/fresh15/check.py [-v]

The same checks as the frozen part (schema, facts within +-3 lines of their plan line, none cases, styles,
no near copies, plan shares, every kind used), with this folder's settings: ids ab###; sizes plain >= 30,
today >= 30 (>= 8 distinct dates), conversations >= 24 (>= 15 context_needed true, >= 7 false).
Near copies are also checked against tests/eval/fresh2/ .. fresh14/ and, hidden, the frozen test part.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("frozen_check", os.path.join(HERE, "..", "frozen", "check.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

CONFIG = base.fresh_config(
    HERE, "ab",
    files={"plain.jsonl": 30, "today.jsonl": 30, "conversations.jsonl": 24},
    min_dates=8, min_ctx={True: 15, False: 7},
    shorthand={"bn", "z", "j", "ko", "hok", "trc", "vậy"},
    abbrev={"đn", "dn", "hg", "nb", "pa", "xp", "kh&cn", "khcn", "gd&đt", "gd&dt", "vh-xh", "pvhcc", "ubnd", "cntt"},
    english={"deadline"})

if __name__ == "__main__":
    sys.exit(base.main(CONFIG))
