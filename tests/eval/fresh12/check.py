#!/usr/bin/env python3
"""Validate the fresh slice tests/eval/fresh12/*.jsonl with the checks of tests/eval/frozen/check.py.

usage: python tests/eval/fresh12/check.py [-v]

The same checks as the frozen part (schema, facts within +-3 lines of their plan line, none cases, styles,
no near copies, plan shares, every kind used), with this folder's settings: ids d###; sizes chat >= 60
(>= 20 `notone`), plain >= 40, near_miss >= 36 (>= 1/3 without tone marks, >= 1/2 chat-style).
No today or conversations file. Near copies are also checked against tests/eval/fresh2/ .. fresh11/ and,
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
    HERE, "d",
    files={"chat.jsonl": 60, "plain.jsonl": 40, "near_miss.jsonl": 36},
    min_chat_notone=20, min_near_miss_styled=0.5,
    shorthand={"z", "ko", "k", "v", "trc", "dc", "đc", "bn", "j", "vs", "r", "mn", "ad", "nv", "hem",
               "nha", "nhé", "vậy", "ạ", "ntn", "ak", "hok", "kg", "h", "dzay", "vay"},
    abbrev={"đn", "dn", "nb", "hg", "pa", "xp", "ca", "kh&cn", "khcn", "cđs", "cds", "vh-xh", "vhxh", "tthc",
            "pvhcc", "lgsp", "csdl", "httt", "attt", "ns", "grdp", "dnnvv", "gd&đt", "gdđt", "btv", "tu",
            "kcns", "ubnd", "đu", "du", "vp", "tw", "htx", "ocop", "nckh", "cnscđ", "cnscd", "ktht&đt"},
    english={"deadline", "target", "kpi", "link", "cloud", "online", "ok", "check", "list", "plan", "boss",
             "open", "data", "startup", "paper", "owner", "team", "report", "file", "update"})

if __name__ == "__main__":
    sys.exit(base.main(CONFIG))
