// "How is your knee this morning?" on every page but the train page (which asks in
// its own cards, train.js): the morning after a workout, from the time chosen when
// it was logged, for 12 hours, once per knee, about the knee's latest workout
// (knee-log.js). The card is a copy of the page's template (training/_answer.html);
// the answer is kept in the diary, then the train page shows the knee's zone.
import { addFromServer, recent, unansweredLatestWorkouts } from "./knee-log.js";
import { keepInDiary, newId } from "./shell.js";

const ASKED_FOR_MS = 12 * 60 * 60 * 1000;  // static/data/training.json's morning.askedForHours
let dueTimer = null;

// Each knee's latest workout whose morning question is due now.
function dueMornings(now) {
  return unansweredLatestWorkouts(now).filter((workout) => {
    const asked = Date.parse(workout.morningAt);
    return asked <= now && now <= asked + ASKED_FOR_MS;
  });
}

// The next moment a question becomes due, to draw again then.
function nextDue(now) {
  const times = recent(now).filter((entry) => entry.kind === "workout")
    .map((workout) => Date.parse(workout.morningAt)).filter((at) => at > now);
  return times.length ? Math.min(...times) : null;
}

function cardFor(template, workout) {
  const card = template.content.firstElementChild.cloneNode(true);
  card.dataset.morningCard = workout.knee;
  card.querySelectorAll("[data-knee-name]").forEach((name) => {
    if (name.dataset.kneeName !== workout.knee) {
      name.remove();
    }
  });
  const form = card.querySelector("[data-morning]");
  form.dataset.morning = workout.knee;
  form.elements.morningOf.value = workout.id;
  form.elements.knee.value = workout.knee;
  card.querySelector("h2").id = `morning-title-${workout.knee}`;
  card.setAttribute("aria-labelledby", `morning-title-${workout.knee}`);
  return card;
}

function draw() {
  const template = document.getElementById("morning-card");
  if (!template || document.getElementById("train-answers")) {
    return;
  }
  const now = Date.now();
  const due = dueMornings(now);
  document.querySelectorAll("[data-morning-card]").forEach((card) => {
    if (!due.some((workout) => workout.knee === card.dataset.morningCard)) {
      card.remove();
    }
  });
  due.filter((workout) => !document.querySelector(`[data-morning-card="${workout.knee}"]`))
    .reverse().forEach((workout) => { template.after(cardFor(template, workout)); });
  clearTimeout(dueTimer);
  const next = nextDue(now);
  if (next !== null) {
    dueTimer = setTimeout(draw, Math.min(next - now + 50, 2 ** 31 - 1));
  }
}

document.addEventListener("submit", async (event) => {
  const form = event.target.closest("[data-morning-card] [data-morning]");
  if (!form) {
    return;
  }
  event.preventDefault();
  const signs = [...form.querySelectorAll('input[name="signs"]:checked')].map((input) => input.value);
  await keepInDiary({
    id: newId(),
    kind: "pain",
    at: new Date().toISOString(),
    pain: Number(form.elements.pain.value),
    knee: form.elements.knee.value,
    morningOf: form.elements.morningOf.value,
    ...(signs.length ? { signs } : {}),
  });
  location.assign(`${form.action.replace(/\/morning$/, "")}#knee-${form.elements.knee.value}`);
});

document.addEventListener("kneeaid:knee-log", draw);
document.addEventListener("htmx:afterSettle", draw);
draw();

// The home page's "Can I train today?": a line for each knee with a workout in the last 14 days
// (training-rules.js, the rules the train page uses), a copy of the page's template each.
async function drawHomeCard() {
  const section = document.getElementById("home-train");
  if (!section) {
    return;
  }
  const [{ kneeAnswers }, rules] = await Promise.all([
    import("./training-rules.js"),
    fetch(section.dataset.rules).then((response) => response.json()),
  ]);
  const template = document.getElementById("knee-line-template");
  const lines = kneeAnswers(rules, recent(), Date.now()).map((answer) => {
    const line = template.content.firstElementChild.cloneNode(true);
    const shown = answer.zone === "waiting" ? answer.sofar : answer.zone;
    line.dataset.zone = answer.zone;
    line.dataset.knee = answer.knee;
    const keep = (selector, applies) => line.querySelectorAll(selector).forEach((element) => {
      if (!applies(element)) {
        element.remove();
      }
    });
    keep("[data-knee-name]", (name) => name.dataset.kneeName === answer.knee);
    keep("[data-zone-label]", (label) => !answer.standingCheck && label.dataset.zoneLabel === shown);
    keep("[data-waiting]", () => !answer.standingCheck && answer.zone === "waiting");
    keep("[data-pattern]", (pattern) => answer.patterns.includes(pattern.dataset.pattern)
      && (pattern.dataset.pattern === "check_stands" || !answer.standingCheck));
    return line;
  });
  section.querySelector(".knee-lines").replaceChildren(...lines);
  section.hidden = false;
}

document.addEventListener("kneeaid:knee-log", drawHomeCard);
document.addEventListener("htmx:afterSettle", drawHomeCard);
// Drawn from this phone's entries at once, then again with the server's copy of the same weeks.
drawHomeCard()
  .then(() => document.getElementById("home-train") && addFromServer().then(() => { draw(); return drawHomeCard(); }))
  .catch(() => {});  // offline before the rules were ever fetched: the link stays
