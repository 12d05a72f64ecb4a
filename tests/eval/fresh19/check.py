#!/usr/bin/env python3
"""Validate the fresh slice tests/eval/fresh19/*.jsonl with the checks of tests/eval/frozen/check.py.

usage: python tests/eval/fresh19/check.py [-v]

The same checks as the frozen part (schema, facts within +-3 lines of their plan line, none cases, styles,
no near copies, plan shares, every kind used), with this folder's settings: ids af###; sizes near_miss >= 35
(>= 1/3 without tone marks), plain >= 30, chat >= 15 (>= 6 `notone`). No today or conversations file.
Near copies are also checked against tests/eval/fresh2/ .. fresh18/ and, hidden, the frozen test part.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("frozen_check", os.path.join(HERE, "..", "frozen", "check.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

CONFIG = base.fresh_config(
    HERE, "af",
    files={"near_miss.jsonl": 35, "plain.jsonl": 30, "chat.jsonl": 15},
    min_chat_notone=6,
    shorthand={"bn", "ko", "j", "z", "vs", "ạ", "ng", "đc", "dc", "ak", "hả"},
    abbrev={"dn", "đn", "nb", "hg", "p.hg", "pa", "xp", "khcn", "kh&cn", "đmst", "dmst", "cđs", "cds", "tthc",
            "vneid", "pvhcc", "ubnd", "nckh", "gd&đt", "vh-xh", "vhxh", "soc", "lgsp"},
    english={"target", "deadline", "online", "kpi", "digital", "twin", "wifi"})

if __name__ == "__main__":
    sys.exit(base.main(CONFIG))
