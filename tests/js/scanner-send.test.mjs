// static/js/scanner-send.js: one bad item never blocks the rest. Run: node --test tests/js/
import assert from "node:assert/strict";
import { test } from "node:test";

import { sendScans } from "../../static/js/scanner-send.js";
import { HttpError, SignedOut } from "../../static/js/scanner-net.js";

const scans = (n) => Array.from({ length: n }, (_, i) => ({ id: `s${i}` }));

/** A fake server: `fails(batch)` returns an HttpError to throw, else every item is admitted. */
function server(fails) {
  const calls = [];
  const post = async (batch) => {
    calls.push(batch.map((s) => s.id));
    const error = fails(batch);
    if (error) throw error;
    return { results: batch.map((s) => ({ id: s.id, status: "admitted" })) };
  };
  return { post, calls };
}

async function run(list, post, options = {}) {
  const sent = [];
  const rejected = [];
  const outcome = await sendScans(list, post, {
    onResults: async (batch, results) => sent.push(...results.filter((r) => r.status).map((r) => r.id)),
    onRejected: async (scan, error) => rejected.push([scan.id, error.code]),
    ...options,
  });
  return { outcome, sent, rejected };
}

test("a 500 batch is split until the culprit is alone; all the others are sent once", async () => {
  const list = scans(100);
  const { post, calls } = server((batch) => (batch.some((s) => s.id === "s37") ? new HttpError(500, null) : null));
  const { sent, rejected, outcome } = await run(list, post);
  assert.deepEqual(rejected, [["s37", "http_500"]]);
  assert.equal(sent.length, 99);
  assert.equal(new Set(sent).size, 99);
  assert.deepEqual(outcome, { sent: 99, rejected: 1 });
  assert.ok(calls.length <= 2 * Math.ceil(Math.log2(100)) + 1, `${calls.length} requests`);
});

test("the culprit first in line, answered 400 with the server's words", async () => {
  const { post } = server((batch) => (batch[0].id === "s0"
    ? new HttpError(400, { error: { code: "invalid_request", message: "non", fields: { qr: "NUL" } } }) : null));
  const { sent, rejected } = await run(scans(10), post);
  assert.deepEqual(rejected, [["s0", "invalid_request"]]);
  assert.deepEqual(sent, ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9"]);
});

test("a per-item error entry names its item directly", async () => {
  const post = async (batch) => ({ results: batch.map((s) => (s.id === "s2"
    ? { id: s.id, status: null, error: { code: "invalid_scan", message: "x", fields: { qr: "Caractère interdit" } } }
    : { id: s.id, status: "refused" })) });
  const got = [];
  await sendScans(scans(4), post, { onRejected: async (scan, error) => got.push([scan.id, error]) });
  assert.deepEqual(got, [["s2", { code: "invalid_scan", message: "Caractère interdit" }]]);
});

test("a server down (500 on everything) blames no item and stops", async () => {
  const { post } = server(() => new HttpError(500, null));
  const rejected = [];
  await assert.rejects(sendScans(scans(8), post, { onRejected: async (scan) => rejected.push(scan.id) }));
  assert.deepEqual(rejected, []);
});

for (const [name, error] of [["no network", new TypeError("Failed to fetch")], ["signed out", new SignedOut()],
  ["rate limited", new HttpError(429, null)], ["a gateway", new HttpError(502, null)],
  ["a stale CSRF token", new HttpError(400, { error: { code: "csrf_failed" } })]]) {
  test(`${name} stops the send without splitting or blaming`, async () => {
    const { post, calls } = server(() => error);
    const rejected = [];
    await assert.rejects(sendScans(scans(8), post, { onRejected: async (scan) => rejected.push(scan.id) }));
    assert.equal(calls.length, 1);
    assert.deepEqual(rejected, []);
  });
}

test("batches of 100, in order", async () => {
  const { post, calls } = server(() => null);
  await run(scans(250), post);
  assert.deepEqual(calls.map((c) => c.length), [100, 100, 50]);
  assert.equal(calls[0][0], "s0");
});

test("an override queued with a wrong site PIN (403 site_pin_wrong) is set aside; the others are sent", async () => {
  const wrongPin = new HttpError(403, { error: { code: "site_pin_wrong", message: "Code PIN du site incorrect." } });
  const { post } = server((batch) => (batch.some((s) => s.id === "s3") ? wrongPin : null));
  const { sent, rejected } = await run(scans(6), post);
  assert.deepEqual(rejected, [["s3", "site_pin_wrong"]]);
  assert.deepEqual(sent.sort(), ["s0", "s1", "s2", "s4", "s5"]);
});

test("any other 403 (the wrong account) stops the send and keeps every scan", async () => {
  const { post, calls } = server(() => new HttpError(403, { error: { code: "not_a_partner_account" } }));
  await assert.rejects(run(scans(6), post), HttpError);
  assert.equal(calls.length, 1);
});

test("a withdrawn device: every batch is answered, the earlier scans settled, the later ones set aside, then SignedOut", async () => {
  // Scans s0–s149 were made before the withdrawal, s150–s159 after (the server refuses those).
  const withdrawn = { code: "device_revoked", message: "Appareil retiré" };
  const post = async (batch) => ({
    withdrawn,
    results: batch.map((s) => (Number(s.id.slice(1)) >= 150
      ? { id: s.id, status: null, error: { code: "device_revoked", message: "Appareil retiré" } }
      : { id: s.id, status: "admitted" })),
  });
  const sent = [];
  const rejected = [];
  await assert.rejects(
    sendScans(scans(160), post, {
      onResults: async (batch, results) => sent.push(...results.filter((r) => r.status).map((r) => r.id)),
      onRejected: async (scan, error) => rejected.push([scan.id, error.code]),
    }),
    (error) => error instanceof SignedOut && error.serverMessage === "Appareil retiré",
  );
  assert.equal(sent.length, 150);
  assert.equal(rejected.length, 10);
  assert.ok(rejected.every(([, code]) => code === "device_revoked"));
});
