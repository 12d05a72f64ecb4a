#!/usr/bin/env python3
"""Validate the fresh tuning slice tests/eval/fresh4/*.jsonl with the checks of tests/eval/frozen/check.py.

usage: python tests/eval/fresh4/check.py [-v]

The same checks as the frozen part (schema, facts within +-3 lines of their plan line, none cases, styles,
no near copies, plan shares, every kind used), with this folder's settings: ids v###; sizes chat >= 75
(>= 25 `notone`), plain >= 50, near_miss >= 35 (>= 1/3 without tone marks, >= 1/2 typed chat-style);
near copies are also checked against tests/eval/fresh2/, tests/eval/fresh3/, tests/eval/fresh5/ (when it
exists) and, hidden, the frozen test part, whose questions are never shown (only the id of the question
here that is too close).
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("frozen_check", os.path.join(HERE, "..", "frozen", "check.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

_EVAL = os.path.abspath(os.path.join(HERE, ".."))
OTHERS = tuple(os.path.join(_EVAL, d) for d in ("fresh2", "fresh3", "fresh5") if os.path.isdir(os.path.join(_EVAL, d)))

CONFIG = base.Config(
    folder=HERE, name="fresh4", id_pattern=r"v\d{3}",
    files={"chat.jsonl": 75, "plain.jsonl": 50, "near_miss.jsonl": 35},
    min_chat_notone=25, min_near_miss_styled=0.5,
    others=OTHERS,
    shorthand=base.SHORTHAND | {"dk", "v", "hem", "tk", "hong", "xài", "p", "cq", "dv", "gd", "e", "ad", "thui",
                                "hông", "ntn?", "j?", "k?", "ko?", "hk", "zậy", "dc?", "đc?", "vay", "nhe?", "ak?"},
    abbrev=base.ABBREV | {"ca", "cntt", "mttq", "ub", "vn", "tmđt", "p.kt", "ioc", "sđt", "tt", "ubmttq", "đa",
                          "p.vh-xh", "vp.hđnd-ubnd", "dvc", "bc", "hs", "qđ", "kh-ubnd", "cq", "cb", "dncn", "pcs"},
    english=base.ENGLISH | {"smartphone", "km", "startup", "kpi", "owner", "data", "deadline", "plan", "task", "list",
                            "sign", "ai", "internet", "hub", "coop", "office", "update", "check", "focus", "report"})

if __name__ == "__main__":
    sys.exit(base.main(CONFIG))
