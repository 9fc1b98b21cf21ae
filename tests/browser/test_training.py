"""The training log in the browser."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.steps import diary_on_server, wait_until_offline_ready
from tests.training_contract import MORNING_CASES, NOW, PATTERN_CASES, ZONE_CASES, one_workout, workout

EVALUATE = """async (cases) => {
  const { kneeAnswers } = await import("/static/js/training-rules.js");
  const rules = await (await fetch("/static/data/training.json")).json();
  return cases.map(([diary, now]) => kneeAnswers(rules, diary, Date.parse(now)));
}"""


def answers_in(browser, live_server, zone, cases):
    """kneeAnswers of static/js/training-rules.js for each (diary, now), in one browser page in this time zone."""
    context = browser.new_context(timezone_id=zone)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/en/about")
        return page.evaluate(EVALUATE, [[diary, now.isoformat()] for diary, now in cases])
    finally:
        context.close()


def test_the_browser_gives_what_the_contract_says_for_every_zone_pattern_and_morning_in_each_time_zone(
    browser, live_server
):
    """One page a time zone: the zones' lines, the patterns, and the morning question's window."""
    morning_session = workout(1, 1, days_ago=0, hours_ago=20)
    cases = {"UTC": [], **{zone: [] for _, zone, _ in PATTERN_CASES.values()}}  # (what, diary, now)
    cases["UTC"] += [(("zone", case), one_workout(*case), NOW) for case in ZONE_CASES]
    cases["UTC"] += [
        (("morning", hours), [morning_session], datetime(2026, 12, 7, 8, tzinfo=UTC) + timedelta(hours=hours))
        for hours in MORNING_CASES
    ]
    for name, (diary, zone, _) in PATTERN_CASES.items():
        cases[zone].append((("pattern", name), diary, NOW))
    found = {}
    for zone, of_zone in cases.items():
        answers = answers_in(browser, live_server, zone, [(diary, now) for _, diary, now in of_zone])
        found.update({what: answer for (what, _, _), answer in zip(of_zone, answers, strict=True)})

    def of_kind(wanted):
        return {what: answers for (kind, what), answers in found.items() if kind == wanted}

    assert {case: (a["zone"], a["sofar"], a["symptoms"]) for case, [a] in of_kind("zone").items()} == ZONE_CASES
    assert {
        name: {a["knee"]: (a["zone"], a["patterns"]) for a in answers} for name, answers in of_kind("pattern").items()
    } == {name: expected for name, (_, _, expected) in PATTERN_CASES.items()}
    assert {hours: a["morningDue"] for hours, [a] in of_kind("morning").items()} == MORNING_CASES


MOSCOW = ZoneInfo("Europe/Moscow")


def log_workout(page, during, after, knee="left knee"):
    form = page.locator("#workout-form")
    form.get_by_label("Running").check()
    form.get_by_label("How many minutes").fill("40")
    form.get_by_role("group", name="Pain during it").get_by_role("radio", name=str(during), exact=True).check()
    form.get_by_role("group", name="Pain in the hour after it").get_by_role(
        "radio", name=str(after), exact=True
    ).check()
    form.get_by_label(knee, exact=True).check()
    form.get_by_role("button", name="Save the workout").click()


@pytest.mark.service_worker
def test_a_workout_logged_offline_waits_for_the_morning_which_asks_in_russian_too_and_both_reach_the_server(
    browser, own_live_server
):
    server = own_live_server
    context = browser.new_context(viewport={"width": 390, "height": 844}, timezone_id="Europe/Moscow")
    page = context.new_page()
    # Two days ago at 18:00 in Moscow, so that the next morning is still in the server's past.
    evening = datetime.combine(datetime.now(MOSCOW).date() - timedelta(days=2), time(18), MOSCOW)
    page.clock.install(time=evening)
    page.goto(server.url + "/en/train")
    wait_until_offline_ready(page)
    server.stop()
    context.set_offline(True)

    log_workout(page, 2, 2)
    expect(page.get_by_text("Saved on this phone.")).to_be_visible()
    card = page.locator('[data-zone][data-knee="left"]')
    expect(card).to_have_attribute("data-zone", "waiting")
    expect(card).to_contain_text("until tomorrow morning's answer")
    expect(page.locator("[data-morning]")).to_have_count(0)

    page.clock.fast_forward(int(timedelta(hours=14, minutes=5).total_seconds() * 1000))  # 08:05 the next day
    page.goto(server.url + "/ru/")  # the question comes on every page; the answer leads to the train page
    morning = page.locator('[data-morning="left"]')
    expect(morning).to_contain_text("Как ваше колено сегодня утром?")
    morning.get_by_role("radio", name="0", exact=True).check()  # settled: no higher than before (none: 0)
    morning.get_by_role("button", name="Отправить утренний ответ").click()
    expect(page).to_have_url(server.url + "/ru/train#knee-left")
    expect(page.locator('[data-zone][data-knee="left"]')).to_have_attribute("data-zone", "green")
    expect(page.locator('section[data-knee="left"]')).to_contain_text("Колено хорошо перенесло нагрузку")
    expect(page.locator("[data-morning]")).to_have_count(0)

    server.restart()
    context.set_offline(False)
    page.clock.fast_forward("01:01")  # the minute's sync
    entries = diary_on_server(context, server)
    [workout_entry] = [e for e in entries if e["kind"] == "workout"]
    [answer] = [e for e in entries if e["kind"] == "pain"]
    assert (workout_entry["painDuring"], workout_entry["painAfter"], workout_entry["knee"]) == (2, 2, "left")
    assert datetime.fromisoformat(workout_entry["morningAt"]).astimezone(MOSCOW).time() == time(8)
    assert (answer["morningOf"], answer["pain"]) == (workout_entry["id"], 0)
    context.close()


def three_workouts_that_hurt_after(page, base_url):
    """Log three workouts with pain 4 after each on the train page: the pattern
    after_every_workout shows for the left knee."""
    page.goto(base_url + "/en/train")
    for _ in range(3):
        log_workout(page, 1, 4)
    expect(page.locator('[data-knee="left"] [data-pattern="after_every_workout"]')).to_be_visible()


def test_a_pattern_on_the_phone_links_the_check_and_a_doctors_visit_quiets_it(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/en/")
    expect(page.locator("#home-train").get_by_role("link", name="Log a workout")).to_be_visible()
    expect(page.locator("#home-train [data-zone]")).to_have_count(0)
    three_workouts_that_hurt_after(page, live_server.url)
    pattern = page.locator('[data-knee="left"] [data-pattern="after_every_workout"]')
    assert (
        pattern.get_by_role("link", name="Do the check")
        .get_attribute("href")
        .endswith("/en/check?s=after_every_workout")
    )
    expect(page.locator('[data-knee="left"]')).to_have_attribute("data-zone", "waiting")
    page.goto(live_server.url + "/en/")  # the home page's card says it too, in a line a knee
    home = page.locator('#home-train [data-knee="left"]')
    expect(home).to_have_attribute("data-zone", "waiting")
    expect(home.locator('[data-pattern="after_every_workout"]')).to_contain_text("Book a doctor in the next few days")
    expect(page.locator("#home-train")).to_contain_text("Stop and do the check if the knee swells")

    page.goto(live_server.url + "/en/train")
    pattern.get_by_role("button", name="I have seen a doctor").click()
    expect(page.locator("[data-pattern]")).to_have_count(0)
    page.goto(live_server.url + "/en/")
    expect(page.locator("#home-train [data-pattern]")).to_have_count(0)
    context.close()


def test_a_phone_joined_to_the_diary_answers_from_the_servers_copy_too(browser, live_server):
    first = browser.new_context(viewport={"width": 390, "height": 844})
    three_workouts_that_hurt_after(first.new_page(), live_server.url)
    profile = diary_on_server(first, live_server) and next(
        cookie for cookie in first.cookies() if cookie["name"] == "kneeaid_profile"
    )
    first.close()

    second = browser.new_context(viewport={"width": 390, "height": 844})  # nothing noted on this phone
    second.add_cookies([{**profile, "sameSite": profile.get("sameSite", "Lax")}])
    other = second.new_page()
    other.goto(live_server.url + "/en/train")
    expect(other.locator('[data-knee="left"] [data-pattern="after_every_workout"]')).to_be_visible()
    other.goto(live_server.url + "/en/")
    expect(other.locator('#home-train [data-knee="left"]')).to_have_attribute("data-zone", "waiting")
    second.close()


def test_a_workout_deleted_in_the_diary_no_longer_counts(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    three_workouts_that_hurt_after(page, live_server.url)
    diary_on_server(context, live_server)
    page.goto(live_server.url + "/en/diary")
    page.locator("#diary-view li", has_text="Running").first.get_by_role("button", name="Delete").click()
    expect(page.locator("#diary-view li", has_text="Running")).to_have_count(2)
    page.goto(live_server.url + "/en/train")
    expect(page.locator('[data-knee="left"]')).to_have_attribute("data-zone", "waiting")
    expect(page.locator("[data-pattern]")).to_have_count(0)
    context.close()
