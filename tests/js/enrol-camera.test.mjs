// static/js/enrol-camera.js: which QR codes the tablet accepts as an enrolment code. Run: node --test tests/js/
import assert from "node:assert/strict";
import { test } from "node:test";

import { enrolmentCode } from "../../static/js/enrol-camera.js";

const HERE = "https://pass.resot66.fr";

test("the link the manager's page shows, on this server", () => {
  assert.equal(enrolmentCode(`${HERE}/enrol/ABCD-EFGH-JKMN`, HERE), "ABCD-EFGH-JKMN");
  assert.equal(enrolmentCode(`${HERE}/enrol/abcdefghjkmn/`, HERE), "abcdefghjkmn");
  assert.equal(enrolmentCode("  ABCD-EFGH-JKMN \n", HERE), "ABCD-EFGH-JKMN");  // the bare code
});

test("anything else is not a device code: another server, another page, a pass, junk", () => {
  for (const text of [
    "https://evil.example/enrol/ABCD-EFGH-JKMN",  // never sent elsewhere
    `${HERE}/login`, `${HERE}/enrol/ABCD-EFGH-JKMN/extra`, `${HERE}/enrol/<script>`,
    "PR1:eyJwIjoxfQ.c2ln", "", "ABC", "\u0000ABCDEFGHJKMN", null, undefined,
  ]) {
    assert.equal(enrolmentCode(text, HERE), null, String(text));
  }
});
