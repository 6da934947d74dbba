// RFC 9285 Base45: the encoding that keeps the pass token in the QR code's alphanumeric mode.
// Same rules as passresot/passes/base45.py: decode refuses unknown characters and out-of-range
// groups, so a text decodes to one byte string only.

export const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

export class Base45Error extends Error {}

export function encode(bytes) {
  let out = "";
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    let n = bytes[i] * 256 + bytes[i + 1];
    const c = n % 45;
    n = (n - c) / 45;
    out += ALPHABET[c] + ALPHABET[n % 45] + ALPHABET[(n - (n % 45)) / 45];
  }
  if (bytes.length % 2) {
    const last = bytes[bytes.length - 1];
    out += ALPHABET[last % 45] + ALPHABET[(last - (last % 45)) / 45];
  }
  return out;
}

export function decode(text) {
  if (typeof text !== "string") throw new Base45Error("Base45 input must be a string");
  if (text.length % 3 === 1) throw new Base45Error("a single trailing character");
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 ? 1 : 0));
  let o = 0;
  for (let i = 0; i < text.length; i += 3) {
    let n = 0;
    const size = Math.min(3, text.length - i);
    for (let j = size - 1; j >= 0; j -= 1) {
      const value = ALPHABET.indexOf(text[i + j]);
      if (value < 0) throw new Base45Error("character outside the Base45 alphabet");
      n = n * 45 + value;
    }
    if (size === 3) {
      if (n > 0xffff) throw new Base45Error("group above 65535");
      out[o++] = n >> 8;
      out[o++] = n & 0xff;
    } else {
      if (n > 0xff) throw new Base45Error("final group above 255");
      out[o++] = n;
    }
  }
  return out;
}
