"""Deterministic, real OpenPGP public keys for synthetic vendors.

Vendor pages on markets publish an armoured PGP key, and the pipeline fingerprints it to link
identities across sites. The range therefore needs keys that real OpenPGP software parses and whose
self-signatures verify, yet that are reproducible from a seed (so ground truth can name the
fingerprint) and cheap to make. Generating through GnuPG or pgpy would be slow and random, so the
packets (RFC 4880, with EdDSA/ECDH from RFC 4880bis / RFC 6637) are written out by hand here:
an Ed25519 primary key (certify+sign), one user id with a positive self-certification, and a
Curve25519 encryption subkey with its binding signature, as ``gpg --quick-gen-key`` would produce.
"""

from __future__ import annotations

import base64
import hashlib
import struct
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

__all__ = ["PGPKey", "armor", "crc24", "make_key"]

# packet tags
_TAG_SIGNATURE = 2
_TAG_PUBLIC_KEY = 6
_TAG_USER_ID = 13
_TAG_PUBLIC_SUBKEY = 14

# algorithm ids
_ALG_ECDH = 18
_ALG_EDDSA = 22
_HASH_SHA256 = 8
_SYM_AES128 = 7

# curve OIDs without the DER tag/length: 1.3.6.1.4.1.11591.15.1 and 1.3.6.1.4.1.3029.1.5.1
_OID_ED25519 = bytes.fromhex("2b06010401da470f01")
_OID_CV25519 = bytes.fromhex("2b060104019755010501")

# signature types
_SIG_POSITIVE_CERT = 0x13
_SIG_SUBKEY_BINDING = 0x18

# signature subpacket types
_SP_CREATION_TIME = 2
_SP_PREF_SYMMETRIC = 11
_SP_ISSUER = 16
_SP_PREF_HASH = 21
_SP_PREF_COMPRESSION = 22
_SP_KEYSERVER_PREFS = 23
_SP_KEY_FLAGS = 27
_SP_FEATURES = 30
_SP_ISSUER_FINGERPRINT = 33


@dataclass(frozen=True)
class PGPKey:
    """An armoured public key plus the facts ground truth records about it."""

    armored: str
    fingerprint: str  # 40 uppercase hex chars (v4: SHA-1 over 0x99 + length + key packet body)
    key_id: str  # last 16 hex chars of the fingerprint
    user_id: str
    created: int  # unix time of key and self-signature creation


# ---------------------------------------------------------------------------------------------------------
# wire encoding
# ---------------------------------------------------------------------------------------------------------


def _mpi(data: bytes) -> bytes:
    """Multiprecision integer: 2-octet bit count then the big-endian value without leading zero octets."""
    stripped = data.lstrip(b"\0")
    bits = (len(stripped) - 1) * 8 + stripped[0].bit_length() if stripped else 0
    return struct.pack(">H", bits) + stripped


def _packet(tag: int, body: bytes) -> bytes:
    """New-format packet header (RFC 4880 4.2.2) followed by the body."""
    n = len(body)
    if n < 192:
        length = bytes([n])
    elif n < 8384:
        length = bytes([((n - 192) >> 8) + 192, (n - 192) & 0xFF])
    else:
        length = b"\xff" + struct.pack(">I", n)
    return bytes([0xC0 | tag]) + length + body


def _subpacket(kind: int, data: bytes) -> bytes:
    # every subpacket used here is shorter than 192 octets, so the one-octet length form suffices
    return bytes([len(data) + 1, kind]) + data


def _key_hash_prefix(key_body: bytes) -> bytes:
    """How a key packet enters fingerprints and signature hashes: 0x99, 2-octet length, body."""
    return b"\x99" + struct.pack(">H", len(key_body)) + key_body


def crc24(data: bytes) -> int:
    """CRC-24 of RFC 4880 section 6.1, used for the armour checksum line."""
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def armor(data: bytes, block: str = "PGP PUBLIC KEY BLOCK") -> str:
    """ASCII armour: 64-column base64 body and a '=' CRC-24 line, as GnuPG writes it."""
    b64 = base64.b64encode(data).decode("ascii")
    lines = [f"-----BEGIN {block}-----", ""]
    lines += [b64[i : i + 64] for i in range(0, len(b64), 64)]
    lines.append("=" + base64.b64encode(crc24(data).to_bytes(3, "big")).decode("ascii"))
    lines.append(f"-----END {block}-----")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------
# keys and signatures
# ---------------------------------------------------------------------------------------------------------


def _ed25519_key_body(pub: bytes, created: int) -> bytes:
    return struct.pack(">BIB", 4, created, _ALG_EDDSA) + bytes([len(_OID_ED25519)]) + _OID_ED25519 + _mpi(
        b"\x40" + pub
    )


def _cv25519_key_body(pub: bytes, created: int) -> bytes:
    kdf = bytes([3, 1, _HASH_SHA256, _SYM_AES128])
    return (
        struct.pack(">BIB", 4, created, _ALG_ECDH)
        + bytes([len(_OID_CV25519)])
        + _OID_CV25519
        + _mpi(b"\x40" + pub)
        + kdf
    )


def _signature(
    signer: Ed25519PrivateKey,
    fingerprint: bytes,
    sig_type: int,
    hashed_subpackets: bytes,
    signed_prefix: bytes,
) -> bytes:
    """A v4 EdDSA/SHA-256 signature packet over ``signed_prefix`` (RFC 4880 5.2.3, 5.2.4)."""
    hashed = (
        struct.pack(">BBBB", 4, sig_type, _ALG_EDDSA, _HASH_SHA256)
        + struct.pack(">H", len(hashed_subpackets))
        + hashed_subpackets
    )
    trailer = b"\x04\xff" + struct.pack(">I", len(hashed))
    digest = hashlib.sha256(signed_prefix + hashed + trailer).digest()
    # EdDSA in OpenPGP signs the digest itself; R and S travel as two MPIs
    sig = signer.sign(digest)
    unhashed = _subpacket(_SP_ISSUER, fingerprint[-8:])
    body = hashed + struct.pack(">H", len(unhashed)) + unhashed + digest[:2] + _mpi(sig[:32]) + _mpi(sig[32:])
    return _packet(_TAG_SIGNATURE, body)


def _derive(seed: bytes, label: bytes) -> bytes:
    """32 secret bytes per role, so one seed yields independent primary and subkey secrets."""
    return hashlib.sha256(b"narcwatch-testsites-pgp\0" + label + b"\0" + seed).digest()


def make_key(seed: bytes, user_id: str, created: int) -> PGPKey:
    """Build a parseable, self-signed Ed25519/Cv25519 public key; same arguments give identical armour."""
    primary = Ed25519PrivateKey.from_private_bytes(_derive(seed, b"ed25519-primary"))
    primary_pub = primary.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key_body = _ed25519_key_body(primary_pub, created)
    key_prefix = _key_hash_prefix(key_body)
    fpr = hashlib.sha1(key_prefix).digest()

    uid = user_id.encode("utf-8")
    time_sp = _subpacket(_SP_CREATION_TIME, struct.pack(">I", created))
    fpr_sp = _subpacket(_SP_ISSUER_FINGERPRINT, b"\x04" + fpr)
    cert_subpackets = (
        fpr_sp
        + time_sp
        + _subpacket(_SP_KEY_FLAGS, b"\x03")  # certify + sign
        + _subpacket(_SP_PREF_SYMMETRIC, bytes([9, 8, 7]))  # AES256, AES192, AES128
        + _subpacket(_SP_PREF_HASH, bytes([10, 9, 8]))  # SHA512, SHA384, SHA256
        + _subpacket(_SP_PREF_COMPRESSION, bytes([2, 3, 1]))  # ZLIB, BZip2, ZIP
        + _subpacket(_SP_FEATURES, b"\x01")  # modification detection
        + _subpacket(_SP_KEYSERVER_PREFS, b"\x80")  # no-modify
    )
    uid_prefix = b"\xb4" + struct.pack(">I", len(uid)) + uid
    cert = _signature(primary, fpr, _SIG_POSITIVE_CERT, cert_subpackets, key_prefix + uid_prefix)

    sub = X25519PrivateKey.from_private_bytes(_derive(seed, b"cv25519-subkey"))
    sub_body = _cv25519_key_body(sub.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw), created)
    bind_subpackets = fpr_sp + time_sp + _subpacket(_SP_KEY_FLAGS, b"\x0c")  # encrypt comms + storage
    binding = _signature(
        primary, fpr, _SIG_SUBKEY_BINDING, bind_subpackets, key_prefix + _key_hash_prefix(sub_body)
    )

    data = (
        _packet(_TAG_PUBLIC_KEY, key_body)
        + _packet(_TAG_USER_ID, uid)
        + cert
        + _packet(_TAG_PUBLIC_SUBKEY, sub_body)
        + binding
    )
    fingerprint = fpr.hex().upper()
    return PGPKey(
        armored=armor(data),
        fingerprint=fingerprint,
        key_id=fingerprint[-16:],
        user_id=user_id,
        created=created,
    )
