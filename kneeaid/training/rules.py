"""The knee's answer to a workout (../shared/training.md, version 1; docs/medical-rules.md),
evaluated on the server: a workout's zone from the pain during it, after it and the
next morning, and the patterns over the diary that reach the check's doctor rules.

The lines are data in static/data/training.json, which the offline evaluator in the
browser (static/js/training-rules.js) reads too, and which gives the same answer for
the same entries (tests/unit/test_training_rules.py and its browser twin). Pure
functions of the entries, the moment and the person's time zone.
"""

import json
from datetime import datetime, time, timedelta

from ..extensions import PROJECT_ROOT

RULES_FILE = PROJECT_ROOT / "static" / "data" / "training.json"
TRAINING = json.loads(RULES_FILE.read_text(encoding="utf-8"))

ZONES = tuple(TRAINING["zones"])  # highest first
WAITING = TRAINING["waiting"]
SCORE_AT_LEAST = TRAINING["scoreAtLeast"]
CHECK_SIGNS = tuple(TRAINING["checkSigns"])
PATTERNS = TRAINING["patterns"]
PATTERN_ORDER = tuple(TRAINING["patternOrder"])
ACTIVITIES = tuple(TRAINING["activities"])
LEAST_MINUTES, MOST_MINUTES = TRAINING["minutes"]["least"], TRAINING["minutes"]["most"]
MORNING_HOUR = TRAINING["morning"]["hour"]
RECENT_DAYS = TRAINING["recentDays"]  # the knees asked about: a workout in these last days
MORNING_ASKED_FOR = timedelta(hours=TRAINING["morning"]["askedForHours"])  # as the follow-up's push: 12 h late


def moment_of(text):
    """A stored time (RFC 3339, UTC) as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def zone_of_scores(during, after):
    """The zone the pain during and after a session give alone (no morning yet)."""
    worst = max(during, after)
    if worst >= SCORE_AT_LEAST["check"]:
        return "check"
    if worst >= SCORE_AT_LEAST["red"]:
        return "red"
    return "amber" if worst >= SCORE_AT_LEAST["amber"] else "green"


def workout_zone(workout, morning, before):
    """{"zone", "sofar", "symptoms"} of one workout: ``morning`` is the next
    morning's pain entry (or None), ``before`` the same knee's last score before
    the session (0 when none). Check and red from during and after are final;
    amber and green wait for the morning ("sofar" holds the zone from the scores
    alone). "symptoms" are the check's symptoms a "check" zone ticks."""
    sofar = zone_of_scores(workout["painDuring"], workout["painAfter"])
    if morning is None:
        final = sofar in ("check", "red")
        return {"zone": sofar if final else WAITING, "sofar": sofar, "symptoms": symptoms_to_check(workout, None)}
    worst = max(workout["painDuring"], workout["painAfter"], morning["pain"])
    if morning.get("signs") or worst >= SCORE_AT_LEAST["check"]:
        zone = "check"
    elif sofar == "red" or morning["pain"] > before:
        zone = "red"
    else:
        zone = sofar
    return {"zone": zone, "sofar": sofar, "symptoms": symptoms_to_check(workout, morning)}


def symptoms_to_check(workout, morning):
    """The check's symptom ids a "check" zone ticks: the morning's signs, and
    severe pain for a score of 7 or more."""
    scores = [workout["painDuring"], workout["painAfter"]] + ([morning["pain"]] if morning else [])
    signs = [sign for sign in CHECK_SIGNS if morning and sign in morning.get("signs", ())]
    return signs + ([TRAINING["checkScoreSymptom"]] if max(scores) >= SCORE_AT_LEAST["check"] else [])


def local_day(moment, zone):
    return moment.astimezone(zone).date()


def local_moment(day, hour, zone, minute=0):
    """The moment of ``hour``:``minute`` on a calendar day where the person is."""
    naive = datetime.combine(day, time(hour, minute))
    return zone.localize(naive) if hasattr(zone, "localize") else naive.replace(tzinfo=zone)


def morning_at(workout, zone, hour=MORNING_HOUR, minute=0):
    """When the morning question about a workout is asked: the moment chosen
    when it was logged, else at this hour (08:00) the next day where the person is."""
    if "morningAt" in workout:
        return moment_of(workout["morningAt"])
    return local_moment(local_day(moment_of(workout["at"]), zone) + timedelta(days=1), hour, zone, minute)


class Diary:
    """A diary's entries sorted out for the rules: workouts, pain scores, checks
    and doctor's visits, each oldest first."""

    def __init__(self, entries):
        read = [entry for entry in entries if entry["kind"] in ("workout", "pain", "check", "doctor_visit")]
        by_time = sorted(read, key=lambda entry: moment_of(entry["at"]))
        self.workouts = [e for e in by_time if e["kind"] == "workout"]
        self.pains = [e for e in by_time if e["kind"] == "pain"]
        self.checks = [e for e in by_time if e["kind"] == "check"]
        self.visits = [e for e in by_time if e["kind"] == "doctor_visit"]

    def morning_of(self, workout):
        """The next morning's answer about a workout (the latest, if sent twice), or None."""
        answers = [pain for pain in self.pains if pain.get("morningOf") == workout["id"]]
        return answers[-1] if answers else None

    def score_before(self, workout):
        """The same knee's last pain score before the session began (0 when none)."""
        start = moment_of(workout["at"]) - timedelta(minutes=workout["minutes"])
        mine = [pain for pain in self.pains if pain["knee"] == workout["knee"]]
        earlier = [pain for pain in mine if moment_of(pain["at"]) < start and pain.get("morningOf") != workout["id"]]
        return earlier[-1]["pain"] if earlier else 0

    def since_visit(self, kind_entries, knee):
        """The entries of a knee after its latest doctor's visit (a visit for no knee counts for all)."""
        visits = [moment_of(v["at"]) for v in self.visits if v.get("knee") in (None, knee)]
        after = max(visits) if visits else None
        return [e for e in kind_entries if e["knee"] == knee and (after is None or moment_of(e["at"]) > after)]


def within(moment, now, days):
    """Whether a moment is no more than ``days`` days before now."""
    return now - moment <= timedelta(days=days)


def pain_after_every_workout(diary, knee, now, _zone):
    """The knee's last workouts (3) each hurt 3 or more after, all within 14 days."""
    rule = PATTERNS["after_every_workout"]
    last = diary.since_visit(diary.workouts, knee)[-rule["workouts"] :]
    return len(last) == rule["workouts"] and all(
        w["painAfter"] >= rule["painAfterAtLeast"] and within(moment_of(w["at"]), now, rule["days"]) for w in last
    )


def worsening(diary, knee, now, zone):
    """The knee's weekly highest morning score rose 2 weeks in a row (calendar
    weeks from Monday, where the person is), up to a morning within 14 days."""
    rule = PATTERNS["worsening"]
    mornings = [pain for pain in diary.since_visit(diary.pains, knee) if "morningOf" in pain]
    if not mornings or not within(moment_of(mornings[-1]["at"]), now, rule["days"]):
        return False
    highest = {}
    for pain in mornings:
        day = local_day(moment_of(pain["at"]), zone)
        monday = day - timedelta(days=day.weekday())
        highest[monday] = max(highest.get(monday, 0), pain["pain"])
    latest = max(highest)
    weeks = [latest - timedelta(weeks=back) for back in range(rule["risingWeeks"], -1, -1)]
    if any(week not in highest for week in weeks):
        return False
    return all(highest[earlier] < highest[later] for earlier, later in zip(weeks, weeks[1:], strict=False))


def pain_over_two_days(diary, knee, now, zone):
    """A pain score above 0 for the knee on 3 calendar days in a row (where the
    person is), and no 0 on those days, within the last 14 days."""
    rule = PATTERNS["pain_over_2_days"]
    days = {}
    for pain in diary.since_visit(diary.pains, knee):
        if within(moment_of(pain["at"]), now, rule["days"]):
            day = local_day(moment_of(pain["at"]), zone)
            days[day] = days.get(day, True) and pain["pain"] > 0
    painful = {day for day, all_above_0 in days.items() if all_above_0}
    return any(all(day + timedelta(days=n) in painful for n in range(rule["daysInARow"])) for day in painful)


KNEE_PATTERNS = {
    "after_every_workout": pain_after_every_workout,
    "worsening": worsening,
    "pain_over_2_days": pain_over_two_days,
}


def standing_check(diary, now):
    """The latest check whose advice stands: urgent or emergency in the last 14
    days, or doctor in the last 14 days with no doctor's visit noted since; else None."""
    rule = PATTERNS["check_stands"]
    visits = [moment_of(v["at"]) for v in diary.visits]
    standing = [
        check
        for check in diary.checks
        if within(moment_of(check["at"]), now, rule["days"])
        and (
            check["tier"] in rule["tiers"]
            or (check["tier"] == rule["untilSeenTier"] and not any(v > moment_of(check["at"]) for v in visits))
        )
    ]
    return standing[-1] if standing else None


def knee_answers(entries, now, zone):
    """ "Can I train today?" for each knee with a workout in the last 14 days
    (left, right, both): its latest workout's zone, the patterns above it (in
    the order of the rules file), the check whose advice stands, and whether
    the morning question is due."""
    diary, answers = Diary(entries), []
    check = standing_check(diary, now)
    for knee in ("left", "right", "both"):
        workouts = [w for w in diary.workouts if w["knee"] == knee]
        if not workouts or not within(moment_of(workouts[-1]["at"]), now, RECENT_DAYS):
            continue
        latest = workouts[-1]
        morning = diary.morning_of(latest)
        found = [pattern for pattern, holds in KNEE_PATTERNS.items() if holds(diary, knee, now, zone)]
        answers.append(
            {
                "knee": knee,
                "workout": latest,
                "morning": morning,
                **workout_zone(latest, morning, diary.score_before(latest)),
                "patterns": [p for p in PATTERN_ORDER if p in found or (p == "check_stands" and check)],
                "standingCheck": check,
                "morningDue": morning is None and morning_is_due(latest, now, zone),
            }
        )
    return answers


def morning_is_due(workout, now, zone):
    """Whether the morning question about a workout is asked now: from its
    moment, for 12 hours."""
    asked = morning_at(workout, zone)
    return asked <= now <= asked + MORNING_ASKED_FOR


def workout_lines(entries):
    """Each workout among these entries, oldest first, with its next morning's answer
    (or None) and its zone: the lines of the record for the doctor."""
    diary = Diary(entries)
    lines = []
    for workout in diary.workouts:
        morning = diary.morning_of(workout)
        lines.append(
            {"workout": workout, "morning": morning, **workout_zone(workout, morning, diary.score_before(workout))}
        )
    return lines


def patterns_found(entries, now, zone):
    """{knee: its patterns} as they stood at ``now`` (the end of a period), for the knees that have any."""
    return {answer["knee"]: answer["patterns"] for answer in knee_answers(entries, now, zone) if answer["patterns"]}
