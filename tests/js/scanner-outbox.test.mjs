// static/js/scanner-outbox.js asUpload(): what the server receives for a stored scan. Run: node --test tests/js/
import assert from "node:assert/strict";
import { test } from "node:test";

import { asUpload } from "../../static/js/scanner-outbox.js";

test("an offline admission carries when the device last synced its bundle", () => {
  const scan = { id: "s1", scannedAt: "2026-07-14T10:00:00.000Z", deviceId: "tablette", qr: "PR1:X",
    offlineVerdict: { status: "admitted", reason: null }, bundleSyncedAt: "2026-07-14T08:00:00Z" };
  assert.deepEqual(asUpload(scan), { id: "s1", scanned_at: "2026-07-14T10:00:00.000Z", device_id: "tablette",
    qr: "PR1:X", offline_verdict: "admitted", bundle_synced_at: "2026-07-14T08:00:00Z" });
  const { bundleSyncedAt, ...neverSynced } = scan;
  assert.equal("bundle_synced_at" in asUpload(neverSynced), false, bundleSyncedAt);
});
