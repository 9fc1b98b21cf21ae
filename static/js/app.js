// Runs on every page: installs the service worker and remembers the language.
"use strict";

(function () {
  const script = document.currentScript;

  // The page's language is the person's choice, online or offline.
  const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;
  const secure = location.protocol === "https:" ? "; secure" : "";
  document.cookie = `lang=${document.documentElement.lang}; path=/; max-age=${ONE_YEAR_SECONDS}; samesite=lax${secure}`;

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker
      .register(script.dataset.serviceWorker, { scope: "/", updateViaCache: "none" })
      .catch((error) => console.warn("KneeAid works online only here:", error));
  }
})();
