"""The table group a question names: by its numeral ("nhóm IV") or by its words ("nhóm phát triển nguồn lực")."""
from __future__ import annotations

import re

from index.text import terms

from answers.handlers import Ctx
from answers.records import Record


def group_number(group: str) -> str | None:
    m = re.match(r"^\s*([IVX]+|\d+(?:\.\d+)*)[.\-)]", group)
    return m.group(1).lower() if m else None


def specific_topic(ctx: Ctx) -> list[str]:
    """Topic terms that name a subject (read by answers.query: Query.subject)."""
    return list(ctx.q.subject)


def pick(ctx: Ctx, recs: list[Record]) -> tuple[str | None, list[Record]]:
    """(group name or None, records): the named group, else the records about the topic, else all."""
    groups: dict[str, list[Record]] = {}
    for r in recs:
        groups.setdefault(getattr(r.obj, "group", "") or "", []).append(r)
    if ctx.q.group_ref:
        g = next((g for g in groups if group_number(g) == ctx.q.group_ref), None)
        if g is not None:
            return g, groups[g]
    topic = [t for t in specific_topic(ctx) if t in ctx.snap.idf]   # words no plan has cannot name a group
    if not topic:
        return None, recs
    pairs = {t for t in topic if "_" in t}

    def fit(g: str) -> float:
        name = frozenset(terms(re.sub(r"^[\dIVX.\s\-)]+", "", g)))
        # one shared syllable is chance ("nơi nhận" is not "nhân lực"): a two-word term must match too
        return ctx.snap.coverage(topic, name) if not pairs or pairs & name else 0.0
    scored = sorted(((fit(g), g) for g in groups if g), key=lambda x: -x[0])
    if scored and scored[0][0] >= 0.5:
        return scored[0][1], groups[scored[0][1]]
    about = [r for r in recs if ctx.snap.coverage(topic, r.terms) >= 0.5]
    return None, about
