"""The training log's rules on the server (kneeaid/training/rules.py) against the
contract written out by hand (tests/training_contract.py); the browser's twin is
tests/browser/test_training.py."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kneeaid.training import rules
from tests.training_contract import MORNING_CASES, NOW, PATTERN_CASES, ZONE_CASES, one_workout, workout


@pytest.mark.parametrize("case", ZONE_CASES, ids=str)
def test_a_workouts_zone_is_the_contracts(case):
    during, after, morning_score, before, signs = case
    [answer] = rules.knee_answers(one_workout(during, after, morning_score, before, signs), NOW, UTC)
    assert (answer["zone"], answer["sofar"], answer["symptoms"]) == ZONE_CASES[case]


@pytest.mark.parametrize("name", PATTERN_CASES)
def test_the_patterns_over_a_diary_are_the_contracts(name):
    diary, zone, expected = PATTERN_CASES[name]
    answers = rules.knee_answers(diary, NOW, ZoneInfo(zone))
    assert {answer["knee"]: (answer["zone"], answer["patterns"]) for answer in answers} == expected


@pytest.mark.parametrize("hours", MORNING_CASES)
def test_the_morning_question_is_asked_from_8_for_12_hours(hours):
    now = datetime(2026, 12, 7, 8, tzinfo=UTC) + timedelta(hours=hours)
    [answer] = rules.knee_answers([workout(1, 1, days_ago=0, hours_ago=20)], now, UTC)  # Sunday 16:00
    assert answer["morningDue"] is MORNING_CASES[hours]


def test_the_morning_is_at_the_hour_chosen_where_the_person_is():
    session = workout(1, 1, days_ago=1)  # Sunday 12:00 UTC
    assert rules.morning_at(session, ZoneInfo("Asia/Yekaterinburg")) == datetime(2026, 12, 7, 3, tzinfo=UTC)
    chosen = {**session, "morningAt": "2026-12-07T05:30:00Z"}
    assert rules.morning_at(chosen, UTC) == datetime(2026, 12, 7, 5, 30, tzinfo=UTC)


def test_entries_the_rules_do_not_read_are_left_alone():
    session = {"id": "s", "kind": "session", "startedAt": "2026-12-06T10:00:00Z", "endedAt": "2026-12-06T10:30:00Z"}
    [answer] = rules.knee_answers([session, workout(1, 1)], NOW, UTC)
    assert answer["zone"] == "waiting"
