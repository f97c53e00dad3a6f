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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache, cached_property, lru_cache

import base58
import pgpy
import phonenumbers
from cashaddress import convert as cashaddr
from embit import bech32 as segwit
from eth_utils import is_checksum_address, to_checksum_address
from monero import address as xmr_address
from monero import const as xmr_const
from phonenumbers import phonenumbermatcher, phonenumberutil
from stdnum import iban as std_iban
from stdnum import luhn

__all__ = ["TYPES", "Identifier", "IdentifierReader", "PgpKey", "PgpKeys", "find_identifiers", "parse_pgp_key_blocks"]

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


_ZERO_WIDTH_RE = re.compile(f"[{''.join(sorted(_ZERO_WIDTH))}]")


def _strip_zero_width(text: str) -> tuple[str, Sequence[int]]:
    """Clean text plus, for every clean character, its index in the original (to map offsets back)."""
    if not _ZERO_WIDTH_RE.search(text):
        return text, range(len(text))  # the usual case, without a Python loop over the characters
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


# Vendors repeat their wallets in every listing, so each check of a token (a pure function of it) is memoised.
_TOKEN_CACHE = 2**12


@lru_cache(maxsize=_TOKEN_CACHE)
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


@lru_cache(maxsize=_TOKEN_CACHE)
def _cashaddr(token: str) -> str | None:
    low = token.lower()
    if token not in (low, token.upper()):
        return None
    full = low if low.startswith("bitcoincash:") else "bitcoincash:" + low
    return full if len(full) == 54 and cashaddr.is_valid(full) else None


@lru_cache(maxsize=_TOKEN_CACHE)
def _monero(token: str) -> tuple[str, str] | None:
    if len(token) not in (95, 106) or token[0] not in "48":
        return None
    try:
        addr = xmr_address.address(token)  # Monero base58 blocks, Keccak-256 checksum, network byte
    except (ValueError, TypeError, KeyError):
        return None
    return (token, _XMR_KINDS[type(addr)]) if addr.net == xmr_const.NET_MAIN else None


@lru_cache(maxsize=_TOKEN_CACHE)
def _base58_version(token: str) -> bytes | None:
    """The version bytes of a base58check address of a known kind, or None."""
    try:
        raw = base58.b58decode_check(token)
    except ValueError:
        return None
    return next((v for v in _B58_VERSIONS if raw.startswith(v) and len(raw) == len(v) + 20), None)


def _base58check(version: bytes, clean: str, start: int) -> tuple[str, str]:
    """(currency, kind) of a base58check address; the label before it is read only for the versions it decides."""
    if version in (b"\x00", b"\x05") and (label := _label_before(clean, start)) in ("BCH", "LTC"):
        if label == "BCH":
            return "BCH", "legacy"
        if version == b"\x05":
            return label, "p2sh"
    return _B58_VERSIONS[version]


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
    if (version := _base58_version(token)) is not None:
        return "crypto_address", token, *_base58check(version, clean, start)
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
_CARD = re.compile(  # every shape starts with four digits: testing that first is cheaper than the lookbehind
    r"(?=\d{4})(?<![\w.,+-])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{4,5})(?![\w]|[.,-]\d)"
)
_EMAIL = re.compile(r"(?<![\w.+@-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
                    r"(?![\w@-])")
_TELEGRAM = re.compile(r"(?<![\w.@/])@([A-Za-z][A-Za-z0-9_]{4,31})(?![\w@])")
_TELEGRAM_LINK = re.compile(r"(?<![\w.])(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me)/@?([A-Za-z][A-Za-z0-9_]{4,31})"
                            r"(?![\w/])", re.I)
_TG_RESERVED = {"joinchat", "addstickers", "share", "proxy", "socks", "iv"}
_PGP_GROUPED = re.compile(r"(?<![0-9A-Fa-fxX])[0-9A-Fa-f]{4}(?:  ?[0-9A-Fa-f]{4}){9}(?![0-9A-Za-z])")
_SEP = r"\s*[:=\-–—➜>]+\s*"  # a label needs a separator: "wickr me - x", "Snap: x"
# Each label pattern is led by its first letter, cheaper to try at every position than the word boundary.
_LABELLED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("wickr", re.compile(rf"(?=w)\bwickr(?:\s*me)?{_SEP}@?([A-Za-z0-9][A-Za-z0-9_.\-]{{4,31}})", re.I)),
    ("threema", re.compile(rf"(?=t)\bthreema(?:\s*id)?{_SEP}([A-Z0-9*]{{8}})(?![\w*])", re.I)),
    ("snapchat", re.compile(rf"(?=s)\bsnap(?:chat)?{_SEP}@?([A-Za-z][A-Za-z0-9._\-]{{1,13}}[A-Za-z0-9])(?![\w@])",
                            re.I)),
    ("xmpp", re.compile(rf"(?=[jx])\b(?:jabber|xmpp)(?:\s*/\s*(?:jabber|xmpp))?{_SEP}"
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


_iban_valid = lru_cache(maxsize=_TOKEN_CACHE)(std_iban.is_valid)  # a vendor's account recurs in all its listings


def _iban_hits(clean: str) -> list[_Hit]:
    hits = []
    for m in _IBAN.finditer(clean):
        groups = m.group().split(" ")
        for n in range(len(groups), 0, -1):  # a greedy grouped match may run into the next word: try shorter
            if _iban_valid(candidate := "".join(groups[:n])):
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


_ONION_TLD = re.compile(r"\.onion", re.I)  # one cheap scan spares most texts the onion pattern's


def _onion_hits(clean: str) -> list[_Hit]:
    if not _ONION_TLD.search(clean):
        return []
    return [_Hit(m.start(), m.end(), "onion", m.group().lower()) if _onion_valid(m.group(1))
            else _Hit(m.start(), m.end(), _BLOCK) for m in _ONION.finditer(clean)]


# What each contact pattern cannot match without; one cheap test spares most texts several case-insensitive scans.
# The lookahead of the labels' first letters makes that test cheap: without it every position tries every label.
_LABEL = re.compile(r"(?=[wtsjx])(?:wickr|threema|snap|jabber|xmpp)", re.I)
_TELEGRAM_HOST = re.compile(r"t\.me|telegram\.me", re.I)


def _contact_hits(clean: str) -> list[_Hit]:
    hits: list[_Hit] = []
    if "@" in clean:
        hits += [_Hit(m.start(), m.end(), "email", m.group().lower()) for m in _EMAIL.finditer(clean)]
        hits += [_Hit(m.start(), m.end(), "telegram", m.group(1).lower()) for m in _TELEGRAM.finditer(clean)]
    if _TELEGRAM_HOST.search(clean):
        hits += [_Hit(m.start(), m.end(), "telegram", m.group(1).lower()) for m in _TELEGRAM_LINK.finditer(clean)
                 if m.group(1).lower() not in _TG_RESERVED]
    for kind, pattern in _LABELLED if _LABEL.search(clean) else ():
        for m in pattern.finditer(clean):
            value = m.group(1).rstrip(".-") if kind == "wickr" else m.group(1)
            norm = value.upper() if kind == "threema" else value.lower()
            hits.append(_Hit(m.start(1), m.start(1) + len(value), kind, norm))
    for m in _PGP_GROUPED.finditer(clean):
        hits.append(_Hit(m.start(), m.end(), "pgp_fingerprint", re.sub(r"\s", "", m.group()).upper()))
    return hits


# --- phones -----------------------------------------------------------------------------------------------

# PhoneNumberMatcher parses every digit run of a text, prices and weights included, and parsing is what costs. The
# matcher's own candidate pattern and loop are mirrored here (private names of phonenumbers, pinned by
# tests/nlp/test_identifiers.py against the public matcher) so that a run is parsed only when it has enough
# characters to be a valid number, and found once per text for every region it is read in.
# A candidate starts with a digit or a lead character ("+", "("): the lookahead tests that first, which the pattern
# alone spends its time finding out at every position.
_PHONE_CANDIDATE = re.compile(rf"(?={phonenumbermatcher._LEAD_CLASS}|\d)" + phonenumbermatcher._PATTERN.pattern,
                              phonenumbermatcher._PATTERN.flags)
_SECOND_NUMBER = phonenumbermatcher._SECOND_NUMBER_START_PATTERN
_PLUS = frozenset(phonenumberutil._PLUS_CHARS)


@cache
def _phone_minimum() -> tuple[dict[str, int], int, dict[str, re.Pattern[str]]]:
    """Fewest letters and digits a valid number can be written with, per region in national format and with a
    country code, and each region's exit code (international prefix). A national significant number has one of
    its country's possible lengths, less the digits a national-prefix transform rule adds ("0549" in San Marino);
    a national prefix or an exit code only adds."""
    metadata = [phonenumbers.PhoneMetadata.metadata_for_region(r) for r in phonenumbers.SUPPORTED_REGIONS]
    metadata += [phonenumbers.PhoneMetadata.metadata_for_nongeo_region(c)
                 for c in phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS]
    shortest: dict[int, int] = {}
    for meta in metadata:
        length = min(meta.general_desc.possible_length, default=1)
        shortest[meta.country_code] = min(shortest.get(meta.country_code, length), length)

    def fewest(meta: phonenumbers.PhoneMetadata) -> int:
        added = re.sub(r"\\\d", "", meta.national_prefix_transform_rule or "")
        return max(1, shortest[meta.country_code] - sum(ch.isdigit() for ch in added))

    regions = [meta for meta in metadata if meta.id in phonenumbers.SUPPORTED_REGIONS]
    return ({meta.id: fewest(meta) for meta in regions},
            min(len(str(meta.country_code)) + fewest(meta) for meta in metadata),
            {meta.id: re.compile(meta.international_prefix) for meta in regions if meta.international_prefix})


@dataclass  # not frozen: a frozen dataclass is three times as slow to make, and every text has a dozen candidates
class _PhoneCandidate:
    start: int
    text: str
    chars: int  # letters and digits: a vanity number's letters may stand for digits
    plus: bool

    @cached_property
    def digits(self) -> str:
        """The digits as phonenumbers reads them, or "" when letters might be read as digits too."""
        return "" if any(ch.isalpha() for ch in self.text) else phonenumbers.normalize_digits_only(self.text)


# Characters the matcher reads after a candidate: the next one (a letter there rejects it) and, after a candidate
# shaped like a time stamp, whether ":mm" follows.
_READ_AFTER = 3


@lru_cache(maxsize=2**14)
def _phone_match(region: str | None, candidate: str, before: str, after: str) -> tuple[int, int, str] | None:
    """(start, end, E.164) relative to the candidate of what PhoneNumberMatcher's _extract_match finds in it, given
    the character `before` it and the characters `after` it that the matcher reads ("" at either end of the text).
    Parsing is the cost of phone matching, and vendors repeat their numbers across listings, so it is memoised: the
    matcher sees the key alone, so the result is that of the candidate in any text that agrees with the key."""
    text = before + candidate + after
    matcher = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
    if (match := matcher._extract_match(candidate, len(before))) is None:
        return None
    e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    return match.start - len(before), match.end - len(before), e164


class _PhoneCandidates:
    """The runs PhoneNumberMatcher tries in one text, each found once however many regions read the text."""

    def __init__(self, clean: str) -> None:
        self.clean = clean
        self._after: dict[int, _PhoneCandidate | None] = {}
        self._unmatched: list[_PhoneCandidate] | None = None
        # Candidates read whole without a region: a number whose "+" country code parses reads alike in every region.
        self._international: dict[int, _Hit] = {}

    def _next(self, index: int) -> _PhoneCandidate | None:
        """The candidate the matcher's search from `index` yields, trimmed before a second number ("/ x")."""
        if index not in self._after:
            m = _PHONE_CANDIDATE.search(self.clean, index)
            found = None
            if m is not None:
                text = m.group()
                if second := _SECOND_NUMBER.search(text):
                    text = text[: second.start()]
                found = _PhoneCandidate(m.start(), text, sum(map(str.isalnum, text)), not _PLUS.isdisjoint(text))
            self._after[index] = found
        return self._after[index]

    def chain(self) -> list[_PhoneCandidate]:
        """Every candidate, as the matcher steps through them when none matches."""
        if self._unmatched is None:
            self._unmatched, index = [], 0
            while (candidate := self._next(index)) is not None:
                self._unmatched.append(candidate)
                index = candidate.start + len(candidate.text)
        return self._unmatched

    def hits(self, region: str | None, min_chars: int = 0) -> list[_Hit]:
        """What PhoneNumberMatcher(clean, region, VALID) finds; runs too short to be valid, or shorter than
        `min_chars` letters and digits, are not parsed. Unlike the matcher this does not give up after 65,535
        invalid candidates, which no listing reaches."""
        national, international, exit_codes = _phone_minimum()

        def parsable(c: _PhoneCandidate) -> bool:
            if c.chars < min_chars:
                return False
            if c.plus and c.chars >= international:
                return True
            if region not in national:
                return False  # without a valid region only "+" numbers parse
            if c.chars >= national[region]:
                return True
            # Too short for a national number: only a country code after the region's exit code ("00", "810", at
            # least one digit) can make it valid, in the whole run or in a part the matcher tries.
            exit_code = exit_codes.get(region)
            return (c.chars > international and exit_code is not None
                    and (not c.digits or exit_code.search(c.digits) is not None))

        if (region not in national and _PLUS.isdisjoint(self.clean)) or not any(map(parsable, self.chain())):
            return []
        hits: list[_Hit] = []
        index = 0
        while (candidate := self._next(index)) is not None:
            end = candidate.start + len(candidate.text)
            hit = self._international.get(candidate.start)
            if hit is None and parsable(candidate) and (match := _phone_match(
                    region, candidate.text, self.clean[max(0, candidate.start - 1) : candidate.start],
                    self.clean[end : end + _READ_AFTER])):
                hit = _Hit(candidate.start + match[0], candidate.start + match[1], "phone", match[2])
                if region is None and (hit.start, hit.end) == (candidate.start, end):
                    self._international[candidate.start] = hit
            if hit is None:
                index = end
            else:
                hits.append(hit)
                index = hit.end
        return hits


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


class IdentifierReader:
    """One text's identifiers. Everything but phone numbers is found once, so reading the phone numbers in several
    regions (as a caller without a sure region does) costs only the phone matching."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.clean, self.index = _strip_zero_width(text)
        self.urls = _url_hits(self.clean)
        self.hits = _token_hits(self.clean) + _iban_hits(self.clean) + _card_hits(self.clean)
        self.hits += _onion_hits(self.clean) + _contact_hits(self.clean)
        self.candidates = _PhoneCandidates(self.clean)

    def identifiers(self, region: str | None = None) -> list[Identifier]:
        """Every checksum-valid identifier, phone numbers read as in find_identifiers(text, region)."""
        return self._resolved(self.candidates.hits(region))

    def phone_runs(self, min_chars: int) -> list[tuple[int, int]]:
        """Offsets of the digit runs with at least `min_chars` letters and digits that the phone matcher tries."""
        return [(self.index[c.start], self.index[c.start + len(c.text) - 1] + 1)
                for c in self.candidates.chain() if c.chars >= min_chars]

    def phones(self, region: str | None, min_chars: int = 0) -> list[Identifier]:
        """The phone numbers among identifiers(region), skipping the resolution when there are none."""
        phones = self.candidates.hits(region, min_chars)
        return [i for i in self._resolved(phones) if i.type == "phone"] if phones else []

    def _resolved(self, phones: list[_Hit]) -> list[Identifier]:
        out = []
        for hit in _resolve(self.urls, self.hits + phones):
            start, end = self.index[hit.start], self.index[hit.end - 1] + 1
            out.append(Identifier(hit.type, self.text[start:end], hit.normalized, start, end, hit.currency, hit.kind))
        return sorted(out, key=lambda i: (i.start, -i.end, i.type != "url", i.type))  # a URL before what it holds


def find_identifiers(text: str, region: str | None = None) -> list[Identifier]:
    """Every checksum-valid identifier in ``text``, sorted by start offset.

    ``region`` (ISO 3166 alpha-2) lets phone numbers written in national format be read; without it only
    numbers written with a ``+`` country code are reported, since a national number's country is a guess.
    """
    return IdentifierReader(text).identifiers(region)


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
