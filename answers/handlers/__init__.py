"""One small handler per asked attribute: (Ctx) -> Answer | None. None means "not mine, try the next"."""
from __future__ import annotations

from dataclasses import dataclass

from answers.compose import Composer
from answers.library import Snapshot
from answers.query import Query, UnitRef
from answers.rank import units_in


@dataclass
class Ctx:
    snap: Snapshot
    q: Query
    scope: list[str]
    compose: Composer

    @property
    def units(self) -> list[UnitRef]:
        # a unit named in part ("trung tâm dữ liệu" ~ "Trung tâm PVHCC") counts only in a plan of the level the
        # question says ("Tỉnh trông đợi …" is not a commune's Trung tâm)
        levels = self.q.levels
        return [u for u in units_in(self.q, self.scope)
                if u.score >= 1 or not levels or self.snap.plans[u.plan].parsed.plan.level in levels]
