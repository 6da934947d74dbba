"""The pass token: Base45, encoder, parser, verifier, and the vectors shared with verify.js."""
import base64
import importlib.util
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import qrcode
from hypothesis import given, settings
from hypothesis import strategies as st

from passresot.errors import DomainError
from passresot.passes.base45 import ALPHABET, Base45Error, b45decode, b45encode
from passresot.passes.exceptions import REFUSAL_REASONS, TokenRefused
from passresot.passes.token import (
    PassPayload, key_id, parse_pass_token, sign_pass_token, verify_pass_token)

VECTORS_DIR = Path(__file__).resolve().parents[1] / "vectors"
_spec = importlib.util.spec_from_file_location(
    "make_token_vectors", VECTORS_DIR / "make_token_vectors.py")
make_token_vectors = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_token_vectors)
VECTOR_FILE = json.loads((VECTORS_DIR / "pass_tokens.json").read_text(encoding="utf-8"))

KEY = make_token_vectors.KEY_1
KID = key_id(KEY.public_key())
NOW = 1_781_517_600
KEYS = {KID: KEY.public_key()}


def token(**overrides) -> str:
    fields = dict(pass_id=1, office_id=2, valid_from=NOW - 3600, valid_until=NOW + 3600,
                  display_name="Amélie R.", private_key=KEY)
    return sign_pass_token(**{**fields, **overrides})


def reason_of(qr, keys=KEYS, now=NOW, revoked=(), tolerance=300) -> str | None:
    try:
        verify_pass_token(qr, keys, now, revoked, tolerance)
    except TokenRefused as refusal:
        return refusal.reason
    return None


# --- Base45 -----------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, text", [
    (b"AB", "BB8"), (b"Hello!!", "%69 VD92EX0"), (b"base-45", "UJCLQE7W581"),
    (b"ietf!", "QED8WEX0"), (b"", ""), (b"\x00", "00"), (b"\xff\xff", "FGW"),
])
def test_base45_matches_rfc_9285(raw, text):
    assert b45encode(raw) == text
    assert b45decode(text) == raw


@pytest.mark.parametrize("text", ["GGW", ":::", "6\\", "A", "ABCD", "bb8", "BB8\n", "\u00c9A"])
def test_base45_refuses_non_canonical_text(text):
    with pytest.raises(Base45Error):
        b45decode(text)


@given(st.binary(max_size=300))
def test_base45_round_trips_and_stays_alphanumeric(raw):
    text = b45encode(raw)
    assert set(text) <= set(ALPHABET)
    assert b45decode(text) == raw


# --- Encoder ----------------------------------------------------------------------------------

def test_signed_token_verifies_and_says_what_was_signed():
    payload = verify_pass_token(token(), KEYS, NOW)
    assert payload == PassPayload(1, KID, 1, 2, NOW - 3600, NOW + 3600, "Amélie R.")
    assert len(KID) == 8 and KID == KID.lower()


def test_datetimes_naive_utc_and_aware_give_the_same_token():
    start = datetime.fromtimestamp(NOW, timezone.utc)
    paris = start.astimezone(timezone(timedelta(hours=2)))
    by_int = token(valid_from=NOW, valid_until=NOW + 60)
    assert token(valid_from=start, valid_until=NOW + 60) == by_int
    assert token(valid_from=paris, valid_until=NOW + 60) == by_int
    assert token(valid_from=start.replace(tzinfo=None), valid_until=NOW + 60) == by_int


@pytest.mark.parametrize("overrides", [
    {"pass_id": -1}, {"pass_id": 2**32}, {"office_id": 2**32}, {"valid_from": -5},
    {"valid_until": 2**32}, {"valid_from": NOW + 10, "valid_until": NOW},
])
def test_encoder_refuses_fields_that_do_not_fit(overrides):
    with pytest.raises(ValueError):
        token(**overrides)


def test_max_length_token_fits_an_alphanumeric_qr_of_version_7_at_level_m():
    longest = token(pass_id=2**32 - 1, office_id=2**32 - 1, display_name="É" * 30)
    assert parse_pass_token(longest)[0].display_name == "É" * 12  # 24 bytes
    assert len(longest) == 169 <= 200
    assert set(longest) <= set(ALPHABET)
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(longest, optimize=0)
    code.make(fit=True)
    assert code.data_list[0].mode == qrcode.util.MODE_ALPHA_NUM
    assert code.version == 7  # 45 x 45 modules


# --- Verifier order and options -------------------------------------------------------------

def test_tolerance_edges_and_datetime_now():
    qr = token(valid_from=NOW, valid_until=NOW + 10)
    assert reason_of(qr, now=NOW - 300) is None
    assert reason_of(qr, now=NOW - 301) == "not_yet_valid"
    assert reason_of(qr, now=NOW + 310) is None
    assert reason_of(qr, now=NOW + 311) == "expired"
    assert reason_of(qr, now=NOW - 1, tolerance=0) == "not_yet_valid"
    assert reason_of(qr, now=datetime.fromtimestamp(NOW + 5, timezone.utc)) is None


def test_keys_may_be_raw_bytes_and_retired_keys_do_not_verify():
    raw = {KID: make_token_vectors.raw_public(KEY)}
    assert reason_of(token(), keys=raw) is None
    assert reason_of(token(), keys={}) == "unknown_key"
    assert reason_of(token(), keys={KID: b"\x00" * 31}) == "invalid_signature"


def test_revocation_accepts_any_container():
    assert reason_of(token(pass_id=9), revoked={9}) == "revoked"
    assert reason_of(token(pass_id=9), revoked=range(5, 10)) == "revoked"
    assert reason_of(token(pass_id=9), revoked=[8, 10]) is None


def test_refusal_is_a_domain_error_with_the_reason_as_code():
    assert len(REFUSAL_REASONS) == len(set(REFUSAL_REASONS)) == 10
    assert "staff_refused" in REFUSAL_REASONS  # the device's own: the staff said no where no rule could tell
    refusal = TokenRefused("expired")
    assert isinstance(refusal, DomainError)
    assert refusal.code == refusal.reason == "expired"
    with pytest.raises(ValueError):
        TokenRefused("nope")


# --- Shared vectors ---------------------------------------------------------------------------

def test_vector_file_is_what_the_script_writes_now():
    on_disk = (VECTORS_DIR / "pass_tokens.json").read_text(encoding="utf-8")
    assert on_disk == make_token_vectors.render(), "run tests/vectors/make_token_vectors.py"


def test_vector_file_covers_every_token_reason():
    seen = {v["expected"].get("reason") for v in VECTOR_FILE["vectors"]}
    assert seen == {None, *REFUSAL_REASONS[:6]}


@pytest.mark.parametrize("vector", VECTOR_FILE["vectors"], ids=lambda v: v["name"])
def test_python_verifier_passes_vector(vector):
    keys = {k["kid"]: base64.urlsafe_b64decode(k["public_key"] + "=") for k in VECTOR_FILE["keys"]}
    try:
        payload = verify_pass_token(vector["qr"], keys, VECTOR_FILE["now"], vector["revoked"],
                                    VECTOR_FILE["tolerance_seconds"])
    except TokenRefused as refusal:
        assert vector["expected"] == {"ok": False, "reason": refusal.reason}
    else:
        assert vector["expected"] == {"ok": True, "payload": payload.__dict__}


# --- Whatever the input, only TokenRefused ----------------------------------------------------

def assert_only_refused(text):
    try:
        parse_pass_token(text)
    except TokenRefused:
        pass
    try:
        verify_pass_token(text, KEYS, NOW, revoked={1})
    except TokenRefused as refusal:
        assert refusal.reason in REFUSAL_REASONS[:6]


@settings(max_examples=300)
@given(st.text(max_size=250) | st.text(alphabet=ALPHABET, max_size=250).map("PR1:".__add__))
def test_random_text_is_only_ever_refused(text):
    assert_only_refused(text)


@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_random_bytes_behind_the_prefix_are_only_ever_refused(raw):
    assert_only_refused("PR1:" + b45encode(raw))
    assert_only_refused("PR1:" + b45encode(b"\x01" + bytes.fromhex(KID) + raw))


VALID_RAW = b45decode(token()[4:])


@settings(max_examples=300)
@given(st.data())
def test_mutated_tokens_are_only_ever_refused(data):
    raw = bytearray(VALID_RAW)
    kind = data.draw(st.sampled_from(["flip", "truncate", "extend", "text"]))
    if kind == "flip":
        index = data.draw(st.integers(0, len(raw) - 1))
        raw[index] ^= data.draw(st.integers(1, 255))
    elif kind == "truncate":
        raw = raw[:data.draw(st.integers(0, len(raw) - 1))]
    elif kind == "extend":
        raw += data.draw(st.binary(min_size=1, max_size=40))
    text = "PR1:" + b45encode(bytes(raw))
    if kind == "text":
        cut = data.draw(st.integers(0, len(text)))
        text = text[:cut] + data.draw(st.text(max_size=3)) + text[cut + 1:]
    assert_only_refused(text)
    if kind != "text":  # the bytes differ, so the token must not get past its signature
        assert reason_of(text) in {"malformed", "unknown_key", "invalid_signature"}


def test_non_string_input_is_malformed():
    for value in (None, b"PR1:", 12):
        with pytest.raises(TokenRefused) as refusal:
            verify_pass_token(value, KEYS, NOW)
        assert refusal.value.reason == "malformed"


# --- one Ed25519 policy on both sides (issue 14 part 10; static/js/verify.js does the same) -------

@pytest.mark.parametrize("case", VECTOR_FILE["ed25519_speccheck"], ids=lambda case: case["name"])
def test_the_server_judges_every_ed25519_edge_case_as_the_browser_does(case):
    from passresot.passes.ed25519_policy import signature_holds, usable_key

    holds = signature_holds(usable_key(bytes.fromhex(case["pub_key"])), bytes.fromhex(case["signature"]),
                            bytes.fromhex(case["message"]))
    assert holds is case["holds"]


def test_small_order_and_mixed_order_keys_are_refused_and_ours_accepted():
    from passresot.passes.ed25519_policy import acceptable_public_key

    assert acceptable_public_key(make_token_vectors.raw_public(KEY))
    speccheck_keys = {bytes.fromhex(case["pub_key"]) for case in VECTOR_FILE["ed25519_speccheck"][:13]}
    refused = {key.hex()[:8] for key in speccheck_keys if not acceptable_public_key(key)}
    # c7176a70: order 8; f7badec5, cdb267ce: mixed order; 442aad9f passes (its cases fail on S or R)
    assert refused == {"c7176a70", "f7badec5", "cdb267ce"}
    assert not acceptable_public_key(bytes(32))  # y = 0: order 4
    assert not acceptable_public_key((1).to_bytes(32, "little"))  # the identity
    assert not acceptable_public_key(bytes.fromhex("ed" + "ff" * 30 + "7f"))  # y = p: non-canonical
