"""The follow-up in headless Chromium: "Remind me in 2 days" after first aid
or a check, and the question card "How is your knee?" on every page from
then on. Time moves with Playwright's clock (installed for the whole
context, so every tab shares it)."""

import re
from datetime import datetime, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.steps import OUTBOX_ITEMS, add_pain, forward, open_timer, start
from tests.support import a_zone_where_it_is_midday, in_russian

# Saturday 21 November 2026, 10:00 in Moscow.
START = datetime.fromisoformat("2026-11-21T10:00:00+03:00")
HOUR = 60 * 60 * 1000  # ms, as the clock counts
TWO_DAYS = 48 * HOUR + 60_000  # just past the 2 days


@pytest.fixture
def context(browser, request):
    """A phone in Moscow (or in the zone a test asks for with indirect parametrisation)."""
    context = browser.new_context(
        timezone_id=getattr(request, "param", "Europe/Moscow"), viewport={"width": 390, "height": 844}
    )
    yield context
    context.close()


def card(page):
    return page.locator("[data-followup]")


def remind(page):
    return page.get_by_role("button", name="Remind me in 2 days", exact=True)


def choose_after_a_check(page, base_url, symptoms="s=first_time_load"):
    """A check result of tier selfcare (by default), its follow-up chosen."""
    page.clock.install(time=START)
    page.clock.pause_at(START + timedelta(seconds=10))
    page.goto(f"{base_url}/en/check/result?{symptoms}")
    remind(page).click()
    return page


def due_on(page, url):
    """Two days on, the card on another page."""
    page.clock.fast_forward(TWO_DAYS)
    page.goto(url)
    card(page).wait_for(state="visible")
    return page


def entries_of_kind(entries, kind):
    return [entry for entry in entries if entry["kind"] == kind]


def advice_shown(page):
    """The answer's lines that show, top to bottom, by name (_followup.html)."""
    return [
        line.get_attribute("data-advice") for line in card(page).locator("[data-advice]").all() if line.is_visible()
    ]


@pytest.mark.parametrize(
    "lang, when, heading",
    [
        ("en", "We will ask you on Monday at 10:00.", "How is your knee?"),
        ("ru", "Мы спросим вас в понедельник в 10:00.", "Как ваше колено?"),
    ],
)
def test_first_aid_done_then_asked_two_days_later_on_another_page(context, live_server, lang, when, heading):
    page = open_timer(context.new_page(), live_server.url, lang)
    start(page, "Start cooling" if lang == "en" else "Запустить таймер")
    forward(page, "15:00")
    page.locator("#alarm-sheet .alarm-next").click()  # the ringing alarm's next step
    forward(page, "15:00")
    assert page.locator("#timer").get_attribute("data-phase") == "done"

    button = page.locator("#followup-after-done [data-followup-remind]")
    assert button.is_visible()
    assert button.get_attribute("aria-pressed") == "false", "off until the person chooses it"
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    said = page.locator("#followup-after-done [data-followup-when]").inner_text()
    assert said.startswith(when)

    page.goto(f"{live_server.url}/{lang}/doctor")
    page.clock.fast_forward(47 * HOUR + 29 * 60_000)  # the session began 30 minutes ago: a minute before its 2 days
    expect(card(page)).to_be_hidden()
    assert page.locator("#followup-announcer").inner_text() == ""
    page.clock.fast_forward("02:00")  # on the open page, at its time
    expect(card(page)).to_be_visible()
    assert page.locator("#followup-announcer").inner_text() == heading, "a screen reader hears it come"
    assert card(page).get_by_role("heading").inner_text() == heading
    assert [card(page).get_by_role("button", name=str(n), exact=True).count() for n in range(11)] == [1] * 11
    box = card(page).get_by_role("button", name="10", exact=True).bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44

    page.locator("a.lang-switch").click()  # the other language, a whole new page
    page.wait_for_load_state()
    other = "Как ваше колено?" if lang == "en" else "How is your knee?"
    assert card(page).get_by_role("heading").inner_text() == other
    assert page.locator("#followup-announcer").inner_text() == "", "a page that opens with it needs no announcement"


def test_after_a_stop_with_the_ice_pack_on_the_follow_up_is_offered_too(context, live_server):
    page = open_timer(context.new_page(), live_server.url)
    offer = page.locator("#after-stop")
    assert offer.is_hidden(), "nothing to follow up before a session"
    start(page)
    forward(page, "03:00")
    page.get_by_role("button", name="Stop").click()
    page.get_by_role("button", name="Yes, stop").click()
    assert offer.is_visible()
    remind(page).click()
    assert (
        page.locator("#followup-after-stop [data-followup-when]")
        .inner_text()
        .startswith("We will ask you on Monday at 10:00.")
    )
    page.reload()
    assert remind(page).get_attribute("aria-pressed") == "true", "still chosen after a reload"

    # One follow-up at a time: one chosen after a check replaces it.
    page.goto(f"{live_server.url}/en/check/result?s=swelling")
    remind(page).click()
    assert remind(page).get_attribute("aria-pressed") == "true"
    page.goto(f"{live_server.url}/en/timer")
    assert remind(page).get_attribute("aria-pressed") == "false"
    page.go_back()
    remind(page).click()  # changed my mind
    assert remind(page).get_attribute("aria-pressed") == "false"
    assert page.evaluate("localStorage.getItem('kneeaid.followUp')") is None


@pytest.mark.parametrize(
    "symptoms, offered",
    [
        ("s=first_time_load", True),  # selfcare
        ("s=pain_over_2_days", True),  # doctor
        ("s=cannot_bear_weight", False),  # urgent: go today, no reminder in 2 days
    ],
)
def test_a_check_result_offers_the_follow_up_for_doctor_and_selfcare(context, live_server, symptoms, offered):
    page = context.new_page()
    page.goto(f"{live_server.url}/en/check/result?{symptoms}")
    page.wait_for_function(
        "() => document.getElementById('save-check').hidden === false"
        " || document.querySelector('#result').dataset.tier === 'urgent'"
    )
    assert remind(page).is_visible() == offered


def test_an_answer_goes_into_the_diary_and_the_advice_for_pain_after_two_days_follows(context, live_server, diary_of):
    page = choose_after_a_check(context.new_page(), live_server.url)
    other_tab = context.new_page()
    due_on(page, f"{live_server.url}/en/prevent")
    other_tab.goto(f"{live_server.url}/en/timer")
    assert card(other_tab).is_visible(), "the card is on every page"

    card(page).get_by_role("radio", name="right knee").check()
    card(page).get_by_role("button", name="3", exact=True).click()
    expect(card(page).get_by_text("Noted in your diary: pain 3 of 10.")).to_be_visible()
    assert advice_shown(page) == ["days", "days", "same-day-signs", "always"]
    assert (
        "book a trauma and orthopaedic specialist or a general practitioner in the next few days"
        in card(page).locator('[data-advice="days"]').first.inner_text()
    )
    [link] = card(page).get_by_role("link").filter(visible=True).all()  # one check link
    assert link.inner_text() == "Check the symptoms, with the 2 days of pain ticked"
    assert link.get_attribute("href") == "/en/check?s=pain_over_2_days"
    expect(card(other_tab)).to_be_hidden()  # answered in one tab, gone from the other

    [pain] = entries_of_kind(diary_of(live_server), "pain")
    assert (pain["pain"], pain["knee"], pain["source"], "note" in pain) == (3, "right", "follow-up", False)

    link.click()
    page.wait_for_load_state()
    assert page.get_by_role("checkbox", name="The pain has lasted more than 2 days").is_checked()
    assert card(page).is_hidden()
    page.clock.fast_forward(72 * HOUR)
    page.reload()
    assert card(page).is_hidden(), "answered: never again"


def test_no_pain_means_back_to_training_and_more_than_last_time_means_check_again(context, live_server):
    page = due_on(choose_after_a_check(context.new_page(), live_server.url), f"{live_server.url}/en/")
    card(page).get_by_role("button", name="0", exact=True).click()
    settled = card(page).locator('[data-advice="settled"]')
    expect(settled).to_be_visible()
    assert "Go back to training gradually" in settled.inner_text()
    assert advice_shown(page) == ["settled", "always"]

    # Another follow-up, from the answer itself: two days on, more pain than the 0.
    again = card(page).get_by_role("button", name="Remind me in 2 days")
    again.click()
    assert again.get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="Close").click()
    assert card(page).is_hidden()
    due_on(page, f"{live_server.url}/en/heat")
    assert card(page).get_by_role("radio", name="both knees").is_checked()
    card(page).get_by_role("button", name="4", exact=True).click()
    worse = card(page).locator('[data-advice="worse"]')
    expect(worse).to_be_visible()
    assert worse.inner_text() == (
        "That is more than last time (0 of 10): check your symptoms again now. (source: KneeAid's own caution)"
    )
    assert advice_shown(page) == ["days", "worse", "days", "same-day-signs", "always"]
    assert card(page).get_by_role("link").filter(visible=True).count() == 1, "one check link"
    page.clock.resume()  # axe needs its own timers
    assert Axe().run(page).violations_count == 0


def test_ask_me_tomorrow_moves_it_by_a_day_and_dismiss_ends_it(context, live_server):
    page = due_on(choose_after_a_check(context.new_page(), live_server.url), f"{live_server.url}/en/about")
    page.clock.resume()  # axe needs its own timers
    assert Axe().run(page).violations_count == 0
    card(page).get_by_role("button", name="Ask me tomorrow").click()
    assert card(page).is_hidden()
    page.clock.fast_forward("23:58:00")
    page.reload()
    assert card(page).is_hidden()
    page.clock.fast_forward("00:03:00")
    page.reload()
    assert card(page).is_visible()

    card(page).get_by_role("button", name="Dismiss").click()
    assert card(page).is_hidden()
    page.clock.fast_forward(96 * HOUR)
    page.goto(f"{live_server.url}/en/timer")
    page.clock.run_for(500)
    assert card(page).is_hidden(), "dismissed: never again"
    assert page.evaluate("localStorage.getItem('kneeaid.followUp')") is None


@pytest.mark.parametrize("context", [a_zone_where_it_is_midday()], indirect=True)
def test_offline_the_card_comes_and_the_answer_waits_to_be_sent(context, own_live_server, go_offline, diary_of):
    # Chosen 2 days ago, so the answer's time is now for the server too (it refuses times ahead).
    context.clock.install(time=datetime.now().astimezone() - timedelta(milliseconds=TWO_DAYS + 60_000))
    page = go_offline(own_live_server, "/ru/check/result?s=first_time_load")
    page.get_by_role("button", name="Напомнить через 2 дня").click()
    assert re.match(
        r"Мы спросим вас в \w+ в \d\d:\d\d\.", page.locator("#followup-after-check [data-followup-when]").inner_text()
    )
    page.clock.fast_forward(TWO_DAYS)
    page.goto(f"{own_live_server.url}/ru/doctor")  # from the service worker
    card(page).wait_for(state="visible")
    card(page).get_by_role("button", name="7", exact=True).click()
    expect(card(page).get_by_text("Записано в дневник: боль 7 из 10.")).to_be_visible()
    assert page.evaluate(f"{OUTBOX_ITEMS}.then((items) => items.map((item) => item.entry.pain))") == [7]

    own_live_server.restart()
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    [pain] = entries_of_kind(diary_of(own_live_server), "pain")
    assert (pain["pain"], pain["source"], "note" in pain) == (7, "follow-up", False)
    # The diary says what the score answered; corrected, it is still the answer to the follow-up.
    page.goto(f"{own_live_server.url}/ru/diary")
    entry = page.locator(f'li[data-entry-id="{pain["id"]}"]')
    expect(entry).to_contain_text("Боль 7 из 10")
    expect(entry).to_contain_text("(ответ на вопрос KneeAid «Как ваше колено?»)")
    entry.get_by_role("button", name="Изменить").click()
    page.locator('label.pain-level:has(input[value="6"])').click()
    page.locator("#save-entry").click()
    expect(page.locator("#entry-saved")).to_be_visible()
    page.wait_for_function(f"{OUTBOX_ITEMS}.then((items) => items.length === 0)")
    [corrected] = entries_of_kind(diary_of(own_live_server), "pain")
    assert (corrected["id"], corrected["pain"], corrected["source"]) == (pain["id"], 6, "follow-up")


# What the answer says, by where the follow-up came from (triage.md v4, "The follow-up") ------------

SAID = {  # the line's name: its words in each language, as the contract gives them
    "settled": ("No pain. Go back to training gradually", "Боль прошла. Возвращайтесь к тренировкам постепенно"),
    "settled-doctor": (
        "The pain has gone, but your check found signs that need a doctor: see one before you train again.",
        "Боль прошла, но при проверке вы отметили признаки, с которыми нужно показаться",
    ),
    "days": (
        "The knee still hurts 2 days on: book a trauma and orthopaedic specialist or a general practitioner in "
        "the next few days.",
        "Колено болит и через 2\xa0дня: запишитесь к травматологу-ортопеду или терапевту",
    ),
    "today": ("Severe pain 2 days on: see a doctor today.", "Сильная боль и через 2\xa0дня: обратитесь к врачу"),
    "same-day-signs": (
        "See a doctor today, not in a few days, if the knee is badly swollen, hot or red, locks or "
        "gives way, you cannot put weight on it, or you have a temperature.",
        "Обратитесь к врачу сегодня, а не через несколько дней, если колено сильно опухло",
    ),
    "always": (
        "Stop and check again if the knee swells, gives way, locks or hurts again.",
        "Если колено опухнет, подкосится, его заклинит или оно снова заболит",
    ),
}
BACK_TO_TRAINING = ("back to training", "Возвращайтесь к тренировкам")


def chosen_after_a_stopped_session(page, base_url, lang):
    open_timer(page, base_url, lang)
    start(page, "Start cooling" if lang == "en" else "Запустить таймер")
    forward(page, "03:00")
    page.locator("#stop").click()
    page.locator("#confirm-yes").click()
    page.locator("#followup-after-stop [data-followup-remind]").click()
    return page


def chosen_after_a_check(page, base_url, lang, symptoms):
    page.clock.install(time=START)
    page.clock.pause_at(START + timedelta(seconds=10))
    page.goto(f"{base_url}/{lang}/check/result?{symptoms}")
    page.locator("#followup-after-check [data-followup-remind]").click()
    return page


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize(
    "origin, score, lines",
    [
        ("doctor", 0, ["settled-doctor", "always"]),
        ("selfcare", 0, ["settled", "always"]),
        ("session", 4, ["days", "days", "same-day-signs", "always"]),
        ("session", 9, ["today", "today", "same-day-signs", "always"]),
    ],
)
def test_the_answer_says_what_the_contract_says_for_its_origin(context, live_server, lang, origin, score, lines):
    page = context.new_page()
    if origin == "session":
        chosen_after_a_stopped_session(page, live_server.url, lang)
    else:
        symptoms = {"doctor": "s=injury", "selfcare": "s=first_time_load"}[origin]
        chosen_after_a_check(page, live_server.url, lang, symptoms)
        note = page.locator("#followup-after-check [data-followup-note]")
        assert note.is_visible() is (origin == "doctor")
        if origin == "doctor":
            assert (
                note.inner_text()
                == {
                    "en": "This does not replace the appointment above.",
                    "ru": "Напоминание не заменяет визита к врачу, о котором сказано выше.",
                }[lang]
            )
    due_on(page, f"{live_server.url}/{lang}/causes")
    card(page).get_by_role("button", name=str(score), exact=True).click()
    card(page).locator(".followup-answer").wait_for()
    assert advice_shown(page) == lines
    english = lang == "en"
    for name in dict.fromkeys(lines):
        said = card(page).locator(f'[data-advice="{name}"]').first.inner_text()
        assert SAID[name][0 if english else 1] in said, (name, said)
    text = card(page).inner_text()
    if origin == "doctor" or score > 0:
        assert BACK_TO_TRAINING[0 if english else 1].lower() not in text.lower(), "never back to training"
    # Each line names its source, or KneeAid's own caution.
    for line in card(page).locator("[data-advice]:visible").all():
        if line.get_by_role("link").count() == 0:
            assert line.locator(".source").count() == 1, line.inner_text()
    again = card(page).locator("#followup-again")
    if score >= 7:
        urgent = card(page).locator('.care-card.tier-urgent[data-advice="today"]')
        assert urgent.is_visible(), "in the urgent card's colour"
        where = "Go today to an emergency department or a trauma centre, or to a doctor who can see you the same day."
        assert (where if english else in_russian(where)) in urgent.inner_text()
        [link] = card(page).get_by_role("link").filter(visible=True).all()
        assert link.get_attribute("href") == f"/{lang}/check?s=pain_over_2_days&s=severe_pain"
        assert again.is_hidden(), "a doctor today, not a reminder in 2 days"
    else:
        assert again.is_visible()


def test_more_than_last_time_compares_with_the_same_knee(context, live_server):
    """Two knees noted: the right one 2, then the left one 6. A right knee at 4 two days on is more
    than the right knee's last score (2), though less than the newest score of all (the left knee's 6)."""
    page = context.new_page()
    page.clock.install(time=START)
    page.clock.pause_at(START + timedelta(seconds=10))
    page.goto(f"{live_server.url}/en/diary")
    add_pain(page, 2, "right knee")
    page.clock.fast_forward("01:00:00")
    add_pain(page, 6, "left knee")
    page.goto(f"{live_server.url}/en/check/result?s=first_time_load")
    remind(page).click()
    due_on(page, f"{live_server.url}/en/prevent")
    assert card(page).get_by_role("radio", name="left knee").is_checked(), "the knee noted last"
    card(page).get_by_role("radio", name="right knee").check()
    card(page).get_by_role("button", name="4", exact=True).click()
    worse = card(page).locator('[data-advice="worse"]')
    expect(worse).to_be_visible()
    assert worse.inner_text().startswith("That is more than last time (2 of 10)")
    card(page).get_by_role("button", name="Remind me in 2 days").click()
    card(page).get_by_role("button", name="Close").click()

    # The left knee at 5 two days later: less than its own 6, more than the right knee's 4 just noted.
    due_on(page, f"{live_server.url}/en/heat")
    card(page).get_by_role("radio", name="left knee").check()
    card(page).get_by_role("button", name="5", exact=True).click()
    card(page).locator(".followup-answer").wait_for()
    assert "worse" not in advice_shown(page)


@pytest.mark.parametrize(
    "shown_at, asked",
    [
        ("02:26", "on Monday at 09:00"),  # first aid at night: asked in the morning, not at 02:26
        ("08:59", "on Monday at 09:00"),
        ("09:00", "on Monday at 09:00"),
        ("20:59", "on Monday at 20:59"),
        ("21:00", "on Tuesday at 09:00"),  # too late in the evening: the next morning
        ("23:30", "on Tuesday at 09:00"),
    ],
)
def test_the_question_comes_in_the_daytime(context, live_server, shown_at, asked):
    moment = datetime.fromisoformat(f"2026-11-21T{shown_at}:00+03:00")  # a Saturday, in Moscow
    page = context.new_page()
    page.clock.install(time=moment)
    page.clock.pause_at(moment + timedelta(seconds=1))
    page.goto(f"{live_server.url}/en/check/result?s=first_time_load")
    remind(page).click()
    assert (
        page.locator("#followup-after-check [data-followup-when]").inner_text().startswith(f"We will ask you {asked}.")
    )
