// The follow-up: "How is your knee?" 2 days after first aid or a check (rule
// D1: pain that lasts more than 2 days needs a doctor). The person chooses it
// ("Remind me in 2 days": the timer's last screen, a check result, an answered
// card); it is kept on this phone, and from its time every page shows the
// question card (base.html, _followup.html), online or offline, in any tab.
// push.js also asks the server to push it to a locked phone.
"use strict";

(function (KneeAid) {
  const FOLLOW_UP_KEY = "kneeaid.followUp";  // {origin, basisAt, dueAt}: the one waiting, at most one
  const LAST_PAIN_KEY = "kneeaid.lastPain";  // {pain, knee, at}: the newest pain noted on this phone
  const DAY = 24 * 60 * KneeAid.MINUTE;
  const ASK_AFTER = 2 * DAY;
  const LONGEST_TIMEOUT = 2 ** 31 - 1;  // ms: setTimeout's limit
  const text = KneeAid.config.followUp;
  const lang = document.documentElement.lang;
  const clockFormat = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

  function readJson(key) {
    try {
      return JSON.parse(localStorage.getItem(key));
    } catch (error) {
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

  // The newest pain entry kept on this phone: "more than last time" compares with it.
  function rememberPain(event) {
    const entry = event.detail;
    const last = readJson(LAST_PAIN_KEY);
    if (entry && entry.kind === "pain" && !(last && last.at > entry.at)) {
      localStorage.setItem(LAST_PAIN_KEY, JSON.stringify({ pain: entry.pain, knee: entry.knee, at: entry.at }));
    }
  }

  // "We will ask you on Thursday at 18:00."
  function whenText(dueAt) {
    const due = new Date(dueAt);
    const when = text.when.replace("{day}", text.days[due.getDay()]).replace("{time}", clockFormat.format(due));
    const pushed = "Notification" in window && Notification.permission === "granted";
    return pushed ? when : `${when} ${text.noPush}`;
  }

  // Drawing ---------------------------------------------------------------

  // A page's script offers a follow-up about one session or check: `origin`
  // names it (the control shows "on" while that one waits), `basisAt` is when
  // it began (the question comes 2 days later).
  function offerFollowUp(choice, origin, basisAt) {
    choice.dataset.origin = origin;
    choice.dataset.basisAt = String(basisAt);
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
    if (!template || (card && card.dataset.answered)) {
      return;  // answered on this page: its advice stays until closed
    }
    if (due && !card) {
      template.after(template.content.cloneNode(true));
      const shown = document.querySelector("[data-followup]");
      presetKnee(shown);
      if (justDue) {  // it came on a page already open: a screen reader hears its question
        document.getElementById("followup-announcer").textContent = shown.querySelector("h2").textContent;
      }
    } else if (!due && card) {
      card.remove();
    }
  }

  // The knee of the last pain noted on this phone, else "both" (as the diary's form).
  function presetKnee(card) {
    const last = readJson(LAST_PAIN_KEY);
    const knee = last && card.querySelector(`input[name="followup-knee"][value="${CSS.escape(String(last.knee))}"]`);
    if (knee) {
      knee.checked = true;
    }
  }

  function draw(justDue = false) {
    const now = Date.now();
    const record = waitingFollowUp();
    drawCard(record, now, justDue);
    document.querySelectorAll("[data-followup-choice][data-origin]").forEach((choice) => drawChoice(choice, record));
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
    keepFollowUp({ origin: choice.dataset.origin, basisAt, dueAt: Math.max(basisAt + ASK_AFTER, Date.now()) });
    // The tap lets the browser ask; with a yes, the server pushes the question too.
    if ("Notification" in window && Notification.permission === "default") {
      Notification.requestPermission().then(() => {
        draw();
        return KneeAid.schedulePushAlarms();
      }).catch(() => {});
    }
  }

  async function answer(card, pain) {
    const record = waitingFollowUp();
    if (record === null) {
      card.remove();  // answered or dismissed in another tab
      return;
    }
    card.dataset.answered = "yes";
    const now = Date.now();
    const last = readJson(LAST_PAIN_KEY);
    await KneeAid.keepInDiary({
      id: KneeAid.newId(),
      kind: "pain",
      at: new Date(now).toISOString(),
      pain,
      knee: card.querySelector('input[name="followup-knee"]:checked').value,
      note: text.note,
    });
    keepFollowUp(null);
    showAdvice(card, pain, {
      pastTwoDays: now - record.basisAt > ASK_AFTER,
      lastPain: last && Number.isFinite(last.pain) && pain > last.pain ? last.pain : null,
    });
  }

  // What to do now, by the score: settled (0), D1 (pain after 2 days), worse than last time.
  function showAdvice(card, pain, { pastTwoDays, lastPain }) {
    card.querySelector(".followup-question").hidden = true;
    const advice = card.querySelector(".followup-answer");
    advice.querySelector("[data-followup-saved]").textContent = text.saved.replace("{pain}", pain);
    const shown = {
      settled: pain === 0,
      "see-doctor": pain > 0 && pastTwoDays,
      "not-yet": pain > 0 && !pastTwoDays,
      worse: lastPain !== null,
    };
    Object.entries(shown).forEach(([name, show]) => {
      advice.querySelector(`[data-advice="${name}"]`).hidden = !show;
    });
    if (lastPain !== null) {
      advice.querySelector("[data-advice-text]").textContent = text.worse.replace("{pain}", lastPain);
    }
    offerFollowUp(advice.querySelector("[data-followup-choice]"), `answer:${Date.now()}`, Date.now());
    advice.hidden = false;
    advice.focus();
  }

  function askTomorrow() {
    const record = waitingFollowUp();
    if (record !== null) {
      keepFollowUp({ ...record, dueAt: Date.now() + DAY });
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

  Object.assign(KneeAid, { waitingFollowUp, offerFollowUp });
})(window.KneeAid);
