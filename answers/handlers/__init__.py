"""One small handler per asked attribute: (Ctx) -> Answer | None. None means "not mine, try the next"."""
from __future__ import annotations

from dataclasses import dataclass

from answers.compose import Composer
from answers.library import Snapshot
from answers.query import Query, UnitRef


@dataclass
class Ctx:
    snap: Snapshot
    q: Query
    scope: list[str]
    compose: Composer

    @property
    def units(self) -> list[UnitRef]:
        return [u for u in self.q.units if u.plan in self.scope]
