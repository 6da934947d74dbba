// IndexedDB, opened once per page (or service worker): the one helper of every database kept on
// the device (scanner-outbox.js, reports-outbox.js, partners-db.js, offline-ready.js, sw.js), one
// transaction per step (`across` spans several stores when a step reads or
// writes more than one). A database another tab or the service worker deletes (sign-out) is let
// go and opened again when needed.

/** {open, run} for database `name` at `version`; `upgrade(db)` creates its stores. */
export function database(name, version, upgrade) {
  let opening = null;

  function open() {
    opening ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(name, version);
      request.onupgradeneeded = () => upgrade(request.result);
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => { db.close(); opening = null; };
        resolve(db);
      };
      request.onerror = () => { opening = null; reject(request.error); };
    });
    return opening;
  }

  /** `action(store)` in one transaction on `storeName`; resolves to its request's result once committed. */
  function run(storeName, mode, action) {
    return open().then((db) => new Promise((resolve, reject) => {
      const transaction = db.transaction(storeName, mode);
      const result = action(transaction.objectStore(storeName));
      transaction.oncomplete = () => resolve(result?.result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    }));
  }

  /** `action(transaction)` in one transaction over `storeNames`; resolves once committed to what
   * it returned, each IDBRequest in that object replaced by its result. `action` may go on with
   * the transaction in its requests' callbacks (a read, then a write that depends on it). */
  function across(storeNames, mode, action) {
    return open().then((db) => new Promise((resolve, reject) => {
      const transaction = db.transaction(storeNames, mode);
      const returned = action(transaction) ?? {};
      transaction.oncomplete = () => resolve(Object.fromEntries(Object.entries(returned)
        .map(([key, value]) => [key, value instanceof IDBRequest ? value.result : value])));
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    }));
  }

  return { open, run, across };
}

/** Delete database `name` (sign-out on a shared phone); resolves whatever happens. */
export function deleteDatabase(name) {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}

/** The database `name` if a page made it, else null: opening it here must not make an empty one. */
function openExisting(name) {
  return new Promise((resolve) => {
    const request = indexedDB.open(name);
    request.onupgradeneeded = () => request.transaction.abort();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => resolve(null);
  });
}

/** True when a page made database `name`. */
export async function databaseExists(name) {
  const db = await openExisting(name);
  db?.close();
  return Boolean(db);
}

/** The value at `key` in `storeName` of database `name`, or undefined; never makes the database. */
export async function readIfExists(name, storeName, key) {
  const db = await openExisting(name);
  if (!db) return undefined;
  try {
    return await new Promise((resolve) => {
      const get = db.transaction(storeName).objectStore(storeName).get(key);
      get.onsuccess = () => resolve(get.result);
      get.onerror = () => resolve(undefined);
    });
  } catch {
    return undefined;  // the database is there without this store
  } finally {
    db.close();
  }
}
