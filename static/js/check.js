// The symptom check page and its result page. Online the server answers
// (htmx fragments for the live preview, whole pages otherwise); offline the
// same answer comes from KneeAidTriage, and every result is kept on the
// device for the diary.
"use strict";

// The knee check's rules, evaluated in the browser: the offline twin of
// kneeaid/triage.py, reading the same static/data/triage.json.
window.KneeAidTriage = (function () {
  const rulesUrl = document.currentScript.dataset.rules;
  let loading = null;

  function load() {
    loading = loading || fetch(rulesUrl).then((response) => response.json());
    return loading;
  }

  function holds(condition, ticked) {
    if (typeof condition === "string") {
      return ticked.has(condition);
    }
    if (condition.all) {
      return condition.all.every((part) => holds(part, ticked));
    }
    return condition.any.some((part) => holds(part, ticked));
  }

  // The same answer as kneeaid.triage.evaluate for the same values.
  function evaluate(triage, values) {
    const known = triage.groups.flatMap((group) => group.symptoms);
    const seen = new Set(values.filter((value) => known.includes(value)));
    const symptoms = known.filter((symptom) => seen.has(symptom));
    const fired = triage.rules.filter((rule) => holds(rule.when, seen));
    const tierIndex = Math.min(triage.tiers.length - 1, ...fired.map((rule) => triage.tiers.indexOf(rule.tier)));
    return {
      tier: triage.tiers[tierIndex],
      rules: fired.map((rule) => rule.id),
      symptoms,
      someNotUnderstood: seen.size !== values.length,
    };
  }

  // Shows, in a result section rendered by _check_result.html, the parts that
  // apply to this result, exactly as the server would have.
  function show(section, result) {
    section.dataset.tier = result.tier;
    section.dataset.rules = result.rules.join(" ");
    const toggle = (selector, shown) => section.querySelectorAll(selector).forEach((element) => {
      element.hidden = !shown(element);
    });
    toggle("[data-tier-block]", (element) => element.dataset.tierBlock === result.tier);
    toggle("[data-rule]", (element) => result.rules.includes(element.dataset.rule));
    toggle("[data-symptom]", (element) => result.symptoms.includes(element.dataset.symptom));
    toggle("[data-first-time-load]", () => result.symptoms.includes("first_time_load"));
    toggle("[data-no-rules]", () => result.rules.length === 0);
    toggle("[data-no-symptoms]", () => result.symptoms.length === 0);
    toggle("[data-not-understood]", () => result.someNotUnderstood);
  }

  return { load, evaluate, show };
})();

(function () {
  const form = document.getElementById("check-form");

  function valuesFromAddress() {
    return new URLSearchParams(location.search).getAll("s");
  }

  // Each result is kept on the device: in the diary's outbox, until sent.
  function keep(result) {
    return window.KneeAid.keepInDiary({
      id: window.KneeAid.newId(),
      kind: "check",
      at: new Date().toISOString(),
      symptoms: result.symptoms,
      tier: result.tier,
      rules: result.rules,
    });
  }

  function ticked() {
    return new FormData(form).getAll("s");
  }

  window.KneeAidTriage.load().then((triage) => {
    if (!form) {
      // The result page. Offline it is the saved page for no answers: show
      // the answer for the address's own.
      window.KneeAidTriage.show(document.getElementById("result"),
        window.KneeAidTriage.evaluate(triage, valuesFromAddress()));
      // Not boosted (htmx reads a boosted link's address once): set here, read on click.
      document.getElementById("change-answers").search = location.search;
      return;
    }
    const asked = valuesFromAddress();
    if (asked.length) {
      form.querySelectorAll('input[name="s"]').forEach((box) => { box.checked = asked.includes(box.value); });
    }
    const preview = () => window.KneeAidTriage.show(document.querySelector("#check-preview #result"),
      window.KneeAidTriage.evaluate(triage, ticked()));
    // No network for the live preview: answer here instead.
    form.addEventListener("htmx:sendError", preview);
    // Keep the result on the device before leaving the page.
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await keep(window.KneeAidTriage.evaluate(triage, ticked()));
      form.submit();
    });
  });
})();
