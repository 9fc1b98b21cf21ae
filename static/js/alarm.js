// The alarm, on whichever page of KneeAid is open: watches the stored timer
// (timer-state.js), rings when the ice pack must come off, chimes once at the
// skin check, and settles a finished elevation.
import { MINUTE, config, words } from "./shell.js";
import {
  TIMER_KEY, coldOffAt, elapsedMs, finishSession, loadTimer, phaseOf, remainingMs, startElevation,
} from "./timer-state.js";

const RUNNING = ["cold", "cold-over", "elevation"];

// The sound ---------------------------------------------------------------
// A browser lets a page play sound only after a tap or a key press on it. A
// reload, a language switch or reopening KneeAid makes a new page: while a
// timer runs, its first tap or key press turns the sound on again, and until
// then the page says so (the .sound-on buttons).

let audio = null;

function timerRuns() {
  const { state } = loadTimer();
  return RUNNING.includes(phaseOf(state));
}

function soundIsOn() {
  return audio !== null && audio.state === "running";
}

// The buttons go a moment after the tap, not during it: a page that moves
// between a finger's down and up loses the tap (the timer's Stop, say), and
// its click must not fall through to what was under the button.
const AFTER_THE_TAP_MS = 600;
const showSoundButtonsAfterTheTap = () => setTimeout(showSoundButtons, AFTER_THE_TAP_MS);

function unlockSound() {
  const AudioContext = window.AudioContext || window.webkitAudioContext;
  if (!audio && AudioContext) {
    audio = new AudioContext();
    audio.addEventListener("statechange", showSoundButtonsAfterTheTap);
  }
  if (audio && audio.state !== "running") {
    audio.resume().then(showSoundButtonsAfterTheTap, () => {});
  }
  showSoundButtonsAfterTheTap();
}

// The button by the countdown (the timer page) or above the tab bar (every other page).
function showSoundButtons() {
  const canPlay = Boolean(window.AudioContext || window.webkitAudioContext);
  const off = canPlay && timerRuns() && !soundIsOn();
  const onTimerPage = document.getElementById("timer") !== null;
  document.querySelectorAll(".sound-on").forEach((button) => {
    button.hidden = !off || (onTimerPage !== button.classList.contains("by-countdown"));
  });
}

function beep(at, frequency, length = 0.35) {
  const tone = audio.createOscillator();
  const volume = audio.createGain();
  tone.frequency.value = frequency;
  volume.gain.setValueAtTime(0.0001, at);
  volume.gain.exponentialRampToValueAtTime(0.4, at + 0.02);
  volume.gain.exponentialRampToValueAtTime(0.0001, at + length);
  tone.connect(volume).connect(audio.destination);
  tone.start(at);
  tone.stop(at + length + 0.05);
}

// The alarm: three tones and a long vibration, again every 2.5 s until dismissed.
function chime() {
  if (soundIsOn()) {
    [0, 0.5, 1].forEach((offset, index) => { beep(audio.currentTime + offset, index === 2 ? 1046 : 880); });
  }
  if (navigator.vibrate) {
    navigator.vibrate([400, 200, 400, 200, 400]);
  }
}

// A gentle reminder (the skin check): one short tone and one short vibration.
function shortChime() {
  if (soundIsOn()) {
    beep(audio.currentTime, 660, 0.25);
  }
  if (navigator.vibrate) {
    navigator.vibrate(300);
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
    icon: config.icon,
    data: { url: config.timerUrl },
    ...options,
  }));
}

// The ringing alarm: a sheet in view on every page, until dismissed ----------

const ALARM_KEY = "kneeaid.alarm";  // the end time whose alarm has rung
let ringTimer = null;

function ring(endedAt) {
  localStorage.setItem(ALARM_KEY, String(endedAt));
  const text = words().alarm;
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
      .then((notifications) => notifications.forEach((notification) => { notification.close(); }));
  }
  document.dispatchEvent(new CustomEvent("kneeaid:alarm"));
}

function isRinging() {
  return ringTimer !== null;
}

// Shown while it rings, with the focus on its big button; hidden, the focus
// goes to the next step on the timer page, else to the page.
function showSheet() {
  const sheet = document.getElementById("alarm-sheet");
  if (!sheet || sheet.hidden === !isRinging()) {
    return;
  }
  sheet.hidden = !isRinging();
  const next = isRinging() ? sheet.querySelector(".alarm-next")
    : document.getElementById("start-elevation") || document.getElementById("main");
  if (next && (isRinging() || sheet.contains(document.activeElement) || document.activeElement === document.body)) {
    next.focus();
  }
}

// The skin check: once per cold phase, on whichever page is open ------------

const SKIN_KEY = "kneeaid.skinChecked";  // the start of the cold phase whose skin check was given

function checkTheSkin(state, now) {
  const due = elapsedMs(state, now) >= config.timerLimits.skinCheckAfterMinutes * MINUTE;
  const given = localStorage.getItem(SKIN_KEY) === String(state.phaseStartedAt);
  if (due && !given) {
    localStorage.setItem(SKIN_KEY, String(state.phaseStartedAt));
    shortChime();
    const reminder = document.getElementById("skin-reminder");
    if (reminder && !document.getElementById("timer")) {
      reminder.hidden = false;
    }
  }
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
    const seconds = Math.ceil(remainingMs(state, now) / 1000);
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
  if (phase === "cold") {
    checkTheSkin(state, now);
  }
  if (phase === "cold-over") {
    // Once per cold phase: after a reload the page says the cold is over instead.
    const offAt = coldOffAt(state);
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
      notify(words().alarm.elevationTitle, words().alarm.elevationBody);
      chime();
    }
  }
  showSheet();
  showChip(state, phase, now);
  showSoundButtons();
  // Wake up exactly at the end, and at least every second while visible; a
  // paused ice pack still has its cap.
  const wakeAt = phase === "cold" ? coldOffAt(state)
    : phase === "elevation" && state.pausedAt === null ? state.phaseEndsAt : null;
  if (wakeAt !== null) {
    watchTimeout = setTimeout(watch, Math.min(Math.max(wakeAt - now, 0) + 20, 1000));
  }
}

// Any tap or key press while a timer runs turns the sound on (a browser allows
// it only then); on the button that says so it also plays a tone, to show it works.
function turnSoundOn(event) {
  if (soundIsOn() || !timerRuns()) {
    return;
  }
  unlockSound();
  if (audio && event.target.closest?.(".sound-on")) {
    audio.resume().then(() => beep(audio.currentTime, 880, 0.2), () => {});
  }
}
["pointerdown", "pointerup", "touchend", "keydown", "click"].forEach((type) => {
  document.addEventListener(type, turnSoundOn, true);
});
document.addEventListener("click", (event) => {
  if (event.target.closest(".alarm-silence")) {
    silence();
    watch();
  } else if (event.target.closest(".skin-reminder-ok")) {
    document.getElementById("skin-reminder").hidden = true;
  }
});
// The next step from any page: the ice pack is off, the leg goes up (for the
// time chosen on the timer page, if it is open), the timer opens. In the
// capture phase: htmx's boosted link must not run first.
document.addEventListener("click", (event) => {
  if (event.target.closest(".alarm-next")) {
    const chosen = document.getElementById("elevation-minutes");
    silence();
    startElevation(chosen ? Number(chosen.value) : config.timerLimits.elevationDefault);
    if (chosen) {
      // The timer page is open already: no load of it again. htmx's boost
      // ignores preventDefault, so the click must not reach the link at all.
      event.preventDefault();
      event.stopPropagation();
    }
  }
}, true);
document.addEventListener("kneeaid:timer", watch);
window.addEventListener("storage", (event) => event.key === TIMER_KEY && watch());
// Boosted navigation swaps the body: show the sheet, the chip and the buttons again on the new page.
document.addEventListener("htmx:afterSettle", watch);
if (timerRuns()) {
  unlockSound();  // plays at once where the browser allows it; else the first tap does
}
watch();

export { unlockSound, silence, isRinging, soundIsOn };
