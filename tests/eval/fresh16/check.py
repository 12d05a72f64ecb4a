#!/usr/bin/env python3
"""Validate the fresh slice tests/eval/fresh16/*.jsonl with the checks of tests/eval/frozen/check.py.

usage: python tests/eval/fresh16/check.py [-v]

The same checks as the frozen part (schema, facts within +-3 lines of their plan line, none cases, styles,
no near copies, plan shares, every kind used), with this folder's settings: ids ac###; sizes today >= 30
(>= 8 distinct dates), conversations >= 30 (>= 18 context_needed true, >= 8 false). No plain file.
Near copies are also checked against tests/eval/fresh2/ .. fresh15/ and, hidden, the frozen test part.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("frozen_check", os.path.join(HERE, "..", "frozen", "check.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

CONFIG = base.fresh_config(
    HERE, "ac",
    files={"today.jsonl": 30, "conversations.jsonl": 30},
    min_dates=8, min_ctx={True: 18, False: 8},
    shorthand={"bn", "z", "j", "ko", "bc", "vay", "vậy", "ha", "p"},
    abbrev={"đn", "dn", "hg", "nb", "pa", "xp", "kh&cn", "khcn", "gd&đt", "vh-xh", "pvhcc", "cntt", "bch", "cds",
            "cđs", "tthc", "htx", "kd", "p.", "vhxh", "ubnd"},
    english={"drone", "cloud", "platform", "slide", "startup"})

if __name__ == "__main__":
    sys.exit(base.main(CONFIG))
