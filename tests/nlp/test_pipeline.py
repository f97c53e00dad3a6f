"""The spaCy pipeline end to end: saved and reloaded offline, multilingual offers, disguised text, ambiguous slang,
and substance recall against the test range's ground truth."""

from __future__ import annotations

import collections
import subprocess
import sys
from pathlib import Path

import pytest
from spacy.language import Language

from nlp.evaluate import evaluate_range
from nlp.pipeline import analyze, build, default
from testsites.world import World


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build()


def test_saved_pipeline_loads_in_a_fresh_process_via_entry_points(tmp_path: Path) -> None:
    build(tmp_path / "model")
    code = (
        "import sys, spacy\n"
        "nlp = spacy.load(sys.argv[1])\n"
        "assert 'nlp.components' in sys.modules  # imported by spaCy through the spacy_factories entry points\n"
        "doc = nlp('Selling pure MDMA crystals from the Netherlands, 1g for 40€')\n"
        "print(doc._.language, [s['name'] for s in doc._.substances], nlp.pipe_names)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "NO_PROXY": "*", "HTTPS_PROXY": "http://127.0.0.1:9"}
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "model")], capture_output=True, text=True,
                         env=env, cwd=tmp_path, timeout=120, check=True).stdout
    assert "en ['mdma']" in out
    assert "narcwatch_substances" in out


OFFERS = [
    ("en", "Top quality cocaine, 92% pure. 1g for $80, 3.5g - $250. Ships worldwide in stealth packaging.",
     {"cocaine"}),
    ("ru", "Мефедрон кристаллы высокого качества. Цена: 1 г — 2500 руб, 5 г — 11000 руб. Закладки по всему городу.",
     {"mephedrone"}),
    ("uk", "Продаємо амфетамін найвищої якості. Ціна: 1 г — 900 грн, доставка Новою поштою по всій Україні.",
     {"amphetamine"}),
    ("de", "Verkaufe hochwertiges Heroin aus Afghanistan. Preis: 1g für 60€, Versand innerhalb von Deutschland.",
     {"heroin"}),
    ("es", "Vendemos ketamina de la mejor calidad. Precio: 1g por 40€, envío discreto a toda España en 48 horas.",
     {"ketamine"}),
    ("fr", "Vente de MDMA en cristaux, qualité supérieure. Prix : 1g pour 50€, livraison discrète partout en France.",
     {"mdma"}),
    ("pt", "Vendemos LSD de alta qualidade, cartelas testadas. Preço: 10 unidades por 120€, envio discreto para "
           "todo o Portugal.", {"lsd"}),
    ("nl", "Wij verkopen speed van de beste kwaliteit. Prijs: 10 gram voor 60 euro, discrete verzending door heel "
           "Nederland.", {"amphetamine"}),
]


@pytest.mark.parametrize(("lang", "text", "names"), OFFERS, ids=[lang for lang, _, _ in OFFERS])
def test_multilingual_offers(nlp: Language, lang: str, text: str, names: set[str]) -> None:
    doc = nlp(text)
    assert doc._.language == lang
    assert {s["name"] for s in doc._.substances} == names
    for found in doc._.substances:
        assert text[found["start"] : found["end"]] == found["text"]
        assert found["class"] is not None
    assert [span.text for span in doc.spans["substances"]] == [s["text"] for s in doc._.substances]
    assert doc._.quantities and doc._.prices
    for item in doc._.quantities + doc._.prices:
        assert text[item["start"] : item["end"]] == item["text"]


def test_substance_fields(nlp: Language) -> None:
    found = nlp("Fresh cocaine, 1g 80€")._.substances
    assert found == [{"text": "cocaine", "name": "cocaine", "class": "stimulant", "cas": None,
                      "precursor_table": None, "start": 6, "end": 13}]


def test_precursor_by_name_and_by_cas(nlp: Language) -> None:
    text = "APAAN 4468-48-8, 25 kg drum, $1200. Also 4468-48-9 (mistyped) on request."
    found = nlp(text)._.substances
    assert [(s["text"], s["name"], s["class"], s["cas"]) for s in found] == [
        ("APAAN", "alpha-phenylacetoacetonitrile", None, "4468-48-8"),
        ("4468-48-8", "alpha-phenylacetoacetonitrile", None, "4468-48-8"),
    ]
    assert {s["precursor_table"] for s in found} == {"I"}


def test_identifiers_and_prices_point_into_the_original(nlp: Language) -> None:
    text = "Мефедрон 1 г — 2500 ₽. Пиши в телеграм @best_shop_bot или +7 912 345-67-89. Оплата BTC."
    doc = nlp(text)
    assert doc._.language == "ru"
    assert doc._.identifiers
    for ident in doc._.identifiers:
        assert text[ident["start"] : ident["end"]] == ident["value"]
    assert {i["type"] for i in doc._.identifiers} >= {"phone"}
    assert doc._.prices[0]["currency"] == "RUB"
    assert doc._.prices[0]["per"]["unit"] == "g"
    assert doc._.pgp_keys == []


@pytest.mark.parametrize(("text", "e164"), [
    ("Мефедрон, звоните 8 912 345-67-89, доставка по всей Москве", "+79123456789"),  # the language's region
    ("Quality weed shipped from the UK, message me on WhatsApp (31) 99154-3101", "+5531991543101"),  # only BR
])
def test_national_phone_numbers(nlp: Language, text: str, e164: str) -> None:
    phones = [i for i in nlp(text)._.identifiers if i["type"] == "phone"]
    assert [p["normalized"] for p in phones] == [e164]
    assert text[phones[0]["start"] : phones[0]["end"]] == phones[0]["value"]


def test_cas_numbers_and_short_digit_runs_are_not_phones(nlp: Language) -> None:
    text = "Dutch supplier of 140-29-4 and 125541-22-2, lot 1640, reference 4995189621980461, see our catalogue"
    assert [i for i in nlp(text)._.identifiers if i["type"] == "phone"] == []


def test_disguised_text_maps_back_to_original_characters(nlp: Language) -> None:
    text = "Pure c0ca1ne and me\u200bth\u200bamphetamine, ❄️ 1g 80€, Кеtаmіnе 5g 150€"
    doc = nlp(text)
    got = [(s["name"], text[s["start"] : s["end"]]) for s in doc._.substances]
    assert got == [("cocaine", "c0ca1ne"), ("methamphetamine", "me\u200bth\u200bamphetamine"), ("cocaine", "❄"),
                   ("ketamine", "Кеtаmіnе")]
    assert [span.text for span in doc.spans["substances"]] == [t for _, t in got]


@pytest.mark.parametrize(("text", "name", "written"), [
    ("BR*MA 10 pills 20€", "bromazolam", "BR*MA"),
    ("Pure c*caine 1g 80€", "cocaine", "c*caine"),
    ("h3r*in 1g 60€", "heroin", "h3r*in"),  # leet read first
    ("Stiln*x 10 tabs", "zolpidem", "Stiln*x"),
    ("М*рфий 10 ампул", "morphine", "М*рфий"),
])
def test_a_masked_letter_is_read_when_one_substance_fits(nlp: Language, text: str, name: str, written: str) -> None:
    found = nlp(text)._.substances
    assert [(s["name"], text[s["start"] : s["end"]]) for s in found] == [(name, written)]


@pytest.mark.parametrize("text", [
    "кр*к 1г 2000₽",  # крэк (crack) or крок (desomorphine)
    "w*ck 30ml 50€",  # wock (codeine) or wack (PCP)
    "f*ck this, 1g for 80€",  # no term
    "l*d 10 tabs 50€",  # a word of three letters keeps too few to go on
])
def test_a_masked_letter_that_fits_several_substances_or_none_is_not_read(nlp: Language, text: str) -> None:
    assert nlp(text)._.substances == []


@pytest.mark.parametrize(("text", "name", "written"), [
    ("2С-В 5 таб 50€", "2c-b", "2С-В"),  # Cyrillic С and В only
    ("Selling V-I-C-O-D-I-N 10mg", "hydrocodone", "V-I-C-O-D-I-N"),
    ("а-PVP 1g 30€", "alpha-pvp", "а-PVP"),
    ("flualp 10 pills", "flualprazolam", "flualp"),
    ("этиз 10 таб", "etizolam", "этиз"),
])
def test_disguised_and_clipped_names(nlp: Language, text: str, name: str, written: str) -> None:
    assert [(s["name"], text[s["start"] : s["end"]]) for s in nlp(text)._.substances] == [(name, written)]


@pytest.mark.parametrize("text", ["ice cold drinks", "snow in Berlin", "snow in Berlin ❄️ tonight",
                                  "¡Qué broma tan buena!", "кабель 3м, в 3-ем ряду"])
def test_ambiguous_slang_alone_is_not_a_substance(nlp: Language, text: str) -> None:
    assert nlp(text)._.substances == []


@pytest.mark.parametrize(("text", "name"), [("ice 1g 80€", "methamphetamine"), ("❄️ 1g 80€", "cocaine")])
def test_ambiguous_slang_with_quantity_or_price_counts(nlp: Language, text: str, name: str) -> None:
    assert [s["name"] for s in nlp(text)._.substances] == [name]


@pytest.mark.parametrize("text", ["Mephedrone crystals, 50 EUR per g", "Cocaine 80€/g, min 2 g", "MDMA 40$ за г"])
def test_the_unit_a_price_is_per_is_not_slang(nlp: Language, text: str) -> None:
    """"g" is GHB slang, but in "per g" it is the unit the price is for."""
    assert "ghb" not in {s["name"] for s in nlp(text)._.substances}


def test_strict_ambiguous_drops_slang_for_another_drug_when_the_drug_is_named() -> None:
    text = "Ketamine needles, 1 g — 40€. Pills also available."
    strict = build(overrides={"components.narcwatch_substances.strict_ambiguous": True})
    assert {s["name"] for s in strict(text)._.substances} == {"ketamine"}


def test_analyze_records(nlp: Language) -> None:
    records = [{"id": "a:1", "title": "Heroin 1g", "description": "Afghan heroin, 1g 70€"},
               {"id": "b:2", "text": "ice cold drinks"}]
    out = list(analyze(nlp, records))
    assert [r["id"] for r in out] == ["a:1", "b:2"]
    assert set(out[0]) == {"id", "language", "category", "scores", "substances", "identifiers", "quantities",
                           "prices", "pgp_keys"}
    assert out[0]["category"] is None and out[0]["scores"] is None  # build() has no classifier
    assert out[0]["substances"][0]["start"] == 0
    assert out[1]["substances"] == []


def test_substance_recall_on_the_test_range(nlp: Language) -> None:
    records = list(World(seed=11, listings=300).truth(collections.defaultdict(lambda: "http://range")))
    report = evaluate_range(nlp, records)
    print(f"substance recall {report.substance_recall:.3f} over {report.texts} texts; most missed: "
          f"{list(report.substances_missed.items())[:10]}")
    assert report.substance_recall >= RECALL_FLOOR


# The target is 0.9. Undoing spelled-out, masked and look-alike names and adding clipped NPS names that
# forums really use (flualp, broma, meto, этиз) took recall on World(seed=11, listings=300) from 0.868 to 0.901; the
# floor sits just under it. Most remaining misses are range nicknames the lexicon deliberately lacks.
RECALL_FLOOR = 0.90


@pytest.mark.timeout(180)
def test_worker_processes_match_one_process_after_the_parent_scored_a_batch() -> None:
    """lingua's parallel scorer runs on threads a fork does not copy; workers forked after the parent used it must
    neither hang nor differ."""
    trained = default()
    texts = [f"{text} #{i}" for i in range(40) for _, text, _ in OFFERS]
    alone = [(d._.language, d.cats, d._.substances) for d in trained.pipe(texts)]
    workers = [(d._.language, d.cats, d._.substances) for d in trained.pipe(texts, n_process=2, batch_size=64)]
    assert workers == alone


def test_a_key_block_is_a_fingerprint_identifier_with_its_key_facts(nlp: Language) -> None:
    world = World(seed=11, listings=300)
    vendor = next(r for r in world.truth(collections.defaultdict(lambda: "http://range"))
                  if r["type"] == "vendor" and r["pgp"])
    armored = world.account(vendor["site"], vendor["name"]).pgp.armored.strip()
    text = f"Contact me only encrypted.\n{armored}\nWickr: {vendor['name']}_x"
    doc = nlp(text)
    [block] = [i for i in doc._.identifiers if i["kind"] == "key_block"]
    assert block["type"] == "pgp_fingerprint" and block["value"] == vendor["pgp"]["fingerprint"]
    assert text[block["start"] : block["end"]] == armored
    assert [i["start"] for i in doc._.identifiers] == sorted(i["start"] for i in doc._.identifiers)
    [key] = doc._.pgp_keys
    assert (key["key_id"], key["user_ids"]) == (vendor["pgp"]["key_id"], [vendor["pgp"]["user_id"]])
