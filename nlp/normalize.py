"""Text normalisation that keeps offsets into the original text.

Vendors disguise words from keyword filters: fullwidth letters (Ｈｙｄｒｏｘｙ), zero-width characters inside
words (F\u200dU-F), Cyrillic look-alikes in Latin words (metonіtаzene), leetspeak (c0ca1ne), letters split by
asterisks (к*с*а*н*а*к*с) and emoji codes (❄️ for cocaine). Matching runs on the normalised text; every
character of it knows where it came from, so what is found is reported at its place in the original.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u2061\u2062\u2063\u2064")
VARIATION_SELECTORS = frozenset("\ufe0e\ufe0f")

# Cyrillic and Greek letters drawn like Latin ones; replaced only inside words that are otherwise Latin.
HOMOGLYPHS = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
    "ԁ": "d", "ɡ": "g", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w", "А": "A", "В": "B", "Е": "E", "К": "K",
    "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J",
    "Ѕ": "S", "α": "a", "ο": "o", "ν": "v", "ρ": "p", "τ": "t", "Α": "A", "Β": "B", "Ε": "E", "Η": "H",
    "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Χ": "X", "Υ": "Y", "Ζ": "Z",
}
_CYRILLIC_GREEK = re.compile(r"[\u0370-\u03ff\u0400-\u04ff\u0500-\u052f]")
_LATIN = re.compile(r"[A-Za-z]")

# Digits and symbols read as letters, replaced only between two letters: "c0ca1ne", "h3r0in", but never
# the digits that start chemical names ("4-FA", "2C-B", "3-MMC", "1P-LSD", "25I-NBOMe").
LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}

# Emoji used as code words on markets and in channels (DEA 2018 and EMCDDA reports on emoji slang).
EMOJI = {
    "❄": "cocaine", "⛄": "cocaine", "☃": "cocaine", "🌨": "cocaine",
    "🍁": "cannabis", "🌿": "cannabis", "🥦": "cannabis", "🍃": "cannabis", "🌲": "cannabis",
    "💊": "pills", "💉": "injection", "🍄": "mushrooms", "💎": "crystal", "🧊": "ice", "🐉": "heroin",
    "🔌": "plug", "🍬": "ecstasy", "🍭": "lsd", "🎱": "eightball",
}

@dataclass(frozen=True)
class Normalized:
    """`text` is what matchers read; its character i came from `original[starts[i]:ends[i]]`."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of normalised text[start:end]."""
        if start >= end:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def _plain(ch: str) -> bool:
    """A character that is a cluster of its own and that _nfkc maps to itself."""
    return (not unicodedata.combining(ch) and ch not in ZERO_WIDTH and ch not in VARIATION_SELECTORS
            and ch not in EMOJI and unicodedata.normalize("NFKC", ch) == ch)


def _char_class(chars: list[str]) -> str:
    """A regex character class body of `chars` (sorted), as ranges."""
    runs: list[list[str]] = []
    for ch in chars:
        if runs and ord(ch) == ord(runs[-1][1]) + 1:
            runs[-1][1] = ch
        else:
            runs.append([ch, ch])
    return "".join(re.escape(a) if a == b else f"{re.escape(a)}-{re.escape(b)}" for a, b in runs)


# Every character the offers are written in that _nfkc copies as it is (ASCII, Latin, Greek, Cyrillic, general
# punctuation, symbols, emoji); others, plain or not, take the per-cluster path, which is always right.
_NOT_PLAIN = re.compile("[^" + _char_class([ch for ch in map(chr, [*range(0x3000), *range(0x1F000, 0x1FB00)])
                                             if _plain(ch)]) + "]")


def _cluster(text: str, start: int, end: int, chars: list[str], starts: list[int], ends: list[int]) -> None:
    """Append NFKC of the cluster text[start:end] (a base character and its combining marks, so that "e" +
    U+0301 composes into "é"), or its emoji code word, or nothing for a zero-width character."""
    cluster = text[start:end]
    if cluster in ZERO_WIDTH or cluster in VARIATION_SELECTORS:
        return
    out = f" {EMOJI[cluster[0]]} " if cluster[0] in EMOJI else unicodedata.normalize("NFKC", cluster)
    for ch in out:
        if ch not in ZERO_WIDTH and ch not in VARIATION_SELECTORS:
            chars.append(ch)
            starts.append(start)
            ends.append(end)


def _nfkc(text: str) -> tuple[list[str], list[int], list[int]]:
    """Normalised characters with the start and end in `text` of each one's source; runs of plain characters are
    copied, and only the clusters around the others are normalised one by one."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    done = 0
    for m in _NOT_PLAIN.finditer(text):
        start = m.start()
        if start < done:
            continue  # a mark already taken into the cluster before it
        if start > done and unicodedata.combining(text[start]):
            start -= 1  # a mark on a plain base; a base that is not plain has taken its marks already
        chars.extend(text[done:start])
        starts.extend(range(done, start))
        ends.extend(range(done + 1, start + 1))
        end = m.start() + 1
        while end < len(text) and unicodedata.combining(text[end]):
            end += 1
        _cluster(text, start, end, chars, starts, ends)
        done = end
    chars.extend(text[done:])
    starts.extend(range(done, len(text)))
    ends.extend(range(done + 1, len(text) + 1))
    return chars, starts, ends


_WORD_RUN = re.compile(r"\w[\w@$]*")  # runs of word characters (letters, digits, _) plus leet symbols inside them
# A Latin and a Cyrillic or Greek letter in one word run: without one, no word needs the per-word count below.
_MIXED_RUN = re.compile(f"[A-Za-z][\\w@$]*{_CYRILLIC_GREEK.pattern}|{_CYRILLIC_GREEK.pattern}[\\w@$]*[A-Za-z]")
_LEET_RUN = re.compile(f"[{re.escape(''.join(LEET))}]+")
_LEET_RUN_MAX = 3  # "m37o", "fen74nyl"; longer digit runs between letters are codes, not disguised words


_COMPOUND = re.compile(r"(?<![\w-])\w++(?:-\w++)+")  # possessive: a word without a hyphen fails at once


def _fix_compounds(chars: list[str]) -> None:
    """Look-alike parts of hyphenated Latin names ("2C-В", "а-PVP"): a one-letter part is too short for the
    per-word majority to tell its script, so a part made only of look-alikes is read as Latin when every other part
    is Latin. Russian parts such as "соль" in "PVP-соль" have letters of their own and stay."""
    text = "".join(chars)
    for m in _COMPOUND.finditer(text):
        compound = m.group()
        if not (_LATIN.search(compound) and _CYRILLIC_GREEK.search(compound)):
            continue
        foreign = [part for part in compound.split("-") if _CYRILLIC_GREEK.search(part)]
        if all(ch in HOMOGLYPHS or ch.isdigit() for part in foreign for ch in part):
            for i in range(m.start(), m.end()):
                chars[i] = HOMOGLYPHS.get(chars[i], chars[i])


def _fix_words(chars: list[str]) -> None:
    text = "".join(chars)
    if _CYRILLIC_GREEK.search(text):  # else no word mixes scripts
        for m in _WORD_RUN.finditer(text) if _MIXED_RUN.search(text) else ():
            word = m.group()
            if _LATIN.search(word) and _CYRILLIC_GREEK.search(word):
                latin = sum(1 for c in word if _LATIN.match(c))
                lookalike = sum(1 for c in word if c in HOMOGLYPHS)
                native = sum(1 for c in word if _CYRILLIC_GREEK.match(c)) - lookalike
                if native == 0 or latin > native:  # a Latin word with disguised letters, not a Russian one
                    for i in range(m.start(), m.end()):
                        chars[i] = HOMOGLYPHS.get(chars[i], chars[i])
        _fix_compounds(chars)
    # A short run of leet symbols between two letters is inside a word, never at its edge.
    for m in _LEET_RUN.finditer(text):
        start, end = m.span()
        if (end - start <= _LEET_RUN_MAX and start > 0 and end < len(chars) and chars[start - 1].isalpha()
                and chars[end].isalpha()):
            chars[start:end] = [LEET[ch] for ch in m.group()]


# Letters spelled out with one separator between each ("к*с*а*н*а*к*с", "e-t-i-z-o-l-a-m", "3.-.м.е.о"): at least
# three units for "*" and "·", which ordinary text does not put between letters, and four for "." and "-", so
# "e.g.", "U.S.A.", "T-Rex" and "A-B-C" stay. A hyphen may be a unit between other separators ("3*-*M*M*C").
_SPLIT = re.compile(r"(?<![\w*·.-])[\w-]([*·.-])[\w-](?:\1[\w-])+(?!\w|\1\w)")
_SPLIT_UNITS = {"*": 3, "·": 3, ".": 4, "-": 4}
_SPLIT_LETTERS = 3  # numbers, dates and versions ("1.2.3.4", "12-05-2024") are not spelled-out words


def _split_separators(chars: list[str]) -> set[int]:
    """Indices of the separators in "к*с*а*н*а*к*с" and "m.e.t.h", which vanish (their offsets with them)."""
    text = "".join(chars)
    drop: set[int] = set()
    for match in _SPLIT.finditer(text):
        sep, units = match.group(1), match.group()[::2]
        if (len(units) >= _SPLIT_UNITS[sep] and sum(ch.isalpha() for ch in units) >= _SPLIT_LETTERS
                and (sep != "-" or "-" not in units)):
            drop.update(range(match.start() + 1, match.end(), 2))
    return drop


def normalize(text: str) -> Normalized:
    chars, starts, ends = _nfkc(text)
    if drop := _split_separators(chars):
        keep = [i for i in range(len(chars)) if i not in drop]
        chars, starts, ends = [chars[i] for i in keep], [starts[i] for i in keep], [ends[i] for i in keep]
    _fix_words(chars)
    return Normalized(original=text, text="".join(chars), starts=tuple(starts), ends=tuple(ends))
