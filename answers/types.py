"""Typed answers shared by the CLI and the bots."""
from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("owner", "deadline", "target", "duties", "list", "passage", "none", "error")


@dataclass(frozen=True)
class Source:
    plan: str          # plan name, e.g. "Kế hoạch xã Nha Bích"
    locality: str      # "Nha Bích"
    file: str          # file name in the plans folder
    section: str       # heading path
    lines: tuple[int, int]
    snippet: str
    page: int | None = None   # for .docx/.pdf plans

    def citation(self) -> str:
        """'Kế hoạch xã Nha Bích, Phụ lục II, dòng 257–257' (or 'trang N')."""
        where = f"trang {self.page}" if self.page else (
            f"dòng {self.lines[0]}" if self.lines[0] == self.lines[1]
            else f"dòng {self.lines[0]}–{self.lines[1]}")
        return f"{self.plan}, {self.section}, {where}"


@dataclass(frozen=True)
class Answer:
    question: str
    kind: str
    text: str
    sources: tuple[Source, ...] = field(default=())
    context: "ChatContext | None" = None    # what a follow-up question in the same chat is read against
    read_as: str = ""                       # the question as read after normalization, when it was changed
    changes: tuple = ()                     # answers.normalize.Change: what was repaired in the question
    evidence: dict | None = None            # why it answered or abstained (phrases matched/missing, score)

    def to_json(self, elapsed_ms: float | None = None) -> dict:
        out = {
            "question": self.question,
            "answer": self.text,
            "kind": self.kind,
            "sources": [
                {"plan": s.plan, "locality": s.locality, "file": s.file,
                 "section": s.section, "lines": [s.lines[0], s.lines[1]],
                 "snippet": s.snippet, **({"page": s.page} if s.page else {})}
                for s in self.sources
            ],
        }
        if self.changes:
            out["normalized"] = {"text": self.read_as, "changes": [c.to_json() for c in self.changes]}
        if self.evidence is not None:
            out["evidence"] = self.evidence
        if elapsed_ms is not None:
            out["elapsed_ms"] = round(elapsed_ms, 1)
        return out


@dataclass(frozen=True)
class PlanInfo:
    slug: str
    name: str          # "Kế hoạch xã Nha Bích"
    locality: str
    file: str


@dataclass(frozen=True)
class DueTask:
    """A task of a unit with a concrete due date, for deadline reminders."""
    plan: str
    unit: str
    task: str
    deadline_text: str
    due: str           # ISO date
    source: Source


@dataclass(frozen=True)
class IngestReport:
    plan: str | None
    file: str
    ok: bool
    tasks: int = 0
    targets: int = 0
    duties: int = 0
    passages: int = 0
    message: str = ""


@dataclass(frozen=True)
class IndexInfo:
    plans: int
    records: int
    dense: bool        # the embedding model is in use (else keyword search only)


CONTEXT_IDLE_SECONDS = 30 * 60
# how many of the records an answer cited a follow-up with no word of its own is about
FOCUS_RECORDS = 3


@dataclass(frozen=True)
class ChatContext:
    """What a chat's last answer was about, so that "Hạn khi nào?" or "Còn Phước An thì sao?" can be read
    against it. Plain data: the transports store it (JSON) per chat."""
    question: str                                  # the last question that stood on its own
    plans: tuple[str, ...] = ()                    # plan slugs the last answer came from
    units: tuple[tuple[str, str, float], ...] = () # (plan, unit, score) the last question named
    # (plan slug, first line) of every record the answer cited, in its order ("cái thứ hai" points at one)
    items: tuple[tuple[str, int], ...] = ()
    label: str = ""                                # "Kế hoạch xã Nha Bích; nhiệm vụ “Số hóa …”"
    at: float = field(default=0.0, compare=False)  # unix time of the answer (not part of what it means)

    @property
    def focus(self) -> tuple[tuple[str, int], ...]:
        """The records a follow-up with no word of its own is about ("Hạn khi nào?"): the first ones cited."""
        return self.items[:FOCUS_RECORDS]

    def expired(self, now: float) -> bool:
        return now - self.at > CONTEXT_IDLE_SECONDS

    def to_json(self) -> str:
        import json
        return json.dumps({"question": self.question, "plans": list(self.plans), "units": [list(u) for u in self.units],
                           "items": [list(i) for i in self.items], "label": self.label, "at": self.at},
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "ChatContext | None":
        import json
        try:
            d = json.loads(text)
            # a context stored before "items" kept the first records only, as "focus"
            return cls(d["question"], tuple(d.get("plans", ())), tuple(tuple(u) for u in d.get("units", ())),
                       tuple(tuple(i) for i in d.get("items", d.get("focus", ()))), d.get("label", ""),
                       float(d.get("at", 0)))
        except (ValueError, KeyError, TypeError):
            return None
