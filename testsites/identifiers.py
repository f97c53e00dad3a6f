"""Synthetic identifiers for the test range: checksum-valid values and same-shape decoys.

Extraction has to tell a real address from a look-alike, so every valid value here passes the
format's own checksum and every decoy has the right prefix, length and alphabet but a broken one.
All encodings are written out here (no shared code with the crawlers/nlp/index packages) and every
value is drawn from the caller's ``random.Random`` so that a seed reproduces a site byte for byte.
"""

from __future__ import annotations

import base64
import hashlib
import random
import re
import unicodedata
from collections.abc import Callable

from Crypto.Hash import keccak
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

__all__ = [
    "CRYPTO_KINDS",
    "IBAN_COUNTRIES",
    "PHONE_COUNTRIES",
    "card",
    "card_decoy",
    "crypto_address",
    "crypto_decoy",
    "email",
    "iban",
    "iban_decoy",
    "onion",
    "onion_decoy",
    "phone",
    "session_id",
    "snapchat",
    "telegram",
    "threema",
    "wickr",
    "xmpp",
]

CRYPTO_KINDS: dict[str, tuple[str, ...]] = {
    "BTC": ("p2pkh", "p2sh", "bech32", "bech32m"),
    "LTC": ("p2pkh", "p2sh", "bech32"),
    "DOGE": ("p2pkh",),
    "DASH": ("p2pkh",),
    "BCH": ("cashaddr", "legacy"),
    "ZEC": ("transparent",),
    "ETH": ("eip55",),
    "TRX": ("base58",),
    "XMR": ("standard", "subaddress", "integrated"),
}

_BAD = "bad checksum"
_MAX_TRIES = 1000


# ---------------------------------------------------------------------------------------------------------
# primitive encodings
# ---------------------------------------------------------------------------------------------------------

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def _keccak256(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def _b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, r = divmod(n, 58)
        out.append(_B58[r])
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + "".join(reversed(out))


def _b58decode(text: str) -> bytes | None:
    n = 0
    for c in text:
        if c not in _B58_INDEX:
            return None
        n = n * 58 + _B58_INDEX[c]
    pad = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * pad + body


def _b58check_encode(payload: bytes) -> str:
    return _b58encode(payload + _sha256d(payload)[:4])


def _b58check_status(text: str, version: bytes, size: int) -> tuple[bool, bool]:
    """(shape ok, checksum ok): a decoy must keep the version bytes and length and fail only the checksum."""
    raw = _b58decode(text)
    if raw is None or len(raw) != len(version) + size + 4 or not raw.startswith(version):
        return False, False
    return True, _sha256d(raw[:-4])[:4] == raw[-4:]


# bech32 / bech32m (BIP-173, BIP-350)
_B32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_B32_INDEX = {c: i for i, c in enumerate(_B32)}
_BECH32_CONST = 1
_BECH32M_CONST = 0x2BC830A3


def _bech32_polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= gen[i]
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convertbits(data: bytes | list[int], frombits: int, tobits: int) -> list[int]:
    acc = bits = 0
    out = []
    maxv = (1 << tobits) - 1
    for value in data:
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if bits:
        out.append((acc << (tobits - bits)) & maxv)
    return out


def _segwit_encode(hrp: str, witver: int, program: bytes) -> str:
    const = _BECH32_CONST if witver == 0 else _BECH32M_CONST
    data = [witver] + _convertbits(program, 8, 5)
    poly = _bech32_polymod(_hrp_expand(hrp) + data + [0] * 6) ^ const
    checksum = [(poly >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_B32[d] for d in data + checksum)


def _bech32_residue(addr: str) -> int | None:
    hrp, _, data = addr.rpartition("1")
    if not hrp or any(c not in _B32_INDEX for c in data):
        return None
    return _bech32_polymod(_hrp_expand(hrp) + [_B32_INDEX[c] for c in data])


# cashaddr (Bitcoin Cash)
def _cashaddr_polymod(values: list[int]) -> int:
    gen = (0x98F2BC8E61, 0x79B76D99E2, 0xF33E5FB3C4, 0xAE2EABE2A8, 0x1E4F43E470)
    c = 1
    for d in values:
        c0 = c >> 35
        c = ((c & 0x07FFFFFFFF) << 5) ^ d
        for i in range(5):
            if (c0 >> i) & 1:
                c ^= gen[i]
    return c ^ 1


def _cashaddr_encode(prefix: str, version: int, payload: bytes) -> str:
    data = _convertbits(bytes([version]) + payload, 8, 5)
    head = [ord(c) & 31 for c in prefix] + [0]
    poly = _cashaddr_polymod(head + data + [0] * 8)
    checksum = [(poly >> 5 * (7 - i)) & 31 for i in range(8)]
    return prefix + ":" + "".join(_B32[d] for d in data + checksum)


def _cashaddr_valid(addr: str) -> bool:
    prefix, _, data = addr.partition(":")
    if any(c not in _B32_INDEX for c in data):
        return False
    return _cashaddr_polymod([ord(c) & 31 for c in prefix] + [0] + [_B32_INDEX[c] for c in data]) == 0


# Monero base58: 8-byte blocks -> 11 chars, short last block per a fixed size table
_XMR_BLOCK_CHARS = (0, 2, 3, 5, 6, 7, 9, 10, 11)


def _xmr_b58encode(data: bytes) -> str:
    out = []
    for i in range(0, len(data), 8):
        block = data[i : i + 8]
        n = int.from_bytes(block, "big")
        chars = []
        for _ in range(_XMR_BLOCK_CHARS[len(block)]):
            n, r = divmod(n, 58)
            chars.append(_B58[r])
        out.append("".join(reversed(chars)))
    return "".join(out)


def _xmr_b58decode(text: str) -> bytes | None:
    sizes = {c: b for b, c in enumerate(_XMR_BLOCK_CHARS) if b}
    out = bytearray()
    for i in range(0, len(text), 11):
        chunk = text[i : i + 11]
        nbytes = sizes.get(len(chunk))
        if nbytes is None or any(c not in _B58_INDEX for c in chunk):
            return None
        n = 0
        for c in chunk:
            n = n * 58 + _B58_INDEX[c]
        if n >> (8 * nbytes):
            return None
        out += n.to_bytes(nbytes, "big")
    return bytes(out)


def _ed25519_pub(rng: random.Random) -> bytes:
    """A real curve point, so a validator that checks keys (not only checksums) still accepts it."""
    key = Ed25519PrivateKey.from_private_bytes(_randbytes(rng, 32))
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _randbytes(rng: random.Random, n: int) -> bytes:
    return rng.getrandbits(8 * n).to_bytes(n, "big")


# ---------------------------------------------------------------------------------------------------------
# crypto addresses
# ---------------------------------------------------------------------------------------------------------

# currency, kind -> (version bytes, payload size) for base58check formats
_B58_FORMATS: dict[tuple[str, str], tuple[bytes, int]] = {
    ("BTC", "p2pkh"): (b"\x00", 20),
    ("BTC", "p2sh"): (b"\x05", 20),
    ("LTC", "p2pkh"): (b"\x30", 20),
    ("LTC", "p2sh"): (b"\x32", 20),
    ("DOGE", "p2pkh"): (b"\x1e", 20),
    ("DASH", "p2pkh"): (b"\x4c", 20),
    ("BCH", "legacy"): (b"\x00", 20),
    ("ZEC", "transparent"): (b"\x1c\xb8", 20),
    ("TRX", "base58"): (b"\x41", 20),
}
_SEGWIT_FORMATS: dict[tuple[str, str], tuple[str, int, int]] = {
    ("BTC", "bech32"): ("bc", 0, 20),
    ("BTC", "bech32m"): ("bc", 1, 32),
    ("LTC", "bech32"): ("ltc", 0, 20),
}
_XMR_NETBYTES = {"standard": 18, "subaddress": 42, "integrated": 19}


def _pick_kind(rng: random.Random, currency: str, kind: str | None) -> tuple[str, str]:
    currency = currency.upper()
    if currency not in CRYPTO_KINDS:
        raise ValueError(f"unknown currency {currency!r}; known: {sorted(CRYPTO_KINDS)}")
    kinds = CRYPTO_KINDS[currency]
    if kind is None:
        kind = rng.choice(kinds)
    elif kind not in kinds:
        raise ValueError(f"unknown kind {kind!r} for {currency}; known: {kinds}")
    return currency, kind


def _eip55(hex40: str) -> str:
    """EIP-55: upper-case each hex letter whose nibble in keccak256(lowercase hex) is >= 8."""
    digest = _keccak256(hex40.encode("ascii")).hex()[:40]
    return "0x" + "".join(c.upper() if int(h, 16) >= 8 else c for c, h in zip(hex40, digest, strict=True))


def _encode_address(rng: random.Random, currency: str, kind: str) -> str:
    if (currency, kind) in _B58_FORMATS:
        version, size = _B58_FORMATS[currency, kind]
        return _b58check_encode(version + _randbytes(rng, size))
    if (currency, kind) in _SEGWIT_FORMATS:
        hrp, witver, size = _SEGWIT_FORMATS[currency, kind]
        return _segwit_encode(hrp, witver, _randbytes(rng, size))
    if currency == "BCH":
        return _cashaddr_encode("bitcoincash", 0, _randbytes(rng, 20))
    if currency == "ETH":
        return _eip55(_randbytes(rng, 20).hex())
    # XMR: netbyte + public spend key + public view key (+ payment id) + keccak checksum
    body = bytes([_XMR_NETBYTES[kind]]) + _ed25519_pub(rng) + _ed25519_pub(rng)
    if kind == "integrated":
        body += _randbytes(rng, 8)
    return _xmr_b58encode(body + _keccak256(body)[:4])


def crypto_address(rng: random.Random, currency: str, kind: str | None = None) -> dict:
    """A checksum-valid address of ``currency`` (kind drawn from CRYPTO_KINDS when not given)."""
    currency, kind = _pick_kind(rng, currency, kind)
    value = _encode_address(rng, currency, kind)
    return {"type": "crypto_address", "value": value, "currency": currency, "kind": kind}


def _mutate(
    rng: random.Random, value: str, start: int, alphabet: str, is_decoy: Callable[[str], bool]
) -> str:
    """Change one character at or after ``start`` until ``is_decoy`` accepts the result (shape kept)."""
    for _ in range(_MAX_TRIES):
        pos = rng.randrange(start, len(value))
        choice = rng.choice(alphabet)
        if choice == value[pos]:
            continue
        candidate = value[:pos] + choice + value[pos + 1 :]
        if is_decoy(candidate):
            return candidate
    raise RuntimeError(f"could not derive a decoy from {value!r}")  # pragma: no cover


def _decoy_checker(currency: str, kind: str, value: str) -> tuple[int, str, Callable[[str], bool]]:
    """(first mutable position, alphabet, predicate 'same shape but checksum fails')."""
    if (currency, kind) in _B58_FORMATS:
        version, size = _B58_FORMATS[currency, kind]

        def b58_bad(s: str) -> bool:
            shape, ok = _b58check_status(s, version, size)
            return shape and not ok and s[0] == value[0]

        return 1, _B58, b58_bad
    if (currency, kind) in _SEGWIT_FORMATS:
        hrp = _SEGWIT_FORMATS[currency, kind][0]

        def bech_bad(s: str) -> bool:
            return _bech32_residue(s) not in (_BECH32_CONST, _BECH32M_CONST)

        return len(hrp) + 2, _B32, bech_bad  # keep "hrp1" and the witness-version character
    if currency == "BCH":
        return len("bitcoincash:q"), _B32, lambda s: not _cashaddr_valid(s)
    # XMR: keep the netbyte characters; blocks must still decode, only the checksum may fail
    size = len(_xmr_b58decode(value) or b"")

    def xmr_bad(s: str) -> bool:
        raw = _xmr_b58decode(s)
        return (
            raw is not None
            and len(raw) == size
            and raw[0] == _XMR_NETBYTES[kind]
            and _keccak256(raw[:-4])[:4] != raw[-4:]
        )

    return 2, _B58, xmr_bad


def crypto_decoy(rng: random.Random, currency: str, kind: str | None = None) -> dict:
    """An address with the right prefix, length and alphabet whose checksum fails.

    ETH decoys keep valid hex but carry a wrong EIP-55 capitalisation (still mixed case, so they
    look checksummed); every other format gets one character changed.
    """
    currency, kind = _pick_kind(rng, currency, kind)
    value = _encode_address(rng, currency, kind)
    if currency == "ETH":
        for _ in range(_MAX_TRIES):
            letters = [i for i, c in enumerate(value) if i >= 2 and c.isalpha()]
            if len(letters) >= 2:
                pos = rng.choice(letters)
                flipped = value[:pos] + value[pos].swapcase() + value[pos + 1 :]
                body = flipped[2:]
                if body != body.lower() and body != body.upper():
                    value = flipped
                    break
            value = _encode_address(rng, currency, kind)
    else:
        start, alphabet, is_decoy = _decoy_checker(currency, kind, value)
        value = _mutate(rng, value, start, alphabet, is_decoy)
    return {"type": "crypto_address", "value": value, "currency": currency, "kind": kind, "reason": _BAD}


# ---------------------------------------------------------------------------------------------------------
# IBAN
# ---------------------------------------------------------------------------------------------------------


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _es_dc(digits10: str) -> str:
    weights = (1, 2, 4, 8, 5, 10, 9, 7, 3, 6)
    d = 11 - sum(int(c) * w for c, w in zip(digits10, weights, strict=True)) % 11
    return str({11: 0, 10: 1}.get(d, d))


def _bban_de(rng: random.Random) -> str:
    blz = rng.choice(("37040044", "10070000", "50010517", "20041133", "70020270", "43060967", "12030000"))
    return blz + _digits(rng, 10)


def _bban_nl(rng: random.Random) -> str:
    bank = rng.choice(("ABNA", "INGB", "RABO", "SNSB", "TRIO", "BUNQ", "KNAB"))
    while True:  # Dutch accounts pass the "elfproef" (weighted sum divisible by 11)
        acct = _digits(rng, 10)
        if acct[0] != "0" and sum(int(c) * w for c, w in zip(acct, range(10, 0, -1), strict=True)) % 11 == 0:
            return bank + acct


def _bban_es(rng: random.Random) -> str:
    bank = rng.choice(("2100", "0049", "0182", "0081", "2080", "0128", "1465"))
    branch, acct = _digits(rng, 4), _digits(rng, 10)
    return bank + branch + _es_dc("00" + bank + branch) + _es_dc(acct) + acct


def _bban_fr(rng: random.Random) -> str:
    bank = rng.choice(("30004", "30003", "20041", "30002", "10278", "18206", "30066"))
    branch, acct = _digits(rng, 5), _digits(rng, 11)
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(acct)) % 97
    return bank + branch + acct + f"{key:02d}"


def _bban_gb(rng: random.Random) -> str:
    bank = rng.choice(("NWBK", "BARC", "HBUK", "MIDL", "LOYD", "MONZ", "SRLG"))
    return bank + _digits(rng, 6) + _digits(rng, 8)


def _bban_pl(rng: random.Random) -> str:
    sort7 = rng.choice(("102", "109", "114", "105", "124", "116", "249")) + _digits(rng, 4)
    check = (10 - sum(int(c) * w for c, w in zip(sort7, (3, 9, 7, 1, 3, 9, 7), strict=True)) % 10) % 10
    return sort7 + str(check) + _digits(rng, 16)


def _bban_ua(rng: random.Random) -> str:
    mfo = rng.choice(("305299", "300528", "322001", "380805", "351005", "320649"))
    return mfo + "00000" + rng.choice(("2620", "2625", "2600")) + _digits(rng, 10)


def _bban_pt(rng: random.Random) -> str:
    first = rng.choice(("0035", "0033", "0007", "0010", "0018", "0036")) + _digits(rng, 4 + 11)
    return first + f"{98 - int(first) * 100 % 97:02d}"


def _bban_it(rng: random.Random) -> str:
    abi = rng.choice(("03069", "02008", "05034", "01030", "03062", "05696"))
    rest = abi + _digits(rng, 5) + _digits(rng, 12)
    odd = (1, 0, 5, 7, 9, 13, 15, 17, 19, 21)
    total = sum(odd[int(c)] if i % 2 == 0 else int(c) for i, c in enumerate(rest))
    return chr(ord("A") + total % 26) + rest


def _bban_lt(rng: random.Random) -> str:
    return rng.choice(("73000", "70440", "72900", "40100", "32500")) + _digits(rng, 11)


_BBAN: dict[str, Callable[[random.Random], str]] = {
    "DE": _bban_de,
    "NL": _bban_nl,
    "ES": _bban_es,
    "FR": _bban_fr,
    "GB": _bban_gb,
    "PL": _bban_pl,
    "UA": _bban_ua,
    "PT": _bban_pt,
    "IT": _bban_it,
    "LT": _bban_lt,
}
IBAN_COUNTRIES: tuple[str, ...] = tuple(_BBAN)


def _iban_mod97(compact: str) -> int:
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97


def _iban_pack(rng: random.Random, compact: str, country: str, **extra: str) -> dict:
    grouped = " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    value = grouped if rng.random() < 0.6 else compact
    return {"type": "iban", "value": value, "compact": compact, "country": country, **extra}


def iban(rng: random.Random, country: str | None = None) -> dict:
    """A mod-97-valid IBAN with the country's BBAN layout (and national check digits where they exist)."""
    country = (country or rng.choice(IBAN_COUNTRIES)).upper()
    if country not in _BBAN:
        raise ValueError(f"unsupported IBAN country {country!r}; known: {IBAN_COUNTRIES}")
    bban = _BBAN[country](rng)
    check = 98 - _iban_mod97(country + "00" + bban)
    return _iban_pack(rng, f"{country}{check:02d}{bban}", country)


def iban_decoy(rng: random.Random) -> dict:
    """An IBAN-shaped string (right country, length, layout) whose mod-97 check fails."""
    valid = iban(rng)
    compact = valid["compact"]
    while True:
        wrong = rng.randrange(100)
        candidate = f"{compact[:2]}{wrong:02d}{compact[4:]}"
        if candidate != compact and _iban_mod97(candidate) != 1:
            return _iban_pack(rng, candidate, valid["country"], reason=_BAD)


# ---------------------------------------------------------------------------------------------------------
# payment cards
# ---------------------------------------------------------------------------------------------------------


def _luhn_check_digit(partial: str) -> int:
    total = 0
    for i, c in enumerate(reversed(partial)):
        d = int(c)
        if i % 2 == 0:  # these get doubled once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return (10 - total % 10) % 10


def _card_prefix(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.55:
        return "visa", rng.choice(("4", "4532", "4556", "4916", "4024", "4485", "4716"))
    prefix = rng.choice(("51", "52", "53", "54", "55", str(rng.randint(2221, 2720))))
    return "mastercard", prefix


def card(rng: random.Random) -> dict:
    """A Luhn-valid 16-digit Visa/Mastercard number, printed with or without spaces."""
    brand, prefix = _card_prefix(rng)
    partial = prefix + _digits(rng, 15 - len(prefix))
    number = partial + str(_luhn_check_digit(partial))
    return _card_pack(rng, number, brand)


def _card_pack(rng: random.Random, number: str, brand: str, **extra: str) -> dict:
    style = rng.random()
    if style < 0.5:
        value = " ".join(number[i : i + 4] for i in range(0, 16, 4))
    elif style < 0.6:
        value = "-".join(number[i : i + 4] for i in range(0, 16, 4))
    else:
        value = number
    return {"type": "card", "value": value, "compact": number, "brand": brand, **extra}


def card_decoy(rng: random.Random) -> dict:
    """A card-shaped number with a real BIN whose Luhn check fails."""
    brand, prefix = _card_prefix(rng)
    partial = prefix + _digits(rng, 15 - len(prefix))
    good = _luhn_check_digit(partial)
    bad = rng.choice([d for d in range(10) if d != good])
    return _card_pack(rng, partial + str(bad), brand, reason=_BAD)


# ---------------------------------------------------------------------------------------------------------
# onion v3
# ---------------------------------------------------------------------------------------------------------


def _onion_checksum(pubkey: bytes, version: bytes = b"\x03") -> bytes:
    return hashlib.sha3_256(b".onion checksum" + pubkey + version).digest()[:2]


def _onion_from_pub(pubkey: bytes) -> str:
    raw = pubkey + _onion_checksum(pubkey) + b"\x03"
    return base64.b32encode(raw).decode("ascii").lower() + ".onion"


def onion(rng: random.Random) -> dict:
    """A valid v3 onion address (the pubkey is a real Ed25519 point, as Tor would require)."""
    return {"type": "onion", "value": _onion_from_pub(_ed25519_pub(rng))}


def onion_decoy(rng: random.Random) -> dict:
    """56 base32 chars + .onion with version byte 3 intact but a checksum that does not match."""
    valid = onion(rng)["value"][:56]

    def bad(s: str) -> bool:
        raw = base64.b32decode(s.upper())
        return raw[34] == 3 and _onion_checksum(raw[:32]) != raw[32:34]

    host = _mutate(rng, valid, 0, "abcdefghijklmnopqrstuvwxyz234567", bad)
    return {"type": "onion", "value": host + ".onion", "reason": _BAD}


# ---------------------------------------------------------------------------------------------------------
# phones
# ---------------------------------------------------------------------------------------------------------


def _de_number(rng: random.Random) -> str:
    prefix = rng.choice(("151", "152", "157", "159", "160", "162", "163", "170", "171", "172", "173",
                         "174", "175", "176", "177", "178", "179"))
    subscriber = 8 if prefix.startswith("15") or prefix == "176" else 7
    return prefix + _first_nonzero(rng, subscriber)


def _first_nonzero(rng: random.Random, n: int) -> str:
    return rng.choice("23456789") + _digits(rng, n - 1)


_GB_PREFIXES = (
    "740", "741", "742", "743", "744", "746", "747", "748", "749", "751", "753", "754", "755", "756", "757",
    "758", "759", "771", "772", "773", "774", "775", "776", "777", "780", "781", "784", "785", "786", "787",
    "788", "789", "790", "792", "794", "795", "796", "797", "798", "799",
)
_BR_AREAS = ("11", "12", "13", "15", "19", "21", "22", "24", "27", "31", "41", "47", "48", "51", "61", "62",
             "71", "81", "85", "91", "92", "98")
_US_AREAS = ("212", "213", "305", "310", "312", "404", "415", "512", "602", "617", "646", "702", "713",
             "718", "786", "818", "917", "206", "303", "503")

_RU_CODES = (
    "01", "03", "05", "10", "15", "16", "17", "19", "26", "29", "60", "62", "63", "65", "77", "85", "99",
)
_UA_CODES = ("50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98", "99")
_PL_CODES = ("50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88")


def _nsn(rng: random.Random, country: str) -> str:
    """National significant number inside a mobile block that numbering plans really allocate."""
    if country == "RU":
        return "9" + rng.choice(_RU_CODES) + _digits(rng, 7)
    if country == "UA":
        return rng.choice(_UA_CODES) + _first_nonzero(rng, 7)
    if country == "DE":
        return _de_number(rng)
    if country == "NL":
        return "6" + rng.choice("12345") + _digits(rng, 7)
    if country == "ES":
        head = "6" + rng.choice("0123456789") if rng.random() < 0.8 else "7" + rng.choice("1234")
        return head + _digits(rng, 7)
    if country == "FR":
        head = "6" + rng.choice("01245678") if rng.random() < 0.75 else "7" + rng.choice("3456789")
        return head + _digits(rng, 7)
    if country == "GB":
        return rng.choice(_GB_PREFIXES) + _digits(rng, 7)
    if country == "PL":
        return rng.choice(_PL_CODES) + _digits(rng, 7)
    if country == "PT":
        return "9" + rng.choice("1236") + _digits(rng, 7)
    if country == "BR":
        return rng.choice(_BR_AREAS) + "9" + rng.choice("6789") + _digits(rng, 7)
    # US: NPA + NXX (no N11, no 555) + line
    nxx = rng.choice("23456789") + rng.choice("02346789") + rng.choice("0123456789")
    return rng.choice(_US_AREAS) + nxx + _digits(rng, 4)


_PHONE_CC = {"RU": "7", "UA": "380", "DE": "49", "NL": "31", "ES": "34", "FR": "33", "GB": "44", "PL": "48",
             "PT": "351", "BR": "55", "US": "1"}
PHONE_COUNTRIES: tuple[str, ...] = tuple(_PHONE_CC)


def _written(rng: random.Random, country: str, cc: str, n: str) -> str:
    """The way locals write the number in a listing, chosen at random among common styles."""
    styles: dict[str, list[str]] = {
        "RU": [f"+7 ({n[:3]}) {n[3:6]}-{n[6:8]}-{n[8:]}", f"8 {n[:3]} {n[3:6]} {n[6:8]} {n[8:]}",
               f"+7{n}", f"8{n}", f"+7 {n[:3]} {n[3:6]}-{n[6:8]}-{n[8:]}"],
        "UA": [f"+380 {n[:2]} {n[2:5]} {n[5:7]} {n[7:]}", f"0{n[:2]} {n[2:5]} {n[5:]}", f"+380{n}",
               f"(0{n[:2]}) {n[2:5]}-{n[5:7]}-{n[7:]}"],
        "DE": [f"0{n[:3]} {n[3:]}", f"+49 {n[:3]} {n[3:]}", f"+49 (0){n[:3]} {n[3:7]} {n[7:]}",
               f"0{n[:3]}/{n[3:]}"],
        "NL": [f"06 {n[1:]}", f"06-{n[1:]}", f"+31 6 {n[1:]}", f"+31 6 {n[1:3]} {n[3:5]} {n[5:7]} {n[7:]}"],
        "ES": [f"+34 {n[:3]} {n[3:6]} {n[6:]}", f"{n[:3]} {n[3:5]} {n[5:7]} {n[7:]}", f"{n}", f"+34{n}"],
        "FR": [f"0{n[0]} {n[1:3]} {n[3:5]} {n[5:7]} {n[7:]}",
               f"+33 {n[0]} {n[1:3]} {n[3:5]} {n[5:7]} {n[7:]}",
               f"0{n[0]}.{n[1:3]}.{n[3:5]}.{n[5:7]}.{n[7:]}", f"+33{n}"],
        "GB": [f"0{n[:4]} {n[4:]}", f"+44 {n[:4]} {n[4:]}", f"+44 (0){n[:4]} {n[4:7]} {n[7:]}", f"0{n}"],
        "PL": [f"+48 {n[:3]} {n[3:6]} {n[6:]}", f"{n[:3]}-{n[3:6]}-{n[6:]}", f"{n[:3]} {n[3:6]} {n[6:]}"],
        "PT": [f"+351 {n[:3]} {n[3:6]} {n[6:]}", f"{n[:3]} {n[3:6]} {n[6:]}", f"+351{n}"],
        "BR": [f"({n[:2]}) {n[2:7]}-{n[7:]}", f"+55 {n[:2]} {n[2:7]}-{n[7:]}",
               f"+55 ({n[:2]}) {n[2:7]}-{n[7:]}"],
        "US": [f"({n[:3]}) {n[3:6]}-{n[6:]}", f"+1 {n[:3]}-{n[3:6]}-{n[6:]}", f"{n[:3]}.{n[3:6]}.{n[6:]}",
               f"+1 ({n[:3]}) {n[3:6]}-{n[6:]}"],
    }
    return rng.choice(styles.get(country, [f"+{cc} {n}"]))


def phone(rng: random.Random, country: str) -> dict:
    """A mobile number from a range that is actually allocated, written in a local style."""
    country = country.upper()
    if country not in _PHONE_CC:
        raise ValueError(f"unsupported phone country {country!r}; known: {PHONE_COUNTRIES}")
    cc, nsn = _PHONE_CC[country], _nsn(rng, country)
    return {"type": "phone", "value": _written(rng, country, cc, nsn), "e164": f"+{cc}{nsn}",
            "country": country}


# ---------------------------------------------------------------------------------------------------------
# handles on privacy-leaning messengers and mail providers
# ---------------------------------------------------------------------------------------------------------

_EMAIL_HOSTS = ("protonmail.com", "proton.me", "protonmail.ch", "pm.me", "tutanota.com", "tuta.io",
                "cock.li", "airmail.cc", "onionmail.org", "disroot.org", "riseup.net", "mailfence.com",
                "dnmx.org", "elude.in")
_XMPP_HOSTS = ("jabber.ccc.de", "xmpp.jp", "jabber.calyxinstitute.org", "exploit.im", "thesecure.biz",
               "jabb.im", "creep.im", "404.city", "xmpp.is", "jabber.cz", "yourdata.forsale", "jabber.de")
_SUFFIXES = ("shop", "store", "official", "plug", "direct", "team", "support", "market", "bot", "ua", "eu")


def _slug(name: str) -> str:
    """ASCII letters/digits only, lowercased; vendors' display names often carry emoji and accents."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "", ascii_name)
    slug = slug.lstrip("0123456789")
    return slug or "vendor"


def _handle(rng: random.Random, name: str, sep: str, max_len: int) -> str:
    base = _slug(name)[: max_len - 8]
    roll = rng.random()
    if roll < 0.3:
        out = base
    elif roll < 0.65:
        out = base + sep + rng.choice(_SUFFIXES)
    elif roll < 0.9:
        out = base + (sep if rng.random() < 0.5 else "") + str(rng.randint(1, 999))
    else:
        out = rng.choice(("the", "real", "mr", "its")) + sep + base
    return out[:max_len]


def email(rng: random.Random, name: str) -> dict:
    """An address derived from the vendor name on a privacy mail provider."""
    local = _handle(rng, name, rng.choice((".", "_", "")), 30)
    return {"type": "email", "value": f"{local}@{rng.choice(_EMAIL_HOSTS)}"}


def telegram(rng: random.Random, name: str) -> dict:
    """@username by Telegram's rules: 5-32 of [A-Za-z0-9_], starts with a letter, no '__' or trailing '_'."""
    user = _handle(rng, name, "_", 32)
    if rng.random() < 0.2:
        user = user[0].upper() + user[1:]
    while len(user) < 5:
        user += rng.choice(("_bot", "_shop", "_ua", "_eu"))[: 5 - len(user) + 3]
    user = re.sub(r"_+", "_", user)[:32].rstrip("_")
    while len(user) < 5:
        user += rng.choice("0123456789")
    return {"type": "telegram", "value": "@" + user}


def session_id(rng: random.Random) -> dict:
    """A Session messenger id: '05' followed by a 32-byte X25519 public key in hex."""
    return {"type": "session_id", "value": "05" + _randbytes(rng, 32).hex()}


def wickr(rng: random.Random, name: str) -> dict:
    """Wickr Me handle (5-32 chars of letters, digits, '_', '.', '-')."""
    user = _handle(rng, name, rng.choice(("_", ".", "")), 32)
    while len(user) < 5:
        user += rng.choice("0123456789")
    return {"type": "wickr", "value": user}


def threema(rng: random.Random) -> dict:
    """Threema ID: eight characters from [A-Z0-9]."""
    value = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(8))
    return {"type": "threema", "value": value}


def snapchat(rng: random.Random, name: str) -> dict:
    """Snapchat username: 3-15 chars, starts with a letter, letters/digits and one of '-', '_', '.'."""
    user = _handle(rng, name, rng.choice(("_", ".", "-")), 15).rstrip("._-")
    while len(user) < 3:
        user += rng.choice("0123456789")
    return {"type": "snapchat", "value": user}


def xmpp(rng: random.Random, name: str) -> dict:
    """Jabber id on one of the public servers vendors favour."""
    local = _handle(rng, name, rng.choice((".", "_", "")), 24)
    return {"type": "xmpp", "value": f"{local}@{rng.choice(_XMPP_HOSTS)}"}
