"""A plan file read into numbered lines (the unit every parser and citation works on)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


def file_sha256(path: Path) -> str:
    """A plan file's identity (store rebuilds, OCR cache keys)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class UnreadablePlan(Exception):
    """A plan file that cannot be read; str(exc) is a one-line Vietnamese reason."""


@dataclass(frozen=True)
class TextDocument:
    lines: tuple[str, ...]              # NFC text lines; citation line N is lines[N-1]
    pages: tuple[int, ...] | None = None  # page of each line (same length as lines) for .docx/.pdf
    kind: str = "text"                  # text | docx | pdf

    def page_of(self, line_no: int) -> int | None:
        if self.pages is None or not 1 <= line_no <= len(self.pages):
            return None
        return self.pages[line_no - 1]
