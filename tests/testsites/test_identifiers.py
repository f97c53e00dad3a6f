"""Valid identifiers must pass independent validators; decoys must have the same shape and fail them.

Every oracle here is a third-party library (or, for onion v3, a check written from the Tor spec in this
file), never testsites' own encoder, so a bug shared by generator and checker cannot hide.
"""

from __future__ import annotations

import base64
import random
import re

import bech32
import phonenumbers
import pytest
from cashaddress import convert as cashaddr
from embit import bech32 as embit_bech32
from eth_utils import is_checksum_address
from monero import address as xmr_address
from stdnum import iban as std_iban
from stdnum import luhn

from tests.bip_vectors import BIP173_INVALID, BIP350_INVALID
from tests.testsites.oracles import crypto_valid, onion_valid
from testsites import identifiers as ids

N = 300
B58 = "[1-9A-HJ-NP-Za-km-z]"
B32 = "[qpzry9x8gf2tvdw0s3jn54khce6mua7l]"

# (currency, kind) -> regex every valid value and every decoy must match
SHAPES: dict[tuple[str, str], str] = {
    ("BTC", "p2pkh"): rf"1{B58}{{25,33}}",
    ("BTC", "p2sh"): rf"3{B58}{{33}}",
    ("BTC", "bech32"): rf"bc1q{B32}{{38}}",
    ("BTC", "bech32m"): rf"bc1p{B32}{{58}}",
    ("LTC", "p2pkh"): rf"L{B58}{{33}}",
    ("LTC", "p2sh"): rf"M{B58}{{33}}",
    ("LTC", "bech32"): rf"ltc1q{B32}{{38}}",
    ("DOGE", "p2pkh"): rf"D{B58}{{33}}",
    ("DASH", "p2pkh"): rf"X{B58}{{33}}",
    ("BCH", "cashaddr"): rf"bitcoincash:q{B32}{{41}}",
    ("BCH", "legacy"): rf"1{B58}{{25,33}}",
    ("ZEC", "transparent"): rf"t1{B58}{{33}}",
    ("ETH", "eip55"): r"0x[0-9a-fA-F]{40}",
    ("TRX", "base58"): rf"T{B58}{{33}}",
    ("XMR", "standard"): rf"4{B58}{{94}}",
    ("XMR", "subaddress"): rf"8{B58}{{94}}",
    ("XMR", "integrated"): rf"4{B58}{{105}}",
}
ALL_KINDS = [(c, k) for c, kinds in ids.CRYPTO_KINDS.items() for k in kinds]


def _seed(*parts: object) -> random.Random:
    return random.Random("|".join(map(str, parts)))


@pytest.mark.parametrize(("currency", "kind"), ALL_KINDS)
def test_valid_addresses_pass_independent_validators(currency: str, kind: str) -> None:
    rng = _seed("valid", currency, kind)
    values = set()
    for _ in range(N):
        item = ids.crypto_address(rng, currency, kind)
        assert item == {"type": "crypto_address", "value": item["value"], "currency": currency, "kind": kind}
        assert re.fullmatch(SHAPES[currency, kind], item["value"]), item
        assert crypto_valid(currency, kind, item["value"]), item
        values.add(item["value"])
    assert len(values) == N


@pytest.mark.parametrize(("currency", "kind"), ALL_KINDS)
def test_decoys_have_the_same_shape_but_fail_validators(currency: str, kind: str) -> None:
    rng = _seed("decoy", currency, kind)
    for _ in range(N):
        item = ids.crypto_decoy(rng, currency, kind)
        assert item["reason"] == "bad checksum" and item["currency"] == currency and item["kind"] == kind
        assert re.fullmatch(SHAPES[currency, kind], item["value"]), item
        assert not crypto_valid(currency, kind, item["value"]), item
        if currency == "ETH":  # still looks checksummed: mixed case
            body = item["value"][2:]
            assert body != body.lower() and body != body.upper()


def test_kind_is_drawn_when_omitted_and_unknowns_are_rejected() -> None:
    rng = _seed("kinds")
    seen = {ids.crypto_address(rng, "BTC")["kind"] for _ in range(200)}
    assert seen == set(ids.CRYPTO_KINDS["BTC"])
    assert ids.crypto_address(rng, "xmr")["currency"] == "XMR"
    with pytest.raises(ValueError):
        ids.crypto_address(rng, "BTC", "cashaddr")
    with pytest.raises(ValueError):
        ids.crypto_decoy(rng, "NOPE")


# --- oracle sanity: the independent validators really do reject what the specs call invalid -------------

BIP173_VALID = {
    "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4": ("bc", "0014751e76e8199196d454941c45d1b3a323f1433bd6"),
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7": (
        "tb",
        "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262",
    ),
    "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy": (
        "tb",
        "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
    ),
}
BIP350_VALID = {
    "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4": "0014751e76e8199196d454941c45d1b3a323f1433bd6",
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7": (
        "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"
    ),
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y": (
        "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6"
    ),
    "BC1SW50QGDZ25J": "6002751e",
    "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs": "5210751e76e8199196d454941c45d1b3a323",
    "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy": (
        "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"
    ),
    "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c": (
        "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"
    ),
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0": (
        "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
    ),
}


def _script(witver: int, prog: list[int] | bytes) -> str:
    return bytes([witver + 0x50 if witver else 0, len(prog)]).hex() + bytes(prog).hex()


def test_bip173_oracle_accepts_valid_and_rejects_invalid_vectors() -> None:
    for addr, (hrp, script) in BIP173_VALID.items():
        witver, prog = bech32.decode(hrp, addr)
        assert witver is not None and _script(witver, prog) == script, addr
    for addr in BIP173_INVALID:
        for hrp in ("bc", "tb"):
            assert bech32.decode(hrp, addr) == (None, None), addr
            assert embit_bech32.decode(hrp, addr) == (None, None), addr


def test_bip350_oracle_accepts_valid_and_rejects_invalid_vectors() -> None:
    for addr, script in BIP350_VALID.items():
        hrp = addr[:2].lower()
        witver, prog = embit_bech32.decode(hrp, addr)
        assert witver is not None and _script(witver, prog) == script, addr
    for addr in BIP350_INVALID:
        for hrp in ("bc", "tb"):
            assert embit_bech32.decode(hrp, addr) == (None, None), addr


def test_other_oracles_on_published_examples() -> None:
    # cashaddr spec example pair, EIP-55 example, Monero general fund, DuckDuckGo's v3 onion
    assert cashaddr.to_cash_address("1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu") == (
        "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"
    )
    assert not cashaddr.is_valid("bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6b")
    assert is_checksum_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
    assert not is_checksum_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")
    fund = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"
    assert isinstance(xmr_address.address(fund), xmr_address.Address)
    with pytest.raises(ValueError):
        xmr_address.address(fund[:-1] + "B")
    assert onion_valid("duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion")
    assert not onion_valid("duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczbd.onion")


# --- IBAN, cards ----------------------------------------------------------------------------------------

IBAN_LENGTHS = {
    "DE": 22, "NL": 18, "ES": 24, "FR": 27, "GB": 22, "PL": 28, "UA": 29, "PT": 25, "IT": 27, "LT": 20,
}


@pytest.mark.parametrize("country", sorted(IBAN_LENGTHS))
def test_iban_valid_per_country(country: str) -> None:
    rng = _seed("iban", country)
    for _ in range(N):
        item = ids.iban(rng, country)
        assert item["type"] == "iban" and item["country"] == country
        assert item["value"].replace(" ", "") == item["compact"]
        assert len(item["compact"]) == IBAN_LENGTHS[country] and item["compact"].startswith(country)
        if " " in item["value"]:
            assert all(len(g) == 4 for g in item["value"].split(" ")[:-1])
        assert std_iban.is_valid(item["value"]), item  # includes national checks (ES CCC) and BBAN layout


def test_iban_decoys_fail_mod97() -> None:
    rng = _seed("iban-decoy")
    countries = set()
    for _ in range(N):
        item = ids.iban_decoy(rng)
        countries.add(item["country"])
        assert item["reason"] == "bad checksum"
        assert len(item["compact"]) == IBAN_LENGTHS[item["country"]]
        assert not std_iban.is_valid(item["value"]), item
        # only the check digits are wrong: recomputing them (independently) yields a valid IBAN
        compact = item["compact"]
        assert std_iban.is_valid(compact[:2] + std_iban.calc_check_digits(compact) + compact[4:]), item
    assert countries == set(IBAN_LENGTHS)


def test_cards() -> None:
    rng = _seed("card")
    brands = set()
    for _ in range(N):
        good, bad = ids.card(rng), ids.card_decoy(rng)
        for item in (good, bad):
            assert item["type"] == "card"
            assert re.fullmatch(r"\d{16}", item["compact"])
            assert re.sub(r"[ -]", "", item["value"]) == item["compact"]
            assert re.match(r"4|5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720)", item["compact"]), item
            brands.add(item["brand"])
        assert luhn.is_valid(good["compact"]), good
        assert not luhn.is_valid(bad["compact"]) and bad["reason"] == "bad checksum", bad
    assert brands == {"visa", "mastercard"}


# --- onion v3 -------------------------------------------------------------------------------------------


def test_onions() -> None:
    rng = _seed("onion")
    for _ in range(N):
        good, bad = ids.onion(rng), ids.onion_decoy(rng)
        assert good["type"] == bad["type"] == "onion"
        assert onion_valid(good["value"]), good
        assert re.fullmatch(r"[a-z2-7]{56}\.onion", bad["value"]) and not onion_valid(bad["value"]), bad
        assert base64.b32decode(bad["value"][:56].upper())[34] == 3  # only the checksum is wrong


# --- phones ---------------------------------------------------------------------------------------------

MOBILE = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


@pytest.mark.parametrize("country", ["RU", "UA", "DE", "NL", "ES", "FR", "GB", "PL", "PT", "BR", "US"])
def test_phones_are_valid_mobiles(country: str) -> None:
    rng = _seed("phone", country)
    styles = set()
    for _ in range(N):
        item = ids.phone(rng, country)
        assert item["type"] == "phone"
        parsed = phonenumbers.parse(item["e164"])
        assert phonenumbers.is_valid_number(parsed), item
        assert phonenumbers.region_code_for_number(parsed) == country, item
        assert phonenumbers.number_type(parsed) in MOBILE, item
        assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == item["e164"]
        # the written form, read as a local would, is the same number
        assert phonenumbers.parse(item["value"], country) == parsed, item
        styles.add(re.sub(r"\d", "9", item["value"]))
    assert len(styles) >= 3


# --- handles --------------------------------------------------------------------------------------------

NAMES = ["Green Cross Pharma", "DrugLord 🍄", "Ölvendor", "x", "123abc", "Белый Кролик", "__", "A" * 60]


def test_handles_follow_platform_rules() -> None:
    rng = _seed("handles")
    for _ in range(40):
        for name in NAMES:
            tg = ids.telegram(rng, name)["value"]
            assert re.fullmatch(r"@[A-Za-z][A-Za-z0-9_]{4,31}", tg), tg
            assert "__" not in tg and not tg.endswith("_"), tg
            mail = ids.email(rng, name)
            assert mail["type"] == "email"
            assert re.fullmatch(r"[a-z0-9][a-z0-9._]*@[a-z0-9.-]+\.[a-z]+", mail["value"]), mail
            wk = ids.wickr(rng, name)["value"]
            assert re.fullmatch(r"[a-z0-9_.\-]{5,32}", wk), wk
            sc = ids.snapchat(rng, name)["value"]
            assert re.fullmatch(r"[a-z][a-z0-9._\-]{1,13}[a-z0-9]", sc), sc
            jid = ids.xmpp(rng, name)
            assert jid["type"] == "xmpp", jid
            assert re.fullmatch(r"[a-z0-9._]+@[a-z0-9.-]+\.[a-z]+", jid["value"]), jid
        assert re.fullmatch(r"05[0-9a-f]{64}", ids.session_id(rng)["value"])
        assert re.fullmatch(r"[A-Z0-9]{8}", ids.threema(rng)["value"])
    hosts = {ids.email(rng, "vendor")["value"].split("@")[1] for _ in range(300)}
    assert {"protonmail.com", "proton.me", "tutanota.com", "cock.li", "onionmail.org"} <= hosts


# --- determinism ----------------------------------------------------------------------------------------


def _everything(rng: random.Random) -> list[dict]:
    out = [ids.crypto_address(rng, c, k) for c, k in ALL_KINDS]
    out += [ids.crypto_decoy(rng, c, k) for c, k in ALL_KINDS]
    out += [ids.iban(rng), ids.iban_decoy(rng), ids.card(rng), ids.card_decoy(rng), ids.onion(rng)]
    out += [ids.onion_decoy(rng), ids.phone(rng, "UA"), ids.email(rng, "n"), ids.telegram(rng, "n")]
    out += [ids.session_id(rng), ids.wickr(rng, "n"), ids.threema(rng), ids.snapchat(rng, "n")]
    out += [ids.xmpp(rng, "n")]
    return out


def test_same_rng_state_gives_same_output() -> None:
    assert _everything(random.Random(7)) == _everything(random.Random(7))
    a, b = _everything(random.Random(7)), _everything(random.Random(8))
    assert sum(x != y for x, y in zip(a, b, strict=True)) > len(a) - 3
