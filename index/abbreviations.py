"""Administrative abbreviations (UBND, TTHC, CĐS, ...): derived from plan texts, curated, and expanded in text."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from corpus.text import fold, read_pairs

DATA_DIR = Path(__file__).parent / "data"
CURATED_FILE = DATA_DIR / "abbreviations_curated.tsv"
DERIVED_FILE = DATA_DIR / "abbreviations.tsv"

_ABBR = re.compile(r"^[A-ZĐ][A-Za-zĐđ&\-]*[A-Za-zĐđ]$")
_PAREN = re.compile(r"\(\s*([^()\n]{1,60}?)\s*\)")
_WORD = re.compile(r"[^\W_]+")
# A Vietnamese syllable (folded): such a string is a word too, so it only matches as written ("AI" vs "ai").
_SYLLABLE = re.compile(r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]+(ng|nh|ch|[cmnpt])?$")


def _letters(abbr: str) -> str:
    """'KH&CN' -> 'khvcn': the initials an expansion must spell ('&' reads 'và')."""
    return re.sub(r"[^a-z]", "", fold(abbr.replace("&", "v")))


def _initials(words: Iterable[str]) -> str:
    return "".join(fold(w)[0] for w in words)


def _is_abbreviation(token: str) -> bool:
    return bool(_ABBR.match(token)) and sum(c.isupper() for c in token) >= 2


def derive_abbreviations(texts: Iterable[str]) -> dict[str, str]:
    """Abbreviations a text defines: 'cơ sở dữ liệu (CSDL)', 'Trung tâm Phục vụ hành chính công (Trung tâm PVHCC)'.

    The expansion is the run of words right before the parenthesis whose initials spell the abbreviation
    (or, for 'ABBR (words)', the words inside); definitions whose letters do not line up are ignored.
    """
    found: dict[str, str] = {}
    for text in texts:
        for m in _PAREN.finditer(text):
            inside = m.group(1).split()
            before = _WORD.findall(text[max(0, m.start() - 200):m.start()])
            abbr = inside[-1].strip(".,;:")
            if _is_abbreviation(abbr):
                n = len(_letters(abbr))
                window = before[-n:]
                if len(window) == n and _initials(window) == _letters(abbr):
                    found.setdefault(abbr, " ".join(window))
                continue
            if before and _is_abbreviation(before[-1]) and len(inside) >= 2:
                words = _WORD.findall(m.group(1))
                if _initials(words) == _letters(before[-1]):
                    found.setdefault(before[-1], " ".join(words))
    return found


def read_tsv(path: Path) -> dict[str, str]:
    return dict(read_pairs(path))


def write_tsv(path: Path, table: Mapping[str, str], header: str) -> None:
    lines = [f"# {header}"] + [f"{a}\t{e}" for a, e in sorted(table.items(), key=lambda kv: fold(kv[0]))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Abbreviations:
    """Abbreviation -> expansion; expand() writes the expansion next to every abbreviation in a text."""
    table: Mapping[str, str]
    _pattern: re.Pattern | None = field(default=None, init=False, repr=False, compare=False)
    _lookup: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)
    expansions: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)   # distinct, sorted

    def __post_init__(self) -> None:
        object.__setattr__(self, "expansions", tuple(sorted(set(self.table.values()))))
        alternatives = {}
        for abbr, expansion in self.table.items():
            self._lookup[abbr] = expansion
            if len(_letters(abbr)) >= 3 and not _SYLLABLE.match(_letters(abbr)):
                folded = fold(abbr)
                alternatives[abbr] = f"(?i:{re.escape(abbr)})"
                alternatives.setdefault(folded, f"(?i:{re.escape(folded)})")
                self._lookup.setdefault(folded, expansion)
            else:
                alternatives[abbr] = re.escape(abbr)
        if alternatives:
            body = "|".join(alternatives[k] for k in sorted(alternatives, key=len, reverse=True))
            object.__setattr__(self, "_pattern", re.compile(rf"(?<![^\W_])(?:{body})(?![^\W_])"))

    def _expansion(self, word: str) -> str:
        """The expansion of an abbreviation as the pattern matched it (as written, or folded); "" if none."""
        return self._lookup.get(word) or self._lookup.get(fold(word), "")

    def expand(self, text: str) -> str:
        """'Sở KH&CN' -> 'Sở KH&CN (khoa học và công nghệ)'; unchanged when no abbreviation occurs."""
        if self._pattern is None:
            return text

        def repl(m: re.Match) -> str:
            word = m.group(0)
            expansion = self._expansion(word)
            return f"{word} ({expansion})" if expansion else word
        return self._pattern.sub(repl, text)

    def found(self, text: str) -> list[str]:
        """The expansions of the abbreviations the text uses, in order."""
        if self._pattern is None:
            return []
        return [e for m in self._pattern.finditer(text) if (e := self._expansion(m.group(0)))]

    def spell_out(self, text: str) -> str:
        """'Sở KH&CN' -> 'Sở khoa học và công nghệ': abbreviations replaced, not annotated."""
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self._expansion(m.group(0)) or m.group(0), text)

    def signature(self) -> str:
        return "\n".join(f"{a}\t{e}" for a, e in sorted(self.table.items()))


def load_abbreviations(texts: Iterable[str] = ()) -> Abbreviations:
    """The checked-in table (curated + corpus-derived), plus what the given texts define; curated wins."""
    table: dict[str, str] = {}
    for source in (derive_abbreviations(texts), read_tsv(DERIVED_FILE) if DERIVED_FILE.exists() else {},
                   read_tsv(CURATED_FILE)):
        table.update(source)
    return Abbreviations(table)


def main(argv: list[str] | None = None) -> int:
    """Regenerate data/abbreviations.tsv from the plan files: python -m index.abbreviations corpus/plans/*.txt"""
    import sys
    from corpus.text import nfc
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])]
    derived = derive_abbreviations(nfc(p.read_text(encoding="utf-8")) for p in paths)
    table = {**derived, **read_tsv(CURATED_FILE)}
    write_tsv(DERIVED_FILE, table, f"Generated by python -m index.abbreviations from {len(paths)} plan files "
              f"({len(derived)} derived) plus abbreviations_curated.tsv; edit the curated file, not this one.")
    print(f"{len(derived)} derived, {len(table)} total -> {DERIVED_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
