"""The training log in the browser."""

from datetime import UTC, datetime, timedelta

from tests.training_contract import MORNING_CASES, NOW, PATTERN_CASES, ZONE_CASES, one_workout, workout

EVALUATE = """async ([diaries, now]) => {
  const { kneeAnswers } = await import("/static/js/training-rules.js");
  const rules = await (await fetch("/static/data/training.json")).json();
  return diaries.map((diary) => kneeAnswers(rules, diary, Date.parse(now)));
}"""


def answers_in(browser, live_server, zone, diaries, now=NOW):
    """kneeAnswers of static/js/training-rules.js for each diary, in a browser in this time zone."""
    context = browser.new_context(timezone_id=zone, service_workers="block")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/en/about")
        return page.evaluate(EVALUATE, [diaries, now.isoformat()])
    finally:
        context.close()


def test_the_browser_gives_each_workout_the_contracts_zone(browser, live_server):
    cases = list(ZONE_CASES)
    answers = answers_in(browser, live_server, "UTC", [one_workout(*case) for case in cases])
    assert {
        case: (a["zone"], a["sofar"], a["symptoms"]) for case, [a] in zip(cases, answers, strict=True)
    } == ZONE_CASES


def test_the_browser_finds_the_contracts_patterns_in_each_time_zone(browser, live_server):
    found = {}
    for zone in {zone for _, zone, _ in PATTERN_CASES.values()}:
        names = [name for name, (_, its_zone, _) in PATTERN_CASES.items() if its_zone == zone]
        diaries = [PATTERN_CASES[name][0] for name in names]
        for name, answers in zip(names, answers_in(browser, live_server, zone, diaries), strict=True):
            found[name] = {a["knee"]: (a["zone"], a["patterns"]) for a in answers}
    assert found == {name: expected for name, (_, _, expected) in PATTERN_CASES.items()}


def test_the_browser_asks_the_morning_question_from_8_for_12_hours(browser, live_server):
    session = workout(1, 1, days_ago=0, hours_ago=20)
    due = {}
    for hours in MORNING_CASES:
        now = datetime(2026, 12, 7, 8, tzinfo=UTC) + timedelta(hours=hours)
        [[answer]] = answers_in(browser, live_server, "UTC", [[session]], now)
        due[hours] = answer["morningDue"]
    assert due == MORNING_CASES
