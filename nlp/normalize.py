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

_WORD_CHARS = re.compile(r"\w", re.UNICODE)


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


def _clusters(text: str) -> list[tuple[int, str]]:
    """A base character with its combining marks, so NFKC can compose "e" + U+0301 into "é"."""
    out: list[tuple[int, str]] = []
    for i, ch in enumerate(text):
        if out and unicodedata.combining(ch):
            start, chars = out[-1]
            out[-1] = (start, chars + ch)
        else:
            out.append((i, ch))
    return out


Spans = list[tuple[int, int]]


def _nfkc(text: str) -> tuple[list[str], Spans]:
    chars: list[str] = []
    spans: Spans = []
    for start, cluster in _clusters(text):
        if cluster in ZERO_WIDTH or cluster in VARIATION_SELECTORS:
            continue
        source = (start, start + len(cluster))
        base = cluster[0]
        if base in EMOJI:
            word = f" {EMOJI[base]} "
            chars.extend(word)
            spans.extend([source] * len(word))
            continue
        for ch in unicodedata.normalize("NFKC", cluster):
            if ch in ZERO_WIDTH or ch in VARIATION_SELECTORS:
                continue
            chars.append(ch)
            spans.append(source)
    return chars, spans


def _words(chars: list[str]) -> list[tuple[int, int]]:
    """Spans of runs of word characters (letters, digits, _) plus leet symbols inside them."""
    spans, start = [], None
    for i, ch in enumerate(chars):
        inside = bool(_WORD_CHARS.match(ch)) or (ch in "@$" and start is not None)
        if inside and start is None:
            start = i
        elif not inside and start is not None:
            spans.append((start, i))
            start = None
    if start is not None:
        spans.append((start, len(chars)))
    return spans


def _fix_words(chars: list[str]) -> None:
    for start, end in _words(chars):
        word = "".join(chars[start:end])
        if _LATIN.search(word) and _CYRILLIC_GREEK.search(word):
            latin = sum(1 for c in word if _LATIN.match(c))
            lookalike = sum(1 for c in word if c in HOMOGLYPHS)
            native = sum(1 for c in word if _CYRILLIC_GREEK.match(c)) - lookalike
            if native == 0 or latin > native:  # a Latin word with disguised letters, not a Russian one
                for i in range(start, end):
                    chars[i] = HOMOGLYPHS.get(chars[i], chars[i])
        for i in range(start + 1, end - 1):
            if chars[i] in LEET and chars[i - 1].isalpha() and chars[i + 1].isalpha():
                chars[i] = LEET[chars[i]]


_SPLIT = re.compile(r"(?<![\w*.])(\w)(?:[*.·]\w){2,}(?![\w*])")


def _join_split_letters(chars: list[str], spans: Spans) -> tuple[list[str], Spans]:
    """"к*с*а*н*а*к*с" and "m.e.t.h" become words; the separators vanish (their offsets with them)."""
    text = "".join(chars)
    drop: set[int] = set()
    for match in _SPLIT.finditer(text):
        drop.update(i for i in range(match.start(), match.end()) if text[i] in "*.·")
    if not drop:
        return chars, spans
    keep = [i for i in range(len(chars)) if i not in drop]
    return [chars[i] for i in keep], [spans[i] for i in keep]


def normalize(text: str) -> Normalized:
    chars, spans = _nfkc(text)
    chars, spans = _join_split_letters(chars, spans)
    _fix_words(chars)
    return Normalized(original=text, text="".join(chars), starts=tuple(s for s, _ in spans),
                      ends=tuple(e for _, e in spans))
