// static/js/scanner-clock.js, scanner-typed.js, and what older engines lack: AbortSignal.timeout (scanner-net.js), crypto.randomUUID (scanner-outbox.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { clockIsOff, clockOffset, scannerNow } from "../../static/js/scanner-clock.js";
import { normalizeNumber, typedNumberVerdict } from "../../static/js/scanner-typed.js";
import { timeoutSignal } from "../../static/js/scanner-net.js";

test("the offset is measured halfway through the request and corrects only past 5 minutes", () => {
  const sent = Date.parse("2026-06-15T08:00:00Z");
  const offset = clockOffset("2026-06-15T08:10:01Z", sent, sent + 2000);
  assert.equal(offset, 10 * 60 * 1000);
  assert.equal(clockIsOff({ clockOffsetMs: offset }), true);
  assert.equal(scannerNow({ clockOffsetMs: offset }, sent).toISOString(), "2026-06-15T08:10:00.000Z");
  assert.equal(clockIsOff({ clockOffsetMs: 4 * 60 * 1000 }), false);
  assert.equal(scannerNow({ clockOffsetMs: 4 * 60 * 1000 }, sent).getTime(), sent);
  assert.equal(scannerNow(undefined, sent).getTime(), sent);
});

const site = (fields) => ({ site: { id: 3, accepts_all_year: false, periods: [], ...fields } });
const june = new Date("2026-06-15T10:00:00Z");

test("a typed number: this device's admission of the same number this year refuses it", () => {
  const outbox = [{ passNumber: "4k7m-x9q2", offlineVerdict: { status: "admitted" }, scannedAt: "2026-06-14T09:00:00Z" }];
  assert.deepEqual(typedNumberVerdict("4K7MX9Q2", { bundle: site({ accepts_all_year: true }), outbox, now: june }),
    { status: "refused", reason: "already_visited", visitedOn: "2026-06-14" });
  const lastYear = [{ ...outbox[0], scannedAt: "2025-06-14T09:00:00Z" }];
  assert.equal(typedNumberVerdict("4K7MX9Q2", { bundle: site({ accepts_all_year: true }), outbox: lastYear, now: june }).status,
    "pending");
});

test("a typed number outside the site's periods is refused; otherwise the staff decide", () => {
  const winter = site({ periods: [{ starts_on: "2000-11-01", ends_on: "2000-03-31", recurring: true }] });
  assert.equal(typedNumberVerdict("4K7MX9Q2", { bundle: winter, now: june }).reason, "outside_accepted_period");
  assert.deepEqual(typedNumberVerdict("4K7MX9Q2", { bundle: site({ accepts_all_year: true }), now: june }),
    { status: "pending", reason: "to_check" });
  assert.equal(normalizeNumber(" 4k7m-xoq2 "), "4K7MX0Q2");
});

test("the time limit works where AbortSignal.timeout does not exist (Safari 15)", async () => {
  const original = AbortSignal.timeout;
  AbortSignal.timeout = undefined;
  try {
    const signal = timeoutSignal(20);
    assert.equal(signal.aborted, false);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(signal.aborted, true);
    assert.equal(signal.reason.name, "TimeoutError");
  } finally {
    AbortSignal.timeout = original;
  }
});

test("scan ids are UUIDs even without crypto.randomUUID (Safari before 15.4)", async () => {
  const { newId } = await import("../../static/js/scanner-outbox.js");
  const original = crypto.randomUUID;
  Object.defineProperty(crypto, "randomUUID", { value: undefined, configurable: true, writable: true });
  try {
    const ids = new Set(Array.from({ length: 50 }, () => newId()));
    assert.equal(ids.size, 50);
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  } finally {
    Object.defineProperty(crypto, "randomUUID", { value: original, configurable: true, writable: true });
  }
});

test("signed out: a 401, or an answer that was redirected to the sign-in page; not any redirect", async () => {
  const { isSignedOut } = await import("../../static/js/scanner-net.js");
  assert.equal(isSignedOut({ status: 401, redirected: false, url: "http://x/api/v1/scans" }), true);
  assert.equal(isSignedOut({ status: 200, redirected: true, url: "http://x/login?next=%2Fapi" }), true);
  assert.equal(isSignedOut({ status: 200, redirected: true, url: "http://x/site" }), false);
  assert.equal(isSignedOut({ status: 500, redirected: false, url: "http://x/api/v1/scans" }), false);
});
