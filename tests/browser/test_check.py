"""The symptom check and the guides in headless Chromium: online, offline, and
the in-browser evaluator agreeing with the server's."""

import itertools
import random
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from kneeaid.check import triage
from tests.browser.steps import OUTBOX_ITEMS


def sets_to_compare():
    single = [[symptom] for symptom in triage.SYMPTOMS]
    pairs = [list(pair) for pair in itertools.combinations(triage.SYMPTOMS, 2)]
    chance = random.Random(20261121)
    mixed = [chance.sample(triage.SYMPTOMS, chance.randint(0, 12)) for _ in range(300)]
    odd = [["bogus"], ["swelling", "swelling"], [""], ["injury", "x" * 300, "cannot_bear_weight"]]
    return [[]] + single + pairs + mixed + odd


def test_server_and_browser_evaluators_agree_on_every_set(page, live_server, client):
    answers = sets_to_compare()
    count = len(triage.SYMPTOMS)
    assert len(answers) == 1 + count + count * (count - 1) // 2 + 300 + 4
    page.goto(live_server.url + "/en/check")
    browser_results = page.evaluate(
        """async (answers) => {
        const triage = await import("/static/js/triage.js");
        const rules = await triage.loadRules();
        return answers.map((values) => triage.evaluate(rules, values));
    }""",
        answers,
    )
    for values, in_browser in zip(answers, browser_results, strict=True):
        on_server = triage.evaluate(values)
        assert (in_browser["tier"], in_browser["rules"]) == (on_server.tier, list(on_server.rules)), values
        assert in_browser["firstAid"] == list(on_server.first_aid), values
        assert in_browser["symptoms"] == list(on_server.symptoms), values
        assert in_browser["someNotUnderstood"] == on_server.some_not_understood, values
    # The evaluator above is the server's: check it against the pages people see.
    for values in answers[:40]:
        query = "&".join(f"s={value}" for value in values)
        html = client.get(f"/en/check/result?{query}").get_data(as_text=True)
        assert f'data-tier="{triage.evaluate(values).tier}"' in html


def wait_for_preview(page, tier):
    page.wait_for_function("(tier) => document.querySelector('#check-preview #result').dataset.tier === tier", arg=tier)


def tick(page, labels):
    for label in labels:
        page.get_by_label(label, exact=True).check()


def result_state(page, scope="#result"):
    section = page.locator(scope)
    return section.get_attribute("data-tier"), section.get_attribute("data-rules")


def tick_values(page, values):
    for value in values:
        page.locator(f'#check-form input[name="s"][value="{value}"]').check()


@pytest.fixture(params=["the server's", "the phone's own"])
def preview(request, page):
    """Where the check page's live preview comes from: the server's answer
    (htmx), or, with that request held as on a network that does not answer,
    the phone's own evaluator (static/js/triage.js, drawn by check.js), which
    the server's answer would otherwise replace before a test looks."""
    if request.param == "the phone's own":
        page.route(
            "**/check/result?**", lambda route: None if route.request.headers.get("hx-request") else route.continue_()
        )
    yield request.param
    page.unroute_all(behavior="ignoreErrors")


def test_live_preview_follows_the_ticks(page, live_server, preview):
    page.goto(live_server.url + "/en/check")
    preview = page.locator("#check-preview")
    assert preview.get_by_role("heading").inner_text() == "Tick what applies"
    page.get_by_label("The knee is a little swollen").check()
    wait_for_preview(page, "doctor")
    assert preview.get_by_role("heading").inner_text() == "So far: Book a doctor in the next few days"
    page.get_by_label("The foot or shin below the knee is cold, pale or bluish").check()
    wait_for_preview(page, "emergency")
    assert preview.get_by_role("heading").inner_text() == "So far: Call an ambulance now"


def test_the_empty_check_shows_no_tier_until_none_of_these(page, live_server, preview):
    page.goto(live_server.url + "/en/check")
    preview = page.locator("#check-preview")
    assert result_state(page, "#check-preview #result") == ("unanswered", "")
    assert preview.get_by_role("heading").inner_text() == "Tick what applies"
    for headline in ("First aid at home is enough for now", "Book a doctor in the next few days"):
        assert not page.get_by_text(headline).is_visible()
    page.get_by_label("None of these").check()
    wait_for_preview(page, "selfcare")
    assert preview.get_by_role("heading").inner_text() == "So far: First aid at home is enough for now"
    page.get_by_label("None of these").uncheck()
    wait_for_preview(page, "unanswered")


def test_a_tick_made_before_the_rules_have_loaded_still_gets_its_answer(page, live_server):
    # A slow phone: the rules file arrives after the first tick, and the server's preview never does.
    page.route("**/check/result?**", lambda route: None)
    rules = []
    page.route("**/data/triage.json*", lambda route: rules.append(route))
    page.goto(live_server.url + "/en/check")
    page.get_by_label("The foot or shin below the knee is cold, pale or bluish").check()
    page.wait_for_timeout(300)  # the tick's change event has long gone
    assert len(rules) == 1, "the rules were asked for"
    rules[0].continue_()
    wait_for_preview(page, "emergency")
    assert page.locator("#check-preview").get_by_role("link", name=re.compile("^Call 112")).is_visible()


@pytest.mark.parametrize(
    "label",
    [
        "The knee or leg suddenly looks out of shape: bent wrongly, or the kneecap out of place",
        "The foot or shin below the knee is cold, pale or bluish",
        "Sudden shortness of breath or chest pain",
    ],
)
def test_a_danger_sign_shows_the_call_button_at_once_without_scrolling(page, live_server, label):
    # The server's preview never arrives here (held, not failed): the numbers must not wait for it.
    held = []
    page.route("**/check/result?**", lambda route: held.append(route))
    page.goto(live_server.url + "/en/check")
    assert page.locator("fieldset").first.locator("legend").inner_text().startswith("Danger signs")
    box = page.get_by_label(label)
    assert box.bounding_box()["y"] < 844, "the danger signs are on the first screen"
    box.check()
    call = page.locator("#check-preview").get_by_role("link", name=re.compile("^Call 112"))
    call.wait_for(state="visible", timeout=1000)
    assert call.get_attribute("href") == "tel:112"
    assert page.locator("#check-preview a[href^='tel:']:visible").count() == 1, "one call button, not four"
    area = call.bounding_box()
    assert 0 <= area["y"] and area["y"] + area["height"] <= 844, "in the sticky bar, on screen"
    assert area["height"] >= 44
    box.uncheck()
    call.wait_for(state="hidden", timeout=1000)
    assert held, "the preview was asked of the server too"
    page.unroute_all(behavior="ignoreErrors")


def test_result_page_shows_reasons_and_is_kept_for_the_diary_when_asked(context, live_server, diary_of):
    page = context.new_page()
    page.goto(live_server.url + "/en/check")
    tick(
        page,
        [
            "The pain began after an injury: a fall, a blow, a sharp twist of the knee",
            "You cannot put weight on the leg or take 4 steps, even limping",
        ],
    )
    page.get_by_role("button", name="Show the result").click()
    page.wait_for_url(re.compile(r".*/en/check/result\?s=injury&s=cannot_bear_weight$"))
    assert result_state(page) == ("urgent", "U3 U6 D10")
    assert page.get_by_role("heading", level=2, name="See a doctor today").is_visible()
    assert page.get_by_text("After an injury, these signs mean an X-ray may be needed today").is_visible()
    assert page.locator(".ambulance-if a.phone").first.get_attribute("href") == "tel:112", "one tap away"
    assert page.evaluate(f"{OUTBOX_ITEMS}.then((items) => items.length)") == 0, "not saved unasked"
    page.get_by_role("button", name="Save to my diary").click()
    page.get_by_role("status").filter(has_text="Saved to your diary.").wait_for()
    assert not page.get_by_role("button", name="Save to my diary").is_visible(), "saved once"
    [kept] = diary_of(live_server)
    assert kept["kind"] == "check"
    assert kept["rulesVersion"] == triage.VERSION == 4
    assert kept["tier"] == "urgent"
    assert kept["rules"] == ["U3", "U6", "D10"]
    assert kept["symptoms"] == ["injury", "cannot_bear_weight"]
    assert kept["id"] and kept["at"]


# The answers offline, by language: each language's sets in one phone that went offline once.
OFFLINE_SETS = {
    "en": [
        (["locked"], "urgent", "See a doctor today"),
        (["gives_way", "crunch_pain"], "urgent", "See a doctor today"),
        # Version 4: a temperature alone, and a knee both red and hot, are today (each sign alone and
        # every pair is compared with the server's answer above, offline included in the evaluator).
        (["hot", "redness"], "urgent", "See a doctor today"),
    ],
    "ru": [
        (["swelling", "child"], "doctor", "Запишитесь к врачу в ближайшие дни"),
        (["bad_swelling"], "urgent", "К врачу сегодня"),  # version 3's same-day signs
        (["fever"], "urgent", "К врачу сегодня"),
    ],
}
NO_HEAT_SAID = {
    "en": "No heat, no training until a doctor has seen the knee.",
    "ru": "Никакого тепла и никаких тренировок, пока колено не осмотрит врач.",
}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_check_works_offline_with_the_same_answers(context, own_live_server, lang, go_offline):
    page = go_offline(own_live_server, f"/{lang}/")
    for values, tier, headline in OFFLINE_SETS[lang]:
        page.goto(f"{own_live_server.url}/{lang}/check")
        tick_values(page, values)
        wait_for_preview(page, tier)
        assert (
            page.locator("#check-preview").get_by_role("heading").inner_text()
            == {"en": "So far: ", "ru": "Пока по отмеченному: "}[lang] + headline
        ), values
        page.locator('button[type="submit"]').click()
        page.wait_for_url(re.compile(r".*/check/result\?s=.*"))
        page.wait_for_function(f"() => document.getElementById('result').dataset.tier === '{tier}'")
        assert page.get_by_role("heading", level=2, name=headline).is_visible(), values
        expected = triage.evaluate(re.findall(r"s=(\w+)", page.url))
        assert sorted(expected.symptoms) == sorted(values), "the result is of these answers alone"
        assert result_state(page) == (expected.tier, " ".join(expected.rules))
        for rule in expected.rules:
            assert page.locator(f'[data-rule="{rule}"]').is_visible()
        assert page.locator('[data-rule="E1"]').is_hidden()
        assert page.get_by_text(NO_HEAT_SAID[lang]).is_visible()


def test_a_shared_result_link_opens_offline(context, own_live_server, go_offline):
    page = go_offline(own_live_server, "/ru/")

    page.goto(f"{own_live_server.url}/ru/check/result?s=fever&s=hot&s=nonsense")
    page.wait_for_function("() => document.getElementById('result').dataset.tier === 'urgent'")
    assert page.get_by_text("Некоторые ответы не удалось понять").is_visible()
    assert page.locator('[data-rule="U8"]').is_visible()
    assert "инфекци" in page.locator('[data-rule="U8"]').inner_text()
    page.get_by_role("link", name="Изменить ответы").click()
    page.wait_for_url("**/ru/check?s=fever&s=hot&s=nonsense")
    assert page.locator('#check-form input[value="fever"]').is_checked()
    assert not page.locator('#check-form input[value="swelling"]').is_checked()


def test_heat_or_cold_answers_offline(context, own_live_server, go_offline):
    page = go_offline(own_live_server, "/en/")

    page.goto(f"{own_live_server.url}/en/heat")
    result = page.locator("#heat-result")
    for name, answer in [
        ("Have at least 3 days", "Yes"),
        ("Is the skin over the knee hot", "No"),
        ("Do you have a fever", "No"),
        ("Is the knee getting worse", "No"),
    ]:
        page.get_by_role("group", name=re.compile(name)).get_by_label(answer).check()
    assert result.get_attribute("data-verdict") == "warm"
    assert page.get_by_role("heading", name="You may warm it").is_visible()
    page.get_by_role("group", name=re.compile("Do you have a fever")).get_by_label("Yes").check()
    assert result.get_attribute("data-verdict") == "cold"
    assert page.get_by_text(
        "A temperature can mean an infection, and heat makes it worse: see a doctor today."
    ).is_visible()
    assert page.get_by_role("heading", name="See a doctor today").is_visible(), "a temperature alone: today (U17)"
    page.get_by_role("group", name=re.compile("Do you have a fever")).get_by_label("No").check()
    assert not page.get_by_role("heading", name="See a doctor today").is_visible()
    page.get_by_role("group", name=re.compile("Is the skin over the knee hot")).get_by_label("Yes").check()
    assert not page.get_by_role("heading", name="See a doctor today").is_visible()
    assert page.get_by_text(
        "See a doctor; today if the knee is also swollen or you have a temperature.", exact=False
    ).is_visible()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_axe_finds_nothing_on_results_of_every_tier(page, live_server, lang):
    axe = Axe()
    for query in ["s=deformity", "s=locked&s=nonsense", "s=swelling", "s=first_time_load"]:
        page.goto(f"{live_server.url}/{lang}/check/result?{query}")
        assert axe.run(page).violations_count == 0, query
    page.goto(f"{live_server.url}/{lang}/heat?three_days=no&skin_hot=yes&fever=no&worse=no")
    assert axe.run(page).violations_count == 0


# Switching language never changes the answer --------------------------------

TIER_SETS = {"emergency": ["deformity"], "urgent": ["locked"], "doctor": ["swelling"], "selfcare": ["none"]}


def switch_language(page, lang):
    page.locator("a.lang-switch").click()
    page.wait_for_url(re.compile(rf".*/{lang}/.*"))
    page.wait_for_load_state()


def check_the_switch_keeps_every_answer(page, base):
    for tier, values in TIER_SETS.items():
        # The result page: the address's answers go along.
        query = "&".join(f"s={value}" for value in values)
        page.goto(f"{base}/en/check/result?{query}")
        page.wait_for_function(f"() => document.getElementById('result').dataset.tier === '{tier}'")
        switch_language(page, "ru")
        assert page.url.endswith(f"/ru/check/result?{query}")
        page.wait_for_function(f"() => document.getElementById('result').dataset.tier === '{tier}'")
        assert page.locator(f'[data-tier-block="{tier}"]').is_visible()
        # The checklist: boxes ticked but not yet sent go along too.
        page.goto(f"{base}/ru/check")
        tick_values(page, values)
        wait_for_preview(page, tier)
        switch_language(page, "en")
        for value in values:
            assert page.locator(f'#check-form input[value="{value}"]').is_checked(), (tier, value)
        wait_for_preview(page, tier)
    # The heat page: the chosen answers go along.
    page.goto(f"{base}/en/heat")
    for name in ("three_days", "skin_hot", "fever", "worse"):
        page.locator(f'input[name="{name}"][value="{"yes" if name in ("fever", "skin_hot") else "no"}"]').check()
    assert page.locator("#heat-result").get_attribute("data-verdict") == "cold"
    switch_language(page, "ru")
    assert page.locator("#heat-result").get_attribute("data-verdict") == "cold"
    assert page.locator('input[name="fever"][value="yes"]').is_checked()
    assert page.locator("[data-doctor-today]").is_visible()


def test_switching_language_keeps_the_answer_online(page, live_server):
    check_the_switch_keeps_every_answer(page, live_server.url)


def test_switching_language_keeps_the_answer_offline(context, own_live_server, go_offline):
    page = go_offline(own_live_server, "/en/")
    check_the_switch_keeps_every_answer(page, own_live_server.url)


# First aid chosen by the rules that fired, as a person sees it -------------

OWN = "source: KneeAid's own caution"
NO_ICE_NUMB = (
    "sources: Northern Care Alliance NHS trust: managing knee pain, "
    "Midlands Partnership NHS trust: safe use of cold treatment"
)
FIRST_AID_SEEN = {  # rule: (answers, the advice, its sources)
    "E1": (
        ["deformity"],
        "Do not move or straighten the leg: support it as it lies, with rolled clothes or a pillow. "
        "Do not raise it. Do not walk on it.",
        OWN,
    ),
    "E4": (["cold_foot"], "No ice, and do not raise the leg. Keep it still and warm enough.", OWN),
    "E5": (["breathless"], "Sit upright and keep still. Do not walk about.", OWN),
    "U10": (["calf"], "Do not massage the calf.", OWN),
    "U11": (
        ["open_wound"],
        "Cover the wound with a clean dressing. No ice on the wound.",
        "sources: KneeAid's own caution, Midlands Partnership NHS trust: safe use of cold treatment",
    ),
    "U12": (["numbness", "injury"], "No ice on skin that cannot feel heat or cold.", NO_ICE_NUMB),
    "D14": (["numbness"], "No ice on skin that cannot feel heat or cold.", NO_ICE_NUMB),
}


NO_HEAT = (
    "No heat, no training until a doctor has seen the knee. (sources: article “What to do if your knees "
    "hurt”, article “The knees hurt after training”)"
)


def visible_first_aid(page):
    return [text.strip() for text in page.locator("[data-first-aid]:visible").all_inner_texts()]


def check_first_aid(page, base):
    for rule, (values, text, sources) in FIRST_AID_SEEN.items():
        page.goto(f"{base}/en/check/result?" + "&".join(f"s={value}" for value in values))
        page.wait_for_function(f"() => document.getElementById('result').dataset.rules.split(' ').includes('{rule}')")
        # Urgent and doctor cards say "no heat, no training" beside the limit that replaced the ice line.
        said = [f"{text} ({sources})"] + ([NO_HEAT] if rule[0] in "UD" else [])
        assert visible_first_aid(page) == said, rule
        seen = page.locator("#result").inner_text()  # what is shown, not what is hidden
        assert "leg raised" not in seen and "ice pack" not in seen, rule


def test_first_aid_follows_the_rules_online(page, live_server):
    check_first_aid(page, live_server.url)


def test_the_preview_holds_each_rules_first_aid_and_reason_as_the_result_page_does(page, live_server, preview):
    """The preview shows only the tier (and the call button), but holds the
    whole result, drawn as the result page draws it: the first aid and reason
    of each rule unhidden, every other one hidden."""
    for rule, (values, text, sources) in FIRST_AID_SEEN.items():
        page.goto(f"{live_server.url}/en/check")
        tick_values(page, values)
        page.wait_for_function(
            "(rule) => document.querySelector('#check-preview #result').dataset.rules.split(' ').includes(rule)",
            arg=rule,
        )
        shown = page.locator("#check-preview")
        unhidden = [t.strip() for t in shown.locator("[data-first-aid]:not([hidden])").all_text_contents()]
        said = [f"{text} ({sources})"] + ([NO_HEAT] if rule[0] in "UD" else [])
        assert [" ".join(t.split()) for t in unhidden] == said, rule
        assert shown.locator(f'[data-rule="{rule}"]:not([hidden])').count() == 1, rule


def test_first_aid_follows_the_rules_offline(context, own_live_server, go_offline):
    page = go_offline(own_live_server, "/en/")
    check_first_aid(page, own_live_server.url)


# The live bar is provisional until the whole list is read (issue 41) ---------------------------

LIVE = {  # tier: (a tick that gives it, its headline in each language)
    "emergency": ("deformity", "Call an ambulance now", "Срочно вызовите скорую"),
    "urgent": ("locked", "See a doctor today", "К врачу сегодня"),
    "doctor": ("swelling", "Book a doctor in the next few days", "Запишитесь к врачу в ближайшие дни"),
    "selfcare": ("first_time_load", "First aid at home is enough for now", "Пока достаточно первой помощи дома"),
}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_live_bar_says_so_far_in_its_tiers_colour_and_the_result_page_does_not(page, live_server, lang):
    so_far = {"en": "So far: ", "ru": "Пока по отмеченному: "}[lang]
    bar = page.locator(".check-bar")
    stripes = {}
    for tier, (symptom, english, russian) in LIVE.items():
        page.goto(f"{live_server.url}/{lang}/check")
        assert bar.get_attribute("data-live-tier") == "unanswered"
        assert (
            page.locator("#check-preview").get_by_role("heading").inner_text()
            == {"en": "Tick what applies", "ru": "Отметьте, что подходит"}[lang]
        ), "no 'so far' before a tick"
        tick_values(page, [symptom])
        page.wait_for_function("(tier) => document.querySelector('.check-bar').dataset.liveTier === tier", arg=tier)
        card = page.locator(f"#check-preview [data-tier-block='{tier}']")
        assert card.get_by_role("heading").inner_text() == so_far + (english if lang == "en" else russian)
        stripes[tier] = card.evaluate("(element) => getComputedStyle(element).borderLeftColor")
        assert card.locator(".care-head svg.icon").is_visible(), "its icon, as the care card has it"
        page.locator('button[type="submit"]').click()
        page.wait_for_url(re.compile(r".*/check/result\?s=.*"))
        final = page.locator(f"#result [data-tier-block='{tier}']").get_by_role("heading", level=2).inner_text()
        assert final == (english if lang == "en" else russian), "the result page's answer is the final one"
    assert len(set(stripes.values())) == 4, stripes


def test_a_running_timer_stays_in_sight_on_the_check_and_the_ticks_survive_a_visit_to_the_timer(page, live_server):
    page.clock.install()
    page.goto(f"{live_server.url}/en/timer")
    page.locator("#start-cold").click()
    page.goto(f"{live_server.url}/en/check")
    page.clock.run_for(1500)
    chip = page.locator("#timer-chip")
    box = chip.bounding_box()
    assert chip.is_visible() and 0 <= box["y"] and box["y"] + box["height"] <= 844, "the chip on the first screen"
    tick_values(page, ["swelling", "hot"])
    assert page.url.endswith("/en/check?s=swelling&s=hot"), "the address keeps the ticks"
    chip.click()  # to the timer (the alarm's "Ice off" goes there too) and back
    page.wait_for_url("**/en/timer")
    page.go_back()
    page.wait_for_url("**/en/check?s=swelling&s=hot")
    for value in ("swelling", "hot"):
        assert page.locator(f'#check-form input[value="{value}"]').is_checked(), value
    assert not page.locator('#check-form input[value="fever"]').is_checked()
