// static/js/scanner-decide.js: the offline verdict in DESIGN.md §3 order, on the shared token
// vectors and a fake scanner bundle. Run from the repository root: node --test tests/js/
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { decideOffline, earlierAdmission, looksLikePassNumber } from "../../static/js/scanner-decide.js";

const root = new URL("../../", import.meta.url);
const data = JSON.parse(readFileSync(new URL("tests/vectors/pass_tokens.json", root), "utf8"));
const vector = (name) => data.vectors.find((v) => v.name === name);
const VALID = vector("valid_accented_name");  // pass 1001, valid at data.now (2026-06-15)
const NOW = new Date(data.now * 1000);

function bundle(overrides = {}) {
  return {
    keys: data.keys, revocations: [], year: 2026, admissions: [], tolerance_seconds: data.tolerance_seconds,
    site: { id: 1, accepts_all_year: true, periods: [] }, ...overrides,
  };
}

test("every shared vector: the token verdict comes first, then admitted on an empty bundle", async (t) => {
  for (const v of data.vectors) {
    await t.test(v.name, async () => {
      const revocations = v.revoked.map((pass_id) => ({ pass_id }));
      const verdict = await decideOffline(v.qr, { bundle: bundle({ revocations }), now: data.now });
      if (v.expected.ok) {
        assert.equal(verdict.status, "admitted");
        assert.equal(verdict.payload.passId, v.expected.payload.pass_id);
      } else {
        assert.deepEqual([verdict.status, verdict.reason], ["refused", v.expected.reason]);
      }
    });
  }
});

test("a valid pass is admitted", async () => {
  const verdict = await decideOffline(VALID.qr, { bundle: bundle(), now: NOW });
  assert.deepEqual([verdict.status, verdict.reason], ["admitted", null]);
});

test("revoked in the bundle beats everything after it", async () => {
  const verdict = await decideOffline(VALID.qr, {
    bundle: bundle({ revocations: [{ pass_id: 1001 }], admissions: [{ pass_id: 1001, visited_on: "2026-03-12" }],
      site: { accepts_all_year: false, periods: [{ starts_on: "2026-01-01", ends_on: "2026-01-31", recurring: false }] } }),
    now: NOW,
  });
  assert.equal(verdict.reason, "revoked");
});

test("already admitted this year according to the bundle", async () => {
  const verdict = await decideOffline(VALID.qr, {
    bundle: bundle({ admissions: [{ pass_id: 1001, visited_on: "2026-03-12" }] }), now: NOW,
  });
  assert.deepEqual([verdict.status, verdict.reason, verdict.visitedOn], ["refused", "already_visited", "2026-03-12"]);
});

test("the bundle's admissions of another year do not count", async () => {
  const verdict = await decideOffline(VALID.qr, {
    bundle: bundle({ year: 2025, admissions: [{ pass_id: 1001, visited_on: "2025-03-12" }] }), now: NOW,
  });
  assert.equal(verdict.status, "admitted");
});

test("already admitted this year by this device's own outbox", async () => {
  const outbox = [{ passId: 1001, scannedAt: "2026-06-15T08:00:00Z", offlineVerdict: { status: "admitted" } }];
  const verdict = await decideOffline(VALID.qr, { bundle: bundle(), outbox, now: NOW });
  assert.deepEqual([verdict.reason, verdict.visitedOn], ["already_visited", "2026-06-15"]);
});

test("the outbox's refusals, other passes and other years do not count", async () => {
  const outbox = [
    { passId: 1001, scannedAt: "2026-06-15T08:00:00Z", offlineVerdict: { status: "refused" } },
    { passId: 1002, scannedAt: "2026-06-15T08:00:00Z", offlineVerdict: { status: "admitted" } },
    { passId: 1001, scannedAt: "2025-12-31T22:30:00Z", offlineVerdict: { status: "admitted" } },  // 23:30 in Paris
  ];
  assert.equal((await decideOffline(VALID.qr, { bundle: bundle(), outbox, now: NOW })).status, "admitted");
  assert.equal(earlierAdmission(1001, 2025, bundle(), outbox), "2025-12-31");
});

test("outside the site's accepted periods, after the other checks", async () => {
  const summer = { accepts_all_year: false, periods: [{ starts_on: "2025-07-01", ends_on: "2025-08-31", recurring: true }] };
  const outside = await decideOffline(VALID.qr, { bundle: bundle({ site: summer }), now: NOW });
  assert.deepEqual([outside.status, outside.reason], ["refused", "outside_accepted_period"]);
  const inside = await decideOffline(VALID.qr, { bundle: bundle({ site: summer }), now: new Date("2026-07-14T10:00:00Z") });
  assert.equal(inside.status, "admitted");
  const visited = await decideOffline(VALID.qr, {
    bundle: bundle({ site: summer, admissions: [{ pass_id: 1001, visited_on: "2026-03-12" }] }), now: NOW,
  });
  assert.equal(visited.reason, "already_visited");
});

test("a site that has not said when it welcomes holders does not refuse them", async () => {
  const silent = { accepts_all_year: false, periods: [] };
  assert.equal((await decideOffline(VALID.qr, { bundle: bundle({ site: silent }), now: NOW })).status, "admitted");
});

test("no bundle yet: unknown key, never an exception", async () => {
  const verdict = await decideOffline(VALID.qr, { bundle: undefined, now: NOW });
  assert.deepEqual([verdict.status, verdict.reason], ["refused", "unknown_key"]);
  for (const junk of [null, 42, "", "x".repeat(10_000), "https://example.com/"]) {
    assert.equal((await decideOffline(junk, { bundle: bundle(), now: NOW })).status, "refused");
  }
});

test("a typed pass number is told apart from a QR", () => {
  assert.ok(looksLikePassNumber("4K7M-X9Q2"));
  assert.ok(looksLikePassNumber(" 4k7m x9q2 "));
  assert.ok(!looksLikePassNumber(VALID.qr));
  assert.ok(!looksLikePassNumber("PR1:ABC"));
  assert.ok(!looksLikePassNumber("hello"));
});

test("a closed pass in the bundle says how it was closed", async () => {
  for (const status of ["returned", "revoked", "replaced"]) {
    const verdict = await decideOffline(VALID.qr, { bundle: bundle({ revocations: [{ pass_id: 1001, status }] }), now: NOW });
    assert.deepEqual([verdict.reason, verdict.closed], ["revoked", status]);
  }
  const unknown = await decideOffline(VALID.qr, { bundle: bundle({ revocations: [{ pass_id: 1001 }] }), now: NOW });
  assert.equal(unknown.closed, undefined);
});

// ---- eductours: a holder of today's programme here ------------------------------------------------
const STOP = { stop_id: 7, programme_id: 3, title: "Côte Vermeille", day: "2026-06-15", starts_at: "10:30",
  ends_at: "12:00", pass_ids: [1001] };

test("a holder invited to today's stop here is « Éductour », even after their free entry and outside the periods", async () => {
  const verdict = await decideOffline(VALID.qr, {
    bundle: bundle({ eductours: [STOP], admissions: [{ pass_id: 1001, visited_on: "2026-03-12" }],
      site: { accepts_all_year: false, periods: [{ starts_on: "2026-01-01", ends_on: "2026-01-31", recurring: false }] } }),
    now: NOW,
  });
  assert.deepEqual([verdict.status, verdict.reason, verdict.eductour?.stop_id], ["admitted", null, 7]);
});

test("another day's stop, another holder's, or a revoked pass: the usual verdict", async () => {
  const otherDay = await decideOffline(VALID.qr, { bundle: bundle({ eductours: [{ ...STOP, day: "2026-06-16" }] }), now: NOW });
  assert.equal(otherDay.eductour, undefined);
  const otherHolder = await decideOffline(VALID.qr, { bundle: bundle({ eductours: [{ ...STOP, pass_ids: [2002] }] }), now: NOW });
  assert.equal(otherHolder.eductour, undefined);
  const revoked = await decideOffline(VALID.qr, {
    bundle: bundle({ eductours: [STOP], revocations: [{ pass_id: 1001 }] }), now: NOW });
  assert.deepEqual([revoked.status, revoked.reason], ["refused", "revoked"]);
});

test("an eductour attendance in the outbox is no admission: the free entry is still there tomorrow", () => {
  const outbox = [{ passId: 1001, scannedAt: "2026-06-15T09:00:00Z", offlineVerdict: { status: "admitted", eductour: 7 } }];
  assert.equal(earlierAdmission(1001, 2026, bundle(), outbox), null);
  const free = [{ ...outbox[0], offlineVerdict: { status: "admitted" } }];
  assert.equal(earlierAdmission(1001, 2026, bundle(), free), "2026-06-15");
});
