"""The summary for the doctor as data: page one (the episode, a line per knee, the
highest advice, the sessions in brief, the chart scaled to the episode) and the entries
of the period by kind. Pure functions of the entries, the period and the time zone, so the
HTML summary and its PDF (pages.py) are drawn from the same data by one template."""

import math
from datetime import UTC, datetime, time, timedelta

from ..check import triage
from ..training.rules import patterns_found, workout_lines
from .history import KNEES_OF, knees_in_pain_for_more_than_two_days, local_day, moment_of, next_month, pain_points
from .kinds import KINDS, as_noted

DAYS_DEFAULT, DAYS_MIN, DAYS_MAX = 30, 7, 365
DAYS_OFFERED = (7, 30, 90, 365)
KNEES = ("left", "right", "both")
CHART_WIDTH, CHART_HEIGHT, CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 640, 230, 40, 12, 18, 30
MOST_DOTS = 100  # more scores than this: the lines alone (dots would touch, and each costs the PDF time)
# The most a summary lists of each kind, the newest, whatever a diary holds: its PDF stays within
# a few seconds and a few hundred MB (bench/summary_limits.py); the CSV export has every entry.
MOST_LISTED = {name: kind.MOST_LISTED for name, kind in KINDS.items()}
MOST_POINTS = 300  # per knee on the chart: past it, the highest score of each 1/300 of the period


def period_days(text):
    """The days asked for with ?days= (None: the default). ValueError for
    anything but a whole number from DAYS_MIN to DAYS_MAX."""
    if text is None:
        return DAYS_DEFAULT
    if not text.isascii() or not text.isdigit() or not DAYS_MIN <= int(text) <= DAYS_MAX:
        raise ValueError(text)
    return int(text)


def months_of_period(start, end):
    """The store's month names ("2026-11", by UTC) that can hold an entry of the period."""
    first, last = start.astimezone(UTC), end.astimezone(UTC)
    month, last = (first.year, first.month), (last.year, last.month)
    names = []
    while month <= last:
        names.append(f"{month[0]:04d}-{month[1]:02d}")
        month = next_month(month)
    return names


def in_period(entries, start, end):
    """The entries that happened from start to end, oldest first."""
    return sorted((entry for entry in entries if start <= moment_of(entry) <= end), key=moment_of)


def report(entries, start, end, zone):
    """Everything the summary shows of the period's entries (oldest first): page one,
    the counts of every kind, and the newest MOST_LISTED of each to list."""
    shown = [as_noted(entry) for entry in in_period(entries, start, end)]
    by_kind = {kind: [entry for entry in shown if entry["kind"] == kind] for kind in MOST_LISTED}
    episode = episode_of(shown, zone)
    two_days = knees_in_pain_for_more_than_two_days(by_kind["pain"])  # the knees, each on its own
    return {
        "start": start,
        "end": end,
        "days": round((end - start) / timedelta(days=1)),
        "episode": episode,
        "knees": {knee: knee_in_brief(by_kind["pain"], knee, knee in two_days) for knee in KNEES_OF},
        "highest_check": highest_check(by_kind["check"]),
        "sessions_in_brief": sessions_in_brief(by_kind["session"]),
        "counts": {kind: len(of_kind) for kind, of_kind in by_kind.items()},
        "pains": by_kind["pain"][-MOST_LISTED["pain"] :],
        "sessions": by_kind["session"][-MOST_LISTED["session"] :],
        "checks": by_kind["check"][-MOST_LISTED["check"] :],
        "workouts": workout_lines(by_kind["workout"] + by_kind["pain"])[-MOST_LISTED["workout"] :],
        "patterns": patterns_found(shown, end, zone),
        "chart": knee_chart(
            by_kind["pain"], episode["start"], episode["end"], (episode["first"], episode["last"]), by_kind["workout"]
        )
        if episode
        else None,
    }


def local_midnight(day, zone):
    """The moment a calendar day begins in a time zone (pytz's or zoneinfo's)."""
    midnight = datetime.combine(day, time())
    return zone.localize(midnight) if hasattr(zone, "localize") else midnight.replace(tzinfo=zone)


def episode_of(entries, zone):
    """The episode the period's entries (oldest first) tell of: its first and last
    day in the person's time zone, how many calendar days it spans, and the
    moments it begins and ends (midnight to midnight), or None without entries."""
    if not entries:
        return None
    first, last = local_day(moment_of(entries[0]), zone), local_day(moment_of(entries[-1]), zone)
    return {
        "first": first,
        "last": last,
        "days": (last - first).days + 1,
        "start": local_midnight(first, zone),
        "end": local_midnight(last + timedelta(days=1), zone),
    }


TREND_DAYS = 7  # a knee's trend: its latest score against its first of the week before


def knee_in_brief(pains, knee, in_pain_for_more_than_two_days):
    """One knee's line on page one ("both" counts for each knee), or None with no
    score: its scores, since when it hurts (the run of painful scores, no 0 in
    between, its latest belongs to) or since when it does not, its highest
    (the first time it was reached) and latest, and its trend over TREND_DAYS."""
    points = pain_points(pains, knee)
    if not points:
        return None
    latest_moment, latest = points[-1]
    run_began = latest_moment
    for moment, pain in reversed(points):
        if (pain == 0) != (latest == 0):
            break
        run_began = moment
    highest = max(pain for _, pain in points)
    week = [point for point in points if latest_moment - point[0] <= timedelta(days=TREND_DAYS)]
    return {
        "scores": len(points),
        "latest": latest,
        "latest_at": latest_moment,
        "highest": highest,
        "highest_at": next(moment for moment, pain in points if pain == highest),
        "hurts": latest > 0,
        "ever_hurt": highest > 0,
        "since": run_began,
        "trend_from": week[0] if len(week) > 1 else None,
        # D1 as the data holds it: no 0 in the whole days since the painful scores began.
        "days_without_0": (latest_moment - run_began).days if in_pain_for_more_than_two_days else None,
    }


def highest_check(checks):
    """The check with the highest advice of the period (the newest of equals), or None."""
    if not checks:
        return None
    return min(reversed(checks), key=lambda check: triage.TIERS.index(check["tier"]))


def sessions_in_brief(sessions):
    """The period's first-aid sessions in one line: how many, when, the minutes of ice, and how many stopped."""
    if not sessions:
        return None
    cold_minutes = [round(entry["cold"]["actualSeconds"] / 60) for entry in sessions if entry["cold"]]
    return {
        "count": len(sessions),
        "first": moment_of(sessions[0]),
        "last": moment_of(sessions[-1]),
        "cold": len(cold_minutes),
        "cold_least": min(cold_minutes, default=0),
        "cold_most": max(cold_minutes, default=0),
        "raised": sum(1 for entry in sessions if entry["elevation"]),
        "stopped": sum(1 for entry in sessions if entry["outcome"] == "stopped"),
    }


CHART_DAYS = 30  # the diary view's chart: the month before its newest entry, not a calendar month


def chart_of(entries, end):
    """The diary view's chart: the pain scores of the CHART_DAYS before ``end``, or None. An
    episode that began late last month shows whole, not from the 1st."""
    start = end - timedelta(days=CHART_DAYS)
    pains = [entry for entry in in_period(entries, start, end) if entry["kind"] == "pain"]
    return knee_chart(pains, start, end) if pains else None


def knee_chart(pains, start, end, days=None, workouts=()):
    """Coordinates of the period's pain chart, one line per knee, or None
    without pain scores. The x axis is the whole period, start to end, with a tick a
    week; ``days`` (first, last) are the dates its ends are labelled with (start and end if None);
    each workout is a mark on the axis."""
    if not pains:
        return None
    span = max((end - start).total_seconds(), 1)
    workout_marks = [
        round(
            CHART_LEFT + (moment_of(entry) - start).total_seconds() / span * (CHART_WIDTH - CHART_LEFT - CHART_RIGHT), 1
        )
        for entry in workouts
        if start <= moment_of(entry) <= end
    ]
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    lines = knee_lines(pains, start, span, plot_width, plot_height)
    return {
        "ticks": week_ticks(start, end, span, plot_width),
        "lines": [line for line in lines if line["points"]],
        "dots": len(pains) <= MOST_DOTS,
        "workouts": workout_marks[-MOST_POINTS:],
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - CHART_RIGHT,
        "top": CHART_TOP,
        "plot_height": plot_height,
        "start": start,
        "end": end,
        "first_day": (days or (start, end))[0],
        "last_day": (days or (start, end))[1],
        "lowest": min(entry["pain"] for entry in pains),
        "highest": max(entry["pain"] for entry in pains),
        "latest": pains[-1]["pain"],
    }


def knee_lines(pains, start, span, plot_width, plot_height):
    """The chart's line of each knee: its points, at most one a pixel or so (at_most)."""

    def point(entry):
        x = CHART_LEFT + (moment_of(entry) - start).total_seconds() / span * plot_width
        return round(x, 1), round(CHART_TOP + (10 - entry["pain"]) / 10 * plot_height, 1)

    of_knee = {knee: [entry for entry in pains if entry["knee"] == knee] for knee in KNEES}
    return [{"knee": knee, "points": [point(entry) for entry in at_most(of_knee[knee], start, span)]} for knee in KNEES]


MOST_TICK_LABELS = 6  # dates under the chart: more would run into each other on a phone
TICK_LABEL_ROOM = 105  # the chart's width a date under it takes: none too near the end's label


def week_ticks(start, end, span, plot_width):
    """A tick every 7 days after the chart's start, at the same local time whatever the
    clocks did, each with its x and moment; at most MOST_TICK_LABELS of them labelled with
    a date, evenly, none where it would run into the labels of the chart's two ends."""
    moments = []
    while (tick := weeks_after(start, len(moments) + 1)) < end:
        moments.append(tick)
    every = math.ceil(len(moments) / MOST_TICK_LABELS) or 1
    ticks = [
        {"x": round(CHART_LEFT + (tick - start).total_seconds() / span * plot_width, 1), "at": tick} for tick in moments
    ]
    for n, tick in enumerate(ticks):
        tick["labelled"] = (n + 1) % every == 0 and CHART_LEFT + TICK_LABEL_ROOM <= tick[
            "x"
        ] <= CHART_WIDTH - CHART_RIGHT - TICK_LABEL_ROOM
    return ticks


def weeks_after(moment, weeks):
    """The same local time ``weeks`` weeks later, in the moment's own time zone (pytz's or zoneinfo's)."""
    zone, later = moment.tzinfo, moment.replace(tzinfo=None) + timedelta(weeks=weeks)
    return zone.localize(later) if hasattr(zone, "localize") else later.replace(tzinfo=zone)


def at_most(pains, start, span):
    """A knee's scores (oldest first) as the chart draws them: all of them up to
    MOST_POINTS, else the highest of each 1/MOST_POINTS of the period (the worst
    pain of a stretch is the one a doctor must not miss), in time order."""
    if len(pains) <= MOST_POINTS:
        return pains
    highest = {}
    for entry in pains:
        stretch = min(int((moment_of(entry) - start).total_seconds() / span * MOST_POINTS), MOST_POINTS - 1)
        if stretch not in highest or entry["pain"] > highest[stretch]["pain"]:
            highest[stretch] = entry
    return [highest[stretch] for stretch in sorted(highest)]
