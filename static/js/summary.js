// The summary for the doctor: "Send to my doctor" opens the phone's share
// sheet with the PDF (Web Share API), where the phone can share files; with
// no network the page says the PDF needs one (printing the page still works).
import { onPage } from "./main.js";

function start() {
  const link = document.getElementById("summary-pdf");
  const share = document.getElementById("share-pdf");
  const offline = document.getElementById("pdf-offline");
  if (!link || share.dataset.running) {
    return;
  }
  share.dataset.running = "yes";

  function canShareFiles() {
    const probe = new File(["%PDF-"], "kneeaid.pdf", { type: "application/pdf" });
    return Boolean(navigator.canShare && navigator.share) && navigator.canShare({ files: [probe] });
  }

  function sayWhetherOffline() {
    offline.hidden = navigator.onLine;
  }

  async function sharePdf() {
    share.disabled = true;
    try {
      const response = await fetch(link.href, { credentials: "same-origin" });
      if (!response.ok) {
        throw new Error(`the PDF answered ${response.status}`);
      }
      const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
      const file = new File([await response.blob()], named ? named[1] : "kneeaid.pdf", { type: "application/pdf" });
      await navigator.share({ files: [file], title: document.title });
    } catch (error) {
      if (error.name !== "AbortError") {  // AbortError: the person closed the share sheet
        offline.hidden = false;
      }
    } finally {
      share.disabled = false;
    }
  }

  share.hidden = !canShareFiles();
  share.addEventListener("click", sharePdf);
  link.addEventListener("click", (event) => {
    if (!navigator.onLine) {
      event.preventDefault();
      offline.hidden = false;
    }
  });
  window.addEventListener("online", sayWhetherOffline);
  window.addEventListener("offline", sayWhetherOffline);
  sayWhetherOffline();
}

onPage("summary", start);
