// Offline check of a pass token (the QR text): the same verdicts, in the same order, as
// passresot/passes/token.py, whose docstring describes the format. tests/vectors/pass_tokens.json
// keeps the two byte-compatible.
//
// verifyPass() never throws. It answers { ok: true, payload } or { ok: false, reason } with a
// DESIGN.md §4 reason, except { ok: false, reason: "unverifiable", error } when this device has
// no usable Ed25519 at all (no WebCrypto Ed25519 and the fallback did not load): that is not a
// verdict on the pass, so the scanner should ask the server or offer manual entry.

import { decode as base45Decode } from "./base45.js";

export const PREFIX = "PR1:";
export const UNVERIFIABLE = "unverifiable";
const VERSION = 1;
const HEADER_BYTES = 22;
const SIGNATURE_BYTES = 64;
const MAX_NAME_BYTES = 24;
const FALLBACK_URL = new URL("../vendor/noble-ed25519/index.js", import.meta.url);
// The encoded Ed25519 base point: a public key every implementation must accept.
const PROBE_KEY = Uint8Array.of(0x58, ...new Array(31).fill(0x66));

const MALFORMED = Object.freeze({ ok: false, reason: "malformed" });
const utf8 = new TextDecoder("utf-8", { fatal: true });

class Unavailable extends Error {}

// Structure only, no signature or date check: { ok, payload, signed, signature } or malformed.
export function parsePass(qrText) {
  if (typeof qrText !== "string" || !qrText.startsWith(PREFIX)) return MALFORMED;
  let raw;
  try {
    raw = base45Decode(qrText.slice(PREFIX.length));
  } catch {
    return MALFORMED;
  }
  if (raw.length === 0 || raw[0] !== VERSION) return MALFORMED;
  if (raw.length < HEADER_BYTES + SIGNATURE_BYTES) return MALFORMED;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const nameLength = raw[21];
  if (nameLength > MAX_NAME_BYTES || raw.length !== HEADER_BYTES + nameLength + SIGNATURE_BYTES) {
    return MALFORMED;
  }
  let displayName;
  try {
    displayName = utf8.decode(raw.subarray(HEADER_BYTES, HEADER_BYTES + nameLength));
  } catch {
    return MALFORMED;
  }
  const payload = {
    version: raw[0],
    kid: toHex(raw.subarray(1, 5)),
    passId: view.getUint32(5),
    officeId: view.getUint32(9),
    validFrom: view.getUint32(13),
    validUntil: view.getUint32(17),
    displayName,
  };
  const split = raw.length - SIGNATURE_BYTES;
  return { ok: true, payload, signed: raw.subarray(0, split), signature: raw.subarray(split) };
}

// keys: the GET /api/v1/keys list (or that whole response), or a Map kid -> Uint8Array.
// now: Unix seconds or a Date (default: this device's clock). revoked: a Set or array of pass ids.
// ed25519: "auto" (WebCrypto, else the npm fallback), "webcrypto" or "fallback".
export async function verifyPass(qrText, options = {}) {
  try {
    return await check(qrText, options);
  } catch (error) {
    return { ok: false, reason: UNVERIFIABLE, error: String(error?.message ?? error) };
  }
}

async function check(qrText, { keys, now, revoked, toleranceSeconds = 300, ed25519 = "auto" }) {
  const parsed = parsePass(qrText);
  if (!parsed.ok) return parsed;
  const { payload } = parsed;
  const publicKey = findKey(keys, payload.kid);
  if (publicKey === undefined) return { ok: false, reason: "unknown_key" };
  if (!(await signatureHolds(publicKey, parsed.signature, parsed.signed, ed25519))) {
    return { ok: false, reason: "invalid_signature" };
  }
  if (isRevoked(revoked, payload.passId)) return { ok: false, reason: "revoked" };
  const moment = unixSeconds(now);
  if (!isFiniteNumber(toleranceSeconds)) throw new TypeError("toleranceSeconds must be a number");
  if (moment < payload.validFrom - toleranceSeconds) return { ok: false, reason: "not_yet_valid" };
  if (moment > payload.validUntil + toleranceSeconds) return { ok: false, reason: "expired" };
  return { ok: true, payload };
}

// The raw key for kid, null if it is listed but unreadable (then the signature fails, as in
// Python), undefined if it is not listed.
function findKey(keys, kid) {
  if (keys instanceof Map) return keys.has(kid) ? asBytes(keys.get(kid)) : undefined;
  const list = Array.isArray(keys) ? keys : Array.isArray(keys?.keys) ? keys.keys : [];
  const entry = list.find((key) => key?.kid === kid && key.alg === "Ed25519");
  return entry === undefined ? undefined : fromBase64Url(entry.public_key);
}

function isRevoked(revoked, passId) {
  if (!revoked) return false;
  if (typeof revoked.has === "function") return revoked.has(passId);
  return Array.prototype.includes.call(revoked, passId);
}

function unixSeconds(now) {
  if (now === undefined || now === null) return Math.floor(Date.now() / 1000);
  const seconds = now instanceof Date ? Math.floor(now.getTime() / 1000) : now;
  if (!isFiniteNumber(seconds)) throw new TypeError("now must be Unix seconds or a Date");
  return seconds;
}

function isFiniteNumber(value) {
  return typeof value === "number" && Number.isFinite(value);
}

/** One Ed25519 policy with the server (passresot/passes/ed25519_policy.py), whatever engine checks:
 * the key canonical and of prime order, R canonical and in the prime-order subgroup, S below L.
 * Engines disagree on the rest (small-order and mixed-order keys, cofactored or not). */
export async function signatureHolds(publicKey, signature, signed, mode = "auto") {
  if (publicKey === null || publicKey?.length !== 32 || signature?.length !== SIGNATURE_BYTES) return false;
  if (!(await policyAllows(publicKey, signature))) return false;
  if (mode !== "fallback" && (await webCryptoHasEd25519())) {
    const key = await importedKey(publicKey);
    if (key === null) return false;
    return globalThis.crypto.subtle.verify({ name: "Ed25519" }, key, signature, signed);
  }
  if (mode === "webcrypto") throw new Unavailable("WebCrypto Ed25519 is not available");
  const noble = await loadFallback();
  // zip215: false is RFC 8032 strict, the closest to what OpenSSL does on the server.
  return noble.verifyAsync(signature, signed, publicKey, { zip215: false });
}

const ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;
const acceptedKeys = new Map();  // key hex -> whether the policy accepts it: vetted once

async function policyAllows(publicKey, signature) {
  const { Point } = await loadFallback();
  const keyHex = toHex(publicKey);
  if (!acceptedKeys.has(keyHex)) acceptedKeys.set(keyHex, primeOrder(Point, publicKey, false));
  if (!acceptedKeys.get(keyHex)) return false;
  return littleEndian(signature.subarray(32)) < ORDER && primeOrder(Point, signature.subarray(0, 32), true);
}

// A canonical encoding of a point in the prime-order subgroup (the identity allowed for R only).
function primeOrder(Point, bytes, identityAllowed) {
  try {
    const point = Point.fromBytes(Uint8Array.from(bytes), false);  // strict: refuses y ≥ p and "-0"
    if (point.is0()) return identityAllowed;
    return !point.isSmallOrder() && point.isTorsionFree();
  } catch {
    return false;
  }
}

function littleEndian(bytes) {
  let value = 0n;
  for (let index = bytes.length - 1; index >= 0; index -= 1) value = (value << 8n) | BigInt(bytes[index]);
  return value;
}

let webCryptoSupport;
function webCryptoHasEd25519() {
  webCryptoSupport ??= (async () => {
    try {
      const subtle = globalThis.crypto?.subtle;
      if (!subtle) return false;
      await subtle.importKey("raw", PROBE_KEY, { name: "Ed25519" }, false, ["verify"]);
      return true;
    } catch {
      return false;
    }
  })();
  return webCryptoSupport;
}

// Imported CryptoKeys, per kid and key bytes (a kid names its key, but the list comes from outside).
const cryptoKeys = new Map();
function importedKey(publicKey) {
  const cacheKey = toHex(publicKey);
  if (!cryptoKeys.has(cacheKey)) {
    const imported = globalThis.crypto.subtle
      .importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"])
      .catch(() => null);
    cryptoKeys.set(cacheKey, imported);
  }
  return cryptoKeys.get(cacheKey);
}

let fallback;
function loadFallback() {
  fallback ??= import(FALLBACK_URL.href).catch((error) => {
    fallback = undefined; // try again next time (e.g. once the service worker has cached it)
    throw new Unavailable(`Ed25519 fallback did not load: ${error?.message ?? error}`);
  });
  return fallback;
}

function asBytes(value) {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string") return fromBase64Url(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return null;
}

function fromBase64Url(text) {
  if (typeof text !== "string" || !/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

function toHex(bytes) {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
