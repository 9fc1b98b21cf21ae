"""The alarm for a person in pain, on a phone, in headless Chromium: it can
always sound, it is in view wherever the page is scrolled, and the first
action is on the first screen. Sounds and vibrations are counted by an
instrumented AudioContext and navigator.vibrate; time moves with Playwright's clock.

The instrumented AudioContext behaves as a phone's: one made without a tap
or a key press on the page stays suspended until a tap or key press resumes it."""

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.steps import drawn_phase

START = datetime.fromisoformat("2026-11-21T10:00:00+03:00")
PHONE = {"width": 390, "height": 844}
SMALL = {"width": 320, "height": 640}
LARGE_TEXT = "html { font-size: 200% !important; }"

COUNT_SOUNDS = """(() => {
    window.sounds = { tones: [], vibrations: [], contexts: 0 };
    class CountingAudioContext extends EventTarget {
        constructor() {
            super();
            window.sounds.contexts += 1;
            this.state = navigator.userActivation.isActive ? "running" : "suspended";
            this.currentTime = 0;
            this.destination = {};
        }
        resume() {
            if (navigator.userActivation.isActive && this.state !== "running") {
                this.state = "running";
                this.dispatchEvent(new Event("statechange"));
            }
            return this.state === "running" ? Promise.resolve() : new Promise(() => {});
        }
        createOscillator() {
            return { frequency: { value: 0 }, connect: (node) => node,
                     start() { window.sounds.tones.push(this.frequency.value); }, stop() {} };
        }
        createGain() {
            return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect: (node) => node };
        }
    }
    window.AudioContext = CountingAudioContext;
    navigator.vibrate = (pattern) => { window.sounds.vibrations.push(pattern); return true; };
})();"""


@pytest.fixture
def context(browser):
    context = browser.new_context(timezone_id="Europe/Moscow", viewport=PHONE, has_touch=True)
    context.add_init_script(COUNT_SOUNDS)
    yield context
    context.close()


def open_timer(page, base_url, lang="en"):
    page.clock.install(time=START)
    page.clock.pause_at(START + timedelta(seconds=10))
    page.goto(f"{base_url}/{lang}/timer")
    return page


def forward(page, duration):
    page.clock.fast_forward(duration)
    page.clock.run_for(300)


def sounds(page):
    return page.evaluate("window.sounds")


def alarm_tones(page):
    """The alarm's tones (880 and 1046 Hz); not the confirmation or the skin check's."""
    return [tone for tone in sounds(page)["tones"] if tone in (880, 1046)]


def sound_button(page):
    return page.get_by_role("button", name=re.compile("Tap to turn the alarm sound on|Нажмите, чтобы включить звук"))


def in_view(page, locator):
    box = locator.bounding_box()
    viewport = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]


def above_the_tabs(page, locator):
    box = locator.bounding_box()
    tabs = page.locator("nav.tabbar")
    tabs_box = tabs.bounding_box()
    fixed = tabs.evaluate("(bar) => getComputedStyle(bar).position") == "fixed"
    return not fixed or box["y"] + box["height"] <= tabs_box["y"]


# 1. The alarm can always sound -------------------------------------------------


def test_the_start_tap_turns_the_sound_on_and_the_alarm_sounds(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    page.get_by_role("button", name="Start cooling").tap()
    forward(page, "00:01")
    assert not sound_button(page).is_visible()
    forward(page, "15:00")
    assert len(alarm_tones(page)) == 3, "three tones at once"
    forward(page, "00:03")
    assert len(alarm_tones(page)) == 6, "and again until dismissed"
    assert [400, 200, 400, 200, 400] in sounds(page)["vibrations"]


@pytest.mark.parametrize("how", ["reload", "language switch"])
def test_after_a_reload_or_a_language_switch_the_page_asks_for_a_tap_and_then_the_alarm_sounds(
    context, live_server, how
):
    page = open_timer(context.new_page(), live_server.url)
    page.get_by_role("button", name="Start cooling").tap()
    forward(page, "03:00")
    if how == "reload":
        page.reload()
    else:
        page.get_by_role("link", name="Русский").tap()
        page.wait_for_url("**/ru/timer")
    page.clock.run_for(300)
    button = sound_button(page)
    assert button.is_visible(), "the sound is locked on a new page: it says so, by the countdown"
    assert in_view(page, button) and above_the_tabs(page, button)
    # Until a tap, the alarm would be silent: vibration only.
    button.tap()
    page.clock.run_for(700)  # the button goes a moment after the tap, not during it
    assert not button.is_visible()
    assert sounds(page)["tones"] == [880], "one tone to show the sound works"
    forward(page, "12:00")
    assert len(alarm_tones(page)) >= 3 + 1


def test_the_first_tap_after_a_reload_is_not_lost_when_the_sound_button_goes(context, live_server):
    """The tap that turns the sound on is also the tap on Stop: the page must not move under the finger."""
    page = open_timer(context.new_page(), live_server.url)
    page.get_by_role("button", name="Start cooling").tap()
    forward(page, "03:00")
    page.reload()
    page.clock.run_for(300)
    assert sound_button(page).is_visible()
    page.get_by_role("button", name="Stop", exact=True).click()
    assert page.get_by_role("button", name="Yes, stop").is_visible(), "Stop asked first"
    page.clock.run_for(700)
    assert not sound_button(page).is_visible(), "the sound is on, and the button has gone"


def test_any_tap_on_any_page_turns_the_sound_on_and_the_chip_says_until_then(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    page.get_by_role("button", name="Start cooling").tap()
    other = context.new_page()  # KneeAid opened again, on another page, with the timer running
    other.clock.install(time=START + timedelta(minutes=2))
    other.clock.pause_at(START + timedelta(minutes=2, seconds=1))
    page.close()
    other.goto(f"{live_server.url}/en/check")
    other.clock.run_for(300)
    button = sound_button(other)
    assert button.is_visible() and in_view(other, button), "above the chip and the tab bar"
    assert other.locator("#timer-chip").is_visible()
    other.get_by_role("heading", name="Symptom check").tap()  # any tap
    other.clock.run_for(700)
    assert not button.is_visible()
    forward(other, "13:30")  # the ice pack went on at 10:00:10
    assert len(alarm_tones(other)) == 3


def test_without_a_tap_the_alarm_still_vibrates_and_shows(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    page.get_by_role("button", name="Start cooling").tap()
    page.reload()
    forward(page, "15:00")
    assert alarm_tones(page) == []
    assert [400, 200, 400, 200, 400] in sounds(page)["vibrations"]
    assert page.get_by_role("alertdialog", name="Time is up: take the ice pack off now.").is_visible()


def test_the_skin_check_gives_one_short_chime_and_a_vibration(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    page.get_by_role("button", name="Start cooling").tap()
    forward(page, "04:58")
    assert sounds(page)["tones"] == [] and sounds(page)["vibrations"] == []
    forward(page, "00:03")
    assert sounds(page)["tones"] == [660], "one short tone"
    assert sounds(page)["vibrations"] == [300], "one short vibration"
    assert page.locator("#skin-prompt").is_visible()
    forward(page, "01:00")
    assert sounds(page)["tones"] == [660], "once"
    page.reload()
    forward(page, "00:05")
    assert sounds(page)["vibrations"] == [], "not again after a reload"


def test_the_skin_check_reaches_another_page_too(context, live_server):
    page = open_timer(context.new_page(), live_server.url, "ru")
    page.locator("#start-cold").tap()
    page.get_by_role("link", name="Проверка").tap()
    page.wait_for_url("**/ru/check")
    forward(page, "05:01")
    reminder = page.get_by_role("status").filter(has_text="Посмотрите на кожу")
    assert reminder.is_visible() and in_view(page, reminder)
    assert sounds(page)["tones"] == [660] and sounds(page)["vibrations"] == [300]
    reminder.get_by_role("button", name="Понятно").tap()
    assert not reminder.is_visible()


# 2. A ringing alarm is a sheet in view on every page ---------------------------


@pytest.mark.parametrize("path, lang", [("check", "en"), ("doctor", "ru"), ("timer", "en")])
def test_a_ringing_alarm_is_a_sheet_in_view_with_the_focus_on_its_big_button(context, live_server, path, lang):
    page = open_timer(context.new_page(), live_server.url, lang)
    page.locator("#start-cold").tap()
    page.goto(f"{live_server.url}/{lang}/{path}")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # read to the end
    forward(page, "15:00")
    sheet = page.get_by_role("alertdialog", name=re.compile("Time is up|Время вышло"))
    assert sheet.is_visible()
    assert in_view(page, sheet) and above_the_tabs(page, sheet)
    next_step = sheet.get_by_role("link", name=re.compile("Ice off: raise the leg|Лёд снят"))
    assert next_step.evaluate("(link) => link === document.activeElement"), "the focus is on the next step"
    box = next_step.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 0.8 * sheet.bounding_box()["width"]
    next_step.tap()
    page.wait_for_url(f"**/{lang}/timer")
    assert drawn_phase(page) == "elevation"  # once the timer page's script has drawn it
    assert not sheet.is_visible()


def test_stop_the_alarm_and_stop_are_never_side_by_side(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    page.locator("#start-cold").tap()
    forward(page, "15:00")
    sheet = page.get_by_role("alertdialog", name="Time is up: take the ice pack off now.")
    assert sheet.get_by_role("button", name="Stop the alarm").is_visible()
    assert not page.get_by_role("button", name="Stop", exact=True).is_visible()
    sheet.get_by_role("button", name="Stop the alarm").tap()
    assert not sheet.is_visible()
    assert page.get_by_role("button", name="Stop", exact=True).is_visible()
    assert page.evaluate("document.activeElement.id") == "start-elevation"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_stop_question_is_a_sheet_above_the_tab_bar(context, live_server, lang):
    page = open_timer(context.new_page(), live_server.url, lang)
    page.locator("#start-cold").tap()
    page.locator("#stop").tap()
    question = page.get_by_role("alertdialog")
    assert question.is_visible() and in_view(page, question)
    for button in question.get_by_role("button").all():
        assert in_view(page, button) and above_the_tabs(page, button)
    assert page.evaluate("document.activeElement.id") == "confirm-yes"
    page.locator("#confirm-no").tap()
    assert not question.is_visible()
    assert page.evaluate("document.activeElement.id") == "stop", "the focus goes back where it was"


def test_focus_never_lands_under_the_tab_bar(context, live_server):
    page = context.new_page()
    page.goto(f"{live_server.url}/en/timer")
    padding = page.evaluate("parseFloat(getComputedStyle(document.documentElement).scrollPaddingBottom)")
    tabs = page.locator("nav.tabbar").bounding_box()
    assert padding >= tabs["height"]


# 3. The lock-screen promise: only once the server has the alarms ----------------
# (tests/browser/test_push.py: "on" with the test push service; never with a failed subscription)


def test_while_the_timer_runs_one_line_says_whether_the_alarm_reaches_a_locked_phone(context, live_server):
    page = open_timer(context.new_page(), live_server.url)  # notifications not allowed here
    status = page.locator("#lock-status")
    assert not status.is_visible()
    page.locator("#start-cold").tap()
    page.clock.run_for(300)
    assert status.inner_text() == "Keep this page open: the alarm cannot reach a locked phone."
    assert in_view(page, status)
    page.get_by_role("button", name="Skip to leg up").tap()
    page.clock.run_for(300)
    assert status.is_visible(), "in every running phase"


# 4. The first action is on the first screen ------------------------------------


@pytest.mark.parametrize("lang, name", [("en", "Start the ice timer"), ("ru", "Запустить таймер: пакет со льдом")])
def test_the_home_page_starts_with_the_ice_timer_above_the_tab_bar(browser, live_server, lang, name):
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/{lang}/")
        start = page.get_by_role("link", name=name)
        assert in_view(page, start) and above_the_tabs(page, start)
        heading = page.get_by_role("heading", level=1).bounding_box()
        call = page.locator("main a.call-button").bounding_box()
        assert heading["y"] < start.bounding_box()["y"] < call["y"], "right under the heading, before the signs"
        lead = page.locator("main .lead")
        assert len(lead.inner_text().split()) <= 8, "one line of lead"
        assert call["y"] + call["height"] <= page.locator("nav.tabbar").bounding_box()["y"], (
            "the call button on the first screen too"
        )
        start.click()
        page.wait_for_url(f"**/{lang}/timer")
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("viewport, large_text", [(PHONE, False), (SMALL, True)])
def test_the_timers_start_is_visible_without_scrolling(browser, live_server, lang, viewport, large_text):
    context = browser.new_context(viewport=viewport, bypass_csp=large_text)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/{lang}/timer")
        if large_text:
            page.add_style_tag(content=LARGE_TEXT)
        page.wait_for_timeout(100)
        start = page.locator("#start-cold")
        assert in_view(page, start) and above_the_tabs(page, start)
        # Ticking a reason not to use ice takes Start away and offers the leg up alone.
        page.locator('input[name="no_cold"][value="open_wound"]').check()
        assert not start.is_visible()
    finally:
        context.close()


# 5. The check bar's call button -------------------------------------------------


@pytest.mark.parametrize("lang, number", [("en", "112"), ("ru", "103")])
def test_the_check_bars_call_button_is_solid_red_full_width_and_first(browser, live_server, lang, number):
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/{lang}/check")
        page.locator('input[value="cold_foot"]').check()
        bar = page.locator(".check-bar")
        call = bar.locator(f'.tier-emergency a.call-button[href="tel:{number}"]')
        call.wait_for()
        page.wait_for_load_state("networkidle")  # the server's preview replaces the page's own
        # Polled: under load the preview's swap can land just after the network goes idle.
        expect(call).to_be_in_viewport(ratio=1)
        colours = call.evaluate("(link) => [getComputedStyle(link).backgroundColor, getComputedStyle(link).color]")
        assert colours == ["rgb(163, 18, 27)", "rgb(255, 255, 255)"], "solid red, white words"
        bar_box, call_box = bar.bounding_box(), call.bounding_box()
        assert call_box["width"] >= bar_box["width"] - 40, "full width"
        show = bar.get_by_role("button", name=re.compile("Show the result|Показать"))
        for other in (bar.get_by_role("heading"), show):
            assert call_box["y"] < other.bounding_box()["y"], "first"
    finally:
        context.close()


# 8. The smaller things --------------------------------------------------------


def test_switching_language_on_the_check_opens_at_the_answer_last_changed(browser, live_server):
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/en/check")
        page.locator('input[value="calf"]').check()
        page.get_by_role("link", name="Русский").click()  # the link is at the top: the page is scrolled there
        page.wait_for_url("**/ru/check?s=calf#s-calf")
        page.wait_for_timeout(200)
        box = page.locator('input[value="calf"]')
        assert box.is_checked()
        assert page.evaluate("window.scrollY") > 500, "not back at the top of the list"
        assert in_view(page, box)
    finally:
        context.close()


def test_a_tick_before_the_rules_have_loaded_still_goes_along_to_the_other_language(browser, live_server):
    """A slow network: the rules file has not come yet when the box is ticked and the
    language link tapped. The link still takes the tick and the place on the page."""
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        held = []
        page.route("**/static/data/triage.json*", lambda route: held.append(route))  # held while the box is ticked
        with page.expect_request("**/static/data/triage.json*"):
            page.goto(f"{live_server.url}/en/check")
        page.locator('input[value="calf"]').check()
        assert page.get_by_role("link", name="Русский").get_attribute("href").endswith("?s=calf#s-calf")
        assert held, "the rules are still on their way"
        for route in held:
            route.continue_()
        page.unroute("**/static/data/triage.json*")
        page.get_by_role("link", name="Русский").click()
        page.wait_for_url("**/ru/check?s=calf#s-calf")
        assert page.locator('input[value="calf"]').is_checked()
    finally:
        context.close()


def test_home_highlights_no_tab_and_a_guide_highlights_guides(page, live_server):
    page.goto(f"{live_server.url}/en/")
    assert page.locator('nav.tabbar [aria-current="page"]').count() == 0
    page.goto(f"{live_server.url}/en/doctor")
    assert page.locator('nav.tabbar [aria-current="page"]').inner_text() == "Guides"


def test_the_doctor_pages_link_to_the_check_is_a_big_target(page, live_server):
    page.goto(f"{live_server.url}/en/doctor")
    box = page.get_by_role("link", name="Start the symptom check").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44


def test_no_border_runs_through_a_heading_of_two_lines(browser, live_server):
    context = browser.new_context(viewport=SMALL, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/ru/check")
        page.add_style_tag(content=LARGE_TEXT)
        page.wait_for_timeout(100)
        for fieldset in page.locator("fieldset").all():
            legend = fieldset.locator("legend").bounding_box()
            border = fieldset.evaluate("(set) => parseFloat(getComputedStyle(set).borderTopWidth)")
            top = fieldset.bounding_box()["y"] + border
            assert legend["y"] >= top, "the legend inside the border, below its top line"
    finally:
        context.close()
