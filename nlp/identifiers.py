"""Checksum-validated identifier extraction (wallets, IBANs, cards, onions, contacts, PGP keys).

A false wallet address sent to a financial intelligence unit wastes an investigation, so every
identifier that carries a checksum is accepted only when the checksum verifies; shape alone is never
enough. Text is matched with zero-width characters removed (vendors insert them to dodge filters) but
offsets always point into the original text.
"""

from __future__ import annotations

import base64
import hashlib
import re
import warnings
from dataclasses import dataclass
from datetime import datetime

import base58
import pgpy
import phonenumbers
from cashaddress import convert as cashaddr
from embit import bech32 as segwit
from eth_utils import is_checksum_address, to_checksum_address
from monero import address as xmr_address
from monero import const as xmr_const
from stdnum import iban as std_iban
from stdnum import luhn

__all__ = ["TYPES", "Identifier", "PgpKey", "PgpKeys", "find_identifiers", "parse_pgp_key_blocks"]

TYPES = (
    "crypto_address", "iban", "card", "onion", "email", "phone", "telegram", "session_id", "wickr", "threema",
    "snapchat", "xmpp", "pgp_fingerprint", "url",
)


@dataclass(frozen=True)
class Identifier:
    """One validated identifier; ``text[start:end] == value`` (value may contain zero-width characters)."""

    type: str
    value: str
    normalized: str
    start: int
    end: int
    currency: str | None = None
    kind: str | None = None


# --- text preparation -------------------------------------------------------------------------------------

_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")  # ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen


def _strip_zero_width(text: str) -> tuple[str, list[int]]:
    """Clean text plus, for every clean character, its index in the original (to map offsets back)."""
    keep = [i for i, c in enumerate(text) if c not in _ZERO_WIDTH]
    return "".join(text[i] for i in keep), keep


# --- crypto addresses -------------------------------------------------------------------------------------

# base58check version bytes -> (currency, kind); 0x05 is shared by BTC and LTC P2SH (labels decide, BTC default)
_B58_VERSIONS: dict[bytes, tuple[str, str]] = {
    b"\x00": ("BTC", "p2pkh"),
    b"\x05": ("BTC", "p2sh"),
    b"\x30": ("LTC", "p2pkh"),
    b"\x32": ("LTC", "p2sh"),
    b"\x1e": ("DOGE", "p2pkh"),
    b"\x16": ("DOGE", "p2sh"),
    b"\x4c": ("DASH", "p2pkh"),
    b"\x10": ("DASH", "p2sh"),
    b"\x41": ("TRX", "base58"),
    b"\x1c\xb8": ("ZEC", "transparent"),  # t1, P2PKH
    b"\x1c\xbd": ("ZEC", "transparent"),  # t3, P2SH
}
_XMR_KINDS = {xmr_address.Address: "standard", xmr_address.SubAddress: "subaddress",
              xmr_address.IntegratedAddress: "integrated"}
_TOKEN = re.compile(r"(?<![A-Za-z0-9])(?:bitcoincash:)?[A-Za-z0-9]{14,110}(?![A-Za-z0-9])", re.I)  # 14: BIP-350 minimum
_HEX = re.compile(r"[0-9a-fA-F]+")
# the last currency named before an address on its line decides between BTC/BCH legacy and BTC/LTC P2SH
_COIN_LABEL = re.compile(r"bitcoin[\s_-]*cash|\bbch\b|litecoin|\bltc\b|bitcoin|\bbtc\b", re.I)
_PGP_CONTEXT = re.compile(r"pgp|gpg|fingerprint|\bfpr\b|отпечат|відбит", re.I)


def _label_before(clean: str, start: int) -> str | None:
    window = re.split(r"[\n|]", clean[max(0, start - 40) : start])[-1]
    labels = _COIN_LABEL.findall(window)
    if not labels:
        return None
    last = labels[-1].lower()
    if "cash" in last or last == "bch":
        return "BCH"
    return "LTC" if last in ("litecoin", "ltc") else "BTC"


def _segwit(token: str) -> tuple[str, str, str] | None:
    """BIP-173 (v0, bech32) / BIP-350 (v1+, bech32m): embit enforces the constant per witness version."""
    low = token.lower()
    if token not in (low, token.upper()):
        return None  # BIP-173: mixed case is invalid
    for hrp, currency in (("bc", "BTC"), ("ltc", "LTC")):
        if low.startswith(hrp + "1"):
            witver, _ = segwit.decode(hrp, low)
            if witver is not None:
                return currency, "bech32" if witver == 0 else "bech32m", low
    return None


def _cashaddr(token: str) -> str | None:
    low = token.lower()
    if token not in (low, token.upper()):
        return None
    full = low if low.startswith("bitcoincash:") else "bitcoincash:" + low
    return full if len(full) == 54 and cashaddr.is_valid(full) else None


def _monero(token: str) -> tuple[str, str] | None:
    if len(token) not in (95, 106) or token[0] not in "48":
        return None
    try:
        addr = xmr_address.address(token)  # Monero base58 blocks, Keccak-256 checksum, network byte
    except (ValueError, TypeError, KeyError):
        return None
    return (token, _XMR_KINDS[type(addr)]) if addr.net == xmr_const.NET_MAIN else None


def _base58check(token: str, label: str | None) -> tuple[str, str] | None:
    try:
        raw = base58.b58decode_check(token)
    except ValueError:
        return None
    for version, (currency, kind) in _B58_VERSIONS.items():
        if raw.startswith(version) and len(raw) == len(version) + 20:
            if version == b"\x00" and label == "BCH":
                return "BCH", "legacy"
            if version == b"\x05" and label in ("BCH", "LTC"):
                return label, "legacy" if label == "BCH" else "p2sh"
            return currency, kind
    return None


def _classify_token(clean: str, start: int, token: str) -> tuple[str, str, str | None, str | None] | None:
    """(type, normalized, currency, kind) of one alphanumeric run, or None when no checksum verifies."""
    body = token[2:] if token[:2].lower() == "0x" else None
    if body is not None and len(body) == 40 and _HEX.fullmatch(body):
        # EIP-55: mixed case must carry the checksum; single-case addresses carry none and are accepted
        if body not in (body.lower(), body.upper()) and not is_checksum_address(token):
            return None
        return "crypto_address", to_checksum_address("0x" + body.lower()), "ETH", "eip55"
    if len(token) == 66 and token[:2] == "05" and _HEX.fullmatch(token):
        return "session_id", token.lower(), None, None
    if len(token) == 40 and _HEX.fullmatch(token):
        context = clean[max(0, start - 60) : start]
        return ("pgp_fingerprint", token.upper(), None, None) if _PGP_CONTEXT.search(context) else None
    if found := _segwit(token):
        return "crypto_address", found[2], found[0], found[1]
    if cash := _cashaddr(token):
        return "crypto_address", cash, "BCH", "cashaddr"
    if xmr := _monero(token):
        return "crypto_address", xmr[0], "XMR", xmr[1]
    if b58 := _base58check(token, _label_before(clean, start)):
        return "crypto_address", token, b58[0], b58[1]
    return None


# --- onion v3 ---------------------------------------------------------------------------------------------


def _onion_valid(host: str) -> bool:
    """rend-spec-v3 §6: base32(pubkey[32] || checksum[2] || version[1]), checksum from SHA3-256."""
    raw = base64.b32decode(host.upper())
    pubkey, checksum, version = raw[:32], raw[32:34], raw[34:]
    return version == b"\x03" and hashlib.sha3_256(b".onion checksum" + pubkey + version).digest()[:2] == checksum


# --- cards ------------------------------------------------------------------------------------------------

# (IIN prefix range low, high, allowed lengths): issuer ranges that really exist (ISO/IEC 7812 registrations)
_IIN_RANGES: tuple[tuple[int, int, tuple[int, ...]], ...] = (
    (4, 4, (13, 16, 19)),  # Visa
    (51, 55, (16,)),  # Mastercard
    (2221, 2720, (16,)),  # Mastercard 2-series
    (34, 34, (15,)),  # Amex
    (37, 37, (15,)),
    (6011, 6011, (16, 19)),  # Discover
    (644, 649, (16, 19)),
    (65, 65, (16, 19)),
    (3528, 3589, (16, 19)),  # JCB
    (36, 36, (14, 16, 19)),  # Diners
    (300, 305, (14, 16, 19)),
    (62, 62, (16, 17, 18, 19)),  # UnionPay
    (2200, 2204, (16, 17, 18, 19)),  # Mir
)


def _card_plausible(digits: str) -> bool:
    for low, high, lengths in _IIN_RANGES:
        if len(digits) in lengths and low <= int(digits[: len(str(low))]) <= high:
            return True
    return False


# --- regexes on clean text --------------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"'`]+", re.I)
_URL_TRAILING = ".,;:!?)]}»"
_ONION = re.compile(r"(?<![A-Za-z0-9])([a-z2-7]{56})\.onion(?![A-Za-z0-9-])", re.I)
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])")
_CARD = re.compile(
    r"(?<![\w.,+-])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{4,5})(?![\w]|[.,-]\d)"
)
_EMAIL = re.compile(r"(?<![\w.+@-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
                    r"(?![\w@-])")
_TELEGRAM = re.compile(r"(?<![\w.@/])@([A-Za-z][A-Za-z0-9_]{4,31})(?![\w@])")
_TELEGRAM_LINK = re.compile(r"(?<![\w.])(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me)/@?([A-Za-z][A-Za-z0-9_]{4,31})"
                            r"(?![\w/])", re.I)
_TG_RESERVED = {"joinchat", "addstickers", "share", "proxy", "socks", "iv"}
_PGP_GROUPED = re.compile(r"(?<![0-9A-Fa-fxX])[0-9A-Fa-f]{4}(?:  ?[0-9A-Fa-f]{4}){9}(?![0-9A-Za-z])")
_SEP = r"\s*[:=\-–—➜>]+\s*"  # a label needs a separator: "wickr me - x", "Snap: x"
_LABELLED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("wickr", re.compile(rf"\bwickr(?:\s*me)?{_SEP}@?([A-Za-z0-9][A-Za-z0-9_.\-]{{4,31}})", re.I)),
    ("threema", re.compile(rf"\bthreema(?:\s*id)?{_SEP}([A-Z0-9*]{{8}})(?![\w*])", re.I)),
    ("snapchat", re.compile(rf"\bsnap(?:chat)?{_SEP}@?([A-Za-z][A-Za-z0-9._\-]{{1,13}}[A-Za-z0-9])(?![\w@])", re.I)),
    ("xmpp", re.compile(rf"\b(?:jabber|xmpp)(?:\s*/\s*(?:jabber|xmpp))?{_SEP}"
                        r"([\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,})(?![\w@-])", re.I)),
)
_PRIORITY = {t: i for i, t in enumerate(("xmpp", "telegram", "crypto_address", "session_id", "pgp_fingerprint",
                                         "iban", "card", "onion", "email", "phone", "wickr", "threema", "snapchat"))}
_BLOCK = ""


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    type: str  # _BLOCK: a shape that failed validation; it blocks weaker matches overlapping it
    normalized: str = ""
    currency: str | None = None
    kind: str | None = None


def _token_hits(clean: str) -> list[_Hit]:
    hits = []
    for m in _TOKEN.finditer(clean):
        if found := _classify_token(clean, m.start(), m.group()):
            hits.append(_Hit(m.start(), m.end(), *found))
        elif not m.group().isdigit():  # digit runs are left to the card and phone matchers
            hits.append(_Hit(m.start(), m.end(), _BLOCK))
    return hits


def _iban_hits(clean: str) -> list[_Hit]:
    hits = []
    for m in _IBAN.finditer(clean):
        groups = m.group().split(" ")
        for n in range(len(groups), 0, -1):  # a greedy grouped match may run into the next word: try shorter
            if std_iban.is_valid(candidate := "".join(groups[:n])):
                hits.append(_Hit(m.start(), m.start() + len(" ".join(groups[:n])), "iban", candidate))
                break
        else:
            hits.append(_Hit(m.start(), m.end(), _BLOCK))
    return hits


def _card_hits(clean: str) -> list[_Hit]:
    hits = []
    for m in _CARD.finditer(clean):
        digits = re.sub(r"\D", "", m.group())
        ok = 13 <= len(digits) <= 19 and _card_plausible(digits) and luhn.is_valid(digits)
        hits.append(_Hit(m.start(), m.end(), "card" if ok else _BLOCK, digits if ok else ""))
    return hits


def _onion_hits(clean: str) -> list[_Hit]:
    return [_Hit(m.start(), m.end(), "onion", m.group().lower()) if _onion_valid(m.group(1))
            else _Hit(m.start(), m.end(), _BLOCK) for m in _ONION.finditer(clean)]


def _contact_hits(clean: str) -> list[_Hit]:
    hits = [_Hit(m.start(), m.end(), "email", m.group().lower()) for m in _EMAIL.finditer(clean)]
    hits += [_Hit(m.start(), m.end(), "telegram", m.group(1).lower()) for m in _TELEGRAM.finditer(clean)]
    hits += [_Hit(m.start(), m.end(), "telegram", m.group(1).lower()) for m in _TELEGRAM_LINK.finditer(clean)
             if m.group(1).lower() not in _TG_RESERVED]
    for kind, pattern in _LABELLED:
        for m in pattern.finditer(clean):
            value = m.group(1).rstrip(".-") if kind == "wickr" else m.group(1)
            norm = value.upper() if kind == "threema" else value.lower()
            hits.append(_Hit(m.start(1), m.start(1) + len(value), kind, norm))
    for m in _PGP_GROUPED.finditer(clean):
        hits.append(_Hit(m.start(), m.end(), "pgp_fingerprint", re.sub(r"\s", "", m.group()).upper()))
    return hits


def _phone_hits(clean: str, region: str | None) -> list[_Hit]:
    matcher = phonenumbers.PhoneNumberMatcher(clean, region, leniency=phonenumbers.Leniency.VALID)
    e164 = phonenumbers.PhoneNumberFormat.E164
    return [_Hit(m.start, m.end, "phone", phonenumbers.format_number(m.number, e164)) for m in matcher]


def _url_hits(clean: str) -> list[_Hit]:
    hits = []
    for m in _URL.finditer(clean):
        url = m.group().rstrip(_URL_TRAILING)
        if url.count("(") > url.count(")") and m.group()[len(url) : len(url) + 1] == ")":
            url += ")"  # keep a balanced closing parenthesis (wiki-style URLs)
        hits.append(_Hit(m.start(), m.start() + len(url), "url", url))
    return hits


def _resolve(urls: list[_Hit], hits: list[_Hit]) -> list[_Hit]:
    """Inside a URL only its onion host or Telegram link survives; elsewhere the longest, most specific wins."""
    kept: list[_Hit] = list(urls)
    taken: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start - h.end, h.type == _BLOCK, _PRIORITY.get(h.type, 99))):
        container = next((u for u in urls if u.start < hit.end and hit.start < u.end), None)
        if container is not None:
            inside = container.start <= hit.start and hit.end <= container.end
            if not (inside and hit.type in ("onion", "telegram")):
                continue
        if any(t.start < hit.end and hit.start < t.end for t in taken):
            continue
        taken.append(hit)
        if hit.type != _BLOCK:
            kept.append(hit)
    return kept


def find_identifiers(text: str, region: str | None = None) -> list[Identifier]:
    """Every checksum-valid identifier in ``text``, sorted by start offset.

    ``region`` (ISO 3166 alpha-2) lets phone numbers written in national format be read; without it only
    numbers written with a ``+`` country code are reported, since a national number's country is a guess.
    """
    clean, index = _strip_zero_width(text)
    hits = _token_hits(clean) + _iban_hits(clean) + _card_hits(clean) + _onion_hits(clean)
    hits += _contact_hits(clean) + _phone_hits(clean, region)
    out = []
    for hit in _resolve(_url_hits(clean), hits):
        start, end = index[hit.start], index[hit.end - 1] + 1
        out.append(Identifier(hit.type, text[start:end], hit.normalized, start, end, hit.currency, hit.kind))
    return sorted(out, key=lambda i: (i.start, -i.end, i.type != "url", i.type))  # a URL before what it holds


# --- PGP key blocks ---------------------------------------------------------------------------------------

_ARMOR = re.compile(r"-----BEGIN PGP PUBLIC KEY BLOCK-----.*?-----END PGP PUBLIC KEY BLOCK-----", re.S)


@dataclass(frozen=True)
class PgpKey:
    """Facts of one armoured public key; the fingerprint links vendor identities across sites."""

    fingerprint: str  # 40 upper-case hex, no spaces
    key_id: str  # last 16 hex of the fingerprint
    user_ids: list[str]
    created: datetime  # timezone-aware (UTC)
    algorithm: str  # pgpy PubKeyAlgorithm name, e.g. "EdDSA", "RSAEncryptOrSign"
    start: int
    end: int


def _crc24(data: bytes) -> int:
    """RFC 4880 §6.1 armor checksum."""
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def _armor_checksum_ok(block: str) -> bool:
    """pgpy ignores the armor CRC, so a block mangled in copy-paste could yield a wrong key; check it here."""
    lines = [line.strip() for line in block.splitlines()[1:-1]]
    if "" in lines:  # armor headers end at the first blank line
        lines = lines[lines.index("") + 1 :]
    if not lines or not lines[-1].startswith("="):
        return True  # the checksum line is optional (RFC 9580 §6.2)
    data = base64.b64decode("".join(lines[:-1]), validate=True)
    return _crc24(data) == int.from_bytes(base64.b64decode(lines[-1][1:], validate=True), "big")


class PgpKeys(list[PgpKey]):
    """The parsed keys, plus ``errors``: (start, end, message) for every armoured block that was skipped."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: list[tuple[int, int, str]] = []


def parse_pgp_key_blocks(text: str) -> PgpKeys:
    """Parse every ASCII-armoured public key block with pgpy; malformed blocks are skipped and listed in errors."""
    result = PgpKeys()
    for m in _ARMOR.finditer(text):
        try:
            if not _armor_checksum_ok(m.group()):
                raise ValueError("armor checksum mismatch")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # pgpy warns on unsupported-but-harmless packet contents
                key, _ = pgpy.PGPKey.from_blob(m.group())
            user_ids = [u.userid for u in key.userids if u.is_uid]
            if not key.is_public or not user_ids:  # RFC 4880 §11.1: a transferable public key has a user ID
                raise ValueError("not a public key with a user ID")
            fingerprint = str(key.fingerprint).replace(" ", "").upper()
            result.append(PgpKey(fingerprint, fingerprint[-16:], user_ids, key.created, key.key_algorithm.name,
                                 m.start(), m.end()))
        except Exception as exc:  # pgpy raises many unrelated types on garbage input
            result.errors.append((m.start(), m.end(), f"{type(exc).__name__}: {exc}"))
    return result
