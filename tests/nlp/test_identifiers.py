"""Identifier extraction: official vectors, real published addresses, the test range's ground truth and decoys."""

from __future__ import annotations

import collections
import random
import re
from datetime import UTC, datetime

import phonenumbers
import pytest
from monero import address as xmr_address

from nlp.evaluate import truth_key
from nlp.identifiers import Identifier, IdentifierReader, find_identifiers, parse_pgp_key_blocks
from nlp.pipeline import record_text
from tests.bip_vectors import BIP173_INVALID, BIP350_INVALID
from testsites import identifiers as ids
from testsites.pgp import make_key
from testsites.world import SITES, World

ZW = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def crypto(text: str) -> list[Identifier]:
    return [i for i in find_identifiers(text) if i.type == "crypto_address"]


def check_offsets(text: str, found: list[Identifier]) -> None:
    for i in found:
        assert text[i.start : i.end] == i.value, i


# --- BIP-173 / BIP-350 test vectors (copied from the BIPs) ------------------------------------------------

BIP173_VALID_MAINNET = {"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4": "bech32"}
BIP173_VALID_TESTNET = [
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
    "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
]
# valid in BIP-173 but bech32-encoded witness v1+: BIP-350 makes them invalid
BIP173_SUPERSEDED = [
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
    "BC1SW50QA3JX3S",
    "bc1zw508d6qejxtdg4y5r3zarvaryvg6kdaj",
]
BIP350_VALID_MAINNET = {
    "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4": "bech32",
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y": "bech32m",
    "BC1SW50QGDZ25J": "bech32m",
    "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs": "bech32m",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0": "bech32m",
}


@pytest.mark.parametrize("addr", sorted({**BIP173_VALID_MAINNET, **BIP350_VALID_MAINNET}))
def test_bip_valid_mainnet_vectors_are_extracted(addr: str) -> None:
    kind = {**BIP173_VALID_MAINNET, **BIP350_VALID_MAINNET}[addr]
    text = f"Pay BTC: {addr}."
    [found] = crypto(text)
    assert (found.value, found.normalized, found.currency, found.kind) == (addr, addr.lower(), "BTC", kind)
    check_offsets(text, [found])


@pytest.mark.parametrize("addr", BIP173_INVALID + BIP350_INVALID + BIP173_SUPERSEDED + BIP173_VALID_TESTNET)
def test_bip_invalid_and_testnet_vectors_are_rejected(addr: str) -> None:
    assert crypto(f"BTC: {addr}") == []


# --- published real addresses, and the same with one character changed -----------------------------------

XMR_FUND = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"
KNOWN = [  # (address, currency, kind, normalized or None when equal to the address)
    ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "BTC", "p2pkh", None),  # genesis coinbase
    ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "BTC", "p2sh", None),  # Bitcoin wiki
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "BTC", "bech32m", None),  # BIP-350
    ("LM2WMpR1Rp6j3Sa59cMXMs1SPzj9eXpGc1", "LTC", "p2pkh", None),
    ("MGxNPPB7eBoWPUaprtX9v9CXJZoD2465zN", "LTC", "p2sh", None),
    ("ltc1qg42tkwuuxefutzxezdkdel39gfstuap288mfea", "LTC", "bech32", None),
    ("DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L", "DOGE", "p2pkh", None),
    ("XpESxaUmonkq8RaLLp46Brx2K39ggQe226", "DASH", "p2pkh", None),
    ("t1Hsc1LR8yKnbbe3twRp88p6vFfC5t7DLbs", "ZEC", "transparent", None),
    ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "TRX", "base58", None),  # USDT TRC-20 contract
    ("bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a", "BCH", "cashaddr", None),  # cashaddr spec
    ("qr95sy3j9xwd2ap32xkykttr4cvcu7as4y0qverfuy", "BCH", "cashaddr",
     "bitcoincash:qr95sy3j9xwd2ap32xkykttr4cvcu7as4y0qverfuy"),
    ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "ETH", "eip55", None),  # EIP-55 examples
    ("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "ETH", "eip55", None),
    ("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb", "ETH", "eip55", None),
    ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "ETH", "eip55", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
    (XMR_FUND, "XMR", "standard", None),  # Monero general fund (monero-python docs)
    (str(xmr_address.Address(XMR_FUND).with_payment_id("feedbeef")), "XMR", "integrated", None),
]


def _one_char_changed(addr: str) -> list[str]:
    """Variants with one character changed in the checksummed part (case flip for EIP-55)."""
    if addr.startswith("0x"):
        letters = [i for i, c in enumerate(addr) if i >= 2 and c.isalpha()]
        return [addr[:i] + addr[i].swapcase() + addr[i + 1 :] for i in letters[:3]]
    head = addr.find(":") + 1 + (4 if addr.lower().startswith(("bc1", "ltc1")) else 1)
    alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l" if addr[head].islower() and head > 2 else "23456789ABCDEFGHJKLMN"
    out = []
    for pos in (head, len(addr) // 2, len(addr) - 1):
        sub = next(c for c in alphabet if c != addr[pos])
        out.append(addr[:pos] + sub + addr[pos + 1 :])
    return out


@pytest.mark.parametrize(("addr", "currency", "kind", "normalized"), KNOWN)
def test_known_addresses_and_one_char_mutations(addr: str, currency: str, kind: str, normalized: str | None) -> None:
    [found] = crypto(f"Оплата {currency}: {addr} ✅")
    assert (found.value, found.currency, found.kind) == (addr, currency, kind)
    assert found.normalized == (normalized or addr)
    if addr == addr.lower() and addr.startswith("0x"):
        return  # an all-lower ETH address carries no checksum: nothing to mutate
    for bad in _one_char_changed(addr):
        assert crypto(f"{currency}: {bad}") == [], bad


@pytest.mark.parametrize(("currency", "kind"), [(c, k) for c, ks in ids.CRYPTO_KINDS.items() for k in ks])
def test_generated_addresses_and_decoys(currency: str, kind: str) -> None:
    rng = random.Random(f"nlp|{currency}|{kind}")
    label = {"BCH": "BCH", "LTC": "LTC"}.get(currency, "wallet")
    for _ in range(30):
        good = ids.crypto_address(rng, currency, kind)["value"]
        [found] = crypto(f"{label}: {good}")
        assert (found.currency, found.kind) == (currency, kind), good
        assert crypto(f"{label}: {ids.crypto_decoy(rng, currency, kind)['value']}") == []


def test_legacy_address_is_btc_unless_labelled_bch() -> None:
    genesis = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
    assert crypto(f"send to {genesis}")[0].currency == "BTC"
    assert crypto(f"BTC: 1abc | Bitcoin Cash: {genesis}")[0].currency == "BCH"
    assert crypto(f"BCH: x\nBTC: {genesis}")[0].currency == "BTC"


# --- other identifier types -------------------------------------------------------------------------------


def test_iban_card_onion_and_their_decoys() -> None:
    rng = random.Random("nlp-other")
    for _ in range(50):
        iban, card, onion = ids.iban(rng), ids.card(rng), ids.onion(rng)
        text = f"IBAN: {iban['value']}; Card: {card['value']}. Mirror: {onion['value']}!"
        found = find_identifiers(text)
        check_offsets(text, found)
        assert [(i.type, i.normalized) for i in found] == [
            ("iban", iban["compact"]), ("card", card["compact"]), ("onion", onion["value"])]
        decoys = [ids.iban_decoy(rng)["value"], ids.card_decoy(rng)["value"], ids.onion_decoy(rng)["value"]]
        assert find_identifiers(" | ".join(decoys)) == []
    amex = find_identifiers("Amex 3782 822463 10005, Visa 4111111111111111 and 4111111111111112")
    assert [i.normalized for i in amex] == ["378282246310005", "4111111111111111"]


def test_contacts_handles_and_pgp_fingerprints() -> None:
    text = (
        "Wickr: frosty.pharma | wickr me - nightplug_7 | Threema ID: ABCD12*4 | Snap: cool-guy | "
        "Jabber: Me@jabber.ccc.de | xmpp:ghost@xmpp.jp | mail Bob@Proton.me | TG: @Frosty_Pharma, "
        "https://t.me/frostyx | Session: 05" + "ab" * 32 + " | "
        "PGP fingerprint: 974f197e3e715545fc6093e275c829cfaaabd2e5 | 974F 197E 3E71 5545 FC60  93E2 75C8 29CF AAAB D2E5"
    )
    found = find_identifiers(text)
    check_offsets(text, found)
    assert [(i.type, i.normalized) for i in found] == [
        ("wickr", "frosty.pharma"), ("wickr", "nightplug_7"), ("threema", "ABCD12*4"), ("snapchat", "cool-guy"),
        ("xmpp", "me@jabber.ccc.de"), ("xmpp", "ghost@xmpp.jp"), ("email", "bob@proton.me"),
        ("telegram", "frosty_pharma"), ("url", "https://t.me/frostyx"), ("telegram", "frostyx"),
        ("session_id", "05" + "ab" * 32), ("pgp_fingerprint", "974F197E3E715545FC6093E275C829CFAAABD2E5"),
        ("pgp_fingerprint", "974F197E3E715545FC6093E275C829CFAAABD2E5"),
    ]


def test_hex_without_context_and_unlabelled_words_are_not_identifiers() -> None:
    text = ("sha1 974f197e3e715545fc6093e275c829cfaaabd2e5, sha256 " + "ab" * 32 + ", my wickr account, "
            "snap decisions, threema rocks, @abc is too short, but 0x" + "12" * 20 + " is an address")
    assert [(i.type, i.value) for i in find_identifiers(text)] == [("crypto_address", "0x" + "12" * 20)]


def test_phones_need_a_country_code_or_a_region_hint() -> None:
    text = "WhatsApp: +49 151 23456789 / тел: 8 912 345 67 89"
    assert [i.normalized for i in find_identifiers(text)] == ["+4915123456789"]
    assert [i.normalized for i in find_identifiers(text, region="RU")] == ["+4915123456789", "+79123456789"]


PHONE_TEXTS = [
    "WhatsApp: +49 151 23456789 / тел: 8 912 345 67 89", "(31) 99154-3101 or 06 11 39 01 57, 020 7946 0958",
    "call 00 44 20 7946 0958 ext. 12, 810 49 151 23456789, 011 1 212 555 0199", "+378 0549 123456, +683 4002",
    "CAS 140-29-4, lot 1640, 1 710 грн, $1,180.00, 19.570,00 €, 4716692290683549, 12/05/2024 18:30",
    "059d41580396dec8fc00d256ddb9a807ae59c98e5a41f22ec0a20f1c6d0490dde8 +1 (212) 555-0199 x302/x2303",
    "+7 912 345-67-89 / 68, tel:+33620836577, +33 6 20 83 65 77, ＋４９ １５１ ２３４５６７８９, 06-11-39-01-57",
]


@pytest.mark.parametrize("region", [None, "GB", "RU", "DE", "FR", "BR", "US", "AT", "SM", "ZZ"])
def test_phone_matching_is_phonenumbers_matcher(region: str | None) -> None:
    """The candidate loop mirrors PhoneNumberMatcher's private one and skips runs too short to parse: pin both."""
    for text in PHONE_TEXTS:
        matcher = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
        e164 = phonenumbers.PhoneNumberFormat.E164
        expected = [(m.start, m.end, phonenumbers.format_number(m.number, e164)) for m in matcher]
        reader = IdentifierReader(text)
        assert [(h.start, h.end, h.normalized) for h in reader.candidates.hits(region)] == expected, text


# The same runs with and without what the matcher reads around a candidate: a letter before or after it, ":mm" after a
# candidate shaped like a time stamp ("2012-05-01 12" is a valid US number unless a time follows).
MEMO_TEXTS = ["tel 07911 123456", "tel x07911 123456", "tel 07911 123456x", "+44 7911 123456", "+44 7911 123456b",
              "Tel 2012-05-01 12 Uhr", "Tel 2012-05-01 12:30 Uhr", "Tel 20120501 12", "Tel 20120501 12:30"]


@pytest.mark.parametrize("region", [None, "GB", "US"])
def test_phone_parse_memo_reads_each_text_as_the_matcher_does(region: str | None) -> None:
    """Parses are memoised across texts: a run met again in another context must still read as in that text."""
    for text in MEMO_TEXTS + MEMO_TEXTS[::-1]:
        matcher = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
        e164 = phonenumbers.PhoneNumberFormat.E164
        expected = [(m.start, m.end, phonenumbers.format_number(m.number, e164)) for m in matcher]
        hits = IdentifierReader(text).candidates.hits(region)
        assert [(h.start, h.end, h.normalized) for h in hits] == expected, text


# --- noise: zero-width characters, Cyrillic labels, punctuation, URLs ------------------------------------


def test_zero_width_inside_identifiers_keeps_original_offsets() -> None:
    addr = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    text = (f"Гаманець BTC:\u00a0{addr[:4]}\u200b{addr[4:20]}\u2060{addr[20:]}🔥 "
            "кошелек ETH: 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed.")
    found = find_identifiers(text)
    check_offsets(text, found)
    assert [ZW.sub("", i.value) for i in found] == [addr, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"]
    assert found[0].normalized == addr and "\u200b" in found[0].value


def test_url_embedded_onion_is_reported_with_its_url_and_nothing_else_inside() -> None:
    onion = "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion"
    text = (f"(зеркало: http://{onion}/vendor/1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa), "
            f"https://user:pw@{onion.upper()}/x and http://admin@example.com/login.")
    found = find_identifiers(text)
    check_offsets(text, found)
    assert [(i.type, i.normalized) for i in found] == [
        ("url", f"http://{onion}/vendor/1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"), ("onion", onion),
        ("url", f"https://user:pw@{onion.upper()}/x"), ("onion", onion), ("url", "http://admin@example.com/login"),
    ]


# --- the test range's ground truth ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def truth() -> list[dict]:
    return list(World(seed=11, listings=300).truth({s: f"http://{s}.range.test" for s in SITES}))


def _recall(truth: list[dict], region_from_truth: bool) -> tuple[dict[str, tuple[int, int]], list[Identifier]]:
    """(found, total) per currency or identifier type, and every extraction the truth does not list."""
    hits: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    unexpected: list[Identifier] = []
    for record in truth:
        if record["type"] not in ("listing", "post"):
            continue
        text = record_text(record)
        phones = [i["country"] for i in record["identifiers"] if i["type"] == "phone"]
        found = find_identifiers(text, region=phones[0] if phones and region_from_truth else None)
        check_offsets(text, found)
        got = {(i.type, i.normalized, i.currency) for i in found}
        expected = {truth_key(i) for i in record["identifiers"]}
        unexpected += [i for i in found if (i.type, i.normalized, i.currency) not in expected]
        for item in record["identifiers"]:
            name = item.get("currency") or item["type"]
            total[name] += 1
            hits[name] += truth_key(item) in got
    return {name: (hits[name], total[name]) for name in sorted(total)}, unexpected


def test_range_recall_and_precision_are_complete(truth: list[dict]) -> None:
    recall, unexpected = _recall(truth, region_from_truth=True)
    print("recall per type (region hint from truth for phones):", recall)
    assert len(recall) >= 15 and all(h == n for h, n in recall.values()), recall
    assert unexpected == []


def test_range_phone_recall_without_region_covers_international_numbers(truth: list[dict]) -> None:
    phones = [i for r in truth if r["type"] in ("listing", "post") for i in r["identifiers"] if i["type"] == "phone"]
    recall = _recall(truth, region_from_truth=False)[0]["phone"]
    international = sum(p["value"].startswith("+") for p in phones)
    print(f"phone recall without region hint: {recall}; written with +: {international}")
    assert recall[0] >= international


def test_range_decoys_are_never_extracted(truth: list[dict]) -> None:
    texts = {r["url"]: record_text(r) for r in truth if r["type"] == "listing"}
    decoys = [r for r in truth if r["type"] == "decoy"]
    assert len(decoys) >= 10 and {d["identifier_type"] for d in decoys} >= {"crypto_address"}
    for decoy in decoys:
        text = texts[decoy["url"]]
        start = text.index(decoy["value"])
        end = start + len(decoy["value"])
        overlapping = [i for i in find_identifiers(text) if i.start < end and start < i.end]
        assert overlapping == [], (decoy, overlapping)


# --- PGP key blocks ---------------------------------------------------------------------------------------


def test_pgp_blocks_from_range_vendors_match_truth(truth: list[dict]) -> None:
    world = World(seed=11, listings=300)
    vendors = [r for r in truth if r["type"] == "vendor" and r["pgp"]][:10]
    assert vendors
    for vendor in vendors:
        armored = world.account(vendor["site"], vendor["name"]).pgp.armored
        text = f"My key:\n{armored}\nfingerprint below"
        [key] = parse_pgp_key_blocks(text)
        pgp = vendor["pgp"]
        assert (key.fingerprint, key.key_id, key.user_ids) == (pgp["fingerprint"], pgp["key_id"], [pgp["user_id"]])
        assert key.created == datetime.fromtimestamp(pgp["created"], UTC) and key.created.tzinfo is not None
        assert key.algorithm == "EdDSA" and text[key.start : key.end] == armored.strip()


def test_malformed_pgp_blocks_are_skipped_and_reported() -> None:
    good = make_key(b"\x01" * 32, "Vendor <v@example.invalid>", 1_700_000_000)
    lines = good.armored.splitlines()
    truncated = "\n".join(lines[:3] + lines[-2:])  # pgpy alone would parse this into a key without user id
    garbage = "\n".join(lines[:2] + ["!!! not base64 !!!"] + lines[-2:])
    text = f"{truncated}\n\n{garbage}\n{good.armored}"
    keys = parse_pgp_key_blocks(text)
    assert [k.fingerprint for k in keys] == [good.fingerprint]
    assert [e[0] for e in keys.errors] == [0, len(truncated) + 2]
    assert text[keys[0].start : keys[0].end] == good.armored.strip()
