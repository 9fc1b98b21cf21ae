// The part of the diary "Can I train today?" reads on this phone, offline too
// (static/js/training-rules.js): the workouts, pain scores, checks and doctor's
// visits noted here in the last 35 days (14 days of answers, and the weeks
// before them for the weekly pattern), kept in localStorage as each is kept in
// the diary (shell.js's kneeaid:kept). "Delete all my data" removes it with
// every kneeaid.* key (diary.js). What the server holds of the same weeks (a phone joined with a
// recovery code noted none of it) is added by addFromServer().
import { config } from "./shell.js";

const KEY = "kneeaid.knee-log";
const KINDS = ["workout", "pain", "check", "doctor_visit"];
const KEPT_MS = 35 * 24 * 60 * 60 * 1000;

// The entries kept, oldest dropped; an entry noted again (edited) replaces the one before.
function recent(now = Date.now()) {
  let kept = [];
  try {
    kept = JSON.parse(localStorage.getItem(KEY) || "[]");
  } catch (_unreadable) {
    kept = [];
  }
  return Array.isArray(kept) ? kept.filter((entry) => now - Date.parse(entry.at) <= KEPT_MS) : [];
}

function remember(entry) {
  if (!KINDS.includes(entry.kind)) {
    return;
  }
  const kept = recent().filter((other) => other.id !== entry.id);
  localStorage.setItem(KEY, JSON.stringify([...kept, entry]));
}

// An entry deleted in the diary (diary.js) no longer answers here either.
document.addEventListener("kneeaid:deleted", (event) => {
  localStorage.setItem(KEY, JSON.stringify(recent().filter((entry) => entry.id !== event.detail)));
  document.dispatchEvent(new CustomEvent("kneeaid:knee-log"));
});

// push.js asks the server for the morning question's push as soon as a workout is kept (kneeaid:knee-log).
document.addEventListener("kneeaid:kept", (event) => {
  remember(event.detail);
  document.dispatchEvent(new CustomEvent("kneeaid:knee-log"));
});

// Adds the server's copy of the last weeks (GET /api/diary/recent) to what this phone noted; an
// entry noted here stays as it is here (it may be an edit still on its way). Offline: nothing.
async function addFromServer() {
  try {
    const response = await fetch(config.recentUrl, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) {
      return;
    }
    const kept = recent();
    const known = new Set(kept.map((entry) => entry.id));
    const added = (await response.json()).entries.filter((entry) => !known.has(entry.id) && KINDS.includes(entry.kind));
    if (added.length) {
      localStorage.setItem(KEY, JSON.stringify([...kept, ...added]));
    }
  } catch (_offline) {
    // No network: the phone's own entries answer.
  }
}

// Each knee's latest workout whose morning question has no answer yet (push.js, morning.js).
function unansweredLatestWorkouts(now = Date.now()) {
  const entries = recent(now);
  const answered = new Set(entries.filter((entry) => entry.morningOf).map((entry) => entry.morningOf));
  const latest = new Map();
  entries.filter((entry) => entry.kind === "workout")
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .forEach((workout) => { latest.set(workout.knee, workout); });
  return [...latest.values()].filter((workout) => !answered.has(workout.id));
}

export { addFromServer, recent, unansweredLatestWorkouts };
