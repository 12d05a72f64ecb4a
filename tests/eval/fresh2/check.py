#!/usr/bin/env python3
"""Validate the fresh tuning slice tests/eval/fresh2/*.jsonl with the checks of tests/eval/frozen/check.py.

usage: python tests/eval/fresh2/check.py [-v]

The same checks as the frozen part (schema, facts within +-3 lines of their plan line, none cases, styles,
no near copies, plan shares, every kind used), with this folder's settings: ids s###; sizes chat >= 55
(>= 20 `notone`), plain >= 25, near_miss >= 30 (>= 1/3 without tone marks, >= 1/2 typed chat-style),
conversations >= 10 with both values of context_needed; near copies are also checked against the frozen
test part, whose questions are never shown (only the id of the question here that is too close).
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("frozen_check", os.path.join(HERE, "..", "frozen", "check.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

CONFIG = base.Config(
    folder=HERE, name="fresh2", id_pattern=r"s\d{3}",
    files={"chat.jsonl": 55, "plain.jsonl": 25, "near_miss.jsonl": 30, "conversations.jsonl": 10},
    min_ctx={True: 1, False: 1}, min_chat_notone=20, min_near_miss_styled=0.5,
    shorthand=base.SHORTHAND | {"dk", "v", "hem", "tk", "ntn?", "hong", "xài", "15t", "p", "cq", "dv", "gd"},
    abbrev=base.ABBREV | {"ca", "cnsc", "cnscđ", "cntt", "mttq", "ub", "vn", "tmđt", "p.kt", "ioc", "sđt", "tt",
                          "dvvt", "r&d", "ktht&đt", "ubmttq", "vhttdl", "qh"},
    english=base.ENGLISH | {"smartphone", "km", "startup"})

if __name__ == "__main__":
    sys.exit(base.main(CONFIG))
