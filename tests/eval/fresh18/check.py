#!/usr/bin/env python3
"""Validate the fresh slice tests/eval/fresh18/*.jsonl with the checks of tests/eval/frozen/check.py.

usage: python tests/eval/fresh18/check.py [-v]

The same checks as the frozen part (schema, facts within +-3 lines of their plan line, none cases, styles,
no near copies, plan shares, every kind used), with this folder's settings: ids ae###; a mixed slice like the
frozen part in miniature: chat >= 30 (>= 12 `notone`), near_miss >= 20 (>= 1/3 without tone marks),
today >= 15 (>= 6 distinct dates), conversations >= 15 (>= 9 context_needed true, >= 5 false), plain >= 15.
Near copies are also checked against the earlier tests/eval/fresh<N>/ and, hidden, the frozen test part.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("frozen_check", os.path.join(HERE, "..", "frozen", "check.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

CONFIG = base.fresh_config(
    HERE, "ae",
    files={"chat.jsonl": 30, "near_miss.jsonl": 20, "today.jsonl": 15, "conversations.jsonl": 15, "plain.jsonl": 15},
    min_dates=6, min_ctx={True: 9, False: 5}, min_chat_notone=12,
    shorthand={"bn", "z", "ko", "trc", "vậy", "ạ", "bc", "sx"},
    abbrev={"đn", "dn", "hg", "nb", "pa", "xp", "kh&cn", "khcn", "kh", "cntt", "cnscđ", "cds", "đmst", "dmst", "htx", "ocop",
            "lgsp", "khkt", "sp", "tu", "bch", "soc", "nq", "gd&đt", "dnnvv", "kd", "cbccvc", "nn&mt", "ictt", "ict", "vh-xh",
            "pvhcc", "ubnd", "cđs", "da"},
    english={"target", "cloud", "digital", "twin", "kpi", "local", "file", "slide", "startup"})

if __name__ == "__main__":
    sys.exit(base.main(CONFIG))
