"""Render the app icons (PNG) from static/icons/icon.svg, and the manifest's
shortcut icons from static/icons/shortcut-*.svg, with headless Chromium.

Run once after changing the icon: python scripts/make_icons.py
"""

from pathlib import Path

from playwright.sync_api import sync_playwright

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
THEME = "#0b5e5e"

# name: (drawing, size, share of the square the drawing fills). A maskable icon
# keeps its drawing inside the central 80 % safe zone and fills the rest with colour.
RENDERS = {
    "icon-192.png": ("icon.svg", 192, 1.0),
    "icon-512.png": ("icon.svg", 512, 1.0),
    "icon-maskable-512.png": ("icon.svg", 512, 0.7),
    "apple-touch-icon.png": ("icon.svg", 180, 0.85),
    # The home screen's long-press menu: each shortcut its own picture (the tab bar's icons).
    "shortcut-timer-96.png": ("shortcut-timer.svg", 96, 1.0),
    "shortcut-check-96.png": ("shortcut-check.svg", 96, 1.0),
}


def main():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        for name, (drawing, size, share) in RENDERS.items():
            svg = (ICONS / drawing).read_text()
            page = browser.new_page(viewport={"width": size, "height": size})
            inner = round(size * share)
            page.set_content(
                f"<body style='margin:0;background:{THEME};display:grid;place-items:center;"
                f"height:{size}px'><div style='width:{inner}px;height:{inner}px'>{svg}</div></body>"
            )
            page.screenshot(path=str(ICONS / name), omit_background=False)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
