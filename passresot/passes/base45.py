"""RFC 9285 Base45, the encoding that keeps a binary token in the QR code's alphanumeric mode."""

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUES = {char: index for index, char in enumerate(ALPHABET)}


class Base45Error(ValueError):
    """The text is not canonical Base45."""


def b45encode(data: bytes) -> str:
    """Encode bytes: each pair becomes three characters, a last odd byte two."""
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        n, c = divmod(n, 45)
        e, d = divmod(n, 45)
        out += (ALPHABET[c], ALPHABET[d], ALPHABET[e])
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out += (ALPHABET[c], ALPHABET[d])
    return "".join(out)


def b45decode(text: str) -> bytes:
    """Decode Base45, refusing unknown characters and out-of-range groups.

    The range checks make the encoding one-to-one, so two different texts never decode to
    the same bytes.
    """
    if len(text) % 3 == 1:
        raise Base45Error("Base45 length leaves a single trailing character")
    try:
        values = [_VALUES[char] for char in text]
    except KeyError:
        raise Base45Error("character outside the Base45 alphabet") from None
    out = bytearray()
    for i in range(0, len(values), 3):
        group = values[i:i + 3]
        n = sum(value * 45**power for power, value in enumerate(group))
        if len(group) == 3:
            if n > 0xFFFF:
                raise Base45Error("Base45 group above 65535")
            out += n.to_bytes(2, "big")
        else:
            if n > 0xFF:
                raise Base45Error("Base45 final group above 255")
            out.append(n)
    return bytes(out)
