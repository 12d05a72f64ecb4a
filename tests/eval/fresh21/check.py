#!/usr/bin/env python3
"""Validate the fresh slice tests/eval/fresh21/*.jsonl with the checks of tests/eval/frozen/check.py.

usage: python tests/eval/fresh21/check.py [-v]

The same checks as the frozen part (schema, facts within +-3 lines of their plan line, none cases, styles,
no near copies, plan shares, every kind used), with this folder's settings: ids ah###; sizes chat >= 60
(>= 25 without tone marks), near_miss >= 15 (>= 1/3 without tone marks).
Near copies are also checked against tests/eval/fresh2/ .. fresh20/ and, hidden, the frozen test part.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("frozen_check", os.path.join(HERE, "..", "frozen", "check.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

CONFIG = base.fresh_config(
    HERE, "ah",
    files={"chat.jsonl": 60, "near_miss.jsonl": 15},
    min_chat_notone=25,
    shorthand={"bn", "ko", "k", "dc", "đc", "j", "ntn", "vs", "z", "ak", "nhé", "trc", "sx", "cq", "vay", "vậy",
               "hả", "ad", "p", "tk", "kd", "xai"},
    abbrev={"đn", "dn", "hg", "nb", "pa", "xp", "p.hg", "cđs", "cds", "khcn", "kh&cn", "cbccvc", "cns", "kcns",
            "httt", "nq", "tthc", "dvc", "dnnvv", "htx", "cnscđ", "khkt", "attt", "ocop", "lgsp", "kh", "p.vhxh",
            "cchc", "dmst", "đmst", "csdl", "ub", "tw", "kt", "cn"},
    english={"deadline", "target", "kpi", "tool", "owner", "startup", "slide", "link", "web", "cloud", "data", "ad"})

if __name__ == "__main__":
    sys.exit(base.main(CONFIG))
