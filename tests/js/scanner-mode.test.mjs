// static/js/scanner-mode.js: ask first, decide first after a miss, back to asking on a fast answer.
import assert from "node:assert/strict";
import { test } from "node:test";

import { SignalMode } from "../../static/js/scanner-mode.js";
import { HttpError, SignedOut } from "../../static/js/scanner-net.js";

test("a miss switches to deciding first; a fast answer switches back; the probe runs meanwhile", async () => {
  const changes = [];
  let probes = 0;
  let fast = false;
  const mode = new SignalMode({
    limitMs: 50, probeEveryMs: 10, onChange: (m) => changes.push(m),
    probe: async () => { probes += 1; await new Promise((r) => setTimeout(r, fast ? 0 : 80)); },
  });
  assert.equal(mode.askFirst, true);
  await assert.rejects(mode.timed(async () => { throw new DOMException("late", "TimeoutError"); }));
  assert.equal(mode.askFirst, false);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(mode.askFirst, false, "slow probes keep the device deciding");
  assert.ok(probes >= 1);
  fast = true;
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(mode.askFirst, true);
  assert.deepEqual(changes, ["decide", "ask"]);
  assert.equal(mode.timer, null, "no probing once asking first");
});

test("a slow answer counts as a miss; a signed-out answer does not", async () => {
  const mode = new SignalMode({ limitMs: 100, probe: async () => {} });
  await assert.rejects(mode.timed(async () => { throw new SignedOut(); }));
  assert.equal(mode.askFirst, true);
  mode.answered(150);
  assert.equal(mode.askFirst, false);
  mode.answered(20);
  assert.equal(mode.askFirst, true);
});

test("a 4xx is an answer (the server is there); a 500 is a failure", async () => {
  const mode = new SignalMode({ limitMs: 1000, probe: async () => {} });
  await assert.rejects(mode.timed(async () => { throw new HttpError(400, null); }));
  assert.equal(mode.askFirst, true);
  await assert.rejects(mode.timed(async () => { throw new HttpError(500, null); }));
  assert.equal(mode.askFirst, false);
  await assert.rejects(mode.timed(async () => { throw new HttpError(422, null); }));
  assert.equal(mode.askFirst, true);
  clearInterval(mode.timer);
});
