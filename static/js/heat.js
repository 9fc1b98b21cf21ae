// Heat or cold: answers as the questions are answered, offline too. The rule
// (which answer each question needs before warming is allowed, and when a
// doctor is needed today) comes from static/data/triage.json through the
// page's data (pageData), as the server's does (kneeaid/guide/pages.py).
import { keepQueryInLanguageLink, pageData } from "./shell.js";
import { onPage } from "./main.js";

function start() {
  const form = document.getElementById("heat-form");
  const result = document.getElementById("heat-result");
  const rules = pageData().heatRules;
  const needs = rules.warmingNeeds;

  function verdict(answers) {
    const questions = Object.keys(needs);
    if (questions.some((question) => !["yes", "no"].includes(answers.get(question)))) {
      return { verdict: "unanswered", against: [] };
    }
    const against = questions.filter((question) => answers.get(question) !== needs[question]);
    return { verdict: against.length ? "cold" : "warm", against };
  }

  function doctorToday(answers) {
    return Object.entries(rules.doctorTodayWhen).every(([question, answer]) => answers.get(question) === answer);
  }

  function show() {
    const answers = new FormData(form);
    const answer = verdict(answers);
    result.dataset.verdict = answer.verdict;
    result.querySelectorAll("[data-verdict-block]").forEach((block) => {
      block.hidden = block.dataset.verdictBlock !== answer.verdict;
    });
    result.querySelectorAll("[data-reason]").forEach((reason) => {
      reason.hidden = !answer.against.includes(reason.dataset.reason);
    });
    result.querySelector("[data-doctor-today]").hidden = !doctorToday(answers);
    // The other language keeps the answers chosen so far.
    const query = new URLSearchParams(answers).toString();
    keepQueryInLanguageLink(query ? `?${query}` : "");
  }

  // Offline, an address with answers opens the saved page: take them from it.
  new URLSearchParams(location.search).forEach((value, name) => {
    const input = form.querySelector(`input[name="${CSS.escape(name)}"][value="${CSS.escape(value)}"]`);
    if (input) {
      input.checked = true;
    }
  });
  form.addEventListener("change", show);
  show();
}

onPage("heat", start);
