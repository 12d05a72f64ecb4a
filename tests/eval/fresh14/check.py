#!/usr/bin/env python3
"""Validate the fresh slice tests/eval/fresh14/*.jsonl with the checks of tests/eval/frozen/check.py.

usage: python tests/eval/fresh14/check.py [-v]

The same checks as the frozen part (schema, facts within +-3 lines of their plan line, none cases, styles,
no near copies, plan shares, every kind used), with this folder's settings: ids o###; sizes chat >= 50
(>= 20 `notone`), near_miss >= 40 (>= 1/3 without tone marks, >= 1/2 chat-style), plain >= 30.
No today or conversations file. Near copies are also checked against tests/eval/fresh2/ .. fresh13/ and,
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
    HERE, "o",
    files={"chat.jsonl": 50, "near_miss.jsonl": 40, "plain.jsonl": 30},
    min_chat_notone=20, min_near_miss_styled=0.5,
    shorthand={"z", "ko", "k", "v", "trc", "dc", "đc", "bn", "j", "vs", "r", "ng", "p", "vay", "vậy", "ạ",
               "ntn", "kp", "lm", "cx", "mn"},
    abbrev={"đn", "dn", "nb", "hg", "p.hg", "pa", "xp", "kh&cn", "khcn", "cđs", "cds", "vh-xh", "tthc", "pvhcc",
            "lgsp", "csdl", "httt", "htx", "ocop", "khkt", "cns", "gd&đt", "kh", "kd", "sx", "nc", "kt",
            "ubnd", "dti", "qh", "bcđ", "cnscd", "bch", "dmst", "dnnvv", "nq57", "p.vh-xh", "dvth", "ubmttq", "cnscđ", "pci", "papi", "kp", "grdp", "tw", "đmst", "soc"},
    english={"deadline", "target", "kpi", "link", "cloud", "online", "hotline", "email", "drone", "download", "slide", "web", "laptop", "file"})

if __name__ == "__main__":
    sys.exit(base.main(CONFIG))
