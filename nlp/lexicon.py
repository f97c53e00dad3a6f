"""Substance and precursor lexicons, shipped as TSV package data so matching never depends on ../shared.

substances.tsv maps street names, slang, brand names, misspellings and emoji in many languages to a canonical
substance and a class. The `kind` column tells the matcher how much to trust a bare hit:

- `name`, `brand`, `slang`, `misspelling`: specific enough to match on their own.
- `slang_ambiguous`: an everyday word ("snow", "соль", "maría", "pillen") or a term used for several substances
  ("china white", "blues"); a hit counts only with drug context nearby (price, weight, vendor or another term).
- `emoji`: likewise needs drug context (❄ in a weather post is not cocaine).

Classes are pharmacological: synthetic cathinones are stimulants, nitazenes opioids, designer benzodiazepines
sedatives; `nps` is kept for synthetic cannabinoids and generic "research chemical" wording, where the effect
cannot be told from the name.

illicit.tsv names other illicit goods and services (forged documents, card data, counterfeit money, weapons,
hacking, laundering, counterfeit goods) so the offer classifier can tell a fake-ID listing from a drug listing.

precursors.tsv holds 1988 Convention Table I and II chemicals, later-scheduled designer precursors and nationally
controlled ones, with CAS numbers so a listing can be recognised by CAS alone.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files

TERM_KINDS = frozenset({"name", "brand", "slang", "misspelling", "emoji", "slang_ambiguous"})
PRECURSOR_TABLES = frozenset({"I", "II", "national/other"})

# CAS RN: 2-7 digits, 2 digits, 1 check digit; not inside a longer run of digits or hyphens (dates, phone numbers).
CAS_PATTERN = re.compile(r"(?<![\d-])(\d{2,7})-(\d{2})-(\d)(?![\d-])")


class SubstanceClass(StrEnum):
    OPIOID = "opioid"
    STIMULANT = "stimulant"
    CANNABIS = "cannabis"
    EMPATHOGEN = "empathogen"
    PSYCHEDELIC = "psychedelic"
    DISSOCIATIVE = "dissociative"
    SEDATIVE = "sedative"
    NPS = "nps"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Term:
    term: str
    canonical: str
    substance_class: SubstanceClass
    langs: tuple[str, ...]  # ISO 639-1 codes; "*" for language-independent names
    kind: str

    @property
    def needs_context(self) -> bool:
        """True when a bare hit is too weak: an everyday word, a term shared by substances, or an emoji."""
        return self.kind in ("slang_ambiguous", "emoji")


ILLICIT_CATEGORIES = frozenset({"document", "card_data", "counterfeit_money", "weapon", "hacking", "laundering",
                                "counterfeit_goods"})


@dataclass(frozen=True, slots=True)
class IllicitTerm:
    term: str
    category: str  # one of ILLICIT_CATEGORIES
    langs: tuple[str, ...]
    ambiguous: bool  # an everyday word that signals illicit goods only in an offer (with a price or quantity)


@dataclass(frozen=True, slots=True)
class PrecursorTerm:
    term: str
    canonical: str
    cas: str
    table: str  # I | II | national/other
    used_for: tuple[str, ...]
    langs: tuple[str, ...]
    note: str


def valid_cas(text: str) -> bool:
    """Check a CAS RN's check digit: digits weighted 1, 2, 3... from the right, summed, mod 10.

    Vendors mistype CAS numbers and random digit groups look like them; the check digit separates the two.
    """
    match = CAS_PATTERN.fullmatch(text.strip())
    if not match:
        return False
    digits = match.group(1) + match.group(2)
    total = sum(weight * int(digit) for weight, digit in enumerate(reversed(digits), start=1))
    return total % 10 == int(match.group(3))


def _rows(name: str) -> list[dict[str, str]]:
    text = files("nlp").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader((line for line in text.splitlines() if not line.startswith("#")), delimiter="\t"))


@cache
def _substances() -> tuple[Term, ...]:
    return tuple(
        Term(
            term=row["term"],
            canonical=row["canonical"],
            substance_class=SubstanceClass(row["class"]),
            langs=tuple(row["lang"].split(",")),
            kind=row["kind"],
        )
        for row in _rows("substances.tsv")
    )


@cache
def _precursors() -> tuple[PrecursorTerm, ...]:
    return tuple(
        PrecursorTerm(
            term=row["term"],
            canonical=row["canonical"],
            cas=row["cas"],
            table=row["table"],
            used_for=tuple(row["used_for"].split("|")),
            langs=tuple(row["lang"].split(",")),
            note=row["note"],
        )
        for row in _rows("precursors.tsv")
    )


@cache
def _illicit() -> tuple[IllicitTerm, ...]:
    return tuple(IllicitTerm(row["term"], row["category"], tuple(row["langs"].split(",")), row["kind"] == "ambiguous")
                 for row in _rows("illicit.tsv"))


def load_illicit() -> list[IllicitTerm]:
    """Other illicit goods and services by category."""
    return list(_illicit())


def load_substances() -> list[Term]:
    """All substance terms; rows with `needs_context` must only count next to other drug evidence."""
    return list(_substances())


def load_precursors() -> list[PrecursorTerm]:
    """All precursor names, synonyms and trade names, each carrying its canonical substance's CAS."""
    return list(_precursors())


@cache
def _by_cas() -> dict[str, PrecursorTerm]:
    index: dict[str, PrecursorTerm] = {}
    for row in _precursors():
        if row.term == row.canonical or row.cas not in index:
            index[row.cas] = row
    return index


def precursor_by_cas(cas: str) -> PrecursorTerm | None:
    """The canonical entry for a CAS number, so a listing that gives only "CAS 4468-48-8" is still recognised."""
    return _by_cas().get(cas.strip())
