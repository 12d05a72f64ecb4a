#!/usr/bin/env python3
"""Validate the fresh slice tests/eval/fresh25/*.jsonl with the checks of tests/eval/frozen/check.py.

usage: python tests/eval/fresh25/check.py [-v]

The same checks as the frozen part (schema, facts within +-3 lines of their plan line, none cases, styles,
no near copies, plan shares, every kind used), with this folder's settings: ids al###; sizes chat >= 20
(>= 8 notone), near_miss >= 20, today >= 15 (>= 8 distinct dates), conversations >= 12 (>= 7 context_needed
true, >= 3 false), plain >= 12. Near copies are also checked against tests/eval/fresh2/ .. fresh24/ and,
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
    HERE, "al",
    files={"chat.jsonl": 20, "near_miss.jsonl": 20, "today.jsonl": 15, "conversations.jsonl": 12,
           "plain.jsonl": 12},
    min_dates=8, min_ctx={True: 7, False: 3}, min_chat_notone=8,
    shorthand={"bn", "ko", "dc", "đc", "j", "ạ", "sx", "p", "vậy"},
    abbrev={"đn", "dn", "hg", "p.hg", "nb", "pa", "xp", "csdl", "khcn", "cds", "cđs", "đmst", "dmst", "qs", "cntt",
            "nq", "lgsp", "ub", "mttq", "tt", "ttpvhcc", "vh-xh"},
    english={"kpi", "online", "target", "digital", "twin"})

if __name__ == "__main__":
    sys.exit(base.main(CONFIG))
