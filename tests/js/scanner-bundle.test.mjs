// static/js/scanner-bundle.js: how a bundle answer merges into the stored one (the rules of
// passresot/visits/bundle.py). Run from the repository root: node --test tests/js/
import assert from "node:assert/strict";
import { test } from "node:test";

import { mergeBundle } from "../../static/js/scanner-bundle.js";

const full = {
  full: true, keys: [{ kid: "a" }], revocations: [{ pass_id: 1 }], site: { id: 3, accepts_all_year: true },
  year: 2026, admissions: [{ pass_id: 10, visited_on: "2026-03-12" }, { pass_id: 11, visited_on: "2026-03-13" }],
  admissions_removed: [], server_time: "2026-06-15T08:00:00Z", max_age: 86400,
};

test("a full answer replaces what the device holds", () => {
  const merged = mergeBundle({ admissions: [{ pass_id: 99 }], syncedAt: "old" }, full);
  assert.deepEqual(merged.admissions.map((a) => a.pass_id), [10, 11]);
  assert.equal(merged.syncedAt, "2026-06-15T08:00:00Z");
});

test("changes: revocations added, removed admissions dropped before new ones are added", () => {
  const stored = mergeBundle(undefined, full);
  const merged = mergeBundle(stored, {
    full: false, keys: [{ kid: "a" }, { kid: "b" }], revocations: [{ pass_id: 2 }, { pass_id: 1 }], site: full.site,
    year: 2026, admissions: [{ pass_id: 12, visited_on: "2026-06-15" }, { pass_id: 11, visited_on: "2026-06-15" }],
    admissions_removed: [{ pass_id: 10 }, { pass_id: 11 }], server_time: "2026-06-15T09:00:00Z",
  });
  assert.deepEqual(merged.keys.map((k) => k.kid), ["a", "b"]);
  assert.deepEqual(merged.revocations.map((r) => r.pass_id).sort(), [1, 2]);
  assert.deepEqual(merged.admissions.map((a) => [a.pass_id, a.visited_on]).sort(),
    [[11, "2026-06-15"], [12, "2026-06-15"]]);
  assert.equal(merged.syncedAt, "2026-06-15T09:00:00Z");
});

test("a new year starts from no admissions", () => {
  const stored = mergeBundle(undefined, full);
  const merged = mergeBundle(stored, { ...full, full: false, year: 2027, admissions: [], revocations: [],
    server_time: "2027-01-01T08:00:00Z" });
  assert.deepEqual(merged.admissions, []);
  assert.deepEqual(merged.revocations.map((r) => r.pass_id), [1]);
});
