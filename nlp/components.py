"""spaCy components that attach narcwatch's analyses (normalisation, language, substances, identifiers,
quantities) to a Doc as extension attributes.

They are registered factories so a pipeline saved with `nlp.to_disk` loads with `spacy.load` alone: the
`spacy_factories` entry points in pyproject.toml point spaCy here. None of them holds trained state (lexicons
are package data, lingua ships its models), so none needs `to_disk`/`from_disk`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache

from lingua import ConfidenceValue, IsoCode639_1, LanguageDetectorBuilder
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from nlp.identifiers import Identifier, IdentifierReader, parse_pgp_key_blocks
from nlp.lexicon import CAS_PATTERN, load_precursors, load_substances, precursor_by_cas, valid_cas
from nlp.normalize import HOMOGLYPHS, Normalized, normalize
from nlp.quantities import Quantity, find_prices, find_quantities

_NORMALIZED = "narcwatch.normalized"


def _normalized(doc: Doc) -> Normalized | None:
    """doc._.normalized, kept in user_data as plain values: nlp.pipe(n_process=2) sends Docs back from its workers
    msgpack-serialised, and a dataclass does not serialise."""
    state = doc.user_data.get(_NORMALIZED)
    return None if state is None else Normalized(state[0], state[1], tuple(state[2]), tuple(state[3]))


if not Doc.has_extension("normalized"):
    Doc.set_extension("normalized", getter=_normalized)
for _name in ("language", "substances", "identifiers", "pgp_keys", "quantities", "prices"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)

UNDETERMINED = "und"

# The region whose national phone format a text in each language most likely uses. Ambiguous languages take the
# region most seen on the markets we watch: en → GB (not US), pt → PT (not BR), es → ES (not MX), de → DE.
DEFAULT_REGIONS = {"en": "GB", "ru": "RU", "uk": "UA", "de": "DE", "es": "ES", "fr": "FR", "pt": "PT",
                   "nl": "NL", "pl": "PL", "it": "IT"}
# Regions tried for national-format numbers: the defaults above plus the other large markets of those languages.
PHONE_REGIONS = [*DEFAULT_REGIONS.values(), "US", "BR", "KZ", "BY", "AT", "CH", "BE", "MX"]


@Language.factory("narcwatch_normalizer", requires=[], assigns=["doc._.normalized"])
def make_normalizer(nlp: Language, name: str) -> Normalizer:
    return Normalizer()


class Normalizer:
    """Normalise once per Doc so every later component reads the same de-obfuscated text."""

    def __call__(self, doc: Doc) -> Doc:
        norm = normalize(doc.text)
        doc.user_data[_NORMALIZED] = (norm.original, norm.text, norm.starts, norm.ends)
        return doc


def doc_text(doc: Doc) -> str:
    """The Doc's text: `doc.text` joins it anew from Token objects on every access, the normaliser keeps it."""
    state = doc.user_data.get(_NORMALIZED)
    return doc.text if state is None else state[0]


@Language.factory(
    "narcwatch_language",
    requires=["doc._.normalized"],
    assigns=["doc._.language"],
    default_config={"languages": list(DEFAULT_REGIONS), "min_confidence": 0.5, "min_letters": 12,
                    "preload": False},
)
def make_language(nlp: Language, name: str, languages: list[str], min_confidence: float, min_letters: int,
                  preload: bool) -> LanguageDetector:
    return LanguageDetector(languages, min_confidence, min_letters, preload)


_WORD = re.compile(r"\b[^\W\d_]+\b")


class LanguageDetector:
    """Detect among the languages the markets use only; a closed set is both faster and more accurate on short
    offers than open-set detection. Short or unclear texts get "und" rather than a guess."""

    def __init__(self, languages: list[str], min_confidence: float, min_letters: int, preload: bool) -> None:
        builder = LanguageDetectorBuilder.from_iso_codes_639_1(*(getattr(IsoCode639_1, c.upper()) for c in languages))
        self.detector = (builder.with_preloaded_language_models() if preload else builder).build()
        self.min_confidence = min_confidence
        self.min_letters = min_letters
        # lingua's parallel scorer runs on a thread pool that a fork (spaCy's n_process workers) does not copy:
        # a forked worker that called it would wait forever, so workers score one text at a time.
        self.pid = os.getpid()

    def _words(self, doc: Doc) -> str:
        """Wallets, onions, PGP armour and handles are long Latin-script strings that outvote a short Cyrillic
        offer; only plain words (letters only, not too long) are read."""
        return " ".join(word for word in _WORD.findall(doc._.normalized.text) if len(word) <= 20)

    def _long_enough(self, words: str) -> bool:
        return sum(map(len, words.split())) >= self.min_letters

    def _decide(self, best: ConfidenceValue) -> str:
        return best.language.iso_code_639_1.name.lower() if best.value >= self.min_confidence else UNDETERMINED

    def __call__(self, doc: Doc) -> Doc:
        text = self._words(doc)
        doc._.language = self._decide(self.detector.compute_language_confidence_values(text)[0]) \
            if self._long_enough(text) else UNDETERMINED
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        """A batch at a time through lingua's parallel scorer, which releases the GIL: the same results as
        __call__, in a fraction of the wall time on a machine with a free core."""
        if os.getpid() != self.pid:
            yield from map(self, docs)
            return
        for batch in minibatch(docs, batch_size):
            texts = [self._words(doc) for doc in batch]
            scored = [i for i, text in enumerate(texts) if self._long_enough(text)]
            values = self.detector.compute_language_confidence_values_in_parallel([texts[i] for i in scored])
            languages = dict(zip(scored, (self._decide(v[0]) for v in values), strict=True))
            for i, doc in enumerate(batch):
                doc._.language = languages.get(i, UNDETERMINED)
                yield doc


# Terms and texts are cut into the same tokens: runs of word characters, or single other non-space characters,
# so "2C-B" is ("2c", "-", "b") in both and a match always starts and ends on a word boundary.
_TOKEN = re.compile(r"\w+|[^\w\s]")


# Leet digits at the end of a word, which normalize() leaves alone because they could be a real suffix.
_TRAILING_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"}


# Glued lookups ("furanyl fentanyl", "alpha-PVP") span at most this many tokens.
_GLUED_TOKENS = 3


# A letter masked by an asterisk ("BR*MA", "c*caine", "h3r*in" once leet is read), one per word, inside the word; the
# word must have at least _MASKED_MIN characters, so that three or more of its letters are known.
_MASKED = re.compile(r"(?<![\w*])\w+\*\w+(?![\w*])")
_MASKED_MIN = 4


def _tokens(text: str) -> list[re.Match[str]]:
    return list(_TOKEN.finditer(text))


# normalize() turns look-alikes into Latin only in mostly-Latin words; in a mostly-Cyrillic word ("Фeнциклидин",
# "Bикoдин", "Флу@лпр@золам" after leet) the Latin letters are the disguise and are read as Cyrillic here.
_TO_CYRILLIC = {latin.lower(): cyr.lower() for cyr, latin in HOMOGLYPHS.items() if "\u0400" <= cyr <= "\u04ff"}
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN_LETTER = re.compile(r"[a-z]")


@lru_cache(maxsize=2**16)  # texts repeat their words, and the vocabulary of the markets is small
def _word(token: str) -> str:
    """A token as the lexicon is keyed: lower-case, mixed-script words folded to the script most of it is in."""
    word = token.lower()
    if token.isascii() or not _LATIN_LETTER.search(word):
        return word
    cyrillic = len(_CYRILLIC.findall(word))
    if cyrillic and cyrillic >= len(_LATIN_LETTER.findall(word)):
        word = "".join(_TO_CYRILLIC.get(ch, ch) for ch in word)
    return word


def _cyrillic_lookalike(key: tuple[str, ...]) -> tuple[str, ...] | None:
    """A code name ("2c-b", "3-meo") typed entirely in Cyrillic look-alikes ("2С-В", "3-мео"), which normalize()
    cannot tell from Cyrillic text: no Latin letter is left to outvote. Only chemical names with a digit and two
    letters or more, since Russian words ("к", "сок"), units ("3м") and ordinals ("3-ем") are spelled in
    look-alikes too."""
    glued = "".join(key)
    letters = [ch for ch in glued if ch.isalpha()]
    if not any(ch.isdigit() for ch in glued) or len(letters) < 2 or not all(ch in _TO_CYRILLIC for ch in letters):
        return None
    return tuple("".join(_TO_CYRILLIC.get(ch, ch) for ch in word) for word in key)


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    substance_class: str | None
    cas: str | None
    precursor_table: str | None
    needs_context: bool
    langs: tuple[str, ...]


def _pick(entries: list[_Entry], language: str) -> _Entry:
    """A term shared by several rows ("proto": protonitazene in English, nitrous oxide in French) takes the row of
    the text's language, then an unambiguous row over an ambiguous one, then the first."""
    return max(entries, key=lambda e: (language in e.langs or "*" in e.langs, not e.needs_context))


@Language.factory(
    "narcwatch_substances",
    requires=["doc._.normalized", "doc._.language", "doc._.quantities", "doc._.prices"],
    assigns=["doc._.substances", "doc.spans"],
    default_config={"spans_key": "substances", "strict_ambiguous": False},
)
def make_substances(nlp: Language, name: str, spans_key: str, strict_ambiguous: bool) -> SubstanceMatcher:
    return SubstanceMatcher(spans_key, strict_ambiguous)


class SubstanceMatcher:
    """Lexicon lookup over normalised tokens: a dict from token tuples to entries, scanned longest-first.

    A dict probe per (position, length) costs O(tokens × longest term) and keeps matching on our own token
    boundaries; a PhraseMatcher would need a second spaCy tokenisation of the normalised text and an overlap
    filter. Vendors also split and glue names ("furanyl fentanyl", "alpha PVP"), so a run of tokens is looked up
    a second time with spaces and hyphens dropped, and a trailing leet digit ("hydrocodon3") is read as a letter.
    A word with a letter masked by "*" ("BR*MA") is read through a precomputed index of masked terms.

    Ambiguous slang and emoji count only with drug context: an unambiguous term, a quantity or a price, so
    "snow in Berlin" stays clean while "ice 1g 80€" is an offer; never inside a quantity or price ("g" in "1 g").
    With `strict_ambiguous`, a text that names a drug unambiguously keeps ambiguous words only for that drug:
    in single-product listings "pills", "powder", "tabs" describe the form, not a second drug, but multi-drug
    posts lose their slang mentions (on the test range: precision 0.72 → 0.87, recall 0.70 → 0.63).
    """

    def __init__(self, spans_key: str, strict_ambiguous: bool) -> None:
        self.spans_key = spans_key
        self.strict_ambiguous = strict_ambiguous
        self.terms: dict[tuple[str, ...], list[_Entry]] = {}
        self.compact: dict[str, list[_Entry]] = {}
        for term in load_substances():
            entry = _Entry(term.canonical.lower(), term.substance_class.value, None, None, term.needs_context,
                           term.langs)
            self._add(term.term, entry, term.kind == "name")
        for pre in load_precursors():
            self._add(pre.term, _Entry(pre.canonical.lower(), None, pre.cas, pre.table, False, pre.langs), True)
        # Longest term per first word, so most positions cost one or two dict probes instead of one per length.
        self.longest: dict[str, int] = {}
        for key in self.terms:
            self.longest[key[0]] = max(self.longest.get(key[0], 0), len(key))
        # A glued lookup can only succeed from a word that begins a glued key; most words begin no term at all.
        self.glued_prefixes = {glued[:n] for glued in self.compact for n in range(1, len(glued) + 1)}
        self.starters = self.longest.keys() | self.glued_prefixes
        self.key_prefixes = {key[:n] for key in self.terms for n in range(1, len(key) + 1)}
        self.masked = self._masks()

    def _masks(self) -> dict[str, list[_Entry]]:
        """Every one-word term with each letter in turn replaced by "*", kept only where the mask still names a
        single substance: "br*ma" can only be broma, while a mask shared by two substances' terms is no evidence
        of either. A dict probe per masked word instead of a scan of the lexicon."""
        masks: dict[str, list[_Entry]] = {}
        for key, entries in self.terms.items():
            word = key[0]
            if len(key) == 1 and len(word) >= _MASKED_MIN and word.isalpha():
                for i in range(len(word)):
                    masks.setdefault(f"{word[:i]}*{word[i + 1:]}", []).extend(entries)
        return {mask: entries for mask, entries in masks.items() if len({e.name for e in entries}) == 1}

    def _add(self, term: str, entry: _Entry, name: bool) -> None:
        """Index a term; a name is also indexed as typed in Cyrillic look-alikes."""
        key = tuple(_word(m.group()) for m in _tokens(normalize(term).text))
        if not key:
            return
        self.terms.setdefault(key, []).append(entry)
        if name and (cyrillic := _cyrillic_lookalike(key)) and cyrillic != key:
            self.terms.setdefault(cyrillic, []).append(entry)
        glued = "".join(word for word in key if word != "-")
        if len(glued) >= 6:  # short glued keys would collide with ordinary words
            self.compact.setdefault(glued, []).append(entry)

    def _lookup(self, words: list[str], language: str) -> _Entry | None:
        key = tuple(words)
        entries = self.terms.get(key)
        if entries is None and len(key) == 1 and len(key[0]) > 3 and key[0][-1] in _TRAILING_LEET:
            entries = self.terms.get((key[0][:-1] + _TRAILING_LEET[key[0][-1]],))
        if entries is None and len(key) > 1 and all(w == "-" or w.isalpha() for w in key):
            entries = self.compact.get("".join(w for w in key if w != "-"))
        return _pick(entries, language) if entries else None

    def _reach(self, words: list[str], i: int) -> int:
        """Words a match at words[i] can span: its longest term, or the longest run (of at most _GLUED_TOKENS) whose
        glued form still begins a glued key, and no more than remain; longer lookups cannot succeed."""
        word = words[i]
        reach = self.longest.get(word, 1)
        if word.isalpha() and word in self.glued_prefixes:
            glued = word
            for k in range(i + 1, min(i + _GLUED_TOKENS, len(words))):
                nxt = words[k]
                if nxt != "-" and (not nxt.isalpha() or (glued := glued + nxt) not in self.glued_prefixes):
                    break
                reach = max(reach, k - i + 1)
        return self._possible(words, i, min(reach, len(words) - i))

    def _possible(self, words: list[str], i: int, reach: int) -> int:
        """The longest of the first `reach` lookups at words[i] that can succeed: a common word beginning a long term
        ("2", "acid") would otherwise cost a dict probe per length. A term key needs every shorter run to begin a
        key; a glued key needs only hyphens and letters whose glued form begins a glued key."""
        terms = 1
        while terms < reach and tuple(words[i : i + terms + 1]) in self.key_prefixes:
            terms += 1
        glued, compact = "", 0
        for k in range(i, i + reach):
            if words[k] != "-" and (not words[k].isalpha() or (glued := glued + words[k]) not in self.glued_prefixes):
                break
            compact = k - i + 1
        return max(terms, compact)

    def _masked_hits(self, text: str, language: str) -> dict[int, tuple[int, int, _Entry, bool]]:
        """Hits for words with a masked letter, by normalised start."""
        hits = {}
        for m in _MASKED.finditer(text):
            entries = self.masked.get(_word(m.group())) if len(m.group()) >= _MASKED_MIN else None
            if entries:
                entry = _pick(entries, language)
                hits[m.start()] = (m.start(), m.end(), entry, entry.needs_context)
        return hits

    def _hits(self, norm: Normalized, language: str) -> list[tuple[int, int, _Entry, bool]]:
        """Longest-first matches as (normalised start, end, entry, needs context), then valid known CAS numbers."""
        hits: list[tuple[int, int, _Entry, bool]] = []
        tokens = _tokens(norm.text)
        words = [_word(m.group()) for m in tokens]
        masked = self._masked_hits(norm.text, language) if "*" in norm.text else {}
        # Only words where a match can start are visited: a term or a glued key starts with the word, a trailing leet
        # digit can make it a one-word term ("hydrocodon3"), or a masked word starts there. Most words are none.
        starts = [i for i, word in enumerate(words) if word in self.starters
                  or (len(word) > 3 and word[-1] in _TRAILING_LEET) or (masked and tokens[i].start() in masked)]
        i = 0
        for first in starts:
            if first < i:
                continue  # inside the previous match
            i = first
            if masked and (hit := masked.get(tokens[i].start())):
                hits.append(hit)
                i += 3  # the word before the "*", the "*" and the word after it
                continue
            reach = self._reach(words, i) if words[i] in self.starters else 1
            for n in range(reach, 0, -1):
                entry = self._lookup(words[i : i + n], language)
                if entry:
                    start, end = tokens[i].start(), tokens[i + n - 1].end()
                    original = norm.original[slice(*norm.span(start, end))]
                    emoji = not any(ch.isalnum() for ch in original)  # ❄ reads "cocaine" once normalised
                    hits.append((start, end, entry, entry.needs_context or emoji))
                    i += n
                    break
            else:
                i += 1
        for m in CAS_PATTERN.finditer(norm.text):
            pre = precursor_by_cas(m.group()) if valid_cas(m.group()) else None
            if pre:
                entry = _Entry(pre.canonical.lower(), None, pre.cas, pre.table, False, pre.langs)
                hits.append((m.start(), m.end(), entry, False))
        return sorted(hits, key=lambda hit: hit[0])

    def __call__(self, doc: Doc) -> Doc:
        ext = doc._  # each `doc._` makes a new accessor object
        norm = ext.normalized
        hits = self._hits(norm, ext.language)
        strong = {entry.name for *_, entry, weak in hits if not weak}
        measures = [(m["start"], m["end"]) for m in (ext.quantities or []) + (ext.prices or [])]
        # the unit a price is per ("50 EUR per g"): a unit, not the slang it spells ("g" is GHB)
        measures += [(p["per"]["start"], p["per"]["end"]) for p in ext.prices or [] if "start" in (p.get("per") or {})]
        found = []
        for start, end, entry, weak in hits:
            o_start, o_end = norm.span(start, end)
            if weak and not (strong or measures):
                continue
            if weak and self.strict_ambiguous and strong and entry.name not in strong:
                continue
            if weak and any(m_start < o_end and o_start < m_end for m_start, m_end in measures):
                continue
            found.append({"text": norm.original[o_start:o_end], "name": entry.name, "class": entry.substance_class,
                          "cas": entry.cas, "precursor_table": entry.precursor_table, "start": o_start,
                          "end": o_end})
        ext.substances = found
        spans = (doc.char_span(s["start"], s["end"], alignment_mode="expand") for s in found)
        doc.spans[self.spans_key] = [span for span in spans if span is not None]
        return doc


@Language.factory(
    "narcwatch_identifiers",
    requires=["doc._.language"],
    assigns=["doc._.identifiers", "doc._.pgp_keys"],
    default_config={"regions": DEFAULT_REGIONS, "phone_regions": PHONE_REGIONS},
)
def make_identifiers(nlp: Language, name: str, regions: dict[str, str], phone_regions: list[str]) -> IdentifierFinder:
    return IdentifierFinder(regions, phone_regions)


# A run of digits long enough to be a phone number in national format; texts without one skip the region passes.
_NATIONAL_NUMBER = re.compile(r"\d[\d\s().-]{5,}\d")


# Mobile and landline numbers vendors give have 9-12 digits; shorter or longer digit runs that some region happens to
# accept are prices, card fragments or CAS numbers ("140-29-4"). Shorter runs are not even parsed.
_NATIONAL_DIGITS = (9, 12)


def _plausible_national(value: str) -> bool:
    low, high = _NATIONAL_DIGITS
    return low <= sum(ch.isdigit() for ch in value) <= high and not CAS_PATTERN.fullmatch(value)


class IdentifierFinder:
    """Wallets, contacts, phones and PGP keys.

    Numbers written with "+" parse on their own. A national number ("8 912 345-67-89", "(31) 99154-3101") has no
    country, and the text's language is a weak hint: vendors reuse numbers across markets and languages. So every
    region in `phone_regions` is tried; the number is kept as read in the language's default region when that
    reading is valid, else when exactly one other region reads it validly, and dropped when several do. A French
    "06 11 39 01 57" in a Ukrainian text is therefore read as Ukrainian: the language is the only hint there is.
    """

    def __init__(self, regions: dict[str, str], phone_regions: list[str]) -> None:
        self.regions = regions
        self.phone_regions = phone_regions

    def _national_phones(self, reader: IdentifierReader, taken: list[Identifier], language: str) -> list[Identifier]:
        def readings(region: str) -> Iterator[Identifier]:
            for ident in reader.phones(region, min_chars=_NATIONAL_DIGITS[0]):
                if (_plausible_national(ident.value)
                        and not any(t.start < ident.end and ident.start < t.end for t in taken)):
                    yield ident

        # The language's region decides the numbers it reads validly; the others are asked only about the rest.
        preferred = self.regions.get(language, "")
        phones = list(readings(preferred)) if preferred in self.phone_regions else []
        taken = taken + phones
        if all(any(t.start < end and start < t.end for t in taken) for start, end in reader.phone_runs(
                _NATIONAL_DIGITS[0])):
            return phones
        others: dict[tuple[int, int], dict[str, Identifier]] = {}
        for region in self.phone_regions:
            if region != preferred:
                for ident in readings(region):
                    others.setdefault((ident.start, ident.end), {})[ident.normalized] = ident
        phones += [next(iter(by_number.values())) for by_number in others.values() if len(by_number) == 1]
        return phones

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        ext = doc._
        reader = IdentifierReader(text)
        found = reader.identifiers()
        if _NATIONAL_NUMBER.search(text):
            found = sorted(found + self._national_phones(reader, found, ext.language), key=lambda i: i.start)
        identifiers = [
            {"type": i.type, "value": i.value, "normalized": i.normalized, "currency": i.currency, "kind": i.kind,
             "start": i.start, "end": i.end}
            for i in found
        ]
        keys = parse_pgp_key_blocks(text) if "-----BEGIN PGP" in text else []
        # A key block is the vendor's fingerprint, whatever the text says about it: listed with the identifiers
        # (kind "key_block", span = the armour) so links across sites use one field.
        identifiers += [{"type": "pgp_fingerprint", "value": key.fingerprint, "normalized": key.fingerprint,
                         "currency": None, "kind": "key_block", "start": key.start, "end": key.end} for key in keys]
        ext.identifiers = sorted(identifiers, key=lambda i: i["start"])
        ext.pgp_keys = [{**asdict(key), "created": key.created.isoformat()} for key in keys]
        return doc


@Language.factory("narcwatch_quantities", requires=[], assigns=["doc._.quantities", "doc._.prices"])
def make_quantities(nlp: Language, name: str) -> QuantityFinder:
    return QuantityFinder()


def _quantity(q: Quantity) -> dict:
    """dataclasses.asdict(q), without its deep copy of every field, which cost as much as finding the quantities."""
    return {"amount": q.amount, "unit": q.unit, "text": q.text, "start": q.start, "end": q.end}


class QuantityFinder:
    """Weights and prices with offsets; they are also the drug context the substance matcher needs."""

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        quantities = find_quantities(text)
        ext = doc._
        ext.quantities = [_quantity(q) for q in quantities]
        ext.prices = [{"amount": p.amount, "currency": p.currency, "per": _quantity(p.per) if p.per else None,
                       "text": p.text, "start": p.start, "end": p.end} for p in find_prices(text, quantities)]
        return doc

