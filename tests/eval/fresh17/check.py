#!/usr/bin/env python3
"""Validate the fresh slice tests/eval/fresh17/*.jsonl with the checks of tests/eval/frozen/check.py.

usage: python tests/eval/fresh17/check.py [-v]

The same checks as the frozen part (schema, facts within +-3 lines of their plan line, none cases, styles,
no near copies, plan shares, every kind used), with this folder's settings: ids ad###; sizes chat >= 45
(>= 18 `notone`), near_miss >= 40 (>= 1/3 without tone marks, >= 1/2 chat-style), plain >= 25.
No today or conversations file. Near copies are also checked against the earlier tests/eval/fresh<N>/ and,
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
    HERE, "ad",
    files={"chat.jsonl": 45, "near_miss.jsonl": 40, "plain.jsonl": 25},
    min_chat_notone=18, min_near_miss_styled=0.5,
    shorthand={"bn", "z", "j", "ko", "k", "đc", "dc", "vs", "ạ", "p", "vay", "vậy", "mt"},
    abbrev={"đn", "dn", "nb", "hg", "p.hg", "pa", "xp", "kh&cn", "khcn", "kh", "cntt", "cnscd", "cnscđ", "qg", "htx",
            "tw", "dmst", "đmst", "cđs", "cds", "vh-xh", "attt", "csdl", "httt", "lgsp", "ocop", "khkt", "grdp", "soc",
            "dvc", "ioc", "qđ", "tthc", "vp"},
    english={"deadline", "target", "kpi", "link", "web", "cloud", "file", "smartphone", "email", "wifi", "big", "data", "slide", "startup", "online", "website"})

if __name__ == "__main__":
    sys.exit(base.main(CONFIG))
