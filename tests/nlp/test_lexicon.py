"""The lexicons are data the matcher trusts blindly, so every row is checked here, and against the shared reference."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from nlp.lexicon import (
    PRECURSOR_TABLES,
    TERM_KINDS,
    SubstanceClass,
    load_precursors,
    load_substances,
    precursor_by_cas,
    valid_cas,
)

SHARED_PRECURSORS = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "precursors.csv"
REQUIRED_LANGS = ("en", "ru", "uk", "de", "es", "fr", "pt", "nl")
# ISO 639-1 codes the lexicon may use; extend when a new language is added.
ISO_639_1 = frozenset(REQUIRED_LANGS + ("pl", "it", "cs", "sk", "ro", "hu", "sv", "da", "no", "fi", "tr", "ar", "zh"))


def _langs_ok(langs: tuple[str, ...]) -> bool:
    return all(code == "*" or code in ISO_639_1 for code in langs) and len(set(langs)) == len(langs)


def test_substance_rows_are_valid() -> None:
    for term in load_substances():
        assert term.term == term.term.strip() and term.term, term
        assert term.canonical == term.canonical.lower(), term
        assert isinstance(term.substance_class, SubstanceClass), term
        assert term.kind in TERM_KINDS, term
        assert _langs_ok(term.langs), term


def test_substances_unique_and_sorted() -> None:
    terms = load_substances()
    keys = [(t.term.casefold(), t.canonical) for t in terms]
    assert len(keys) == len(set(keys)), [k for k, n in Counter(keys).items() if n > 1]
    order = [(t.canonical, t.term.casefold()) for t in terms]
    assert order == sorted(order)


def test_canonical_has_one_class() -> None:
    classes: dict[str, set[SubstanceClass]] = defaultdict(set)
    for term in load_substances():
        classes[term.canonical].add(term.substance_class)
    assert {c: s for c, s in classes.items() if len(s) > 1} == {}


def test_terms_shared_by_substances_need_context() -> None:
    canonicals: dict[str, set[str]] = defaultdict(set)
    for term in load_substances():
        canonicals[term.term.casefold()].add(term.canonical)
    unmarked = [
        (t.term, t.canonical)
        for t in load_substances()
        if len(canonicals[t.term.casefold()]) > 1 and t.kind != "slang_ambiguous"
    ]
    assert unmarked == []


def test_breadth() -> None:
    terms = load_substances()
    assert len(terms) >= 300
    per_lang = Counter(code for t in terms for code in t.langs)
    for lang in REQUIRED_LANGS:
        assert per_lang[lang] >= 15, (lang, per_lang[lang])
    assert {t.substance_class for t in terms} == set(SubstanceClass)


@pytest.mark.parametrize(
    ("term", "canonical", "substance_class"),
    [
        ("xans", "alprazolam", SubstanceClass.SEDATIVE),
        ("мефедрон", "mephedrone", SubstanceClass.STIMULANT),
        ("perico", "cocaine", SubstanceClass.STIMULANT),
        ("beuh", "cannabis", SubstanceClass.CANNABIS),
        ("Koks", "cocaine", SubstanceClass.STIMULANT),
        ("wiet", "cannabis", SubstanceClass.CANNABIS),
        ("maconha", "cannabis", SubstanceClass.CANNABIS),
        ("шишки", "cannabis", SubstanceClass.CANNABIS),
        ("flakka", "alpha-pvp", SubstanceClass.STIMULANT),
        ("isotonitazene", "isotonitazene", SubstanceClass.OPIOID),
        ("MDMB-4en-PINACA", "mdmb-4en-pinaca", SubstanceClass.NPS),
        ("Subutex", "buprenorphine", SubstanceClass.OPIOID),
        ("кетамін", "ketamine", SubstanceClass.DISSOCIATIVE),
    ],
)
def test_spot_checks(term: str, canonical: str, substance_class: SubstanceClass) -> None:
    hits = [t for t in load_substances() if t.term.casefold() == term.casefold()]
    assert any(t.canonical == canonical and t.substance_class is substance_class for t in hits), hits


@pytest.mark.parametrize("term", ["snow", "ice", "grass", "соль", "pot", "speed", "bars"])
def test_everyday_words_need_context(term: str) -> None:
    hits = [t for t in load_substances() if t.term.casefold() == term]
    assert hits and all(t.needs_context for t in hits)


def test_precursor_rows_are_valid() -> None:
    canonical_cas: dict[str, set[str]] = defaultdict(set)
    term_canonicals: dict[str, set[str]] = defaultdict(set)
    for row in load_precursors():
        assert row.term and row.canonical and row.used_for, row
        assert valid_cas(row.cas), row
        assert row.table in PRECURSOR_TABLES, row
        assert _langs_ok(row.langs), row
        canonical_cas[row.canonical].add(row.cas)
        term_canonicals[row.term.casefold()].add(row.canonical)
    assert {c: s for c, s in canonical_cas.items() if len(s) > 1} == {}
    assert {t: s for t, s in term_canonicals.items() if len(s) > 1} == {}
    assert all(any(r.term == c for r in load_precursors()) for c in canonical_cas)


def test_every_shared_precursor_present() -> None:
    assert SHARED_PRECURSORS.is_file(), f"shared reference missing: {SHARED_PRECURSORS}"
    with SHARED_PRECURSORS.open(encoding="utf-8") as handle:
        shared = list(csv.DictReader(handle))
    assert shared
    ours = {row.canonical: row.cas for row in load_precursors()}
    for row in shared:
        assert ours.get(row["name"]) == row["cas"], row["name"]
        entry = precursor_by_cas(row["cas"])
        assert entry is not None and entry.canonical == row["name"]
        if "Table I" in row["control"] and "not in" not in row["control"]:
            assert entry.table in ("I", "II"), row["name"]


def test_precursor_lookup() -> None:
    apaan = [r for r in load_precursors() if r.term == "APAAN"]
    assert apaan and apaan[0].cas == "4468-48-8"
    entry = precursor_by_cas("4468-48-8")
    assert entry is not None and entry.canonical == "alpha-phenylacetoacetonitrile" and entry.table == "I"
    assert precursor_by_cas("5449-12-7") is not None
    assert precursor_by_cas("79099-07-3") is not None
    assert precursor_by_cas("999-99-9") is None
    safrole = {r.term for r in load_precursors() if r.canonical == "safrole"}
    assert {"сафрол", "Safrol"} <= safrole


@pytest.mark.parametrize(
    ("text", "expected"),
    [("103-79-7", True), ("103-79-8", False), ("4468-48-8", True), ("7732-18-5", True), ("2167189-50-4", True),
     ("12-34", False), ("2024-01-15", False), ("abc", False)],
)
def test_valid_cas(text: str, expected: bool) -> None:
    assert valid_cas(text) is expected
