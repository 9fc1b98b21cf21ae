"""Screenshots of every page, to look at before calling a visual change done.

    .venv/bin/python scripts/screenshots.py [--out FOLDER] [--only PART ...]

Saves every page of tests/pages.py in both languages, light and dark, at
normal and 200 % text, on a phone (412x915) and at 320 px wide, as
FOLDER/<lang>-<page>-<scheme>-<text>-<width>.png (full page). It serves the
real app (python app.py) with its data in a temporary folder, in Debian's
Chromium. ``--only`` keeps the shots whose name contains one of the parts
(``--only en-check dark``).

    .venv/bin/python scripts/screenshots.py --states

saves instead what a person in pain sees first, on the first screen only (no
scrolling): home, the timer set up, running and ringing, and the check with a
danger sign ticked, in both languages, light and dark, at 390x844 and at 320 px
with 200 % text (FOLDER/state-<lang>-<state>-<scheme>-<size>.png).

    .venv/bin/python scripts/screenshots.py --followup

saves the follow-up card's answers ("How is your knee?" two days after a check)
for each line of the contract's table: a doctor result answered 0, a self-care
result answered 0, 4 and 9, in both languages, light and dark, on a 390x844
phone (FOLDER/followup-<lang>-<origin>-<score>-<scheme>.png, the card alone).

    .venv/bin/python scripts/screenshots.py --manifest

writes the install screenshots the manifest names instead
(static/screenshots/, narrow and wide, of the home page, in each language).
"""

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import app_process  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.pages import PAGES  # noqa: E402

PHONE = {"width": 412, "height": 915}
NARROW = {"width": 320, "height": 640}
# 200 % text as a phone's text-size setting gives it: every rem and em doubles.
LARGE_TEXT = "html { font-size: 200% !important; }"
# A check with an answer, so the result page shows a tier.
EXAMPLES = {"check/result": "?s=deformity"}
MANIFEST_SHOTS = {"narrow": {"width": 412, "height": 915}, "wide": {"width": 1280, "height": 800}}
STATE_SIZES = {"390": ({"width": 390, "height": 844}, False), "320-text200": (NARROW, True)}
# state: (page, what to do on it first). The timer's clock is Playwright's, moved, never waited for.
STATES = {
    "home": ("", None),
    "timer-setup": ("timer", None),
    "timer-running": ("timer", "running"),
    "timer-ringing": ("timer", "ringing"),
    "check-danger": ("check", "danger"),
}


def shot_name(lang, page, scheme, text, width):
    return f"{lang}-{page.replace('/', '_') or 'home'}-{scheme}-{text}-{width}.png"


def take_page_shots(browser, url, out, only):
    taken = 0
    for lang in ("en", "ru"):
        for page_path in PAGES:
            for scheme in ("light", "dark"):
                for text in ("text100", "text200"):
                    for viewport in (PHONE, NARROW):
                        name = shot_name(lang, page_path, scheme, text, viewport["width"])
                        if only and not any(part in name for part in only):
                            continue
                        address = f"{url}/{lang}/{page_path}{EXAMPLES.get(page_path, '')}"
                        save(browser, address, viewport, scheme, text == "text200", out / name)
                        taken += 1
    return taken


def save(browser, address, viewport, scheme, large_text, path, full_page=True):
    context = browser.new_context(
        viewport=viewport, color_scheme=scheme, bypass_csp=large_text, device_scale_factor=1, service_workers="block"
    )
    try:
        page = context.new_page()
        page.goto(address)
        if large_text:
            page.add_style_tag(content=LARGE_TEXT)
        page.wait_for_timeout(150)
        page.screenshot(path=str(path), full_page=full_page)
    finally:
        context.close()


def act(page, action):
    if action in ("running", "ringing"):
        page.locator("#start-cold").click()
        page.clock.fast_forward("06:00" if action == "running" else "15:01")
        page.clock.run_for(500)
    elif action == "danger":
        page.locator('input[value="deformity"]').check()
        page.evaluate("window.scrollTo(0, 600)")
        page.wait_for_timeout(300)


def take_state_shots(browser, url, out):
    taken = 0
    for lang in ("en", "ru"):
        for state, (page_path, action) in STATES.items():
            for scheme in ("light", "dark"):
                for size, (viewport, large_text) in STATE_SIZES.items():
                    context = browser.new_context(
                        viewport=viewport,
                        color_scheme=scheme,
                        bypass_csp=large_text,
                        device_scale_factor=1,
                        service_workers="block",
                    )
                    try:
                        page = context.new_page()
                        page.clock.install()
                        page.goto(f"{url}/{lang}/{page_path}")
                        if large_text:
                            page.add_style_tag(content=LARGE_TEXT)
                        act(page, action)
                        page.wait_for_timeout(150)
                        page.screenshot(path=str(out / f"state-{lang}-{state}-{scheme}-{size}.png"))
                        taken += 1
                    finally:
                        context.close()
    return taken


# origin: (the check's answers, the scores to answer) for --followup.
FOLLOW_UPS = {"doctor": ("s=injury", (0,)), "selfcare": ("s=first_time_load", (0, 4, 9))}


def take_followup_shots(browser, url, out):
    taken = 0
    for lang in ("en", "ru"):
        for origin, (answers, scores) in FOLLOW_UPS.items():
            for score in scores:
                for scheme in ("light", "dark"):
                    context = browser.new_context(
                        viewport={"width": 390, "height": 844},
                        color_scheme=scheme,
                        device_scale_factor=1,
                        service_workers="block",
                    )
                    try:
                        page = context.new_page()
                        page.clock.install()
                        page.goto(f"{url}/{lang}/check/result?{answers}")
                        page.locator("#followup-after-check [data-followup-remind]").click()
                        page.clock.fast_forward("49:00:00")
                        page.goto(f"{url}/{lang}/causes")
                        card = page.locator("[data-followup]")
                        card.get_by_role("button", name=str(score), exact=True).click()
                        card.locator(".followup-answer").wait_for()
                        page.wait_for_timeout(150)
                        card.screenshot(path=str(out / f"followup-{lang}-{origin}-{score}-{scheme}.png"))
                        taken += 1
                    finally:
                        context.close()
    return taken


def take_manifest_shots(browser, url):
    folder = ROOT / "static" / "screenshots"
    folder.mkdir(exist_ok=True)
    for lang in ("en", "ru"):
        for form, viewport in MANIFEST_SHOTS.items():
            save(
                browser, f"{url}/{lang}/", viewport, "light", False, folder / f"home-{lang}-{form}.png", full_page=False
            )
    return len(MANIFEST_SHOTS) * 2


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="/tmp/kneeaid-screenshots", help="where to save (default %(default)s)")
    parser.add_argument("--only", nargs="*", default=[], help="only shots whose name contains one of these")
    parser.add_argument("--manifest", action="store_true", help="write static/screenshots/ for the manifest")
    parser.add_argument("--states", action="store_true", help="the first screens a person in pain sees")
    parser.add_argument("--followup", action="store_true", help="the follow-up card's answers")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data_dir:
        process, url = app_process.start(data_dir)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                if args.manifest:
                    taken = take_manifest_shots(browser, url)
                elif args.states:
                    taken = take_state_shots(browser, url, out)
                elif args.followup:
                    taken = take_followup_shots(browser, url, out)
                else:
                    taken = take_page_shots(browser, url, out, args.only)
                browser.close()
        finally:
            app_process.stop(process)
    print(f"{taken} screenshots in {ROOT / 'static' / 'screenshots' if args.manifest else out}")


if __name__ == "__main__":
    main()
