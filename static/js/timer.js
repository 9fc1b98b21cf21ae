// The first-aid timer page. The state lives on the device (static/js/timer-state.js);
// this script only shows it and turns taps into changes.
// Everything on screen is computed from the wall clock on every tick, so a
// reload, a language switch or a locked screen never puts it wrong.
import { MINUTE, clock, config, words } from "./shell.js";
import * as timerState from "./timer-state.js";
import {
  COLD_MAX_MINUTES, coldOffAt, elapsedMs, loadTimer, phaseOf, remainingMs, sessions, stopSession, takeRepair,
} from "./timer-state.js";
import { isRinging, silence, unlockSound } from "./alarm.js";
import { offerFollowUp } from "./followup.js";
import { pushStatus, schedulePushAlarms } from "./push.js";
import { onPage } from "./main.js";

function start() {
  const root = document.getElementById("timer");
  if (!root || root.dataset.running) {
    return;
  }
  root.dataset.running = "yes";
  // The limits every page has (static/data/timer.json), and this page's words.
  const settings = config.timerLimits;
  const text = words();
  const lang = document.documentElement.lang;
  const pluralRules = new Intl.PluralRules(lang);
  const $ = (id) => document.getElementById(id);

  function counted(forms, count) {
    return (forms[pluralRules.select(count)] || forms.other).replace("{n}", count);
  }

  function mmss(ms) {
    const seconds = Math.ceil(ms / 1000);
    const pad = (value) => String(value).padStart(2, "0");
    return `${pad(Math.floor(seconds / 60))}:${pad(seconds % 60)}`;
  }

  function announce(message) {
    $("timer-announcer").textContent = message;
  }

  function showNotice(message) {
    $("timer-notice").textContent = message;
    $("timer-notice").hidden = !message;
  }

  // Actions ----------------------------------------------------------------

  function startCold(minutes) {
    unlockSound();
    const coldMinutes = timerState.startCold(minutes, Number($("elevation-minutes").value));
    showNotice("");
    askForNotificationsOnce();
    announce(counted(text.coldStarted, coldMinutes));
  }

  function startElevation() {
    const minutes = Number($("elevation-minutes").value);
    silence();
    timerState.startElevation(minutes);
    showNotice("");
    askForNotificationsOnce();
    announce(counted(text.elevationStarted, minutes));
  }

  function togglePause() {
    const now = timerState.togglePause();
    if (now) {
      announce(now === "paused" ? text.paused : text.resumed);
    }
  }

  // Asks first, in a sheet above the tab bar (no blocking dialog): yes runs
  // the action; either answer gives the focus back to where it was.
  let confirmed = null;
  let askedFrom = null;

  function askFirst(question, yesLabel, action) {
    $("timer-confirm-text").textContent = question;
    $("confirm-yes").textContent = yesLabel;
    $("timer-confirm").hidden = false;
    confirmed = action;
    askedFrom = document.activeElement;
    $("confirm-yes").focus();
  }

  function answer(yes) {
    const action = confirmed;
    confirmed = null;
    $("timer-confirm").hidden = true;
    if (yes && action) {
      action();
    }
    if (askedFrom?.isConnected && !askedFrom.closest("[hidden]") && askedFrom.offsetParent) {
      askedFrom.focus();
    }
  }

  function stop() {
    askFirst(text.stopQuestion, text.stopYes, () => {
      stopSession();
      silence();
      showNotice("");
      announce(text.stopped);
    });
  }

  // One tap repeats the last session: the same cold, or elevation alone again.
  // Another ice pack within 2 hours of the last one is asked about first.
  function repeat() {
    const { state } = loadTimer();
    const again = () => {
      if (state && state.coldMinutes === null) {
        startElevation();
      } else {
        startCold((state?.coldMinutes) || chosenColdMinutes());
      }
    };
    const tooSoon = state?.coldEndedAt && state.coldMinutes !== null
      && Date.now() < state.coldEndedAt + settings.hoursBetweenCold * 60 * MINUTE;
    if (tooSoon) {
      askFirst(text.againQuestion, text.againYes, again);
    } else {
      again();
    }
  }

  function chosenColdMinutes() {
    return Number(new FormData($("timer-setup")).get("cold"));
  }

  function coldAdvised() {
    return new FormData($("timer-setup")).getAll("no_cold").length > 0;
  }

  // Showing -----------------------------------------------------------------

  let shownPhase = null;
  let shownMinute = null;
  let wakeLock = null;

  function sessionsToday() {
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    return sessions()
      .filter((session) => session.outcome === "completed" && new Date(session.startedAt) >= midnight)
      .length;
  }

  function render() {
    if (!root.isConnected) {
      // A boosted link swapped this page away: stop, the next page has its own.
      teardown();
      return;
    }
    const now = Date.now();
    const { state } = loadTimer(now);
    const phase = phaseOf(state, now);
    root.dataset.phase = phase;
    root.dataset.drawn = "yes";
    root.dataset.alarm = isRinging() ? "ringing" : "off";
    root.classList.toggle("cold-advised", phase === "ready" && coldAdvised());
    $("cold-advice").hidden = !coldAdvised();
    $("start-cold").hidden = coldAdvised();

    if (phase === "cold" || phase === "elevation") {
      const left = remainingMs(state, now);
      $("countdown").textContent = mmss(left);
      root.classList.toggle("is-paused", state.pausedAt !== null);
      $("paused-cold-note").hidden = !(phase === "cold" && state.pausedAt !== null);
      $("pause").textContent = state.pausedAt === null ? text.pause : text.resume;
      const minute = Math.ceil(left / MINUTE);
      if (shownPhase === phase && minute !== shownMinute && state.pausedAt === null) {
        announce(counted(text.minutesLeft, minute));
      }
      shownMinute = minute;
    } else {
      $("countdown").textContent = mmss(0);
      root.classList.remove("is-paused");
    }

    // The clock time too, not only the countdown: a glance at a locked phone's clock is enough.
    $("ice-off-at").hidden = phase !== "cold";
    if (phase === "cold") {
      $("ice-off-at").textContent = text.iceOffAt.replace("{time}", clock(coldOffAt(state), now));
      const skinTime = elapsedMs(state, now) >= settings.skinCheckAfterMinutes * MINUTE;
      if (skinTime && $("skin-prompt").hidden) {
        announce(text.skinCheck);
      }
      $("skin-prompt").hidden = !skinTime;
    }

    if (phase !== shownPhase) {
      enterPhase(phase, state, now);
    }
    if (phase === "done") {
      // Counted on every tick: the session is recorded by alarm.js a moment after it ends.
      $("sessions-today").textContent = counted(text.sessionsToday, sessionsToday());
      showNextSession(state, now);
    }
    shownPhase = phase;
    holdWakeLock(phase === "cold" || phase === "elevation");
    showPushStatus(phase);
  }

  // "Next ice pack possible from 21:45" while that is ahead (with its day when not today), then nothing.
  function showNextSession(state, now) {
    const next = state.coldEndedAt && state.coldEndedAt + settings.hoursBetweenCold * 60 * MINUTE;
    showText($("next-session"), next && next > now ? text.nextFrom.replace("{time}", clock(next, now)) : "");
  }

  function showText(element, message) {
    if (element.textContent !== message) {
      element.textContent = message;
    }
    element.hidden = !message;
  }

  // Says plainly whether the alarm can reach this phone with its screen locked:
  // before the start why it may not, while the timer runs in one line under the
  // countdown ("on" only once the server holds this timer's alarms). The long
  // explanation goes once notifications are allowed or refused.
  function showPushStatus(phase) {
    const status = pushStatus();
    const running = phase === "cold" || phase === "elevation";
    showText($("push-status"), text.push[status] || "");
    showText($("lock-status"), running ? text.lock[status === "on" ? "on" : "off"] : "");
    $("alarm-limits").hidden = status !== "not-asked";
  }

  function enterPhase(phase, state, now) {
    const ended = $("timer-ended");
    ended.hidden = true;
    if (phase === "cold-over") {
      const minutesAgo = Math.floor((now - coldOffAt(state)) / MINUTE);
      // Reopened after the end: say how long ago, so the person acts now.
      ended.textContent = counted(text.coldEndedAgo, minutesAgo);
      ended.hidden = minutesAgo < 1;
      announce(minutesAgo >= 1 ? ended.textContent : text.coldOver);
      $("start-elevation").focus();
    } else if (phase === "done") {
      if (shownPhase !== null) {
        announce(text.done);
      }
      offerFollowUp($("followup-after-done"), `session:${state.id}`, state.startedAt, { kind: "session" });
    }
    offerAfterStop(phase, now);
  }

  // A session stopped once its ice pack was on gets the follow-up offered
  // too, on the ready screen, for 12 hours (then it is an old session).
  const OFFER_AFTER_STOP_MS = 12 * 60 * MINUTE;

  function offerAfterStop(phase, now) {
    const last = sessions().at(-1);
    const offered = phase === "ready" && Boolean(last) && last.outcome === "stopped" && Boolean(last.cold)
      && now - Date.parse(last.endedAt) < OFFER_AFTER_STOP_MS;
    $("after-stop").hidden = !offered;
    if (offered) {
      offerFollowUp($("followup-after-stop"), `session:${last.id}`, Date.parse(last.startedAt),
        { kind: "session" });
    }
  }

  // Keeping the screen on is the person's choice, on by default and remembered.
  const AWAKE_KEY = "kneeaid.keepAwake";
  $("keep-awake").checked = localStorage.getItem(AWAKE_KEY) !== "no";

  function chooseKeepAwake() {
    localStorage.setItem(AWAKE_KEY, $("keep-awake").checked ? "yes" : "no");
    render();
  }

  async function holdWakeLock(running) {
    const wanted = running && $("keep-awake").checked;
    if (!("wakeLock" in navigator)) {
      $("wake-lock-note").hidden = !wanted;
      return;
    }
    if (wanted && !wakeLock && document.visibilityState === "visible") {
      wakeLock = "asking";
      try {
        wakeLock = await navigator.wakeLock.request("screen");
        wakeLock.addEventListener("release", () => { wakeLock = null; });
      } catch (_error) {
        wakeLock = null;
        $("wake-lock-note").hidden = false;
      }
    } else if (!wanted && wakeLock && wakeLock !== "asking") {
      wakeLock.release();
      wakeLock = null;
    }
  }

  // Wiring ------------------------------------------------------------------

  const ticker = setInterval(render, 250);
  const handlers = [
    [$("timer-setup"), "submit", (event) => { event.preventDefault(); startCold(chosenColdMinutes()); }],
    [$("timer-setup"), "change", render],
    [$("start-elevation"), "click", startElevation],
    [$("skip"), "click", startElevation],
    [$("pause"), "click", togglePause],
    [$("stop"), "click", stop],
    [$("repeat"), "click", repeat],
    [$("keep-awake"), "change", chooseKeepAwake],
    [$("confirm-yes"), "click", () => answer(true)],
    [$("confirm-no"), "click", () => answer(false)],
    [document, "kneeaid:timer", render],
    [document, "kneeaid:alarm", render],
    [document, "visibilitychange", render],
  ];
  handlers.forEach(([target, type, handler]) => { target.addEventListener(type, handler); });

  function teardown() {
    clearInterval(ticker);
    handlers.forEach(([target, type, handler]) => { target.removeEventListener(type, handler); });
    holdWakeLock(false);
  }

  // Notifications are asked for once, when the first timer starts (the tap
  // lets the browser ask), with one sentence on why. A "no" is remembered,
  // and the timer works without them.
  const ASKED_KEY = "kneeaid.notificationsAsked";

  function askForNotificationsOnce() {
    if (!("Notification" in window) || Notification.permission !== "default" || localStorage.getItem(ASKED_KEY)) {
      return;
    }
    localStorage.setItem(ASKED_KEY, "yes");
    showNotice(text.whyNotifications);
    // Answered: the explanation goes; granted, the alarms of the timer just started go to the server now.
    Notification.requestPermission().then(() => {
      if ($("timer-notice").textContent === text.whyNotifications) {
        showNotice("");
      }
      return schedulePushAlarms();
    }).catch(() => {});
  }

  // A preset from the address (?cold=10) is taken only if it is a real choice.
  const asked = new URLSearchParams(location.search).get("cold");
  if (asked !== null) {
    const minutes = Number(asked);
    const input = root.querySelector(`input[name="cold"][value="${settings.coldChoices.includes(minutes) ? minutes : COLD_MAX_MINUTES}"]`);
    input.checked = true;
    if (!settings.coldChoices.includes(minutes) && minutes > COLD_MAX_MINUTES) {
      showNotice(counted(text.coldClamped, Math.round(minutes)));
    }
  }

  const { state } = loadTimer();
  const repair = takeRepair();
  if (repair.coldAskedMinutes) {
    showNotice(counted(text.coldClamped, repair.coldAskedMinutes));
  } else if (repair.discarded) {
    showNotice(text.badSavedTimer);
  }
  if (state?.elevationMinutes) {
    $("elevation-minutes").value = String(state.elevationMinutes);
  }
  render();
}

onPage("timer", start);
