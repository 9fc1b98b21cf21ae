"""The first-aid timer in headless Chromium, time moved with Playwright's clock."""

import json
import re
from datetime import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.steps import PAUSED, START, drawn_phase, forward, open_timer, start

# 10:00 in Moscow: "today" and the clock times below are fixed. The clock is
# paused, so time moves only when a test moves it.
START_COOLING_RU = "Запустить таймер"


@pytest.fixture
def context(browser):
    context = browser.new_context(timezone_id="Europe/Moscow", viewport={"width": 390, "height": 844})
    yield context
    context.close()


def phase(page):
    return page.locator("#timer").get_attribute("data-phase")


def shown(page):
    return page.get_by_role("timer").inner_text()


def sessions(page):
    return json.loads(page.evaluate("localStorage.getItem('kneeaid.sessions')") or "[]")


def test_a_whole_session_from_cold_to_done(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    assert phase(page) == "ready"
    assert page.get_by_role("radio", name="15 minutes").is_checked()
    start(page)
    assert phase(page) == "cold"
    assert shown(page) == "15:00"

    forward(page, "04:58")
    assert not page.locator("#skin-prompt").is_visible()
    forward(page, "00:02")
    assert shown(page) == "10:00"
    assert page.locator("#skin-prompt").is_visible()

    forward(page, "10:00")
    assert phase(page) == "cold-over"
    assert shown(page) == "00:00"
    assert page.locator("#timer").get_attribute("data-alarm") == "ringing"
    # While it rings, the alarm sheet says it (once: not the page below it too).
    assert page.locator("#alarm-sheet .sheet-title").inner_text() == "Time is up: take the ice pack off now."
    assert page.locator(".alarm-text").is_hidden()
    forward(page, "00:30")
    assert page.locator("#timer").get_attribute("data-alarm") == "ringing", "rings until dismissed"
    page.get_by_role("button", name="Stop the alarm").click()
    assert page.locator("#timer").get_attribute("data-alarm") == "off"

    page.get_by_label("How long to keep the leg up (at least)").select_option("10")
    page.get_by_role("button", name="Start: leg up").click()
    assert phase(page) == "elevation"
    assert shown(page) == "10:00"
    forward(page, "10:00")
    assert phase(page) == "done"
    assert page.get_by_text("Next ice pack possible from 12:15.").is_visible()
    assert page.get_by_text("1 session done today.").is_visible()

    [record] = sessions(page)
    assert record["outcome"] == "completed"
    assert record["cold"] == {"plannedMinutes": 15, "actualSeconds": 900}
    assert record["elevation"] == {"plannedMinutes": 10, "actualSeconds": 600}
    assert record["startedAt"] == "2026-11-21T07:00:10.000Z"
    assert re.fullmatch(r"[0-9a-f-]{36}", record["id"])

    assert page.get_by_role("link", name="How is the knee now?").get_attribute("href") == "/en/diary#add-title"
    page.get_by_role("button", name="Start again").click()
    question = page.get_by_role("alertdialog")
    assert "less than 2 hours ago" in question.inner_text()
    assert phase(page) == "done", "nothing starts before the answer"
    question.get_by_role("button", name="Start anyway").click()
    assert phase(page) == "cold" and shown(page) == "15:00"


def test_a_reload_shows_the_same_time(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    start(page)
    forward(page, "07:30")
    page.reload()
    page.clock.run_for(300)
    assert phase(page) == "cold"
    assert shown(page) == "07:30"


def test_switching_to_russian_offline_keeps_the_time(context, own_live_server, offline_ready):
    page = open_timer(context.new_page(), own_live_server.url)
    offline_ready(page)
    start(page)
    forward(page, "07:30")
    own_live_server.stop()
    context.set_offline(True)

    page.get_by_role("link", name="Русский").click()
    page.wait_for_url("**/ru/timer")
    page.clock.run_for(300)
    assert page.get_by_role("heading", level=1).inner_text() == "Таймер первой помощи"
    assert phase(page) == "cold"
    assert shown(page) == "07:30"


@pytest.mark.parametrize(
    "lang, away, message",
    [
        ("en", "20:00", "The ice pack should have come off 5 minutes ago: take it off now."),
        ("en", "16:00", "The ice pack should have come off 1 minute ago: take it off now."),
        ("ru", "16:00", "Пакет со\xa0льдом нужно было снять 1\xa0минуту назад. Снимите его сейчас."),
        ("ru", "17:00", "Пакет со\xa0льдом нужно было снять 2\xa0минуты назад. Снимите его сейчас."),
        ("ru", "20:00", "Пакет со\xa0льдом нужно было снять 5\xa0минут назад. Снимите его сейчас."),
        ("ru", "36:00", "Пакет со\xa0льдом нужно было снять 21\xa0минуту назад. Снимите его сейчас."),
    ],
)
def test_reopening_after_the_end_says_how_long_ago(context, live_server, lang, away, message):
    page = open_timer(context.new_page(), live_server.url, lang)
    start(page, {"en": "Start cooling", "ru": START_COOLING_RU}[lang])
    page.goto("about:blank")
    page.clock.fast_forward(away)
    page.goto(f"{live_server.url}/{lang}/timer")
    page.clock.run_for(300)
    assert phase(page) == "cold-over"
    assert page.locator("#timer-ended").inner_text() == message


def store_cold(page, minutes):
    page.evaluate(
        """(minutes) => {
        const now = Date.now();
        localStorage.setItem("kneeaid.timer", JSON.stringify({
            id: "tampered", startedAt: now, phase: "cold", coldMinutes: minutes,
            elevationMinutes: 15, phaseStartedAt: now, phaseEndsAt: now + minutes * 60000,
            pausedAt: null, pausedMs: 0, cold: null, elevation: null}));
    }""",
        minutes,
    )


def test_a_stored_60_minute_cold_is_refused(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    store_cold(page, 60)
    page.reload()
    page.clock.run_for(300)
    assert phase(page) == "cold"
    assert shown(page) == "15:00"
    assert page.locator("#timer-notice").inner_text() == (
        "A saved timer asked for 60 minutes with the ice pack. "
        "It must never stay on for more than 15 minutes, so the time was shortened."
    )
    forward(page, "15:00")
    assert phase(page) == "cold-over"


def test_the_timer_offers_10_12_or_15_minutes_of_cold_and_nothing_longer(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    offered = page.locator('input[name="cold"]').evaluate_all("(boxes) => boxes.map((box) => box.value)")
    assert offered == ["10", "12", "15"]
    page.goto(f"{live_server.url}/en/timer?cold=20")
    assert page.get_by_role("radio", name="15 minutes").is_checked()
    start(page)
    assert shown(page) == "15:00"


def test_a_tampered_address_cannot_preset_a_longer_cold(context, live_server):
    page = context.new_page()
    page.clock.install(time=START)
    page.clock.pause_at(PAUSED)
    page.goto(f"{live_server.url}/ru/timer?cold=45")
    assert page.get_by_role("radio", name="15\xa0минут").is_checked()
    assert "45\xa0минут со\xa0льдом" in page.locator("#timer-notice").inner_text()
    start(page, START_COOLING_RU)
    assert shown(page) == "15:00"


def test_unreadable_saved_state_is_cleared_and_said(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    page.evaluate('localStorage.setItem(\'kneeaid.timer\', \'{"phase": "cold", "phaseEndsAt": "soon"\')')
    page.reload()
    assert phase(page) == "ready"
    assert page.locator("#timer-notice").inner_text() == "A saved timer could not be read, so it was cleared."


def test_pause_and_resume_keep_the_right_time(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    page.get_by_role("radio", name="10 minutes").check()
    start(page)
    forward(page, "02:00")
    assert shown(page) == "08:00"
    page.get_by_role("button", name="Pause").click()
    forward(page, "02:00")
    assert shown(page) == "08:00"
    page.reload()
    page.clock.run_for(300)
    assert shown(page) == "08:00"
    page.get_by_role("button", name="Resume").click()
    forward(page, "01:00")
    assert shown(page) == "07:00"
    forward(page, "06:56")
    assert phase(page) == "cold", "the paused minutes are not taken off the ice pack's time"
    forward(page, "00:04")
    assert phase(page) == "cold-over", "nor added to it"


def test_while_cooling_the_clock_time_to_take_the_ice_pack_off_is_shown(context, live_server):
    page = open_timer(context.new_page(), live_server.url)  # the clock starts at 10:00 (+03:00)
    page.get_by_role("radio", name="12 minutes").check()
    start(page)
    page.clock.run_for(300)
    assert page.locator("#ice-off-at").inner_text() == "Ice pack off at 10:12", "24-hour, in each language"
    page.get_by_role("button", name="Pause").click()
    forward(page, "05:00")
    assert page.locator("#ice-off-at").inner_text() == "Ice pack off at 10:15", "paused: the cap"
    page.get_by_role("button", name="Skip to leg up").click()
    page.clock.run_for(300)
    assert page.locator("#ice-off-at").is_hidden()


def test_a_paused_ice_pack_still_counts_toward_15_minutes(context, live_server):
    """docs/medical-rules.md: the ice pack is on the knee until the person says
    it is off; 15 minutes after it went on, pauses included, it must come off."""
    page = open_timer(context.new_page(), live_server.url)
    start(page)  # 15 minutes
    forward(page, "05:00")
    page.get_by_role("button", name="Pause").click()
    assert page.get_by_text("it still counts").is_visible()
    forward(page, "04:00")
    assert shown(page) == "06:00", "the countdown goes on while paused: the cap is near"
    forward(page, "06:00")
    assert phase(page) == "cold-over"
    assert page.locator("#alarm-sheet").is_visible()


def test_resumed_after_a_long_pause_the_ice_pack_still_comes_off_15_minutes_after_it_went_on(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    start(page)  # 15 minutes
    forward(page, "05:00")
    page.get_by_role("button", name="Pause").click()
    forward(page, "04:00")
    page.get_by_role("button", name="Resume").click()
    page.clock.run_for(300)
    assert shown(page) == "06:00", "resumed: the time left is the cap's, not the 10 minutes still planned"
    assert not page.get_by_text("it still counts").is_visible()
    forward(page, "05:55")
    assert phase(page) == "cold"
    forward(page, "00:05")
    assert phase(page) == "cold-over"
    assert page.locator("#alarm-sheet").is_visible()


def test_a_pause_never_takes_a_shorter_session_past_15_minutes(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    page.get_by_role("radio", name="12 minutes").check()
    start(page)
    forward(page, "02:00")
    page.get_by_role("button", name="Pause").click()
    forward(page, "05:00")
    page.get_by_role("button", name="Resume").click()
    page.clock.run_for(300)
    assert shown(page) == "08:00", "12 minutes planned, but 15 after the start at the latest"
    forward(page, "07:55")
    assert phase(page) == "cold"
    forward(page, "00:05")
    assert phase(page) == "cold-over"


def test_the_display_never_differs_from_the_wall_clock_by_more_than_a_second(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    start(page)
    for step in [700, 13_300, 61_900, 59_500, 213_300, 400, 142_200]:  # milliseconds
        forward(page, step)
        gap = page.evaluate("""() => {
            const state = JSON.parse(localStorage.getItem("kneeaid.timer"));
            const [minutes, seconds] = document.getElementById("countdown").textContent.split(":");
            const shownSeconds = Number(minutes) * 60 + Number(seconds);
            return Math.abs(shownSeconds - (state.phaseEndsAt - Date.now()) / 1000);
        }""")
        assert gap <= 1, step


def test_a_contraindication_offers_elevation_alone(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    page.get_by_label("there is an open wound").check()
    assert not page.get_by_role("button", name="Start cooling").is_visible()
    assert page.get_by_text("Do not use an ice pack on this knee.").is_visible()
    page.get_by_role("button", name="Start: leg up").click()
    assert phase(page) == "elevation"
    assert shown(page) == "15:00"
    forward(page, "15:00")
    assert phase(page) == "done"
    [record] = sessions(page)
    assert record["cold"] is None
    assert record["elevation"] == {"plannedMinutes": 15, "actualSeconds": 900}


def test_stopping_keeps_what_was_done(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    start(page)
    forward(page, "03:00")
    page.get_by_role("button", name="Stop").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Cancel").click()
    assert phase(page) == "cold" and sessions(page) == [], "Cancel keeps the timer running"
    page.get_by_role("button", name="Stop").click()
    page.get_by_role("button", name="Yes, stop").click()
    assert phase(page) == "ready"
    [record] = sessions(page)
    assert record["outcome"] == "stopped"
    assert record["cold"] == {"plannedMinutes": 15, "actualSeconds": 180}


def test_skip_to_elevation_during_cold(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    start(page)
    forward(page, "06:00")
    page.get_by_role("button", name="Skip to leg up").click()
    assert phase(page) == "elevation"
    assert shown(page) == "15:00"


def test_the_alarm_rings_on_other_pages_and_as_a_notification(context, live_server, offline_ready):
    context.grant_permissions(["notifications"])
    page = open_timer(context.new_page(), live_server.url)
    offline_ready(page)
    start(page)
    page.get_by_role("link", name="About KneeAid: sources and privacy").click()
    page.wait_for_url("**/en/about")
    banner = page.get_by_role("alertdialog", name="Time is up: take the ice pack off now.")
    assert not banner.is_visible()
    forward(page, "15:00")
    assert banner.is_visible()
    # The service worker shows it a moment after the page's banner: wait for it, then read it.
    titles = page.wait_for_function(
        """navigator.serviceWorker.ready
        .then((registration) => registration.getNotifications({ tag: "kneeaid-timer" }))
        .then((notifications) => notifications.length && notifications.map((notification) => notification.title))""",
        timeout=10_000,
    ).json_value()
    assert titles == ["KneeAid: take the ice pack off now"]
    banner.get_by_role("button", name="Stop the alarm").click()
    assert not banner.is_visible()


def test_the_alarm_banners_big_button_is_the_next_step(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    start(page)
    page.get_by_role("link", name="About KneeAid: sources and privacy").click()
    page.wait_for_url("**/en/about")
    forward(page, "15:00")
    banner = page.get_by_role("alertdialog", name="Time is up: take the ice pack off now.")
    next_step = banner.get_by_role("link", name="Ice off: raise the leg")
    assert next_step.bounding_box()["height"] >= 48
    assert banner.get_by_role("button", name="Stop the alarm").bounding_box()["height"] >= 48
    next_step.click()
    page.wait_for_url("**/en/timer")
    assert drawn_phase(page) == "elevation"
    assert shown(page) == "15:00"
    assert page.locator("#timer").get_attribute("data-alarm") == "off"


def test_announcements_at_phase_changes_and_once_a_minute(context, live_server):
    page = open_timer(context.new_page(), live_server.url, "ru")
    announcer = page.locator("#timer-announcer")
    assert announcer.get_attribute("aria-live") == "polite"
    start(page, START_COOLING_RU)
    assert announcer.inner_text() == "Пакет со\xa0льдом приложен: таймер на 15\xa0минут."
    forward(page, "00:30")
    assert announcer.inner_text() == "Пакет со\xa0льдом приложен: таймер на 15\xa0минут.", "not every second"
    forward(page, "00:31")
    assert announcer.inner_text() == "Осталось 14\xa0минут"
    forward(page, "04:00")
    assert announcer.inner_text() == "Посмотрите на кожу."
    forward(page, "06:00")
    assert announcer.inner_text() == "Осталось 4\xa0минуты"
    forward(page, "04:00")
    assert announcer.inner_text() == "Время вышло\xa0— снимите пакет со\xa0льдом сейчас же."


def test_without_wake_lock_the_timer_works_and_says_the_screen_may_lock(context, live_server):
    page = context.new_page()
    page.add_init_script("delete Navigator.prototype.wakeLock")
    open_timer(page, live_server.url)
    start(page)
    assert page.get_by_text("This device may lock the screen.").is_visible()
    forward(page, "01:00")
    assert shown(page) == "14:00"


def test_keyboard_alone_runs_the_timer(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    page.get_by_role("radio", name="15 minutes").focus()
    page.keyboard.press("ArrowUp")  # to 12 minutes
    page.get_by_role("button", name="Start cooling").focus()
    page.keyboard.press("Enter")
    assert shown(page) == "12:00"
    forward(page, "12:00")
    # The ringing alarm's sheet has the focus, on its big button: Enter is the next step.
    assert page.evaluate("document.activeElement.textContent") == "Ice off: raise the leg"
    loads = []
    page.on("request", lambda request: request.url.endswith("/en/timer") and loads.append(request.url))
    page.keyboard.press("Enter")
    assert phase(page) == "elevation"
    assert page.locator("#timer").get_attribute("data-alarm") == "off"
    page.wait_for_timeout(500)  # a boosted load of the page would have been asked for by now
    assert loads == [], "the timer page is already open: the next step must not load it again"
    assert phase(page) == "elevation"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_axe_finds_nothing_in_any_phase(context, live_server, lang):
    # axe needs its own timers to run, so here the clock flows.
    page = open_timer(context.new_page(), live_server.url, lang, paused=False)
    axe = Axe()
    seen = {}
    for action in [None, "start", "05:00", "10:00", "elevation", "15:00"]:
        if action == "start":
            start(page, {"en": "Start cooling", "ru": START_COOLING_RU}[lang])
        elif action == "elevation":
            page.locator("#alarm-sheet .alarm-next").click()  # the ringing alarm's next step
        elif action:
            forward(page, action)
        seen[phase(page)] = axe.run(page).violations_count
    assert seen == {"ready": 0, "cold": 0, "cold-over": 0, "elevation": 0, "done": 0}


def test_the_browser_reads_the_same_timer_limits_as_the_server(context, live_server):
    from kneeaid.timer.limits import COLD_MAX, LIMITS

    page = open_timer(context.new_page(), live_server.url)
    assert page.evaluate("import('/static/js/shell.js').then((shell) => shell.config.timerLimits)") == LIMITS
    assert page.evaluate("import('/static/js/timer-state.js').then((state) => state.COLD_MAX_MINUTES)") == COLD_MAX
    offered = page.locator('input[name="cold"]').evaluate_all("(boxes) => boxes.map((box) => Number(box.value))")
    assert offered == LIMITS["coldChoices"]


def test_a_running_timer_shows_on_every_other_page_and_leads_back(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    chip = page.locator("#timer-chip")
    assert chip.is_hidden(), "not on the timer's own page"
    start(page)
    page.get_by_role("link", name="About KneeAid: sources and privacy").click()
    page.wait_for_url("**/en/about")
    forward(page, "03:00")
    assert chip.is_visible()
    assert chip.inner_text().split() == ["Ice", "pack", "12:00"]
    page.get_by_role("link", name=re.compile("Ice pack")).click()
    page.wait_for_url("**/en/timer")
    assert drawn_phase(page) == "cold"
    page.get_by_role("button", name="Skip to leg up").click()
    page.goto(f"{live_server.url}/ru/check")
    page.clock.run_for(300)
    assert chip.is_visible() and chip.inner_text().split()[:3] == ["Нога", "на", "возвышении"]
    page.goto(f"{live_server.url}/ru/timer")
    page.get_by_role("button", name="Остановить").click()
    page.get_by_role("button", name="Да, остановить").click()
    page.goto(f"{live_server.url}/ru/")
    page.clock.run_for(300)
    assert chip.is_hidden()


def test_the_timer_says_plainly_when_the_alarm_may_not_come(context, live_server, lang):
    page = open_timer(context.new_page(), live_server.url, lang)
    note = page.locator("#alarm-limits")
    assert note.is_visible()
    said = {
        "en": [
            "no network and a locked screen",
            "on an iPhone where KneeAid is not on the home screen",
            "when notifications are refused",
        ],
        "ru": [
            "если нет сети и экран заблокирован",
            "если на iPhone KneeAid не добавлен на экран «Домой»",
            "если уведомления запрещены",
        ],
    }[lang]
    assert [words for words in said if words not in note.inner_text()] == []


@pytest.mark.parametrize("asked", [60, 20, 11])
def test_starting_never_takes_a_length_the_timer_does_not_offer(context, live_server, asked):
    page = open_timer(context.new_page(), live_server.url)
    page.locator('input[name="cold"][value="15"]').evaluate(f"(box) => {{ box.value = '{asked}'; }}")
    start(page)
    page.clock.run_for(300)
    assert shown(page) == "15:00"
    assert page.evaluate("JSON.parse(localStorage.getItem('kneeaid.timer')).coldMinutes") == 15


def test_the_start_button_is_on_the_first_screen_of_a_phone(browser, live_server, lang):
    context = browser.new_context(viewport={"width": 412, "height": 915})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/{lang}/timer")
        button = page.locator("#start-cold").bounding_box()
        tabs = page.get_by_role("navigation", name=re.compile("Main|Главное")).bounding_box()
        assert button["y"] + button["height"] <= tabs["y"], "Start must not need scrolling, nor hide under the tabs"
    finally:
        context.close()


def test_the_screen_stays_on_while_the_timer_runs_unless_the_person_says_no(context, live_server):
    page = context.new_page()
    page.add_init_script("""
        window.wakeLocks = [];
        Object.defineProperty(navigator, "wakeLock", {value: {request: async () => {
            const lock = {released: false, addEventListener() {}, release() { this.released = true; }};
            window.wakeLocks.push(lock);
            return lock;
        }}});
    """)
    open_timer(page, live_server.url)
    assert page.get_by_label("Keep the screen on while the timer runs").is_checked()
    start(page)
    page.clock.run_for(300)
    assert page.evaluate("window.wakeLocks.filter((lock) => !lock.released).length") == 1
    page.get_by_label("Keep the screen on while the timer runs").uncheck()
    page.clock.run_for(300)
    assert page.evaluate("window.wakeLocks.filter((lock) => !lock.released).length") == 0
    page.reload()
    page.clock.run_for(300)
    assert not page.get_by_label("Keep the screen on while the timer runs").is_checked(), "remembered"
    assert page.evaluate("window.wakeLocks.length") == 0


def test_notifications_are_asked_for_once_at_the_first_start_and_a_no_is_kept(context, live_server):
    page = context.new_page()
    page.add_init_script("""
        window.asked = Number(localStorage.getItem("test.asked") || 0);
        window.Notification = class { static permission = "default";
            static requestPermission() {
                localStorage.setItem("test.asked", String(++window.asked));
                return new Promise((resolve) => { window.answer = (answer) => {
                    window.Notification.permission = answer; resolve(answer); }; });
            } };
    """)
    open_timer(page, live_server.url)
    assert page.evaluate("window.asked") == 0, "not asked before a timer starts"
    assert page.locator("#alarm-limits").is_visible()
    start(page)
    assert page.evaluate("window.asked") == 1
    assert page.get_by_text("KneeAid asks once whether it may send notifications").is_visible()
    assert phase(page) == "cold", "the timer runs whatever the answer"
    page.evaluate("window.answer('denied')")
    page.clock.run_for(300)
    # Answered: the explanations go, the one line under the countdown stays.
    assert not page.get_by_text("KneeAid asks once").is_visible()
    assert not page.locator("#alarm-limits").is_visible()
    assert page.locator("#lock-status").inner_text() == "Keep this page open: the alarm cannot reach a locked phone."
    page.get_by_role("button", name="Stop").click()
    page.get_by_role("button", name="Yes, stop").click()
    page.reload()
    start(page)
    assert page.evaluate("window.asked") == 1, "asked only once"
    assert not page.get_by_text("KneeAid asks once").is_visible()


# A timer that knows what day it is (issue 41) -----------------------------------------------------


def a_whole_session(page):
    """From the set-up screen to "done": 15 minutes of ice (the alarm stopped), 15 of leg up."""
    start(page)
    forward(page, "15:00")
    page.get_by_role("button", name="Stop the alarm").click()
    page.get_by_role("button", name="Start: leg up").click()
    forward(page, "15:00")
    assert phase(page) == "done"


def test_done_says_when_the_next_ice_pack_may_go_on_until_then_and_is_ready_again_later_that_day(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    a_whole_session(page)  # the ice pack came off at 10:15, the leg came down at 10:30
    next_one = page.locator("#next-session")
    assert next_one.inner_text() == "Next ice pack possible from 12:15."
    forward(page, "01:44:00")  # 12:14
    assert next_one.inner_text() == "Next ice pack possible from 12:15."
    forward(page, "00:01:00")  # 12:15: possible now, nothing to wait for
    assert next_one.is_hidden()
    forward(page, "10:14:00")  # 22:29: still the session just done
    assert phase(page) == "done"
    forward(page, "00:02:00")  # 22:31, 12 hours after the end: a new day's timer
    assert phase(page) == "ready"
    page.reload()
    assert phase(page) == "ready" and page.locator("#timer-ended").is_hidden()
    assert len(sessions(page)) == 1, "the session is kept, once"


def test_a_next_ice_pack_after_midnight_names_its_day(browser, live_server):
    context = browser.new_context(timezone_id="Europe/Moscow", viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.clock.install(time=datetime.fromisoformat("2026-11-21T22:30:00+03:00"))  # a Saturday
        page.clock.pause_at(datetime.fromisoformat("2026-11-21T22:30:10+03:00"))
        page.goto(f"{live_server.url}/en/timer")
        a_whole_session(page)  # ice off at 22:45: the next one from 00:45 on Sunday
        assert page.locator("#next-session").inner_text() == "Next ice pack possible from Sunday 00:45."
    finally:
        context.close()


def test_two_days_later_the_timer_is_ready_and_a_new_follow_up_is_two_days_ahead(context, live_server):
    """Two days after a session the timer showed "Done" with a clock time of two days ago, and its
    "Remind me in 2 days" set the question due at once."""
    page = open_timer(context.new_page(), live_server.url)
    a_whole_session(page)
    page.clock.fast_forward("48:00:00")
    page.reload()
    assert phase(page) == "ready"
    assert page.locator("#next-session").is_hidden() and page.get_by_text("Next ice pack possible").count() == 0
    assert page.locator("#followup-after-done").is_hidden()
    a_whole_session(page)  # Monday, 10:30 to 11:00
    page.locator("#followup-after-done [data-followup-remind]").click()
    assert (
        page.locator("#followup-after-done [data-followup-when]")
        .inner_text()
        .startswith("We will ask you on Wednesday at 10:30.")
    )
    due = page.evaluate("JSON.parse(localStorage.getItem('kneeaid.followUp')).dueAt - Date.now()")
    assert 47 * 3600_000 < due <= 48 * 3600_000, "two days ahead, not at once"


def test_a_session_that_ended_with_no_page_open_is_kept_when_the_timer_opens_a_day_later(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    start(page)
    forward(page, "15:00")
    page.get_by_role("button", name="Stop the alarm").click()
    page.get_by_role("button", name="Start: leg up").click()
    page.goto("about:blank")  # the leg went up, and KneeAid was closed
    page.clock.fast_forward("24:00:00")
    page.goto(f"{live_server.url}/en/timer")
    assert phase(page) == "ready"
    [record] = sessions(page)
    assert (record["outcome"], record["elevation"]["plannedMinutes"]) == ("completed", 15)
