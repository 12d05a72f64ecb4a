#!/usr/bin/env python3
"""Validate the fresh slice tests/eval/fresh13/*.jsonl with the checks of tests/eval/frozen/check.py.

usage: python tests/eval/fresh13/check.py [-v]

The same checks as the frozen part (schema, facts within +-3 lines of their plan line, none cases, styles,
no near copies, plan shares, every kind used), with this folder's settings: ids i###; sizes plain >= 40,
today >= 30 (>= 8 distinct dates), conversations >= 30 (>= 18 context_needed true, >= 8 false).
Near copies are also checked against tests/eval/fresh2/ .. fresh12/ and, hidden, the frozen test part.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("frozen_check", os.path.join(HERE, "..", "frozen", "check.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

CONFIG = base.fresh_config(
    HERE, "i",
    files={"plain.jsonl": 40, "today.jsonl": 30, "conversations.jsonl": 30},
    min_dates=8, min_ctx={True: 18, False: 8},
    shorthand={"z", "ko", "k", "v", "trc", "dc", "đc", "bn", "j", "vs", "r", "mn", "nha", "nhé", "vậy", "ạ"},
    abbrev={"đn", "dn", "nb", "hg", "pa", "xp", "khcn", "kh&cn", "gd&đt", "gd&dt", "cđs", "cds", "csdl",
            "tthc", "pvhcc", "vh-xh", "htx", "kd", "cntt", "attt", "ubnd", "khkt", "soc", "ict"},
    english={"deadline", "target", "kpi"})

if __name__ == "__main__":
    sys.exit(base.main(CONFIG))
