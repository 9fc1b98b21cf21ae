// Runs once per document, on every page: the page's data, the remembered
// language and time zone, the service worker, and the diary's outbox glue.
import * as outbox from "./outbox.js";

// The page's data (base.html, #page-data): "shell" for every page, "page" for its own script,
// "words" for every word a script shows (those of every page's and of the page's own script).
function allPageData() {
  return JSON.parse(document.getElementById("page-data").textContent);
}
const pageData = () => allPageData().page;
const words = () => allPageData().words;
// Addresses and the timer's limits, the same on every page.
const config = allPageData().shell;
const MINUTE = 60 * 1000;

// One clock in each language: 24-hour, as the PDF and Russian have it ("19:30", never "07:30 PM").
const lang = document.documentElement.lang;
const clockFormat = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const dayAndClockFormat = new Intl.DateTimeFormat(lang, {
  weekday: "long", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

// A clock time ("21:45"), with its day when it is not today's ("Tuesday 01:45").
function clock(moment, now = Date.now()) {
  const sameDay = new Date(moment).toDateString() === new Date(now).toDateString();
  return (sameDay ? clockFormat : dayAndClockFormat).format(moment);
}

// The page's language is the person's choice, online or offline.
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;
const secure = location.protocol === "https:" ? "; secure" : "";
document.cookie = `lang=${document.documentElement.lang}; path=/; max-age=${ONE_YEAR_SECONDS}; samesite=lax${secure}`;

// The device's time zone, so the diary groups entries by the person's days.
document.cookie = `tz=${encodeURIComponent(Intl.DateTimeFormat().resolvedOptions().timeZone)}; path=/; max-age=${ONE_YEAR_SECONDS}; samesite=lax${secure}`;
// A page with times that the server made before it knew the zone (a
// device's first page, the summary say) shows them in UTC: ask for it once
// more, now with the zone. Once per tab, so a zone the server does not know
// (or cookies turned off) never reloads in a loop.
const ZONE_RELOAD = "kneeaid-zone-reload";
if (config.zoneUnknown && !sessionStorage.getItem(ZONE_RELOAD)) {
  sessionStorage.setItem(ZONE_RELOAD, "done");
  location.reload();
}

// The other language shows the same page with the same answers: the link
// keeps the address's query (a check's ?s=…, the heat page's answers). The
// server writes it too; offline the saved page has none, so it is set here,
// and pages with a form call this as answers change (with the place on the
// page to come back to: the answer last changed).
function keepQueryInLanguageLink(search, hash = "") {
  document.querySelectorAll("a.lang-switch").forEach((link) => {
    link.search = search;
    link.hash = hash;
  });
}
keepQueryInLanguageLink(location.search);

// Once the page has loaded: the worker's install fetches every page for
// offline use, which must not compete with the first page's own files.
function registerServiceWorker() {
  navigator.serviceWorker
    .register(config.serviceWorker, { scope: "/", type: "module", updateViaCache: "none" })
    .catch((error) => console.warn("KneeAid works online only here:", error));
}
if ("serviceWorker" in navigator) {
  if (document.readyState === "complete") {
    registerServiceWorker();
  } else {
    window.addEventListener("load", registerServiceWorker, { once: true });
  }
}

function newId() {
  if (crypto.randomUUID) {
    return crypto.randomUUID();
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// The diary -------------------------------------------------------------
// Entries wait in the outbox (static/js/outbox.js) until the server has
// acknowledged them: sent now, when the network comes back, every minute,
// and by the service worker (Background Sync) where the browser has it.

const SYNC_MS = 60 * 1000;

// Resolves once the entry is safe on the device; sending follows, now and,
// if the page is closed first, through Background Sync.
function keepInDiary(entry) {
  const stored = outbox.put(entry);
  stored.then(() => {
    // KneeAid has been used (install.js); a pain score is the last one noted (followup.js).
    document.dispatchEvent(new CustomEvent("kneeaid:kept", { detail: entry }));
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.ready
        .then((registration) => registration.sync?.register("kneeaid-diary"))
        .catch(() => {});
    }
    syncDiary();
  });
  return stored;
}

function syncDiary() {
  return outbox.send(config.syncUrl).then((result) => {
    if (result.sent > 0) {
      document.body.dispatchEvent(new CustomEvent("kneeaid:synced"));
    }
    return result;
  });
}

// The service worker's Background Sync sent the outbox: the page's own
// sender found it empty, so it is told here.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data && event.data.type === "kneeaid:synced") {
      document.body.dispatchEvent(new CustomEvent("kneeaid:synced"));
    }
  });
}

window.addEventListener("online", syncDiary);
setInterval(syncDiary, SYNC_MS);
syncDiary();

// What must stay above the tab bar (app.css: the sheets, Start, the scroll
// padding) knows its real height: taller with large text, none where it is
// not fixed (the check page).
function keepTabBarHeight() {
  const bar = document.querySelector(".tabbar");
  const height = bar && getComputedStyle(bar).position === "fixed" ? bar.offsetHeight : 0;
  document.documentElement.style.setProperty("--tabbar-height", `${height}px`);
}
const tabBarWatch = new ResizeObserver(keepTabBarHeight);
function watchTabBar() {
  tabBarWatch.disconnect();
  const bar = document.querySelector(".tabbar");
  if (bar) {
    tabBarWatch.observe(bar);
  }
}
watchTabBar();
document.addEventListener("htmx:afterSettle", watchTabBar);

// A "Print" button on any page (the summary for the doctor).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

export { config, pageData, words, MINUTE, clock, newId, keepQueryInLanguageLink, keepInDiary, syncDiary };
