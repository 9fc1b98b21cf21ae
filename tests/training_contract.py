"""The training log's contract (../shared/training.md, version 1) written out by
hand for the tests, never derived from the app's data: each zone's line from
both sides and on it, and each pattern with its near miss, as diaries with the
answer for each knee. The Python evaluator (tests/unit/test_training_rules.py)
and the browser's (tests/browser/test_training.py) must both give these answers."""

import uuid
from datetime import UTC, datetime, timedelta

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)  # a Monday


def at(days_ago=0, hours_ago=0, moment=None):
    moment = moment or NOW - timedelta(days=days_ago, hours=hours_ago)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_id():
    return str(uuid.uuid4())


def workout(during, after, days_ago=1, hours_ago=0, knee="left", minutes=30, **fields):
    return {
        "id": new_id(),
        "kind": "workout",
        "at": at(days_ago, hours_ago),
        "activity": "run",
        "minutes": minutes,
        "painDuring": during,
        "painAfter": after,
        "knee": knee,
        **fields,
    }


def pain(score, days_ago=0, hours_ago=0, knee="left", moment=None, **fields):
    return {
        "id": new_id(),
        "kind": "pain",
        "at": at(days_ago, hours_ago, moment),
        "pain": score,
        "knee": knee,
        **fields,
    }


def morning(of, score, signs=(), hours_ago=3):
    """The next morning's answer about a workout (09:00 UTC on NOW's day by default)."""
    return pain(
        score, hours_ago=hours_ago, knee=of["knee"], morningOf=of["id"], **({"signs": list(signs)} if signs else {})
    )


def check(tier, days_ago, hours_ago=0):
    return {"id": new_id(), "kind": "check", "at": at(days_ago, hours_ago), "symptoms": [], "tier": tier, "rules": []}


def visit(days_ago, knee=None):
    return {"id": new_id(), "kind": "doctor_visit", "at": at(days_ago), **({"knee": knee} if knee else {})}


def one_workout(during, after, morning_score=None, before=None, signs=()):
    """A diary of one left-knee workout (yesterday), the score before it, and its morning answer."""
    session = workout(during, after)
    entries = [session]
    if before is not None:
        entries.append(pain(before, days_ago=1, hours_ago=2))  # before the 30-minute session began
    if morning_score is not None:
        entries.append(morning(session, morning_score, signs))
    return entries


# (during, after, the morning's score or None, the score before or None, the morning's signs):
# (zone, the zone from during and after alone, the check's symptoms it ticks)
ZONE_CASES = {
    # No morning answer yet: amber and green wait; red and check do not (highest wins).
    (0, 0, None, None, ()): ("waiting", "green", []),
    (2, 2, None, None, ()): ("waiting", "green", []),
    (3, 0, None, None, ()): ("waiting", "amber", []),
    (0, 3, None, None, ()): ("waiting", "amber", []),
    (5, 5, None, None, ()): ("waiting", "amber", []),
    (6, 0, None, None, ()): ("red", "red", []),
    (0, 6, None, None, ()): ("red", "red", []),
    (7, 0, None, None, ()): ("check", "check", ["severe_pain"]),
    (0, 7, None, None, ()): ("check", "check", ["severe_pain"]),
    # Green at 2, amber at 3, settled by the morning (no higher than before).
    (2, 2, 0, None, ()): ("green", "green", []),
    (2, 2, 2, 2, ()): ("green", "green", []),
    (3, 2, 0, None, ()): ("amber", "amber", []),
    (2, 3, 1, 1, ()): ("amber", "amber", []),
    (5, 5, 0, None, ()): ("amber", "amber", []),
    # The morning higher than before the session: red; the score before is 0 when there is none.
    (0, 0, 1, None, ()): ("red", "green", []),
    (2, 2, 3, 2, ()): ("red", "green", []),
    (3, 3, 4, 3, ()): ("red", "amber", []),
    (6, 5, 0, None, ()): ("red", "red", []),
    (5, 6, 0, None, ()): ("red", "red", []),
    # The morning's score at 6 and 7, its signs: check.
    (0, 0, 6, 6, ()): ("green", "green", []),
    (0, 0, 7, 7, ()): ("check", "green", ["severe_pain"]),
    (6, 6, 6, 6, ()): ("red", "red", []),
    (0, 0, 0, None, ("swelling",)): ("check", "green", ["swelling"]),
    (0, 0, 0, None, ("gives_way",)): ("check", "green", ["gives_way"]),
    (0, 0, 0, None, ("locked",)): ("check", "green", ["locked"]),
    (7, 2, 0, None, ("locked", "swelling")): ("check", "check", ["swelling", "locked", "severe_pain"]),
}


def three_workouts(after_scores, oldest_days_ago=5):
    """Left-knee workouts with these scores after, the oldest ``oldest_days_ago`` days ago, the last yesterday."""
    days = [oldest_days_ago, max(oldest_days_ago // 2, 2), 1][-len(after_scores) :]
    return [workout(1, score, days_ago=day) for score, day in zip(after_scores, days, strict=True)]


def weekly_mornings(scores):
    """A left-knee workout and its morning answer in each of the last weeks (the newest
    this Monday morning), one per week, with these morning scores."""
    entries = []
    for weeks_back, score in enumerate(reversed(scores)):
        session = workout(1, 1, days_ago=7 * weeks_back + 1)
        entries += [session, morning(session, score, hours_ago=3 + 7 * 24 * weeks_back)]
    return entries


def daily_pain(scores, first_days_ago):
    """Left-knee pain scores at 10:00 UTC on days in a row, the first ``first_days_ago`` days ago."""
    return [pain(score, days_ago=first_days_ago - n, hours_ago=2) for n, score in enumerate(scores)]


# name: (the diary, the time zone, {knee: (its zone, its patterns)})
PATTERN_CASES = {
    "pain after 3 in each of 3 workouts": (
        three_workouts([3, 3, 3]),
        "UTC",
        {"left": ("waiting", ["after_every_workout"])},
    ),
    "pain after 3 in only 2 workouts": (three_workouts([3, 3]), "UTC", {"left": ("waiting", [])}),
    "one of the 3 only 2 after": (three_workouts([3, 2, 3]), "UTC", {"left": ("waiting", [])}),
    "the oldest of the 3 exactly 14 days ago": (
        three_workouts([3, 3, 3], oldest_days_ago=14),
        "UTC",
        {"left": ("waiting", ["after_every_workout"])},
    ),
    "the oldest of the 3 15 days ago": (
        three_workouts([3, 3, 3], oldest_days_ago=15),
        "UTC",
        {"left": ("waiting", [])},
    ),
    "a doctor's visit after the 3": (
        three_workouts([3, 3, 3]) + [visit(0.5, "left")],
        "UTC",
        {"left": ("waiting", [])},
    ),
    "a doctor's visit for the other knee": (
        three_workouts([3, 3, 3]) + [visit(0.5, "right")],
        "UTC",
        {"left": ("waiting", ["after_every_workout"])},
    ),
    "morning scores rising 2 weeks in a row": (weekly_mornings([1, 2, 3]), "UTC", {"left": ("red", ["worsening"])}),
    "rising 1 week only": (weekly_mornings([2, 3]), "UTC", {"left": ("red", [])}),
    "rising, then the same": (weekly_mornings([1, 2, 2]), "UTC", {"left": ("green", [])}),
    "rising, falling": (weekly_mornings([1, 3, 2]), "UTC", {"left": ("green", [])}),
    "pain on 3 days in a row": (
        daily_pain([2, 1, 3], 2) + [workout(1, 1, hours_ago=1)],
        "UTC",
        {"left": ("waiting", ["pain_over_2_days"])},
    ),
    "pain on 2 days in a row": (daily_pain([2, 3], 1) + [workout(1, 1, hours_ago=1)], "UTC", {"left": ("waiting", [])}),
    "a 0 on the middle day": (
        daily_pain([2, 1, 3], 2) + [pain(0, days_ago=1, hours_ago=1), workout(1, 1, hours_ago=1)],
        "UTC",
        {"left": ("waiting", [])},
    ),
    "3 days with a day between": (
        daily_pain([2, 3], 4) + daily_pain([2], 1) + [workout(1, 1, hours_ago=1)],
        "UTC",
        {"left": ("waiting", [])},
    ),
    "an urgent check 13 days ago": (
        [check("urgent", 13), workout(1, 1)],
        "UTC",
        {"left": ("waiting", ["check_stands"])},
    ),
    "an urgent check 14 days ago": (
        [check("urgent", 14), workout(1, 1)],
        "UTC",
        {"left": ("waiting", ["check_stands"])},
    ),
    "an urgent check 15 days ago": ([check("urgent", 15), workout(1, 1)], "UTC", {"left": ("waiting", [])}),
    "an emergency check stands after a doctor's visit": (
        [check("emergency", 5), visit(3), workout(1, 1)],
        "UTC",
        {"left": ("waiting", ["check_stands"])},
    ),
    "a doctor check 13 days ago": (
        [check("doctor", 13), workout(1, 1)],
        "UTC",
        {"left": ("waiting", ["check_stands"])},
    ),
    "a doctor check with a visit since": (
        [check("doctor", 10), visit(3), workout(1, 1)],
        "UTC",
        {"left": ("waiting", [])},
    ),
    "a self-care check": ([check("selfcare", 2), workout(1, 1)], "UTC", {"left": ("waiting", [])}),
    "knees apart": (
        [workout(2, 2, knee="right"), workout(6, 1, knee="left", days_ago=2), workout(1, 1, knee="both", days_ago=14)],
        "UTC",
        {"left": ("red", []), "right": ("waiting", []), "both": ("waiting", [])},
    ),
    "a workout 15 days ago is not today's question": ([workout(1, 1, days_ago=15)], "UTC", {}),
}


def days_across_midnight():
    """Left-knee scores at 20:00 UTC on 4 and 5 December and 02:00 UTC on 6 December:
    three days in a row in UTC, two in New York (15:00, 15:00, 21:00 of the 4th and 5th)."""
    moments = [
        datetime(2026, 12, 4, 20, tzinfo=UTC),
        datetime(2026, 12, 5, 20, tzinfo=UTC),
        datetime(2026, 12, 6, 2, tzinfo=UTC),
    ]
    return [pain(2, moment=moment) for moment in moments] + [workout(1, 1, hours_ago=1)]


def weeks_across_midnight():
    """Morning answers on Sunday 22:00 UTC (Monday 03:00 in Yekaterinburg) and in the weeks
    around: rising 2 weeks in a row where Monday begins at 19:00 UTC, not in UTC."""
    entries = []
    for moment, score in (
        (datetime(2026, 11, 22, 22, tzinfo=UTC), 1),  # Sunday in UTC, Monday the 23rd in Yekaterinburg
        (datetime(2026, 11, 30, 9, tzinfo=UTC), 2),
        (datetime(2026, 12, 6, 22, tzinfo=UTC), 3),  # Sunday the 6th in UTC, Monday the 7th in Yekaterinburg
    ):
        session = workout(1, 1, days_ago=(NOW - moment).days + 1)
        entries += [session, {**pain(score, moment=moment), "morningOf": session["id"]}]
    return entries


for name, diary, zone, answer in (
    ("3 days in a row in UTC", days_across_midnight(), "UTC", {"left": ("waiting", ["pain_over_2_days"])}),
    ("2 days in New York", days_across_midnight(), "America/New_York", {"left": ("waiting", [])}),
    ("weeks rising in Yekaterinburg", weeks_across_midnight(), "Asia/Yekaterinburg", {"left": ("red", ["worsening"])}),
    ("the same weeks in UTC", weeks_across_midnight(), "UTC", {"left": ("red", [])}),
):
    PATTERN_CASES[name] = (diary, zone, answer)


# The morning question: (hours after 08:00 UTC, its moment, that NOW is): due or not.
MORNING_CASES = {-0.02: False, 0: True, 6: True, 12: True, 12.02: False}
