"""One Ed25519 policy for the server and the scanner (static/js/verify.js does the same checks).

Ed25519 libraries disagree on edge cases (the ed25519-speccheck set): small-order or mixed-order
public keys, non-canonical encodings, and cofactored versus cofactorless verification. OpenSSL (the
server) and the browser's engines (WebCrypto, or @noble/ed25519 offline) would then accept
different forged passes. Both sides therefore refuse, before any library is asked:
- a public key that is not the canonical encoding of a point of prime order L (small-order and
  mixed-order keys, y ≥ p, "-0");
- a signature whose S is not below L, or whose R is not canonical.
With the key of prime order, cofactored and cofactorless checks agree once R is in the prime-order
subgroup, which the cofactorless check (OpenSSL) requires and verify.js checks. The shared cases are
in tests/vectors/pass_tokens.json ("ed25519_speccheck"), checked by both test suites.

Curve arithmetic here is plain affine Edwards formulas on Python integers: slow (tens of ms) and
used only to vet a public key once (usable_key is cached), never to verify a signature.
"""
from functools import lru_cache
from typing import Optional

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
IDENTITY = (0, 1)


def decode_point(raw: bytes) -> Optional[tuple[int, int]]:
    """The point a 32-byte encoding names, or None when it names none or not canonically."""
    if len(raw) != 32:
        return None
    number = int.from_bytes(raw, "little")
    sign, y = number >> 255, number & ((1 << 255) - 1)
    if y >= P:
        return None
    u, v = (y * y - 1) % P, (D * y * y + 1) % P
    x2 = u * pow(v, P - 2, P) % P
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * SQRT_M1 % P
        if (x * x - x2) % P:
            return None
    if x == 0 and sign:
        return None  # "-0"
    if x & 1 != sign:
        x = P - x
    return x, y


def _add(first, second):
    (x1, y1), (x2, y2) = first, second
    t = D * x1 * x2 * y1 * y2 % P
    return ((x1 * y2 + x2 * y1) * pow(1 + t, P - 2, P) % P,
            (y1 * y2 + x1 * x2) * pow(1 - t, P - 2, P) % P)


def _times(scalar: int, point):
    result = IDENTITY
    while scalar:
        if scalar & 1:
            result = _add(result, point)
        point = _add(point, point)
        scalar >>= 1
    return result


@lru_cache(maxsize=64)
def usable_key(raw: bytes) -> Optional[Ed25519PublicKey]:
    """The key, loaded once, when its encoding is canonical, not the identity and of prime order L
    (so neither small nor mixed order); None otherwise."""
    point = decode_point(raw)
    if point is None or point == IDENTITY or _times(L, point) != IDENTITY:
        return None
    return Ed25519PublicKey.from_public_bytes(raw)


def acceptable_public_key(raw: bytes) -> bool:
    return usable_key(bytes(raw)) is not None


def acceptable_signature(signature: bytes) -> bool:
    """64 bytes, R canonical, S below L."""
    return (len(signature) == 64 and decode_point(signature[:32]) is not None
            and int.from_bytes(signature[32:], "little") < L)


def signature_holds(key: Optional[Ed25519PublicKey], signature: bytes, message: bytes) -> bool:
    """The policy, then OpenSSL's (cofactorless) verification; `key` from usable_key() (None: refused)."""
    if key is None or not acceptable_signature(signature):
        return False
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True
