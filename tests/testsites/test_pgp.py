"""Hand-built OpenPGP keys must be accepted by an independent implementation (pgpy) and be reproducible."""

from __future__ import annotations

import base64
import time
import warnings

import pytest

from testsites.pgp import PGPKey, crc24, make_key

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # pgpy 0.6 imports the deprecated imghdr module
    import pgpy
    from pgpy.constants import KeyFlags, PubKeyAlgorithm

CREATED = 1_700_000_000
# pgpy's verify() warns about checks it has not implemented (revocations, flags); irrelevant here
pytestmark = pytest.mark.filterwarnings("ignore:TODO:UserWarning")


def _load(key: PGPKey) -> pgpy.PGPKey:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed, _ = pgpy.PGPKey.from_blob(key.armored)
    return parsed


@pytest.mark.parametrize(
    "user_id",
    ["Green Cross <greencross@protonmail.com>", "Белый Кролик <kролик@cock.li>", "plain-name", "x" * 300],
)
def test_pgpy_parses_and_verifies(user_id: str) -> None:
    key = make_key(b"vendor-1", user_id, CREATED)
    parsed = _load(key)

    assert parsed.is_public and not parsed.is_protected
    assert str(parsed.fingerprint).replace(" ", "") == key.fingerprint
    assert parsed.fingerprint.keyid == key.key_id == key.fingerprint[-16:]
    assert len(key.fingerprint) == 40 and key.fingerprint == key.fingerprint.upper()
    assert parsed.key_algorithm == PubKeyAlgorithm.EdDSA
    assert int(parsed.created.timestamp()) == CREATED == key.created
    assert [u.userid if hasattr(u, "userid") else str(u) for u in parsed.userids] == [user_id]
    assert parsed.userids[0].is_uid

    uid = parsed.userids[0]
    assert uid.selfsig is not None and uid.selfsig.type == pgpy.constants.SignatureType.Positive_Cert
    assert uid.selfsig.key_flags == {KeyFlags.Certify, KeyFlags.Sign}
    assert parsed.verify(uid, uid.selfsig)
    verification = parsed.verify(parsed)  # every self-signature: uid certification and subkey binding
    assert verification and len(list(verification.good_signatures)) == 2
    assert not list(verification.bad_signatures)

    [(sub_id, sub)] = parsed.subkeys.items()
    assert sub.key_algorithm == PubKeyAlgorithm.ECDH
    assert sub_id == sub.fingerprint.keyid != key.key_id


def test_tampered_signature_does_not_verify() -> None:
    """Guards against a verifier that says yes to anything: flip one bit inside the certification's S."""
    key = make_key(b"vendor-2", "Tamper <t@proton.me>", CREATED)
    raw = bytearray(base64.b64decode("".join(key.armored.splitlines()[2:-2])))
    cert_start = 2 + raw[1] + 2 + raw[2 + raw[1] + 1]  # skip key packet and user-id packet headers+bodies
    cert_len = raw[cert_start + 1]
    assert raw[cert_start] == 0xC2 and cert_len < 192  # new-format signature packet, one-octet length
    raw[cert_start + 2 + cert_len - 5] ^= 0x01  # inside the trailing 32-octet S value
    b64 = base64.b64encode(bytes(raw)).decode()
    crc = base64.b64encode(crc24(bytes(raw)).to_bytes(3, "big")).decode()
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    armored = "\n".join(
        ["-----BEGIN PGP PUBLIC KEY BLOCK-----", "", *lines, "=" + crc, "-----END PGP PUBLIC KEY BLOCK-----"]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed, _ = pgpy.PGPKey.from_blob(armored + "\n")
    uid = parsed.userids[0]
    assert not parsed.verify(uid, uid.selfsig)


def test_armour_layout_and_crc() -> None:
    key = make_key(b"vendor-3", "Armour <a@b.c>", CREATED)
    lines = key.armored.splitlines()
    assert lines[0] == "-----BEGIN PGP PUBLIC KEY BLOCK-----" and lines[1] == ""
    assert lines[-1] == "-----END PGP PUBLIC KEY BLOCK-----" and key.armored.endswith("\n")
    assert lines[-2].startswith("=") and len(lines[-2]) == 5
    body = base64.b64decode("".join(lines[2:-2]))
    assert base64.b64decode(lines[-2][1:]) == crc24(body).to_bytes(3, "big")
    assert all(len(line) <= 64 for line in lines[2:-2])
    assert crc24(b"") == 0xB704CE


def test_deterministic_per_seed() -> None:
    a = make_key(b"same", "Same <s@s.s>", CREATED)
    assert make_key(b"same", "Same <s@s.s>", CREATED) == a
    other_seed = make_key(b"different", "Same <s@s.s>", CREATED)
    assert other_seed.fingerprint != a.fingerprint
    # the fingerprint covers key material and creation time, not the user id
    assert make_key(b"same", "Other <o@o.o>", CREATED).fingerprint == a.fingerprint
    assert make_key(b"same", "Same <s@s.s>", CREATED + 1).fingerprint != a.fingerprint


def test_thousand_keys_are_fast_and_distinct() -> None:
    start = time.perf_counter()
    keys = [make_key(i.to_bytes(4, "big"), f"vendor{i} <v{i}@proton.me>", CREATED + i) for i in range(1000)]
    assert time.perf_counter() - start < 3.0
    assert len({k.fingerprint for k in keys}) == 1000
    for k in keys[::100]:
        parsed = _load(k)
        assert str(parsed.fingerprint).replace(" ", "") == k.fingerprint
        assert parsed.verify(parsed)
