// The partner directory kept on the phone (IndexedDB), so the list opens and searches offline.
// One store of small records: "directory" {etag, text, savedAt} holds the API's JSON as text
// (parsing it is faster than reading 5,000 stored objects back), "checked" {at} when the server
// last confirmed it, "visits" {userId, year, ids, savedAt} the agent's visits of the year. The
// service worker deletes the whole database at sign-out (shared phones).
export const DB_NAME = "passresot-partners";
const STORE = "records";

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

function run(mode, action) {
  return open().then((db) => new Promise((resolve, reject) => {
    const transaction = db.transaction(STORE, mode);
    const result = action(transaction.objectStore(STORE));
    transaction.oncomplete = () => resolve(result.result);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  }));
}

/** The stored record under `key`, or undefined. */
export function read(key) {
  return run("readonly", (store) => store.get(key));
}

/** Several records in one transaction: {key: value}. */
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

export function write(key, value) {
  return run("readwrite", (store) => store.put(value, key));
}
