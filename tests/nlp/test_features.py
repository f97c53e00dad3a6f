"""What the classifier reads: rule-based findings as token norms, and the bag of words over those norms."""

from __future__ import annotations

import pytest
from spacy.language import Language

from nlp.features import extract_norm_features, finding_pairs
from nlp.pipeline import default


@pytest.fixture(scope="module")
def nlp() -> Language:
    return default()


def norms(nlp: Language, text: str) -> list[str]:
    return [t.norm_ for t in nlp(text)]


def test_findings_become_language_independent_norms(nlp: Language) -> None:
    text = "Selling coke 1g 80€, BTC bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq, Wickr: snowman_uk"
    doc = nlp(text)
    assert doc.text == text and [t.text for t in doc][:2] == ["Selling", "coke"]
    got = [t.norm_ for t in doc]
    assert got[:2] == ["selling", "__stimulant__"]
    assert {"__quantity__", "__price__", "__wallet__", "__contact__"} <= set(got)
    assert norms(nlp, "Мефедрон 1 г 2500 руб")[0] == "__stimulant__"


def test_illicit_goods_and_ordinary_chemicals_are_marked(nlp: Language) -> None:
    assert "__document__" in norms(nlp, "Fake passport, any EU country, 580 USD")
    assert "__weapon__" in norms(nlp, "AK-47 with two magazines, 1500 USD")
    assert "__card_data__" in norms(nlp, "Fresh fullz with CVV, 15$ each")
    glycerol = norms(nlp, "Glycerol CAS 56-81-5, 99.5%, 25 kg drums")
    assert "__cas__" in glycerol and "__precursor__" not in glycerol
    bmk = norms(nlp, "BMK methyl glycidate CAS 80532-66-7, 1 kg")
    assert "__precursor__" in bmk and "__cas__" not in bmk
    assert "__cas__" not in norms(nlp, "Glycerol CAS 56-81-6")  # wrong check digit: not a CAS number


def test_illicit_goods_are_found_through_disguises(nlp: Language) -> None:
    assert norms(nlp, "f4ke p4ssport, 500 USD")[:2] == ["__document__", "__document__"]  # leetspeak
    assert "__card_data__" in norms(nlp, "C\u2060V\u200bV 10 pcs 40$")  # zero-width characters
    assert "__card_data__" in norms(nlp, "Hochwertige C-V-V, 10 Stück 200 EUR")  # letters joined by hyphens
    assert "__card_data__" in norms(nlp, "Bank-Logs 1 Stk 50 €")  # "bank logs" written with a hyphen
    assert norms(nlp, "SSN+DOB 5 units 77$")[0] == "__document__"  # "ssn" glued to its neighbour
    assert "__weapon__" in norms(nlp, "ammo 50 rounds 40$") and "__weapon__" not in norms(nlp, "ammo is cheap")


def test_disguised_and_plain_names_read_the_same_to_the_classifier(nlp: Language) -> None:
    plain, leet = nlp("Selling cocaine 1g 80€, fast shipping"), nlp("Selling c0ca1ne 1g 80€, fast shipping")
    assert [t.norm_ for t in plain] == [t.norm_ for t in leet]
    assert plain.cats == pytest.approx(leet.cats)
    assert max(plain.cats, key=plain.cats.get) == "drug_offer"


def test_the_bag_reads_whether_an_ngram_occurs_not_how_often(nlp: Language) -> None:
    docs = [nlp.make_doc("coke : fast : safe : coke"), nlp.make_doc("coke : fast")]
    keys, values, lengths = extract_norm_features(2).predict(docs)
    assert list(lengths) == [4 + 6, 3 + 2]  # unique unigrams and bigrams: the three colons are one key
    assert len(set(keys[:10].tolist())) == 10
    assert set(values.tolist()) == {1.0}  # "coke" and ":" weigh as much as "fast"


def test_findings_are_also_read_in_pairs_drugs_as_one_kind(nlp: Language) -> None:
    weapon = finding_pairs(nlp("Glock 19 with two magazines, 1500 USD"))
    assert "__price__ & __weapon__" in weapon and not any("__drug__" in pair for pair in weapon)
    coke, pills = finding_pairs(nlp("Selling coke 1g 80€")), finding_pairs(nlp("Selling xanax 10 pills 80€"))
    assert "__drug__ & __price__" in coke and "__drug__ & __price__" in pills  # stimulant and sedative alike
    review = finding_pairs(nlp("Got my coke today, 1g on the dot"))
    assert "__drug__ & __quantity__" in review and "__drug__ & __price__" not in review
    doc = nlp("Selling coke 1g 80€")
    keys, values, lengths = extract_norm_features(2).predict([doc])
    assert lengths[0] == len(set(keys.tolist())) == len({t.norm for t in doc}) + len(doc) - 1 + len(coke)
