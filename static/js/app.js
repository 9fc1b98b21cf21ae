// Runs once per document, on every page: installs the service worker,
// remembers the language, and keeps watch over a running first-aid timer so
// that its alarm rings on whichever page of KneeAid is open.
"use strict";

window.KneeAid = (function () {
  const script = document.currentScript;
  const MINUTE = 60 * 1000;

  // The page's language is the person's choice, online or offline.
  const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;
  const secure = location.protocol === "https:" ? "; secure" : "";
  document.cookie = `lang=${document.documentElement.lang}; path=/; max-age=${ONE_YEAR_SECONDS}; samesite=lax${secure}`;

  // The device's time zone, so the diary groups entries by the person's days.
  document.cookie = `tz=${encodeURIComponent(Intl.DateTimeFormat().resolvedOptions().timeZone)}; path=/; max-age=${ONE_YEAR_SECONDS}; samesite=lax${secure}`;

  // The other language shows the same page with the same answers: the link
  // keeps the address's query (a check's ?s=…, the heat page's answers). The
  // server writes it too; offline the saved page has none, so it is set here,
  // and pages with a form call this as answers change.
  function keepQueryInLanguageLink(search) {
    document.querySelectorAll("a.lang-switch").forEach((link) => { link.search = search; });
  }
  keepQueryInLanguageLink(location.search);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker
      .register(script.dataset.serviceWorker, { scope: "/", updateViaCache: "none" })
      .catch((error) => console.warn("KneeAid works online only here:", error));
  }

  function newId() {
    if (crypto.randomUUID) {
      return crypto.randomUUID();
    }
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  // The timer's state ----------------------------------------------------
  // The truth is the wall clock: the state holds when each phase started and
  // ends; what is shown is always computed from Date.now().

  const TIMER_KEY = "kneeaid.timer";
  const REPAIR_KEY = "kneeaid.timer.repair";
  const SESSIONS_KEY = "kneeaid.sessions";
  // The limits of static/data/timer.json, which the server reads too (base.html).
  const LIMITS = JSON.parse(script.dataset.timerLimits);
  const COLD_CHOICES = LIMITS.coldChoices;
  const COLD_MAX_MINUTES = LIMITS.coldMaxMinutes;
  const ELEVATION_MIN_MINUTES = Math.min(...LIMITS.elevationChoices);
  const ELEVATION_MAX_MINUTES = Math.max(...LIMITS.elevationChoices);
  const STORED_PHASES = ["cold", "elevation", "done"];

  function readJson(key, fallback) {
    try {
      const value = JSON.parse(localStorage.getItem(key));
      return value === null ? fallback : value;
    } catch (error) {
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
  function phaseOf(state, now = Date.now()) {
    if (state === null) {
      return "ready";
    }
    if (state.phase === "cold" && state.pausedAt === null && now >= state.phaseEndsAt) {
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
    return Math.min(Math.max(state.phaseEndsAt - until, 0), plannedMs);
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

  // The diary -------------------------------------------------------------
  // Entries wait in the outbox (static/js/outbox.js) until the server has
  // acknowledged them: sent now, when the network comes back, every minute,
  // and by the service worker (Background Sync) where the browser has it.

  const SYNC_MS = 60 * 1000;

  // Resolves once the entry is safe on the device; sending follows, now and,
  // if the page is closed first, through Background Sync.
  function keepInDiary(entry) {
    const stored = window.KneeAidOutbox.put(entry);
    stored.then(() => {
      if ("serviceWorker" in navigator) {
        navigator.serviceWorker.ready
          .then((registration) => registration.sync && registration.sync.register("kneeaid-diary"))
          .catch(() => {});
      }
      syncDiary();
    });
    return stored;
  }

  function syncDiary() {
    return window.KneeAidOutbox.send(script.dataset.syncUrl).then((result) => {
      if (result.sent > 0) {
        document.body.dispatchEvent(new CustomEvent("kneeaid:synced"));
      }
      return result;
    });
  }

  // After "delete all my data": nothing of the diary stays on this device.
  function forgetDiary() {
    Object.keys(localStorage).filter((key) => key.startsWith("kneeaid.")).forEach((key) => {
      localStorage.removeItem(key);
    });
    return window.KneeAidOutbox.clear();
  }

  // The service worker's Background Sync sent the outbox: the page's own
  // sender found it empty, so it is told here.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "kneeaid:synced") {
        document.body.dispatchEvent(new CustomEvent("kneeaid:synced"));
      }
    });
  }

  window.addEventListener("online", syncDiary);
  setInterval(syncDiary, SYNC_MS);
  syncDiary();

  // The alarm -------------------------------------------------------------
  // A sound (its AudioContext unlocked by the Start tap), vibration where the
  // device has it, and a system notification through the service worker.

  const ALARM_KEY = "kneeaid.alarm";  // the end time whose alarm has rung
  let audio = null;
  let ringTimer = null;

  function unlockSound() {
    const AudioContext = window.AudioContext || window.webkitAudioContext;
    if (!audio && AudioContext) {
      audio = new AudioContext();
    }
    if (audio && audio.state === "suspended") {
      audio.resume();
    }
  }

  function beep(at, frequency) {
    const tone = audio.createOscillator();
    const volume = audio.createGain();
    tone.frequency.value = frequency;
    volume.gain.setValueAtTime(0.0001, at);
    volume.gain.exponentialRampToValueAtTime(0.4, at + 0.02);
    volume.gain.exponentialRampToValueAtTime(0.0001, at + 0.35);
    tone.connect(volume).connect(audio.destination);
    tone.start(at);
    tone.stop(at + 0.4);
  }

  function chime() {
    if (audio && audio.state === "running") {
      [0, 0.5, 1].forEach((offset, index) => beep(audio.currentTime + offset, index === 2 ? 1046 : 880));
    }
    if (navigator.vibrate) {
      navigator.vibrate([400, 200, 400, 200, 400]);
    }
  }

  function notify(title, body, options = {}) {
    if (!("Notification" in window) || Notification.permission !== "granted" || !navigator.serviceWorker) {
      return;
    }
    navigator.serviceWorker.ready.then((registration) => registration.showNotification(title, {
      body,
      tag: "kneeaid-timer",
      renotify: true,
      icon: script.dataset.icon,
      data: { url: script.dataset.timerUrl },
      ...options,
    }));
  }

  function banner() {
    return document.getElementById("alarm-banner");
  }

  function ring(endedAt) {
    localStorage.setItem(ALARM_KEY, String(endedAt));
    const text = banner().dataset;
    notify(text.title, text.body, { requireInteraction: true, vibrate: [400, 200, 400] });
    chime();
    ringTimer = setInterval(chime, 2500);
    document.dispatchEvent(new CustomEvent("kneeaid:alarm"));
  }

  function silence() {
    clearInterval(ringTimer);
    ringTimer = null;
    if (navigator.vibrate) {
      navigator.vibrate(0);
    }
    if (navigator.serviceWorker) {
      navigator.serviceWorker.ready
        .then((registration) => registration.getNotifications({ tag: "kneeaid-timer" }))
        .then((notifications) => notifications.forEach((notification) => notification.close()));
    }
    document.dispatchEvent(new CustomEvent("kneeaid:alarm"));
  }

  function isRinging() {
    return ringTimer !== null;
  }

  // Watches the stored timer from any page: rings when the cold is over,
  // settles a finished elevation.
  let watchTimeout = null;

  function watch() {
    clearTimeout(watchTimeout);
    const { state } = loadTimer();
    const now = Date.now();
    const phase = phaseOf(state, now);
    const alarmBanner = banner();
    if (phase === "cold-over") {
      // Once per cold phase: after a reload the page says the cold is over instead.
      const alreadyRung = localStorage.getItem(ALARM_KEY) === String(state.phaseEndsAt);
      if (!alreadyRung && !isRinging()) {
        ring(state.phaseEndsAt);
      }
    } else if (isRinging()) {
      silence();
    }
    if (phase === "done" && state.phase === "elevation") {
      finishSession(state, "completed", state.phaseEndsAt);
      if (now - state.phaseEndsAt < MINUTE) {
        notify(alarmBanner.dataset.elevationTitle, alarmBanner.dataset.elevationBody);
        chime();
      }
    }
    if (alarmBanner) {
      alarmBanner.hidden = !(isRinging() && !document.getElementById("timer"));
    }
    if (state && (phase === "cold" || phase === "elevation") && state.pausedAt === null) {
      // Wake up exactly at the end, and at least every second while visible.
      watchTimeout = setTimeout(watch, Math.min(Math.max(state.phaseEndsAt - now, 0) + 20, 1000));
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

  document.addEventListener("kneeaid:timer", watch);
  window.addEventListener("storage", (event) => event.key === TIMER_KEY && watch());
  document.addEventListener("click", (event) => {
    if (event.target.closest(".alarm-silence")) {
      silence();
      watch();
    }
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
  // Boosted navigation swaps the body: show the banner again on the new page.
  document.addEventListener("htmx:afterSettle", watch);
  watch();

  return {
    MINUTE,
    COLD_CHOICES,
    COLD_MAX_MINUTES,
    newId,
    keepQueryInLanguageLink,
    loadTimer,
    takeRepair,
    saveTimer,
    phaseOf,
    remainingMs,
    elapsedMs,
    sessions,
    finishSession,
    unlockSound,
    silence,
    isRinging,
    notify,
    keepInDiary,
    syncDiary,
    forgetDiary,
  };
})();
