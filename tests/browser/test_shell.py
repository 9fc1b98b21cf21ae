"""The app shell in real headless Chromium: languages, install, offline, accessibility."""

import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

from kneeaid import PROJECT_ROOT

HEADINGS = {"en": "My knee hurts: what now?", "ru": "Болит колено: что делать?"}


def test_switching_language_keeps_the_page_and_is_remembered(page, live_server):
    page.goto(live_server.url + "/en/about")
    page.get_by_role("link", name="Русский").click()
    page.wait_for_url("**/ru/about")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("heading", level=1).inner_text() == "О KneeAid"

    page.goto(live_server.url + "/")
    page.wait_for_url("**/ru/")
    assert page.get_by_role("heading", level=1).inner_text() == HEADINGS["ru"]


def test_boosted_links_swap_the_page_without_a_full_load(page, live_server):
    page.goto(live_server.url + "/en/")
    page.evaluate("window.stillTheSameDocument = true")
    page.get_by_role("link", name="About KneeAid: sources and privacy").click()
    page.wait_for_url("**/en/about")
    assert page.get_by_role("heading", level=1).inner_text() == "About KneeAid"
    assert page.evaluate("window.stillTheSameDocument") is True
    assert page.title() == "About KneeAid · KneeAid"


def test_chromium_finds_the_app_installable(persistent_context, live_server, offline_ready):
    page = persistent_context.new_page()
    page.goto(live_server.url + "/ru/")
    offline_ready(page)
    cdp = persistent_context.new_cdp_session(page)
    result = cdp.send("Page.getInstallabilityErrors")
    assert result["installabilityErrors"] == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith("/ru/manifest.webmanifest")
    assert not manifest.get("errors")


def test_every_page_of_both_languages_opens_with_the_network_gone(context, own_live_server, go_offline, page_urls):
    server = own_live_server
    page = go_offline(server, "/ru/about")
    offline_headings = {"You are offline", "Нет подключения к сети"}
    for path in page_urls:
        response = page.goto(server.url + path)
        assert response.ok, path
        lang = path.split("/")[1]
        assert page.locator("html").get_attribute("lang") == lang, path
        assert page.get_by_role("heading", level=1).count() == 1, path
        heading = page.get_by_role("heading", level=1).inner_text()
        # The page itself was saved at install, not the "not saved yet" page in its place.
        assert (heading in offline_headings) == path.endswith("/offline"), (path, heading)

    page.goto(server.url + "/en/")
    page.get_by_role("link", name="Русский").click()
    page.wait_for_url("**/ru/")
    assert page.get_by_role("heading", level=1).inner_text() == HEADINGS["ru"]

    page.get_by_role("link", name="О KneeAid: источники и конфиденциальность").click()
    page.wait_for_url("**/ru/about")
    assert page.get_by_role("heading", level=1).inner_text() == "О KneeAid"


def test_an_unsaved_page_offline_shows_the_offline_page(context, own_live_server, go_offline):
    page = go_offline(own_live_server, "/en/")
    page.goto(own_live_server.url + "/")
    page.wait_for_url("**/en/")
    assert page.get_by_role("heading", level=1).inner_text() == HEADINGS["en"]
    page.goto(own_live_server.url + "/ru/never-saved")
    assert page.get_by_role("heading", level=1).inner_text() == "Нет подключения к сети"


def test_a_new_version_is_picked_up_by_itself(context, tmp_path, offline_ready, make_app, serve_app):
    static_copy = tmp_path / "static"
    shutil.copytree(PROJECT_ROOT / "static", static_copy)
    app = make_app()
    app.static_folder = str(static_copy)
    server = serve_app(app)
    page = context.new_page()
    page.goto(server.url + "/en/")
    offline_ready(page)
    first_worker = page.evaluate("navigator.serviceWorker.controller.scriptURL")

    stylesheet = static_copy / "css" / "app.css"
    stylesheet.write_text(stylesheet.read_text() + "\n.new-version-marker { color: red; }\n")
    # What restarting after a deploy does: the precache list and the pages' skeletons are made again.
    app.extensions.pop("kneeaid.precache")
    app.extensions.pop("kneeaid.skeletons", None)
    app.extensions.pop("kneeaid.answers", None)
    page.evaluate("""new Promise((resolve) => {
        navigator.serviceWorker.addEventListener('controllerchange', resolve);
        navigator.serviceWorker.getRegistration().then((registration) => registration.update());
    })""")
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == first_worker

    server.stop()
    context.set_offline(True)
    page.goto(server.url + "/en/about")
    css_url = page.locator('link[rel="stylesheet"]').get_attribute("href")
    css = page.evaluate("(url) => fetch(url).then((response) => response.text())", css_url)
    assert ".new-version-marker" in css
    old_entries = page.evaluate("""caches.open('kneeaid-precache').then((cache) => cache.keys())
        .then((keys) => keys.map((request) => request.url).filter((url) => url.includes('app.css')))""")
    assert len(old_entries) == 1, "activate must drop what the new list no longer holds"


@pytest.mark.service_worker  # as a phone has them: each page after the first through the worker
@pytest.mark.parametrize("lang", ["en", "ru"])  # in parts, so the test workers share them
def test_every_page_passes_axe_in_light_and_dark_and_logs_no_error_or_security_policy_break(
    browser, live_server, lang, page_urls
):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    axe = Axe()
    problems = {}
    for path in (path for path in page_urls if path.startswith(f"/{lang}/")):
        page.emulate_media(color_scheme="light")
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        for scheme in ("light", "dark"):  # the colours change in place, as when the phone switches
            page.emulate_media(color_scheme=scheme)
            results = axe.run(page)
            if results.violations_count:
                problems[f"{path} ({scheme})"] = results.generate_report()
    context.close()
    assert problems == {}
    assert errors == []


@pytest.mark.parametrize("motion, fastest, slowest", [("no-preference", 0.1, 1), ("reduce", 0, 0.001)])
def test_motion_is_reduced_when_the_person_asks(browser, live_server, motion, fastest, slowest):
    context = browser.new_context(reduced_motion=motion)
    page = context.new_page()
    page.goto(live_server.url + "/en/")
    duration = page.evaluate("getComputedStyle(document.querySelector('.action')).transitionDuration")
    assert fastest <= float(duration.rstrip("s")) <= slowest
    context.close()


def test_the_axe_check_does_catch_a_violation(page):
    # Proves the accessibility test above can fail: an unlabelled field is a violation.
    page.set_content("<!doctype html><html lang='en'><title>x</title><main><input></main></html>")
    assert Axe().run(page).violations_count > 0


def test_pages_do_not_shift_while_loading(page, live_server):
    for path in ("/en/", "/ru/", "/ru/about"):
        page.goto(live_server.url + path)
        shift = page.evaluate("""() => new Promise((resolve) => {
            let total = 0;
            new PerformanceObserver((list) => {
                for (const entry of list.getEntries()) total += entry.value;
            }).observe({ type: "layout-shift", buffered: true });
            setTimeout(() => resolve(total), 300);
        })""")
        assert shift < 0.01, path
