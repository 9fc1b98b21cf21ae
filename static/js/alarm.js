// The alarm, on whichever page of KneeAid is open: watches the stored timer
// (timer-state.js), rings when the ice pack must come off, and settles a
// finished elevation.
"use strict";

(function (KneeAid) {
  const MINUTE = KneeAid.MINUTE;
  const { loadTimer, phaseOf, finishSession } = KneeAid;

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
      icon: KneeAid.config.icon,
      data: { url: KneeAid.config.timerUrl },
      ...options,
    }));
  }

  function banner() {
    return document.getElementById("alarm-banner");
  }

  function ring(endedAt) {
    localStorage.setItem(ALARM_KEY, String(endedAt));
    const text = KneeAid.config.alarm;
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

  // The chip on every other page: which phase runs and the time left, a tap back to the timer.
  function showChip(state, phase, now) {
    const chip = document.getElementById("timer-chip");
    if (!chip) {
      return;
    }
    const running = phase === "cold" || phase === "elevation";
    chip.hidden = !running || document.getElementById("timer") !== null;
    if (running) {
      const seconds = Math.ceil(KneeAid.remainingMs(state, now) / 1000);
      chip.dataset.phase = phase;
      chip.querySelector(".chip-time").textContent =
        `${String(Math.floor(seconds / 60)).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
    }
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
      const offAt = KneeAid.coldOffAt(state);
      const alreadyRung = localStorage.getItem(ALARM_KEY) === String(offAt);
      if (!alreadyRung && !isRinging()) {
        ring(offAt);
      }
    } else if (isRinging()) {
      silence();
    }
    if (phase === "done" && state.phase === "elevation") {
      finishSession(state, "completed", state.phaseEndsAt);
      if (now - state.phaseEndsAt < MINUTE) {
        notify(KneeAid.config.alarm.elevationTitle, KneeAid.config.alarm.elevationBody);
        chime();
      }
    }
    if (alarmBanner) {
      alarmBanner.hidden = !(isRinging() && !document.getElementById("timer"));
    }
    showChip(state, phase, now);
    // Wake up exactly at the end, and at least every second while visible; a
    // paused ice pack still has its cap.
    const wakeAt = phase === "cold" ? KneeAid.coldOffAt(state)
      : phase === "elevation" && state.pausedAt === null ? state.phaseEndsAt : null;
    if (wakeAt !== null) {
      watchTimeout = setTimeout(watch, Math.min(Math.max(wakeAt - now, 0) + 20, 1000));
    }
  }

  document.addEventListener("kneeaid:timer", watch);
  window.addEventListener("storage", (event) => event.key === KneeAid.TIMER_KEY && watch());
  document.addEventListener("click", (event) => {
    if (event.target.closest(".alarm-silence")) {
      silence();
      watch();
    }
  });
  // The next step from any page: the ice pack is off, the leg goes up, the timer
  // opens. In the capture phase: htmx's boosted link must not run first.
  document.addEventListener("click", (event) => {
    if (event.target.closest(".alarm-next")) {
      silence();
      KneeAid.startElevation(KneeAid.config.timerLimits.elevationDefault);
    }
  }, true);
  // Boosted navigation swaps the body: show the banner again on the new page.
  document.addEventListener("htmx:afterSettle", watch);
  watch();

  Object.assign(KneeAid, { unlockSound, silence, isRinging });
})(window.KneeAid);
