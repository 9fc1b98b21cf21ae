// The knee check's rules, evaluated in the browser: the offline twin of
// kneeaid/check/triage.py, reading the same static/data/triage.json (its address is
// in the page's data). Only evaluates and shows; check.js draws the page.
import { pageData } from "./shell.js";

let loading = null;

// The rules, fetched once per document from the address the check pages give.
function loadRules() {
  loading = loading || fetch(pageData().rulesUrl).then((response) => response.json());
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
  const usual = limits.length ? limits : items.filter((item) => (item.otherwise || []).includes(tier));
  return items.filter((item) => usual.includes(item) || (item.always || []).includes(tier)).map((item) => item.id);
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

// Shows, in a result section rendered by check/_result.html, the parts that
// apply to this result, exactly as the server would have.
function showResult(section, result) {
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

export { loadRules, evaluate, showResult };
