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
        return units_in(self.q, self.scope)
