// The partner directory kept on the phone (IndexedDB), so the list opens and searches offline.
// One store of records: "list" {etag, text} the fields the list needs (JSON text: a quarter of the
// whole, and parsing text beats reading 5,000 stored objects back), "directory" {etag, text,
// savedAt} the API's whole JSON for the detail pages, "checked" {at} when the server last
// confirmed it, "visits" {userId, year, ids, savedAt} the agent's visits of the year. The service
// worker deletes the whole database at sign-out (shared phones).
//
// The page loads this module with `async` as well as through partners.js: it starts reading the
// list the moment it arrives, while the other modules are still on their way (`saved`).
export const DB_NAME = "passresot-partners";
const STORE = "records";
const STARTUP = ["list", "checked", "visits"];

let opening = null;

function open() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => {
      const db = request.result;
      // Sign-out deletes the database: let it, and open again if this page needs it later.
      db.onversionchange = () => { db.close(); opening = null; };
      resolve(db);
    };
    request.onerror = () => { opening = null; reject(request.error); };
    request.onblocked = () => console.warn("IndexedDB bloquée par un autre onglet");
  });
  return opening;
}

/** Several records in one transaction: {key: value} (undefined when absent). */
export async function readMany(keys) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(STORE, "readonly");
    const store = transaction.objectStore(STORE);
    const requests = keys.map((key) => [key, store.get(key)]);
    transaction.oncomplete = () => resolve(Object.fromEntries(requests.map(([key, r]) => [key, r.result])));
    transaction.onerror = () => reject(transaction.error);
  });
}

/** Store {key: value} records in one transaction: all of them or none. */
export async function writeMany(records) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(STORE, "readwrite");
    const store = transaction.objectStore(STORE);
    for (const [key, value] of Object.entries(records)) store.put(value, key);
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
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
