"""Normalisation undoes the disguises vendors use, and every character still points into the original."""

from __future__ import annotations

import pytest

from nlp.normalize import normalize


@pytest.mark.parametrize(("text", "expected"), [
    ("Ｈｙｄｒｏｘｙｌｉｍｉｎｅ", "Hydroxylimine"),
    ("F\u200dU-F powder", "FU-F powder"),
    ("fla\u2060kka", "flakka"),
    ("metonіtаzene", "metonitazene"),  # Cyrillic і and а
    ("c0ca1ne", "cocaine"),
    ("h3r0in", "heroin"),
    ("к*с*а*н*а*к*с", "ксанакс"),
    ("m.e.t.h", "meth"),
    ("cafe\u0301", "café"),
    ("V-I-C-O-D-I-N", "VICODIN"),  # letters spelled out with hyphens
    ("e-t-i-z-o-l-a-m.", "etizolam."),
    ("к.л.о.н.а.з", "клоназ"),
    ("3.М.М.Ц", "3ММЦ"),  # digits may be units of a spelled-out name, given three letters
    ("3*-*M*M*C", "3-MMC"),  # a hyphen is a unit between asterisks
    ("С-п-а-й\u200b-с", "Спайс"),
    ("2C-В", "2C-B"),  # a one-letter Cyrillic part of a Latin name
    ("а-PVP", "a-PVP"),
    ("ТНС-oil", "THC-oil"),
    ("m37o", "meto"),  # a run of leet digits
    ("furanylfen74nyl", "furanylfentanyl"),
])
def test_disguises_are_undone(text: str, expected: str) -> None:
    assert normalize(text).text == expected


@pytest.mark.parametrize("text", ["4-FA", "2C-B", "3-MMC", "1P-LSD", "25I-NBOMe", "5-MeO-DMT", "MDMA 120mg",
                                  "метадон", "Клади по всьому місту", "1-boc-4-piperidone", "P2P", "e.g. 3.5 g"])
def test_chemical_names_and_real_cyrillic_are_kept(text: str) -> None:
    assert normalize(text).text == text


@pytest.mark.parametrize("text", [
    "e.g. 3.5 g", "i.e.", "U.S.", "U.S.A.", "a.k.a.", "Ph.D.", "т.е.", "и т.д.",  # abbreviations
    "12.05.2024", "12-05-2024", "1.2.3.4", "v1.2.3", "2.5.1-beta", "1-2-3-4",  # dates, versions, numbers
    "x-ray", "well-known", "T-Rex", "A-B-C", "s-s-s-stop", "3-MeO-PCP",  # hyphenated words and names
    "PVP-соль", "альфа-PVP", "2-х", "GTX1080Ti", "a1234b",  # Russian parts and codes keep their script
    "BR*MA", "x*y",  # a masked letter is the matcher's to read
])
def test_ordinary_punctuation_and_codes_are_kept(text: str) -> None:
    assert normalize(text).text == text


def test_emoji_codes_become_words() -> None:
    norm = normalize("❄️ 1g and 🍁 5g, 💊 x10")
    assert "cocaine" in norm.text and "cannabis" in norm.text and "pills" in norm.text
    start = norm.text.index("cocaine")
    assert norm.span(start, start + len("cocaine")) == (0, 1)


def test_offsets_map_back_to_the_original() -> None:
    original = "TOP metonіtаzene powder Ｈｙｄｒｏ and c0ca1ne\u200b!"
    norm = normalize(original)
    for word, written in (("metonitazene", "metonіtаzene"), ("Hydro", "Ｈｙｄｒｏ"), ("cocaine", "c0ca1ne")):
        start = norm.text.index(word)
        a, b = norm.span(start, start + len(word))
        assert original[a:b] == written
    assert len(norm.starts) == len(norm.ends) == len(norm.text)
    assert list(norm.starts) == sorted(norm.starts)


def test_split_letters_span_covers_the_separators() -> None:
    original = "є к*с*а*н*а*к*с 5 таб"
    norm = normalize(original)
    start = norm.text.index("ксанакс")
    a, b = norm.span(start, start + len("ксанакс"))
    assert original[a:b] == "к*с*а*н*а*к*с"


def test_spelled_out_span_covers_the_separators() -> None:
    original = "Selling V-I-C-O-D-I-N and 2C-В today"
    norm = normalize(original)
    for word, written in (("VICODIN", "V-I-C-O-D-I-N"), ("2C-B", "2C-В")):
        start = norm.text.index(word)
        a, b = norm.span(start, start + len(word))
        assert original[a:b] == written
