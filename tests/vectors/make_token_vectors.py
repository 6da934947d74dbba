"""Write tests/vectors/pass_tokens.json: pass tokens with the verdict both verifiers must reach.

Deterministic (fixed key seeds, fixed clock; Ed25519 signatures are deterministic), so the
committed file can be checked against a fresh run. Run from the repository root:

    .venv/bin/python tests/vectors/make_token_vectors.py
"""
import base64
import hashlib
import json
import struct
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat  # noqa: E402

from passresot.passes.base45 import b45decode, b45encode  # noqa: E402
from passresot.passes.token import key_id, sign_pass_token  # noqa: E402

OUTPUT = Path(__file__).with_name("pass_tokens.json")
TOLERANCE = 300


def _utc(*args) -> int:
    return int(datetime(*args, tzinfo=timezone.utc).timestamp())


NOW = _utc(2026, 6, 15, 10, 0, 0)
YEAR_START = _utc(2026, 1, 1)
YEAR_END = _utc(2026, 12, 31, 23, 59, 59)


def test_key(n: int) -> Ed25519PrivateKey:
    """Test key n, from the fixed seed sha256(b"passresot66-test-key-<n>"); never use elsewhere."""
    return Ed25519PrivateKey.from_private_bytes(
        hashlib.sha256(f"passresot66-test-key-{n}".encode()).digest())


KEY_1, KEY_2, KEY_UNKNOWN = test_key(1), test_key(2), test_key(3)


def raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def jwk(key: Ed25519PrivateKey) -> dict:
    encoded = base64.urlsafe_b64encode(raw_public(key)).rstrip(b"=").decode()
    return {"kid": key_id(raw_public(key)), "alg": "Ed25519", "public_key": encoded}


def sign(key=KEY_1, *, pass_id=1001, office_id=7, valid_from=YEAR_START,
         valid_until=YEAR_END, name="Amélie R.") -> str:
    """A well-formed token from the library encoder."""
    return sign_pass_token(pass_id=pass_id, office_id=office_id, valid_from=valid_from,
                           valid_until=valid_until, display_name=name, private_key=key)


def hand_made(key=KEY_1, *, version=1, kid=None, name=b"Amelie R.", name_len=None,
              pass_id=1001) -> str:
    """A token packed byte by byte, to reach shapes the encoder refuses to make."""
    kid_bytes = bytes.fromhex(kid or key_id(raw_public(key)))
    body = struct.pack(">B4sIIIIB", version, kid_bytes, pass_id, 7, YEAR_START, YEAR_END,
                       len(name) if name_len is None else name_len) + name
    return "PR1:" + b45encode(body + key.sign(body))


def edit_bytes(qr: str, edit) -> str:
    """Decode a token, change its bytes with `edit`, re-encode it."""
    return "PR1:" + b45encode(bytes(edit(bytearray(b45decode(qr[4:])))))


def flip(index: int):
    def edit(raw: bytearray) -> bytearray:
        raw[index] ^= 0x01
        return raw
    return edit


def ok(qr: str, pass_id=1001, office_id=7, valid_from=YEAR_START, valid_until=YEAR_END,
       name="Amélie R.", key=KEY_1) -> dict:
    return {"ok": True, "payload": {
        "version": 1, "kid": key_id(raw_public(key)), "pass_id": pass_id,
        "office_id": office_id, "valid_from": valid_from, "valid_until": valid_until,
        "display_name": name}}


def refused(reason: str) -> dict:
    return {"ok": False, "reason": reason}


def vectors() -> list[tuple[str, str, list[int], dict]]:
    valid = sign()
    long_name = "Jean-Sébastien Delacroix-Étienne"  # 34 bytes, cut to 24
    straddling = "Marie-Hélène Garcias-Ébrard"  # "É" takes bytes 23-24: cut before it
    return [
        ("valid_accented_name", valid, [], ok(valid)),
        ("valid_long_name_truncated", sign(name=long_name), [],
         ok(sign(name=long_name), name="Jean-Sébastien Delacroi")),
        ("valid_name_cut_before_multibyte_char", sign(name=straddling), [],
         ok(sign(name=straddling), name="Marie-Hélène Garcias-")),
        ("valid_name_with_emoji", sign(name="Jordi 🏰 Puig"), [],
         ok(sign(name="Jordi 🏰 Puig"), name="Jordi 🏰 Puig")),
        ("valid_name_decomposed_is_composed", sign(name="Ame\u0301lie R."), [], ok(valid)),
        ("valid_empty_name", sign(name=""), [], ok(sign(name=""), name="")),
        ("valid_rotated_key", sign(KEY_2, pass_id=42), [],
         ok(sign(KEY_2, pass_id=42), pass_id=42, key=KEY_2)),
        ("valid_max_uint32_fields", sign(pass_id=2**32 - 1, office_id=2**32 - 1), [],
         ok(sign(pass_id=2**32 - 1, office_id=2**32 - 1), pass_id=2**32 - 1,
            office_id=2**32 - 1)),
        ("valid_starts_within_tolerance", sign(valid_from=NOW + TOLERANCE), [],
         ok(sign(valid_from=NOW + TOLERANCE), valid_from=NOW + TOLERANCE)),
        ("valid_ended_within_tolerance", sign(valid_until=NOW - TOLERANCE), [],
         ok(sign(valid_until=NOW - TOLERANCE), valid_until=NOW - TOLERANCE)),
        ("valid_other_pass_revoked", valid, [1000, 1002], ok(valid)),
        ("tampered_pass_id_byte", edit_bytes(valid, flip(8)), [], refused("invalid_signature")),
        ("tampered_name_byte", edit_bytes(valid, flip(22)), [], refused("invalid_signature")),
        ("tampered_signature_byte", edit_bytes(valid, flip(-1)), [],
         refused("invalid_signature")),
        ("tampered_and_revoked", edit_bytes(valid, flip(-1)), [1001],
         refused("invalid_signature")),
        # Holds for a cofactored check (@noble/ed25519 without the policy), not for OpenSSL.
        ("signature_r_with_order_8_component", mixed_r_token(valid), [], refused("invalid_signature")),
        ("signed_by_unknown_key", sign(KEY_UNKNOWN), [], refused("unknown_key")),
        ("kid_altered", edit_bytes(valid, flip(1)), [], refused("unknown_key")),
        ("truncated_bytes", edit_bytes(valid, lambda raw: raw[:-1]), [], refused("malformed")),
        ("truncated_text", valid[:-1], [], refused("malformed")),
        ("extended_bytes", edit_bytes(valid, lambda raw: raw + b"\x00"), [],
         refused("malformed")),
        ("wrong_prefix", "PR2:" + valid[4:], [], refused("malformed")),
        ("lowercase_prefix", "pr1:" + valid[4:], [], refused("malformed")),
        ("no_prefix", valid[4:], [], refused("malformed")),
        ("empty_text", "", [], refused("malformed")),
        ("prefix_only", "PR1:", [], refused("malformed")),
        ("leading_space", " " + valid, [], refused("malformed")),
        ("char_outside_base45", valid[:10] + "a" + valid[11:], [], refused("malformed")),
        ("base45_group_above_65535", "PR1:GGW" + valid[7:], [], refused("malformed")),
        ("version_2_signed", hand_made(version=2), [], refused("malformed")),
        ("name_length_over_24_signed", hand_made(name=b"A" * 25), [], refused("malformed")),
        ("name_length_mismatch_signed", hand_made(name=b"Amelie", name_len=7), [],
         refused("malformed")),
        ("name_not_utf8_signed", hand_made(name=b"Am\xe9lie"), [], refused("malformed")),
        ("name_utf8_surrogate_signed", hand_made(name=b"A\xed\xa0\x80"), [],
         refused("malformed")),
        ("malformed_with_unknown_key", hand_made(KEY_UNKNOWN, version=2), [],
         refused("malformed")),
        ("unknown_key_with_bad_signature", edit_bytes(sign(KEY_UNKNOWN), flip(-1)), [],
         refused("unknown_key")),
        ("revoked", valid, [1001], refused("revoked")),
        ("revoked_and_expired", sign(valid_until=NOW - 86400), [1001], refused("revoked")),
        ("not_yet_valid", sign(valid_from=NOW + 86400, valid_until=NOW + 2 * 86400), [],
         refused("not_yet_valid")),
        ("not_yet_valid_just_past_tolerance", sign(valid_from=NOW + TOLERANCE + 1), [],
         refused("not_yet_valid")),
        ("expired", sign(valid_from=NOW - 2 * 86400, valid_until=NOW - 86400), [],
         refused("expired")),
        ("expired_just_past_tolerance", sign(valid_until=NOW - TOLERANCE - 1), [],
         refused("expired")),
        ("rotated_key_expired", sign(KEY_2, valid_until=NOW - 86400), [], refused("expired")),
    ]


def build() -> dict:
    """The whole vector file as a JSON-ready dict."""
    return {
        "about": "Pass tokens and the verdict Python and browser verifiers must both reach. "
                 "Generated by tests/vectors/make_token_vectors.py; do not edit by hand.",
        "keys": [jwk(KEY_1), jwk(KEY_2)],
        "now": NOW,
        "tolerance_seconds": TOLERANCE,
        "vectors": [{"name": name, "qr": qr, "revoked": revoked, "expected": expected}
                    for name, qr, revoked, expected in vectors()],
        "ed25519_speccheck": ed25519_cases(),
    }


# --- one Ed25519 policy on both sides (passes/ed25519_policy.py, static/js/verify.js) -------------

SPECCHECK = Path(__file__).with_name("ed25519_speccheck.json")
#: A point of order 8 (the ed25519-speccheck set's small-order R, sign bit clear).
ORDER_8 = bytes.fromhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")


def _encode(point) -> bytes:
    x, y = point
    return (y | (x & 1) << 255).to_bytes(32, "little")


def _mixed_r_signature(message: bytes) -> tuple[bytes, bytes]:
    """(public key of KEY_1, signature) whose R has an order-8 component: the cofactored equation
    holds, the cofactorless one (OpenSSL) does not; so the browser must check R too."""
    from passresot.passes import ed25519_policy as ed

    digest = hashlib.sha512(hashlib.sha256(b"passresot66-test-key-1").digest()).digest()
    a = int.from_bytes(digest[:32], "little")
    a = (a & ~7 & ((1 << 254) - 1)) | (1 << 254)
    base = ed.decode_point((4 * pow(5, ed.P - 2, ed.P) % ed.P).to_bytes(32, "little"))
    public = _encode(ed._times(a, base))
    assert public == raw_public(KEY_1)
    r = int.from_bytes(hashlib.sha512(b"passresot66 mixed-order R" + message).digest(), "little") % ed.L
    mixed_r = _encode(ed._add(ed._times(r, base), ed.decode_point(ORDER_8)))
    k = int.from_bytes(hashlib.sha512(mixed_r + public + message).digest(), "little") % ed.L
    return public, mixed_r + ((r + k * a) % ed.L).to_bytes(32, "little")


def mixed_r_token(qr: str) -> str:
    """The same token signed again by KEY_1 with an R that has an order-8 component."""
    raw = b45decode(qr[4:])
    signed = raw[:-64]
    return "PR1:" + b45encode(signed + _mixed_r_signature(signed)[1])


def ed25519_cases() -> list[dict]:
    """Raw (key, signature, message) cases and whether the signature holds for both verifiers."""
    cases = [{"name": f"speccheck {n}", **case, "holds": False}
             for n, case in enumerate(json.loads(SPECCHECK.read_text())["cases"])]
    message = b"passresot66 policy"
    good = KEY_1.sign(message)
    cases.append({"name": "a valid signature by a key of prime order", "message": message.hex(),
                  "pub_key": raw_public(KEY_1).hex(), "signature": good.hex(), "holds": True})
    public, signature = _mixed_r_signature(message)
    cases.append({"name": "R with an order-8 component (cofactored only)", "message": message.hex(),
                  "pub_key": public.hex(), "signature": signature.hex(), "holds": False})
    order = 2**252 + 27742317777372353535851937790883648493
    high_s = good[:32] + (int.from_bytes(good[32:], "little") + order).to_bytes(32, "little")
    cases.append({"name": "S + L (non-canonical S)", "message": message.hex(), "pub_key": raw_public(KEY_1).hex(),
                  "signature": high_s.hex(), "holds": False})
    return cases


def render() -> str:
    return json.dumps(build(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    OUTPUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
