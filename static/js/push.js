// Alarms pushed from the server (kneeaid/alarms), so the timer's alarm (and
// the follow-up's question, followup.js) reaches a locked phone. While a timer runs, the server holds one alarm for each step
// still ahead (look at the skin, ice pack off, leg down) and pushes it when it
// is due; the service worker shows it. Every change of the timer (start,
// pause, skip, stop, a language switch) cancels or moves them. Without a
// network, notifications or Push, the page's own alarm (alarm.js) is all there
// is, and the timer page says so (pushStatus).
import { waitingFollowUp } from "./followup.js";
import { unansweredLatestWorkouts } from "./knee-log.js";
import { MINUTE, config } from "./shell.js";
import { coldOffAt, loadTimer } from "./timer-state.js";

const STORE_KEY = "kneeaid.pushAlarms";  // {endpoint, alarms: [{key, at, id}]}: what the server holds
// A phone clock further off than this is corrected with the server's (its Date header).
const CLOCK_SKEW_MS = 5000;

function supported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

// Whether the alarm can reach this phone with its screen locked, and if not,
// why: "on" only once the server has accepted every alarm the running timer
// still needs; "pending" until then (or when it refused them).
function pushStatus() {
  if (!supported()) {
    const iPhone = /iPhone|iPad|iPod/.test(navigator.userAgent) && !navigator.standalone;
    return iPhone ? "ios-home-screen" : "unsupported";
  }
  if (Notification.permission === "denied") {
    return "refused";
  }
  if (Notification.permission === "default") {
    return "not-asked";
  }
  if (!navigator.onLine) {
    return "offline";
  }
  return serverHoldsTheAlarms(Date.now()) ? "on" : "pending";
}

function canPush() {
  return supported() && Notification.permission === "granted" && navigator.onLine;
}

// An alarm's key names what it says and when: a change of either is a new alarm.
function keyOf(alarm) {
  return `${alarm.kind}@${alarm.at}@${document.documentElement.lang}`;
}

function serverHoldsTheAlarms(now) {
  const wanted = timerAlarms(loadTimer(now).state, now);
  const held = readStore().alarms;
  return wanted.length > 0 && wanted.every((alarm) => held.some((one) => one.key === keyOf(alarm)));
}

// The alarms the stored timer needs, each still ahead: [{kind, at}].
function timerAlarms(state, now) {
  const wanted = [];
  if (state && state.phase === "cold") {
    if (state.pausedAt === null) {
      const skinMinutes = config.timerLimits.skinCheckAfterMinutes;
      wanted.push({ kind: "skin-check", at: state.phaseStartedAt + state.pausedMs + skinMinutes * MINUTE });
    }
    // Even paused: the ice pack must come off at its cap.
    wanted.push({ kind: "cold-over", at: coldOffAt(state) });
  } else if (state && state.phase === "elevation" && state.pausedAt === null) {
    wanted.push({ kind: "elevation-over", at: state.phaseEndsAt });
  }
  return wanted.filter((alarm) => alarm.at > now);
}

// The morning question after a workout (knee-log.js), while it is ahead and unanswered: for each
// knee's latest workout, and once a morning (the earliest time asked that day).
function morningAlarms(now) {
  const byMorning = new Map();
  for (const workout of unansweredLatestWorkouts(now)) {
    const at = Date.parse(workout.morningAt);
    const day = new Date(at).toDateString();
    if (at > now && !(byMorning.get(day) <= at)) {
      byMorning.set(day, at);
    }
  }
  return [...byMorning.values()].map((at) => ({ kind: "morning", at }));
}

// Every alarm this phone needs the server to hold: the timer's, the follow-up's (followup.js)
// and the morning question's.
function wantedAlarms(now) {
  const wanted = timerAlarms(loadTimer(now).state, now);
  const followUp = waitingFollowUp();
  if (followUp !== null && followUp.dueAt > now) {
    wanted.push({ kind: "follow-up", at: followUp.dueAt });
  }
  return [...wanted, ...morningAlarms(now)];
}

function readStore() {
  try {
    const stored = JSON.parse(localStorage.getItem(STORE_KEY));
    if (stored && Array.isArray(stored.alarms)) {
      return stored;
    }
  } catch (_error) {
    // Unreadable: start again (the server drops what it cannot send).
  }
  return { endpoint: null, alarms: [] };
}

function writeStore(stored) {
  localStorage.setItem(STORE_KEY, JSON.stringify(stored));
}

function jsonRequest(method, url, body) {
  return fetch(url, {
    method,
    credentials: "same-origin",
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
}

async function serverKey() {
  const response = await fetch(config.push.keyUrl, { cache: "no-store" });
  if (!response.ok) {
    throw new Error(`the push key answered ${response.status}`);
  }
  // The first date, should a proxy have added another ("Sun, 22 Nov 2026 14:35:00 GMT, Sun, …").
  const serverNow = Date.parse((response.headers.get("Date") || "").split(/, (?=[A-Z][a-z]{2},)/)[0]);
  const skew = Number.isFinite(serverNow) ? serverNow - Date.now() : 0;
  return { publicKey: (await response.json()).publicKey, skewMs: Math.abs(skew) > CLOCK_SKEW_MS ? skew : 0 };
}

function bytesOf(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

function sameBytes(buffer, bytes) {
  const other = buffer ? new Uint8Array(buffer) : new Uint8Array();
  return other.length === bytes.length && other.every((byte, index) => byte === bytes[index]);
}

// This browser's subscription for this server's key (a new key: a new subscription).
async function subscription(publicKey) {
  const registration = await navigator.serviceWorker.ready;
  const key = bytesOf(publicKey);
  const existing = await registration.pushManager.getSubscription();
  if (existing && sameBytes(existing.options.applicationServerKey, key)) {
    return existing;
  }
  if (existing) {
    await existing.unsubscribe();
  }
  return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
}

async function cancel(alarm) {
  const response = await jsonRequest("DELETE", `${config.push.alarmsUrl}/${alarm.id}`);
  if (!response.ok && response.status !== 404) {
    throw new Error(`cancelling an alarm answered ${response.status}`);
  }
}

// Makes what the server holds match the timer: cancels what is no longer
// wanted, asks for what is missing. A failure leaves the rest for next time
// (the next change, the network coming back, the next page).
async function reconcile() {
  if (!canPush()) {
    return;
  }
  const now = Date.now();
  const lang = document.documentElement.lang;
  const wanted = wantedAlarms(now).map((alarm) => ({ ...alarm, key: keyOf(alarm) }));
  const stored = readStore();
  for (const alarm of [...stored.alarms]) {
    if (!wanted.some((one) => one.key === alarm.key)) {
      if (alarm.at > now) {  // one already due is being sent: nothing to cancel
        await cancel(alarm);
      }
      stored.alarms = stored.alarms.filter((one) => one !== alarm);
      writeStore(stored);
    }
  }
  if (wanted.every((alarm) => stored.alarms.some((one) => one.key === alarm.key))) {
    return;
  }
  const key = await serverKey();
  const current = await subscription(key.publicKey);
  if (stored.endpoint && stored.endpoint !== current.endpoint) {
    // A new subscription (the server's key changed): the old one's alarms go.
    for (const alarm of stored.alarms.filter((one) => one.at > now)) {
      await cancel(alarm);
    }
    stored.alarms = [];
  }
  stored.endpoint = current.endpoint;
  writeStore(stored);
  for (const alarm of wanted.filter((one) => !stored.alarms.some((kept) => kept.key === one.key))) {
    const response = await jsonRequest("POST", config.push.alarmsUrl, {
      subscription: current.toJSON(),
      at: new Date(alarm.at + key.skewMs).toISOString(),
      kind: alarm.kind,
      lang,
    });
    if (response.status === 201) {
      stored.alarms.push({ key: alarm.key, at: alarm.at, id: (await response.json()).id });
      writeStore(stored);
    } else {
      console.warn("KneeAid: the server refused an alarm:", (await response.json()).error);
    }
  }
}

// One run at a time; a change during a run runs it again after.
let running = null;
let runAgain = false;

function schedulePushAlarms() {
  if (running) {
    runAgain = true;
    return running;
  }
  running = reconcile()
    .catch((error) => console.warn("KneeAid: the alarm will ring on this page only for now:", error))
    .finally(() => {
      running = null;
      if (runAgain) {
        runAgain = false;
        schedulePushAlarms();
      }
    });
  return running;
}

// "Delete all my data": the timer and the follow-up are gone from this
// phone already (shell.js), so nothing is wanted any more; once a run under
// way is over, every alarm the server still holds for the phone is cancelled.
async function cancelPushAlarms() {
  while (running) {
    await running;
  }
  const now = Date.now();
  for (const alarm of readStore().alarms.filter((one) => one.at > now)) {
    await cancel(alarm).catch((error) => console.warn("KneeAid: an alarm was not cancelled:", error));
  }
  localStorage.removeItem(STORE_KEY);
}

document.addEventListener("kneeaid:timer", schedulePushAlarms);
document.addEventListener("kneeaid:followup", schedulePushAlarms);
document.addEventListener("kneeaid:knee-log", schedulePushAlarms);
window.addEventListener("online", schedulePushAlarms);
schedulePushAlarms();

export { STORE_KEY as PUSH_ALARMS_KEY, pushStatus, schedulePushAlarms, cancelPushAlarms };
