// "Can I train today?" (/train): a workout is logged on this phone first, as every
// diary entry is (shell.js's keepInDiary), and each knee's answer is worked out here
// from the phone's own entries (knee-log.js) by the rules the server uses
// (training-rules.js, static/data/training.json), offline too. The cards are copies
// of the page's template (training/_answer.html): what does not apply is removed,
// and the numbers fill its {tokens}.
import { addFromServer, recent } from "./knee-log.js";
import { onPage } from "./main.js";
import { keepInDiary, newId, pageData } from "./shell.js";
import { kneeAnswers } from "./training-rules.js";

let loading = null;

function loadRules() {
  loading = loading || fetch(pageData().rulesUrl).then((response) => response.json());
  return loading;
}

const lang = document.documentElement.lang;
const dayMonth = new Intl.DateTimeFormat(lang, { day: "numeric", month: "long" });

function fillTokens(element, values) {
  element.textContent = Object.entries(values)
    .reduce((text, [token, value]) => text.replace(`{${token}}`, value), element.textContent);
}

// Keeps, of the elements matching `selector`, those for which `applies` holds.
function keepOnly(root, selector, applies) {
  root.querySelectorAll(selector).forEach((element) => {
    if (!applies(element)) {
      element.remove();
    }
  });
}

function fill(section, answer) {
  const knees = pageData().labels.knees;
  const stands = answer.standingCheck;
  const shown = answer.zone === "waiting" ? answer.sofar : answer.zone;
  section.dataset.zone = answer.zone;
  section.dataset.knee = answer.knee;
  const heading = section.querySelector("h3");
  heading.id = `knee-${answer.knee}`;
  section.setAttribute("aria-labelledby", heading.id);
  heading.textContent = knees[answer.knee].charAt(0).toUpperCase() + knees[answer.knee].slice(1);
  keepOnly(section, "[data-morning]", () => answer.morningDue);
  keepOnly(section, "[data-standing-tier]", (card) => stands && card.dataset.standingTier === stands.tier);
  keepOnly(section, "[data-pattern]:not([data-standing-tier])",
    (card) => !stands && answer.patterns.includes(card.dataset.pattern));
  keepOnly(section, "[data-zone-card]", (card) => !stands && card.dataset.zoneCard === shown);
  keepOnly(section, "[data-waiting]", () => answer.zone === "waiting");
  keepOnly(section, "[data-next-morning]", () => Boolean(answer.morning));
  const values = {
    during: answer.workout.painDuring,
    after: answer.workout.painAfter,
    morning: answer.morning?.pain,
    date: stands ? dayMonth.format(Date.parse(stands.at)) : "",
  };
  section.querySelectorAll("[data-fill]").forEach((element) => {
    fillTokens(element, values);
  });
  section.querySelectorAll("[data-zone-card] [data-check-link]").forEach((link) => {
    link.search = answer.symptoms.map((symptom) => `s=${encodeURIComponent(symptom)}`).join("&");
  });
  section.querySelectorAll('input[name="morningOf"]').forEach((input) => { input.value = answer.workout.id; });
  section.querySelectorAll('[data-morning] input[name="knee"], [data-pattern]:not([data-standing-tier]) input[name="knee"]')
    .forEach((input) => { input.value = answer.knee; });
  section.querySelector("[data-morning]")?.setAttribute("data-morning", answer.knee);
  return section;
}

async function showAnswers() {
  const container = document.getElementById("train-answers");
  const answers = kneeAnswers(await loadRules(), recent(), Date.now());
  const copy = (id) => document.getElementById(id).content.firstElementChild.cloneNode(true);
  container.replaceChildren(...(answers.length
    ? answers.map((answer) => fill(copy("knee-answer-template"), answer))
    : [copy("no-workout-template")]));
}

// The form's local time ("2026-12-07T18:30"), or now.
function endedAt(field) {
  return field.value ? new Date(field.value) : new Date();
}

// The next morning at the time chosen (08:00), where the phone is.
function nextMorning(ended, time) {
  const [hour, minute] = (time || "08:00").split(":").map(Number);
  return new Date(ended.getFullYear(), ended.getMonth(), ended.getDate() + 1, hour, minute);
}

function workoutFrom(form) {
  const value = (name) => form.elements[name].value;
  const ended = endedAt(form.elements.at);
  const entry = {
    id: newId(),
    kind: "workout",
    at: ended.toISOString(),
    activity: value("activity"),
    minutes: Number(value("minutes")),
    painDuring: Number(value("painDuring")),
    painAfter: Number(value("painAfter")),
    knee: value("knee"),
    morningAt: nextMorning(ended, value("morningTime")).toISOString(),
  };
  const note = value("note").trim();
  return note ? { ...entry, note } : entry;
}

// The morning card's answer, or "I have seen a doctor", as diary entries.
function entryFrom(form) {
  const at = new Date().toISOString();
  if (form.matches("[data-seen-doctor]")) {
    const knee = form.elements.knee.value;
    return { id: newId(), kind: "doctor_visit", at, ...(knee ? { knee } : {}) };
  }
  const signs = [...form.querySelectorAll('input[name="signs"]:checked')].map((input) => input.value);
  return {
    id: newId(),
    kind: "pain",
    at,
    pain: Number(form.elements.pain.value),
    knee: form.elements.knee.value,
    morningOf: form.elements.morningOf.value,
    ...(signs.length ? { signs } : {}),
  };
}

function start() {
  const form = document.getElementById("workout-form");
  if (!form || form.dataset.running) {
    return;
  }
  form.dataset.running = "yes";
  const saved = document.getElementById("workout-saved");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // Read and cleared at once: a next workout typed while this one is stored stays as typed.
    const workout = workoutFrom(form);
    form.reset();
    await keepInDiary(workout);
    saved.hidden = false;
    await showAnswers();
    document.getElementById("answers-title").scrollIntoView({ block: "start" });
  });
  document.getElementById("train-answers").addEventListener("submit", async (event) => {
    event.preventDefault();
    await keepInDiary(entryFrom(event.target));
    await showAnswers();
  });
  showAnswers().then(addFromServer).then(showAnswers);
}

onPage("train", start);
