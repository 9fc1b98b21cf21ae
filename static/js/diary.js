// The diary page: entries are written to the outbox on this phone first
// (static/js/outbox.js) through keepInDiary, shown at once, and sent
// when there is a network.
// Also clears the device after "delete all my data".
import * as outbox from "./outbox.js";
import { PUSH_ALARMS_KEY, cancelPushAlarms } from "./push.js";
import { keepInDiary, newId, pageData, syncDiary, words } from "./shell.js";
import { onPage } from "./main.js";

// After "delete all my data": nothing of the diary stays on this device,
// and the server lets go of the alarms it held for it (push.js, which
// needs its own list of them until then).
async function forgetDiary() {
  Object.keys(localStorage).filter((key) => key.startsWith("kneeaid.") && key !== PUSH_ALARMS_KEY)
    .forEach((key) => { localStorage.removeItem(key); });
  await cancelPushAlarms();
  return outbox.clear();
}

function start() {
  const $ = (id) => document.getElementById(id);

  // After "Delete all my data": the server is done, now this phone.
  const deleted = $("diary-deleted");
  if (deleted) {
    forgetDiary().then(() => { $("device-cleared").hidden = false; });
    return;
  }

  const form = $("pain-form");
  if (!form || form.dataset.running) {
    return;
  }
  form.dataset.running = "yes";
  const text = words();
  const labels = pageData().labels;
  const lang = document.documentElement.lang;
  const timeFormat = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short", hourCycle: "h23" });
  const VIEW_KEY = `kneeaid.diary.view.${lang}`;

  function localInputValue(date) {
    const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
    return local.toISOString().slice(0, 16);
  }

  const FIVE_MINUTES = 5 * 60 * 1000;

  function showNow() {
    const timeField = $("entry-at");
    timeField.value = timeField.dataset.shown = localInputValue(new Date());
    // The server refuses a time more than 5 minutes ahead; the browser says so before saving.
    timeField.max = localInputValue(new Date(Date.now() + FIVE_MINUTES));
  }

  // How an entry still waiting to be sent is shown: by its kind's name (labels.kinds, from the
  // table of kinds, kneeaid/diary/kinds/), or by its own line here where it says more.
  const DESCRIBE = {
    pain(entry) {
      // In the language's own quotes, as the server's view has it (<q>): «…» in Russian, with „…“ inside.
      const note = entry.note ? `: ${text.quoted.replace("{words}", entry.note)}` : "";
      const source = entry.source === "follow-up" ? ` (${text.followUpAnswer})` : "";
      return `${text.pain.replace("{pain}", entry.pain)}, ${labels.knees[entry.knee]}${source}${note}`;
    },
  };

  function describe(item) {
    if (item.deleted) {
      return text.deleted;
    }
    const own = DESCRIBE[item.entry.kind];
    return own ? own(item.entry) : labels.kinds[item.entry.kind];
  }

  const timeOf = (item) => (item.entry ? String(item.entry.at || item.entry.startedAt || "") : "");

  // "21 Nov 2026, 10:00 · ", or nothing for a time that is not one.
  function whenPrefix(item) {
    const at = new Date(timeOf(item));
    return Number.isNaN(at.getTime()) ? "" : `${timeFormat.format(at)} · `;
  }

  async function showPending() {
    const waiting = (await outbox.all()).sort((a, b) => timeOf(a).localeCompare(timeOf(b)));
    const list = $("pending");
    list.replaceChildren(...waiting.map((item) => {
      const line = document.createElement("li");
      line.textContent = whenPrefix(item) + describe(item);
      return line;
    }));
    $("pending-section").hidden = waiting.length === 0;
    // Entries deleted here and not yet sent are hidden from the server's list.
    waiting.filter((item) => item.deleted).forEach((item) => {
      const shown = document.querySelector(`[data-entry-id="${item.id}"]`);
      if (shown) {
        shown.hidden = true;
      }
    });
  }

  // Entries the server refused, with its reason, until the person removes them.
  async function showNotSaved() {
    const refused = await outbox.refused();
    $("not-saved").replaceChildren(...refused.map((item) => {
      const line = document.createElement("li");
      const words = document.createElement("span");
      // The reason in the person's language, by its code; the server's English only for a code this page lacks.
      const reason = (item.code && labels.reasons[item.code]) || item.error;
      words.textContent = `${whenPrefix(item)}${describe(item)} (${reason})`;
      const dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "button small-button";
      dismiss.textContent = text.dismiss;
      dismiss.addEventListener("click", async () => {
        await outbox.dismiss(item.id);
        await showNotSaved();
      });
      line.append(words, " ", dismiss);
      return line;
    }));
    $("not-saved-section").hidden = refused.length === 0;
  }

  async function save(event) {
    event.preventDefault();
    $("entry-saved").hidden = true;
    const data = new FormData(form);
    // The field shows minutes; left as it was, the entry gets the exact moment.
    const timeField = $("entry-at");
    const when = data.get("at") && data.get("at") !== timeField.dataset.shown ? new Date(data.get("at")) : new Date();
    const entry = {
      id: data.get("id") || newId(),
      kind: "pain",
      at: when.toISOString(),
      pain: Number(data.get("pain")),
      knee: data.get("knee"),
      note: data.get("note").trim(),
    };
    if (data.get("id")) {
      entry.updatedAt = new Date().toISOString();
    }
    if (data.get("source")) {
      entry.source = data.get("source");  // a corrected answer to the follow-up is still one
    }
    await keepInDiary(entry);
    form.reset();
    form.elements.id.value = "";
    form.elements.source.value = "";
    localStorage.removeItem(DRAFT_KEY);
    showNow();
    $("entry-saved").hidden = false;
    await showPending();
  }

  // Edit and delete buttons live in the server's list (diary/_view.html).
  async function onListAction(event) {
    const edit = event.target.closest(".edit-entry");
    if (edit) {
      const entry = JSON.parse(edit.dataset.entry);
      form.elements.id.value = entry.id;
      form.elements.source.value = entry.source || "";
      form.querySelector(`input[name="pain"][value="${entry.pain}"]`).checked = true;
      form.querySelector(`input[name="knee"][value="${entry.knee}"]`).checked = true;
      form.elements.note.value = entry.note || "";
      $("entry-at").value = localInputValue(new Date(entry.at));
      form.scrollIntoView();
      form.querySelector('input[name="pain"]:checked').focus();
    }
  }

  // An entry being written survives a language switch or a reload: kept as
  // typed, put back on the next diary page, gone once saved.
  const DRAFT_KEY = "kneeaid.diaryDraft";

  function keepDraft() {
    const data = new FormData(form);
    // The time only if the person changed it; else the entry gets the moment it is saved.
    const at = data.get("at") !== $("entry-at").dataset.shown ? data.get("at") : null;
    localStorage.setItem(DRAFT_KEY, JSON.stringify({
      id: data.get("id"), source: data.get("source"), pain: data.get("pain"), knee: data.get("knee"),
      note: data.get("note"), at,
    }));
  }

  function restoreDraft() {
    let draft = null;
    try {
      draft = JSON.parse(localStorage.getItem(DRAFT_KEY));
    } catch (_error) {
      localStorage.removeItem(DRAFT_KEY);
    }
    if (!draft) {
      return;
    }
    form.elements.id.value = draft.id || "";
    form.elements.source.value = draft.source || "";
    form.elements.note.value = draft.note || "";
    for (const name of ["pain", "knee"]) {
      const choice = draft[name] && form.querySelector(`input[name="${name}"][value="${CSS.escape(draft[name])}"]`);
      if (choice) {
        choice.checked = true;
      }
    }
    if (draft.at) {
      $("entry-at").value = draft.at;
    }
  }

  async function onDelete(event) {
    const remove = event.target.closest(".delete-entry");
    if (remove) {
      event.preventDefault();
      const id = remove.closest("[data-entry-id]").dataset.entryId;
      await outbox.remove(id);
      document.dispatchEvent(new CustomEvent("kneeaid:deleted", { detail: id }));  // knee-log.js forgets it too
      await showPending();
      syncDiary();
    }
  }

  const view = $("diary-view");
  // Keep the last diary the server showed, for when there is no network.
  view.addEventListener("htmx:afterSwap", () => {
    localStorage.setItem(VIEW_KEY, view.innerHTML);
    $("diary-offline").hidden = true;
    showPending();
    showNotSaved();
  });
  const showSaved = () => {
    const saved = localStorage.getItem(VIEW_KEY);
    if (saved) {
      view.innerHTML = saved;
      $("diary-offline").hidden = false;
      showPending();
    }
  };
  view.addEventListener("htmx:sendError", showSaved);
  view.addEventListener("htmx:responseError", showSaved);
  view.addEventListener("click", onListAction);
  view.addEventListener("submit", onDelete);
  form.addEventListener("submit", save);
  form.addEventListener("input", keepDraft);
  form.addEventListener("change", keepDraft);
  showNow();
  restoreDraft();
  showPending();
  showNotSaved();
}

onPage("diary", start);
