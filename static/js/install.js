// The invitation to keep KneeAid on the home screen, after its first use
// (the first thing kept in the diary: a timer session, a check, a pain score).
// Where the browser can install (Chrome, Edge, Samsung), its own prompt; on an
// iPhone or iPad, the steps in Safari's Share menu. "Not now" waits 30 days.
const USED_KEY = "kneeaid.used";
const LATER_KEY = "kneeaid.installLater";
const WAIT_MS = 30 * 24 * 60 * 60 * 1000;
let browserPrompt = null;

function installed() {
  return window.matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;
}

function onAppleMobile() {
  return /iPhone|iPad|iPod/.test(navigator.userAgent)
    || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);  // iPadOS says it is a Mac
}

function show() {
  const invite = document.getElementById("install-invite");
  if (!invite) {
    return;
  }
  const later = Number(localStorage.getItem(LATER_KEY)) || 0;
  const wanted = localStorage.getItem(USED_KEY) && !installed() && Date.now() - later > WAIT_MS;
  const apple = onAppleMobile();
  invite.hidden = !(wanted && (browserPrompt || apple));
  invite.querySelector(".install-steps").hidden = !apple || Boolean(browserPrompt);
  invite.querySelector(".install-now").hidden = !browserPrompt;
}

window.addEventListener("beforeinstallprompt", (event) => {
  event.preventDefault();  // not at once: after the first use, with our words
  browserPrompt = event;
  show();
});
window.addEventListener("appinstalled", () => {
  browserPrompt = null;
  show();
});
document.addEventListener("click", async (event) => {
  if (event.target.closest(".install-now") && browserPrompt) {
    const asked = browserPrompt;
    browserPrompt = null;
    asked.prompt();
    const choice = await asked.userChoice;
    if (choice.outcome !== "accepted") {
      localStorage.setItem(LATER_KEY, String(Date.now()));
    }
    show();
  } else if (event.target.closest(".install-later")) {
    localStorage.setItem(LATER_KEY, String(Date.now()));
    show();
  }
});
document.addEventListener("kneeaid:kept", () => {
  localStorage.setItem(USED_KEY, "yes");
  show();
});
document.addEventListener("htmx:afterSettle", show);
show();
