#!/usr/bin/env python3
"""Validate the fresh slice tests/eval/fresh32/*.jsonl with the checks of tests/eval/frozen/check.py.

usage: python tests/eval/fresh32/check.py [-v]

The same checks as the frozen part (schema, facts within +-3 lines of their plan line, none cases, styles,
no near copies, plan shares, every kind used), with this folder's settings: ids as###; sizes chat >= 22
(>= 9 `notone`), near_miss >= 16, today >= 14 (>= 8 distinct dates), conversations >= 16 (>= 9 context_needed
true, >= 4 false), plain >= 14. Near copies are also checked against tests/eval/fresh2/ .. fresh31/ and,
hidden, the frozen test part.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("frozen_check", os.path.join(HERE, "..", "frozen", "check.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

CONFIG = base.fresh_config(
    HERE, "as",
    files={"chat.jsonl": 22, "near_miss.jsonl": 16, "today.jsonl": 14, "conversations.jsonl": 16,
           "plain.jsonl": 14},
    min_dates=8, min_ctx={True: 9, False: 4}, min_chat_notone=9,
    shorthand={"bn", "p", "z", "ko", "ng", "ạ", "hả", "vậy", "tk", "đt"},
    abbrev={"đn", "dn", "hg", "p.hg", "nb", "xp", "cds", "khcn", "dmst", "nn&mt", "htx",
            "pvhcc", "cbccvc", "kt", "cns", "ubnd", "bts"},
    english={"target", "deadline", "kpi", "cloud", "digital", "twin"})

if __name__ == "__main__":
    sys.exit(base.main(CONFIG))
