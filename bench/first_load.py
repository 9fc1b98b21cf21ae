"""Measure the home page's first load in headless Chromium.

Counts every byte transferred (headers and compressed bodies, as the network
sends them) for what the page fetches before its load event, on a first visit
with an empty cache. What the service worker precaches afterwards is not part
of the first load. Target (issue 2): at most 60 KB.

    python bench/first_load.py [--lang en|ru]
"""

import argparse
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from waitress.server import create_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from kneeaid import create_app  # noqa: E402

BUDGET_BYTES = 60 * 1024


def serve(app):
    server = create_server(app, host="127.0.0.1", port=0)
    threading.Thread(target=server.run, daemon=True).start()
    return server, f"http://127.0.0.1:{server.effective_port}"


def measure(url, until="load"):
    """[(url, bytes transferred)] for what the page fetched before its load
    event (until="load"), or until the network went quiet ("networkidle")."""
    transfers = {}
    names = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        page = browser.new_context().new_page()
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        loaded = {"done": False}
        cdp.on("Network.requestWillBeSent", lambda e: names.setdefault(e["requestId"], e["request"]["url"]))
        cdp.on(
            "Network.loadingFinished",
            lambda e: loaded["done"] or transfers.__setitem__(e["requestId"], e["encodedDataLength"]),
        )
        if until == "load":
            page.on("load", lambda: loaded.__setitem__("done", True))
        page.goto(url, wait_until=until)
        browser.close()
    return [(names.get(request_id, request_id), size) for request_id, size in transfers.items()]


def measure_page(path, until="load"):
    """Serve a fresh app, measure one of its pages in Chromium, stop.
    Returns (base URL, [(url, bytes)])."""
    with tempfile.TemporaryDirectory() as data_dir:
        server, base = serve(create_app({"DATA_DIR": data_dir}))
        try:
            return base, measure(base + path, until)
        finally:
            server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="en", choices=["en", "ru"])
    args = parser.parse_args()
    base, rows = measure_page(f"/{args.lang}/")
    total = sum(size for _, size in rows)
    print(f"First load of /{args.lang}/ (before the load event, empty cache):")
    for url, size in sorted(rows, key=lambda row: -row[1]):
        print(f"  {size:>8,} B  {url.removeprefix(base)}")
    verdict = "within" if total <= BUDGET_BYTES else "OVER"
    print(f"  total {total:,} B = {total / 1024:.1f} KB ({verdict} the {BUDGET_BYTES // 1024} KB budget)")
    return 0 if total <= BUDGET_BYTES else 1


if __name__ == "__main__":
    sys.exit(main())
