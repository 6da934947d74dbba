"""The pass token: the signed text an agent's QR code carries, and its offline-checkable verdict.

Format, version 1 (all integers big-endian)::

    offset  size  field
    0       1     version       = 1
    1       4     kid           first 4 bytes of SHA-256 of the raw 32-byte Ed25519 public key
    5       4     pass_id       uint32
    9       4     office_id     uint32
    13      4     valid_from    uint32, Unix seconds UTC
    17      4     valid_until   uint32, Unix seconds UTC
    21      1     name_len      0..24
    22      n     display_name  UTF-8, NFC, at most 24 bytes (the encoder truncates on a
                                character boundary)
    22+n    64    Ed25519 signature over bytes 0 .. 22+n-1

Text form: ``"PR1:" + base45(payload + signature)`` (RFC 9285), so the whole text stays in the
QR alphanumeric mode. With a 24-byte name the token is 110 bytes, 165 Base45 characters, 169
characters in all.

As a string the kid is written as 8 lowercase hex characters everywhere.

A verifier checks, in this order, and stops at the first failure: the text decodes (prefix,
Base45, version, lengths, UTF-8) else ``malformed``; the kid is known else ``unknown_key``; the
signature holds else ``invalid_signature``; the pass is not revoked else ``revoked``; now is not
before valid_from - tolerance else ``not_yet_valid``; now is not after valid_until + tolerance
else ``expired``. ``static/js/verify.js`` does the same in the browser; the shared vectors in
``tests/vectors/pass_tokens.json`` keep the two identical.
"""
import hashlib
import math
import struct
import unicodedata
from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .base45 import Base45Error, b45decode, b45encode
from .ed25519_policy import signature_holds, usable_key
from .exceptions import TokenRefused

PREFIX = "PR1:"
VERSION = 1
MAX_NAME_BYTES = 24
SIGNATURE_BYTES = 64
DEFAULT_TOLERANCE_SECONDS = 300
_HEADER = struct.Struct(">B4sIIIIB")  # version, kid, pass_id, office_id, from, until, name_len
_UINT32_MAX = 0xFFFFFFFF


@dataclass(frozen=True)
class PassPayload:
    """What a token says, once decoded; `kid` is 8 lowercase hex characters."""

    version: int
    kid: str
    pass_id: int
    office_id: int
    valid_from: int
    valid_until: int
    display_name: str


def key_id(public_key: Ed25519PublicKey | bytes) -> str:
    """The kid of a public key: the first 4 bytes of SHA-256 of its raw form, in hex."""
    return hashlib.sha256(raw_public_key(public_key)).digest()[:4].hex()


def truncate_name(name: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """The NFC form of `name`, cut to at most `max_bytes` of UTF-8 without splitting a character."""
    name = unicodedata.normalize("NFC", name)[:max_bytes]  # a character is at least one byte
    while len(name.encode("utf-8")) > max_bytes:
        name = name[:-1]
    return name


def sign_pass_token(*, pass_id: int, office_id: int, valid_from: datetime | int,
                    valid_until: datetime | int, display_name: str,
                    private_key: Ed25519PrivateKey) -> str:
    """Sign a pass with `private_key` (its kid is derived from it) and return the QR text.

    Datetimes may be aware or naive UTC (the database's convention); ints are Unix seconds.
    """
    start, end = _unix(valid_from), _unix(valid_until)
    for label, value in (("pass_id", pass_id), ("office_id", office_id),
                         ("valid_from", start), ("valid_until", end)):
        if not 0 <= value <= _UINT32_MAX:
            raise ValueError(f"{label} does not fit in an unsigned 32-bit integer: {value}")
    if start > end:
        raise ValueError("valid_from is after valid_until")
    name = truncate_name(display_name).encode("utf-8")
    kid = bytes.fromhex(key_id(private_key.public_key()))
    body = _HEADER.pack(VERSION, kid, pass_id, office_id, start, end, len(name)) + name
    return PREFIX + b45encode(body + private_key.sign(body))


def parse_pass_token(text: str) -> tuple[PassPayload, bytes, bytes]:
    """Decode a token's structure without checking it: (payload, signed bytes, signature).

    Raises only TokenRefused("malformed"), whatever the input.
    """
    if not isinstance(text, str) or not text.startswith(PREFIX):
        raise TokenRefused("malformed", "missing PR1: prefix")
    try:
        raw = b45decode(text[len(PREFIX):])
    except Base45Error as error:
        raise TokenRefused("malformed", str(error)) from None
    if not raw or raw[0] != VERSION:
        raise TokenRefused("malformed", "unsupported version")
    if len(raw) < _HEADER.size + SIGNATURE_BYTES:
        raise TokenRefused("malformed", "too short")
    version, kid, pass_id, office_id, start, end, name_len = _HEADER.unpack_from(raw)
    if name_len > MAX_NAME_BYTES or len(raw) != _HEADER.size + name_len + SIGNATURE_BYTES:
        raise TokenRefused("malformed", "length does not match the name length")
    signed, signature = raw[:-SIGNATURE_BYTES], raw[-SIGNATURE_BYTES:]
    try:
        name = signed[_HEADER.size:].decode("utf-8")
    except UnicodeDecodeError:
        raise TokenRefused("malformed", "display name is not UTF-8") from None
    payload = PassPayload(version, kid.hex(), pass_id, office_id, start, end, name)
    return payload, signed, signature


def verify_pass_token(text: str, public_keys: Mapping[str, bytes | Ed25519PublicKey],
                      now: int | datetime, revoked: Container[int] = (),
                      tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS) -> PassPayload:
    """Check a token as the scanner does offline and return its payload.

    Raises only TokenRefused, with the first failing reason in the order of the module docstring.
    """
    payload, signed, signature = parse_pass_token(text)
    key = public_keys.get(payload.kid)
    if key is None:
        raise TokenRefused("unknown_key", payload.kid)
    # One policy with the scanner (ed25519_policy.py): a key or signature the browser would judge
    # otherwise is refused here too, as an unreadable key is.
    if not signature_holds(usable_key(raw_public_key(key)), signature, signed):
        raise TokenRefused("invalid_signature")
    if payload.pass_id in revoked:
        raise TokenRefused("revoked")
    moment = _unix(now)
    if moment < payload.valid_from - tolerance_seconds:
        raise TokenRefused("not_yet_valid")
    if moment > payload.valid_until + tolerance_seconds:
        raise TokenRefused("expired")
    return payload


def _unix(moment: datetime | int) -> int:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:  # the database's convention: naive means UTC
            moment = moment.replace(tzinfo=timezone.utc)
        return math.floor(moment.timestamp())
    if isinstance(moment, bool) or not isinstance(moment, int):
        raise TypeError(f"expected a datetime or Unix seconds, got {type(moment).__name__}")
    return moment


def raw_public_key(public_key: Ed25519PublicKey | bytes) -> bytes:
    """The 32 raw bytes of a key given loaded or raw."""
    if isinstance(public_key, Ed25519PublicKey):
        return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return bytes(public_key)
