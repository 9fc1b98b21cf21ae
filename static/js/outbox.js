// The diary's outbox: every entry is written on the device first, in
// IndexedDB, and sent to the server when there is a network. Imported by the
// pages (shell.js, diary.js) and by the service worker (Background Sync), which
// has no import map: so it imports nothing and touches no DOM, only `self`.
const DATABASE = "kneeaid";
const STORE = "outbox";
const NOT_SAVED = "notSaved";  // entries the server refused, with its reason, for the person to see
const BATCH = 500;  // the server takes at most 1,000 entries a request
let opening = null;

function open() {
  opening = opening || new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 2);
    request.onupgradeneeded = () => {
      const database = request.result;
      for (const name of [STORE, NOT_SAVED]) {
        if (!database.objectStoreNames.contains(name)) {
          database.createObjectStore(name, { keyPath: "id" });
        }
      }
    };
    request.onsuccess = () => {
      // A newer KneeAid in another tab needs to upgrade the database: let go.
      request.result.onversionchange = () => {
        request.result.close();
        opening = null;
      };
      resolve(request.result);
    };
    request.onerror = () => reject(request.error);
  });
  return opening;
}

// Runs `work(store, notSaved)` in one transaction; resolves when it is on disk.
async function inTransaction(mode, work) {
  const database = await open();
  return new Promise((resolve, reject) => {
    const transaction = database.transaction([STORE, NOT_SAVED], mode);
    const result = work(transaction.objectStore(STORE), transaction.objectStore(NOT_SAVED));
    transaction.oncomplete = () => resolve(result?.result);
    transaction.onerror = () => reject(transaction.error);
  });
}

// An entry to store on the server. `version` tells a later edit of the same
// entry from the one the server acknowledged.
function put(entry) {
  return inTransaction("readwrite", (store) => store.put({ id: entry.id, entry, version: Date.now() + Math.random() }));
}

function remove(id) {
  return inTransaction("readwrite", (store) => store.put({ id, deleted: true, version: Date.now() + Math.random() }));
}

function all() {
  return inTransaction("readonly", (store) => store.getAll());
}

function clear() {
  return inTransaction("readwrite", (store, notSaved) => {
    store.clear();
    notSaved.clear();
  });
}

// What the server refused, each {id, entry, error, code} (the code names the kind of problem).
function refused() {
  return inTransaction("readonly", (_store, notSaved) => notSaved.getAll());
}

function dismiss(id) {
  return inTransaction("readwrite", (_store, notSaved) => notSaved.delete(id));
}

// Drops what the server acknowledged or refused, unless it changed since it
// was sent; a refused entry is kept aside, with the reason, to be shown.
function drop(sent, answer) {
  const safe = new Set(answer.acknowledged);
  const reasons = new Map((answer.rejected || []).map((item) => [item.id, { error: item.error, code: item.code }]));
  return inTransaction("readwrite", (store, notSaved) => {
    sent.filter((item) => safe.has(item.id) || reasons.has(item.id)).forEach((item) => {
      const request = store.get(item.id);
      request.onsuccess = () => {
        if (request.result && request.result.version === item.version) {
          store.delete(item.id);
          if (reasons.has(item.id)) {
            notSaved.put({ id: item.id, entry: item.entry, ...reasons.get(item.id) });
          }
        }
      };
    });
  });
}

let sending = null;

// Sends everything waiting, in batches. Resolves to {ok, sent}: ok is false
// when the network or the server said no; what was not acknowledged stays.
// One sender at a time across tabs and the service worker (Web Locks): the
// first send makes the profile, and two sends without its cookie would make
// two profiles and split the diary.
function send(url) {
  sending = sending || (self.navigator.locks
    ? self.navigator.locks.request("kneeaid-outbox-send", () => sendWaiting(url))
    : sendWaiting(url));
  return sending;
}

async function sendWaiting(url) {
  let sent = 0;
  try {
    const waiting = await all();
    for (let start = 0; start < waiting.length; start += BATCH) {
      const batch = waiting.slice(start, start + BATCH);
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          entries: batch.filter((item) => !item.deleted).map((item) => item.entry),
          deleted: batch.filter((item) => item.deleted).map((item) => item.id),
        }),
      });
      if (!response.ok) {
        return { ok: false, sent };
      }
      await drop(batch, await response.json());
      sent += batch.length;
    }
    return { ok: true, sent };
  } catch (_networkError) {
    return { ok: false, sent };
  } finally {
    sending = null;
  }
}

export { put, remove, all, clear, send, refused, dismiss };
