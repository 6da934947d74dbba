// IndexedDB, opened once per page and used one transaction at a time: shared by the outboxes kept
// on the device (scanner-outbox.js, reports-outbox.js). A database another tab or the service
// worker deletes (sign-out) is let go and opened again when needed.

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

  return { open, run };
}
