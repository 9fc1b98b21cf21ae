// The first-aid timer's state, with no DOM: the truth is the wall clock.
// Kept in localStorage, read and repaired here for every page (alarm.js
// watches it, timer.js draws it).
import { MINUTE, config, keepInDiary, newId } from "./shell.js";

// The timer's state ----------------------------------------------------
// The truth is the wall clock: the state holds when each phase started and
// ends; what is shown is always computed from Date.now().

const TIMER_KEY = "kneeaid.timer";
const REPAIR_KEY = "kneeaid.timer.repair";
const SESSIONS_KEY = "kneeaid.sessions";
// The limits of static/data/timer.json, which the server reads too (base.html).
const LIMITS = config.timerLimits;
const COLD_CHOICES = LIMITS.coldChoices;
const COLD_MAX_MINUTES = LIMITS.coldMaxMinutes;
const ELEVATION_MIN_MINUTES = Math.min(...LIMITS.elevationChoices);
const ELEVATION_MAX_MINUTES = Math.max(...LIMITS.elevationChoices);
const STORED_PHASES = ["cold", "elevation", "done"];

function readJson(key, fallback) {
  try {
    const value = JSON.parse(localStorage.getItem(key));
    return value === null ? fallback : value;
  } catch (_error) {
    return fallback;
  }
}

function isTime(value) {
  return Number.isFinite(value) && value > 0;
}

// Reads the stored timer and repairs what cannot be true: a cold phase is
// never longer than 15 minutes, whatever was stored. A repair is noted under
// REPAIR_KEY for the timer page to tell the person (takeRepair).
function loadTimer(now = Date.now()) {
  const state = readJson(TIMER_KEY, null);
  if (state === null) {
    if (localStorage.getItem(TIMER_KEY) !== null) {
      localStorage.removeItem(TIMER_KEY);
      localStorage.setItem(REPAIR_KEY, JSON.stringify({ discarded: true }));
    }
    return { state: null };
  }
  const wellFormed = typeof state === "object" && STORED_PHASES.includes(state.phase)
    && typeof state.id === "string" && isTime(state.startedAt)
    && isTime(state.phaseStartedAt) && isTime(state.phaseEndsAt)
    && (state.pausedAt === null || isTime(state.pausedAt))
    && Number.isFinite(state.pausedMs);
  if (!wellFormed) {
    localStorage.removeItem(TIMER_KEY);
    localStorage.setItem(REPAIR_KEY, JSON.stringify({ discarded: true }));
    return { state: null };
  }
  if (finishedLongAgo(state, now)) {
    if (state.phase === "elevation") {  // it ended while no page was open: record it first
      finishSession(state, "completed", state.phaseEndsAt);
    }
    localStorage.removeItem(TIMER_KEY);
    return { state: null };
  }
  const pausedUntil = state.pausedAt || now;
  state.pausedMs = Math.min(Math.max(state.pausedMs, 0), Math.max(pausedUntil - state.phaseStartedAt, 0));
  state.elevationMinutes = Math.min(Math.max(Math.round(state.elevationMinutes) || 15,
    ELEVATION_MIN_MINUTES), ELEVATION_MAX_MINUTES);
  if (state.phase === "cold") {
    const askedMs = state.phaseEndsAt - state.phaseStartedAt - state.pausedMs;
    const minutes = COLD_CHOICES.includes(state.coldMinutes) ? state.coldMinutes : COLD_MAX_MINUTES;
    const longestEnd = state.phaseStartedAt + state.pausedMs + minutes * MINUTE;
    if (state.phaseEndsAt > longestEnd || minutes !== state.coldMinutes) {
      const askedMinutes = Math.max(Math.round(askedMs / MINUTE), Number(state.coldMinutes) || 0);
      localStorage.setItem(REPAIR_KEY, JSON.stringify({ coldAskedMinutes: askedMinutes }));
      state.coldMinutes = minutes;
      state.phaseEndsAt = Math.min(state.phaseEndsAt, longestEnd);
      saveTimer(state);
    }
  }
  return { state };
}

// The last repair loadTimer made, once: {discarded} or {coldAskedMinutes}.
function takeRepair() {
  const repair = readJson(REPAIR_KEY, null);
  localStorage.removeItem(REPAIR_KEY);
  return repair || {};
}

function saveTimer(state) {
  if (state === null) {
    localStorage.removeItem(TIMER_KEY);
  } else {
    localStorage.setItem(TIMER_KEY, JSON.stringify(state));
  }
  document.dispatchEvent(new CustomEvent("kneeaid:timer"));
}

// What the person should see now: ready, cold, cold-over, elevation or done.
// When the ice pack must come off: its planned end (moved on by pauses),
// but never later than COLD_MAX_MINUTES after it went on, pauses included:
// a paused ice pack is still on the knee (docs/medical-rules.md).
function coldOffAt(state) {
  const cap = state.phaseStartedAt + COLD_MAX_MINUTES * MINUTE;
  return state.pausedAt === null ? Math.min(state.phaseEndsAt, cap) : cap;
}

// A finished session stays on screen as "done" for the rest of that part of the day; then the
// timer is ready again (two days on it must not still say "Done", with times of two days ago).
const DONE_SHOWN_MS = 12 * 60 * MINUTE;

function finishedLongAgo(state, now) {
  const finished = state.phase === "done" || (state.phase === "elevation" && state.pausedAt === null
    && now >= state.phaseEndsAt);
  return finished && now - (state.endedAt || state.phaseEndsAt) > DONE_SHOWN_MS;
}

function phaseOf(state, now = Date.now()) {
  if (state === null || finishedLongAgo(state, now)) {
    return "ready";
  }
  if (state.phase === "cold" && now >= coldOffAt(state)) {
    return "cold-over";
  }
  if (state.phase === "elevation" && state.pausedAt === null && now >= state.phaseEndsAt) {
    return "done";
  }
  return state.phase;
}

function remainingMs(state, now = Date.now()) {
  const until = state.pausedAt || now;
  const plannedMs = (state.phase === "cold" ? state.coldMinutes : state.elevationMinutes) * MINUTE;
  const left = Math.min(Math.max(state.phaseEndsAt - until, 0), plannedMs);
  // A paused ice pack keeps counting toward its cap.
  return state.phase === "cold" ? Math.min(left, Math.max(coldOffAt(state) - now, 0)) : left;
}

function elapsedMs(state, now = Date.now()) {
  const until = Math.min(state.pausedAt || now, state.phaseEndsAt);
  return Math.max(until - state.phaseStartedAt - state.pausedMs, 0);
}

function sessions() {
  const list = readJson(SESSIONS_KEY, []);
  return Array.isArray(list) ? list : [];
}

// Keeps a finished or stopped session on the device (for "sessions done
// today") and in the diary's outbox, once per session id.
function recordSession(record) {
  const list = sessions();
  if (!list.some((kept) => kept.id === record.id)) {
    list.push(record);
    localStorage.setItem(SESSIONS_KEY, JSON.stringify(list));
    keepInDiary(record);
  }
}

// Ends a session: keeps its record for the diary; a completed one stays on
// screen as "done", a stopped one goes back to ready.
function finishSession(state, outcome, endedAt = Date.now()) {
  const phaseSummary = (plannedMinutes, actualMs) => ({
    plannedMinutes, actualSeconds: Math.round(actualMs / 1000),
  });
  if (state.phase === "cold") {
    state.cold = phaseSummary(state.coldMinutes, elapsedMs(state, endedAt));
  } else if (state.phase === "elevation") {
    state.elevation = phaseSummary(state.elevationMinutes, elapsedMs(state, endedAt));
  }
  recordSession({
    id: state.id,
    kind: "session",
    startedAt: new Date(state.startedAt).toISOString(),
    endedAt: new Date(endedAt).toISOString(),
    outcome,
    cold: state.cold || null,
    elevation: state.elevation || null,
  });
  if (outcome === "completed") {
    Object.assign(state, { phase: "done", pausedAt: null, endedAt });
    saveTimer(state);
  } else {
    saveTimer(null);
  }
}

// The changes a person makes ------------------------------------------
// Each reads the stored state, changes it and stores it; timer.js only
// draws and announces.

// Starts a session with the ice pack; a length that is not offered becomes
// the longest allowed. Returns the minutes started.
function startCold(minutes, elevationMinutes, now = Date.now()) {
  const coldMinutes = COLD_CHOICES.includes(minutes) ? minutes : COLD_MAX_MINUTES;
  saveTimer({
    id: newId(),
    startedAt: now,
    phase: "cold",
    coldMinutes,
    elevationMinutes,
    phaseStartedAt: now,
    phaseEndsAt: now + coldMinutes * MINUTE,
    pausedAt: null,
    pausedMs: 0,
    cold: null,
    elevation: null,
  });
  return coldMinutes;
}

// Raises the leg: after the ice pack (what it did is kept), or alone.
function startElevation(minutes, now = Date.now()) {
  let { state } = loadTimer(now);
  if (state && state.phase === "cold") {
    const coldEnd = Math.min(now, state.pausedAt || state.phaseEndsAt);
    state.cold = {
      plannedMinutes: state.coldMinutes,
      actualSeconds: Math.round(elapsedMs(state, coldEnd) / 1000),
    };
    state.coldEndedAt = coldEnd;
  } else {
    state = { id: newId(), startedAt: now, coldMinutes: null, cold: null };
  }
  Object.assign(state, {
    phase: "elevation",
    elevationMinutes: minutes,
    phaseStartedAt: now,
    phaseEndsAt: now + minutes * MINUTE,
    pausedAt: null,
    pausedMs: 0,
  });
  saveTimer(state);
}

// Pauses a running phase or runs it again: "paused", "resumed", or null
// when nothing runs. A paused ice pack still counts (the 15-minute cap).
function togglePause(now = Date.now()) {
  const { state } = loadTimer(now);
  if (!state || !["cold", "elevation"].includes(phaseOf(state, now))) {
    return null;
  }
  let change = "paused";
  if (state.pausedAt === null) {
    state.pausedAt = now;
  } else {
    const pause = now - state.pausedAt;
    state.pausedMs += pause;
    state.phaseEndsAt += pause;
    if (state.phase === "cold") {
      state.phaseEndsAt = Math.min(state.phaseEndsAt, coldOffAt({ ...state, pausedAt: null }));
    }
    state.pausedAt = null;
    change = "resumed";
  }
  saveTimer(state);
  return change;
}

// Stops: what was done is kept for the diary; the timer is ready again.
function stopSession() {
  const { state } = loadTimer();
  if (state && state.phase !== "done") {
    finishSession(state, "stopped");
  } else {
    saveTimer(null);
  }
}

export {
  TIMER_KEY, COLD_MAX_MINUTES, loadTimer, takeRepair, saveTimer, coldOffAt, phaseOf, remainingMs, elapsedMs,
  sessions, finishSession, startCold, startElevation, togglePause, stopSession,
};
