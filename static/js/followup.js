// The follow-up: "How is your knee?" 2 days after first aid or a check (rule
// D1: pain that lasts more than 2 days needs a doctor). The person chooses it
// ("Remind me in 2 days": the timer's last screen, a check result, an answered
// card); it is kept on this phone, and from its time every page shows the
// question card (base.html, _followup.html), online or offline, in any tab.
// push.js also asks the server to push it to a locked phone. What the answer
// says follows the contract's table (docs/medical-rules.md, "The follow-up"):
// it never contradicts the check that offered it.
import { MINUTE, clock, keepInDiary, newId, words } from "./shell.js";

// {origin, basisAt, dueAt, from}: the one waiting, at most one. `origin` names what
// offered it (a control shows "on" while it waits); `from` is what the answer needs of
// that: {kind: "session" | "check" | "answer", tier, rulesVersion, knee, pain}.
const FOLLOW_UP_KEY = "kneeaid.followUp";
const LAST_PAINS_KEY = "kneeaid.lastPains";  // {left, right, both: {pain, at}}: the newest noted here, per knee
const OLD_LAST_PAIN_KEY = "kneeaid.lastPain";  // {pain, knee, at}: one for all knees, before version 4
const DAY = 24 * 60 * MINUTE;
const ASK_AFTER = 2 * DAY;
const LAST_SCORE_WITHIN = 14 * DAY;  // "more than last time" looks back this far
const SEVERE = 7;  // 7-10 two days on: a doctor today (U5)
const DAY_BEGINS = 9;  // a question is asked between 09:00 and 21:00, the person's time
const DAY_ENDS = 21;

// The same moment if it falls in the day, else the next 09:00: a question about the knee
// never wakes anyone at 02:26 because first aid was given then.
function inDaytime(moment) {
  const when = new Date(moment);
  if (when.getHours() >= DAY_ENDS) {
    when.setDate(when.getDate() + 1);
  }
  if (when.getHours() >= DAY_ENDS || when.getHours() < DAY_BEGINS) {
    when.setHours(DAY_BEGINS, 0, 0, 0);
  }
  return when.getTime();
}
const LONGEST_TIMEOUT = 2 ** 31 - 1;  // ms: setTimeout's limit
const text = words().followUp;

function readJson(key) {
  try {
    return JSON.parse(localStorage.getItem(key));
  } catch (_error) {
    return null;
  }
}

// The follow-up waiting on this phone, or null.
function waitingFollowUp() {
  const record = readJson(FOLLOW_UP_KEY);
  const valid = record !== null && typeof record === "object" && typeof record.origin === "string"
    && Number.isFinite(record.basisAt) && Number.isFinite(record.dueAt);
  return valid ? record : null;
}

// Keeps (or, with null, forgets) the one follow-up; every tab redraws
// (the storage event), push.js moves the server's copy (kneeaid:followup).
function keepFollowUp(record) {
  if (record) {
    localStorage.setItem(FOLLOW_UP_KEY, JSON.stringify(record));
  } else {
    localStorage.removeItem(FOLLOW_UP_KEY);
  }
  document.dispatchEvent(new CustomEvent("kneeaid:followup"));
  draw();
}

// The newest pain score noted on this phone for each knee ("left", "right", "both").
function lastPains() {
  const pains = readJson(LAST_PAINS_KEY);
  const kept = pains !== null && typeof pains === "object" ? pains : {};
  const old = readJson(OLD_LAST_PAIN_KEY);  // kept by an earlier version: one score, with its knee
  if (old && typeof old.knee === "string" && !kept[old.knee]) {
    kept[old.knee] = { pain: old.pain, at: old.at };
  }
  return kept;
}

function rememberPain(event) {
  const entry = event.detail;
  const pains = lastPains();
  const last = entry && pains[entry.knee];
  if (entry && entry.kind === "pain" && !(last && last.at > entry.at)) {
    pains[entry.knee] = { pain: entry.pain, at: entry.at };
    localStorage.setItem(LAST_PAINS_KEY, JSON.stringify(pains));
  }
}

// A score for "both" is a score for each knee, and an answer for "both" is about either.
function sameKnee(one, other) {
  return one === other || one === "both" || other === "both";
}

// The scores noted here in the last 14 days, newest first, as {knee, pain, at}.
function recentScores(now) {
  return Object.entries(lastPains())
    .map(([knee, score]) => ({ knee, pain: score?.pain, at: score?.at }))
    .filter((score) => Number.isInteger(score.pain) && now - Date.parse(score.at) <= LAST_SCORE_WITHIN)
    .sort((one, other) => Date.parse(other.at) - Date.parse(one.at));
}

// "We will ask you on Thursday at 18:00."
function whenText(dueAt) {
  const due = new Date(dueAt);
  const when = text.when.replace("{day}", text.days[due.getDay()]).replace("{time}", clock(due, due));
  const pushed = "Notification" in window && Notification.permission === "granted";
  return pushed ? when : `${when} ${text.noPush}`;
}

// Drawing ---------------------------------------------------------------

// A page's script offers a follow-up about one session or check: `origin`
// names it (the control shows "on" while that one waits), `basisAt` is when
// it began (the question comes 2 days later), `from` what offered it:
// {kind: "session"} or {kind: "check", tier, rulesVersion} (an answer adds its knee and score).
function offerFollowUp(choice, origin, basisAt, from) {
  choice.dataset.origin = origin;
  choice.dataset.basisAt = String(basisAt);
  choice.dataset.from = JSON.stringify(from);
  choice.hidden = false;
  drawChoice(choice, waitingFollowUp());
}

function drawChoice(choice, record) {
  const chosen = record !== null && record.origin === choice.dataset.origin;
  choice.querySelector("[data-followup-remind]").setAttribute("aria-pressed", String(chosen));
  const when = choice.querySelector("[data-followup-when]");
  const message = chosen ? whenText(record.dueAt) : "";
  if (when.textContent !== message) {
    when.textContent = message;
  }
}

let dueTimer = null;

// The card shows from the due time on, until answered, moved or dismissed:
// a copy of its template (inert, so nothing of it is on the page before).
function drawCard(record, now, justDue) {
  const template = document.getElementById("followup-card");
  const card = document.querySelector("[data-followup]");
  const due = record !== null && now >= record.dueAt;
  if (!template || (card?.dataset.answered)) {
    return;  // answered on this page: its advice stays until closed
  }
  if (due && !card) {
    template.after(template.content.cloneNode(true));
    const shown = document.querySelector("[data-followup]");
    presetKnee(shown, record);
    if (justDue) {  // it came on a page already open: a screen reader hears its question
      document.getElementById("followup-announcer").textContent = shown.querySelector("h2").textContent;
    }
  } else if (!due && card) {
    card.remove();
  }
}

// The knee of the follow-up's origin, else of the last pain noted on this phone, else "both".
function presetKnee(card, record) {
  const [newest] = recentScores(Date.now());
  const knee = (record?.from?.knee) || (newest?.knee);
  const input = knee && card.querySelector(`input[name="followup-knee"][value="${CSS.escape(String(knee))}"]`);
  if (input) {
    input.checked = true;
  }
}

function draw(justDue = false) {
  const now = Date.now();
  const record = waitingFollowUp();
  drawCard(record, now, justDue);
  document.querySelectorAll("[data-followup-choice][data-origin]").forEach((choice) => { drawChoice(choice, record); });
  clearTimeout(dueTimer);
  if (record !== null && record.dueAt > now) {
    dueTimer = setTimeout(() => draw(true), Math.min(record.dueAt - now + 50, LONGEST_TIMEOUT));
  }
}

// What the person does --------------------------------------------------

function toggle(choice) {
  const record = waitingFollowUp();
  if (record !== null && record.origin === choice.dataset.origin) {
    keepFollowUp(null);
    return;
  }
  const basisAt = Number(choice.dataset.basisAt);
  const now = Date.now();
  keepFollowUp({ origin: choice.dataset.origin, basisAt, dueAt: inDaytime(Math.max(basisAt + ASK_AFTER, now)),
    from: withScoreNoted(JSON.parse(choice.dataset.from || "{}"), now) });
  // The tap lets the browser ask; with a yes, the server pushes the question too.
  if ("Notification" in window && Notification.permission === "default") {
    Notification.requestPermission().then(() => {
      draw();
      document.dispatchEvent(new CustomEvent("kneeaid:followup"));
    }).catch(() => {});
  }
}

// The origin with the score noted then: the newest of the last 14 days, with its knee.
function withScoreNoted(from, now) {
  const [newest] = recentScores(now);
  return newest && from.pain === undefined ? { ...from, knee: newest.knee, pain: newest.pain } : from;
}

// "Last score": the same knee's newest in the last 14 days, else the score noted
// with the session or check that offered the follow-up; null with none.
function lastScoreFor(record, knee, now) {
  const newest = recentScores(now).find((score) => sameKnee(score.knee, knee));
  if (newest) {
    return newest.pain;
  }
  const from = record.from || {};
  return Number.isInteger(from.pain) && typeof from.knee === "string" && sameKnee(from.knee, knee) ? from.pain : null;
}

async function answer(card, pain) {
  const record = waitingFollowUp();
  if (record === null) {
    card.remove();  // answered or dismissed in another tab
    return;
  }
  card.dataset.answered = "yes";
  const now = Date.now();
  const knee = card.querySelector('input[name="followup-knee"]:checked').value;
  const last = lastScoreFor(record, knee, now);
  // Marked by a field, not a note: the note is for the person's own words (triage.md, the record).
  await keepInDiary({ id: newId(), kind: "pain", at: new Date(now).toISOString(), pain, knee,
    source: "follow-up" });
  keepFollowUp(null);
  showAdvice(card, pain, { last, from: record.from || {}, knee });
}

// What the card says (the contract's table): 0 is settled unless a check found signs that
// need a doctor; 1-6 a doctor within days, 7-10 today; more than the same knee's last score:
// check again. Any pain names the same-day signs; every answer ends with when to stop.
function adviceFor(pain, last, tier) {
  return {
    settled: pain === 0 && tier !== "doctor",
    "settled-doctor": pain === 0 && tier === "doctor",
    days: pain > 0 && pain < SEVERE,
    today: pain >= SEVERE,
    worse: last !== null && pain > last,
    "same-day-signs": pain > 0,
  };
}

function showAdvice(card, pain, { last, from, knee }) {
  card.querySelector(".followup-question").hidden = true;
  const advice = card.querySelector(".followup-answer");
  advice.querySelector("[data-followup-saved]").textContent = text.saved.replace("{pain}", pain);
  Object.entries(adviceFor(pain, last, from.tier)).forEach(([name, show]) => {
    advice.querySelectorAll(`[data-advice="${name}"]`).forEach((line) => { line.hidden = !show; });
  });
  if (last !== null && pain > last) {
    advice.querySelector("[data-advice-text]").textContent = text.worse.replace("{pain}", last);
  }
  // Another follow-up from this answer, except for severe pain (a doctor today, not in 2 days).
  // A knee that still hurts after 2 days needs a doctor (D1): the next answer keeps saying so.
  const again = advice.querySelector("[data-followup-choice]");
  if (pain < SEVERE) {
    offerFollowUp(again, `answer:${Date.now()}`, Date.now(),
      { kind: "answer", tier: pain > 0 ? "doctor" : from.tier, rulesVersion: from.rulesVersion, knee, pain });
  }
  advice.hidden = false;
  advice.focus();
}

function askTomorrow() {
  const record = waitingFollowUp();
  if (record !== null) {
    keepFollowUp({ ...record, dueAt: inDaytime(Date.now() + DAY) });
  }
  document.getElementById("main").focus();
}

function dismiss() {
  keepFollowUp(null);
  document.getElementById("main").focus();
}

function onClick(event) {
  const card = event.target.closest("[data-followup]");
  const target = event.target.closest("button");
  if (!target) {
    return;
  }
  if (target.matches("[data-followup-remind]")) {
    toggle(target.closest("[data-followup-choice]"));
  } else if (target.matches("[data-followup-pain]") && !card.dataset.answered) {
    answer(card, Number(target.dataset.followupPain));
  } else if (target.matches("[data-followup-tomorrow]")) {
    askTomorrow();
  } else if (target.matches("[data-followup-dismiss]")) {
    dismiss();
  } else if (target.matches("[data-followup-close]")) {
    card.remove();
    document.getElementById("main").focus();
  }
}

document.addEventListener("click", onClick);
document.addEventListener("kneeaid:kept", rememberPain);
// Another tab chose, answered, moved or dismissed it (or the diary was deleted).
window.addEventListener("storage", (event) => {
  if (event.key === FOLLOW_UP_KEY || event.key === null) {
    draw();
  }
});
document.addEventListener("visibilitychange", () => draw());
document.addEventListener("htmx:afterSettle", () => draw());  // a boosted link brought a new page's card
draw();

export { waitingFollowUp, offerFollowUp };
