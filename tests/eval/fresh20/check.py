#!/usr/bin/env python3
"""Validate the fresh slice tests/eval/fresh20/*.jsonl with the checks of tests/eval/frozen/check.py.

usage: python tests/eval/fresh20/check.py [-v]

The same checks as the frozen part (schema, facts within +-3 lines of their plan line, none cases, styles,
no near copies, plan shares, every kind used), with this folder's settings: ids ag###; sizes today >= 35
(>= 10 distinct dates), conversations >= 30 (>= 18 context_needed true, >= 10 false), chat >= 10.
Near copies are also checked against the earlier tests/eval/fresh<N>/ slices and, hidden, the frozen test part.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("frozen_check", os.path.join(HERE, "..", "frozen", "check.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

CONFIG = base.fresh_config(
    HERE, "ag",
    files={"today.jsonl": 35, "conversations.jsonl": 30, "chat.jsonl": 10},
    min_dates=10, min_ctx={True: 18, False: 10}, min_chat_notone=0,
    shorthand={"z", "j", "bn", "trc", "ạ", "vậy", "ng", "bc"},
    abbrev={"đn", "dn", "nb", "hg", "pa", "xp", "kh&cn", "khcn", "cđs", "csdl", "nn&mt", "ubnd", "chqs", "bc"},
    english={"deadline", "local"})

if __name__ == "__main__":
    sys.exit(base.main(CONFIG))
