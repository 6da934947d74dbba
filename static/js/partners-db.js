// The partner directory kept on the phone (IndexedDB), so the list opens and searches offline.
// One store of records: "list" {etag, text} the fields the list needs (JSON text: a quarter of the
// whole, and parsing text beats reading 5,000 stored objects back), "directory" {etag, text,
// savedAt} the API's whole JSON for the detail pages, "checked" {at} when the server last
// confirmed it, "visits" {userId, year, ids, savedAt} the agent's visits of the year. The service
// worker deletes the whole database at sign-out (shared phones).
//
// The page loads this module with `async` as well as through partners.js: it starts reading the
// list the moment it arrives, while the other modules are still on their way (`saved`).
import { database } from "./idb.js";

export const DB_NAME = "passresot-partners";
const STORE = "records";
const STARTUP = ["list", "checked", "visits"];

const { across } = database(DB_NAME, 1, (db) => db.createObjectStore(STORE));

/** Several records in one transaction: {key: value} (undefined when absent). */
export function readMany(keys) {
  return across([STORE], "readonly", (tx) => Object.fromEntries(keys.map((key) => [key, tx.objectStore(STORE).get(key)])));
}

/** Store {key: value} records in one transaction: all of them or none. */
export async function writeMany(records) {
  await across([STORE], "readwrite", (tx) => {
    for (const [key, value] of Object.entries(records)) tx.objectStore(STORE).put(value, key);
  });
}

/** What the list needs to open, read as soon as this module runs. */
export const saved = readMany(STARTUP).then((records) => {
  performance.mark("partners:stored");
  return records;
}, (error) => {
  console.warn("Liste enregistrée illisible :", error);
  return {};
});
