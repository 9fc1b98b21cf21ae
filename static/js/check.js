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

  function isCurrent(triage, since) {
    return (since || 1) <= triage.version;
  }

  function firstAid(triage, tier, fired) {
    const items = triage.firstAid.items;
    const limits = items.filter((item) => (item.rules || []).some((rule) => fired.includes(rule)));
    const chosen = limits.length ? limits : items.filter((item) => (item.otherwise || []).includes(tier));
    return chosen.map((item) => item.id);
  }

  // The same answer as kneeaid.triage.evaluate for the same values.
  function evaluate(triage, values) {
    const known = triage.groups.flatMap((group) => group.symptoms)
      .filter((symptom) => isCurrent(triage, triage.symptomsSince[symptom]));
    const seen = new Set(values.filter((value) => known.includes(value)));
    const someNotUnderstood = seen.size !== values.length;
    if (seen.size > 1) {
      seen.delete(triage.none);
    }
    const symptoms = known.filter((symptom) => seen.has(symptom));
    if (!symptoms.length) {
      return { tier: triage.unanswered, rules: [], symptoms, someNotUnderstood, firstAid: [] };
    }
    const rules = triage.rules.filter((rule) => isCurrent(triage, rule.since) && !rule.retiredIn);
    const fired = rules.filter((rule) => holds(rule.when, seen));
    const tierIndex = Math.min(triage.tiers.length - 1, ...fired.map((rule) => triage.tiers.indexOf(rule.tier)));
    const tier = triage.tiers[tierIndex];
    const firedIds = fired.map((rule) => rule.id);
    return { tier, rules: firedIds, symptoms, someNotUnderstood, firstAid: firstAid(triage, tier, firedIds) };
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
    toggle("[data-for-tiers]", (element) => element.dataset.forTiers.split(" ").includes(result.tier));
    toggle("[data-first-aid]", (element) => result.firstAid.includes(element.dataset.firstAid));
    toggle("[data-first-aid-box]", () => result.firstAid.length > 0);
    toggle("[data-rule]", (element) => result.rules.includes(element.dataset.rule));
    toggle("[data-symptom]", (element) => result.symptoms.includes(element.dataset.symptom));
    toggle("[data-first-time-load]", () => result.symptoms.includes("first_time_load"));
    toggle("[data-answered]", () => result.symptoms.length > 0);
    toggle("[data-no-rules]", () => result.rules.length === 0);
    toggle("[data-not-understood]", () => result.someNotUnderstood);
  }

  return { load, evaluate, show };
})();

(function () {
  const form = document.getElementById("check-form");

  function valuesFromAddress() {
    return new URLSearchParams(location.search).getAll("s");
  }

  // Each answered check is kept on the device: in the diary's outbox, until sent.
  function keep(triage, result) {
    if (!triage.tiers.includes(result.tier)) {
      return Promise.resolve();
    }
    return window.KneeAid.keepInDiary({
      id: window.KneeAid.newId(),
      kind: "check",
      at: new Date().toISOString(),
      rulesVersion: triage.version,
      symptoms: result.symptoms,
      tier: result.tier,
      rules: result.rules,
    });
  }

  function ticked() {
    return new FormData(form).getAll("s");
  }

  // The language link takes the ticked boxes along, so the other language
  // gives the same answer.
  function keepAnswersAcrossLanguages() {
    const query = new URLSearchParams(ticked().map((value) => ["s", value])).toString();
    window.KneeAid.keepQueryInLanguageLink(query ? `?${query}` : "");
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
    // The answer (and the call button for a danger sign) shows at once; the
    // server's fragment, the same answer, replaces it when it arrives.
    form.addEventListener("change", () => {
      preview();
      keepAnswersAcrossLanguages();
    });
    // No network for the live preview: the answer above stays.
    form.addEventListener("htmx:sendError", preview);
    keepAnswersAcrossLanguages();
    preview();
    // Keep the result on the device before leaving the page.
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await keep(triage, window.KneeAidTriage.evaluate(triage, ticked()));
      form.submit();
    });
  });
})();
