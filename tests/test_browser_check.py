"""The symptom check and the guides in headless Chromium: online, offline, and
the in-browser evaluator agreeing with the server's."""

import itertools
import random
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from kneeaid import triage
from tests.conftest import diary_on_server, open_then_go_offline


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
    browser_results = page.evaluate("""async (answers) => {
        const rules = await window.KneeAidTriage.load();
        return answers.map((values) => window.KneeAidTriage.evaluate(rules, values));
    }""", answers)
    for values, in_browser in zip(answers, browser_results, strict=True):
        on_server = triage.evaluate(values)
        assert (in_browser["tier"], in_browser["rules"]) == (on_server.tier, list(on_server.rules)), values
        assert in_browser["someNotUnderstood"] == on_server.some_not_understood, values
    # The evaluator above is the server's: check it against the pages people see.
    for values in answers[:40]:
        query = "&".join(f"s={value}" for value in values)
        html = client.get(f"/en/check/result?{query}").get_data(as_text=True)
        assert f'data-tier="{triage.evaluate(values).tier}"' in html


def wait_for_preview(page, tier):
    page.wait_for_function(
        "(tier) => document.querySelector('#check-preview #result').dataset.tier === tier", arg=tier)


def tick(page, labels):
    for label in labels:
        page.get_by_label(label, exact=True).check()


def result_state(page, scope="#result"):
    section = page.locator(scope)
    return section.get_attribute("data-tier"), section.get_attribute("data-rules")


def test_live_preview_follows_the_ticks(page, live_server):
    page.goto(live_server.url + "/en/check")
    preview = page.locator("#check-preview")
    page.get_by_label("The knee is swollen").check()
    wait_for_preview(page, "doctor")
    assert preview.get_by_role("heading").inner_text() == "Book a doctor in the next few days"
    page.get_by_label("The knee or leg has changed shape").check()
    wait_for_preview(page, "emergency")
    assert preview.get_by_role("heading").inner_text() == "Get emergency help now"


def test_result_page_shows_reasons_and_is_kept_for_the_diary(context, live_server):
    page = context.new_page()
    page.goto(live_server.url + "/en/check")
    tick(page, ["The pain began with an injury: a fall, a blow, a twist",
                "You cannot put weight on the leg or take 4 steps, even limping"])
    page.get_by_role("button", name="Show the result").click()
    page.wait_for_url(re.compile(r".*/en/check/result\?s=injury&s=cannot_bear_weight$"))
    assert result_state(page) == ("emergency", "E3 U6 D10")
    assert page.get_by_role("heading", level=2, name="Get emergency help now").is_visible()
    assert page.get_by_text("An X-ray is needed now.").is_visible()
    assert page.get_by_role("link", name=re.compile("^112")).get_attribute("href") == "tel:112"
    [kept] = diary_on_server(context, live_server)
    assert kept["kind"] == "check"
    assert kept["tier"] == "emergency"
    assert kept["rules"] == ["E3", "U6", "D10"]
    assert kept["symptoms"] == ["injury", "cannot_bear_weight"]
    assert kept["id"] and kept["at"]


@pytest.mark.parametrize("lang, labels, tier, headline", [
    ("en", ["The knee is locked or jammed: it will not straighten or bend"], "urgent", "See a doctor today"),
    ("ru", ["Колено опухло", "Боль у ребёнка"], "doctor", "Запишитесь к врачу в ближайшие дни"),
])
def test_the_check_works_offline_with_the_same_answers(
        context, own_live_server, lang, labels, tier, headline):
    page = open_then_go_offline(context, own_live_server, f"/{lang}/")

    page.goto(f"{own_live_server.url}/{lang}/check")
    tick(page, labels)
    wait_for_preview(page, tier)
    assert page.locator("#check-preview").get_by_role("heading").inner_text() == headline
    page.locator('button[type="submit"]').click()
    page.wait_for_url(re.compile(r".*/check/result\?s=.*"))
    page.wait_for_function(f"() => document.getElementById('result').dataset.tier === '{tier}'")
    assert page.get_by_role("heading", level=2, name=headline).is_visible()
    expected = triage.evaluate(re.findall(r"s=(\w+)", page.url))
    assert result_state(page) == (expected.tier, " ".join(expected.rules))
    for rule in expected.rules:
        assert page.locator(f'[data-rule="{rule}"]').is_visible()
    assert page.locator('[data-rule="E1"]').is_hidden()


def test_a_shared_result_link_opens_offline(context, own_live_server):
    page = open_then_go_offline(context, own_live_server, "/ru/")

    page.goto(f"{own_live_server.url}/ru/check/result?s=fever&s=hot&s=nonsense")
    page.wait_for_function("() => document.getElementById('result').dataset.tier === 'urgent'")
    assert page.get_by_text("Некоторые ответы не удалось понять").is_visible()
    assert page.get_by_text("Возможна инфекция сустава.").is_visible()
    page.get_by_role("link", name="Изменить ответы").click()
    page.wait_for_url("**/ru/check?s=fever&s=hot&s=nonsense")
    assert page.get_by_label("Температура или озноб").is_checked()
    assert not page.get_by_label("Колено опухло", exact=True).is_checked()


def test_heat_or_cold_answers_offline(context, own_live_server):
    page = open_then_go_offline(context, own_live_server, "/en/")

    page.goto(f"{own_live_server.url}/en/heat")
    result = page.locator("#heat-result")
    for name, answer in [("Have at least 3 days", "Yes"), ("Is the skin over the knee hot", "No"),
                         ("Is there a fever", "No"), ("Is the knee getting worse", "No")]:
        page.get_by_role("group", name=re.compile(name)).get_by_label(answer).check()
    assert result.get_attribute("data-verdict") == "warm"
    assert page.get_by_role("heading", name="You may warm it").is_visible()
    page.get_by_role("group", name=re.compile("Is there a fever")).get_by_label("Yes").check()
    assert result.get_attribute("data-verdict") == "cold"
    assert page.get_by_text("Fever: a possible infection").is_visible()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_axe_finds_nothing_on_results_of_every_tier(page, live_server, lang):
    axe = Axe()
    for query in ["s=deformity", "s=locked&s=nonsense", "s=swelling", "s=first_time_load"]:
        page.goto(f"{live_server.url}/{lang}/check/result?{query}")
        assert axe.run(page).violations_count == 0, query
    page.goto(f"{live_server.url}/{lang}/heat?three_days=no&skin_hot=yes&fever=no&worse=no")
    assert axe.run(page).violations_count == 0
