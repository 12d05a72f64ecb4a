#!/usr/bin/env python3
"""Validate the fresh slice tests/eval/fresh50/*.jsonl with the checks of tests/eval/frozen/check.py.

usage: python tests/eval/fresh50/check.py [-v]

The same checks as the frozen part (schema, facts within +-3 lines of their plan line, none cases, styles,
no near copies, plan shares, every kind used), with this folder's settings: ids bk###; sizes chat >= 22
(>= 9 `notone`), near_miss >= 20, today >= 18 (>= 8 distinct dates), conversations >= 12 (>= 7 context_needed
true, >= 3 false), plain >= 14. Near copies are also checked against tests/eval/fresh2/ .. fresh49/ and,
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
    HERE, "bk",
    files={"chat.jsonl": 22, "near_miss.jsonl": 20, "today.jsonl": 18, "conversations.jsonl": 12,
           "plain.jsonl": 14},
    min_dates=8, min_ctx={True: 7, False: 3}, min_chat_notone=9,
    shorthand={"bn", "p", "z", "ko", "ng", "j", "vậy", "ạ", "bc", "trc", "tk", "xai"},
    abbrev={"đn", "dn", "hg", "p.hg", "nb", "pa", "xp", "cđs", "đmst", "khcn", "kh&cn", "htx", "kd", "csdl",
            "cbccvc", "tw", "soc", "kk", "hđ", "cn", "tp"},
    english={"target", "digital", "twin", "team"})

if __name__ == "__main__":
    sys.exit(base.main(CONFIG))
