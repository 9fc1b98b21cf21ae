// The symptom check page and its result page. Online the server answers
// (htmx fragments for the live preview, whole pages otherwise); offline the
// same answer comes from triage.js. A result goes into the
// diary only when the person says so ("Save to my diary").
import * as followUp from "./followup.js";
import { keepInDiary, keepQueryInLanguageLink, newId } from "./shell.js";
import { evaluate, loadRules, showResult } from "./triage.js";
import { onPage } from "./main.js";

function start() {
  const form = document.getElementById("check-form");

  function valuesFromAddress() {
    return new URLSearchParams(location.search).getAll("s");
  }

  // A check the person chose to save: in the diary's outbox, until sent.
  function keep(triage, result) {
    if (!triage.tiers.includes(result.tier)) {
      return Promise.resolve();
    }
    return keepInDiary({
      id: newId(),
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
  // gives the same answer, and opens at the box last changed (its id), not at the top.
  // The address keeps them too (replaced, not a new history step): a page opened from here (the
  // alarm's "Ice off" on the timer) and then left with Back finds every box as it was.
  let place = "";  // the box last changed, where the other language opens

  function keepAnswersAcrossLanguages(changed) {
    const query = new URLSearchParams(ticked().map((value) => ["s", value])).toString();
    if (changed) {
      place = changed.id ? `#${changed.id}` : "";
    }
    keepQueryInLanguageLink(query ? `?${query}` : "", place);
    if (changed) {
      history.replaceState(history.state, "", `${location.pathname}${query ? `?${query}` : ""}${location.hash}`);
    }
  }

  // At once, not once the rules have loaded: a language switch right after a
  // tick still takes it along.
  if (form) {
    form.addEventListener("change", (event) => keepAnswersAcrossLanguages(event.target));
    keepAnswersAcrossLanguages();
  }

  loadRules().then((triage) => {
    if (!form) {
      // The result page. Offline it is the saved page for no answers: show
      // the answer for the address's own.
      const result = evaluate(triage, valuesFromAddress());
      showResult(document.getElementById("result"), result);
      // Not boosted (htmx reads a boosted link's address once): set here, read on click.
      document.getElementById("change-answers").search = location.search;
      offerToSave(triage, result);
      offerFollowUp(triage, result);
      return;
    }
    fitBarToScreen();
    const asked = valuesFromAddress();
    if (asked.length) {
      form.querySelectorAll('input[name="s"]').forEach((box) => { box.checked = asked.includes(box.value); });
      keepAnswersAcrossLanguages();
    }
    const preview = () => {
      showResult(document.querySelector("#check-preview #result"),
        evaluate(triage, ticked()));
      markLiveTier();
    };
    // The server's answer (htmx) replaced the preview: the bar says its tier.
    document.getElementById("check-preview").addEventListener("htmx:afterSettle", markLiveTier);
    // The answer (and the call button for a danger sign) shows at once; the
    // server's fragment, the same answer, replaces it when it arrives.
    form.addEventListener("change", preview);
    // No network for the live preview: the answer above stays.
    form.addEventListener("htmx:sendError", preview);
    // Answers in the address (offline, the saved page is the one for none), or
    // ticked before the rules had loaded (their change came before the listener);
    // else the server's answer stands.
    if (asked.length || ticked().length) {
      preview();
    }
  });

  // "Save to my diary" on the result page: once, and only when asked.
  function offerToSave(triage, result) {
    const save = document.getElementById("save-check");
    save.hidden = !triage.tiers.includes(result.tier);
    save.addEventListener("click", async () => {
      save.disabled = true;
      await keep(triage, result);
      document.getElementById("save-check-done").hidden = false;
      save.hidden = true;
    }, { once: true });
  }

  // "Remind me in 2 days" after a result that is not urgent: the question
  // comes 2 days after the result was shown (the same answers keep it chosen).
  // It remembers the tier: after a doctor result, no pain is no licence to train.
  const shownAt = Date.now();

  function offerFollowUp(triage, result) {
    const choice = document.getElementById("followup-after-check");
    if (["doctor", "selfcare"].includes(result.tier)) {
      followUp.offerFollowUp(choice, `check:${location.search}`, shownAt,
        { kind: "check", tier: result.tier, rulesVersion: triage.version });
      choice.querySelector("[data-followup-note]").hidden = result.tier !== "doctor";
    } else {
      choice.hidden = true;
    }
  }

  // The live bar carries the tier it shows (data-live-tier): its colour, and a hook for tests.
  function markLiveTier() {
    document.querySelector(".check-bar").dataset.liveTier = document.querySelector("#check-preview #result").dataset.tier;
  }

  // The sticky bar takes at most a quarter of the screen: with large text or
  // on a small phone it drops its headline (screen readers still hear it).
  function fitBarToScreen() {
    const bar = document.querySelector(".check-bar");
    const fit = () => {
      bar.classList.remove("compact");
      bar.classList.toggle("compact", bar.offsetHeight > window.innerHeight / 4);
    };
    // The observer also calls fit once the page is laid out: no layout forced while loading.
    new ResizeObserver(fit).observe(document.getElementById("check-preview"));
    window.addEventListener("resize", fit);
  }
}

onPage("check", start);
