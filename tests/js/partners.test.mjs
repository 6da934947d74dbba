// The partner list's pure parts: accent-insensitive search, the period rules (against the vectors
// Python's PartnerPeriod.contains / accepts_on also pass), and the plain-French wording.
// Run from the repository root: node --test tests/js/
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import {
  acceptsOn, distanceKm, missingInformation, nextWelcome, parisDay, periodContains, periodIsPast,
} from "../../static/js/partners-rules.js";
import { describePeriod, format, formatDay, mapUrls, safeUrl } from "../../static/js/partners-view.js";
import { matchesWords, normalize, queryWords } from "../../static/js/text-search.js";

const vectors = JSON.parse(readFileSync(new URL("../vectors/partner_periods.json", import.meta.url), "utf8"));
const T = {
  period_recurring: "Chaque année, du %(start)s au %(end)s",
  period_once: "Du %(start)s au %(end)s",
};

test("normalize drops accents and case, spells out ligatures, keeps words apart", () => {
  assert.equal(normalize("Céret"), "ceret");
  assert.equal(normalize("CÉRET"), "ceret");
  assert.equal(normalize("Canoë Kayak Têt"), "canoe kayak tet");
  assert.equal(normalize("Œuvre d'Élne – Saint-Cyprien"), "oeuvre d elne saint cyprien");
  assert.equal(normalize("  "), "");
  assert.equal(normalize(undefined), "");
});

test("a search matches when every word is found, in any order", () => {
  const haystack = normalize("Musée d'art moderne de Céret Céret Musée 66400");
  assert.ok(matchesWords(haystack, queryWords("ceret")));
  assert.ok(matchesWords(haystack, queryWords("  MUSEE  céret ")));
  assert.ok(matchesWords(haystack, queryWords("ceret musee")));
  assert.ok(matchesWords(haystack, queryWords("")));
  assert.ok(!matchesWords(haystack, queryWords("ceret chateau")));
  assert.deepEqual(queryWords("Saint-Cyprien"), ["saint", "cyprien"]);
});

for (const { period, day, expected } of vectors.contains) {
  test(`periodContains(${JSON.stringify(period)}, ${day}) is ${expected}, as in Python`, () => {
    assert.equal(periodContains(period, day), expected);
  });
}

for (const { partner, day, expected } of vectors.accepts) {
  test(`acceptsOn(${JSON.stringify(partner)}, ${day}) is ${expected}, as in Python`, () => {
    assert.equal(acceptsOn(partner, day), expected);
  });
}

test("today is the date in Europe/Paris, not in UTC", () => {
  assert.equal(parisDay(new Date("2026-12-31T23:30:00Z")), "2027-01-01");
  assert.equal(parisDay(new Date("2026-06-30T22:30:00Z")), "2026-07-01");  // summer time
  assert.equal(parisDay(new Date("2026-03-01T12:00:00Z")), "2026-03-01");
});

test("the next welcome day comes from the next period to start, across New Year too", () => {
  const seasons = { periods: [["2026-06-01", "2026-09-30", 1], ["2026-12-15", "2027-03-31", 1]] };
  assert.equal(nextWelcome(seasons, "2026-11-02"), "2026-12-15");
  assert.equal(nextWelcome(seasons, "2026-04-10"), "2026-06-01");
  assert.equal(nextWelcome({ periods: [["2026-06-01", "2026-06-30"]] }, "2026-07-01"), null);
  assert.equal(nextWelcome({ all_year: true }, "2026-07-01"), null);
  assert.ok(periodIsPast(["2026-06-01", "2026-06-30"], "2026-07-01"));
  assert.ok(!periodIsPast(["2026-06-01", "2026-06-30", 1], "2026-07-01"));
});

test("missing information follows R6: phone, periods, booking rule", () => {
  assert.deepEqual(missingInformation({}), ["phone", "periods", "booking"]);
  assert.deepEqual(missingInformation({ phone: "04 68", all_year: true, booking: "required" }), []);
  assert.deepEqual(missingInformation({ phone: "04 68", periods: [["2026-01-01", "2026-02-01"]] }), ["booking"]);
});

test("distance between Perpignan and Céret is about 25 km", () => {
  const km = distanceKm({ lat: 42.6986, lon: 2.8956 }, { lat: 42.4853, lon: 2.7481 });
  assert.ok(km > 24 && km < 28, km);
});

test("periods in plain French", () => {
  assert.equal(formatDay("2026-06-01", "fr-FR", false), "1er juin");
  assert.equal(formatDay("2026-09-30", "fr-FR", true), "30 septembre 2026");
  assert.equal(describePeriod(T, ["2025-12-15", "2026-04-15", 1], "fr-FR"), "Chaque année, du 15 décembre au 15 avril");
  assert.equal(describePeriod(T, ["2026-06-01", "2026-09-30"], "fr-FR"), "Du 1er juin au 30 septembre 2026");
  assert.equal(describePeriod(T, ["2026-12-20", "2027-01-10"], "fr-FR"), "Du 20 décembre 2026 au 10 janvier 2027");
  assert.equal(describePeriod(T, ["2024-02-29", "2024-03-31", 1], "fr-FR"), "Chaque année, du 29 février au 31 mars");
  assert.equal(format("%(count)s sites", { count: 3 }), "3 sites");
});

test("map links open the phone's maps app or OpenStreetMap; other schemes are refused", () => {
  const urls = mapUrls({ name: "Fort Libéria", lat: 42.59, lon: 2.36 });
  assert.equal(urls.app, "geo:42.59,2.36?q=42.59,2.36(Fort%20Lib%C3%A9ria)");
  assert.equal(urls.web, "https://www.openstreetmap.org/?mlat=42.59&mlon=2.36#map=16/42.59/2.36");
  assert.match(mapUrls({ name: "X", commune: "Elne" }).app, /^geo:0,0\?q=Elne$/);
  assert.equal(safeUrl("javascript:alert(1)"), null);
  assert.equal(safeUrl("https://www.exemple.fr/a"), "https://www.exemple.fr/a");
});
