"""Independent verdicts on identifiers: third-party libraries (and, for onion v3, the Tor spec).

Never testsites' own encoders, so a bug shared by the range's generator and its checker cannot hide.
Used for the generator's own tests and for every identifier the ground truth lists.
"""

from __future__ import annotations

import base64
import hashlib
import re

import base58
import bech32
import phonenumbers
from cashaddress import convert as cashaddr
from embit import bech32 as embit_bech32
from eth_utils import is_checksum_address, is_hex_address
from monero import address as xmr_address
from stdnum import iban as std_iban
from stdnum import luhn

B58_VERSIONS: dict[tuple[str, str], bytes] = {
    ("BTC", "p2pkh"): b"\x00",
    ("BTC", "p2sh"): b"\x05",
    ("LTC", "p2pkh"): b"\x30",
    ("LTC", "p2sh"): b"\x32",
    ("DOGE", "p2pkh"): b"\x1e",
    ("DASH", "p2pkh"): b"\x4c",
    ("BCH", "legacy"): b"\x00",
    ("ZEC", "transparent"): b"\x1c\xb8",
    ("TRX", "base58"): b"\x41",
}
SEGWIT: dict[tuple[str, str], tuple[str, int, int]] = {
    ("BTC", "bech32"): ("bc", 0, 20),
    ("BTC", "bech32m"): ("bc", 1, 32),
    ("LTC", "bech32"): ("ltc", 0, 20),
}
XMR_CLASSES = {
    "standard": xmr_address.Address,
    "subaddress": xmr_address.SubAddress,
    "integrated": xmr_address.IntegratedAddress,
}
XMR_CLASSES = {
    "standard": xmr_address.Address,
    "subaddress": xmr_address.SubAddress,
    "integrated": xmr_address.IntegratedAddress,
}


def crypto_valid(currency: str, kind: str, value: str) -> bool:
    """Independent verdict on ``value``; also asserts the payload has the expected structure when valid."""
    if (currency, kind) in B58_VERSIONS:
        try:
            raw = base58.b58decode_check(value)
        except ValueError:
            return False
        version = B58_VERSIONS[currency, kind]
        assert raw.startswith(version) and len(raw) == len(version) + 20, value
        if currency == "BCH":
            assert cashaddr.is_valid(value)
        return True
    if (currency, kind) in SEGWIT:
        hrp, witver, size = SEGWIT[currency, kind]
        got_ver, prog = embit_bech32.decode(hrp, value)  # BIP-350 aware reference decoder
        if witver == 0:
            ref_ver, ref_prog = bech32.decode(hrp, value)  # BIP-173 reference implementation
            assert (ref_ver, ref_prog) == (got_ver, prog), value
        if got_ver is None:
            return False
        assert got_ver == witver and len(prog) == size, value
        return True
    if currency == "BCH":
        ok = cashaddr.is_valid(value)
        if ok:
            legacy = cashaddr.to_legacy_address(value)
            assert base58.b58decode_check(legacy)[0] == 0 and legacy.startswith("1")
            assert cashaddr.to_cash_address(legacy) == value
        return ok
    if currency == "ETH":
        assert is_hex_address(value)
        return is_checksum_address(value)
    if currency == "XMR":
        try:
            addr = xmr_address.address(value)
        except ValueError:
            return False
        assert type(addr) is XMR_CLASSES[kind] and addr.net == "main", value
        return True
    raise AssertionError((currency, kind))


def onion_valid(host: str) -> bool:
    """rend-spec-v3 6: onion_address = base32(PUBKEY | CHECKSUM | VERSION) + ".onion",
    CHECKSUM = H(".onion checksum" | PUBKEY | VERSION)[:2], H = SHA3-256, VERSION = 0x03."""
    if not re.fullmatch(r"[a-z2-7]{56}\.onion", host):
        return False
    raw = base64.b32decode(host[:56].upper())
    pubkey, checksum, version = raw[:32], raw[32:34], raw[34:]
    expected = hashlib.sha3_256(b".onion checksum" + pubkey + version).digest()[:2]
    return version == b"\x03" and expected == checksum



def identifier_valid(ident: dict) -> bool:
    """Verdict for any checksummed identifier dict of the range (crypto, IBAN, card, onion, phone)."""
    kind, value = ident["type"], ident["value"]
    if kind == "crypto_address":
        return crypto_valid(ident["currency"], ident["kind"], value)
    if kind == "iban":
        return std_iban.is_valid(value)
    if kind == "card":
        digits = re.sub(r"[ -]", "", value)
        return digits.isdigit() and luhn.is_valid(digits)
    if kind == "onion":
        return onion_valid(value)
    if kind == "phone":
        try:
            return phonenumbers.is_valid_number(phonenumbers.parse(ident.get("e164", value), None))
        except phonenumbers.NumberParseException:
            return False
    raise AssertionError(f"no checksum oracle for {kind}")


CHECKSUMMED = {"crypto_address", "iban", "card", "onion", "phone"}
