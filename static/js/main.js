// KneeAid's entry script (base.html): the modules every page runs, and each
// page's own script (its <main data-script>), started when its page is shown:
// on load, and after each boosted link (htmx swaps the body, and a module runs
// only once, so each registers its start() here). base.html loads the page's
// own module with the page; the others are fetched once the page has loaded,
// so that a boosted link starts its page's script at once, as it would a
// script in the page, before the page's first answers come back.
import "./shell.js";
import "./alarm.js";
import "./followup.js";
import "./push.js";
import "./install.js";
import "./knee-log.js";

const PAGE_SCRIPTS = {
  check: () => import("./check.js"),
  diary: () => import("./diary.js"),
  heat: () => import("./heat.js"),
  summary: () => import("./summary.js"),
  timer: () => import("./timer.js"),
  train: () => import("./train.js"),
};
const starts = {};

function shownPage() {
  return document.getElementById("main")?.dataset.script;
}

// Called by each page script as it loads: starts it if its page is shown.
export function onPage(name, start) {
  starts[name] = start;
  if (shownPage() === name) {
    start();
  }
}

document.addEventListener("htmx:afterSettle", (event) => {
  const name = shownPage();
  if (event.detail.target === document.body && name) {
    // Not loaded yet (a link followed before the page's load): it starts itself once it is.
    starts[name] ? starts[name]() : PAGE_SCRIPTS[name]?.();
  }
});

// The morning question after a workout (morning.js) is asked once the page has loaded: it is
// due a few mornings a week at most, and the first load stays within its budget (bench/first_load.py).
function loadEveryPageScript() {
  [...Object.values(PAGE_SCRIPTS), () => import("./morning.js")].forEach((load) => {
    load().catch(() => {});  // offline and not saved yet: fetched by the next page that needs it
  });
}
if (document.readyState === "complete") {
  loadEveryPageScript();
} else {
  window.addEventListener("load", loadEveryPageScript, { once: true });
}
