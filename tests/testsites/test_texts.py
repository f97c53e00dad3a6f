"""The range's texts: deterministic, multilingual, noisy like real listings, and truthful about what they say.

Ground truth is only useful if it is exact: every reported surface form must be on the page, every contact
verbatim, every price positive and in a known currency. These tests check that on large random samples.
"""

from __future__ import annotations

import csv
import random
import re
import time
import unicodedata
from pathlib import Path

import pytest

from testsites import identifiers as ids
from testsites import texts
from testsites.vocabulary import (
    CLASSES,
    LAB_CHEMICALS,
    LANGS,
    OTHER_ILLICIT,
    PRECURSORS,
    SUBSTANCES,
    Chemical,
    Illicit,
    Substance,
)

CATEGORIES = ("drug_offer", "precursor_offer", "other_illicit_offer")
POOLS: dict[str, tuple[Substance, ...] | tuple[Chemical, ...] | tuple[Illicit, ...]] = {
    "drug_offer": SUBSTANCES,
    "precursor_offer": PRECURSORS,
    "other_illicit_offer": OTHER_ILLICIT,
}
QTY_UNITS = {"g", "kg", "oz", "ml", "l", "pill", "tab", "ug", "blotter", "unit"}
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060")
CODE_EMOJI = ("❄", "🍁", "🌿", "💊", "💎", "🍄", "🐎", "🦄", "🌈", "😺", "⚡", "🍫")
REFERENCE = Path("/work/shared/reference/precursors.csv")


def _contacts(rng: random.Random) -> list[dict]:
    """A mix of every identifier type the range hands to texts, decoys included."""
    pool = [
        ids.telegram(rng, "snow king"),
        ids.session_id(rng),
        ids.wickr(rng, "dutch chems"),
        ids.threema(rng),
        ids.email(rng, "north labs"),
        ids.phone(rng, rng.choice(ids.PHONE_COUNTRIES)),
        ids.xmpp(rng, "ghost"),
        ids.iban(rng),
        ids.onion(rng),
        ids.snapchat(rng, "zen bros"),
        ids.crypto_address(rng, rng.choice(tuple(ids.CRYPTO_KINDS))),
        ids.crypto_decoy(rng, rng.choice(("BTC", "XMR", "ETH", "TRX", "LTC"))),
        ids.iban_decoy(rng),
        ids.card_decoy(rng),
        ids.onion_decoy(rng),
    ]
    return rng.sample(pool, rng.randint(0, 6))


def _random_text(rng: random.Random) -> tuple[str, texts.Text]:
    lang = rng.choice(LANGS)
    roll = rng.random()
    contacts = _contacts(rng)
    if roll < 0.6:
        category = rng.choice(CATEGORIES)
        item = rng.choice(POOLS[category])
        return category, texts.offer(
            rng,
            lang,
            category,
            item,
            currency=rng.choice(tuple(texts.FX)),
            contacts=contacts,
            obfuscation=rng.random(),
        )
    if roll < 0.75:
        items = rng.sample(SUBSTANCES, rng.randint(1, 7))
        return "menu", texts.menu(rng, lang, items, currency=rng.choice(tuple(texts.FX)), contacts=contacts)
    kind = rng.choice(texts.KINDS)
    item = rng.choice(SUBSTANCES) if kind != "legal_chemical" else rng.choice(LAB_CHEMICALS)
    return kind, texts.post(rng, lang, kind, item if rng.random() < 0.9 else None, contacts=contacts)


def _cas_valid(cas: str) -> bool:
    m = re.fullmatch(r"(\d{2,7})-(\d{2})-(\d)", cas)
    if not m:
        return False
    digits = m.group(1) + m.group(2)
    return sum(i * int(d) for i, d in enumerate(reversed(digits), start=1)) % 10 == int(m.group(3))


# -- vocabulary -------------------------------------------------------------------------------------------


def test_substances_cover_the_required_families() -> None:
    assert len(SUBSTANCES) >= 40
    assert all(s.cls in CLASSES for s in SUBSTANCES)
    names = {s.name: s for s in SUBSTANCES}
    required = {
        "fentanyl",
        "carfentanil",
        "acetylfentanyl",
        "furanylfentanyl",
        "heroin",
        "oxycodone",
        "hydrocodone",
        "tramadol",
        "methadone",
        "cocaine",
        "crack cocaine",
        "methamphetamine",
        "amphetamine",
        "mephedrone",
        "alpha-pvp",
        "3-mmc",
        "cannabis",
        "cannabis resin",
        "mdma",
        "mda",
        "lsd",
        "psilocybin mushrooms",
        "dmt",
        "mescaline",
        "2c-b",
        "ketamine",
        "pcp",
        "3-meo-pcp",
        "alprazolam",
        "diazepam",
        "clonazepam",
        "ghb",
        "bromazolam",
        "etizolam",
    }
    assert required <= set(names)
    assert len([n for n in names if "nitazene" in n]) >= 4
    assert all(names[n].cls == "opioid" for n in names if "nitazene" in n or "fentan" in n)
    assert {s.cls for s in SUBSTANCES if s.name.startswith("cannabis") or s.name == "thc oil"} == {"cannabis"}
    assert names["bromazolam"].cls == names["etizolam"].cls == "nps"
    assert {"Oxy", "OC", "M30", "blues"} <= set(names["oxycodone"].names["en"])
    assert set(CLASSES) == {s.cls for s in SUBSTANCES}


def test_every_language_has_names_and_names_point_to_one_substance() -> None:
    for lang in LANGS:
        seen: dict[str, str] = {}
        for s in SUBSTANCES:
            assert len(s.names[lang]) >= 2, (s.name, lang)
            for n in s.names[lang]:
                assert n.strip() == n and n, (s.name, lang)
                assert seen.setdefault(n.casefold(), s.name) == s.name, (
                    f"{n!r} names two substances in {lang}"
                )
    cyrillic = [
        n
        for s in SUBSTANCES
        for lang in ("ru", "uk")
        for n in s.names[lang]
        if any(unicodedata.name(c, "").startswith("CYRILLIC") for c in n)
    ]
    assert {"соль", "меф", "шишки", "гер", "фен"} <= set(cyrillic)
    assert all(
        s.unit in {"g", "pill", "tab", "ml", "ug", "blotter"} and s.usd_per_unit > 0 and s.forms
        for s in SUBSTANCES
    )
    assert all(f in texts.FORM_WORDS for s in SUBSTANCES for f in s.forms)
    assert len(OTHER_ILLICIT) >= 8
    assert all(len(i.names[lang]) >= 2 and i.usd_per_unit > 0 for i in OTHER_ILLICIT for lang in LANGS)


def test_chemicals_carry_valid_cas_numbers_and_tables() -> None:
    for chem in PRECURSORS + LAB_CHEMICALS:
        assert _cas_valid(chem.cas), chem
        assert chem.unit in ("kg", "l") and chem.usd_per_unit > 0
        assert chem.name == chem.name.lower()
    assert all(c.table in ("I", "II", None) for c in PRECURSORS)
    assert {c.table for c in PRECURSORS} == {"I", "II", None}
    assert len(LAB_CHEMICALS) >= 12 and all(c.table is None for c in LAB_CHEMICALS)
    assert not {c.cas for c in PRECURSORS} & {c.cas for c in LAB_CHEMICALS}
    by_cas = {c.cas: c for c in PRECURSORS}
    assert by_cas["103-82-2"].table == "I", "phenylacetic acid moved to Table I"
    assert {"new BMK", "BMK glycidate"} <= set(by_cas["5449-12-7"].trade)
    trade = {t for c in PRECURSORS for t in c.trade}
    assert {
        "BMK",
        "P-2-P",
        "APAAN",
        "MAPA",
        "NPP",
        "ANPP",
        "4-AP",
        "PMK glycidate",
        "1-boc-4-piperidone",
    } <= trade


@pytest.mark.skipif(not REFERENCE.exists(), reason="reference list not available here")
def test_precursors_cover_every_reference_row() -> None:
    with REFERENCE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ours = {c.cas: c for c in PRECURSORS}
    for row in rows:
        assert row["cas"] in ours, row["name"]
        chem, control = ours[row["cas"]], row["control"]
        expected = "I" if control.startswith("1988 Table I ") or control == "1988 Table I" else None
        expected = "II" if control.startswith("1988 Table II") else expected
        assert chem.table == expected, (row["name"], chem.table, control)
        assert chem.name == row["name"].lower()
    assert len(ours) == len(rows)


# -- ground truth of texts --------------------------------------------------------------------------------


def test_same_seed_same_text_other_seed_other_text() -> None:
    for seed in range(40):
        a, b = _random_text(random.Random(seed)), _random_text(random.Random(seed))
        assert a == b
    bodies = {_random_text(random.Random(seed))[1].body for seed in range(200)}
    assert len(bodies) >= 195


def test_surface_forms_contacts_prices_and_quantities_are_exact() -> None:
    rng = random.Random(1)
    for _ in range(4000):
        kind, text = _random_text(rng)
        assert text.title and text.body and "\n" not in text.title and text.title == text.title.strip()
        names = [s["name"] for s in text.substances]
        assert len(names) == len(set(names)), "each substance once"
        for s in text.substances:
            assert s["text"] and s["text"] in text.body, (kind, s, text.body)
            assert s["text"] in text.title + "\n" + text.body
            if s["class"] is not None:
                assert s["class"] in CLASSES and s["cas"] is None and s["precursor_table"] is None
            else:
                assert _cas_valid(s["cas"]) and s["precursor_table"] in ("I", "II", None)
        for c in text.identifiers:
            value = c["value"]
            at = text.body.find(value)
            assert at >= 0, (c, text.body)
            before = text.body[at - 1] if at else " "
            after = text.body[at + len(value)] if at + len(value) < len(text.body) else " "
            assert before.isspace() or before in ":|(,;-", (c, text.body)
            assert after.isspace() or after in ".,;|)", (c, text.body)
        for q in text.quantities:
            assert q["unit"] in QTY_UNITS and q["amount"] > 0 and isinstance(q["amount"], float)
        for p in text.prices:
            assert p["amount"] > 0 and p["currency"] in texts.FX
            assert p["per"] is None or p["per"] in text.quantities
        if kind in CATEGORIES or kind == "menu":
            assert kind == "menu" or text.prices, kind
            if text.prices:
                assert text.prices[0]["per"] == text.quantities[0]


def test_contacts_are_returned_unchanged() -> None:
    rng = random.Random(2)
    contacts = _contacts(random.Random(3)) + [ids.crypto_decoy(rng, "BTC")]
    frozen = [dict(c) for c in contacts]
    text = texts.offer(rng, "en", "drug_offer", SUBSTANCES[0], currency="USD", contacts=contacts)
    assert text.identifiers == frozen and text.identifiers[-1]["reason"]
    assert all(c["value"] in text.body for c in contacts)


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_writes_every_category_kind_and_menu(lang: str) -> None:
    rng = random.Random(lang)
    for category in CATEGORIES:
        for item in POOLS[category]:
            text = texts.offer(rng, lang, category, item, currency="EUR")
            assert text.title and text.body and text.prices
            if category != "other_illicit_offer":
                assert text.substances[0]["name"] == item.name
    for kind in texts.KINDS:
        for _ in range(20):
            text = texts.post(rng, lang, kind, rng.choice(SUBSTANCES) if kind != "legal_chemical" else None)
            assert text.title and len(text.body) > 20
            assert (not text.substances) == (kind in ("chatter", "scam_warning")), (kind, text)
    text = texts.menu(rng, lang, SUBSTANCES[:6], currency="RUB")
    assert text.body.startswith(text.title) and len(text.substances) == 6
    if lang in ("ru", "uk"):
        assert any(unicodedata.name(c, "").startswith("CYRILLIC") for c in text.body)


def test_prices_follow_currency_and_bulk_discount() -> None:
    rng = random.Random(4)
    cocaine = next(s for s in SUBSTANCES if s.name == "cocaine")
    for currency in texts.FX:
        for _ in range(200):
            text = texts.offer(rng, "en", "drug_offer", cocaine, currency=currency)
            assert {p["currency"] for p in text.prices} == {currency}
            per_unit = [p["amount"] / p["per"]["amount"] for p in text.prices if p["per"]["unit"] == "g"]
            assert all(x > 0 for x in per_unit)
    usd = [
        texts.offer(random.Random(i), "en", "drug_offer", cocaine, currency="USD").prices[0]
        for i in range(300)
    ]
    per_gram = [p["amount"] / p["per"]["amount"] for p in usd if p["per"]["unit"] == "g"]
    assert 30 < sum(per_gram) / len(per_gram) < 120


def test_precursor_offers_read_like_supplier_ads() -> None:
    rng = random.Random(5)
    texts_ = [
        texts.offer(rng, rng.choice(LANGS), "precursor_offer", rng.choice(PRECURSORS), currency="USD")
        for _ in range(1500)
    ]
    assert all(t.substances[0]["cas"] and t.substances[0]["class"] is None for t in texts_)
    assert sum("CAS" in t.title + t.body or "cas:" in t.title + t.body for t in texts_) > 1200
    assert any(t.substances[0]["text"] == t.substances[0]["cas"] for t in texts_), "CAS-only listings"
    trade = {tr for c in PRECURSORS for tr in c.trade}
    assert any(t.substances[0]["text"] in trade for t in texts_), "trade-name-only listings"
    bodies = " ".join(t.body for t in texts_)
    assert "high yield" in bodies and "door to door" in bodies


def test_legal_chemicals_and_news_report_what_they_mention() -> None:
    rng = random.Random(6)
    for chem in LAB_CHEMICALS:
        text = texts.post(rng, "en", "legal_chemical", chem)
        assert text.substances == [
            {
                "text": text.substances[0]["text"],
                "name": chem.name,
                "class": None,
                "cas": chem.cas,
                "precursor_table": None,
            }
        ]
        assert chem.cas in text.body and text.prices and text.prices[0]["currency"] == "USD"
    news = [texts.post(rng, rng.choice(LANGS), "news", rng.choice(SUBSTANCES)) for _ in range(300)]
    assert any(t.quantities for t in news) and not any(t.prices for t in news)
    heroin = next(s for s in SUBSTANCES if s.name == "heroin")
    harm = [texts.post(rng, "en", "harm_reduction", heroin) for _ in range(200)]
    assert any("fentanyl" in {s["name"] for s in t.substances} for t in harm), "test strips name fentanyl"


def test_random_calls_never_raise() -> None:
    rng = random.Random(7)
    for _ in range(20_000):
        _random_text(rng)
    with pytest.raises(ValueError):
        texts.offer(rng, "xx", "drug_offer", SUBSTANCES[0], currency="USD")
    with pytest.raises(ValueError):
        texts.offer(rng, "en", "drug_offer", PRECURSORS[0], currency="USD")
    with pytest.raises(ValueError):
        texts.post(rng, "en", "poem")


# -- noise ------------------------------------------------------------------------------------------------

_LEET_BACK = {"4": "aа", "@": "aа", "3": "eз", "0": "oо", "1": "il", "5": "s", "$": "s", "7": "t", "6": "б"}


def _is_leet(sf: str, names: set[str]) -> bool:
    if not any(c in _LEET_BACK for c in sf):
        return False
    pattern = "".join(f"[{_LEET_BACK[c]}{c}]" if c in _LEET_BACK else re.escape(c) for c in sf)
    return sf.casefold() not in names and any(re.fullmatch(pattern, n, re.I) for n in names)


def _mixed_script(sf: str) -> bool:
    scripts = {unicodedata.name(c, "").split()[0] for c in sf if c.isalpha()}
    return {"LATIN", "CYRILLIC"} <= scripts


def test_obfuscation_features_all_occur_in_2000_offers() -> None:
    rng = random.Random(8)
    found = {"zero_width": 0, "emoji": 0, "leet": 0, "homoglyph": 0, "caps": 0, "decorative": 0}
    for _ in range(2000):
        sub = rng.choice(SUBSTANCES)
        text = texts.offer(rng, rng.choice(LANGS), "drug_offer", sub, currency="USD", obfuscation=0.35)
        sf = text.substances[0]["text"]
        names = {n.casefold() for lang in LANGS for n in sub.names[lang]}
        found["zero_width"] += any(z in sf for z in ZERO_WIDTH)
        found["emoji"] += any(e in text.title + text.body for e in CODE_EMOJI)
        found["leet"] += _is_leet(sf, names)
        found["homoglyph"] += _mixed_script(sf)
        found["caps"] += sf.isupper() and len(sf) > 3
        found["decorative"] += any(ord(c) > 0x1D3FF or 0xFF20 < ord(c) < 0xFF5B for c in sf)
    assert all(v >= 10 for v in found.values()), found


def test_menus_use_emoji_codes_and_dead_drops_appear_in_russian() -> None:
    rng = random.Random(9)
    menus = [
        texts.menu(rng, "ru", rng.sample(SUBSTANCES, 6), currency="RUB", obfuscation=0.6) for _ in range(300)
    ]
    assert all(
        any(e in m.body for e in CODE_EMOJI)
        for m in menus
        if any(s["name"] in ("cocaine", "cannabis", "methamphetamine") for s in m.substances)
    )
    assert any(s["text"] == "❄️" for m in menus for s in m.substances), "emoji-only surface form"
    offers = " ".join(
        texts.offer(rng, "ru", "drug_offer", rng.choice(SUBSTANCES), currency="RUB").body for _ in range(300)
    )
    assert re.search(r"закладк|клад|прикоп|магнит", offers)


def test_ten_thousand_listings_vary_and_are_fast() -> None:
    rng = random.Random(10)
    start = time.perf_counter()
    bodies, titles = set(), set()
    for i in range(10_000):
        category = CATEGORIES[i % 3]
        text = texts.offer(rng, LANGS[i % len(LANGS)], category, rng.choice(POOLS[category]), currency="EUR")
        bodies.add(text.body)
        titles.add(text.title)
    assert time.perf_counter() - start < 10
    assert len(bodies) > 9_900 and len(titles) > 8_000


@pytest.mark.parametrize("kind", ["xss", "csv", "xml"])
def test_payloads(kind: str) -> None:
    seen = {texts.payload(random.Random(i), kind) for i in range(100)}
    assert all(s and "\n" not in s for s in seen)
    if kind == "xss":
        assert {"<script>alert(1)</script>", "<img src=x onerror=alert(1)>"} <= seen
    if kind == "csv":
        assert {'=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"} <= seen
    if kind == "xml":
        assert any("<!ENTITY xxe SYSTEM" in s for s in seen)
    with pytest.raises(ValueError):
        texts.payload(random.Random(0), "sql")
