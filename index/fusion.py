"""Reciprocal-rank fusion of ranked lists (Cormack et al. 2009), as a pure function."""
from __future__ import annotations

from typing import Hashable, Sequence, TypeVar

T = TypeVar("T", bound=Hashable)


def reciprocal_rank_fusion(rankings: Sequence[Sequence[T]], k: float = 60,
                           weights: Sequence[float] | None = None) -> list[tuple[T, float]]:
    """Items by sum of weight / (k + rank) over the lists that hold them (rank from 1), best first.

    Ties keep the order of first appearance (list by list), so the result is deterministic.
    """
    weights = weights or [1.0] * len(rankings)
    scores: dict[T, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    order = {item: i for i, item in enumerate(scores)}
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))
