"""Pass numbers people can type: 7 Crockford base32 characters and a Luhn mod 32 check character."""
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
BODY_LENGTH = 7


def _check_char(body: str) -> str:
    """Luhn mod N: catches every single wrong character and most swaps of neighbours."""
    total, factor, n = 0, 2, len(ALPHABET)
    for char in reversed(body):
        addend = factor * _VALUE[char]
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def new_pass_number() -> str:
    """A random number such as 4K7MX9Q2 (shown 4K7M-X9Q2)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + _check_char(body)


def normalize_pass_number(text: str) -> str | None:
    """The canonical number for what someone typed (case, dashes, spaces, O/0, I/1 forgiven), or None."""
    cleaned = "".join((text or "").upper().split()).replace("-", "").translate(_ALIASES)
    if len(cleaned) != BODY_LENGTH + 1 or any(char not in _VALUE for char in cleaned):
        return None
    if _check_char(cleaned[:-1]) != cleaned[-1]:
        return None
    return cleaned
