"""Clean a question typed on a phone before it is read: chat shorthand, Telex/VNI leftovers, one-edit typos,
lost tone marks and place initials, each repaired against what the loaded plans actually write.

Every repair is recorded (`Change`), so `ask --json` can show what was read instead of what was typed.
Nothing here knows a question: the shorthand list is general chat usage (data file), the vocabulary and the
place initials come from the loaded plans, and a word the plans use is never changed.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from corpus.text import fold, nfc, read_pairs

SHORTHAND_FILE = Path(__file__).parent / "data" / "chat_shorthand.tsv"

# A folded Vietnamese syllable: initial consonant, vowel group, final consonant. A token that is not one
# cannot be a word the speaker meant as typed (a Telex key left in, a slipped letter, English).
_SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnprstvx])?"
    r"(?:oai|oay|oao|oeo|uay|uoi|uou|uya|uye|uyu|yeu|ieu|uoc|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|"
    r"uu|uy|ye|a|e|i|o|u|y)"
    r"(?:ch|ng|nh|[cmnpt])?$")
_TONE_MARKS = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_VNI_TONES = {"1": "\u0301", "2": "\u0300", "3": "\u0309", "4": "\u0303", "5": "\u0323"}
_TONES = frozenset(_TONE_MARKS.values())
_TELEX_VOWELS = (("uow", "ươ"), ("aa", "â"), ("aw", "ă"), ("ee", "ê"), ("oo", "ô"), ("ow", "ơ"), ("uw", "ư"),
                 ("dd", "đ"))
_VOWELS = set("aăâeêioôơuưy")
_WORD = re.compile(r"[^\W\d_]+|\d+|[^\w\s]|_|\s+")
# Level words and their short forms before a place name or its initials: "P.HG", "X. Phước An", "tỉnh ĐN".
_LEVEL = {"tỉnh": "tỉnh", "t": "tỉnh", "xã": "xã", "x": "xã", "phường": "phường", "p": "phường", "tp": "thành phố",
          "thành phố": "thành phố", "huyện": "huyện", "h": "huyện"}
_LEVEL_PREFIX = re.compile(r"(?<![^\W_])(?:(tỉnh|xã|phường|huyện|thành phố)\s+|(TP|Tp|tp|[TXPHtxph])\s*\.\s*"
                           # "p HG", "x Phước An": a lower-case level letter and a space before initials or a name
                           r"|([pxt])\s+(?=[A-ZĐ]{2}|[A-ZĐÀ-Ỹ][a-zà-ỹ]+\s+[A-ZĐÀ-Ỹ]))"
                           r"(?=[A-ZĐÀ-Ỹ])")
# Typo repair reads a word of at least this many letters (shorter ones are too easily another word).
TYPO_MIN_LETTERS = 3
# A toneless syllable in a toned question is given the plan's spelling when the plans write that spelling
# after the (toned) word before it at least this often and never pair the toneless one with a neighbour.
TONE_PAIR_MIN = 1
# A question is read as typed with tone marks when at least this share of its syllables carry them
# (among syllables the plans write with marks); below it a few stray marks are dropped instead.
TONED_SHARE = 0.5
# Question words written without tone marks in correct spelling ("bao nhiêu", "vì sao", "ai", "khi nào"):
# never given a mark the plans' pairs suggest ("bảo", "sáo").
_TONELESS_QUESTION_WORDS = frozenset("bao sao ai khi".split())
# An initialism the plans do not define ("HTTT", "KHKT", "CBCCVC") is read as the run of syllables whose
# initials spell it and whose adjacent pairs the plans write: the best run must be expected at least
# ACRONYM_MIN_COUNT times in the plans and ACRONYM_DOMINANCE times as often as the next best reading.
ACRONYM_MIN_COUNT = 3
ACRONYM_DOMINANCE = 2.0
# ... or be the only reading the plans' pairs allow, expected at least this often
ACRONYM_ONLY_READING = 0.5
# "15t" is an age inside an age bound: after "từ/trên/dưới/đủ", or before "+", "trở lên", "trở xuống"
_AGE_BEFORE = re.compile(r"(?P<pre>(?<![^\W_])(?:từ|tu|trên|tren|dưới|duoi|đủ|du)\s+)(?P<n>\d{1,3})\s*t(?![^\W_])",
                         re.IGNORECASE)
_AGE_AFTER = re.compile(r"(?<![\d.,])(?P<n>\d{1,3})\s*t(?=\s*\+|\s+(?:trở|tro)\s+(?:lên|len|xuống|xuong))",
                        re.IGNORECASE)
_ACRONYM = re.compile(r"(?<![^\W_])([A-ZĐ]{3,6})(?![^\W_])")   # two letters ("VP", "TP") read too many ways
# ... unless the next word tells which ("KH chi tiết"): two capitals and the word after them
_PAIR_CODE = re.compile(r"(?<!\S)([A-ZĐ]{2})\s+([^\W\d_]+)")
# the one reading of two capitals must stand before that next word at least this often in the plans
TWO_LETTER_MIN_COUNT = 2


@dataclass(frozen=True)
class Change:
    before: str
    after: str
    why: str        # shorthand | telex | vni | typo | tone | place | accents

    def to_json(self) -> dict:
        return {"from": self.before, "to": self.after, "why": self.why}


@dataclass(frozen=True)
class Normalized:
    text: str
    changes: tuple[Change, ...] = ()


def load_shorthand(path: Path = SHORTHAND_FILE) -> dict[str, str]:
    return {nfc(short).lower(): full for short, full in read_pairs(path)}


def initials(name: str) -> str:
    """'Hàng Gòn' -> 'HG', 'Đồng Nai' -> 'ĐN'."""
    return "".join(w[0].upper() for w in name.split() if w[0].isalpha())


def _tone_of(syllable: str) -> str:
    return next((c for c in unicodedata.normalize("NFD", syllable) if c in _TONES), "")


def _untoned(syllable: str) -> str:
    """Vowel marks kept, tone mark dropped: 'thời' -> 'thơi'."""
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", syllable) if c not in _TONES))


def is_syllable(token: str) -> bool:
    return bool(_SYLLABLE.match(fold(token)))


def decode_telex(token: str) -> tuple[str, str] | None:
    """'thowif' -> ('thơi', grave); 'nhiejm' -> ('nhiem', dot below). None when no Telex key is in it.
    Tone keys count only after the first vowel ('sáng' starts with s, no final consonant is s/f/r/x/j)."""
    t = token.lower()
    # "đatj": a phone keyboard that made the "đ" and left the tone key typed last
    if not t.replace("đ", "d").isascii() or not t.isalpha():
        return None
    first_vowel = next((i for i, c in enumerate(t) if c in "aeiouy"), None)
    if first_vowel is None:
        return None
    head, tail = t[:first_vowel], t[first_vowel:]
    tone = ""
    kept = []
    for c in tail:
        if c in _TONE_MARKS and not tone:
            tone = _TONE_MARKS[c]
        else:
            kept.append(c)
    body = head.replace("dd", "đ") + "".join(kept)
    for key, letter in _TELEX_VOWELS:
        body = body.replace(key, letter)
    body = re.sub(r"(?<=[^\Wưươ])w|^w", "ư", body) if "w" in body else body
    if body == t and not tone:
        return None
    return body, tone


# Vowel groups whose tone mark goes on their first vowel when no consonant ends the syllable ("nào", "của",
# "mùa"); otherwise the mark goes on the marked vowel (ơ, ê, â, …) or the last vowel of the group ("hoàn").
_MARK_FIRST = frozenset("ai ao au ay eo eu ia iu oi ua ui uu ưa ưi ưu".split())


def compose(body: str, tone: str) -> str | None:
    """A syllable written by the orthography's rules from its letters and tone ('nao' + grave -> 'nào'), or
    None when the letters are no Vietnamese syllable. For a decoded Telex word the plans never write."""
    if not _SYLLABLE.match(fold(body)):
        return None
    onset = re.match(r"^(?:qu|gi(?=[aeiouyăâêôơư])|[^aăâeêioôơuưy]*)", body).group(0)
    rest = body[len(onset):]
    group = re.match(r"[aăâeêioôơuưy]+", rest)
    if not group:
        return None
    vowels, final = group.group(0), rest[group.end():]
    marked = [i for i, c in enumerate(vowels) if c in "ăâêôơư"]
    if marked:
        at = marked[-1]                 # "người", "tuấn": the (last) marked vowel
    elif not final and (vowels in _MARK_FIRST or len(vowels) == 3):
        at = len(vowels) - 2 if len(vowels) == 3 else 0      # "ngoài": the middle one of three
    else:
        at = len(vowels) - 1            # "hoàn", "toán", "quý"
    word = onset + vowels[:at] + unicodedata.normalize("NFC", vowels[at] + tone) + vowels[at + 1:] + final
    return unicodedata.normalize("NFC", word)


def decode_vni(token: str) -> tuple[str, str] | None:
    """'chu3' -> ('chu', hook above); 'đươ5c' style digits: 6 circumflex, 7 horn, 8 breve, 9 đ."""
    t = token.lower()
    if not re.fullmatch(r"[a-zđ]+[1-9][a-z1-9]*", t) or not re.search(r"[aeiouy]", t):
        return None
    tone, out = "", ""
    for c in t:
        if c in _VNI_TONES:
            tone = _VNI_TONES[c]
        elif c == "6" and out and out[-1] in "aeo":
            out = out[:-1] + {"a": "â", "e": "ê", "o": "ô"}[out[-1]]
        elif c == "7" and out and out[-1] in "ou":
            out = out[:-1] + {"o": "ơ", "u": "ư"}[out[-1]]
        elif c == "8" and out and out[-1] == "a":
            out = out[:-1] + "ă"
        elif c == "9" and out and out[-1] == "d":
            out = out[:-1] + "đ"
        elif c.isdigit():
            return None
        else:
            out += c
    return out, tone


_GLUED = re.compile(r"\b([A-Za-zĐđ]{2,4})(\d{2,4})\b")

def _unmarked(token: str) -> str:
    """The token without its marks, its capitals kept ("Bình" -> "Binh"): a name stays a name."""
    bare = fold(token)
    if len(bare) != len(token):
        return bare
    return "".join(b.upper() if c.isupper() else b for c, b in zip(token, bare))


class Normalizer:
    """Built once per set of loaded plans: their syllables (as written, with counts), adjacent pairs, places."""

    def __init__(self, forms: dict[str, tuple[tuple[str, int], ...]], pairs: dict[tuple[str, str], int],
                 places: list[tuple[str, str]], abbreviations=None, shorthand: dict[str, str] | None = None,
                 said=None):
        self.forms = forms                  # folded syllable -> ((as written, count), ...), most common first
        self.pairs = pairs                  # (syllable, next syllable) as written -> count
        self.abbreviations = set(getattr(abbreviations, "table", {}) or {})
        self.folded_abbreviations = {fold(a) for a in self.abbreviations}
        self.shorthand = load_shorthand() if shorthand is None else shorthand
        self._keys = list(forms)
        by_initials: dict[str, set[tuple[str, str]]] = {}
        for locality, level in places:
            if len(locality.split()) >= 2:
                by_initials.setdefault(initials(locality), set()).add((locality, level))
        # initials two places share name neither
        self.initials = {k: next(iter(v)) for k, v in by_initials.items() if len(v) == 1}
        self.localities = {locality for locality, _ in places}
        self._next: dict[str, list[tuple[str, int]]] | None = None     # syllable -> (next syllable, count)
        self._count: dict[str, int] = {}                                # syllable as written -> count
        self._said = said       # () -> every plan text as folded words, one space apart (None: not checked)

    # ------------------------------------------------------------------ public
    @cached_property
    def folded_pairs(self) -> dict[tuple[str, str], int]:
        """(folded syllable, folded next syllable) -> how often the plans write them, all spellings together."""
        counts: dict[tuple[str, str], int] = {}
        for (a, b), n in self.pairs.items():
            key = (fold(a), fold(b))
            counts[key] = counts.get(key, 0) + n
        return counts

    def normalize(self, text: str) -> Normalized:
        changes: list[Change] = []
        text = self._places(text, changes)
        text = self._acronyms(text, changes)
        text = self._ages(text, changes)
        text = self._glued(text, changes)
        tokens = _WORD.findall(text)
        idx = [i for i, t in enumerate(tokens) if t[0].isalpha()]
        for i in idx:
            fixed = self._word(tokens, i, changes)
            if fixed is not None:
                tokens[i] = fixed
        text = "".join(tokens)
        inserted = {w for c in changes if c.why == "shorthand" for w in c.after.lower().split()}
        text = self._tones(text, changes, inserted)
        return Normalized(text, tuple(changes))

    # ------------------------------------------------------------------ places
    def _names_place(self, rest: str) -> bool:
        """The text starts with a loaded place's initials ("HG", "DN" for "ĐN") or its name."""
        m = re.match(r"([A-ZĐ]{2,4})(?![^\W_])", rest)
        if m:
            code = m.group(1)
            return code in self.initials or any(fold(k).upper() == code.upper() for k in self.initials)
        return any(fold(rest[:len(loc)]).lower() == fold(loc).lower() for loc in self.localities)

    def _places(self, text: str, changes: list[Change]) -> str:
        """'P.HG' -> 'phường Hàng Gòn', 'tỉnh ĐN' -> 'tỉnh Đồng Nai', 'X. Phước An' -> 'xã Phước An'."""
        def level_word(m: re.Match) -> str:
            word = (m.group(1) or m.group(2) or m.group(3)).lower()
            if (m.group(2) or m.group(3)) and not self._names_place(m.string[m.end():]):
                # a lone letter is a level only before a place: "p KT", "P.VHXH" are "phòng Kinh tế", "phòng VHXH"
                return "phòng " if word == "p" and re.match(r"[A-ZĐ]{2,}", m.string[m.end():]) else m.group(0)
            return _LEVEL[word] + " "
        out = _LEVEL_PREFIX.sub(level_word, text)
        if out != text:
            changes.append(Change(text, out, "place"))
            text = out

        def place(m: re.Match) -> str:
            level, code = m.group(1), m.group(2)
            hit = self.initials.get(code)
            if hit is None and level:
                # after a level word a plain D stands for Đ ('tỉnh DN')
                hit = next((v for k, v in self.initials.items() if fold(k).upper() == code.upper()), None)
            if hit is None:
                return m.group(0)
            # an initialism the plans define for something else needs a level word before it
            if not level and code in self.abbreviations:
                return m.group(0)
            if level and fold(level.strip().lower()) != fold(hit[1]):
                return m.group(0)
            after = f"{level or ''}{hit[0]}"
            changes.append(Change(m.group(0).strip(), after.strip(), "place"))
            return after
        text = re.sub(r"(?<![^\W_])((?i:tỉnh|tinh|xã|xa|phường|phuong|huyện|huyen|thành phố|thanh pho)\s+)?"
                      r"([A-ZĐ]{2,4})(?![^\W_])", place, text)

        def lower_place(m: re.Match) -> str:
            # "hg", "nb" typed in lower case: only a token that is no Vietnamese syllable, no word of the plans,
            # no chat shorthand and no abbreviation the plans define
            code = m.group(0)
            # after its level word ("xa pa", "xã pa"), even a syllable or a word the plans write ("Pa nô") is the place
            after_level = re.search(r"(?:^|\s)(?:xa|xã|phuong|phường|tinh|tỉnh)\s+$", m.string[:m.start()], re.IGNORECASE)
            if not after_level and (is_syllable(code) or self._known(code) or code in self.shorthand
                                    or fold(code) in self.folded_abbreviations):
                return code
            hit = self.initials.get(code.upper()) or self.initials.get(code.upper().replace("D", "Đ", 1))
            if hit is None:
                return code
            changes.append(Change(code, hit[0], "place"))
            return hit[0]
        return re.sub(r"(?<![^\W_])[a-zđ]{2,4}(?![^\W_])", lower_place, text)

    # ------------------------------------------------------------------ ages
    @staticmethod
    def _ages(text: str, changes: list[Change]) -> str:
        """'từ 15t trở lên', 'người lớn (15t+)': a figure with 't' in an age bound is an age ('15 tuổi')."""
        def age(m: re.Match) -> str:
            out = f"{m.group('n')} tuổi"
            changes.append(Change(m.group(0)[len(m.groupdict().get("pre") or ""):], out, "shorthand"))
            return out
        text = _AGE_BEFORE.sub(lambda m: m.group("pre") + age(m), text)
        return _AGE_AFTER.sub(age, text)

    # ------------------------------------------------------------------ initialisms
    def _acronyms(self, text: str, changes: list[Change]) -> str:
        """'HTTT' -> 'hệ thống thông tin' when the plans write that run often and no other run is close."""
        def spell(m: re.Match) -> str:
            code = m.group(1)
            if code in self.abbreviations or code in self.initials or self._known(code.lower()):
                return code
            found = self.spelled(code)
            if found is None:
                return code
            # inside a name ("Ban CHQS xã"): the name goes on, capitalized ("Ban Chỉ huy quân sự xã")
            before = re.findall(r"[\wÀ-ỹĐđ]+", text[:m.start()])
            if before and before[-1][0].isupper() and not before[-1].isupper():
                found = found[0].upper() + found[1:]
            changes.append(Change(code, found, "initials"))
            return found
        return _PAIR_CODE.sub(self._two_letters(changes), _ACRONYM.sub(spell, text))

    def _two_letters(self, changes: list[Change]):
        """'KH chi tiết' -> 'kế hoạch chi tiết': two capitals the plans do not define are read only beside the
        next word, as the one run of two syllables with those initials that the plans write before that word
        ("khoa học chi tiết" they never write)."""
        def spell(m: re.Match) -> str:
            code, nxt = m.group(1), fold(m.group(2).lower())
            # (the plans may write the letters themselves, in document numbers: "số 91/KH-UBND")
            if self._said is None or code in self.abbreviations or code in self.initials \
                    or code.lower() in self.shorthand:
                return m.group(0)
            a, b = fold(code.lower())
            found: dict[tuple[str, str], int] = {}
            for x, y in re.findall(rf"(?<= )({a}[a-z]*) ({b}[a-z]*) {re.escape(nxt)}(?= )", self._said()):
                found[(x, y)] = found.get((x, y), 0) + 1
            if len(found) != 1 or next(iter(found.values())) < TWO_LETTER_MIN_COUNT:
                return m.group(0)
            reading = " ".join(self.forms[w][0][0] if w in self.forms else w for w in next(iter(found)))
            changes.append(Change(code, reading, "initials"))
            return f"{reading}{m.group(0)[len(code):]}"
        return spell

    def spelled(self, code: str) -> str | None:
        """The plans' run of syllables whose initials spell `code`, or None. A run's weight is how often the
        plans' pair statistics expect it (count of its first syllable times the chance of each next one,
        a Markov estimate): "hệ thống thông tin" ~ 30, "học tập trung tâm" (pairs that meet across words) ~ 0.2."""
        if self._next is None:
            nxt: dict[str, list[tuple[str, int]]] = {}
            for (a, b), n in self.pairs.items():
                if a.isalpha() and b.isalpha():
                    nxt.setdefault(a, []).append((b, n))
            self._count = {f: n for forms in self.forms.values() for f, n in forms}
            self._next = nxt
        letters = list(fold(code.lower()))
        runs: list[tuple[float, list[str]]] = []

        def walk(run: list[str], weight: float) -> None:
            if weight < 0.5:
                return
            if len(run) == len(letters):
                runs.append((weight, run))
                return
            last = run[-1]
            for b, n in self._next.get(last, ()):
                if fold(b[0]) == letters[len(run)]:
                    walk(run + [b], weight * n / max(1, self._count.get(last, n)))
        for first, n in self._count.items():
            if first[0].isalpha() and fold(first[0]) == letters[0]:
                walk([first], float(n))
        if self._said is not None:
            # a reading the plans never write as one run is pairs met by chance ("BTS" is not "bàn tỉnh sở",
            # though "địa bàn tỉnh" and "tỉnh, Sở" are common)
            said = self._said()
            runs = [(w, run) for w, run in runs if f" {' '.join(fold(x) for x in run)} " in said]
        if not runs:
            return None
        runs.sort(key=lambda x: -x[0])
        best, second = runs[0][0], (runs[1][0] if len(runs) > 1 else 0.0)
        only = second == 0.0 and best >= ACRONYM_ONLY_READING     # the plans' only reading ("khoa học kỹ thuật")
        clear = best >= ACRONYM_MIN_COUNT and best >= ACRONYM_DOMINANCE * second
        return " ".join(runs[0][1]) if only or clear else None

    # ------------------------------------------------------------------ a document type glued to its number
    def _glued(self, text: str, changes: list[Change]) -> str:
        """'nq57' -> 'nq 57', 'KH433' -> 'KH 433': letters the plans write, glued to a number of two digits or
        more, typed as one word the plans do not have ("5G", "4.0" stay as they are)."""
        def split(m: re.Match) -> str:
            letters, number = m.group(1), m.group(2)
            if self._known(m.group(0).lower()) or not (self._known(letters.lower()) or letters.upper() in self.abbreviations):
                return m.group(0)
            return f"{letters} {number}"
        out = _GLUED.sub(split, text)
        if out != text:
            changes.append(Change(text, out, "shorthand"))
        return out

    # ------------------------------------------------------------------ one word
    def _known(self, word: str) -> bool:
        return fold(word) in self.forms

    def _word(self, tokens: list[str], i: int, changes: list[Change]) -> str | None:
        tok = tokens[i]
        low = tok.lower()
        if tok in self.abbreviations or tok in self.localities:
            return None
        if tok.isupper() and len(tok) > 1 and (low not in self.shorthand or len(tok) > 3):
            return None     # an initialism; a short one in capitals may still be chat shorthand ("sổ SK")
        if low in self.shorthand and not self._known(low) and (len(low) > 1 or tok.islower()):
            full = self.shorthand[low]
            changes.append(Change(tok, full, "shorthand"))
            return full
        if self._known(low) and is_syllable(low):
            return None
        prev_, next_ = self._neighbour(tokens, i, -1), self._neighbour(tokens, i, 1)
        for decode, why in ((decode_telex, "telex"), (decode_vni, "vni")):
            decoded = decode(tok)
            if decoded is None:
                continue
            best = self._spelling(decoded[0], decoded[1], prev_, next_)
            if not best and why == "telex" and decoded[1] and low[-1] in _TONE_MARKS:
                # a word the plans never write ("naof": "nào"), its tone key typed last as Telex puts it
                # ("test" and "list" keep theirs inside, "Twin" has none: they stay English)
                best = compose(*decoded)
            if best:
                changes.append(Change(tok, best, why))
                return best
        if len(low) >= TYPO_MIN_LETTERS and low.isalpha() and not is_syllable(low) and not self._known(low):
            best = self._typo(low, prev_, next_)
            if best:
                changes.append(Change(tok, best, "typo"))
                return best
        return None

    @staticmethod
    def _neighbour(tokens: list[str], i: int, step: int) -> str:
        j = i + step
        while 0 <= j < len(tokens) and tokens[j].isspace():
            j += step
        return tokens[j].lower() if 0 <= j < len(tokens) and tokens[j][0].isalpha() else ""

    def _context(self, form: str, prev_: str, next_: str) -> int:
        """How often the plans write the word beside these neighbours; a neighbour typed without marks is met
        by any of its spellings ("cap tihn": "cấp tỉnh")."""
        if not (prev_ or next_):
            return 0
        out = 0
        for pair in ((prev_, form), (form, next_)):
            if not pair[0] or not pair[1]:
                continue
            toneless = any(w == fold(w) for w in pair if w != form)
            out += self.folded_pairs.get((fold(pair[0]), fold(pair[1])), 0) if toneless else self.pairs.get(pair, 0)
        return out

    def _spelling(self, body: str, tone: str, prev_: str, next_: str) -> str | None:
        """The plans' spelling of a decoded syllable: same letters, and the same marks where the typist gave
        them (a vowel mark typed must be there; a tone typed must be the tone)."""
        options = self.forms.get(fold(body), ())
        best, best_key = None, None
        for form, count in options:
            if tone and _tone_of(form) != tone:
                continue
            marked = [c for c in body if c in "ăâêôơưđ"]
            if any(c not in _untoned(form) for c in marked):
                continue
            key = (self._context(form, prev_, next_), _untoned(form) == body, count)
            if best_key is None or key > best_key:
                best, best_key = form, key
        return best

    def _typo(self, low: str, prev_: str, next_: str) -> str | None:
        """One edit (insert, delete, replace, swap two letters) away from a syllable the plans write, the
        neighbours deciding between candidates; the folded spelling, the tone step restores marks."""
        from rapidfuzz import process
        from rapidfuzz.distance import OSA
        folded = fold(low)
        found = process.extract(folded, self._keys, scorer=OSA.distance, score_cutoff=1, limit=20)
        best, best_key = None, None
        for key, dist, _ in found:
            if dist != 1 or not is_syllable(key):
                continue
            form, count = self.forms[key][0]
            context = max(self._context(f, prev_, next_) for f, _ in self.forms[key])
            score = (context, count)
            if best_key is None or score > best_key:
                best, best_key = key, score
        if best is None or (best_key[0] == 0 and len(folded) < 5):
            return None     # a short word with no neighbour to confirm it: leave it
        return best if low == folded else self._spelling(best, "", prev_, next_) or best

    # ------------------------------------------------------------------ tone marks
    def _tones(self, text: str, changes: list[Change], keep: set[str] = frozenset()) -> str:
        """A question typed with tone marks gets them on the words typed without ('căn ban' -> 'căn bản')
        where the plans' pairs decide; a question typed without them loses the few marks a repair or a
        stray key put in, so that it is read one way throughout."""
        tokens = _WORD.findall(text)
        idx = [i for i, t in enumerate(tokens) if t[0].isalpha() and not (t.isupper() and len(t) > 1)
               and t not in self.abbreviations]
        markable = [i for i in idx if any(f != fold(f) for f, _ in self.forms.get(fold(tokens[i]), ()))]
        if not markable:
            return text
        toned = [i for i in markable if fold(tokens[i]) != tokens[i].lower()]
        if len(toned) / len(markable) < TONED_SHARE:
            out = "".join(_unmarked(t) if i in idx else t for i, t in enumerate(tokens))
            if out != text:
                changes.append(Change(text, out, "accents"))
            return out
        for i in markable:
            tok = tokens[i]
            low = tok.lower()
            if fold(low) != low or low in keep or low in _TONELESS_QUESTION_WORDS:
                continue
            prev_, next_ = self._neighbour(tokens, i, -1), self._neighbour(tokens, i, 1)
            if not prev_ or fold(prev_) == prev_:
                continue    # the word it completes must stand before it, with its own marks ("căn ban")
            own = self._context(low, prev_, next_)
            options = [(self.pairs.get((prev_, f), 0), c, f) for f, c in self.forms.get(low, ()) if f != low]
            if own or not options:
                continue
            score, _, form = max(options)
            if score >= TONE_PAIR_MIN:
                new = form.capitalize() if tok[0].isupper() else form
                changes.append(Change(tok, new, "tone"))
                tokens[i] = new
        return "".join(tokens)
